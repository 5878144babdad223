import { fileTypeFromBuffer } from 'file-type';
import { AppError } from '../../errors.js';
import { extensionOf } from './file-name.js';

/** A kind of file we accept, by the media type its content proves, with the names it may carry. */
interface AcceptedType {
  mediaType: string;
  extensions: readonly string[];
  label: string;
}

/** Formats recognised by their bytes (magic numbers; for DOCX, XLSX and ODT, the ZIP's entries). */
const BINARY_TYPES: readonly AcceptedType[] = [
  { mediaType: 'application/pdf', extensions: ['pdf'], label: 'PDF' },
  { mediaType: 'image/png', extensions: ['png'], label: 'PNG' },
  { mediaType: 'image/jpeg', extensions: ['jpg', 'jpeg'], label: 'JPEG' },
  {
    mediaType: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
    extensions: ['docx'],
    label: 'Word (DOCX)',
  },
  {
    mediaType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    extensions: ['xlsx'],
    label: 'Excel (XLSX)',
  },
  { mediaType: 'application/vnd.oasis.opendocument.text', extensions: ['odt'], label: 'ODT' },
  // Evidence often comes as a bundle (scanner output, configuration exports).
  { mediaType: 'application/zip', extensions: ['zip'], label: 'ZIP' },
];

/**
 * Text formats have no magic number: once the content is proven to be UTF-8 text (and not markup
 * a browser would run), the name's extension chooses among these. No extension means plain text.
 */
const TEXT_TYPES: readonly AcceptedType[] = [
  {
    mediaType: 'text/plain; charset=utf-8',
    extensions: ['txt', 'text', 'md', 'log', ''],
    label: 'plain text',
  },
  { mediaType: 'text/csv; charset=utf-8', extensions: ['csv'], label: 'CSV' },
  { mediaType: 'application/json', extensions: ['json'], label: 'JSON' },
  { mediaType: 'application/yaml', extensions: ['yaml', 'yml'], label: 'YAML' },
];

/** What we accept, for messages: "PDF, PNG, ... or UTF-8 text (.txt, .csv, .json, .yaml)". */
export const ACCEPTED_DESCRIPTION = `${BINARY_TYPES.map((t) => t.label).join(', ')}, or UTF-8 text as ${TEXT_TYPES.flatMap(
  (t) => t.extensions.filter((e) => e !== '').map((e) => `.${e}`),
).join(', ')}`;

export interface DetectedType {
  /** The media type to store and to serve the file with. */
  mediaType: string;
  /** The file name, with the type's extension added when it had none. */
  fileName: string;
}

function notAccepted(what: string): AppError {
  return new AppError(
    415,
    'document_type_not_accepted',
    `${what}. Accepted: ${ACCEPTED_DESCRIPTION}.`,
  );
}

/**
 * The media type of an uploaded file, found from its content, never from what the client said.
 * Binary formats are recognised by `file-type`; anything it does not recognise must be valid
 * UTF-8 text without control characters or HTML/XML markup, typed by its name's extension (JSON
 * must also parse). A name whose extension contradicts the content is refused, so a download's
 * name never misleads. Throws 415 for a type we do not take and 422 for content that is wrong.
 */
export async function detectDocumentType(bytes: Buffer, fileName: string): Promise<DetectedType> {
  if (bytes.length === 0) {
    throw new AppError(422, 'document_empty', `The file "${fileName}" is empty.`);
  }
  const extension = extensionOf(fileName);
  const found = await fileTypeFromBuffer(bytes);
  if (found) {
    const accepted = BINARY_TYPES.find((t) => t.mediaType === found.mime);
    if (!accepted) {
      throw notAccepted(`The file "${fileName}" is ${found.mime} (.${found.ext}) by its content`);
    }
    if (extension === '')
      return { mediaType: accepted.mediaType, fileName: `${fileName}.${found.ext}` };
    if (!accepted.extensions.includes(extension)) {
      throw new AppError(
        422,
        'document_name_mismatch',
        `The file "${fileName}" is ${accepted.label} by its content, not .${extension}; ` +
          `rename it to .${accepted.extensions[0] ?? found.ext} or upload the right file.`,
      );
    }
    return { mediaType: accepted.mediaType, fileName };
  }
  const text = decodeText(bytes);
  if (text === undefined) {
    throw notAccepted(
      `The file "${fileName}" is of a type we do not recognise (neither a known format nor UTF-8 text)`,
    );
  }
  if (looksLikeMarkup(text)) {
    throw notAccepted(`The file "${fileName}" is HTML or XML markup`);
  }
  const accepted = TEXT_TYPES.find((t) => t.extensions.includes(extension));
  if (!accepted) {
    throw notAccepted(`The file "${fileName}" is text with the extension .${extension}`);
  }
  if (accepted.mediaType === 'application/json') {
    try {
      JSON.parse(text);
    } catch (error) {
      throw new AppError(
        422,
        'document_content_invalid',
        `The file "${fileName}" is not valid JSON: ${(error as Error).message}.`,
      );
    }
  }
  return { mediaType: accepted.mediaType, fileName };
}

const UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });

/** The text of valid UTF-8 without control characters (other than tab, line breaks, form feed). */
function decodeText(bytes: Buffer): string | undefined {
  let text: string;
  try {
    text = UTF8.decode(bytes);
  } catch {
    return undefined;
  }
  // eslint-disable-next-line no-control-regex -- control characters are exactly what we look for
  return /[\u0000-\u0008\u000b\u000e-\u001f\u007f]/.test(text) ? undefined : text;
}

/**
 * HTML, SVG or XML: text a browser might render and run if it ever ignored our headers. Browsers
 * sniff HTML from the first 512 bytes; we look a little further, and at the very start for XML.
 */
function looksLikeMarkup(text: string): boolean {
  if (text.trimStart().startsWith('<')) return true;
  return /<(?:!doctype|html|head|body|script|iframe|svg|object|embed)\b/i.test(text.slice(0, 1024));
}
