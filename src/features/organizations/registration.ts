import { randomUUID } from 'node:crypto';
import type { AppContext } from '../../context.js';
import type { PseTier } from '../../db/schema.js';
import { AppError } from '../../errors.js';
import { recordAuditEvent } from '../audit/service.js';
import { auditActor, type Actor, type RequestContext } from '../identity/actor.js';
import { invite } from '../identity/links.js';
import { enqueueEmail } from '../outbox/service.js';
import * as repo from './repo.js';

export interface RegistrationInput {
  kind: 'csp' | 'pse';
  name: string;
  shortName?: string | null;
  parentId?: string | null;
  pseTier?: PseTier | null;
  contactName: string;
  contactEmail: string;
  message?: string | null;
}

/** The admin role a registered organization's contact is invited with. */
const ADMIN_ROLE = { csp: 'csp_admin', pse: 'pse_admin' } as const;

/**
 * A CSP or PSE asks to be registered: the organization is kept as "pending" until an officer
 * decides. Anyone may ask (no sign-in); the contact is told by e-mail that the request arrived.
 */
export async function requestRegistration(
  ctx: AppContext,
  input: RegistrationInput,
  request: RequestContext,
): Promise<repo.OrganizationRow> {
  const name = input.name.trim().replace(/\s+/g, ' ');
  if (input.kind !== 'pse' && (input.parentId || input.pseTier)) {
    throw AppError.badRequest(
      'parent_not_allowed',
      'Only public service entities have a parent organization or a tier.',
    );
  }
  if (input.parentId) {
    const parent = await repo.findOrganization(ctx.db, input.parentId);
    if (parent?.kind !== 'pse' || parent.status !== 'active') {
      throw AppError.badRequest(
        'parent_not_found',
        `There is no registered public service entity ${JSON.stringify(input.parentId)}.`,
      );
    }
  }
  const id = randomUUID();
  const at = ctx.clock.now().toISOString();
  await ctx.db.transaction().execute(async (trx) => {
    const existing = await repo.findByName(trx, input.kind, name);
    if (existing && existing.status !== 'declined') {
      throw AppError.conflict(
        'organization_exists',
        existing.status === 'pending'
          ? `A request to register "${name}" is already waiting for a decision.`
          : `"${name}" is already registered; ask its administrator to invite you.`,
      );
    }
    if (existing) {
      // A declined request may be made again: the old record is renamed out of the way.
      await repo.updateOrganization(trx, existing.id, {
        name_key: `${existing.name_key} (declined ${existing.id})`,
      });
    }
    await repo.insertOrganization(trx, {
      id,
      kind: input.kind,
      name,
      short_name: input.shortName ?? null,
      parent_id: input.parentId ?? null,
      pse_tier: input.pseTier ?? null,
      status: 'pending',
      contact_email: input.contactEmail.trim().toLowerCase(),
      contact_name: input.contactName.trim(),
      registration_note: input.message?.trim() || null,
      created_at: at,
    });
    await enqueueEmail(
      trx,
      {
        to: input.contactEmail.trim().toLowerCase(),
        subject: `Cloud Office received the request to register ${name}`,
        text:
          `Dear ${input.contactName.trim()},\n\nThe Cloud Office received your request to register ${name}. ` +
          `Its reference is ${id}. An officer will review it; you will hear from us by e-mail when it is decided.`,
      },
      ctx.clock,
    );
    await recordAuditEvent(
      trx,
      {
        actor: { email: input.contactEmail.trim().toLowerCase() },
        action: 'organization.request_registration',
        outcome: 'success',
        target: { type: 'organization', id },
        summary: { after: { kind: input.kind, name, contactEmail: input.contactEmail } },
        requestId: request.requestId,
      },
      ctx.clock,
    );
  });
  const created = await repo.findOrganization(ctx.db, id);
  if (!created) throw new Error('the registered organization vanished');
  return created;
}

/**
 * An officer approves or declines a pending registration. On approval the organization becomes
 * active and, if the officer may manage users, its contact is invited as its administrator.
 */
export async function decideRegistration(
  ctx: AppContext,
  actor: Actor,
  id: string,
  decision: { approve: boolean; note?: string | null },
  request: RequestContext,
): Promise<{ organization: repo.OrganizationRow; invitedContact: boolean }> {
  const organization = await repo.findOrganization(ctx.db, id);
  if (!organization) throw AppError.notFound(`There is no organization ${JSON.stringify(id)}.`);
  if (organization.status !== 'pending') {
    throw AppError.conflict(
      'not_pending',
      `"${organization.name}" is ${organization.status}; only a pending registration can be decided.`,
    );
  }
  const status = decision.approve ? 'active' : 'declined';
  await ctx.db.transaction().execute(async (trx) => {
    await repo.updateOrganization(trx, id, {
      status,
      decision_note: decision.note?.trim() || null,
      updated_at: ctx.clock.now().toISOString(),
    });
    if (!decision.approve && organization.contact_email) {
      await enqueueEmail(
        trx,
        {
          to: organization.contact_email,
          subject: `The request to register ${organization.name} was declined`,
          text:
            `The Cloud Office declined the request to register ${organization.name} (reference ${id}).` +
            (decision.note ? `\n\nReason: ${decision.note.trim()}` : ''),
        },
        ctx.clock,
      );
    }
    await recordAuditEvent(
      trx,
      {
        actor: auditActor(actor, 'manage_organizations'),
        action: decision.approve
          ? 'organization.approve_registration'
          : 'organization.decline_registration',
        outcome: 'success',
        target: { type: 'organization', id },
        summary: { before: { status: 'pending' }, after: { status, note: decision.note ?? null } },
        requestId: request.requestId,
      },
      ctx.clock,
    );
  });
  let invitedContact = false;
  const kind = organization.kind;
  if (
    decision.approve &&
    organization.contact_email &&
    actor.powers.has('manage_users') &&
    (kind === 'csp' || kind === 'pse')
  ) {
    try {
      await invite(
        ctx,
        actor,
        {
          organizationId: id,
          email: organization.contact_email,
          displayName: organization.contact_name ?? organization.contact_email,
          role: ADMIN_ROLE[kind],
        },
        request,
      );
      invitedContact = true;
    } catch (error) {
      // The contact already has an account elsewhere: the approval stands; an officer invites someone else.
      if (!(error instanceof AppError && error.code === 'email_taken')) throw error;
    }
  }
  const decided = await repo.findOrganization(ctx.db, id);
  if (!decided) throw new Error('the decided organization vanished');
  return { organization: decided, invitedContact };
}
