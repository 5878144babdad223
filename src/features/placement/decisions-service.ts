import { createHash, randomUUID } from 'node:crypto';
import type { Insertable, Kysely } from 'kysely';
import type { AppContext } from '../../context.js';
import type {
  Database,
  PlacementDecisionsTable,
  PlacementHosting,
  PlacementStatus,
  SystemPlacementsTable,
} from '../../db/schema.js';
import { AppError } from '../../errors.js';
import { STANDING_EVENTS, type AccreditationEvent } from '../accreditation/events.js';
import { recordOf, type ApplicationRow } from '../accreditation/mapper.js';
import { standingOn } from '../accreditation/workflow.js';
import { recordAuditEvent, type AuditActor } from '../audit/service.js';
import { auditActor, isOfficeStaff, type Actor, type RequestContext } from '../identity/actor.js';
import { dayOf, type Power } from '../office/positions.js';
import { countryName } from '../offerings/countries.js';
import { allCountries, countriesFor } from '../offerings/residency.js';
import * as repo from './decisions-repo.js';
import {
  compilePolicy,
  decide,
  decideFacility,
  explain,
  rankOfferings,
  type CompiledPolicy,
} from './engine.js';
import type {
  ActiveNoc,
  Decision,
  FacilityFacts,
  FacilityKind,
  OfferingFacts,
  Standing,
} from './model.js';
import { activeNocsFor } from './noc-repo.js';
import { nocsForOffering } from './noc-workflow.js';
import * as policyRepo from './policy-repo.js';
import { knownLevels, storedPack } from './policy-service.js';

/**
 * Placement decisions as the service makes and keeps them (issue 6, items 3 and 4): the decision
 * engine (`engine.ts`, pure) fed with what the database says today, every decision stored with the
 * versions of its inputs, and each system's placement status (in policy, out of policy with the
 * reason and the date it was flagged, or not evaluated, with why not).
 *
 * What a decision reads: the system's class (its classification in force), the offering's facts
 * (service and deployment model, where its data centres are), the offering's accreditation standing
 * on the day (the record the register points at, through `standingOn`; an offering never granted
 * is not in force), the system's NOCs in force that day (limited to those for that offering), and
 * the policy version in force, compiled once per version (cached per AppContext).
 *
 * Re-evaluation re-decides the current and the proposed hosting of systems inside the caller's
 * transaction, so that the decisions and flags commit with the change that caused them: an
 * accreditation step (a subscriber to `STANDING_EVENTS`), a policy version published, an offering
 * whose facts changed, a system classified or moved, a NOC granted or expired. Only the current
 * hosting flags a system: a proposed placement that is refused is shown, not flagged, since the
 * data is not there yet. A hosting in the PSE's own private-cloud or on-premises facility is
 * decided too (`decideFacility`), with the facility's facts (kind, name, country, operator, from
 * the system's row) in place of an offering's and the system's NOCs that name no offering; such a
 * decision is stored with no `offering_id`, the facility's facts as its facts text and the
 * system's `updated_at` as their version. A decision identical to the one a hosting already has (same versions, same
 * result) is not stored again; the status row still records when it was last evaluated. One audit
 * event per run.
 */

type Db = Kysely<Database>;

/** Systems per batch of a re-evaluation: bounded memory, and `in (…)` lists both dialects take. */
const BATCH = 1000;
/** Compiled policies kept per context; versions change rarely. */
const POLICY_CACHE_SIZE = 4;
/** Flagged systems named in a run's audit event; the counts say the rest. */
const AUDIT_SYSTEMS = 20;
/**
 * `placement_decisions.offering_id` of a decision on a PSE's own facility: no offering. The
 * facility itself is in the decision's facts and inputs.
 */
export const FACILITY_OFFERING_ID = null;

// ---------------------------------------------------------------------------------------------
// The policy in force, compiled once per version

export interface PolicyInForce {
  version: number;
  compiled: CompiledPolicy;
}

/**
 * Compiled policies per context, by the version row (id and last change) and the levels it was
 * compiled with. Keyed by the context rather than held in a module-level map, so that contexts
 * (tests, several databases) never share an entry, and an entry goes with its context.
 */
const compiledPolicies = new WeakMap<AppContext, Map<string, CompiledPolicy>>();

async function compiledFor(
  ctx: AppContext,
  db: Db,
  row: policyRepo.PolicyVersionRow,
): Promise<CompiledPolicy> {
  const levels = await knownLevels(db);
  // A version's pack never changes once published, but a publication rolled back leaves a draft
  // of the same number that may change: the row's id and last change tell them apart.
  const key = [
    row.id,
    row.updated_at,
    ...levels.map((l) => `${l.code}:${l.rank}:${l.title ?? ''}`),
  ].join('|');
  let cache = compiledPolicies.get(ctx);
  if (!cache) {
    cache = new Map();
    compiledPolicies.set(ctx, cache);
  }
  let compiled = cache.get(key);
  if (compiled === undefined) {
    compiled = compilePolicy(storedPack(row), levels);
    if (cache.size >= POLICY_CACHE_SIZE) {
      const oldest = cache.keys().next();
      if (oldest.done !== true) cache.delete(oldest.value);
    }
    cache.set(key, compiled);
  }
  return compiled;
}

