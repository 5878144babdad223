// Our own JSON Schema (draft-07) of the two OSCAL models we import, catalog and profile, written
// from the OSCAL 1.0 and 1.1 model documentation. NIST's official schemas may not be copied into
// the project; the tests use them as a referee and check that this schema agrees with them on
// NIST's real files and on a table of broken ones.
//
// Shape of the schema, and why:
// - One definition per OSCAL object, `additionalProperties: false` everywhere, as OSCAL does, so a
//   misspelt property is an error rather than silently dropped.
// - OSCAL's data types (token, uuid, date-time, uri, ...) are Ajv *formats* implemented here as
//   plain functions, not `pattern`s: validation.ts then knows the rule broken from the error's
//   format name and can say it in words, and the functions are cheaper than Unicode regexps.
// - Arrays that OSCAL groups ("props", "controls", ...) may be absent but never empty
//   (`minItems: 1`), as in OSCAL's JSON binding.
// - Built per OSCAL minor version (1.0 or 1.1): the differences for catalogs and profiles are few
//   (listed in `oscalSchema`), and checking a document against its own version keeps us in step
//   with the official schema of that version.

/** A JSON Schema object as we write it (draft-07 keywords only). */
export type JsonSchema = { [keyword: string]: unknown };

/** The OSCAL minor versions we read. */
export type OscalMinor = '1.0' | '1.1';

/**
 * OSCAL's data types that JSON types alone do not capture, as named formats: a check and the words
 * a message uses. The checks follow the OSCAL data type definitions; where the official schema's
 * regular expressions are narrower than the definition (date-time years 1900-2999 and a fixed list
 * of time-zone offsets), we accept any four-digit year and any offset up to ±14:00.
 */
export const OSCAL_FORMATS = {
  'oscal-token': {
    check: isToken,
    describe: "an OSCAL token (letters, digits, '_', '-' and '.', starting with a letter or '_')",
  },
  'oscal-uuid': {
    check: (value: string) => UUID.test(value),
    describe: 'a version 4 or 5 UUID (like "3f2a1c9e-8b7d-4e6f-9a0b-1c2d3e4f5a6b")',
  },
  'oscal-date-time': {
    check: isDateTime,
    describe: 'a date and time with a time zone (like "2021-06-08T13:57:33Z")',
  },
  'oscal-uri': {
    check: (value: string) => URI.test(value),
    describe: 'an absolute URI (like "https://example.org/ns")',
  },
  'oscal-uri-reference': {
    check: (value: string) => URI_REFERENCE.test(value),
    describe: 'a URI reference (a URI, a relative path or "#fragment", without spaces)',
  },
  'oscal-string': {
    check: (value: string) => NON_EMPTY_TRIMMED.test(value),
    describe: 'a non-empty single-line string without leading or trailing spaces',
  },
  'oscal-email': {
    check: (value: string) => NON_EMPTY_TRIMMED.test(value) && EMAIL.test(value),
    describe: 'an e-mail address',
  },
  'oscal-base64': {
    check: (value: string) => BASE64.test(value),
    describe: 'base64-encoded data',
  },
} as const satisfies Record<string, { check: (value: string) => boolean; describe: string }>;
export type OscalFormatName = keyof typeof OSCAL_FORMATS;

// OSCAL's token is XML's NCName: a letter or '_', then letters, digits, '.', '-', '_'. Nearly every
// token is ASCII, so a plain regexp answers first and the Unicode one only for the rest.
const ASCII_TOKEN = /^[A-Za-z_][A-Za-z0-9._-]*$/;
const UNICODE_TOKEN = /^[\p{L}_][\p{L}\p{N}._-]*$/u;
function isToken(value: string): boolean {
  return ASCII_TOKEN.test(value) || UNICODE_TOKEN.test(value);
}

