import type { OrganizationKind } from '../../db/schema.js';
import type { Role } from '../identity/roles.js';
import { DEFAULT_POSITIONS, dayOf, type Power } from '../office/positions.js';
import { daysBetween } from '../office/phase.js';
import type {
  AccreditationEvent,
  AccreditationEventType,
  ApplicationKind,
  AssessmentResult,
  Condition,
  EventBy,
  Finding,
  LevelRef,
} from './events.js';

/**
 * The accreditation workflow as a pure state machine (issue 5, items 3 and 4): no database, no
 * clock, no HTTP. A record is one application of a cloud service offering and, once granted, the
 * accreditation it became. Renewals and reassessments are new records linked to the one they
 * would replace, which stays accredited meanwhile. docs/accreditation-workflow.md draws it.
 */

export const STATUSES = [
  /** The provider is preparing the application (or a renewal or reassessment of it). */
  'draft',
  /** Sent by the provider; the Director Cloud Adoption checks it is complete. */
  'submitted',
  /** Sent back to the provider with reasons; it edits and submits again. */
  'returned',
  /** Found complete; waits for the Director Audits to assign an audit firm. */
  'complete',
  /** An audit firm is assessing it, control by control. */
  'in_assessment',
  /** The assessment is in; the Director Legal & Procurement reviews legal and contract documents. */
  'legal_review',
  /** Legal review asked the provider for legal or contract documents. */
  'legal_returned',
  /** Legal review is done; the DG Cloud decides. */
  'awaiting_decision',
  /** Granted at a level until a date; PSEs may buy from it. */
  'accredited',
  /** The DG Cloud refused it (final). */
  'refused',
  /** The provider withdrew it before a decision (final). */
  'withdrawn',
  /** Accredited but suspended by the DG Cloud; may be reinstated, revoked or expire. */
  'suspended',
  /** Revoked by the DG Cloud (final: the provider must apply anew). */
  'revoked',
  /** Its validity ended (final: the provider must apply anew). */
  'expired',
  /** Replaced by a granted renewal or reassessment of the same offering (final). */
  'superseded',
] as const;

export type AccreditationStatus = (typeof STATUSES)[number];

/** States no action leaves. */
export const FINAL_STATUSES: readonly AccreditationStatus[] = [
  'refused',
  'withdrawn',
  'revoked',
  'expired',
  'superseded',
];

/** States before a decision: the record is an application. */
export const APPLICATION_STATUSES: readonly AccreditationStatus[] = [
  'draft',
  'submitted',
  'returned',
  'complete',
  'in_assessment',
  'legal_review',
  'legal_returned',
  'awaiting_decision',
];

/** Parameters an office may set; the defaults are the reference policy's working choices. */
export interface WorkflowPolicy {
  /** The longest validity the DG Cloud may grant, in years from the decision day. */
  maxValidityYears: number;
  /** How many days before expiry a renewal may be opened. */
  renewalWindowDays: number;
  /** Renewal reminders, in days before expiry. */
  renewalReminderDays: readonly number[];
  /** A reassessment falls due every so many months of validity; null for none. */
  reassessmentIntervalMonths: number | null;
  /** Reassessment reminders, in days before each due date. */
  reassessmentReminderDays: readonly number[];
}

export const DEFAULT_POLICY: WorkflowPolicy = {
  maxValidityYears: 3,
  renewalWindowDays: 180,
  renewalReminderDays: [90, 30, 7],
  reassessmentIntervalMonths: 12,
  reassessmentReminderDays: [30, 7],
};

/** One application or accreditation, as the workflow needs to know it. */
export interface AccreditationRecord {
  id: string;
  offeringId: string;
  cspOrganizationId: string;
  kind: ApplicationKind;
  /** The accreditation a renewal or reassessment would replace. */
  predecessorId: string | null;
  status: AccreditationStatus;
  levelSought: LevelRef;
  /** Pinned at submission: the published version of the level and its controls. */
  submission: { levelVersion: number; controlIds: readonly string[] } | null;
  /** Why it was last returned (to the provider, or for legal documents). */
  returnReasons: readonly string[] | null;
  auditFirm: { id: string; name: string } | null;
  assessment: {
    submittedOn: string;
    counts: Record<AssessmentResult, number>;
    findings: readonly Finding[];
  } | null;
  legalReview: { outcome: 'cleared' | 'objection'; notes: string } | null;
  grant: { level: LevelRef; validFrom: string; validUntil: string; decidedOn: string } | null;
  conditions: readonly Condition[];
  suspension: { reason: string; effectiveOn: string } | null;
  /** Why it ended: refusal reasons, withdrawal, revocation; or the successor that replaced it. */
  closure: { reasons: readonly string[]; successorId: string | null } | null;
}

export interface NewCondition {
  id: string;
  text: string;
  dueOn: string;
}

export interface ControlResult {
  controlId: string;
  result: AssessmentResult;
}

