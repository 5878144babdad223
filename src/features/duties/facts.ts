import type { Kysely } from 'kysely';
import type { Database, OrganizationKind } from '../../db/schema.js';
import { recordOf, type ApplicationRow } from '../accreditation/mapper.js';
import { standingOn, type AccreditationRecord } from '../accreditation/workflow.js';
import type {
  ActionFact,
  BreachReportFact,
  ConditionFact,
  DutyFacts,
  FindingFact,
  OfferingFact,
  OrgRef,
  RequestFact,
  SystemFact,
} from './check.js';

/**
 * The facts the duty check reads, loaded from the database in a handful of whole-table queries
 * (one per kind of fact, never one per row), so that a check over 100,000 open items costs a few
 * reads and one pure pass. Everything is read as of `at`: accreditation standing on its day.
 */

type Db = Kysely<Database>;

const HOUR_MS = 3_600_000;
/** Ids per `in (…)` list. */
const CHUNK = 500;

function partyOf(kind: OrganizationKind): 'csp' | 'pse' | null {
  return kind === 'csp' || kind === 'pse' ? kind : null;
}

type Kinds = ReadonlyMap<string, OrganizationKind>;

/** Every organization's kind: a few hundred rows, read once instead of joined to every fact. */
async function organizationKinds(db: Db): Promise<Kinds> {
  const rows = await db.selectFrom('organizations').select(['id', 'kind']).execute();
  return new Map(rows.map((r) => [r.id, r.kind]));
}

/** The organization as a responsible party, or none when it is neither a CSP nor a PSE. */
function responsible(id: string, kinds: Kinds): OrgRef[] {
  const kind = kinds.get(id);
  const party = kind === undefined ? null : partyOf(kind);
  return party === null ? [] : [{ id, party }];
}

export async function loadDutyFacts(db: Db, at: string): Promise<DutyFacts> {
  const today = at.slice(0, 10);
  const kinds = await organizationKinds(db);
  const [offerings, systems, breachReports, requests, actions, accreditation] = await Promise.all([
    offeringFacts(db, today),
    systemFacts(db),
    breachReportFacts(db, kinds),
    requestFacts(db, kinds),
    actionFacts(db, kinds),
    accreditationFacts(db),
  ]);
  return {
    offerings,
    systems,
    breachReports,
    requests,
    actions,
    findings: accreditation.findings,
    conditions: accreditation.conditions,
  };
}

/**
 * Offerings hosting PSE data: the current hosting of an active system. Each names its CSP and the
 * PSEs whose systems run on it; whether its accreditation is in force comes from the record the
 * public register shows, through the workflow's `standingOn` for the day.
 */
async function offeringFacts(db: Db, today: string): Promise<OfferingFact[]> {
  const hosting = await db
    .selectFrom('pse_systems')
    .select(['current_offering_id', 'organization_id'])
    .distinct()
    .where('status', '=', 'active')
    .where('current_kind', '=', 'offering')
    .where('current_offering_id', 'is not', null)
    .execute();
  const pses = new Map<string, Set<string>>();
  for (const row of hosting) {
    const id = row.current_offering_id;
    if (id === null) continue;
    let set = pses.get(id);
    if (!set) pses.set(id, (set = new Set()));
    set.add(row.organization_id);
  }
  if (pses.size === 0) return [];

  // By the ids in hand, in chunks below the bound parameters both dialects allow.
  const ids = [...pses.keys()];
  const offerings: { id: string; name: string; organization_id: string }[] = [];
  const records: ApplicationRow[] = [];
  for (let i = 0; i < ids.length; i += CHUNK) {
    const part = ids.slice(i, i + CHUNK);
    offerings.push(
      ...(await db
        .selectFrom('offerings')
        .select(['id', 'name', 'organization_id'])
        .where('id', 'in', part)
        .execute()),
    );
    records.push(
      ...(await db
        .selectFrom('register_entries')
        .innerJoin(
          'accreditation_applications',
          'accreditation_applications.id',
          'register_entries.application_id',
        )
        .selectAll('accreditation_applications')
        .where('register_entries.offering_id', 'in', part)
        .execute()),
    );
  }
  const inForce = new Set<string>();
  for (const row of records)
    if (standingOn(recordOf(row), today).inForce) inForce.add(row.offering_id);

  return offerings.map((o) => ({
    id: o.id,
    name: o.name,
    organizations: [
      { id: o.organization_id, party: 'csp' as const },
      ...[...(pses.get(o.id) ?? [])].map((id) => ({ id, party: 'pse' as const })),
    ],
    hostsPseData: true,
    inForce: inForce.has(o.id),
  }));
}

/**
 * Active systems out of policy: their current hosting is refused. Only those are read, by the
 * status's index; a system in policy (or not yet evaluated) cannot fail the duty.
 */
