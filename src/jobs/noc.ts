import type { AppContext } from '../context.js';
import { startPeriodic, type PeriodicJob } from './periodic.js';
import { AppError } from '../errors.js';
import { isUniqueViolation } from '../db/errors.js';
import { dayOf } from '../features/office/positions.js';
import * as repo from '../features/placement/noc-repo.js';
import { applyNocStart, expireNoc } from '../features/placement/noc-service.js';
import { nocExpiryDue } from '../features/placement/noc-workflow.js';

/**
 * The NOC calendar (issue 6, item 5): expires each granted NOC the day after its last day (the
 * PSE's administrators are told, and the system's placement is re-evaluated, in the step's
 * transaction), and applies to placement the NOCs granted ahead whose first day has come. Safe to
 * run any number of times on any number of instances: an expiry is a workflow step conditional on
 * the NOC's revision (a second runner is refused and skips it), and a start is claimed by a key in
 * `notices` in the transaction that re-evaluates.
 */
export async function runNocCalendar(
  ctx: AppContext,
): Promise<{ expired: number; started: number }> {
  const today = dayOf(ctx.clock.now());
  let expired = 0;
  for (const id of await repo.nocsToExpire(ctx.db, today)) {
    const row = await repo.findNoc(ctx.db, id);
    if (!row || !nocExpiryDue(repo.nocRecordOf(row), today)) continue;
    try {
      await expireNoc(ctx, id);
      expired += 1;
    } catch (error) {
      // Another runner expired it first.
      if (isUniqueViolation(error) || (error instanceof AppError && error.status === 409)) continue;
      throw error;
    }
  }
  let started = 0;
  for (const row of await repo.nocsStarted(ctx.db, today)) {
    if (await applyNocStart(ctx, repo.nocRecordOf(row))) started += 1;
  }
  return { expired, started };
}

/** Runs the NOC calendar now and then every hour, never two runs at once; `stop()` ends it. */
export function startNocCalendar(ctx: AppContext, intervalMs = 60 * 60 * 1000): PeriodicJob {
  return startPeriodic(
    ctx,
    () => runNocCalendar(ctx),
    (done) => {
      if (done.expired > 0 || done.started > 0) ctx.logger.info(done, 'NOC calendar applied');
    },
    'NOC calendar failed',
    intervalMs,
  );
}
