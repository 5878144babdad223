import type { Kysely } from 'kysely';

/**
 * Two indexes for the public register (`npm run bench -- register` measures it on 20,000 entries):
 *
 * - offerings (name_key, id): the register's default order is by offering name, then id. With
 *   this index a database walks offerings in that order and stops at the end of the page, instead
 *   of joining and sorting every entry for each page.
 * - offering_locations (offering_id, purpose, country): the residency filter asks, per offering,
 *   whether it keeps customer data in a country, or anywhere else. The index answers that alone;
 *   without it each probe reads location rows from the table (three times slower on SQLite).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createIndex('offerings_by_name')
    .on('offerings')
    .columns(['name_key', 'id'])
    .execute();
  await db.schema
    .createIndex('offering_locations_by_offering_purpose')
    .on('offering_locations')
    .columns(['offering_id', 'purpose', 'country'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('offering_locations_by_offering_purpose').execute();
  await db.schema.dropIndex('offerings_by_name').execute();
}
