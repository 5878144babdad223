import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { ManualClock } from '../../src/clock.js';
import { issueSetupLink } from '../../src/features/office/setup.js';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { describeEachDatabase } from '../helpers/databases.js';
import {
  appoint,
  buildOrganization,
  buildUser,
  PASSWORD,
  setUpOffice,
  signInAs,
} from '../helpers/factories.js';

interface Problem {
  status: number;
  code: string;
  detail: string;
}

describeEachDatabase('first-run setup', (database) => {
  let t: TestApp;
  before(async () => {
    t = await createTestApp(database);
  });
  after(() => t.close());

  it('lets nobody in on an empty database, then creates the office and its DG Cloud through the link once', async () => {
    assert.deepEqual((await t.app.inject({ method: 'GET', url: '/api/v1/setup' })).json(), {
      needed: true,
    });
    const refused = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/sign-in',
      payload: { email: 'dg@office.example', password: PASSWORD },
    });
    assert.equal(refused.statusCode, 401);

    const link = await issueSetupLink(t.ctx);
    assert.ok(link);
    assert.match(link, /\/setup#token=[A-Za-z0-9_-]{43}$/);
    const token = link.split('#token=')[1] ?? '';
    const body = {
      token,
      officeName: 'Cloud Office',
      displayName: 'Ayesha Khan',
      email: 'DG@Office.example',
      password: PASSWORD,
    };

    const wrong = await t.app.inject({
      method: 'POST',
      url: '/api/v1/setup',
      payload: { ...body, token: 'x'.repeat(43) },
    });
    assert.equal(wrong.json<Problem>().code, 'setup_link_invalid');
    const weak = await t.app.inject({
      method: 'POST',
      url: '/api/v1/setup',
      payload: { ...body, password: 'short' },
    });
    assert.equal(weak.json<Problem>().code, 'password_too_weak');

    const done = await t.app.inject({ method: 'POST', url: '/api/v1/setup', payload: body });
    assert.equal(done.statusCode, 201, done.body);
    const again = await t.app.inject({ method: 'POST', url: '/api/v1/setup', payload: body });
    assert.equal(again.statusCode, 410);
    assert.equal(again.json<Problem>().code, 'setup_link_used');
    assert.equal(await issueSetupLink(t.ctx), null, 'no new link once someone can sign in');

    const dg = await signInAs(t.app, 'dg@office.example');
    const session = (await dg.get('/api/v1/auth/session')).json<{
      me: {
        role: string;
        positions: { code: string }[];
        powers: string[];
        organization: { kind: string };
      };
    }>();
    assert.equal(session.me.role, 'officer');
    assert.equal(session.me.organization.kind, 'cloud_office');
    assert.deepEqual(
      session.me.positions.map((p) => p.code),
      ['dg_cloud'],
    );
    assert.ok(session.me.powers.includes('decide_accreditation'));
  });
});

