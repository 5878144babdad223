import type { Kysely } from 'kysely';
import type { AppContext } from '../../context.js';
import { isUniqueViolation } from '../../db/errors.js';
import type { Database } from '../../db/schema.js';
import { AppError, type ProblemIssue } from '../../errors.js';
import { organizationEmails } from '../accreditation/recipients.js';
import { recordAuditEvent, type AuditSummary } from '../audit/service.js';
import { foreignDocuments } from '../documents/repo.js';
import { auditActor, isOfficeStaff, positionFor, type Actor } from '../identity/actor.js';
import type { Role } from '../identity/roles.js';
import { emitEvent, type EventType } from '../notifications/events.js';
import type { Power } from '../office/positions.js';
import { enqueueEmail } from '../outbox/service.js';
import * as lookups from './requests-repo.js';
import type { InputProblem } from './requests-workflow.js';
import { appendTimeline, type TimelineType } from './timeline.js';

/**
 * What report requests and response actions share: whom they are addressed to and who is told,
 * how input is refused, and how a step commits.
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

/** The organization's answering people, or everyone active there when it has none of those roles. */
export async function responderEmails(
  db: Kysely<Database>,
  organizationId: string,
): Promise<string[]> {
  const responders = await organizationEmails(db, organizationId, RESPONDER_ROLES);
  return responders.length > 0 ? responders : organizationEmails(db, organizationId);
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
