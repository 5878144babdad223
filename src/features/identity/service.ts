import type { AppContext } from '../../context.js';
import { AppError } from '../../errors.js';
import { recordAuditEvent } from '../audit/service.js';
import { dayOf, powersOn, appointmentsOn } from '../office/positions.js';
import { mustUseSecondFactor, type Actor, type RequestContext } from './actor.js';
import { isLocked, lockoutAfter } from './lockout.js';
import * as repo from './repo.js';
import type { Role } from './roles.js';
import { constantTimeEqual, hashToken, newToken, verifyPassword } from './secrets.js';

/** A session ends after an hour without use, and twelve hours after sign-in whatever happens. */
export const SESSION_IDLE_MS = 60 * 60 * 1000;
export const SESSION_ABSOLUTE_MS = 12 * 60 * 60 * 1000;
/** last_seen_at is written at most this often, so reads do not all become writes. */
const TOUCH_EVERY_MS = 60 * 1000;

const SIGN_IN_FAILED =
  'The e-mail or password is not right, or the account is locked for a while after repeated failures. ' +
  'Check them, and try again in a few minutes.';

export interface SignInResult {
  /** The cookie's value; only its hash is stored. */
  token: string;
  csrfToken: string;
  actor: Actor;
}

export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

/**
 * Signs a user in with e-mail and password. A wrong password, an unknown e-mail, a disabled
 * account and a locked one all get the same answer after the same work (one argon2 verification),
 * so the answer tells an attacker nothing. The new session replaces the one presented, if any.
 */
export async function signIn(
  ctx: AppContext,
  input: {
    email: string;
    password: string;
    ip: string | null;
    userAgent: string | null;
    previousToken?: string;
  },
  request: RequestContext,
): Promise<SignInResult> {
  const email = normalizeEmail(input.email);
  const now = ctx.clock.now();
  const at = now.toISOString();
  const user = await repo.findUserByEmail(ctx.db, email);
  const passwordMatches = await verifyPassword(user?.password_hash ?? null, input.password);
  const refuse = async (reason: string, failures?: number): Promise<never> => {
    await ctx.db.transaction().execute(async (trx) => {
      if (user && failures !== undefined) {
        const lockMs = lockoutAfter(failures);
        const lockedUntil = lockMs > 0 ? new Date(now.getTime() + lockMs).toISOString() : null;
        await repo.recordFailedSignIn(trx, user.id, failures, lockedUntil, at);
      }
      await recordAuditEvent(
        trx,
        {
          actor: {
            userId: user?.id ?? null,
            email,
            organizationId: user?.organization_id ?? null,
            position: null,
          },
          action: 'auth.sign_in',
          outcome: 'denied',
          target: user ? { type: 'user', id: user.id } : null,
          summary: { reason },
          requestId: request.requestId,
        },
        ctx.clock,
      );
    });
    throw new AppError(401, 'sign_in_failed', SIGN_IN_FAILED);
  };

  if (!user) return refuse('unknown e-mail');
  if (isLocked(user.locked_until, now)) return refuse('account locked');
  if (user.status !== 'active') return refuse(`account ${user.status}`);
  if (!passwordMatches) return refuse('wrong password', user.failed_sign_ins + 1);

  const token = newToken();
  const csrfToken = newToken();
  const sessionId = hashToken(token);
  await ctx.db.transaction().execute(async (trx) => {
    if (input.previousToken) await repo.deleteSession(trx, hashToken(input.previousToken));
    await repo.recordSuccessfulSignIn(trx, user.id, at, user.totp_enabled_at === null);
    await repo.insertSession(trx, {
      id: sessionId,
      user_id: user.id,
      csrf_token: csrfToken,
      second_factor_at: null,
      created_at: at,
      last_seen_at: at,
      expires_at: new Date(now.getTime() + SESSION_IDLE_MS).toISOString(),
      ip: input.ip,
      user_agent: input.userAgent?.slice(0, 300) ?? null,
    });
    await recordAuditEvent(
      trx,
      {
        actor: {
          userId: user.id,
          email: user.email,
          organizationId: user.organization_id,
          position: null,
        },
        action: 'auth.sign_in',
        outcome: 'success',
        target: { type: 'user', id: user.id },
        summary: {},
        requestId: request.requestId,
      },
      ctx.clock,
    );
  });
  const actor = await actorForUser(ctx, user.id, {
    via: 'session',
    sessionId,
    secondFactorPassed: false,
  });
  if (!actor) throw new AppError(401, 'sign_in_failed', SIGN_IN_FAILED);
  return { token, csrfToken, actor };
}

