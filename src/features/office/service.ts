import type { Kysely } from 'kysely';
import type { AppContext } from '../../context.js';
import type { Database } from '../../db/schema.js';
import { AppError } from '../../errors.js';
import { recordAuditEvent } from '../audit/service.js';
import { auditActor, type RequestContext } from '../identity/actor.js';
import {
  termEndWarnings,
  WARNING_MARKS_DAYS,
  type OfficePhase,
  type TermEndWarning,
} from './phase.js';
import { dayOf } from './positions.js';

const PHASE_KEY = 'office_phase';

/** The office's phase; an office set up before phases existed counts as permanent. */
export async function getPhase(db: Kysely<Database>): Promise<OfficePhase> {
  const row = await db
    .selectFrom('settings')
    .select('value')
    .where('key', '=', PHASE_KEY)
    .executeTakeFirst();
  return row ? (JSON.parse(row.value) as OfficePhase) : { phase: 'permanent', interimEndsOn: null };
}

/** Writes the phase row (insert or replace), inside the caller's transaction. */
export async function writePhase(
  trx: Kysely<Database>,
  phase: OfficePhase,
  at: string,
): Promise<void> {
  await trx
    .insertInto('settings')
    .values({ key: PHASE_KEY, value: JSON.stringify(phase), updated_at: at })
    .onConflict((conflict) =>
      conflict.column('key').doUpdateSet({ value: JSON.stringify(phase), updated_at: at }),
    )
    .execute();
}

/** Moves the office between interim (with an end date) and permanent. */
export async function setPhase(
  ctx: AppContext,
  phase: OfficePhase,
  request: RequestContext,
): Promise<OfficePhase> {
  const today = dayOf(ctx.clock.now());
  if (phase.phase === 'interim' && phase.interimEndsOn < today) {
    throw AppError.badRequest(
      'invalid_date',
      `An interim term cannot end in the past (${phase.interimEndsOn}; today is ${today}).`,
    );
  }
  const before = await getPhase(ctx.db);
  await ctx.db.transaction().execute(async (trx) => {
    await writePhase(trx, phase, ctx.clock.now().toISOString());
    await recordAuditEvent(
      trx,
      {
        actor: auditActor(request.actor, 'manage_office'),
        action: 'office.set_phase',
        outcome: 'success',
        target: { type: 'office', id: null },
        summary: { before: { ...before }, after: { ...phase } },
        requestId: request.requestId,
      },
      ctx.clock,
    );
  });
  return phase;
}

/** The warnings in force today: the interim term and appointments ending within 30 days. */
export async function currentWarnings(ctx: AppContext): Promise<TermEndWarning[]> {
  const today = dayOf(ctx.clock.now());
  const horizon = new Date(
    Date.parse(`${today}T00:00:00Z`) + Math.max(...WARNING_MARKS_DAYS) * 86_400_000,
  )
    .toISOString()
    .slice(0, 10);
  const ending = await ctx.db
    .selectFrom('appointments')
    .innerJoin('users', 'users.id', 'appointments.user_id')
    .innerJoin('positions', 'positions.id', 'appointments.position_id')
    .select([
      'appointments.id',
      'users.email',
      'positions.title',
      'appointments.additional_charge',
      'appointments.ends_on',
    ])
    .where('appointments.ends_on', '>=', today)
    .where('appointments.ends_on', '<=', horizon)
    .where('users.status', '=', 'active')
    .execute();
  return termEndWarnings(
    today,
    await getPhase(ctx.db),
    ending.map((row) => ({
      id: row.id,
      userEmail: row.email,
      positionTitle: row.title,
      additionalCharge: row.additional_charge === 1,
      endsOn: row.ends_on ?? today,
    })),
  );
}
