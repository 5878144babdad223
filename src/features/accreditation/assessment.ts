import { randomUUID } from 'node:crypto';
import type { AppContext } from '../../context.js';
import { AppError, type ProblemIssue } from '../../errors.js';
import { recordAuditEvent } from '../audit/service.js';
import { auditActor, isOfficeStaff, type Actor, type RequestContext } from '../identity/actor.js';
import { dayOf } from '../office/positions.js';
import * as assessmentRepo from './assessment-repo.js';
import { findingOf } from './assessment-repo.js';
import type { AssessmentResult, Finding, FindingSeverity } from './events.js';
import { recordOf } from './mapper.js';
import * as repo from './repo.js';
import { AUDITOR_ROLES, isDay, type AccreditationRecord } from './workflow.js';

/**
 * The auditor's working copy of an assessment (issue 5, item 3): results per control and
 * findings, saved as the firm works and handed to the workflow's `submit_assessment` in one go.
 * Only the firm assigned now writes it, only while the application is in assessment; the Cloud
 * Office reads it; the provider sees the assessment once it is submitted, on the application.
 */

export const RESULTS = [
  'satisfied',
  'not_satisfied',
  'not_applicable',
] as const satisfies readonly AssessmentResult[];
export const SEVERITIES = [
  'low',
  'moderate',
  'high',
  'critical',
] as const satisfies readonly FindingSeverity[];
export const NOTE_LIMIT = 5000;
export const BULK_LIMIT = 2000;

export interface ResultInput {
  controlId: string;
  result: AssessmentResult;
  note?: string | null;
}

export interface ResultView {
  controlId: string;
  result: AssessmentResult;
  note: string | null;
  updatedAt: string;
}

export interface AssessmentView {
  auditFirm: { id: string; name: string } | null;
  levelVersion: number | null;
  controlIds: string[];
  results: ResultView[];
  findings: Finding[];
  progress: {
    total: number;
    recorded: number;
    satisfied: number;
    notSatisfied: number;
    notApplicable: number;
  };
}

async function loadRecord(ctx: AppContext, id: string): Promise<AccreditationRecord> {
  const row = await repo.findApplication(ctx.db, id);
  if (!row) throw AppError.notFound(`There is no application ${JSON.stringify(id)}.`);
  return recordOf(row);
}

function isAssignedAuditor(actor: Actor, record: AccreditationRecord): boolean {
  return (
    actor.organizationKind === 'audit_firm' &&
    record.auditFirm?.id === actor.organizationId &&
    AUDITOR_ROLES.includes(actor.role)
  );
}

/** Only the assigned firm's auditors, and only while the application is in assessment. */
function checkWriter(actor: Actor, record: AccreditationRecord): string {
  if (!isAssignedAuditor(actor, record)) {
    throw new AppError(
      403,
      'not_permitted',
      'Only the auditors of the audit firm assigned to this application record its assessment.',
    );
  }
  if (record.status !== 'in_assessment') {
    throw AppError.conflict(
      'assessment_closed',
      `This application is ${record.status}, not in assessment; its assessment can no longer be changed.`,
    );
  }
  return actor.organizationId;
}

function controlIssue(
  record: AccreditationRecord,
  controlId: string,
  pointer: string,
  where: ProblemIssue['in'],
): ProblemIssue | undefined {
  if (record.submission?.controlIds.includes(controlId)) return undefined;
  return {
    in: where,
    pointer,
    message: `must be a control of ${record.levelSought.code} version ${record.submission?.levelVersion ?? '?'}, which this application answers (got ${JSON.stringify(controlId)})`,
  };
}

/** The working copy with progress; for the Cloud Office and the assigned firm. */
export async function getAssessment(
  ctx: AppContext,
  actor: Actor,
  id: string,
): Promise<AssessmentView> {
  const record = await loadRecord(ctx, id);
  if (!isOfficeStaff(actor) && !isAssignedAuditor(actor, record)) {
    throw new AppError(
      403,
      'not_permitted',
      "The assessment in progress is the audit firm's and the Cloud Office's; the provider sees it on the application once it is submitted.",
    );
  }
  const firmId = record.auditFirm?.id;
  const [results, findings] = firmId
    ? await Promise.all([
        assessmentRepo.listResults(ctx.db, id, firmId),
        assessmentRepo.listFindings(ctx.db, id, firmId),
      ])
    : [[], []];
  const controlIds = [...(record.submission?.controlIds ?? [])];
  const count = (r: AssessmentResult) => results.filter((row) => row.result === r).length;
  return {
    auditFirm: record.auditFirm,
    levelVersion: record.submission?.levelVersion ?? null,
    controlIds,
    results: results.map((r) => ({
      controlId: r.control_id,
      result: r.result as AssessmentResult,
      note: r.note,
      updatedAt: r.updated_at,
    })),
    findings: findings.map(findingOf),
    progress: {
      total: controlIds.length,
      recorded: results.length,
      satisfied: count('satisfied'),
      notSatisfied: count('not_satisfied'),
      notApplicable: count('not_applicable'),
    },
  };
}

