import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { AppContext } from '../../context.js';
import type { Database, ResponseActionsTable } from '../../db/schema.js';
import { AppError } from '../../errors.js';
import { actInTransaction } from '../accreditation/service.js';
import { documentRefs, type DocRef } from '../documents/repo.js';
import { positionFor, type Actor, type RequestContext } from '../identity/actor.js';
import { dayOf } from '../office/positions.js';
import * as repo from './actions-repo.js';
import {
  ACTION_POWER,
  actionOverdue,
  actionTransition,
  allowedActionSteps,
  checkOrderKind,
  type ActionKind,
  type ActionStatus,
  type ActionStep,
} from './actions-workflow.js';
import { findUser, userRefs, type UserRef } from './requests-repo.js';
import type { InputProblem } from './requests-workflow.js';
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
 * Response actions (issue 7, item 5). Every step is one transaction: the action row (written only
 * if nobody changed it since it was read), its progress entry, the linked incident's timeline
 * entry, the webhook event, the e-mail to whoever must act next, and the audit event last. A
 * verified suspension also takes the accreditation workflow's `suspend` step in that transaction,
 * as the verifying officer: if the workflow refuses, nothing is stored.
 */

export interface ActionSummary {
  id: string;
  organization: { id: string; name: string };
  kind: ActionKind;
  description: string;
  status: ActionStatus;
  dueAt: string;
  overdue: boolean;
  incidentId: string | null;
  breachId: string | null;
  offering: { id: string; name: string } | null;
  owner: UserRef | null;
  orderedAt: string;
}

export interface ActionDetail extends ActionSummary {
  orderedBy: { userId: string; name: string; position: string | null } | null;
  progress: {
    id: string;
    text: string;
    documents: DocRef[];
    marksDone: boolean;
    at: string;
    by: UserRef | null;
  }[];
  doneAt: string | null;
  verifiedAt: string | null;
  verifiedBy: UserRef | null;
  verificationNote: string | null;
  closedAt: string | null;
  revision: number;
  allowedActions: ActionStep[];
}

function summaryOf(
  row: repo.ActionListRow,
  owners: Map<string, UserRef>,
  now: Date,
): ActionSummary {
  return {
    id: row.id,
    organization: { id: row.organization_id, name: row.organization_name },
    kind: row.kind,
    description: row.description,
    status: row.status,
    dueAt: row.due_at,
    overdue: actionOverdue({ status: row.status, dueAt: row.due_at }, now),
    incidentId: row.incident_id,
    breachId: row.breach_id,
    offering:
      row.offering_id === null ? null : { id: row.offering_id, name: row.offering_name ?? '' },
    owner: row.owner_user_id === null ? null : (owners.get(row.owner_user_id) ?? null),
    orderedAt: row.ordered_at,
  };
}

async function summaries(ctx: AppContext, rows: repo.ActionListRow[]): Promise<ActionSummary[]> {
  const now = ctx.clock.now();
  const owners = await userRefs(
    ctx.db,
    rows.map((r) => r.owner_user_id),
  );
  return rows.map((row) => summaryOf(row, owners, now));
}

/** The actions of an incident or a breach, oldest first, as their pages list them. */
export async function actionsOf(
  ctx: AppContext,
  of: { incidentId: string } | { breachId: string },
): Promise<ActionSummary[]> {
  const { items } = await repo.listActions(ctx.db, of, ctx.clock.now().toISOString());
  return summaries(ctx, items.reverse());
}

/** The action's owner (while active) and the organization's responders. */
async function organizationSide(
  trx: Kysely<Database>,
  row: Pick<repo.ActionRow, 'organization_id' | 'owner_user_id'>,
): Promise<string[]> {
  const owner = row.owner_user_id === null ? undefined : await findUser(trx, row.owner_user_id);
  const emails = await responderEmails(trx, row.organization_id);
  return owner?.status === 'active' ? [owner.email, ...emails] : emails;
}

function changedMeanwhile(): AppError {
  return AppError.conflict(
    'action_changed',
    'Someone else acted on this response action at the same moment; reload it and try again.',
  );
}

function inTransaction<T>(ctx: AppContext, work: (trx: Kysely<Database>) => Promise<T>) {
  return stepTransaction(ctx, changedMeanwhile, work);
}

async function load(db: Kysely<Database>, id: string): Promise<repo.ActionListRow> {
  const row = await repo.findAction(db, id);
  if (!row) throw AppError.notFound(`There is no response action ${JSON.stringify(id)}.`);
  return row;
}

const KIND_PHRASES: Record<ActionKind, string> = {
  contain: 'contain the incident',
  notify_people: 'notify the people affected',
  rotate_credentials: 'rotate credentials',
  suspend_accreditation: "suspend an offering's accreditation",
  corrective_action_plan: 'submit a corrective action plan',
  special_audit: 'undergo a special audit',
};

