import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { crc32 } from 'node:zlib';
import { AppError } from '../../errors.js';
import { detectDocumentType } from './media-types.js';

/** A ZIP archive with stored (uncompressed) entries, written out by hand for the tests. */
function zip(entries: Record<string, string>): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const [name, text] of Object.entries(entries)) {
    const data = Buffer.from(text, 'utf8');
    const fileName = Buffer.from(name, 'utf8');
    const crc = crc32(data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4); // version needed
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(data.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(fileName.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(data.length, 20);
    central.writeUInt32LE(data.length, 24);
    central.writeUInt16LE(fileName.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, fileName, data);
    centrals.push(central, fileName);
    offset += local.length + fileName.length + data.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(Object.keys(entries).length, 8);
  end.writeUInt16LE(Object.keys(entries).length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, end]);
}

const OOXML_TYPES = (main: string): string =>
  '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">' +
  `<Override PartName="/main.xml" ContentType="${main}"/></Types>`;

const DOCX = zip({
  '[Content_Types].xml': OOXML_TYPES(
    'application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml',
  ),
  'word/document.xml': '<w:document/>',
});
const XLSX = zip({
  '[Content_Types].xml': OOXML_TYPES(
    'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml',
  ),
  'xl/workbook.xml': '<workbook/>',
});
const ODT = zip({
  mimetype: 'application/vnd.oasis.opendocument.text',
  'content.xml': '<office:document-content/>',
});
const PLAIN_ZIP = zip({ 'findings/prowler.json': '{"findings":[]}' });
const JAR = zip({ 'META-INF/MANIFEST.MF': 'Manifest-Version: 1.0\n' });

async function refusal(bytes: Buffer, name: string): Promise<AppError> {
  try {
    await detectDocumentType(bytes, name);
  } catch (error) {
    assert.ok(error instanceof AppError, String(error));
    return error;
  }
  assert.fail(`${name} was accepted`);
}

describe('detectDocumentType', () => {
  it('recognises office documents and archives by the entries inside the ZIP', async () => {
    const cases: [Buffer, string, string][] = [
      [
        DOCX,
        'plan.docx',
        'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
      ],
      [XLSX, 'matrix.xlsx', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'],
      [ODT, 'policy.odt', 'application/vnd.oasis.opendocument.text'],
      [PLAIN_ZIP, 'evidence.zip', 'application/zip'],
    ];
    for (const [bytes, name, mediaType] of cases) {
      assert.deepEqual(await detectDocumentType(bytes, name), { mediaType, fileName: name }, name);
    }
  });

  it('adds the extension of the detected type to a name that has none', async () => {
    assert.deepEqual(await detectDocumentType(DOCX, 'plan'), {
      mediaType: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
      fileName: 'plan.docx',
    });
  });

  it('refuses a Java archive even though it is a ZIP, naming what it is', async () => {
    const error = await refusal(JAR, 'evidence.zip');
    assert.equal(error.status, 415);
    assert.match(error.message, /"evidence\.zip" is application\/java-archive \(\.jar\)/);
  });

  it('refuses a Word document named as a spreadsheet', async () => {
    const error = await refusal(DOCX, 'matrix.xlsx');
    assert.equal(error.status, 422);
    assert.match(error.message, /is Word \(DOCX\) by its content, not \.xlsx; rename it to \.docx/);
  });

  it('types UTF-8 text by its extension, with or without a byte-order mark', async () => {
    const yaml = Buffer.from('\ufeffcontrols:\n  - id: ac-1\n', 'utf8');
    assert.equal((await detectDocumentType(yaml, 'responses.yml')).mediaType, 'application/yaml');
    assert.equal(
      (await detectDocumentType(Buffer.from('plain words'), 'README')).mediaType,
      'text/plain; charset=utf-8',
    );
    assert.equal(
      (await detectDocumentType(Buffer.from('{"a":[1,2]}'), 'scan.JSON')).mediaType,
      'application/json',
    );
  });

  it('refuses markup anywhere near the start, and text with control characters', async () => {
    assert.equal(
      (await refusal(Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"/>'), 'a.txt')).status,
      415,
    );
    assert.equal(
      (await refusal(Buffer.from('Dear reader,\n<script>alert(1)</script>'), 'a.txt')).status,
      415,
    );
    assert.equal((await refusal(Buffer.from('a\u0000b'), 'a.txt')).status, 415);
    assert.equal((await refusal(Buffer.from([0xc3, 0x28]), 'a.txt')).status, 415);
  });
});