/** Builds the actor for a user as of now: organization, role, and the posts and powers held today. */
export async function actorForUser(
  ctx: AppContext,
  userId: string,
  how: {
    via: Actor['via'];
    sessionId: string | null;
    apiTokenId?: string | null;
    secondFactorPassed: boolean;
  },
): Promise<Actor | null> {
  const user = await repo.findUserWithOrganization(ctx.db, userId);
  if (!user || user.status !== 'active' || user.organization_status !== 'active') return null;
  const today = dayOf(ctx.clock.now());
  const held =
    user.organization_kind === 'cloud_office' ? await repo.appointmentsOfUser(ctx.db, userId) : [];
  const appointments = appointmentsOn(held, today);
  const enrolled = user.totp_enabled_at !== null;
  return {
    userId: user.id,
    email: user.email,
    displayName: user.display_name,
    role: user.role as Role,
    organizationId: user.organization_id,
    organizationKind: user.organization_kind,
    organizationName: user.organization_name,
    appointments,
    powers: powersOn(appointments, today),
    via: how.via,
    sessionId: how.sessionId,
    apiTokenId: how.apiTokenId ?? null,
    // Without TOTP enrolled there is no second factor to pass.
    secondFactor: how.secondFactorPassed || !enrolled,
    secondFactorEnrolled: enrolled,
    secondFactorEnrolmentRequired: !enrolled && mustUseSecondFactor(user.organization_kind),
  };
}

export interface SessionActor {
  actor: Actor;
  csrfToken: string;
}

/** The actor behind a session cookie, or null if the session is unknown, expired or its user gone. */
export async function actorForSession(
  ctx: AppContext,
  token: string,
): Promise<SessionActor | null> {
  const id = hashToken(token);
  const session = await repo.findSession(ctx.db, id);
  if (!session) return null;
  const now = ctx.clock.now();
  const absoluteEnd = new Date(session.created_at).getTime() + SESSION_ABSOLUTE_MS;
  if (new Date(session.expires_at).getTime() <= now.getTime() || absoluteEnd <= now.getTime()) {
    await repo.deleteSession(ctx.db, id);
    return null;
  }
  const actor = await actorForUser(ctx, session.user_id, {
    via: 'session',
    sessionId: id,
    secondFactorPassed: session.second_factor_at !== null,
  });
  if (!actor) return null;
  if (now.getTime() - new Date(session.last_seen_at).getTime() > TOUCH_EVERY_MS) {
    const expiresAt = new Date(
      Math.min(now.getTime() + SESSION_IDLE_MS, absoluteEnd),
    ).toISOString();
    await repo.touchSession(ctx.db, id, now.toISOString(), expiresAt);
  }
  return { actor, csrfToken: session.csrf_token };
}

export function csrfMatches(expected: string, sent: string | undefined): boolean {
  return sent !== undefined && constantTimeEqual(expected, sent);
}

/** Ends the current session (sign out here) or all of the user's sessions (sign out everywhere). */
export async function signOut(
  ctx: AppContext,
  actor: Actor,
  everywhere: boolean,
  request: RequestContext,
): Promise<number> {
  return ctx.db.transaction().execute(async (trx) => {
    let ended = 0;
    if (everywhere) ended = await repo.deleteSessionsOfUser(trx, actor.userId);
    else if (actor.sessionId) {
      await repo.deleteSession(trx, actor.sessionId);
      ended = 1;
    }
    await recordAuditEvent(
      trx,
      {
        actor: {
          userId: actor.userId,
          email: actor.email,
          organizationId: actor.organizationId,
          position: null,
        },
        action: everywhere ? 'auth.sign_out_everywhere' : 'auth.sign_out',
        outcome: 'success',
        target: { type: 'user', id: actor.userId },
        summary: { after: { sessionsEnded: ended } },
        requestId: request.requestId,
      },
      ctx.clock,
    );
    return ended;
  });
}
