import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.js';
import type { Catalog, Parameter } from '../../oscal/model.js';
import { forEachControl, forEachGroup } from '../../oscal/walk.js';
import { publishedCatalog } from './service.js';

type Db = Kysely<Database>;

/** A parameter's values as the latest published version of a level sets them. */
export interface PublishedParameter {
  level: string;
  levelTitle: string;
  version: number;
  /** Empty when the level has the parameter but gives it no value. */
  values: string[];
}

/**
 * Each published version's parameter values by id, parsed from its resolved catalog once per
 * version and database handle: a published version never changes, and the catalog is large.
 */
const parametersByVersion = new WeakMap<object, Map<string, ReadonlyMap<string, string[]>>>();

/**
 * The values of parameter `parameterId` in the latest published version of level `levelCode`;
 * undefined when the level does not exist, has no published version, or its catalog has no such
 * parameter. One small query for the latest version; its catalog is read only the first time.
 */
export async function publishedParameter(
  db: Db,
  levelCode: string,
  parameterId: string,
): Promise<PublishedParameter | undefined> {
  const latest = await db
    .selectFrom('security_levels as l')
    .innerJoin('security_level_versions as v', 'v.level_id', 'l.id')
    .select(['v.id', 'v.version', 'l.code', 'l.title'])
    .where('l.code', '=', levelCode)
    .where('v.status', '=', 'published')
    .orderBy('v.version', 'desc')
    .limit(1)
    .executeTakeFirst();
  if (!latest) return undefined;
  let cache = parametersByVersion.get(db);
  if (!cache) {
    cache = new Map();
    parametersByVersion.set(db, cache);
  }
  let parameters = cache.get(latest.id);
  if (!parameters) {
    const row = await db
      .selectFrom('security_level_versions')
      .selectAll()
      .where('id', '=', latest.id)
      .executeTakeFirstOrThrow();
    parameters = parameterValues(publishedCatalog(row));
    cache.set(latest.id, parameters);
  }
  const values = parameters.get(parameterId);
  if (!values) return undefined;
  return { level: latest.code, levelTitle: latest.title, version: latest.version, values };
}

/** Every parameter of a catalog (its own, its groups' and its controls') with its values. */
export function parameterValues(catalog: Catalog): ReadonlyMap<string, string[]> {
  const found = new Map<string, string[]>();
  const add = (params: Parameter[] | undefined) => {
    for (const param of params ?? []) found.set(param.id, param.values ?? []);
  };
  add(catalog.params);
  forEachGroup(catalog, (group) => {
    add(group.params);
  });
  forEachControl(catalog, (control) => {
    add(control.params);
  });
  return found;
}
