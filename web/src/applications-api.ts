import { api, type Page } from './api';
import type { StoredDocument } from './offerings-api';

/**
 * Accreditation applications as the portal uses them (src/features/accreditation/routes.ts and
 * docs/accreditation-workflow.md): the queue, one application with what the caller may do next,
 * the workflow's steps, and the assigned audit firm's working copy of the assessment.
 */

export const APPLICATION_STATUSES = [
  'draft',
  'submitted',
  'returned',
  'complete',
  'in_assessment',
  'legal_review',
  'legal_returned',
  'awaiting_decision',
  'accredited',
  'refused',
  'withdrawn',
  'suspended',
  'revoked',
  'expired',
  'superseded',
] as const;
export type ApplicationStatus = (typeof APPLICATION_STATUSES)[number];

export type ApplicationKind = 'initial' | 'renewal' | 'reassessment';
export type AssessmentResult = 'satisfied' | 'not_satisfied' | 'not_applicable';
export type FindingSeverity = 'low' | 'moderate' | 'high' | 'critical';

export const ASSESSMENT_RESULTS: readonly AssessmentResult[] = [
  'satisfied',
  'not_satisfied',
  'not_applicable',
];
export const FINDING_SEVERITIES: readonly FindingSeverity[] = [
  'low',
  'moderate',
  'high',
  'critical',
];

export interface LevelRef {
  code: string;
  rank: number;
}

export interface Finding {
  id: string;
  controlId: string;
  severity: FindingSeverity;
  description: string;
  dueOn: string;
}

/** A finding of a submitted assessment: open until an officer closes it as fixed. */
export interface AssessedFinding extends Finding {
  fixedOn: string | null;
  fixNote: string | null;
}

export interface Condition {
  id: string;
  text: string;
  dueOn: string;
  status: 'open' | 'closed';
  closedOn: string | null;
  closingNote: string | null;
}

export interface Application {
  id: string;
  offeringId: string;
  offeringName?: string;
  cspOrganizationId: string;
  providerName?: string;
  kind: ApplicationKind;
  predecessorId: string | null;
  status: ApplicationStatus;
  levelSought: LevelRef;
  submission: { levelVersion: number; controlIds: string[] } | null;
  returnReasons: string[] | null;
  auditFirm: { id: string; name: string } | null;
  assessment: {
    submittedOn: string;
    counts: Record<AssessmentResult, number>;
    findings: AssessedFinding[];
  } | null;
  legalReview: { outcome: 'cleared' | 'objection'; notes: string } | null;
  grant: { level: LevelRef; validFrom: string; validUntil: string; decidedOn: string } | null;
  conditions: Condition[];
  suspension: { reason: string; effectiveOn: string } | null;
  closure: { reasons: string[]; successorId: string | null } | null;
  revision: number;
  createdAt: string;
  updatedAt: string;
}

export interface ApplicationProgress {
  levelVersion: number;
  total: number;
  answered: number;
  percent: number;
  complete: boolean;
  unanswered: string[];
  withoutEvidence: string[];
}

/** One step of an application's history: the event, when, and the post it was taken under. */
export interface HistoryEntry {
  seq: number;
  type: string;
  at: string;
  actorUserId: string | null;
  actorPosition: string | null;
  event: {
    by?: { kind: 'person'; organizationId: string } | { kind: 'system' };
    reasons?: string[];
    reason?: string;
    notes?: string;
    note?: string;
    outcome?: 'cleared' | 'objection';
    auditFirmName?: string;
    level?: LevelRef;
    validUntil?: string;
    effectiveOn?: string;
  };
}

export interface ApplicationView {
  application: Application;
  allowedActions: string[];
  progress: ApplicationProgress | null;
  history: HistoryEntry[];
}

export interface WorkingResult {
  controlId: string;
  result: AssessmentResult;
  note: string | null;
  updatedAt: string;
}

export interface WorkingAssessment {
  controlIds: string[];
  results: WorkingResult[];
  findings: Finding[];
  progress: {
    total: number;
    recorded: number;
    satisfied: number;
    notSatisfied: number;
    notApplicable: number;
  };
}

export interface NewCondition {
  text: string;
  dueOn: string;
}

/** The body of each workflow step; every field is optional and each step reads its own. */
export interface ActionInput {
  reason?: string;
  reasons?: string[];
  auditFirmId?: string;
  outcome?: 'cleared' | 'objection';
  notes?: string;
  level?: string;
  validUntil?: string;
  effectiveOn?: string;
  conditions?: NewCondition[];
  conditionId?: string;
  findingId?: string;
  note?: string;
}

export const APPLICATIONS = '/api/v1/applications';

export const applicationPath = (id: string) => `${APPLICATIONS}/${encodeURIComponent(id)}`;
export const assessmentPath = (id: string) => `${applicationPath(id)}/assessment`;
export const applicationDocumentsPath = (id: string) => `${applicationPath(id)}/documents`;

/** The states in which the provider may change the documents attached to an application. */
export const DOCUMENTS_EDITABLE: readonly ApplicationStatus[] = [
  'draft',
  'returned',
  'legal_returned',
];

export type ApplicationList = Page<Application>;

export const applicationsApi = {
  act: (id: string, action: string, body: ActionInput = {}) =>
    api.post<Application>(`${applicationPath(id)}/actions/${encodeURIComponent(action)}`, body),
  recordResult: (id: string, controlId: string, result: AssessmentResult, note: string | null) =>
    api.put<WorkingResult>(
      `${assessmentPath(id)}/results/${encodeURIComponent(controlId)}`,
      note === null ? { result } : { result, note },
    ),
  addFinding: (id: string, finding: Omit<Finding, 'id'>) =>
    api.post<Finding>(`${assessmentPath(id)}/findings`, finding),
  /** Replaces the list of documents attached to the application. */
  putDocuments: (id: string, documentIds: string[]) =>
    api.put<{ items: StoredDocument[] }>(applicationDocumentsPath(id), { documentIds }),
  /** Opens a renewal or reassessment of an accreditation in force; the new application. */
  openSuccessor: (id: string, kind: 'renewal' | 'reassessment', levelSought: string) =>
    api.post<Application>(`${applicationPath(id)}/${kind}s`, { levelSought }),
  deleteFinding: (id: string, findingId: string) =>
    api.delete<undefined>(`${assessmentPath(id)}/findings/${encodeURIComponent(findingId)}`),
};

/** Splits a text area into reasons: one per line, blank lines dropped. */
export function linesOf(text: string): string[] {
  return text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '');
}
