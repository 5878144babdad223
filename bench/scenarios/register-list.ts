// The public register's list, GET /api/v1/register, on a register the size of a busy national
// market: 2,000 providers and 20,000 accredited offerings (1-3 data centres each, a mix of
// countries, models, levels and statuses), in a fresh SQLite database. The latency of one request
// is what a person waits for when changing a filter, so requests go one at a time over a kept-alive
// loopback connection, cycling through the filters people use (level and residency, service
// model, status, a name search, the default list, deeper pages), and the 95th percentile is
// reported: the median over rounds of each round's p95.
//
// The database is seeded here before the server starts, with batched inserts in one transaction;
// the rows are what the workflow writes (application rows from the mapper, register rows from the
// projection's own `registerEntryOf`), so the list reads what it would read in production.
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import type { Insertable, Kysely } from 'kysely';
import { loadConfig } from '../../src/config.js';
import { AppContext } from '../../src/context.js';
import { migrateToLatest } from '../../src/db/migrate.js';
import type {
  Database,
  DeploymentModel,
  LocationPurpose,
  OfferingLocationsTable,
  OfferingsTable,
  OrganizationsTable,
  RegisterEntriesTable,
  ServiceModel,
  AccreditationApplicationsTable,
} from '../../src/db/schema.js';
import { newRow } from '../../src/features/accreditation/mapper.js';
import type { AccreditationRecord } from '../../src/features/accreditation/workflow.js';
import { DEFAULT_LEVELS, seedDefaultContent } from '../../src/features/levels/seed.js';
import { nameKey } from '../../src/features/organizations/repo.js';
import { registerEntryOf } from '../../src/features/register/projection.js';
import type { RegisterStatus } from '../../src/features/register/history.js';
import { createLogger } from '../../src/logger.js';
import { atExit } from '../lib/cleanup.js';
import { startServerProcess, type ServerProcess } from '../lib/child.js';
import { seededRandom } from '../lib/random.js';
import { median, round, type Figure, type Scenario } from '../lib/scenario.js';

const PROVIDERS = 2_000;
const OFFERINGS = 20_000;
const AUDIT_FIRMS = 25;
/** Requests measured per round, after the warm-up. */
const REQUESTS_PER_ROUND = 300;
const WARMUP_REQUESTS = 60;
/** Rows per INSERT: under SQLite's 32,766 bound variables for the widest table (25 columns). */
const INSERT_BATCH = 500;

/** The filters a visitor of the register uses, in rotation. */
const QUERIES = [
  '',
  '?level=baseline&residency=in_country',
  '?serviceModel=saas',
  '?status=suspended',
  '?q=vault',
  '?level=enhanced&residency=outside',
  '?deploymentModel=government&sort=validUntil',
  '?status=accredited&level=maximum&sort=provider',
  '?q=indus',
  '?serviceModel=iaas&residency=in_country&offset=100',
  '?sort=decidedOn&order=desc',
  '?offset=1000',
] as const;

/** Picks a value by weight. */
function weighted<T>(next: () => number, choices: readonly [T, number][]): T {
  const total = choices.reduce((sum, [, weight]) => sum + weight, 0);
  let roll = next() * total;
  for (const [value, weight] of choices) {
    roll -= weight;
    if (roll < 0) return value;
  }
  const last = choices.at(-1);
  if (!last) throw new Error('no choices');
  return last[0];
}

const PROVIDER_WORDS = ['Indus', 'Karakoram', 'Ravi', 'Margalla', 'Thar', 'Sindh', 'Hunza', 'Swat'];
const PRODUCT_WORDS = [
  'Compute',
  'Vault',
  'Mail',
  'Desk',
  'Archive',
  'Analytics',
  'Storage',
  'Edge',
];
const OTHER_COUNTRIES = ['AE', 'SA', 'SG', 'DE', 'IE', 'NL', 'GB', 'US', 'IN', 'TR'];
const CITIES: Record<string, string> = { PK: 'Karachi', AE: 'Dubai', SG: 'Singapore' };

function addDays(day: string, days: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}

async function insertInBatches<T extends keyof Database>(
  db: Kysely<Database>,
  table: T,
  rows: readonly Insertable<Database[T]>[],
): Promise<void> {
  for (let i = 0; i < rows.length; i += INSERT_BATCH) {
    await db
      .insertInto(table)
      .values(rows.slice(i, i + INSERT_BATCH))
      .execute();
  }
}

/**
 * Seeds a fresh database with the register; returns how long it took, in seconds. `env` names the
 * database as the server's environment would (DATA_DIR for SQLite, or DATABASE_URL and SECRET_KEY).
 */
