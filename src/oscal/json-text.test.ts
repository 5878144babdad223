import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { asciiJsonText } from './json-text.js';

const bytes = (text: string) => new TextEncoder().encode(text);

describe('asciiJsonText', () => {
  it('gives JSON.parse the same value as ordinary decoding, for every width of UTF-8 character', () => {
    const value = {
      ascii: 'plain',
      two: 'é – ü',
      three: '“quoted” — ۱۲۳ اردو',
      four: 'emoji 😀 and 𝄞',
      key_é: ['mixed ✓', 1, true, null],
    };
    const text = asciiJsonText(bytes(JSON.stringify(value, null, 1)));
    assert.ok(text !== undefined);
    assert.equal(Buffer.byteLength(text), text.length, 'the text is all ASCII');
    assert.deepEqual(JSON.parse(text), value);
  });

  it('handles characters that straddle the 64 KiB slices it checks at a time', () => {
    for (let pad = 65530; pad < 65540; pad++) {
      const value = { a: 'x'.repeat(pad), b: '€😀é' };
      const text = asciiJsonText(bytes(JSON.stringify(value)));
      assert.deepEqual(JSON.parse(text ?? ''), value, `padding ${pad}`);
    }
  });

  it('declines invalid UTF-8 and a byte-order mark, leaving them to ordinary decoding', () => {
    for (const bad of [
      [0x22, 0xc3, 0x22], // a lead byte without its continuation
      [0x22, 0xc0, 0xaf, 0x22], // an overlong encoding of '/'
      [0x22, 0xed, 0xa0, 0x80, 0x22], // a UTF-16 surrogate written as UTF-8
      [0x22, 0xf4, 0x90, 0x80, 0x80, 0x22], // beyond U+10FFFF
      [0x22, 0x80, 0x22], // a stray continuation byte
      [0x22, 0xe2, 0x82], // cut off at the end
      [0xef, 0xbb, 0xbf, 0x22, 0xc3, 0xa9, 0x22], // a byte-order mark
    ]) {
      assert.equal(asciiJsonText(Uint8Array.from(bad)), undefined, bad.join(' '));
    }
  });

  it('returns ASCII input as it is', () => {
    assert.equal(asciiJsonText(bytes('{"a":"b"}')), '{"a":"b"}');
  });
});
