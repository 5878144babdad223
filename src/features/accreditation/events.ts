import type { Power } from '../office/positions.js';

/**
 * The domain events of the accreditation workflow: every change of an application or an
 * accreditation emits exactly one. Later work subscribes to them: placement re-evaluation
 * (issue 6) to the standing events, breach detection (issue 7) to findings and conditions. Each
 * event carries the facts its subscribers need, so nobody has to read the record back to act.
 */

/** A security level as the workflow compares it: by rank (higher is stricter). */
export interface LevelRef {
  code: string;
  rank: number;
}

export type AssessmentResult = 'satisfied' | 'not_satisfied' | 'not_applicable';
export type FindingSeverity = 'low' | 'moderate' | 'high' | 'critical';

/**
 * An auditor's finding: what is wrong, how bad, and by when the provider must fix it. Once the
 * record stands, an officer closes it (`close_finding`) when it is fixed; records stored before
 * that step existed have neither field, which reads as open.
 */
export interface Finding {
  id: string;
  controlId: string;
  severity: FindingSeverity;
  description: string;
  /** YYYY-MM-DD. */
  dueOn: string;
  /** YYYY-MM-DD the finding was closed as fixed; absent or null while it is open. */
  fixedOn?: string | null;
  /** How it was fixed, as the officer who closed it wrote. */
  fixNote?: string | null;
}

/** A condition of an accreditation, tracked until an officer closes it. */
export interface Condition {
  id: string;
  text: string;
  /** YYYY-MM-DD. */
  dueOn: string;
  status: 'open' | 'closed';
  closedOn: string | null;
  closingNote: string | null;
}

/** Who made a change: a person (and the power they used, for officers) or the clock. */
export type EventBy =
  | { kind: 'person'; userId: string; organizationId: string; power: Power | null }
  | { kind: 'system' };

interface EventBase {
  /** The application/accreditation record the event belongs to. */
  accreditationId: string;
  offeringId: string;
  cspOrganizationId: string;
  /** ISO-8601 UTC instant of the change. */
  at: string;
  by: EventBy;
}

export type ApplicationKind = 'initial' | 'renewal' | 'reassessment';

export type AccreditationEvent = EventBase &
  (
    | {
        type: 'ApplicationOpened';
        kind: ApplicationKind;
        levelSought: LevelRef;
        predecessorId: string | null;
      }
    | {
        type: 'ApplicationSubmitted';
        levelSought: LevelRef;
        levelVersion: number;
        controlCount: number;
        /** True when the provider sends back an application that was returned to it. */
        resubmission: boolean;
      }
    | { type: 'ApplicationReturned'; reasons: string[] }
    | { type: 'CompletenessConfirmed' }
    | {
        type: 'AssessmentAssigned';
        auditFirmId: string;
        auditFirmName: string;
        /** The firm it was taken from, on a reassignment. */
        previousAuditFirmId: string | null;
      }
    | { type: 'AssessmentDeclined'; auditFirmId: string; reason: string }
    | {
        type: 'AssessmentSubmitted';
        auditFirmId: string;
        counts: Record<AssessmentResult, number>;
        findings: Finding[];
      }
    | { type: 'LegalDocumentsRequested'; reasons: string[] }
    | { type: 'LegalDocumentsResubmitted' }
    | { type: 'LegalReviewCompleted'; outcome: 'cleared' | 'objection'; notes: string }
    | { type: 'ApplicationWithdrawn'; reason: string }
    | { type: 'AccreditationRefused'; reasons: string[]; levelSought: LevelRef }
    | {
        type: 'AccreditationGranted';
        kind: ApplicationKind;
        level: LevelRef;
        levelSought: LevelRef;
        validFrom: string;
        validUntil: string;
        conditions: Condition[];
        auditFirmId: string;
        /** The accreditation this one replaces (renewal or reassessment). */
        predecessorId: string | null;
      }
    | { type: 'AccreditationSuspended'; level: LevelRef; reason: string; effectiveOn: string }
    | {
        type: 'AccreditationReinstated';
        level: LevelRef;
        validUntil: string;
        reason: string;
        conditionsAdded: Condition[];
      }
    | { type: 'AccreditationRevoked'; level: LevelRef; reason: string }
    | { type: 'AccreditationExpired'; level: LevelRef; validUntil: string }
    | { type: 'AccreditationSuperseded'; level: LevelRef; successorId: string }
    | { type: 'ConditionClosed'; conditionId: string; note: string }
    | { type: 'FindingClosed'; findingId: string; note: string }
  );

export type AccreditationEventType = AccreditationEvent['type'];

/**
 * The events that change whether, or at which level, an offering may host government data:
 * placement re-evaluation (issue 6) listens to these.
 */
export const STANDING_EVENTS = [
  'AccreditationGranted',
  'AccreditationSuspended',
  'AccreditationReinstated',
  'AccreditationRevoked',
  'AccreditationExpired',
  'AccreditationSuperseded',
] as const satisfies readonly AccreditationEventType[];
