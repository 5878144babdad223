import nodemailer from 'nodemailer';
import type { Config, SmtpConfig } from '../config.js';

/** One e-mail to one recipient. The sender is always the configured MAIL_FROM. */
export interface EmailMessage {
  to: string;
  subject: string;
  text: string;
  html?: string;
}

/** Sends e-mail. Only the outbox dispatcher calls `send`; features enqueue instead. */
export interface Mailer {
  /** False when no mail server is configured: messages then wait in the outbox. */
  readonly enabled: boolean;
  send(message: EmailMessage): Promise<{ messageId: string }>;
  close(): Promise<void>;
}

/** E-mail is off (SMTP_URL is unset); sending is refused, so nothing can be lost silently. */
export class MailDisabledError extends Error {
  constructor() {
    super('E-mail is off: SMTP_URL is not set, so messages wait in the outbox until it is.');
    this.name = 'MailDisabledError';
  }
}

/** The mailer when SMTP_URL is unset. */
export class DisabledMailer implements Mailer {
  readonly enabled = false;

  send(): Promise<{ messageId: string }> {
    return Promise.reject(new MailDisabledError());
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}

// Generous enough for a slow relay, short enough that a dead one does not hold a dispatcher (and
// its lease on the message) for long.
const CONNECTION_TIMEOUT_MS = 10_000;
const GREETING_TIMEOUT_MS = 10_000;
const SOCKET_TIMEOUT_MS = 30_000;
const DNS_TIMEOUT_MS = 10_000;
const MAX_CONNECTIONS = 2;

/**
 * Sends through an SMTP server over a small pool of reused connections. Nothing connects until
 * the first message; smtp:// upgrades with STARTTLS when the server offers it, and smtps:// uses
 * TLS from the start. Certificates are always verified.
 */
export class SmtpMailer implements Mailer {
  readonly enabled = true;
  private readonly transport: ReturnType<typeof createPool>;

  constructor(
    smtp: Extract<SmtpConfig, { enabled: true }>,
    private readonly from: string,
  ) {
    this.transport = createPool(smtp);
  }

  async send(message: EmailMessage): Promise<{ messageId: string }> {
    const info = await this.transport.sendMail({
      from: this.from,
      to: message.to,
      subject: message.subject,
      text: message.text,
      ...(message.html === undefined ? {} : { html: message.html }),
    });
    return { messageId: info.messageId };
  }

  close(): Promise<void> {
    this.transport.close();
    return Promise.resolve();
  }
}

function createPool(smtp: Extract<SmtpConfig, { enabled: true }>) {
  return nodemailer.createTransport({
    pool: true,
    host: smtp.host,
    port: smtp.port,
    secure: smtp.secure,
    auth: smtp.auth ? { user: smtp.auth.user, pass: smtp.auth.password } : undefined,
    maxConnections: MAX_CONNECTIONS,
    connectionTimeout: CONNECTION_TIMEOUT_MS,
    greetingTimeout: GREETING_TIMEOUT_MS,
    socketTimeout: SOCKET_TIMEOUT_MS,
    dnsTimeout: DNS_TIMEOUT_MS,
  });
}

/** The mailer the configuration asks for. */
export function createMailer(mail: Config['mail']): Mailer {
  return mail.smtp.enabled ? new SmtpMailer(mail.smtp, mail.from) : new DisabledMailer();
}
