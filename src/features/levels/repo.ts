import type { Insertable, Kysely, Selectable, Updateable } from 'kysely';
import type {
  Database,
  SecurityLevelStatus,
  SecurityLevelsTable,
  SecurityLevelVersionsTable,
} from '../../db/schema.js';

/** The SQL of the security levels. Every function takes the `db` it runs on, which may be a transaction. */

type Db = Kysely<Database>;
export type LevelRow = Selectable<SecurityLevelsTable>;
export type VersionRow = Selectable<SecurityLevelVersionsTable>;
/** A version without its two large documents, for lists. */
export type VersionSummaryRow = Omit<VersionRow, 'profile' | 'resolved_catalog'>;

const SUMMARY_COLUMNS = [
  'id',
  'level_id',
  'version',
  'status',
  'open_for_level',
  'based_on_version',
  'pending_imports',
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

export function listLevels(db: Db): Promise<LevelRow[]> {
  return db.selectFrom('security_levels').selectAll().orderBy('rank').execute();
}

export function findLevelByCode(db: Db, code: string): Promise<LevelRow | undefined> {
  return db.selectFrom('security_levels').selectAll().where('code', '=', code).executeTakeFirst();
}

/**
 * Inserts a level unless it exists (several instances may seed at once). The conflict has no
 * target on purpose: a level is unique by code and by rank, and PostgreSQL checks only the target's
 * index before inserting, so two instances racing past that check would meet on the rank index
 * and one would fail with a unique violation instead of doing nothing.
 */
export async function insertLevelIfMissing(
  db: Db,
  row: Insertable<SecurityLevelsTable>,
): Promise<void> {
  await db
    .insertInto('security_levels')
    .values(row)
    .onConflict((conflict) => conflict.doNothing())
    .execute();
}

export function findVersion(
  db: Db,
  levelId: string,
  version: number,
): Promise<VersionRow | undefined> {
  return db
    .selectFrom('security_level_versions')
    .selectAll()
    .where('level_id', '=', levelId)
    .where('version', '=', version)
    .executeTakeFirst();
}

export function latestPublished(db: Db, levelId: string): Promise<VersionRow | undefined> {
  return db
    .selectFrom('security_level_versions')
    .selectAll()
    .where('level_id', '=', levelId)
    .where('status', '=', 'published')
    .orderBy('version', 'desc')
    .limit(1)
    .executeTakeFirst();
}

/** The level's open (not yet published) version, if any: there is at most one. */
export function findOpenVersion(db: Db, levelId: string): Promise<VersionRow | undefined> {
  return db
    .selectFrom('security_level_versions')
    .selectAll()
    .where('open_for_level', '=', levelId)
    .executeTakeFirst();
}

export function listVersions(
  db: Db,
  levelId: string,
  statuses: readonly SecurityLevelStatus[],
): Promise<VersionSummaryRow[]> {
  return db
    .selectFrom('security_level_versions')
    .select(SUMMARY_COLUMNS)
    .where('level_id', '=', levelId)
    .where('status', 'in', statuses)
    .orderBy('version', 'desc')
    .execute();
}

/** Every open version of every level, for the officers' list of work in progress. */
export function listOpenVersions(db: Db): Promise<VersionSummaryRow[]> {
  return db
    .selectFrom('security_level_versions')
    .select(SUMMARY_COLUMNS)
    .where('open_for_level', 'is not', null)
    .execute();
}

export async function insertVersion(
  db: Db,
  row: Insertable<SecurityLevelVersionsTable>,
): Promise<void> {
  await db.insertInto('security_level_versions').values(row).execute();
}

/**
 * Inserts a version unless the level already has one with that number; true when inserted. Two
 * instances seeding at once meet on the unique (level, version) index and one of them does nothing.
 */
export async function insertVersionIfMissing(
  db: Db,
  row: Insertable<SecurityLevelVersionsTable>,
): Promise<boolean> {
  const result = await db
    .insertInto('security_level_versions')
    .values(row)
    .onConflict((conflict) => conflict.columns(['level_id', 'version']).doNothing())
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
  changes: Updateable<SecurityLevelVersionsTable>,
): Promise<boolean> {
  const result = await db
    .updateTable('security_level_versions')
    .set(changes)
    .where('id', '=', id)
    .where('status', '=', expected)
    .where('status', '!=', 'published')
    .where('open_for_level', 'is not', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

export async function deleteDraft(db: Db, id: string): Promise<boolean> {
  const result = await db
    .deleteFrom('security_level_versions')
    .where('id', '=', id)
    .where('status', '=', 'draft')
    .executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}
