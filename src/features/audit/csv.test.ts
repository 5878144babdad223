import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { csvField, csvRecord } from './csv.js';

describe('csvField', () => {
  it('leaves plain text and numbers as they are, and writes null as an empty field', () => {
    assert.equal(csvField('organization.create'), 'organization.create');
    assert.equal(csvField(42), '42');
    assert.equal(csvField(null), '');
    assert.equal(csvField(''), '');
  });

  it('quotes fields with commas, quotes, CR or LF, doubling the quotes (RFC 4180)', () => {
    assert.equal(csvField('a,b'), '"a,b"');
    assert.equal(csvField('say "hi"'), '"say ""hi"""');
    assert.equal(csvField('two\nlines'), '"two\nlines"');
    assert.equal(csvField('two\r\nlines'), '"two\r\nlines"');
    assert.equal(csvField('{"after":{"name":"X"}}'), '"{""after"":{""name"":""X""}}"');
  });

  it('puts a single quote before text a spreadsheet would run as a formula', () => {
    assert.equal(
      csvField('=HYPERLINK("http://evil.example")'),
      `"'=HYPERLINK(""http://evil.example"")"`,
    );
    assert.equal(csvField('+1+1'), "'+1+1");
    assert.equal(csvField('-2+3'), "'-2+3");
    assert.equal(csvField('@SUM(A1)'), "'@SUM(A1)");
    assert.equal(csvField('\t=1'), "'\t=1");
    assert.equal(csvField('\r=1'), `"'\r=1"`);
    assert.equal(csvField('a=1'), 'a=1', 'only a leading sign counts');
    assert.equal(csvField(-1), '-1', 'numbers are not text');
  });
});

describe('csvRecord', () => {
  it('joins fields with commas and ends with CRLF', () => {
    assert.equal(csvRecord([1, 'a', null, 'b,c']), '1,a,,"b,c"\r\n');
  });
});
