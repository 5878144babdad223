// Re-evaluating every placement after a policy change (issue 6): `placement.reevaluate_all.ms`,
// the time `reevaluateAllSystems` takes for 50,000 classified systems on SQLite, database writes
// included (every decision stored with its inputs, every status written, the audit event), in one
// transaction as the policy's publication runs it. Target: well under 10 seconds.
//
// A fresh SQLite database is seeded here with batched inserts: 300 offerings of 30 providers
// (mixed service and deployment models, data centres at home and abroad), most accredited through
// application records and their register rows as the workflow writes them (a few suspended,
// revoked or expired, some never accredited), and 50,000 systems of 400 PSEs, each classified
// (classes spread as a government's are), running on an offering and a third proposed for another.
// The placements are evaluated once (the state a running installation has), then each round
// publishes a new policy version (alternately raising Restricted to Enhanced and back) and times
// the re-evaluation of all systems under it: every system's decisions change, so every one is
// written. The median over BENCH_ROUNDS rounds is reported.
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
  AccreditationApplicationsTable,
  Database,
  DeploymentModel,
  OfferingLocationsTable,
  OfferingsTable,
  OrganizationsTable,
  PseSystemsTable,
  RegisterEntriesTable,
  ServiceModel,
  SystemClassificationsTable,
} from '../../src/db/schema.js';
import { newRow } from '../../src/features/accreditation/mapper.js';
import type {
  AccreditationRecord,
  AccreditationStatus,
} from '../../src/features/accreditation/workflow.js';
import { DEFAULT_LEVELS, seedDefaultContent } from '../../src/features/levels/seed.js';
import { nameKey } from '../../src/features/organizations/repo.js';
import { reevaluateAllSystemsReport } from '../../src/features/placement/decisions-service.js';
import { DEFAULT_POLICY_PACK } from '../../src/features/placement/default-pack.js';
import type { PolicyPack } from '../../src/features/placement/model.js';
import * as policyRepo from '../../src/features/placement/policy-repo.js';
import { seedDefaultPolicy } from '../../src/features/placement/seed.js';
import { registerEntryOf } from '../../src/features/register/projection.js';
import { createLogger } from '../../src/logger.js';
import { atExit } from '../lib/cleanup.js';
import { seededRandom } from '../lib/random.js';
import { median, round, type Figure, type Scenario } from '../lib/scenario.js';

const SYSTEMS = 50_000;
const OFFERINGS = 300;
const PROVIDERS = 30;
const PSES = 400;
/** Rows per INSERT: under SQLite's 32,766 bound variables for the widest table (29 columns). */
const INSERT_BATCH = 500;
const HOME = DEFAULT_POLICY_PACK.homeCountry;
const ABROAD = ['AE', 'DE', 'IE', 'SG', 'US', 'GB'] as const;

