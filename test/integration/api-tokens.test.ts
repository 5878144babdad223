import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, beforeEach, it } from 'node:test';
import { ManualClock } from '../../src/clock.js';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { describeEachDatabase } from '../helpers/databases.js';
import {
  buildApiToken,
  buildOrganization,
  buildUser,
  enrolTotp,
  setUpOffice,
  signInAs,
  type Client,
} from '../helpers/factories.js';

interface Problem {
  code: string;
  detail: string;
}

interface ApiToken {
  id: string;
  name: string;
  scopes: string[];
  status: string;
  createdAt: string;
  expiresAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

describeEachDatabase('personal API tokens', (database) => {
  let t: TestApp;
  const clock = new ManualClock('2026-04-01T10:00:00Z');
  let cspA = '';
  let cspB = '';
  let dg: Client;
  let dgId = '';

  /** A user of `organizationId` with TOTP on, signed in through it. */
  async function enrolledClient(
    organizationId: string,
    role: string,
  ): Promise<{ id: string; email: string; client: Client }> {
    const user = await buildUser(t.ctx, organizationId, role);
    await enrolTotp(t.ctx, user.id);
    return { ...user, client: await signInAs(t.app, user.email) };
  }

  async function makeToken(
    client: Client,
    body: { name: string; scopes: string[]; expiresInDays: number },
  ): Promise<ApiToken & { token: string }> {
    const response = await client.send('POST', '/api/v1/api-tokens', body);
    assert.equal(response.statusCode, 201, response.body);
    return response.json<ApiToken & { token: string }>();
  }

  function bearer(
    token: string,
    method: 'GET' | 'POST' | 'PATCH' | 'DELETE',
    url: string,
    body?: Record<string, unknown>,
  ) {
    return t.app.inject({
      method,
      url,
      headers: { authorization: `Bearer ${token}` },
      ...(body === undefined ? {} : { payload: body }),
    });
  }

  before(async () => {
    t = await createTestApp(database, { overrides: { clock } });
    dgId = (await setUpOffice(t.ctx)).userId;
    cspA = await buildOrganization(t.ctx, 'csp');
    cspB = await buildOrganization(t.ctx, 'csp');
  });
  // A fresh session each time: some tests move the clock past a session's end.
  beforeEach(async () => {
    dg = await signInAs(t.app, 'dg@office.example');
  });
  after(() => t.close());

  it('makes a token only from a session that passed the second factor, shows it once and stores its hash', async () => {
    const plain = await buildUser(t.ctx, cspA, 'csp_staff');
    const withoutTotp = await signInAs(t.app, plain.email);
    const refused = await withoutTotp.send('POST', '/api/v1/api-tokens', {
      name: 'ci',
      scopes: ['read'],
      expiresInDays: 30,
    });
    assert.equal(refused.statusCode, 403);
    assert.equal(refused.json<Problem>().code, 'token_needs_second_factor');

    const { id: userId, client } = await enrolledClient(cspA, 'csp_admin');
    const created = await makeToken(client, {
      name: ' nightly export ',
      scopes: ['read'],
      expiresInDays: 30,
    });
    assert.match(created.token, /^co_pat_[A-Za-z0-9_-]{43}$/);
    assert.equal(created.name, 'nightly export');
    assert.deepEqual(created.scopes, ['read']);
    assert.equal(created.status, 'active');
    assert.equal(created.expiresAt, '2026-05-01T10:00:00.000Z');

    const row = await t.ctx.db
      .selectFrom('api_tokens')
      .selectAll()
      .where('id', '=', created.id)
      .executeTakeFirstOrThrow();
    assert.equal(row.user_id, userId);
    assert.equal(row.token_hash, createHash('sha256').update(created.token).digest('hex'));
    assert.ok(!JSON.stringify(row).includes(created.token), 'the token itself is not stored');

    const listed = await client.get('/api/v1/api-tokens');
    assert.equal(listed.statusCode, 200);
    assert.ok(!listed.body.includes(created.token), 'never shown again');
    const items = listed.json<{ items: (ApiToken & { token?: string })[] }>().items;
    assert.deepEqual(
      items.map((item) => [item.id, item.token]),
      [[created.id, undefined]],
    );
    const event = await t.ctx.db
      .selectFrom('audit_events')
      .selectAll()
      .where('action', '=', 'api_token.create')
      .where('target_id', '=', created.id)
      .executeTakeFirstOrThrow();
    assert.equal(event.actor_user_id, userId);
    assert.ok(!event.summary.includes(created.token));

    const invalid = await client.send('POST', '/api/v1/api-tokens', {
      name: 'forever',
      scopes: ['read'],
      expiresInDays: 366,
    });
    assert.equal(invalid.statusCode, 400);
    assert.equal(invalid.json<Problem>().code, 'validation_failed');
  });

  it('lets a read token GET but change nothing, and a write token change without a CSRF token', async () => {
    const read = await makeToken(dg, { name: 'reader', scopes: ['read'], expiresInDays: 7 });
    const write = await makeToken(dg, { name: 'writer', scopes: ['write'], expiresInDays: 7 });
    const listed = await bearer(read.token, 'GET', '/api/v1/organizations');
    assert.equal(listed.statusCode, 200, listed.body);
    const body = { kind: 'audit_firm', name: 'Token Audit Firm' };
    const readOnly = await bearer(read.token, 'POST', '/api/v1/organizations', body);
    assert.equal(readOnly.statusCode, 403);
    assert.equal(readOnly.json<Problem>().code, 'token_scope');
    const writeOnly = await bearer(write.token, 'GET', '/api/v1/organizations');
    assert.equal(writeOnly.json<Problem>().code, 'token_scope', 'reading needs the read scope');

    const created = await bearer(write.token, 'POST', '/api/v1/organizations', body);
    assert.equal(created.statusCode, 201, created.body);
    const event = await t.ctx.db
      .selectFrom('audit_events')
      .select(['actor_user_id', 'actor_position'])
      .where('action', '=', 'organization.create')
      .where('target_id', '=', created.json<{ id: string }>().id)
      .executeTakeFirstOrThrow();
    assert.deepEqual(event, { actor_user_id: dgId, actor_position: 'DG Cloud' });
    const denial = await t.ctx.db
      .selectFrom('audit_events')
      .select('summary')
      .where('action', '=', 'access.denied')
      .where('actor_user_id', '=', dgId)
      .where('summary', 'like', '%read scope%')
      .executeTakeFirst();
    assert.ok(denial, 'a refused scope is audited');
  });

  it('records when a token was last used, at most once a minute', async () => {
    const token = await makeToken(dg, { name: 'usage', scopes: ['read'], expiresInDays: 7 });
    const lastUsed = async () =>
      (
        await t.ctx.db
          .selectFrom('api_tokens')
          .select('last_used_at')
          .where('id', '=', token.id)
          .executeTakeFirstOrThrow()
      ).last_used_at;
    assert.equal(await lastUsed(), null);
    await bearer(token.token, 'GET', '/api/v1/organizations');
    const first = await lastUsed();
    assert.equal(first, clock.now().toISOString());
    clock.advance(30 * 1000);
    await bearer(token.token, 'GET', '/api/v1/organizations');
    assert.equal(await lastUsed(), first);
    clock.advance(31 * 1000);
    await bearer(token.token, 'GET', '/api/v1/organizations');
    assert.equal(await lastUsed(), clock.now().toISOString());
  });

  it('refuses unknown, expired and revoked tokens, and tokens of disabled users, with 401 token_invalid', async () => {
    const { email, client } = await enrolledClient(cspA, 'csp_security_officer');
    const expiring = await makeToken(client, { name: 'a day', scopes: ['read'], expiresInDays: 1 });
    const revoked = await makeToken(client, {
      name: 'revoked',
      scopes: ['read'],
      expiresInDays: 9,
    });
    assert.equal((await bearer(expiring.token, 'GET', '/api/v1/organizations')).statusCode, 200);
    assert.equal((await client.send('DELETE', `/api/v1/api-tokens/${revoked.id}`)).statusCode, 200);
    clock.advance(24 * 60 * 60 * 1000);
    const disabledUser = await buildUser(t.ctx, cspA, 'csp_staff');
    const ofDisabled = await buildApiToken(t.ctx, disabledUser.id);
    await t.ctx.db
      .updateTable('users')
      .set({ status: 'disabled' })
      .where('id', '=', disabledUser.id)
      .execute();
    for (const token of [
      'co_pat_thisTokenWasNeverMadeByTheServerAtAllReally0',
      'not-even-our-kind-of-token',
      '',
      expiring.token,
      revoked.token,
      ofDisabled.token,
    ]) {
      const response = await bearer(token, 'GET', '/api/v1/organizations');
      assert.equal(response.statusCode, 401, `${token}: ${response.body}`);
      assert.equal(response.json<Problem>().code, 'token_invalid');
    }
    const again = await signInAs(t.app, email); // the clock moved past the last session's end
    const statuses = (await again.get('/api/v1/api-tokens'))
      .json<{ items: ApiToken[] }>()
      .items.map((item) => [item.name, item.status])
      .sort();
    assert.deepEqual(statuses, [
      ['a day', 'expired'],
      ['revoked', 'revoked'],
    ]);
    const publicRoute = await bearer('co_pat_unknown', 'GET', '/api/v1/about');
    assert.equal(publicRoute.statusCode, 200, 'public routes ignore tokens');
  });

  it('keeps tokens away from what needs a session: tokens, TOTP, signing out', async () => {
    const token = await makeToken(dg, { name: 'all', scopes: ['read', 'write'], expiresInDays: 7 });
    for (const url of [
      '/api/v1/api-tokens',
      '/api/v1/auth/totp/enrolment',
      '/api/v1/auth/sign-out-everywhere',
    ]) {
      const response = await bearer(
        token.token,
        'POST',
        url,
        url === '/api/v1/api-tokens'
          ? { name: 'x', scopes: ['read'], expiresInDays: 1 }
          : undefined,
      );
      assert.equal(response.statusCode, 403, `${url}: ${response.body}`);
      assert.equal(response.json<Problem>().code, 'session_required');
    }
    const session = await bearer(token.token, 'GET', '/api/v1/auth/session');
    assert.equal(session.json<{ signedIn: boolean }>().signedIn, false);
  });

  it('revokes own tokens; another user gets 404 within and across organizations; officers with manage_users revoke any', async () => {
    const owner = await enrolledClient(cspA, 'csp_admin');
    const colleague = await enrolledClient(cspA, 'csp_staff');
    const outsider = await enrolledClient(cspB, 'csp_admin');
    const first = await makeToken(owner.client, {
      name: 'one',
      scopes: ['read'],
      expiresInDays: 5,
    });
    const second = await makeToken(owner.client, {
      name: 'two',
      scopes: ['write'],
      expiresInDays: 5,
    });

    const across = await outsider.client.send('DELETE', `/api/v1/api-tokens/${first.id}`);
    assert.equal(across.statusCode, 404);
    assert.equal(across.json<Problem>().code, 'not_found');
    const within = await colleague.client.send('DELETE', `/api/v1/api-tokens/${first.id}`);
    assert.equal(within.statusCode, 404);
    assert.equal(within.json<Problem>().code, 'not_found');
    const missing = await owner.client.send('DELETE', '/api/v1/api-tokens/no-such-token');
    assert.equal(missing.statusCode, 404);
    const denied = await t.ctx.db
      .selectFrom('audit_events')
      .select(['action', 'actor_user_id'])
      .where('outcome', '=', 'denied')
      .where((eb) =>
        eb.or([eb('target_id', '=', first.id), eb('summary', 'like', `%${first.id}%`)]),
      )
      .orderBy('seq')
      .execute();
    assert.deepEqual(denied, [
      { action: 'access.denied', actor_user_id: outsider.id },
      { action: 'api_token.revoke', actor_user_id: colleague.id },
    ]);

    const mine = await owner.client.send('DELETE', `/api/v1/api-tokens/${first.id}`);
    assert.equal(mine.statusCode, 200, mine.body);
    assert.equal(mine.json<ApiToken>().status, 'revoked');
    const revokedAt = mine.json<ApiToken>().revokedAt;
    assert.equal(revokedAt, clock.now().toISOString());
    clock.advance(1000);
    const again = await owner.client.send('DELETE', `/api/v1/api-tokens/${first.id}`);
    assert.equal(again.json<ApiToken>().revokedAt, revokedAt, 'revoking twice changes nothing');

    const byOfficer = await dg.send('DELETE', `/api/v1/api-tokens/${second.id}`);
    assert.equal(byOfficer.statusCode, 200, byOfficer.body);
    const events = await t.ctx.db
      .selectFrom('audit_events')
      .select(['target_id', 'actor_user_id', 'actor_position'])
      .where('action', '=', 'api_token.revoke')
      .where('outcome', '=', 'success')
      .where('target_id', 'in', [first.id, second.id])
      .orderBy('seq')
      .execute();
    assert.deepEqual(events, [
      { target_id: first.id, actor_user_id: owner.id, actor_position: null },
      { target_id: second.id, actor_user_id: dgId, actor_position: 'DG Cloud' },
    ]);
    assert.equal(
      (await bearer(second.token, 'DELETE', `/api/v1/api-tokens/${second.id}`)).json<Problem>()
        .code,
      'token_invalid',
    );
  });
});
