import type { Insertable, Kysely, Selectable, Updateable } from 'kysely';
import type {
  Database,
  OrganizationKind,
  OrganizationStatus,
  OrganizationsTable,
} from '../../db/schema.js';

type Db = Kysely<Database>;
export type OrganizationRow = Selectable<OrganizationsTable>;

/** The form of a name used to keep names unique: lower case, white space folded. */
export function nameKey(name: string): string {
  return name.trim().replace(/\s+/g, ' ').toLowerCase();
}

export function findOrganization(db: Db, id: string): Promise<OrganizationRow | undefined> {
  return db.selectFrom('organizations').selectAll().where('id', '=', id).executeTakeFirst();
}

export function findByName(
  db: Db,
  kind: OrganizationKind,
  name: string,
): Promise<OrganizationRow | undefined> {
  return db
    .selectFrom('organizations')
    .selectAll()
    .where('kind', '=', kind)
    .where('name_key', '=', nameKey(name))
    .executeTakeFirst();
}

export function findCloudOffice(db: Db): Promise<OrganizationRow | undefined> {
  return db
    .selectFrom('organizations')
    .selectAll()
    .where('kind', '=', 'cloud_office')
    .executeTakeFirst();
}

export interface OrganizationFilter {
  kind?: OrganizationKind;
  status?: OrganizationStatus;
  q?: string;
  parentId?: string;
  /** Limits the list to one organization (for users outside the Cloud Office). */
  onlyId?: string;
}

export type OrganizationSort = 'name' | '-name' | 'created_at' | '-created_at';

export async function listOrganizations(
  db: Db,
  filter: OrganizationFilter,
  page: { limit: number; offset: number; sort: OrganizationSort },
): Promise<{ items: OrganizationRow[]; total: number }> {
  let query = db.selectFrom('organizations');
  if (filter.kind) query = query.where('kind', '=', filter.kind);
  if (filter.status) query = query.where('status', '=', filter.status);
  if (filter.parentId) query = query.where('parent_id', '=', filter.parentId);
  if (filter.onlyId) query = query.where('id', '=', filter.onlyId);
  if (filter.q) {
    const pattern = `%${nameKey(filter.q).replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    query = query.where((eb) => eb('name_key', 'like', eb.val(pattern)));
  }
  const total = await query
    .select((eb) => eb.fn.countAll<number>().as('total'))
    .executeTakeFirstOrThrow();
  const column = page.sort.replace('-', '') as 'name_key' | 'created_at' | 'name';
  const items = await query
    .selectAll()
    .orderBy(column === 'name' ? 'name_key' : column, page.sort.startsWith('-') ? 'desc' : 'asc')
    .orderBy('id')
    .limit(page.limit)
    .offset(page.offset)
    .execute();
  return { items, total: total.total };
}

/** Inserts an organization; optional fields default to empty and the name key is derived. */
export async function insertOrganization(
  db: Db,
  row: Pick<Insertable<OrganizationsTable>, 'id' | 'kind' | 'name' | 'status' | 'created_at'> &
    Partial<Omit<Insertable<OrganizationsTable>, 'name_key' | 'updated_at'>>,
): Promise<void> {
  await db
    .insertInto('organizations')
    .values({
      short_name: null,
      parent_id: null,
      pse_tier: null,
      contact_email: null,
      contact_name: null,
      registration_note: null,
      decision_note: null,
      ...row,
      name_key: nameKey(row.name),
      updated_at: row.created_at,
    })
    .execute();
}

export async function updateOrganization(
  db: Db,
  id: string,
  patch: Updateable<OrganizationsTable>,
): Promise<void> {
  await db.updateTable('organizations').set(patch).where('id', '=', id).execute();
}

/** The chain of parents above an organization, nearest first (bounded, in case of bad data). */
export async function ancestors(db: Db, id: string | null): Promise<OrganizationRow[]> {
  const chain: OrganizationRow[] = [];
  let next = id;
  while (next && chain.length < 16) {
    const row = await findOrganization(db, next);
    if (!row) break;
    chain.push(row);
    next = row.parent_id;
  }
  return chain;
}