function weighted<T>(next: () => number, choices: readonly (readonly [T, number])[]): T {
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

/** Seeds offerings, accreditations and classified systems; returns the offering ids. */
async function seed(ctx: AppContext): Promise<void> {
  const next = seededRandom(20_261_206);
  const at = '2026-06-01T08:00:00.000Z';
  const organization = (kind: 'csp' | 'pse' | 'audit_firm', name: string) =>
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
    organization('csp', `Provider ${i + 1}`),
  );
  const pses = Array.from({ length: PSES }, (_, i) => organization('pse', `Ministry ${i + 1}`));
  const firm = organization('audit_firm', 'Assurance Partners');

  const offerings: Insertable<OfferingsTable>[] = [];
  const locations: Insertable<OfferingLocationsTable>[] = [];
  const applications: Insertable<AccreditationApplicationsTable>[] = [];
  const entries: RegisterEntriesTable[] = [];
  for (let i = 0; i < OFFERINGS; i++) {
    const provider = providers[i % PROVIDERS];
    if (!provider) throw new Error('no provider');
    const id = randomUUID();
    const deployment = weighted<DeploymentModel>(next, [
      ['public', 45],
      ['government', 35],
      ['private', 10],
      ['hybrid', 10],
    ]);
    const name = `Offering ${i + 1}`;
    offerings.push({
      id,
      organization_id: provider.id,
      name,
      name_key: nameKey(name),
      description: `${name} of ${provider.name}`,
      service_model: weighted<ServiceModel>(next, [
        ['saas', 45],
        ['paas', 25],
        ['iaas', 30],
      ]),
      deployment_model: deployment,
      website: null,
      created_at: at,
      updated_at: at,
    });
    const home = deployment === 'government' || next() < 0.3;
    const customer = home ? HOME : (ABROAD[Math.floor(next() * ABROAD.length)] ?? 'US');
    locations.push({
      id: randomUUID(),
      offering_id: id,
      position: 0,
      country: customer,
      city: customer === HOME ? 'Islamabad' : 'Capital',
      operator: 'DC Ltd',
      purpose: 'customer_data',
    });
    locations.push({
      id: randomUUID(),
      offering_id: id,
      position: 1,
      country: home && next() < 0.2 ? 'AE' : customer,
      city: 'Backup city',
      operator: 'DC Ltd',
      purpose: 'disaster_recovery',
    });
    // Most are accredited; some never were.
    if (next() < 0.1) continue;
    const level =
      DEFAULT_LEVELS[
        weighted(next, [
          [0, 30],
          [1, 30],
          [2, 25],
          [3, 15],
        ] as const)
      ];
    const status = weighted<AccreditationStatus>(next, [
      ['accredited', 88],
      ['suspended', 5],
      ['revoked', 3],
      ['expired', 4],
    ]);
    const levelRef = { code: level.code, rank: level.rank };
    const record: AccreditationRecord = {
      id: randomUUID(),
      offeringId: id,
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
        validFrom: '2026-01-01',
        validUntil: status === 'expired' ? '2026-05-31' : '2099-12-31',
        decidedOn: '2026-01-01',
      },
      conditions: [],
      suspension:
        status === 'suspended' ? { reason: 'Under review', effectiveOn: '2026-05-01' } : null,
      closure: status === 'revoked' ? { reasons: ['Breach'], successorId: null } : null,
    };
    applications.push(newRow(record, { at, userId: null }));
    const entry = registerEntryOf(record, at);
    if (entry) entries.push(entry);
  }

  const systems: Insertable<PseSystemsTable>[] = [];
  const classifications: Insertable<SystemClassificationsTable>[] = [];
  const offeringAt = (index: number) => offerings[index % OFFERINGS]?.id ?? null;
  for (let i = 0; i < SYSTEMS; i++) {
    const pse = pses[i % PSES];
    if (!pse) throw new Error('no PSE');
    const id = randomUUID();
    const classificationId = randomUUID();
    const classCode = weighted(next, [
      ['public', 38],
      ['restricted', 35],
      ['sensitive', 22],
      ['secret', 5],
    ] as const);
    const onPremises = next() < 0.03;
    const proposed = next() < 0.33;
    const name = `System ${i + 1}`;
    systems.push({
      id,
      organization_id: pse.id,
      name,
      name_key: nameKey(name),
      purpose: 'A system',
      owner_name: 'Owner',
      owner_email: 'owner@pse.example',
      users_description: 'officials',
      users_count: 100,
      current_kind: onPremises ? 'on_premises' : 'offering',
      current_offering_id: onPremises ? null : offeringAt(Math.floor(next() * OFFERINGS)),
      current_facility_name: onPremises ? 'Server room' : null,
      current_facility_country: onPremises ? HOME : null,
      current_facility_operator: onPremises ? 'The PSE' : null,
      proposed_kind: proposed ? 'offering' : null,
      proposed_offering_id: proposed ? offeringAt(Math.floor(next() * OFFERINGS)) : null,
      classification_id: classificationId,
      class_code: classCode,
      status: 'active',
      created_at: at,
      updated_at: at,
    });
    classifications.push({
      id: classificationId,
      system_id: id,
      revision: 1,
      answers: '{"informationTypes":[]}',
      class_code: classCode,
      security_category: '{"confidentiality":"low","integrity":"low","availability":"low"}',
      per_type: '[]',
      rationale: '[]',
      policy_version: 1,
      classified_at: at,
    });
  }

  await ctx.db.transaction().execute(async (trx) => {
    await insertInBatches(trx, 'organizations', [...providers, ...pses, firm]);
    await insertInBatches(trx, 'offerings', offerings);
    await insertInBatches(trx, 'offering_locations', locations);
    await insertInBatches(trx, 'accreditation_applications', applications);
    await insertInBatches(trx, 'register_entries', entries);
    await insertInBatches(trx, 'pse_systems', systems);
    await insertInBatches(trx, 'system_classifications', classifications);
  });
}

