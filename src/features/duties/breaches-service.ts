import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { AppContext } from '../../context.js';
import type { Database } from '../../db/schema.js';
import { recordAuditEvent } from '../audit/service.js';
import { emitEvent } from '../notifications/events.js';
import type { DutyFailure } from './check.js';
import type { ObligationSet } from './model.js';

/**
 * Opens one breach per failure of the duty check, in the caller's transaction. The failure's key
 * is the breach's unique `detection_key`: a failure already recorded (by an earlier run, or by
 * another instance at the same moment) is skipped by the insert itself, never by a read before
 * it. Returns the ids of the breaches this call opened. Each opened breach is announced to webhook
 * subscribers. With `audit` (the default) the opening is written to the audit trail as the
 * system's act, last; a caller that writes its own audit event (the report intake, for a late
 * report) passes `audit: false` and names the breaches in its own event.
 */
export async function openBreaches(
  ctx: Pick<AppContext, 'clock'>,
  trx: Kysely<Database>,
  failures: readonly DutyFailure[],
  policy: { policyVersion: number; obligations: ObligationSet },
  options: { audit?: boolean } = {},
): Promise<string[]> {
  const opened: string[] = [];
  const severityOf = new Map(
    policy.obligations.duties.map((d) => [d.code, d.severity ?? 'medium']),
  );
  const at = ctx.clock.now().toISOString();
  for (const failure of failures) {
    const id = randomUUID();
    const severity = severityOf.get(failure.dutyCode) ?? 'medium';
    const inserted = await trx
      .insertInto('breaches')
      .values({
        id,
        detection_key: failure.key,
        source: 'check',
        organization_id: failure.organizationId,
        duty_code: failure.dutyCode,
        clause: failure.clause,
        subject_kind: failure.subject.kind,
        subject_id: failure.subject.id,
        evidence: failure.evidence,
        detected_at: failure.detectedAt,
        policy_version: policy.policyVersion,
        severity,
        status: 'open',
        owner_user_id: null,
        resolution: null,
        resolved_at: null,
        incident_id: failure.subject.kind === 'breach_report' ? failure.subject.id : null,
        recorded_by_user_id: null,
        revision: 1,
        updated_at: at,
      })
      .onConflict((oc) => oc.column('detection_key').doNothing())
      .executeTakeFirst();
    if (Number(inserted.numInsertedOrUpdatedRows ?? 0n) === 0) continue;
    opened.push(id);
    await emitEvent(trx, ctx.clock, {
      type: 'breach.opened',
      data: {
        breachId: id,
        organizationId: failure.organizationId,
        dutyCode: failure.dutyCode,
        severity,
        subject: failure.subject,
        detectedAt: failure.detectedAt,
      },
    });
  }
  if (opened.length > 0 && options.audit !== false) {
    // One audit event per run rather than per breach: a first run on a large office may open
    // thousands at once, and each is listed by id.
    await recordAuditEvent(
      trx,
      {
        actor: null,
        action: 'breach.detect',
        outcome: 'success',
        target: opened.length === 1 ? { type: 'breach', id: opened[0] ?? null } : null,
        summary: { after: { opened: opened.length, ids: opened.slice(0, 1000) } },
      },
      ctx.clock,
    );
  }
  return opened;
}
