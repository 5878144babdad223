// The duty check (issue 7, item 2): `duties.check.ms`, one full `checkDuties` (pure: every
// measurable duty of the default obligations against the facts, failures with their evidence and
// keys, sorted) over 100,000 open items, in this process on one thread; and `duties.check_db.ms`,
// the whole scheduled `runDutyCheck` over the same items stored in a fresh SQLite database (the
// facts loaded in bulk, the check, the failures already recorded looked up), as each hourly run
// of an installation with nothing new does it.
//
// A synthetic set, the same on every run (seeded): 2,000 offerings of 50 providers hosting 20,000
// systems of 400 PSEs, 8,000 breach reports, 30,000 incident-report requests, 30,000 response
// actions, 6,000 audit findings and 4,000 accreditation conditions; a few percent of each fail
// (an offering's accreditation lapsed, a placement refused, a late report, a request or action
// overdue or done late, a critical finding left open past 30 days, a condition overdue), about
// 3,000 failures in all. The pure check runs max(5, BENCH_ROUNDS) times after a warm-up; the
// median is reported and the spread logged. The database figure's first run (which opens the
// breaches) is logged, not reported.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import type { Insertable, Kysely } from 'kysely';
import { loadConfig } from '../../src/config.js';
import { AppContext } from '../../src/context.js';
import { migrateToLatest } from '../../src/db/migrate.js';
import type { Database } from '../../src/db/schema.js';
import { newRow } from '../../src/features/accreditation/mapper.js';
import type { AccreditationRecord } from '../../src/features/accreditation/workflow.js';
import type { DutyFacts } from '../../src/features/duties/check.js';
import { checkDuties } from '../../src/features/duties/check.js';
import { DEFAULT_OBLIGATIONS } from '../../src/features/duties/default-obligations.js';
import { nameKey } from '../../src/features/organizations/repo.js';
import { seedDefaultPolicy } from '../../src/features/placement/seed.js';
import { registerEntryOf } from '../../src/features/register/projection.js';
import { runDutyCheck } from '../../src/jobs/duties.js';
import { createLogger } from '../../src/logger.js';
import { atExit } from '../lib/cleanup.js';
import { seededRandom } from '../lib/random.js';
import { median, round, type Figure, type Scenario } from '../lib/scenario.js';

const AT = '2026-06-15T12:00:00.000Z';
const AT_MS = Date.parse(AT);
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const PROVIDERS = 50;
const PSES = 400;
const OFFERINGS = 2_000;
const SYSTEMS = 20_000;
const REPORTS = 8_000;
const REQUESTS = 30_000;
const ACTIONS = 30_000;
/** Per offering's accreditation: 3 findings and 2 conditions (6,000 and 4,000). */
const FINDINGS_EACH = 3;
const CONDITIONS_EACH = 2;
const INSERT_BATCH = 400;

const iso = (ms: number) => new Date(ms).toISOString();
const dayOf = (ms: number) => iso(ms).slice(0, 10);

/** The stored shape behind the facts, so the database figure checks the very same items. */
interface World {
  offerings: { id: string; cspId: string; inForce: boolean }[];
  systems: { id: string; pseId: string; offeringId: string; allowed: boolean }[];
  reports: { id: string; pseId: string; discoveredAt: string; reportedAt: string }[];
  requests: { id: string; orgId: string; dueAt: string; answeredAt: string | null }[];
  actions: { id: string; orgId: string; dueAt: string; doneAt: string | null }[];
  findings: {
    offeringIndex: number;
    id: string;
    severity: 'low' | 'moderate' | 'high' | 'critical';
    raisedOn: string;
    dueOn: string;
  }[];
  conditions: { offeringIndex: number; id: string; dueOn: string; closedOn: string | null }[];
}

