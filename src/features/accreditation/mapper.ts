import type { Insertable, Selectable } from 'kysely';
import type { AccreditationApplicationsTable, ControlResponsesTable } from '../../db/schema.js';
import type { ApplicationKind } from './events.js';
import type { ControlResponse, Responsibility, ResponseStatus } from './responses.js';
import type { AccreditationRecord, AccreditationStatus } from './workflow.js';

/**
 * Between stored rows and the workflow's records. Pure. The nested parts of a record are JSON
 * text, written whole from what `transition` returns, so the row always holds one consistent
 * record; the mapper never merges.
 */

export type ApplicationRow = Selectable<AccreditationApplicationsTable>;
export type ResponseRow = Selectable<ControlResponsesTable>;

/** Who last changed the row and when; the revision is the storage's concern, not the record's. */
export interface RowStamp {
  at: string;
  userId: string | null;
}

const json = (value: unknown): string | null =>
  value === null || value === undefined ? null : JSON.stringify(value);

/** JSON text as stored; the caller names the part of the record it holds. */
function parsed(text: string | null): unknown {
  return text === null ? null : JSON.parse(text);
}

/** The record's fields as columns (without ids of who created it, or the revision). */
export function recordColumns(record: AccreditationRecord) {
  return {
    offering_id: record.offeringId,
    csp_organization_id: record.cspOrganizationId,
    kind: record.kind,
    predecessor_id: record.predecessorId,
    status: record.status,
    level_sought_code: record.levelSought.code,
    level_sought_rank: record.levelSought.rank,
    level_version: record.submission?.levelVersion ?? null,
    submission_control_ids: json(record.submission?.controlIds ?? null),
    return_reasons: json(record.returnReasons),
    audit_firm: json(record.auditFirm),
    audit_firm_id: record.auditFirm?.id ?? null,
    assessment: json(record.assessment),
    legal_review: json(record.legalReview),
    grant_info: json(record.grant),
    conditions: JSON.stringify(record.conditions),
    suspension: json(record.suspension),
    closure: json(record.closure),
  };
}

/** A new row for a record just opened. */
export function newRow(
  record: AccreditationRecord,
  stamp: RowStamp,
): Insertable<AccreditationApplicationsTable> {
  return {
    id: record.id,
    ...recordColumns(record),
    revision: 1,
    created_at: stamp.at,
    created_by_user_id: stamp.userId,
    updated_at: stamp.at,
    updated_by_user_id: stamp.userId,
  };
}

export function recordOf(row: ApplicationRow): AccreditationRecord {
  const controlIds = parsed(row.submission_control_ids) as string[] | null;
  return {
    id: row.id,
    offeringId: row.offering_id,
    cspOrganizationId: row.csp_organization_id,
    kind: row.kind as ApplicationKind,
    predecessorId: row.predecessor_id,
    status: row.status as AccreditationStatus,
    levelSought: { code: row.level_sought_code, rank: row.level_sought_rank },
    submission:
      row.level_version === null || controlIds === null
        ? null
        : { levelVersion: row.level_version, controlIds },
    returnReasons: parsed(row.return_reasons) as AccreditationRecord['returnReasons'],
    auditFirm: parsed(row.audit_firm) as AccreditationRecord['auditFirm'],
    assessment: parsed(row.assessment) as AccreditationRecord['assessment'],
    legalReview: parsed(row.legal_review) as AccreditationRecord['legalReview'],
    grant: parsed(row.grant_info) as AccreditationRecord['grant'],
    conditions: JSON.parse(row.conditions) as AccreditationRecord['conditions'],
    suspension: parsed(row.suspension) as AccreditationRecord['suspension'],
    closure: parsed(row.closure) as AccreditationRecord['closure'],
  };
}

export function responseOf(row: ResponseRow): ControlResponse {
  return {
    controlId: row.control_id,
    status: row.status as ResponseStatus,
    responsibility: row.responsibility as Responsibility,
    narrative: row.narrative,
    reason: row.reason,
    customerResponsibility: row.customer_responsibility,
    evidenceDocumentIds: JSON.parse(row.evidence_document_ids) as string[],
  };
}

export function responseRow(
  applicationId: string,
  response: ControlResponse,
  stamp: RowStamp,
): ResponseRow {
  return {
    application_id: applicationId,
    control_id: response.controlId,
    status: response.status,
    responsibility: response.responsibility,
    narrative: response.narrative,
    reason: response.reason,
    customer_responsibility: response.customerResponsibility,
    evidence_document_ids: JSON.stringify(response.evidenceDocumentIds),
    updated_at: stamp.at,
    updated_by_user_id: stamp.userId,
  };
}
