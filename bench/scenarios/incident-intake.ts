// Durable data-breach report intake: POST /api/v1/incidents as a PSE user with a personal API
// token, under concurrent load, against the real server on SQLite. Every 201 means the report, its
// timeline entry, the Office's notice e-mail and the audit event were committed (synchronous=FULL)
// before the answer. Next to it, on the same database file in the same run, the rate of a bare
// insert of the same incident row, each its own committed transaction: the ratio is what the rules,
// the HTTP layer, authentication and the other rows of the transaction cost over storing the row.
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import type { Insertable } from 'kysely';
import { loadConfig } from '../../src/config.js';
import { AppContext } from '../../src/context.js';
import type { IncidentsTable } from '../../src/db/schema.js';
import { API_TOKEN_PREFIX } from '../../src/features/identity/api-tokens.js';
import { insertApiToken, insertUser } from '../../src/features/identity/repo.js';
import { hashPassword, hashToken, newToken } from '../../src/features/identity/secrets.js';
import { createFirstOfficer } from '../../src/features/office/setup.js';
import { insertOrganization } from '../../src/features/organizations/repo.js';
import { createLogger } from '../../src/logger.js';
import { atExit } from '../lib/cleanup.js';
import { startServerProcess, type ServerProcess } from '../lib/child.js';
import { measureLoad, type LoadResult } from '../lib/load.js';
import {
  median,
  round,
  type Figure,
  type Scenario,
  type ScenarioContext,
} from '../lib/scenario.js';

const PASSWORD = 'bench password, long enough';
/** A report as a PSE user sends it: the short first form, with a data class and counts. */
function reportBody(discoveredAt: string): Record<string, unknown> {
  return {
    title: 'Payroll export exposed on a public link',
    description:
      'A payroll export was shared through a public link by mistake and was reachable for about ' +
      'forty minutes before the link was withdrawn. Access logs are being reviewed.',
    discoveredAt,
    dataClasses: ['restricted'],
    personalData: false,
    recordsAffected: 1200,
    peopleAffected: 1200,
    contact: { name: 'Bench Reporter', email: 'reporter@pse.example', phone: '+92 51 1234567' },
  };
}

/** The incident row intake stores for that report, with the same columns and values shape. */
function incidentRow(organizationId: string, userId: string, discoveredAt: string) {
  const at = new Date().toISOString();
  const body = reportBody(discoveredAt);
  return {
    id: randomUUID(),
    organization_id: organizationId,
    status: 'reported',
    severity: 'medium',
    severity_reason: 'Restricted data, 1,001 to 10,000 people affected',
    title: body.title as string,
    description: body.description as string,
    discovered_at: discoveredAt,
    reported_at: at,
    reported_by_user_id: userId,
    system_ids: '[]',
    offering_ids: '[]',
    data_classes: JSON.stringify(body.dataClasses),
    personal_data: 0,
    records_affected: 1200,
    people_affected: 1200,
    contact: JSON.stringify(body.contact),
    document_ids: '[]',
    policy_version: 1,
    notice_due_at: new Date(Date.parse(discoveredAt) + 3_600_000).toISOString(),
    // What intake stores for restricted data under the shipped levels (Intermediate: 4 hours).
    level_notice: JSON.stringify({
      dataClass: 'restricted',
      level: 'intermediate',
      levelTitle: 'Intermediate',
      levelVersion: 1,
      parameter: 'co-brr-1_prm_1',
      hours: 4,
    }),
    reporting_delay_seconds: Math.floor((Date.parse(at) - Date.parse(discoveredAt)) / 1000),
    late: 0,
    last_update_at: at,
    final_report_at: null,
    owner_user_id: null,
    closed_at: null,
    revision: 1,
    created_at: at,
    updated_at: at,
  } satisfies Insertable<IncidentsTable>;
}

interface Seeded {
  organizationId: string;
  userId: string;
  token: string;
}

/** The Cloud Office (whose DG Cloud is told of each report), a PSE, its user and their token. */
async function seed(ctx: AppContext): Promise<Seeded> {
  const at = new Date().toISOString();
  await createFirstOfficer(ctx, {
    officeName: 'Bench Cloud Office',
    displayName: 'Director General',
    email: 'dg@office.example',
    password: PASSWORD,
  });
  const organizationId = randomUUID();
  await insertOrganization(ctx.db, {
    id: organizationId,
    kind: 'pse',
    name: 'Bench Ministry',
    status: 'active',
    created_at: at,
  });
  const userId = randomUUID();
  await insertUser(ctx.db, {
    id: userId,
    organization_id: organizationId,
    email: 'reporter@pse.example',
    display_name: 'Bench Reporter',
    role: 'pse_admin',
    status: 'active',
    password_hash: await hashPassword(PASSWORD),
    created_at: at,
  });
  const token = `${API_TOKEN_PREFIX}${newToken()}`;
  await insertApiToken(ctx.db, {
    id: randomUUID(),
    user_id: userId,
    name: 'bench intake',
    token_hash: hashToken(token),
    scopes: JSON.stringify(['read', 'write']),
    created_at: at,
    expires_at: new Date(Date.now() + 86_400_000).toISOString(),
    last_used_at: null,
    revoked_at: null,
  });
  return { organizationId, userId, token };
}

