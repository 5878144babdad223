import type { Kysely, Selectable, SelectQueryBuilder } from 'kysely';
import type { Database, OutboxTable } from '../../db/schema.js';

type Db = Kysely<Database>;

/** A message the dispatcher holds a claim on. */
export type ClaimedOutboxRow = Pick<OutboxTable, 'id' | 'payload' | 'attempts'>;

export async function insertOutboxRow(
  db: Db,
  row: {
    id: string;
    kind: OutboxTable['kind'];
    payload: string;
    now: string;
    /** Makes the row once-only: a second row with the same key is not inserted. */
    dedupeKey?: string;
  },
): Promise<boolean> {
  const result = await db
    .insertInto('outbox')
    .values({
      id: row.id,
      kind: row.kind,
      dedupe_key: row.dedupeKey ?? null,
      payload: row.payload,
      created_at: row.now,
      available_at: row.now,
      attempts: 0,
      claimed_until: null,
      sent_at: null,
      last_error: null,
      gave_up_at: null,
    })
    .onConflict((oc) => oc.column('dedupe_key').doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0n) > 0;
}

/** Ids of unsent messages of a kind, due at `now`, that nobody holds a live claim on, oldest first. */
export async function findDueOutboxIds(
  db: Db,
  options: { kind: OutboxTable['kind']; now: string; limit: number },
): Promise<string[]> {
  const rows = await db
    .selectFrom('outbox')
    .select('id')
    .where('kind', '=', options.kind)
    .where('sent_at', 'is', null)
    .where('available_at', '<=', options.now)
    .where('gave_up_at', 'is', null)
    .where((eb) => eb.or([eb('claimed_until', 'is', null), eb('claimed_until', '<', options.now)]))
    .orderBy('available_at')
    .orderBy('id')
    .limit(options.limit)
    .execute();
  return rows.map((row) => row.id);
}

/**
 * Claims one message until `claimedUntil`, if it is still unsent, due and unclaimed (or its claim
 * has lapsed). The check and the claim are one UPDATE, so when several dispatchers race for a
 * row exactly one gets it back; the others get undefined and move on.
 */
export async function claimOutboxRow(
  db: Db,
  options: {
    id: string;
    kind: OutboxTable['kind'];
    now: string;
    claimedUntil: string;
  },
): Promise<ClaimedOutboxRow | undefined> {
  return db
    .updateTable('outbox')
    .set({ claimed_until: options.claimedUntil })
    .where('id', '=', options.id)
    .where('kind', '=', options.kind)
    .where('sent_at', 'is', null)
    .where('available_at', '<=', options.now)
    .where('gave_up_at', 'is', null)
    .where((eb) => eb.or([eb('claimed_until', 'is', null), eb('claimed_until', '<', options.now)]))
    .returning(['id', 'payload', 'attempts'])
    .executeTakeFirst();
}

export async function markOutboxSent(db: Db, id: string, sentAt: string): Promise<void> {
  await db
    .updateTable('outbox')
    .set({ sent_at: sentAt, claimed_until: null, last_error: null })
    .where('id', '=', id)
    .execute();
}

/**
 * Records a failed attempt and releases the claim: the message is due again at `retryAt`, or, with
 * none, given up on at `failedAt`.
 */
export async function markOutboxFailed(
  db: Db,
  id: string,
  failure: { attempts: number; lastError: string; failedAt: string; retryAt: string | undefined },
): Promise<void> {
  await db
    .updateTable('outbox')
    .set({
      attempts: failure.attempts,
      last_error: failure.lastError,
      claimed_until: null,
      ...(failure.retryAt === undefined
        ? { gave_up_at: failure.failedAt }
        : { available_at: failure.retryAt }),
    })
    .where('id', '=', id)
    .execute();
}

export type OutboxRow = Selectable<OutboxTable>;

/** Which deliveries to list: sent, failed (given up on) or still pending. */
export interface OutboxFilter {
  state?: 'failed' | 'pending' | 'sent';
  kind?: OutboxTable['kind'];
  /** Webhook deliveries to this subscription only. */
  subscriptionId?: string;
}

function filtered<O>(
  query: SelectQueryBuilder<Database, 'outbox', O>,
  filter: OutboxFilter,
): SelectQueryBuilder<Database, 'outbox', O> {
  let result = query;
  if (filter.kind) result = result.where('kind', '=', filter.kind);
  if (filter.subscriptionId !== undefined) {
    // A webhook row's dedupe key ends with its subscription's id (events.ts, webhookDedupeKey).
    result = result
      .where('kind', '=', 'webhook')
      .where('dedupe_key', 'like', `%/${filter.subscriptionId.replace(/[\\%_]/g, '')}`);
  }
  if (filter.state === 'sent') result = result.where('sent_at', 'is not', null);
  if (filter.state === 'failed') {
    result = result.where('sent_at', 'is', null).where('gave_up_at', 'is not', null);
  }
  if (filter.state === 'pending') {
    result = result.where('sent_at', 'is', null).where('gave_up_at', 'is', null);
  }
  return result;
}

/** Outbox rows, newest first, and how many match in all. */
export async function listOutboxRows(
  db: Db,
  filter: OutboxFilter,
  options: { limit?: number; offset?: number },
): Promise<{ rows: OutboxRow[]; total: number }> {
  let query = filtered(db.selectFrom('outbox').selectAll(), filter)
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc');
  if (options.limit !== undefined) query = query.limit(options.limit);
  if (options.offset) query = query.offset(options.offset);
  const counted = await filtered(
    db.selectFrom('outbox').select((eb) => eb.fn.countAll<string | number>().as('total')),
    filter,
  ).executeTakeFirstOrThrow();
  return { rows: await query.execute(), total: Number(counted.total) };
}

export async function findOutboxRow(db: Db, id: string): Promise<OutboxRow | undefined> {
  return db.selectFrom('outbox').selectAll().where('id', '=', id).executeTakeFirst();
}

/** Whether any delivery to the subscription was ever queued. */
export async function hasWebhookDeliveries(db: Db, subscriptionId: string): Promise<boolean> {
  const row = await filtered(db.selectFrom('outbox').select('id'), { subscriptionId })
    .limit(1)
    .executeTakeFirst();
  return row !== undefined;
}

/**
 * Makes an unsent message due now with its attempts counted afresh (the full backoff schedule
 * again), keeping its last error for the record. Not while a dispatcher holds a live claim on it:
 * the UPDATE says whether it changed the row.
 */
export async function requeueOutboxRow(db: Db, id: string, now: string): Promise<boolean> {
  const result = await db
    .updateTable('outbox')
    .set({ attempts: 0, available_at: now, claimed_until: null, gave_up_at: null })
    .where('id', '=', id)
    .where('sent_at', 'is', null)
    .where((eb) => eb.or([eb('claimed_until', 'is', null), eb('claimed_until', '<', now)]))
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}
