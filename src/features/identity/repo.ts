import type { Insertable, Kysely, Selectable } from 'kysely';
import type { ApiTokensTable, Database, SessionsTable, UsersTable } from '../../db/schema.js';
import type { HeldAppointment, Power } from '../office/positions.js';

type Db = Kysely<Database>;

export type UserRow = Selectable<UsersTable>;
export type SessionRow = Selectable<SessionsTable>;
export type ApiTokenRow = Selectable<ApiTokensTable>;

/** Inserts a user; counters and second-factor fields start empty. */
export async function insertUser(
  db: Db,
  user: Omit<
    Insertable<UsersTable>,
    | 'totp_secret'
    | 'totp_enabled_at'
    | 'totp_pending_secret'
    | 'totp_last_step'
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
      totp_pending_secret: null,
      totp_last_step: null,
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

/**
 * Records a right password. `resetFailures`: false for users with a second factor, whose failure
 * count (which wrong codes add to) only a passed second factor clears; otherwise signing in again
 * with the password would give an attacker who has it unlimited guesses at the code.
 */
export async function recordSuccessfulSignIn(
  db: Db,
  userId: string,
  at: string,
  resetFailures = true,
): Promise<void> {
  await db
    .updateTable('users')
    .set(
      resetFailures
        ? { failed_sign_ins: 0, locked_until: null, last_sign_in_at: at, updated_at: at }
        : { last_sign_in_at: at, updated_at: at },
    )
    .where('id', '=', userId)
    .execute();
}

export async function setPendingTotpSecret(
  db: Db,
  userId: string,
  sealedSecret: string,
  at: string,
): Promise<void> {
  await db
    .updateTable('users')
    .set({ totp_pending_secret: sealedSecret, updated_at: at })
    .where('id', '=', userId)
    .execute();
}

/** Makes the pending secret the user's TOTP secret, with `step` as its first used code. */
export async function enableTotp(
  db: Db,
  userId: string,
  sealedSecret: string,
  step: number,
  at: string,
): Promise<void> {
  await db
    .updateTable('users')
    .set({
      totp_secret: sealedSecret,
      totp_pending_secret: null,
      totp_enabled_at: at,
      totp_last_step: step,
      failed_sign_ins: 0,
      locked_until: null,
      updated_at: at,
    })
    .where('id', '=', userId)
    .execute();
}

export async function disableTotp(db: Db, userId: string, at: string): Promise<void> {
  await db
    .updateTable('users')
    .set({
      totp_secret: null,
      totp_pending_secret: null,
      totp_enabled_at: null,
      totp_last_step: null,
      updated_at: at,
    })
    .where('id', '=', userId)
    .execute();
}

/**
 * Uses up a TOTP step: succeeds only if no code of this step or a later one was accepted before,
 * in one conditional UPDATE, so that two requests racing with the same code cannot both pass.
 * A success also clears the failure count and any lockout.
 */
export async function claimTotpStep(
  db: Db,
  userId: string,
  step: number,
  at: string,
): Promise<boolean> {
  const result = await db
    .updateTable('users')
    .set({ totp_last_step: step, failed_sign_ins: 0, locked_until: null, updated_at: at })
    .where('id', '=', userId)
    .where((eb) => eb.or([eb('totp_last_step', 'is', null), eb('totp_last_step', '<', step)]))
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export async function markSecondFactorPassed(db: Db, sessionId: string, at: string): Promise<void> {
  await db
    .updateTable('sessions')
    .set({ second_factor_at: at })
    .where('id', '=', sessionId)
    .execute();
}

export async function insertApiToken(db: Db, token: ApiTokenRow): Promise<void> {
  await db.insertInto('api_tokens').values(token).execute();
}

export function findApiTokenByHash(db: Db, tokenHash: string): Promise<ApiTokenRow | undefined> {
  return db
    .selectFrom('api_tokens')
    .selectAll()
    .where('token_hash', '=', tokenHash)
    .executeTakeFirst();
}

export function findApiTokenById(db: Db, id: string): Promise<ApiTokenRow | undefined> {
  return db.selectFrom('api_tokens').selectAll().where('id', '=', id).executeTakeFirst();
}

/** A user's tokens, newest first. */
export function apiTokensOfUser(db: Db, userId: string): Promise<ApiTokenRow[]> {
  return db
    .selectFrom('api_tokens')
    .selectAll()
    .where('user_id', '=', userId)
    .orderBy('created_at', 'desc')
    .orderBy('id')
    .execute();
}

/** Revokes a token unless it already is; says whether this call revoked it. */
export async function revokeApiToken(db: Db, id: string, at: string): Promise<boolean> {
  const result = await db
    .updateTable('api_tokens')
    .set({ revoked_at: at })
    .where('id', '=', id)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export async function touchApiToken(db: Db, id: string, at: string): Promise<void> {
  await db.updateTable('api_tokens').set({ last_used_at: at }).where('id', '=', id).execute();
}

/**
 * Counts one more failed attempt unless the account is locked at `at`; returns the new count, or
 * null when locked. A single UPDATE, so concurrent attempts are each counted.
 */
export async function countAttempt(db: Db, userId: string, at: string): Promise<number | null> {
  const row = await db
    .updateTable('users')
    .set((eb) => ({ failed_sign_ins: eb('failed_sign_ins', '+', 1), updated_at: at }))
    .where('id', '=', userId)
    .where((eb) => eb.or([eb('locked_until', 'is', null), eb('locked_until', '<=', at)]))
    .returning('failed_sign_ins')
    .executeTakeFirst();
  return row ? row.failed_sign_ins : null;
}

export async function lockUntil(db: Db, userId: string, until: string): Promise<void> {
  await db.updateTable('users').set({ locked_until: until }).where('id', '=', userId).execute();
}

/** The Cloud Office's name, which authenticator apps show as the issuer of its codes. */
export async function findCloudOfficeName(db: Db): Promise<string | undefined> {
  const row = await db
    .selectFrom('organizations')
    .select('name')
    .where('kind', '=', 'cloud_office')
    .executeTakeFirst();
  return row?.name;
}
