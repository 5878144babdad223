import type { Kysely } from 'kysely';
import type { AppContext } from '../../context.js';
import { isUniqueViolation } from '../../db/errors.js';
import type { Database } from '../../db/schema.js';
import { AppError, type ProblemIssue } from '../../errors.js';
import { holdersOf, organizationEmails } from '../accreditation/recipients.js';
import { recordAuditEvent, type AuditSummary } from '../audit/service.js';
import { foreignDocuments } from '../documents/repo.js';
import {
  auditActor,
  isOfficeStaff,
  positionFor,
  type Actor,
  type RequestContext,
} from '../identity/actor.js';
import type { Role } from '../identity/roles.js';
import { emitEvent, type EventType } from '../notifications/events.js';
import type { Power } from '../office/positions.js';
import { enqueueEmail } from '../outbox/service.js';
import * as lookups from './requests-repo.js';
import { checkDueAt, type InputProblem } from './requests-workflow.js';
import { appendTimeline, type TimelineType } from './timeline.js';

/**
 * What report requests and response actions share: whom they are addressed to and who is told,
 * who sees which, how input is refused, and how a step is checked and commits.
 */

/** The roles of an organization told of a new request or action: those who answer for it. */
export const RESPONDER_ROLES: readonly Role[] = [
  'csp_admin',
  'csp_security_officer',
  'pse_admin',
  'pse_data_owner',
];

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
  const foreign = await foreignDocuments(db, organizationId, ids);
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
  const organization = await lookups.findOrganization(db, organizationId);
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
    const found = await lookups.findIncident(db, incidentId);
    const offerings = found ? (JSON.parse(found.offering_ids) as string[]) : [];
    const related =
      found !== undefined &&
      (found.organization_id === organizationId ||
        (await lookups.offeringOwners(db, offerings)).has(organizationId));
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

/**
 * The checks every new request or action takes first: its addressee and incident, then its due
 * instant (problems in that order).
 */
export async function checkNew(
  db: Kysely<Database>,
  input: { organizationId: string; incidentId?: string; dueAt: string },
  now: Date,
) {
  const { problems, incident } = await checkAddressee(db, input.organizationId, input.incidentId);
  const due = checkDueAt(input.dueAt, now);
  if (!due.ok) problems.push(due.problem);
  return { problems, incident, due };
}

/** The organization's answering people, or everyone active there when it has none of those roles. */
export async function responderEmails(
  db: Kysely<Database>,
  organizationId: string,
): Promise<string[]> {
  const responders = await organizationEmails(db, organizationId, RESPONDER_ROLES);
  return responders.length > 0 ? responders : organizationEmails(db, organizationId);
}

/** The officer who asked or ordered, while active; else every holder of `power` on `day`. */
export async function officerEmails(
  db: Kysely<Database>,
  userId: string | null,
  power: Power,
  day: string,
): Promise<string[]> {
  if (userId !== null) {
    const user = await lookups.findUser(db, userId);
    if (user?.status === 'active') return [user.email];
  }
  return holdersOf(db, power, day);
}

/** Who sees what: officers every record; others their own organization's. */
export function visibleTo<Filter extends { organizationId?: string }>(
  actor: Actor,
  filter: Filter,
): Filter {
  return isOfficeStaff(actor) ? filter : { ...filter, organizationId: actor.organizationId };
}

/** Queues one e-mail to each recipient, once each, in the step's transaction. */
export async function mailEach(
  ctx: AppContext,
  trx: Kysely<Database>,
  recipients: readonly string[],
  subject: string,
  text: string,
): Promise<void> {
  for (const to of new Set(recipients)) {
    await enqueueEmail(trx, { to, subject: `Cloud Office: ${subject}`, text }, ctx.clock);
  }
}

/** The actor of a step's timeline entry: an officer with the post that grants `power`. */
export function stepActor(actor: Actor, power: Power) {
  return {
    userId: actor.userId,
    organizationId: actor.organizationId,
    position: positionFor(actor, isOfficeStaff(actor) ? power : undefined),
  };
}

/** The refusal of a step the workflow does not allow: 403 for the wrong person, else 409. */
export function stepRefused(checked: { code: string; message: string }): AppError {
  return new AppError(checked.code === 'not_permitted' ? 403 : 409, checked.code, checked.message);
}

/**
 * Runs a step's transaction. Two timeline entries written at once at the same position: one
 * wins, and the other is told that someone acted meanwhile (`changedMeanwhile`).
 */
export async function inTransaction<T>(
  ctx: AppContext,
  changedMeanwhile: () => AppError,
  work: (trx: Kysely<Database>) => Promise<T>,
): Promise<T> {
  try {
    return await ctx.db.transaction().execute(work);
  } catch (error) {
    if (isUniqueViolation(error)) throw changedMeanwhile();
    throw error;
  }
}

/** What a step of a request or an action leaves behind, besides its own row. */
export interface StepRecord {
  actor: Actor;
  /** The power the step's post must grant, for the timeline's post. */
  power: Power;
  at: string;
  /** The linked incident's timeline entry, if the record is about an incident. */
  timeline: { incidentId: string; type: TimelineType; data: Record<string, unknown> } | null;
  event: { type: EventType; data: Record<string, unknown> };
  mail: {
    recipients: (trx: Kysely<Database>) => Promise<string[]>;
    subject: string;
    text: string;
  } | null;
  audit: {
    /** The power the actor acted by, if any. */
    power: Power | undefined;
    action: string;
    target: { type: string; id: string };
    summary: AuditSummary;
    requestId: string | null;
  };
}

