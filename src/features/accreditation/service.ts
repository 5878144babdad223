import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { AppContext } from '../../context.js';
import type { Database } from '../../db/schema.js';
import { isUniqueViolation } from '../../db/errors.js';
import { AppError, type ProblemIssue } from '../../errors.js';
import type { Catalog } from '../../oscal/model.js';
import { forEachControl } from '../../oscal/walk.js';
import { recordAuditEvent } from '../audit/service.js';
import { isWithdrawn } from '../catalogs/flatten.js';
import { documentOrganization, findDocuments } from '../documents/repo.js';
import { findOrganization } from '../organizations/repo.js';
import { projectRegisterEntry } from '../register/projection.js';
import {
  auditActor,
  isOfficeStaff,
  positionFor,
  type Actor,
  type RequestContext,
} from '../identity/actor.js';
import type { Role } from '../identity/roles.js';
import * as levelRepo from '../levels/repo.js';
import { publishedCatalog } from '../levels/service.js';
import type { Power } from '../office/positions.js';
import * as assessmentRepo from './assessment-repo.js';
import { notifyStep } from './notifications.js';
import { findingOf } from './assessment-repo.js';
import type { AccreditationEvent, ApplicationKind, AssessmentResult, LevelRef } from './events.js';
import { newRow, recordOf, responseOf, responseRow, type ApplicationRow } from './mapper.js';
import * as repo from './repo.js';
import {
  progress,
  validateResponses,
  type ControlResponse,
  type ResponseProgress,
} from './responses.js';
import {
  ACTION_PHRASES,
  actorFits,
  allowedActions,
  APPLICATION_STATUSES,
  OPEN_RULES,
  openApplication,
  transition,
  type AccreditationRecord,
  type AccreditationStatus,
  SYSTEM,
  type Action,
  type ActionType,
  type ActorRule,
  type NewCondition,
  type PredecessorFacts,
  type RefusalCode,
} from './workflow.js';

/** Provider roles that may prepare answers; only APPLICANT_ROLES commit (open, submit, withdraw). */
export const RESPONDER_ROLES: readonly Role[] = ['csp_admin', 'csp_security_officer', 'csp_staff'];

/** The actions people take through the API; `expire` and `supersede` are the system's alone. */
export const PERSON_ACTIONS = [
  'submit',
  'withdraw',
  'return',
  'confirm_complete',
  'assign_audit',
  'decline_assessment',
  'submit_assessment',
  'request_legal_documents',
  'resubmit_legal_documents',
  'record_legal_review',
  'accredit',
  'refuse',
  'suspend',
  'reinstate',
  'revoke',
  'close_condition',
  'close_finding',
] as const satisfies readonly ActionType[];
export type PersonAction = (typeof PERSON_ACTIONS)[number];

/** States in which the provider edits its answers. */
const EDITABLE: readonly AccreditationStatus[] = ['draft', 'returned'];

/** What each workflow refusal is over HTTP: the state (409), authority (403), the input (422). */
function refusal(code: RefusalCode, message: string): AppError {
  if (code === 'transition_not_allowed' || code === 'successor_open') {
    return new AppError(409, code, message);
  }
  if (code === 'not_permitted') return new AppError(403, code, message);
  return new AppError(422, code, message);
}

function powerOf(rule: ActorRule): Power | undefined {
  return rule.kind === 'power' ? rule.power : undefined;
}

function stamp(ctx: AppContext, actor: Actor) {
  return { at: ctx.clock.now().toISOString(), userId: actor.userId };
}

/** Appends the event to the record's history, with who acted under which post. */
async function appendEvent(
  trx: Kysely<Database>,
  applicationId: string,
  event: AccreditationEvent,
  actor: Actor | null,
  power: Power | undefined,
): Promise<void> {
  await repo.insertEvent(trx, {
    id: randomUUID(),
    application_id: applicationId,
    seq: await repo.nextEventSeq(trx, applicationId),
    type: event.type,
    event: JSON.stringify(event),
    actor_user_id: actor?.userId ?? null,
    actor_position: positionFor(actor, power),
    at: event.at,
  });
}

