// The modify phase of profile resolution (OSCAL profile resolution specification, "modify"):
// set-parameters and alters, applied to the merged body. Only our own copies change: a control
// that is altered gets its own copy of its content first, so the imported catalog stays as read.
import type {
  Addition,
  Alteration,
  Control,
  Link,
  Modify,
  Parameter,
  Part,
  Property,
  Removal,
  SetParameter,
} from '../model.js';
import { forEachControl, forEachGroup } from '../walk.js';
import { ResolutionError } from './errors.js';
import type { Body } from './merge.js';

/** The OSCAL namespace; `by-ns` with it also matches items that name no namespace (as NIST does). */
const OSCAL_NS = 'http://csrc.nist.gov/ns/oscal';

/** Props in order, a later prop with the same uuid replacing an earlier one (NIST's rule). */
function mergeProps(
  a: readonly Property[] | undefined,
  b: readonly Property[] | undefined,
): Property[] | undefined {
  const all = [...(a ?? []), ...(b ?? [])];
  const lastByUuid = new Map<string, Property>();
  for (const prop of all) if (prop.uuid !== undefined) lastByUuid.set(prop.uuid, prop);
  const out = all.filter((prop) => prop.uuid === undefined || lastByUuid.get(prop.uuid) === prop);
  return out.length > 0 ? out : undefined;
}

function joined<T>(a: readonly T[] | undefined, b: readonly T[] | undefined): T[] | undefined {
  const out = [...(a ?? []), ...(b ?? [])];
  return out.length > 0 ? out : undefined;
}

/**
 * A parameter after a set-parameter. The specification: label, usage, class, depends-on, and the
 * value (values or select, one replacing the other) are replaced when the setting gives them;
 * props, links, constraints and guidelines are added after the parameter's own.
 */
export function applySetting(param: Parameter, setting: SetParameter): Parameter {
  const out: Parameter = { ...param };
  if (setting.class !== undefined) out.class = setting.class;
  if (setting['depends-on'] !== undefined) out['depends-on'] = setting['depends-on'];
  if (setting.label !== undefined) out.label = setting.label;
  if (setting.usage !== undefined) out.usage = setting.usage;
  const props = mergeProps(param.props, setting.props);
  if (props) out.props = props;
  const links = joined(param.links, setting.links);
  if (links) out.links = links;
  const constraints = joined(param.constraints, setting.constraints);
  if (constraints) out.constraints = constraints;
  const guidelines = joined(param.guidelines, setting.guidelines);
  if (guidelines) out.guidelines = guidelines;
  if (setting.values !== undefined) {
    out.values = setting.values;
    delete out.select;
  } else if (setting.select !== undefined) {
    out.select = setting.select;
    delete out.values;
  }
  return out;
}

/** Anything in the body that holds parameters. */
type ParamHolder = { params?: Parameter[] };

/**
 * Applies every set-parameter to each parameter with its id, wherever it is (in a control, a group
 * or loose). A setting whose parameter is not in the result is ignored, as NIST's resolver does
 * (it only warns): the parameter may belong to a control this profile did not select.
 */
export function setParameters(body: Body, settings: readonly SetParameter[]): void {
  if (settings.length === 0) return;
  const byId = new Map<string, SetParameter[]>();
  for (const setting of settings) {
    const list = byId.get(setting['param-id']) ?? [];
    list.push(setting);
    byId.set(setting['param-id'], list);
  }
  const visitHolder = (holder: ParamHolder): void => {
    if (!holder.params?.some((p) => byId.has(p.id))) return;
    holder.params = holder.params.map((param) =>
      (byId.get(param.id) ?? []).reduce(applySetting, param),
    );
  };
  // Each holder is changed on its own, so the order of visits does not matter.
  visitHolder(body);
  forEachGroup(body, visitHolder);
  forEachControl(body, visitHolder);
}

/** The kind of an item in a control, as `by-item-name` names it. */
type ItemKind = 'param' | 'prop' | 'link' | 'part';

interface Item {
  id?: string;
  name?: string;
  class?: string;
  ns?: string;
}

/**
 * True when a removal names the item. Every selector given must match (NIST's rule); a removal
 * with no selector matches nothing.
 */
export function removalMatches(removal: Removal, kind: ItemKind, item: Item): boolean {
  const given =
    removal['by-name'] !== undefined ||
    removal['by-class'] !== undefined ||
    removal['by-id'] !== undefined ||
    removal['by-item-name'] !== undefined ||
    removal['by-ns'] !== undefined;
  if (!given) return false;
  if (removal['by-item-name'] !== undefined && removal['by-item-name'] !== kind) return false;
  if (removal['by-id'] !== undefined && removal['by-id'] !== item.id) return false;
  if (removal['by-name'] !== undefined && removal['by-name'] !== item.name) return false;
  if (removal['by-class'] !== undefined && removal['by-class'] !== item.class) return false;
  const ns = removal['by-ns'];
  if (ns !== undefined) {
    const itemNs = item.ns ?? (kind === 'prop' || kind === 'part' ? OSCAL_NS : undefined);
    if (itemNs !== ns) return false;
  }
  return true;
}

