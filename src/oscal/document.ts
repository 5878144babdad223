import { parse as parseYaml } from 'yaml';
import type { OscalDocument, OscalIssue } from './model.js';
import { validateOscal } from './validate.js';

/** A document that could not be read as OSCAL: every issue found, each with where and which rule. */
export class OscalError extends Error {
  constructor(
    message: string,
    readonly issues: readonly OscalIssue[] = [],
  ) {
    super(message);
    this.name = 'OscalError';
  }
}

export type OscalFormat = 'json' | 'yaml';

/** The format a file name implies; JSON unless it ends in .yaml or .yml. */
export function formatOf(name: string): OscalFormat {
  return /\.ya?ml$/i.test(name) ? 'yaml' : 'json';
}

/**
 * Parses and validates an OSCAL catalog or profile. `name` says where the text came from in
 * messages. Throws OscalError listing every problem found.
 */
export function parseOscal(
  text: string,
  options: { name: string; format?: OscalFormat },
): OscalDocument {
  const format = options.format ?? formatOf(options.name);
  let raw: unknown;
  try {
    raw = format === 'yaml' ? parseYaml(text) : JSON.parse(text);
  } catch (error) {
    throw new OscalError(
      `${options.name} is not valid ${format.toUpperCase()}: ${(error as Error).message}`,
    );
  }
  const issues = validateOscal(raw);
  if (issues.length > 0) {
    throw new OscalError(`${options.name} is not a valid OSCAL catalog or profile`, issues);
  }
  const root = raw as Record<string, unknown>;
  return 'catalog' in root
    ? ({ kind: 'catalog', catalog: root.catalog } as OscalDocument)
    : ({ kind: 'profile', profile: root.profile } as OscalDocument);
}
