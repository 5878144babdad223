import { randomUUID } from 'node:crypto';
import type { AppContext } from '../../context.js';
import type { OrganizationKind, OrganizationStatus, PseTier } from '../../db/schema.js';
import { AppError } from '../../errors.js';
import { recordAuditEvent } from '../audit/service.js';
import { auditActor, isOfficeStaff, type Actor, type RequestContext } from '../identity/actor.js';
import * as repo from './repo.js';

export interface OrganizationInput {
  kind: Exclude<OrganizationKind, 'cloud_office'>;
  name: string;
  shortName?: string | null;
  parentId?: string | null;
  pseTier?: PseTier | null;
  contactEmail?: string | null;
}

export interface OrganizationPatch {
  name?: string;
  shortName?: string | null;
  parentId?: string | null;
  pseTier?: PseTier | null;
  contactEmail?: string | null;
  status?: Extract<OrganizationStatus, 'active' | 'archived'>;
}

/** Organizations a user may see: all of them in the Cloud Office, their own elsewhere. */
export function list(
  ctx: AppContext,
  actor: Actor,
  filter: repo.OrganizationFilter,
  page: { limit: number; offset: number; sort: repo.OrganizationSort },
) {
  return repo.listOrganizations(
    ctx.db,
    isOfficeStaff(actor) ? filter : { ...filter, onlyId: actor.organizationId },
    page,
  );
}

export async function get(ctx: AppContext, id: string) {
  const row = await repo.findOrganization(ctx.db, id);
  if (!row) throw AppError.notFound(`There is no organization ${JSON.stringify(id)}.`);
  return row;
}

/** Checks a PSE's parent: it must exist, be a PSE, and not be the organization itself or below it. */
async function checkParent(
  ctx: AppContext,
  kind: OrganizationKind,
  parentId: string | null | undefined,
  selfId?: string,
) {
  if (parentId === null || parentId === undefined) return;
  if (kind !== 'pse') {
    throw AppError.badRequest(
      'parent_not_allowed',
      'Only public service entities have a parent organization.',
    );
  }
  const chain = await repo.ancestors(ctx.db, parentId);
  const parent = chain[0];
  if (!parent)
    throw AppError.badRequest(
      'parent_not_found',
      `There is no organization ${JSON.stringify(parentId)} to be the parent.`,
    );
  if (parent.kind !== 'pse') {
    throw AppError.badRequest(
      'parent_not_pse',
      `The parent "${parent.name}" is not a public service entity.`,
    );
  }
  if (selfId !== undefined && chain.some((row) => row.id === selfId)) {
    throw AppError.badRequest(
      'parent_cycle',
      `"${parent.name}" is within this organization; a parent cannot be its own descendant.`,
    );
  }
}

/** Creates a CSP, PSE or audit firm directly (an officer's act; it is active at once). */
export async function create(ctx: AppContext, input: OrganizationInput, request: RequestContext) {
  const name = input.name.trim().replace(/\s+/g, ' ');
  await checkParent(ctx, input.kind, input.parentId);
  if (input.kind !== 'pse' && input.pseTier) {
    throw AppError.badRequest(
      'tier_not_allowed',
      'Only public service entities have a tier (ministry, division, ...).',
    );
  }
  const at = ctx.clock.now().toISOString();
  const id = randomUUID();
  await ctx.db.transaction().execute(async (trx) => {
    if (await repo.findByName(trx, input.kind, name)) {
      throw AppError.conflict(
        'organization_exists',
        `There is already an organization of this kind named "${name}".`,
      );
    }
    await repo.insertOrganization(trx, {
      id,
      kind: input.kind,
      name,
      short_name: input.shortName ?? null,
      parent_id: input.parentId ?? null,
      pse_tier: input.pseTier ?? null,
      status: 'active',
      contact_email: input.contactEmail ?? null,
      created_at: at,
    });
    await recordAuditEvent(
      trx,
      {
        actor: auditActor(request.actor, 'manage_organizations'),
        action: 'organization.create',
        outcome: 'success',
        target: { type: 'organization', id },
        summary: { after: { kind: input.kind, name, parentId: input.parentId ?? null } },
        requestId: request.requestId,
      },
      ctx.clock,
    );
  });
  return get(ctx, id);
}

export async function update(
  ctx: AppContext,
  id: string,
  patch: OrganizationPatch,
  request: RequestContext,
) {
  const before = await get(ctx, id);
  if (before.kind === 'cloud_office' && patch.status === 'archived') {
    throw AppError.badRequest(
      'cannot_archive_office',
      'The Cloud Office itself cannot be archived.',
    );
  }
  if (patch.parentId !== undefined) await checkParent(ctx, before.kind, patch.parentId, id);
  if (patch.pseTier && before.kind !== 'pse') {
    throw AppError.badRequest(
      'tier_not_allowed',
      'Only public service entities have a tier (ministry, division, ...).',
    );
  }
  const name = patch.name?.trim().replace(/\s+/g, ' ');
  const changes = {
    ...(name !== undefined && { name, name_key: repo.nameKey(name) }),
    ...(patch.shortName !== undefined && { short_name: patch.shortName }),
    ...(patch.parentId !== undefined && { parent_id: patch.parentId }),
    ...(patch.pseTier !== undefined && { pse_tier: patch.pseTier }),
    ...(patch.contactEmail !== undefined && { contact_email: patch.contactEmail }),
    ...(patch.status !== undefined && { status: patch.status }),
  };
  if (Object.keys(changes).length === 0) return before;
  await ctx.db.transaction().execute(async (trx) => {
    if (
      name !== undefined &&
      repo.nameKey(name) !== before.name_key &&
      (await repo.findByName(trx, before.kind, name))
    ) {
      throw AppError.conflict(
        'organization_exists',
        `There is already an organization of this kind named "${name}".`,
      );
    }
    await repo.updateOrganization(trx, id, {
      ...changes,
      updated_at: ctx.clock.now().toISOString(),
    });
    const changed = Object.keys(changes).filter(
      (key) => key !== 'name_key',
    ) as (keyof typeof before)[];
    await recordAuditEvent(
      trx,
      {
        actor: auditActor(request.actor, 'manage_organizations'),
        action: 'organization.update',
        outcome: 'success',
        target: { type: 'organization', id },
        summary: {
          before: Object.fromEntries(changed.map((key) => [key, before[key]])),
          after: Object.fromEntries(
            changed.map((key) => [key, (changes as Record<string, unknown>)[key]]),
          ),
        },
        requestId: request.requestId,
      },
      ctx.clock,
    );
  });
  return get(ctx, id);
}
