import type { DeploymentModel } from '../../db/schema.js';
import type { ActorFacts, PersonActor } from '../accreditation/workflow.js';
import type { Role } from '../identity/roles.js';
import { DEFAULT_POSITIONS, dayOf, type Power } from '../office/positions.js';
import type { ActiveNoc, Deviation, PackProblem, PolicyPack } from './model.js';
import { checkNocTerms } from './noc.js';

/**
 * NOC exemptions (issue 6, item 5) as a pure state machine, in the manner of the accreditation
 * workflow: no database, no clock, no HTTP. A public service entity asks for a time-bound No
 * Objection Certificate that lets one of its systems deviate from a placement rule (for example a
 * private cloud for Sensitive data); the Director Cloud Adoption reviews it, the DG Cloud decides.
 * The policy pack says which deviations a NOC may cover for each class and for how long
 * (`checkNocTerms`); whether the reason is legitimate is the officers' call.
 *
 *   requested --review(recommend)--> under_review --grant--> granted --expire--> expired
 *       ^   \--review(return)--> returned                \--refuse--> refused    \--revoke--> revoked
 *       \------------resubmit--------/
 *   requested, returned, under_review --withdraw--> withdrawn
 */

export const NOC_STATUSES = [
  /** Sent by the PSE; the Director Cloud Adoption reviews it. */
  'requested',
  /** Sent back to the PSE with reasons; it amends and resubmits, or withdraws. */
  'returned',
  /** Reviewed, with the Director's recommendation; the DG Cloud decides. */
  'under_review',
  /** Granted for a period; in force from its first to its last day. */
  'granted',
  /** Refused by the DG Cloud (final). */
  'refused',
  /** Withdrawn by the PSE before a decision (final). */
  'withdrawn',
  /** Revoked by the DG Cloud before its end (final). */
  'revoked',
  /** Its last day has passed (final). */
  'expired',
] as const;
export type NocStatus = (typeof NOC_STATUSES)[number];

export const FINAL_NOC_STATUSES: readonly NocStatus[] = [
  'refused',
  'withdrawn',
  'revoked',
  'expired',
];

/** The PSE roles that may request a NOC for their organization's systems, amend and withdraw it. */
export const NOC_REQUESTER_ROLES: readonly Role[] = ['pse_admin', 'pse_data_owner', 'pse_staff'];

/** What the PSE asks for. Days are YYYY-MM-DD, both inclusive. */
export interface NocRequestTerms {
  covers: Deviation[];
  /** With `deployment_model`: the models the NOC would allow (e.g. private). */
  deploymentModels: DeploymentModel[];
  /** The offering the NOC is for, if it names one (null: wherever the system is placed). */
  offeringId: string | null;
  /** A private cloud or on-premises facility it is for, in words, if it names one. */
  facility: string | null;
  reason: string;
  from: string;
  until: string;
}

export type Recommendation = 'grant' | 'refuse';

export interface NocRecord {
  id: string;
  systemId: string;
  /** The PSE the system belongs to. */
  organizationId: string;
  /** The system's class when the terms were last checked. */
  classCode: string;
  /** The policy version the terms were last checked against. */
  policyVersion: number;
  status: NocStatus;
  terms: NocRequestTerms;
  /** Why the Director last returned it. */
  returnReasons: readonly string[] | null;
  review: { recommendation: Recommendation; notes: string; reviewedOn: string } | null;
  grant: { validFrom: string; validUntil: string; decidedOn: string; notes: string | null } | null;
  /** Why it ended: refusal, withdrawal or revocation reasons. */
  closure: { reasons: readonly string[]; on: string } | null;
}

/** The policy in force and the system's class now, which every check of terms reads. */
export interface PolicyFacts {
  pack: PolicyPack;
  version: number;
  classCode: string;
}

export type NocAction =
  | { type: 'review'; recommendation: Recommendation | 'return'; reasons: readonly string[] }
  | { type: 'resubmit'; terms: NocRequestTerms; policy: PolicyFacts }
  | {
      type: 'grant';
      validFrom: string | null;
      validUntil: string | null;
      notes: string | null;
      policy: PolicyFacts;
    }
  | { type: 'refuse'; reasons: readonly string[] }
  | { type: 'withdraw'; reason: string }
  | { type: 'revoke'; reason: string }
  | { type: 'expire' };