/** The latest published version of a level (by code), with its level; undefined when none. */
async function latestPublished(db: Kysely<Database>, code: string) {
  const level = await levelRepo.findLevelByCode(db, code);
  if (!level) return undefined;
  const row = await levelRepo.latestPublished(db, level.id);
  return row && { level, row };
}

/** The catalog answers are checked against: the pinned version once submitted, else the latest. */
async function catalogFor(
  ctx: AppContext,
  record: AccreditationRecord,
): Promise<{ version: number; catalog: Catalog } | undefined> {
  if (record.submission && !EDITABLE.includes(record.status)) {
    const level = await levelRepo.findLevelByCode(ctx.db, record.levelSought.code);
    const row =
      level && (await levelRepo.findVersion(ctx.db, level.id, record.submission.levelVersion));
    return row ? { version: row.version, catalog: publishedCatalog(row) } : undefined;
  }
  const found = await latestPublished(ctx.db, record.levelSought.code);
  return found && { version: found.row.version, catalog: publishedCatalog(found.row) };
}

function requiredControlIds(catalog: Catalog): string[] {
  const ids: string[] = [];
  forEachControl(catalog, (control) => {
    if (!isWithdrawn(control)) ids.push(control.id);
  });
  return ids;
}

async function load(ctx: AppContext, id: string): Promise<ApplicationRow> {
  const row = await repo.findApplication(ctx.db, id);
  if (!row) throw AppError.notFound(`There is no application ${JSON.stringify(id)}.`);
  return row;
}

/** Opens a first application for an offering at the level sought (a level with a published version). */
export async function open(
  ctx: AppContext,
  actor: Actor,
  offeringId: string,
  levelCode: string,
  request: RequestContext,
): Promise<ApplicationRow> {
  const provider = await repo.offeringProvider(ctx.db, offeringId);
  if (!provider) throw AppError.notFound(`There is no offering ${JSON.stringify(offeringId)}.`);
  return openRecord(
    ctx,
    actor,
    { offeringId, provider, kind: 'initial', levelCode },
    null,
    request,
  );
}

/**
 * Opens a renewal (the provider, within the renewal window) or a reassessment (the office) of an
 * accreditation in force. It runs the whole review again; the accreditation stays in force until
 * the successor is granted, which supersedes it.
 */
export async function openSuccessor(
  ctx: AppContext,
  actor: Actor,
  predecessorId: string,
  kind: 'renewal' | 'reassessment',
  levelCode: string | undefined,
  request: RequestContext,
): Promise<ApplicationRow> {
  const row = await load(ctx, predecessorId);
  const predecessor = recordOf(row);
  const successor = await repo.openSuccessorOf(ctx.db, predecessorId);
  return openRecord(
    ctx,
    actor,
    {
      offeringId: predecessor.offeringId,
      provider: predecessor.cspOrganizationId,
      kind,
      levelCode: levelCode ?? predecessor.grant?.level.code ?? predecessor.levelSought.code,
    },
    {
      id: predecessor.id,
      offeringId: predecessor.offeringId,
      cspOrganizationId: predecessor.cspOrganizationId,
      status: predecessor.status,
      validUntil: predecessor.grant?.validUntil ?? '',
      successorOpen: successor !== undefined,
    },
    request,
  );
}

