import type { Catalog, Control, Group, OscalIssue, Parameter } from '../../oscal/model.js';
import { labelOf, NO_VALUES, partText, renderParts, scopeOf } from './render.js';

/**
 * A catalog's controls and enhancements as a flat list in document order, with what browsing and
 * search need worked out once at import: the family (top-level group), the enclosing groups, the
 * parent control, the statement as plain text with open parameters spelled out, and the lower-cased
 * text that search matches. Pure: the import stores these rows as they are.
 */
export interface FlatControl {
  controlId: string;
  parentId: string | null;
  position: number;
  depth: number;
  familyId: string | null;
  familyTitle: string | null;
  groupPath: { id: string | null; title: string }[];
  label: string | null;
  sortId: string | null;
  title: string;
  statement: string;
  idKey: string;
  titleKey: string;
  searchText: string;
  withdrawn: boolean;
  enhancementCount: number;
  /** The control without its enhancements (they are rows of their own). */
  control: Omit<Control, 'controls'>;
}

export interface FlattenedCatalog {
  controls: FlatControl[];
  families: number;
  /** Problems the schema cannot see, such as two controls with one id. */
  issues: OscalIssue[];
}

/** Whether a control is marked withdrawn (prop `status` = `withdrawn`, as NIST marks them). */
export function isWithdrawn(control: Pick<Control, 'props'>): boolean {
  return (control.props ?? []).some((p) => p.name === 'status' && p.value === 'withdrawn');
}

/** Lower case, white space folded: the form that search text and query terms are compared in. */
export function searchKey(text: string): string {
  return text.toLowerCase().replace(/\s+/g, ' ').trim();
}

export function flattenCatalog(catalog: Catalog): FlattenedCatalog {
  const controls: FlatControl[] = [];
  const issues: OscalIssue[] = [];
  const seen = new Map<string, string>();

  const visit = (
    control: Control,
    pointer: string,
    groups: { id: string | null; title: string }[],
    outerParams: readonly (readonly Parameter[] | undefined)[],
    parentId: string | null,
    depth: number,
  ): void => {
    const first = seen.get(control.id);
    if (first !== undefined) {
      issues.push({
        pointer: `${pointer}/id`,
        rule: 'unique-control-id',
        message: `control id "${control.id}" is used twice (first at ${first})`,
      });
    } else {
      seen.set(control.id, `${pointer}/id`);
    }
    const params = [...outerParams, control.params];
    const scope = scopeOf(...params);
    const statementParts = (control.parts ?? []).filter((p) => p.name === 'statement');
    const statement = renderParts(statementParts, scope, NO_VALUES)
      .map((part) => partText(part))
      .join('\n');
    const label = labelOf(control.props);
    const { controls: children, ...own } = control;
    const family = groups[0];
    controls.push({
      controlId: control.id,
      parentId,
      position: controls.length,
      depth,
      familyId: family ? family.id : null,
      familyTitle: family ? family.title : null,
      groupPath: groups,
      label,
      sortId: (control.props ?? []).find((p) => p.name === 'sort-id')?.value ?? null,
      title: control.title,
      statement,
      idKey: searchKey([control.id, label ?? ''].join(' ')),
      titleKey: searchKey(control.title),
      searchText: searchKey([control.id, label ?? '', control.title, statement].join(' ')),
      withdrawn: isWithdrawn(control),
      enhancementCount: children?.length ?? 0,
      control: own,
    });
    children?.forEach((child, index) =>
      visit(child, `${pointer}/controls/${index}`, groups, params, control.id, depth + 1),
    );
  };

  const visitGroup = (
    group: Group,
    pointer: string,
    path: { id: string | null; title: string }[],
    outerParams: readonly (readonly Parameter[] | undefined)[],
  ): void => {
    const groups = [...path, { id: group.id ?? null, title: group.title }];
    const params = [...outerParams, group.params];
    group.controls?.forEach((control, index) =>
      visit(control, `${pointer}/controls/${index}`, groups, params, null, 0),
    );
    group.groups?.forEach((inner, index) =>
      visitGroup(inner, `${pointer}/groups/${index}`, groups, params),
    );
  };

  catalog.controls?.forEach((control, index) =>
    visit(control, `/catalog/controls/${index}`, [], [catalog.params], null, 0),
  );
  // A family is browsed by its id; OSCAL lets a group go without one, so such a top-level group
  // is keyed by its place instead (`group-3`), which stays stable for the stored catalog.
  catalog.groups?.forEach((group, index) =>
    visitGroup(
      { ...group, id: group.id ?? `group-${index + 1}` },
      `/catalog/groups/${index}`,
      [],
      [catalog.params],
    ),
  );
  return { controls, families: catalog.groups?.length ?? 0, issues };
}
