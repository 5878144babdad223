import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.js';

/** What happened to an incident, as its timeline shows it. */
export type TimelineType =
  | 'reported'
  | 'update'
  | 'final_report'
  | 'transition'
  | 'severity_changed'
  | 'owner_changed'
  | 'request_opened'
  | 'request_answered'
  | 'request_escalated'
  | 'request_closed'
  | 'action_ordered'
  | 'action_progress'
  | 'action_verified'
  | 'action_closed'
  | 'breach_linked';

export interface TimelineEntry {
  incidentId: string;
  type: TimelineType;
  data: Record<string, unknown>;
  actor: { userId: string | null; organizationId: string | null; position: string | null } | null;
  at: string;
}

/**
 * Appends one entry to an incident's timeline, in the caller's transaction. It first touches the
 * incident row (a row lock on PostgreSQL; SQLite has one writer), so that two transactions
 * appending at once take their sequence numbers one after the other.
 */
export async function appendTimeline(trx: Kysely<Database>, entry: TimelineEntry): Promise<number> {
  const touched = await trx
    .updateTable('incidents')
    .set({ updated_at: entry.at })
    .where('id', '=', entry.incidentId)
    .executeTakeFirst();
  if (Number(touched.numUpdatedRows) === 0) {
    throw new Error(`There is no incident ${entry.incidentId} to add to.`);
  }
  const last = await trx
    .selectFrom('incident_events')
    .select((eb) => eb.fn.max('seq').as('seq'))
    .where('incident_id', '=', entry.incidentId)
    .executeTakeFirst();
  const seq = (last?.seq ?? 0) + 1;
  await insertEntry(trx, entry, seq);
  return seq;
}

/**
 * The first entry of an incident inserted in the same transaction: number 1, with no lock to
 * take (no other transaction can see the incident yet) and no sequence to read.
 */
export async function startTimeline(trx: Kysely<Database>, entry: TimelineEntry): Promise<void> {
  await insertEntry(trx, entry, 1);
}

async function insertEntry(
  trx: Kysely<Database>,
  entry: TimelineEntry,
  seq: number,
): Promise<void> {
  await trx
    .insertInto('incident_events')
    .values({
      id: randomUUID(),
      incident_id: entry.incidentId,
      seq,
      type: entry.type,
      data: JSON.stringify(entry.data),
      actor_user_id: entry.actor?.userId ?? null,
      actor_organization_id: entry.actor?.organizationId ?? null,
      actor_position: entry.actor?.position ?? null,
      at: entry.at,
    })
    .execute();
}
