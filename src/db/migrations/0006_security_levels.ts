import type { Kysely } from 'kysely';

/**
 * The four security levels and their versions. A version is an OSCAL profile (JSON text) that goes
 * draft -> proposed -> approved -> published; a published version never changes and keeps the
 * resolved catalog it produced, so that it can be shown, exported and compared exactly as it was
 * published. Who did each step, under which post, and when is kept on the row (and in the trail).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('security_levels')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('code', 'text', (c) => c.notNull().unique()) // baseline | intermediate | ...
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('rank', 'integer', (c) => c.notNull().unique()) // 1 (Baseline) .. 4 (Maximum)
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('security_level_versions')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('level_id', 'text', (c) => c.notNull().references('security_levels.id'))
    // A draft carries the number it will be published as: the latest published one plus one.
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull()) // draft | proposed | approved | published
    // The level's id while the version is open (not yet published), null once published: the
    // unique index on it allows one open draft per level on both SQLite and PostgreSQL, which
    // both let a unique column hold any number of nulls.
    .addColumn('open_for_level', 'text')
    .addColumn('based_on_version', 'integer')
    .addColumn('profile', 'text', (c) => c.notNull()) // the OSCAL profile document, JSON
    .addColumn('resolved_catalog', 'text') // the resolved OSCAL catalog document, JSON; at publish
    .addColumn('pending_imports', 'text') // JSON [{ href, withIds }]: not in the library yet
    .addColumn('created_by_user_id', 'text')
    .addColumn('created_by_position', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addColumn('proposed_by_user_id', 'text')
    .addColumn('proposed_by_position', 'text')
    .addColumn('proposed_at', 'text')
    .addColumn('approved_by_user_id', 'text')
    .addColumn('approved_by_position', 'text')
    .addColumn('approved_at', 'text')
    .addColumn('published_by_user_id', 'text')
    .addColumn('published_by_position', 'text')
    .addColumn('published_at', 'text')
    .addColumn('returned_by_user_id', 'text')
    .addColumn('returned_by_position', 'text')
    .addColumn('returned_at', 'text')
    .addColumn('return_reason', 'text')
    .execute();
  await db.schema
    .createIndex('security_level_versions_number')
    .on('security_level_versions')
    .columns(['level_id', 'version'])
    .unique()
    .execute();
  await db.schema
    .createIndex('security_level_versions_one_open')
    .on('security_level_versions')
    .column('open_for_level')
    .unique()
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('security_level_versions').execute();
  await db.schema.dropTable('security_levels').execute();
}
