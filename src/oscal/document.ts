import { Buffer } from 'node:buffer';
import { createRequire } from 'node:module';
import secureJson from 'secure-json-parse';
import type * as Yaml from 'yaml';
import type { OscalDocument, OscalIssue } from './model.js';
import { asciiJsonText } from './json-text.js';
import { inspectOscal } from './validate.js';

/** A document that could not be read as OSCAL: every issue found, each with where and which rule. */
export class OscalError extends Error {
  constructor(
    message: string,
    readonly issues: readonly OscalIssue[] = [],
  ) {
    super(message);
    this.name = 'OscalError';
  }

  /** The message's first line, without the issues it may list below: for one-line answers. */
  get summary(): string {
    const newline = this.message.indexOf('\n');
    return newline === -1 ? this.message : this.message.slice(0, newline);
  }
}

export type OscalFormat = 'json' | 'yaml';

/** The format a file name implies; JSON unless it ends in .yaml or .yml. */
export function formatOf(name: string): OscalFormat {
  return /\.ya?ml$/i.test(name) ? 'yaml' : 'json';
}

export interface ParseOscalOptions {
  /** Where the text came from (a file name, an upload's name); used in messages. */
  name: string;
  /** JSON or YAML; by default from the name's extension. */
  format?: OscalFormat;
  /** Refuse a text longer than this many bytes (UTF-8), before parsing it. */
  maxBytes?: number;
  /** How many issues an OscalError lists at most (default 100); it says how many more there were. */
  maxIssues?: number;
}

const DEFAULT_MAX_ISSUES = 100;
/** How many issues the error's message spells out; all of them (up to maxIssues) are in `issues`. */
const ISSUES_IN_MESSAGE = 10;
/**
 * The most YAML alias expansions a document may make. OSCAL content does not need aliases; a few
 * are harmless, while nested ones (the "billion laughs") would expand exponentially.
 */
const MAX_YAML_ALIASES = 100;

/**
 * Parses and validates an OSCAL catalog or profile (OSCAL 1.0.x or 1.1.x, JSON or YAML), given as
 * text or as UTF-8 bytes (a file as read; large JSON files are read faster so). `name` says where
 * the text came from in messages. Throws OscalError listing every problem found (up to
 * `maxIssues`). A valid document is returned exactly as parsed, so that it serialises back
 * unchanged.
 */
export function parseOscal(input: string | Uint8Array, options: ParseOscalOptions): OscalDocument {
  const { name } = options;
  const format = options.format ?? formatOf(name);
  if (options.maxBytes !== undefined) refuseOversized(input, name, options.maxBytes);

  const raw = format === 'yaml' ? readYaml(textOf(input), name) : readJsonInput(input, name);

  const maxIssues = options.maxIssues ?? DEFAULT_MAX_ISSUES;
  const { issues, total } = inspectOscal(raw, { maxIssues });
  if (total > 0) {
    const shown = issues
      .slice(0, ISSUES_IN_MESSAGE)
      .map((i) => `  ${i.pointer || '/'}: ${i.message}`);
    const more = total - shown.length;
    const summary =
      `${name} is not a valid OSCAL catalog or profile: ${total} problem${total === 1 ? '' : 's'}` +
      (total > issues.length ? ` (the first ${issues.length} are listed)` : '');
    throw new OscalError(
      [summary, ...shown, ...(more > 0 ? [`  … and ${more} more`] : [])].join('\n'),
      issues,
    );
  }
  const root = raw as Record<string, unknown>;
  return 'catalog' in root
    ? ({ kind: 'catalog', catalog: root.catalog } as OscalDocument)
    : ({ kind: 'profile', profile: root.profile } as OscalDocument);
}

function textOf(input: string | Uint8Array): string {
  return typeof input === 'string' ? input : Buffer.from(input).toString('utf8');
}

/**
 * JSON from a string, or from UTF-8 bytes (a file as read): bytes go through the fast all-ASCII
 * text of json-text.ts first; if that text is refused, the bytes are decoded the ordinary way and
 * read again, so that what is reported (line, column, the offending key) is exactly right.
 */
