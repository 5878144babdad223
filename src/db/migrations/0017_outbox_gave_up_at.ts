import { sql, type Kysely } from 'kysely';

/**
 * When the outbox gave up on a message (`gave_up_at`): after its last allowed attempt, or at once
 * when it cannot be delivered at all (a webhook whose subscription was deactivated or deleted).
 * Before, giving up was recorded by counting the attempts up to the maximum, which misstated how
 * many were made. Rows given up on that way are marked with the time of their last failure as
 * near as it is known (when they were last due). Ten is the maximum of attempts at the time.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('outbox').addColumn('gave_up_at', 'text').execute();
  await sql`update outbox set gave_up_at = available_at where sent_at is null and attempts >= 10`.execute(
    db,
  );
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('outbox').dropColumn('gave_up_at').execute();
}
