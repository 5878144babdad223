import type { FindingSeverity } from '../accreditation/events.js';
import { instantMs, reportingDeadlines } from './deadlines.js';
import type { CheckKind, DutyCheck, ObligationSet } from './model.js';

/**
 * The duty check (issue 7, item 2): every measurable duty against plain facts, giving one failure
 * per distinct (organization, duty, subject). Pure and linear in the number of facts, so a job can
 * run it over every open item each tick; the job opens a breach per failure `key` with a unique
 * index, which is what makes repeated and concurrent runs open each breach once.
 */

/** An organization a fact holds responsible, and as which party. */
export interface OrgRef {
  id: string;
  party: 'csp' | 'pse';
}

/** Due dates are instants, or `YYYY-MM-DD` days meaning "by the end of that day, UTC". */
type Due = string;

export interface OfferingFact {
  id: string;
  name: string;
  /** The CSP, and the PSEs whose data it hosts. */
  organizations: readonly OrgRef[];
  hostsPseData: boolean;
  /** Whether an accreditation is in force at the instant checked (`standingOn` of the workflow). */
  inForce: boolean;
}

export interface SystemFact {
  id: string;
  name: string;
  organizations: readonly OrgRef[];
  placementAllowed: boolean;
  /** The placement decision's outcome, quoted in the evidence. */
  placementOutcome: string;
}

export interface BreachReportFact {
  id: string;
  organizations: readonly OrgRef[];
  discoveredAt: string;
  reportedAt: string | null;
  personalData: boolean;
  levelNoticeHours: number | null;
}

export interface RequestFact {
  id: string;
  organizations: readonly OrgRef[];
  dueAt: Due;
  answeredAt: string | null;
}

export interface ActionFact {
  id: string;
  organizations: readonly OrgRef[];
  dueAt: Due;
  doneAt: string | null;
}

export interface FindingFact {
  id: string;
  organizations: readonly OrgRef[];
  severity: FindingSeverity;
  /** YYYY-MM-DD: the day the assessment recorded it. */
  raisedOn: string;
  /** The auditor's due date. */
  dueOn: Due;
  fixedOn: string | null;
}

export interface ConditionFact {
  id: string;
  organizations: readonly OrgRef[];
  text: string;
  dueOn: Due;
  /** When an officer closed it as met; null while open. */
  closedOn: string | null;
}

export interface DutyFacts {
  offerings: readonly OfferingFact[];
  systems: readonly SystemFact[];
  breachReports: readonly BreachReportFact[];
  requests: readonly RequestFact[];
  actions: readonly ActionFact[];
  findings: readonly FindingFact[];
  conditions: readonly ConditionFact[];
}

export type SubjectKind =
  'offering' | 'system' | 'breach_report' | 'request' | 'action' | 'finding' | 'condition';

export interface DutyFailure {
  /** `duty/<duty>/<organization>/<subject kind>/<subject id>`: the breach's unique key. */
  key: string;
  dutyCode: string;
  checkKind: CheckKind;
  organizationId: string;
  party: 'csp' | 'pse';
  subject: { kind: SubjectKind; id: string };
  /** What was found, in words, with the instants it rests on. */
  evidence: string;
  clause: string;
  detectedAt: string;
  /** The deadline missed, where the duty has one. */
  dueAt: string | null;
}

const DAY_MS = 86_400_000;
const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** A due date as its last instant: a bare day is due until the end of that day, UTC. */
function dueMs(value: Due, name: string): number {
  const ms = instantMs(value, name);
  return DAY.test(value) ? ms + DAY_MS - 1 : ms;
}

/**
 * Late when done after the due instant, or not done and `at` is past it. A bare completion day
 * reads as its first instant, in the party's favour: a day is all the record says.
 */
function missed(due: number, done: string | null, now: number, name: string): boolean {
  return (done === null ? now : instantMs(done, name)) > due;
}

const iso = (ms: number): string => new Date(ms).toISOString();

/**
 * Every failure of a measurable duty at instant `at`. Duties without a check are skipped: an
 * officer records those breaches by hand. The result is sorted by key, so two runs over the same
 * facts give the same list.
 */
