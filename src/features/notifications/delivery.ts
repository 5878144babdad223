import { randomBytes } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import type { AppContext } from '../../context.js';
import { AppError } from '../../errors.js';
import type { ClaimedOutboxRow } from '../outbox/repo.js';
import { UndeliverableError } from '../outbox/service.js';
import { EVENT_TYPES, type WebhookPayload } from './events.js';

/**
 * Sending one webhook delivery, signed as Standard Webhooks (standardwebhooks.com) says: the
 * headers webhook-id (the outbox row's id, the same on every retry, so a receiver can drop
 * repeats), webhook-timestamp and webhook-signature (HMAC-SHA256 over "id.timestamp.body" with
 * the subscription's secret), and the body exactly as signed.
 */

/** How long a receiver has to answer, body included. */
export const WEBHOOK_TIMEOUT_MS = 10_000;
/** How much of a refusing receiver's answer is kept as the delivery's last error. */
const BODY_EXCERPT_LENGTH = 200;

/** The sealed secret's context: a sealed value copied to another subscription does not open. */
export function secretContext(subscriptionId: string): string {
  return `webhook:${subscriptionId}`;
}

/** A new signing secret: `whsec_` and 32 random bytes in base64, as Standard Webhooks expects. */
export function newWebhookSecret(): string {
  return `whsec_${randomBytes(32).toString('base64')}`;
}

/**
 * Refuses a receiver address that is not an absolute http or https URL (422 naming `pointer`).
 * Returns it as given: the signed request goes exactly where the administrator said.
 */
export function checkWebhookUrl(url: string, pointer = '/url'): string {
  let parsed: URL | undefined;
  try {
    parsed = new URL(url);
  } catch {
    parsed = undefined;
  }
  const problem = !parsed
    ? 'is not an absolute URL'
    : parsed.protocol !== 'http:' && parsed.protocol !== 'https:'
      ? `uses ${parsed.protocol.replace(/:$/, '')}; only http and https are allowed`
      : parsed.username || parsed.password
        ? 'carries a user name or password; put credentials in the receiver, not the URL'
        : undefined;
  if (problem) {
    const message = `The receiver URL ${problem}.`;
    throw new AppError(422, 'invalid_url', message, [{ in: 'body', pointer, message }]);
  }
  return url;
}

/** Reads back what `emitEvent` stored; throws if the stored payload is not a webhook delivery. */
export function parseWebhookPayload(payload: string): WebhookPayload {
  const value = JSON.parse(payload) as {
    subscriptionId?: unknown;
    body?: { id?: unknown; type?: unknown; timestamp?: unknown; data?: unknown } | null;
  } | null;
  const body = value?.body;
  if (
    typeof value?.subscriptionId !== 'string' ||
    typeof body?.id !== 'string' ||
    !(EVENT_TYPES as readonly unknown[]).includes(body.type) ||
    typeof body.timestamp !== 'string' ||
    typeof body.data !== 'object' ||
    body.data === null
  ) {
    throw new TypeError('This outbox row does not hold a webhook delivery.');
  }
  return value as WebhookPayload;
}

/**
 * POSTs one delivery to its subscription's URL. Resolves with the receiver's status when it
 * answered 2xx; throws when it did not (a status, a redirect, which is never followed, a network
 * error or no answer in time: the dispatcher backs off and tries again) and UndeliverableError
 * when the subscription was deleted or deactivated since the event (the dispatcher gives up).
 */
export async function sendWebhook(
  ctx: Pick<AppContext, 'db' | 'clock' | 'secretBox'>,
  row: ClaimedOutboxRow,
): Promise<{ status: number; url: string }> {
  const payload = parseWebhookPayload(row.payload);
  const subscription = await ctx.db
    .selectFrom('webhook_subscriptions')
    .select(['id', 'url', 'secret', 'active'])
    .where('id', '=', payload.subscriptionId)
    .executeTakeFirst();
  if (!subscription) {
    throw new UndeliverableError('Not sent: the subscription was deleted before delivery.');
  }
  if (subscription.active !== 1) {
    throw new UndeliverableError('Not sent: the subscription was deactivated before delivery.');
  }
  // Signed at sending time, with the secret in force then: a retry after a rotation carries the
  // new secret's signature, and its timestamp is fresh, as receivers check it against their clock.
  const secret = ctx.secretBox.open(subscription.secret, secretContext(subscription.id));
  const body = JSON.stringify(payload.body);
  const timestamp = ctx.clock.now();
  const signature = new Webhook(secret).sign(row.id, timestamp, body);

  let response: Response;
  try {
    response = await fetch(subscription.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'user-agent': 'Cloud Office webhooks',
        'webhook-id': row.id,
        'webhook-timestamp': String(Math.floor(timestamp.getTime() / 1000)),
        'webhook-signature': signature,
      },
      body,
      redirect: 'manual',
      signal: AbortSignal.timeout(WEBHOOK_TIMEOUT_MS),
    });
  } catch (error) {
    throw new Error(describeFetchError(error));
  }
  let excerpt: string;
  try {
    excerpt = await bodyExcerpt(response);
  } catch (error) {
    throw new Error(`HTTP ${response.status}, then ${describeFetchError(error)}`);
  }
  if (response.status >= 200 && response.status < 300) {
    return { status: response.status, url: subscription.url };
  }
  let text = `HTTP ${response.status}`;
  if (response.status >= 300 && response.status < 400) {
    const location = response.headers.get('location');
    text += ` (a redirect${location ? ` to ${location.slice(0, 200)}` : ''}, not followed)`;
  }
  throw new Error(excerpt ? `${text}: ${excerpt}` : text);
}

/** The start of the answer's body on one line; the rest is not read. */
async function bodyExcerpt(response: Response): Promise<string> {
  if (!response.body) return '';
  const reader = (response.body as ReadableStream<Uint8Array>).getReader();
  const chunks: Uint8Array[] = [];
  let length = 0;
  try {
    while (length < BODY_EXCERPT_LENGTH * 4) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      length += value.length;
    }
  } finally {
    await reader.cancel().catch(() => undefined);
  }
  const text = new TextDecoder('utf-8', { fatal: false })
    .decode(Buffer.concat(chunks))
    .replace(/\s+/g, ' ')
    .trim();
  return text.length > BODY_EXCERPT_LENGTH ? `${text.slice(0, BODY_EXCERPT_LENGTH)}…` : text;
}

function describeFetchError(error: unknown): string {
  if (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError')) {
    return `no answer within ${WEBHOOK_TIMEOUT_MS / 1000} seconds`;
  }
  if (error instanceof Error) {
    const cause = (error as { cause?: unknown }).cause;
    if (cause instanceof Error) {
      const code = (cause as { code?: unknown }).code;
      return typeof code === 'string' && !cause.message.includes(code)
        ? `${cause.message} (${code})`
        : cause.message;
    }
    return error.message;
  }
  return String(error);
}