export interface OrderInput {
  organizationId: string;
  kind: ActionKind;
  description: string;
  dueAt: string;
  incidentId?: string;
  breachId?: string;
  offeringId?: string;
  ownerUserId?: string;
}

/** An officer orders an action of an organization. */
export async function orderAction(
  ctx: AppContext,
  actor: Actor,
  input: OrderInput,
  context: RequestContext,
): Promise<string> {
  const now = ctx.clock.now();
  const at = now.toISOString();
  const { problems, incident, due } = await checkNew(ctx.db, input, now);
  const description = input.description.trim();
  if (description === '') {
    problems.push({ pointer: '/description', message: 'say what must be done' });
  }
  const kindProblem = checkOrderKind(input.kind, input.offeringId);
  if (kindProblem) problems.push(kindProblem);
  if (input.breachId !== undefined) {
    const breach = await repo.findBreach(ctx.db, input.breachId);
    if (breach?.organization_id !== input.organizationId) {
      problems.push({
        pointer: '/breachId',
        message: `${JSON.stringify(input.breachId)} is not a breach of this organization`,
      });
    }
  }
  if (input.offeringId !== undefined) {
    const offering = await repo.findOffering(ctx.db, input.offeringId);
    if (offering?.organization_id !== input.organizationId) {
      problems.push({
        pointer: '/offeringId',
        message: `${JSON.stringify(input.offeringId)} is not an offering of this organization`,
      });
    } else if (
      input.kind === 'suspend_accreditation' &&
      !(await repo.accreditationInForce(ctx.db, offering.id))
    ) {
      problems.push({
        pointer: '/offeringId',
        message: `the offering "${offering.name}" holds no accreditation in force to suspend`,
      });
    }
  }
  if (input.ownerUserId !== undefined) {
    const owner = await findUser(ctx.db, input.ownerUserId);
    if (owner?.organization_id !== input.organizationId || owner.status !== 'active') {
      problems.push({
        pointer: '/ownerUserId',
        message: `${JSON.stringify(input.ownerUserId)} is not an active user of this organization`,
      });
    }
  }
  if (problems.length > 0 || !due.ok) {
    throw inputRefused('input_invalid', 'The action cannot be ordered', problems);
  }
  const id = randomUUID();
  const row = {
    id,
    organization_id: input.organizationId,
    incident_id: incident?.id ?? null,
    breach_id: input.breachId ?? null,
    kind: input.kind,
    description,
    offering_id: input.offeringId ?? null,
    owner_user_id: input.ownerUserId ?? null,
    due_at: due.dueAt,
    status: 'ordered' as const,
    ordered_by_user_id: actor.userId,
    ordered_by_position: positionFor(actor, ACTION_POWER),
    ordered_at: at,
    done_at: null,
    verified_at: null,
    verified_by_user_id: null,
    verification_note: null,
    closed_at: null,
    revision: 1,
    updated_at: at,
  };
  await inTransaction(ctx, async (trx) => {
    await repo.insertAction(trx, row);
    const data = {
      actionId: id,
      kind: input.kind,
      dueAt: due.dueAt,
      organizationId: input.organizationId,
    };
    await recordStep(ctx, trx, {
      actor,
      power: ACTION_POWER,
      at,
      timeline: incident
        ? { incidentId: incident.id, type: 'action_ordered', data: { ...data, description } }
        : null,
      event: {
        type: 'response_action.ordered',
        data: {
          id,
          organizationId: input.organizationId,
          kind: input.kind,
          incidentId: row.incident_id,
          breachId: row.breach_id,
          offeringId: row.offering_id,
          dueAt: due.dueAt,
        },
      },
      mail: {
        recipients: (trx) => organizationSide(trx, row),
        subject: `response action ordered: ${KIND_PHRASES[input.kind]}`,
        text: `The Cloud Office orders your organization to ${KIND_PHRASES[input.kind]} by ${due.dueAt}:\n\n${description}\n\nRecord progress and evidence in the portal.`,
      },
      audit: {
        power: ACTION_POWER,
        action: 'response_action.order',
        target: { type: 'response_action', id },
        summary: {
          after: {
            status: 'ordered',
            organizationId: input.organizationId,
            kind: input.kind,
            dueAt: due.dueAt,
            incidentId: row.incident_id,
            breachId: row.breach_id,
            offeringId: row.offering_id,
            ownerUserId: row.owner_user_id,
          },
        },
        requestId: context.requestId,
      },
    });
  });
  return id;
}

