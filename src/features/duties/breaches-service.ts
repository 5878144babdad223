import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { AppContext } from '../../context.js';
import type { BreachStatus, Database } from '../../db/schema.js';
import { AppError } from '../../errors.js';
import { recordAuditEvent } from '../audit/service.js';
import {
  auditActor,
  isOfficeStaff,
  positionFor,
  type Actor,
  type RequestContext,
} from '../identity/actor.js';
import { appendTimeline } from '../incidents/timeline.js';
import { emitEvent } from '../notifications/events.js';
import { tellOffice, tellOrganizations, type OpenedBreach } from './breach-mail.js';
import type { BreachRow } from './breaches-repo.js';
import * as repo from './breaches-repo.js';
import type { DutyFailure } from './check.js';
import { obligationsInForce, obligationsOfVersion } from './in-force.js';
import type { ObligationSet, Severity } from './model.js';

/**
 * Opens one breach per failure of the duty check, in the caller's transaction. The failure's key
 * is the breach's unique `detection_key`: a failure already recorded (by an earlier run, or by
 * another instance at the same moment) is skipped by the insert itself, never by a read before
 * it. Returns the ids of the breaches this call opened. Each opened breach is announced to webhook
 * subscribers, and by e-mail to the organization in breach; the Cloud Office's incident managers
 * get one e-mail for the lot. With `audit` (the default) the opening is written to the audit trail
 * as the system's act, last; a caller that writes its own audit event and tells the office itself
 * (the report intake, for a late report) passes `audit: false, officeTold: true`.
 */