describeEachDatabase('sign-in and sessions', (database) => {
  let t: TestApp;
  const clock = new ManualClock('2026-03-02T09:00:00Z');
  before(async () => {
    t = await createTestApp(database, { overrides: { clock } });
    await setUpOffice(t.ctx);
  });
  after(() => t.close());

  it('answers a wrong password and an unknown e-mail alike', async () => {
    const attempt = (email: string) =>
      t.app.inject({
        method: 'POST',
        url: '/api/v1/auth/sign-in',
        payload: { email, password: 'not the password' },
      });
    const [wrong, unknown] = [
      await attempt('dg@office.example'),
      await attempt('nobody@office.example'),
    ];
    assert.equal(wrong.statusCode, 401);
    assert.equal(unknown.statusCode, 401);
    const strip = (body: string) => ({ ...JSON.parse(body), requestId: undefined }) as unknown;
    assert.deepEqual(strip(wrong.body), strip(unknown.body));
    assert.equal(wrong.cookies.length, 0);
  });

  it('locks the account after five failures in a row, then lets it in once the lock runs out', async () => {
    const office = await t.ctx.db
      .selectFrom('organizations')
      .select('id')
      .where('kind', '=', 'cloud_office')
      .executeTakeFirstOrThrow();
    const { email } = await buildUser(t.ctx, office.id, 'officer', 'locked@office.example');
    for (let i = 0; i < 5; i += 1) {
      const response = await t.app.inject({
        method: 'POST',
        url: '/api/v1/auth/sign-in',
        payload: { email, password: 'wrong' },
      });
      assert.equal(response.statusCode, 401);
    }
    const locked = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/sign-in',
      payload: { email, password: PASSWORD },
    });
    assert.equal(locked.statusCode, 401, 'the right password does not open a locked account');
    assert.equal(locked.json<Problem>().code, 'sign_in_failed');
    clock.advance(15 * 60 * 1000 + 1000);
    await signInAs(t.app, email);
    const denied = await t.ctx.db
      .selectFrom('audit_events')
      .select(['summary'])
      .where('action', '=', 'auth.sign_in')
      .where('outcome', '=', 'denied')
      .where('actor_email', '=', email)
      .execute();
    assert.equal(denied.length, 6, 'every refused sign-in is audited');
  });

  it('refuses changes without the CSRF token, and a forged session', async () => {
    const dg = await signInAs(t.app, 'dg@office.example');
    const withoutToken = await t.app.inject({
      method: 'POST',
      url: '/api/v1/organizations',
      headers: { cookie: dg.cookie },
      payload: { kind: 'csp', name: 'No Token Cloud' },
    });
    assert.equal(withoutToken.statusCode, 403);
    assert.equal(withoutToken.json<Problem>().code, 'csrf_token_invalid');
    const forged = await t.app.inject({
      method: 'GET',
      url: '/api/v1/organizations',
      headers: { cookie: 'cloud_office_session=forged' },
    });
    assert.equal(forged.statusCode, 401);
    const ok = await dg.send('POST', '/api/v1/organizations', {
      kind: 'csp',
      name: 'With Token Cloud',
    });
    assert.equal(ok.statusCode, 201, ok.body);
  });

  it('sets an httpOnly, Secure, SameSite cookie, new at every sign-in', async () => {
    const first = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/sign-in',
      payload: { email: 'dg@office.example', password: PASSWORD },
    });
    const cookie = first.cookies[0];
    assert.ok(cookie);
    assert.equal(cookie.httpOnly, true);
    assert.equal(cookie.secure, true);
    assert.equal(cookie.sameSite, 'Lax');
    const second = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/sign-in',
      payload: { email: 'dg@office.example', password: PASSWORD },
      headers: { cookie: `${cookie.name}=${cookie.value}` },
    });
    assert.notEqual(second.cookies[0]?.value, cookie.value);
    const old = await t.app.inject({
      method: 'GET',
      url: '/api/v1/organizations',
      headers: { cookie: `${cookie.name}=${cookie.value}` },
    });
    assert.equal(old.statusCode, 401, 'the session presented at sign-in is replaced');
  });

  it('signs out here, or everywhere', async () => {
    const office = await t.ctx.db
      .selectFrom('organizations')
      .select('id')
      .where('kind', '=', 'cloud_office')
      .executeTakeFirstOrThrow();
    const { email } = await buildUser(t.ctx, office.id, 'board_member');
    const [laptop, phone, tablet] = [
      await signInAs(t.app, email),
      await signInAs(t.app, email),
      await signInAs(t.app, email),
    ];
    assert.equal(
      (await laptop.send('POST', '/api/v1/auth/sign-out')).json<{ sessionsEnded: number }>()
        .sessionsEnded,
      1,
    );
    assert.equal((await laptop.get('/api/v1/organizations')).statusCode, 401);
    assert.equal((await phone.get('/api/v1/organizations')).statusCode, 200);
    assert.equal(
      (await phone.send('POST', '/api/v1/auth/sign-out-everywhere')).json<{
        sessionsEnded: number;
      }>().sessionsEnded,
      2,
    );
    assert.equal((await tablet.get('/api/v1/organizations')).statusCode, 401);
  });

  it('ends a session after an hour idle', async () => {
    const dg = await signInAs(t.app, 'dg@office.example');
    clock.advance(61 * 60 * 1000);
    assert.equal((await dg.get('/api/v1/organizations')).statusCode, 401);
  });
});

