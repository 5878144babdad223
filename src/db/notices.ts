import type { Kysely } from 'kysely';
import type { Database } from './schema.js';

/**
 * Claims `key` in `notices`, in the caller's transaction: true when this call claimed it, false
 * when another run (here or on another instance) already had. What the caller does with a true
 * commits with the claim, so a job may run any number of times, anywhere, and act once per key.
 */
export async function claimNotice(db: Kysely<Database>, key: string, at: string): Promise<boolean> {
  const inserted = await db
    .insertInto('notices')
    .values({ key, created_at: at })
    .onConflict((conflict) => conflict.column('key').doNothing())
    .executeTakeFirst();
  return Number(inserted.numInsertedOrUpdatedRows ?? 0) > 0;
}
