import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { AppContext } from '../../context.js';
import { isUniqueViolation } from '../../db/errors.js';
import type { Database, ReportRequestsTable } from '../../db/schema.js';
import { AppError, type ProblemIssue } from '../../errors.js';
import { holdersOf, organizationEmails } from '../accreditation/recipients.js';
import { recordAuditEvent } from '../audit/service.js';
import {
  auditActor,
  isOfficeStaff,
  positionFor,
  type Actor,
  type RequestContext,
} from '../identity/actor.js';
import type { Role } from '../identity/roles.js';
import { emitEvent, type EventType } from '../notifications/events.js';
import { dayOf } from '../office/positions.js';
import { enqueueEmail } from '../outbox/service.js';
import * as repo from './requests-repo.js';
import {
  allowedRequestActions,
  checkAnswers,
  checkDueAt,
  REQUEST_POWER,
  requestOverdue,
  requestTransition,
  type InputProblem,
  type RequestAction,
  type RequestStatus,
} from './requests-workflow.js';
import { appendTimeline, type TimelineType } from './timeline.js';

/**
 * Incident-report requests (issue 7, item 4). Every step is one transaction: the request row
 * (written only if nobody changed it since it was read), the incident's timeline entry when the
 * request is about an incident, the webhook event, the e-mail to whoever must act next, and the
 * audit event last. A refusal stores nothing; a 403 is audited by the access hook.
 */

/** The roles of an organization told of a new request or action: those who answer for it. */
export const RESPONDER_ROLES: readonly Role[] = [
  'csp_admin',
  'csp_security_officer',
  'pse_admin',
  'pse_data_owner',
];

export interface EscalationTaken {
  step: number;
  post: string;
  at: string;
}

export interface RequestSummary {
  id: string;
  organization: { id: string; name: string };
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
  requestedBy: { userId: string; name: string; position: string | null } | null;
  answer: {
    text: string;
    answers: string[];
    documents: repo.DocRef[];
    answeredAt: string;
    answeredBy: repo.UserRef | null;
  } | null;
  escalations: EscalationTaken[];
  closedNote: string | null;
  revision: number;
  allowedActions: RequestAction[];
}

interface StoredAnswer {
  text: string;
  answers: string[];
  documentIds: string[];
}

export function presentRequestSummary(row: repo.RequestListRow, now: Date): RequestSummary {
  return {
    id: row.id,
    organization: { id: row.organization_id, name: row.organization_name },
    incidentId: row.incident_id,
    subject: row.subject,
    status: row.status,
    dueAt: row.due_at,
    overdue: requestOverdue({ status: row.status, dueAt: row.due_at }, now),
    requestedAt: row.requested_at,
    answeredAt: row.answered_at,
    escalationStep: row.escalation_step,
  };
}

/** The requests about an incident, oldest first, as the incident's page lists them. */
export async function requestsOfIncident(
  ctx: AppContext,
  incidentId: string,
): Promise<RequestSummary[]> {
  const now = ctx.clock.now();
  return (await repo.requestsOfIncident(ctx.db, incidentId)).map((row) =>
    presentRequestSummary(row, now),
  );
}

/** Refuses the input with every problem found, each with its pointer. */
export function inputRefused(code: string, message: string, problems: InputProblem[]): AppError {
  const issues: ProblemIssue[] = problems.map((p) => ({
    in: 'body',
    pointer: p.pointer,
    message: p.message,
  }));
  return new AppError(
    422,
    code,
    `${message}: ${problems.map((p) => p.message).join('; ')}. Nothing was stored.`,
    issues,
  );
}

/** Documents named as evidence must be the acting organization's own (422 naming the others). */
export async function checkDocuments(
  db: Kysely<Database>,
  organizationId: string,
  ids: readonly string[],
): Promise<void> {
  const foreign = await repo.foreignDocuments(db, organizationId, ids);
  if (foreign.length === 0) return;
  throw new AppError(
    422,
    'unknown_documents',
    `These documents are not your organization's (upload them first with POST /api/v1/documents): ${foreign.join(', ')}. Nothing was stored.`,
    foreign.map((id) => ({
      in: 'body',
      pointer: `/documentIds/${ids.indexOf(id)}`,
      message: `${id} is not a document of your organization`,
    })),
  );
}

