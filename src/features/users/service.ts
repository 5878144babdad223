import type { AppContext } from '../../context.js';
import { AppError } from '../../errors.js';
import { recordAuditEvent } from '../audit/service.js';
import { auditActor, isOfficeStaff, type Actor, type RequestContext } from '../identity/actor.js';
import { deleteSessionsOfUser, findUserById, type UserRow } from '../identity/repo.js';
import { ORGANIZATION_ADMIN_ROLES } from '../identity/roles.js';

export interface UserFilter {
  organizationId?: string;
  status?: UserRow['status'];
  q?: string;
}

/** The filter an actor may use: anything in the Cloud Office, their own organization elsewhere. */
export function scopeUserFilter(actor: Actor, filter: UserFilter): UserFilter {
  return isOfficeStaff(actor) ? filter : { ...filter, organizationId: actor.organizationId };
}

export async function listUsers(
  ctx: AppContext,
  filter: UserFilter,
  page: { limit: number; offset: number },
): Promise<{ items: UserRow[]; total: number }> {
  let query = ctx.db.selectFrom('users');
  if (filter.organizationId) query = query.where('organization_id', '=', filter.organizationId);
  if (filter.status) query = query.where('status', '=', filter.status);
  if (filter.q) {
    const pattern = `%${filter.q
      .trim()
      .toLowerCase()
      .replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    query = query.where((eb) =>
      eb.or([eb('email', 'like', pattern), eb(eb.fn('lower', ['display_name']), 'like', pattern)]),
    );
  }
  const total = await query
    .select((eb) => eb.fn.countAll<number>().as('total'))
    .executeTakeFirstOrThrow();
  const items = await query
    .selectAll()
    .orderBy('email')
    .limit(page.limit)
    .offset(page.offset)
    .execute();
  return { items, total: total.total };
}

export async function getUser(ctx: AppContext, id: string): Promise<UserRow> {
  const user = await findUserById(ctx.db, id);
  if (!user) throw AppError.notFound(`There is no user ${JSON.stringify(id)}.`);
  return user;
}

/**
 * Whether an actor may administer users of an organization: officers with the manage_users power
 * anywhere, organization admins in their own organization.
 */
export function mayManageUsersOf(actor: Actor, organizationId: string): boolean {
  if (isOfficeStaff(actor)) return actor.powers.has('manage_users');
  return actor.organizationId === organizationId && ORGANIZATION_ADMIN_ROLES.includes(actor.role);
}

/** Disables or re-enables an account; disabling ends its sessions at once. */
export async function setUserEnabled(
  ctx: AppContext,
  actor: Actor,
  id: string,
  enabled: boolean,
  request: RequestContext,
): Promise<UserRow> {
  const user = await getUser(ctx, id);
  if (!mayManageUsersOf(actor, user.organization_id)) {
    throw new AppError(
      403,
      'forbidden',
      "Only an officer with the manage_users power, or the organization's admin, may do this.",
    );
  }
  if (user.id === actor.userId && !enabled) {
    throw AppError.badRequest(
      'cannot_disable_self',
      'You cannot disable your own account; ask another administrator.',
    );
  }
  if (user.status === 'invited') {
    throw AppError.conflict(
      'user_invited',
      'This user has not accepted the invitation yet; there is nothing to enable or disable.',
    );
  }
  const status = enabled ? 'active' : 'disabled';
  if (user.status === status) return user;
  await ctx.db.transaction().execute(async (trx) => {
    await trx
      .updateTable('users')
      .set({
        status,
        updated_at: ctx.clock.now().toISOString(),
        ...(enabled && { failed_sign_ins: 0, locked_until: null }),
      })
      .where('id', '=', id)
      .execute();
    const ended = enabled ? 0 : await deleteSessionsOfUser(trx, id);
    await recordAuditEvent(
      trx,
      {
        actor: auditActor(request.actor, 'manage_users'),
        action: enabled ? 'user.enable' : 'user.disable',
        outcome: 'success',
        target: { type: 'user', id },
        summary: { before: { status: user.status }, after: { status, sessionsEnded: ended } },
        requestId: request.requestId,
      },
      ctx.clock,
    );
  });
  return getUser(ctx, id);
}