export function checkDuties(
  obligations: ObligationSet,
  facts: DutyFacts,
  at: string,
): DutyFailure[] {
  const now = instantMs(at, 'at');
  // Formatted once: 100,000 failures would otherwise format the same instant 100,000 times.
  const atIso = iso(now);
  const failures = new Map<string, DutyFailure>();

  for (const duty of obligations.duties) {
    const check = duty.check;
    if (check === null) continue;
    const open = (
      kind: SubjectKind,
      id: string,
      organizations: readonly OrgRef[],
      evidence: string,
      dueAt: string | null,
    ): void => {
      for (const org of organizations) {
        if (duty.party !== 'both' && org.party !== duty.party) continue;
        const key = `duty/${enc(duty.code)}/${enc(org.id)}/${kind}/${enc(id)}`;
        if (failures.has(key)) continue;
        failures.set(key, {
          key,
          dutyCode: duty.code,
          checkKind: check.kind,
          organizationId: org.id,
          party: org.party,
          subject: { kind, id },
          evidence,
          clause: duty.clause,
          detectedAt: atIso,
          dueAt,
        });
      }
    };
    evaluate(check, obligations, facts, now, atIso, open);
  }
  return [...failures.values()].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

const PLAIN = /^[\w.~-]*$/;
/** URI-encodes a key part (so `/` in an id cannot collide), skipping the common plain id. */
const enc = (part: string): string => (PLAIN.test(part) ? part : encodeURIComponent(part));

type Open = (
  kind: SubjectKind,
  id: string,
  organizations: readonly OrgRef[],
  evidence: string,
  dueAt: string | null,
) => void;

function evaluate(
  check: DutyCheck,
  obligations: ObligationSet,
  facts: DutyFacts,
  now: number,
  atIso: string,
  open: Open,
): void {
  const today = atIso.slice(0, 10);
  switch (check.kind) {
    case 'offering_accredited':
      for (const o of facts.offerings)
        if (o.hostsPseData && !o.inForce)
          open(
            'offering',
            o.id,
            o.organizations,
            `Offering ${JSON.stringify(o.name)} hosts public sector data but holds no accreditation in force on ${today}.`,
            null,
          );
      return;
    case 'placement_allowed':
      for (const s of facts.systems)
        if (!s.placementAllowed)
          open(
            'system',
            s.id,
            s.organizations,
            `The placement of system ${JSON.stringify(s.name)} is not allowed (decision: ${s.placementOutcome}) on ${today}.`,
            null,
          );
      return;
    case 'breach_reported_within': {
      const at = atIso;
      for (const r of facts.breachReports) {
        const d = reportingDeadlines(r, obligations.reporting, at);
        if (!d.late) continue;
        const missedTracks = d.tracks.filter((t) => t.late);
        const words = missedTracks
          .map((t) => `${t.track.replace('_', ' ')} due within ${t.hours} h, at ${t.dueAt}`)
          .join('; ');
        const when =
          r.reportedAt === null ? `not reported by ${at}` : `reported at ${r.reportedAt}`;
        open(
          'breach_report',
          r.id,
          r.organizations,
          `Breach ${r.id} discovered at ${r.discoveredAt}, ${when} (delay ${d.delayMinutes} min); missed: ${words}.`,
          missedTracks[0]?.dueAt ?? null,
        );
      }
      return;
    }
    case 'report_request_answered_by_due':
      for (const q of facts.requests) {
        const due = dueMs(q.dueAt, 'dueAt');
        if (!missed(due, q.answeredAt, now, 'answeredAt')) continue;
        const dueIso = iso(due);
        const when =
          q.answeredAt === null
            ? `is still unanswered at ${atIso}`
            : `was answered at ${q.answeredAt}`;
        open(
          'request',
          q.id,
          q.organizations,
          `Incident-report request ${q.id} was due by ${dueIso} and ${when}.`,
          dueIso,
        );
      }
      return;
    case 'response_action_done_by_due':
      for (const a of facts.actions) {
        const due = dueMs(a.dueAt, 'dueAt');
        if (!missed(due, a.doneAt, now, 'doneAt')) continue;
        const dueIso = iso(due);
        const when = a.doneAt === null ? `is still open at ${atIso}` : `was done at ${a.doneAt}`;
        open(
          'action',
          a.id,
          a.organizations,
          `Response action ${a.id} was due by ${dueIso} and ${when}.`,
          dueIso,
        );
      }
      return;
    case 'critical_findings_fixed_within': {
      const severities = new Set<string>(check.severities);
      for (const f of facts.findings) {
        if (!severities.has(f.severity)) continue;
        // The policy window from the day raised, unless the auditor set an earlier date.
        const due = Math.min(
          instantMs(f.raisedOn, 'raisedOn') + (check.days + 1) * DAY_MS - 1,
          dueMs(f.dueOn, 'dueOn'),
        );
        if (!missed(due, f.fixedOn, now, 'fixedOn')) continue;
        const dueIso = iso(due);
        const when = f.fixedOn === null ? `still open on ${today}` : `fixed on ${f.fixedOn}`;
        open(
          'finding',
          f.id,
          f.organizations,
          `${f.severity} finding ${f.id} raised on ${f.raisedOn} had to be fixed by ${dueIso} (${check.days} days, or the auditor's ${f.dueOn}); ${when}.`,
          dueIso,
        );
      }
      return;
    }
    case 'conditions_met_by_due':
      for (const c of facts.conditions) {
        const due = dueMs(c.dueOn, 'dueOn');
        if (!missed(due, c.closedOn, now, 'closedOn')) continue;
        const dueIso = iso(due);
        const when = c.closedOn === null ? `still open on ${today}` : `met on ${c.closedOn}`;
        open(
          'condition',
          c.id,
          c.organizations,
          `Accreditation condition ${JSON.stringify(c.text)} was due on ${c.dueOn}; ${when}.`,
          dueIso,
        );
      }
      return;
  }
  // Exhaustive: a new check kind must be handled above before the set can name it.
  assertNever(check);
}

function assertNever(value: never): never {
  throw new Error(`unhandled check kind ${JSON.stringify(value)}`);
}
