import { createHash } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type {} from '@fastify/multipart';
import { AppError, type ProblemIssue } from '../../errors.js';
import { sanitiseFileName } from './file-name.js';

/** One uploaded file, read whole: its bytes, their SHA-256 and the name it was sent with. */
export interface ReceivedFile {
  /** The sanitised name the client gave (before the type check may add an extension). */
  fileName: string;
  bytes: Buffer;
  size: number;
  /** Lower-case hex. */
  sha256: string;
}

export interface ReceivedUpload {
  fields: Record<string, string>;
  file: ReceivedFile;
}

/** Text fields beside the file are short (a kind, later an id or a title). */
const FIELD_LIMIT = 2000;

/** The multipart form field that carries the file. */
export const FILE_FIELD = 'file';

/**
 * Reads a multipart/form-data request with exactly one file (in the field "file") and the named
 * text fields, hashing the file as it streams in and stopping as soon as it passes `limit` bytes.
 * The file is held in memory (so `limit` bounds what one request costs) because its type can only
 * be checked once it is complete, and it is stored in one transaction with its record. Refusals
 * are AppErrors: 415 when the request is not multipart, 413 naming the limit, 400 for fields;
 * a refusal before the body is all read closes the connection after the answer.
 * Reusable by any route that takes a document together with a record.
 */
export async function receiveUpload(
  request: FastifyRequest,
  reply: FastifyReply,
  options: { limit: number; fields: readonly string[] },
): Promise<ReceivedUpload> {
  if (!request.isMultipart()) {
    const sent = request.headers['content-type'];
    throw new AppError(
      415,
      'unsupported_media_type',
      `Content-Type ${sent ? `"${sent}"` : '(none)'} is not accepted here; send multipart/form-data with the file in the field "${FILE_FIELD}".`,
    );
  }
  const fields: Record<string, string> = {};
  const issues: ProblemIssue[] = [];
  let file: ReceivedFile | undefined;
  try {
    const parts = request.parts({
      limits: {
        files: 1,
        fileSize: options.limit,
        fields: options.fields.length + 4,
        fieldSize: FIELD_LIMIT,
        parts: options.fields.length + 5,
      },
    });
    for await (const part of parts) {
      if (part.type === 'field') {
        if (!options.fields.includes(part.fieldname)) {
          issues.push(field(part.fieldname, `unknown field "${part.fieldname}"`));
        } else if (part.fieldname in fields) {
          issues.push(field(part.fieldname, 'is sent more than once'));
        } else if (part.valueTruncated || typeof part.value !== 'string') {
          issues.push(field(part.fieldname, `must be text of at most ${FIELD_LIMIT} bytes`));
        } else {
          fields[part.fieldname] = part.value;
        }
        continue;
      }
      if (part.fieldname !== FILE_FIELD) {
        part.file.resume();
        issues.push(
          field(
            part.fieldname,
            `unknown field "${part.fieldname}": send the file as "${FILE_FIELD}"`,
          ),
        );
        continue;
      }
      const hash = createHash('sha256');
      const chunks: Buffer[] = [];
      let size = 0;
      for await (const chunk of part.file as AsyncIterable<Buffer>) {
        if (part.file.truncated) throw tooLarge(options.limit);
        hash.update(chunk);
        chunks.push(chunk);
        size += chunk.length;
      }
      if (part.file.truncated || size > options.limit) throw tooLarge(options.limit);
      file = {
        fileName: sanitiseFileName(part.filename),
        bytes: Buffer.concat(chunks, size),
        size,
        sha256: hash.digest('hex'),
      };
    }
  } catch (error) {
    // Refused while the client is still sending (over the limit): unread bytes would keep the
    // connection busy until a timeout, so it closes once the answer is out.
    if (!request.raw.complete) void reply.header('connection', 'close');
    throw multipartRefusal(error, options.limit);
  }
  if (!file)
    issues.push(field(FILE_FIELD, `required field "${FILE_FIELD}" is missing: attach one file`));
  for (const name of options.fields) {
    if (!(name in fields) && !issues.some((issue) => issue.pointer === `/${name}`)) {
      issues.push(field(name, `required field "${name}" is missing`));
    }
  }
  if (issues.length > 0 || !file) {
    throw AppError.badRequest(
      'validation_failed',
      `The request is not valid: ${issues.map((i) => `body ${i.pointer}: ${i.message}`).join('; ')}.`,
      issues,
    );
  }
  return { fields, file };
}

function field(name: string, message: string): ProblemIssue {
  return { in: 'body', pointer: `/${name.replace(/~/g, '~0').replace(/\//g, '~1')}`, message };
}

function tooLarge(limit: number): AppError {
  return new AppError(
    413,
    'file_too_large',
    `The file is larger than the upload limit of ${limit} bytes (${describeBytes(limit)}).`,
  );
}

/** 20971520 -> "20 MiB"; sizes that are not whole MiB or KiB stay in bytes. */
export function describeBytes(bytes: number): string {
  if (bytes % (1024 * 1024) === 0) return `${bytes / (1024 * 1024)} MiB`;
  if (bytes % 1024 === 0) return `${bytes / 1024} KiB`;
  return `${bytes} bytes`;
}

/** The multipart parser's own errors, as problems that say what to change. */
function multipartRefusal(error: unknown, limit: number): unknown {
  if (error instanceof AppError) return error;
  const code = (error as { code?: unknown } | null)?.code;
  switch (code) {
    case 'FST_REQ_FILE_TOO_LARGE':
      return tooLarge(limit);
    case 'FST_FILES_LIMIT':
      return AppError.badRequest(
        'one_file_only',
        `Send one file per request, in the field "${FILE_FIELD}".`,
      );
    case 'FST_PARTS_LIMIT':
    case 'FST_FIELDS_LIMIT':
      return AppError.badRequest(
        'too_many_fields',
        'The form has more fields than this request takes.',
      );
    case 'FST_PROTO_VIOLATION':
      return AppError.badRequest(
        'validation_failed',
        'A form field has a name that is not allowed.',
      );
    default:
      break;
  }
  if (error instanceof Error && /multipart|boundary|part terminated/i.test(error.message)) {
    return AppError.badRequest(
      'malformed_multipart',
      `The multipart/form-data body is malformed: ${error.message}.`,
    );
  }
  return error;
}