export async function seedRegister(env: Record<string, string>): Promise<number> {
  const started = performance.now();
  const config = loadConfig({ ...env, LOG_LEVEL: 'warn' });
  const ctx = await AppContext.create(config, { logger: createLogger('warn') });
  try {
    await migrateToLatest(ctx.db);
    await seedDefaultContent(ctx);
    const next = seededRandom(20_261_206);
    const at = '2026-06-01T08:00:00.000Z';

    const organization = (kind: 'csp' | 'audit_firm', name: string) =>
      ({
        id: randomUUID(),
        kind,
        name,
        name_key: nameKey(name),
        status: 'active',
        created_at: at,
        updated_at: at,
      }) satisfies Insertable<OrganizationsTable>;
    const providers = Array.from({ length: PROVIDERS }, (_, i) =>
      organization(
        'csp',
        `${PROVIDER_WORDS[i % PROVIDER_WORDS.length] ?? 'Cloud'} Cloud ${String(i + 1).padStart(4, '0')}`,
      ),
    );
    const firms = Array.from({ length: AUDIT_FIRMS }, (_, i) =>
      organization('audit_firm', `Assurance Partners ${i + 1}`),
    );

    const offerings: Insertable<OfferingsTable>[] = [];
    const locations: Insertable<OfferingLocationsTable>[] = [];
    const applications: Insertable<AccreditationApplicationsTable>[] = [];
    const entries: RegisterEntriesTable[] = [];
    for (let i = 0; i < OFFERINGS; i += 1) {
      const provider = providers[i % PROVIDERS];
      const firm = firms[Math.floor(next() * AUDIT_FIRMS)];
      if (!provider || !firm) throw new Error('seed lists are shorter than expected');
      const offeringId = randomUUID();
      const name = `${PRODUCT_WORDS[Math.floor(next() * PRODUCT_WORDS.length)] ?? 'Service'} ${i + 1}`;
      offerings.push({
        id: offeringId,
        organization_id: provider.id,
        name,
        name_key: nameKey(name),
        description: `${name}, a cloud service of ${provider.name}.`,
        service_model: weighted<ServiceModel>(next, [
          ['iaas', 30],
          ['paas', 25],
          ['saas', 45],
        ]),
        deployment_model: weighted<DeploymentModel>(next, [
          ['public', 50],
          ['government', 20],
          ['private', 15],
          ['hybrid', 15],
        ]),
        website: null,
        created_at: at,
        updated_at: at,
      });
      const count = 1 + Math.floor(next() * 3);
      for (let position = 0; position < count; position += 1) {
        const country =
          next() < 0.6
            ? 'PK'
            : (OTHER_COUNTRIES[Math.floor(next() * OTHER_COUNTRIES.length)] ?? 'AE');
        locations.push({
          id: randomUUID(),
          offering_id: offeringId,
          position,
          country,
          city: CITIES[country] ?? 'Capital',
          operator: 'Data Centre Ltd',
          // The first site holds customer data; others are more of it, backups or recovery.
          purpose:
            position === 0
              ? 'customer_data'
              : weighted<LocationPurpose>(next, [
                  ['customer_data', 40],
                  ['backup', 35],
                  ['disaster_recovery', 25],
                ]),
        });
      }

      const level =
        DEFAULT_LEVELS[
          weighted(next, [
            [0, 40],
            [1, 30],
            [2, 20],
            [3, 10],
          ] as [number, number][])
        ] ?? DEFAULT_LEVELS[0];
      const status = weighted<RegisterStatus>(next, [
        ['accredited', 80],
        ['suspended', 7],
        ['revoked', 5],
        ['expired', 8],
      ]);
      const decidedOn = addDays('2023-06-01', Math.floor(next() * 1_000));
      const levelRef = { code: level.code, rank: level.rank };
      const record: AccreditationRecord = {
        id: randomUUID(),
        offeringId,
        cspOrganizationId: provider.id,
        kind: 'initial',
        predecessorId: null,
        status,
        levelSought: levelRef,
        submission: { levelVersion: 1, controlIds: [] },
        returnReasons: null,
        auditFirm: { id: firm.id, name: firm.name },
        assessment: null,
        legalReview: { outcome: 'cleared', notes: '' },
        grant: {
          level: levelRef,
          validFrom: decidedOn,
          validUntil: addDays(decidedOn, 365 * (1 + Math.floor(next() * 3))),
          decidedOn,
        },
        conditions: [],
        suspension:
          status === 'suspended'
            ? { reason: 'Under review', effectiveOn: addDays(decidedOn, 200) }
            : null,
        closure: status === 'revoked' ? { reasons: ['Breach'], successorId: null } : null,
      };
      applications.push(newRow(record, { at, userId: null }));
      const entry = registerEntryOf(record, at);
      if (entry) entries.push(entry);
    }

    await ctx.db.transaction().execute(async (trx) => {
      await insertInBatches(trx, 'organizations', [...providers, ...firms]);
      await insertInBatches(trx, 'offerings', offerings);
      await insertInBatches(trx, 'offering_locations', locations);
      await insertInBatches(trx, 'accreditation_applications', applications);
      await insertInBatches(trx, 'register_entries', entries);
    });
  } finally {
    await ctx.close();
  }
  return (performance.now() - started) / 1000;
}

