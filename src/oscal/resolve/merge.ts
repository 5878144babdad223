// The merge phase of profile resolution: how the selections of all imports become one body of
// controls (OSCAL profile resolution specification, "merge"): combination of clashing controls,
// then structuring as-is, flat or custom. Pure functions; only our own copies are changed.
import type { Control, CustomGroup, Group, InsertControls, Merge, Parameter } from '../model.js';
import { forEachControl, forEachGroup } from '../walk.js';
import { ResolutionError } from './errors.js';
import { selectControls, selector, type Origins, type Selection } from './import.js';

/** A catalog's content without metadata and back-matter: what merge produces and modify changes. */
export interface Body {
  params: Parameter[];
  controls: Control[];
  groups: Group[];
}

export type CombineMethod = 'use-first' | 'merge' | 'keep';
export type Structure = 'as-is' | 'flat' | 'custom';

/**
 * The structuring directive. The specification allows at most one; with none, NIST's resolver
 * (and the specification's "flat (default)") produces flat output.
 */
export function structureOf(merge: Merge | undefined): Structure {
  const given: Structure[] = [];
  if (merge?.flat !== undefined) given.push('flat');
  if (merge?.['as-is'] === true) given.push('as-is');
  if (merge?.custom !== undefined) given.push('custom');
  if (given.length > 1) {
    throw new ResolutionError(
      `merge gives ${given.join(' and ')}; choose at most one of as-is, flat and custom`,
    );
  }
  return given[0] ?? 'flat';
}

/**
 * The combination method. OSCAL 1.1 lists use-first, merge and keep; when `combine` is absent we
 * use "keep", as NIST's resolver does. Whatever the method, the same control of the same document
 * reached twice (two imports of one catalog) is one control: it is unified, never duplicated.
 */
export function combineMethodOf(merge: Merge | undefined): CombineMethod {
  return merge?.combine?.method ?? 'keep';
}

/** `a` then `b`, as a new array, or undefined when both are absent or empty. */
function concat<T>(a: readonly T[] | undefined, b: readonly T[] | undefined): T[] | undefined {
  const joined = [...(a ?? []), ...(b ?? [])];
  return joined.length > 0 ? joined : undefined;
}

/**
 * The "merge" combination of two controls with one id from different documents: the first
 * control's title and class, and the params (by id, first wins), props, links and parts of both.
 */
function mergeControlInto(first: Control, other: Control): void {
  const params = [...(first.params ?? [])];
  const seen = new Set(params.map((p) => p.id));
  for (const param of other.params ?? []) {
    if (!seen.has(param.id)) params.push(param);
  }
  if (params.length > 0) first.params = params;
  const props = concat(first.props, other.props);
  if (props) first.props = props;
  const links = concat(first.links, other.links);
  if (links) first.links = links;
  const parts = concat(first.parts, other.parts);
  if (parts) first.parts = parts;
}

/**
 * Removes clashing controls in document order, following the combination method: the first
 * occurrence of an id stays where it is; a later occurrence of the same control from the same
 * document is unified with it (its selected children join the first's, in catalog order); a later
 * occurrence from another document is dropped (use-first), merged in (merge) or kept (keep).
 */
export function combineControls(body: Body, method: CombineMethod, origins: Origins): void {
  const firstById = new Map<string, Control>();
  /** A list whose controls all come from one document goes back to that document's order. */
  const inDocumentOrder = (list: Control[]): Control[] => {
    const uri = list[0] === undefined ? undefined : origins.get(list[0])?.uri;
    if (list.length > 1 && list.every((c) => origins.get(c)?.uri === uri)) {
      const position = (c: Control): number => origins.get(c)?.position ?? 0;
      list.sort((a, b) => position(a) - position(b));
    }
    return list;
  };
  const absorbChildren = (first: Control, moved: Control[]): void => {
    if (moved.length === 0) return;
    first.controls = inDocumentOrder([...(first.controls ?? []), ...moved]);
  };
  const walk = (list: readonly Control[]): Control[] => {
    const out: Control[] = [];
    let unified = false;
    for (const control of list) {
      const first = firstById.get(control.id);
      if (!first) {
        firstById.set(control.id, control);
        if (control.controls) control.controls = walk(control.controls);
        out.push(control);
        continue;
      }
      const sameControl = origins.get(first)?.uri === origins.get(control)?.uri;
      if (!sameControl && method === 'keep') {
        if (control.controls) control.controls = walk(control.controls);
        out.push(control);
        continue;
      }
      if (!sameControl && method === 'merge') mergeControlInto(first, control);
      absorbChildren(first, walk(control.controls ?? []));
      unified = true;
    }
    // Only when something was unified: a single import already comes in document order, and a
    // custom insert-controls may have sorted its list on purpose.
    return unified ? inDocumentOrder(out) : out;
  };
  body.controls = walk(body.controls);
  forEachGroup(body, (group) => {
    if (group.controls) group.controls = walk(group.controls);
  });
}

