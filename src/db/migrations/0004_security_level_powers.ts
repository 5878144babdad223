import { sql, type Kysely } from 'kysely';

/**
 * Two powers arrived with the security levels: keeping the control-catalog library
 * (`manage_catalogs`) and proposing changes to a level (`propose_security_level`). Offices set up
 * before them get them on the posts that hold them by default: the DG Cloud (who holds every power)
 * and the Director Infrastructure & Operations. Posts an office has edited keep its edits; only a
 * missing power is added.
 */
const GRANTS: Record<string, readonly string[]> = {
  dg_cloud: ['manage_catalogs', 'propose_security_level'],
  director_infrastructure_operations: ['manage_catalogs', 'propose_security_level'],
};

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const [code, added] of Object.entries(GRANTS)) {
    const rows = await sql<{ id: string; powers: string }>`
      select id, powers from positions where code = ${code}
    `.execute(db);
    for (const row of rows.rows) {
      const powers = JSON.parse(row.powers) as string[];
      const missing = added.filter((power) => !powers.includes(power));
      if (missing.length === 0) continue;
      await sql`update positions set powers = ${JSON.stringify([...powers, ...missing])} where id = ${row.id}`.execute(
        db,
      );
    }
  }
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const [code, added] of Object.entries(GRANTS)) {
    const rows = await sql<{ id: string; powers: string }>`
      select id, powers from positions where code = ${code}
    `.execute(db);
    for (const row of rows.rows) {
      const powers = (JSON.parse(row.powers) as string[]).filter((p) => !added.includes(p));
      await sql`update positions set powers = ${JSON.stringify(powers)} where id = ${row.id}`.execute(
        db,
      );
    }
  }
}