/** The latest published policy version, compiled (from the cache when it has been before). */
export async function policyInForce(ctx: AppContext, db: Db): Promise<PolicyInForce> {
  const row = await policyRepo.latestPublished(db);
  if (!row) {
    throw AppError.conflict(
      'no_published_policy',
      'No policy pack has been published yet, so no placement can be decided.',
    );
  }
  return { version: row.version, compiled: await compiledFor(ctx, db, row) };
}

// ---------------------------------------------------------------------------------------------
// One run: what it has loaded and decided so far, shared by its batches

/** Who started a run, for the audit trail; null actor for what the system does by itself. */
export interface ReevaluationBy {
  actor: AuditActor | null;
  requestId: string | null;
}

interface PreparedOffering {
  row: repo.OfferingFactsRow;
  /** What the engine is given; also stored, as JSON, with each decision. */
  facts: OfferingFacts;
  factsText: string;
  factsHash: string;
  standing: Standing;
  accreditationStatus: string | null;
}

interface Prepared {
  decision: Decision;
  text: string;
  hash: string;
}

interface Counts {
  evaluated: number;
  inPolicy: number;
  outOfPolicy: number;
  notEvaluated: number;
  flagged: number;
  unflagged: number;
  decisionsStored: number;
}

interface Run {
  ctx: AppContext;
  db: Db;
  policy: PolicyInForce;
  at: string;
  day: string;
  trigger: string;
  userId: string | null;
  offerings: Map<string, PreparedOffering | null>;
  /** Decisions without NOCs, by class and offering: the same inputs give the same decision. */
  shared: Map<string, Prepared>;
  /** Texts this run has stored or found stored, and those still to write. */
  knownTexts: Set<string>;
  pendingTexts: Map<string, string>;
  counts: Counts;
  flaggedIds: string[];
}