/** The portal's page of each kind of record a step acts on, for the link in its e-mail. */
const PORTAL_PAGES: Readonly<Record<string, string>> = {
  report_request: 'report-requests',
  response_action: 'response-actions',
};

/**
 * Writes, in the step's transaction and in this order, the incident's timeline entry, the webhook
 * event, the e-mail to whoever must act next and the audit event.
 */
export async function recordStep(
  ctx: AppContext,
  trx: Kysely<Database>,
  step: StepRecord,
): Promise<void> {
  if (step.timeline) {
    await appendTimeline(trx, {
      ...step.timeline,
      actor: stepActor(step.actor, step.power),
      at: step.at,
    });
  }
  await emitEvent(trx, ctx.clock, step.event);
  if (step.mail) {
    const page = PORTAL_PAGES[step.audit.target.type];
    const link = page
      ? `\n\nOpen it in the portal: ${ctx.config.http.publicUrl}/${page}/${step.audit.target.id}\n`
      : '';
    await mailEach(
      ctx,
      trx,
      await step.mail.recipients(trx),
      step.mail.subject,
      `${step.mail.text}${link}`,
    );
  }
  await recordAuditEvent(
    trx,
    {
      actor: auditActor(step.actor, step.audit.power),
      action: step.audit.action,
      outcome: 'success',
      target: step.audit.target,
      summary: step.audit.summary,
      requestId: step.audit.requestId,
    },
    ctx.clock,
  );
}

/** What a step changes and leaves behind, as the step says once it has checked its input. */
export interface StepEffect<Set> {
  /** The columns the step writes, besides the status and updated_at. */
  set: Set;
  timeline: TimelineType;
  event: EventType;
  /** The step's own data, in its timeline entry, its event and its audit summary. */
  data: Record<string, unknown>;
  /** Work of the step inside its transaction, before the timeline (a progress entry, a suspension). */
  within?: (trx: Kysely<Database>) => Promise<void>;
  /** Whom to e-mail, or null for nobody. */
  recipients: ((trx: Kysely<Database>) => Promise<string[]>) | null;
  subject: string;
  text: string;
}

/** A workflow's answer to a step: the status it moves to and by whose rule, or a refusal. */
type CheckedStep<Status> =
  | {
      ok: true;
      to: Status;
      row: { by: { kind: 'power'; power: Power } | { kind: 'asked' | 'ordered' } };
    }
  | { ok: false; code: string; message: string };

/**
 * One step on a request or an action: the workflow's refusal first (409 from the wrong state, 403
 * for the wrong person), then `prepare` checks the step's input and says what it changes; then
 * the row (written only if nobody changed it since it was read), the step's own work, the
 * timeline, the event, the e-mail and the audit event commit together.
 */
export async function takeStep<Status extends string, Set extends object>(
  ctx: AppContext,
  step: {
    actor: Actor;
    context: RequestContext;
    /** The power of the kind of record, for the timeline's post. */
    power: Power;
    target: { type: string; id: string };
    /** The step's name, the last part of its audit action. */
    name: string;
    row: { status: Status; revision: number; incident_id: string | null };
    checked: CheckedStep<Status>;
    changedMeanwhile: () => AppError;
    prepare: (at: string) => Promise<StepEffect<Set>>;
    /** The conditional write of the row: false when it is no longer at `read`. */
    update: (
      trx: Kysely<Database>,
      id: string,
      read: { revision: number; status: Status },
      set: Set & { status: Status; updated_at: string },
    ) => Promise<boolean>;
    /** What the timeline entry and the event say of the record, before the status and the data. */
    timeline: Record<string, unknown>;
    event: Record<string, unknown>;
  },
): Promise<void> {
  const { actor, row, checked, target } = step;
  if (!checked.ok) throw stepRefused(checked);
  const at = ctx.clock.now().toISOString();
  const effect = await step.prepare(at);
  await inTransaction(ctx, step.changedMeanwhile, async (trx) => {
    const written = await step.update(
      trx,
      target.id,
      { revision: row.revision, status: row.status },
      { ...effect.set, status: checked.to, updated_at: at },
    );
    if (!written) throw step.changedMeanwhile();
    if (effect.within) await effect.within(trx);
    await recordStep(ctx, trx, {
      actor,
      power: step.power,
      at,
      timeline:
        row.incident_id === null
          ? null
          : {
              incidentId: row.incident_id,
              type: effect.timeline,
              data: { ...step.timeline, status: checked.to, ...effect.data },
            },
      event: {
        type: effect.event,
        data: { ...step.event, status: checked.to, ...effect.data },
      },
      mail: effect.recipients
        ? { recipients: effect.recipients, subject: effect.subject, text: effect.text }
        : null,
      audit: {
        power: checked.row.by.kind === 'power' ? checked.row.by.power : undefined,
        action: `${target.type}.${step.name}`,
        target,
        summary: { before: { status: row.status }, after: { status: checked.to, ...effect.data } },
        requestId: step.context.requestId,
      },
    });
  });
}
