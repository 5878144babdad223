import type { Insertable, Kysely, Selectable, Updateable } from 'kysely';
import type { Database, PolicyVersionsTable, SecurityLevelStatus } from '../../db/schema.js';

/** The SQL of the policy pack's versions. Every function takes the `db` it runs on, which may be a transaction. */

type Db = Kysely<Database>;
export type PolicyVersionRow = Selectable<PolicyVersionsTable>;
/** A version without its pack, for lists. */
export type PolicyVersionSummaryRow = Omit<PolicyVersionRow, 'pack'>;

/** The value `open_key` holds while a version is open; its unique index allows one at a time. */
export const OPEN = 'open';

const SUMMARY_COLUMNS = [
  'id',
  'version',
  'status',
  'open_key',
  'based_on_version',
  'created_by_user_id',
  'created_by_position',
  'created_at',
  'updated_at',
  'proposed_by_user_id',
  'proposed_by_position',
  'proposed_at',
  'approved_by_user_id',
  'approved_by_position',
  'approved_at',
  'published_by_user_id',
  'published_by_position',
  'published_at',
  'returned_by_user_id',
  'returned_by_position',
  'returned_at',
  'return_reason',
] as const;

export function findVersion(db: Db, version: number): Promise<PolicyVersionRow | undefined> {
  return db
    .selectFrom('policy_versions')
    .selectAll()
    .where('version', '=', version)
    .executeTakeFirst();
}

export function latestPublished(db: Db): Promise<PolicyVersionRow | undefined> {
  return db
    .selectFrom('policy_versions')
    .selectAll()
    .where('status', '=', 'published')
    .orderBy('version', 'desc')
    .limit(1)
    .executeTakeFirst();
}

/** The number of the latest published version, without its pack. */
export async function latestPublishedNumber(db: Db): Promise<number | undefined> {
  const row = await db
    .selectFrom('policy_versions')
    .select('version')
    .where('status', '=', 'published')
    .orderBy('version', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row?.version;
}

/** The open (not yet published) version, if any: there is at most one. */
export function findOpenVersion(db: Db): Promise<PolicyVersionRow | undefined> {
  return db
    .selectFrom('policy_versions')
    .selectAll()
    .where('open_key', '=', OPEN)
    .executeTakeFirst();
}

export function listVersions(
  db: Db,
  statuses: readonly SecurityLevelStatus[],
): Promise<PolicyVersionSummaryRow[]> {
  return db
    .selectFrom('policy_versions')
    .select(SUMMARY_COLUMNS)
    .where('status', 'in', statuses)
    .orderBy('version', 'desc')
    .execute();
}

export async function insertVersion(db: Db, row: Insertable<PolicyVersionsTable>): Promise<void> {
  await db.insertInto('policy_versions').values(row).execute();
}

/**
 * Inserts a version unless one with its number exists; true when inserted. Two instances seeding
 * at once meet on the unique version number and one of them does nothing.
 */
export async function insertVersionIfMissing(
  db: Db,
  row: Insertable<PolicyVersionsTable>,
): Promise<boolean> {
  const result = await db
    .insertInto('policy_versions')
    .values(row)
    .onConflict((conflict) => conflict.column('version').doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0n) > 0;
}

/**
 * Changes an open version, only if it is still in the status the caller read: a published version
 * never matches (it is never open), and two officers acting at once cannot both move it. True when
 * the row was changed.
 */
export async function updateOpenVersion(
  db: Db,
  id: string,
  expected: SecurityLevelStatus,
  changes: Updateable<PolicyVersionsTable>,
): Promise<boolean> {
  const result = await db
    .updateTable('policy_versions')
    .set(changes)
    .where('id', '=', id)
    .where('status', '=', expected)
    .where('status', '!=', 'published')
    .where('open_key', '=', OPEN)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

export async function deleteDraft(db: Db, id: string): Promise<boolean> {
  const result = await db
    .deleteFrom('policy_versions')
    .where('id', '=', id)
    .where('status', '=', 'draft')
    .where('open_key', '=', OPEN)
    .executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

/** The security levels a pack may name, lowest first, as validatePack and compilePolicy take them. */
export function levelRanks(db: Db): Promise<{ code: string; rank: number; title: string }[]> {
  return db
    .selectFrom('security_levels')
    .select(['code', 'rank', 'title'])
    .orderBy('rank')
    .execute();
}
