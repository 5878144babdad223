import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { AppContext } from '../../context.js';
import type { Page } from '../../db/pagination.js';
import type { Database, ReportRequestsTable } from '../../db/schema.js';
import { AppError } from '../../errors.js';
import { documentRefs, type DocRef } from '../documents/repo.js';
import { positionFor, type Actor, type RequestContext } from '../identity/actor.js';
import { dayOf } from '../office/positions.js';
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
import {
  checkDocuments,
  checkNew,
  inputRefused,
  inTransaction as stepTransaction,
  officerEmails,
  recordStep,
  responderEmails,
  takeStep,
  visibleTo,
  type StepEffect,
} from './steps.js';

/**
 * Incident-report requests (issue 7, item 4). Every step is one transaction: the request row
 * (written only if nobody changed it since it was read), the incident's timeline entry when the
 * request is about an incident, the webhook event, the e-mail to whoever must act next, and the
 * audit event last. A refusal stores nothing; a 403 is audited by the access hook.
 */

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
    documents: DocRef[];
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

function inTransaction<T>(ctx: AppContext, work: (trx: Kysely<Database>) => Promise<T>) {
  return stepTransaction(ctx, changedMeanwhile, work);
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
  const { problems, incident, due } = await checkNew(ctx.db, input, now);
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
    await recordStep(ctx, trx, {
      actor,
      power: REQUEST_POWER,
      at,
      timeline: incident
        ? {
            incidentId: incident.id,
            type: 'request_opened',
            data: {
              requestId: id,
              subject,
              dueAt: due.dueAt,
              organizationId: input.organizationId,
            },
          }
        : null,
      event: {
        type: 'report_request.opened',
        data: {
          id,
          organizationId: input.organizationId,
          incidentId: incident?.id ?? null,
          subject,
          dueAt: due.dueAt,
        },
      },
      mail: {
        recipients: (trx) => responderEmails(trx, input.organizationId),
        subject: `report requested: ${subject}`,
        text: `The Cloud Office asks your organization for a report${incident ? ` about the incident "${incident.title}"` : ''}, due by ${due.dueAt}:\n\n- ${questions.join('\n- ')}\n\nAnswer it in the portal.`,
      },
      audit: {
        power: REQUEST_POWER,
        action: 'report_request.open',
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
    });
  });
  return id;
}

export async function listRequests(
  ctx: AppContext,
  actor: Actor,
  filter: repo.RequestFilter,
  page?: Page,
): Promise<{ items: RequestSummary[]; total: number }> {
  const now = ctx.clock.now();
  const result = await repo.listRequests(ctx.db, visibleTo(actor, filter), now.toISOString(), page);
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
            documents: await documentRefs(ctx.db, stored.documentIds),
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

/**
 * One step on a request: the workflow's check, then `prepare` checks the step's input and says
 * what it changes; see `takeStep`.
 */
async function step(
  ctx: AppContext,
  actor: Actor,
  id: string,
  action: RequestAction,
  context: RequestContext,
  prepare: (
    row: repo.RequestListRow,
    at: string,
  ) => Promise<StepEffect<Omit<Partial<ReportRequestsTable>, 'id' | 'revision'>>>,
): Promise<void> {
  const row = await load(ctx.db, id);
  await takeStep(ctx, {
    actor,
    context,
    power: REQUEST_POWER,
    target: { type: 'report_request', id },
    name: action,
    row,
    checked: requestTransition(
      { status: row.status, organizationId: row.organization_id },
      action,
      actor,
    ),
    changedMeanwhile,
    prepare: (at) => prepare(row, at),
    update: repo.updateRequest,
    timeline: { requestId: id, subject: row.subject },
    event: { id, organizationId: row.organization_id, incidentId: row.incident_id },
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
      recipients: (trx) =>
        officerEmails(trx, row.requested_by_user_id, REQUEST_POWER, dayOf(new Date(at))),
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
