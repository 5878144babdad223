// An authenticated read next to /healthz on the same server: GET /api/v1/organizations/:id as a
// signed-in CSP administrator, once with the session cookie (and its database lookups: session,
// user, organization, the record's owner) and once with a personal API token. The ratio to
// /healthz is what authentication, access control and the read itself cost.
//
// The server runs in its own process on a SQLite database in a temporary folder; this process
// seeds that database directly (as a second SQLite connection, which WAL allows), then signs in
// over HTTP like any client.
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../src/config.js';
import { AppContext } from '../../src/context.js';
import { insertUser } from '../../src/features/identity/repo.js';
import { hashPassword } from '../../src/features/identity/secrets.js';
import { totpCodeAt, totpStep } from '../../src/features/identity/totp.js';
import { insertOrganization } from '../../src/features/organizations/repo.js';
import { createLogger } from '../../src/logger.js';
import { atExit } from '../lib/cleanup.js';
import { startServerProcess, type ServerProcess } from '../lib/child.js';
import { measureInRounds } from '../lib/rounds.js';
import { round, type Figure, type Scenario } from '../lib/scenario.js';

const EMAIL = 'bench-admin@csp.example';
const PASSWORD = 'bench password, long enough';

async function seed(dataDir: string): Promise<string> {
  const config = loadConfig({ DATA_DIR: dataDir, LOG_LEVEL: 'warn' });
  const ctx = await AppContext.create(config, { logger: createLogger('warn') });
  try {
    const at = new Date().toISOString();
    const organizationId = randomUUID();
    await insertOrganization(ctx.db, {
      id: organizationId,
      kind: 'csp',
      name: 'Bench Cloud',
      status: 'active',
      created_at: at,
    });
    await insertUser(ctx.db, {
      id: randomUUID(),
      organization_id: organizationId,
      email: EMAIL,
      display_name: 'Bench Admin',
      role: 'csp_admin',
      status: 'active',
      password_hash: await hashPassword(PASSWORD),
      created_at: at,
    });
    return organizationId;
  } finally {
    await ctx.close();
  }
}

async function signIn(url: string): Promise<{ cookie: string; csrfToken: string }> {
  const response = await fetch(`${url}/api/v1/auth/sign-in`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: EMAIL, password: PASSWORD }),
    signal: AbortSignal.timeout(10_000),
  });
  if (response.status !== 200)
    throw new Error(`sign-in answered ${response.status}: ${await response.text()}`);
  const cookie = (response.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
  const { csrfToken } = (await response.json()) as { csrfToken: string };
  return { cookie, csrfToken };
}

/** Enrols TOTP through the API: only a user with a second factor may make a token. */
async function enrolSecondFactor(
  url: string,
  session: { cookie: string; csrfToken: string },
): Promise<void> {
  const post = (route: string, body: unknown) =>
    fetch(`${url}${route}`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        cookie: session.cookie,
        'x-csrf-token': session.csrfToken,
      },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(10_000),
    });
  const enrolment = await post('/api/v1/auth/totp/enrolment', {});
  if (enrolment.status !== 200)
    throw new Error(`TOTP enrolment answered ${enrolment.status}: ${await enrolment.text()}`);
  const { secret } = (await enrolment.json()) as { secret: string };
  const confirmed = await post('/api/v1/auth/totp/enrolment/confirm', {
    code: totpCodeAt(secret, totpStep(new Date())),
  });
  if (confirmed.status !== 200)
    throw new Error(`TOTP confirmation answered ${confirmed.status}: ${await confirmed.text()}`);
}

async function createToken(
  url: string,
  session: { cookie: string; csrfToken: string },
): Promise<string> {
  await enrolSecondFactor(url, session);
  const response = await fetch(`${url}/api/v1/api-tokens`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      cookie: session.cookie,
      'x-csrf-token': session.csrfToken,
    },
    body: JSON.stringify({ name: 'bench', scopes: ['read'], expiresInDays: 1 }),
    signal: AbortSignal.timeout(10_000),
  });
  if (response.status !== 201)
    throw new Error(`creating an API token answered ${response.status}: ${await response.text()}`);
  return ((await response.json()) as { token: string }).token;
}

export const httpAuthRead: Scenario = {
  name: 'http-auth-read',
  description:
    'GET /api/v1/organizations/:id with a session cookie and with an API token, next to /healthz',
  async run(context): Promise<Figure[]> {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cloud-office-bench-'));
    const removeDataDir = () => fs.rmSync(dataDir, { recursive: true, force: true });
    const forgetDataDir = atExit(removeDataDir);
    let server: ServerProcess | undefined;
    try {
      server = await startServerProcess('app', {
        args: [dataDir],
        logFile: path.join(dataDir, 'server.log'),
      });
      const organizationId = await seed(dataDir);
      const session = await signIn(server.url);
      const token = await createToken(server.url, session);
      const read = `/api/v1/organizations/${organizationId}`;
      const results = await measureInRounds(
        [
          { label: 'healthz', server, path: '/healthz' },
          { label: 'auth_read', server, path: read, headers: { cookie: session.cookie } },
          {
            label: 'auth_read_token',
            server,
            path: read,
            headers: { authorization: `Bearer ${token}` },
          },
        ],
        context,
      );
      const get = (label: string) => {
        const result = results.get(label);
        if (!result) throw new Error(`no result for ${label}`);
        return result;
      };
      const healthz = get('healthz');
      return ['auth_read', 'auth_read_token'].flatMap((label) => {
        const result = get(label);
        return [
          { name: `http.${label}.rps`, value: round(result.rps), unit: 'req/s' },
          {
            name: `http.${label}.ratio_to_healthz`,
            value: round(result.rps / healthz.rps, 3),
            unit: 'ratio',
          },
          { name: `http.${label}.p99`, value: round(result.p99Ms, 1), unit: 'ms' },
          { name: `http.${label}.cpu_per_req`, value: round(result.cpuPerRequest, 1), unit: 'us' },
        ];
      });
    } finally {
      await server?.stop();
      removeDataDir();
      forgetDataDir();
    }
  },
};
