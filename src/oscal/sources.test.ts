import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { OscalError } from './document.js';
import { candidateNames, combineSources, fileNameOf, folderSource, httpSource } from './sources.js';

const CATALOG = JSON.stringify({
  catalog: {
    uuid: '11111111-1111-4111-8111-111111111111',
    metadata: {
      title: 'c',
      'last-modified': '2024-01-01T00:00:00Z',
      version: '1',
      'oscal-version': '1.1.2',
    },
  },
});

describe('document sources', () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'oscal-sources-'));
  after(() => fs.rmSync(root, { recursive: true, force: true }));
  const one = path.join(root, 'one');
  const two = path.join(root, 'two');
  fs.mkdirSync(one);
  fs.mkdirSync(two);
  fs.writeFileSync(path.join(one, 'cat.yaml'), CATALOG); // JSON is valid YAML
  fs.writeFileSync(path.join(two, 'cat.json'), CATALOG);
  fs.writeFileSync(path.join(root, 'outside.json'), CATALOG);

  it('takes the file name of an href: no folders, query or fragment; nothing for a bare host or ..', () => {
    assert.equal(fileNameOf('../../../../nist.gov/SP800-53/rev5/json/cat.json'), 'cat.json');
    assert.equal(fileNameOf('https://example.org/a/cat%20x.json?x=1#frag'), 'cat x.json');
    assert.equal(fileNameOf('C:\\dir\\cat.json'), 'cat.json');
    assert.equal(fileNameOf('https://example.org'), undefined);
    assert.equal(fileNameOf('..'), undefined);
    assert.equal(fileNameOf('dir/'), undefined);
    assert.equal(
      fileNameOf('%2e%2e%2fx'),
      undefined,
      'an encoded slash is not smuggled into the name',
    );
  });

  it('an .xml name is satisfied by .json, .yaml or .yml of the same base name, never by XML', () => {
    assert.deepEqual(candidateNames('cat.xml'), ['cat.json', 'cat.yaml', 'cat.yml']);
    assert.deepEqual(candidateNames('cat.yaml'), ['cat.yaml', 'cat.json', 'cat.yml']);
    assert.deepEqual(candidateNames('README'), ['README']);
  });

  it('finds by file name in the folders in order, and only there', async () => {
    const source = folderSource([one, two]);
    const found = await source.load('../../elsewhere/cat.xml', 'p');
    assert.ok(found);
    assert.equal(found.uri, fs.realpathSync(path.join(one, 'cat.yaml')));
    assert.equal(found.document.kind, 'catalog');
    assert.equal(found.bytes, CATALOG.length);
    assert.equal(await source.load('../outside.json', 'p'), undefined);
    assert.equal(await source.load(path.join(root, 'outside.json'), 'p'), undefined);
  });

  it('refuses a link that leads out of its folder, and a document over the size limit', async () => {
    const linked = path.join(root, 'linked');
    fs.mkdirSync(linked);
    fs.symlinkSync(path.join(root, 'outside.json'), path.join(linked, 'escape.json'));
    await assert.rejects(
      folderSource([linked]).load('escape.json', 'p'),
      /outside the allowed folder/,
    );
    await assert.rejects(
      folderSource([two], { maxBytes: 10 }).load('cat.json', 'p'),
      (error: unknown) =>
        error instanceof OscalError && /more than the 10 bytes allowed/.test(error.message),
    );
  });

  it('http: refuses hosts not allowed before any request, ignores hrefs that are not URLs', async () => {
    let requests = 0;
    const source = httpSource(['oscal.example.gov'], {
      fetch: () => {
        requests++;
        return Promise.reject(new Error('no network in tests'));
      },
    });
    await assert.rejects(
      source.load('https://evil.example/cat.json', 'p'),
      /host evil\.example, which is not an allowed host/,
    );
    await assert.rejects(
      source.load('http://oscal.example.gov.evil.example/cat.json', 'p'),
      /not an allowed host/,
    );
    assert.equal(await source.load('cat.json', 'p'), undefined);
    assert.equal(requests, 0);
  });

  it('combined sources: the first that has the document answers', async () => {
    const source = combineSources(folderSource([two]), folderSource([one]));
    assert.equal(
      (await source.load('cat.xml', 'p'))?.uri,
      fs.realpathSync(path.join(two, 'cat.json')),
    );
  });
});