/** Every action and the input it needs. Ids of new things (conditions, findings) come from the caller. */
export type Action =
  | {
      type: 'submit';
      levelVersion: number;
      controlIds: readonly string[];
      /** Controls of that version the provider has not answered yet (computed by the service). */
      unansweredControlIds: readonly string[];
    }
  | { type: 'return'; reasons: readonly string[] }
  | { type: 'confirm_complete' }
  | { type: 'assign_audit'; auditFirm: { id: string; name: string; registered: boolean } }
  | { type: 'decline_assessment'; reason: string }
  | { type: 'submit_assessment'; results: readonly ControlResult[]; findings: readonly Finding[] }
  | { type: 'request_legal_documents'; reasons: readonly string[] }
  | { type: 'resubmit_legal_documents' }
  | { type: 'record_legal_review'; outcome: 'cleared' | 'objection'; notes: string }
  | { type: 'withdraw'; reason: string }
  | {
      type: 'accredit';
      level: LevelRef;
      validUntil: string;
      conditions: readonly NewCondition[];
      /** The status, now, of the accreditation a renewal or reassessment replaces. */
      predecessorStatus: AccreditationStatus | null;
    }
  | { type: 'refuse'; reasons: readonly string[] }
  | { type: 'suspend'; reason: string; effectiveOn: string }
  | { type: 'reinstate'; reason: string; conditions: readonly NewCondition[] }
  | { type: 'revoke'; reason: string }
  | { type: 'expire' }
  | { type: 'supersede'; successorId: string }
  | { type: 'close_condition'; conditionId: string; note: string }
  | { type: 'close_finding'; findingId: string; note: string };

export type ActionType = Action['type'];

export const ACTION_TYPES = [
  'submit',
  'return',
  'confirm_complete',
  'assign_audit',
  'decline_assessment',
  'submit_assessment',
  'request_legal_documents',
  'resubmit_legal_documents',
  'record_legal_review',
  'withdraw',
  'accredit',
  'refuse',
  'suspend',
  'reinstate',
  'revoke',
  'expire',
  'supersede',
  'close_condition',
  'close_finding',
] as const satisfies readonly ActionType[];

/** A signed-in person; `identity/actor.ts`'s Actor has these fields, so it can be passed as is. */
export interface PersonActor {
  userId: string;
  organizationId: string;
  organizationKind: OrganizationKind;
  role: Role;
  powers: ReadonlySet<Power>;
}

/** The clock: background work that applies what the calendar decides (expiry, superseding). */
export interface SystemActor {
  system: true;
}

export type ActorFacts = PersonActor | SystemActor;

export const SYSTEM: SystemActor = { system: true };

/**
 * Who may take an action. Officers act by a power from their posts on the day; the provider's
 * people by belonging to the applying CSP; auditors by belonging to the firm assigned.
 */
export type ActorRule =
  | { kind: 'power'; power: Power }
  | { kind: 'applicant' }
  | { kind: 'assigned_audit_firm' }
  | { kind: 'system' };

/** Provider roles that may commit the organization (submit, withdraw); csp_staff may prepare. */
export const APPLICANT_ROLES: readonly Role[] = ['csp_admin', 'csp_security_officer'];
export const AUDITOR_ROLES: readonly Role[] = ['auditor', 'audit_firm_admin'];

export interface TransitionRow {
  from: AccreditationStatus;
  action: ActionType;
  to: AccreditationStatus;
  by: ActorRule;
  event: AccreditationEventType;
}

const applicant: ActorRule = { kind: 'applicant' };
const auditFirm: ActorRule = { kind: 'assigned_audit_firm' };
const system: ActorRule = { kind: 'system' };
const power = (p: Power): ActorRule => ({ kind: 'power', power: p });

function rows(
  froms: readonly AccreditationStatus[],
  action: ActionType,
  to: AccreditationStatus | 'same',
  by: ActorRule,
  event: AccreditationEventType,
): TransitionRow[] {
  return froms.map((from) => ({ from, action, to: to === 'same' ? from : to, by, event }));
}

/** Everything the workflow allows; any (state, action) pair not listed here is refused. */
export const TRANSITIONS: readonly TransitionRow[] = [
  ...rows(['draft', 'returned'], 'submit', 'submitted', applicant, 'ApplicationSubmitted'),
  ...rows(
    ['submitted'],
    'return',
    'returned',
    power('review_accreditation'),
    'ApplicationReturned',
  ),
  ...rows(
    ['submitted'],
    'confirm_complete',
    'complete',
    power('review_accreditation'),
    'CompletenessConfirmed',
  ),
  // From in_assessment it is a reassignment to another firm.
  ...rows(
    ['complete', 'in_assessment'],
    'assign_audit',
    'in_assessment',
    power('assign_audit'),
    'AssessmentAssigned',
  ),
  ...rows(['in_assessment'], 'decline_assessment', 'complete', auditFirm, 'AssessmentDeclined'),
  ...rows(['in_assessment'], 'submit_assessment', 'legal_review', auditFirm, 'AssessmentSubmitted'),
  ...rows(
    ['legal_review'],
    'request_legal_documents',
    'legal_returned',
    power('review_legal'),
    'LegalDocumentsRequested',
  ),
  ...rows(
    ['legal_returned'],
    'resubmit_legal_documents',
    'legal_review',
    applicant,
    'LegalDocumentsResubmitted',
  ),
  ...rows(
    ['legal_review'],
    'record_legal_review',
    'awaiting_decision',
    power('review_legal'),
    'LegalReviewCompleted',
  ),
  ...rows(APPLICATION_STATUSES, 'withdraw', 'withdrawn', applicant, 'ApplicationWithdrawn'),
  ...rows(
    ['awaiting_decision'],
    'accredit',
    'accredited',
    power('decide_accreditation'),
    'AccreditationGranted',
  ),
  ...rows(
    ['awaiting_decision'],
    'refuse',
    'refused',
    power('decide_accreditation'),
    'AccreditationRefused',
  ),
  ...rows(
    ['accredited'],
    'suspend',
    'suspended',
    power('decide_accreditation'),
    'AccreditationSuspended',
  ),
  ...rows(
    ['suspended'],
    'reinstate',
    'accredited',
    power('decide_accreditation'),
    'AccreditationReinstated',
  ),
  ...rows(
    ['accredited', 'suspended'],
    'revoke',
    'revoked',
    power('decide_accreditation'),
    'AccreditationRevoked',
  ),
  ...rows(['accredited', 'suspended'], 'expire', 'expired', system, 'AccreditationExpired'),
  ...rows(['accredited'], 'supersede', 'superseded', system, 'AccreditationSuperseded'),
  ...rows(
    ['accredited', 'suspended'],
    'close_condition',
    'same',
    power('review_accreditation'),
    'ConditionClosed',
  ),
  ...rows(
    ['accredited', 'suspended'],
    'close_finding',
    'same',
    power('review_accreditation'),
    'FindingClosed',
  ),
];

