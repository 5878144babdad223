import { sql, type Kysely } from 'kysely';

/** Powers by post code, as a migration hands them to offices set up before the powers existed. */
export type Grants = Readonly<Record<string, readonly string[]>>;

/**
 * Adds (`up`) or takes back (`down`) powers on the posts named. Posts an office has edited keep its
 * edits: only a missing power is added, only the powers named are taken back, and a post already
 * as wanted is not written.
 */
export async function grantPowers(
  db: Kysely<unknown>,
  grants: Grants,
  how: 'add' | 'remove',
): Promise<void> {
  for (const [code, powers] of Object.entries(grants)) {
    const rows = await sql<{ id: string; powers: string }>`
      select id, powers from positions where code = ${code}
    `.execute(db);
    for (const row of rows.rows) {
      const held = JSON.parse(row.powers) as string[];
      const next =
        how === 'add'
          ? [...held, ...powers.filter((p) => !held.includes(p))]
          : held.filter((p) => !powers.includes(p));
      if (next.length === held.length && next.every((p, i) => p === held[i])) continue;
      await sql`update positions set powers = ${JSON.stringify(next)} where id = ${row.id}`.execute(
        db,
      );
    }
  }
}
