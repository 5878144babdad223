import type { Kysely } from 'kysely';
import type { Clock } from '../../clock.js';
import type { Database } from '../../db/schema.js';
import { dayOf, type Power } from '../office/positions.js';
import { enqueueEmail } from '../outbox/service.js';
import type { AccreditationEvent } from './events.js';
import { holdersOf, organizationEmails } from './recipients.js';
import { APPLICANT_ROLES, AUDITOR_ROLES } from './workflow.js';

/**
 * Who is told of each workflow step, so that work reaches the next desk without anyone polling a
 * queue: the posts whose turn it is, the provider when the office acts on its application, and the
 * audit firm when an assessment is handed to it. Pure; `notifyStep` looks up the addresses.
 */
export type Audience =
  | { kind: 'power'; power: Power }
  | { kind: 'provider' }
  | { kind: 'audit_firm'; organizationId: string };

export interface StepNotice {
  audience: Audience;
  subject: string;
  text: string;
}

export function noticeFor(event: AccreditationEvent, offeringName: string): StepNotice | undefined {
  const about = `"${offeringName}"`;
  const provider = (subject: string, text: string): StepNotice => ({
    audience: { kind: 'provider' },
    subject,
    text,
  });
  const desk = (power: Power, subject: string, text: string): StepNotice => ({
    audience: { kind: 'power', power },
    subject,
    text,
  });
  switch (event.type) {
    case 'ApplicationSubmitted':
      return desk(
        'review_accreditation',
        `Application submitted: ${offeringName}`,
        `The application for ${about} at ${event.levelSought.code} was submitted and awaits its completeness check.`,
      );
    case 'ApplicationReturned':
      return provider(
        `Application returned: ${offeringName}`,
        `The Cloud Office returned the application for ${about}:\n\n- ${event.reasons.join('\n- ')}`,
      );
    case 'CompletenessConfirmed':
    case 'AssessmentDeclined':
      return desk(
        'assign_audit',
        `Assessment to assign: ${offeringName}`,
        event.type === 'AssessmentDeclined'
          ? `The audit firm declined the assessment of ${about} (${event.reason}); assign another firm.`
          : `The application for ${about} is complete; assign an audit firm.`,
      );
    case 'AssessmentAssigned':
      return {
        audience: { kind: 'audit_firm', organizationId: event.auditFirmId },
        subject: `Assessment assigned: ${offeringName}`,
        text: `The Cloud Office assigned your firm the assessment of ${about}. Record a result for every control and submit.`,
      };
    case 'AssessmentSubmitted':
    case 'LegalDocumentsResubmitted':
      return desk(
        'review_legal',
        `Legal review: ${offeringName}`,
        `The application for ${about} awaits legal review.`,
      );
    case 'LegalDocumentsRequested':
      return provider(
        `Legal documents requested: ${offeringName}`,
        `The Cloud Office asks for legal or contract documents for ${about}:\n\n- ${event.reasons.join('\n- ')}`,
      );
    case 'LegalReviewCompleted':
      return desk(
        'decide_accreditation',
        `Decision due: ${offeringName}`,
        `The legal review of ${about} is complete (${event.outcome}); the application awaits your decision.`,
      );
    case 'AccreditationGranted':
      return provider(
        `Accredited: ${offeringName}`,
        `${about} is accredited at ${event.level.code} from ${event.validFrom} until ${event.validUntil}${event.conditions.length > 0 ? `, with ${event.conditions.length} condition(s) to meet` : ''}.`,
      );
    case 'AccreditationRefused':
      return provider(
        `Application refused: ${offeringName}`,
        `The application for ${about} was refused:\n\n- ${event.reasons.join('\n- ')}`,
      );
    case 'AccreditationSuspended':
      return provider(
        `Accreditation suspended: ${offeringName}`,
        `The accreditation of ${about} is suspended from ${event.effectiveOn}: ${event.reason}`,
      );
    case 'AccreditationReinstated':
      return provider(
        `Accreditation reinstated: ${offeringName}`,
        `The accreditation of ${about} is reinstated: ${event.reason}`,
      );
    case 'AccreditationRevoked':
      return provider(
        `Accreditation revoked: ${offeringName}`,
        `The accreditation of ${about} is revoked: ${event.reason}`,
      );
    case 'AccreditationExpired':
      return provider(
        `Accreditation expired: ${offeringName}`,
        `The accreditation of ${about} ended on ${event.validUntil}. Apply anew to be accredited again.`,
      );
    default:
      return undefined;
  }
}

/** Queues the step's e-mails in the step's own transaction (the outbox sends them after commit). */
export async function notifyStep(
  trx: Kysely<Database>,
  clock: Clock,
  event: AccreditationEvent,
  offeringName: string,
): Promise<number> {
  const notice = noticeFor(event, offeringName);
  if (!notice) return 0;
  const audience = notice.audience;
  const recipients =
    audience.kind === 'provider'
      ? await organizationEmails(trx, event.cspOrganizationId, APPLICANT_ROLES)
      : audience.kind === 'audit_firm'
        ? await organizationEmails(trx, audience.organizationId, AUDITOR_ROLES)
        : await holdersOf(trx, audience.power, dayOf(new Date(event.at)));
  for (const to of recipients) {
    await enqueueEmail(
      trx,
      { to, subject: `Cloud Office: ${notice.subject}`, text: notice.text },
      clock,
    );
  }
  return recipients.length;
}
