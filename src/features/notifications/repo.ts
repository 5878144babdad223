import type { Kysely, Selectable, Updateable } from 'kysely';
import type { Database, WebhookSubscriptionsTable } from '../../db/schema.js';

/** The SQL of webhook subscriptions. Every function takes the `db` it runs on, which may be a transaction. */

type Db = Kysely<Database>;
export type SubscriptionRow = Selectable<WebhookSubscriptionsTable>;

export async function insertSubscription(db: Db, row: SubscriptionRow): Promise<void> {
  await db.insertInto('webhook_subscriptions').values(row).execute();
}

export async function findSubscription(db: Db, id: string): Promise<SubscriptionRow | undefined> {
  return db.selectFrom('webhook_subscriptions').selectAll().where('id', '=', id).executeTakeFirst();
}

/** Every subscription, newest first, and how many there are. */
export async function listSubscriptions(
  db: Db,
  filter: { active?: boolean },
  page: { limit?: number; offset?: number },
): Promise<{ rows: SubscriptionRow[]; total: number }> {
  let query = db.selectFrom('webhook_subscriptions');
  if (filter.active !== undefined) query = query.where('active', '=', filter.active ? 1 : 0);
  let rows = query.selectAll().orderBy('created_at', 'desc').orderBy('id', 'desc');
  if (page.limit !== undefined) rows = rows.limit(page.limit);
  if (page.offset) rows = rows.offset(page.offset);
  const counted = await query
    .select((eb) => eb.fn.countAll<string | number>().as('total'))
    .executeTakeFirstOrThrow();
  return { rows: await rows.execute(), total: Number(counted.total) };
}

export async function updateSubscription(
  db: Db,
  id: string,
  changes: Updateable<WebhookSubscriptionsTable>,
): Promise<void> {
  await db.updateTable('webhook_subscriptions').set(changes).where('id', '=', id).execute();
}

export async function deleteSubscription(db: Db, id: string): Promise<void> {
  await db.deleteFrom('webhook_subscriptions').where('id', '=', id).execute();
}
