import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

/** A message the test SMTP server accepted, with what tests assert on already decoded. */
export interface ReceivedEmail {
  /** The SMTP envelope: MAIL FROM and RCPT TO. */
  envelope: { from: string | undefined; to: string[] };
  /** The user the client signed in as, if it did. */
  user: string | undefined;
  /** Header fields by lower-case name (the first of each), unfolded, encoded words decoded. */
  headers: Record<string, string>;
  from: string;
  to: string;
  subject: string;
  messageId: string;
  /** The text/plain body, decoded, with CRLF as \n. */
  text: string | undefined;
  /** The text/html body, decoded, with CRLF as \n. */
  html: string | undefined;
  raw: string;
}

export interface TestSmtpServer {
  /** Where it listens, as an SMTP_URL with its user and password. */
  url: string;
  /** Every accepted message, in order. */
  readonly messages: readonly ReceivedEmail[];
  /** How many messages it has refused because of `rejectNext`. */
  readonly rejected: number;
  /** The first message (received or yet to come) that matches, or a rejection after the timeout. */
  waitForMessage(
    predicate?: (message: ReceivedEmail) => boolean,
    timeoutMs?: number,
  ): Promise<ReceivedEmail>;
  /** Refuses the next `count` messages at the end of DATA, with `code` (4xx: try later; 5xx: never). */
  rejectNext(count: number, code?: number, text?: string): void;
  /**
   * Holds the next message: its data is read (`arrived`) but not answered until `release()`,
   * so that a test can act while a sender is waiting on the server.
   */
  holdNext(): { arrived: Promise<void>; release: () => void };
  /** Forgets received messages and pending rejections. */
  reset(): void;
  close(): Promise<void>;
}

/**
 * Starts a real SMTP server (nodemailer's smtp-server) on 127.0.0.1 and a free port: plain text,
 * no STARTTLS, sign-in optional but checked when given. It keeps what it receives in memory.
 */
