import type { IncidentStatus } from '../../db/schema.js';

/**
 * The incident lifecycle (issue 7, item 6) as a table: reported → triaged → investigating →
 * contained → resolved → closed, with the steps back an investigation needs (containment that
 * did not hold, a resolution reopened). Pure; the service applies it with a revision check.
 */

export const INCIDENT_STATUSES = [
  'reported',
  'triaged',
  'investigating',
  'contained',
  'resolved',
  'closed',
] as const satisfies readonly IncidentStatus[];

/** The states an officer may move an incident to (never back to `reported`). */
export type TransitionTarget = Exclude<IncidentStatus, 'reported'>;
export const TRANSITION_TARGETS = [
  'triaged',
  'investigating',
  'contained',
  'resolved',
  'closed',
] as const satisfies readonly TransitionTarget[];

const TRANSITIONS: Record<IncidentStatus, readonly TransitionTarget[]> = {
  reported: ['triaged'],
  triaged: ['investigating', 'contained', 'resolved'],
  investigating: ['contained', 'resolved'],
  contained: ['investigating', 'resolved'],
  resolved: ['investigating', 'closed'],
  closed: [],
};

/** Where an incident in `status` may go next, in lifecycle order. */
export function allowedTargets(status: IncidentStatus): readonly TransitionTarget[] {
  return TRANSITIONS[status];
}

export function transitionAllowed(from: IncidentStatus, to: TransitionTarget): boolean {
  return TRANSITIONS[from].includes(to);
}

const LABELS: Record<IncidentStatus, string> = {
  reported: 'reported',
  triaged: 'triaged',
  investigating: 'under investigation',
  contained: 'contained',
  resolved: 'resolved',
  closed: 'closed',
};

/** Why a transition is refused, naming the state and what it may go to instead. */
export function transitionRefusal(from: IncidentStatus, to: TransitionTarget): string {
  const targets = allowedTargets(from);
  const instead =
    targets.length === 0
      ? 'a closed incident does not change any more'
      : `from there it may only go to ${orList(targets)}`;
  return `An incident that is ${LABELS[from]} cannot be moved to ${to}; ${instead}.`;
}

function orList(items: readonly string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} or ${items[items.length - 1] ?? ''}`;
}

/** What a caller may do on an incident's page (the `allowedActions` of its detail). */
export type IncidentAction =
  | 'add_update'
  | 'final_report'
  | 'triage'
  | 'investigate'
  | 'contain'
  | 'resolve'
  | 'close'
  | 'set_severity'
  | 'assign_owner';

const ACTION_OF_TARGET: Record<TransitionTarget, IncidentAction> = {
  triaged: 'triage',
  investigating: 'investigate',
  contained: 'contain',
  resolved: 'resolve',
  closed: 'close',
};

export interface IncidentState {
  organizationId: string;
  status: IncidentStatus;
  finalReportAt: string | null;
}

export interface IncidentCaller {
  organizationId: string;
  /** Whether the caller holds `manage_incidents` today. */
  managesIncidents: boolean;
}

/**
 * The actions open to a caller: the reporting organization's users add updates and, once, the
 * final report while the incident is open; holders of `manage_incidents` move it along the
 * lifecycle and set its severity and owner. Closing is listed when the lifecycle allows it even
 * if open requests or actions will still refuse it: the answer says which.
 */
export function allowedActions(incident: IncidentState, caller: IncidentCaller): IncidentAction[] {
  const actions: IncidentAction[] = [];
  const open = incident.status !== 'closed';
  if (open && caller.organizationId === incident.organizationId) {
    actions.push('add_update');
    if (incident.finalReportAt === null) actions.push('final_report');
  }
  if (caller.managesIncidents) {
    for (const target of allowedTargets(incident.status)) actions.push(ACTION_OF_TARGET[target]);
    if (open) actions.push('set_severity', 'assign_owner');
  }
  return actions;
}