function buildWorld(): World {
  const next = seededRandom(7);
  const cspOf = (i: number) => `csp-${i % PROVIDERS}`;
  const pse = () => `pse-${Math.floor(next() * PSES)}`;
  const anyOrg = () => (next() < 0.7 ? pse() : cspOf(Math.floor(next() * PROVIDERS)));
  /** Due around now: most later, a few already past. */
  const dueAndDone = (failing: number) => {
    const r = next();
    if (r < failing) return { due: AT_MS - (1 + next() * 20) * DAY, done: null }; // overdue
    if (r < failing + 0.01) {
      const due = AT_MS - 10 * DAY;
      return { due, done: due + (1 + next() * 48) * HOUR }; // done late
    }
    if (r < 0.5) {
      const due = AT_MS - next() * 30 * DAY;
      return { due, done: due - (1 + next() * 72) * HOUR }; // done in time
    }
    return { due: AT_MS + (1 + next() * 30) * DAY, done: null }; // not yet due
  };

  const world: World = {
    offerings: [],
    systems: [],
    reports: [],
    requests: [],
    actions: [],
    findings: [],
    conditions: [],
  };
  for (let i = 0; i < OFFERINGS; i++)
    world.offerings.push({ id: `offering-${i}`, cspId: cspOf(i), inForce: next() >= 0.03 });
  for (let i = 0; i < SYSTEMS; i++)
    world.systems.push({
      id: `system-${i}`,
      pseId: pse(),
      offeringId: `offering-${Math.floor(next() * OFFERINGS)}`,
      allowed: next() >= 0.03,
    });
  for (let i = 0; i < REPORTS; i++) {
    const discovered = AT_MS - next() * 20 * DAY;
    const delay = next() < 0.04 ? (2 + next() * 8) * HOUR : next() * 50 * 60_000;
    world.reports.push({
      id: `incident-${i}`,
      pseId: pse(),
      discoveredAt: iso(discovered),
      reportedAt: iso(Math.min(discovered + delay, AT_MS)),
    });
  }
  for (let i = 0; i < REQUESTS; i++) {
    const { due, done } = dueAndDone(0.02);
    world.requests.push({
      id: `request-${i}`,
      orgId: anyOrg(),
      dueAt: iso(due),
      answeredAt: done === null ? null : iso(done),
    });
  }
  for (let i = 0; i < ACTIONS; i++) {
    const { due, done } = dueAndDone(0.02);
    world.actions.push({
      id: `action-${i}`,
      orgId: anyOrg(),
      dueAt: iso(due),
      doneAt: done === null ? null : iso(done),
    });
  }
  for (let o = 0; o < OFFERINGS; o++) {
    // An assessment raises its findings on one day; a third were more than 30 days ago, so their
    // critical findings are open past the window.
    const raised = AT_MS - (next() < 0.3 ? 31 + next() * 60 : next() * 29) * DAY;
    for (let f = 0; f < FINDINGS_EACH; f++) {
      const critical = next() < 0.1;
      world.findings.push({
        offeringIndex: o,
        id: `finding-${o}-${f}`,
        severity: critical ? 'critical' : next() < 0.5 ? 'high' : 'moderate',
        raisedOn: dayOf(raised),
        dueOn: dayOf(raised + 90 * DAY),
      });
    }
    for (let c = 0; c < CONDITIONS_EACH; c++) {
      const { due, done } = dueAndDone(0.03);
      world.conditions.push({
        offeringIndex: o,
        id: `condition-${o}-${c}`,
        dueOn: dayOf(due),
        closedOn: done === null ? null : dayOf(done),
      });
    }
  }
  return world;
}

const asPse = (id: string) => ({ id, party: 'pse' as const });
const asOrg = (id: string) => ({
  id,
  party: id.startsWith('csp') ? ('csp' as const) : ('pse' as const),
});

function factsOf(world: World): DutyFacts {
  const hosting = new Map<string, Set<string>>();
  for (const s of world.systems) {
    let set = hosting.get(s.offeringId);
    if (!set) hosting.set(s.offeringId, (set = new Set()));
    set.add(s.pseId);
  }
  const offerings = world.offerings.filter((o) => hosting.has(o.id));
  const standing = (item: { offeringIndex: number }) =>
    world.offerings[item.offeringIndex]?.inForce === true;
  return {
    offerings: offerings.map((o) => ({
      id: o.id,
      name: `Offering ${o.id}`,
      organizations: [
        { id: o.cspId, party: 'csp' as const },
        ...[...(hosting.get(o.id) ?? [])].map(asPse),
      ],
      hostsPseData: true,
      inForce: o.inForce,
    })),
    systems: world.systems.map((s) => ({
      id: s.id,
      name: `System ${s.id}`,
      organizations: [asPse(s.pseId)],
      placementAllowed: s.allowed,
      placementOutcome: s.allowed ? 'allow' : 'deny',
    })),
    breachReports: world.reports.map((r) => ({
      id: r.id,
      organizations: [asPse(r.pseId)],
      discoveredAt: r.discoveredAt,
      reportedAt: r.reportedAt,
      personalData: r.id.endsWith('7'),
      levelNoticeHours: null,
    })),
    requests: world.requests.map((q) => ({
      id: q.id,
      organizations: [asOrg(q.orgId)],
      dueAt: q.dueAt,
      answeredAt: q.answeredAt,
    })),
    actions: world.actions.map((a) => ({
      id: a.id,
      organizations: [asOrg(a.orgId)],
      dueAt: a.dueAt,
      doneAt: a.doneAt,
    })),
    // A lapsed accreditation's findings and conditions no longer count (as the loader reads them).
    findings: world.findings.filter(standing).map((f) => ({
      id: f.id,
      organizations: [{ id: world.offerings[f.offeringIndex]?.cspId ?? '', party: 'csp' as const }],
      severity: f.severity,
      raisedOn: f.raisedOn,
      dueOn: f.dueOn,
      fixedOn: null,
    })),
    conditions: world.conditions.filter(standing).map((c) => ({
      id: c.id,
      organizations: [{ id: world.offerings[c.offeringIndex]?.cspId ?? '', party: 'csp' as const }],
      text: `Condition ${c.id}`,
      dueOn: c.dueOn,
      closedOn: c.closedOn,
    })),
  };
}