async function openRecord(
  ctx: AppContext,
  actor: Actor,
  input: { offeringId: string; provider: string; kind: ApplicationKind; levelCode: string },
  predecessor: PredecessorFacts | null,
  request: RequestContext,
): Promise<ApplicationRow> {
  const { offeringId, levelCode } = input;
  const published = await latestPublished(ctx.db, levelCode);
  if (!published) {
    throw AppError.badRequest(
      'level_not_published',
      `There is no security level ${JSON.stringify(levelCode)} with a published version; apply for one that has.`,
      [
        {
          in: 'body',
          pointer: '/levelSought',
          message: 'must name a level with a published version',
        },
      ],
    );
  }
  const opened = openApplication(
    {
      id: randomUUID(),
      offeringId,
      cspOrganizationId: input.provider,
      kind: input.kind,
      levelSought: { code: published.level.code, rank: published.level.rank },
      predecessor,
    },
    actor,
    ctx.clock.now(),
  );
  if (!opened.ok) throw refusal(opened.code, opened.message);
  const record = opened.record;
  await ctx.db.transaction().execute(async (trx) => {
    // One application in progress per offering: a second would compete for the same register entry.
    const open = await trx
      .selectFrom('accreditation_applications')
      .select('id')
      .where('offering_id', '=', offeringId)
      .where('status', 'in', [...APPLICATION_STATUSES])
      .executeTakeFirst();
    if (open) {
      throw AppError.conflict(
        'application_open',
        `This offering already has an application in progress (${open.id}); continue that one.`,
      );
    }
    await repo.insertApplication(trx, newRow(record, stamp(ctx, actor)));
    await appendEvent(trx, record.id, opened.event, actor, powerOf(OPEN_RULES[input.kind]));
    await ctx.accreditationEvents.publish(trx, opened.event);
    await recordAuditEvent(
      trx,
      {
        actor: auditActor(actor, powerOf(OPEN_RULES[input.kind])),
        action:
          input.kind === 'initial' ? 'accreditation.open' : `accreditation.open_${input.kind}`,
        outcome: 'success',
        target: { type: 'application', id: record.id },
        summary: {
          after: {
            offeringId,
            levelSought: record.levelSought.code,
            status: 'draft',
            ...(predecessor ? { predecessorId: predecessor.id } : {}),
          },
        },
        requestId: request.requestId,
      },
      ctx.clock,
    );
  });
  return load(ctx, record.id);
}

export interface ApplicationListFilter {
  status?: AccreditationStatus;
  offeringId?: string;
}

/** Providers see their own applications, audit firms those assigned to them; the Cloud Office all. */
export async function list(
  ctx: AppContext,
  actor: Actor,
  filter: ApplicationListFilter,
  page: { limit: number; offset: number },
) {
  const scope = isOfficeStaff(actor)
    ? {}
    : actor.organizationKind === 'audit_firm'
      ? { auditFirmId: actor.organizationId }
      : { cspOrganizationId: actor.organizationId };
  const result = await repo.listApplications(ctx.db, { ...filter, ...scope }, page);
  return { items: result.rows, total: result.total };
}

export interface HistoryEntry {
  seq: number;
  type: string;
  at: string;
  actorUserId: string | null;
  actorPosition: string | null;
  event: AccreditationEvent;
}

export interface ApplicationView {
  row: ApplicationRow;
  record: AccreditationRecord;
  allowedActions: string[];
  progress: (ResponseProgress & { levelVersion: number }) | null;
  history: HistoryEntry[];
}

/** One application, with what the caller may do next, progress and history. */
export async function get(ctx: AppContext, actor: Actor, id: string): Promise<ApplicationView> {
  const row = await load(ctx, id);
  const record = recordOf(row);
  const [responses, events, target] = await Promise.all([
    repo.listResponses(ctx.db, id),
    repo.listEvents(ctx.db, id),
    catalogFor(ctx, record),
  ]);
  const successors: string[] = [];
  if (record.status === 'accredited' && (await repo.openSuccessorOf(ctx.db, id)) === undefined) {
    // Opening a renewal or reassessment is not a transition of this record, but a next step on it.
    if (actorFits(OPEN_RULES.renewal, actor, record)) successors.push('open_renewal');
    if (actorFits(OPEN_RULES.reassessment, actor, record)) successors.push('open_reassessment');
  }
  return {
    row,
    record,
    allowedActions: [...new Set(allowedActions(record, actor).map((r) => r.action)), ...successors],
    progress: target
      ? { levelVersion: target.version, ...progress(target.catalog, responses.map(responseOf)) }
      : null,
    history: events.map((e) => ({
      seq: e.seq,
      type: e.type,
      at: e.at,
      actorUserId: e.actor_user_id,
      actorPosition: e.actor_position,
      event: JSON.parse(e.event) as AccreditationEvent,
    })),
  };
}

