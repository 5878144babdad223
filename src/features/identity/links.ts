import { randomUUID } from 'node:crypto';
import type { Transaction } from 'kysely';
import type { AppContext } from '../../context.js';
import type { Database, OneTimeTokenPurpose } from '../../db/schema.js';
import { AppError } from '../../errors.js';
import { recordAuditEvent } from '../audit/service.js';
import { enqueueEmail } from '../outbox/service.js';
import { auditActor, type Actor, type RequestContext } from './actor.js';
import {
  deleteSessionsOfUser,
  findUserByEmail,
  findUserById,
  insertUser,
  type UserRow,
} from './repo.js';
import { isRoleOf } from './roles.js';
import { hashPassword, hashToken, newToken } from './secrets.js';
import { normalizeEmail } from './service.js';
import { checkPassword } from '../office/setup.js';
import { mayManageUsersOf } from '../users/service.js';

/** An invitation is good for a week; a password reset for an hour. */
const LIFETIME_MS: Record<Exclude<OneTimeTokenPurpose, 'setup'>, number> = {
  invitation: 7 * 24 * 60 * 60 * 1000,
  password_reset: 60 * 60 * 1000,
};

const PAGE: Record<Exclude<OneTimeTokenPurpose, 'setup'>, string> = {
  invitation: 'invitation',
  password_reset: 'reset-password',
};

/** Makes a single-use link for a user, voiding any earlier link of the same purpose. */
async function issueLink(
  trx: Transaction<Database>,
  ctx: AppContext,
  purpose: Exclude<OneTimeTokenPurpose, 'setup'>,
  userId: string,
  createdBy: string | null,
): Promise<{ url: string; expiresAt: string }> {
  const now = ctx.clock.now();
  const token = newToken();
  const expiresAt = new Date(now.getTime() + LIFETIME_MS[purpose]).toISOString();
  await trx
    .updateTable('one_time_tokens')
    .set({ used_at: now.toISOString() })
    .where('user_id', '=', userId)
    .where('purpose', '=', purpose)
    .where('used_at', 'is', null)
    .execute();
  await trx
    .insertInto('one_time_tokens')
    .values({
      id: randomUUID(),
      purpose,
      token_hash: hashToken(token),
      user_id: userId,
      created_by: createdBy,
      created_at: now.toISOString(),
      expires_at: expiresAt,
      used_at: null,
    })
    .execute();
  // In the fragment: never sent to a server, never in a Referer header or an access log.
  return { url: `${ctx.config.http.publicUrl}/${PAGE[purpose]}#token=${token}`, expiresAt };
}

/** Takes a link's token and returns its user, or says clearly why the link no longer works. */
async function redeemLink(
  trx: Transaction<Database>,
  ctx: AppContext,
  purpose: Exclude<OneTimeTokenPurpose, 'setup'>,
  token: string,
): Promise<UserRow> {
  const what = purpose === 'invitation' ? 'invitation' : 'password reset link';
  const code = purpose === 'invitation' ? 'invitation' : 'reset_link';
  const link = await trx
    .selectFrom('one_time_tokens')
    .selectAll()
    .where('token_hash', '=', hashToken(token))
    .where('purpose', '=', purpose)
    .executeTakeFirst();
  if (!link?.user_id)
    throw new AppError(
      400,
      `${code}_invalid`,
      `This ${what} is not valid; check that the whole link was copied.`,
    );
  if (link.used_at !== null) {
    throw new AppError(
      410,
      `${code}_used`,
      `This ${what} has already been used, or a newer one replaced it.`,
    );
  }
  if (new Date(link.expires_at).getTime() <= ctx.clock.now().getTime()) {
    throw new AppError(
      410,
      `${code}_expired`,
      purpose === 'invitation'
        ? 'This invitation has expired; ask your administrator to invite you again.'
        : 'This password reset link has expired; ask for a new one.',
    );
  }
  await trx
    .updateTable('one_time_tokens')
    .set({ used_at: ctx.clock.now().toISOString() })
    .where('id', '=', link.id)
    .execute();
  const user = await findUserById(trx, link.user_id);
  if (!user) throw new AppError(400, `${code}_invalid`, `This ${what} is not valid.`);
  return user;
}

export interface InvitationInput {
  organizationId: string;
  email: string;
  displayName: string;
  role: string;
}

/**
 * Invites a person into an organization: the account exists as "invited" until the link is used,
 * and the e-mail with the link leaves through the outbox after commit.
 */
