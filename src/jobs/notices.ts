import type { AppContext } from '../context.js';
import { claimNotice } from '../db/notices.js';
import { startPeriodic, type PeriodicJob } from './periodic.js';
import { currentWarnings } from '../features/office/service.js';
import { dayOf } from '../features/office/positions.js';
import { enqueueEmail } from '../features/outbox/service.js';

/**
 * Warns officers before the interim term or an appointment ends, at 30, 7 and 1 days. Each notice
 * has a key; inserting it into `notices` and queueing its e-mails happen in one transaction, and
 * a key already present means another run (here or on another instance) sent it. So the job may
 * run any number of times, anywhere, and each notice goes out once. Returns how many it sent.
 */
export async function sendTermEndNotices(ctx: AppContext): Promise<number> {
  const warnings = await currentWarnings(ctx);
  if (warnings.length === 0) return 0;
  const today = dayOf(ctx.clock.now());
  const officers = await ctx.db
    .selectFrom('users')
    .innerJoin('organizations', 'organizations.id', 'users.organization_id')
    .select('users.email')
    .where('organizations.kind', '=', 'cloud_office')
    .where('users.role', '=', 'officer')
    .where('users.status', '=', 'active')
    .execute();
  let sent = 0;
  for (const warning of warnings) {
    const recipients = warning.holderEmail
      ? [warning.holderEmail]
      : officers.map((officer) => officer.email);
    const claimed = await ctx.db.transaction().execute(async (trx) => {
      if (!(await claimNotice(trx, warning.key, ctx.clock.now().toISOString()))) return false;
      for (const to of recipients) {
        await enqueueEmail(
          trx,
          {
            to,
            subject: `Cloud Office: a term ends on ${warning.endsOn}`,
            text: `${warning.message}\n\n(Notice of ${today}.)`,
          },
          ctx.clock,
        );
      }
      return true;
    });
    if (claimed) sent += 1;
  }
  return sent;
}

/** Runs the notices job now and then every hour, never two runs at once; `stop()` ends it. */
export function startNoticeWorker(ctx: AppContext, intervalMs = 60 * 60 * 1000): PeriodicJob {
  return startPeriodic(
    ctx,
    () => sendTermEndNotices(ctx),
    (sent) => {
      if (sent > 0) ctx.logger.info({ sent }, 'term-end notices queued');
    },
    'term-end notices failed',
    intervalMs,
  );
}