export async function responses(ctx: AppContext, id: string): Promise<ControlResponse[]> {
  await load(ctx, id);
  return (await repo.listResponses(ctx.db, id)).map(responseOf);
}

/** Stores one answer while the provider edits (draft or returned), checked against the level. */
export async function putResponse(
  ctx: AppContext,
  actor: Actor,
  id: string,
  response: ControlResponse,
  request: RequestContext,
): Promise<ControlResponse> {
  const record = recordOf(await load(ctx, id));
  if (
    actor.organizationKind !== 'csp' ||
    actor.organizationId !== record.cspOrganizationId ||
    !RESPONDER_ROLES.includes(actor.role)
  ) {
    throw new AppError(
      403,
      'not_permitted',
      `Only the applying provider's people (${RESPONDER_ROLES.join(', ')}) answer its controls.`,
    );
  }
  if (!EDITABLE.includes(record.status)) {
    throw AppError.conflict(
      'application_not_editable',
      `This application is ${record.status}; answers can be changed only while it is a draft or returned to the provider.`,
    );
  }
  const target = await catalogFor(ctx, record);
  if (!target) {
    throw AppError.conflict(
      'level_not_published',
      `${record.levelSought.code} has no published version to answer against.`,
    );
  }
  const issues: ProblemIssue[] = validateResponses(target.catalog, [response]).map((issue) => ({
    in: issue.pointer.endsWith('/controlId') ? 'params' : 'body',
    pointer: issue.pointer.replace(/^\/0/, ''),
    message: issue.message,
  }));
  for (const [index, documentId] of response.evidenceDocumentIds.entries()) {
    // Another organization's document is described exactly as a missing one.
    if ((await documentOrganization(ctx.db, documentId)) !== record.cspOrganizationId) {
      issues.push({
        in: 'body',
        pointer: `/evidenceDocumentIds/${index}`,
        message: `must be a document uploaded by this provider (got ${JSON.stringify(documentId)}, which is none of its documents)`,
      });
    }
  }
  if (issues.length > 0) {
    throw AppError.badRequest(
      'validation_failed',
      `The answer to ${response.controlId} is not valid: ${issues.map((i) => `${i.pointer || '/'} ${i.message}`).join('; ')}.`,
      issues,
    );
  }
  await ctx.db.transaction().execute(async (trx) => {
    await repo.upsertResponse(trx, responseRow(id, response, stamp(ctx, actor)));
    await recordAuditEvent(
      trx,
      {
        actor: auditActor(actor),
        action: 'accreditation.respond',
        outcome: 'success',
        target: { type: 'application', id },
        summary: {
          after: {
            controlId: response.controlId,
            status: response.status,
            responsibility: response.responsibility,
            evidence: response.evidenceDocumentIds.length,
          },
        },
        requestId: request.requestId,
      },
      ctx.clock,
    );
  });
  return response;
}

/** A condition as the DG Cloud writes it; the service gives it its id. */
export interface ConditionInput {
  text: string;
  dueOn: string;
}

/** What a person sends with an action; each action reads its own fields. */
/** States in which the provider may change the application's attached documents. */
const DOCUMENTS_EDITABLE: readonly AccreditationStatus[] = ['draft', 'returned', 'legal_returned'];
export const DOCUMENT_LIMIT = 50;

/** The application's attached documents (contracts, legal, architecture), in order. */
export async function documents(ctx: AppContext, id: string) {
  await load(ctx, id);
  const ids = await repo.listApplicationDocumentIds(ctx.db, id);
  const byId = new Map((await findDocuments(ctx.db, ids)).map((row) => [row.id, row]));
  return ids.flatMap((documentId) => byId.get(documentId) ?? []);
}

/**
 * Replaces the documents attached to an application: the provider's own uploads, while it
 * prepares the application or answers a return or a request for legal documents.
 */
