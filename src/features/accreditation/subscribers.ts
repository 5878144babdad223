import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.js';
import type { AccreditationEvent, AccreditationEventType } from './events.js';

/** Handles one event inside the transaction of the step that emitted it. */
export type AccreditationSubscriber = (
  trx: Kysely<Database>,
  event: AccreditationEvent,
) => Promise<void>;

/**
 * Where later work subscribes to the accreditation workflow's events (placement re-evaluation to
 * `STANDING_EVENTS`, breach detection to findings and conditions). Subscribers run inside the
 * step's transaction, after the record, its history and the register are written: what they
 * write commits with the step or not at all, and a subscriber that throws refuses the step. So
 * they should be quick: record what needs doing (a row for a job to pick up), not do it all.
 *
 * AppContext holds one, so the API, the CLI and the background jobs publish to the same
 * subscribers; the composition root registers them.
 */
export class AccreditationEvents {
  private readonly subscriptions: {
    types: ReadonlySet<AccreditationEventType> | 'all';
    handler: AccreditationSubscriber;
  }[] = [];

  /** Subscribes to some event types (or all); returns a function that unsubscribes. */
  subscribe(
    types: readonly AccreditationEventType[] | 'all',
    handler: AccreditationSubscriber,
  ): () => void {
    const subscription = { types: types === 'all' ? types : new Set(types), handler };
    this.subscriptions.push(subscription);
    return () => {
      const index = this.subscriptions.indexOf(subscription);
      if (index >= 0) this.subscriptions.splice(index, 1);
    };
  }

  /** Hands `event` to every subscriber of its type, in the order they subscribed. */
  async publish(trx: Kysely<Database>, event: AccreditationEvent): Promise<void> {
    for (const { types, handler } of [...this.subscriptions]) {
      if (types === 'all' || types.has(event.type)) await handler(trx, event);
    }
  }
}
