import assert from 'node:assert/strict';
import { after, afterEach, before, beforeEach, it } from 'node:test';
import { ManualClock } from '../../src/clock.js';
import { AppContext, type ContextOverrides } from '../../src/context.js';
import { migrateToLatest } from '../../src/db/migrate.js';
import { MAX_SEND_ATTEMPTS } from '../../src/features/outbox/backoff.js';
import { enqueueEmail } from '../../src/features/outbox/service.js';
import { dispatchOutbox, startOutboxWorker } from '../../src/jobs/outbox.js';
import { createLogger } from '../../src/logger.js';
import type { EmailMessage } from '../../src/mail/mailer.js';
import { startServer } from '../../src/server.js';
import { testConfig } from '../helpers/app.js';
import { describeEachDatabase } from '../helpers/databases.js';
import { startTestSmtpServer, type TestSmtpServer } from '../helpers/smtp.js';

const MAIL_FROM = 'Cloud Office <no-reply@cloud.example.gov>';
const minute = 60_000;

/** A logger that keeps its JSON lines, for asserting on what was logged. */
function capturingLogger(): {
  logger: ContextOverrides['logger'];
  lines: { msg: string; level: number }[];
} {
  const lines: { msg: string; level: number }[] = [];
  const logger = createLogger('info', {
    write: (line: string) => lines.push(JSON.parse(line) as { msg: string; level: number }),
  });
  return { logger, lines };
}

function invitation(to: string, subject = 'You are invited to Cloud Office'): EmailMessage {
  return {
    to,
    subject,
    text: `Open this link to set your password:\nhttps://cloud.example.gov/invitations/abc\nIt works once, for 72 hours.`,
  };
}