/** Publishes `pack` as the next policy version, directly (the workflow is not what is measured). */
async function publishVersion(ctx: AppContext, pack: PolicyPack): Promise<number> {
  const latest = await policyRepo.latestPublished(ctx.db);
  const version = (latest?.version ?? 0) + 1;
  const at = ctx.clock.now().toISOString();
  await policyRepo.insertVersion(ctx.db, {
    id: randomUUID(),
    version,
    status: 'published',
    open_key: null,
    based_on_version: latest?.version ?? null,
    pack: JSON.stringify(pack),
    created_at: at,
    updated_at: at,
    published_at: at,
  });
  return version;
}

function stricterPack(): PolicyPack {
  const pack = structuredClone(DEFAULT_POLICY_PACK);
  pack.rules = pack.rules.map((rule) =>
    rule.classCode === 'restricted' ? { ...rule, minimumLevel: 'enhanced' } : rule,
  );
  return pack;
}

export const placementReevaluate: Scenario = {
  name: 'placement-reevaluate',
  description: `re-evaluating all ${SYSTEMS} placements (${OFFERINGS} offerings) after a policy change, on SQLite, writes included`,
  async run({ settings, log }): Promise<Figure[]> {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cloud-office-bench-'));
    const removeDataDir = () => fs.rmSync(dataDir, { recursive: true, force: true });
    const forgetDataDir = atExit(removeDataDir);
    const config = loadConfig({ DATA_DIR: dataDir, LOG_LEVEL: 'warn' });
    const ctx = await AppContext.create(config, { logger: createLogger('warn') });
    try {
      const seeding = performance.now();
      await migrateToLatest(ctx.db);
      await seedDefaultContent(ctx);
      await seedDefaultPolicy(ctx);
      await seed(ctx);
      log(
        `seeded ${SYSTEMS} classified systems and ${OFFERINGS} offerings in ${((performance.now() - seeding) / 1000).toFixed(1)} s`,
      );

      const first = performance.now();
      const initial = await ctx.db
        .transaction()
        .execute((trx) => reevaluateAllSystemsReport(ctx, trx, 'bench_initial'));
      log(
        `first evaluation: ${initial.evaluated} systems in ${(performance.now() - first).toFixed(0)} ms ` +
          `(${initial.inPolicy} in policy, ${initial.outOfPolicy} out, ${initial.notEvaluated} not evaluated; ` +
          `${initial.decisionsStored} decisions stored)`,
      );

      const times: number[] = [];
      for (let i = 0; i < settings.rounds; i++) {
        const version = await publishVersion(
          ctx,
          i % 2 === 0 ? stricterPack() : DEFAULT_POLICY_PACK,
        );
        const started = performance.now();
        const report = await ctx.db
          .transaction()
          .execute((trx) => reevaluateAllSystemsReport(ctx, trx, 'policy_published'));
        const elapsed = performance.now() - started;
        if (report.evaluated !== SYSTEMS || report.policyVersion !== version) {
          throw new Error(
            `evaluated ${report.evaluated} systems under version ${report.policyVersion}, expected ${SYSTEMS} under ${version}`,
          );
        }
        times.push(elapsed);
        log(
          `round ${i + 1}: policy version ${version}: ${elapsed.toFixed(0)} ms; ` +
            `${report.decisionsStored} decisions stored, ${report.outOfPolicy} out of policy ` +
            `(${report.flagged} flagged, ${report.unflagged} unflagged)`,
        );
      }
      return [{ name: 'placement.reevaluate_all.ms', value: round(median(times), 0), unit: 'ms' }];
    } finally {
      await ctx.close();
      removeDataDir();
      forgetDataDir();
    }
  },
};
