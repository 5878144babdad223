// Walking the controls and groups of a catalog (or of anything shaped like one: a group, a
// resolution's selection or body). Pure and dependency-free, so the CLI's light commands can use it.
import type { Control, Group } from './model.js';

/** Anything that holds controls and groups the way a catalog does. */
export interface ControlContainer {
  controls?: readonly Control[];
  groups?: readonly Group[];
}

/**
 * Called for each control: `parent` is the enclosing control of an enhancement (null otherwise),
 * `groups` the enclosing groups, outermost first. One `groups` array serves every control under
 * the same group, so a visitor may compare it by identity but must not change it.
 */
export type ControlVisitor = (
  control: Control,
  parent: Control | null,
  groups: readonly Group[],
) => void;

const NO_GROUPS: readonly Group[] = [];

function visitControls(
  controls: readonly Control[] | undefined,
  parent: Control | null,
  groups: readonly Group[],
  visit: ControlVisitor,
): void {
  if (!controls) return;
  for (const control of controls) {
    visit(control, parent, groups);
    visitControls(control.controls, control, groups, visit);
  }
}

function visitGroups(
  groups: readonly Group[] | undefined,
  outer: readonly Group[],
  visit: ControlVisitor,
): void {
  if (!groups) return;
  for (const group of groups) {
    const path = [...outer, group];
    visitControls(group.controls, null, path, visit);
    visitGroups(group.groups, path, visit);
  }
}

/**
 * Visits every control and enhancement in document order: the container's own controls, each
 * followed by its descendants, then each group's controls and subgroups in turn (pre-order).
 * The visitor may replace a control's `controls` list; the walk reads it after the visit.
 */
export function forEachControl(container: ControlContainer, visit: ControlVisitor): void {
  visitControls(container.controls, null, NO_GROUPS, visit);
  visitGroups(container.groups, NO_GROUPS, visit);
}

/** Visits every group, each before its subgroups, in document order. */
export function forEachGroup(container: ControlContainer, visit: (group: Group) => void): void {
  if (!container.groups) return;
  for (const group of container.groups) {
    visit(group);
    forEachGroup(group, visit);
  }
}

/** Every control and enhancement in document order (see forEachControl). */
export function allControls(container: ControlContainer): Control[] {
  const out: Control[] = [];
  forEachControl(container, (control) => {
    out.push(control);
  });
  return out;
}

/** How many controls and enhancements the container holds, at any depth. */
export function countControls(container: ControlContainer): number {
  let count = 0;
  forEachControl(container, () => count++);
  return count;
}
