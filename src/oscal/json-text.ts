import { Buffer, isAscii } from 'node:buffer';

// Reading a large OSCAL JSON file fast. NIST's 3 MB SP 800-53 catalog holds a few hundred
// non-ASCII bytes (curly quotes, dashes); one of them is enough for Node 20 to decode the whole
// file into a two-byte string at about a third of the speed of an ASCII one (12 ms against 2 ms
// here, more than the profile resolution itself). JSON can only carry such characters inside
// strings, where the escape `\uXXXX` means the same character, so writing them as escapes gives a
// one-byte text that JSON.parse turns into exactly the same value.

/** Below this many bytes a stretch with non-ASCII bytes is walked byte by byte. */
const WALK_BELOW = 256;

/**
 * The text of UTF-8 JSON `bytes` for JSON.parse, or undefined when the fast form does not apply
 * (invalid UTF-8, or a byte-order mark); the caller then decodes it the ordinary way. Only for
 * JSON: the escapes would change the meaning of YAML or of any non-JSON text, and a text that
 * JSON.parse refuses must be decoded the ordinary way again so that error positions are right.
 */
export function asciiJsonText(bytes: Uint8Array): string | undefined {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (isAscii(buffer)) return buffer.toString('latin1');
  if (buffer[0] === 0xef && buffer[1] === 0xbb && buffer[2] === 0xbf) return undefined;
  const pieces: string[] = [];
  let copied = 0;
  // Non-ASCII bytes are few and scattered: halving the stretches that hold some, with Node's
  // vectorised isAscii, finds them far faster than a JavaScript loop over every byte.
  // Returns false on invalid UTF-8.
  const scan = (from: number, to: number): boolean => {
    if (to <= copied || isAscii(buffer.subarray(Math.max(from, copied), to))) return true;
    if (to - from > WALK_BELOW) {
      const middle = from + Math.floor((to - from) / 2);
      return scan(from, middle) && scan(middle, to);
    }
    // A sequence may begin here and end past `to`; `copied` then skips its tail in the next stretch.
    for (let i = Math.max(from, copied); i < to;) {
      if ((buffer[i] ?? 0) < 0x80) {
        i += 1;
        continue;
      }
      const decoded = decodeSequence(buffer, i);
      if (decoded === undefined) return false;
      pieces.push(buffer.toString('latin1', copied, i), escapeCodePoint(decoded.codePoint));
      i += decoded.length;
      copied = i;
    }
    return true;
  };
  if (!scan(0, buffer.length)) return undefined;
  pieces.push(buffer.toString('latin1', copied));
  return pieces.join('');
}

/** One UTF-8 sequence starting at `at`, or undefined if it is not well-formed (RFC 3629). */
function decodeSequence(
  buffer: Buffer,
  at: number,
): { codePoint: number; length: number } | undefined {
  const lead = buffer[at] ?? 0;
  let length: number;
  let codePoint: number;
  let min: number;
  if (lead >= 0xc2 && lead <= 0xdf) [length, codePoint, min] = [2, lead & 0x1f, 0x80];
  else if (lead >= 0xe0 && lead <= 0xef) [length, codePoint, min] = [3, lead & 0x0f, 0x800];
  else if (lead >= 0xf0 && lead <= 0xf4) [length, codePoint, min] = [4, lead & 0x07, 0x10000];
  else return undefined;
  if (at + length > buffer.length) return undefined;
  for (let k = 1; k < length; k++) {
    const next = buffer[at + k] ?? 0;
    if ((next & 0xc0) !== 0x80) return undefined;
    codePoint = (codePoint << 6) | (next & 0x3f);
  }
  const surrogate = codePoint >= 0xd800 && codePoint <= 0xdfff;
  if (codePoint < min || codePoint > 0x10ffff || surrogate) return undefined;
  return { codePoint, length };
}

function escapeCodePoint(codePoint: number): string {
  const unit = (u: number) => `\\u${u.toString(16).padStart(4, '0')}`;
  if (codePoint < 0x10000) return unit(codePoint);
  const offset = codePoint - 0x10000;
  return unit(0xd800 + (offset >> 10)) + unit(0xdc00 + (offset & 0x3ff));
}
