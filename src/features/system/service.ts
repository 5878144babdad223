import { randomUUID } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import type { Clock } from '../../clock.js';
import type { Database } from '../../db/index.js';
import { migrationStatus } from '../../db/migrate.js';

const INSTALLATION_ID = 'installation_id';

export interface Readiness {
  ready: boolean;
  database: 'up' | 'down';
  migrations: 'current' | 'pending' | 'newer' | 'unknown';
  detail: string;
}

/** Whether this instance can serve: the database answers and its schema is this code's. */
export async function checkReadiness(db: Kysely<Database>): Promise<Readiness> {
  try {
    await sql`select 1`.execute(db);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return {
      ready: false,
      database: 'down',
      migrations: 'unknown',
      detail: `The database does not answer: ${reason}`,
    };
  }
  const status = await migrationStatus(db);
  if (status.unknown.length > 0) {
    return {
      ready: false,
      database: 'up',
      migrations: 'newer',
      detail: `The database was migrated by a newer version (${status.unknown.join(', ')}).`,
    };
  }
  if (status.pending.length > 0) {
    return {
      ready: false,
      database: 'up',
      migrations: 'pending',
      detail: `Migrations not yet applied: ${status.pending.join(', ')}.`,
    };
  }
  return { ready: true, database: 'up', migrations: 'current', detail: 'Ready.' };
}

/**
 * The id of this installation, made on first start and kept in the database, so that logs and
 * exports from several instances of one deployment can be told apart from another deployment's.
 */
export async function ensureInstallationId(db: Kysely<Database>, clock: Clock): Promise<string> {
  await db
    .insertInto('settings')
    .values({
      key: INSTALLATION_ID,
      value: JSON.stringify(randomUUID()),
      updated_at: clock.now().toISOString(),
    })
    .onConflict((conflict) => conflict.column('key').doNothing())
    .execute();
  const row = await db
    .selectFrom('settings')
    .select('value')
    .where('key', '=', INSTALLATION_ID)
    .executeTakeFirstOrThrow();
  return JSON.parse(row.value) as string;
}