/** Loose parameters with clashing ids: the same rules as controls, by parameter id. */
export function combineParams(
  params: readonly Parameter[],
  method: CombineMethod,
  sources: WeakMap<Parameter, string>,
): Parameter[] {
  const firstById = new Map<string, Parameter>();
  const out: Parameter[] = [];
  for (const param of params) {
    const first = firstById.get(param.id);
    if (!first) {
      firstById.set(param.id, param);
      out.push(param);
    } else if (first !== param && sources.get(first) !== sources.get(param) && method === 'keep') {
      out.push(param);
    }
    // same parameter again, use-first, merge: the first stands (a loose parameter has no parts to merge)
  }
  return out;
}

/** True when the group or one of its subgroups holds a control. */
function holdsControls(group: Group): boolean {
  return (group.controls?.length ?? 0) > 0 || (group.groups ?? []).some(holdsControls);
}

/** Drops groups that hold no control, at every level (as-is keeps only groups with content). */
function pruneEmptyGroups(groups: readonly Group[]): Group[] {
  const out: Group[] = [];
  for (const group of groups) {
    if (!holdsControls(group)) continue;
    if (group.groups) {
      const kept = pruneEmptyGroups(group.groups);
      if (kept.length > 0) group.groups = kept;
      else delete group.groups;
    }
    out.push(group);
  }
  return out;
}

/**
 * Groups of several selections joined by id (a group without an id is never joined): the first
 * group's own fields, then the params, controls and subgroups of all, in import order.
 */
function joinGroups(lists: readonly (readonly Group[])[]): Group[] {
  const out: Group[] = [];
  const byId = new Map<string, Group>();
  const subgroups = new Map<Group, Group[][]>();
  for (const list of lists) {
    for (const group of list) {
      const existing = group.id === undefined ? undefined : byId.get(group.id);
      if (!existing) {
        const copy: Group = { ...group };
        if (group.id !== undefined) byId.set(group.id, copy);
        subgroups.set(copy, group.groups ? [group.groups] : []);
        out.push(copy);
        continue;
      }
      const params = concat(existing.params, group.params);
      if (params) existing.params = params;
      const controls = concat(existing.controls, group.controls);
      if (controls) existing.controls = controls;
      if (group.groups) subgroups.get(existing)?.push(group.groups);
    }
  }
  for (const group of out) {
    const lists = subgroups.get(group) ?? [];
    if (lists.length > 0) group.groups = joinGroups(lists);
  }
  return out;
}

/** Every loose parameter of a selection: the catalog's and its groups', in document order. */
function looseParams(selection: Selection, sources: WeakMap<Parameter, string>): Parameter[] {
  const params: Parameter[] = [];
  const add = (list: readonly Parameter[] | undefined): void => {
    for (const param of list ?? []) {
      sources.set(param, selection.uri);
      params.push(param);
    }
  };
  add(selection.params);
  forEachGroup(selection, (group) => {
    add(group.params);
  });
  return params;
}

/** Every selected control subtree of a selection, groups dissolved, in document order. */
function controlTrees(selection: Selection): Control[] {
  const trees = [...selection.controls];
  forEachGroup(selection, (group) => {
    if (group.controls) trees.push(...group.controls);
  });
  return trees;
}

/** A control list without nesting: each control followed by its descendants (flat structuring). */
function unnest(controls: readonly Control[], origins: Origins, out: Control[] = []): Control[] {
  for (const control of controls) {
    const copy: Control = { ...control };
    delete copy.controls;
    const origin = origins.get(control);
    if (origin) origins.set(copy, origin);
    out.push(copy);
    if (control.controls) unnest(control.controls, origins, out);
  }
  return out;
}

/** Which import (index in the profile's imports) each selected control came from. */
type ImportOf = WeakMap<Control, number>;

/** Numbers every selected control by its import, before combination moves any of them. */
function importsOf(selections: readonly Selection[]): ImportOf {
  const importOf: ImportOf = new WeakMap();
  selections.forEach((selection, index) => {
    forEachControl(selection, (control) => {
      importOf.set(control, index);
    });
  });
  return importOf;
}

/** True when `target` is `root` or one of its descendants. */
function within(root: Control, target: Control): boolean {
  return root === target || (root.controls ?? []).some((child) => within(child, target));
}