/** POSTs reports for a fixed time; refuses a run with any error or answer other than 2xx. */
function intakeLoad(
  url: string,
  token: string,
  body: string,
  connections: number,
  durationSeconds: number,
): Promise<LoadResult> {
  return measureLoad(url, {
    connections,
    durationSeconds,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    method: 'POST',
    body,
  });
}

/** Inserts incident rows one committed transaction each for `seconds`; rows per second. */
async function bareInserts(
  ctx: AppContext,
  seeded: Seeded,
  discoveredAt: string,
  seconds: number,
): Promise<number> {
  const started = performance.now();
  const end = started + seconds * 1000;
  let count = 0;
  while (performance.now() < end) {
    await ctx.db
      .insertInto('incidents')
      .values(incidentRow(seeded.organizationId, seeded.userId, discoveredAt))
      .execute();
    count += 1;
  }
  return count / ((performance.now() - started) / 1000);
}

async function countIncidents(ctx: AppContext): Promise<number> {
  const row = await ctx.db
    .selectFrom('incidents')
    .select((eb) => eb.fn.countAll<number>().as('count'))
    .executeTakeFirstOrThrow();
  return row.count;
}

export const incidentIntake: Scenario = {
  name: 'incident-intake',
  description:
    'POST /api/v1/incidents with an API token under concurrent load (durable), next to a bare insert of the same row',
  async run({ settings, log }: ScenarioContext): Promise<Figure[]> {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cloud-office-bench-'));
    const removeDataDir = () => fs.rmSync(dataDir, { recursive: true, force: true });
    const forgetDataDir = atExit(removeDataDir);
    let server: ServerProcess | undefined;
    let ctx: AppContext | undefined;
    try {
      server = await startServerProcess('app', {
        args: [dataDir],
        logFile: path.join(dataDir, 'server.log'),
      });
      // A second connection to the server's database file (WAL allows it), opened as the server
      // opens it, for the seed and the bare inserts.
      ctx = await AppContext.create(loadConfig({ DATA_DIR: dataDir, LOG_LEVEL: 'warn' }), {
        logger: createLogger('warn'),
      });
      const seeded = await seed(ctx);
      // Discovered a few minutes ago: on time, so every report takes the same path.
      const discoveredAt = new Date(Date.now() - 5 * 60_000).toISOString();
      const body = JSON.stringify(reportBody(discoveredAt));
      const url = `${server.url}/api/v1/incidents`;
      const probe = await fetch(url, {
        method: 'POST',
        headers: { authorization: `Bearer ${seeded.token}`, 'content-type': 'application/json' },
        body,
        signal: AbortSignal.timeout(10_000),
      });
      if (probe.status !== 201)
        throw new Error(`a report answered ${probe.status}: ${await probe.text()}`);

      if (settings.warmupSeconds > 0) {
        log(`warming up intake for ${settings.warmupSeconds} s`);
        await intakeLoad(url, seeded.token, body, settings.connections, settings.warmupSeconds);
        await bareInserts(ctx, seeded, discoveredAt, settings.warmupSeconds);
      }
      const intake: number[] = [];
      const p99: number[] = [];
      const bare: number[] = [];
      for (let pass = 0; pass < settings.rounds; pass += 1) {
        // Alternating order, so that drift in the machine falls on both alike.
        const measureIntake = async () => {
          const before = await countIncidents(ctx as AppContext);
          const result = await intakeLoad(
            url,
            seeded.token,
            body,
            settings.connections,
            settings.durationSeconds,
          );
          const stored = (await countIncidents(ctx as AppContext)) - before;
          // Requests still in flight when the run stops may commit after it: more, never fewer.
          if (stored < result.requests) {
            throw new Error(`${result.requests} reports acknowledged, only ${stored} stored`);
          }
          intake.push(result.rps);
          p99.push(result.p99Ms);
          log(
            `round ${pass + 1}/${settings.rounds} intake: ${Math.round(result.rps)} reports/s, p99 ${result.p99Ms} ms`,
          );
        };
        const measureBare = async () => {
          const rate = await bareInserts(
            ctx as AppContext,
            seeded,
            discoveredAt,
            settings.durationSeconds,
          );
          bare.push(rate);
          log(`round ${pass + 1}/${settings.rounds} bare insert: ${Math.round(rate)} rows/s`);
        };
        if (pass % 2 === 0) {
          await measureIntake();
          await measureBare();
        } else {
          await measureBare();
          await measureIntake();
        }
      }
      const intakeRate = median(intake);
      const bareRate = median(bare);
      return [
        { name: 'incident.intake.per_s', value: round(intakeRate), unit: 'reports/s' },
        {
          name: 'incident.intake.ratio_to_bare_insert',
          value: round(intakeRate / bareRate, 3),
          unit: 'ratio',
        },
        { name: 'incident.intake.p99', value: round(median(p99), 1), unit: 'ms' },
        { name: 'incident.bare_insert.per_s', value: round(bareRate), unit: 'rows/s' },
      ];
    } finally {
      await ctx?.close();
      await server?.stop();
      removeDataDir();
      forgetDataDir();
    }
  },
};
