import assert from 'node:assert/strict';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, beforeEach, it } from 'node:test';
import { Webhook } from 'standardwebhooks';
import { ManualClock } from '../../src/clock.js';
import { AppContext } from '../../src/context.js';
import { emitEvent, type EventType } from '../../src/features/notifications/events.js';
import { MAX_SEND_ATTEMPTS, retryDelayMs } from '../../src/features/outbox/backoff.js';
import { dispatchOutbox } from '../../src/jobs/outbox.js';
import { createTestApp, testConfig, type TestApp } from '../helpers/app.js';
import { describeEachDatabase } from '../helpers/databases.js';
import {
  appoint,
  buildOrganization,
  buildUser,
  setUpOffice,
  signInAs,
  type Client,
} from '../helpers/factories.js';

interface Subscription {
  id: string;
  name: string;
  url: string;
  eventTypes: string[];
  active: boolean;
  secret?: string;
}
interface Delivery {
  id: string;
  kind: string;
  state: string;
  target: string;
  subscriptionId: string | null;
  eventType: string | null;
  attempts: number;
  lastError: string | null;
  sentAt: string | null;
  gaveUp: boolean;
  gaveUpAt: string | null;
}
interface Page<T> {
  items: T[];
  total: number;
}
interface Problem {
  code: string;
  detail: string;
  errors?: { pointer: string; message: string }[];
}

/** A request a receiver got: its headers and its body exactly as sent. */
interface Received {
  headers: IncomingHttpHeaders;
  body: string;
}

/**
 * A real HTTP receiver on 127.0.0.1 that answers each request with the next scripted status
 * (then `otherwise`), and keeps what it got.
 */
