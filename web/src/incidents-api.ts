import { api, type Page } from './api';

/**
 * Data-breach reports, incident-report requests and response actions (issue 7), as the portal
 * uses them (src/features/incidents/routes.ts, requests-routes.ts, actions-routes.ts; the
 * OpenAPI document has every field). The server decides who may do what: each detail answers the
 * caller's `allowedActions`, and the portal shows a form only for those.
 */

export const INCIDENTS = '/api/v1/incidents';
export const REPORT_REQUESTS = '/api/v1/report-requests';
export const RESPONSE_ACTIONS = '/api/v1/response-actions';

export const incidentPath = (id: string) => `${INCIDENTS}/${encodeURIComponent(id)}`;
export const requestPath = (id: string) => `${REPORT_REQUESTS}/${encodeURIComponent(id)}`;
export const actionPath = (id: string) => `${RESPONSE_ACTIONS}/${encodeURIComponent(id)}`;

// Shared shapes

export interface OrgRef {
  id: string;
  name: string;
}

export type UserRef = { id: string; name: string; email: string } | null;

export interface DocRef {
  id: string;
  fileName: string;
  mediaType: string;
  size: number;
}

/** An officer acting for a post, as a request or an action names who asked. */
export type OfficerRef = { userId: string; name: string; position: string | null } | null;

// Incidents

export const SEVERITIES = ['low', 'medium', 'high', 'critical'] as const;
export type Severity = (typeof SEVERITIES)[number];

export const INCIDENT_STATUSES = [
  'reported',
  'triaged',
  'investigating',
  'contained',
  'resolved',
  'closed',
] as const;
export type IncidentStatus = (typeof INCIDENT_STATUSES)[number];

/** The lifecycle the server enforces (a transition elsewhere is refused with 409). */
export const NEXT_STATUSES: Record<IncidentStatus, readonly IncidentStatus[]> = {
  reported: ['triaged'],
  triaged: ['investigating', 'contained', 'resolved'],
  investigating: ['contained', 'resolved'],
  contained: ['investigating', 'resolved'],
  resolved: ['investigating', 'closed'],
  closed: [],
};

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

/** The allowed action that moves an incident to each status. */
export const TRANSITION_ACTIONS: Partial<Record<IncidentStatus, IncidentAction>> = {
  triaged: 'triage',
  investigating: 'investigate',
  contained: 'contain',
  resolved: 'resolve',
  closed: 'close',
};

export interface IncidentSummary {
  id: string;
  organization: OrgRef;
  title: string;
  status: IncidentStatus;
  severity: Severity;
  discoveredAt: string;
  reportedAt: string;
  reportingDelaySeconds: number;
  late: boolean;
  noticeDueAt: string;
  personalData: boolean;
  dataClasses: string[];
  nextUpdateDueAt: string | null;
  updateOverdue: boolean;
  finalReportDueAt: string;
  finalReportAt: string | null;
  owner: UserRef;
  revision: number;
  updatedAt: string;
}

export interface TimelineEvent {
  seq: number;
  type: string;
  at: string;
  actor: {
    userId: string | null;
    name: string | null;
    organizationId: string | null;
    position: string | null;
  } | null;
  data: Record<string, unknown>;
}

export interface IncidentDetail extends IncidentSummary {
  description: string;
  severityReason: string | null;
  systems: { id: string; name: string }[];
  offerings: { id: string; name: string }[];
  recordsAffected: number | null;
  peopleAffected: number | null;
  contact: { name: string; email: string; phone: string | null };
  documents: DocRef[];
  policyVersion: number;
  deadlines: { track: string; hours: number; dueAt: string; met: boolean | null }[];
  /** The security level's own breach-notice figure that applied at intake, if any. */
  levelNotice: {
    dataClass: string;
    level: string;
    levelTitle: string;
    levelVersion: number;
    parameter: string;
    hours: number;
  } | null;
  timeline: TimelineEvent[];
  requests: RequestSummary[];
  actions: ActionSummary[];
  breaches: { id: string; dutyCode: string; status: string; severity: Severity }[];
  allowedActions: IncidentAction[];
}

export interface IncidentInput {
  title: string;
  description: string;
  discoveredAt: string;
  systemIds?: string[];
  offeringIds?: string[];
  dataClasses?: string[];
  personalData: boolean;
  recordsAffected?: number | null;
  peopleAffected?: number | null;
  contact: { name: string; email: string; phone?: string };
  documentIds?: string[];
}

export interface IncidentUpdateInput {
  text: string;
  final?: boolean;
  recordsAffected?: number | null;
  peopleAffected?: number | null;
  documentIds?: string[];
}

export interface TransitionInput {
  to: IncidentStatus;
  note?: string;
  severity?: Severity;
  ownerUserId?: string;
  revision: number;
}

export interface IncidentPatch {
  severity?: Severity;
  severityReason?: string;
  ownerUserId?: string;
  revision: number;
}

// Report requests

export const REQUEST_STATUSES = ['open', 'answered', 'accepted', 'withdrawn'] as const;
export type RequestStatus = (typeof REQUEST_STATUSES)[number];
export type RequestAction = 'answer' | 'accept' | 'return' | 'withdraw';

