import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { AppContext } from '../../context.js';
import type { Database, OutboxTable } from '../../db/schema.js';
import { AppError } from '../../errors.js';
import { recordAuditEvent } from '../audit/service.js';
import { auditActor, type RequestContext } from '../identity/actor.js';
import {
  findOutboxRow,
  hasWebhookDeliveries,
  listOutboxRows,
  requeueOutboxRow,
  type OutboxFilter,
  type OutboxRow,
} from '../outbox/repo.js';
import { parseEmailPayload } from '../outbox/service.js';
import {
  checkWebhookUrl,
  newWebhookSecret,
  parseWebhookPayload,
  secretContext,
} from './delivery.js';
import type { EventType } from './events.js';
import * as repo from './repo.js';

/**
 * Webhook subscriptions and the deliveries of the outbox (issue 7, item 7), for the Cloud Office's
 * administrators (power manage_office; the routes check it). The signing secret is sealed at rest
 * and shown once, when made; the audit trail never holds it.
 */

export interface Subscription {
  id: string;
  name: string;
  url: string;
  /** Empty: every event type. */
  eventTypes: EventType[];
  active: boolean;
  createdAt: string;
  updatedAt: string;
}

export function presentSubscription(row: repo.SubscriptionRow): Subscription {
  return {
    id: row.id,
    name: row.name,
    url: row.url,
    eventTypes: JSON.parse(row.event_types) as EventType[],
    active: row.active === 1,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/** What the audit trail says of a subscription: everything but the secret. */
function audited(subscription: Subscription): Record<string, unknown> {
  return {
    name: subscription.name,
    url: subscription.url,
    eventTypes: subscription.eventTypes,
    active: subscription.active,
  };
}

async function audit(
  trx: Kysely<Database>,
  ctx: AppContext,
  request: RequestContext,
  action: string,
  target: { type: string; id: string },
  summary: { before?: unknown; after?: unknown; reason?: string },
): Promise<void> {
  await recordAuditEvent(
    trx,
    {
      actor: auditActor(request.actor, 'manage_office'),
      action,
      outcome: 'success',
      target,
      summary,
      requestId: request.requestId,
    },
    ctx.clock,
  );
}

async function mustFind(db: Kysely<Database>, id: string): Promise<repo.SubscriptionRow> {
  const row = await repo.findSubscription(db, id);
  if (!row) throw AppError.notFound('There is no webhook subscription with this id.');
  return row;
}

export async function listSubscriptions(
  ctx: AppContext,
  filter: { active?: boolean },
  page: { limit: number; offset: number },
): Promise<{ items: Subscription[]; total: number }> {
  const { rows, total } = await repo.listSubscriptions(ctx.db, filter, page);
  return { items: rows.map(presentSubscription), total };
}

export async function getSubscription(ctx: AppContext, id: string): Promise<Subscription> {
  return presentSubscription(await mustFind(ctx.db, id));
}

export interface SubscriptionInput {
  name: string;
  url: string;
  eventTypes: EventType[];
  active?: boolean;
}

/** Makes a subscription with a new secret; the answer is the only time the secret is shown. */
export async function createSubscription(
  ctx: AppContext,
  input: SubscriptionInput,
  request: RequestContext,
): Promise<Subscription & { secret: string }> {
  const url = checkWebhookUrl(input.url.trim());
  const id = randomUUID();
  const secret = newWebhookSecret();
  const at = ctx.clock.now().toISOString();
  const row: repo.SubscriptionRow = {
    id,
    name: input.name.trim(),
    url,
    secret: ctx.secretBox.seal(secret, secretContext(id)),
    event_types: JSON.stringify([...new Set(input.eventTypes)]),
    active: input.active === false ? 0 : 1,
    created_by_user_id: request.actor?.userId ?? null,
    created_at: at,
    updated_at: at,
  };
  await ctx.db.transaction().execute(async (trx) => {
    await repo.insertSubscription(trx, row);
    await audit(trx, ctx, request, 'webhook.create', target(id), {
      after: audited(presentSubscription(row)),
    });
  });
  return { ...presentSubscription(row), secret };
}

/** Changes the name, URL, event types or whether it is active; only what is given. */
export async function updateSubscription(
  ctx: AppContext,
  id: string,
  input: Partial<SubscriptionInput>,
  request: RequestContext,
): Promise<Subscription> {
  const url = input.url === undefined ? undefined : checkWebhookUrl(input.url.trim());
  return ctx.db.transaction().execute(async (trx) => {
    const before = presentSubscription(await mustFind(trx, id));
    await repo.updateSubscription(trx, id, {
      ...(input.name === undefined ? {} : { name: input.name.trim() }),
      ...(url === undefined ? {} : { url }),
      ...(input.eventTypes === undefined
        ? {}
        : { event_types: JSON.stringify([...new Set(input.eventTypes)]) }),
      ...(input.active === undefined ? {} : { active: input.active ? 1 : 0 }),
      updated_at: ctx.clock.now().toISOString(),
    });
    const after = presentSubscription(await mustFind(trx, id));
    await audit(trx, ctx, request, 'webhook.update', target(id), {
      before: audited(before),
      after: audited(after),
    });
    return after;
  });
}

/**
 * Replaces the signing secret; the answer is the only time the new one is shown. Deliveries are
 * signed when sent, so every one sent from now on (retries of older events too) carries the new
 * secret's signature.
 */
export async function rotateSecret(
  ctx: AppContext,
  id: string,
  request: RequestContext,
): Promise<Subscription & { secret: string }> {
  const secret = newWebhookSecret();
  return ctx.db.transaction().execute(async (trx) => {
    await mustFind(trx, id);
    await repo.updateSubscription(trx, id, {
      secret: ctx.secretBox.seal(secret, secretContext(id)),
      updated_at: ctx.clock.now().toISOString(),
    });
    const after = presentSubscription(await mustFind(trx, id));
    await audit(trx, ctx, request, 'webhook.rotate_secret', target(id), {
      reason: 'A new signing secret was made; the old one no longer signs deliveries.',
    });
    return { ...after, secret };
  });
}

/**
 * Deletes a subscription that never had a delivery. One that had deliveries is deactivated
 * instead and kept, so that its deliveries still name their receiver in the list; its pending
 * deliveries are given up on when their turn comes.
 */
export async function deleteSubscription(
  ctx: AppContext,
  id: string,
  request: RequestContext,
): Promise<{ outcome: 'deleted' | 'deactivated'; message: string; subscription: Subscription }> {
  return ctx.db.transaction().execute(async (trx) => {
    const before = presentSubscription(await mustFind(trx, id));
    if (!(await hasWebhookDeliveries(trx, id))) {
      await repo.deleteSubscription(trx, id);
      await audit(trx, ctx, request, 'webhook.delete', target(id), { before: audited(before) });
      return {
        outcome: 'deleted' as const,
        message: 'The subscription is deleted.',
        subscription: before,
      };
    }
    await repo.updateSubscription(trx, id, {
      active: 0,
      updated_at: ctx.clock.now().toISOString(),
    });
    const after = presentSubscription(await mustFind(trx, id));
    await audit(trx, ctx, request, 'webhook.deactivate', target(id), {
      before: audited(before),
      after: audited(after),
      reason: 'Asked to delete a subscription with deliveries: deactivated and kept instead.',
    });
    return {
      outcome: 'deactivated' as const,
      message:
        'The subscription has deliveries on record, so it is deactivated and kept rather than ' +
        'deleted: it gets no more events, and its pending deliveries are not sent.',
      subscription: after,
    };
  });
}

function target(id: string): { type: string; id: string } {
  return { type: 'webhook_subscription', id };
}

// ---- Deliveries ----

export type DeliveryState = 'failed' | 'pending' | 'sent';

export interface Delivery {
  id: string;
  kind: OutboxTable['kind'];
  state: DeliveryState;
  /** An e-mail's recipient, or a webhook's URL (as the subscription has it now). */
  target: string;
  /** Webhooks: the subscription delivered to. */
  subscriptionId: string | null;
  eventType: string | null;
  /** E-mail: its subject (never its body, which may hold a sign-in link). */
  subject: string | null;
  attempts: number;
  lastError: string | null;
  createdAt: string;
  availableAt: string;
  sentAt: string | null;
  gaveUp: boolean;
  /** When the outbox gave up on it; null unless failed. */
  gaveUpAt: string | null;
}

function presentDelivery(row: OutboxRow, urls: ReadonlyMap<string, string>): Delivery {
  const state: DeliveryState =
    row.sent_at !== null ? 'sent' : row.gave_up_at !== null ? 'failed' : 'pending';
  const common = {
    id: row.id,
    kind: row.kind,
    state,
    attempts: row.attempts,
    lastError: row.last_error,
    createdAt: row.created_at,
    availableAt: row.available_at,
    sentAt: row.sent_at,
    gaveUp: state === 'failed',
    gaveUpAt: state === 'failed' ? row.gave_up_at : null,
  };
  try {
    if (row.kind === 'email') {
      const message = parseEmailPayload(row.payload);
      return {
        ...common,
        target: message.to,
        subscriptionId: null,
        eventType: null,
        subject: message.subject,
      };
    }
    const payload = parseWebhookPayload(row.payload);
    return {
      ...common,
      target: urls.get(payload.subscriptionId) ?? '(a deleted subscription)',
      subscriptionId: payload.subscriptionId,
      eventType: payload.body.type,
      subject: null,
    };
  } catch {
    // A row no dispatcher can read either: listed, so that someone looks at it.
    return {
      ...common,
      target: '(unreadable)',
      subscriptionId: null,
      eventType: null,
      subject: null,
    };
  }
}

async function subscriptionUrls(db: Kysely<Database>): Promise<Map<string, string>> {
  // Subscriptions are few (the office's own receivers): read them all rather than per page.
  const { rows } = await repo.listSubscriptions(db, {}, {});
  return new Map(rows.map((row) => [row.id, row.url]));
}

/** Deliveries newest first; without a limit, every one (the CSV export). */
export async function listDeliveries(
  ctx: AppContext,
  filter: OutboxFilter,
  page: { limit?: number; offset?: number },
): Promise<{ items: Delivery[]; total: number }> {
  const { rows, total } = await listOutboxRows(ctx.db, filter, page);
  const urls = await subscriptionUrls(ctx.db);
  return { items: rows.map((row) => presentDelivery(row, urls)), total };
}

/**
 * Makes an unsent delivery due now, with its attempts counted afresh: for a failure that has been
 * put right (the receiver is back, the mailbox exists again). Sent ones, ones being sent right
 * now, and webhooks whose subscription is inactive or gone are refused (409).
 */
export async function retryDelivery(
  ctx: AppContext,
  id: string,
  request: RequestContext,
): Promise<Delivery> {
  return ctx.db.transaction().execute(async (trx) => {
    const row = await findOutboxRow(trx, id);
    if (!row) throw AppError.notFound('There is no delivery with this id.');
    if (row.sent_at !== null) {
      throw AppError.conflict('already_sent', `This delivery was sent at ${row.sent_at}.`);
    }
    if (row.kind === 'webhook') {
      const subscription = await repo.findSubscription(
        trx,
        parseWebhookPayload(row.payload).subscriptionId,
      );
      if (subscription?.active !== 1) {
        throw AppError.conflict(
          'subscription_inactive',
          subscription
            ? 'Its subscription is deactivated: activate the subscription first, then retry.'
            : 'Its subscription was deleted, so there is nowhere to send it.',
        );
      }
    }
    const now = ctx.clock.now().toISOString();
    if (!(await requeueOutboxRow(trx, id, now))) {
      throw AppError.conflict(
        'delivery_in_progress',
        'This delivery is being sent right now; look again in a minute.',
      );
    }
    const after = await findOutboxRow(trx, id);
    if (!after) throw new Error('the delivery vanished inside its transaction');
    await audit(
      trx,
      ctx,
      request,
      'delivery.retry',
      { type: 'outbox', id },
      {
        before: {
          attempts: row.attempts,
          lastError: row.last_error,
          availableAt: row.available_at,
        },
        after: { attempts: after.attempts, availableAt: after.available_at },
      },
    );
    return presentDelivery(after, await subscriptionUrls(trx));
  });
}