export async function putDocuments(
  ctx: AppContext,
  actor: Actor,
  id: string,
  documentIds: readonly string[],
  request: RequestContext,
) {
  const record = recordOf(await load(ctx, id));
  if (
    actor.organizationKind !== 'csp' ||
    actor.organizationId !== record.cspOrganizationId ||
    !RESPONDER_ROLES.includes(actor.role)
  ) {
    throw new AppError(
      403,
      'not_permitted',
      `Only the applying provider's people (${RESPONDER_ROLES.join(', ')}) attach its documents.`,
    );
  }
  if (!DOCUMENTS_EDITABLE.includes(record.status)) {
    throw AppError.conflict(
      'application_not_editable',
      `This application is ${record.status}; documents can be attached only while it is a draft, returned, or awaiting legal documents.`,
    );
  }
  const issues: ProblemIssue[] = [];
  const seen = new Set<string>();
  for (const [index, documentId] of documentIds.entries()) {
    if (seen.has(documentId)) {
      issues.push({ in: 'body', pointer: `/documentIds/${index}`, message: 'is listed twice' });
    } else if ((await documentOrganization(ctx.db, documentId)) !== record.cspOrganizationId) {
      issues.push({
        in: 'body',
        pointer: `/documentIds/${index}`,
        message: `must be a document uploaded by this provider (got ${JSON.stringify(documentId)}, which is none of its documents)`,
      });
    }
    seen.add(documentId);
  }
  if (issues.length > 0) {
    throw AppError.badRequest(
      'validation_failed',
      `The documents are not valid: ${issues.map((i) => `${i.pointer} ${i.message}`).join('; ')}.`,
      issues,
    );
  }
  await ctx.db.transaction().execute(async (trx) => {
    const before = await repo.listApplicationDocumentIds(trx, id);
    await repo.replaceApplicationDocuments(trx, id, documentIds, stamp(ctx, actor));
    await recordAuditEvent(
      trx,
      {
        actor: auditActor(actor),
        action: 'accreditation.documents',
        outcome: 'success',
        target: { type: 'application', id },
        summary: { before: { documentIds: before }, after: { documentIds: [...documentIds] } },
        requestId: request.requestId,
      },
      ctx.clock,
    );
  });
  return documents(ctx, id);
}

export interface ActionInput {
  reasons?: string[];
  reason?: string;
  auditFirmId?: string;
  outcome?: 'cleared' | 'objection';
  notes?: string;
  level?: string;
  validUntil?: string;
  conditions?: ConditionInput[];
  effectiveOn?: string;
  conditionId?: string;
  findingId?: string;
  note?: string;
}

/** The fields each action needs; a missing one is refused before the workflow sees it. */
const REQUIRED_FIELDS: Partial<Record<PersonAction, readonly (keyof ActionInput)[]>> = {
  withdraw: ['reason'],
  return: ['reasons'],
  assign_audit: ['auditFirmId'],
  decline_assessment: ['reason'],
  request_legal_documents: ['reasons'],
  record_legal_review: ['outcome'],
  accredit: ['level', 'validUntil'],
  refuse: ['reasons'],
  suspend: ['reason', 'effectiveOn'],
  reinstate: ['reason'],
  revoke: ['reason'],
  close_condition: ['conditionId', 'note'],
  close_finding: ['findingId', 'note'],
};

function checkRequired(type: PersonAction, input: ActionInput): void {
  const missing = (REQUIRED_FIELDS[type] ?? []).filter((field) => input[field] === undefined);
  if (missing.length > 0) {
    // 422 like the workflow's own input refusals: the body is well formed, the step lacks input.
    throw new AppError(
      422,
      'input_invalid',
      `To ${ACTION_PHRASES[type]}, send ${missing.map((m) => `"${m}"`).join(' and ')}.`,
      missing.map((field) => ({ in: 'body', pointer: `/${field}`, message: 'is required' })),
    );
  }
}

function newConditions(input: ConditionInput[] | undefined): NewCondition[] {
  return (input ?? []).map((c) => ({ id: randomUUID(), text: c.text, dueOn: c.dueOn }));
}

/** A level by code, as the workflow compares levels; a 422 naming the field when unknown. */
async function levelRef(db: Kysely<Database>, code: string, pointer: string): Promise<LevelRef> {
  const level = await levelRepo.findLevelByCode(db, code);
  if (!level) {
    throw new AppError(
      422,
      'input_invalid',
      `There is no security level ${JSON.stringify(code)}.`,
      [
        {
          in: 'body',
          pointer,
          message: `must be the code of a security level (got ${JSON.stringify(code)})`,
        },
      ],
    );
  }
  return { code: level.code, rank: level.rank };
}