describeEachDatabase('organizations, powers and tenant separation', (database) => {
  let t: TestApp;
  const clock = new ManualClock('2026-05-10T09:00:00Z');
  let officeId = '';
  before(async () => {
    t = await createTestApp(database, { overrides: { clock } });
    officeId = (await setUpOffice(t.ctx)).organizationId;
  });
  after(() => t.close());

  it('lets the DG Cloud build a PSE chain, refusing duplicates, wrong parents and cycles', async () => {
    const dg = await signInAs(t.app, 'dg@office.example');
    const create = (body: Record<string, unknown>) =>
      dg.send('POST', '/api/v1/organizations', body);
    const ministry = (
      await create({ kind: 'pse', name: 'Ministry of IT', pseTier: 'ministry' })
    ).json<{ id: string }>();
    const division = await create({
      kind: 'pse',
      name: 'Telecom Division',
      pseTier: 'division',
      parentId: ministry.id,
    });
    assert.equal(division.statusCode, 201, division.body);
    const duplicate = await create({ kind: 'pse', name: '  ministry   of it ' });
    assert.equal(duplicate.statusCode, 409);
    assert.equal(duplicate.json<Problem>().code, 'organization_exists');
    const csp = (await create({ kind: 'csp', name: 'Example Cloud' })).json<{ id: string }>();
    const wrongParent = await create({ kind: 'pse', name: 'Orphan Dept', parentId: csp.id });
    assert.equal(wrongParent.json<Problem>().code, 'parent_not_pse');
    const cycle = await dg.send('PATCH', `/api/v1/organizations/${ministry.id}`, {
      parentId: division.json<{ id: string }>().id,
    });
    assert.equal(cycle.statusCode, 400);
    assert.equal(cycle.json<Problem>().code, 'parent_cycle');
    const list = (await dg.get('/api/v1/organizations?kind=pse&sort=name')).json<{
      items: { name: string }[];
      total: number;
    }>();
    assert.deepEqual(
      list.items.map((o) => o.name),
      ['Ministry of IT', 'Telecom Division'],
    );
    assert.equal(list.total, 2);
  });

  it("shows a CSP user their own organization and answers 404 for another's, auditing the attempt", async () => {
    const mine = await buildOrganization(t.ctx, 'csp');
    const theirs = await buildOrganization(t.ctx, 'pse');
    const user = await buildUser(t.ctx, mine, 'csp_admin');
    const client = await signInAs(t.app, user.email);
    const list = (await client.get('/api/v1/organizations')).json<{ items: { id: string }[] }>();
    assert.deepEqual(
      list.items.map((o) => o.id),
      [mine],
    );
    assert.equal((await client.get(`/api/v1/organizations/${mine}`)).statusCode, 200);
    const foreign = await client.get(`/api/v1/organizations/${theirs}`);
    const missing = await client.get('/api/v1/organizations/no-such-organization');
    assert.equal(foreign.statusCode, 404);
    assert.equal(missing.statusCode, 404);
    assert.equal(foreign.json<Problem>().code, missing.json<Problem>().code);
    const denial = await t.ctx.db
      .selectFrom('audit_events')
      .selectAll()
      .where('action', '=', 'access.denied')
      .where('actor_user_id', '=', user.id)
      .executeTakeFirst();
    assert.ok(denial, 'the cross-organization attempt is in the audit trail');
    const create = await client.send('POST', '/api/v1/organizations', {
      kind: 'csp',
      name: 'Sneaky Cloud',
    });
    assert.equal(create.statusCode, 403);
  });

  it('gives an officer the powers of the posts held that day, additional charge included', async () => {
    const officer = await buildUser(t.ctx, officeId, 'officer');
    await appoint(t.ctx, officer.id, 'director_legal_procurement', '2026-01-01');
    const client = await signInAs(t.app, officer.email);
    const refused = await client.send('POST', '/api/v1/organizations', {
      kind: 'audit_firm',
      name: 'Audit One',
    });
    assert.equal(refused.statusCode, 403);
    assert.match(refused.json<Problem>().detail, /manage_organizations.*Director Cloud Adoption/);

    await appoint(
      t.ctx,
      officer.id,
      'joint_director_cloud_adoption',
      '2026-05-10',
      '2026-05-11',
      true,
    );
    const allowed = await client.send('POST', '/api/v1/organizations', {
      kind: 'audit_firm',
      name: 'Audit One',
    });
    assert.equal(allowed.statusCode, 201, allowed.body);
    const event = await t.ctx.db
      .selectFrom('audit_events')
      .select(['actor_position', 'request_id'])
      .where('action', '=', 'organization.create')
      .where('target_id', '=', allowed.json<{ id: string }>().id)
      .executeTakeFirstOrThrow();
    assert.equal(event.actor_position, 'Joint Director Cloud Adoption (additional charge)');
    assert.equal(event.request_id, allowed.headers['x-request-id']);

    clock.set('2026-05-12T08:00:00Z');
    const fresh = await signInAs(t.app, officer.email);
    const afterCharge = await fresh.send('POST', '/api/v1/organizations', {
      kind: 'audit_firm',
      name: 'Audit Two',
    });
    assert.equal(afterCharge.statusCode, 403, 'the power ends with the additional charge');
  });
});
