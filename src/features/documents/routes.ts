import multipart from '@fastify/multipart';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type, type Static } from 'typebox';
import type { AppContext } from '../../context.js';
import { AppError } from '../../errors.js';
import { access, actorOf, requestContext } from '../identity/access.js';
import { DOCUMENT_ROLES } from './access.js';
import { attachmentDisposition } from './file-name.js';
import { DOCUMENT_KINDS, isDocumentKind } from './kinds.js';
import { ACCEPTED_DESCRIPTION } from './media-types.js';
import type { DocumentRow } from './repo.js';
import * as service from './service.js';
import { FILE_FIELD, describeBytes, receiveUpload } from './upload.js';

// The same list as DOCUMENT_KINDS, spelled out so that TypeBox types it (a test holds them equal).
export const Kind = Type.Union([
  Type.Literal('certificate'),
  Type.Literal('contract'),
  Type.Literal('legal'),
  Type.Literal('architecture'),
  Type.Literal('evidence'),
  Type.Literal('audit_report'),
  Type.Literal('other'),
]);

export const DocumentSchema = Type.Object(
  {
    id: Type.String(),
    organizationId: Type.String(),
    kind: Kind,
    fileName: Type.String(),
    mediaType: Type.String({ description: 'Found from the content, not taken from the client' }),
    size: Type.Integer({ description: 'Bytes' }),
    sha256: Type.String({ description: 'Lower-case hex SHA-256 of the content' }),
    uploadedByUserId: Type.Union([Type.String(), Type.Null()]),
    uploadedByPosition: Type.Union([Type.String(), Type.Null()]),
    uploadedAt: Type.String({ format: 'date-time' }),
  },
  { $id: 'Document' },
);

/** Exactly the fields of a document that leave the server (never its bytes). */
export function presentDocument(row: DocumentRow): Static<typeof DocumentSchema> {
  return {
    id: row.id,
    organizationId: row.organization_id,
    kind: row.kind,
    fileName: row.file_name,
    mediaType: row.media_type,
    size: row.size,
    sha256: row.sha256,
    uploadedByUserId: row.uploaded_by_user_id,
    uploadedByPosition: row.uploaded_by_position,
    uploadedAt: row.uploaded_at,
  };
}

const IdParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 64 }) });

/**
 * Documents: upload (multipart/form-data), metadata, download and list. The multipart parser is
 * registered inside this plugin only, so every other route still refuses multipart bodies.
 */
