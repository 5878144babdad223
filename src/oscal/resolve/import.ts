// The import phase of profile resolution: which controls of one imported catalog a profile
// selects (OSCAL profile resolution specification, "import"). Pure functions, no I/O: the
// documents have already been loaded. The source catalog is never changed: selected controls and
// groups are shallow copies with their own `controls` lists, sharing everything else.
import type { Catalog, Control, Group, Parameter, Resource, SelectControlById } from '../model.js';
import { forEachControl } from '../walk.js';

/** The controls one import selected from one catalog, in the catalog's own structure. */
export interface Selection {
  /** The document the controls came from. */
  uri: string;
  /** Loose parameters of the catalog (pruned in finalisation when nothing refers to them). */
  params: Parameter[];
  /** Selected controls directly under the catalog. */
  controls: Control[];
  /** Every group of the catalog, with only selected controls; empty groups are pruned when merged. */
  groups: Group[];
  /** The catalog's back-matter, for finalisation to keep what the output refers to. */
  resources: Resource[];
}

/**
 * Where each selected control copy came from: the document and its position there (pre-order),
 * so that the same control reached twice is recognised and catalog order can be restored.
 */
export type Origins = WeakMap<Control, { uri: string; position: number }>;

/** The include and exclude rules of an import (or of a custom merge's insert-controls). */
export interface SelectionRules {
  'include-all'?: Record<string, never>;
  'include-controls'?: SelectControlById[];
  'exclude-controls'?: SelectControlById[];
}

interface Matcher {
  ids: ReadonlySet<string>;
  patterns: readonly RegExp[];
  withChildren: boolean;
}

/**
 * A `matching` pattern as a regular expression. The specification defines patterns as globs:
 * `*` any run of characters, `?` one character, everything else literal; the whole id must match.
 */
export function globToRegExp(glob: string): RegExp {
  let source = '';
  for (const char of glob) {
    if (char === '*') source += '.*';
    else if (char === '?') source += '.';
    else source += char.replace(/[\\^$.|+()[\]{}]/g, '\\$&');
  }
  return new RegExp(`^${source}$`, 'u');
}

function compile(selectors: readonly SelectControlById[] | undefined): Matcher[] {
  return (selectors ?? []).map((selector) => ({
    ids: new Set(selector['with-ids'] ?? []),
    patterns: (selector.matching ?? [])
      .filter((m) => m.pattern !== undefined && m.pattern !== '')
      .map((m) => globToRegExp(m.pattern ?? '')),
    withChildren: selector['with-child-controls'] === 'yes',
  }));
}

function hits(matcher: Matcher, id: string): boolean {
  return matcher.ids.has(id) || matcher.patterns.some((pattern) => pattern.test(id));
}

/** True when `matchers` name the control, or (with-child-controls) one of its ancestors. */
function named(matchers: readonly Matcher[], id: string, ancestors: readonly string[]): boolean {
  return matchers.some(
    (m) => hits(m, id) || (m.withChildren && ancestors.some((ancestor) => hits(m, ancestor))),
  );
}

/**
 * The predicate "this import selects this control": included (include-all, or named by an
 * include-controls selector) and not excluded. `with-child-controls: yes` extends a selector to
 * every descendant, not only children (as NIST's resolver does).
 */
export function selector(
  rules: SelectionRules,
): (id: string, ancestors: readonly string[]) => boolean {
  const includeAll = rules['include-all'] !== undefined;
  const include = compile(rules['include-controls']);
  const exclude = compile(rules['exclude-controls']);
  return (id, ancestors) =>
    (includeAll || named(include, id, ancestors)) && !named(exclude, id, ancestors);
}

/**
 * The selected controls among `controls`, keeping their nesting. A control that is not selected
 * does not appear, but its selected descendants take its place in its parent. This is how NIST's
 * current XSLT resolver treats an enhancement selected without its base control (PRIVACY selects
 * six): it stays in the family group, directly where its parent would have been.
 */
export function selectControls(
  controls: readonly Control[],
  selects: (id: string, ancestors: readonly string[]) => boolean,
  note: (copy: Control, original: Control) => void,
  ancestors: string[] = [],
): Control[] {
  const out: Control[] = [];
  for (const control of controls) {
    let children: Control[] = [];
    if (control.controls) {
      ancestors.push(control.id);
      children = selectControls(control.controls, selects, note, ancestors);
      ancestors.pop();
    }
    if (selects(control.id, ancestors)) {
      const copy: Control = { ...control };
      if (children.length > 0) copy.controls = children;
      else delete copy.controls;
      note(copy, control);
      out.push(copy);
    } else {
      out.push(...children);
    }
  }
  return out;
}

/** Numbers every control of a catalog in document order (pre-order), once per catalog. */
function positionsOf(catalog: Catalog): Map<Control, number> {
  const positions = new Map<Control, number>();
  forEachControl(catalog, (control) => {
    positions.set(control, positions.size);
  });
  return positions;
}

const positionCache = new WeakMap<Catalog, Map<Control, number>>();

/** What `rules` select from `catalog` (named `uri`), recording each copy's origin. */
export function selectFromCatalog(
  catalog: Catalog,
  uri: string,
  rules: SelectionRules,
  origins: Origins,
): Selection {
  let positions = positionCache.get(catalog);
  if (!positions) {
    positions = positionsOf(catalog);
    positionCache.set(catalog, positions);
  }
  const known = positions;
  const selects = selector(rules);
  const note = (copy: Control, original: Control): void => {
    origins.set(copy, { uri, position: known.get(original) ?? -1 });
  };
  const selectGroup = (group: Group): Group => {
    const copy: Group = { ...group };
    const controls = selectControls(group.controls ?? [], selects, note);
    if (controls.length > 0) copy.controls = controls;
    else delete copy.controls;
    if (group.groups) copy.groups = group.groups.map(selectGroup);
    return copy;
  };
  return {
    uri,
    params: catalog.params ?? [],
    controls: selectControls(catalog.controls ?? [], selects, note),
    groups: (catalog.groups ?? []).map(selectGroup),
    resources: catalog['back-matter']?.resources ?? [],
  };
}
