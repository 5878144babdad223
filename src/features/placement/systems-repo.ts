import type { Insertable, Kysely, Selectable, Updateable } from 'kysely';
import type {
  Database,
  PseSystemStatus,
  PseSystemsTable,
  SystemClassificationsTable,
} from '../../db/schema.js';
import { nameKey } from '../organizations/repo.js';

/** The SQL of PSE systems and their classifications. Every function takes the `db` it runs on. */

type Db = Kysely<Database>;
export type SystemRow = Selectable<PseSystemsTable>;
export type ClassificationRow = Selectable<SystemClassificationsTable>;

/** A system with its organization's name. */
export type SystemRecord = SystemRow & { organization_name: string };

export { nameKey };

export async function insertSystem(
  db: Db,
  row: Omit<Insertable<PseSystemsTable>, 'name_key'>,
): Promise<void> {
  await db
    .insertInto('pse_systems')
    .values({ ...row, name_key: nameKey(row.name) })
    .execute();
}

/** Changes an active system; false when it is archived (or gone) by the time this runs. */
export async function updateActiveSystem(
  db: Db,
  id: string,
  changes: Updateable<PseSystemsTable>,
): Promise<boolean> {
  const result = await db
    .updateTable('pse_systems')
    .set(changes)
    .where('id', '=', id)
    .where('status', '=', 'active')
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

/**
 * Archives a system unless it is archived already; true when this call archived it (of two
 * people archiving at once, one does).
 */
export async function archiveSystem(
  db: Db,
  id: string,
  changes: Pick<Updateable<PseSystemsTable>, 'archived_at' | 'archived_by_user_id' | 'updated_at'>,
): Promise<boolean> {
  const result = await db
    .updateTable('pse_systems')
    .set({ ...changes, status: 'archived' })
    .where('id', '=', id)
    .where('status', '=', 'active')
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

export function findByName(
  db: Db,
  organizationId: string,
  name: string,
): Promise<SystemRow | undefined> {
  return db
    .selectFrom('pse_systems')
    .selectAll()
    .where('organization_id', '=', organizationId)
    .where('name_key', '=', nameKey(name))
    .executeTakeFirst();
}

function withOrganization(db: Db) {
  return db
    .selectFrom('pse_systems')
    .innerJoin('organizations', 'organizations.id', 'pse_systems.organization_id')
    .selectAll('pse_systems')
    .select('organizations.name as organization_name');
}

export function findSystem(db: Db, id: string): Promise<SystemRecord | undefined> {
  return withOrganization(db).where('pse_systems.id', '=', id).executeTakeFirst();
}

export interface SystemFilter {
  organizationId?: string;
  /** Limits the list to one organization's systems (for users outside the Cloud Office). */
  onlyOrganizationId?: string;
  status?: PseSystemStatus;
  classCode?: string;
  q?: string;
}

/** One page of systems by name, with the total. */
export async function listSystems(
  db: Db,
  filter: SystemFilter,
  page: { limit: number; offset: number },
): Promise<{ items: SystemRecord[]; total: number }> {
  let query = withOrganization(db);
  if (filter.organizationId)
    query = query.where('pse_systems.organization_id', '=', filter.organizationId);
  if (filter.onlyOrganizationId)
    query = query.where('pse_systems.organization_id', '=', filter.onlyOrganizationId);
  if (filter.status) query = query.where('pse_systems.status', '=', filter.status);
  if (filter.classCode) query = query.where('pse_systems.class_code', '=', filter.classCode);
  if (filter.q) {
    const pattern = `%${nameKey(filter.q).replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    query = query.where((eb) => eb('pse_systems.name_key', 'like', eb.val(pattern)));
  }
  const total = await query
    .clearSelect()
    .select((eb) => eb.fn.countAll<number | string>().as('total'))
    .executeTakeFirstOrThrow();
  const items = await query
    .orderBy('pse_systems.name_key')
    .orderBy('pse_systems.id')
    .limit(page.limit)
    .offset(page.offset)
    .execute();
  return { items, total: Number(total.total) };
}

/** Names of offerings with their providers, for showing where systems run. */
export async function offeringNames(
  db: Db,
  ids: readonly string[],
): Promise<Map<string, { name: string; providerName: string }>> {
  if (ids.length === 0) return new Map();
  const rows = await db
    .selectFrom('offerings')
    .innerJoin('organizations', 'organizations.id', 'offerings.organization_id')
    .select(['offerings.id', 'offerings.name', 'organizations.name as provider_name'])
    .where('offerings.id', 'in', ids)
    .execute();
  return new Map(rows.map((r) => [r.id, { name: r.name, providerName: r.provider_name }]));
}

export async function offeringExists(db: Db, id: string): Promise<boolean> {
  const row = await db.selectFrom('offerings').select('id').where('id', '=', id).executeTakeFirst();
  return row !== undefined;
}

export async function insertClassification(
  db: Db,
  row: Insertable<SystemClassificationsTable>,
): Promise<void> {
  await db.insertInto('system_classifications').values(row).execute();
}

/** The highest revision of a system's classifications so far; 0 when it has none. */
export async function latestRevision(db: Db, systemId: string): Promise<number> {
  const row = await db
    .selectFrom('system_classifications')
    .select((eb) => eb.fn.max('revision').as('revision'))
    .where('system_id', '=', systemId)
    .executeTakeFirst();
  return row?.revision ?? 0;
}

/** A classification with the display name of who made it. */
export type ClassificationRecord = ClassificationRow & { classified_by_name: string | null };

export function findClassification(db: Db, id: string): Promise<ClassificationRecord | undefined> {
  return db
    .selectFrom('system_classifications')
    .leftJoin('users', 'users.id', 'system_classifications.classified_by_user_id')
    .selectAll('system_classifications')
    .select('users.display_name as classified_by_name')
    .where('system_classifications.id', '=', id)
    .executeTakeFirst();
}