/** Builds the workflow action; the service supplies what the caller does not (facts it looks up). */
async function actionFor(
  db: Kysely<Database>,
  record: AccreditationRecord,
  type: PersonAction,
  input: ActionInput,
): Promise<Action> {
  checkRequired(type, input);
  switch (type) {
    case 'submit': {
      const found = await latestPublished(db, record.levelSought.code);
      if (!found) {
        throw AppError.conflict(
          'level_not_published',
          `${record.levelSought.code} has no published version to submit against.`,
        );
      }
      const catalog = publishedCatalog(found.row);
      const answered = new Set((await repo.listResponses(db, record.id)).map((r) => r.control_id));
      const controlIds = requiredControlIds(catalog);
      return {
        type,
        levelVersion: found.row.version,
        controlIds,
        unansweredControlIds: controlIds.filter((c) => !answered.has(c)),
      };
    }
    case 'return':
    case 'request_legal_documents':
    case 'refuse':
      return { type, reasons: input.reasons ?? [] };
    case 'withdraw':
    case 'decline_assessment':
    case 'revoke':
      return { type, reason: input.reason ?? '' };
    case 'confirm_complete':
    case 'resubmit_legal_documents':
      return { type };
    case 'assign_audit': {
      const firmId = input.auditFirmId ?? '';
      const firm = await findOrganization(db, firmId);
      if (firm?.kind !== 'audit_firm') {
        throw new AppError(
          422,
          'input_invalid',
          `There is no audit firm ${JSON.stringify(firmId)}.`,
          [{ in: 'body', pointer: '/auditFirmId', message: 'must be the id of an audit firm' }],
        );
      }
      return {
        type,
        auditFirm: { id: firm.id, name: firm.name, registered: firm.status === 'active' },
      };
    }
    case 'submit_assessment': {
      const firmId = record.auditFirm?.id ?? '';
      const [results, findings] = await Promise.all([
        assessmentRepo.listResults(db, record.id, firmId),
        assessmentRepo.listFindings(db, record.id, firmId),
      ]);
      return {
        type,
        results: results.map((r) => ({
          controlId: r.control_id,
          result: r.result as AssessmentResult,
        })),
        findings: findings.map(findingOf),
      };
    }
    case 'record_legal_review':
      return { type, outcome: input.outcome ?? 'cleared', notes: input.notes ?? '' };
    case 'accredit': {
      const predecessor =
        record.predecessorId === null
          ? undefined
          : await repo.findApplication(db, record.predecessorId);
      return {
        type,
        level: await levelRef(db, input.level ?? '', '/level'),
        validUntil: input.validUntil ?? '',
        conditions: newConditions(input.conditions),
        predecessorStatus: (predecessor?.status as AccreditationStatus | undefined) ?? null,
      };
    }
    case 'suspend':
      return { type, reason: input.reason ?? '', effectiveOn: input.effectiveOn ?? '' };
    case 'reinstate':
      return { type, reason: input.reason ?? '', conditions: newConditions(input.conditions) };
    case 'close_condition':
      return { type, conditionId: input.conditionId ?? '', note: input.note ?? '' };
    case 'close_finding':
      return { type, findingId: input.findingId ?? '', note: input.note ?? '' };
  }
}

/** Who takes a step: a person through the API, or the system applying the calendar. */
type Taker = { person: Actor } | { system: true };

/**
 * Applies one step inside `trx`: reads the record, runs the state machine, writes the record
 * (conditional on the revision read), its history event, the register's row and the audit event.
 * A granted renewal or reassessment supersedes its predecessor in the same transaction.
 */
