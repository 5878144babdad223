import { randomUUID } from 'node:crypto';
import type { AppContext } from '../../src/context.js';
import type { OrganizationKind } from '../../src/db/schema.js';
import { insertUser } from '../../src/features/identity/repo.js';
import { hashPassword } from '../../src/features/identity/secrets.js';
import { createFirstOfficer } from '../../src/features/office/setup.js';
import { insertOrganization } from '../../src/features/organizations/repo.js';
import type { LightMyRequestResponse } from 'fastify';
import type { App } from '../../src/http/app.js';

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

/** Signs in through the API and returns a client that sends the session cookie and CSRF token. */
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
  const { csrfToken } = response.json<{ csrfToken: string }>();
  const cookieHeader = `${cookie.name}=${cookie.value}`;
  return {
    cookie: cookieHeader,
    csrfToken,
    get: (url) => app.inject({ method: 'GET', url, headers: { cookie: cookieHeader } }),
    send: (method, url, body) =>
      app.inject({
        method,
        url,
        headers: { cookie: cookieHeader, 'x-csrf-token': csrfToken },
        ...(body === undefined ? {} : { payload: body as Record<string, unknown> }),
      }),
  };
}