/**
 * The organization a request or an action is addressed to: an active CSP or PSE. With an
 * incident, the incident must be that organization's own report, or (for a CSP) name one of its
 * offerings, so that nobody learns of another organization's incident through a request.
 */
export async function checkAddressee(
  db: Kysely<Database>,
  organizationId: string,
  incidentId: string | undefined,
): Promise<{ problems: InputProblem[]; incident: { id: string; title: string } | null }> {
  const problems: InputProblem[] = [];
  const organization = await repo.findOrganization(db, organizationId);
  if (
    !organization ||
    (organization.kind !== 'csp' && organization.kind !== 'pse') ||
    organization.status !== 'active'
  ) {
    problems.push({
      pointer: '/organizationId',
      message: `${JSON.stringify(organizationId)} is not an active cloud service provider or public service entity`,
    });
  }
  let incident: { id: string; title: string } | null = null;
  if (incidentId !== undefined) {
    const found = await repo.findIncident(db, incidentId);
    const offerings = found ? (JSON.parse(found.offering_ids) as string[]) : [];
    const related =
      found !== undefined &&
      (found.organization_id === organizationId ||
        (await repo.offeringOwners(db, offerings)).has(organizationId));
    if (!found) {
      problems.push({
        pointer: '/incidentId',
        message: `there is no incident ${JSON.stringify(incidentId)}`,
      });
    } else if (!related) {
      problems.push({
        pointer: '/incidentId',
        message:
          'the incident was neither reported by this organization nor names one of its offerings',
      });
    } else {
      incident = { id: found.id, title: found.title };
    }
  }
  return { problems, incident };
}

/** The organization's answering people, or everyone active there when it has none of those roles. */
export async function responderEmails(
  db: Kysely<Database>,
  organizationId: string,
): Promise<string[]> {
  const responders = await organizationEmails(db, organizationId, RESPONDER_ROLES);
  return responders.length > 0 ? responders : organizationEmails(db, organizationId);
}

/** The officer who asked, while active; else every holder of the power to ask today. */
async function requesterEmails(
  db: Kysely<Database>,
  userId: string | null,
  day: string,
): Promise<string[]> {
  if (userId !== null) {
    const user = await repo.findUser(db, userId);
    if (user?.status === 'active') return [user.email];
  }
  return holdersOf(db, REQUEST_POWER, day);
}

async function mail(
  ctx: AppContext,
  trx: Kysely<Database>,
  recipients: readonly string[],
  subject: string,
  text: string,
): Promise<void> {
  for (const to of recipients) {
    await enqueueEmail(trx, { to, subject: `Cloud Office: ${subject}`, text }, ctx.clock);
  }
}

function timelineActor(actor: Actor | null) {
  return actor
    ? {
        userId: actor.userId,
        organizationId: actor.organizationId,
        position: positionFor(actor, isOfficeStaff(actor) ? REQUEST_POWER : undefined),
      }
    : null;
}

function changedMeanwhile(): AppError {
  return AppError.conflict(
    'request_changed',
    'Someone else acted on this request at the same moment; reload it and try again.',
  );
}

async function load(db: Kysely<Database>, id: string): Promise<repo.RequestListRow> {
  const row = await repo.findRequest(db, id);
  if (!row) throw AppError.notFound(`There is no report request ${JSON.stringify(id)}.`);
  return row;
}

async function inTransaction<T>(ctx: AppContext, work: (trx: Kysely<Database>) => Promise<T>) {
  try {
    return await ctx.db.transaction().execute(work);
  } catch (error) {
    // Two timeline entries written at once at the same position: one wins.
    if (isUniqueViolation(error)) throw changedMeanwhile();
    throw error;
  }
}

/** Who sees what: officers every request; others their own organization's. */
function scope(actor: Actor, filter: repo.RequestFilter): repo.RequestFilter {
  return isOfficeStaff(actor) ? filter : { ...filter, organizationId: actor.organizationId };
}

export interface OpenRequestInput {
  organizationId: string;
  incidentId?: string;
  subject: string;
  questions: string[];
  dueAt: string;
}