export async function openBreaches(
  ctx: Pick<AppContext, 'clock' | 'config'>,
  trx: Kysely<Database>,
  failures: readonly DutyFailure[],
  policy: { policyVersion: number; obligations: ObligationSet },
  options: { audit?: boolean; officeTold?: boolean } = {},
): Promise<string[]> {
  const opened: string[] = [];
  const told: OpenedBreach[] = [];
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
    told.push({
      id,
      organizationId: failure.organizationId,
      dutyCode: failure.dutyCode,
      severity,
      evidence: failure.evidence,
    });
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
  const mail = { clock: ctx.clock, publicUrl: ctx.config.http.publicUrl };
  await tellOrganizations(mail, trx, told, policy.obligations);
  if (options.officeTold !== true) await tellOffice(mail, trx, told);
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

// ---------------------------------------------------------------------------------------------
// Reading, recording by hand and updating (issue 7, item 2)

type Db = Kysely<Database>;

/** The order of a breach's status: it only moves forward, and `closed` is final. */
export const BREACH_STATUSES = ['open', 'acknowledged', 'remedied', 'closed'] as const;
const RESOLVED: readonly BreachStatus[] = ['remedied', 'closed'];

/** The organization filter a caller is held to: its own unless it is the Cloud Office. */
function scopeOf(actor: Actor, filters: repo.BreachFilters): repo.BreachFilters {
  return isOfficeStaff(actor) ? filters : { ...filters, visibleTo: actor.organizationId };
}

export function listBreaches(
  ctx: AppContext,
  actor: Actor,
  filters: repo.BreachFilters,
  page: { limit: number; offset: number },
): Promise<{ items: repo.BreachListRow[]; total: number }> {
  return repo.listBreaches(ctx.db, scopeOf(actor, filters), page);
}

export function allBreaches(
  ctx: AppContext,
  actor: Actor,
  filters: repo.BreachFilters,
): AsyncGenerator<repo.BreachListRow[]> {
  return repo.allBreaches(ctx.db, scopeOf(actor, filters));
}

export interface BreachView {
  row: repo.BreachListRow;
  dutyText: string;
  actions: repo.BreachActionRow[];
  allowedActions: 'update'[];
}

/** The duty's words as the policy version the breach was judged under states them. */
async function dutyTextOf(db: Db, version: number, code: string): Promise<string> {
  const obligations = await obligationsOfVersion(db, version);
  return obligations.duties.find((d) => d.code === code)?.text ?? code;
}

function canUpdate(actor: Actor, row: BreachRow): boolean {
  return isOfficeStaff(actor) && actor.powers.has('manage_incidents') && row.status !== 'closed';
}

/** One breach with its duty's words and its actions; the route's resource check did the tenancy. */
export async function getBreach(ctx: AppContext, actor: Actor, id: string): Promise<BreachView> {
  const row = await repo.findBreach(ctx.db, id);
  if (!row || (!isOfficeStaff(actor) && row.organization_id !== actor.organizationId))
    throw AppError.notFound(`There is no breach ${id}.`);
  return {
    row,
    dutyText: await dutyTextOf(ctx.db, row.policy_version, row.duty_code),
    actions: await repo.actionsOfBreach(ctx.db, id),
    allowedActions: canUpdate(actor, row) ? ['update'] : [],
  };
}

const unprocessable = (code: string, pointer: string, message: string): AppError =>
  new AppError(422, code, message, [{ in: 'body', pointer, message }]);

/** An instant with or without an offset, as UTC; a 422 naming the field when unreadable. */
function utc(value: string, pointer: string): string {
  const ms = Date.parse(value);
  if (Number.isNaN(ms))
    throw unprocessable('invalid_instant', pointer, `${value} is not an ISO-8601 instant.`);
  return new Date(ms).toISOString();
}

async function checkIncident(db: Db, incidentId: string): Promise<void> {
  if (!(await repo.incidentById(db, incidentId)))
    throw unprocessable('unknown_incident', '/incidentId', `There is no incident ${incidentId}.`);
}

export interface NewBreach {
  organizationId: string;
  dutyCode: string;
  evidence: string;
  severity: Severity;
  incidentId?: string;
  detectedAt?: string;
}

/**
 * An officer records a breach by hand: of a duty in force (any duty, measurable or not), by an
 * active CSP or PSE. It has no detection key, so the check never meets it.
 */
export async function recordBreach(
  ctx: AppContext,
  request: RequestContext,
  input: NewBreach,
): Promise<BreachView> {
  const actor = request.actor;
  if (!actor) throw new AppError(401, 'sign_in_required', 'Sign in to do this.');
  const now = ctx.clock.now();
  const policy = await obligationsInForce(ctx.db);
  const duty = policy.obligations.duties.find((d) => d.code === input.dutyCode);
  if (!duty)
    throw unprocessable(
      'unknown_duty',
      '/dutyCode',
      `${JSON.stringify(input.dutyCode)} is not a duty of policy version ${policy.policyVersion}; the duties are ${policy.obligations.duties.map((d) => d.code).join(', ')}.`,
    );
  const organization = await repo.organizationById(ctx.db, input.organizationId);
  if (
    !organization ||
    organization.status !== 'active' ||
    (organization.kind !== 'csp' && organization.kind !== 'pse')
  )
    throw unprocessable(
      'unknown_organization',
      '/organizationId',
      `${input.organizationId} is not an active cloud service provider or public sector entity.`,
    );
  if (duty.party !== 'both' && duty.party !== organization.kind)
    throw unprocessable(
      'duty_not_of_party',
      '/dutyCode',
      `Duty ${duty.code} binds ${duty.party === 'csp' ? 'cloud service providers' : 'public sector entities'}, and ${organization.name} is not one.`,
    );
  const detectedAt =
    input.detectedAt === undefined ? now.toISOString() : utc(input.detectedAt, '/detectedAt');
  if (Date.parse(detectedAt) > now.getTime())
    throw unprocessable(
      'detected_in_future',
      '/detectedAt',
      'A breach cannot be detected in the future.',
    );
  if (input.incidentId !== undefined) await checkIncident(ctx.db, input.incidentId);

  const id = randomUUID();
  const at = now.toISOString();
  const power = 'manage_incidents' as const;
  await ctx.db.transaction().execute(async (trx) => {
    await repo.insertBreach(trx, {
      id,
      detection_key: null,
      source: 'manual',
      organization_id: organization.id,
      duty_code: duty.code,
      clause: duty.clause,
      subject_kind: null,
      subject_id: null,
      evidence: input.evidence,
      detected_at: detectedAt,
      policy_version: policy.policyVersion,
      severity: input.severity,
      status: 'open',
      owner_user_id: null,
      resolution: null,
      resolved_at: null,
      incident_id: input.incidentId ?? null,
      recorded_by_user_id: actor.userId,
      revision: 1,
      updated_at: at,
    });
    if (input.incidentId !== undefined)
      await appendTimeline(trx, {
        incidentId: input.incidentId,
        type: 'breach_linked',
        data: { breachId: id, dutyCode: duty.code, severity: input.severity, source: 'manual' },
        actor: {
          userId: actor.userId,
          organizationId: actor.organizationId,
          position: positionFor(actor, power),
        },
        at,
      });
    await emitEvent(trx, ctx.clock, {
      type: 'breach.opened',
      data: {
        breachId: id,
        organizationId: organization.id,
        dutyCode: duty.code,
        severity: input.severity,
        subject: null,
        detectedAt,
        source: 'manual',
      },
    });
    await tellOrganizations(
      { clock: ctx.clock, publicUrl: ctx.config.http.publicUrl },
      trx,
      [
        {
          id,
          organizationId: organization.id,
          dutyCode: duty.code,
          severity: input.severity,
          evidence: input.evidence,
        },
      ],
      policy.obligations,
    );
    await recordAuditEvent(
      trx,
      {
        actor: auditActor(actor, power),
        action: 'breach.record',
        outcome: 'success',
        target: { type: 'breach', id },
        summary: {
          after: {
            organizationId: organization.id,
            dutyCode: duty.code,
            severity: input.severity,
            incidentId: input.incidentId ?? null,
            detectedAt,
          },
        },
        requestId: request.requestId,
      },
      ctx.clock,
    );
  });
  return getBreach(ctx, actor, id);
}

export interface BreachChanges {
  status?: BreachStatus;
  severity?: Severity;
  ownerUserId?: string | null;
  resolution?: string;
  incidentId?: string | null;
  revision: number;
}

/**
 * Moves a breach on: status forward only (open → acknowledged → remedied → closed, steps may be
 * skipped; closed is final), remedied and closed with a resolution; its owner (an active Cloud
 * Office user), severity and incident. A compare-and-set on the revision: of two officers acting
 * at once, one succeeds and the other gets 409.
 */
export async function updateBreach(
  ctx: AppContext,
  request: RequestContext,
  id: string,
  changes: BreachChanges,
): Promise<BreachView> {
  const actor = request.actor;
  if (!actor) throw new AppError(401, 'sign_in_required', 'Sign in to do this.');
  const row = await repo.findBreach(ctx.db, id);
  if (!row) throw AppError.notFound(`There is no breach ${id}.`);
  if (row.revision !== changes.revision)
    throw AppError.conflict(
      'stale_revision',
      `Breach ${id} changed meanwhile (revision ${row.revision}, not ${changes.revision}); reload it and try again.`,
    );
  if (row.status === 'closed')
    throw AppError.conflict('breach_closed', `Breach ${id} is closed and can no longer change.`);
  const to = changes.status ?? row.status;
  if (BREACH_STATUSES.indexOf(to) < BREACH_STATUSES.indexOf(row.status))
    throw AppError.conflict(
      'transition_not_allowed',
      `Breach ${id} is ${row.status}; it can only move on to ${BREACH_STATUSES.slice(BREACH_STATUSES.indexOf(row.status) + 1).join(', ')}.`,
    );
  const resolution = changes.resolution?.trim() || row.resolution;
  if (RESOLVED.includes(to) && !resolution)
    throw unprocessable(
      'resolution_required',
      '/resolution',
      `A ${to} breach needs a resolution: say what was done.`,
    );
  if (changes.ownerUserId !== undefined && changes.ownerUserId !== null) {
    const owner = await repo.userById(ctx.db, changes.ownerUserId);
    if (!owner || owner.status !== 'active' || owner.organization_kind !== 'cloud_office')
      throw unprocessable(
        'unknown_owner',
        '/ownerUserId',
        `${changes.ownerUserId} is not an active Cloud Office user.`,
      );
  }
  if (changes.incidentId !== undefined && changes.incidentId !== null)
    await checkIncident(ctx.db, changes.incidentId);

  const at = ctx.clock.now().toISOString();
  const next = {
    status: to,
    severity: changes.severity ?? row.severity,
    owner_user_id: changes.ownerUserId === undefined ? row.owner_user_id : changes.ownerUserId,
    resolution,
    resolved_at: RESOLVED.includes(to) ? (row.resolved_at ?? at) : null,
    incident_id: changes.incidentId === undefined ? row.incident_id : changes.incidentId,
  };
  const before = pick(row);
  const after = pick(next);
  const changed = Object.keys(after).filter(
    (k) => after[k as keyof typeof after] !== before[k as keyof typeof before],
  );
  const power = 'manage_incidents' as const;
  await ctx.db.transaction().execute(async (trx) => {
    if (!(await repo.updateBreach(trx, id, row.revision, { ...next, updated_at: at })))
      throw AppError.conflict(
        'stale_revision',
        `Breach ${id} changed while you were updating it; reload it and try again.`,
      );
    if (next.incident_id !== null && next.incident_id !== row.incident_id)
      await appendTimeline(trx, {
        incidentId: next.incident_id,
        type: 'breach_linked',
        data: {
          breachId: id,
          dutyCode: row.duty_code,
          severity: next.severity,
          status: next.status,
        },
        actor: {
          userId: actor.userId,
          organizationId: actor.organizationId,
          position: positionFor(actor, power),
        },
        at,
      });
    await emitEvent(trx, ctx.clock, {
      type: 'breach.updated',
      data: { breachId: id, organizationId: row.organization_id, changed, ...after },
    });
    await recordAuditEvent(
      trx,
      {
        actor: auditActor(actor, power),
        action: 'breach.update',
        outcome: 'success',
        target: { type: 'breach', id },
        summary: { before, after },
        requestId: request.requestId,
      },
      ctx.clock,
    );
  });
  return getBreach(ctx, actor, id);
}

function pick(row: {
  status: BreachStatus;
  severity: Severity;
  owner_user_id: string | null;
  resolution: string | null;
  incident_id: string | null;
}) {
  return {
    status: row.status,
    severity: row.severity,
    ownerUserId: row.owner_user_id,
    resolution: row.resolution,
    incidentId: row.incident_id,
  };
}