export type TransitionResult =
  | { ok: true; next: AccreditationRecord; event: AccreditationEvent; row: TransitionRow }
  | { ok: false; code: RefusalCode; message: string };

export type RefusalCode =
  | 'transition_not_allowed'
  | 'not_permitted'
  | 'input_invalid'
  | 'controls_unanswered'
  | 'audit_firm_not_registered'
  | 'audit_firm_unchanged'
  | 'assessment_incomplete'
  | 'finding_missing'
  | 'legal_not_cleared'
  | 'level_above_sought'
  | 'validity_invalid'
  | 'predecessor_not_in_force'
  | 'effective_date_past'
  | 'validity_ended'
  | 'not_yet_expired'
  | 'condition_not_open'
  | 'finding_not_open'
  | 'renewal_too_early'
  | 'successor_open';

// ---------------------------------------------------------------------------------------------
// Words for people

const STATE_PHRASES: Record<AccreditationStatus, string> = {
  draft: 'This application is a draft',
  submitted: 'This application has been submitted and awaits its completeness check',
  returned: 'This application has been returned to the provider',
  complete: 'This application is complete and awaits the assignment of an audit firm',
  in_assessment: 'This application is being assessed by an audit firm',
  legal_review: 'This application is in legal review',
  legal_returned: 'This application awaits legal documents from the provider',
  awaiting_decision: 'This application awaits the decision of the DG Cloud',
  accredited: 'This offering is accredited',
  refused: 'This application was refused',
  withdrawn: 'This application was withdrawn',
  suspended: 'This accreditation is suspended',
  revoked: 'This accreditation was revoked',
  expired: 'This accreditation has expired',
  superseded: 'This accreditation was replaced by a later one',
};

/** What each action does, in words that fit "only … can <phrase>". */
export const ACTION_PHRASES: Record<ActionType, string> = {
  submit: 'submit the application',
  return: 'return the application to the provider',
  confirm_complete: 'confirm the application is complete',
  assign_audit: 'assign the assessment to an audit firm',
  decline_assessment: 'decline the assessment',
  submit_assessment: 'submit the assessment',
  request_legal_documents: 'ask the provider for legal documents',
  resubmit_legal_documents: 'send the legal documents back for review',
  record_legal_review: 'complete the legal review',
  withdraw: 'withdraw the application',
  accredit: 'grant the accreditation',
  refuse: 'refuse the application',
  suspend: 'suspend the accreditation',
  reinstate: 'reinstate the accreditation',
  revoke: 'revoke the accreditation',
  expire: 'mark the accreditation expired',
  supersede: 'replace the accreditation by its successor',
  close_condition: 'close a condition',
  close_finding: 'close a finding',
};

/** The default posts that hold a power, for messages (posts are data; the power is the rule). */
function holdersOf(p: Power): string {
  const titles = DEFAULT_POSITIONS.filter((position) => position.powers.includes(p)).map(
    (position) => `the ${position.title}`,
  );
  // The DG Cloud holds every power; name the posts made for it first.
  titles.sort((a, b) => Number(a === 'the DG Cloud') - Number(b === 'the DG Cloud'));
  return titles.length <= 1
    ? (titles[0] ?? 'nobody')
    : `${titles.slice(0, -1).join(', ')} or ${titles.at(-1) ?? ''}`;
}

/** Who a rule lets act, in words. */
export function describeRule(rule: ActorRule): string {
  switch (rule.kind) {
    case 'power':
      return `an officer with the power ${rule.power} (by default ${holdersOf(rule.power)})`;
    case 'applicant':
      return "the applying provider's administrators and security officers";
    case 'assigned_audit_firm':
      return 'the audit firm assigned to the assessment';
    case 'system':
      return 'the Cloud Office itself, on the date it falls due';
  }
}

function allowedFromPhrase(status: AccreditationStatus): string {
  const here = TRANSITIONS.filter((row) => row.from === status);
  if (here.length === 0) return 'nothing more can be done with it.';
  const list = here.map((row) => `${ACTION_PHRASES[row.action]} (${describeRule(row.by)})`);
  return `from here one can only ${list.join('; ')}.`;
}

// ---------------------------------------------------------------------------------------------
// Actors

function isPerson(actor: ActorFacts): actor is PersonActor {
  return !('system' in actor);
}

/** Whether `actor` fits `rule` for this record. */
export function actorFits(
  rule: ActorRule,
  actor: ActorFacts,
  record: Pick<AccreditationRecord, 'cspOrganizationId' | 'auditFirm'>,
): boolean {
  if (rule.kind === 'system') return !isPerson(actor);
  if (!isPerson(actor)) return false;
  switch (rule.kind) {
    case 'power':
      return actor.organizationKind === 'cloud_office' && actor.powers.has(rule.power);
    case 'applicant':
      return (
        actor.organizationKind === 'csp' &&
        actor.organizationId === record.cspOrganizationId &&
        APPLICANT_ROLES.includes(actor.role)
      );
    case 'assigned_audit_firm':
      return (
        actor.organizationKind === 'audit_firm' &&
        record.auditFirm !== null &&
        actor.organizationId === record.auditFirm.id &&
        AUDITOR_ROLES.includes(actor.role)
      );
  }
}

