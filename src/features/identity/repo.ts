import type { Insertable, Kysely, Selectable } from 'kysely';
import type { Database, SessionsTable, UsersTable } from '../../db/schema.js';
import type { HeldAppointment, Power } from '../office/positions.js';

type Db = Kysely<Database>;

export type UserRow = Selectable<UsersTable>;
export type SessionRow = Selectable<SessionsTable>;

/** Inserts a user; counters and second-factor fields start empty. */
export async function insertUser(
  db: Db,
  user: Omit<
    Insertable<UsersTable>,
    | 'totp_secret'
    | 'totp_enabled_at'
    | 'failed_sign_ins'
    | 'locked_until'
    | 'last_sign_in_at'
    | 'updated_at'
  >,
): Promise<void> {
  await db
    .insertInto('users')
    .values({
      ...user,
      totp_secret: null,
      totp_enabled_at: null,
      failed_sign_ins: 0,
      locked_until: null,
      last_sign_in_at: null,
      updated_at: user.created_at,
    })
    .execute();
}

export function findUserByEmail(db: Db, email: string): Promise<UserRow | undefined> {
  return db.selectFrom('users').selectAll().where('email', '=', email).executeTakeFirst();
}

export function findUserById(db: Db, id: string): Promise<UserRow | undefined> {
  return db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function countUsers(db: Db): Promise<number> {
  const row = await db
    .selectFrom('users')
    .select((eb) => eb.fn.countAll<number>().as('total'))
    .executeTakeFirstOrThrow();
  return row.total;
}

/** A user with their organization, as the access hook needs them. */
export function findUserWithOrganization(db: Db, userId: string) {
  return db
    .selectFrom('users')
    .innerJoin('organizations', 'organizations.id', 'users.organization_id')
    .select([
      'users.id',
      'users.email',
      'users.display_name',
      'users.role',
      'users.status',
      'users.totp_enabled_at',
      'users.organization_id',
      'organizations.kind as organization_kind',
      'organizations.name as organization_name',
      'organizations.status as organization_status',
    ])
    .where('users.id', '=', userId)
    .executeTakeFirst();
}

/** Every appointment of a user, highest-ranked post first. */
export async function appointmentsOfUser(db: Db, userId: string): Promise<HeldAppointment[]> {
  const rows = await db
    .selectFrom('appointments')
    .innerJoin('positions', 'positions.id', 'appointments.position_id')
    .select([
      'positions.code',
      'positions.title',
      'positions.powers',
      'positions.rank',
      'appointments.starts_on',
      'appointments.ends_on',
      'appointments.additional_charge',
    ])
    .where('appointments.user_id', '=', userId)
    .orderBy('positions.rank')
    .orderBy('appointments.additional_charge')
    .execute();
  return rows.map((row) => ({
    positionCode: row.code,
    positionTitle: row.title,
    powers: JSON.parse(row.powers) as Power[],
    startsOn: row.starts_on,
    endsOn: row.ends_on,
    additionalCharge: row.additional_charge === 1,
  }));
}

export function findSession(db: Db, id: string): Promise<SessionRow | undefined> {
  return db.selectFrom('sessions').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function insertSession(db: Db, session: SessionRow): Promise<void> {
  await db.insertInto('sessions').values(session).execute();
}

export async function touchSession(
  db: Db,
  id: string,
  at: string,
  expiresAt: string,
): Promise<void> {
  await db
    .updateTable('sessions')
    .set({ last_seen_at: at, expires_at: expiresAt })
    .where('id', '=', id)
    .execute();
}

export async function deleteSession(db: Db, id: string): Promise<void> {
  await db.deleteFrom('sessions').where('id', '=', id).execute();
}

export async function deleteSessionsOfUser(db: Db, userId: string): Promise<number> {
  const result = await db.deleteFrom('sessions').where('user_id', '=', userId).executeTakeFirst();
  return Number(result.numDeletedRows);
}

export async function recordFailedSignIn(
  db: Db,
  userId: string,
  failures: number,
  lockedUntil: string | null,
  at: string,
): Promise<void> {
  await db
    .updateTable('users')
    .set({ failed_sign_ins: failures, locked_until: lockedUntil, updated_at: at })
    .where('id', '=', userId)
    .execute();
}

export async function recordSuccessfulSignIn(db: Db, userId: string, at: string): Promise<void> {
  await db
    .updateTable('users')
    .set({ failed_sign_ins: 0, locked_until: null, last_sign_in_at: at, updated_at: at })
    .where('id', '=', userId)
    .execute();
}