describeEachDatabase('e-mail through the outbox', (database) => {
  let smtp: TestSmtpServer;
  const contexts: AppContext[] = [];

  /** A context on the suite's database; e-mail goes to the test SMTP server unless `smtp` is false. */
  async function open(
    options: { smtp?: boolean; overrides?: ContextOverrides } = {},
  ): Promise<AppContext> {
    const env: Record<string, string> = { MAIL_FROM };
    if (options.smtp !== false) env.SMTP_URL = smtp.url;
    const ctx = await AppContext.create(
      testConfig(database.config, database.dataDir, env),
      options.overrides,
    );
    contexts.push(ctx);
    return ctx;
  }

  async function outboxRows(ctx: AppContext) {
    return ctx.db.selectFrom('outbox').selectAll().orderBy('created_at').orderBy('id').execute();
  }

  before(async () => {
    smtp = await startTestSmtpServer();
    const ctx = await open();
    await migrateToLatest(ctx.db);
  });
  beforeEach(async () => {
    smtp.reset();
    const ctx = await open();
    await ctx.db.deleteFrom('outbox').execute();
  });
  afterEach(async () => {
    for (const ctx of contexts.splice(0)) await ctx.close();
  });
  after(() => smtp.close());

  it('sends an e-mail queued in a committed transaction, from MAIL_FROM to its recipient', async () => {
    const ctx = await open();
    const message: EmailMessage = {
      ...invitation(
        'officer@moitt.example.gov',
        'Invitation to Cloud Office — Ministry of IT & Telecom',
      ),
      html: '<p>Open <a href="https://cloud.example.gov/invitations/abc">this link</a>.</p>',
    };
    const id = await ctx.db.transaction().execute((trx) => enqueueEmail(trx, message, ctx.clock));

    assert.deepEqual(await dispatchOutbox(ctx), { claimed: 1, sent: 1, retrying: 0, gaveUp: 0 });

    const received = await smtp.waitForMessage();
    assert.deepEqual(received.envelope, {
      from: 'no-reply@cloud.example.gov',
      to: ['officer@moitt.example.gov'],
    });
    assert.equal(received.user, 'mailer', 'signed in with the user and password of SMTP_URL');
    assert.match(received.from, /^"?Cloud Office"? <no-reply@cloud\.example\.gov>$/);
    assert.equal(received.to, 'officer@moitt.example.gov');
    assert.equal(received.subject, message.subject);
    assert.equal(received.text, message.text);
    assert.equal(received.html, message.html);
    assert.match(received.messageId, /^<.+@.+>$/);

    const [row] = await outboxRows(ctx);
    assert.equal(row?.id, id);
    assert.ok(row.sent_at, 'the row is marked sent');
    assert.equal(row.attempts, 0);
    assert.equal(row.claimed_until, null);
    assert.equal(row.last_error, null);

    assert.deepEqual(await dispatchOutbox(ctx), { claimed: 0, sent: 0, retrying: 0, gaveUp: 0 });
    assert.equal(smtp.messages.length, 1, 'a sent message is not sent again');
  });

  it('sends nothing for a transaction that rolls back', async () => {
    const ctx = await open();
    await assert.rejects(
      ctx.db.transaction().execute(async (trx) => {
        await enqueueEmail(trx, invitation('nobody@pse.example.gov'), ctx.clock);
        throw new Error('the change that caused the e-mail failed');
      }),
      /the change that caused the e-mail failed/,
    );
    assert.deepEqual(await outboxRows(ctx), []);
    assert.deepEqual(await dispatchOutbox(ctx), { claimed: 0, sent: 0, retrying: 0, gaveUp: 0 });
    assert.equal(smtp.messages.length, 0);
  });

  it('refuses to queue an e-mail whose recipient or subject could inject headers', async () => {
    const ctx = await open();
    for (const message of [
      invitation('a@example.gov, b@example.gov'),
      invitation('a@example.gov\r\nBcc: b@example.gov'),
      invitation('a@example.gov', 'Hello\r\nBcc: b@example.gov'),
      invitation('a@example.gov', '  '),
    ]) {
      await assert.rejects(
        ctx.db.transaction().execute((trx) => enqueueEmail(trx, message, ctx.clock)),
        TypeError,
      );
    }
    assert.deepEqual(await outboxRows(ctx), []);
  });

  it('records a refused attempt with its error and backs off, then delivers on a later run', async () => {
    const clock = new ManualClock('2025-03-01T10:00:00.000Z');
    const ctx = await open({ overrides: { clock } });
    await ctx.db
      .transaction()
      .execute((trx) => enqueueEmail(trx, invitation('cso@csp.example.com'), clock));
    smtp.rejectNext(2, 451, 'Greylisted, please try again later');

    assert.deepEqual(await dispatchOutbox(ctx), { claimed: 1, sent: 0, retrying: 1, gaveUp: 0 });
    let [row] = await outboxRows(ctx);
    assert.equal(row?.attempts, 1);
    assert.match(row.last_error ?? '', /451.*Greylisted, please try again later/);
    assert.equal(row.available_at, '2025-03-01T10:01:00.000Z', 'due again one minute later');
    assert.equal(row.claimed_until, null, 'the claim is released');
    assert.equal(row.sent_at, null);

    assert.equal((await dispatchOutbox(ctx)).claimed, 0, 'not retried before its time');
    clock.advance(minute - 1);
    assert.equal((await dispatchOutbox(ctx)).claimed, 0, 'not retried before its time');
    clock.advance(1);
    assert.deepEqual(await dispatchOutbox(ctx), { claimed: 1, sent: 0, retrying: 1, gaveUp: 0 });
    [row] = await outboxRows(ctx);
    assert.equal(row?.attempts, 2);
    assert.equal(row.available_at, '2025-03-01T10:03:00.000Z', 'the wait doubles: two minutes');

    clock.advance(2 * minute);
    assert.deepEqual(await dispatchOutbox(ctx), { claimed: 1, sent: 1, retrying: 0, gaveUp: 0 });
    assert.equal(smtp.rejected, 2);
    const received = await smtp.waitForMessage();
    assert.equal(received.to, 'cso@csp.example.com');
    [row] = await outboxRows(ctx);
    assert.equal(row?.sent_at, '2025-03-01T10:03:00.000Z');
    assert.equal(row.attempts, 2, 'the failed attempts stay counted');
    assert.equal(row.last_error, null);
  });

  it(`gives up after ${MAX_SEND_ATTEMPTS} attempts, logs an error, and leaves the message unsent`, async () => {
    const clock = new ManualClock('2025-03-01T10:00:00.000Z');
    const { logger, lines } = capturingLogger();
    const ctx = await open({ overrides: { clock, logger } });
    const id = await ctx.db
      .transaction()
      .execute((trx) => enqueueEmail(trx, invitation('gone@pse.example.gov'), clock));
    await ctx.db
      .updateTable('outbox')
      .set({ attempts: MAX_SEND_ATTEMPTS - 1 })
      .where('id', '=', id)
      .execute();
    smtp.rejectNext(1, 550, 'Mailbox unavailable');

    assert.deepEqual(await dispatchOutbox(ctx), { claimed: 1, sent: 0, retrying: 0, gaveUp: 1 });
    const [row] = await outboxRows(ctx);
    assert.equal(row?.attempts, MAX_SEND_ATTEMPTS);
    assert.match(row.last_error ?? '', /550.*Mailbox unavailable/);
    assert.equal(row.sent_at, null);
    assert.equal(row.gave_up_at, clock.now().toISOString(), 'given up at the last failure');
    assert.ok(
      lines.some((line) => /giving up/.test(line.msg) && line.level === 50),
      'an error is logged',
    );

    clock.advance(7 * 24 * 60 * minute);
    assert.equal((await dispatchOutbox(ctx)).claimed, 0, 'never tried again');
    assert.equal(smtp.messages.length, 0);
  });

  it('leaves a message alone while another dispatcher holds its claim', async () => {
    const first = await open();
    const second = await open();
    await first.db
      .transaction()
      .execute((trx) => enqueueEmail(trx, invitation('held@pse.example.gov'), first.clock));
    const hold = smtp.holdNext();

    const sending = dispatchOutbox(first);
    await hold.arrived; // the first dispatcher has claimed the message and is mid-send
    assert.deepEqual(await dispatchOutbox(second), {
      claimed: 0,
      sent: 0,
      retrying: 0,
      gaveUp: 0,
    });
    hold.release();
    assert.deepEqual(await sending, { claimed: 1, sent: 1, retrying: 0, gaveUp: 0 });
    assert.equal(smtp.messages.length, 1);
  });

  it('takes over a message whose claim has lapsed (its dispatcher died)', async () => {
    const clock = new ManualClock('2025-03-01T10:00:00.000Z');
    const ctx = await open({ overrides: { clock } });
    const id = await ctx.db
      .transaction()
      .execute((trx) => enqueueEmail(trx, invitation('orphan@pse.example.gov'), clock));
    await ctx.db
      .updateTable('outbox')
      .set({ claimed_until: '2025-03-01T10:05:00.000Z' })
      .where('id', '=', id)
      .execute();

    assert.equal((await dispatchOutbox(ctx)).claimed, 0);
    clock.set('2025-03-01T10:05:00.001Z');
    assert.equal((await dispatchOutbox(ctx)).sent, 1);
    assert.equal((await smtp.waitForMessage()).to, 'orphan@pse.example.gov');
  });

  it('delivers each message exactly once when two instances dispatch at the same time', async () => {
    const first = await open();
    const second = await open();
    const count = 24;
    await first.db.transaction().execute(async (trx) => {
      for (let index = 0; index < count; index++) {
        await enqueueEmail(trx, invitation(`user${index}@pse.example.gov`), first.clock);
      }
    });

    const runUntilIdle = async (ctx: AppContext): Promise<number> => {
      let sent = 0;
      for (;;) {
        const result = await dispatchOutbox(ctx, { limit: 5 });
        sent += result.sent;
        if (result.claimed === 0) return sent;
      }
    };
    const [a, b] = await Promise.all([runUntilIdle(first), runUntilIdle(second)]);

    assert.equal(a + b, count, `sent ${a} + ${b}`);
    const recipients = smtp.messages.map((message) => message.to).sort();
    assert.equal(recipients.length, count);
    assert.equal(new Set(recipients).size, count, 'no message was sent twice');
    const rows = await outboxRows(first);
    assert.ok(rows.every((row) => row.sent_at !== null && row.attempts === 0));
  });

  it('sends nothing and keeps the message pending while SMTP_URL is unset', async () => {
    const ctx = await open({ smtp: false });
    assert.equal(ctx.mailer.enabled, false);
    await assert.rejects(ctx.mailer.send(invitation('x@example.gov')), /SMTP_URL is not set/);
    await ctx.db
      .transaction()
      .execute((trx) => enqueueEmail(trx, invitation('waiting@pse.example.gov'), ctx.clock));

    assert.deepEqual(await dispatchOutbox(ctx), { claimed: 0, sent: 0, retrying: 0, gaveUp: 0 });
    const worker = startOutboxWorker(ctx, { intervalMs: 10 });
    assert.deepEqual(await worker.drain(), { claimed: 0, sent: 0, retrying: 0, gaveUp: 0 });
    await worker.stop();

    const [row] = await outboxRows(ctx);
    assert.equal(row?.sent_at, null);
    assert.equal(row.attempts, 0);
    assert.equal(row.last_error, null);
    assert.equal(row.claimed_until, null);
    assert.equal(smtp.messages.length, 0);
  });

  it('runs the outbox in the server: e-mail off is logged once; on, queued e-mail goes out', async () => {
    const { logger, lines } = capturingLogger();
    const off = await startServer(testConfig(database.config, database.dataDir, { MAIL_FROM }), {
      logger,
    });
    await off.stop();
    const warnings = lines.filter((line) => /e-mail is off/.test(line.msg));
    assert.equal(warnings.length, 1, 'one warning at start');
    assert.match(warnings[0]?.msg ?? '', /SMTP_URL is not set/);

    const ctx = await open();
    await ctx.db
      .transaction()
      .execute((trx) => enqueueEmail(trx, invitation('queued@pse.example.gov'), ctx.clock));
    const on = await startServer(
      testConfig(database.config, database.dataDir, { MAIL_FROM, SMTP_URL: smtp.url }),
    );
    try {
      const received = await smtp.waitForMessage(
        (message) => message.to === 'queued@pse.example.gov',
      );
      assert.equal(received.subject, 'You are invited to Cloud Office');
      assert.deepEqual(await on.outbox.drain(), { claimed: 0, sent: 0, retrying: 0, gaveUp: 0 });
    } finally {
      await on.stop();
    }
    await assert.rejects(on.outbox.drain(), /stopped/);
  });
});
