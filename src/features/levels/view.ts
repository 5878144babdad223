import type { Catalog, Parameter } from '../../oscal/model.js';
import { labelOf, NO_VALUES, partText, renderParts, scopeOf } from '../catalogs/render.js';
import { parameterValue, placedControls } from './diff.js';

/**
 * A resolved catalog as a level's page shows it: controls under their top-level group, each with
 * its statement (parameter values filled in) and its parameters' values. Pure: no I/O.
 */

export interface ControlView {
  id: string;
  label: string | null;
  title: string;
  parentId: string | null;
  statement: string;
  parameters: { id: string; label: string | null; value: string | null }[];
}

export interface GroupView {
  id: string | null;
  title: string;
  controls: ControlView[];
}

export function catalogView(catalog: Catalog): { controlCount: number; groups: GroupView[] } {
  const placed = placedControls(catalog);
  const allParams: Parameter[] = [...(catalog.params ?? [])];
  for (const p of placed) allParams.push(...(p.control.params ?? []));
  const scope = scopeOf(allParams);
  const groups = new Map<string, GroupView>();
  for (const { control, groups: path, parentId } of placed) {
    const top = path[0] ?? { id: null, title: 'Other controls' };
    const key = top.id ?? `title:${top.title}`;
    let group = groups.get(key);
    if (!group) {
      group = { id: top.id, title: top.title, controls: [] };
      groups.set(key, group);
    }
    const statement = renderParts(
      (control.parts ?? []).filter((part) => part.name === 'statement'),
      scope,
      NO_VALUES,
    )
      .map((part) => partText(part))
      .join('\n');
    group.controls.push({
      id: control.id,
      label: labelOf(control.props),
      title: control.title,
      parentId,
      statement,
      parameters: (control.params ?? []).map((param) => ({
        id: param.id,
        label: param.label ?? null,
        value: parameterValue(param),
      })),
    });
  }
  return { controlCount: placed.length, groups: [...groups.values()] };
}
