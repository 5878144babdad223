import type { Catalog, Control, Group, Parameter, Part } from '../../oscal/model.js';
import { forEachControl } from '../../oscal/walk.js';

/**
 * Comparing two versions of a level by their resolved catalogs: which controls came and went, and
 * for the controls in both, what changed in their title, parameter values and text. Pure: no I/O.
 */

export interface ControlRef {
  id: string;
  title: string;
}

/** A parameter as people read it: its values, or the choice it offers, or null when unset. */
export interface ParameterChange {
  paramId: string;
  before: string | null;
  after: string | null;
}

/** The text of one part (statement, guidance, an item…), keyed by its id or its path of names. */
export interface TextChange {
  part: string;
  before: string | null;
  after: string | null;
}

export interface ControlChange {
  id: string;
  title: string;
  titleChange: { before: string; after: string } | null;
  parameters: ParameterChange[];
  texts: TextChange[];
}

export interface CatalogDiff {
  added: ControlRef[];
  removed: ControlRef[];
  changed: ControlChange[];
}

/** Every control and enhancement of a catalog in document order, with the groups around it. */
export interface PlacedControl {
  control: Control;
  groups: { id: string | null; title: string }[];
  /** The enclosing control of an enhancement. */
  parentId: string | null;
}

export function placedControls(catalog: Catalog): PlacedControl[] {
  const placed: PlacedControl[] = [];
  // The walk hands every control under one group the same path array, so the path in words is
  // made once a group, not once a control.
  let path: readonly Group[] | undefined;
  let groups: PlacedControl['groups'] = [];
  forEachControl(catalog, (control, parent, around) => {
    if (around !== path) {
      path = around;
      groups = around.map((group) => ({ id: group.id ?? null, title: group.title }));
    }
    placed.push({ control, groups, parentId: parent?.id ?? null });
  });
  return placed;
}

/** A parameter's value in words: its values, else what may be chosen, else null (not set). */
export function parameterValue(param: Parameter): string | null {
  if (param.values && param.values.length > 0) return param.values.join('; ');
  if (param.select?.choice && param.select.choice.length > 0) {
    const how = param.select['how-many'] === 'one-or-more' ? 'one or more of' : 'one of';
    return `${how}: ${param.select.choice.join(' | ')}`;
  }
  return null;
}

/**
 * The texts of a control's parts, keyed by part id; a part without an id is keyed by its parent's
 * key and its name with a position, so that unnamed items still line up between two versions.
 */
export function partTexts(parts: readonly Part[] | undefined): Map<string, string> {
  const texts = new Map<string, string>();
  const visit = (list: readonly Part[], prefix: string) => {
    const seen = new Map<string, number>();
    for (const part of list) {
      const count = (seen.get(part.name) ?? 0) + 1;
      seen.set(part.name, count);
      const key = part.id ?? `${prefix}${part.name}[${count}]`;
      const text = [part.title, part.prose].filter((t): t is string => Boolean(t)).join('\n');
      if (text !== '') texts.set(key, text);
      if (part.parts) visit(part.parts, `${key}/`);
    }
  };
  visit(parts ?? [], '');
  return texts;
}

function compareMaps(
  before: Map<string, string | null>,
  after: Map<string, string | null>,
): { key: string; before: string | null; after: string | null }[] {
  const changes: { key: string; before: string | null; after: string | null }[] = [];
  for (const [key, value] of after) {
    const old = before.has(key) ? (before.get(key) ?? null) : null;
    if (old !== value) changes.push({ key, before: old, after: value });
  }
  for (const [key, value] of before) {
    if (!after.has(key) && value !== null) changes.push({ key, before: value, after: null });
  }
  return changes;
}

function parameterMap(control: Control): Map<string, string | null> {
  return new Map((control.params ?? []).map((p) => [p.id, parameterValue(p)]));
}

/** What changed from `before` to `after`: controls added, removed, and changed in title, parameters or text. */
export function diffCatalogs(before: Catalog, after: Catalog): CatalogDiff {
  const old = new Map(placedControls(before).map((p) => [p.control.id, p.control]));
  const now = placedControls(after);
  const nowIds = new Set(now.map((p) => p.control.id));
  const diff: CatalogDiff = { added: [], removed: [], changed: [] };
  for (const { control } of now) {
    const previous = old.get(control.id);
    if (!previous) {
      diff.added.push({ id: control.id, title: control.title });
      continue;
    }
    const parameters = compareMaps(parameterMap(previous), parameterMap(control)).map((c) => ({
      paramId: c.key,
      before: c.before,
      after: c.after,
    }));
    const texts = compareMaps(partTexts(previous.parts), partTexts(control.parts)).map((c) => ({
      part: c.key,
      before: c.before,
      after: c.after,
    }));
    const titleChange =
      previous.title === control.title ? null : { before: previous.title, after: control.title };
    if (titleChange || parameters.length > 0 || texts.length > 0) {
      diff.changed.push({
        id: control.id,
        title: control.title,
        titleChange: titleChange,
        parameters,
        texts,
      });
    }
  }
  for (const [id, control] of old) {
    if (!nowIds.has(id)) diff.removed.push({ id, title: control.title });
  }
  return diff;
}