function keep<T extends object>(
  list: T[] | undefined,
  kind: ItemKind,
  removals: readonly Removal[],
): T[] | undefined {
  if (!list) return undefined;
  // Links have none of the selected fields but by-item-name; they read as an item without them.
  const out = list.filter((item) => !removals.some((r) => removalMatches(r, kind, item)));
  return out.length > 0 ? out : undefined;
}

/** Sets an optional list, or removes the field when the list is empty (the schema forbids empty lists). */
function assignList<O extends object, K extends keyof O>(
  target: O,
  key: K,
  list: O[K] | undefined,
): void {
  if (Array.isArray(list) && list.length > 0) target[key] = list;
  else Reflect.deleteProperty(target, key);
}

function removeFromPart(part: Part, removals: readonly Removal[]): void {
  assignList(part, 'props', keep(part.props, 'prop', removals));
  assignList(part, 'links', keep(part.links, 'link', removals));
  const parts = keep(part.parts, 'part', removals);
  for (const child of parts ?? []) removeFromPart(child, removals);
  assignList(part, 'parts', parts);
}

/**
 * Applies removals to the content of one control: its params, props, links and parts at any depth
 * (with the props and links inside params and parts). Child controls are not reached: each
 * control is altered by its own alter (see docs/profile-resolution.md).
 */
export function applyRemovals(control: Control, removals: readonly Removal[]): void {
  const params = keep(control.params, 'param', removals);
  for (const param of params ?? []) {
    assignList(param, 'props', keep(param.props, 'prop', removals));
    assignList(param, 'links', keep(param.links, 'link', removals));
  }
  assignList(control, 'params', params);
  assignList(control, 'props', keep(control.props, 'prop', removals));
  assignList(control, 'links', keep(control.links, 'link', removals));
  const parts = keep(control.parts, 'part', removals);
  for (const part of parts ?? []) removeFromPart(part, removals);
  assignList(control, 'parts', parts);
}

/** Where an `add` with a by-id found its target inside the altered control. */
type Target =
  | { kind: 'control'; control: Control; siblings: Control[]; index: number }
  | { kind: 'part'; part: Part; siblings: Part[]; index: number }
  | { kind: 'param'; param: Parameter; siblings: Parameter[]; index: number };

function findTarget(control: Control, id: string): Target | undefined {
  const params = control.params ?? [];
  const paramIndex = params.findIndex((p) => p.id === id);
  if (paramIndex >= 0)
    return {
      kind: 'param',
      param: params[paramIndex] as Parameter,
      siblings: params,
      index: paramIndex,
    };
  const inParts = (parts: Part[]): Target | undefined => {
    for (let index = 0; index < parts.length; index++) {
      const part = parts[index] as Part;
      if (part.id === id) return { kind: 'part', part, siblings: parts, index };
      const found = part.parts ? inParts(part.parts) : undefined;
      if (found) return found;
    }
    return undefined;
  };
  const part = inParts(control.parts ?? []);
  if (part) return part;
  const children = control.controls ?? [];
  const childIndex = children.findIndex((c) => c.id === id);
  if (childIndex >= 0) {
    return {
      kind: 'control',
      control: children[childIndex] as Control,
      siblings: children,
      index: childIndex,
    };
  }
  return undefined;
}

/** What an add carries, by kind, for the messages. */
function carried(addition: Addition): string[] {
  const kinds: string[] = [];
  if (addition.title !== undefined) kinds.push('title');
  if (addition.params?.length) kinds.push('params');
  if (addition.props?.length) kinds.push('props');
  if (addition.links?.length) kinds.push('links');
  if (addition.parts?.length) kinds.push('parts');
  return kinds;
}

/** Adds content inside a control or a part, at the start or the end of each list. */
function addInside(
  target: {
    title?: string;
    params?: Parameter[];
    props?: Property[];
    links?: Link[];
    parts?: Part[];
  },
  addition: Addition,
  starting: boolean,
): void {
  const place = <T>(own: T[] | undefined, added: T[] | undefined): T[] | undefined =>
    added && added.length > 0
      ? starting
        ? [...added, ...(own ?? [])]
        : [...(own ?? []), ...added]
      : own;
  // A control or part has one title: an added title replaces it.
  if (addition.title !== undefined) target.title = addition.title;
  assignList(target, 'params', place(target.params, addition.params));
  assignList(target, 'props', place(target.props, addition.props));
  assignList(target, 'links', place(target.links, addition.links));
  assignList(target, 'parts', place(target.parts, addition.parts));
}