/** An officer asks an organization for a report. */
export async function openRequest(
  ctx: AppContext,
  actor: Actor,
  input: OpenRequestInput,
  context: RequestContext,
): Promise<string> {
  const now = ctx.clock.now();
  const at = now.toISOString();
  const { problems, incident } = await checkAddressee(
    ctx.db,
    input.organizationId,
    input.incidentId,
  );
  const due = checkDueAt(input.dueAt, now);
  if (!due.ok) problems.push(due.problem);
  const questions = input.questions.map((q) => q.trim());
  questions.forEach((q, index) => {
    if (q === '')
      problems.push({ pointer: `/questions/${index}`, message: 'a question cannot be blank' });
  });
  const subject = input.subject.trim();
  if (subject === '')
    problems.push({ pointer: '/subject', message: 'the subject cannot be blank' });
  if (problems.length > 0 || !due.ok) {
    throw inputRefused('input_invalid', 'The request cannot be sent', problems);
  }
  const id = randomUUID();
  const position = positionFor(actor, REQUEST_POWER);
  await inTransaction(ctx, async (trx) => {
    await repo.insertRequest(trx, {
      id,
      organization_id: input.organizationId,
      incident_id: incident?.id ?? null,
      status: 'open',
      subject,
      questions: JSON.stringify(questions),
      due_at: due.dueAt,
      requested_by_user_id: actor.userId,
      requested_by_position: position,
      requested_at: at,
      answer: null,
      answered_at: null,
      answered_by_user_id: null,
      escalation_step: 0,
      escalated_at: null,
      escalations: null,
      closed_note: null,
      revision: 1,
      updated_at: at,
    });
    if (incident) {
      await appendTimeline(trx, {
        incidentId: incident.id,
        type: 'request_opened',
        data: { requestId: id, subject, dueAt: due.dueAt, organizationId: input.organizationId },
        actor: timelineActor(actor),
        at,
      });
    }
    await emitEvent(trx, ctx.clock, {
      type: 'report_request.opened',
      data: {
        id,
        organizationId: input.organizationId,
        incidentId: incident?.id ?? null,
        subject,
        dueAt: due.dueAt,
      },
    });
    await mail(
      ctx,
      trx,
      await responderEmails(trx, input.organizationId),
      `report requested: ${subject}`,
      `The Cloud Office asks your organization for a report${incident ? ` about the incident "${incident.title}"` : ''}, due by ${due.dueAt}:\n\n- ${questions.join('\n- ')}\n\nAnswer it in the portal under Report requests.`,
    );
    await recordAuditEvent(
      trx,
      {
        actor: auditActor(actor, REQUEST_POWER),
        action: 'report_request.open',
        outcome: 'success',
        target: { type: 'report_request', id },
        summary: {
          after: {
            status: 'open',
            organizationId: input.organizationId,
            incidentId: incident?.id ?? null,
            subject,
            questions: questions.length,
            dueAt: due.dueAt,
          },
        },
        requestId: context.requestId,
      },
      ctx.clock,
    );
  });
  return id;
}

export interface ListPage {
  limit: number;
  offset: number;
}

export async function listRequests(
  ctx: AppContext,
  actor: Actor,
  filter: repo.RequestFilter,
  page?: ListPage,
): Promise<{ items: RequestSummary[]; total: number }> {
  const now = ctx.clock.now();
  const result = await repo.listRequests(ctx.db, scope(actor, filter), now.toISOString(), page);
  return { items: result.items.map((row) => presentRequestSummary(row, now)), total: result.total };
}

