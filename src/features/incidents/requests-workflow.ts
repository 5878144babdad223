import type { OrganizationKind } from '../../db/schema.js';
import type { Power } from '../office/positions.js';

/**
 * Incident-report requests (issue 7, item 4) as a pure state machine: no database, no clock.
 * An officer asks an organization for a report; the organization answers; the officer accepts the
 * answer or returns it with a new due date; an open request may be withdrawn.
 *
 *   open --answer--> answered --accept--> accepted
 *     ^                  |
 *     \-----return-------/
 *   open --withdraw--> withdrawn
 */

export const REQUEST_STATUSES = ['open', 'answered', 'accepted', 'withdrawn'] as const;
export type RequestStatus = (typeof REQUEST_STATUSES)[number];

export const REQUEST_ACTIONS = ['answer', 'accept', 'return', 'withdraw'] as const;
export type RequestAction = (typeof REQUEST_ACTIONS)[number];

/** The power an officer needs to ask for a report and to accept, return or withdraw it. */
export const REQUEST_POWER: Power = 'request_incident_report';

/** Who takes a step: the organization asked, or an officer holding the power. */
export type RequestActorRule = { kind: 'asked' } | { kind: 'power'; power: Power };

export interface RequestTransitionRow {
  from: RequestStatus;
  action: RequestAction;
  to: RequestStatus;
  by: RequestActorRule;
}

const asked: RequestActorRule = { kind: 'asked' };
const officer: RequestActorRule = { kind: 'power', power: REQUEST_POWER };

/** Everything the workflow allows; any (state, action) pair not listed is refused. */
export const REQUEST_TRANSITIONS: readonly RequestTransitionRow[] = [
  { from: 'open', action: 'answer', to: 'answered', by: asked },
  { from: 'answered', action: 'accept', to: 'accepted', by: officer },
  { from: 'answered', action: 'return', to: 'open', by: officer },
  { from: 'open', action: 'withdraw', to: 'withdrawn', by: officer },
];

/** What the workflow needs to know of whoever acts. */
export interface RequestActor {
  organizationId: string;
  organizationKind: OrganizationKind;
  powers: ReadonlySet<Power>;
}

const STATE_PHRASES: Record<RequestStatus, string> = {
  open: 'This request awaits the answer of the organization asked',
  answered: 'This request has been answered and awaits the Cloud Office',
  accepted: 'The answer to this request was accepted',
  withdrawn: 'This request was withdrawn',
};

export const REQUEST_ACTION_PHRASES: Record<RequestAction, string> = {
  answer: 'answer it',
  accept: 'accept the answer',
  return: 'return the answer for more',
  withdraw: 'withdraw the request',
};

function describeRule(rule: RequestActorRule): string {
  return rule.kind === 'asked'
    ? 'a user of the organization asked'
    : `an officer with the power ${rule.power}`;
}

/** Whether `actor` fits `rule` for a request to the organization `organizationId`. */
export function requestActorFits(
  rule: RequestActorRule,
  actor: RequestActor,
  organizationId: string,
): boolean {
  if (rule.kind === 'asked') {
    return actor.organizationKind !== 'cloud_office' && actor.organizationId === organizationId;
  }
  return actor.organizationKind === 'cloud_office' && actor.powers.has(rule.power);
}

/** The steps `actor` may take on a request now (inputs are checked on taking them). */
export function allowedRequestActions(
  request: { status: RequestStatus; organizationId: string },
  actor: RequestActor,
): RequestAction[] {
  return REQUEST_TRANSITIONS.filter(
    (row) => row.from === request.status && requestActorFits(row.by, actor, request.organizationId),
  ).map((row) => row.action);
}

export type RequestRefusal = {
  ok: false;
  code: 'transition_not_allowed' | 'not_permitted';
  message: string;
};

/**
 * Checks a step: the table allows it from this state, then the actor fits the row's rule. The
 * answer is the state the request moves to, or a refusal naming the state and what can be done.
 */
export function requestTransition(
  request: { status: RequestStatus; organizationId: string },
  action: RequestAction,
  actor: RequestActor,
): { ok: true; to: RequestStatus; row: RequestTransitionRow } | RequestRefusal {
  const row = REQUEST_TRANSITIONS.find((r) => r.from === request.status && r.action === action);
  const phrase = REQUEST_ACTION_PHRASES[action];
  if (!row) {
    const here = REQUEST_TRANSITIONS.filter((r) => r.from === request.status);
    const next =
      here.length === 0
        ? 'nothing more can be done with it.'
        : `from here one can only ${here.map((r) => `${REQUEST_ACTION_PHRASES[r.action]} (${describeRule(r.by)})`).join('; ')}.`;
    return {
      ok: false,
      code: 'transition_not_allowed',
      message: `${STATE_PHRASES[request.status]} (${request.status}), so one cannot ${phrase}; ${next}`,
    };
  }
  if (!requestActorFits(row.by, actor, request.organizationId)) {
    return {
      ok: false,
      code: 'not_permitted',
      message: `${STATE_PHRASES[request.status]} (${request.status}); only ${describeRule(row.by)} can ${phrase}.`,
    };
  }
  return { ok: true, to: row.to, row };
}

/** Overdue: still open (unanswered) and its due instant passed. */
export function requestOverdue(
  request: { status: RequestStatus; dueAt: string },
  at: Date,
): boolean {
  return request.status === 'open' && Date.parse(request.dueAt) < at.getTime();
}

/** A reason an input is refused, with a JSON pointer into the body. */
export interface InputProblem {
  pointer: string;
  message: string;
}

/**
 * A due instant must lie in the future. Returns the normalised UTC instant, or a problem naming
 * `pointer`.
 */
export function checkDueAt(
  value: string,
  now: Date,
  pointer = '/dueAt',
): { ok: true; dueAt: string } | { ok: false; problem: InputProblem } {
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) {
    return {
      ok: false,
      problem: { pointer, message: `${JSON.stringify(value)} is not an ISO-8601 instant` },
    };
  }
  if (ms <= now.getTime()) {
    return {
      ok: false,
      problem: {
        pointer,
        message: `must be in the future (it is ${new Date(ms).toISOString()}, now is ${now.toISOString()})`,
      },
    };
  }
  return { ok: true, dueAt: new Date(ms).toISOString() };
}

/** Per-question answers, when given, are one per question, in order. */
export function checkAnswers(
  questions: readonly string[],
  answers: readonly string[] | undefined,
): InputProblem | null {
  if (answers === undefined || answers.length === questions.length) return null;
  return {
    pointer: '/answers',
    message: `give one answer per question: the request asks ${questions.length} and ${answers.length} were sent`,
  };
}