/** A control's own content as fresh copies, so that altering it cannot reach the imported catalog. */
function ownContent(control: Control): void {
  if (control.params) control.params = structuredClone(control.params);
  if (control.props) control.props = structuredClone(control.props);
  if (control.links) control.links = structuredClone(control.links);
  if (control.parts) control.parts = structuredClone(control.parts);
  if (control.controls) control.controls = [...control.controls];
}

/**
 * Applies one add to a control. Without by-id (or with the control's own id) the content goes
 * inside the control, at the start or the end (the default); before and after are errors there.
 * With by-id naming a part or a parameter of the control: before/after insert siblings of the same
 * kind (parts beside a part, params beside a param); starting/ending add inside the target. A
 * by-id naming a child control adds inside it (starting/ending only: an add cannot carry controls).
 */
export function applyAddition(control: Control, given: Addition): void {
  // The added content becomes part of the result, which later adds may change: copy it, so that
  // the profile stays as it was read.
  const addition = structuredClone(given);
  const position = addition.position ?? 'ending';
  const byId = addition['by-id'];
  const what = `add to ${control.id}${byId === undefined ? '' : ` by-id ${byId}`} (position ${position})`;
  if (byId === undefined || byId === control.id) {
    if (position === 'before' || position === 'after') {
      throw new ResolutionError(
        `${what}: before and after need a by-id naming a part or parameter inside the control; use starting or ending to add to the control itself`,
      );
    }
    addInside(control, addition, position === 'starting');
    return;
  }
  const target = findTarget(control, byId);
  if (!target) {
    throw new ResolutionError(
      `${what}: control ${control.id} has no part, parameter or child control with id ${byId} (was it removed?)`,
    );
  }
  if (position === 'starting' || position === 'ending') {
    if (target.kind === 'control') {
      ownContent(target.control);
      addInside(target.control, addition, position === 'starting');
    } else if (target.kind === 'part') {
      if (addition.params?.length) {
        throw new ResolutionError(`${what}: a part cannot hold parameters`);
      }
      addInside(target.part, addition, position === 'starting');
    } else {
      const wrong = carried(addition).filter((k) => k !== 'props' && k !== 'links');
      if (wrong.length > 0) {
        throw new ResolutionError(
          `${what}: a parameter can only receive props and links, not ${wrong.join(', ')}`,
        );
      }
      const param = { ...target.param };
      assignList(
        param,
        'props',
        addInsideList(param.props, addition.props, position === 'starting'),
      );
      assignList(
        param,
        'links',
        addInsideList(param.links, addition.links, position === 'starting'),
      );
      target.siblings[target.index] = param;
    }
    return;
  }
  const kinds = carried(addition);
  const expected =
    target.kind === 'part' ? 'parts' : target.kind === 'param' ? 'params' : 'controls';
  if (kinds.some((k) => k !== expected)) {
    throw new ResolutionError(
      `${what}: before and after insert siblings of the target, so a ${target.kind} target takes only ${expected}, not ${kinds.filter((k) => k !== expected).join(', ')}`,
    );
  }
  const items = (target.kind === 'part' ? addition.parts : addition.params) ?? [];
  const at = position === 'before' ? target.index : target.index + 1;
  (target.siblings as unknown[]).splice(at, 0, ...items);
}

function addInsideList<T>(
  own: T[] | undefined,
  added: T[] | undefined,
  starting: boolean,
): T[] | undefined {
  if (!added || added.length === 0) return own;
  return starting ? [...added, ...(own ?? [])] : [...(own ?? []), ...added];
}

/** Every control of the body by id (a list: with combine "keep" an id may occur more than once). */
export function indexControls(body: Body): Map<string, Control[]> {
  const index = new Map<string, Control[]>();
  forEachControl(body, (control) => {
    const list = index.get(control.id);
    if (list) list.push(control);
    else index.set(control.id, [control]);
  });
  return index;
}

/**
 * Applies alterations: for each, removals first, then additions in order. An alter naming a
 * control that is not in the result is ignored, as NIST's resolver does.
 */
export function applyAlterations(body: Body, alterations: readonly Alteration[]): void {
  if (alterations.length === 0) return;
  const index = indexControls(body);
  for (const alteration of alterations) {
    for (const control of index.get(alteration['control-id']) ?? []) {
      ownContent(control);
      if (alteration.removes?.length) applyRemovals(control, alteration.removes);
      for (const addition of alteration.adds ?? []) applyAddition(control, addition);
    }
  }
}

/** The whole modify phase. */
export function modifyBody(body: Body, modify: Modify | undefined): void {
  if (!modify) return;
  setParameters(body, modify['set-parameters'] ?? []);
  applyAlterations(body, modify.alters ?? []);
}
