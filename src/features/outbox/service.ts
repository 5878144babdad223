import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Clock } from '../../clock.js';
import type { Database } from '../../db/schema.js';
import type { EmailMessage } from '../../mail/mailer.js';
import { insertOutboxRow } from './repo.js';

/**
 * Queues an e-mail in the caller's transaction: it is sent after that transaction commits (by the
 * outbox dispatcher, on any instance), and never if it rolls back. Returns the outbox row's id.
 */
export async function enqueueEmail(
  trx: Kysely<Database>,
  message: EmailMessage,
  clock: Clock,
): Promise<string> {
  const payload = checkEmailMessage(message);
  const id = randomUUID();
  await insertOutboxRow(trx, {
    id,
    kind: 'email',
    payload: JSON.stringify(payload),
    now: clock.now().toISOString(),
  });
  return id;
}

/** Reads back what `enqueueEmail` stored; throws if the stored payload is not an e-mail. */
export function parseEmailPayload(payload: string): EmailMessage {
  return checkEmailMessage(JSON.parse(payload) as unknown);
}

// One recipient, and a subject on one line: neither may smuggle in a header or another address.
const SINGLE_ADDRESS = /^[^\s<>()[\]@",;:\\]+@[^\s<>()[\]@",;:\\]+$/;

function checkEmailMessage(value: unknown): EmailMessage {
  const message = (typeof value === 'object' && value !== null ? value : {}) as Record<
    string,
    unknown
  >;
  const { to, subject, text, html } = message;
  if (typeof to !== 'string' || !SINGLE_ADDRESS.test(to)) {
    throw new TypeError(`An e-mail needs one recipient address, not ${JSON.stringify(to)}.`);
  }
  if (typeof subject !== 'string' || subject.trim() === '' || /[\r\n]/.test(subject)) {
    throw new TypeError(`An e-mail needs a subject on one line, not ${JSON.stringify(subject)}.`);
  }
  if (typeof text !== 'string') throw new TypeError('An e-mail needs a plain-text body.');
  if (html !== undefined && typeof html !== 'string') {
    throw new TypeError('An e-mail body in HTML must be text.');
  }
  return html === undefined ? { to, subject, text } : { to, subject, text, html };
}

/**
 * A delivery that can never succeed as queued (its webhook subscription is gone or switched off):
 * the dispatcher gives up at once, with this message as the reason, instead of backing off.
 */
export class UndeliverableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UndeliverableError';
  }
}
