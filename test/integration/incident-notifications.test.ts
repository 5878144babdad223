import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, it } from 'node:test';
import { Webhook } from 'standardwebhooks';
import { ManualClock } from '../../src/clock.js';
import { insertLevelIfMissing } from '../../src/features/levels/repo.js';
import { DEFAULT_LEVELS } from '../../src/features/levels/seed.js';
import { seedDefaultPolicy } from '../../src/features/placement/seed.js';
import { dispatchOutbox, type DispatchResult } from '../../src/jobs/outbox.js';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { describeEachDatabase } from '../helpers/databases.js';
import {
  appoint,
  buildOrganization,
  buildUser,
  setUpOffice,
  signInAs,
  type Client,
} from '../helpers/factories.js';
import { startTestSmtpServer, type TestSmtpServer } from '../helpers/smtp.js';

interface Received {
  headers: IncomingHttpHeaders;
  body: string;
}

/** A real HTTP receiver on 127.0.0.1 answering every request with `status`. */
async function startReceiver(status: number) {
  const received: Received[] = [];
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      received.push({ headers: request.headers, body: Buffer.concat(chunks).toString('utf8') });
      response.writeHead(status).end(status < 300 ? 'ok' : 'down for maintenance');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/events`,
    received,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Everything the outbox has due now, dispatched until a run finds nothing. */
async function drain(t: TestApp): Promise<DispatchResult> {
  const total: DispatchResult = { claimed: 0, sent: 0, retrying: 0, gaveUp: 0 };
  for (;;) {
    const result = await dispatchOutbox(t.ctx);
    for (const key of Object.keys(total) as (keyof DispatchResult)[]) total[key] += result[key];
    if (result.claimed === 0) return total;
  }
}

describeEachDatabase('an incident report tells the Cloud Office at once', (database) => {
  let t: TestApp;
  let smtp: TestSmtpServer;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  let broken: Awaited<ReturnType<typeof startReceiver>>;
  // Signatures carry a timestamp that the receiver checks against the real clock.
  const clock = new ManualClock(new Date());
  let pse: Client;
  let pseId = '';
  let dgEmail = '';
  let auditsEmail = '';
  let legalEmail = '';
  let secret = '';

  before(async () => {
    smtp = await startTestSmtpServer();
    receiver = await startReceiver(204);
    broken = await startReceiver(503);
    t = await createTestApp(database, {
      env: { SMTP_URL: smtp.url, MAIL_FROM: 'Cloud Office <no-reply@cloud.example.gov>' },
      overrides: { clock },
    });
    const office = await setUpOffice(t.ctx);
    for (const level of DEFAULT_LEVELS) {
      await insertLevelIfMissing(t.ctx.db, {
        id: randomUUID(),
        ...level,
        created_at: clock.now().toISOString(),
      });
    }
    await seedDefaultPolicy(t.ctx);
    dgEmail = office.email;
    const today = clock.now().toISOString().slice(0, 10);
    const audits = await buildUser(t.ctx, office.organizationId, 'officer');
    await appoint(t.ctx, audits.id, 'director_audits', today);
    auditsEmail = audits.email;
    const legal = await buildUser(t.ctx, office.organizationId, 'officer');
    await appoint(t.ctx, legal.id, 'director_legal_procurement', today);
    legalEmail = legal.email;
    pseId = await buildOrganization(t.ctx, 'pse', { name: 'Ministry of Interior' });
    pse = await signInAs(t.app, (await buildUser(t.ctx, pseId, 'pse_staff')).email);

    const dg = await signInAs(t.app, dgEmail);
    const subscribed = await dg.send('POST', '/api/v1/webhooks', {
      name: 'SOC',
      url: receiver.url,
      eventTypes: ['incident.reported'],
    });
    assert.equal(subscribed.statusCode, 201, subscribed.body);
    secret = subscribed.json<{ secret: string }>().secret;
    const down = await dg.send('POST', '/api/v1/webhooks', {
      name: 'A receiver that is down',
      url: broken.url,
      eventTypes: [],
    });
    assert.equal(down.statusCode, 201, down.body);
    // What setting up did (sign-in links and the like) is not what this test is about.
    await t.ctx.db.deleteFrom('outbox').execute();
  });
  after(async () => {
    await t.close();
    await smtp.close();
    await receiver.close();
    await broken.close();
  });

  it('e-mails every holder of manage_incidents through SMTP and sends the signed incident.reported event', async () => {
    const answer = await pse.send('POST', '/api/v1/incidents', {
      title: 'Case files readable from the internet',
      description: 'A storage bucket with case files was readable without signing in.',
      discoveredAt: new Date(clock.now().getTime() - 20 * 60_000).toISOString(),
      personalData: true,
      contact: { name: 'Asha Khan', email: 'asha.khan@pse.example' },
    });
    assert.equal(answer.statusCode, 201, answer.body);
    const incident = answer.json<{ id: string; severity: string }>();
    assert.equal(smtp.messages.length, 0, 'nothing leaves before the outbox is dispatched');

    const result = await drain(t);
    assert.equal(result.sent, 3, 'two e-mails and one webhook');
    assert.equal(result.retrying, 1, 'the receiver that is down is retried later');

    // The mail went through a real SMTP conversation, to exactly the holders of the power.
    const recipients = smtp.messages.map((message) => message.to).sort();
    assert.deepEqual(recipients, [auditsEmail, dgEmail].sort());
    assert.ok(!recipients.includes(legalEmail), 'a post without manage_incidents is not told');
    for (const message of smtp.messages) {
      assert.match(message.subject, /Ministry of Interior/);
      assert.match(message.text ?? '', /Case files readable from the internet/);
      assert.match(message.text ?? '', new RegExp(`/incidents/${incident.id}`));
    }

    assert.equal(receiver.received.length, 1);
    const [delivery] = receiver.received;
    assert.ok(delivery);
    const event = new Webhook(secret).verify(delivery.body, {
      'webhook-id': String(delivery.headers['webhook-id']),
      'webhook-timestamp': String(delivery.headers['webhook-timestamp']),
      'webhook-signature': String(delivery.headers['webhook-signature']),
    }) as { type: string; data: { incidentId: string; organizationId: string; severity: string } };
    assert.equal(event.type, 'incident.reported');
    assert.equal(event.data.incidentId, incident.id);
    assert.equal(event.data.organizationId, pseId);
    assert.equal(event.data.severity, incident.severity);

    // The receiver that is down got the same event, and it waits for its retry without holding
    // up anything else.
    assert.equal(broken.received.length, 1);
    const waiting = await t.ctx.db
      .selectFrom('outbox')
      .select(['kind', 'attempts', 'last_error'])
      .where('sent_at', 'is', null)
      .execute();
    assert.deepEqual(waiting, [
      { kind: 'webhook', attempts: 1, last_error: 'HTTP 503: down for maintenance' },
    ]);
    assert.deepEqual((await drain(t)).claimed, 0, 'nothing is sent twice');
    assert.equal(smtp.messages.length, 2);
    assert.equal(receiver.received.length, 1);
  });
});
