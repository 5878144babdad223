import type { AppContext } from '../context.js';
import { sendWebhook } from '../features/notifications/delivery.js';
import { nextAttemptAt } from '../features/outbox/backoff.js';
import {
  claimOutboxRow,
  findDueOutboxIds,
  markOutboxFailed,
  markOutboxSent,
  type ClaimedOutboxRow,
} from '../features/outbox/repo.js';
import { parseEmailPayload, UndeliverableError } from '../features/outbox/service.js';
import type { OutboxTable } from '../db/schema.js';

/** What the dispatcher uses from the application context. */
export type OutboxContext = Pick<AppContext, 'db' | 'clock' | 'logger' | 'mailer' | 'secretBox'>;

export interface DispatchOptions {
  /** The most messages of each kind (e-mail, webhook) one run tries to send (default 50). */
  limit?: number;
  /**
   * How long a claim keeps other dispatchers off a message (default 5 minutes). It must outlast
   * one send, SMTP and webhook timeouts included; a dispatcher that dies mid-send frees its
   * message after it.
   */
  leaseMs?: number;
  /** Ends the run before its next message; the message being sent finishes first. */
  signal?: AbortSignal;
}

export interface DispatchResult {
  /** Messages this run claimed, and so tried to send. */
  claimed: number;
  sent: number;
  /** Failed, and due again after a backoff. */
  retrying: number;
  /** Failed for the last allowed time, and left unsent. */
  gaveUp: number;
}

const DEFAULT_LIMIT = 50;
const DEFAULT_LEASE_MS = 5 * 60_000;
const DEFAULT_INTERVAL_MS = 5_000;
const LAST_ERROR_MAX_LENGTH = 1000;
/**
 * Webhook deliveries sent at once: a receiver that never answers costs its timeout per delivery,
 * and must not hold up every other subscriber's for that long.
 */
const WEBHOOK_CONCURRENCY = 4;

function emptyResult(): DispatchResult {
  return { claimed: 0, sent: 0, retrying: 0, gaveUp: 0 };
}

/**
 * Sends what is due in the outbox: e-mail through SMTP and webhook deliveries by HTTPS POST, the
 * two side by side, so that a mail server or a receiver that is down holds up only its own kind.
 * Safe on every instance at once: each message is claimed with a lease by one conditional UPDATE
 * before it is sent, so two dispatchers never both send it; sending happens outside any
 * transaction. Delivery is at least once: if a dispatcher dies between the receiver's acceptance
 * and recording it, the message is sent again after the lease (a webhook with the same
 * webhook-id, so receivers can drop the repeat). With e-mail off (no SMTP_URL) e-mail waits;
 * webhooks go out all the same.
 */
export async function dispatchOutbox(
  ctx: OutboxContext,
  options: DispatchOptions = {},
): Promise<DispatchResult> {
  const [email, webhook] = await Promise.all([
    ctx.mailer.enabled ? dispatchKind(ctx, 'email', 1, options) : emptyResult(),
    dispatchKind(ctx, 'webhook', WEBHOOK_CONCURRENCY, options),
  ]);
  const total = emptyResult();
  for (const key of Object.keys(total) as (keyof DispatchResult)[]) {
    total[key] = email[key] + webhook[key];
  }
  return total;
}

async function dispatchKind(
  ctx: OutboxContext,
  kind: OutboxTable['kind'],
  concurrency: number,
  options: DispatchOptions,
): Promise<DispatchResult> {
  const result = emptyResult();
  const leaseMs = options.leaseMs ?? DEFAULT_LEASE_MS;
  const due = await findDueOutboxIds(ctx.db, {
    kind,
    now: ctx.clock.now().toISOString(),
    limit: options.limit ?? DEFAULT_LIMIT,
  });
  const next = due[Symbol.iterator]();
  const lane = async (): Promise<void> => {
    for (const id of next) {
      if (options.signal?.aborted) break;
      const now = ctx.clock.now();
      const row = await claimOutboxRow(ctx.db, {
        id,
        kind,
        now: now.toISOString(),
        claimedUntil: new Date(now.getTime() + leaseMs).toISOString(),
      });
      if (!row) continue; // another dispatcher has it, or has already sent it
      result.claimed += 1;
      const outcome = await deliver(ctx, kind, row);
      result[outcome] += 1;
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, due.length) }, lane));
  return result;
}

/** Sends one claimed message; resolves with what it logs as having been done. */
async function send(
  ctx: OutboxContext,
  kind: OutboxTable['kind'],
  row: ClaimedOutboxRow,
): Promise<Record<string, unknown>> {
  if (kind === 'email') return ctx.mailer.send(parseEmailPayload(row.payload));
  return sendWebhook(ctx, row);
}

const WHAT: Record<OutboxTable['kind'], string> = { email: 'e-mail', webhook: 'webhook' };

