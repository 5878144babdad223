import type { AppContext } from '../../context.js';
import { AppError } from '../../errors.js';
import { APP_NAME } from '../../version.js';
import { recordAuditEvent, recordDeniedAttempt } from '../audit/service.js';
import { auditActor, mustUseSecondFactor, type Actor, type RequestContext } from './actor.js';
import { lockoutAfter } from './lockout.js';
import * as repo from './repo.js';
import { actorForUser } from './service.js';
import { matchTotpStep, newTotpSecret, otpauthUri } from './totp.js';

/**
 * The TOTP second factor (NIST SP 800-63B, 5.1.4.1 single-factor OTP device used as the second
 * factor): enrolment, the check after sign-in, and turning it off. Secrets are stored sealed
 * (AES-256-GCM under the installation's key, bound to the user). A code is good once (the last
 * accepted step is kept), and wrong codes count toward the same lockout as wrong passwords.
 */

export interface TotpEnrolment {
  /** The secret in base32, for typing into an authenticator app. */
  secret: string;
  /** The same as an otpauth:// URI, for a QR code. */
  otpauthUri: string;
  issuer: string;
  label: string;
}

const sealContext = (userId: string): string => `totp:${userId}`;

const CODE_REFUSED =
  'The code is not right, or the account is locked for a while after repeated failures. ' +
  'Check that the time on your device is right, enter the newest code, or try again in a few minutes.';
const CODE_USED =
  'This code has already been used. Wait for the next one (codes change every 30 seconds) and enter that.';

function requireSession(actor: Actor): string {
  if (actor.via !== 'session' || actor.sessionId === null) {
    throw new AppError(
      403,
      'session_required',
      'This needs a signed-in session; API tokens may not do it.',
    );
  }
  return actor.sessionId;
}

/** An enrolled user changes their authenticator only from a session that passed the current one. */
function requirePassedIfEnrolled(actor: Actor): void {
  if (actor.secondFactorEnrolled && !actor.secondFactor) {
    throw new AppError(
      401,
      'second_factor_required',
      'Enter the code from your authenticator app to finish signing in.',
    );
  }
}

async function userOf(ctx: AppContext, actor: Actor): Promise<repo.UserRow> {
  const user = await repo.findUserById(ctx.db, actor.userId);
  if (!user) throw new AppError(401, 'sign_in_required', 'Sign in to do this.');
  return user;
}

async function refreshedActor(ctx: AppContext, actor: Actor, sessionId: string): Promise<Actor> {
  const fresh = await actorForUser(ctx, actor.userId, {
    via: 'session',
    sessionId,
    secondFactorPassed: true,
  });
  if (!fresh) throw new AppError(401, 'sign_in_required', 'Sign in to do this.');
  return fresh;
}

/** Starts (or restarts) enrolment: a new secret, kept sealed as pending until a code from it is confirmed. */
export async function startTotpEnrolment(
  ctx: AppContext,
  actor: Actor,
  request: RequestContext,
): Promise<TotpEnrolment> {
  requireSession(actor);
  requirePassedIfEnrolled(actor);
  const secret = newTotpSecret();
  const issuer = (await repo.findCloudOfficeName(ctx.db)) ?? APP_NAME;
  const label = actor.email;
  await ctx.db.transaction().execute(async (trx) => {
    await repo.setPendingTotpSecret(
      trx,
      actor.userId,
      ctx.secretBox.seal(secret, sealContext(actor.userId)),
      ctx.clock.now().toISOString(),
    );
    await recordAuditEvent(
      trx,
      {
        actor: auditActor(actor),
        action: 'user.totp_enrolment_start',
        outcome: 'success',
        target: { type: 'user', id: actor.userId },
        summary: { after: { replacing: actor.secondFactorEnrolled } },
        requestId: request.requestId,
      },
      ctx.clock,
    );
  });
  return { secret, otpauthUri: otpauthUri(secret, issuer, label), issuer, label };
}