/** Records results (one or many), each replacing the control's earlier result. */
export async function putResults(
  ctx: AppContext,
  actor: Actor,
  id: string,
  items: readonly ResultInput[],
  request: RequestContext,
  where: { single: boolean },
): Promise<ResultView[]> {
  const record = await loadRecord(ctx, id);
  const firmId = checkWriter(actor, record);
  const issues: ProblemIssue[] = [];
  const seen = new Set<string>();
  items.forEach((item, index) => {
    const pointer = where.single ? '' : `/items/${index}/controlId`;
    const issue = controlIssue(record, item.controlId, pointer, where.single ? 'params' : 'body');
    if (issue) issues.push(issue);
    if (seen.has(item.controlId)) {
      issues.push({ in: 'body', pointer, message: `names ${item.controlId} a second time` });
    }
    seen.add(item.controlId);
  });
  if (issues.length > 0) {
    throw AppError.badRequest(
      'validation_failed',
      `The results are not valid: ${issues
        .slice(0, 5)
        .map((i) => `${i.pointer || i.in} ${i.message}`)
        .join('; ')}${issues.length > 5 ? ` (and ${issues.length - 5} more)` : ''}.`,
      issues,
    );
  }
  const at = ctx.clock.now().toISOString();
  const rows = items.map((item) => ({
    application_id: id,
    control_id: item.controlId,
    audit_firm_id: firmId,
    result: item.result,
    note: item.note?.trim() ? item.note.trim() : null,
    updated_at: at,
    updated_by_user_id: actor.userId,
  }));
  await ctx.db.transaction().execute(async (trx) => {
    await assessmentRepo.upsertResults(trx, rows);
    await recordAuditEvent(
      trx,
      {
        actor: auditActor(actor),
        action: 'accreditation.assessment.results',
        outcome: 'success',
        target: { type: 'application', id },
        summary: {
          after:
            items.length === 1 && items[0]
              ? { controlId: items[0].controlId, result: items[0].result }
              : { results: items.length },
        },
        requestId: request.requestId,
      },
      ctx.clock,
    );
  });
  return rows.map((r) => ({
    controlId: r.control_id,
    result: r.result,
    note: r.note,
    updatedAt: r.updated_at,
  }));
}

export interface FindingInput {
  controlId: string;
  severity: FindingSeverity;
  description: string;
  dueOn: string;
}

/** Adds a finding against a control of the application's level version. */
export async function addFinding(
  ctx: AppContext,
  actor: Actor,
  id: string,
  input: FindingInput,
  request: RequestContext,
): Promise<Finding> {
  const record = await loadRecord(ctx, id);
  const firmId = checkWriter(actor, record);
  const today = dayOf(ctx.clock.now());
  const issues: ProblemIssue[] = [];
  const control = controlIssue(record, input.controlId, '/controlId', 'body');
  if (control) issues.push(control);
  if (input.description.trim() === '') {
    issues.push({ in: 'body', pointer: '/description', message: 'must say what is wrong' });
  }
  if (!isDay(input.dueOn) || input.dueOn < today) {
    issues.push({
      in: 'body',
      pointer: '/dueOn',
      message: `must be a day (YYYY-MM-DD) from today, ${today}, on (got ${JSON.stringify(input.dueOn)})`,
    });
  }
  if (issues.length > 0) {
    throw AppError.badRequest(
      'validation_failed',
      `The finding is not valid: ${issues.map((i) => `${i.pointer} ${i.message}`).join('; ')}.`,
      issues,
    );
  }
  const row = {
    id: randomUUID(),
    application_id: id,
    audit_firm_id: firmId,
    control_id: input.controlId,
    severity: input.severity,
    description: input.description.trim(),
    due_on: input.dueOn,
    created_at: ctx.clock.now().toISOString(),
    created_by_user_id: actor.userId,
  };
  await ctx.db.transaction().execute(async (trx) => {
    await assessmentRepo.insertFinding(trx, row);
    await recordAuditEvent(
      trx,
      {
        actor: auditActor(actor),
        action: 'accreditation.assessment.finding_add',
        outcome: 'success',
        target: { type: 'application', id },
        summary: {
          after: { findingId: row.id, controlId: row.control_id, severity: row.severity },
        },
        requestId: request.requestId,
      },
      ctx.clock,
    );
  });
  return findingOf(row);
}

export async function deleteFinding(
  ctx: AppContext,
  actor: Actor,
  id: string,
  findingId: string,
  request: RequestContext,
): Promise<void> {
  const record = await loadRecord(ctx, id);
  checkWriter(actor, record);
  await ctx.db.transaction().execute(async (trx) => {
    if (!(await assessmentRepo.deleteFinding(trx, id, findingId))) {
      throw AppError.notFound(`This assessment has no finding ${JSON.stringify(findingId)}.`);
    }
    await recordAuditEvent(
      trx,
      {
        actor: auditActor(actor),
        action: 'accreditation.assessment.finding_delete',
        outcome: 'success',
        target: { type: 'application', id },
        summary: { before: { findingId } },
        requestId: request.requestId,
      },
      ctx.clock,
    );
  });
}
