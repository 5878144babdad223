import { Migrator, SqliteAdapter, sql, type Kysely, type MigrationProvider } from 'kysely';
import { migrations } from './migrations/index.js';
import type { Database } from './schema.js';

const MIGRATION_TABLE = 'kysely_migration';

export interface MigrationStatus {
  applied: string[];
  pending: string[];
  /** Applied to the database but unknown to this code: a newer version migrated it. */
  unknown: string[];
}

/** The database was migrated by a newer version of Cloud Office than the one running. */
export class DatabaseTooNewError extends Error {
  constructor(readonly unknown: readonly string[]) {
    super(
      `The database was migrated by a newer version of Cloud Office (unknown migrations: ${unknown.join(', ')}). ` +
        'Run the newer version, or restore a backup taken before the upgrade.',
    );
    this.name = 'DatabaseTooNewError';
  }
}

const provider: MigrationProvider = { getMigrations: () => Promise.resolve({ ...migrations }) };

/** Which migrations are applied, pending, or unknown to this code. */
export async function migrationStatus(db: Kysely<Database>): Promise<MigrationStatus> {
  const tables = await db.introspection.getTables({ withInternalKyselyTables: true });
  const applied = tables.some((table) => table.name === MIGRATION_TABLE)
    ? (
        await sql<{
          name: string;
        }>`select name from ${sql.table(MIGRATION_TABLE)} order by name`.execute(db)
      ).rows.map((row) => row.name)
    : [];
  const known = Object.keys(migrations);
  return {
    applied,
    pending: known.filter((name) => !applied.includes(name)),
    unknown: applied.filter((name) => !known.includes(name)),
  };
}

/**
 * Applies every pending migration, all or none, and never twice when several instances start at
 * once. On PostgreSQL, Kysely's migrator holds an advisory lock inside one transaction. On SQLite
 * Kysely does neither (it assumes one connection), so we hold SQLite's write lock ourselves with
 * BEGIN IMMEDIATE around the whole run; SQLite's DDL is transactional, so a failure rolls back.
 * Returns the names applied.
 */
export async function migrateToLatest(db: Kysely<Database>): Promise<string[]> {
  const before = await migrationStatus(db);
  if (before.unknown.length > 0) throw new DatabaseTooNewError(before.unknown);
  if (!(db.getExecutor().adapter instanceof SqliteAdapter)) return runMigrator(db);
  return db.connection().execute(async (connection) => {
    await beginImmediate(connection);
    try {
      const applied = await runMigrator(connection);
      await sql`commit`.execute(connection);
      return applied;
    } catch (error) {
      await sql`rollback`.execute(connection).catch(() => undefined);
      throw error;
    }
  });
}

/** Another process may be migrating; wait for its write lock up to a minute, then say so. */
const SQLITE_MIGRATION_WAIT_MS = 60_000;

async function beginImmediate(connection: Kysely<Database>): Promise<void> {
  const deadline = Date.now() + SQLITE_MIGRATION_WAIT_MS;
  for (;;) {
    try {
      await sql`begin immediate`.execute(connection);
      return;
    } catch (error) {
      const busy = (error as { code?: unknown }).code === 'SQLITE_BUSY';
      if (!busy) throw error;
      if (Date.now() > deadline) {
        throw new Error(
          'Another process has held the SQLite database locked for a minute; migrations were not applied.',
          {
            cause: error,
          },
        );
      }
    }
  }
}

async function runMigrator(db: Kysely<Database>): Promise<string[]> {
  const migrator = new Migrator({ db, provider });
  const { error, results = [] } = await migrator.migrateToLatest();
  if (error !== undefined) {
    if (error instanceof Error && /missing|corrupted/.test(error.message)) {
      const status = await migrationStatus(db);
      if (status.unknown.length > 0) throw new DatabaseTooNewError(status.unknown);
    }
    const failed = results.find((result) => result.status === 'Error');
    const cause = error instanceof Error ? error.message : 'unknown error';
    throw new Error(
      failed ? `Migration ${failed.migrationName} failed: ${cause}` : `Migrations failed: ${cause}`,
      { cause: error },
    );
  }
  return results
    .filter((result) => result.status === 'Success')
    .map((result) => result.migrationName);
}
