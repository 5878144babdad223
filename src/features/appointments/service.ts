import { randomUUID } from 'node:crypto';
import type { AppContext } from '../../context.js';
import { AppError } from '../../errors.js';
import { recordAuditEvent } from '../audit/service.js';
import { auditActor, type RequestContext } from '../identity/actor.js';
import { findUserWithOrganization } from '../identity/repo.js';

export interface AppointmentInput {
  userId: string;
  positionCode: string;
  startsOn: string;
  endsOn?: string | null;
  additionalCharge?: boolean;
  note?: string | null;
}

export interface AppointmentView {
  id: string;
  userId: string;
  userName: string;
  userEmail: string;
  positionCode: string;
  positionTitle: string;
  startsOn: string;
  endsOn: string | null;
  additionalCharge: boolean;
  note: string | null;
}

const ISO_DAY = /^\d{4}-\d{2}-\d{2}$/;

function checkDay(name: string, value: string): void {
  if (!ISO_DAY.test(value) || Number.isNaN(new Date(`${value}T00:00:00Z`).getTime())) {
    throw AppError.badRequest(
      'invalid_date',
      `${name} must be a date as YYYY-MM-DD (got ${JSON.stringify(value)}).`,
    );
  }
}

function baseQuery(ctx: AppContext) {
  return ctx.db
    .selectFrom('appointments')
    .innerJoin('positions', 'positions.id', 'appointments.position_id')
    .innerJoin('users', 'users.id', 'appointments.user_id')
    .select([
      'appointments.id',
      'appointments.user_id',
      'users.display_name',
      'users.email',
      'positions.code',
      'positions.title',
      'appointments.starts_on',
      'appointments.ends_on',
      'appointments.additional_charge',
      'appointments.note',
    ]);
}

type Row = Awaited<ReturnType<ReturnType<typeof baseQuery>['execute']>>[number];

function present(row: Row): AppointmentView {
  return {
    id: row.id,
    userId: row.user_id,
    userName: row.display_name,
    userEmail: row.email,
    positionCode: row.code,
    positionTitle: row.title,
    startsOn: row.starts_on,
    endsOn: row.ends_on,
    additionalCharge: row.additional_charge === 1,
    note: row.note,
  };
}

export async function listPositions(ctx: AppContext) {
  const rows = await ctx.db
    .selectFrom('positions')
    .selectAll()
    .orderBy('rank')
    .orderBy('title')
    .execute();
  return rows.map((row) => ({
    code: row.code,
    title: row.title,
    rank: row.rank,
    powers: JSON.parse(row.powers) as string[],
  }));
}

/** Appointments, optionally of one user, of one post, or in force on one day. */
export async function listAppointments(
  ctx: AppContext,
  filter: { userId?: string; positionCode?: string; activeOn?: string },
): Promise<AppointmentView[]> {
  let query = baseQuery(ctx);
  if (filter.userId) query = query.where('appointments.user_id', '=', filter.userId);
  if (filter.positionCode) query = query.where('positions.code', '=', filter.positionCode);
  if (filter.activeOn) {
    checkDay('activeOn', filter.activeOn);
    const day = filter.activeOn;
    query = query
      .where('appointments.starts_on', '<=', day)
      .where((eb) =>
        eb.or([eb('appointments.ends_on', 'is', null), eb('appointments.ends_on', '>=', day)]),
      );
  }
  const rows = await query
    .orderBy('positions.rank')
    .orderBy('appointments.starts_on', 'desc')
    .execute();
  return rows.map(present);
}

export async function getAppointment(ctx: AppContext, id: string): Promise<AppointmentView> {
  const row = await baseQuery(ctx).where('appointments.id', '=', id).executeTakeFirst();
  if (!row) throw AppError.notFound(`There is no appointment ${JSON.stringify(id)}.`);
  return present(row);
}

/**
 * Appoints an officer to a post for a period. A post has one substantive holder at a time: a
 * second one for overlapping dates is refused (end the current appointment first, which is how a
 * post is handed over). An additional charge may overlap anything.
 */