/** One request, with its answer, its escalations and what the caller may do next. */
export async function getRequest(
  ctx: AppContext,
  actor: Actor,
  id: string,
): Promise<RequestDetail> {
  const row = await load(ctx.db, id);
  const stored = row.answer === null ? null : (JSON.parse(row.answer) as StoredAnswer);
  const people = await repo.userRefs(ctx.db, [row.requested_by_user_id, row.answered_by_user_id]);
  const requester =
    row.requested_by_user_id === null ? undefined : people.get(row.requested_by_user_id);
  return {
    ...presentRequestSummary(row, ctx.clock.now()),
    incidentTitle: row.incident_title,
    questions: JSON.parse(row.questions) as string[],
    requestedBy: requester
      ? { userId: requester.id, name: requester.name, position: row.requested_by_position }
      : null,
    answer:
      stored && row.answered_at !== null
        ? {
            text: stored.text,
            answers: stored.answers,
            documents: await repo.documentRefs(ctx.db, stored.documentIds),
            answeredAt: row.answered_at,
            answeredBy:
              row.answered_by_user_id === null
                ? null
                : (people.get(row.answered_by_user_id) ?? null),
          }
        : null,
    escalations: row.escalations === null ? [] : (JSON.parse(row.escalations) as EscalationTaken[]),
    closedNote: row.closed_note,
    revision: row.revision,
    allowedActions: allowedRequestActions(
      { status: row.status, organizationId: row.organization_id },
      actor,
    ),
  };
}

interface StepEffect {
  set: Omit<Partial<ReportRequestsTable>, 'id' | 'revision'>;
  timeline: TimelineType;
  event: EventType;
  data: Record<string, unknown>;
  recipients: (trx: Kysely<Database>) => Promise<string[]>;
  subject: string;
  text: string;
}

/**
 * One step on a request: the state machine first (409 from the wrong state, 403 for the wrong
 * person), then `prepare` checks the step's input and says what it changes; then the change, the
 * timeline, the event, the e-mail and the audit event commit together.
 */
async function step(
  ctx: AppContext,
  actor: Actor,
  id: string,
  action: RequestAction,
  context: RequestContext,
  prepare: (row: repo.RequestListRow, at: string) => Promise<StepEffect>,
): Promise<void> {
  const row = await load(ctx.db, id);
  const checked = requestTransition(
    { status: row.status, organizationId: row.organization_id },
    action,
    actor,
  );
  if (!checked.ok) {
    throw new AppError(checked.code === 'not_permitted' ? 403 : 409, checked.code, checked.message);
  }
  const at = ctx.clock.now().toISOString();
  const effect = await prepare(row, at);
  await inTransaction(ctx, async (trx) => {
    const written = await repo.updateRequest(
      trx,
      id,
      { revision: row.revision, status: row.status },
      { ...effect.set, status: checked.to, updated_at: at },
    );
    if (!written) throw changedMeanwhile();
    if (row.incident_id !== null) {
      await appendTimeline(trx, {
        incidentId: row.incident_id,
        type: effect.timeline,
        data: { requestId: id, subject: row.subject, status: checked.to, ...effect.data },
        actor: timelineActor(actor),
        at,
      });
    }
    await emitEvent(trx, ctx.clock, {
      type: effect.event,
      data: {
        id,
        organizationId: row.organization_id,
        incidentId: row.incident_id,
        status: checked.to,
        ...effect.data,
      },
    });
    await mail(ctx, trx, await effect.recipients(trx), effect.subject, effect.text);
    const power = checked.row.by.kind === 'power' ? checked.row.by.power : undefined;
    await recordAuditEvent(
      trx,
      {
        actor: auditActor(actor, power),
        action: `report_request.${action}`,
        outcome: 'success',
        target: { type: 'report_request', id },
        summary: { before: { status: row.status }, after: { status: checked.to, ...effect.data } },
        requestId: context.requestId,
      },
      ctx.clock,
    );
  });
}

export interface AnswerInput {
  text: string;
  answers?: string[];
  documentIds?: string[];
}

/**
 * The organization asked answers, with text, per-question answers and evidence documents of its
 * own. A late answer is taken like any other: the duty check records the breach from the times.
 */
