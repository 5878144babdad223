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
import { documentOrganization } from '../documents/repo.js';
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
import type { AccreditationEvent } from './events.js';
import { newRow, recordOf, responseOf, responseRow, type ApplicationRow } from './mapper.js';
import * as repo from './repo.js';
import {
  progress,
  validateResponses,
  type ControlResponse,
  type ResponseProgress,
} from './responses.js';
import {
  allowedActions,
  FINAL_STATUSES,
  openApplication,
  transition,
  type AccreditationRecord,
  type AccreditationStatus,
  type Action,
  type ActorRule,
  type RefusalCode,
} from './workflow.js';

/** Provider roles that may prepare answers; only APPLICANT_ROLES commit (open, submit, withdraw). */
export const RESPONDER_ROLES: readonly Role[] = ['csp_admin', 'csp_security_officer', 'csp_staff'];

/** The actions wired to routes so far; the rest of the workflow follows in later work. */
export const WIRED_ACTIONS = ['submit', 'withdraw', 'return', 'confirm_complete'] as const;
export type WiredAction = (typeof WIRED_ACTIONS)[number];

/** States in which the provider edits its answers. */
const EDITABLE: readonly AccreditationStatus[] = ['draft', 'returned'];

/** What each workflow refusal is over HTTP: the state (409), authority (403), the input (422). */
function refusal(code: RefusalCode, message: string): AppError {
  if (code === 'transition_not_allowed') return new AppError(409, code, message);
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
  actor: Actor,
  power: Power | undefined,
): Promise<void> {
  await repo.insertEvent(trx, {
    id: randomUUID(),
    application_id: applicationId,
    seq: await repo.nextEventSeq(trx, applicationId),
    type: event.type,
    event: JSON.stringify(event),
    actor_user_id: actor.userId,
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
      cspOrganizationId: provider,
      kind: 'initial',
      levelSought: { code: published.level.code, rank: published.level.rank },
      predecessor: null,
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
      .where('status', 'not in', [...FINAL_STATUSES, 'accredited', 'suspended'])
      .executeTakeFirst();
    if (open) {
      throw AppError.conflict(
        'application_open',
        `This offering already has an application in progress (${open.id}); continue that one.`,
      );
    }
    await repo.insertApplication(trx, newRow(record, stamp(ctx, actor)));
    await appendEvent(trx, record.id, opened.event, actor, undefined);
    await recordAuditEvent(
      trx,
      {
        actor: auditActor(actor),
        action: 'accreditation.open',
        outcome: 'success',
        target: { type: 'application', id: record.id },
        summary: { after: { offeringId, levelSought: record.levelSought.code, status: 'draft' } },
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

/** Providers see their own applications; the Cloud Office sees all. */
export async function list(
  ctx: AppContext,
  actor: Actor,
  filter: ApplicationListFilter,
  page: { limit: number; offset: number },
) {
  const result = await repo.listApplications(
    ctx.db,
    { ...filter, ...(isOfficeStaff(actor) ? {} : { cspOrganizationId: actor.organizationId }) },
    page,
  );
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
  return {
    row,
    record,
    allowedActions: [...new Set(allowedActions(record, actor).map((r) => r.action))],
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

export interface ActionInput {
  reasons?: string[];
  reason?: string;
}

/** Builds the workflow action; the service supplies what the provider does not (submit's facts). */
async function actionFor(
  ctx: AppContext,
  db: Kysely<Database>,
  record: AccreditationRecord,
  type: WiredAction,
  input: ActionInput,
): Promise<Action> {
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
      return { type, reasons: input.reasons ?? [] };
    case 'withdraw':
      return { type, reason: input.reason ?? '' };
    case 'confirm_complete':
      return { type };
  }
}

/**
 * Takes a workflow action: the record, the event, the history row and the audit event are
 * written together or not at all. The update is conditional on the revision read, so of two
 * people acting at once exactly one succeeds; the other is told it changed meanwhile.
 */
export async function act(
  ctx: AppContext,
  actor: Actor,
  id: string,
  type: WiredAction,
  input: ActionInput,
  request: RequestContext,
): Promise<ApplicationRow> {
  try {
    await ctx.db.transaction().execute(async (trx) => {
      const row = await repo.findApplication(trx, id);
      if (!row) throw AppError.notFound(`There is no application ${JSON.stringify(id)}.`);
      const record = recordOf(row);
      const action = await actionFor(ctx, trx, record, type, input);
      const result = transition(record, action, actor, ctx.clock.now());
      if (!result.ok) throw refusal(result.code, result.message);
      const power = powerOf(result.row.by);
      if (!(await repo.updateApplication(trx, result.next, row.revision, stamp(ctx, actor)))) {
        throw changedMeanwhile();
      }
      await appendEvent(trx, id, result.event, actor, power);
      await recordAuditEvent(
        trx,
        {
          actor: auditActor(actor, power),
          action: `accreditation.${type}`,
          outcome: 'success',
          target: { type: 'application', id },
          summary: {
            before: { status: record.status },
            after: { status: result.next.status, ...input },
          },
          requestId: request.requestId,
        },
        ctx.clock,
      );
    });
  } catch (error) {
    if (isUniqueViolation(error)) throw changedMeanwhile();
    throw error;
  }
  return load(ctx, id);
}

function changedMeanwhile(): AppError {
  return AppError.conflict(
    'application_changed',
    'Someone else changed this application at the same moment; reload it and try again.',
  );
}