export async function listActions(
  ctx: AppContext,
  actor: Actor,
  filter: repo.ActionFilter,
  page?: { limit: number; offset: number },
): Promise<{ items: ActionSummary[]; total: number }> {
  const result = await repo.listActions(
    ctx.db,
    visibleTo(actor, filter),
    ctx.clock.now().toISOString(),
    page,
  );
  return { items: await summaries(ctx, result.items), total: result.total };
}

/** One action, with its progress and what the caller may do next. */
export async function getAction(ctx: AppContext, actor: Actor, id: string): Promise<ActionDetail> {
  const row = await load(ctx.db, id);
  const progress = await repo.listProgress(ctx.db, id);
  const people = await userRefs(ctx.db, [
    row.owner_user_id,
    row.ordered_by_user_id,
    row.verified_by_user_id,
    ...progress.map((p) => p.by_user_id),
  ]);
  const documents = new Map(
    (
      await documentRefs(
        ctx.db,
        progress.flatMap((p) => JSON.parse(p.document_ids) as string[]),
      )
    ).map((d) => [d.id, d]),
  );
  const orderer = row.ordered_by_user_id === null ? undefined : people.get(row.ordered_by_user_id);
  const person = (id: string | null) => (id === null ? null : (people.get(id) ?? null));
  return {
    ...summaryOf(row, people, ctx.clock.now()),
    orderedBy: orderer
      ? { userId: orderer.id, name: orderer.name, position: row.ordered_by_position }
      : null,
    progress: progress.map((p) => ({
      id: p.id,
      text: p.text,
      documents: (JSON.parse(p.document_ids) as string[]).flatMap((d) => {
        const found = documents.get(d);
        return found ? [found] : [];
      }),
      marksDone: p.marks_done === 1,
      at: p.at,
      by: person(p.by_user_id),
    })),
    doneAt: row.done_at,
    verifiedAt: row.verified_at,
    verifiedBy: person(row.verified_by_user_id),
    verificationNote: row.verification_note,
    closedAt: row.closed_at,
    revision: row.revision,
    allowedActions: allowedActionSteps(
      { status: row.status, organizationId: row.organization_id },
      actor,
    ),
  };
}

/**
 * One step on an action: the workflow's check, then `prepare` checks the step's input and says
 * what it changes; see `takeStep`.
 */
async function step(
  ctx: AppContext,
  actor: Actor,
  id: string,
  name: ActionStep,
  markDone: boolean,
  context: RequestContext,
  prepare: (
    row: repo.ActionListRow,
    at: string,
  ) => Promise<StepEffect<Omit<Partial<ResponseActionsTable>, 'id' | 'revision' | 'status'>>>,
): Promise<void> {
  const row = await load(ctx.db, id);
  await takeStep(ctx, {
    actor,
    context,
    power: ACTION_POWER,
    target: { type: 'response_action', id },
    name,
    row,
    checked: actionTransition(
      { status: row.status, organizationId: row.organization_id },
      name,
      actor,
      markDone,
    ),
    changedMeanwhile,
    prepare: (at) => prepare(row, at),
    update: repo.updateAction,
    timeline: { actionId: id, kind: row.kind },
    event: {
      id,
      organizationId: row.organization_id,
      incidentId: row.incident_id,
      breachId: row.breach_id,
      kind: row.kind,
    },
  });
}

function requireNote(note: string, what: string): string {
  const trimmed = note.trim();
  if (trimmed === '') {
    throw inputRefused('input_invalid', `The action cannot be ${what}`, [
      { pointer: '/note', message: 'the note cannot be blank' },
    ]);
  }
  return trimmed;
}

export interface ProgressInput {
  text: string;
  documentIds?: string[];
  done?: boolean;
}

/** The organization records progress, with evidence of its own; `done` says the work is done. */
export function recordProgress(
  ctx: AppContext,
  actor: Actor,
  id: string,
  input: ProgressInput,
  context: RequestContext,
): Promise<void> {
  const done = input.done === true;
  return step(ctx, actor, id, 'progress', done, context, async (row, at) => {
    const text = input.text.trim();
    const problems: InputProblem[] = [];
    if (text === '') problems.push({ pointer: '/text', message: 'say what was done' });
    if (problems.length > 0)
      throw inputRefused('input_invalid', 'Progress cannot be recorded', problems);
    const documentIds = [...new Set(input.documentIds ?? [])];
    await checkDocuments(ctx.db, actor.organizationId, documentIds);
    const progressId = randomUUID();
    return {
      set: done ? { done_at: at } : {},
      within: (trx) =>
        repo.insertProgress(trx, {
          id: progressId,
          action_id: id,
          text,
          document_ids: JSON.stringify(documentIds),
          marks_done: done ? 1 : 0,
          by_user_id: actor.userId,
          at,
        }),
      timeline: 'action_progress',
      event: 'response_action.progress',
      data: { progressId, done, documents: documentIds.length },
      // Only a "done" needs the Cloud Office to act (verify it).
      recipients: done
        ? (trx) => officerEmails(trx, row.ordered_by_user_id, ACTION_POWER, dayOf(new Date(at)))
        : null,
      subject: `response action done: ${KIND_PHRASES[row.kind]}`,
      text: `${row.organization_name} reports the response action "${row.description}" done. Verify it, or reject it back to work, in the portal.\n\n${text}`,
    };
  });
}