export async function appoint(
  ctx: AppContext,
  input: AppointmentInput,
  request: RequestContext,
): Promise<AppointmentView> {
  checkDay('startsOn', input.startsOn);
  if (input.endsOn) {
    checkDay('endsOn', input.endsOn);
    if (input.endsOn < input.startsOn) {
      throw AppError.badRequest(
        'invalid_period',
        `The appointment cannot end (${input.endsOn}) before it starts (${input.startsOn}).`,
      );
    }
  }
  const user = await findUserWithOrganization(ctx.db, input.userId);
  if (!user)
    throw AppError.badRequest(
      'user_not_found',
      `There is no user ${JSON.stringify(input.userId)}.`,
    );
  if (user.organization_kind !== 'cloud_office' || user.role !== 'officer') {
    throw AppError.badRequest(
      'not_an_officer',
      `${user.email} is not an officer of the Cloud Office; only officers hold posts.`,
    );
  }
  const position = await ctx.db
    .selectFrom('positions')
    .selectAll()
    .where('code', '=', input.positionCode)
    .executeTakeFirst();
  if (!position) {
    const codes = (await listPositions(ctx)).map((p) => p.code).join(', ');
    throw AppError.badRequest(
      'position_not_found',
      `There is no post ${JSON.stringify(input.positionCode)}; the posts are: ${codes}.`,
    );
  }
  const additionalCharge = input.additionalCharge === true;
  const id = randomUUID();
  const at = ctx.clock.now().toISOString();
  await ctx.db.transaction().execute(async (trx) => {
    if (!additionalCharge) {
      const end = input.endsOn ?? '9999-12-31';
      const overlapping = await trx
        .selectFrom('appointments')
        .innerJoin('users', 'users.id', 'appointments.user_id')
        .select(['users.email', 'appointments.starts_on', 'appointments.ends_on'])
        .where('appointments.position_id', '=', position.id)
        .where('appointments.additional_charge', '=', 0)
        .where('appointments.starts_on', '<=', end)
        .where((eb) =>
          eb.or([
            eb('appointments.ends_on', 'is', null),
            eb('appointments.ends_on', '>=', input.startsOn),
          ]),
        )
        .executeTakeFirst();
      if (overlapping) {
        throw AppError.conflict(
          'post_already_held',
          `${position.title} is held by ${overlapping.email} from ${overlapping.starts_on}` +
            `${overlapping.ends_on ? ` to ${overlapping.ends_on}` : ' with no end date'}; end that appointment first, ` +
            'or make this one an additional charge.',
        );
      }
    }
    await trx
      .insertInto('appointments')
      .values({
        id,
        user_id: user.id,
        position_id: position.id,
        starts_on: input.startsOn,
        ends_on: input.endsOn ?? null,
        additional_charge: additionalCharge ? 1 : 0,
        note: input.note ?? null,
        created_at: at,
        updated_at: at,
      })
      .execute();
    await recordAuditEvent(
      trx,
      {
        actor: auditActor(request.actor, 'manage_appointments'),
        action: 'appointment.create',
        outcome: 'success',
        target: { type: 'appointment', id },
        summary: {
          after: {
            user: user.email,
            position: position.code,
            startsOn: input.startsOn,
            endsOn: input.endsOn ?? null,
            additionalCharge,
          },
        },
        requestId: request.requestId,
      },
      ctx.clock,
    );
  });
  return getAppointment(ctx, id);
}

/** Sets or moves the end of an appointment (handing the post over), or changes its note. */
export async function changeAppointment(
  ctx: AppContext,
  id: string,
  patch: { endsOn?: string | null; note?: string | null },
  request: RequestContext,
): Promise<AppointmentView> {
  const before = await getAppointment(ctx, id);
  if (patch.endsOn) {
    checkDay('endsOn', patch.endsOn);
    if (patch.endsOn < before.startsOn) {
      throw AppError.badRequest(
        'invalid_period',
        `The appointment cannot end (${patch.endsOn}) before it starts (${before.startsOn}).`,
      );
    }
  }
  await ctx.db.transaction().execute(async (trx) => {
    await trx
      .updateTable('appointments')
      .set({
        ...(patch.endsOn !== undefined && { ends_on: patch.endsOn }),
        ...(patch.note !== undefined && { note: patch.note }),
        updated_at: ctx.clock.now().toISOString(),
      })
      .where('id', '=', id)
      .execute();
    await recordAuditEvent(
      trx,
      {
        actor: auditActor(request.actor, 'manage_appointments'),
        action: 'appointment.update',
        outcome: 'success',
        target: { type: 'appointment', id },
        summary: {
          before: { endsOn: before.endsOn, note: before.note },
          after: { endsOn: patch.endsOn ?? before.endsOn, note: patch.note ?? before.note },
        },
        requestId: request.requestId,
      },
      ctx.clock,
    );
  });
  return getAppointment(ctx, id);
}