async function applyStep(
  ctx: AppContext,
  trx: Kysely<Database>,
  taker: Taker,
  id: string,
  build: (record: AccreditationRecord) => Promise<Action>,
  request: RequestContext,
  auditInput: object = {},
): Promise<AccreditationRecord> {
  const row = await repo.findApplication(trx, id);
  if (!row) throw AppError.notFound(`There is no application ${JSON.stringify(id)}.`);
  const record = recordOf(row);
  const action = await build(record);
  const actor = 'person' in taker ? taker.person : null;
  const now = ctx.clock.now();
  const result = transition(record, action, actor ?? SYSTEM, now);
  if (!result.ok) throw refusal(result.code, result.message);
  const power = powerOf(result.row.by);
  const at = now.toISOString();
  if (
    !(await repo.updateApplication(trx, result.next, row.revision, {
      at,
      userId: actor?.userId ?? null,
    }))
  ) {
    throw changedMeanwhile();
  }
  await appendEvent(trx, id, result.event, actor, power);
  await projectRegisterEntry(trx, result.next, at);
  await ctx.accreditationEvents.publish(trx, result.event);
  const names = await repo.namesFor(trx, [row]);
  await notifyStep(trx, ctx.clock, result.event, names.get(row.offering_id)?.offeringName ?? '');
  if (action.type === 'assign_audit' || action.type === 'decline_assessment') {
    // A new firm starts its own assessment; the earlier firm's working copy goes with its access.
    await assessmentRepo.clearWorkingCopy(trx, id);
  }
  await recordAuditEvent(
    trx,
    {
      actor: actor ? auditActor(actor, power) : {},
      action: `accreditation.${action.type}`,
      outcome: 'success',
      target: { type: 'application', id },
      summary: {
        before: { status: record.status },
        after: { status: result.next.status, ...auditInput },
      },
      requestId: request.requestId,
    },
    ctx.clock,
  );
  if (action.type === 'accredit' && result.next.predecessorId !== null) {
    const predecessorId = result.next.predecessorId;
    const predecessor = await repo.findApplication(trx, predecessorId);
    // An expired predecessor stays expired; one still in force is replaced now.
    if (predecessor?.status === 'accredited') {
      await applyStep(
        ctx,
        trx,
        { system: true },
        predecessorId,
        () => Promise.resolve({ type: 'supersede', successorId: id }),
        request,
      );
    }
  }
  return result.next;
}

/**
 * Takes a workflow action: the record, the event, the history row, the register and the audit
 * event are written together or not at all. The update is conditional on the revision read, so
 * of two people acting at once exactly one succeeds; the other is told it changed meanwhile.
 */
export async function act(
  ctx: AppContext,
  actor: Actor,
  id: string,
  type: PersonAction,
  input: ActionInput,
  request: RequestContext,
): Promise<ApplicationRow> {
  try {
    await ctx.db
      .transaction()
      .execute((trx) => actInTransaction(ctx, trx, actor, id, type, input, request));
  } catch (error) {
    if (isUniqueViolation(error)) throw changedMeanwhile();
    throw error;
  }
  return load(ctx, id);
}

/**
 * The same step as `act`, inside the caller's transaction, for another feature whose own change
 * must commit with it or not at all (a verified suspension response action). A refusal throws and
 * the caller's transaction rolls back.
 */
export function actInTransaction(
  ctx: AppContext,
  trx: Kysely<Database>,
  actor: Actor,
  id: string,
  type: PersonAction,
  input: ActionInput,
  request: RequestContext,
): Promise<AccreditationRecord> {
  return applyStep(
    ctx,
    trx,
    { person: actor },
    id,
    (record) => actionFor(trx, record, type, input),
    request,
    input,
  );
}

/** The system applies what the calendar decides (expiry); the same step, with nobody signed in. */
export async function actAsSystem(
  ctx: AppContext,
  id: string,
  action: Extract<Action, { type: 'expire' }>,
): Promise<AccreditationRecord> {
  return ctx.db.transaction().execute((trx) =>
    applyStep(ctx, trx, { system: true }, id, () => Promise.resolve(action), {
      actor: null,
      requestId: null,
    }),
  );
}

function changedMeanwhile(): AppError {
  return AppError.conflict(
    'application_changed',
    'Someone else changed this application at the same moment; reload it and try again.',
  );
}
