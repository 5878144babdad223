import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { ManualClock } from '../../src/clock.js';
import { dispatchOutbox } from '../../src/jobs/outbox.js';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { describeEachDatabase } from '../helpers/databases.js';
import {
  buildOrganization,
  buildUser,
  setUpOffice,
  signInAs,
  type Client,
} from '../helpers/factories.js';
import { startTestSmtpServer, type TestSmtpServer } from '../helpers/smtp.js';

interface Problem {
  code: string;
  detail: string;
}

/** The token in a link of an e-mail body: https://…/page#token=XYZ */
function linkToken(text: string | undefined, page: string): string {
  const match = new RegExp(`/${page}#token=([A-Za-z0-9_-]+)`).exec(text ?? '');
  assert.ok(match?.[1], `no ${page} link in: ${text ?? ''}`);
  return match[1];
}

describeEachDatabase('invitations and password resets by e-mail', (database) => {
  let t: TestApp;
  let smtp: TestSmtpServer;
  let dg: Client;
  let csp = '';
  const clock = new ManualClock('2026-04-01T10:00:00Z');
  before(async () => {
    smtp = await startTestSmtpServer();
    t = await createTestApp(database, {
      env: { SMTP_URL: smtp.url, PUBLIC_URL: 'https://cloud.example.gov' },
      overrides: { clock },
    });
    await setUpOffice(t.ctx);
    dg = await signInAs(t.app, 'dg@office.example');
    csp = await buildOrganization(t.ctx, 'csp', { name: 'Example Cloud' });
  });
  after(async () => {
    await t.close();
    await smtp.close();
  });

  it('invites by e-mail through a real SMTP server; the link works once and signs the person in', async () => {
    const invited = await dg.send('POST', '/api/v1/invitations', {
      organizationId: csp,
      email: 'Sana@Example.org',
      displayName: 'Sana Malik',
      role: 'csp_admin',
    });
    assert.equal(invited.statusCode, 201, invited.body);
    assert.equal(invited.json<{ emailDelivery: string }>().emailDelivery, 'queued');
    assert.equal(smtp.messages.length, 0, 'nothing leaves before the outbox is dispatched');
    await dispatchOutbox(t.ctx);
    const mail = await smtp.waitForMessage((m) => m.to.includes('sana@example.org'));
    assert.match(mail.subject, /invited to Cloud Office \(Example Cloud\)/);
    assert.match(mail.text ?? '', /https:\/\/cloud\.example\.gov\/invitation#token=/);
    const token = linkToken(mail.text, 'invitation');

    const weak = await t.app.inject({
      method: 'POST',
      url: '/api/v1/invitations/accept',
      payload: { token, password: 'short' },
    });
    assert.equal(weak.json<Problem>().code, 'password_too_weak');
    const accepted = await t.app.inject({
      method: 'POST',
      url: '/api/v1/invitations/accept',
      payload: { token, password: 'a long enough passphrase' },
    });
    assert.equal(accepted.statusCode, 200, accepted.body);
    await signInAs(t.app, 'sana@example.org', 'a long enough passphrase');
    const reused = await t.app.inject({
      method: 'POST',
      url: '/api/v1/invitations/accept',
      payload: { token, password: 'another long passphrase' },
    });
    assert.equal(reused.statusCode, 410);
    assert.equal(reused.json<Problem>().code, 'invitation_used');
  });

  it('re-sends an invitation not yet accepted with a fresh link, voiding the old one', async () => {
    const body = {
      organizationId: csp,
      email: 'again@example.org',
      displayName: 'Twice Invited',
      role: 'csp_staff',
    };
    assert.equal((await dg.send('POST', '/api/v1/invitations', body)).statusCode, 201);
    await dispatchOutbox(t.ctx);
    const first = linkToken(
      (await smtp.waitForMessage((m) => m.to.includes('again@example.org'))).text,
      'invitation',
    );
    smtp.reset();
    const again = await dg.send('POST', '/api/v1/invitations', body);
    assert.equal(again.statusCode, 201, again.body);
    await dispatchOutbox(t.ctx);
    const second = linkToken(
      (await smtp.waitForMessage((m) => m.to.includes('again@example.org'))).text,
      'invitation',
    );
    assert.notEqual(first, second);
    const old = await t.app.inject({
      method: 'POST',
      url: '/api/v1/invitations/accept',
      payload: { token: first, password: 'a long enough passphrase' },
    });
    assert.equal(old.json<Problem>().code, 'invitation_used');
    const fresh = await t.app.inject({
      method: 'POST',
      url: '/api/v1/invitations/accept',
      payload: { token: second, password: 'a long enough passphrase' },
    });
    assert.equal(fresh.statusCode, 200, fresh.body);
    const taken = await dg.send('POST', '/api/v1/invitations', body);
    assert.equal(taken.json<Problem>().code, 'email_taken', 'once accepted, the address is taken');
  });

  it('says clearly that an invitation has expired', async () => {
    await dg.send('POST', '/api/v1/invitations', {
      organizationId: csp,
      email: 'late@example.org',
      displayName: 'Late Comer',
      role: 'csp_staff',
    });
    await dispatchOutbox(t.ctx);
    const token = linkToken(
      (await smtp.waitForMessage((m) => m.to.includes('late@example.org'))).text,
      'invitation',
    );
    clock.advance(8 * 24 * 60 * 60 * 1000);
    const expired = await t.app.inject({
      method: 'POST',
      url: '/api/v1/invitations/accept',
      payload: { token, password: 'a long enough passphrase' },
    });
    assert.equal(expired.statusCode, 410);
    assert.equal(expired.json<Problem>().code, 'invitation_expired');
    assert.match(expired.json<Problem>().detail, /ask your administrator to invite you again/);
  });

  it('refuses a role that does not belong to the kind of organization, and a CSP admin inviting elsewhere', async () => {
    dg = await signInAs(t.app, 'dg@office.example'); // the clock moved past the last session's end
    const wrongRole = await dg.send('POST', '/api/v1/invitations', {
      organizationId: csp,
      email: 'x@example.org',
      displayName: 'X Y',
      role: 'auditor',
    });
    assert.equal(wrongRole.json<Problem>().code, 'role_not_allowed');
    const admin = await buildUser(t.ctx, csp, 'csp_admin');
    const client = await signInAs(t.app, admin.email);
    const other = await buildOrganization(t.ctx, 'pse');
    const elsewhere = await client.send('POST', '/api/v1/invitations', {
      organizationId: other,
      email: 'y@example.org',
      displayName: 'Y Z',
      role: 'pse_staff',
    });
    assert.equal(elsewhere.statusCode, 403);
    const own = await client.send('POST', '/api/v1/invitations', {
      organizationId: csp,
      email: 'z@example.org',
      displayName: 'Z A',
      role: 'csp_staff',
    });
    assert.equal(own.statusCode, 201, own.body);
  });

  it('resets a password by e-mail, answering unknown addresses alike, and ends old sessions', async () => {
    const user = await buildUser(t.ctx, csp, 'csp_security_officer');
    const oldSession = await signInAs(t.app, user.email);
    smtp.reset();
    const known = await t.app.inject({
      method: 'POST',
      url: '/api/v1/password-resets',
      payload: { email: user.email },
    });
    const unknown = await t.app.inject({
      method: 'POST',
      url: '/api/v1/password-resets',
      payload: { email: 'nobody@example.org' },
    });
    assert.equal(known.statusCode, 202);
    assert.equal(unknown.statusCode, 202);
    assert.deepEqual(known.json(), unknown.json());
    await dispatchOutbox(t.ctx);
    const resets = smtp.messages.filter((m) =>
      m.subject.startsWith('Reset your Cloud Office password'),
    );
    assert.deepEqual(
      resets.map((m) => m.to),
      [user.email],
      'only the known address gets mail',
    );
    const token = linkToken(resets[0]?.text, 'reset-password');
    const done = await t.app.inject({
      method: 'POST',
      url: '/api/v1/password-resets/complete',
      payload: { token, password: 'a brand new passphrase' },
    });
    assert.equal(done.statusCode, 204, done.body);
    assert.equal((await oldSession.get('/api/v1/users')).statusCode, 401, 'old sessions end');
    await signInAs(t.app, user.email, 'a brand new passphrase');
  });
});

describeEachDatabase('the audit trail over the API', (database) => {
  let t: TestApp;
  before(async () => {
    t = await createTestApp(database);
    await setUpOffice(t.ctx);
  });
  after(() => t.close());

  it('lets the DG browse, filter, export and verify it, and refuses a CSP user', async () => {
    const dg = await signInAs(t.app, 'dg@office.example');
    await dg.send('POST', '/api/v1/organizations', { kind: 'csp', name: 'Trail Cloud' });
    const page = (await dg.get('/api/v1/audit-events?action=organization&limit=10')).json<{
      events: { action: string; actor: { position: string } }[];
    }>();
    assert.deepEqual(
      page.events.map((e) => e.action),
      ['organization.create'],
    );
    assert.equal(page.events[0]?.actor.position, 'DG Cloud');

    const csv = await dg.get('/api/v1/audit-events.csv');
    assert.equal(csv.statusCode, 200);
    assert.match(String(csv.headers['content-type']), /^text\/csv/);
    assert.match(
      String(csv.headers['content-disposition']),
      /attachment; filename="cloud-office-audit-\d{4}-\d{2}-\d{2}\.csv"/,
    );
    assert.match(csv.body, /organization\.create/);

    const verdict = (await dg.get('/api/v1/audit-events/verification')).json<{
      intact: boolean;
      events: number;
    }>();
    assert.equal(verdict.intact, true);
    assert.ok(verdict.events >= 5);

    await t.ctx.db
      .updateTable('audit_events')
      .set({ summary: '{"after":{"name":"Forged"}}' })
      .where('action', '=', 'organization.create')
      .execute();
    const broken = (await dg.get('/api/v1/audit-events/verification')).json<{
      intact: boolean;
      problem: { kind: string };
    }>();
    assert.equal(broken.intact, false);
    assert.equal(broken.problem.kind, 'edited');

    const csp = await buildOrganization(t.ctx, 'csp');
    const outsider = await signInAs(t.app, (await buildUser(t.ctx, csp, 'csp_admin')).email);
    assert.equal((await outsider.get('/api/v1/audit-events')).statusCode, 403);
  });
});
