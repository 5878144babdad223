import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { ManualClock } from '../../src/clock.js';
import { sendTermEndNotices } from '../../src/jobs/notices.js';
import { dispatchOutbox } from '../../src/jobs/outbox.js';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { describeEachDatabase } from '../helpers/databases.js';
import { appoint, buildUser, setUpOffice, signInAs } from '../helpers/factories.js';
import { startTestSmtpServer, type TestSmtpServer } from '../helpers/smtp.js';

interface Problem {
  code: string;
  detail: string;
}

describeEachDatabase('registration requests', (database) => {
  let t: TestApp;
  let smtp: TestSmtpServer;
  before(async () => {
    smtp = await startTestSmtpServer();
    t = await createTestApp(database, { env: { SMTP_URL: smtp.url } });
    await setUpOffice(t.ctx);
  });
  after(async () => {
    await t.close();
    await smtp.close();
  });

  const request = (body: Record<string, unknown>) =>
    t.app.inject({ method: 'POST', url: '/api/v1/registrations', payload: body });

  it('takes a request without sign-in, keeps it pending, and lets the DG approve it, inviting the contact', async () => {
    const asked = await request({
      kind: 'csp',
      name: 'Nimbus Cloud',
      contactName: 'Omar Farooq',
      contactEmail: 'omar@nimbus.example',
      message: 'Tier III DC in Karachi',
    });
    assert.equal(asked.statusCode, 202, asked.body);
    const { reference } = asked.json<{ reference: string }>();
    await dispatchOutbox(t.ctx);
    assert.match(
      (await smtp.waitForMessage((m) => m.to.includes('omar@nimbus.example'))).text ?? '',
      new RegExp(reference),
    );

    const again = await request({
      kind: 'csp',
      name: 'nimbus  cloud',
      contactName: 'Someone Else',
      contactEmail: 'x@nimbus.example',
    });
    assert.equal(again.statusCode, 409);
    assert.match(again.json<Problem>().detail, /already waiting for a decision/);

    const dg = await signInAs(t.app, 'dg@office.example');
    const pending = (await dg.get('/api/v1/organizations?status=pending')).json<{
      items: { id: string; contactName: string; registrationNote: string }[];
    }>();
    assert.deepEqual(
      pending.items.map((o) => [o.id, o.contactName, o.registrationNote]),
      [[reference, 'Omar Farooq', 'Tier III DC in Karachi']],
    );

    const approved = await dg.send('POST', `/api/v1/organizations/${reference}/decision`, {
      decision: 'approve',
      note: 'Documents in order',
    });
    assert.equal(approved.statusCode, 200, approved.body);
    assert.deepEqual(
      [
        approved.json<{ organization: { status: string }; invitedContact: boolean }>().organization
          .status,
        approved.json<{ invitedContact: boolean }>().invitedContact,
      ],
      ['active', true],
    );
    await dispatchOutbox(t.ctx);
    const invitation = await smtp.waitForMessage(
      (m) => m.to.includes('omar@nimbus.example') && m.subject.includes('invited'),
    );
    assert.match(invitation.text ?? '', /csp admin of Nimbus Cloud/);

    const twice = await dg.send('POST', `/api/v1/organizations/${reference}/decision`, {
      decision: 'decline',
    });
    assert.equal(twice.json<Problem>().code, 'not_pending');
  });

  it('declines with a reason sent to the contact, after which the name may be asked for again', async () => {
    const asked = (
      await request({
        kind: 'pse',
        name: 'Ministry of Examples',
        pseTier: 'ministry',
        contactName: 'Hina',
        contactEmail: 'hina@gov.example',
      })
    ).json<{ reference: string }>();
    const dg = await signInAs(t.app, 'dg@office.example');
    const declined = await dg.send('POST', `/api/v1/organizations/${asked.reference}/decision`, {
      decision: 'decline',
      note: 'Not a federal body',
    });
    assert.equal(
      declined.json<{ organization: { status: string } }>().organization.status,
      'declined',
    );
    await dispatchOutbox(t.ctx);
    assert.match(
      (await smtp.waitForMessage((m) => m.subject.includes('was declined'))).text ?? '',
      /Reason: Not a federal body/,
    );
    const again = await request({
      kind: 'pse',
      name: 'Ministry of Examples',
      pseTier: 'ministry',
      contactName: 'Hina',
      contactEmail: 'hina@gov.example',
    });
    assert.equal(again.statusCode, 202, again.body);
  });

  it('refuses a parent or tier for a CSP', async () => {
    const wrong = await request({
      kind: 'csp',
      name: 'Tiered Cloud',
      pseTier: 'ministry',
      contactName: 'A B',
      contactEmail: 'a@b.example',
    });
    assert.equal(wrong.json<Problem>().code, 'parent_not_allowed');
  });
});

