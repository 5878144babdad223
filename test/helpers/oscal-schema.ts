import fs from 'node:fs';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { OSCAL_SCHEMA_1_0_6, OSCAL_SCHEMA_1_1_2 } from './shared-data.js';

// ajv-formats is CommonJS; its default export arrives wrapped when imported from ESM.
const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;

const cache = new Map<string, ValidateFunction>();

/**
 * The official NIST OSCAL "complete" JSON schema (draft-07), compiled once per version. Tests use
 * it as the referee for our own validation and for every OSCAL document we produce. The schema's
 * patterns use Unicode classes (`\p{L}`), so Ajv runs them in Unicode mode (its default).
 */
export function officialOscalSchema(version: '1.0.6' | '1.1.2' = '1.1.2'): ValidateFunction {
  const existing = cache.get(version);
  if (existing) return existing;
  const file = version === '1.1.2' ? OSCAL_SCHEMA_1_1_2 : OSCAL_SCHEMA_1_0_6;
  const schema = JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>;
  const ajv = new Ajv({ strict: false, allErrors: true, unicodeRegExp: true });
  addFormats(ajv);
  const validate = ajv.compile(schema);
  cache.set(version, validate);
  return validate;
}

/** The official schema's complaints about `document`, one line each; empty when it is valid. */
export function officialSchemaErrors(
  document: unknown,
  version: '1.0.6' | '1.1.2' = '1.1.2',
): string[] {
  const validate = officialOscalSchema(version);
  if (validate(document)) return [];
  return (validate.errors ?? []).map(
    (e: ErrorObject) => `${e.instancePath || '/'} ${e.keyword}: ${e.message ?? ''}`,
  );
}