export type NocActionType = NocAction['type'];

export type NocEventType =
  | 'NocRequested'
  | 'NocRecommended'
  | 'NocReturned'
  | 'NocResubmitted'
  | 'NocGranted'
  | 'NocRefused'
  | 'NocWithdrawn'
  | 'NocRevoked'
  | 'NocExpired';

export type NocEventBy =
  | { kind: 'person'; userId: string; organizationId: string; power: Power | null }
  | { kind: 'system' };

/** One step in a NOC's history: what happened, to which NOC, when and by whom. */
export interface NocEvent {
  type: NocEventType;
  nocId: string;
  systemId: string;
  organizationId: string;
  at: string;
  by: NocEventBy;
  /** The step's own facts (terms, reasons, the period granted, the recommendation). */
  details: Record<string, unknown>;
}

export type NocActorRule =
  { kind: 'power'; power: Power } | { kind: 'requester' } | { kind: 'system' };

export interface NocTransitionRow {
  from: NocStatus;
  action: NocActionType;
  by: NocActorRule;
}

const requester: NocActorRule = { kind: 'requester' };
const system: NocActorRule = { kind: 'system' };
const power = (p: Power): NocActorRule => ({ kind: 'power', power: p });

/** Everything the workflow allows; any (state, action) pair not listed is refused. */
export const NOC_TRANSITIONS: readonly NocTransitionRow[] = [
  { from: 'requested', action: 'review', by: power('review_exemption') },
  { from: 'returned', action: 'resubmit', by: requester },
  { from: 'under_review', action: 'grant', by: power('decide_exemption') },
  { from: 'under_review', action: 'refuse', by: power('decide_exemption') },
  { from: 'requested', action: 'withdraw', by: requester },
  { from: 'returned', action: 'withdraw', by: requester },
  { from: 'under_review', action: 'withdraw', by: requester },
  { from: 'granted', action: 'revoke', by: power('decide_exemption') },
  { from: 'granted', action: 'expire', by: system },
];

/** Who may open a request. */
export const REQUEST_RULE: NocActorRule = requester;

export type NocRefusalCode =
  | 'transition_not_allowed'
  | 'not_permitted'
  | 'input_invalid'
  | 'noc_not_allowed'
  | 'period_not_allowed'
  | 'not_yet_expired';

export type NocRefusal = {
  ok: false;
  code: NocRefusalCode;
  message: string;
  /** Pointers into the request for refusals of terms (`noc_not_allowed`). */
  problems?: PackProblem[];
};

// ---------------------------------------------------------------------------------------------
// Words for people

const STATE_PHRASES: Record<NocStatus, string> = {
  requested: 'This NOC request awaits review by the Director Cloud Adoption',
  returned: 'This NOC request was returned to the public service entity',
  under_review: 'This NOC request has been reviewed and awaits the decision of the DG Cloud',
  granted: 'This NOC is granted',
  refused: 'This NOC request was refused',
  withdrawn: 'This NOC request was withdrawn',
  revoked: 'This NOC was revoked',
  expired: 'This NOC has expired',
};

export const NOC_ACTION_PHRASES: Record<NocActionType, string> = {
  review: 'review the request (recommend it or return it)',
  resubmit: 'resubmit the request',
  grant: 'grant the NOC',
  refuse: 'refuse the NOC',
  withdraw: 'withdraw the request',
  revoke: 'revoke the NOC',
  expire: 'mark the NOC expired',
};

function holdersOf(p: Power): string {
  const titles = DEFAULT_POSITIONS.filter((position) => position.powers.includes(p)).map(
    (position) => `the ${position.title}`,
  );
  titles.sort((a, b) => Number(a === 'the DG Cloud') - Number(b === 'the DG Cloud'));
  return titles.length <= 1
    ? (titles[0] ?? 'nobody')
    : `${titles.slice(0, -1).join(', ')} or ${titles.at(-1) ?? ''}`;
}

export function describeNocRule(rule: NocActorRule): string {
  switch (rule.kind) {
    case 'power':
      return `an officer with the power ${rule.power} (by default ${holdersOf(rule.power)})`;
    case 'requester':
      return "the system's public service entity";
    case 'system':
      return 'the Cloud Office itself, on the date it falls due';
  }
}