/**
 * Confirms enrolment with a code from the pending secret: TOTP is on (or the authenticator
 * replaced), and this session has passed the second factor.
 */
export async function confirmTotpEnrolment(
  ctx: AppContext,
  actor: Actor,
  code: string,
  request: RequestContext,
): Promise<Actor> {
  const sessionId = requireSession(actor);
  requirePassedIfEnrolled(actor);
  const user = await userOf(ctx, actor);
  if (user.totp_pending_secret === null) {
    throw AppError.conflict(
      'totp_enrolment_not_started',
      'There is no enrolment to confirm: start one with POST /api/v1/auth/totp/enrolment.',
    );
  }
  const now = ctx.clock.now();
  const secret = ctx.secretBox.open(user.totp_pending_secret, sealContext(user.id));
  const step = matchTotpStep(secret, code, now);
  if (step === null) {
    await recordDeniedAttempt(
      ctx.db,
      {
        actor: auditActor(actor),
        action: 'user.totp_enrol',
        target: { type: 'user', id: user.id },
        summary: { reason: 'wrong code' },
        requestId: request.requestId,
      },
      ctx.clock,
    );
    throw AppError.badRequest(
      'totp_code_invalid',
      `The code ${JSON.stringify(code)} does not match the new secret. Check that the time on your ` +
        'device is right and enter the newest code the app shows for this account.',
      [{ in: 'body', pointer: '/code', message: 'not the current code of the new secret' }],
    );
  }
  const at = now.toISOString();
  await ctx.db.transaction().execute(async (trx) => {
    await repo.enableTotp(trx, user.id, user.totp_pending_secret ?? '', step, at);
    await repo.markSecondFactorPassed(trx, sessionId, at);
    await recordAuditEvent(
      trx,
      {
        actor: auditActor(actor),
        action: 'user.totp_enrol',
        outcome: 'success',
        target: { type: 'user', id: user.id },
        summary: {
          before: { enrolled: user.totp_enabled_at !== null },
          after: { enrolled: true },
        },
        requestId: request.requestId,
      },
      ctx.clock,
    );
  });
  return refreshedActor(ctx, actor, sessionId);
}

type CodeCheck = { ok: true; step: number } | { ok: false; reason: string; replay: boolean };

/**
 * Checks a code against the user's enabled secret, counting the attempt toward the lockout
 * first: the count goes up (and a lock is set from the fifth) in one transaction before the code
 * is looked at, so parallel guesses cannot outrun the lockout; a right code then clears it.
 */
async function checkEnabledCode(
  ctx: AppContext,
  user: repo.UserRow,
  code: string,
): Promise<CodeCheck> {
  const now = ctx.clock.now();
  const counted = await ctx.db.transaction().execute(async (trx) => {
    const failures = await repo.countAttempt(trx, user.id, now.toISOString());
    if (failures === null) return false;
    const lockMs = lockoutAfter(failures);
    if (lockMs > 0) {
      await repo.lockUntil(trx, user.id, new Date(now.getTime() + lockMs).toISOString());
    }
    return true;
  });
  if (!counted) return { ok: false, reason: 'account locked', replay: false };
  if (user.totp_secret === null) return { ok: false, reason: 'not enrolled', replay: false };
  const secret = ctx.secretBox.open(user.totp_secret, sealContext(user.id));
  const step = matchTotpStep(secret, code, now);
  if (step === null) return { ok: false, reason: 'wrong code', replay: false };
  if (user.totp_last_step !== null && step <= user.totp_last_step) {
    return { ok: false, reason: 'code already used', replay: true };
  }
  return { ok: true, step };
}

