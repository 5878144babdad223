import type { OrganizationKind } from '../../db/schema.js';
import type { Power } from '../office/positions.js';
import type { InputProblem } from './requests-workflow.js';

/**
 * Response actions (issue 7, item 5) as a pure state machine: no database, no clock. An officer
 * orders an action of an organization; the organization records progress (and says when it is
 * done); an officer verifies it (or rejects it back to work) and closes it. An action not yet done
 * may be cancelled.
 *
 *   ordered --progress--> in_progress --progress(done)--> done --verify--> verified --close--> closed
 *   ordered --progress(done)--> done          done --reject--> in_progress
 *   ordered, in_progress --cancel--> cancelled
 */

export const ACTION_STATUSES = [
  'ordered',
  'in_progress',
  'done',
  'verified',
  'closed',
  'cancelled',
] as const;
export type ActionStatus = (typeof ACTION_STATUSES)[number];

export const ACTION_KINDS = [
  'contain',
  'notify_people',
  'rotate_credentials',
  'suspend_accreditation',
  'corrective_action_plan',
  'special_audit',
] as const;
export type ActionKind = (typeof ACTION_KINDS)[number];

export const ACTION_STEPS = ['progress', 'verify', 'reject', 'close', 'cancel'] as const;
export type ActionStep = (typeof ACTION_STEPS)[number];

/** The power an officer needs to order, verify, reject, close and cancel actions. */
export const ACTION_POWER: Power = 'order_response_action';

/** The statuses in which an action is no longer owed by the organization. */
export const SETTLED_ACTION_STATUSES: readonly ActionStatus[] = [
  'done',
  'verified',
  'closed',
  'cancelled',
];

export type ActionActorRule = { kind: 'ordered' } | { kind: 'power'; power: Power };

export interface ActionTransitionRow {
  from: ActionStatus;
  step: ActionStep;
  by: ActionActorRule;
}

const ordered: ActionActorRule = { kind: 'ordered' };
const officer: ActionActorRule = { kind: 'power', power: ACTION_POWER };

/** Everything the workflow allows; any (state, step) pair not listed is refused. */
export const ACTION_TRANSITIONS: readonly ActionTransitionRow[] = [
  { from: 'ordered', step: 'progress', by: ordered },
  { from: 'in_progress', step: 'progress', by: ordered },
  { from: 'done', step: 'verify', by: officer },
  { from: 'done', step: 'reject', by: officer },
  { from: 'verified', step: 'close', by: officer },
  { from: 'ordered', step: 'cancel', by: officer },
  { from: 'in_progress', step: 'cancel', by: officer },
];

export interface ActionActor {
  organizationId: string;
  organizationKind: OrganizationKind;
  powers: ReadonlySet<Power>;
}

const STATE_PHRASES: Record<ActionStatus, string> = {
  ordered: 'This action was ordered and no progress is recorded yet',
  in_progress: 'This action is in progress',
  done: 'This action is reported done and awaits verification by the Cloud Office',
  verified: 'This action was verified and awaits closing',
  closed: 'This action is closed',
  cancelled: 'This action was cancelled',
};

export const ACTION_STEP_PHRASES: Record<ActionStep, string> = {
  progress: 'record progress',
  verify: 'verify it',
  reject: 'reject it back to work',
  close: 'close it',
  cancel: 'cancel it',
};

function describeRule(rule: ActionActorRule): string {
  return rule.kind === 'ordered'
    ? 'a user of the organization it was ordered of'
    : `an officer with the power ${rule.power}`;
}

export function actionActorFits(
  rule: ActionActorRule,
  actor: ActionActor,
  organizationId: string,
): boolean {
  if (rule.kind === 'ordered') {
    return actor.organizationKind !== 'cloud_office' && actor.organizationId === organizationId;
  }
  return actor.organizationKind === 'cloud_office' && actor.powers.has(rule.power);
}

/** The steps `actor` may take on an action now. */
export function allowedActionSteps(
  action: { status: ActionStatus; organizationId: string },
  actor: ActionActor,
): ActionStep[] {
  return ACTION_TRANSITIONS.filter(
    (row) => row.from === action.status && actionActorFits(row.by, actor, action.organizationId),
  ).map((row) => row.step);
}

/** Where a step leads; `progress` leads to `done` only when it says so. */
export function nextActionStatus(step: ActionStep, markDone: boolean): ActionStatus {
  switch (step) {
    case 'progress':
      return markDone ? 'done' : 'in_progress';
    case 'verify':
      return 'verified';
    case 'reject':
      return 'in_progress';
    case 'close':
      return 'closed';
    case 'cancel':
      return 'cancelled';
  }
}

export type ActionRefusal = {
  ok: false;
  code: 'transition_not_allowed' | 'not_permitted';
  message: string;
};

/** Checks a step: the table allows it from this state, then the actor fits the row's rule. */
export function actionTransition(
  action: { status: ActionStatus; organizationId: string },
  step: ActionStep,
  actor: ActionActor,
  markDone = false,
): { ok: true; to: ActionStatus; row: ActionTransitionRow } | ActionRefusal {
  const row = ACTION_TRANSITIONS.find((r) => r.from === action.status && r.step === step);
  const phrase = ACTION_STEP_PHRASES[step];
  if (!row) {
    const here = ACTION_TRANSITIONS.filter((r) => r.from === action.status);
    const next =
      here.length === 0
        ? 'nothing more can be done with it.'
        : `from here one can only ${here.map((r) => `${ACTION_STEP_PHRASES[r.step]} (${describeRule(r.by)})`).join('; ')}.`;
    return {
      ok: false,
      code: 'transition_not_allowed',
      message: `${STATE_PHRASES[action.status]} (${action.status}), so one cannot ${phrase}; ${next}`,
    };
  }
  if (!actionActorFits(row.by, actor, action.organizationId)) {
    return {
      ok: false,
      code: 'not_permitted',
      message: `${STATE_PHRASES[action.status]} (${action.status}); only ${describeRule(row.by)} can ${phrase}.`,
    };
  }
  return { ok: true, to: nextActionStatus(step, markDone), row };
}

/** Overdue: still owed (not done, verified, closed or cancelled) and its due instant passed. */
export function actionOverdue(action: { status: ActionStatus; dueAt: string }, at: Date): boolean {
  return (
    !SETTLED_ACTION_STATUSES.includes(action.status) && Date.parse(action.dueAt) < at.getTime()
  );
}

/** A suspension names the offering whose accreditation it suspends; other kinds may name one. */
export function checkOrderKind(
  kind: ActionKind,
  offeringId: string | undefined,
): InputProblem | null {
  if (kind === 'suspend_accreditation' && offeringId === undefined) {
    return {
      pointer: '/offeringId',
      message:
        'a suspend_accreditation action must name the offering whose accreditation it suspends',
    };
  }
  return null;
}