async function systemFacts(db: Db): Promise<SystemFact[]> {
  const rows = await db
    .selectFrom('system_placements as p')
    .innerJoin('pse_systems as s', 's.id', 'p.system_id')
    .leftJoin('placement_decisions as d', 'd.id', 'p.current_decision_id')
    .select(['s.id', 's.name', 's.organization_id', 'p.status', 'd.outcome'])
    .where('p.status', '=', 'out_of_policy')
    .where('s.status', '=', 'active')
    .execute();
  return rows.map((r) => ({
    id: r.id,
    name: r.name,
    organizations: [{ id: r.organization_id, party: 'pse' as const }],
    placementAllowed: r.status !== 'out_of_policy',
    placementOutcome: r.outcome ?? r.status.replaceAll('_', ' '),
  }));
}

/**
 * Data-breach reports not yet closed. A report is a report: `reportedAt` is when it reached the
 * Office. The initial-notice hours that applied at intake (from its stored deadline) are passed as
 * the level's figure, so the check judges a report by what applied when it arrived, as the intake
 * did; a closed incident's late report was opened as a breach at intake already.
 */
async function breachReportFacts(db: Db, kinds: Kinds): Promise<BreachReportFact[]> {
  const rows = await db
    .selectFrom('incidents')
    .select([
      'id',
      'organization_id',
      'discovered_at',
      'reported_at',
      'personal_data',
      'notice_due_at',
    ])
    .where('status', '!=', 'closed')
    .execute();
  return rows.map((r) => {
    const applied = (Date.parse(r.notice_due_at) - Date.parse(r.discovered_at)) / HOUR_MS;
    return {
      id: r.id,
      organizations: responsible(r.organization_id, kinds),
      discoveredAt: r.discovered_at,
      reportedAt: r.reported_at,
      personalData: r.personal_data === 1,
      levelNoticeHours: Number.isFinite(applied) && applied > 0 ? applied : null,
    };
  });
}

/**
 * Incident-report requests that can fail the duty: open ones, and those answered after their due
 * instant (answered late is late). Instants are stored as `toISOString()` text, so comparing them
 * as text compares them in time, and the requests answered in time (most of them, and more each
 * year) are never read.
 */
async function requestFacts(db: Db, kinds: Kinds): Promise<RequestFact[]> {
  const rows = await db
    .selectFrom('report_requests')
    .select(['id', 'organization_id', 'due_at', 'answered_at'])
    .where('status', '!=', 'withdrawn')
    .where((eb) => eb.or([eb('answered_at', 'is', null), eb('answered_at', '>', eb.ref('due_at'))]))
    .execute();
  return rows.map((r) => ({
    id: r.id,
    organizations: responsible(r.organization_id, kinds),
    dueAt: r.due_at,
    answeredAt: r.answered_at,
  }));
}

/**
 * Response actions not cancelled that can fail the duty: not done, or done after their due
 * instant (done means `done_at`: the organization said so). Compared as text, as requests are.
 */
async function actionFacts(db: Db, kinds: Kinds): Promise<ActionFact[]> {
  const rows = await db
    .selectFrom('response_actions')
    .select(['id', 'organization_id', 'due_at', 'done_at'])
    .where('status', '!=', 'cancelled')
    .where((eb) => eb.or([eb('done_at', 'is', null), eb('done_at', '>', eb.ref('due_at'))]))
    .execute();
  return rows.map((r) => ({
    id: r.id,
    organizations: responsible(r.organization_id, kinds),
    dueAt: r.due_at,
    doneAt: r.done_at,
  }));
}

/**
 * Findings and conditions of the accreditations that stand (accredited or suspended). An officer
 * records a finding's fix with `close_finding` (its `fixedOn`; findings stored before that step
 * existed have none and read as open); an open finding stops counting when a granted renewal or
 * reassessment supersedes the record (whose own assessment then holds the findings that remain).
 * Conditions carry their own closure (`close_condition`).
 */
async function accreditationFacts(
  db: Db,
): Promise<{ findings: FindingFact[]; conditions: ConditionFact[] }> {
  const rows = await db
    .selectFrom('accreditation_applications')
    .select(['id', 'csp_organization_id', 'assessment', 'conditions'])
    .where('status', 'in', ['accredited', 'suspended'])
    .execute();
  const findings: FindingFact[] = [];
  const conditions: ConditionFact[] = [];
  for (const row of rows) {
    const organizations = [{ id: row.csp_organization_id, party: 'csp' as const }];
    // Only the two parts needed, parsed as the mapper does (written whole from the workflow).
    const assessment =
      row.assessment === null
        ? null
        : (JSON.parse(row.assessment) as AccreditationRecord['assessment']);
    const stated = JSON.parse(row.conditions) as AccreditationRecord['conditions'];
    if (assessment)
      for (const f of assessment.findings)
        findings.push({
          id: f.id,
          organizations,
          severity: f.severity,
          raisedOn: assessment.submittedOn.slice(0, 10),
          dueOn: f.dueOn,
          fixedOn: f.fixedOn ?? null,
        });
    for (const c of stated)
      conditions.push({
        id: c.id,
        organizations,
        text: c.text,
        dueOn: c.dueOn,
        closedOn: c.status === 'closed' ? c.closedOn : null,
      });
  }
  return { findings, conditions };
}
