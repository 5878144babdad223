import { randomUUID } from 'node:crypto';
import type { ExpressionBuilder, Kysely, Selectable } from 'kysely';
import type { Clock } from '../../clock.js';
import type { AuditEventsTable, Database } from '../../db/schema.js';
import { hashEvent, type ChainPosition } from './chain.js';
import { cut, shortenSummary, type AuditSummary } from './summary.js';

/**
 * The audit trail's storage: appending to the hash chain, and the queries that read it. Every
 * function takes the `db` it runs on, which may be a transaction.
 */

export type AuditEventRow = Selectable<AuditEventsTable>;
export type { AuditSummary } from './summary.js';

/** Who acted. Every field may be null: system actions and anonymous denied attempts exist. */
export interface AuditActor {
  userId?: string | null;
  email?: string | null;
  organizationId?: string | null;
  /** The position the actor acted under, e.g. `DG Cloud (additional charge)`. */
  position?: string | null;
}

/** One change of state, or one refused attempt, to be written to the audit trail. */
export interface AuditEventInput {
  /** Null for what the system does by itself (jobs, set-up from the shell). */
  actor: AuditActor | null;
  /** Dotted lower case, `<domain>.<verb>`: `organization.create`, `auth.sign_in`. */
  action: string;
  outcome: 'success' | 'denied';
  target?: { type: string; id: string | null } | null;
  /** Never put secrets here (passwords, tokens): the trail is exported and shown to officers. */
  summary?: AuditSummary;
  requestId?: string | null;
}

/** Actions are dotted lower case; at least two parts. */
export const AUDIT_ACTION = /^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$/;
const MAX_ACTION_LENGTH = 100;
/** Ids, e-mails, positions and request ids longer than this are cut. */
const MAX_FIELD_LENGTH = 320;

function optional(value: string | null | undefined): string | null {
  return value === undefined || value === null ? null : cut(value, MAX_FIELD_LENGTH);
}

/**
 * Writes one audit event in the caller's transaction, so that it commits or rolls back with the
 * change it describes; `trx` must be a transaction (checked). Make it the last statement of the
 * transaction: it holds the trail's head locked until commit (which is what keeps the chain linear
 * under concurrent writers), so locks taken after it, in another order by other transactions, could
 * deadlock on PostgreSQL. A refused attempt whose own transaction rolls back is recorded in a
 * transaction of its own, after that one has ended (on SQLite a transaction opened inside another
 * waits for it forever).
 */
export async function recordAuditEvent(
  trx: Kysely<Database>,
  input: AuditEventInput,
  clock: Clock,
): Promise<AuditEventRow> {
  if (!trx.isTransaction) {
    throw new Error('recordAuditEvent must run inside the transaction that makes the change.');
  }
  if (input.action.length > MAX_ACTION_LENGTH || !AUDIT_ACTION.test(input.action)) {
    throw new Error(
      `Audit action ${JSON.stringify(input.action)} is not dotted lower case, like "organization.create".`,
    );
  }
  const outcome: string = input.outcome; // callers in plain JS, or through a cast
  if (outcome !== 'success' && outcome !== 'denied') {
    throw new Error(`Audit outcome ${JSON.stringify(input.outcome)} is not success or denied.`);
  }
  const actor = input.actor ?? {};
  const fields = {
    id: randomUUID(),
    actor_user_id: optional(actor.userId),
    actor_email: optional(actor.email),
    actor_organization_id: optional(actor.organizationId),
    actor_position: optional(actor.position),
    action: input.action,
    outcome: input.outcome,
    target_type: input.target ? cut(input.target.type, MAX_FIELD_LENGTH) : null,
    target_id: input.target ? optional(input.target.id) : null,
    summary: shortenSummary(input.summary),
    request_id: optional(input.requestId),
  };

  const { seq, prevHash } = await advanceAuditHead(trx);
  // The time is read once the head is held, so within one instance time never goes back as seq
  // goes forward.
  const hashed = { ...fields, seq, occurred_at: clock.now().toISOString() };
  const event: AuditEventRow = {
    ...hashed,
    prev_hash: prevHash,
    hash: hashEvent(prevHash, hashed),
  };
  await appendAuditEvent(trx, event);
  return event;
}

/** A checked filter (see service.ts for what callers may send); every field narrows the list. */
export interface AuditEventFilter {
  /** ISO-8601 UTC, inclusive. */
  from?: string;
  /** ISO-8601 UTC, exclusive. */
  to?: string;
  actorUserId?: string;
  actorOrganizationId?: string;
  /** An action, or a dotted prefix of actions: `organization` matches `organization.create`. */
  actionPrefix?: string;
  targetType?: string;
  targetId?: string;
  outcome?: AuditEventsTable['outcome'];
}

