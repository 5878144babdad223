/**
 * The largest display name kept, in user-perceived characters (grapheme clusters, so that a cut
 * never splits an accent from its letter); longer names are shortened before the extension.
 */
const MAX_NAME = 200;

/**
 * A file name safe to show and to send back in Content-Disposition: the last path segment only,
 * Unicode NFC, no control, bidirectional-control or reserved characters (\ / : * ? " < > |), white space folded, no
 * leading dots, at most 200 characters with the extension kept. An empty result is "document".
 */
export function sanitiseFileName(name: string): string {
  const base = name.split(/[\\/]/).pop() ?? '';
  let clean = base
    .normalize('NFC')
    // eslint-disable-next-line no-control-regex -- control characters are what we remove
    .replace(/[\u0000-\u001f\u007f-\u009f]/g, '')
    // Bidirectional controls can make "txt.exe" display as "exe.txt".
    .replace(/[\u200e\u200f\u202a-\u202e\u2066-\u2069]/g, '')
    .replace(/[\\/:*?"<>|]/g, '_')
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/^[.\s]+/, '')
    .replace(/[.\s]+$/, '');
  const characters = graphemes(clean);
  if (characters.length > MAX_NAME) {
    const extension = extensionOf(clean);
    const keep = extension === '' || extension.length > 10 ? '' : `.${extension}`;
    const stem = characters
      .slice(0, MAX_NAME - graphemes(keep).length)
      .join('')
      .trimEnd();
    clean = `${stem}${keep}`;
  }
  return clean === '' ? 'document' : clean;
}

/** The lower-case extension of a file name without the dot, or '' when it has none. */
export function extensionOf(name: string): string {
  const dot = name.lastIndexOf('.');
  return dot <= 0 ? '' : name.slice(dot + 1).toLowerCase();
}

/**
 * `attachment` with the name twice (RFC 6266): an ASCII fallback in `filename` and the exact
 * name, percent-encoded UTF-8, in `filename*`, which every current browser prefers.
 */
export function attachmentDisposition(fileName: string): string {
  const fallback = fileName.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_');
  const encoded = encodeURIComponent(fileName).replace(
    /['()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
  return `attachment; filename="${fallback}"; filename*=UTF-8''${encoded}`;
}

const SEGMENTER = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

function graphemes(text: string): string[] {
  return Array.from(SEGMENTER.segment(text), (part) => part.segment);
}