describeEachDatabase('the office phase and warnings before terms end', (database) => {
  let t: TestApp;
  let smtp: TestSmtpServer;
  const clock = new ManualClock('2026-01-15T09:00:00Z');
  let officeId = '';
  before(async () => {
    smtp = await startTestSmtpServer();
    t = await createTestApp(database, { env: { SMTP_URL: smtp.url }, overrides: { clock } });
    officeId = (await setUpOffice(t.ctx)).organizationId;
  });
  after(async () => {
    await t.close();
    await smtp.close();
  });

  it('starts interim for six months, warns at 30 days once however often the job runs, and becomes permanent', async () => {
    const dg = await signInAs(t.app, 'dg@office.example');
    const office = (await dg.get('/api/v1/office')).json<{
      phase: { phase: string; interimEndsOn: string };
      warnings: unknown[];
    }>();
    assert.deepEqual(office.phase, { phase: 'interim', interimEndsOn: '2026-07-15' });
    assert.deepEqual(office.warnings, []);

    const officer = await buildUser(t.ctx, officeId, 'officer');
    await appoint(t.ctx, officer.id, 'director_audits', '2026-01-01', '2026-07-01');
    clock.set('2026-06-16T09:00:00Z');
    const warned = (await (await signInAs(t.app, 'dg@office.example')).get('/api/v1/office')).json<{
      warnings: { kind: string; daysLeft: number }[];
    }>();
    assert.deepEqual(
      warned.warnings.map((w) => [w.kind, w.daysLeft]),
      [
        ['appointment', 15],
        ['interim_term', 29],
      ],
    );

    assert.equal(await sendTermEndNotices(t.ctx), 2);
    assert.equal(await sendTermEndNotices(t.ctx), 0, 'a second run sends nothing');
    await dispatchOutbox(t.ctx);
    const toHolder = await smtp.waitForMessage(
      (m) => m.to.includes(officer.email) && (m.text ?? '').includes('Director Audits'),
    );
    assert.match(
      toHolder.text ?? '',
      /appointment as Director Audits ends on 2026-07-01 \(in 15 days\)/,
    );
    const toAll = smtp.messages.filter((m) => m.text?.includes('interim term'));
    assert.deepEqual(toAll.map((m) => m.to).sort(), ['dg@office.example', officer.email].sort());

    clock.set('2026-06-25T09:00:00Z');
    assert.equal(
      await sendTermEndNotices(t.ctx),
      1,
      'the 7-day mark for the appointment is a new notice',
    );

    const dgNow = await signInAs(t.app, 'dg@office.example');
    const past = await dgNow.send('PUT', '/api/v1/office/phase', {
      phase: 'interim',
      interimEndsOn: '2026-01-01',
    });
    assert.equal(past.json<Problem>().code, 'invalid_date');
    const permanent = await dgNow.send('PUT', '/api/v1/office/phase', {
      phase: 'permanent',
      interimEndsOn: null,
    });
    assert.equal(permanent.statusCode, 200, permanent.body);
    const later = (await dgNow.get('/api/v1/office')).json<{ warnings: { kind: string }[] }>();
    assert.ok(!later.warnings.some((w) => w.kind === 'interim_term'));

    const director = await signInAs(t.app, officer.email);
    assert.equal(
      (
        await director.send('PUT', '/api/v1/office/phase', {
          phase: 'permanent',
          interimEndsOn: null,
        })
      ).statusCode,
      403,
    );
  });
});
