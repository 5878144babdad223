import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Value } from 'typebox/value';
import { attachmentDisposition, extensionOf, sanitiseFileName } from './file-name.js';
import { DOCUMENT_KINDS } from './kinds.js';
import { Kind } from './routes.js';

describe('sanitiseFileName', () => {
  it('keeps the last path segment and replaces reserved and control characters', () => {
    assert.equal(sanitiseFileName('C:\\Users\\me\\report.pdf'), 'report.pdf');
    assert.equal(sanitiseFileName('../../etc/passwd'), 'passwd');
    assert.equal(sanitiseFileName('a<b>:c"d|e?.txt'), 'a_b__c_d_e_.txt');
    assert.equal(sanitiseFileName('line\r\nbreak\u0000.txt'), 'linebreak.txt');
    assert.equal(sanitiseFileName('  many   spaces .txt '), 'many spaces .txt');
    assert.equal(sanitiseFileName('...hidden'), 'hidden');
    assert.equal(sanitiseFileName('invoice\u202Efdp.exe'), 'invoicefdp.exe');
    assert.equal(sanitiseFileName('///'), 'document');
  });

  it('shortens a long name to 200 characters, keeping its extension', () => {
    const name = sanitiseFileName(`${'ب'.repeat(300)}.pdf`);
    assert.equal(name.length, 200); // one UTF-16 unit and one grapheme per letter here
    assert.ok(name.endsWith('ب.pdf'));
  });

  it('composes to NFC, so one name has one spelling', () => {
    assert.equal(sanitiseFileName('re\u0301ponse.txt'), 'r\u00e9ponse.txt');
  });
});

describe('extensionOf', () => {
  it('is the lower-case part after the last dot, and empty for dotfiles and bare names', () => {
    assert.equal(extensionOf('Report.PDF'), 'pdf');
    assert.equal(extensionOf('archive.tar.gz'), 'gz');
    assert.equal(extensionOf('.profile'), '');
    assert.equal(extensionOf('README'), '');
  });
});

describe('attachmentDisposition', () => {
  it('gives an ASCII fallback and the exact name in filename* (RFC 6266, RFC 8187)', () => {
    assert.equal(
      attachmentDisposition("Rapport d'audit (final).pdf"),
      `attachment; filename="Rapport d'audit (final).pdf"; filename*=UTF-8''Rapport%20d%27audit%20%28final%29.pdf`,
    );
    assert.equal(
      attachmentDisposition('معاہدہ.pdf'),
      `attachment; filename="______.pdf"; filename*=UTF-8''${encodeURIComponent('معاہدہ')}.pdf`,
    );
  });
});

describe('document kinds', () => {
  it('are the same in the route schema and in the list the service checks', () => {
    for (const kind of DOCUMENT_KINDS) assert.ok(Value.Check(Kind, kind), kind);
    assert.equal(Kind.anyOf.length, DOCUMENT_KINDS.length);
  });
});
