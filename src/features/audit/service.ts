import type { Kysely } from 'kysely';
import type { Clock } from '../../clock.js';
import type { Database } from '../../db/schema.js';
import { AppError } from '../../errors.js';
import { ChainVerifier, beyondHeadProblem, type ChainVerdict, HASHED_FIELDS } from './chain.js';
import { csvRecord } from './csv.js';
import {
  readAuditHead,
  recordAuditEvent,
  selectAuditEventsInSeqOrder,
  selectAuditEventsNewestFirst,
  type AuditEventFilter,
  type AuditEventInput,
  type AuditEventRow,
} from './repo.js';
import type { AuditSummary } from './summary.js';

/**
 * The audit trail's rules: browsing with checked filters, export, verification. Writing an event
 * is `recordAuditEvent` in repo.ts, called by every feature inside its own transaction.
 */

export { recordAuditEvent } from './repo.js';
export type { AuditActor, AuditEventFilter, AuditEventInput, AuditEventRow } from './repo.js';
export type { AuditSummary } from './summary.js';
export type { ChainProblem, ChainVerdict } from './chain.js';

const ACTION_PREFIX = /^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*$/;

/**
 * Records a refused attempt in a transaction of its own. Call it after the refused work's own
 * transaction has ended, never inside one: on SQLite a second transaction would wait for the first
 * forever, and on PostgreSQL it could wait for the head's lock.
 */
export async function recordDeniedAttempt(
  db: Kysely<Database>,
  input: Omit<AuditEventInput, 'outcome'>,
  clock: Clock,
): Promise<AuditEventRow> {
  if (db.isTransaction) {
    throw new Error('recordDeniedAttempt must run outside any transaction; it opens its own.');
  }
  return db
    .transaction()
    .execute((trx) => recordAuditEvent(trx, { ...input, outcome: 'denied' }, clock));
}

/** An audit event as officers see it. */
export interface AuditEvent {
  seq: number;
  id: string;
  occurredAt: string;
  actor: {
    userId: string | null;
    email: string | null;
    organizationId: string | null;
    position: string | null;
  };
  action: string;
  outcome: 'success' | 'denied';
  target: { type: string; id: string | null } | null;
  summary: AuditSummary;
  requestId: string | null;
  prevHash: string;
  hash: string;
}

/** The presenter: a stored row as an `AuditEvent`. */
export function presentAuditEvent(row: AuditEventRow): AuditEvent {
  let summary: AuditSummary;
  try {
    summary = JSON.parse(row.summary) as AuditSummary;
  } catch {
    // Only a tampered row gets here; show what is stored, and let `audit verify` say the rest.
    summary = { reason: row.summary };
  }
  return {
    seq: row.seq,
    id: row.id,
    occurredAt: row.occurred_at,
    actor: {
      userId: row.actor_user_id,
      email: row.actor_email,
      organizationId: row.actor_organization_id,
      position: row.actor_position,
    },
    action: row.action,
    outcome: row.outcome,
    target: row.target_type === null ? null : { type: row.target_type, id: row.target_id },
    summary,
    requestId: row.request_id,
    prevHash: row.prev_hash,
    hash: row.hash,
  };
}

/** A filter as callers send it (query string, command line): every field optional text. */
export interface AuditListQuery {
  /** An ISO-8601 date (UTC midnight) or date-time with Z or an offset; inclusive. */
  from?: string;
  /** Same forms as `from`; exclusive. */
  to?: string;
  actorUserId?: string;
  actorOrganizationId?: string;
  /** An action or a dotted prefix of actions: `organization` or `organization.` */
  action?: string;
  targetType?: string;
  targetId?: string;
  outcome?: string;
}

const ISO_TIME = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2}))?$/;

function invalid(field: string, message: string): AppError {
  return AppError.badRequest('invalid_audit_filter', message, [
    { in: 'querystring', pointer: `/${field}`, message },
  ]);
}

/** Whether a calendar date exists: JavaScript would quietly roll 2026-02-30 over to 2026-03-02. */
function isRealDate(date: string): boolean {
  const [year, month, day] = date.split('-').map(Number);
  if (year === undefined || month === undefined || day === undefined) return false;
  const probe = new Date(Date.UTC(year, month - 1, day));
  return probe.getUTCMonth() === month - 1 && probe.getUTCDate() === day;
}

function parseTime(field: 'from' | 'to', value: string): string {
  const time = ISO_TIME.test(value) && isRealDate(value.slice(0, 10)) ? new Date(value) : undefined;
  if (!time || Number.isNaN(time.getTime())) {
    throw invalid(
      field,
      `${field}=${JSON.stringify(value)} is not a time: expected an ISO-8601 date (2026-01-31) or date-time with a zone (2026-01-31T09:00:00Z).`,
    );
  }
  return time.toISOString();
}

/** Checks a caller's filter and puts it in the form the repo compares with (times as UTC ISO). */
export function parseAuditFilter(query: AuditListQuery): AuditEventFilter {
  const filter: AuditEventFilter = {};
  const text = (value: string | undefined): string | undefined =>
    value === undefined || value.trim() === '' ? undefined : value.trim();
  const from = text(query.from);
  const to = text(query.to);
  if (from !== undefined) filter.from = parseTime('from', from);
  if (to !== undefined) filter.to = parseTime('to', to);
  if (filter.from !== undefined && filter.to !== undefined && filter.from >= filter.to) {
    throw invalid('to', `to=${JSON.stringify(to)} is not after from=${JSON.stringify(from)}.`);
  }
  const action = text(query.action)?.replace(/\.$/, '');
  if (action !== undefined) {
    if (!ACTION_PREFIX.test(action)) {
      throw invalid(
        'action',
        `action=${JSON.stringify(query.action)} is not an action or a dotted prefix of one, like "organization" or "organization.create".`,
      );
    }
    filter.actionPrefix = action;
  }
  const outcome = text(query.outcome);
  if (outcome !== undefined) {
    if (outcome !== 'success' && outcome !== 'denied') {
      throw invalid('outcome', `outcome=${JSON.stringify(outcome)} is not success or denied.`);
    }
    filter.outcome = outcome;
  }
  const actorUserId = text(query.actorUserId);
  if (actorUserId !== undefined) filter.actorUserId = actorUserId;
  const actorOrganizationId = text(query.actorOrganizationId);
  if (actorOrganizationId !== undefined) filter.actorOrganizationId = actorOrganizationId;
  const targetType = text(query.targetType);
  if (targetType !== undefined) filter.targetType = targetType;
  const targetId = text(query.targetId);
  if (targetId !== undefined) filter.targetId = targetId;
  return filter;
}

