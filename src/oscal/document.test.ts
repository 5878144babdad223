import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { stringify } from 'yaml';
import { formatOf, OscalError, parseOscal } from './document.js';

const CATALOG = {
  catalog: {
    uuid: '3f2a1c9e-8b7d-4e6f-9a0b-1c2d3e4f5a6b',
    metadata: {
      title: 'Test catalog',
      'last-modified': '2024-02-04T23:16:00.000000-00:00',
      version: '1.0',
      'oscal-version': '1.1.2',
    },
    controls: [{ id: 'c-1', title: 'One', parts: [{ name: 'statement', prose: 'Do it.' }] }],
  },
};

/** The OscalError that parsing `text` throws. */
function refusal(
  text: string,
  name: string,
  options: { maxBytes?: number; maxIssues?: number } = {},
): OscalError {
  try {
    parseOscal(text, { name, ...options });
  } catch (error) {
    assert.ok(error instanceof OscalError, `expected an OscalError, got ${String(error)}`);
    return error;
  }
  assert.fail(`${name} was accepted`);
}

describe('parseOscal', () => {
  it('returns a valid document exactly as parsed, from JSON and from YAML', () => {
    const json = parseOscal(JSON.stringify(CATALOG), { name: 'c.json' });
    assert.deepEqual(json, { kind: 'catalog', catalog: CATALOG.catalog });
    const yaml = parseOscal(stringify(CATALOG), { name: 'c.yaml' });
    assert.deepEqual(yaml, json);
  });

  it('reads the format from the name unless told', () => {
    assert.equal(formatOf('x.YML'), 'yaml');
    assert.equal(formatOf('x.json'), 'json');
    assert.equal(formatOf('x.xml'), 'json');
    assert.deepEqual(
      parseOscal(stringify(CATALOG), { name: 'upload', format: 'yaml' }).kind,
      'catalog',
    );
  });

  it('tells where malformed JSON breaks, by line and column', () => {
    const error = refusal(
      '{\n  "catalog": {\n    "uuid": "x"\n    "metadata": {}\n  }\n}',
      'bad.json',
    );
    assert.match(error.message, /^bad\.json is not valid JSON: line 4, column 5: /);
    assert.deepEqual(
      error.issues.map((i) => i.rule),
      ['json-syntax'],
    );
    assert.match(
      refusal('', 'empty.json').message,
      /line 1, column 1: Unexpected end of JSON input/,
    );
    // A byte-order mark is allowed and not counted as a column.
    assert.match(refusal('\uFEFF{"a" 1}', 'bom.json').message, /line 1, column 6: /);
    assert.equal(
      parseOscal(`\uFEFF${JSON.stringify(CATALOG)}`, { name: 'bom.json' }).kind,
      'catalog',
    );
  });

  it('reads UTF-8 bytes as it reads text: the same document, and the same line and column when they break', () => {
    const withAccents = structuredClone(CATALOG);
    withAccents.catalog.metadata.title = 'Catalogue “accentué” — ۱۲۳ 😀';
    const text = JSON.stringify(withAccents, null, 2);
    const fromBytes = parseOscal(Buffer.from(text, 'utf8'), { name: 'c.json' });
    assert.deepEqual(fromBytes, parseOscal(text, { name: 'c.json' }));
    assert.equal(
      fromBytes.kind === 'catalog' && fromBytes.catalog.metadata.title,
      withAccents.catalog.metadata.title,
    );
    // Breaks after a non-ASCII character on its line: the column counts characters, as from text.
    const broken = text.replace('😀"', '😀" oops');
    const asText = refusal(broken, 'c.json');
    let asBytes: unknown;
    try {
      parseOscal(Buffer.from(broken, 'utf8'), { name: 'c.json' });
    } catch (error) {
      asBytes = error;
    }
    assert.ok(asBytes instanceof OscalError);
    assert.equal(asBytes.message, asText.message);
    assert.match(asBytes.message, /line \d+, column \d+/);
  });

  it('refuses __proto__ and constructor.prototype keys in JSON, naming where', () => {
    const error = refusal(
      '{"catalog": {"metadata": {"__proto__": {"polluted": true}}}}',
      'evil.json',
    );
    assert.match(error.message, /refused: it uses the key "__proto__"/);
    assert.deepEqual(error.issues, [
      {
        pointer: '/catalog/metadata/__proto__',
        rule: 'forbidden-key',
        message: 'the key "__proto__" is not allowed',
      },
    ]);
    const escaped = refusal('{"\\u005f_proto__": {}}', 'escaped.json');
    assert.equal(escaped.issues[0]?.pointer, '/__proto__');
    const constructor = refusal('{"constructor": {"prototype": {"x": 1}}}', 'ctor.json');
    assert.equal(constructor.issues[0]?.pointer, '/constructor');
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
  });

  it('refuses malformed YAML, duplicate keys and several documents, by line and column', () => {
    assert.match(
      refusal('catalog: [1, 2\nx: 3\n', 'bad.yaml').message,
      /not valid YAML for OSCAL: line 2, column 1: /,
    );
    assert.match(
      refusal('catalog:\n  uuid: a\n  uuid: b\n', 'dup.yaml').message,
      /line 3, column 3: Map keys must be unique/,
    );
    assert.match(refusal('a: 1\n---\nb: 2\n', 'two.yaml').message, /multiple documents/);
  });

  it('refuses YAML that is not JSON: binary, infinities, non-string keys, unknown tags, __proto__', () => {
    const tagged = refusal('a: !!binary aGVsbG8=\nb: .inf\nc: !secret x\n', 'types.yaml');
    assert.deepEqual(
      tagged.issues.map((i) => i.message),
      ['line 3, column 4: Unresolved tag: !secret'],
      'an unknown tag is refused, not read as a string',
    );
    const values = refusal('a: !!binary aGVsbG8=\nb: .inf\n? [x]\n: 1\n', 'values.yaml');
    assert.deepEqual(
      values.issues.map((i) => i.message),
      [
        'line 1, column 13: binary data (!!binary) is not a JSON value',
        'line 2, column 4: the number Infinity is not a JSON value',
        'line 3, column 3: a key is a sequence; keys must be strings',
      ],
    );
    assert.match(
      refusal('catalog:\n  __proto__:\n    x: 1\n', 'proto.yaml').message,
      /line 2, column 3: the key "__proto__"/,
    );
  });

  it('refuses a YAML alias bomb without expanding it', () => {
    const lines = ['a: &a ["x","x","x","x","x","x","x","x","x"]'];
    for (const [name, previous] of [
      ['b', 'a'],
      ['c', 'b'],
      ['d', 'c'],
      ['e', 'd'],
      ['f', 'e'],
      ['g', 'f'],
    ]) {
      lines.push(`${name}: &${name} [${Array(9).fill(`*${previous}`).join(',')}]`);
    }
    const started = performance.now();
    assert.match(refusal(lines.join('\n'), 'bomb.yaml').message, /aliases expand too far/);
    assert.ok(performance.now() - started < 1000, 'refused quickly');
    // A few aliases are fine.
    const withAlias = stringify(CATALOG).replace(
      'title: Test catalog',
      'title: &t Test catalog\n    remarks: *t',
    );
    assert.equal(parseOscal(withAlias, { name: 'ok.yaml' }).kind, 'catalog');
    assert.match(refusal('a: *nope\n', 'alias.yaml').message, /Unresolved alias .*: nope$/);
  });

  it('gives each use of a YAML alias its own copy', () => {
    const text = [
      'catalog:',
      `  uuid: ${CATALOG.catalog.uuid}`,
      '  metadata:',
      '    title: T',
      '    last-modified: 2024-02-04T23:16:00Z',
      '    version: "1"',
      '    oscal-version: 1.1.2',
      '    props:',
      '      - &p {name: a, value: b}',
      '      - *p',
    ].join('\n');
    const parsed = parseOscal(text, { name: 'alias.yaml' });
    assert.ok(parsed.kind === 'catalog');
    const [first, second] = parsed.catalog.metadata.props ?? [];
    assert.deepEqual(first, { name: 'a', value: 'b' });
    assert.deepEqual(second, first);
    assert.notEqual(second, first, 'not the same object');
  });

  it('refuses absurdly deep nesting instead of overflowing the stack', () => {
    const depth = 100_000;
    const parts = '{"name":"p","parts":['.repeat(depth) + '{"name":"p"}' + ']}'.repeat(depth);
    const control = `{"id":"c-1","title":"One","parts":[${parts}]}`;
    const text = JSON.stringify(CATALOG).replace(/"controls":\[.*\]/, `"controls":[${control}]`);
    const error = refusal(text, 'deep.json');
    assert.deepEqual(
      error.issues.map((i) => `${i.pointer} ${i.rule}`),
      [' depth'],
    );
    const yamlError = refusal(`a: ${'['.repeat(5000)}${']'.repeat(5000)}`, 'deep.yaml');
    assert.match(yamlError.message, /not valid YAML for OSCAL/);
  });

  it('refuses a document over the byte limit before parsing it', () => {
    const text = JSON.stringify(CATALOG);
    const error = refusal(text, 'big.json', { maxBytes: 100 });
    assert.match(
      error.message,
      new RegExp(`^big\\.json is ${text.length} bytes, more than the limit of 100 bytes$`),
    );
    assert.deepEqual(
      error.issues.map((i) => i.rule),
      ['max-bytes'],
    );
    // Counted in UTF-8 bytes, not characters.
    const accented = JSON.stringify({ ...CATALOG, $schema: 'é'.repeat(40) });
    assert.doesNotThrow(() =>
      parseOscal(accented, { name: 'ok.json', maxBytes: Buffer.byteLength(accented) }),
    );
    assert.throws(
      () => parseOscal(accented, { name: 'ok.json', maxBytes: accented.length }),
      OscalError,
    );
  });

  it('lists every problem up to the cap and says how many more there were', () => {
    const controls = Array.from({ length: 130 }, (_, index) => ({ id: `c ${index}`, title: 'x' }));
    const text = JSON.stringify({ catalog: { ...CATALOG.catalog, controls } });
    const error = refusal(text, 'many.json');
    assert.equal(error.issues.length, 100);
    assert.match(error.message, /130 problems \(the first 100 are listed\)/);
    assert.match(error.message, /\n {2}\/catalog\/controls\/0\/id: must be an OSCAL token/);
    assert.match(error.message, /… and 120 more$/);
    assert.equal(refusal(text, 'few.json', { maxIssues: 5 }).issues.length, 5);
  });
});
