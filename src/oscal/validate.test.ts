import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { OSCAL_FORMATS } from './schema.js';
import {
  compileSchema,
  inspectOscal,
  type ProblemSink,
  toPointer,
  validateOscal,
} from './validate.js';

const UUID_A = '3f2a1c9e-8b7d-4e6f-9a0b-1c2d3e4f5a6b';
const UUID_B = '6a1d2c3b-4e5f-4a6b-8c7d-9e0f1a2b3c4d';

function metadata(version = '1.1.2'): Record<string, unknown> {
  return {
    title: 'Test',
    'last-modified': '2024-02-29T10:00:00Z',
    version: '1',
    'oscal-version': version,
  };
}

function buildCatalog(overrides: Record<string, unknown> = {}): {
  catalog: Record<string, unknown>;
} {
  return {
    catalog: {
      uuid: UUID_A,
      metadata: metadata(),
      groups: [
        {
          id: 'ac',
          title: 'Access control',
          controls: [
            {
              id: 'ac-1',
              title: 'Policy',
              params: [{ id: 'ac-1_prm_1', values: ['yearly'] }],
              parts: [
                { id: 'ac-1_smt', name: 'statement', prose: 'Do {{ insert: param, ac-1_prm_1 }}.' },
              ],
              controls: [{ id: 'ac-1.1', title: 'Enhancement' }],
            },
          ],
        },
      ],
      ...overrides,
    },
  };
}

function buildProfile(overrides: Record<string, unknown> = {}): {
  profile: Record<string, unknown>;
} {
  return {
    profile: {
      uuid: UUID_A,
      metadata: metadata(),
      imports: [{ href: 'catalog.json', 'include-controls': [{ 'with-ids': ['ac-1'] }] }],
      merge: { 'as-is': true },
      ...overrides,
    },
  };
}

/** The item at `index`, failing the test when there is none. */
function nth<T>(list: readonly T[], index: number): T {
  const item = list[index];
  assert.ok(item !== undefined, `no item ${index} in ${JSON.stringify(list)}`);
  return item;
}

function rules(raw: unknown): string[] {
  return validateOscal(raw).map((issue) => `${issue.pointer} ${issue.rule}`);
}