// RFC 4122 version 4 (random) or 5 (name-based), the two OSCAL allows.
const UUID =
  /^[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[45][0-9A-Fa-f]{3}-[89ABab][0-9A-Fa-f]{3}-[0-9A-Fa-f]{12}$/;
// RFC 3986: a scheme (OSCAL asks for two characters or more) and something after the colon.
const URI = /^[A-Za-z][A-Za-z0-9+.-]+:[^\s<>"{}|\\^`]+$/;
// Any URI or relative reference; spaces and the characters RFC 3986 never allows are refused, and
// a '%' must start an escape.
const URI_REFERENCE = /^(?:[^\s<>"{}|\\^`%]|%[0-9A-Fa-f]{2})*$/;
// No Unicode mode needed: a surrogate half is not whitespace, and '.' still stops at line ends.
const NON_EMPTY_TRIMMED = /^\S(?:.*\S)?$/;
const EMAIL = /^.+@.+$/;
const BASE64 = /^[0-9A-Za-z+/]+={0,2}$/;

const DATE_TIME =
  /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.\d+)?(?:Z|[+-](\d{2}):(\d{2}))$/;
const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
/** OSCAL's date-time-with-timezone: RFC 3339 with a real calendar date and a required zone. */
function isDateTime(value: string): boolean {
  const match = DATE_TIME.exec(value);
  if (!match) return false;
  // Absent groups (the zone of "Z") read as NaN, which fails no comparison below.
  const [y, mo, d, h, mi, s, zh, zm] = match.slice(1).map(Number);
  if (y === undefined || mo === undefined || d === undefined) return false;
  if (mo < 1 || mo > 12) return false;
  const leap = (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
  const days = mo === 2 && leap ? 29 : (DAYS_IN_MONTH[mo - 1] ?? 0);
  if (d < 1 || d > days) return false;
  if (Number(h) > 23 || Number(mi) > 59 || Number(s) > 59) return false;
  return !(Number(zh) > 14) && !(Number(zm) > 59);
}

// ---- data types -------------------------------------------------------------------------------

/** Markup and free text: any string, possibly empty or multi-line. */
const text: JsonSchema = { type: 'string' };
/** OSCAL's "string" data type: non-empty, no leading or trailing whitespace. */
const string: JsonSchema = { type: 'string', format: 'oscal-string' };
const token: JsonSchema = { type: 'string', format: 'oscal-token' };
const uuid: JsonSchema = { type: 'string', format: 'oscal-uuid' };
const dateTime: JsonSchema = { type: 'string', format: 'oscal-date-time' };
const uri: JsonSchema = { type: 'string', format: 'oscal-uri' };
const uriReference: JsonSchema = { type: 'string', format: 'oscal-uri-reference' };
const email: JsonSchema = { type: 'string', format: 'oscal-email' };
const base64: JsonSchema = { type: 'string', format: 'oscal-base64' };
const boolean: JsonSchema = { type: 'boolean' };

/** A token limited to listed values (OSCAL's allowed-values with allow-other="no"). */
function oneOf(base: JsonSchema, values: readonly string[]): JsonSchema {
  return { ...base, enum: values };
}

/** A reference to one of the definitions below. */
function ref(name: string): JsonSchema {
  return { $ref: `#/definitions/${name}` };
}

/** An OSCAL group of items: absent or at least one. */
function list(items: JsonSchema): JsonSchema {
  return { type: 'array', minItems: 1, items };
}

/** A closed OSCAL object: only the listed properties, the `required` ones present. */
function object(properties: Record<string, JsonSchema>, required: string[] = []): JsonSchema {
  const schema: JsonSchema = { type: 'object', properties, additionalProperties: false };
  if (required.length > 0) schema.required = required;
  return schema;
}

// ---- the models -------------------------------------------------------------------------------

/**
 * The schema of one OSCAL document kind (`catalog` or `profile`, the value under the root key)
 * for one minor version. The differences between 1.0 and 1.1 that touch these two models:
 * 1.1 added `group` to properties, `resource-fragment` to links and `actions` to metadata; made a
 * location's `address` optional; restricted `by-item-name` in removes to a list of item names; and
 * made a base64 attachment's `filename` a token (it was a URI reference).
 */
export function oscalSchema(kind: 'catalog' | 'profile', version: OscalMinor): JsonSchema {
  const v11 = version === '1.1';
  const props = list(ref('property'));
  const links = list(ref('link'));
  const remarks = text;
  // What a parameter says beyond its id; a profile's set-parameter may say the same of one.
  const parameterSettings: Record<string, JsonSchema> = {
    class: token,
    'depends-on': token,
    props,
    links,
    label: text,
    usage: text,
    constraints: list(ref('parameterConstraint')),
    guidelines: list(ref('parameterGuideline')),
    values: list(string),
    select: ref('parameterSelection'),
  };

  const definitions: Record<string, JsonSchema> = {
    property: object(
      {
        name: token,
        uuid,
        ns: uri,
        value: string,
        class: token,
        ...(v11 ? { group: token } : {}),
        remarks,
      },
      ['name', 'value'],
    ),
    link: object(
      {
        href: uriReference,
        rel: token,
        'media-type': string,
        ...(v11 ? { 'resource-fragment': string } : {}),
        text,
      },
      ['href'],
    ),
    part: object(
      {
        id: token,
        name: token,
        ns: uri,
        class: token,
        title: text,
        props,
        prose: text,
        parts: list(ref('part')),
        links,
      },
      ['name'],
    ),
    parameter: object({ id: token, ...parameterSettings, remarks }, ['id']),
    parameterConstraint: object({
      description: text,
      tests: list(object({ expression: string, remarks }, ['expression'])),
    }),
    parameterGuideline: object({ prose: text }, ['prose']),
    parameterSelection: object({
      'how-many': oneOf(token, ['one', 'one-or-more']),
      choice: list(text),
    }),
    documentId: object({ scheme: uri, identifier: string }, ['identifier']),
    address: object({
      type: token,
      'addr-lines': list(string),
      city: string,
      state: string,
      'postal-code': string,
      country: string,
    }),
    telephoneNumber: object({ type: string, number: string }, ['number']),
    responsibleParty: object(
      { 'role-id': token, 'party-uuids': list(uuid), props, links, remarks },
      ['role-id', 'party-uuids'],
    ),
    metadata: object(
      {
        title: text,
        published: dateTime,
        'last-modified': dateTime,
        version: string,
        'oscal-version': string,
        revisions: list(
          object(
            {
              title: text,
              published: dateTime,
              'last-modified': dateTime,
              version: string,
              'oscal-version': string,
              props,
              links,
              remarks,
            },
            ['version'],
          ),
        ),
        'document-ids': list(ref('documentId')),
        props,
        links,
        roles: list(
          object(
            {
              id: token,
              title: text,
              'short-name': string,
              description: text,
              props,
              links,
              remarks,
            },
            ['id', 'title'],
          ),
        ),
        locations: list(
          object(
            {
              uuid,
              title: text,
              address: ref('address'),
              'email-addresses': list(email),
              'telephone-numbers': list(ref('telephoneNumber')),
              urls: list(uri),
              props,
              links,
              remarks,
            },
            v11 ? ['uuid'] : ['uuid', 'address'],
          ),
        ),
        parties: list(
          object(
            {
              uuid,
              type: oneOf(string, ['person', 'organization']),
              name: string,
              'short-name': string,
              'external-ids': list(object({ scheme: uri, id: string }, ['id', 'scheme'])),
              props,
              links,
              'email-addresses': list(email),
              'telephone-numbers': list(ref('telephoneNumber')),
              addresses: list(ref('address')),
              'location-uuids': list(uuid),
              'member-of-organizations': list(uuid),
              remarks,
            },
            ['uuid', 'type'],
          ),
        ),
        'responsible-parties': list(ref('responsibleParty')),
        ...(v11
          ? {
              actions: list(
                object(
                  {
                    uuid,
                    date: dateTime,
                    type: token,
                    system: uri,
                    props,
                    links,
                    'responsible-parties': list(ref('responsibleParty')),
                    remarks,
                  },
                  ['uuid', 'type', 'system'],
                ),
              ),
            }
          : {}),
        remarks,
      },
      ['title', 'last-modified', 'version', 'oscal-version'],
    ),
    backMatter: object({
      resources: list(
        object(
          {
            uuid,
            title: text,
            description: text,
            props,
            'document-ids': list(ref('documentId')),
            citation: object({ text, props, links }, ['text']),
            rlinks: list(
              object(
                {
                  href: uriReference,
                  'media-type': string,
                  hashes: list(
                    object({ algorithm: string, value: string }, ['algorithm', 'value']),
                  ),
                },
                ['href'],
              ),
            ),
            base64: object(
              { filename: v11 ? token : uriReference, 'media-type': string, value: base64 },
              ['value'],
            ),
            remarks,
          },
          ['uuid'],
        ),
      ),
    }),
  };

  if (kind === 'catalog') {
    Object.assign(definitions, {
      control: object(
        {
          id: token,
          class: token,
          title: text,
          params: list(ref('parameter')),
          props,
          links,
          parts: list(ref('part')),
          controls: list(ref('control')),
        },
        ['id', 'title'],
      ),
      group: object(
        {
          id: token,
          class: token,
          title: text,
          params: list(ref('parameter')),
          props,
          links,
          parts: list(ref('part')),
          groups: list(ref('group')),
          controls: list(ref('control')),
        },
        ['title'],
      ),
    });
    return {
      definitions,
      ...object(
        {
          uuid,
          metadata: ref('metadata'),
          params: list(ref('parameter')),
          controls: list(ref('control')),
          groups: list(ref('group')),
          'back-matter': ref('backMatter'),
        },
        ['uuid', 'metadata'],
      ),
    };
  }

  const includeAll = object({});
  Object.assign(definitions, {
    selectControlById: object({
      'with-child-controls': oneOf(token, ['yes', 'no']),
      'with-ids': list(token),
      matching: list(object({ pattern: string })),
    }),
    insertControls: object({
      order: oneOf(token, ['keep', 'ascending', 'descending']),
      'include-all': includeAll,
      'include-controls': list(ref('selectControlById')),
      'exclude-controls': list(ref('selectControlById')),
    }),
    customGroup: object(
      {
        id: token,
        class: token,
        title: text,
        params: list(ref('parameter')),
        props,
        links,
        parts: list(ref('part')),
        groups: list(ref('customGroup')),
        'insert-controls': list(ref('insertControls')),
      },
      ['title'],
    ),
  });
  return {
    definitions,
    ...object(
      {
        uuid,
        metadata: ref('metadata'),
        imports: list(
          object(
            {
              href: uriReference,
              'include-all': includeAll,
              'include-controls': list(ref('selectControlById')),
              'exclude-controls': list(ref('selectControlById')),
            },
            ['href'],
          ),
        ),
        merge: object({
          combine: object({ method: oneOf(string, ['use-first', 'merge', 'keep']) }),
          flat: object({}),
          'as-is': boolean,
          custom: object({
            groups: list(ref('customGroup')),
            'insert-controls': list(ref('insertControls')),
          }),
        }),
        modify: object({
          'set-parameters': list(object({ 'param-id': token, ...parameterSettings }, ['param-id'])),
          alters: list(
            object(
              {
                'control-id': token,
                removes: list(
                  object({
                    'by-name': token,
                    'by-class': token,
                    'by-id': token,
                    'by-item-name': v11
                      ? oneOf(token, ['param', 'prop', 'link', 'part', 'mapping', 'map'])
                      : token,
                    'by-ns': token,
                  }),
                ),
                adds: list(
                  object({
                    position: oneOf(token, ['before', 'after', 'starting', 'ending']),
                    'by-id': token,
                    title: text,
                    params: list(ref('parameter')),
                    props,
                    links,
                    parts: list(ref('part')),
                  }),
                ),
              },
              ['control-id'],
            ),
          ),
        }),
        'back-matter': ref('backMatter'),
      },
      ['uuid', 'metadata', 'imports'],
    ),
  };
}