async function deliver(
  ctx: OutboxContext,
  kind: OutboxTable['kind'],
  row: ClaimedOutboxRow,
): Promise<'sent' | 'retrying' | 'gaveUp'> {
  let sent: Record<string, unknown>;
  try {
    sent = await send(ctx, kind, row);
  } catch (error) {
    const failedAt = ctx.clock.now();
    const attempts = row.attempts + 1;
    // A delivery that cannot succeed is given up on at once, shown as failed.
    const retryAt =
      error instanceof UndeliverableError ? undefined : nextAttemptAt(failedAt, attempts);
    const lastError = describeSendError(error);
    await markOutboxFailed(ctx.db, row.id, {
      attempts,
      lastError,
      failedAt: failedAt.toISOString(),
      retryAt: retryAt?.toISOString(),
    });
    if (retryAt) {
      ctx.logger.warn(
        { outboxId: row.id, attempts, retryAt: retryAt.toISOString(), error: lastError },
        `${WHAT[kind]} not sent; will try again`,
      );
      return 'retrying';
    }
    ctx.logger.error(
      { outboxId: row.id, attempts, error: lastError },
      `${WHAT[kind]} not sent after ${attempts} attempt${attempts === 1 ? '' : 's'}; giving up (retry it from the deliveries list)`,
    );
    return 'gaveUp';
  }
  // Outside the try: the receiver has the message, so a failure to record that must not count as
  // a failed send. The claim then lapses and the message may go out twice, never zero times.
  await markOutboxSent(ctx.db, row.id, ctx.clock.now().toISOString());
  ctx.logger.info({ outboxId: row.id, ...sent }, `sent ${WHAT[kind]}`);
  return 'sent';
}

function describeSendError(error: unknown): string {
  let text = String(error);
  if (error instanceof UndeliverableError) {
    text = error.message;
  } else if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    text = error.name === 'Error' ? error.message : `${error.name}: ${error.message}`;
    if (typeof code === 'string' && !text.includes(code)) text += ` (${code})`;
  }
  return text.length > LAST_ERROR_MAX_LENGTH ? `${text.slice(0, LAST_ERROR_MAX_LENGTH)}…` : text;
}

export interface OutboxWorkerOptions {
  /** Pause between runs, in milliseconds (default 5000); a run that filled its limit is followed at once. */
  intervalMs?: number;
  limit?: number;
  leaseMs?: number;
}

/** The outbox dispatcher running on a timer in this process. */
export interface OutboxWorker {
  /** Sends everything due now, after any run in progress; resolves with what this drain did. */
  drain(): Promise<DispatchResult>;
  /** Stops the timer and waits for a run in progress, which stops before its next message. */
  stop(): Promise<void>;
}

/**
 * Runs `dispatchOutbox` now and then every `intervalMs`, never two runs at once in this process
 * (other instances run their own, which the claims make safe). With e-mail off it says so once
 * and keeps running for the webhooks.
 */
export function startOutboxWorker(
  ctx: OutboxContext,
  options: OutboxWorkerOptions = {},
): OutboxWorker {
  const intervalMs = options.intervalMs ?? DEFAULT_INTERVAL_MS;
  const limit = options.limit ?? DEFAULT_LIMIT;
  const stopping = new AbortController();
  const dispatchOptions = { limit, leaseMs: options.leaseMs, signal: stopping.signal };
  let timer: NodeJS.Timeout | undefined;
  let last: Promise<unknown> = Promise.resolve();

  // Runs after the run before it, so that timer runs and drains never overlap.
  const exclusive = (): Promise<DispatchResult> => {
    const run = last.then(() => dispatchOutbox(ctx, dispatchOptions));
    last = run.catch(() => undefined);
    return run;
  };

  const tick = async (): Promise<void> => {
    timer = undefined;
    let delay = intervalMs;
    try {
      if ((await exclusive()).claimed >= limit) delay = 0;
    } catch (error) {
      ctx.logger.error({ err: error }, 'outbox dispatch failed; will try again');
    }
    if (!stopping.signal.aborted) schedule(delay);
  };
  const schedule = (delay: number): void => {
    timer = setTimeout(() => void tick(), delay);
    timer.unref();
  };

  if (!ctx.mailer.enabled) {
    ctx.logger.warn('e-mail is off: SMTP_URL is not set, so e-mail waits in the outbox unsent');
  }
  schedule(0);

  return {
    async drain() {
      if (stopping.signal.aborted) throw new Error('the outbox worker is stopped');
      const total = emptyResult();
      for (;;) {
        const result = await exclusive();
        for (const key of Object.keys(total) as (keyof DispatchResult)[]) total[key] += result[key];
        if (result.claimed === 0) return total;
      }
    },
    async stop() {
      stopping.abort();
      clearTimeout(timer);
      await last;
    },
  };
}
