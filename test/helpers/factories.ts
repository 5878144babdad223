import { randomUUID } from 'node:crypto';
import type { AppContext } from '../../src/context.js';
import type { OrganizationKind } from '../../src/db/schema.js';
import { API_TOKEN_PREFIX, type ApiTokenScope } from '../../src/features/identity/api-tokens.js';
import { insertApiToken, insertUser } from '../../src/features/identity/repo.js';
import { hashPassword, hashToken, newToken } from '../../src/features/identity/secrets.js';
import { newTotpSecret, totpCodeAt, totpStep } from '../../src/features/identity/totp.js';
import { createFirstOfficer } from '../../src/features/office/setup.js';
import { insertOrganization } from '../../src/features/organizations/repo.js';
import type { LightMyRequestResponse } from 'fastify';
import type { App } from '../../src/http/app.js';
import { contextOf } from './app.js';

export const PASSWORD = 'correct horse battery staple';
let passwordHash: Promise<string> | undefined;

/** The Cloud Office with its DG Cloud, as first-run setup makes them. */
export async function setUpOffice(
  ctx: AppContext,
  email = 'dg@office.example',
): Promise<{ userId: string; organizationId: string; email: string }> {
  const created = await createFirstOfficer(ctx, {
    officeName: 'Test Cloud Office',
    displayName: 'Director General',
    email,
    password: PASSWORD,
  });
  return { ...created, email };
}

export async function buildOrganization(
  ctx: AppContext,
  kind: Exclude<OrganizationKind, 'cloud_office'>,
  overrides: { name?: string; parentId?: string } = {},
): Promise<string> {
  const id = randomUUID();
  const name = overrides.name ?? `${kind} ${id.slice(0, 8)}`;
  const at = ctx.clock.now().toISOString();
  await insertOrganization(ctx.db, {
    id,
    kind,
    name,
    status: 'active',
    parent_id: overrides.parentId ?? null,
    created_at: at,
  });
  return id;
}

/** An active user with the shared test password. */
export async function buildUser(
  ctx: AppContext,
  organizationId: string,
  role: string,
  email?: string,
): Promise<{ id: string; email: string }> {
  const id = randomUUID();
  const at = ctx.clock.now().toISOString();
  passwordHash ??= hashPassword(PASSWORD);
  const address = email ?? `${role}.${id.slice(0, 8)}@example.org`;
  await insertUser(ctx.db, {
    id,
    organization_id: organizationId,
    email: address,
    display_name: role,
    role,
    status: 'active',
    password_hash: await passwordHash,
    created_at: at,
  });
  return { id, email: address };
}

/** Appoints a user to a post by its code, from `startsOn` to `endsOn` (inclusive). */
export async function appoint(
  ctx: AppContext,
  userId: string,
  code: string,
  startsOn: string,
  endsOn: string | null = null,
  additionalCharge = false,
): Promise<void> {
  const position = await ctx.db
    .selectFrom('positions')
    .select('id')
    .where('code', '=', code)
    .executeTakeFirstOrThrow();
  const at = ctx.clock.now().toISOString();
  await ctx.db
    .insertInto('appointments')
    .values({
      id: randomUUID(),
      user_id: userId,
      position_id: position.id,
      starts_on: startsOn,
      ends_on: endsOn,
      additional_charge: additionalCharge ? 1 : 0,
      note: null,
      created_at: at,
      updated_at: at,
    })
    .execute();
}

export interface Client {
  get(url: string): Promise<LightMyRequestResponse>;
  send(
    method: 'POST' | 'PATCH' | 'PUT' | 'DELETE',
    url: string,
    body?: unknown,
  ): Promise<LightMyRequestResponse>;
  cookie: string;
  csrfToken: string;
}

/** The TOTP code of `secret` at the app's clock, or `steps` 30-second steps away from it. */
export function totpCode(ctx: AppContext, secret: string, steps = 0): string {
  return totpCodeAt(secret, totpStep(ctx.clock.now()) + steps);
}

/** Turns TOTP on for a user directly in the database; returns the base32 secret. */
export async function enrolTotp(ctx: AppContext, userId: string): Promise<string> {
  const secret = newTotpSecret();
  await ctx.db
    .updateTable('users')
    .set({
      totp_secret: ctx.secretBox.seal(secret, `totp:${userId}`),
      totp_enabled_at: ctx.clock.now().toISOString(),
    })
    .where('id', '=', userId)
    .execute();
  return secret;
}

