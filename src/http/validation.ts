import { Ajv, type ErrorObject, type Options } from 'ajv';
import addFormatsModule from 'ajv-formats';
import type { FastifySchemaCompiler } from 'fastify';
import type { ProblemIssue } from '../errors.js';

// ajv-formats is published as CommonJS with a default export.
const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;

const common: Options = {
  allErrors: true,
  // Keep the offending value on each error so that messages can quote what the caller sent.
  verbose: true,
  useDefaults: true,
  removeAdditional: false,
  strict: false,
};

/**
 * Request validation with two rules: bodies are taken exactly as sent (no type coercion, unknown
 * fields refused), while query strings, path parameters and headers, which are always text on
 * the wire, are coerced to the declared types.
 */
export function createValidatorCompiler(): FastifySchemaCompiler<unknown> {
  const strict = addFormats(new Ajv({ ...common, coerceTypes: false }));
  const coercing = addFormats(new Ajv({ ...common, coerceTypes: 'array' }));
  return ({ schema, httpPart }) => {
    const ajv = httpPart === 'body' ? strict : coercing;
    return ajv.compile(schema as object);
  };
}

/** Turns ajv's errors into issues that name the field and quote the value received. */
export function describeValidationErrors(
  part: string,
  errors: readonly ErrorObject[],
): ProblemIssue[] {
  return errors
    .filter((error) => error.keyword !== 'if' && error.keyword !== 'anyOf')
    .map((error) => {
      const params = error.params as Record<string, unknown>;
      switch (error.keyword) {
        case 'additionalProperties': {
          const field = String(params.additionalProperty);
          return {
            in: part,
            pointer: `${error.instancePath}/${escapePointer(field)}`,
            message: `unknown field "${field}"`,
          };
        }
        case 'required': {
          const field = String(params.missingProperty);
          return {
            in: part,
            pointer: `${error.instancePath}/${escapePointer(field)}`,
            message: `required field "${field}" is missing`,
          };
        }
        default:
          return {
            in: part,
            pointer: error.instancePath,
            message: `${error.message ?? 'is not valid'}${quoteReceived(error.data)}`,
          };
      }
    });
}

function quoteReceived(data: unknown): string {
  if (data === null) return ' (got null)';
  if (typeof data === 'object' || data === undefined) {
    return Array.isArray(data) ? ' (got an array)' : data === undefined ? '' : ' (got an object)';
  }
  const text = JSON.stringify(data);
  return ` (got ${text.length > 60 ? `${text.slice(0, 57)}...` : text})`;
}

function escapePointer(segment: string): string {
  return segment.replace(/~/g, '~0').replace(/\//g, '~1');
}