/** The actions `actor` may take on `record` now (inputs and guards are checked on taking them). */
export function allowedActions(record: AccreditationRecord, actor: ActorFacts): TransitionRow[] {
  return TRANSITIONS.filter(
    (row) => row.from === record.status && actorFits(row.by, actor, record),
  );
}

// ---------------------------------------------------------------------------------------------
// Dates

const DAY_PATTERN = /^\d{4}-\d{2}-\d{2}$/;

/** A real calendar day written YYYY-MM-DD. */
export function isDay(value: string): boolean {
  if (!DAY_PATTERN.test(value)) return false;
  const parsed = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(parsed.getTime()) && parsed.toISOString().slice(0, 10) === value;
}

/** `day` plus whole months; a day past the end of the target month falls back to its last day. */
export function addMonths(day: string, months: number): string {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  const monthIndex = m - 1 + months;
  const year = y + Math.floor(monthIndex / 12);
  const month = ((monthIndex % 12) + 12) % 12;
  const lastDay = new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
  return new Date(Date.UTC(year, month, Math.min(d, lastDay))).toISOString().slice(0, 10);
}

// ---------------------------------------------------------------------------------------------
// Guards and effects

type Refusal = { ok: false; code: RefusalCode; message: string };
type Effect = { next: AccreditationRecord; facts: EventFacts } | Refusal;
/** The event's own fields, without the common ones the transition adds. */
type EventFacts = DistributiveOmit<AccreditationEvent, keyof EventCommon>;
type EventCommon = Pick<
  AccreditationEvent,
  'accreditationId' | 'offeringId' | 'cspOrganizationId' | 'at' | 'by'
>;
type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

function refuse(code: RefusalCode, message: string): Refusal {
  return { ok: false, code, message };
}

function blank(text: string): boolean {
  return text.trim() === '';
}

function cleanReasons(reasons: readonly string[]): string[] {
  return reasons.map((r) => r.trim()).filter((r) => r !== '');
}

function listed(ids: readonly string[], max = 10): string {
  const shown = ids.slice(0, max).join(', ');
  return ids.length > max ? `${shown} and ${ids.length - max} more` : shown;
}

function checkConditions(
  conditions: readonly NewCondition[],
  today: string,
  validUntil: string,
  existing: readonly Condition[],
): Refusal | null {
  const seen = new Set(existing.map((c) => c.id));
  for (const condition of conditions) {
    if (blank(condition.id) || seen.has(condition.id)) {
      return refuse('input_invalid', `Condition id "${condition.id}" is empty or used twice.`);
    }
    seen.add(condition.id);
    if (blank(condition.text)) {
      return refuse(
        'input_invalid',
        `Condition ${condition.id} has no text: say what must be done.`,
      );
    }
    if (!isDay(condition.dueOn) || condition.dueOn < today || condition.dueOn > validUntil) {
      return refuse(
        'input_invalid',
        `Condition ${condition.id} is due on "${condition.dueOn}": a due date must be a day from ${today} to the end of validity, ${validUntil}.`,
      );
    }
  }
  return null;
}

function openConditions(conditions: readonly NewCondition[]): Condition[] {
  return conditions.map((c) => ({
    id: c.id,
    text: c.text.trim(),
    dueOn: c.dueOn,
    status: 'open',
    closedOn: null,
    closingNote: null,
  }));
}

