import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { ManualClock } from '../../src/clock.js';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { describeEachDatabase } from '../helpers/databases.js';
import {
  buildOrganization,
  buildUser,
  setUpOffice,
  signInAs,
  type Client,
} from '../helpers/factories.js';

interface Problem {
  code: string;
  detail: string;
}

describeEachDatabase('appointments to posts', (database) => {
  let t: TestApp;
  let dg: Client;
  let officeId = '';
  const clock = new ManualClock('2026-06-01T08:00:00Z');
  before(async () => {
    t = await createTestApp(database, { overrides: { clock } });
    officeId = (await setUpOffice(t.ctx)).organizationId;
    dg = await signInAs(t.app, 'dg@office.example');
  });
  after(() => t.close());

  it('appoints, refuses a second holder of the same post, and allows an additional charge', async () => {
    const first = await buildUser(t.ctx, officeId, 'officer');
    const second = await buildUser(t.ctx, officeId, 'officer');
    const created = await dg.send('POST', '/api/v1/appointments', {
      userId: first.id,
      positionCode: 'director_audits',
      startsOn: '2026-06-01',
    });
    assert.equal(created.statusCode, 201, created.body);
    const clash = await dg.send('POST', '/api/v1/appointments', {
      userId: second.id,
      positionCode: 'director_audits',
      startsOn: '2026-07-01',
    });
    assert.equal(clash.statusCode, 409);
    assert.match(
      clash.json<Problem>().detail,
      new RegExp(`Director Audits is held by ${first.email} from 2026-06-01 with no end date`),
    );
    const charge = await dg.send('POST', '/api/v1/appointments', {
      userId: second.id,
      positionCode: 'director_audits',
      startsOn: '2026-07-01',
      endsOn: '2026-07-31',
      additionalCharge: true,
    });
    assert.equal(charge.statusCode, 201, charge.body);

    const handedOver = await dg.send(
      'PATCH',
      `/api/v1/appointments/${created.json<{ id: string }>().id}`,
      { endsOn: '2026-08-31' },
    );
    assert.equal(handedOver.json<{ endsOn: string }>().endsOn, '2026-08-31');
    const successor = await dg.send('POST', '/api/v1/appointments', {
      userId: second.id,
      positionCode: 'director_audits',
      startsOn: '2026-09-01',
    });
    assert.equal(successor.statusCode, 201, successor.body);

    const inJuly = (
      await dg.get('/api/v1/appointments?positionCode=director_audits&activeOn=2026-07-15')
    ).json<{ userEmail: string }[]>();
    assert.deepEqual(inJuly.map((a) => a.userEmail).sort(), [first.email, second.email].sort());
    const inSeptember = (
      await dg.get('/api/v1/appointments?positionCode=director_audits&activeOn=2026-09-15')
    ).json<{ userEmail: string }[]>();
    assert.deepEqual(
      inSeptember.map((a) => a.userEmail),
      [second.email],
    );
  });

  it('refuses impossible periods, unknown posts and people outside the office', async () => {
    const officer = await buildUser(t.ctx, officeId, 'officer');
    const backwards = await dg.send('POST', '/api/v1/appointments', {
      userId: officer.id,
      positionCode: 'director_audits',
      startsOn: '2026-06-10',
      endsOn: '2026-06-01',
      additionalCharge: true,
    });
    assert.equal(backwards.json<Problem>().code, 'invalid_period');
    const unknown = await dg.send('POST', '/api/v1/appointments', {
      userId: officer.id,
      positionCode: 'chief_wizard',
      startsOn: '2026-06-10',
    });
    assert.equal(unknown.json<Problem>().code, 'position_not_found');
    assert.match(unknown.json<Problem>().detail, /dg_cloud/);
    const csp = await buildOrganization(t.ctx, 'csp');
    const outsider = await buildUser(t.ctx, csp, 'csp_admin');
    const refused = await dg.send('POST', '/api/v1/appointments', {
      userId: outsider.id,
      positionCode: 'director_audits',
      startsOn: '2026-06-10',
      additionalCharge: true,
    });
    assert.equal(refused.json<Problem>().code, 'not_an_officer');
  });
});

describeEachDatabase('user accounts', (database) => {
  let t: TestApp;
  before(async () => {
    t = await createTestApp(database);
    await setUpOffice(t.ctx);
  });
  after(() => t.close());

  it("lets a CSP admin disable their own staff, ending their sessions, but not another organization's", async () => {
    const csp = await buildOrganization(t.ctx, 'csp');
    const admin = await signInAs(t.app, (await buildUser(t.ctx, csp, 'csp_admin')).email);
    const staff = await buildUser(t.ctx, csp, 'csp_staff');
    const staffClient = await signInAs(t.app, staff.email);
    const listed = (await admin.get('/api/v1/users')).json<{ items: { id: string }[] }>();
    assert.equal(listed.items.length, 2, 'a CSP admin sees their own organization only');

    const disabled = await admin.send('POST', `/api/v1/users/${staff.id}/disable`);
    assert.equal(disabled.json<{ status: string }>().status, 'disabled');
    assert.equal(
      (await staffClient.get('/api/v1/users')).statusCode,
      401,
      'the disabled user is signed out',
    );
    const enabled = await admin.send('POST', `/api/v1/users/${staff.id}/enable`);
    assert.equal(enabled.json<{ status: string }>().status, 'active');

    const otherOrg = await buildOrganization(t.ctx, 'csp');
    const stranger = await buildUser(t.ctx, otherOrg, 'csp_staff');
    assert.equal(
      (await admin.send('POST', `/api/v1/users/${stranger.id}/disable`)).statusCode,
      404,
    );
  });

  it('refuses staff who are not admins, and audits the refusal', async () => {
    const pse = await buildOrganization(t.ctx, 'pse');
    const owner = await buildUser(t.ctx, pse, 'pse_data_owner');
    const colleague = await buildUser(t.ctx, pse, 'pse_staff');
    const client = await signInAs(t.app, owner.email);
    const refused = await client.send('POST', `/api/v1/users/${colleague.id}/disable`);
    assert.equal(refused.statusCode, 403);
    const event = await t.ctx.db
      .selectFrom('audit_events')
      .select(['outcome', 'action'])
      .where('actor_user_id', '=', owner.id)
      .where('outcome', '=', 'denied')
      .executeTakeFirst();
    assert.deepEqual(event, { outcome: 'denied', action: 'access.denied' });
  });

  it('does not let an administrator disable themselves', async () => {
    const csp = await buildOrganization(t.ctx, 'csp');
    const admin = await buildUser(t.ctx, csp, 'csp_admin');
    const client = await signInAs(t.app, admin.email);
    const response = await client.send('POST', `/api/v1/users/${admin.id}/disable`);
    assert.equal(response.json<Problem>().code, 'cannot_disable_self');
  });
});