function readJsonInput(input: string | Uint8Array, name: string): unknown {
  if (typeof input === 'string') return readJson(input, name);
  const fast = asciiJsonText(input);
  if (fast !== undefined) {
    try {
      return readJson(fast, name);
    } catch {
      // Read again below from the ordinary text, for the exact message.
    }
  }
  return readJson(textOf(input), name);
}

function refuseOversized(input: string | Uint8Array, name: string, maxBytes: number): void {
  if (typeof input !== 'string') {
    if (input.byteLength > maxBytes) oversized(input.byteLength, name, maxBytes);
    return;
  }
  // A UTF-16 code unit is at most 3 UTF-8 bytes, so short texts need no exact count.
  if (input.length * 3 <= maxBytes) return;
  const bytes = Buffer.byteLength(input, 'utf8');
  if (bytes > maxBytes) oversized(bytes, name, maxBytes);
}

function oversized(bytes: number, name: string, maxBytes: number): never {
  const message = `is ${bytes.toLocaleString('en')} bytes, more than the limit of ${maxBytes.toLocaleString('en')} bytes`;
  throw new OscalError(`${name} ${message}`, [{ pointer: '', rule: 'max-bytes', message }]);
}

// ---- JSON -------------------------------------------------------------------------------------

/**
 * JSON.parse through secure-json-parse, which refuses `__proto__` keys and `constructor.prototype`
 * (a later merge of such an object could change every object's prototype). It only scans the
 * parsed value when the text contains such a key, so valid documents cost one regexp pass more.
 */
function readJson(source: string, name: string): unknown {
  // A byte-order mark is allowed (and dropped); removed here so that error positions count from
  // the first real character.
  const text = source.charCodeAt(0) === 0xfeff ? source.slice(1) : source;
  try {
    return secureJson.parse(text, undefined, { protoAction: 'error', constructorAction: 'error' });
  } catch (error) {
    if (!(error instanceof SyntaxError)) throw error;
    if (/forbidden prototype/.test(error.message)) {
      throw forbiddenKeys(name, JSON.parse(text) as unknown);
    }
    const at = jsonErrorPosition(error.message, text);
    const reason = error.message
      .replace(/\s+(?:in JSON\s+)?at position \d+.*$/s, '')
      .replace(/^JSON\.parse: /, '');
    const message = `line ${at.line}, column ${at.column}: ${reason}`;
    throw new OscalError(`${name} is not valid JSON: ${message}`, [
      { pointer: '', rule: 'json-syntax', message },
    ]);
  }
}

/** Line and column (from 1) of a JSON.parse error; V8 names the offset, or none at the end. */
function jsonErrorPosition(message: string, text: string): { line: number; column: number } {
  const match = /at position (\d+)/.exec(message);
  const offset = match?.[1] === undefined ? text.length : Number(match[1]);
  let line = 1;
  let lineStart = 0;
  for (
    let index = text.indexOf('\n');
    index !== -1 && index < offset;
    index = text.indexOf('\n', index + 1)
  ) {
    line += 1;
    lineStart = index + 1;
  }
  return { line, column: offset - lineStart + 1 };
}

const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/** The OscalError for a JSON document with prototype keys, naming each place. */
function forbiddenKeys(name: string, value: unknown): OscalError {
  const issues: OscalIssue[] = [];
  const walk = (node: unknown, pointer: string): void => {
    if (Array.isArray(node)) {
      node.forEach((item, index) => walk(item, `${pointer}/${index}`));
    } else if (typeof node === 'object' && node !== null) {
      for (const key of Object.keys(node)) {
        const at = `${pointer}/${key.replace(/~/g, '~0').replace(/\//g, '~1')}`;
        if (FORBIDDEN_KEYS.has(key)) {
          issues.push({
            pointer: at,
            rule: 'forbidden-key',
            message: `the key "${key}" is not allowed`,
          });
        }
        walk((node as Record<string, unknown>)[key], at);
      }
    }
  };
  walk(value, '');
  return new OscalError(
    `${name} is refused: it uses the key "__proto__" or "constructor", which OSCAL never does`,
    issues,
  );
}

// ---- YAML -------------------------------------------------------------------------------------

let yamlModule: typeof Yaml | undefined;
/**
 * The yaml package, loaded on first use: it costs more to load (tens of milliseconds) than
 * validating a large catalog, and most imports are JSON, so a command-line run that reads only
 * JSON should not pay for it. `require` because parseOscal is synchronous (yaml is CommonJS).
 */