/** One GET, timed from the request to the last byte of the body. */
async function timedGet(url: string): Promise<number> {
  const started = performance.now();
  const response = await fetch(url, { signal: AbortSignal.timeout(10_000) });
  const body = await response.text();
  const elapsed = performance.now() - started;
  if (response.status !== 200) throw new Error(`${url} answered ${response.status}: ${body}`);
  return elapsed;
}

/** The value below which `share` of the sorted values fall (nearest rank). */
function percentile(sorted: readonly number[], share: number): number {
  const value = sorted[Math.max(0, Math.ceil(share * sorted.length) - 1)];
  if (value === undefined) throw new Error('percentile of no values');
  return value;
}

export const registerList: Scenario = {
  name: 'register-list',
  description: `GET /api/v1/register with rotating filters over ${OFFERINGS} offerings of ${PROVIDERS} providers, one request at a time`,
  async run({ settings, log }): Promise<Figure[]> {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cloud-office-bench-'));
    const removeDataDir = () => fs.rmSync(dataDir, { recursive: true, force: true });
    const forgetDataDir = atExit(removeDataDir);
    let server: ServerProcess | undefined;
    try {
      const seconds = await seedRegister({ DATA_DIR: dataDir });
      log(`seeded ${OFFERINGS} offerings of ${PROVIDERS} providers in ${seconds.toFixed(1)} s`);
      server = await startServerProcess('app', {
        args: [dataDir],
        logFile: path.join(dataDir, 'server.log'),
      });
      const base = `${server.url}/api/v1/register`;
      const first = (await (await fetch(base)).json()) as { total: number };
      if (first.total !== OFFERINGS) {
        throw new Error(`the register lists ${first.total} offerings, not ${OFFERINGS}`);
      }
      for (let i = 0; i < WARMUP_REQUESTS; i += 1) {
        await timedGet(base + (QUERIES[i % QUERIES.length] ?? ''));
      }

      const p50s: number[] = [];
      const p95s: number[] = [];
      const p99s: number[] = [];
      const byQuery = new Map<string, number[]>();
      for (let pass = 0; pass < settings.rounds; pass += 1) {
        const times: number[] = [];
        for (let i = 0; i < REQUESTS_PER_ROUND; i += 1) {
          const query = QUERIES[i % QUERIES.length] ?? '';
          const elapsed = await timedGet(base + query);
          times.push(elapsed);
          byQuery.set(query, [...(byQuery.get(query) ?? []), elapsed]);
        }
        times.sort((a, b) => a - b);
        p50s.push(percentile(times, 0.5));
        p95s.push(percentile(times, 0.95));
        p99s.push(percentile(times, 0.99));
        log(
          `round ${pass + 1}/${settings.rounds}: p50 ${percentile(times, 0.5).toFixed(1)} ms, ` +
            `p95 ${percentile(times, 0.95).toFixed(1)} ms, max ${(times.at(-1) ?? 0).toFixed(1)} ms`,
        );
      }
      for (const [query, times] of byQuery) {
        const sorted = [...times].sort((a, b) => a - b);
        log(
          `  ${(query || '(default)').padEnd(52)} p50 ${percentile(sorted, 0.5).toFixed(1)} ms, p95 ${percentile(sorted, 0.95).toFixed(1)} ms`,
        );
      }
      return [
        { name: 'register.list.p95_ms', value: round(median(p95s), 1), unit: 'ms' },
        { name: 'register.list.p50_ms', value: round(median(p50s), 1), unit: 'ms' },
        { name: 'register.list.p99_ms', value: round(median(p99s), 1), unit: 'ms' },
        { name: 'register.seed_s', value: round(seconds, 1), unit: 's' },
      ];
    } finally {
      await server?.stop();
      removeDataDir();
      forgetDataDir();
    }
  },
};