function allowedFromPhrase(status: NocStatus): string {
  const here = NOC_TRANSITIONS.filter((row) => row.from === status && row.by.kind !== 'system');
  if (here.length === 0) return 'nothing more can be done with it.';
  const list = here.map((row) => `${NOC_ACTION_PHRASES[row.action]} (${describeNocRule(row.by)})`);
  return `from here one can only ${list.join('; ')}.`;
}

// ---------------------------------------------------------------------------------------------
// Actors

function isPerson(actor: ActorFacts): actor is PersonActor {
  return !('system' in actor);
}

/** Whether `actor` fits `rule` for a NOC of the PSE `organizationId`. */
export function nocActorFits(
  rule: NocActorRule,
  actor: ActorFacts,
  organizationId: string,
): boolean {
  if (rule.kind === 'system') return !isPerson(actor);
  if (!isPerson(actor)) return false;
  if (rule.kind === 'power') {
    return actor.organizationKind === 'cloud_office' && actor.powers.has(rule.power);
  }
  return (
    actor.organizationKind === 'pse' &&
    actor.organizationId === organizationId &&
    NOC_REQUESTER_ROLES.includes(actor.role)
  );
}

/** The actions `actor` may take on `record` now (inputs and guards are checked on taking them). */
export function allowedNocActions(record: NocRecord, actor: ActorFacts): NocActionType[] {
  return NOC_TRANSITIONS.filter(
    (row) => row.from === record.status && nocActorFits(row.by, actor, record.organizationId),
  ).map((row) => row.action);
}

function eventBy(actor: ActorFacts, rule: NocActorRule): NocEventBy {
  if (!isPerson(actor)) return { kind: 'system' };
  return {
    kind: 'person',
    userId: actor.userId,
    organizationId: actor.organizationId,
    power: rule.kind === 'power' ? rule.power : null,
  };
}

// ---------------------------------------------------------------------------------------------
// Checks

const DAY_PATTERN = /^\d{4}-\d{2}-\d{2}$/;

function isDay(value: string): boolean {
  if (!DAY_PATTERN.test(value)) return false;
  const parsed = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(parsed.getTime()) && parsed.toISOString().slice(0, 10) === value;
}

function refuse(code: NocRefusalCode, message: string, problems?: PackProblem[]): NocRefusal {
  return problems ? { ok: false, code, message, problems } : { ok: false, code, message };
}

function cleanReasons(reasons: readonly string[]): string[] {
  return reasons.map((r) => r.trim()).filter((r) => r !== '');
}

/** Pointers of `checkNocTerms` (its own field names) as the request names them. */
const REQUEST_POINTERS: Record<string, string> = {
  '/covers': '/deviations',
  '/deploymentModels': '/deploymentModels',
  '/validFrom': '/from',
  '/validUntil': '/until',
  '/classCode': '/deviations',
};

function requestPointer(pointer: string): string {
  const [, head = '', ...rest] = pointer.split('/');
  const mapped = REQUEST_POINTERS[`/${head}`] ?? `/${head}`;
  return [mapped, ...rest].join('/');
}

function termsRefused(what: string, problems: PackProblem[]): NocRefusal {
  return refuse(
    'noc_not_allowed',
    `${what}: ${problems.map((p) => p.message).join('; ')}. Nothing was stored.`,
    problems,
  );
}

/**
 * Every reason the policy or the calendar refuses these terms, with pointers into the request:
 * the policy's NOC rule for the class (`checkNocTerms`), a start before `today`, models named
 * without the deployment-model deviation, and a reason left empty.
 */
export function checkRequest(
  terms: NocRequestTerms,
  policy: PolicyFacts,
  today: string,
): PackProblem[] {
  const problems = checkNocTerms(policy.pack, {
    classCode: policy.classCode,
    covers: terms.covers,
    deploymentModels: terms.deploymentModels,
    validFrom: terms.from,
    validUntil: terms.until,
  }).map((p) => ({ pointer: requestPointer(p.pointer), message: p.message }));
  // The class itself allows none: the rest would only repeat it.
  if (problems.some((p) => /allows no NOC|is not a data class/.test(p.message))) return problems;
  if (!terms.covers.includes('deployment_model') && terms.deploymentModels.length > 0) {
    problems.push({
      pointer: '/deploymentModels',
      message: 'name deployment models only for a NOC that covers the deployment_model deviation',
    });
  }
  if (isDay(terms.from) && terms.from < today) {
    problems.push({
      pointer: '/from',
      message: `a NOC cannot start in the past: ${terms.from} is before today, ${today}`,
    });
  }
  if (terms.reason.trim() === '') {
    problems.push({ pointer: '/reason', message: 'say why the system needs the exemption' });
  }
  return problems;
}