function openItems(facts: DutyFacts): number {
  return (
    facts.offerings.length +
    facts.systems.length +
    facts.breachReports.length +
    facts.requests.length +
    facts.actions.length +
    facts.findings.length +
    facts.conditions.length
  );
}

function spread(times: readonly number[]): string {
  return `${Math.min(...times).toFixed(0)}–${Math.max(...times).toFixed(0)} ms`;
}

async function insertInBatches<T extends keyof Database>(
  db: Kysely<Database>,
  table: T,
  rows: readonly Insertable<Database[T]>[],
): Promise<void> {
  for (let i = 0; i < rows.length; i += INSERT_BATCH)
    await db
      .insertInto(table)
      .values(rows.slice(i, i + INSERT_BATCH))
      .execute();
}

/** Stores the world as the features store it. */
async function seed(ctx: AppContext, world: World): Promise<void> {
  const at = iso(AT_MS - 400 * DAY);
  const organization = (id: string, kind: 'csp' | 'pse') => ({
    id,
    kind,
    name: id,
    name_key: nameKey(id),
    short_name: null,
    parent_id: null,
    pse_tier: null,
    status: 'active' as const,
    contact_email: null,
    contact_name: null,
    registration_note: null,
    decision_note: null,
    created_at: at,
    updated_at: at,
  });
  const organizations = [
    ...Array.from({ length: PROVIDERS }, (_, i) => organization(`csp-${i}`, 'csp')),
    ...Array.from({ length: PSES }, (_, i) => organization(`pse-${i}`, 'pse')),
  ];
  const offerings = world.offerings.map((o) => ({
    id: o.id,
    organization_id: o.cspId,
    name: `Offering ${o.id}`,
    name_key: nameKey(`Offering ${o.id}`),
    description: 'A benchmark offering',
    service_model: 'iaas' as const,
    deployment_model: 'government' as const,
    website: null,
    created_at: at,
    created_by_user_id: null,
    updated_at: at,
    updated_by_user_id: null,
  }));
  const findingsOf = new Map<number, World['findings']>();
  for (const f of world.findings)
    findingsOf.set(f.offeringIndex, [...(findingsOf.get(f.offeringIndex) ?? []), f]);
  const conditionsOf = new Map<number, World['conditions']>();
  for (const c of world.conditions)
    conditionsOf.set(c.offeringIndex, [...(conditionsOf.get(c.offeringIndex) ?? []), c]);
  const applications: Insertable<Database['accreditation_applications']>[] = [];
  const entries: Insertable<Database['register_entries']>[] = [];
  for (const [i, o] of world.offerings.entries()) {
    // A lapsed accreditation expired a month ago; its findings and conditions stop counting.
    const validUntil = o.inForce ? dayOf(AT_MS + 200 * DAY) : dayOf(AT_MS - 30 * DAY);
    const record: AccreditationRecord = {
      id: `application-${i}`,
      offeringId: o.id,
      cspOrganizationId: o.cspId,
      kind: 'initial',
      predecessorId: null,
      status: o.inForce ? 'accredited' : 'expired',
      levelSought: { code: 'intermediate', rank: 2 },
      submission: { levelVersion: 1, controlIds: [] },
      returnReasons: null,
      auditFirm: null,
      assessment: {
        submittedOn: findingsOf.get(i)?.[0]?.raisedOn ?? dayOf(AT_MS - 100 * DAY),
        counts: { satisfied: 100, not_satisfied: 3, not_applicable: 0 },
        findings: (findingsOf.get(i) ?? []).map((f) => ({
          id: f.id,
          controlId: 'ac-2',
          severity: f.severity,
          description: 'A finding',
          dueOn: f.dueOn,
        })),
      },
      legalReview: { outcome: 'cleared', notes: '' },
      grant: {
        level: { code: 'intermediate', rank: 2 },
        validFrom: dayOf(AT_MS - 300 * DAY),
        validUntil,
        decidedOn: dayOf(AT_MS - 300 * DAY),
      },
      conditions: (conditionsOf.get(i) ?? []).map((c) => ({
        id: c.id,
        text: `Condition ${c.id}`,
        dueOn: c.dueOn,
        status: c.closedOn === null ? ('open' as const) : ('closed' as const),
        closedOn: c.closedOn,
        closingNote: null,
      })),
      suspension: null,
      closure: null,
    };
    const row = newRow(record, { at, userId: null });
    applications.push(row);
    const entry = registerEntryOf(record, at);
    if (entry) entries.push(entry);
  }
  const systems = world.systems.map((s) => ({
    id: s.id,
    organization_id: s.pseId,
    name: `System ${s.id}`,
    name_key: nameKey(`System ${s.id}`),
    purpose: 'benchmark',
    owner_name: 'Owner',
    owner_email: 'owner@pse.example',
    users_description: 'officials',
    users_count: 100,
    current_kind: 'offering' as const,
    current_offering_id: s.offeringId,
    current_facility_name: null,
    current_facility_country: null,
    current_facility_operator: null,
    proposed_kind: null,
    proposed_offering_id: null,
    proposed_facility_name: null,
    proposed_facility_country: null,
    proposed_facility_operator: null,
    classification_id: null,
    class_code: null,
    status: 'active' as const,
    created_at: at,
    created_by_user_id: null,
    updated_at: at,
    updated_by_user_id: null,
    archived_at: null,
    archived_by_user_id: null,
  }));
  const placements = world.systems.map((s) => ({
    system_id: s.id,
    status: s.allowed ? ('in_policy' as const) : ('out_of_policy' as const),
    reason: s.allowed ? null : 'Refused by the placement rules',
    flagged_at: s.allowed ? null : at,
    current_decision_id: null,
    proposed_decision_id: null,
    policy_version: 1,
    trigger: 'bench',
    evaluated_at: at,
  }));
  const incidents = world.reports.map((r) => {
    const discovered = Date.parse(r.discoveredAt);
    const reported = Date.parse(r.reportedAt);
    return {
      id: r.id,
      organization_id: r.pseId,
      status: 'investigating' as const,
      severity: 'medium' as const,
      severity_reason: 'benchmark',
      title: `Incident ${r.id}`,
      description: 'benchmark',
      discovered_at: r.discoveredAt,
      reported_at: r.reportedAt,
      reported_by_user_id: null,
      system_ids: '[]',
      offering_ids: '[]',
      data_classes: '[]',
      personal_data: r.id.endsWith('7') ? 1 : 0,
      records_affected: null,
      people_affected: null,
      contact: '{"name":"Contact","email":"contact@pse.example","phone":null}',
      document_ids: '[]',
      policy_version: 1,
      notice_due_at: iso(discovered + HOUR),
      reporting_delay_seconds: Math.floor((reported - discovered) / 1000),
      late: reported > discovered + HOUR ? 1 : 0,
      last_update_at: r.reportedAt,
      final_report_at: null,
      owner_user_id: null,
      closed_at: null,
      revision: 1,
      created_at: r.reportedAt,
      updated_at: r.reportedAt,
    };
  });
  const requests = world.requests.map((q) => ({
    id: q.id,
    organization_id: q.orgId,
    incident_id: null,
    status: q.answeredAt === null ? ('open' as const) : ('answered' as const),
    subject: 'benchmark',
    questions: '["What happened?"]',
    due_at: q.dueAt,
    requested_by_user_id: null,
    requested_by_position: null,
    requested_at: at,
    answer: null,
    answered_at: q.answeredAt,
    answered_by_user_id: null,
    escalation_step: 0,
    escalated_at: null,
    closed_note: null,
    revision: 1,
    updated_at: at,
  }));
  const actions = world.actions.map((a) => ({
    id: a.id,
    organization_id: a.orgId,
    incident_id: null,
    breach_id: null,
    kind: 'contain' as const,
    description: 'benchmark',
    offering_id: null,
    owner_user_id: null,
    due_at: a.dueAt,
    status: a.doneAt === null ? ('ordered' as const) : ('done' as const),
    ordered_by_user_id: null,
    ordered_by_position: null,
    ordered_at: at,
    done_at: a.doneAt,
    verified_at: null,
    verified_by_user_id: null,
    verification_note: null,
    closed_at: null,
    revision: 1,
    updated_at: at,
  }));
  await ctx.db.transaction().execute(async (trx) => {
    await insertInBatches(trx, 'organizations', organizations);
    await insertInBatches(trx, 'offerings', offerings);
    await insertInBatches(trx, 'accreditation_applications', applications);
    await insertInBatches(trx, 'register_entries', entries);
    await insertInBatches(trx, 'pse_systems', systems);
    await insertInBatches(trx, 'system_placements', placements);
    await insertInBatches(trx, 'incidents', incidents);
    await insertInBatches(trx, 'report_requests', requests);
    await insertInBatches(trx, 'response_actions', actions);
  });
}

