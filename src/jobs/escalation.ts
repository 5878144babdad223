import type { AppContext } from '../context.js';
import { claimNotice } from '../db/notices.js';
import { recordAuditEvent } from '../features/audit/service.js';
import { escalationsDue } from '../features/duties/deadlines.js';
import { obligationsInForce } from '../features/duties/in-force.js';
import * as repo from '../features/incidents/requests-repo.js';
import { appendTimeline } from '../features/incidents/timeline.js';
import { emitEvent } from '../features/notifications/events.js';
import { dayOf } from '../features/office/positions.js';
import { enqueueEmail } from '../features/outbox/service.js';
import { startPeriodic, type PeriodicJob } from './periodic.js';

/**
 * The escalation ladder of overdue incident-report requests (issue 7, item 4). Each rung of the
 * ladder in force (its posts and hours are policy data) is taken once per request: its key
 * (`escalation/<request>/<step>`, from `escalationsDue`) is claimed in `notices` in the transaction
 * that e-mails the post's holders, records the rung on the request, appends the incident's timeline
 * entry, emits the event and records the audit event, so any number of runs on any number of
 * instances take it once. A request answered (or closed) meanwhile escalates no further.
 */

/** Takes every rung due at `at` (default now); returns how many were taken by this run. */
export async function runEscalations(
  ctx: AppContext,
  when: Date | string = ctx.clock.now(),
): Promise<{ escalated: number }> {
  const at = new Date(when);
  const now = at.toISOString();
  const { obligations } = await obligationsInForce(ctx.db);
  const ladder = obligations.escalation;
  if (ladder.length === 0) return { escalated: 0 };
  let escalated = 0;
  for (const request of await repo.openRequestsDue(ctx.db, now)) {
    const due = escalationsDue(
      { id: request.id, dueAt: request.due_at, answeredAt: request.answered_at },
      ladder,
      now,
    );
    for (const rung of due) {
      // Rungs recorded on the request are taken; their claims would only be refused again.
      if (rung.step < request.escalation_step) continue;
      const taken = await ctx.db
        .transaction()
        .execute(async (trx) => {
          if (!(await claimNotice(trx, rung.key, now))) return false;
          const recorded = await repo.recordEscalation(trx, request.id, {
            step: rung.step,
            post: rung.post,
            at: now,
          });
          if (!recorded) {
            // Answered or closed since it was read: the claim goes back with the rollback.
            throw new NotOpenAnyMore();
          }
          const holders = await repo.postHolderEmails(trx, rung.post, dayOf(at));
          const late = Math.round((at.getTime() - Date.parse(request.due_at)) / 3_600_000);
          for (const to of holders) {
            await enqueueEmail(
              trx,
              {
                to,
                subject: `Cloud Office: overdue report request escalated: ${request.subject}`,
                text:
                  `The report request "${request.subject}" was due on ${request.due_at} and is still ` +
                  `unanswered (${late} hours late). It is escalated to you (step ${rung.step + 1} of ` +
                  `${ladder.length}). See it in the portal: ${ctx.config.http.publicUrl}/report-requests/${request.id}`,
              },
              ctx.clock,
            );
          }
          const data = {
            requestId: request.id,
            step: rung.step,
            post: rung.post,
            dueAt: request.due_at,
            notified: holders.length,
          };
          if (request.incident_id !== null) {
            await appendTimeline(trx, {
              incidentId: request.incident_id,
              type: 'request_escalated',
              data,
              actor: null,
              at: now,
            });
          }
          await emitEvent(trx, ctx.clock, {
            type: 'report_request.escalated',
            data: {
              id: request.id,
              organizationId: request.organization_id,
              incidentId: request.incident_id,
              step: rung.step,
              post: rung.post,
            },
          });
          await recordAuditEvent(
            trx,
            {
              actor: {},
              action: 'report_request.escalate',
              outcome: 'success',
              target: { type: 'report_request', id: request.id },
              summary: {
                after: { escalationStep: rung.step + 1, post: rung.post, notified: holders.length },
              },
              requestId: null,
            },
            ctx.clock,
          );
          return true;
        })
        .catch((error: unknown) => {
          if (error instanceof NotOpenAnyMore) return null;
          throw error;
        });
      // No longer open: its later rungs are not owed either.
      if (taken === null) break;
      if (taken) escalated += 1;
    }
  }
  return { escalated };
}

class NotOpenAnyMore extends Error {}

/** Runs the escalations now and then every hour, never two runs at once; `stop()` ends it. */
export function startEscalationCalendar(ctx: AppContext, intervalMs = 60 * 60 * 1000): PeriodicJob {
  return startPeriodic(
    ctx,
    () => runEscalations(ctx),
    (done) => {
      if (done.escalated > 0) ctx.logger.info(done, 'overdue report requests escalated');
    },
    'escalation of overdue report requests failed',
    intervalMs,
  );
}
