import type { Parameter, Part, Property } from '../../oscal/model.js';

/**
 * Rendering a control's prose for people: OSCAL prose holds parameter insertions
 * (`{{ insert: param, ac-1_prm_1 }}`, OSCAL markup-multiline) which are replaced here by the value
 * a security level gives, else the catalog's own value, else the way SP 800-53 prints an open
 * parameter: "[Assignment: organization-defined frequency]" for a label,
 * "[Selection (one or more): a; b]" for choices. Pure functions, no I/O: the control page, the
 * search text made at import and (later) a level's rendered controls all use them with their own
 * map of values.
 */

/** Values that a security level (or the caller) assigns, by parameter id; they win over the catalog's. */
export type ParamValues = ReadonlyMap<string, readonly string[]>;

/** The parameters visible where some prose is written: the control's, its parents', the catalog's. */
export type ParamScope = ReadonlyMap<string, Parameter>;

export type SegmentKind = 'value' | 'assignment' | 'selection' | 'unknown';

/** A piece of rendered prose: plain text, or what stands in for one parameter. */
export interface Segment {
  text: string;
  /** Set when the text stands for a parameter: its id and how its text was made. */
  param?: { id: string; kind: SegmentKind };
}

export interface RenderedPart {
  id: string | null;
  name: string;
  /** The part's "label" prop, e.g. `a.` or `(1)`. */
  label: string | null;
  title: string | null;
  prose: Segment[];
  parts: RenderedPart[];
}

const INSERT = /\{\{\s*insert:\s*([A-Za-z_][\w.-]*)\s*,\s*([A-Za-z_][\w.:-]*)\s*\}\}/g;

/** Choices can insert parameters themselves; this bounds that nesting against a cycle. */
const MAX_NESTING = 8;

/** The first "label" prop, preferring one without a class (NIST 5.1 adds a zero-padded variant). */
export function labelOf(props: readonly Property[] | undefined): string | null {
  const labels = (props ?? []).filter((p) => p.name === 'label');
  return (labels.find((p) => p.class === undefined) ?? labels[0])?.value ?? null;
}

/** A parameter's value as text, with how it was made. */
export function paramText(
  id: string,
  scope: ParamScope,
  values: ParamValues,
  nesting = 0,
): { text: string; kind: SegmentKind } {
  const assigned = values.get(id);
  if (assigned && assigned.length > 0) return { text: assigned.join(', '), kind: 'value' };
  const param = scope.get(id);
  if (!param) return { text: `[Assignment: ${id}]`, kind: 'unknown' };
  if (param.values && param.values.length > 0) {
    return { text: param.values.join(', '), kind: 'value' };
  }
  if (param.select) {
    const choices = (param.select.choice ?? []).map((choice) =>
      nesting >= MAX_NESTING ? choice : proseText(renderProse(choice, scope, values, nesting + 1)),
    );
    const many = param.select['how-many'] === 'one-or-more' ? ' (one or more)' : '';
    return { text: `[Selection${many}: ${choices.join('; ')}]`, kind: 'selection' };
  }
  return { text: `[Assignment: ${param.label ?? id}]`, kind: 'assignment' };
}

/** Prose with every parameter insertion replaced; other kinds of insertion are left as written. */
export function renderProse(
  prose: string,
  scope: ParamScope,
  values: ParamValues,
  nesting = 0,
): Segment[] {
  const segments: Segment[] = [];
  let last = 0;
  for (const match of prose.matchAll(INSERT)) {
    const [whole, type, id] = match;
    if (type !== 'param' || id === undefined) continue;
    const at = match.index;
    if (at > last) segments.push({ text: prose.slice(last, at) });
    const rendered = paramText(id, scope, values, nesting);
    segments.push({ text: rendered.text, param: { id, kind: rendered.kind } });
    last = at + whole.length;
  }
  if (last < prose.length) segments.push({ text: prose.slice(last) });
  return segments;
}

export function proseText(segments: readonly Segment[]): string {
  return segments.map((s) => s.text).join('');
}

/** Parts (a statement and its items, guidance, …) rendered, nested as in the catalog. */
export function renderParts(
  parts: readonly Part[] | undefined,
  scope: ParamScope,
  values: ParamValues,
): RenderedPart[] {
  return (parts ?? []).map((part) => ({
    id: part.id ?? null,
    name: part.name,
    label: labelOf(part.props),
    title: part.title ?? null,
    prose: part.prose === undefined ? [] : renderProse(part.prose, scope, values),
    parts: renderParts(part.parts, scope, values),
  }));
}

/**
 * A rendered part as plain text: one line per part, its label first, items indented two spaces
 * per level (the way the control reads on paper).
 */
export function partText(part: RenderedPart, depth = 0): string {
  const own = [part.label, part.title, proseText(part.prose).trim()]
    .filter((s): s is string => s !== null && s !== '')
    .join(' ');
  const lines = own === '' ? [] : ['  '.repeat(depth) + own];
  for (const child of part.parts) {
    const text = partText(child, own === '' ? depth : depth + 1);
    if (text !== '') lines.push(text);
  }
  return lines.join('\n');
}

/** A scope from lists of parameters, nearest last (a control's own params shadow outer ones). */
export function scopeOf(...lists: (readonly Parameter[] | undefined)[]): Map<string, Parameter> {
  const scope = new Map<string, Parameter>();
  for (const list of lists) for (const param of list ?? []) scope.set(param.id, param);
  return scope;
}

export const NO_VALUES: ParamValues = new Map();
