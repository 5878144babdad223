/**
 * The short before/after summary an audit event carries, and the rules that keep it short. Pure:
 * no I/O.
 */

/** What changed, briefly: the fields that matter before and after, or why it was refused. */
export interface AuditSummary {
  /** Any JSON-like value; shortened on the way in (see `shortenSummary`). */
  before?: unknown;
  after?: unknown;
  reason?: string;
}

/** A value as stored in a summary, once shortened. */
export type AuditSummaryValue =
  string | number | boolean | null | AuditSummaryValue[] | { [key: string]: AuditSummaryValue };

/** A stored summary longer than this is shortened further. */
export const MAX_SUMMARY_LENGTH = 4000;

interface Limits {
  text: number;
  items: number;
  keys: number;
  depth: number;
}
const SHORT: Limits = { text: 200, items: 20, keys: 30, depth: 3 };
const SHORTER: Limits = { text: 40, items: 5, keys: 10, depth: 2 };

/** `text` cut to at most `max` characters, the last being an ellipsis when anything was cut. */
export function cut(text: string, max: number): string {
  if (text.length <= max) return text;
  let kept = text.slice(0, max - 1);
  // Do not leave half of a surrogate pair at the end.
  if (/[\uD800-\uDBFF]$/.test(kept)) kept = kept.slice(0, -1);
  return `${kept}…`;
}

function shorten(value: unknown, limits: Limits, depth: number): AuditSummaryValue | undefined {
  if (value === undefined || typeof value === 'function' || typeof value === 'symbol') {
    return undefined;
  }
  if (value === null || typeof value === 'boolean') return value;
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (typeof value === 'string') return cut(value, limits.text);
  if (typeof value === 'bigint') return cut(value.toString(), limits.text);
  if (value instanceof Date) {
    return Number.isNaN(value.getTime()) ? null : value.toISOString();
  }
  if (depth >= limits.depth) return '[…]';
  if (Array.isArray(value)) {
    const items = (value as unknown[])
      .slice(0, limits.items)
      .map((item) => shorten(item, limits, depth + 1) ?? null);
    if (value.length > limits.items) items.push(`… ${value.length - limits.items} more`);
    return items;
  }
  const entries = Object.entries(value as Record<string, unknown>)
    .map(([key, item]) => [key, shorten(item, limits, depth + 1)] as const)
    .filter((entry): entry is readonly [string, AuditSummaryValue] => entry[1] !== undefined);
  const kept: Record<string, AuditSummaryValue> = Object.fromEntries(
    entries.slice(0, limits.keys).map(([key, item]) => [cut(key, 64), item]),
  );
  if (entries.length > limits.keys) kept['…'] = `${entries.length - limits.keys} more`;
  return kept;
}

/**
 * The summary as stored: JSON text of `{ before?, after?, reason? }` with strings cut to 200
 * characters, at most 20 items per list and 30 keys per object, nested at most 3 deep. Still over
 * MAX_SUMMARY_LENGTH, it is cut harder (40 characters, 5 items, 10 keys, 2 deep), and failing that
 * replaced by a note saying so: the trail records that something changed, not a copy of the data.
 */
export function shortenSummary(summary: AuditSummary = {}): string {
  const render = (limits: Limits): string => {
    const shortened: Record<string, AuditSummaryValue> = {};
    const before = shorten(summary.before, limits, 0);
    const after = shorten(summary.after, limits, 0);
    if (before !== undefined) shortened.before = before;
    if (after !== undefined) shortened.after = after;
    // At the depth limit: a reason is text, and anything else is cut to a marker.
    const reason = shorten(summary.reason, limits, limits.depth);
    if (reason !== undefined) shortened.reason = reason;
    return JSON.stringify(shortened);
  };
  for (const limits of [SHORT, SHORTER]) {
    const text = render(limits);
    if (text.length <= MAX_SUMMARY_LENGTH) return text;
  }
  return JSON.stringify({ reason: 'summary too long to keep' });
}
