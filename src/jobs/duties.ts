import { setTimeout as sleep } from 'node:timers/promises';
import type { AppContext } from '../context.js';
import { isDatabaseBusy } from '../db/errors.js';
import { openBreaches } from '../features/duties/breaches-service.js';
import { recordedKeys } from '../features/duties/breaches-repo.js';
import { checkDuties } from '../features/duties/check.js';
import { loadDutyFacts } from '../features/duties/facts.js';
import { obligationsInForce } from '../features/duties/in-force.js';
import { startPeriodic, type PeriodicJob } from './periodic.js';

export interface DutyCheckResult {
  checkedAt: string;
  policyVersion: number;
  /** Failures found, whether already recorded or not. */
  failures: number;
  /** Breaches this run opened. */
  opened: number;
}

/** Attempts at the write when SQLite reports another writer holding its lock. */
const BUSY_ATTEMPTS = 5;

/**
 * The duty check (issue 7, item 2): every measurable duty of the policy in force against the
 * facts in the database at `at`, opening one breach per failure not yet recorded. Safe to run any
 * number of times on any number of instances: the failures already recorded are skipped by a read
 * first (so a quiet run writes nothing), and the breach's unique detection key settles two
 * instances inserting the same one at once, so each breach is opened once.
 */
export async function runDutyCheck(ctx: AppContext, at?: string): Promise<DutyCheckResult> {
  const checkedAt = new Date(at ?? ctx.clock.now().toISOString()).toISOString();
  const policy = await obligationsInForce(ctx.db);
  const facts = await loadDutyFacts(ctx.db, checkedAt);
  const failures = checkDuties(policy.obligations, facts, checkedAt);
  const recorded = await recordedKeys(
    ctx.db,
    failures.map((f) => f.key),
  );
  const fresh = failures.filter((f) => !recorded.has(f.key));
  let opened = 0;
  if (fresh.length > 0) {
    for (let attempt = 1; ; attempt++) {
      try {
        const ids = await ctx.db
          .transaction()
          .execute((trx) => openBreaches(ctx, trx, fresh, policy));
        opened = ids.length;
        break;
      } catch (error) {
        // SQLite: another instance held the write lock past the busy timeout. The transaction
        // rolled back whole; a later attempt skips whatever that instance opened meanwhile.
        if (!isDatabaseBusy(error) || attempt >= BUSY_ATTEMPTS) throw error;
        await sleep(50 * attempt);
      }
    }
  }
  return { checkedAt, policyVersion: policy.policyVersion, failures: failures.length, opened };
}

/** Runs the duty check now and then every hour, never two runs at once; `stop()` ends it. */
export function startDutyCheck(ctx: AppContext, intervalMs = 60 * 60 * 1000): PeriodicJob {
  return startPeriodic(
    ctx,
    () => runDutyCheck(ctx),
    (done) => {
      if (done.opened > 0) ctx.logger.info(done, 'duty check opened breaches');
    },
    'duty check failed',
    intervalMs,
  );
}