/** Passes the second factor for this session with a code from the enrolled authenticator. */
export async function verifySecondFactor(
  ctx: AppContext,
  actor: Actor,
  code: string,
  request: RequestContext,
): Promise<Actor> {
  const sessionId = requireSession(actor);
  if (!actor.secondFactorEnrolled) {
    throw AppError.conflict(
      'totp_not_enrolled',
      'There is no authenticator to check on this account: enrol one with POST /api/v1/auth/totp/enrolment.',
    );
  }
  // Sent twice (a double click): the first passed, and the second has nothing left to do.
  if (actor.secondFactor) return actor;
  const user = await userOf(ctx, actor);
  const refuse = async (reason: string, replay: boolean): Promise<never> => {
    await recordDeniedAttempt(
      ctx.db,
      {
        actor: auditActor(actor),
        action: 'auth.second_factor',
        target: { type: 'user', id: user.id },
        summary: { reason },
        requestId: request.requestId,
      },
      ctx.clock,
    );
    throw replay
      ? new AppError(401, 'totp_code_used', CODE_USED)
      : new AppError(401, 'second_factor_failed', CODE_REFUSED);
  };
  const check = await checkEnabledCode(ctx, user, code);
  if (!check.ok) return refuse(check.reason, check.replay);
  const at = ctx.clock.now().toISOString();
  const passed = await ctx.db.transaction().execute(async (trx) => {
    // The conditional claim settles a race between two requests with the same code.
    if (!(await repo.claimTotpStep(trx, user.id, check.step, at))) return false;
    await repo.markSecondFactorPassed(trx, sessionId, at);
    await recordAuditEvent(
      trx,
      {
        actor: auditActor(actor),
        action: 'auth.second_factor',
        outcome: 'success',
        target: { type: 'user', id: user.id },
        summary: {},
        requestId: request.requestId,
      },
      ctx.clock,
    );
    return true;
  });
  if (!passed) return refuse('code already used', true);
  return refreshedActor(ctx, actor, sessionId);
}

/** Turns TOTP off, with a current code; Cloud Office users must keep it. */
export async function disableTotp(
  ctx: AppContext,
  actor: Actor,
  code: string,
  request: RequestContext,
): Promise<Actor> {
  const sessionId = requireSession(actor);
  if (mustUseSecondFactor(actor.organizationKind)) {
    throw new AppError(
      403,
      'second_factor_mandatory',
      'Cloud Office users must keep their second factor. To move it to a new device, enrol again ' +
        '(POST /api/v1/auth/totp/enrolment); the old one works until the new one is confirmed.',
    );
  }
  if (!actor.secondFactorEnrolled) {
    throw AppError.conflict('totp_not_enrolled', 'TOTP is not on for this account.');
  }
  const user = await userOf(ctx, actor);
  const check = await checkEnabledCode(ctx, user, code);
  if (!check.ok) {
    await recordDeniedAttempt(
      ctx.db,
      {
        actor: auditActor(actor),
        action: 'user.totp_disable',
        target: { type: 'user', id: user.id },
        summary: { reason: check.reason },
        requestId: request.requestId,
      },
      ctx.clock,
    );
    throw check.replay
      ? AppError.badRequest('totp_code_used', CODE_USED)
      : AppError.badRequest('totp_code_invalid', CODE_REFUSED, [
          { in: 'body', pointer: '/code', message: 'not a current code of your authenticator' },
        ]);
  }
  const at = ctx.clock.now().toISOString();
  await ctx.db.transaction().execute(async (trx) => {
    await repo.claimTotpStep(trx, user.id, check.step, at);
    await repo.disableTotp(trx, user.id, at);
    await recordAuditEvent(
      trx,
      {
        actor: auditActor(actor),
        action: 'user.totp_disable',
        outcome: 'success',
        target: { type: 'user', id: user.id },
        summary: { before: { enrolled: true }, after: { enrolled: false } },
        requestId: request.requestId,
      },
      ctx.clock,
    );
  });
  const fresh = await actorForUser(ctx, actor.userId, {
    via: 'session',
    sessionId,
    secondFactorPassed: false,
  });
  if (!fresh) throw new AppError(401, 'sign_in_required', 'Sign in to do this.');
  return fresh;
}
