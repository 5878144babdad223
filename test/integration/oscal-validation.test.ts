// Our OSCAL import validation (src/oscal/validate.ts, our own schema) against NIST's real files
// and NIST's official JSON schemas, which are the referee here: they may not be copied into the
// project, so the tests read them from the shared reference data.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { stringify } from 'yaml';
import { OscalError, parseOscal } from '../../src/oscal/document.js';
import { inspectOscal } from '../../src/oscal/validate.js';
import { officialOscalSchema } from '../helpers/oscal-schema.js';
import {
  NIST_REV5_CATALOG,
  NIST_REV5_DIR,
  NIST_REV511_PROFILES_DIR,
  SHARED_DATA_MISSING,
} from '../helpers/shared-data.js';

type Json = Record<string, unknown>;

function jsonFilesIn(folder: string): string[] {
  if (SHARED_DATA_MISSING) return [];
  return fs
    .readdirSync(folder)
    .filter((name) => name.endsWith('.json'))
    .map((name) => path.join(folder, name));
}

const REAL_FILES = [...jsonFilesIn(NIST_REV5_DIR), ...jsonFilesIn(NIST_REV511_PROFILES_DIR)];
const HIGH_PROFILE_500 = path.join(NIST_REV5_DIR, 'NIST_SP-800-53_rev5_HIGH-baseline_profile.json');
const HIGH_PROFILE_511 = path.join(
  NIST_REV511_PROFILES_DIR,
  'NIST_SP-800-53_rev5_HIGH-baseline_profile.json',
);

const texts = new Map<string, string>();
function textOf(file: string): string {
  let text = texts.get(file);
  if (text === undefined) {
    text = fs.readFileSync(file, 'utf8');
    texts.set(file, text);
  }
  return text;
}

/** A fresh copy of a real document, to break. */
function load(file: string): Json {
  return JSON.parse(textOf(file)) as Json;
}

/** The official schema version that referees a document: the one of its own OSCAL version. */
function refereeFor(document: Json): '1.0.6' | '1.1.2' {
  const body = (document.catalog ?? document.profile) as {
    metadata?: { 'oscal-version'?: unknown };
  };
  return String(body.metadata?.['oscal-version']).startsWith('1.0') ? '1.0.6' : '1.1.2';
}

/** The instance paths of the official schema's errors; empty when it accepts the document. */
function officialPointers(document: Json, version = refereeFor(document)): string[] {
  const validate = officialOscalSchema(version);
  if (validate(document)) return [];
  return (validate.errors ?? []).map((error) => error.instancePath);
}

/** Walks a path of keys and indexes into a document, failing the test if it is not there. */
function at(document: Json, ...keys: (string | number)[]): Json {
  let node: unknown = document;
  for (const key of keys) {
    assert.ok(typeof node === 'object' && node !== null, `no ${keys.join('/')} in the document`);
    node = (node as Record<string | number, unknown>)[key];
  }
  assert.ok(typeof node === 'object' && node !== null, `no object at ${keys.join('/')}`);
  return node as Json;
}

describe('OSCAL import validation on real NIST files', { skip: SHARED_DATA_MISSING }, () => {
  it('finds all thirteen reference files', () => {
    assert.equal(REAL_FILES.length, 13);
  });

  for (const file of REAL_FILES) {
    const name = `${path.basename(path.dirname(file))}/${path.basename(file)}`;
    it(`accepts ${name}, as do the official 1.0.6 and 1.1.2 schemas, and returns it unchanged`, () => {
      const original = load(file);
      assert.deepEqual(officialPointers(original, '1.0.6'), [], 'official 1.0.6 schema');
      assert.deepEqual(officialPointers(original, '1.1.2'), [], 'official 1.1.2 schema');
      const parsed = parseOscal(textOf(file), { name: file });
      const [kind] = Object.keys(original);
      assert.equal(parsed.kind, kind);
      assert.deepEqual(
        parsed.kind === 'catalog' ? { catalog: parsed.catalog } : { profile: parsed.profile },
        original,
      );
    });
  }
});