/** A user's enabled TOTP secret, decrypted with the app's key. */
export async function totpSecretOf(ctx: AppContext, userId: string): Promise<string> {
  const row = await ctx.db
    .selectFrom('users')
    .select('totp_secret')
    .where('id', '=', userId)
    .executeTakeFirstOrThrow();
  if (row.totp_secret === null) throw new Error(`user ${userId} has no TOTP secret`);
  return ctx.secretBox.open(row.totp_secret, `totp:${userId}`);
}

/** A personal API token stored directly, as if made through the API; returns it and its id. */
export async function buildApiToken(
  ctx: AppContext,
  userId: string,
  options: { scopes?: ApiTokenScope[]; expiresAt?: string; revokedAt?: string } = {},
): Promise<{ id: string; token: string }> {
  const id = randomUUID();
  const token = `${API_TOKEN_PREFIX}${newToken()}`;
  const now = ctx.clock.now();
  await insertApiToken(ctx.db, {
    id,
    user_id: userId,
    name: `token ${id.slice(0, 8)}`,
    token_hash: hashToken(token),
    scopes: JSON.stringify(options.scopes ?? ['read', 'write']),
    created_at: now.toISOString(),
    expires_at: options.expiresAt ?? new Date(now.getTime() + 30 * 86_400_000).toISOString(),
    last_used_at: null,
    revoked_at: options.revokedAt ?? null,
  });
  return { id, token };
}

/** A client that sends a session cookie, and its CSRF token with every change. */
export function sessionClient(app: App, cookie: string, csrfToken: string): Client {
  return {
    cookie,
    csrfToken,
    get: (url) => app.inject({ method: 'GET', url, headers: { cookie } }),
    send: (method, url, body) =>
      app.inject({
        method,
        url,
        headers: { cookie, 'x-csrf-token': csrfToken },
        ...(body === undefined ? {} : { payload: body as Record<string, unknown> }),
      }),
  };
}

interface SignInAnswer {
  csrfToken: string;
  me: { userId: string; secondFactorEnrolmentRequired: boolean; secondFactorPending: boolean };
}

/**
 * Signs in through the API and returns a client that sends the session cookie and CSRF token,
 * fully signed in: a Cloud Office user without TOTP enrols through the API, and a user with TOTP
 * passes it, with codes computed at the app's clock.
 */
export async function signInAs(app: App, email: string, password = PASSWORD): Promise<Client> {
  const response = await app.inject({
    method: 'POST',
    url: '/api/v1/auth/sign-in',
    payload: { email, password },
  });
  if (response.statusCode !== 200)
    throw new Error(`sign-in as ${email} failed: ${response.statusCode} ${response.body}`);
  const cookie = response.cookies.find((c) => c.name === 'cloud_office_session');
  if (!cookie) throw new Error('no session cookie');
  const { csrfToken, me } = response.json<SignInAnswer>();
  const client = sessionClient(app, `${cookie.name}=${cookie.value}`, csrfToken);
  const expectOk = (step: string, answer: LightMyRequestResponse): void => {
    if (answer.statusCode !== 200)
      throw new Error(`${step} for ${email} failed: ${answer.statusCode} ${answer.body}`);
  };
  if (me.secondFactorEnrolmentRequired) {
    const ctx = contextOf(app);
    const enrolment = await client.send('POST', '/api/v1/auth/totp/enrolment');
    expectOk('TOTP enrolment', enrolment);
    const { secret } = enrolment.json<{ secret: string }>();
    const code = totpCode(ctx, secret);
    expectOk(
      'TOTP confirmation',
      await client.send('POST', '/api/v1/auth/totp/enrolment/confirm', { code }),
    );
  } else if (me.secondFactorPending) {
    const ctx = contextOf(app);
    const secret = await totpSecretOf(ctx, me.userId);
    // A code is good once, but tests sign one user in many times within a 30-second step (a
    // ManualClock stands still): forget the step last used, so this sign-in's code counts.
    await ctx.db
      .updateTable('users')
      .set({ totp_last_step: null })
      .where('id', '=', me.userId)
      .execute();
    expectOk(
      'TOTP verification',
      await client.send('POST', '/api/v1/auth/totp/verify', { code: totpCode(ctx, secret) }),
    );
  }
  return client;
}
