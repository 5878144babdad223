import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, it } from 'node:test';
import { ManualClock } from '../../src/clock.js';
import { SecretBox } from '../../src/features/identity/secret-key.js';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { describeEachDatabase } from '../helpers/databases.js';
import {
  buildOrganization,
  buildUser,
  enrolTotp,
  PASSWORD,
  sessionClient,
  setUpOffice,
  signInAs,
  totpCode,
  totpSecretOf,
  type Client,
} from '../helpers/factories.js';

interface Problem {
  status: number;
  code: string;
  detail: string;
}

interface Me {
  userId: string;
  secondFactorEnrolled: boolean;
  secondFactorEnrolmentRequired: boolean;
  secondFactorPending: boolean;
}

interface Enrolment {
  secret: string;
  otpauthUri: string;
  issuer: string;
  label: string;
}

describeEachDatabase('the TOTP second factor', (database) => {
  let t: TestApp;
  const clock = new ManualClock('2026-03-02T09:00:00Z');
  let officeId = '';
  let cspId = '';

  /** Signs in with the password only, leaving the second factor to the test. */
  async function signInWithPassword(email: string): Promise<{ client: Client; me: Me }> {
    const response = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/sign-in',
      payload: { email, password: PASSWORD },
    });
    assert.equal(response.statusCode, 200, response.body);
    const cookie = response.cookies.find((c) => c.name === 'cloud_office_session');
    assert.ok(cookie);
    const body = response.json<{ csrfToken: string; me: Me }>();
    return {
      client: sessionClient(t.app, `${cookie.name}=${cookie.value}`, body.csrfToken),
      me: body.me,
    };
  }

  const userRow = (id: string) =>
    t.ctx.db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirstOrThrow();

  const auditOf = (action: string, userId: string) =>
    t.ctx.db
      .selectFrom('audit_events')
      .select(['outcome', 'summary', 'actor_user_id'])
      .where('action', '=', action)
      .where('target_id', '=', userId)
      .orderBy('seq')
      .execute();

  before(async () => {
    t = await createTestApp(database, { overrides: { clock } });
    officeId = (await setUpOffice(t.ctx)).organizationId;
    cspId = await buildOrganization(t.ctx, 'csp');
  });
  after(() => t.close());

  it('holds a Cloud Office user without TOTP to enrolment, sign-out and the session until enrolled', async () => {
    const officer = await buildUser(t.ctx, officeId, 'officer');
    const { client, me } = await signInWithPassword(officer.email);
    assert.deepEqual(
      {
        enrolled: me.secondFactorEnrolled,
        required: me.secondFactorEnrolmentRequired,
        pending: me.secondFactorPending,
      },
      { enrolled: false, required: true, pending: false },
    );
    for (const response of [
      await client.get('/api/v1/organizations'),
      await client.send('POST', '/api/v1/organizations', { kind: 'csp', name: 'Too Early Cloud' }),
      await client.get('/api/v1/api-tokens'),
    ]) {
      assert.equal(response.statusCode, 401, response.body);
      assert.equal(response.json<Problem>().code, 'second_factor_enrolment_required');
    }
    const session = (await client.get('/api/v1/auth/session')).json<{ me: Me }>();
    assert.equal(session.me.secondFactorEnrolmentRequired, true);
    const verify = await client.send('POST', '/api/v1/auth/totp/verify', { code: '123456' });
    assert.equal(verify.json<Problem>().code, 'totp_not_enrolled');
    const early = await client.send('POST', '/api/v1/auth/totp/enrolment/confirm', {
      code: '123456',
    });
    assert.equal(early.json<Problem>().code, 'totp_enrolment_not_started');

    const started = await client.send('POST', '/api/v1/auth/totp/enrolment');
    assert.equal(started.statusCode, 200, started.body);
    const enrolment = started.json<Enrolment>();
    assert.match(enrolment.secret, /^[A-Z2-7]{32}$/);
    assert.equal(enrolment.issuer, 'Test Cloud Office');
    assert.equal(enrolment.label, officer.email);
    const uri = new URL(enrolment.otpauthUri);
    assert.equal(uri.protocol, 'otpauth:');
    assert.equal(uri.searchParams.get('secret'), enrolment.secret);
    assert.equal(uri.searchParams.get('issuer'), 'Test Cloud Office');
    assert.equal(uri.searchParams.get('digits'), '6');
    assert.equal(uri.searchParams.get('period'), '30');

    const pending = await userRow(officer.id);
    assert.equal(pending.totp_enabled_at, null, 'a started enrolment does not turn TOTP on');
    assert.ok(pending.totp_pending_secret);
    assert.equal((await client.get('/api/v1/organizations')).statusCode, 401);

    const wrong = await client.send('POST', '/api/v1/auth/totp/enrolment/confirm', {
      code: totpCode(t.ctx, enrolment.secret, 3),
    });
    assert.equal(wrong.statusCode, 400);
    assert.equal(wrong.json<Problem>().code, 'totp_code_invalid');
    const confirmed = await client.send('POST', '/api/v1/auth/totp/enrolment/confirm', {
      code: totpCode(t.ctx, enrolment.secret),
    });
    assert.equal(confirmed.statusCode, 200, confirmed.body);
    const after = confirmed.json<{ me: Me }>().me;
    assert.deepEqual(
      {
        enrolled: after.secondFactorEnrolled,
        required: after.secondFactorEnrolmentRequired,
        pending: after.secondFactorPending,
      },
      { enrolled: true, required: false, pending: false },
    );
    assert.equal((await client.get('/api/v1/organizations')).statusCode, 200);
    assert.deepEqual(
      (await auditOf('user.totp_enrol', officer.id)).map((event) => event.outcome),
      ['denied', 'success'],
    );

    const other = await buildUser(t.ctx, officeId, 'board_member');
    const board = await signInWithPassword(other.email);
    assert.equal(board.me.secondFactorEnrolmentRequired, true, 'board members too');
    const signOut = await board.client.send('POST', '/api/v1/auth/sign-out');
    assert.equal(signOut.statusCode, 200, 'signing out needs no second factor');
  });

  it('stores the secret sealed with AES-256-GCM, bound to its user, never in clear', async () => {
    const officer = await buildUser(t.ctx, officeId, 'officer');
    const { client } = await signInWithPassword(officer.email);
    const { secret } = (await client.send('POST', '/api/v1/auth/totp/enrolment')).json<Enrolment>();
    await client.send('POST', '/api/v1/auth/totp/enrolment/confirm', {
      code: totpCode(t.ctx, secret),
    });
    const row = await userRow(officer.id);
    assert.ok(row.totp_secret);
    for (const variant of [secret, secret.toLowerCase(), Buffer.from(secret).toString('base64')]) {
      assert.ok(!row.totp_secret.includes(variant), 'the column holds no form of the secret');
    }
    assert.match(row.totp_secret, /^v1\.[0-9a-f]{8}\./);
    assert.equal(row.totp_pending_secret, null);
    assert.equal(t.ctx.secretBox.open(row.totp_secret, `totp:${officer.id}`), secret);
    assert.throws(() => t.ctx.secretBox.open(row.totp_secret ?? '', 'totp:someone-else'));
    assert.throws(
      () => new SecretBox(randomBytes(32)).open(row.totp_secret ?? '', `totp:${officer.id}`),
      /sealed under another key/,
    );
  });

  it('asks for a code after sign-in, taking the step before or after but not two steps away', async () => {
    clock.advance(5 * 60 * 1000);
    const user = await buildUser(t.ctx, cspId, 'csp_admin');
    const secret = await enrolTotp(t.ctx, user.id);
    const { client, me } = await signInWithPassword(user.email);
    assert.equal(me.secondFactorPending, true);
    assert.equal(me.secondFactorEnrolled, true);
    assert.equal(me.secondFactorEnrolmentRequired, false);
    const blocked = await client.get('/api/v1/organizations');
    assert.equal(blocked.statusCode, 401);
    assert.equal(blocked.json<Problem>().code, 'second_factor_required');

    for (const steps of [2, -2]) {
      const far = await client.send('POST', '/api/v1/auth/totp/verify', {
        code: totpCode(t.ctx, secret, steps),
      });
      assert.equal(far.statusCode, 401);
      assert.equal(far.json<Problem>().code, 'second_factor_failed');
    }
    const late = await client.send('POST', '/api/v1/auth/totp/verify', {
      code: totpCode(t.ctx, secret, -1),
    });
    assert.equal(late.statusCode, 200, late.body);
    assert.equal(late.json<{ me: Me }>().me.secondFactorPending, false);
    assert.equal((await client.get('/api/v1/organizations')).statusCode, 200);
    const row = await userRow(user.id);
    assert.equal(row.failed_sign_ins, 0, 'a passed second factor clears the failure count');
    assert.deepEqual(
      (await auditOf('auth.second_factor', user.id)).map((event) => event.outcome),
      ['denied', 'denied', 'success'],
    );
  });

  it('refuses a code already used, from any session', async () => {
    clock.advance(5 * 60 * 1000);
    const user = await buildUser(t.ctx, cspId, 'csp_staff');
    const secret = await enrolTotp(t.ctx, user.id);
    const first = await signInWithPassword(user.email);
    const second = await signInWithPassword(user.email);
    const code = totpCode(t.ctx, secret);
    assert.equal(
      (await first.client.send('POST', '/api/v1/auth/totp/verify', { code })).statusCode,
      200,
    );
    const replay = await second.client.send('POST', '/api/v1/auth/totp/verify', { code });
    assert.equal(replay.statusCode, 401);
    assert.equal(replay.json<Problem>().code, 'totp_code_used');
    const older = await second.client.send('POST', '/api/v1/auth/totp/verify', {
      code: totpCode(t.ctx, secret, -1),
    });
    assert.equal(older.json<Problem>().code, 'totp_code_used', 'nor a code older than one used');
    assert.equal((await second.client.get('/api/v1/organizations')).statusCode, 401);
    const next = await second.client.send('POST', '/api/v1/auth/totp/verify', {
      code: totpCode(t.ctx, secret, 1),
    });
    assert.equal(next.statusCode, 200, next.body);
    const reasons = (await auditOf('auth.second_factor', user.id))
      .filter((event) => event.outcome === 'denied')
      .map((event) => (JSON.parse(event.summary) as { reason: string }).reason);
    assert.deepEqual(reasons, ['code already used', 'code already used']);
  });

  it('counts wrong codes toward the password lockout, which a right password does not clear', async () => {
    clock.advance(5 * 60 * 1000);
    const user = await buildUser(t.ctx, cspId, 'csp_security_officer');
    const secret = await enrolTotp(t.ctx, user.id);
    const wrongCode = totpCode(t.ctx, secret, 5);
    let attempt = await signInWithPassword(user.email);
    for (let i = 0; i < 2; i += 1) {
      const response = await attempt.client.send('POST', '/api/v1/auth/totp/verify', {
        code: wrongCode,
      });
      assert.equal(response.json<Problem>().code, 'second_factor_failed');
    }
    attempt = await signInWithPassword(user.email);
    assert.equal((await userRow(user.id)).failed_sign_ins, 2, 'the password alone clears nothing');
    for (let i = 0; i < 3; i += 1) {
      await attempt.client.send('POST', '/api/v1/auth/totp/verify', { code: wrongCode });
    }
    const locked = await userRow(user.id);
    assert.equal(locked.failed_sign_ins, 5);
    assert.ok(locked.locked_until, 'five failures in a row lock the account');
    const rightButLocked = await attempt.client.send('POST', '/api/v1/auth/totp/verify', {
      code: totpCode(t.ctx, secret),
    });
    assert.equal(rightButLocked.statusCode, 401);
    assert.equal(rightButLocked.json<Problem>().code, 'second_factor_failed');
    const passwordLocked = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/sign-in',
      payload: { email: user.email, password: PASSWORD },
    });
    assert.equal(passwordLocked.json<Problem>().code, 'sign_in_failed');

    clock.advance(15 * 60 * 1000 + 1000);
    const later = await signInWithPassword(user.email);
    const passed = await later.client.send('POST', '/api/v1/auth/totp/verify', {
      code: totpCode(t.ctx, secret),
    });
    assert.equal(passed.statusCode, 200, passed.body);
    const cleared = await userRow(user.id);
    assert.equal(cleared.failed_sign_ins, 0);
    assert.equal(cleared.locked_until, null);
    const reasons = (await auditOf('auth.second_factor', user.id))
      .filter((event) => event.outcome === 'denied')
      .map((event) => (JSON.parse(event.summary) as { reason: string }).reason);
    assert.deepEqual(reasons, [...Array<string>(5).fill('wrong code'), 'account locked']);
  });

  it('lets a user outside the Cloud Office turn TOTP off with a code, but not an officer', async () => {
    clock.advance(5 * 60 * 1000);
    const user = await buildUser(t.ctx, cspId, 'csp_staff');
    const client = await signInAs(t.app, user.email);
    const { secret } = (await client.send('POST', '/api/v1/auth/totp/enrolment')).json<Enrolment>();
    const confirmed = await client.send('POST', '/api/v1/auth/totp/enrolment/confirm', {
      code: totpCode(t.ctx, secret),
    });
    assert.equal(confirmed.json<{ me: Me }>().me.secondFactorEnrolled, true);
    const wrong = await client.send('POST', '/api/v1/auth/totp/disable', {
      code: totpCode(t.ctx, secret, 4),
    });
    assert.equal(wrong.statusCode, 400);
    assert.equal(wrong.json<Problem>().code, 'totp_code_invalid');
    assert.equal((await userRow(user.id)).failed_sign_ins, 1, 'a wrong code here counts too');
    const reused = await client.send('POST', '/api/v1/auth/totp/disable', {
      code: totpCode(t.ctx, secret),
    });
    assert.equal(reused.json<Problem>().code, 'totp_code_used');
    const off = await client.send('POST', '/api/v1/auth/totp/disable', {
      code: totpCode(t.ctx, secret, 1),
    });
    assert.equal(off.statusCode, 200, off.body);
    assert.equal(off.json<{ me: Me }>().me.secondFactorEnrolled, false);
    const row = await userRow(user.id);
    assert.equal(row.totp_secret, null);
    assert.equal(row.totp_enabled_at, null);
    assert.deepEqual(
      (await auditOf('user.totp_disable', user.id)).map((event) => event.outcome),
      ['denied', 'denied', 'success'],
    );

    const dg = await signInAs(t.app, 'dg@office.example');
    const dgId = (await dg.get('/api/v1/auth/session')).json<{ me: Me }>().me.userId;
    const dgSecret = await totpSecretOf(t.ctx, dgId);
    const refused = await dg.send('POST', '/api/v1/auth/totp/disable', {
      code: totpCode(t.ctx, dgSecret, 1),
    });
    assert.equal(refused.statusCode, 403);
    assert.equal(refused.json<Problem>().code, 'second_factor_mandatory');
    assert.ok((await userRow(dgId)).totp_enabled_at, 'the officer keeps TOTP');
    const denial = await t.ctx.db
      .selectFrom('audit_events')
      .select('summary')
      .where('action', '=', 'access.denied')
      .where('actor_user_id', '=', dgId)
      .executeTakeFirst();
    assert.ok(denial, 'the refusal is in the audit trail');
  });

  it('lets an enrolled user move to a new authenticator, the old one working until the new one is confirmed', async () => {
    clock.advance(5 * 60 * 1000);
    const user = await buildUser(t.ctx, cspId, 'csp_admin');
    const oldSecret = await enrolTotp(t.ctx, user.id);
    const { client } = await signInWithPassword(user.email);
    const tooEarly = await client.send('POST', '/api/v1/auth/totp/enrolment');
    assert.equal(tooEarly.statusCode, 401, 'not before passing the current one');
    assert.equal(tooEarly.json<Problem>().code, 'second_factor_required');
    await client.send('POST', '/api/v1/auth/totp/verify', { code: totpCode(t.ctx, oldSecret) });
    const { secret: newSecret } = (
      await client.send('POST', '/api/v1/auth/totp/enrolment')
    ).json<Enrolment>();
    assert.notEqual(newSecret, oldSecret);

    const meanwhile = await signInWithPassword(user.email);
    const withOld = await meanwhile.client.send('POST', '/api/v1/auth/totp/verify', {
      code: totpCode(t.ctx, oldSecret, 1),
    });
    assert.equal(withOld.statusCode, 200, 'the old authenticator works until the new is confirmed');

    clock.advance(60 * 1000);
    const confirmed = await client.send('POST', '/api/v1/auth/totp/enrolment/confirm', {
      code: totpCode(t.ctx, newSecret),
    });
    assert.equal(confirmed.statusCode, 200, confirmed.body);
    const afterwards = await signInWithPassword(user.email);
    const stale = await afterwards.client.send('POST', '/api/v1/auth/totp/verify', {
      code: totpCode(t.ctx, oldSecret, 1),
    });
    assert.equal(stale.json<Problem>().code, 'second_factor_failed');
    const fresh = await afterwards.client.send('POST', '/api/v1/auth/totp/verify', {
      code: totpCode(t.ctx, newSecret, 1),
    });
    assert.equal(fresh.statusCode, 200, fresh.body);
  });
});