// ---------------------------------------------------------------------------------------------
// Opening a request

export interface RequestInput {
  id: string;
  systemId: string;
  organizationId: string;
  terms: NocRequestTerms;
  policy: PolicyFacts;
}

/** Opens a request as `requested`, or refuses it (nothing is stored) with every reason. */
export function requestNoc(
  input: RequestInput,
  actor: ActorFacts,
  at: Date,
): { ok: true; record: NocRecord; event: NocEvent } | NocRefusal {
  if (!nocActorFits(REQUEST_RULE, actor, input.organizationId)) {
    return refuse(
      'not_permitted',
      `Only ${describeNocRule(REQUEST_RULE)} (${NOC_REQUESTER_ROLES.join(', ')}) can request a NOC for its system.`,
    );
  }
  const today = dayOf(at);
  const problems = checkRequest(input.terms, input.policy, today);
  if (problems.length > 0) return termsRefused('The policy does not allow this NOC', problems);
  const terms = { ...input.terms, reason: input.terms.reason.trim() };
  const record: NocRecord = {
    id: input.id,
    systemId: input.systemId,
    organizationId: input.organizationId,
    classCode: input.policy.classCode,
    policyVersion: input.policy.version,
    status: 'requested',
    terms,
    returnReasons: null,
    review: null,
    grant: null,
    closure: null,
  };
  return {
    ok: true,
    record,
    event: {
      type: 'NocRequested',
      nocId: record.id,
      systemId: record.systemId,
      organizationId: record.organizationId,
      at: at.toISOString(),
      by: eventBy(actor, REQUEST_RULE),
      details: { terms, classCode: record.classCode, policyVersion: record.policyVersion },
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Transitions

type Effect =
  { next: NocRecord; type: NocEventType; details: Record<string, unknown> } | NocRefusal;

function effect(record: NocRecord, action: NocAction, today: string): Effect {
  switch (action.type) {
    case 'review': {
      const reasons = cleanReasons(action.reasons);
      if (action.recommendation === 'return') {
        if (reasons.length === 0) {
          return refuse(
            'input_invalid',
            'Give at least one reason, so the PSE knows what to change.',
          );
        }
        return {
          next: { ...record, status: 'returned', returnReasons: reasons },
          type: 'NocReturned',
          details: { reasons },
        };
      }
      if (action.recommendation === 'refuse' && reasons.length === 0) {
        return refuse('input_invalid', 'A recommendation to refuse needs its reasons.');
      }
      const review = {
        recommendation: action.recommendation,
        notes: reasons.join('\n'),
        reviewedOn: today,
      };
      return {
        next: { ...record, status: 'under_review', review, returnReasons: null },
        type: 'NocRecommended',
        details: { recommendation: action.recommendation, reasons },
      };
    }
    case 'resubmit': {
      const problems = checkRequest(action.terms, action.policy, today);
      if (problems.length > 0) return termsRefused('The policy does not allow this NOC', problems);
      const terms = { ...action.terms, reason: action.terms.reason.trim() };
      return {
        next: {
          ...record,
          status: 'requested',
          terms,
          classCode: action.policy.classCode,
          policyVersion: action.policy.version,
        },
        type: 'NocResubmitted',
        details: { terms, classCode: action.policy.classCode },
      };
    }
    case 'grant':
      return grant(record, action, today);
    case 'refuse': {
      const reasons = cleanReasons(action.reasons);
      if (reasons.length === 0) return refuse('input_invalid', 'A refusal needs its reasons.');
      return {
        next: { ...record, status: 'refused', closure: { reasons, on: today } },
        type: 'NocRefused',
        details: { reasons },
      };
    }
    case 'withdraw':
    case 'revoke': {
      const reason = action.reason.trim();
      if (reason === '') {
        return refuse(
          'input_invalid',
          action.type === 'withdraw'
            ? 'Say why the request is withdrawn.'
            : 'A revocation needs its reason.',
        );
      }
      return action.type === 'withdraw'
        ? {
            next: { ...record, status: 'withdrawn', closure: { reasons: [reason], on: today } },
            type: 'NocWithdrawn',
            details: { reason },
          }
        : {
            next: { ...record, status: 'revoked', closure: { reasons: [reason], on: today } },
            type: 'NocRevoked',
            details: { reason, validUntil: record.grant?.validUntil ?? null },
          };
    }
    case 'expire': {
      const until = record.grant?.validUntil ?? '';
      if (today <= until) {
        return refuse(
          'not_yet_expired',
          `This NOC is in force until ${until} inclusive; it expires on the day after.`,
        );
      }
      return {
        next: { ...record, status: 'expired' },
        type: 'NocExpired',
        details: { validUntil: until },
      };
    }
  }
}

/**
 * The DG Cloud grants for the period asked, or a shorter one inside it (never longer), starting
 * no earlier than the day of the decision; the terms are checked again against the policy in
 * force and the system's class now, so a policy published since the request has its say.
 */
function grant(
  record: NocRecord,
  action: Extract<NocAction, { type: 'grant' }>,
  today: string,
): Effect {
  const asked = record.terms;
  const from = action.validFrom ?? (asked.from < today ? today : asked.from);
  const until = action.validUntil ?? asked.until;
  for (const [field, value] of [
    ['validFrom', from],
    ['validUntil', until],
  ] as const) {
    if (!isDay(value)) {
      return refuse(
        'input_invalid',
        `${field} ${JSON.stringify(value)} is not a day (YYYY-MM-DD).`,
      );
    }
  }
  if (from < asked.from || until > asked.until) {
    return refuse(
      'period_not_allowed',
      `The PSE asked for ${asked.from} to ${asked.until}; a grant may shorten that period, never lengthen it (got ${from} to ${until}).`,
    );
  }
  if (from < today) {
    return refuse(
      'period_not_allowed',
      `A NOC cannot start before the day it is granted, today ${today} (got ${from}).`,
    );
  }
  if (until < from) {
    return refuse(
      'period_not_allowed',
      until < today
        ? `The period asked for ended on ${until}; the request can only be refused.`
        : `The NOC would end (${until}) before it starts (${from}).`,
    );
  }
  const problems = checkNocTerms(action.policy.pack, {
    classCode: action.policy.classCode,
    covers: asked.covers,
    deploymentModels: asked.deploymentModels,
    validFrom: from,
    validUntil: until,
  }).map((p) => ({ pointer: requestPointer(p.pointer), message: p.message }));
  if (problems.length > 0) {
    return termsRefused(
      `The policy in force (version ${action.policy.version}) does not allow this NOC`,
      problems,
    );
  }
  const notes = action.notes?.trim() || null;
  return {
    next: {
      ...record,
      status: 'granted',
      classCode: action.policy.classCode,
      policyVersion: action.policy.version,
      grant: { validFrom: from, validUntil: until, decidedOn: today, notes },
    },
    type: 'NocGranted',
    details: {
      validFrom: from,
      validUntil: until,
      notes,
      shortened: from !== asked.from || until !== asked.until,
      policyVersion: action.policy.version,
    },
  };
}

export type NocTransitionResult =
  { ok: true; next: NocRecord; event: NocEvent; row: NocTransitionRow } | NocRefusal;

/**
 * Takes `action` on `record` as `actor` at instant `at`: the next record and the one event it
 * emits, or a refusal that names the state and what may be done from it. Checks, in order: the
 * table allows the action from this state; the actor fits the row's rule; the action's guards.
 */
export function nocTransition(
  record: NocRecord,
  action: NocAction,
  actor: ActorFacts,
  at: Date,
): NocTransitionResult {
  const row = NOC_TRANSITIONS.find((r) => r.from === record.status && r.action === action.type);
  const phrase = NOC_ACTION_PHRASES[action.type];
  if (!row) {
    return refuse(
      'transition_not_allowed',
      `${STATE_PHRASES[record.status]} (${record.status}), so one cannot ${phrase}; ${allowedFromPhrase(record.status)}`,
    );
  }
  if (!nocActorFits(row.by, actor, record.organizationId)) {
    return refuse(
      'not_permitted',
      `${STATE_PHRASES[record.status]} (${record.status}); only ${describeNocRule(row.by)} can ${phrase}.`,
    );
  }
  const result = effect(record, action, dayOf(at));
  if ('ok' in result) return result;
  return {
    ok: true,
    next: result.next,
    row,
    event: {
      type: result.type,
      nocId: record.id,
      systemId: record.systemId,
      organizationId: record.organizationId,
      at: at.toISOString(),
      by: eventBy(actor, row.by),
      details: result.details,
    },
  };
}

// ---------------------------------------------------------------------------------------------
// The calendar and placement

/** Whether the clock should now apply `expire`: granted, and past its last day. */
export function nocExpiryDue(record: Pick<NocRecord, 'status' | 'grant'>, today: string): boolean {
  return record.status === 'granted' && record.grant !== null && today > record.grant.validUntil;
}

/** Whether a NOC is in force on `day`: granted, and the day within its period. */
export function nocInForce(record: Pick<NocRecord, 'status' | 'grant'>, day: string): boolean {
  return (
    record.status === 'granted' &&
    record.grant !== null &&
    record.grant.validFrom <= day &&
    day <= record.grant.validUntil
  );
}

/** A NOC in force as placement reads it, with the offering it is limited to (null: any). */
export interface SystemNoc extends ActiveNoc {
  offeringId: string | null;
}

/**
 * The NOCs that may count for a decision on `offeringId`: those naming no offering, and those
 * naming this one. A NOC for one offering does not excuse a placement on another.
 */
export function nocsForOffering<T extends ActiveNoc & { offeringId?: string | null }>(
  nocs: readonly T[],
  offeringId: string,
): T[] {
  return nocs.filter((noc) => noc.offeringId == null || noc.offeringId === offeringId);
}

// ---------------------------------------------------------------------------------------------
// Who is told

export type NocAudience = { kind: 'power'; power: Power } | { kind: 'pse_admins' };

export interface NocNotice {
  audience: NocAudience;
  subject: string;
  text: string;
}

/**
 * Who hears of each step: the desk whose turn it is (the reviewers, then the deciders), and the
 * PSE's administrators when the office returns, grants, refuses or revokes it, or it expires.
 */
export function nocNotice(event: NocEvent, systemName: string): NocNotice | undefined {
  const about = `"${systemName}"`;
  const pse = (subject: string, text: string): NocNotice => ({
    audience: { kind: 'pse_admins' },
    subject: `${subject}: ${systemName}`,
    text,
  });
  const desk = (p: Power, subject: string, text: string): NocNotice => ({
    audience: { kind: 'power', power: p },
    subject: `${subject}: ${systemName}`,
    text,
  });
  const reasons = (list: unknown) =>
    Array.isArray(list) ? `\n\n- ${(list as string[]).join('\n- ')}` : '';
  const d = event.details;
  switch (event.type) {
    case 'NocRequested':
    case 'NocResubmitted':
      return desk(
        'review_exemption',
        'NOC requested',
        `A NOC for the system ${about} was ${event.type === 'NocRequested' ? 'requested' : 'resubmitted'} and awaits review.`,
      );
    case 'NocRecommended':
      return desk(
        'decide_exemption',
        'NOC to decide',
        `The NOC request for ${about} was reviewed (recommendation: ${String(d.recommendation)}) and awaits your decision.${reasons(d.reasons)}`,
      );
    case 'NocReturned':
      return pse(
        'NOC request returned',
        `The Cloud Office returned the NOC request for ${about}:${reasons(d.reasons)}`,
      );
    case 'NocGranted':
      return pse(
        'NOC granted',
        `A NOC for ${about} is granted from ${String(d.validFrom)} until ${String(d.validUntil)}.`,
      );
    case 'NocRefused':
      return pse('NOC refused', `The NOC request for ${about} was refused:${reasons(d.reasons)}`);
    case 'NocRevoked':
      return pse('NOC revoked', `The NOC for ${about} is revoked: ${String(d.reason)}`);
    case 'NocExpired':
      return pse(
        'NOC expired',
        `The NOC for ${about} ended on ${String(d.validUntil)}; the system's placement is judged by the policy alone again.`,
      );
    case 'NocWithdrawn':
      return undefined;
  }
}
