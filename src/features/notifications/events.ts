import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Clock } from '../../clock.js';
import type { Database } from '../../db/schema.js';
import { insertOutboxRow } from '../outbox/repo.js';

/**
 * Platform events (issue 7, item 7) as webhook deliveries. `emitEvent` runs in the caller's
 * transaction: it writes one outbox row of kind `webhook` per active subscription that wants the
 * event's type, so the deliveries commit with the change (or not at all). The dispatcher signs
 * and sends them after commit; the row id is the delivery's `webhook-id`, the same on every retry.
 */

/** The event types a subscription may choose from. */
export const EVENT_TYPES = [
  'incident.reported',
  'incident.updated',
  'incident.final_report',
  'incident.status_changed',
  'report_request.opened',
  'report_request.answered',
  'report_request.escalated',
  'report_request.closed',
  'response_action.ordered',
  'response_action.progress',
  'response_action.verified',
  'response_action.closed',
  'breach.opened',
  'breach.updated',
] as const;
export type EventType = (typeof EVENT_TYPES)[number];

/** What a webhook delivery's outbox payload holds. */
export interface WebhookPayload {
  subscriptionId: string;
  /** The event, exactly as the receiver gets it (the signed body). */
  body: { id: string; type: EventType; timestamp: string; data: Record<string, unknown> };
}

/**
 * What makes a delivery once-only: one outbox row per (event, subscription). It ends with the
 * subscription's id, which is how the deliveries of one subscription are found (outbox/repo.ts).
 */
export function webhookDedupeKey(eventId: string, subscriptionId: string): string {
  return `${eventId}/${subscriptionId}`;
}

/** Queues the event for every subscriber that wants it; returns the event's id. */
export async function emitEvent(
  trx: Kysely<Database>,
  clock: Clock,
  event: { type: EventType; data: Record<string, unknown> },
): Promise<string> {
  const id = randomUUID();
  const now = clock.now().toISOString();
  const subscriptions = await trx
    .selectFrom('webhook_subscriptions')
    .select(['id', 'event_types'])
    .where('active', '=', 1)
    .execute();
  for (const subscription of subscriptions) {
    const wanted = JSON.parse(subscription.event_types) as string[];
    if (wanted.length > 0 && !wanted.includes(event.type)) continue;
    const payload: WebhookPayload = {
      subscriptionId: subscription.id,
      body: { id, type: event.type, timestamp: now, data: event.data },
    };
    await insertOutboxRow(trx, {
      id: randomUUID(),
      kind: 'webhook',
      payload: JSON.stringify(payload),
      now,
      dedupeKey: webhookDedupeKey(id, subscription.id),
    });
  }
  return id;
}