/**
 * As-is, several imports: puts a control that its own import placed directly in a group (or
 * under the catalog) because that import did not select its parent back under that parent, when
 * another import brought the parent into the same group. Example: a level imports a lower level
 * (which selected ac-2) and, separately, ac-2.1 from the catalog; ac-2.1 belongs inside ac-2, not
 * beside it. An enhancement whose parent is nowhere in the group stays where it is (PRIVACY).
 *
 * Merge does not see the source catalogs, only the selected copies, so the parent is known by the
 * naming rule of enhancements that NIST SP 800-53 and our content follow: the parent's id, a dot,
 * and a suffix (ac-2.1 → ac-2; ac-2.1.3 → ac-2.1, else ac-2). Two guards keep this from moving a
 * control that really is top-level: the parent must be in the same merged group (a lifted control
 * sits in the group its parent would have been in), and it must come from another import (a
 * control of the same import that was its parent would already hold it).
 */
function nestUnderParents(controls: Control[], importOf: ImportOf): Control[] {
  if (controls.length < 2) return controls;
  const byId = new Map<string, Control>();
  const index = (list: readonly Control[]): void => {
    for (const control of list) {
      if (!byId.has(control.id)) byId.set(control.id, control);
      if (control.controls) index(control.controls);
    }
  };
  index(controls);
  const kept: Control[] = [];
  for (const control of controls) {
    const parent = parentIn(byId, control.id);
    const from = importOf.get(control);
    if (
      parent === undefined ||
      from === undefined ||
      importOf.get(parent) === undefined ||
      importOf.get(parent) === from ||
      within(control, parent)
    ) {
      kept.push(control);
      continue;
    }
    // A new list: the parent's children list may still be shared with a selection.
    parent.controls = [...(parent.controls ?? []), control];
  }
  return kept.length === controls.length ? controls : kept;
}

/** The control the naming rule makes the nearest present ancestor of `id`: longest prefix first. */
function parentIn(byId: ReadonlyMap<string, Control>, id: string): Control | undefined {
  for (let cut = id.lastIndexOf('.'); cut > 0; cut = id.lastIndexOf('.', cut - 1)) {
    const parent = byId.get(id.slice(0, cut));
    if (parent) return parent;
  }
  return undefined;
}

/** The control's `sort-id` prop (OSCAL: a value "easily sortable among other such values"). */
function sortIdOf(control: Control): string | undefined {
  return control.props?.find(
    (p) => p.name === 'sort-id' && (p.ns === undefined || p.ns === 'http://csrc.nist.gov/ns/oscal'),
  )?.value;
}

/**
 * Sibling controls that came from several imports, in their catalog's order (each import alone
 * already comes in document order). Siblings all from one document are put in document order.
 * Otherwise — the usual case of a level importing a lower level (a resolved profile is a document
 * of its own) and the catalog itself — the `sort-id` props decide, compared as plain strings
 * (NIST and our content zero-pad them: ac-02.01, co-brr-09), but only when every sibling carries
 * one and sorting keeps each document's controls in that document's order; this is what tells us
 * the sort-ids belong to one ordering. In any other case the order stays as merged: import order.
 */
function inCatalogOrder(list: Control[], origins: Origins): Control[] {
  const first = list[0] === undefined ? undefined : origins.get(list[0])?.uri;
  const position = (c: Control): number => origins.get(c)?.position ?? 0;
  if (list.every((c) => origins.get(c)?.uri === first)) {
    return [...list].sort((a, b) => position(a) - position(b));
  }
  const keys = new Map<Control, string>();
  for (const control of list) {
    const key = sortIdOf(control);
    if (key === undefined) return list;
    keys.set(control, key);
  }
  const key = (c: Control): string => keys.get(c) ?? '';
  const sorted = [...list].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
  const last = new Map<string | undefined, number>();
  for (const control of sorted) {
    const uri = origins.get(control)?.uri;
    const at = position(control);
    if ((last.get(uri) ?? -1) > at) return list;
    last.set(uri, at);
  }
  return sorted;
}

/** Puts every control list holding controls of more than one import into catalog order. */
function orderAcrossImports(list: Control[], importOf: ImportOf, origins: Origins): Control[] {
  for (const control of list) {
    if (control.controls)
      control.controls = orderAcrossImports(control.controls, importOf, origins);
  }
  const from = list[0] === undefined ? undefined : importOf.get(list[0]);
  return list.some((c) => importOf.get(c) !== from) ? inCatalogOrder(list, origins) : list;
}

/**
 * The as-is arrangement when several imports meet: controls placed without their parent go under
 * it (nestUnderParents), then siblings from several imports go into catalog order (inCatalogOrder).
 */