function effect(
  record: AccreditationRecord,
  action: Action,
  today: string,
  policy: WorkflowPolicy,
): Effect {
  switch (action.type) {
    case 'submit': {
      if (!Number.isInteger(action.levelVersion) || action.levelVersion < 1) {
        return refuse(
          'input_invalid',
          `"${action.levelVersion}" is not a published version number.`,
        );
      }
      if (action.controlIds.length === 0) {
        return refuse('input_invalid', 'The level version has no controls to answer.');
      }
      if (action.unansweredControlIds.length > 0) {
        const n = action.unansweredControlIds.length;
        return refuse(
          'controls_unanswered',
          `${n === 1 ? '1 control has' : `${n} controls have`} no answer yet (${listed(action.unansweredControlIds)}); answer every control of ${record.levelSought.code} version ${action.levelVersion} before submitting.`,
        );
      }
      return {
        next: {
          ...record,
          status: 'submitted',
          submission: { levelVersion: action.levelVersion, controlIds: [...action.controlIds] },
        },
        facts: {
          type: 'ApplicationSubmitted',
          levelSought: record.levelSought,
          levelVersion: action.levelVersion,
          controlCount: action.controlIds.length,
          resubmission: record.status === 'returned',
        },
      };
    }
    case 'return':
    case 'request_legal_documents': {
      const reasons = cleanReasons(action.reasons);
      if (reasons.length === 0) {
        return refuse(
          'input_invalid',
          'Give at least one reason, so the provider knows what to fix.',
        );
      }
      return action.type === 'return'
        ? {
            next: { ...record, status: 'returned', returnReasons: reasons },
            facts: { type: 'ApplicationReturned', reasons },
          }
        : {
            next: { ...record, status: 'legal_returned', returnReasons: reasons },
            facts: { type: 'LegalDocumentsRequested', reasons },
          };
    }
    case 'confirm_complete':
      return {
        next: { ...record, status: 'complete', returnReasons: null },
        facts: { type: 'CompletenessConfirmed' },
      };
    case 'assign_audit': {
      const firm = action.auditFirm;
      if (!firm.registered) {
        return refuse(
          'audit_firm_not_registered',
          `${firm.name} is not a registered audit firm; only registered firms may assess offerings.`,
        );
      }
      if (record.auditFirm?.id === firm.id) {
        return refuse(
          'audit_firm_unchanged',
          `The assessment is already assigned to ${firm.name}.`,
        );
      }
      return {
        next: { ...record, status: 'in_assessment', auditFirm: { id: firm.id, name: firm.name } },
        facts: {
          type: 'AssessmentAssigned',
          auditFirmId: firm.id,
          auditFirmName: firm.name,
          previousAuditFirmId: record.auditFirm?.id ?? null,
        },
      };
    }
    case 'decline_assessment': {
      if (blank(action.reason)) {
        return refuse(
          'input_invalid',
          'Say why the firm declines, so the Director Audits can reassign it.',
        );
      }
      const firmId = record.auditFirm?.id ?? '';
      return {
        next: { ...record, status: 'complete', auditFirm: null },
        facts: { type: 'AssessmentDeclined', auditFirmId: firmId, reason: action.reason.trim() },
      };
    }
    case 'submit_assessment':
      return submitAssessment(record, action, today);
    case 'resubmit_legal_documents':
      return {
        next: { ...record, status: 'legal_review', returnReasons: null },
        facts: { type: 'LegalDocumentsResubmitted' },
      };
    case 'record_legal_review': {
      if (action.outcome === 'objection' && blank(action.notes)) {
        return refuse('input_invalid', 'An objection needs its reasons in the notes.');
      }
      const review = { outcome: action.outcome, notes: action.notes.trim() };
      return {
        next: { ...record, status: 'awaiting_decision', legalReview: review },
        facts: { type: 'LegalReviewCompleted', ...review },
      };
    }
    case 'withdraw':
      if (blank(action.reason))
        return refuse('input_invalid', 'Say why the application is withdrawn.');
      return {
        next: {
          ...record,
          status: 'withdrawn',
          closure: { reasons: [action.reason.trim()], successorId: null },
        },
        facts: { type: 'ApplicationWithdrawn', reason: action.reason.trim() },
      };
    case 'accredit':
      return accredit(record, action, today, policy);
    case 'refuse': {
      const reasons = cleanReasons(action.reasons);
      if (reasons.length === 0) return refuse('input_invalid', 'A refusal needs its reasons.');
      return {
        next: { ...record, status: 'refused', closure: { reasons, successorId: null } },
        facts: { type: 'AccreditationRefused', reasons, levelSought: record.levelSought },
      };
    }
    case 'suspend': {
      const grant = granted(record);
      if (blank(action.reason)) return refuse('input_invalid', 'A suspension needs its reason.');
      if (!isDay(action.effectiveOn)) {
        return refuse('input_invalid', `"${action.effectiveOn}" is not a date (YYYY-MM-DD).`);
      }
      if (action.effectiveOn < today) {
        return refuse(
          'effective_date_past',
          `A suspension cannot take effect in the past: ${action.effectiveOn} is before today, ${today}.`,
        );
      }
      if (action.effectiveOn > grant.validUntil) {
        return refuse(
          'input_invalid',
          `The accreditation ends on ${grant.validUntil}; a suspension from ${action.effectiveOn} would come after it.`,
        );
      }
      const suspension = { reason: action.reason.trim(), effectiveOn: action.effectiveOn };
      return {
        next: { ...record, status: 'suspended', suspension },
        facts: { type: 'AccreditationSuspended', level: grant.level, ...suspension },
      };
    }
    case 'reinstate': {
      const grant = granted(record);
      if (blank(action.reason)) return refuse('input_invalid', 'A reinstatement needs its reason.');
      if (today > grant.validUntil) {
        return refuse(
          'validity_ended',
          `This accreditation was valid until ${grant.validUntil}; it cannot be reinstated after that, and expires instead.`,
        );
      }
      const problem = checkConditions(
        action.conditions,
        today,
        grant.validUntil,
        record.conditions,
      );
      if (problem) return problem;
      const added = openConditions(action.conditions);
      return {
        next: {
          ...record,
          status: 'accredited',
          suspension: null,
          conditions: [...record.conditions, ...added],
        },
        facts: {
          type: 'AccreditationReinstated',
          level: grant.level,
          validUntil: grant.validUntil,
          reason: action.reason.trim(),
          conditionsAdded: added,
        },
      };
    }
    case 'revoke': {
      const grant = granted(record);
      if (blank(action.reason)) return refuse('input_invalid', 'A revocation needs its reason.');
      return {
        next: {
          ...record,
          status: 'revoked',
          closure: { reasons: [action.reason.trim()], successorId: null },
        },
        facts: { type: 'AccreditationRevoked', level: grant.level, reason: action.reason.trim() },
      };
    }
    case 'expire': {
      const grant = granted(record);
      if (today <= grant.validUntil) {
        return refuse(
          'not_yet_expired',
          `This accreditation is valid until ${grant.validUntil} inclusive; it expires on the day after.`,
        );
      }
      return {
        next: { ...record, status: 'expired' },
        facts: { type: 'AccreditationExpired', level: grant.level, validUntil: grant.validUntil },
      };
    }
    case 'supersede': {
      const grant = granted(record);
      if (blank(action.successorId) || action.successorId === record.id) {
        return refuse('input_invalid', 'Name the accreditation that replaces this one.');
      }
      return {
        next: {
          ...record,
          status: 'superseded',
          closure: { reasons: [], successorId: action.successorId },
        },
        facts: {
          type: 'AccreditationSuperseded',
          level: grant.level,
          successorId: action.successorId,
        },
      };
    }
    case 'close_condition': {
      const condition = record.conditions.find((c) => c.id === action.conditionId);
      if (condition?.status !== 'open') {
        return refuse(
          'condition_not_open',
          condition
            ? `Condition ${action.conditionId} was closed on ${condition.closedOn ?? 'an earlier day'}.`
            : `This accreditation has no condition ${action.conditionId}.`,
        );
      }
      if (blank(action.note)) {
        return refuse('input_invalid', 'Say how the condition was met before closing it.');
      }
      const note = action.note.trim();
      return {
        next: {
          ...record,
          conditions: record.conditions.map((c) =>
            c.id === condition.id
              ? { ...c, status: 'closed', closedOn: today, closingNote: note }
              : c,
          ),
        },
        facts: { type: 'ConditionClosed', conditionId: condition.id, note },
      };
    }
    case 'close_finding': {
      const findings = record.assessment?.findings ?? [];
      const finding = findings.find((f) => f.id === action.findingId);
      if (!finding || (finding.fixedOn ?? null) !== null) {
        return refuse(
          'finding_not_open',
          finding
            ? `Finding ${action.findingId} was closed as fixed on ${finding.fixedOn ?? 'an earlier day'}.`
            : `This accreditation's assessment has no finding ${action.findingId}.`,
        );
      }
      if (blank(action.note)) {
        return refuse('input_invalid', 'Say how the finding was fixed before closing it.');
      }
      const note = action.note.trim();
      return {
        next: {
          ...record,
          assessment: record.assessment && {
            ...record.assessment,
            findings: findings.map((f) =>
              f.id === finding.id ? { ...f, fixedOn: today, fixNote: note } : f,
            ),
          },
        },
        facts: { type: 'FindingClosed', findingId: finding.id, note },
      };
    }
  }
}