export interface RequestSummary {
  id: string;
  organization: OrgRef;
  incidentId: string | null;
  subject: string;
  status: RequestStatus;
  dueAt: string;
  overdue: boolean;
  requestedAt: string;
  answeredAt: string | null;
  escalationStep: number;
}

export interface RequestDetail extends RequestSummary {
  incidentTitle: string | null;
  questions: string[];
  requestedBy: OfficerRef;
  answer: {
    text: string;
    answers: string[];
    documents: DocRef[];
    answeredAt: string;
    answeredBy: UserRef;
  } | null;
  escalations: { step: number; post: string; at: string }[];
  closedNote: string | null;
  revision: number;
  allowedActions: RequestAction[];
}

export interface RequestInput {
  organizationId: string;
  incidentId?: string;
  subject: string;
  questions: string[];
  dueAt: string;
}

// Response actions

export const ACTION_KINDS = [
  'contain',
  'notify_people',
  'rotate_credentials',
  'suspend_accreditation',
  'corrective_action_plan',
  'special_audit',
] as const;
export type ActionKind = (typeof ACTION_KINDS)[number];

export const ACTION_STATUSES = [
  'ordered',
  'in_progress',
  'done',
  'verified',
  'closed',
  'cancelled',
] as const;
export type ActionStatus = (typeof ACTION_STATUSES)[number];
export type ActionStep = 'progress' | 'verify' | 'reject' | 'close' | 'cancel';

export interface ActionSummary {
  id: string;
  organization: OrgRef;
  kind: ActionKind;
  description: string;
  status: ActionStatus;
  dueAt: string;
  overdue: boolean;
  incidentId: string | null;
  breachId: string | null;
  offering: OrgRef | null;
  owner: UserRef;
  orderedAt: string;
}

export interface ActionDetail extends ActionSummary {
  orderedBy: OfficerRef;
  progress: {
    id: string;
    text: string;
    documents: DocRef[];
    marksDone: boolean;
    at: string;
    by: UserRef;
  }[];
  doneAt: string | null;
  verifiedAt: string | null;
  verifiedBy: UserRef;
  verificationNote: string | null;
  closedAt: string | null;
  revision: number;
  allowedActions: ActionStep[];
}

export interface ActionInput {
  organizationId: string;
  kind: ActionKind;
  description: string;
  dueAt: string;
  incidentId?: string;
  breachId?: string;
  offeringId?: string;
  ownerUserId?: string;
}

// The calls

export const incidentsApi = {
  report: (input: IncidentInput) => api.post<IncidentDetail>(INCIDENTS, input),
  addUpdate: (id: string, input: IncidentUpdateInput) =>
    api.post<IncidentDetail>(`${incidentPath(id)}/updates`, input),
  transition: (id: string, input: TransitionInput) =>
    api.post<IncidentDetail>(`${incidentPath(id)}/transitions`, input),
  patch: (id: string, input: IncidentPatch) => api.patch<IncidentDetail>(incidentPath(id), input),

  openRequest: (input: RequestInput) => api.post<RequestDetail>(REPORT_REQUESTS, input),
  answerRequest: (
    id: string,
    input: { text: string; answers?: string[]; documentIds?: string[] },
  ) => api.post<RequestDetail>(`${requestPath(id)}/answer`, input),
  acceptRequest: (id: string, input: { note?: string }) =>
    api.post<RequestDetail>(`${requestPath(id)}/accept`, input),
  returnRequest: (id: string, input: { note: string; dueAt: string }) =>
    api.post<RequestDetail>(`${requestPath(id)}/return`, input),
  withdrawRequest: (id: string, input: { note: string }) =>
    api.post<RequestDetail>(`${requestPath(id)}/withdraw`, input),

  orderAction: (input: ActionInput) => api.post<ActionDetail>(RESPONSE_ACTIONS, input),
  recordProgress: (id: string, input: { text: string; documentIds?: string[]; done?: boolean }) =>
    api.post<ActionDetail>(`${actionPath(id)}/progress`, input),
  /** verify, reject, close or cancel: each takes a note (optional only for close). */
  decideAction: (id: string, step: Exclude<ActionStep, 'progress'>, note: string) =>
    api.post<ActionDetail>(`${actionPath(id)}/${step}`, note || step !== 'close' ? { note } : {}),
};

export type IncidentList = Page<IncidentSummary>;
export type RequestList = Page<RequestSummary>;
export type ActionList = Page<ActionSummary>;

/** A `datetime-local` value (the user's own clock) as a UTC instant; '' when empty or invalid. */
export function localToInstant(value: string): string {
  if (value.trim() === '') return '';
  const time = new Date(value);
  return Number.isNaN(time.getTime()) ? '' : time.toISOString();
}

/** An instant as a `datetime-local` value on the user's own clock (minutes). */
export function instantToLocal(time: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${String(time.getFullYear())}-${pad(time.getMonth() + 1)}-${pad(time.getDate())}T${pad(
    time.getHours(),
  )}:${pad(time.getMinutes())}`;
}