async function startRun(
  ctx: AppContext,
  db: Db,
  trigger: string,
  userId: string | null,
): Promise<Run> {
  const now = ctx.clock.now();
  return {
    ctx,
    db,
    policy: await policyInForce(ctx, db),
    at: now.toISOString(),
    day: dayOf(now),
    trigger,
    userId,
    offerings: new Map(),
    shared: new Map(),
    knownTexts: new Set(),
    pendingTexts: new Map(),
    counts: {
      evaluated: 0,
      inPolicy: 0,
      outOfPolicy: 0,
      notEvaluated: 0,
      flagged: 0,
      unflagged: 0,
      decisionsStored: 0,
    },
    flaggedIds: [],
  };
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** The offering's accreditation standing on `day`, from the record the register points at. */
function standingFrom(
  row: ApplicationRow | undefined,
  day: string,
): { standing: Standing; status: string | null } {
  if (!row)
    return { standing: { inForce: false, level: null, accreditationId: null }, status: null };
  const record = recordOf(row);
  const on = standingOn(record, day);
  return {
    standing: { inForce: on.inForce, level: on.level, accreditationId: record.id },
    status: record.status,
  };
}

/** The facts the engine reads, in a fixed key order so that equal facts give equal JSON. */
function factsOf(row: repo.OfferingFactsRow): OfferingFacts {
  return {
    id: row.id,
    serviceModel: row.serviceModel,
    deploymentModel: row.deploymentModel,
    customerDataCountries: countriesFor(row, 'customer_data'),
    allDataCountries: allCountries(row),
    locations: row.locations.map((l) => ({ country: l.country, city: l.city, purpose: l.purpose })),
  };
}

/** Loads the offerings the run has not seen yet, with their standing on the run's day. */
async function loadOfferings(run: Run, ids: readonly string[]): Promise<void> {
  const missing = [...new Set(ids)].filter((id) => !run.offerings.has(id));
  if (missing.length === 0) return;
  const [facts, records] = [
    await repo.offeringFacts(run.db, missing),
    await repo.registeredRecords(run.db, missing),
  ];
  for (const id of missing) {
    const row = facts.get(id);
    if (!row) {
      run.offerings.set(id, null);
      continue;
    }
    const offeringFacts = factsOf(row);
    const factsText = JSON.stringify(offeringFacts);
    const { standing, status } = standingFrom(records.get(id), run.day);
    run.offerings.set(id, {
      row,
      facts: offeringFacts,
      factsText,
      factsHash: sha256(factsText),
      standing,
      accreditationStatus: status,
    });
  }
}

function prepare(decision: Decision): Prepared {
  const text = JSON.stringify(decision);
  return { decision, text, hash: sha256(text) };
}

/** The NOCs as the engine takes them and as they are stored with the decision. */
function enginesNocs(nocs: readonly ActiveNoc[]): ActiveNoc[] {
  return nocs.map((n) => ({
    id: n.id,
    covers: n.covers,
    deploymentModels: n.deploymentModels,
    validUntil: n.validUntil,
  }));
}

function decideOn(
  run: Run,
  classCode: string,
  offering: PreparedOffering,
  nocs: readonly ActiveNoc[],
): Prepared {
  if (nocs.length > 0)
    return prepare(decide(run.policy.compiled, classCode, offering.facts, offering.standing, nocs));
  const key = `${classCode}\u0000${offering.row.id}`;
  let prepared = run.shared.get(key);
  if (prepared === undefined) {
    prepared = prepare(
      decide(run.policy.compiled, classCode, offering.facts, offering.standing, []),
    );
    run.shared.set(key, prepared);
  }
  return prepared;
}

/** A PSE's own facility, as decided and stored (the counterpart of `PreparedOffering`). */
interface PreparedFacility {
  facts: FacilityFacts;
  factsText: string;
  factsHash: string;
  /** The version of the facts: the system row's last change. */
  updatedAt: string;
}

/** The facility a system runs in (or is proposed for), from its row, in a fixed key order. */
function facilityOf(
  system: repo.SystemToPlace,
  which: 'current' | 'proposed',
  kind: FacilityKind,
): PreparedFacility {
  const current = which === 'current';
  const facts: FacilityFacts = {
    kind,
    name: (current ? system.current_facility_name : system.proposed_facility_name) ?? '',
    country: (current ? system.current_facility_country : system.proposed_facility_country) ?? null,
    operator:
      (current ? system.current_facility_operator : system.proposed_facility_operator) ?? null,
  };
  const factsText = JSON.stringify(facts);
  return { facts, factsText, factsHash: sha256(factsText), updatedAt: system.updated_at };
}

/** The NOCs that count for a facility: those for the system that name no offering. */
function facilityNocs<T extends ActiveNoc & { offeringId?: string | null }>(
  nocs: readonly T[],
): T[] {
  return nocs.filter((noc) => noc.offeringId == null);
}

function decideOnFacility(
  run: Run,
  classCode: string,
  facility: PreparedFacility,
  nocs: readonly ActiveNoc[],
): Prepared {
  if (nocs.length > 0)
    return prepare(decideFacility(run.policy.compiled, classCode, facility.facts, nocs));
  const key = `${classCode}\u0000facility\u0000${facility.factsText}`;
  let prepared = run.shared.get(key);
  if (prepared === undefined) {
    prepared = prepare(decideFacility(run.policy.compiled, classCode, facility.facts, []));
    run.shared.set(key, prepared);
  }
  return prepared;
}

function keepText(run: Run, hash: string, text: string): void {
  if (run.knownTexts.has(hash)) return;
  run.knownTexts.add(hash);
  run.pendingTexts.set(hash, text);
}

type DecisionInsert = Insertable<PlacementDecisionsTable>;

function decisionRow(
  run: Run,
  system: Pick<repo.SystemToPlace, 'id' | 'classification_id'>,
  classCode: string,
  hosting: PlacementHosting,
  offering: PreparedOffering,
  nocsText: string,
  prepared: Prepared,
): DecisionInsert {
  return {
    id: randomUUID(),
    system_id: system.id,
    hosting,
    trigger: run.trigger,
    decided_at: run.at,
    decided_on: run.day,
    decided_by_user_id: run.userId,
    policy_version: run.policy.version,
    classification_id: system.classification_id ?? '',
    class_code: classCode,
    offering_id: offering.row.id,
    offering_updated_at: offering.row.updatedAt,
    offering_facts_sha256: offering.factsHash,
    accreditation_id: offering.standing.accreditationId,
    accreditation_status: offering.accreditationStatus,
    in_force: offering.standing.inForce ? 1 : 0,
    level_code: offering.standing.level?.code ?? null,
    level_rank: offering.standing.level?.rank ?? null,
    nocs: nocsText,
    outcome: prepared.decision.outcome,
    result_sha256: prepared.hash,
  };
}

/** A decision on a facility as stored: no offering, no accreditation, the facility's facts. */
function facilityDecisionRow(
  run: Run,
  system: Pick<repo.SystemToPlace, 'id' | 'classification_id'>,
  classCode: string,
  hosting: PlacementHosting,
  facility: PreparedFacility,
  nocsText: string,
  prepared: Prepared,
): DecisionInsert {
  return {
    id: randomUUID(),
    system_id: system.id,
    hosting,
    trigger: run.trigger,
    decided_at: run.at,
    decided_on: run.day,
    decided_by_user_id: run.userId,
    policy_version: run.policy.version,
    classification_id: system.classification_id ?? '',
    class_code: classCode,
    offering_id: FACILITY_OFFERING_ID,
    offering_updated_at: facility.updatedAt,
    offering_facts_sha256: facility.factsHash,
    accreditation_id: null,
    accreditation_status: null,
    in_force: 0,
    level_code: null,
    level_rank: null,
    nocs: nocsText,
    outcome: prepared.decision.outcome,
    result_sha256: prepared.hash,
  };
}

/** Whether a stored decision was made of the same versions and says the same. */
function sameDecision(stored: repo.DecisionRow, next: DecisionInsert): boolean {
  return (
    stored.policy_version === next.policy_version &&
    stored.classification_id === next.classification_id &&
    stored.offering_id === next.offering_id &&
    stored.offering_facts_sha256 === next.offering_facts_sha256 &&
    stored.accreditation_id === next.accreditation_id &&
    stored.accreditation_status === next.accreditation_status &&
    stored.in_force === next.in_force &&
    stored.nocs === next.nocs &&
    stored.result_sha256 === next.result_sha256
  );
}

type HostingResult =
  | { kind: 'none' }
  | { kind: 'incomplete' }
  | { kind: 'missing'; offeringId: string }
  /** `where`: "On <offering>" or "In its own private cloud (…)", to begin a flag's reason. */
  | { kind: 'decided'; decisionId: string; decision: Decision; where: string };

/** The messages of the rules a decision does not meet: the reason a system is flagged. */
function refusalWords(decision: Decision): string {
  return decision.rules
    .filter((r) => r.outcome === 'not_met')
    .map((r) => r.message)
    .join(' ');
}

const FACILITY_WORDS: Readonly<Record<FacilityKind, string>> = {
  private_cloud: 'In its own private cloud',
  on_premises: 'In its own on-premises facility',
};

/** "In its own private cloud (Ministry cloud, Pakistan)": the facility, its name and country. */
function facilityWhere(facility: FacilityFacts): string {
  const parts = [facility.name, facility.country === null ? '' : countryName(facility.country)]
    .map((p) => p.trim())
    .filter((p) => p !== '');
  const words = FACILITY_WORDS[facility.kind];
  return parts.length === 0 ? words : `${words} (${parts.join(', ')})`;
}

/** A system's status from its current hosting (see the note at the top of this file). */
function statusOf(
  run: Run,
  system: repo.SystemToPlace,
  current: HostingResult,
  proposed: HostingResult,
): { status: PlacementStatus; reason: string | null } {
  if (system.class_code === null || system.classification_id === null)
    return {
      status: 'not_evaluated',
      reason: 'The system has not been classified yet; its placement is decided once it is.',
    };
  if (!run.policy.compiled.rules.has(system.class_code))
    return {
      status: 'not_evaluated',
      reason: `Its class "${system.class_code}" is not a class of policy version ${run.policy.version}; classify the system again.`,
    };
  switch (current.kind) {
    case 'none':
      return {
        status: 'not_evaluated',
        reason:
          proposed.kind === 'none'
            ? 'No hosting is recorded for the system.'
            : 'No current hosting is recorded; a proposed placement is decided but does not flag a system.',
      };
    case 'incomplete':
      return {
        status: 'not_evaluated',
        reason: 'Its current hosting is recorded as an offering but names none.',
      };
    case 'missing':
      return {
        status: 'out_of_policy',
        reason: `It runs on offering ${current.offeringId}, which is no longer on record: data may go only to an offering accredited by the Cloud Office.`,
      };
    case 'decided':
      return current.decision.outcome === 'deny'
        ? {
            status: 'out_of_policy',
            reason: `${current.where}: ${refusalWords(current.decision)}`,
          }
        : { status: 'in_policy', reason: null };
  }
}

/** Re-decides one batch of systems and writes their decisions and statuses. */
async function processBatch(run: Run, systems: readonly repo.SystemToPlace[]): Promise<void> {
  const active = systems.filter((s) => s.status === 'active');
  if (active.length === 0) return;
  const ids = active.map((s) => s.id);
  const offeringIds: string[] = [];
  for (const s of active) {
    if (s.current_kind === 'offering' && s.current_offering_id !== null)
      offeringIds.push(s.current_offering_id);
    if (s.proposed_kind === 'offering' && s.proposed_offering_id !== null)
      offeringIds.push(s.proposed_offering_id);
  }
  await loadOfferings(run, offeringIds);
  const nocs = await activeNocsFor(run.db, ids, run.day);
  const previous = await repo.placementsOf(run.db, ids);
  const previousIds: string[] = [];
  for (const p of previous.values()) {
    if (p.current_decision_id !== null) previousIds.push(p.current_decision_id);
    if (p.proposed_decision_id !== null) previousIds.push(p.proposed_decision_id);
  }
  const previousDecisions = await repo.decisionsByIds(run.db, previousIds);

  const decisions: DecisionInsert[] = [];
  const placements: Insertable<SystemPlacementsTable>[] = [];
  for (const system of active) {
    const before = previous.get(system.id);
    const classCode = system.class_code;
    const decidable =
      classCode !== null &&
      system.classification_id !== null &&
      run.policy.compiled.rules.has(classCode);
    const systemNocs = nocs.get(system.id) ?? [];

    const hosting = (which: 'current' | 'proposed'): HostingResult => {
      const kind = which === 'current' ? system.current_kind : system.proposed_kind;
      const offeringId =
        which === 'current' ? system.current_offering_id : system.proposed_offering_id;
      if (kind === null) return { kind: 'none' };
      const storedId =
        which === 'current' ? before?.current_decision_id : before?.proposed_decision_id;
      const stored = storedId == null ? undefined : previousDecisions.get(storedId);
      if (kind !== 'offering') {
        if (!decidable) return { kind: 'none' };
        const facility = facilityOf(system, which, kind);
        const offered = enginesNocs(facilityNocs(systemNocs));
        const prepared = decideOnFacility(run, classCode, facility, offered);
        const row = facilityDecisionRow(
          run,
          system,
          classCode,
          which,
          facility,
          JSON.stringify(offered),
          prepared,
        );
        const where = facilityWhere(facility.facts);
        if (stored && stored.hosting === which && sameDecision(stored, row))
          return { kind: 'decided', decisionId: stored.id, decision: prepared.decision, where };
        keepText(run, facility.factsHash, facility.factsText);
        keepText(run, prepared.hash, prepared.text);
        decisions.push(row);
        return { kind: 'decided', decisionId: row.id, decision: prepared.decision, where };
      }
      if (offeringId === null) return { kind: 'incomplete' };
      const offering = run.offerings.get(offeringId);
      if (!offering) return { kind: 'missing', offeringId };
      if (!decidable) return { kind: 'none' };
      const offered = enginesNocs(nocsForOffering(systemNocs, offeringId));
      const prepared = decideOn(run, classCode, offering, offered);
      const row = decisionRow(
        run,
        system,
        classCode,
        which,
        offering,
        JSON.stringify(offered),
        prepared,
      );
      if (stored && stored.hosting === which && sameDecision(stored, row))
        return {
          kind: 'decided',
          decisionId: stored.id,
          decision: prepared.decision,
          where: `On ${offering.row.name}`,
        };
      keepText(run, offering.factsHash, offering.factsText);
      keepText(run, prepared.hash, prepared.text);
      decisions.push(row);
      return {
        kind: 'decided',
        decisionId: row.id,
        decision: prepared.decision,
        where: `On ${offering.row.name}`,
      };
    };

    const current = hosting('current');
    const proposed = hosting('proposed');
    const { status, reason } = statusOf(run, system, current, proposed);
    const wasOut = before?.status === 'out_of_policy';
    const flaggedAt =
      status === 'out_of_policy' ? (wasOut ? (before.flagged_at ?? run.at) : run.at) : null;
    placements.push({
      system_id: system.id,
      status,
      reason,
      flagged_at: flaggedAt,
      current_decision_id: current.kind === 'decided' ? current.decisionId : null,
      proposed_decision_id: proposed.kind === 'decided' ? proposed.decisionId : null,
      policy_version: run.policy.version,
      trigger: run.trigger,
      evaluated_at: run.at,
    });
    const counts = run.counts;
    counts.evaluated++;
    if (status === 'in_policy') counts.inPolicy++;
    else if (status === 'out_of_policy') counts.outOfPolicy++;
    else counts.notEvaluated++;
    if (status === 'out_of_policy' && !wasOut) {
      counts.flagged++;
      if (run.flaggedIds.length < AUDIT_SYSTEMS) run.flaggedIds.push(system.id);
    }
    if (wasOut && status !== 'out_of_policy') counts.unflagged++;
  }

  await flushTexts(run);
  await repo.insertDecisions(run.db, decisions);
  await repo.upsertPlacements(run.db, placements);
  run.counts.decisionsStored += decisions.length;
}

async function flushTexts(run: Run): Promise<void> {
  if (run.pendingTexts.size === 0) return;
  await repo.insertTexts(
    run.db,
    [...run.pendingTexts].map(([sha256, body]) => ({ sha256, body })),
  );
  run.pendingTexts.clear();
}

/** One audit event for the whole run: what started it, and what it changed. */
async function auditRun(
  run: Run,
  by: ReevaluationBy | undefined,
  target: { type: string; id: string | null } | null,
): Promise<void> {
  await recordAuditEvent(
    run.db,
    {
      actor: by?.actor ?? null,
      action: 'placement.reevaluate',
      outcome: 'success',
      target,
      summary: {
        after: {
          trigger: run.trigger,
          policyVersion: run.policy.version,
          day: run.day,
          ...run.counts,
          ...(run.flaggedIds.length > 0 && { flaggedSystems: run.flaggedIds }),
        },
      },
      requestId: by?.requestId ?? null,
    },
    run.ctx.clock,
  );
}

// ---------------------------------------------------------------------------------------------
// Re-evaluation

/**
 * Re-decides the current and proposed hosting of these systems inside `trx`, stores the decisions,
 * and flags systems now out of policy (reason, date) and unflags those back in policy. Archived
 * and unknown ids are skipped. `trigger` says why (`policy_published`, `accreditation_suspended`,
 * `noc_granted`, ...), and is kept with each decision and in the run's one audit event. Returns how
 * many systems were evaluated.
 */
export async function reevaluateSystems(
  ctx: AppContext,
  trx: Db,
  systemIds: readonly string[],
  trigger: string,
  by?: ReevaluationBy,
): Promise<number> {
  const ids = [...new Set(systemIds)].sort();
  if (ids.length === 0) return 0;
  const run = await startRun(ctx, trx, trigger, null);
  for (let i = 0; i < ids.length; i += BATCH) {
    await processBatch(run, await repo.systemsByIds(trx, ids.slice(i, i + BATCH)));
  }
  if (run.counts.evaluated === 0) return 0;
  const only = ids.length === 1 ? ids[0] : undefined;
  await auditRun(run, by, only === undefined ? null : { type: 'pse_system', id: only });
  return run.counts.evaluated;
}

/** Re-evaluates one system (see `reevaluateSystems`) and answers its placement as it now stands. */
export async function evaluateSystem(
  ctx: AppContext,
  trx: Db,
  systemId: string,
  trigger: string,
  by?: ReevaluationBy,
): Promise<PlacementView> {
  await reevaluateSystems(ctx, trx, [systemId], trigger, by);
  return placementIn(trx, systemId);
}

/** What a run did: how many systems it evaluated, and how they stand now. */
export interface ReevaluationReport extends Counts {
  trigger: string;
  policyVersion: number;
}

/**
 * Re-evaluates every active system, in batches of a thousand in id order, inside `trx`; one audit
 * event for the run. Returns how many systems were evaluated.
 */
export async function reevaluateAllSystems(
  ctx: AppContext,
  trx: Db,
  trigger: string,
  by?: ReevaluationBy,
): Promise<number> {
  return (await reevaluateAllSystemsReport(ctx, trx, trigger, by)).evaluated;
}

/** `reevaluateAllSystems`, answering what the run did. */
export async function reevaluateAllSystemsReport(
  ctx: AppContext,
  trx: Db,
  trigger: string,
  by?: ReevaluationBy,
): Promise<ReevaluationReport> {
  const run = await startRun(ctx, trx, trigger, null);
  let after: string | null = null;
  for (;;) {
    const systems = await repo.activeSystemsAfter(trx, after, BATCH);
    if (systems.length === 0) break;
    await processBatch(run, systems);
    after = systems[systems.length - 1]?.id ?? null;
    if (systems.length < BATCH) break;
  }
  await auditRun(run, by, null);
  return { trigger, policyVersion: run.policy.version, ...run.counts };
}

/** Re-evaluates the systems that run on, or are proposed for, an offering; 0 when there are none. */
export async function reevaluateSystemsOnOffering(
  ctx: AppContext,
  trx: Db,
  offeringId: string,
  trigger: string,
  by?: ReevaluationBy,
): Promise<number> {
  const ids = await repo.systemIdsOnOffering(trx, offeringId);
  if (ids.length === 0) return 0;
  return reevaluateSystems(ctx, trx, ids, trigger, by);
}

/** `AccreditationSuspended` -> `accreditation_suspended`. */
function triggerOf(event: AccreditationEvent): string {
  return `accreditation_${event.type.replace(/^Accreditation/, '').toLowerCase()}`;
}

/**
 * Subscribes placement to the accreditation workflow: every step that changes whether, or at which
 * level, an offering may host data (`STANDING_EVENTS`) re-evaluates the systems on that offering
 * inside the step's transaction. Called once by the composition root (`AppContext.create`), so the
 * API, the CLI and the jobs all re-evaluate. Returns the function that unsubscribes.
 */
export function subscribeToAccreditationEvents(ctx: AppContext): () => void {
  return ctx.accreditationEvents.subscribe(STANDING_EVENTS, async (trx, event) => {
    const by: ReevaluationBy = {
      actor:
        event.by.kind === 'person'
          ? { userId: event.by.userId, organizationId: event.by.organizationId }
          : null,
      requestId: null,
    };
    try {
      await reevaluateSystemsOnOffering(ctx, trx, event.offeringId, triggerOf(event), by);
    } catch (error) {
      // Without a policy that can be used nothing can be decided, and that must not stop an
      // officer suspending or revoking an offering. Both are found before anything is written.
      if (
        error instanceof AppError &&
        (error.code === 'no_published_policy' || error.code === 'invalid_policy_pack')
      ) {
        ctx.logger.error(
          { offeringId: event.offeringId, event: event.type, err: error },
          `placement not re-evaluated after ${event.type}: ${error.message}`,
        );
        return;
      }
      throw error;
    }
  });
}

/** Who may re-evaluate every placement by hand: officers holding one of these powers. */
export const REEVALUATE_POWERS: readonly Power[] = ['manage_organizations', 'decide_exemption'];

/**
 * Re-evaluates every system at an officer's request (the API), or from the shell (no actor: the
 * shell reaches the database anyway, as `migrate` does).
 */
export async function reevaluateAsOfficer(
  ctx: AppContext,
  actor: Actor | null,
  request: RequestContext,
): Promise<ReevaluationReport> {
  let auditedActor: AuditActor | null = null;
  if (actor !== null) {
    const power = REEVALUATE_POWERS.find((p) => actor.powers.has(p));
    if (!isOfficeStaff(actor) || power === undefined) {
      throw new AppError(
        403,
        'forbidden',
        `Re-evaluating every placement needs the power ${REEVALUATE_POWERS.join(' or ')}, which you do not hold today.`,
      );
    }
    auditedActor = auditActor(actor, power);
  }
  return ctx.db.transaction().execute((trx) =>
    reevaluateAllSystemsReport(ctx, trx, 'manual', {
      actor: auditedActor,
      requestId: request.requestId,
    }),
  );
}

// ---------------------------------------------------------------------------------------------
// Reading decisions and statuses

/** A decision as stored: the engine's decision, what it was made for, and its words. */
export interface StoredDecision {
  id: string;
  systemId: string;
  hosting: PlacementHosting;
  trigger: string;
  /** The offering decided; null for the PSE's own facility (then `facility`). */
  offeringId: string | null;
  facility: FacilityFacts | null;
  at: string;
  policyVersion: number;
  classificationId: string;
  accreditationId: string | null;
  decision: Decision;
  /** `explain()`: the verdict, then each rule in words, refusals first. */
  words: string[];
}

function storedDecisionOf(row: repo.DecisionWithTexts): StoredDecision {
  const decision = JSON.parse(row.result) as Decision;
  const facility = decision.inputs.facility ?? null;
  return {
    id: row.id,
    systemId: row.system_id,
    hosting: row.hosting,
    trigger: row.trigger,
    offeringId: facility === null ? row.offering_id : null,
    facility,
    at: row.decided_at,
    policyVersion: row.policy_version,
    classificationId: row.classification_id,
    accreditationId: row.accreditation_id,
    decision,
    words: explain(decision),
  };
}

/** A system's placement status with the decisions of its current and proposed hostings. */
export interface PlacementView {
  systemId: string;
  status: PlacementStatus;
  reason: string | null;
  flaggedAt: string | null;
  evaluatedAt: string | null;
  policyVersion: number | null;
  current: StoredDecision | null;
  proposed: StoredDecision | null;
}

async function placementIn(db: Db, systemId: string): Promise<PlacementView> {
  const row = await repo.findPlacement(db, systemId);
  if (!row) {
    return {
      systemId,
      status: 'not_evaluated',
      reason:
        'Not evaluated yet: placement is decided when the system is classified or moved, and whenever the policy or its offering changes.',
      flaggedAt: null,
      evaluatedAt: null,
      policyVersion: null,
      current: null,
      proposed: null,
    };
  }
  const ids = [row.current_decision_id, row.proposed_decision_id].filter(
    (id): id is string => id !== null,
  );
  const decisions = await repo.decisionsWithTexts(db, ids);
  const of = (id: string | null) => {
    const found = id === null ? undefined : decisions.get(id);
    return found ? storedDecisionOf(found) : null;
  };
  return {
    systemId,
    status: row.status,
    reason: row.reason,
    flaggedAt: row.flagged_at,
    evaluatedAt: row.evaluated_at,
    policyVersion: row.policy_version,
    current: of(row.current_decision_id),
    proposed: of(row.proposed_decision_id),
  };
}

/** A system of the database, or a 404 (the route's tenant check has kept other PSEs out). */
async function systemFor(db: Db, systemId: string): Promise<repo.SystemToPlace> {
  const [system] = await repo.systemsByIds(db, [systemId]);
  if (!system) throw AppError.notFound(`There is no system ${JSON.stringify(systemId)}.`);
  return system;
}

/** The system's placement status and the decisions behind it. */
export async function getPlacement(ctx: AppContext, systemId: string): Promise<PlacementView> {
  await systemFor(ctx.db, systemId);
  return placementIn(ctx.db, systemId);
}

/** The system's class, or a 409 saying it must be classified (again) first. */
function classOf(
  system: repo.SystemToPlace,
  policy: PolicyInForce,
): { classCode: string; classificationId: string } {
  if (system.class_code === null || system.classification_id === null) {
    throw new AppError(
      409,
      'not_classified',
      `The system "${system.name}" has not been classified yet, so where its data may go cannot be decided; answer the questionnaire first (PUT /api/v1/systems/${system.id}/classification).`,
    );
  }
  if (!policy.compiled.rules.has(system.class_code)) {
    throw new AppError(
      409,
      'classification_outdated',
      `The system "${system.name}" is classified "${system.class_code}", which is not a class of policy version ${policy.version}; classify it again under the policy in force.`,
    );
  }
  return { classCode: system.class_code, classificationId: system.classification_id };
}

/**
 * "May this system go on this offering?": decides it now, under the policy in force, stores the
 * decision (as a `check`, which changes no status) and audits it. 409 if the system is not
 * classified; 422 naming `offeringId` if there is no such offering.
 */
export async function checkPlacement(
  ctx: AppContext,
  actor: Actor | null,
  systemId: string,
  offeringId: string,
  request: RequestContext,
): Promise<StoredDecision> {
  const id = await ctx.db.transaction().execute(async (trx) => {
    const system = await systemFor(trx, systemId);
    const run = await startRun(ctx, trx, 'check', actor?.userId ?? null);
    const { classCode } = classOf(system, run.policy);
    await loadOfferings(run, [offeringId]);
    const offering = run.offerings.get(offeringId);
    if (!offering) {
      throw new AppError(
        422,
        'unknown_offering',
        `There is no offering ${JSON.stringify(offeringId)}; name one from the register of cloud service offerings.`,
        [{ in: 'body', pointer: '/offeringId', message: 'is not an offering' }],
      );
    }
    const nocs = (await activeNocsFor(trx, [systemId], run.day)).get(systemId) ?? [];
    const offered = enginesNocs(nocsForOffering(nocs, offeringId));
    const prepared = decideOn(run, classCode, offering, offered);
    const row = decisionRow(
      run,
      system,
      classCode,
      'check',
      offering,
      JSON.stringify(offered),
      prepared,
    );
    keepText(run, offering.factsHash, offering.factsText);
    keepText(run, prepared.hash, prepared.text);
    await flushTexts(run);
    await repo.insertDecisions(trx, [row]);
    await recordAuditEvent(
      trx,
      {
        actor: auditActor(actor),
        action: 'placement.check',
        outcome: 'success',
        target: { type: 'pse_system', id: systemId },
        summary: {
          after: {
            decisionId: row.id,
            offeringId,
            classCode,
            policyVersion: run.policy.version,
            outcome: prepared.decision.outcome,
          },
        },
        requestId: request.requestId,
      },
      ctx.clock,
    );
    return row.id;
  });
  const stored = (await repo.decisionsWithTexts(ctx.db, [id])).get(id);
  if (!stored) throw new Error('the decision disappeared');
  return storedDecisionOf(stored);
}

/** An offering that may host the system, best fit first. */
export interface PlacementOption {
  offeringId: string;
  offeringName: string;
  providerName: string;
  serviceModel: string;
  deploymentModel: string;
  level: string | null;
  levelTitle: string | null;
  outcome: Decision['outcome'];
  words: string[];
}

/**
 * "Where can this system go?": every offering whose accreditation is in force today, decided for
 * the system's class with its NOCs in force, those not refused ranked by `rankOfferings` (allow
 * before allow with conditions, then the pack's order of service models, then name). Nothing is
 * stored. 409 if the system is not classified.
 */
export async function placementOptions(
  ctx: AppContext,
  systemId: string,
  limit: number,
): Promise<{ items: PlacementOption[]; total: number }> {
  const db = ctx.db;
  const system = await systemFor(db, systemId);
  const run = await startRun(ctx, db, 'options', null);
  const { classCode } = classOf(system, run.policy);
  await loadOfferings(run, await repo.offeringIdsPossiblyInForce(db, run.day));
  const nocs = (await activeNocsFor(db, [systemId], run.day)).get(systemId) ?? [];
  // NOCs may name an offering: offerings are ranked in groups that share the same NOCs, then the
  // groups merged in the same order `rankOfferings` uses.
  const groups = new Map<string, { nocs: ActiveNoc[]; candidates: PreparedOffering[] }>();
  for (const offering of run.offerings.values()) {
    if (!offering?.standing.inForce) continue;
    const offered = enginesNocs(nocsForOffering(nocs, offering.row.id));
    const key = offered.map((n) => n.id).join(',');
    const group = groups.get(key) ?? { nocs: offered, candidates: [] };
    group.candidates.push(offering);
    groups.set(key, group);
  }
  const policy = run.policy.compiled;
  const byId = new Map([...run.offerings.values()].flatMap((o) => (o ? [[o.row.id, o]] : [])));
  const ranked = [...groups.values()].flatMap((group) =>
    rankOfferings(
      policy,
      classCode,
      group.candidates.map((o) => ({
        offering: { ...o.facts, name: o.row.name },
        standing: o.standing,
      })),
      group.nocs,
    ),
  );
  const name = (r: (typeof ranked)[number]) => r.offering.name ?? r.offering.id;
  ranked.sort(
    (a, b) =>
      (a.decision.outcome === 'allow' ? 0 : 1) - (b.decision.outcome === 'allow' ? 0 : 1) ||
      policy.servicePreference[a.offering.serviceModel] -
        policy.servicePreference[b.offering.serviceModel] ||
      (name(a) < name(b) ? -1 : name(a) > name(b) ? 1 : 0) ||
      (a.offering.id < b.offering.id ? -1 : a.offering.id > b.offering.id ? 1 : 0),
  );
  const titles = new Map(policy.levels.map((l) => [l.code, l.title ?? l.code]));
  return {
    total: ranked.length,
    items: ranked.slice(0, limit).map((r) => {
      const offering = byId.get(r.offering.id);
      const level = r.standing.level?.code ?? null;
      return {
        offeringId: r.offering.id,
        offeringName: offering?.row.name ?? r.offering.id,
        providerName: offering?.row.providerName ?? '',
        serviceModel: r.offering.serviceModel,
        deploymentModel: r.offering.deploymentModel,
        level,
        levelTitle: level === null ? null : (titles.get(level) ?? level),
        outcome: r.decision.outcome,
        words: explain(r.decision),
      };
    }),
  };
}

/** The officers' view: active systems out of policy, latest flagged first. */
export function outOfPolicy(
  ctx: AppContext,
  page: { limit: number; offset: number; organizationId?: string },
) {
  return repo.listOutOfPolicy(ctx.db, page);
}

/**
 * Makes a stored decision again from the inputs stored with it (the policy version it was made
 * under, the offering's facts as used, the standing, the NOCs) and says whether the engine gives
 * the same decision, byte for byte. The levels are those known today.
 */
export async function reproduceDecision(
  ctx: AppContext,
  decisionId: string,
): Promise<{ stored: string; again: string; same: boolean }> {
  const row = (await repo.decisionsWithTexts(ctx.db, [decisionId])).get(decisionId);
  if (!row)
    throw AppError.notFound(`There is no placement decision ${JSON.stringify(decisionId)}.`);
  const version = await policyRepo.findVersion(ctx.db, row.policy_version);
  if (!version) throw new Error(`policy version ${row.policy_version} is missing`);
  const compiled = await compiledFor(ctx, ctx.db, version);
  const standing: Standing = {
    inForce: row.in_force === 1,
    level:
      row.level_code === null || row.level_rank === null
        ? null
        : { code: row.level_code, rank: row.level_rank },
    accreditationId: row.accreditation_id,
  };
  const nocs = JSON.parse(row.nocs) as ActiveNoc[];
  const again = JSON.stringify(
    row.offering_id === FACILITY_OFFERING_ID
      ? decideFacility(
          compiled,
          row.class_code,
          JSON.parse(row.offering_facts) as FacilityFacts,
          nocs,
        )
      : decide(
          compiled,
          row.class_code,
          JSON.parse(row.offering_facts) as OfferingFacts,
          standing,
          nocs,
        ),
  );
  return { stored: row.result, again, same: again === row.result };
}
