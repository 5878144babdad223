import type { Insertable, Kysely, Selectable, Updateable } from 'kysely';
import type {
  BreachSource,
  BreachStatus,
  BreachesTable,
  Database,
  IncidentSeverity,
} from '../../db/schema.js';

/** The SQL of breaches of duty. Every function takes the `db` it runs on, which may be a transaction. */

type Db = Kysely<Database>;
export type BreachRow = Selectable<BreachesTable>;

/** A breach with the names its summary shows. */
export type BreachListRow = BreachRow & {
  organization_name: string;
  owner_name: string | null;
  owner_email: string | null;
};

export interface BreachFilters {
  status?: BreachStatus;
  organizationId?: string;
  dutyCode?: string;
  source?: BreachSource;
  severity?: IncidentSeverity;
  /** The caller's own organization, for a caller outside the Cloud Office: a bound, not a choice. */
  visibleTo?: string;
}

/** Keys per `in (…)` list, well under the bound parameters both dialects allow. */
const CHUNK = 500;

function listQuery(db: Db, filters: BreachFilters) {
  let query = db.selectFrom('breaches as b');
  if (filters.status !== undefined) query = query.where('b.status', '=', filters.status);
  if (filters.organizationId !== undefined)
    query = query.where('b.organization_id', '=', filters.organizationId);
  if (filters.dutyCode !== undefined) query = query.where('b.duty_code', '=', filters.dutyCode);
  if (filters.source !== undefined) query = query.where('b.source', '=', filters.source);
  if (filters.severity !== undefined) query = query.where('b.severity', '=', filters.severity);
  if (filters.visibleTo !== undefined)
    query = query.where('b.organization_id', '=', filters.visibleTo);
  return query;
}

function withNames(query: ReturnType<typeof listQuery>) {
  return query
    .innerJoin('organizations as o', 'o.id', 'b.organization_id')
    .leftJoin('users as u', 'u.id', 'b.owner_user_id')
    .selectAll('b')
    .select([
      'o.name as organization_name',
      'u.display_name as owner_name',
      'u.email as owner_email',
    ]);
}

/** A page of breaches, newest detected first, with the total. */
export async function listBreaches(
  db: Db,
  filters: BreachFilters,
  page: { limit: number; offset: number },
): Promise<{ items: BreachListRow[]; total: number }> {
  const total = await listQuery(db, filters)
    .select((eb) => eb.fn.countAll<number | string>().as('total'))
    .executeTakeFirstOrThrow();
  const items = await withNames(listQuery(db, filters))
    .orderBy('b.detected_at', 'desc')
    .orderBy('b.id')
    .limit(page.limit)
    .offset(page.offset)
    .execute();
  return { items, total: Number(total.total) };
}

/** Every breach the filters match, newest first, in batches after a cursor (for CSV). */
export async function* allBreaches(
  db: Db,
  filters: BreachFilters,
  batch = 1000,
): AsyncGenerator<BreachListRow[]> {
  for (let offset = 0; ; offset += batch) {
    const rows = await withNames(listQuery(db, filters))
      .orderBy('b.detected_at', 'desc')
      .orderBy('b.id')
      .limit(batch)
      .offset(offset)
      .execute();
    if (rows.length > 0) yield rows;
    if (rows.length < batch) return;
  }
}

export function findBreach(db: Db, id: string): Promise<BreachListRow | undefined> {
  return withNames(db.selectFrom('breaches as b')).where('b.id', '=', id).executeTakeFirst();
}

export async function insertBreach(db: Db, row: Insertable<BreachesTable>): Promise<void> {
  await db.insertInto('breaches').values(row).execute();
}

/** Changes a breach only at the revision the caller read; false when it moved meanwhile. */
export async function updateBreach(
  db: Db,
  id: string,
  revision: number,
  changes: Updateable<BreachesTable>,
): Promise<boolean> {
  const result = await db
    .updateTable('breaches')
    .set({ ...changes, revision: revision + 1 })
    .where('id', '=', id)
    .where('revision', '=', revision)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

/** Which of these detection keys are recorded already. */
export async function recordedKeys(db: Db, keys: readonly string[]): Promise<Set<string>> {
  const found = new Set<string>();
  for (let i = 0; i < keys.length; i += CHUNK) {
    const rows = await db
      .selectFrom('breaches')
      .select('detection_key')
      .where('detection_key', 'in', keys.slice(i, i + CHUNK))
      .execute();
    for (const row of rows) if (row.detection_key !== null) found.add(row.detection_key);
  }
  return found;
}

/** The response actions ordered for a breach, oldest first, with the names their summary shows. */
export function actionsOfBreach(db: Db, breachId: string) {
  return db
    .selectFrom('response_actions as a')
    .innerJoin('organizations as o', 'o.id', 'a.organization_id')
    .leftJoin('offerings as f', 'f.id', 'a.offering_id')
    .leftJoin('users as u', 'u.id', 'a.owner_user_id')
    .select([
      'a.id',
      'a.organization_id',
      'o.name as organization_name',
      'a.kind',
      'a.description',
      'a.status',
      'a.due_at',
      'a.done_at',
      'a.incident_id',
      'a.breach_id',
      'a.offering_id',
      'f.name as offering_name',
      'a.owner_user_id',
      'u.display_name as owner_name',
      'u.email as owner_email',
      'a.ordered_at',
    ])
    .where('a.breach_id', '=', breachId)
    .orderBy('a.ordered_at')
    .orderBy('a.id')
    .execute();
}

export type BreachActionRow = Awaited<ReturnType<typeof actionsOfBreach>>[number];

/** An organization's kind and status, or undefined. */
export function organizationById(db: Db, id: string) {
  return db
    .selectFrom('organizations')
    .select(['id', 'kind', 'status', 'name'])
    .where('id', '=', id)
    .executeTakeFirst();
}

/** A user with their organization's kind, or undefined. */
export function userById(db: Db, id: string) {
  return db
    .selectFrom('users as u')
    .innerJoin('organizations as o', 'o.id', 'u.organization_id')
    .select(['u.id', 'u.status', 'u.display_name', 'u.email', 'o.kind as organization_kind'])
    .where('u.id', '=', id)
    .executeTakeFirst();
}

export function incidentById(db: Db, id: string) {
  return db
    .selectFrom('incidents')
    .select(['id', 'organization_id'])
    .where('id', '=', id)
    .executeTakeFirst();
}