function yamlLibrary(): typeof Yaml {
  yamlModule ??= createRequire(import.meta.url)('yaml') as typeof Yaml;
  return yamlModule;
}

/**
 * YAML read safely: one document, unique keys, the YAML 1.2 core schema (only JSON's types: no
 * timestamps, sets or `<<` merges), and before converting, every key must be a plain string other
 * than `__proto__`/`constructor`, and every scalar a JSON value (no `.inf`, `.nan` or `!!binary`).
 * Unknown tags are refused rather than read as strings, and alias expansion is bounded.
 */
function readYaml(text: string, name: string): unknown {
  try {
    return readYamlUnguarded(text, name);
  } catch (error) {
    // Collections nested thousands deep exhaust the stack of the YAML parser or of our checks.
    if (error instanceof RangeError) throw yamlError(name, ['it is nested too deeply']);
    throw error;
  }
}

function readYamlUnguarded(text: string, name: string): unknown {
  const { isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, visit } = yamlLibrary();
  const lineCounter = new LineCounter();
  const document = parseDocument(text, {
    schema: 'core',
    merge: false,
    uniqueKeys: true,
    prettyErrors: false,
    lineCounter,
  });
  const problems: string[] = [];
  const at = (offset: number | undefined): string => {
    const { line, col } = lineCounter.linePos(offset ?? 0);
    return `line ${line}, column ${col}`;
  };
  for (const problem of [...document.errors, ...document.warnings]) {
    problems.push(
      `${at(problem.pos[0])}: ${problem.message.replace(/ at line \d+, column \d+.*$/s, '')}`,
    );
  }
  let aliases = 0;
  if (problems.length === 0) {
    visit(document, {
      Alias() {
        aliases += 1;
      },
      Pair(_, pair) {
        if (!isPair(pair)) return;
        const key = pair.key;
        if (!isScalar(key) || typeof key.value !== 'string') {
          const what = isMap(key) ? 'a mapping' : isSeq(key) ? 'a sequence' : 'not a string';
          problems.push(
            `${at(isScalar(key) || isMap(key) || isSeq(key) ? key.range?.[0] : undefined)}: a key is ${what}; keys must be strings`,
          );
        } else if (FORBIDDEN_KEYS.has(key.value)) {
          problems.push(`${at(key.range?.[0])}: the key "${key.value}" is not allowed`);
        }
      },
      Scalar(_, scalar) {
        const value: unknown = scalar.value;
        const ok =
          value === null ||
          typeof value === 'string' ||
          typeof value === 'boolean' ||
          (typeof value === 'number' && Number.isFinite(value));
        if (!ok) {
          problems.push(`${at(scalar.range?.[0])}: ${describeScalar(value)} is not a JSON value`);
        }
      },
    });
  }
  if (problems.length > 0) throw yamlError(name, problems);
  try {
    const value = document.toJS({ maxAliasCount: MAX_YAML_ALIASES }) as unknown;
    // An alias becomes the very same object as its anchor; copy, so that changing one place in
    // the document (as profile resolution does with its own copy) never changes another.
    return aliases > 0 ? (JSON.parse(JSON.stringify(value)) as unknown) : value;
  } catch (error) {
    // yaml throws a ReferenceError for an alias bomb and for an alias to no anchor.
    if (error instanceof ReferenceError) {
      throw yamlError(name, [
        /excessive alias/i.test(error.message)
          ? `its aliases expand too far (more than ${MAX_YAML_ALIASES} alias expansions, as in an "alias bomb")`
          : error.message,
      ]);
    }
    throw error;
  }
}

function describeScalar(value: unknown): string {
  if (typeof value === 'number') return `the number ${String(value)}`;
  if (typeof value === 'bigint') return 'a big integer';
  if (value instanceof Uint8Array) return 'binary data (!!binary)';
  return `a value of type ${typeof value}`;
}

function yamlError(name: string, problems: string[]): OscalError {
  return new OscalError(
    `${name} is not valid YAML for OSCAL: ${problems.slice(0, ISSUES_IN_MESSAGE).join('; ')}`,
    problems.map((message) => ({ pointer: '', rule: 'yaml-syntax', message })),
  );
}