interface Mutation {
  name: string;
  file: string;
  mutate: (document: Json) => void;
  /** The pointer and rule we must report. */
  pointer: string;
  rule: string;
  /** Whether the official JSON schema can express the rule (so must refuse too). */
  official: boolean;
}

const catalogControl = (d: Json, index = 0): Json =>
  at(d, 'catalog', 'groups', 0, 'controls', index);

const MUTATIONS: Mutation[] = [
  {
    name: 'missing required metadata title',
    file: NIST_REV5_CATALOG,
    mutate: (d) => delete at(d, 'catalog', 'metadata').title,
    pointer: '/catalog/metadata',
    rule: 'required',
    official: true,
  },
  {
    name: 'missing required control id',
    file: NIST_REV5_CATALOG,
    mutate: (d) => delete catalogControl(d, 2).id,
    pointer: '/catalog/groups/0/controls/2',
    rule: 'required',
    official: true,
  },
  {
    name: 'control title of the wrong type',
    file: NIST_REV5_CATALOG,
    mutate: (d) => (catalogControl(d).title = 42),
    pointer: '/catalog/groups/0/controls/0/title',
    rule: 'type',
    official: true,
  },
  {
    name: 'parts as an object instead of an array',
    file: NIST_REV5_CATALOG,
    mutate: (d) => (catalogControl(d).parts = { name: 'statement' }),
    pointer: '/catalog/groups/0/controls/0/parts',
    rule: 'type',
    official: true,
  },
  {
    name: 'catalog uuid that is not a UUID',
    file: NIST_REV5_CATALOG,
    mutate: (d) => (at(d, 'catalog').uuid = 'not-a-uuid'),
    pointer: '/catalog/uuid',
    rule: 'uuid',
    official: true,
  },
  {
    name: 'control id that is not a token',
    file: NIST_REV5_CATALOG,
    mutate: (d) => (catalogControl(d, 3).id = 'a b'),
    pointer: '/catalog/groups/0/controls/3/id',
    rule: 'token',
    official: true,
  },
  {
    name: 'part name that is not a token',
    file: NIST_REV5_CATALOG,
    mutate: (d) => (at(d, 'catalog', 'groups', 0, 'controls', 0, 'parts', 0).name = 'state ment'),
    pointer: '/catalog/groups/0/controls/0/parts/0/name',
    rule: 'token',
    official: true,
  },
  {
    name: 'unknown property on a control',
    file: NIST_REV5_CATALOG,
    mutate: (d) => (catalogControl(d).colour = 'red'),
    pointer: '/catalog/groups/0/controls/0',
    rule: 'unknown-property',
    official: true,
  },
  {
    name: 'last-modified without a time',
    file: NIST_REV5_CATALOG,
    mutate: (d) => (at(d, 'catalog', 'metadata')['last-modified'] = '2021-06-08'),
    pointer: '/catalog/metadata/last-modified',
    rule: 'date-time',
    official: true,
  },
  {
    name: 'empty params list',
    file: NIST_REV5_CATALOG,
    mutate: (d) => (catalogControl(d).params = []),
    pointer: '/catalog/groups/0/controls/0/params',
    rule: 'min-items',
    official: true,
  },
  {
    name: 'empty property value',
    file: NIST_REV5_CATALOG,
    mutate: (d) => (at(d, 'catalog', 'groups', 0, 'controls', 0, 'props', 0).value = ''),
    pointer: '/catalog/groups/0/controls/0/props/0/value',
    rule: 'string',
    official: true,
  },
  {
    name: 'property namespace that is not a URI',
    file: NIST_REV5_CATALOG,
    mutate: (d) => (at(d, 'catalog', 'groups', 0, 'controls', 0, 'props', 0).ns = 'nist'),
    pointer: '/catalog/groups/0/controls/0/props/0/ns',
    rule: 'uri',
    official: true,
  },
  {
    name: 'link href with a space',
    file: NIST_REV5_CATALOG,
    mutate: (d) => (at(d, 'catalog', 'groups', 0, 'controls', 0, 'links', 0).href = 'a b'),
    pointer: '/catalog/groups/0/controls/0/links/0/href',
    rule: 'uri-reference',
    official: true,
  },
  {
    name: 'parameter selection how-many not in its list',
    file: NIST_REV5_CATALOG,
    mutate: (d) =>
      (at(d, 'catalog', 'groups', 0, 'controls', 0, 'params', 1, 'select')['how-many'] = 'two'),
    pointer: '/catalog/groups/0/controls/0/params/1/select/how-many',
    rule: 'enum',
    official: true,
  },
  {
    name: 'back-matter rlink without href',
    file: NIST_REV5_CATALOG,
    mutate: (d) => delete at(d, 'catalog', 'back-matter', 'resources', 0, 'rlinks', 0).href,
    pointer: '/catalog/back-matter/resources/0/rlinks/0',
    rule: 'required',
    official: true,
  },
  {
    name: 'OSCAL version we do not read',
    file: NIST_REV5_CATALOG,
    mutate: (d) => (at(d, 'catalog', 'metadata')['oscal-version'] = '2.0.0'),
    pointer: '/catalog/metadata/oscal-version',
    rule: 'oscal-version',
    official: false,
  },
  {
    name: 'two controls with the same id',
    file: NIST_REV5_CATALOG,
    mutate: (d) => (catalogControl(d, 1).id = 'ac-1'),
    pointer: '/catalog/groups/0/controls/1/id',
    rule: 'unique-id',
    official: false,
  },
  {
    name: 'two back-matter resources with the same uuid',
    file: NIST_REV5_CATALOG,
    mutate: (d) =>
      (at(d, 'catalog', 'back-matter', 'resources', 1).uuid = at(
        d,
        'catalog',
        'back-matter',
        'resources',
        0,
      ).uuid),
    pointer: '/catalog/back-matter/resources/1/uuid',
    rule: 'unique-uuid',
    official: false,
  },
  {
    name: 'profile with an empty imports list',
    file: HIGH_PROFILE_500,
    mutate: (d) => (at(d, 'profile').imports = []),
    pointer: '/profile/imports',
    rule: 'min-items',
    official: true,
  },
  {
    name: 'profile without imports',
    file: HIGH_PROFILE_500,
    mutate: (d) => delete at(d, 'profile').imports,
    pointer: '/profile',
    rule: 'required',
    official: true,
  },
  {
    name: 'with-child-controls not yes or no',
    file: HIGH_PROFILE_500,
    mutate: (d) =>
      (at(d, 'profile', 'imports', 0, 'include-controls', 0)['with-child-controls'] = 'maybe'),
    pointer: '/profile/imports/0/include-controls/0/with-child-controls',
    rule: 'enum',
    official: true,
  },
  {
    name: 'with-ids entry that is not a token',
    file: HIGH_PROFILE_500,
    mutate: (d) =>
      ((at(d, 'profile', 'imports', 0, 'include-controls', 0)['with-ids'] as string[])[5] = 'ac 2'),
    pointer: '/profile/imports/0/include-controls/0/with-ids/5',
    rule: 'token',
    official: true,
  },
  {
    name: 'as-is that is not a boolean',
    file: HIGH_PROFILE_500,
    mutate: (d) => (at(d, 'profile', 'merge')['as-is'] = 'yes'),
    pointer: '/profile/merge/as-is',
    rule: 'type',
    official: true,
  },
  {
    name: 'import without href',
    file: HIGH_PROFILE_511,
    mutate: (d) => delete at(d, 'profile', 'imports', 0).href,
    pointer: '/profile/imports/0',
    rule: 'required',
    official: true,
  },
  {
    name: 'combine method not in its list',
    file: HIGH_PROFILE_511,
    mutate: (d) => (at(d, 'profile', 'merge').combine = { method: 'first' }),
    pointer: '/profile/merge/combine/method',
    rule: 'enum',
    official: true,
  },
  {
    name: 'insert-controls order not in its list',
    file: HIGH_PROFILE_511,
    mutate: (d) => {
      const merge = at(d, 'profile', 'merge');
      delete merge['as-is'];
      merge.custom = { 'insert-controls': [{ order: 'random', 'include-all': {} }] };
    },
    pointer: '/profile/merge/custom/insert-controls/0/order',
    rule: 'enum',
    official: true,
  },
  {
    name: 'alteration adding at an unknown position',
    file: HIGH_PROFILE_511,
    mutate: (d) =>
      (at(d, 'profile').modify = {
        alters: [
          {
            'control-id': 'ac-1',
            adds: [{ position: 'middle', props: [{ name: 'x', value: 'y' }] }],
          },
        ],
      }),
    pointer: '/profile/modify/alters/0/adds/0/position',
    rule: 'enum',
    official: true,
  },
  {
    name: 'set-parameters without param-id',
    file: HIGH_PROFILE_511,
    mutate: (d) => (at(d, 'profile').modify = { 'set-parameters': [{ values: ['x'] }] }),
    pointer: '/profile/modify/set-parameters/0',
    rule: 'required',
    official: true,
  },
  {
    name: 'remove by an item name OSCAL 1.1 does not list',
    file: HIGH_PROFILE_511,
    mutate: (d) =>
      (at(d, 'profile').modify = {
        alters: [{ 'control-id': 'ac-1', removes: [{ 'by-item-name': 'control' }] }],
      }),
    pointer: '/profile/modify/alters/0/removes/0/by-item-name',
    rule: 'enum',
    official: true,
  },
  {
    name: 'import with both include-all and include-controls',
    file: HIGH_PROFILE_511,
    mutate: (d) => (at(d, 'profile', 'imports', 0)['include-all'] = {}),
    pointer: '/profile/imports/0',
    rule: 'choice',
    official: false,
  },
  {
    name: 'party e-mail address without @',
    file: HIGH_PROFILE_511,
    mutate: (d) =>
      ((at(d, 'profile', 'metadata', 'parties', 0)['email-addresses'] as string[])[0] = 'sec-cert'),
    pointer: '/profile/metadata/parties/0/email-addresses/0',
    rule: 'email',
    official: true,
  },
];