/**
 * An officer verifies the work. A suspension action suspends the offering's accreditation through
 * the accreditation workflow, as this officer, in the same transaction: it needs what the
 * workflow's `suspend` needs (the power decide_accreditation), or nothing is stored.
 */
export function verifyAction(
  ctx: AppContext,
  actor: Actor,
  id: string,
  input: { note: string },
  context: RequestContext,
): Promise<void> {
  return step(ctx, actor, id, 'verify', false, context, async (row, at) => {
    const note = requireNote(input.note, 'verified');
    let suspend: ((trx: Kysely<Database>) => Promise<void>) | undefined;
    let applicationId: string | null = null;
    if (row.kind === 'suspend_accreditation') {
      const accreditation =
        row.offering_id === null
          ? undefined
          : await repo.accreditationInForce(ctx.db, row.offering_id);
      if (!accreditation) {
        throw AppError.conflict(
          'accreditation_not_in_force',
          `The offering "${row.offering_name ?? ''}" holds no accreditation in force any more, so there is nothing to suspend; cancel or close the action instead.`,
        );
      }
      applicationId = accreditation.id;
      suspend = async (trx) => {
        await actInTransaction(
          ctx,
          trx,
          actor,
          accreditation.id,
          'suspend',
          {
            reason: `Response action ${id} verified: ${note}`,
            effectiveOn: dayOf(new Date(at)),
          },
          context,
        );
      };
    }
    return {
      set: { verified_at: at, verified_by_user_id: actor.userId, verification_note: note },
      within: suspend,
      timeline: 'action_verified',
      event: 'response_action.verified',
      data: { note, ...(applicationId ? { suspendedApplicationId: applicationId } : {}) },
      recipients: (trx) => organizationSide(trx, row),
      subject: `response action verified: ${KIND_PHRASES[row.kind]}`,
      text: `The Cloud Office verified the response action "${row.description}".\n\n${note}`,
    };
  });
}

/** An officer rejects work reported done: back to in progress, with what is still missing. */
export function rejectAction(
  ctx: AppContext,
  actor: Actor,
  id: string,
  input: { note: string },
  context: RequestContext,
): Promise<void> {
  return step(ctx, actor, id, 'reject', false, context, (row) => {
    const note = requireNote(input.note, 'rejected');
    return Promise.resolve({
      set: { done_at: null, verification_note: note },
      timeline: 'action_progress',
      event: 'response_action.progress',
      data: { rejected: true, note },
      recipients: (trx) => organizationSide(trx, row),
      subject: `response action not accepted: ${KIND_PHRASES[row.kind]}`,
      text: `The Cloud Office did not accept the response action "${row.description}" as done; it is in progress again, due by ${row.due_at}:\n\n${note}`,
    });
  });
}

/** An officer closes a verified action. */
export function closeAction(
  ctx: AppContext,
  actor: Actor,
  id: string,
  input: { note?: string } | undefined,
  context: RequestContext,
): Promise<void> {
  return step(ctx, actor, id, 'close', false, context, (row, at) => {
    // The body is optional: a close may come with no note at all.
    const note = input?.note?.trim() || null;
    return Promise.resolve({
      set: { closed_at: at, ...(note ? { verification_note: note } : {}) },
      timeline: 'action_closed',
      event: 'response_action.closed',
      data: { outcome: 'closed', note },
      recipients: (trx) => organizationSide(trx, row),
      subject: `response action closed: ${KIND_PHRASES[row.kind]}`,
      text: `The Cloud Office closed the response action "${row.description}".${note ? `\n\n${note}` : ''}`,
    });
  });
}

/** An officer cancels an action not yet done. */
export function cancelAction(
  ctx: AppContext,
  actor: Actor,
  id: string,
  input: { note: string },
  context: RequestContext,
): Promise<void> {
  return step(ctx, actor, id, 'cancel', false, context, (row, at) => {
    const note = requireNote(input.note, 'cancelled');
    return Promise.resolve({
      set: { closed_at: at, verification_note: note },
      timeline: 'action_closed',
      event: 'response_action.closed',
      data: { outcome: 'cancelled', note },
      recipients: (trx) => organizationSide(trx, row),
      subject: `response action cancelled: ${KIND_PHRASES[row.kind]}`,
      text: `The Cloud Office cancelled the response action "${row.description}"; nothing more is needed.\n\n${note}`,
    });
  });
}