export const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 200;

/** One page of the trail, and the cursor of the next (null on the last page). */
export interface AuditPage {
  events: AuditEvent[];
  nextCursor: string | null;
}

/**
 * Browses the trail, newest first. `cursor` is a previous page's `nextCursor`; pages are keyed on
 * seq, so appends while paging neither repeat nor skip events.
 */
export async function listAuditEvents(
  db: Kysely<Database>,
  query: AuditListQuery,
  page: { limit?: number; cursor?: string | null } = {},
): Promise<AuditPage> {
  const filter = parseAuditFilter(query);
  const limit = page.limit ?? DEFAULT_PAGE_SIZE;
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE_SIZE) {
    throw invalid('limit', `limit=${limit} is not a whole number from 1 to ${MAX_PAGE_SIZE}.`);
  }
  let beforeSeq: number | undefined;
  if (page.cursor !== undefined && page.cursor !== null) {
    if (!/^[1-9]\d{0,14}$/.test(page.cursor)) {
      throw invalid(
        'cursor',
        `cursor=${JSON.stringify(page.cursor)} is not a cursor from a previous page.`,
      );
    }
    beforeSeq = Number(page.cursor);
  }
  const rows = await selectAuditEventsNewestFirst(db, filter, {
    ...(beforeSeq === undefined ? {} : { beforeSeq }),
    limit: limit + 1,
  });
  const events = rows.slice(0, limit).map(presentAuditEvent);
  const last = events.at(-1);
  return {
    events,
    nextCursor: rows.length > limit && last ? String(last.seq) : null,
  };
}

/** Every event matching `query`, oldest first, read in batches so a long trail is never all in memory. */
export async function* streamAuditEventsForExport(
  db: Kysely<Database>,
  query: AuditListQuery,
  batchSize = 500,
): AsyncGenerator<AuditEventRow> {
  const filter = parseAuditFilter(query);
  let afterSeq = 0;
  for (;;) {
    const batch = await selectAuditEventsInSeqOrder(db, filter, { afterSeq, limit: batchSize });
    yield* batch;
    const last = batch.at(-1);
    if (!last || batch.length < batchSize) return;
    afterSeq = last.seq;
  }
}

/** The export's columns: every stored column, so an exported trail can be checked by hand. */
export const AUDIT_CSV_COLUMNS = [
  ...HASHED_FIELDS,
  'hash',
] as const satisfies readonly (keyof AuditEventRow)[];

/**
 * Writes the trail as CSV (RFC 4180, CRLF; formula-like cells guarded, see csv.ts, so a guarded
 * cell differs from the stored value by its leading quote) to `write`, a header then one chunk per
 * batch, awaiting each write so a slow sink holds the reading back. Returns the number of events.
 */
export async function writeAuditEventsCsv(
  db: Kysely<Database>,
  query: AuditListQuery,
  write: (chunk: string) => Promise<void>,
  batchSize = 500,
): Promise<number> {
  await write(csvRecord(AUDIT_CSV_COLUMNS));
  let count = 0;
  let chunk = '';
  for await (const row of streamAuditEventsForExport(db, query, batchSize)) {
    chunk += csvRecord(AUDIT_CSV_COLUMNS.map((column) => row[column]));
    count += 1;
    if (count % batchSize === 0) {
      await write(chunk);
      chunk = '';
    }
  }
  if (chunk !== '') await write(chunk);
  return count;
}

/**
 * Checks the whole trail against its hash chain and its head, reading events in seq order in
 * batches. Returns the count and last hash, or the first bad event and what is wrong with it.
 */
export async function verifyAuditTrail(
  db: Kysely<Database>,
  options: { batchSize?: number } = {},
): Promise<ChainVerdict> {
  const batchSize = options.batchSize ?? 1000;
  // Events up to the head as read now are all committed (each commits with its head update); later
  // ones may be appends that happen while this runs, and are checked below.
  const head = await readAuditHead(db);
  const verifier = new ChainVerifier();
  let afterSeq = 0;
  for (;;) {
    const batch = await selectAuditEventsInSeqOrder(
      db,
      {},
      { afterSeq, throughSeq: head.seq, limit: batchSize },
    );
    for (const event of batch) {
      if (verifier.push(event)) return verifier.finish();
    }
    const last = batch.at(-1);
    if (!last || batch.length < batchSize) break;
    afterSeq = last.seq;
  }
  const verdict = verifier.finish(head);
  if (!verdict.ok) return verdict;

  // An event past the head is either a concurrent append, which the head, read again after it,
  // covers, or one written around the head.
  const [stray] = await selectAuditEventsInSeqOrder(db, {}, { afterSeq: head.seq, limit: 1 });
  if (stray) {
    const now = await readAuditHead(db);
    if (stray.seq > now.seq) return { ok: false, problem: beyondHeadProblem(stray, now) };
  }
  return verdict;
}
