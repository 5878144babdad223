import type { Kysely } from 'kysely';

/**
 * A data-breach report keeps the security level's own breach-notice figure that applied when it
 * arrived (`level_notice`, JSON: the class, level, version read, parameter and hours), so that its
 * deadlines read the same later, whatever is published since. Null when no level figure applied,
 * as for every report taken before this migration (intake then used the duty's hours alone).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('incidents').addColumn('level_notice', 'text').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('incidents').dropColumn('level_notice').execute();
}