/**
 * Advances the head by one and returns the new seq with the hash to chain after. The UPDATE comes
 * first so that it takes the lock before anything is read: on PostgreSQL the head's row lock makes
 * every other appender wait here until this transaction ends, and on SQLite the write lock does, so
 * seqs are handed out one at a time and a rolled-back transaction gives its seq back.
 */
async function advanceAuditHead(trx: Kysely<Database>): Promise<{ seq: number; prevHash: string }> {
  const head = await trx
    .updateTable('audit_head')
    .set((eb) => ({ last_seq: eb('last_seq', '+', 1) }))
    .where('id', '=', 1)
    .returning(['last_seq', 'last_hash'])
    .executeTakeFirst();
  if (!head)
    throw new Error('The audit_head row is missing; the migrations have not been applied.');
  return { seq: head.last_seq, prevHash: head.last_hash };
}

/** Writes an event and moves the head's hash to it; after `advanceAuditHead`, in the same trx. */
async function appendAuditEvent(trx: Kysely<Database>, event: AuditEventRow): Promise<void> {
  await trx.insertInto('audit_events').values(event).execute();
  const moved = await trx
    .updateTable('audit_head')
    .set({ last_hash: event.hash })
    .where('id', '=', 1)
    .where('last_seq', '=', event.seq)
    .executeTakeFirst();
  if (moved.numUpdatedRows !== 1n) {
    throw new Error(`The audit head moved past event ${event.seq} within its own transaction.`);
  }
}

/** Where the trail ends, as the head records it. */
export async function readAuditHead(db: Kysely<Database>): Promise<ChainPosition> {
  const head = await db
    .selectFrom('audit_head')
    .select(['last_seq', 'last_hash'])
    .where('id', '=', 1)
    .executeTakeFirst();
  if (!head)
    throw new Error('The audit_head row is missing; the migrations have not been applied.');
  return { seq: head.last_seq, hash: head.last_hash };
}

function applyFilter(filter: AuditEventFilter) {
  return (eb: ExpressionBuilder<Database, 'audit_events'>) => {
    const conditions = [];
    if (filter.from !== undefined) conditions.push(eb('occurred_at', '>=', filter.from));
    if (filter.to !== undefined) conditions.push(eb('occurred_at', '<', filter.to));
    if (filter.actorUserId !== undefined)
      conditions.push(eb('actor_user_id', '=', filter.actorUserId));
    if (filter.actorOrganizationId !== undefined)
      conditions.push(eb('actor_organization_id', '=', filter.actorOrganizationId));
    if (filter.targetType !== undefined) conditions.push(eb('target_type', '=', filter.targetType));
    if (filter.targetId !== undefined) conditions.push(eb('target_id', '=', filter.targetId));
    if (filter.outcome !== undefined) conditions.push(eb('outcome', '=', filter.outcome));
    if (filter.actionPrefix !== undefined) {
      // substr rather than LIKE: `_` is a LIKE wildcard, and SQLite's LIKE ignores case.
      const under = `${filter.actionPrefix}.`;
      conditions.push(
        eb.or([
          eb('action', '=', filter.actionPrefix),
          eb(eb.fn<string>('substr', ['action', eb.lit(1), eb.lit(under.length)]), '=', under),
        ]),
      );
    }
    return eb.and(conditions);
  };
}

/**
 * A page of events matching `filter`, newest first, strictly before `beforeSeq` when given (keyset
 * pagination on seq, so pages stay stable while events are appended).
 */
export async function selectAuditEventsNewestFirst(
  db: Kysely<Database>,
  filter: AuditEventFilter,
  page: { beforeSeq?: number; limit: number },
): Promise<AuditEventRow[]> {
  let query = db.selectFrom('audit_events').selectAll().where(applyFilter(filter));
  if (page.beforeSeq !== undefined) query = query.where('seq', '<', page.beforeSeq);
  return query.orderBy('seq', 'desc').limit(page.limit).execute();
}

/**
 * Events in seq order after `afterSeq`, up to `limit` of them, matching `filter` and no later than
 * `throughSeq` when given: the batches of an export or a verification.
 */
export async function selectAuditEventsInSeqOrder(
  db: Kysely<Database>,
  filter: AuditEventFilter,
  page: { afterSeq: number; throughSeq?: number; limit: number },
): Promise<AuditEventRow[]> {
  let query = db
    .selectFrom('audit_events')
    .selectAll()
    .where(applyFilter(filter))
    .where('seq', '>', page.afterSeq);
  if (page.throughSeq !== undefined) query = query.where('seq', '<=', page.throughSeq);
  return query.orderBy('seq', 'asc').limit(page.limit).execute();
}