export function answerRequest(
  ctx: AppContext,
  actor: Actor,
  id: string,
  input: AnswerInput,
  context: RequestContext,
): Promise<void> {
  return step(ctx, actor, id, 'answer', context, async (row, at) => {
    const questions = JSON.parse(row.questions) as string[];
    const problems: InputProblem[] = [];
    const text = input.text.trim();
    if (text === '') problems.push({ pointer: '/text', message: 'the answer cannot be blank' });
    const mismatch = checkAnswers(questions, input.answers);
    if (mismatch) problems.push(mismatch);
    if (problems.length > 0)
      throw inputRefused('input_invalid', 'The answer cannot be taken', problems);
    const documentIds = [...new Set(input.documentIds ?? [])];
    await checkDocuments(ctx.db, actor.organizationId, documentIds);
    const stored: StoredAnswer = {
      text,
      answers: (input.answers ?? []).map((a) => a.trim()),
      documentIds,
    };
    const late = Date.parse(at) > Date.parse(row.due_at);
    return {
      set: { answer: JSON.stringify(stored), answered_at: at, answered_by_user_id: actor.userId },
      timeline: 'request_answered',
      event: 'report_request.answered',
      data: { answeredAt: at, late, documents: documentIds.length },
      recipients: (trx) => requesterEmails(trx, row.requested_by_user_id, dayOf(new Date(at))),
      subject: `report request answered: ${row.subject}`,
      text: `${row.organization_name} answered the report request "${row.subject}"${late ? ` after its due date (${row.due_at})` : ''}. Accept the answer or return it in the portal.`,
    };
  });
}

/** The officer accepts the answer; the request is closed. */
export function acceptRequest(
  ctx: AppContext,
  actor: Actor,
  id: string,
  input: { note?: string } | undefined,
  context: RequestContext,
): Promise<void> {
  return step(ctx, actor, id, 'accept', context, (row) => {
    // The body is optional: an acceptance may come with no note at all.
    const note = input?.note?.trim() || null;
    return Promise.resolve({
      set: { closed_note: note },
      timeline: 'request_closed',
      event: 'report_request.closed',
      data: { outcome: 'accepted', note },
      recipients: (trx) => responderEmails(trx, row.organization_id),
      subject: `report accepted: ${row.subject}`,
      text: `The Cloud Office accepted your answer to the report request "${row.subject}".${note ? `\n\n${note}` : ''}`,
    });
  });
}

/** The officer returns the answer for more, with a new due date; the request is open again. */
export function returnRequest(
  ctx: AppContext,
  actor: Actor,
  id: string,
  input: { note: string; dueAt: string },
  context: RequestContext,
): Promise<void> {
  return step(ctx, actor, id, 'return', context, (row) => {
    const problems: InputProblem[] = [];
    const note = input.note.trim();
    if (note === '') problems.push({ pointer: '/note', message: 'say what more is needed' });
    const due = checkDueAt(input.dueAt, ctx.clock.now());
    if (!due.ok) problems.push(due.problem);
    if (problems.length > 0 || !due.ok) {
      throw inputRefused('input_invalid', 'The answer cannot be returned', problems);
    }
    return Promise.resolve({
      // The answer returned goes back to the organization, which answers afresh by the new date;
      // the audit trail and the timeline keep that it was given.
      set: {
        answer: null,
        answered_at: null,
        answered_by_user_id: null,
        due_at: due.dueAt,
        closed_note: note,
      },
      timeline: 'request_opened',
      event: 'report_request.opened',
      data: {
        returned: true,
        note,
        dueAt: due.dueAt,
        previousAnswer: row.answer === null ? null : (JSON.parse(row.answer) as StoredAnswer),
        previousAnsweredAt: row.answered_at,
      },
      recipients: (trx) => responderEmails(trx, row.organization_id),
      subject: `report returned: ${row.subject}`,
      text: `The Cloud Office returned your answer to the report request "${row.subject}" and asks for more by ${due.dueAt}:\n\n${note}`,
    });
  });
}

/** The officer withdraws an open request. */
export function withdrawRequest(
  ctx: AppContext,
  actor: Actor,
  id: string,
  input: { note: string },
  context: RequestContext,
): Promise<void> {
  return step(ctx, actor, id, 'withdraw', context, (row) => {
    const note = input.note.trim();
    if (note === '') {
      throw inputRefused('input_invalid', 'The request cannot be withdrawn', [
        { pointer: '/note', message: 'say why the request is withdrawn' },
      ]);
    }
    return Promise.resolve({
      set: { closed_note: note },
      timeline: 'request_closed',
      event: 'report_request.closed',
      data: { outcome: 'withdrawn', note },
      recipients: (trx) => responderEmails(trx, row.organization_id),
      subject: `report request withdrawn: ${row.subject}`,
      text: `The Cloud Office withdrew its report request "${row.subject}"; no answer is needed.\n\n${note}`,
    });
  });
}
