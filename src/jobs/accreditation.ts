import type { AppContext } from '../context.js';
import { claimNotice } from '../db/notices.js';
import { startPeriodic, type PeriodicJob } from './periodic.js';
import { AppError } from '../errors.js';
import { isUniqueViolation } from '../db/errors.js';
import { recordOf } from '../features/accreditation/mapper.js';
import { holdersOf, organizationEmails } from '../features/accreditation/recipients.js';
import * as repo from '../features/accreditation/repo.js';
import { actAsSystem } from '../features/accreditation/service.js';
import { APPLICANT_ROLES, dueReminders, expiryDue } from '../features/accreditation/workflow.js';
import { dayOf } from '../features/office/positions.js';
import { reevaluateSystemsOnOffering } from '../features/placement/decisions-service.js';
import { enqueueEmail } from '../features/outbox/service.js';

/**
 * The accreditation calendar (issue 5, item 4): applies expiry the day after an accreditation's
 * last valid day, re-decides placements on an offering whose suspension takes effect today, and
 * sends renewal and reassessment reminders ahead of their dates. Safe to run
 * any number of times on any number of instances: an expiry is a workflow step conditional on
 * the record's revision (a second runner is refused and skips it), and each reminder is claimed
 * by inserting its key into `notices` in the transaction that queues its e-mails.
 */
export async function runAccreditationCalendar(
  ctx: AppContext,
): Promise<{ expired: number; reminders: number; suspensionsTakingEffect: number }> {
  const today = dayOf(ctx.clock.now());
  let expired = 0;
  const due = await ctx.db
    .selectFrom('register_entries')
    .select('application_id')
    .where('status', 'in', ['accredited', 'suspended'])
    .where('valid_until', '<', today)
    .execute();
  for (const { application_id: id } of due) {
    const row = await repo.findApplication(ctx.db, id);
    if (!row || !expiryDue(recordOf(row), today)) continue;
    try {
      await actAsSystem(ctx, id, { type: 'expire' });
      expired += 1;
    } catch (error) {
      // Another instance expired it first.
      if (isUniqueViolation(error) || (error instanceof AppError && error.status === 409)) continue;
      throw error;
    }
  }

  // A suspension dated ahead leaves the offering in force until its first day (standingOn), and no
  // workflow event marks that day: here the placements on it are decided again, once per
  // suspension, claimed by a key in `notices` like the reminders.
  let suspensionsTakingEffect = 0;
  const suspended = await ctx.db
    .selectFrom('register_entries')
    .select(['application_id', 'offering_id', 'suspended_from'])
    .where('status', '=', 'suspended')
    .where('suspended_from', '<=', today)
    .execute();
  for (const entry of suspended) {
    const key = `suspension-effective:${entry.application_id}:${entry.suspended_from ?? ''}`;
    const applied = await ctx.db.transaction().execute(async (trx) => {
      if (!(await claimNotice(trx, key, ctx.clock.now().toISOString()))) return false;
      await reevaluateSystemsOnOffering(
        ctx,
        trx,
        entry.offering_id,
        'accreditation_suspension_effective',
        {
          actor: null,
          requestId: null,
        },
      );
      return true;
    });
    if (applied) suspensionsTakingEffect += 1;
  }

  let reminders = 0;
  const inForce = await ctx.db
    .selectFrom('register_entries')
    .select('application_id')
    .where('status', '=', 'accredited')
    .execute();
  for (const { application_id: id } of inForce) {
    const row = await repo.findApplication(ctx.db, id);
    if (!row) continue;
    const record = recordOf(row);
    const successor = await repo.openSuccessorOf(ctx.db, id);
    for (const reminder of dueReminders(record, today, undefined, {
      successorOpen: successor !== undefined,
    })) {
      const sent = await ctx.db.transaction().execute(async (trx) => {
        if (!(await claimNotice(trx, reminder.key, ctx.clock.now().toISOString()))) return false;
        const provider = await organizationEmails(trx, record.cspOrganizationId, APPLICANT_ROLES);
        // The office orders reassessments; the provider renews.
        const office =
          reminder.kind === 'reassessment' ? await holdersOf(trx, 'assign_audit', today) : [];
        for (const to of [...new Set([...provider, ...office])]) {
          await enqueueEmail(
            trx,
            {
              to,
              subject: `Cloud Office: ${reminder.kind} due on ${reminder.dueOn}`,
              text: `${reminder.message}\n\nApplication ${record.id}. (Notice of ${today}.)`,
            },
            ctx.clock,
          );
        }
        return true;
      });
      if (sent) reminders += 1;
    }
  }
  return { expired, reminders, suspensionsTakingEffect };
}

/** Runs the calendar now and then every hour, never two runs at once; `stop()` ends it. */
export function startAccreditationCalendar(
  ctx: AppContext,
  intervalMs = 60 * 60 * 1000,
): PeriodicJob {
  return startPeriodic(
    ctx,
    () => runAccreditationCalendar(ctx),
    (done) => {
      if (done.expired > 0 || done.reminders > 0 || done.suspensionsTakingEffect > 0) {
        ctx.logger.info(done, 'accreditation calendar applied');
      }
    },
    'accreditation calendar failed',
    intervalMs,
  );
}
