/**
 * Duties, breaches, the incident dashboard, webhooks and deliveries (issue 7), as the portal uses
 * them (src/features/duties/routes.ts, incidents/report-routes.ts, notifications/routes.ts; the
 * OpenAPI document has every field).
 */

import type { ActionSummary, IncidentSummary, OrgRef, Severity, UserRef } from './incidents-api';

export const OBLIGATIONS = '/api/v1/obligations';
export const BREACHES = '/api/v1/breaches';
export const INCIDENT_DASHBOARD = '/api/v1/incidents/dashboard';
export const WEBHOOKS = '/api/v1/webhooks';
export const DELIVERIES = '/api/v1/deliveries';

export const breachPath = (id: string) => `${BREACHES}/${encodeURIComponent(id)}`;
export const webhookPath = (id: string) => `${WEBHOOKS}/${encodeURIComponent(id)}`;
export const deliveryPath = (id: string) => `${DELIVERIES}/${encodeURIComponent(id)}`;

// The shapes and severities the incidents API shares.
export { SEVERITIES } from './incidents-api';
export type { OrgRef, Severity, UserRef };

// Obligations (src/features/duties/model.ts)

export type Party = 'csp' | 'pse' | 'both';

export type DutyCheck =
  | {
      kind:
        | 'offering_accredited'
        | 'placement_allowed'
        | 'breach_reported_within'
        | 'report_request_answered_by_due'
        | 'response_action_done_by_due'
        | 'conditions_met_by_due';
    }
  | { kind: 'critical_findings_fixed_within'; days: number; severities: string[] };

export interface Duty {
  code: string;
  party: Party;
  text: string;
  clause: string;
  check: DutyCheck | null;
  severity?: Severity;
}

export interface ObligationSet {
  duties: Duty[];
  reporting: {
    initialNoticeHours: number;
    updateEveryHours: number;
    finalReportDays: number;
    personalDataHours: number;
    levelNotice: 'duty_only' | 'stricter' | 'level';
    levelNoticeParameter?: string;
  };
  escalation: { post: string; afterHours: number }[];
  severity: {
    classImpact: Record<string, number>;
    unknownImpact: number;
    scale: { label: string; upTo: number | null }[];
    unknownScale: number;
    cells: Severity[][];
    personalDataAtLeast: Severity;
  };
}

export interface ObligationsInForce {
  policyVersion: number;
  obligations: ObligationSet;
  /** The title of each post the escalation ladder names, by post code. */
  postTitles: Record<string, string>;
}

// Breaches

export type BreachStatus = 'open' | 'acknowledged' | 'remedied' | 'closed';
export const BREACH_STATUSES: readonly BreachStatus[] = [
  'open',
  'acknowledged',
  'remedied',
  'closed',
];
export type BreachSource = 'check' | 'manual';
export const BREACH_SOURCES: readonly BreachSource[] = ['check', 'manual'];

export interface BreachSummary {
  id: string;
  source: BreachSource;
  organization: OrgRef;
  dutyCode: string;
  severity: Severity;
  status: BreachStatus;
  detectedAt: string;
  subject: { kind: string; id: string } | null;
  incidentId: string | null;
  owner: UserRef;
}

export interface BreachDetail extends BreachSummary {
  dutyText: string;
  clause: string;
  evidence: string;
  policyVersion: number;
  resolution: string | null;
  resolvedAt: string | null;
  /** Its response actions, as the response-actions API lists them. */
  actions: ActionSummary[];
  revision: number;
  allowedActions: 'update'[];
}

/** POST /api/v1/breaches/check: what one run of the duty check found and opened. */
export interface DutyCheckResult {
  checkedAt: string;
  policyVersion: number;
  failures: number;
  opened: number;
}

/** The few fields of an incident the breach form offers as links. */
export type IncidentChoice = Pick<IncidentSummary, 'id' | 'title' | 'reportedAt' | 'organization'>;

// The incident dashboard (src/features/incidents/report-routes.ts)

export interface IncidentDashboard {
  generatedAt: string;
  openBySeverity: Record<Severity, number>;
  reportingDelays: { label: string; upToHours: number | null; count: number }[];
  overdue: { requests: number; actions: number; updates: number };
  breachesByOrganization: {
    organization: OrgRef;
    months: { month: string; count: number }[];
  }[];
  incidentsByMonth: { month: string; reported: number; late: number }[];
}

// Webhooks and deliveries (src/features/notifications/routes.ts)

/** src/features/notifications/events.ts: EVENT_TYPES. */
export const EVENT_TYPES = [
  'incident.reported',
  'incident.updated',
  'incident.final_report',
  'incident.status_changed',
  'report_request.opened',
  'report_request.answered',
  'report_request.escalated',
  'report_request.closed',
  'response_action.ordered',
  'response_action.progress',
  'response_action.verified',
  'response_action.closed',
  'breach.opened',
  'breach.updated',
] as const;
export type EventType = (typeof EVENT_TYPES)[number];

export interface Webhook {
  id: string;
  name: string;
  url: string;
  /** Empty: every event type. */
  eventTypes: EventType[];
  active: boolean;
  createdAt: string;
  updatedAt: string;
}

/** The answer to creating a subscription or rotating its secret: the only time it is shown. */
export interface WebhookWithSecret extends Webhook {
  secret: string;
}

/** DELETE answers what it did: a subscription with deliveries on record is deactivated instead. */
export interface WebhookDeletion {
  outcome: 'deleted' | 'deactivated';
  message: string;
  subscription: Webhook;
}

export type DeliveryState = 'failed' | 'pending' | 'sent';
export const DELIVERY_STATES: readonly DeliveryState[] = ['failed', 'pending', 'sent'];
export type DeliveryKind = 'email' | 'webhook';
export const DELIVERY_KINDS: readonly DeliveryKind[] = ['email', 'webhook'];

export interface Delivery {
  id: string;
  kind: DeliveryKind;
  /** failed: given up on after the last allowed try; pending: still to go, retries included. */
  state: DeliveryState;
  target: string;
  subscriptionId: string | null;
  eventType: string | null;
  subject: string | null;
  attempts: number;
  lastError: string | null;
  createdAt: string;
  availableAt: string;
  sentAt: string | null;
  gaveUp: boolean;
  gaveUpAt: string | null;
}