function arrangeAcrossImports(body: Body, importOf: ImportOf, origins: Origins): void {
  const arrange = (list: Control[]): Control[] =>
    orderAcrossImports(nestUnderParents(list, importOf), importOf, origins);
  body.controls = arrange(body.controls);
  forEachGroup(body, (group) => {
    if (group.controls) group.controls = arrange(group.controls);
  });
}

/** Natural order of control ids, so that ac-2 comes before ac-10 (see docs/profile-resolution.md). */
export function compareIds(a: string, b: string): number {
  return a.localeCompare(b, 'en', { numeric: true, sensitivity: 'variant' });
}

/**
 * The controls one insert-controls places: those its rules select from the pool of all selected
 * controls, nested as selected, in the requested order (sorting applies to the inserted list).
 */
function insertControls(
  insert: InsertControls,
  pool: readonly Control[],
  origins: Origins,
): Control[] {
  const selects = selector(insert);
  const note = (copy: Control, original: Control): void => {
    const origin = origins.get(original);
    if (origin) origins.set(copy, origin);
  };
  const controls = selectControls(pool, selects, note);
  const order = insert.order ?? 'keep';
  if (order === 'ascending') controls.sort((a, b) => compareIds(a.id, b.id));
  if (order === 'descending') controls.sort((a, b) => compareIds(b.id, a.id));
  return controls;
}

function customGroup(group: CustomGroup, pool: readonly Control[], origins: Origins): Group {
  const out: Group = { title: group.title };
  if (group.id !== undefined) out.id = group.id;
  if (group.class !== undefined) out.class = group.class;
  if (group.params) out.params = group.params;
  if (group.props) out.props = group.props;
  if (group.links) out.links = group.links;
  if (group.parts) out.parts = group.parts;
  const controls = (group['insert-controls'] ?? []).flatMap((insert) =>
    insertControls(insert, pool, origins),
  );
  if (controls.length > 0) out.controls = controls;
  if (group.groups) out.groups = group.groups.map((g) => customGroup(g, pool, origins));
  return out;
}

/**
 * Merges the selections of all imports into one body.
 * - as-is: the catalogs' own groups (joined by id) and nesting; groups left empty are dropped.
 *   With several imports, a control placed without its parent goes under the parent another
 *   import brought, and siblings from several imports are put in catalog order.
 * - flat: every control directly under the catalog, unnested, no groups.
 * - custom: the profile's groups, filled by insert-controls from all selected controls; a selected
 *   control that no insert-controls places is not in the result; custom groups stay even if empty.
 * Loose parameters (catalog and group level) stay with their group under as-is and move to the
 * catalog otherwise; finalisation drops the ones nothing refers to.
 */
export function mergeSelections(
  selections: readonly Selection[],
  merge: Merge | undefined,
  origins: Origins,
): Body {
  const structure = structureOf(merge);
  const method = combineMethodOf(merge);
  const paramSources = new WeakMap<Parameter, string>();
  let body: Body;
  if (structure === 'as-is') {
    const params: Parameter[] = [];
    for (const selection of selections) {
      // Registers the group-level ones too (looseParams), then keeps only the catalog-level here.
      looseParams(selection, paramSources);
      params.push(...selection.params);
    }
    body = {
      params,
      controls: selections.flatMap((s) => s.controls),
      groups: joinGroups(selections.map((s) => s.groups)),
    };
    // Taken before combination, which moves the children of unified controls between imports.
    const importOf = selections.length > 1 ? importsOf(selections) : undefined;
    combineControls(body, method, origins);
    if (importOf) arrangeAcrossImports(body, importOf, origins);
    body.groups = pruneEmptyGroups(body.groups);
    // Groups joined by id may now hold one parameter twice, or clashing ones.
    forEachGroup(body, (group) => {
      if (group.params) group.params = combineParams(group.params, method, paramSources);
    });
  } else if (structure === 'flat') {
    body = {
      params: selections.flatMap((s) => looseParams(s, paramSources)),
      controls: unnest(selections.flatMap(controlTrees), origins),
      groups: [],
    };
    combineControls(body, method, origins);
  } else {
    const pool = selections.flatMap(controlTrees);
    const custom = merge?.custom ?? {};
    body = {
      params: selections.flatMap((s) => looseParams(s, paramSources)),
      controls: (custom['insert-controls'] ?? []).flatMap((insert) =>
        insertControls(insert, pool, origins),
      ),
      groups: (custom.groups ?? []).map((group) => customGroup(group, pool, origins)),
    };
    combineControls(body, method, origins);
  }
  body.params = combineParams(body.params, method, paramSources);
  return body;
}