/** Post-decision actions only exist on granted records; a record without a grant is corrupt. */
function granted(record: AccreditationRecord): NonNullable<AccreditationRecord['grant']> {
  if (!record.grant)
    throw new Error(`Accreditation ${record.id} is ${record.status} but has no grant`);
  return record.grant;
}

function submitAssessment(
  record: AccreditationRecord,
  action: Extract<Action, { type: 'submit_assessment' }>,
  today: string,
): Effect {
  const required = record.submission?.controlIds ?? [];
  const requiredSet = new Set(required);
  const byControl = new Map<string, AssessmentResult>();
  for (const { controlId, result } of action.results) {
    if (!requiredSet.has(controlId)) {
      return refuse(
        'input_invalid',
        `Control ${controlId} is not in ${record.levelSought.code} version ${record.submission?.levelVersion ?? '?'}, which this application answers.`,
      );
    }
    if (byControl.has(controlId)) {
      return refuse('input_invalid', `Control ${controlId} has more than one result.`);
    }
    byControl.set(controlId, result);
  }
  const missing = required.filter((id) => !byControl.has(id));
  if (missing.length > 0) {
    return refuse(
      'assessment_incomplete',
      `${missing.length} of ${required.length} controls have no result yet (${listed(missing)}); record a result for every control before submitting.`,
    );
  }
  const findingIds = new Set<string>();
  for (const finding of action.findings) {
    if (blank(finding.id) || findingIds.has(finding.id)) {
      return refuse('input_invalid', `Finding id "${finding.id}" is empty or used twice.`);
    }
    findingIds.add(finding.id);
    if (!requiredSet.has(finding.controlId)) {
      return refuse(
        'input_invalid',
        `Finding ${finding.id} names control ${finding.controlId}, which is not assessed here.`,
      );
    }
    if (blank(finding.description)) {
      return refuse('input_invalid', `Finding ${finding.id} has no description.`);
    }
    if (!isDay(finding.dueOn) || finding.dueOn < today) {
      return refuse(
        'input_invalid',
        `Finding ${finding.id} is due on "${finding.dueOn}": a due date must be a day from today, ${today}, on.`,
      );
    }
  }
  const unexplained = required.filter(
    (id) =>
      byControl.get(id) === 'not_satisfied' && !action.findings.some((f) => f.controlId === id),
  );
  if (unexplained.length > 0) {
    return refuse(
      'finding_missing',
      `Controls found not satisfied need at least one finding each: ${listed(unexplained)}.`,
    );
  }
  const counts: Record<AssessmentResult, number> = {
    satisfied: 0,
    not_satisfied: 0,
    not_applicable: 0,
  };
  for (const result of byControl.values()) counts[result] += 1;
  const findings = action.findings.map((f) => ({ ...f, description: f.description.trim() }));
  return {
    next: {
      ...record,
      status: 'legal_review',
      assessment: { submittedOn: today, counts, findings },
    },
    facts: {
      type: 'AssessmentSubmitted',
      auditFirmId: record.auditFirm?.id ?? '',
      counts,
      findings,
    },
  };
}

