import zlib from 'node:zlib';

/** The strings a PDF's content streams show (hex-encoded by pdfkit), inflated. */
export function pdfShownText(pdf: Buffer): string {
  const raw = pdf.toString('latin1');
  let text = '';
  for (const match of raw.matchAll(/stream\r?\n/g)) {
    const start = match.index + match[0].length;
    const bytes = pdf.subarray(start, raw.indexOf('endstream', start));
    let body: string;
    try {
      body = zlib.inflateSync(bytes).toString('latin1');
    } catch {
      body = bytes.toString('latin1');
    }
    for (const piece of body.matchAll(/<([0-9a-fA-F]+)>/g))
      text += Buffer.from(piece[1] ?? '', 'hex').toString('latin1');
  }
  return text;
}