describe('OSCAL import validation on broken real documents', { skip: SHARED_DATA_MISSING }, () => {
  it('has a table of at least twenty kinds of breakage', () => {
    assert.ok(MUTATIONS.length >= 20);
  });

  for (const mutation of MUTATIONS) {
    it(`refuses ${mutation.name} (${mutation.rule} at ${mutation.pointer})`, () => {
      const document = load(mutation.file);
      mutation.mutate(document);
      const ours = inspectOscal(document).issues;
      assert.ok(
        ours.some((issue) => issue.pointer === mutation.pointer && issue.rule === mutation.rule),
        `expected ${mutation.rule} at ${mutation.pointer}, got ${JSON.stringify(ours)}`,
      );
      if (mutation.official) {
        const theirs = officialPointers(document);
        assert.ok(theirs.length > 0, 'the official schema refuses it too');
        assert.ok(
          ours.some((issue) => theirs.includes(issue.pointer)),
          `no pointer in common: ours ${JSON.stringify(ours.map((i) => i.pointer))}, theirs ${JSON.stringify([...new Set(theirs)])}`,
        );
      }
      // parseOscal refuses it with the same issues.
      assert.throws(
        () => parseOscal(JSON.stringify(document), { name: 'broken.json' }),
        (error: unknown) =>
          error instanceof OscalError && error.issues.some((i) => i.pointer === mutation.pointer),
      );
    });
  }

  it('reports several problems in one document, each where the official schema also finds one', () => {
    const combined = new Set([
      'control title of the wrong type',
      'catalog uuid that is not a UUID',
      'control id that is not a token',
      'unknown property on a control',
      'last-modified without a time',
      'empty property value',
      'link href with a space',
      'parameter selection how-many not in its list',
      'back-matter rlink without href',
    ]);
    const expected = MUTATIONS.filter((m) => combined.has(m.name));
    assert.equal(expected.length, combined.size);
    const document = load(NIST_REV5_CATALOG);
    for (const mutation of expected) mutation.mutate(document);
    const ours = inspectOscal(document).issues;
    const theirs = new Set(officialPointers(document));
    assert.equal(ours.length, expected.length, JSON.stringify(ours));
    for (const mutation of expected) {
      assert.ok(
        ours.some((issue) => issue.pointer === mutation.pointer && issue.rule === mutation.rule),
        `missing ${mutation.rule} at ${mutation.pointer}`,
      );
      assert.ok(
        theirs.has(mutation.pointer),
        `the official schema also reports ${mutation.pointer}`,
      );
    }
  });
});

