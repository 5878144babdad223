import type { AppContext } from '../context.js';
import { MAX_SEND_ATTEMPTS, nextAttemptAt } from '../features/outbox/backoff.js';
import {
  claimOutboxRow,
  findDueOutboxIds,
  markOutboxFailed,
  markOutboxSent,
  type ClaimedOutboxRow,
} from '../features/outbox/repo.js';
import { parseEmailPayload } from '../features/outbox/service.js';

/** What the dispatcher uses from the application context. */
export type OutboxContext = Pick<AppContext, 'db' | 'clock' | 'logger' | 'mailer'>;

export interface DispatchOptions {
  /** The most messages one run tries to send (default 50). */
  limit?: number;
  /**
   * How long a claim keeps other dispatchers off a message (default 5 minutes). It must outlast
   * one send, SMTP timeouts included; a dispatcher that dies mid-send frees its message after it.
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

function emptyResult(): DispatchResult {
  return { claimed: 0, sent: 0, retrying: 0, gaveUp: 0 };
}

/**
 * Sends the e-mail that is due in the outbox. Safe on every instance at once: each message is
 * claimed with a lease by one conditional UPDATE before it is sent, so two dispatchers never both
 * send it; sending happens outside any transaction. Delivery is at least once: if a dispatcher
 * dies between the SMTP server's acceptance and recording it, the message is sent again after
 * the lease. With e-mail off (no SMTP_URL) it does nothing, and messages wait.
 */
export async function dispatchOutbox(
  ctx: OutboxContext,
  options: DispatchOptions = {},
): Promise<DispatchResult> {
  const result = emptyResult();
  if (!ctx.mailer.enabled) return result;
  const leaseMs = options.leaseMs ?? DEFAULT_LEASE_MS;
  const due = await findDueOutboxIds(ctx.db, {
    kind: 'email',
    now: ctx.clock.now().toISOString(),
    maxAttempts: MAX_SEND_ATTEMPTS,
    limit: options.limit ?? DEFAULT_LIMIT,
  });
  for (const id of due) {
    if (options.signal?.aborted) break;
    const now = ctx.clock.now();
    const row = await claimOutboxRow(ctx.db, {
      id,
      kind: 'email',
      now: now.toISOString(),
      claimedUntil: new Date(now.getTime() + leaseMs).toISOString(),
      maxAttempts: MAX_SEND_ATTEMPTS,
    });
    if (!row) continue; // another dispatcher has it, or has already sent it
    result.claimed += 1;
    const outcome = await deliver(ctx, row);
    result[outcome] += 1;
  }
  return result;
}

async function deliver(
  ctx: OutboxContext,
  row: ClaimedOutboxRow,
): Promise<'sent' | 'retrying' | 'gaveUp'> {
  let messageId: string;
  try {
    ({ messageId } = await ctx.mailer.send(parseEmailPayload(row.payload)));
  } catch (error) {
    const failedAt = ctx.clock.now();
    const attempts = row.attempts + 1;
    const retryAt = nextAttemptAt(failedAt, attempts);
    const lastError = describeSendError(error);
    await markOutboxFailed(ctx.db, row.id, {
      attempts,
      lastError,
      availableAt: retryAt?.toISOString(),
    });
    if (retryAt) {
      ctx.logger.warn(
        { outboxId: row.id, attempts, retryAt: retryAt.toISOString(), error: lastError },
        'e-mail not sent; will try again',
      );
      return 'retrying';
    }
    ctx.logger.error(
      { outboxId: row.id, attempts, error: lastError },
      `e-mail not sent after ${attempts} attempts; giving up (reset its attempts to try again)`,
    );
    return 'gaveUp';
  }
  // Outside the try: the server has the message, so a failure to record that must not count as
  // a failed send. The claim then lapses and the message may go out twice, never zero times.
  await markOutboxSent(ctx.db, row.id, ctx.clock.now().toISOString());
  ctx.logger.info({ outboxId: row.id, messageId }, 'sent e-mail');
  return 'sent';
}

function describeSendError(error: unknown): string {
  let text = String(error);
  if (error instanceof Error) {
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
 * (other instances run their own, which the claims make safe). With e-mail off it logs that once
 * and does not poll.
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

  if (ctx.mailer.enabled) schedule(0);
  else ctx.logger.warn('e-mail is off: SMTP_URL is not set, so e-mail waits in the outbox unsent');

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