export const dutiesCheck: Scenario = {
  name: 'duties-check',
  description:
    'the duty check over 100,000 open items: pure checkDuties on one thread, then the whole runDutyCheck on SQLite',
  async run({ settings, log }): Promise<Figure[]> {
    const world = buildWorld();
    const facts = factsOf(world);
    const items = openItems(facts);

    // Warm-up: let V8 optimise the check before anything is timed.
    let failures = checkDuties(DEFAULT_OBLIGATIONS, facts, AT).length;
    const warmupEnd = performance.now() + Math.max(1, settings.warmupSeconds) * 1000;
    while (performance.now() < warmupEnd) checkDuties(DEFAULT_OBLIGATIONS, facts, AT);
    log(
      `${items.toLocaleString('en')} open items (${facts.offerings.length} offerings hosting PSE data), ${failures.toLocaleString('en')} failing`,
    );

    const pure: number[] = [];
    for (let i = 0; i < Math.max(5, settings.rounds); i++) {
      const started = performance.now();
      failures = checkDuties(DEFAULT_OBLIGATIONS, facts, AT).length;
      const elapsed = performance.now() - started;
      pure.push(elapsed);
      log(`round ${i + 1}: checkDuties ${elapsed.toFixed(1)} ms, ${failures} failures`);
    }
    log(`duties.check.ms: median ${median(pure).toFixed(1)} ms, spread ${spread(pure)}`);

    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cloud-office-bench-'));
    const removeDataDir = () => fs.rmSync(dataDir, { recursive: true, force: true });
    const forgetDataDir = atExit(removeDataDir);
    const config = loadConfig({ DATA_DIR: dataDir, LOG_LEVEL: 'warn' });
    const ctx = await AppContext.create(config, { logger: createLogger('warn') });
    try {
      const seeding = performance.now();
      await migrateToLatest(ctx.db);
      await seedDefaultPolicy(ctx);
      await seed(ctx, world);
      log(`seeded the items in SQLite in ${((performance.now() - seeding) / 1000).toFixed(1)} s`);

      const first = performance.now();
      const opening = await runDutyCheck(ctx, AT);
      log(
        `first run: ${opening.failures} failures, ${opening.opened} breaches opened in ${(performance.now() - first).toFixed(0)} ms`,
      );
      const db: number[] = [];
      for (let i = 0; i < Math.max(3, settings.rounds); i++) {
        const started = performance.now();
        const result = await runDutyCheck(ctx, AT);
        const elapsed = performance.now() - started;
        if (result.opened !== 0 || result.failures !== opening.failures)
          throw new Error(
            `a second run found ${result.failures} failures and opened ${result.opened}`,
          );
        db.push(elapsed);
        log(`round ${i + 1}: runDutyCheck ${elapsed.toFixed(0)} ms (nothing new)`);
      }
      log(`duties.check_db.ms: median ${median(db).toFixed(0)} ms, spread ${spread(db)}`);
      return [
        { name: 'duties.check.ms', value: round(median(pure), 1), unit: 'ms' },
        { name: 'duties.check_db.ms', value: round(median(db), 0), unit: 'ms' },
      ];
    } finally {
      await ctx.close();
      removeDataDir();
      forgetDataDir();
    }
  },
};