describe('OSCAL import of YAML', { skip: SHARED_DATA_MISSING }, () => {
  for (const file of [HIGH_PROFILE_500, HIGH_PROFILE_511]) {
    it(`reads ${path.basename(path.dirname(file))}'s HIGH profile converted to YAML as the same document`, () => {
      const fromJson = parseOscal(textOf(file), { name: file });
      const yamlText = stringify(load(file));
      const fromYaml = parseOscal(yamlText, { name: file.replace(/\.json$/, '.yaml') });
      assert.deepEqual(fromYaml, fromJson);
    });
  }

  it('refuses the YAML profile with a duplicated key, naming the line', () => {
    const yamlText = stringify(load(HIGH_PROFILE_511)).replace(
      /^ {2}uuid: (.+)$/m,
      (line) => `${line}\n  uuid: 00000000-0000-4000-8000-000000000000`,
    );
    assert.throws(
      () => parseOscal(yamlText, { name: 'dup.yaml' }),
      (error: unknown) =>
        error instanceof OscalError &&
        /line 3, column 3: Map keys must be unique/.test(error.message),
    );
  });
});

describe(
  'OSCAL import validation agrees with the official schema',
  { skip: SHARED_DATA_MISSING },
  () => {
    // Every value of a real profile, one at a time, replaced by values of every kind (or removed):
    // our verdict (ignoring the rules the official schema cannot express) must equal the official
    // schema's. Thousands of cases, covering types, formats, enums, required and unknown properties.
    const REPLACEMENTS: unknown[] = [
      undefined,
      '',
      ' padded',
      'a b',
      'a:b',
      'x',
      'line\nbreak',
      '#fragment',
      '../bad%zz',
      'https://example.org/x',
      '2020-01-01',
      '2020-01-01T00:00:00Z',
      '3f2a1c9e-8b7d-1e6f-9a0b-1c2d3e4f5a6b',
      'one',
      'yes',
      42,
      1.5,
      true,
      null,
      [],
      {},
      ['x'],
      [{}],
      { x: 1 },
    ];
    const OUR_OWN_RULES = new Set(['unique-id', 'unique-uuid', 'choice', 'oscal-version']);

    for (const file of [HIGH_PROFILE_500, HIGH_PROFILE_511]) {
      it(`on every single-value change of ${path.basename(path.dirname(file))}'s HIGH profile`, () => {
        const original = load(file);
        const paths: (string | number)[][] = [];
        const walk = (node: unknown, at: (string | number)[]): void => {
          if (at.length > 1) paths.push(at);
          if (Array.isArray(node))
            node.slice(0, 3).forEach((item, index) => walk(item, [...at, index]));
          else if (typeof node === 'object' && node !== null) {
            for (const [key, value] of Object.entries(node)) walk(value, [...at, key]);
          }
        };
        walk(original, []);
        const disagreements: string[] = [];
        let cases = 0;
        for (const where of paths) {
          for (const replacement of REPLACEMENTS) {
            const document = load(file);
            const parent = at(document, ...where.slice(0, -1));
            const key = where[where.length - 1] ?? '';
            if (replacement === undefined) {
              if (Array.isArray(parent)) continue;
              Reflect.deleteProperty(parent, key);
            } else {
              (parent as Record<string | number, unknown>)[key] = structuredClone(replacement);
            }
            cases += 1;
            const theirs = officialPointers(document).length === 0;
            const ours = inspectOscal(document).issues.every((issue) =>
              OUR_OWN_RULES.has(issue.rule),
            );
            if (theirs !== ours) {
              disagreements.push(
                `/${where.join('/')} = ${JSON.stringify(replacement)}: official ${theirs}, ours ${ours}`,
              );
            }
          }
        }
        assert.ok(cases > 1000, `only ${cases} cases`);
        assert.deepEqual(disagreements, []);
      });
    }
  },
);