function accredit(
  record: AccreditationRecord,
  action: Extract<Action, { type: 'accredit' }>,
  today: string,
  policy: WorkflowPolicy,
): Effect {
  if (record.legalReview?.outcome !== 'cleared') {
    return refuse(
      'legal_not_cleared',
      'The legal review did not clear this application (it raised an objection); it can be refused, not granted.',
    );
  }
  if (action.level.rank > record.levelSought.rank) {
    return refuse(
      'level_above_sought',
      `The provider sought ${record.levelSought.code}; an accreditation may be at that level or lower, never at ${action.level.code}.`,
    );
  }
  const latest = addMonths(today, 12 * policy.maxValidityYears);
  if (!isDay(action.validUntil) || action.validUntil <= today || action.validUntil > latest) {
    return refuse(
      'validity_invalid',
      `Valid until "${action.validUntil}" is not possible: validity starts today, ${today}, and must end after it and no later than ${latest} (${policy.maxValidityYears} years).`,
    );
  }
  if (record.kind !== 'initial') {
    const status = action.predecessorStatus;
    if (status !== 'accredited' && status !== 'expired') {
      return refuse(
        'predecessor_not_in_force',
        `This ${record.kind} would replace an accreditation that is ${status ?? 'missing'}; a suspended one must be reinstated first, and a revoked or replaced one cannot be renewed.`,
      );
    }
  }
  const problem = checkConditions(action.conditions, today, action.validUntil, []);
  if (problem) return problem;
  const conditions = openConditions(action.conditions);
  const grant = {
    level: action.level,
    validFrom: today,
    validUntil: action.validUntil,
    decidedOn: today,
  };
  return {
    next: { ...record, status: 'accredited', grant, conditions },
    facts: {
      type: 'AccreditationGranted',
      kind: record.kind,
      level: action.level,
      levelSought: record.levelSought,
      validFrom: today,
      validUntil: action.validUntil,
      conditions,
      auditFirmId: record.auditFirm?.id ?? '',
      predecessorId: record.predecessorId,
    },
  };
}

function eventBy(actor: ActorFacts, rule: ActorRule): EventBy {
  if (!isPerson(actor)) return { kind: 'system' };
  return {
    kind: 'person',
    userId: actor.userId,
    organizationId: actor.organizationId,
    power: rule.kind === 'power' ? rule.power : null,
  };
}

/**
 * Takes `action` on `record` as `actor` at instant `at`: the next record and the one event it
 * emits, or a refusal that names the state and what may be done from it. Checks, in order: the
 * table allows the action from this state; the actor fits the row's rule; the action's guards.
 */
export function transition(
  record: AccreditationRecord,
  action: Action,
  actor: ActorFacts,
  at: Date,
  policy: WorkflowPolicy = DEFAULT_POLICY,
): TransitionResult {
  const row = TRANSITIONS.find((r) => r.from === record.status && r.action === action.type);
  const phrase = ACTION_PHRASES[action.type];
  if (!row) {
    return refuse(
      'transition_not_allowed',
      `${STATE_PHRASES[record.status]} (${record.status}), so one cannot ${phrase}; ${allowedFromPhrase(record.status)}`,
    );
  }
  if (!actorFits(row.by, actor, record)) {
    return refuse(
      'not_permitted',
      `${STATE_PHRASES[record.status]} (${record.status}); only ${describeRule(row.by)} can ${phrase}.`,
    );
  }
  const today = dayOf(at);
  const result = effect(record, action, today, policy);
  if ('ok' in result) return result;
  const event = {
    ...result.facts,
    accreditationId: record.id,
    offeringId: record.offeringId,
    cspOrganizationId: record.cspOrganizationId,
    at: at.toISOString(),
    by: eventBy(actor, row.by),
  };
  return { ok: true, next: result.next, event, row };
}

// ---------------------------------------------------------------------------------------------
// Opening applications

/** The accreditation a renewal or reassessment would replace, as the service reads it now. */
export interface PredecessorFacts {
  id: string;
  offeringId: string;
  cspOrganizationId: string;
  status: AccreditationStatus;
  validUntil: string;
  /** Whether a renewal or reassessment of it is already open (not yet decided or withdrawn). */
  successorOpen: boolean;
}

export interface OpenInput {
  id: string;
  offeringId: string;
  cspOrganizationId: string;
  kind: ApplicationKind;
  levelSought: LevelRef;
  predecessor: PredecessorFacts | null;
}

/** Who may open each kind: providers apply and renew; the office orders a reassessment. */
export const OPEN_RULES: Record<ApplicationKind, ActorRule> = {
  initial: applicant,
  renewal: applicant,
  reassessment: power('assign_audit'),
};

/**
 * Opens a new application as a draft: a first application, a renewal of an accreditation in
 * force (within the renewal window before it ends) or a reassessment of one. The accreditation
 * it would replace stays accredited until the new one is granted.
 */
export function openApplication(
  input: OpenInput,
  actor: ActorFacts,
  at: Date,
  policy: WorkflowPolicy = DEFAULT_POLICY,
):
  | { ok: true; record: AccreditationRecord; event: AccreditationEvent }
  | { ok: false; code: RefusalCode; message: string } {
  const rule = OPEN_RULES[input.kind];
  const today = dayOf(at);
  if (!actorFits(rule, actor, { cspOrganizationId: input.cspOrganizationId, auditFirm: null })) {
    return refuse(
      'not_permitted',
      `Only ${describeRule(rule)} can open ${OPEN_PHRASES[input.kind]}.`,
    );
  }
  const predecessor = input.predecessor;
  if (input.kind === 'initial') {
    if (predecessor) return refuse('input_invalid', 'A first application replaces nothing.');
  } else {
    if (
      !predecessor ||
      predecessor.offeringId !== input.offeringId ||
      predecessor.cspOrganizationId !== input.cspOrganizationId
    ) {
      return refuse(
        'input_invalid',
        `A ${input.kind} must name the accreditation of this offering it replaces.`,
      );
    }
    if (predecessor.status !== 'accredited') {
      return refuse(
        'predecessor_not_in_force',
        `${STATE_PHRASES[predecessor.status]} (${predecessor.status}); only an accreditation in force can have a ${input.kind}${predecessor.status === 'expired' || predecessor.status === 'revoked' ? ': apply anew' : ''}.`,
      );
    }
    if (predecessor.successorOpen) {
      return refuse(
        'successor_open',
        'A renewal or reassessment of this accreditation is already open.',
      );
    }
    const opensOn = addDays(predecessor.validUntil, -policy.renewalWindowDays);
    if (input.kind === 'renewal' && today < opensOn) {
      return refuse(
        'renewal_too_early',
        `This accreditation is valid until ${predecessor.validUntil}; a renewal may be opened from ${opensOn} (${policy.renewalWindowDays} days before).`,
      );
    }
  }
  const record: AccreditationRecord = {
    id: input.id,
    offeringId: input.offeringId,
    cspOrganizationId: input.cspOrganizationId,
    kind: input.kind,
    predecessorId: predecessor?.id ?? null,
    status: 'draft',
    levelSought: input.levelSought,
    submission: null,
    returnReasons: null,
    auditFirm: null,
    assessment: null,
    legalReview: null,
    grant: null,
    conditions: [],
    suspension: null,
    closure: null,
  };
  return {
    ok: true,
    record,
    event: {
      type: 'ApplicationOpened',
      kind: input.kind,
      levelSought: input.levelSought,
      predecessorId: record.predecessorId,
      accreditationId: record.id,
      offeringId: record.offeringId,
      cspOrganizationId: record.cspOrganizationId,
      at: at.toISOString(),
      by: eventBy(actor, rule),
    },
  };
}