describe('validateOscal', () => {
  it('accepts a small valid catalog and profile', () => {
    assert.deepEqual(validateOscal(buildCatalog()), []);
    assert.deepEqual(validateOscal(buildProfile()), []);
  });

  it('accepts an optional $schema beside the model, and refuses anything else at the root', () => {
    assert.deepEqual(
      validateOscal({ $schema: 'https://example.org/s.json', ...buildCatalog() }),
      [],
    );
    assert.deepEqual(rules({ ...buildCatalog(), extra: 1 }), [' unknown-property']);
    assert.deepEqual(rules({ ...buildCatalog(), ...buildProfile() }), [' root']);
    assert.deepEqual(rules({ 'system-security-plan': {} }), [' root']);
    assert.deepEqual(rules([]), [' type']);
    assert.deepEqual(rules({}), [' root']);
  });

  it('names the pointer, the rule and the value for each problem, all of them at once', () => {
    const document = buildCatalog();
    const group = nth(document.catalog.groups as Record<string, unknown>[], 0);
    const control = nth(group.controls as Record<string, unknown>[], 0);
    control.id = 'a b';
    control.class = 42;
    delete control.title;
    control.colour = 'red';
    const issues = validateOscal(document);
    assert.deepEqual(
      issues.map((i) => `${i.pointer} ${i.rule}`),
      [
        '/catalog/groups/0/controls/0 required',
        '/catalog/groups/0/controls/0/id token',
        '/catalog/groups/0/controls/0/class type',
        '/catalog/groups/0/controls/0 unknown-property',
      ],
    );
    assert.match(nth(issues, 1).message, /must be an OSCAL token .*got "a b"/);
    assert.match(nth(issues, 2).message, /must be a string, got 42/);
    assert.match(
      nth(issues, 3).message,
      /unknown property "colour" \(allowed here: id, class, title/,
    );
  });

  it('checks each OSCAL data type', () => {
    const check = (format: keyof typeof OSCAL_FORMATS, value: string): boolean =>
      OSCAL_FORMATS[format].check(value);
    assert.ok(check('oscal-token', 'ac-2.1_smt'));
    assert.ok(check('oscal-token', 'contrôle_é'), 'a Unicode letter is a token character');
    assert.ok(!check('oscal-token', '1abc'));
    assert.ok(!check('oscal-token', 'a:b'));
    assert.ok(check('oscal-uuid', UUID_A));
    assert.ok(
      !check('oscal-uuid', '3f2a1c9e-8b7d-1e6f-9a0b-1c2d3e4f5a6b'),
      'version 1 is not allowed',
    );
    assert.ok(check('oscal-date-time', '2024-02-29T23:59:59.123-04:00'));
    assert.ok(!check('oscal-date-time', '2023-02-29T10:00:00Z'), 'not a leap year');
    assert.ok(!check('oscal-date-time', '2024-02-01T10:00:00'), 'a time zone is required');
    assert.ok(!check('oscal-date-time', '2024-02-01T24:00:00Z'));
    assert.ok(check('oscal-uri', 'https://example.org/ns'));
    assert.ok(!check('oscal-uri', 'example.org/ns'));
    assert.ok(check('oscal-uri-reference', '#84cbf061-eb87-4ec1-8112-1f529232e907'));
    assert.ok(check('oscal-uri-reference', '../x%20y.json'));
    assert.ok(!check('oscal-uri-reference', 'a b.json'));
    assert.ok(!check('oscal-uri-reference', 'bad%zz'));
    assert.ok(check('oscal-string', 'one'));
    assert.ok(!check('oscal-string', ' padded'));
    assert.ok(!check('oscal-string', ''));
    assert.ok(check('oscal-base64', 'aGVsbG8='));
    assert.ok(!check('oscal-base64', 'not base64!'));
  });

  it('reads OSCAL 1.0.x and 1.1.x and refuses other versions', () => {
    const old = buildCatalog({ metadata: metadata('1.0.0') });
    assert.deepEqual(validateOscal(old), []);
    const future = buildCatalog({ metadata: metadata('1.2.0') });
    assert.deepEqual(rules(future), ['/catalog/metadata/oscal-version oscal-version']);
    assert.match(nth(validateOscal(future), 0).message, /1\.0\.x or 1\.1\.x, got "1\.2\.0"/);
  });

  it('checks a document against its own version: 1.1 additions are unknown in 1.0', () => {
    const withGroup = (version: string) =>
      buildCatalog({
        metadata: { ...metadata(version), props: [{ name: 'marking', value: 'x', group: 'g' }] },
      });
    assert.deepEqual(validateOscal(withGroup('1.1.2')), []);
    assert.deepEqual(rules(withGroup('1.0.4')), ['/catalog/metadata/props/0 unknown-property']);
  });

  it('refuses ids used twice: groups, controls and parts share one space, parameters another', () => {
    const document = buildCatalog();
    const group = nth(document.catalog.groups as Record<string, unknown>[], 0);
    const controls = group.controls as Record<string, unknown>[];
    controls.push({ id: 'ac-1', title: 'Again', params: [{ id: 'ac-1_prm_1' }] });
    controls.push({ id: 'ac-2', title: 'Two', parts: [{ id: 'ac', name: 'item' }] });
    const issues = validateOscal(document);
    assert.deepEqual(
      issues.map((i) => `${i.pointer} ${i.rule}`),
      [
        '/catalog/groups/0/controls/1/id unique-id',
        '/catalog/groups/0/controls/1/params/0/id unique-id',
        '/catalog/groups/0/controls/2/parts/0/id unique-id',
      ],
    );
    assert.match(
      nth(issues, 0).message,
      /id "ac-1" is already used at \/catalog\/groups\/0\/controls\/0\/id/,
    );
    // A parameter may share an id with a control: OSCAL indexes them separately.
    controls.splice(1);
    controls.push({ id: 'ac-1_prm_1', title: 'Odd but allowed' });
    assert.deepEqual(validateOscal(document), []);
  });

  it('refuses back-matter resources and parties with the same uuid', () => {
    const document = buildCatalog({
      metadata: {
        ...metadata(),
        parties: [
          { uuid: UUID_B, type: 'organization' },
          { uuid: UUID_B, type: 'person' },
        ],
      },
      'back-matter': { resources: [{ uuid: UUID_A }, { uuid: UUID_B }, { uuid: UUID_A }] },
    });
    assert.deepEqual(rules(document), [
      '/catalog/metadata/parties/1/uuid unique-uuid',
      '/catalog/back-matter/resources/2/uuid unique-uuid',
    ]);
  });

  it('refuses a profile without imports, and OSCAL choices taken twice', () => {
    assert.deepEqual(rules(buildProfile({ imports: [] })), ['/profile/imports min-items']);
    const noImports = buildProfile();
    delete noImports.profile.imports;
    assert.deepEqual(rules(noImports), ['/profile required']);
    const both = buildProfile({
      imports: [{ href: 'c.json', 'include-all': {}, 'include-controls': [{ 'with-ids': ['x'] }] }],
      merge: { 'as-is': true, flat: {} },
    });
    assert.deepEqual(rules(both), ['/profile/imports/0 choice', '/profile/merge choice']);
  });

  it('checks the enumerated values of profiles', () => {
    const document = buildProfile({
      imports: [
        {
          href: 'c.json',
          'include-controls': [{ 'with-child-controls': 'maybe', 'with-ids': ['x'] }],
        },
      ],
      merge: { combine: { method: 'first' }, custom: { 'insert-controls': [{ order: 'random' }] } },
      modify: {
        'set-parameters': [{ 'param-id': 'p1', select: { 'how-many': 'two' } }],
        alters: [
          {
            'control-id': 'ac-1',
            adds: [{ position: 'middle' }],
            removes: [{ 'by-item-name': 'control' }],
          },
        ],
      },
    });
    assert.deepEqual(rules(document), [
      '/profile/imports/0/include-controls/0/with-child-controls enum',
      '/profile/merge/combine/method enum',
      '/profile/merge/custom/insert-controls/0/order enum',
      '/profile/modify/set-parameters/0/select/how-many enum',
      // In the document's order: this alter lists its adds first.
      '/profile/modify/alters/0/adds/0/position enum',
      '/profile/modify/alters/0/removes/0/by-item-name enum',
    ]);
  });

  it('keeps the first issues and counts the rest', () => {
    const document = buildCatalog({
      controls: Array.from({ length: 250 }, (_, index) => ({ id: `bad id ${index}`, title: 'x' })),
    });
    const inspection = inspectOscal(document, { maxIssues: 100 });
    assert.equal(inspection.issues.length, 100);
    assert.equal(inspection.total, 250);
    assert.equal(nth(inspection.issues, 99).pointer, '/catalog/controls/99/id');
  });

  it('escapes pointers as RFC 6901 says', () => {
    assert.equal(toPointer(['a/b', 'c~d', 3]), '/a~1b/c~0d/3');
    assert.deepEqual(rules({ catalog: { ...buildCatalog().catalog, 'x/y': 1 } }), [
      '/catalog unknown-property',
    ]);
  });

  it('answers alike in its fast test and its full check', () => {
    const schema = {
      definitions: {
        node: {
          type: 'object',
          properties: {
            kids: { type: 'array', minItems: 1, items: { $ref: '#/definitions/node' } },
            name: { type: 'string', format: 'oscal-token' },
          },
          required: ['name'],
          additionalProperties: false,
        },
      },
      $ref: '#/definitions/node',
    };
    const { test, check } = compileSchema(schema);
    const samples: unknown[] = [
      { name: 'a' },
      { name: 'a', kids: [{ name: 'b', kids: [{ name: 'c' }] }] },
      { name: 'a', kids: [] },
      { name: 'a', kids: [{ name: 'b c' }] },
      { name: 'a', kids: [{}] },
      { name: 'a', other: 1 },
      { name: 'a', constructor: 1 },
      [],
      'a',
    ];
    for (const sample of samples) {
      const issues: string[] = [];
      const sink: ProblemSink = {
        fail: (rule) => issues.push(rule),
        enter: () => sink,
        leave: () => undefined,
      };
      check(sample, sink);
      assert.equal(test(sample), issues.length === 0, JSON.stringify(sample));
    }
  });

  it('refuses a schema keyword it does not implement rather than ignore it', () => {
    assert.throws(() => compileSchema({ type: 'string', maxLength: 3 }), /keyword "maxLength"/);
    assert.throws(() => compileSchema({ type: 'integer' }), /type integer/);
    assert.throws(() => compileSchema({ type: 'string', format: 'email' }), /format email/);
  });
});