export async function invite(
  ctx: AppContext,
  actor: Actor,
  input: InvitationInput,
  request: RequestContext,
): Promise<{ user: UserRow; url: string; expiresAt: string }> {
  if (!mayManageUsersOf(actor, input.organizationId)) {
    throw new AppError(
      403,
      'forbidden',
      "Only an officer with the manage_users power, or the organization's admin, may invite to it.",
    );
  }
  const organization = await ctx.db
    .selectFrom('organizations')
    .selectAll()
    .where('id', '=', input.organizationId)
    .executeTakeFirst();
  if (!organization || organization.status !== 'active') {
    throw AppError.badRequest(
      'organization_not_found',
      `There is no active organization ${JSON.stringify(input.organizationId)}.`,
    );
  }
  if (!isRoleOf(organization.kind, input.role)) {
    throw AppError.badRequest(
      'role_not_allowed',
      `${input.role} is not a role in a ${organization.kind.replace('_', ' ')} organization.`,
      [{ in: 'body', pointer: '/role', message: `not a role of ${organization.kind}` }],
    );
  }
  const email = normalizeEmail(input.email);
  const at = ctx.clock.now().toISOString();
  return ctx.db.transaction().execute(async (trx) => {
    const existing = await findUserByEmail(trx, email);
    // Inviting someone who has not accepted yet, to the same organization, sends a fresh link
    // (the old one stops working): that is how a lost or never-sent invitation is re-sent.
    const resend = existing?.status === 'invited' && existing.organization_id === organization.id;
    if (existing && !resend) {
      throw AppError.conflict('email_taken', `${email} already has an account.`);
    }
    const userId = existing?.id ?? randomUUID();
    if (resend) {
      await trx
        .updateTable('users')
        .set({ display_name: input.displayName.trim(), role: input.role, updated_at: at })
        .where('id', '=', userId)
        .execute();
    } else {
      await insertUser(trx, {
        id: userId,
        organization_id: organization.id,
        email,
        display_name: input.displayName.trim(),
        role: input.role,
        status: 'invited',
        password_hash: null,
        created_at: at,
      });
    }
    const link = await issueLink(trx, ctx, 'invitation', userId, actor.userId);
    await enqueueEmail(
      trx,
      {
        to: email,
        subject: `You are invited to Cloud Office (${organization.name})`,
        text:
          `${actor.displayName} has invited you to Cloud Office as ${input.role.replace(/_/g, ' ')} of ${organization.name}.\n\n` +
          `Choose your password here, within seven days:\n${link.url}\n\n` +
          'The link works once. If you did not expect this, ignore this message.',
      },
      ctx.clock,
    );
    await recordAuditEvent(
      trx,
      {
        actor: auditActor(request.actor, 'manage_users'),
        action: resend ? 'user.reinvite' : 'user.invite',
        outcome: 'success',
        target: { type: 'user', id: userId },
        summary: { after: { email, role: input.role, organizationId: organization.id } },
        requestId: request.requestId,
      },
      ctx.clock,
    );
    const user = await findUserById(trx, userId);
    if (!user) throw new Error('the invited user vanished');
    return { user, ...link };
  });
}

/** Accepts an invitation: sets the password and activates the account. */
export async function acceptInvitation(
  ctx: AppContext,
  input: { token: string; password: string },
  request: RequestContext,
): Promise<UserRow> {
  checkPassword(input.password);
  const passwordHash = await hashPassword(input.password);
  return ctx.db.transaction().execute(async (trx) => {
    const user = await redeemLink(trx, ctx, 'invitation', input.token);
    if (user.status !== 'invited') {
      throw new AppError(
        410,
        'invitation_used',
        'This account is already set up; sign in instead.',
      );
    }
    await trx
      .updateTable('users')
      .set({
        status: 'active',
        password_hash: passwordHash,
        updated_at: ctx.clock.now().toISOString(),
      })
      .where('id', '=', user.id)
      .execute();
    await recordAuditEvent(
      trx,
      {
        actor: { userId: user.id, email: user.email, organizationId: user.organization_id },
        action: 'user.accept_invitation',
        outcome: 'success',
        target: { type: 'user', id: user.id },
        summary: { before: { status: 'invited' }, after: { status: 'active' } },
        requestId: request.requestId,
      },
      ctx.clock,
    );
    return { ...user, status: 'active' as const };
  });
}

/**
 * Starts a password reset. The answer is the same whether or not the e-mail has an account, so
 * the form cannot be used to find out who has one.
 */
export async function requestPasswordReset(
  ctx: AppContext,
  emailInput: string,
  request: RequestContext,
): Promise<void> {
  const email = normalizeEmail(emailInput);
  const user = await findUserByEmail(ctx.db, email);
  if (user?.status !== 'active') return;
  await ctx.db.transaction().execute(async (trx) => {
    const link = await issueLink(trx, ctx, 'password_reset', user.id, null);
    await enqueueEmail(
      trx,
      {
        to: email,
        subject: 'Reset your Cloud Office password',
        text:
          `Someone, probably you, asked to reset the password of ${email} on Cloud Office.\n\n` +
          `Choose a new password here, within an hour:\n${link.url}\n\n` +
          'The link works once. If you did not ask for this, ignore this message; your password stays as it is.',
      },
      ctx.clock,
    );
    await recordAuditEvent(
      trx,
      {
        actor: { userId: user.id, email, organizationId: user.organization_id },
        action: 'user.request_password_reset',
        outcome: 'success',
        target: { type: 'user', id: user.id },
        summary: {},
        requestId: request.requestId,
      },
      ctx.clock,
    );
  });
}

/** Completes a password reset: new password, lockout cleared, every session ended. */
export async function completePasswordReset(
  ctx: AppContext,
  input: { token: string; password: string },
  request: RequestContext,
): Promise<void> {
  checkPassword(input.password);
  const passwordHash = await hashPassword(input.password);
  await ctx.db.transaction().execute(async (trx) => {
    const user = await redeemLink(trx, ctx, 'password_reset', input.token);
    if (user.status !== 'active')
      throw new AppError(
        400,
        'reset_link_invalid',
        'This account cannot sign in; ask your administrator.',
      );
    await trx
      .updateTable('users')
      .set({
        password_hash: passwordHash,
        failed_sign_ins: 0,
        locked_until: null,
        updated_at: ctx.clock.now().toISOString(),
      })
      .where('id', '=', user.id)
      .execute();
    const ended = await deleteSessionsOfUser(trx, user.id);
    await recordAuditEvent(
      trx,
      {
        actor: { userId: user.id, email: user.email, organizationId: user.organization_id },
        action: 'user.reset_password',
        outcome: 'success',
        target: { type: 'user', id: user.id },
        summary: { after: { sessionsEnded: ended } },
        requestId: request.requestId,
      },
      ctx.clock,
    );
  });
}