const OPEN_PHRASES: Record<ApplicationKind, string> = {
  initial: 'an application',
  renewal: 'a renewal',
  reassessment: 'a reassessment',
};

function addDays(day: string, days: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}

// ---------------------------------------------------------------------------------------------
// The calendar: standing, expiry, reminders

/**
 * Whether the offering may be bought on `day`, and at which level. A suspension dated ahead
 * leaves the accreditation in force until its effective date.
 */
export function standingOn(
  record: AccreditationRecord,
  day: string,
): { inForce: boolean; level: LevelRef | null } {
  const grant = record.grant;
  if (!grant || day < grant.validFrom || day > grant.validUntil)
    return { inForce: false, level: null };
  const inForce =
    record.status === 'accredited' ||
    (record.status === 'suspended' &&
      record.suspension !== null &&
      day < record.suspension.effectiveOn);
  return inForce ? { inForce, level: grant.level } : { inForce: false, level: null };
}

/** Whether the clock should now apply `expire`: in force or suspended, and past its last valid day. */
export function expiryDue(record: AccreditationRecord, today: string): boolean {
  return (
    (record.status === 'accredited' || record.status === 'suspended') &&
    record.grant !== null &&
    today > record.grant.validUntil
  );
}

/** Open conditions past their due date (issue 7 may treat them as breaches). */
export function overdueConditions(record: AccreditationRecord, today: string): Condition[] {
  return record.conditions.filter((c) => c.status === 'open' && c.dueOn < today);
}

export interface Reminder {
  /** Unique per record, due date and mark: a notice with this key is sent once. */
  key: string;
  kind: 'renewal' | 'reassessment';
  accreditationId: string;
  dueOn: string;
  daysLeft: number;
  mark: number;
  message: string;
}

function markReached(marks: readonly number[], daysLeft: number): number | undefined {
  if (daysLeft < 0) return undefined;
  return [...marks].sort((a, b) => a - b).find((mark) => daysLeft <= mark);
}

function inDays(days: number): string {
  if (days === 0) return 'today';
  return days === 1 ? 'in 1 day' : `in ${days} days`;
}

/**
 * The reminders due on `today` for an accreditation in force: its renewal ahead of expiry, and
 * its next periodic reassessment. Each names the nearest mark reached, so a daily job that sends
 * each key once sends one reminder per mark. Nothing is due once a successor is open.
 */
export function dueReminders(
  record: AccreditationRecord,
  today: string,
  policy: WorkflowPolicy = DEFAULT_POLICY,
  facts: { successorOpen: boolean } = { successorOpen: false },
): Reminder[] {
  const grant = record.grant;
  if (record.status !== 'accredited' || !grant || facts.successorOpen) return [];
  const reminders: Reminder[] = [];
  const renewalDays = daysBetween(today, grant.validUntil);
  const renewalMark = markReached(policy.renewalReminderDays, renewalDays);
  if (renewalMark !== undefined) {
    reminders.push({
      key: `renewal:${record.id}:${grant.validUntil}:${renewalMark}`,
      kind: 'renewal',
      accreditationId: record.id,
      dueOn: grant.validUntil,
      daysLeft: renewalDays,
      mark: renewalMark,
      message: `The ${grant.level.code} accreditation ends on ${grant.validUntil} (${inDays(renewalDays)}). Open a renewal to keep the offering accredited.`,
    });
  }
  const interval = policy.reassessmentIntervalMonths;
  if (interval !== null && interval > 0) {
    // The next anniversary on or after today that falls before the end of validity (the renewal
    // covers the last one).
    let due = addMonths(grant.validFrom, interval);
    for (let k = 2; due < today; k++) due = addMonths(grant.validFrom, interval * k);
    if (due < grant.validUntil) {
      const days = daysBetween(today, due);
      const mark = markReached(policy.reassessmentReminderDays, days);
      if (mark !== undefined) {
        reminders.push({
          key: `reassessment:${record.id}:${due}:${mark}`,
          kind: 'reassessment',
          accreditationId: record.id,
          dueOn: due,
          daysLeft: days,
          mark,
          message: `A reassessment of the ${grant.level.code} accreditation is due on ${due} (${inDays(days)}).`,
        });
      }
    }
  }
  return reminders;
}