export const documentRoutes: FastifyPluginAsyncTypebox<{ ctx: AppContext }> = async (
  app,
  { ctx },
) => {
  const limit = ctx.config.http.uploadLimit;
  await app.register(multipart, { limits: { files: 1, fileSize: limit } });
  const DocumentRef = Type.Ref('Document');
  const rule = access.signedIn({ roles: DOCUMENT_ROLES });

  app.post(
    '/api/v1/documents',
    {
      config: { access: rule },
      schema: {
        tags: ['documents'],
        summary: 'Upload a document for your organization',
        description:
          `A multipart/form-data form with the file in "${FILE_FIELD}" and its "kind". At most ` +
          `${describeBytes(limit)} (UPLOAD_LIMIT). The type is found from the content: ` +
          `${ACCEPTED_DESCRIPTION}. Refusals: 413 over the limit, 415 for another type, 422 when ` +
          'the name contradicts the content or the content is broken; nothing is stored.',
        consumes: ['multipart/form-data'],
        body: Type.Object(
          {
            kind: Kind,
            [FILE_FIELD]: Type.String({
              format: 'binary',
              contentMediaType: 'application/octet-stream',
              description: `The file, at most ${limit} bytes`,
            }),
          },
          { additionalProperties: false },
        ),
        response: { 201: DocumentRef },
      },
      // The schema above documents the form; the parts are read and checked as they stream in
      // (receiveUpload), so Fastify's body validation, which would see no parsed body, is skipped.
      validatorCompiler: ({ httpPart }) => {
        if (httpPart !== 'body') throw new Error(`no validator for ${String(httpPart)} here`);
        return () => true;
      },
    },
    async (request, reply) => {
      const actor = actorOf(request);
      const { fields, file } = await receiveUpload(request, reply, { limit, fields: ['kind'] });
      const kind = fields.kind ?? '';
      if (!isDocumentKind(kind)) {
        throw AppError.badRequest(
          'validation_failed',
          `The request is not valid: body /kind: must be one of ${DOCUMENT_KINDS.join(', ')} (got ${JSON.stringify(kind)}).`,
          [
            {
              in: 'body',
              pointer: '/kind',
              message: `must be one of ${DOCUMENT_KINDS.join(', ')}`,
            },
          ],
        );
      }
      const row = await service.upload(ctx, actor, kind, file, requestContext(request));
      return reply
        .code(201)
        .header('location', `/api/v1/documents/${row.id}`)
        .send(presentDocument(row));
    },
  );

  app.get(
    '/api/v1/documents',
    {
      config: { access: rule },
      schema: {
        tags: ['documents'],
        summary: "List documents (all for Cloud Office officers; your organization's elsewhere)",
        querystring: Type.Object({
          organizationId: Type.Optional(Type.String({ maxLength: 64 })),
          kind: Type.Optional(Kind),
          limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
          offset: Type.Optional(Type.Integer({ minimum: 0, default: 0 })),
        }),
        response: {
          200: Type.Object({
            items: Type.Array(DocumentRef),
            total: Type.Integer(),
            limit: Type.Integer(),
            offset: Type.Integer(),
          }),
        },
      },
    },
    async (request) => {
      const { organizationId, kind, limit: pageSize = 50, offset = 0 } = request.query;
      const result = await service.list(
        ctx,
        actorOf(request),
        { organizationId, kind },
        { limit: pageSize, offset },
      );
      return {
        items: result.items.map(presentDocument),
        total: result.total,
        limit: pageSize,
        offset,
      };
    },
  );

  app.get(
    '/api/v1/documents/:id',
    {
      config: { access: rule, resource: { type: 'document', param: 'id' } },
      schema: {
        tags: ['documents'],
        summary: "One document's metadata",
        params: IdParams,
        response: { 200: DocumentRef },
      },
    },
    async (request) => presentDocument(await service.get(ctx, actorOf(request), request.params.id)),
  );

  app.get(
    '/api/v1/documents/:id/content',
    {
      config: { access: rule, resource: { type: 'document', param: 'id' } },
      schema: {
        tags: ['documents'],
        summary: 'Download a document',
        description:
          'The bytes as uploaded, as an attachment with the stored media type. ETag is the ' +
          'SHA-256 (If-None-Match answers 304) and Repr-Digest carries it too (RFC 9530).',
        params: IdParams,
        response: {
          200: {
            description: 'The file',
            content: {
              'application/octet-stream': {
                schema: Type.Unsafe<Buffer>({ type: 'string', format: 'binary' }),
              },
            },
          },
          304: { description: 'Not modified: the ETag sent matches', type: 'null' },
        },
      },
    },
    async (request, reply) => {
      const { document, bytes } = await service.content(ctx, actorOf(request), request.params.id);
      const etag = `"${document.sha256}"`;
      reply
        .header('etag', etag)
        .header('cache-control', 'private, no-cache')
        .header('x-content-type-options', 'nosniff');
      if (matchesEtag(request.headers['if-none-match'], etag)) return reply.code(304).send(null);
      return reply
        .header('content-type', document.media_type)
        .header('content-disposition', attachmentDisposition(document.file_name))
        .header(
          'repr-digest',
          `sha-256=:${Buffer.from(document.sha256, 'hex').toString('base64')}:`,
        )
        .send(bytes);
    },
  );
};

/** Whether an If-None-Match header names this ETag (or is "*"); weak and strong compare alike. */
function matchesEtag(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  return header
    .split(',')
    .map((tag) => tag.trim().replace(/^W\//, ''))
    .some((tag) => tag === etag || tag === '*');
}
