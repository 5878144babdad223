// The final phase of profile resolution: the resolved catalog's metadata, its back-matter, the
// order of its fields, and pruning of loose parameters nothing refers to (NIST's resolver,
// "finish" and "metadata" steps; see docs/profile-resolution.md for each choice).
import path from 'node:path';
import type {
  Catalog,
  Control,
  Group,
  Metadata,
  Parameter,
  Profile,
  Property,
  Resource,
} from '../model.js';
import { forEachGroup } from '../walk.js';
import type { Body } from './merge.js';

/** The OSCAL version our resolved catalogs declare: they are valid against the v1.1.2 schema. */
export const RESOLVED_OSCAL_VERSION = '1.1.2';

/** The `rel` of the metadata link naming the profile a catalog was resolved from (NIST's name). */
export const SOURCE_PROFILE_REL = 'source-profile';

/** `{{ insert: param, id }}`, how OSCAL prose refers to a parameter. */
const INSERT_PARAM = /\{\{\s*insert:\s*param,\s*([^\s}]+)\s*\}\}/g;

/** A Markdown link to a back-matter resource in prose: `[DHS TIC](#4f42ee6e-...)`. */
const PROSE_RESOURCE_LINK = /\]\(#([^)\s]+)\)/g;

function keptAlways(props: readonly Property[] | undefined): boolean {
  return (props ?? []).some((p) => p.name === 'keep' && p.value === 'always');
}

/**
 * Everything the output refers to, in one walk: the back-matter resources named by an href
 * `#uuid` or by a Markdown link `[text](#uuid)` in prose (NIST's catalog cites its references
 * that way, and NIST's resolved catalogs keep those resources), and the parameters named by an
 * insert in any text.
 */
export function collectReferences(
  root: unknown,
  found: { resources: Set<string>; params: Set<string> } = {
    resources: new Set(),
    params: new Set(),
  },
): { resources: Set<string>; params: Set<string> } {
  const { resources, params } = found;
  const visitString = (value: string, key: string | undefined): void => {
    if (key === 'href') {
      if (value.startsWith('#')) resources.add(value.slice(1));
      return;
    }
    if (value.includes('{{')) {
      for (const match of value.matchAll(INSERT_PARAM)) params.add(match[1] as string);
    }
    if (value.includes('](#')) {
      for (const match of value.matchAll(PROSE_RESOURCE_LINK)) resources.add(match[1] as string);
    }
  };
  // A plain recursive walk without Object.entries: it runs over the whole resolved catalog, so it
  // allocates nothing per object.
  const visit = (value: unknown, key: string | undefined): void => {
    if (typeof value === 'string') {
      visitString(value, key);
    } else if (Array.isArray(value)) {
      for (let i = 0; i < value.length; i++) visit(value[i], undefined);
    } else if (typeof value === 'object' && value !== null) {
      const record = value as Record<string, unknown>;
      for (const k in record) visit(record[k], k);
    }
  };
  visit(root, undefined);
  return found;
}

/** References from groups, leaving out their loose parameters (which are what is being pruned). */
function collectFromGroups(
  body: Body,
  found: { resources: Set<string>; params: Set<string> },
): void {
  forEachGroup(body, (group) => {
    collectReferences([group.props, group.links, group.parts, group.controls], found);
  });
}

/**
 * The source profile as named in the output: a file's name without its folders (an absolute path
 * would tell readers about the machine that resolved it), any other name as it is.
 */
export function sourceProfileHref(uri: string): string {
  return path.isAbsolute(uri) ? path.basename(uri) : uri;
}

/**
 * The resolved catalog's metadata: the profile's, with a new last-modified, the OSCAL version we
 * write, and a link back to the source profile (rel "source-profile", as NIST's resolver does).
 */
export function resolvedMetadata(profile: Profile, uri: string, now: Date): Metadata {
  const from = profile.metadata;
  const out: Metadata = {
    title: from.title,
    ...(from.published === undefined ? {} : { published: from.published }),
    'last-modified': now.toISOString(),
    version: from.version,
    'oscal-version': RESOLVED_OSCAL_VERSION,
  };
  const rest: (keyof Metadata)[] = ['revisions', 'document-ids', 'props'];
  for (const key of rest) if (from[key] !== undefined) Object.assign(out, { [key]: from[key] });
  out.links = [...(from.links ?? []), { href: sourceProfileHref(uri), rel: SOURCE_PROFILE_REL }];
  const after: (keyof Metadata)[] = [
    'roles',
    'locations',
    'parties',
    'responsible-parties',
    'actions',
    'remarks',
  ];
  for (const key of after) if (from[key] !== undefined) Object.assign(out, { [key]: from[key] });
  return out;
}

/** A control with its fields in the model's order and no empty lists (the schema forbids them). */
function orderedControl(control: Control): Control {
  const out: Control = {
    id: control.id,
    ...(control.class === undefined ? {} : { class: control.class }),
    title: control.title,
  };
  if (control.params?.length) out.params = control.params;
  if (control.props?.length) out.props = control.props;
  if (control.links?.length) out.links = control.links;
  if (control.parts?.length) out.parts = control.parts;
  if (control.controls?.length) out.controls = control.controls.map(orderedControl);
  return out;
}

function orderedGroup(group: Group, keepParam: (p: Parameter) => boolean): Group {
  const out: Group = {
    ...(group.id === undefined ? {} : { id: group.id }),
    ...(group.class === undefined ? {} : { class: group.class }),
    title: group.title,
  };
  const params = group.params?.filter(keepParam);
  if (params?.length) out.params = params;
  if (group.props?.length) out.props = group.props;
  if (group.links?.length) out.links = group.links;
  if (group.parts?.length) out.parts = group.parts;
  if (group.groups?.length) out.groups = group.groups.map((g) => orderedGroup(g, keepParam));
  if (group.controls?.length) out.controls = group.controls.map(orderedControl);
  return out;
}

/**
 * The back-matter resources to keep, from every imported catalog then the profile: those the
 * output refers to (`#uuid`) or marked keep=always. When two documents carry a resource with one
 * uuid, the later one's content stands at the first one's place (the specification's rule).
 */
export function keptResources(
  pools: readonly (readonly Resource[])[],
  referenced: ReadonlySet<string>,
): Resource[] {
  const byUuid = new Map<string, Resource>();
  for (const pool of pools) {
    for (const resource of pool) byUuid.set(resource.uuid, resource);
  }
  return [...byUuid.values()].filter((r) => referenced.has(r.uuid) || keptAlways(r.props));
}

/**
 * The resolved catalog. Loose parameters (catalog and group level) that no text refers to are
 * dropped unless marked keep=always; a control's own parameters always stay with it.
 */
export function finalizeCatalog(input: {
  profile: Profile;
  uri: string;
  body: Body;
  resourcePools: readonly (readonly Resource[])[];
  uuid: string;
  now: Date;
}): Catalog {
  const { profile, body } = input;
  const metadata = resolvedMetadata(profile, input.uri, input.now);
  const controls = body.controls.map(orderedControl);
  // References from everything but the loose parameters themselves.
  const found = collectReferences([metadata, controls]);
  collectFromGroups(body, found);
  const keepParam = (param: Parameter): boolean =>
    found.params.has(param.id) || keptAlways(param.props);
  const groups = body.groups.map((g) => orderedGroup(g, keepParam));
  const params = body.params.filter(keepParam);
  const catalog: Catalog = { uuid: input.uuid, metadata };
  if (params.length > 0) catalog.params = params;
  if (controls.length > 0) catalog.controls = controls;
  if (groups.length > 0) catalog.groups = groups;
  // The kept loose parameters may refer to resources too.
  const keptParams: Parameter[] = [...params];
  forEachGroup(catalog, (group) => {
    if (group.params) keptParams.push(...group.params);
  });
  collectReferences(keptParams, found);
  const resources = keptResources(input.resourcePools, found.resources);
  if (resources.length > 0) catalog['back-matter'] = { resources };
  return catalog;
}