async function startReceiver(
  script: number[] = [],
  otherwise = 200,
): Promise<{ url: string; received: Received[]; close(): Promise<void> }> {
  const received: Received[] = [];
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      received.push({ headers: request.headers, body: Buffer.concat(chunks).toString('utf8') });
      const status = script.shift() ?? otherwise;
      if (status >= 300 && status < 400) response.setHeader('location', 'http://127.0.0.1:9/x');
      response.writeHead(status, { 'content-type': 'text/plain' });
      response.end(status >= 400 ? `receiver says no (${status})\n  with details` : 'ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hooks/cloud-office`,
    received,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Verifies a received request as a receiver would; returns the event it carries. */
function verified(secret: string, request: Received): { id: string; type: string; data: unknown } {
  const headers: Record<string, string> = {};
  for (const name of ['webhook-id', 'webhook-timestamp', 'webhook-signature']) {
    const value = request.headers[name];
    assert.equal(typeof value, 'string', `header ${name}`);
    headers[name] = value as string;
  }
  return new Webhook(secret).verify(request.body, headers) as {
    id: string;
    type: string;
    data: unknown;
  };
}

describeEachDatabase('webhooks: signed deliveries, retries, once per subscriber', (database) => {
  let t: TestApp;
  // Signatures carry a timestamp that receivers check against their own clock (5 minutes either
  // way): the test clock starts at the real time, and moves on by minutes.
  const clock = new ManualClock(new Date());
  let admin: Client;
  let adminEmail = '';
  let auditor: Client;
  let pse: Client;
  const receivers: { close(): Promise<void> }[] = [];

  const receiver = async (script: number[] = [], otherwise = 200) => {
    const started = await startReceiver(script, otherwise);
    receivers.push(started);
    return started;
  };
  const subscribe = async (
    url: string,
    eventTypes: EventType[] = [],
    name = 'SOC ticketing',
  ): Promise<Subscription & { secret: string }> => {
    const response = await admin.send('POST', '/api/v1/webhooks', { name, url, eventTypes });
    assert.equal(response.statusCode, 201, response.body);
    return response.json<Subscription & { secret: string }>();
  };
  const emit = (type: EventType, data: Record<string, unknown> = { incidentId: 'i-1' }) =>
    t.ctx.db.transaction().execute((trx) => emitEvent(trx, t.ctx.clock, { type, data }));
  const rows = () =>
    t.ctx.db.selectFrom('outbox').selectAll().where('kind', '=', 'webhook').execute();
  const deliveries = async (query = '') => {
    const response = await admin.get(`/api/v1/deliveries${query}`);
    assert.equal(response.statusCode, 200, response.body);
    return response.json<Page<Delivery>>();
  };

  before(async () => {
    t = await createTestApp(database, { overrides: { clock } });
    const office = await setUpOffice(t.ctx);
    adminEmail = office.email;
    const officer = await buildUser(t.ctx, office.organizationId, 'officer');
    await appoint(t.ctx, officer.id, 'director_audits', '2020-01-01');
    auditor = await signInAs(t.app, officer.email);
    const pseId = await buildOrganization(t.ctx, 'pse');
    pse = await signInAs(t.app, (await buildUser(t.ctx, pseId, 'pse_admin')).email);
  });
  beforeEach(async () => {
    // Tests move the clock on by hours: back to the real time for fresh signatures, and a fresh
    // session for the administrator.
    clock.set(new Date());
    admin = await signInAs(t.app, adminEmail);
    // Each test has its own receivers: earlier subscriptions stop getting events.
    await t.ctx.db.updateTable('webhook_subscriptions').set({ active: 0 }).execute();
    await t.ctx.db.deleteFrom('outbox').execute();
  });
  after(async () => {
    for (const started of receivers) await started.close();
    await t.close();
  });

  it('makes a subscription with a whsec_ secret shown once, sealed at rest, and never audited', async () => {
    const hook = await receiver();
    const created = await subscribe(hook.url, ['incident.reported', 'breach.opened']);
    assert.match(created.secret, /^whsec_[A-Za-z0-9+/]+=*$/);
    assert.equal(Buffer.from(created.secret.slice('whsec_'.length), 'base64').length, 32);
    assert.deepEqual(created.eventTypes, ['incident.reported', 'breach.opened']);
    assert.equal(created.active, true);

    const shown = await admin.get(`/api/v1/webhooks/${created.id}`);
    assert.equal(shown.statusCode, 200);
    assert.equal(shown.json<Subscription>().secret, undefined, 'the secret is not shown again');
    const listed = await admin.get('/api/v1/webhooks');
    assert.ok(listed.json<Page<Subscription>>().items.some((item) => item.id === created.id));
    assert.ok(!listed.body.includes(created.secret));
    const inactive = await admin.get('/api/v1/webhooks?active=false');
    assert.equal(inactive.statusCode, 200, inactive.body);
    assert.ok(!inactive.json<Page<Subscription>>().items.some((item) => item.id === created.id));

    const stored = await t.ctx.db
      .selectFrom('webhook_subscriptions')
      .select('secret')
      .where('id', '=', created.id)
      .executeTakeFirstOrThrow();
    assert.ok(!stored.secret.includes(created.secret.slice(6)), 'not stored in the clear');
    assert.equal(t.ctx.secretBox.open(stored.secret, `webhook:${created.id}`), created.secret);

    const audit = await t.ctx.db
      .selectFrom('audit_events')
      .selectAll()
      .where('action', 'like', 'webhook.%')
      .execute();
    assert.ok(audit.some((event) => event.action === 'webhook.create'));
    assert.ok(!JSON.stringify(audit).includes(created.secret.slice(6)), 'the trail never holds it');
  });

  it('refuses a URL that is not http or https (422 naming the field), and unknown event types', async () => {
    for (const url of ['ftp://files.example.org/in', 'not a url', 'file:///etc/passwd']) {
      const response = await admin.send('POST', '/api/v1/webhooks', {
        name: 'Bad',
        url,
        eventTypes: [],
      });
      assert.equal(response.statusCode, 422, `${url}: ${response.body}`);
      const problem = response.json<Problem>();
      assert.equal(problem.code, 'invalid_url');
      assert.equal(problem.errors?.[0]?.pointer, '/url');
    }
    const unknown = await admin.send('POST', '/api/v1/webhooks', {
      name: 'Bad',
      url: 'https://soc.example.org/hook',
      eventTypes: ['incident.deleted'],
    });
    assert.equal(unknown.statusCode, 400, unknown.body);
    const created = await subscribe('https://soc.example.org/hook');
    const moved = await admin.send('PATCH', `/api/v1/webhooks/${created.id}`, {
      url: 'gopher://soc.example.org',
    });
    assert.equal(moved.statusCode, 422, moved.body);
    assert.equal(moved.json<Problem>().errors?.[0]?.pointer, '/url');
    const count = await t.ctx.db
      .selectFrom('webhook_subscriptions')
      .select('url')
      .where('url', 'not like', 'http%')
      .execute();
    assert.deepEqual(count, [], 'nothing stored');
  });

  it('is for holders of manage_office only', async () => {
    for (const [who, client] of [
      ['an officer without manage_office', auditor],
      ['a PSE administrator', pse],
    ] as const) {
      for (const response of [
        await client.get('/api/v1/webhooks'),
        await client.get('/api/v1/deliveries?state=failed'),
        await client.send('POST', '/api/v1/webhooks', {
          name: 'Mine',
          url: 'https://evil.example.org/',
          eventTypes: [],
        }),
      ]) {
        assert.equal(response.statusCode, 403, `${who}: ${response.body}`);
      }
    }
  });

  it('delivers one event once to each of two subscribers, signed, with only the types they want', async () => {
    const first = await receiver();
    const second = await receiver();
    const other = await receiver();
    const a = await subscribe(first.url, ['incident.reported']);
    const b = await subscribe(second.url, []);
    await subscribe(other.url, ['breach.opened']);

    const eventId = await emit('incident.reported', { incidentId: 'inc-1', title: 'Leak' });
    assert.equal((await rows()).length, 2, 'one delivery per subscriber that wants the type');

    // Two dispatchers at once, as on two instances: the claims let each delivery go once.
    const secondInstance = await AppContext.create(
      testConfig(database.config, database.dataDir, {
        ...(database.config.dialect === 'postgres'
          ? { SECRET_KEY: t.ctx.config.secretKey?.toString('hex') ?? '' }
          : {}),
      }),
      { clock },
    );
    try {
      const [x, y] = await Promise.all([dispatchOutbox(t.ctx), dispatchOutbox(secondInstance)]);
      assert.equal(x.sent + y.sent, 2);
    } finally {
      await secondInstance.close();
    }
    assert.deepEqual(await dispatchOutbox(t.ctx), { claimed: 0, sent: 0, retrying: 0, gaveUp: 0 });

    assert.equal(first.received.length, 1);
    assert.equal(second.received.length, 1);
    assert.equal(other.received.length, 0, 'not subscribed to the type');
    for (const [hook, subscription] of [
      [first, a],
      [second, b],
    ] as const) {
      const request = hook.received[0];
      assert.ok(request);
      assert.equal(request.headers['content-type'], 'application/json');
      const event = verified(subscription.secret, request);
      assert.deepEqual(event, {
        id: eventId,
        type: 'incident.reported',
        timestamp: clock.now().toISOString(),
        data: { incidentId: 'inc-1', title: 'Leak' },
      });
    }
    assert.notEqual(
      first.received[0]?.headers['webhook-id'],
      second.received[0]?.headers['webhook-id'],
      'each delivery has its own webhook-id',
    );
    assert.throws(
      () => verified(b.secret, first.received[0] as Received),
      /signature/i,
      "another subscriber's secret does not verify it",
    );
    const sent = await deliveries('?kind=webhook&state=sent');
    assert.equal(sent.total, 2);
    assert.ok(sent.items.every((item) => item.eventType === 'incident.reported'));
    assert.ok(sent.items.some((item) => item.target === first.url));
  });

  it('retries a refused delivery after the backoff with the same webhook-id, then marks it sent', async () => {
    const hook = await receiver([500], 200);
    const subscription = await subscribe(hook.url);
    await emit('breach.opened', { breachId: 'b-1' });

    assert.deepEqual(await dispatchOutbox(t.ctx), { claimed: 1, sent: 0, retrying: 1, gaveUp: 0 });
    let [row] = await rows();
    assert.equal(row?.attempts, 1);
    assert.match(row.last_error ?? '', /^HTTP 500: receiver says no \(500\) with details$/);
    assert.equal(row.sent_at, null);
    const pending = await deliveries('?state=pending');
    assert.equal(pending.items[0]?.lastError, row.last_error);

    assert.equal((await dispatchOutbox(t.ctx)).claimed, 0, 'not before its time');
    clock.advance(retryDelayMs(1));
    assert.deepEqual(await dispatchOutbox(t.ctx), { claimed: 1, sent: 1, retrying: 0, gaveUp: 0 });

    assert.equal(hook.received.length, 2);
    const [firstTry, secondTry] = hook.received as [Received, Received];
    assert.equal(firstTry.headers['webhook-id'], row.id);
    assert.equal(secondTry.headers['webhook-id'], row.id, 'the same webhook-id on the retry');
    assert.equal(firstTry.body, secondTry.body, 'the same event');
    verified(subscription.secret, firstTry);
    verified(subscription.secret, secondTry);
    [row] = await rows();
    assert.equal(row?.sent_at, clock.now().toISOString());
    assert.equal(row.last_error, null);
  });

  it('treats a redirect as a failure and does not follow it', async () => {
    const hook = await receiver([302]);
    await subscribe(hook.url);
    await emit('incident.updated');
    assert.equal((await dispatchOutbox(t.ctx)).retrying, 1);
    assert.equal(hook.received.length, 1);
    const [row] = await rows();
    assert.match(
      row?.last_error ?? '',
      /^HTTP 302 \(a redirect to http:\/\/127\.0\.0\.1:9\/x, not followed\)/,
    );
  });

  it('counts a receiver that cannot be reached as a failed attempt, naming the network error', async () => {
    const gone = await startReceiver();
    await gone.close(); // nothing listens on its port any more
    await subscribe(gone.url);
    await emit('incident.updated');
    assert.deepEqual(await dispatchOutbox(t.ctx), { claimed: 1, sent: 0, retrying: 1, gaveUp: 0 });
    const [row] = await rows();
    assert.equal(row?.attempts, 1);
    assert.match(row.last_error ?? '', /ECONNREFUSED/);
  });

  it('gives up on a receiver that never accepts, shows it as failed, and retries it on request', async () => {
    const hook = await receiver([], 503);
    const subscription = await subscribe(hook.url);
    await emit('response_action.ordered', { actionId: 'a-1' });

    for (let attempt = 1; attempt <= MAX_SEND_ATTEMPTS; attempt++) {
      const result = await dispatchOutbox(t.ctx);
      assert.equal(result.claimed, 1, `attempt ${attempt}`);
      if (attempt < MAX_SEND_ATTEMPTS) clock.advance(retryDelayMs(attempt));
      else assert.equal(result.gaveUp, 1);
    }
    clock.advance(7 * 86_400_000);
    assert.equal((await dispatchOutbox(t.ctx)).claimed, 0, 'never tried again by itself');
    assert.equal(hook.received.length, MAX_SEND_ATTEMPTS);
    admin = await signInAs(t.app, adminEmail); // the week has ended the session

    const failed = await deliveries('?state=failed');
    assert.equal(failed.total, 1);
    const [delivery] = failed.items;
    assert.equal(delivery?.kind, 'webhook');
    assert.equal(delivery.target, hook.url);
    assert.equal(delivery.subscriptionId, subscription.id);
    assert.equal(delivery.eventType, 'response_action.ordered');
    assert.equal(delivery.attempts, MAX_SEND_ATTEMPTS);
    assert.equal(delivery.gaveUp, true);
    assert.equal(delivery.gaveUpAt, new Date(clock.now().getTime() - 7 * 86_400_000).toISOString());
    assert.match(delivery.lastError ?? '', /^HTTP 503/);
    assert.equal((await deliveries('?state=pending')).total, 0);
    assert.equal((await deliveries(`?subscriptionId=${subscription.id}`)).total, 1);

    const csv = await admin.get('/api/v1/deliveries.csv?state=failed');
    assert.equal(csv.statusCode, 200);
    assert.equal(csv.headers['content-type'], 'text/csv; charset=utf-8');
    assert.match(String(csv.headers['content-disposition']), /^attachment; filename=".+\.csv"$/);
    const lines = csv.body.trimEnd().split('\r\n');
    assert.equal(lines.length, 2);
    assert.match(lines[1] ?? '', new RegExp(`^${delivery.id},webhook,failed,`));

    const retried = await admin.send('POST', `/api/v1/deliveries/${delivery.id}/retry`);
    assert.equal(retried.statusCode, 200, retried.body);
    assert.equal(retried.json<Delivery>().state, 'pending');
    assert.equal(retried.json<Delivery>().attempts, 0);
    assert.equal(retried.json<Delivery>().gaveUpAt, null);
    assert.ok(
      await t.ctx.db
        .selectFrom('audit_events')
        .select('id')
        .where('action', '=', 'delivery.retry')
        .where('target_id', '=', delivery.id)
        .executeTakeFirst(),
      'the retry is audited',
    );
    assert.equal((await dispatchOutbox(t.ctx)).claimed, 1, 'due again at once');
    assert.equal(hook.received.length, MAX_SEND_ATTEMPTS + 1);

    const sentAlready = await receiver();
    await t.ctx.db
      .updateTable('webhook_subscriptions')
      .set({ url: sentAlready.url })
      .where('id', '=', subscription.id)
      .execute();
    clock.advance(retryDelayMs(1));
    assert.equal((await dispatchOutbox(t.ctx)).sent, 1);
    const again = await admin.send('POST', `/api/v1/deliveries/${delivery.id}/retry`);
    assert.equal(again.statusCode, 409);
    assert.equal(again.json<Problem>().code, 'already_sent');
    const missing = await admin.send('POST', '/api/v1/deliveries/no-such-row/retry');
    assert.equal(missing.statusCode, 404);
  });

  it('gives up at once on a delivery whose subscription was deactivated or deleted before it went', async () => {
    const hook = await receiver();
    const kept = await subscribe(hook.url, [], 'Deactivated');
    const gone = await subscribe(hook.url, [], 'Deleted');
    await emit('report_request.opened', { requestId: 'r-1' });
    assert.equal((await rows()).length, 2);

    const off = await admin.send('PATCH', `/api/v1/webhooks/${kept.id}`, { active: false });
    assert.equal(off.statusCode, 200, off.body);
    assert.equal(off.json<Subscription>().active, false);
    await t.ctx.db.deleteFrom('webhook_subscriptions').where('id', '=', gone.id).execute();

    assert.deepEqual(await dispatchOutbox(t.ctx), { claimed: 2, sent: 0, retrying: 0, gaveUp: 2 });
    assert.equal(hook.received.length, 0);
    const failed = await deliveries('?state=failed');
    assert.deepEqual(failed.items.map((item) => item.lastError).sort(), [
      'Not sent: the subscription was deactivated before delivery.',
      'Not sent: the subscription was deleted before delivery.',
    ]);
    const deleted = failed.items.find((item) => item.subscriptionId === gone.id);
    assert.equal(deleted?.target, '(a deleted subscription)');
    // Given up after the one attempt made, when it was made.
    for (const item of failed.items) {
      assert.equal(item.attempts, 1);
      assert.equal(item.gaveUpAt, clock.now().toISOString());
    }

    const refused = await admin.send('POST', `/api/v1/deliveries/${failed.items[0]?.id}/retry`);
    assert.equal(refused.statusCode, 409);
    assert.equal(refused.json<Problem>().code, 'subscription_inactive');

    await emit('report_request.opened', { requestId: 'r-2' });
    assert.equal((await rows()).length, 2, 'an inactive subscription gets no new events');
  });

  it('deletes a subscription without deliveries, and deactivates one with deliveries instead', async () => {
    const hook = await receiver();
    const unused = await subscribe(hook.url, ['breach.updated'], 'Never used');
    const used = await subscribe(hook.url, ['incident.status_changed'], 'Used');
    await emit('incident.status_changed', { incidentId: 'i-9', to: 'triaged' });

    const deleted = await admin.send('DELETE', `/api/v1/webhooks/${unused.id}`);
    assert.equal(deleted.statusCode, 200, deleted.body);
    assert.equal(deleted.json<{ outcome: string }>().outcome, 'deleted');
    assert.equal((await admin.get(`/api/v1/webhooks/${unused.id}`)).statusCode, 404);

    const deactivated = await admin.send('DELETE', `/api/v1/webhooks/${used.id}`);
    assert.equal(deactivated.statusCode, 200, deactivated.body);
    const answer = deactivated.json<{
      outcome: string;
      message: string;
      subscription: Subscription;
    }>();
    assert.equal(answer.outcome, 'deactivated');
    assert.match(answer.message, /deactivated/);
    assert.equal(answer.subscription.active, false);
    const shown = await admin.get(`/api/v1/webhooks/${used.id}`);
    assert.equal(shown.json<Subscription>().active, false);

    const actions = (
      await t.ctx.db
        .selectFrom('audit_events')
        .select(['action', 'target_id'])
        .where('target_id', 'in', [unused.id, used.id])
        .execute()
    ).map((event) => `${event.action} ${event.target_id === used.id ? 'used' : 'unused'}`);
    assert.ok(actions.includes('webhook.delete unused'));
    assert.ok(actions.includes('webhook.deactivate used'));
  });

  it('signs with the new secret after a rotation, which is shown once', async () => {
    const hook = await receiver();
    const subscription = await subscribe(hook.url);
    const rotated = await admin.send('POST', `/api/v1/webhooks/${subscription.id}/rotate-secret`);
    assert.equal(rotated.statusCode, 200, rotated.body);
    const { secret } = rotated.json<{ secret: string }>();
    assert.match(secret, /^whsec_/);
    assert.notEqual(secret, subscription.secret);

    await emit('incident.final_report');
    assert.equal((await dispatchOutbox(t.ctx)).sent, 1);
    const [request] = hook.received;
    assert.ok(request);
    assert.equal(verified(secret, request).type, 'incident.final_report');
    assert.throws(() => verified(subscription.secret, request), /signature/i);
    const audit = await t.ctx.db
      .selectFrom('audit_events')
      .select('summary')
      .where('action', '=', 'webhook.rotate_secret')
      .execute();
    assert.equal(audit.length, 1);
    assert.ok(!JSON.stringify(audit).includes(secret.slice(6)));
  });

  it('sends webhooks while e-mail is off, and leaves the e-mail waiting', async () => {
    assert.equal(t.ctx.mailer.enabled, false, 'this suite runs without SMTP_URL');
    const hook = await receiver();
    await subscribe(hook.url);
    await t.ctx.db.transaction().execute(async (trx) => {
      await emitEvent(trx, clock, { type: 'breach.opened', data: { breachId: 'b-2' } });
      await trx
        .insertInto('outbox')
        .values({
          id: 'mail-1',
          kind: 'email',
          dedupe_key: null,
          payload: JSON.stringify({ to: 'dg@office.example', subject: 'Waiting', text: 'Hi' }),
          created_at: clock.now().toISOString(),
          available_at: clock.now().toISOString(),
          attempts: 0,
          claimed_until: null,
          sent_at: null,
          last_error: null,
        })
        .execute();
    });
    assert.deepEqual(await dispatchOutbox(t.ctx), { claimed: 1, sent: 1, retrying: 0, gaveUp: 0 });
    assert.equal(hook.received.length, 1);
    const pending = await deliveries('?state=pending');
    assert.deepEqual(
      pending.items.map((item) => [item.kind, item.target]),
      [['email', 'dg@office.example']],
    );
  });
});