export async function startTestSmtpServer(
  credentials: { user: string; password: string } = { user: 'mailer', password: 's3cret-pw' },
): Promise<TestSmtpServer> {
  const messages: ReceivedEmail[] = [];
  const waiters = new Set<{
    predicate: (message: ReceivedEmail) => boolean;
    resolve: (message: ReceivedEmail) => void;
  }>();
  let rejections: { count: number; code: number; text: string } = { count: 0, code: 0, text: '' };
  let rejected = 0;
  let hold: { arrived: () => void; released: Promise<void> } | undefined;

  const server = new SMTPServer({
    name: 'smtp.test',
    authOptional: true,
    allowInsecureAuth: true,
    disabledCommands: ['STARTTLS'],
    disableReverseLookup: true,
    logger: false,
    closeTimeout: 1000,
    onAuth(auth, _session, callback) {
      if (auth.username === credentials.user && auth.password === credentials.password) {
        callback(null, { user: auth.username });
      } else {
        callback(Object.assign(new Error('Authentication failed'), { responseCode: 535 }));
      }
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        const held = hold;
        hold = undefined;
        held?.arrived();
        void (held?.released ?? Promise.resolve()).then(() => {
          if (rejections.count > 0) {
            rejections.count -= 1;
            rejected += 1;
            callback(Object.assign(new Error(rejections.text), { responseCode: rejections.code }));
            return;
          }
          // Typed as a string, but smtp-server stores whatever onAuth returned.
          const user: unknown = session.user;
          const message = parseMessage(Buffer.concat(chunks).toString('utf8'));
          messages.push({
            ...message,
            envelope: {
              from: session.envelope.mailFrom ? session.envelope.mailFrom.address : undefined,
              to: session.envelope.rcptTo.map((address) => address.address),
            },
            user: typeof user === 'string' ? user : undefined,
          });
          callback();
          for (const waiter of waiters) {
            const match = messages.find(waiter.predicate);
            if (match) waiter.resolve(match);
          }
        });
      });
    },
  });

  await new Promise<void>((resolve, reject) => {
    server.server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.server.address() as AddressInfo;
  const userinfo = `${encodeURIComponent(credentials.user)}:${encodeURIComponent(credentials.password)}`;

  return {
    url: `smtp://${userinfo}@127.0.0.1:${port}`,
    messages,
    get rejected() {
      return rejected;
    },
    waitForMessage(predicate = () => true, timeoutMs = 5000) {
      const found = messages.find(predicate);
      if (found) return Promise.resolve(found);
      return new Promise((resolve, reject) => {
        const waiter = {
          predicate,
          resolve: (message: ReceivedEmail) => {
            clearTimeout(timer);
            waiters.delete(waiter);
            resolve(message);
          },
        };
        const timer = setTimeout(() => {
          waiters.delete(waiter);
          const seen = messages.map((message) => JSON.stringify(message.subject)).join(', ');
          reject(
            new Error(`no matching e-mail within ${timeoutMs} ms; received: ${seen || 'none'}`),
          );
        }, timeoutMs);
        waiters.add(waiter);
      });
    },
    rejectNext(count, code = 451, text = 'Try again later') {
      rejections = { count, code, text };
    },
    holdNext() {
      let release = (): void => undefined;
      let arrived = (): void => undefined;
      const arrival = new Promise<void>((resolve) => (arrived = resolve));
      const released = new Promise<void>((resolve) => (release = resolve));
      hold = { arrived, released };
      return { arrived: arrival, release };
    },
    reset() {
      messages.length = 0;
      rejections = { count: 0, code: 0, text: '' };
      rejected = 0;
      hold = undefined;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** Just enough MIME (RFC 2045-2047) for what nodemailer writes: headers, multipart, QP, base64. */
function parseMessage(raw: string): Omit<ReceivedEmail, 'envelope' | 'user'> {
  const entity = parseEntity(raw);
  const bodies: { text?: string; html?: string } = {};
  collectBodies(entity, bodies);
  return {
    headers: entity.headers,
    from: entity.headers.from ?? '',
    to: entity.headers.to ?? '',
    subject: entity.headers.subject ?? '',
    messageId: entity.headers['message-id'] ?? '',
    text: bodies.text,
    html: bodies.html,
    raw,
  };
}

interface Entity {
  headers: Record<string, string>;
  body: string;
}

function parseEntity(raw: string): Entity {
  const split = raw.indexOf('\r\n\r\n');
  const head = split === -1 ? raw : raw.slice(0, split);
  const body = split === -1 ? '' : raw.slice(split + 4);
  const headers: Record<string, string> = {};
  for (const line of head.replace(/\r\n(?=[ \t])/g, '').split('\r\n')) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const name = line.slice(0, colon).trim().toLowerCase();
    headers[name] ??= decodeEncodedWords(line.slice(colon + 1).trim());
  }
  return { headers, body };
}

function collectBodies(entity: Entity, into: { text?: string; html?: string }): void {
  const contentType = entity.headers['content-type'] ?? 'text/plain';
  const mediaType = contentType.split(';')[0]?.trim().toLowerCase() ?? '';
  if (mediaType.startsWith('multipart/')) {
    const boundary = /boundary="?([^";]+)"?/i.exec(contentType)?.[1];
    if (!boundary) return;
    const segments = entity.body.split(`--${boundary}`).slice(1);
    for (const segment of segments) {
      if (segment.startsWith('--')) break;
      collectBodies(parseEntity(segment.replace(/^\r\n/, '').replace(/\r\n$/, '')), into);
    }
    return;
  }
  const charset = /charset="?([^";]+)"?/i.exec(contentType)?.[1] ?? 'utf-8';
  const text = decodeBody(entity.body, entity.headers['content-transfer-encoding'], charset);
  if (mediaType === 'text/plain') into.text ??= text;
  if (mediaType === 'text/html') into.html ??= text;
}

function decodeBody(body: string, encoding: string | undefined, charset: string): string {
  let bytes: Buffer;
  switch (encoding?.toLowerCase()) {
    case 'base64':
      bytes = Buffer.from(body.replace(/\s+/g, ''), 'base64');
      break;
    case 'quoted-printable':
      bytes = quotedPrintableBytes(body.replace(/=\r\n/g, ''));
      break;
    default:
      return body.replace(/\r\n/g, '\n');
  }
  return new TextDecoder(charset).decode(bytes).replace(/\r\n/g, '\n');
}

function quotedPrintableBytes(text: string): Buffer {
  const bytes: number[] = [];
  for (let index = 0; index < text.length; index++) {
    const hex = text.slice(index + 1, index + 3);
    if (text[index] === '=' && /^[0-9A-Fa-f]{2}$/.test(hex)) {
      bytes.push(parseInt(hex, 16));
      index += 2;
    } else {
      bytes.push(...Buffer.from(text[index] ?? '', 'utf8'));
    }
  }
  return Buffer.from(bytes);
}

/** RFC 2047: =?charset?B|Q?...?= words, with the blanks between adjacent words dropped. */
function decodeEncodedWords(value: string): string {
  return value
    .replace(/(\?=)\s+(?==\?)/g, '$1')
    .replace(
      /=\?([^?]+)\?([BbQq])\?([^?]*)\?=/g,
      (_word, charset: string, kind: string, data: string) => {
        const bytes =
          kind.toUpperCase() === 'B'
            ? Buffer.from(data, 'base64')
            : quotedPrintableBytes(data.replace(/_/g, ' '));
        return new TextDecoder(charset).decode(bytes);
      },
    );
}
