import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { AppContext } from '../../context.js';
import { firstApplicationFor } from '../accreditation/repo.js';
import type { Database, DeploymentModel, ServiceModel } from '../../db/schema.js';
import { isUniqueViolation } from '../../db/errors.js';
import { AppError, type ProblemIssue } from '../../errors.js';
import { recordAuditEvent } from '../audit/service.js';
import { documentOrganization } from '../documents/repo.js';
import { auditActor, isOfficeStaff, type Actor, type RequestContext } from '../identity/actor.js';
import type { Role } from '../identity/roles.js';
import { findOrganization } from '../organizations/repo.js';
import { reevaluateSystemsOnOffering } from '../placement/decisions-service.js';
import * as repo from './repo.js';
import { describeIssues, listIssues, type OfferingLists } from './validation.js';

/** The CSP roles that may describe their organization's offerings. */
export const OFFERING_EDITOR_ROLES: readonly Role[] = ['csp_admin', 'csp_security_officer'];

export interface OfferingInput extends OfferingLists {
  /** The provider; CSP users may leave it out (their own), officers must name one. */
  organizationId?: string;
  name: string;
  description: string;
  serviceModel: ServiceModel;
  deploymentModel: DeploymentModel;
  website?: string | null;
}

export interface OfferingPatch extends Partial<OfferingLists> {
  name?: string;
  description?: string;
  serviceModel?: ServiceModel;
  deploymentModel?: DeploymentModel;
  website?: string | null;
}

function tidy(name: string): string {
  return name.trim().replace(/\s+/g, ' ');
}

/**
 * Who may change offerings: a CSP's administrator or security officer for their own
 * organization (the tenant check of the route keeps them to it), and Cloud Office officers who
 * hold manage_organizations today, for any CSP.
 */
function checkMayEdit(actor: Actor): void {
  if (isOfficeStaff(actor)) {
    if (actor.role !== 'officer' || !actor.powers.has('manage_organizations')) {
      throw new AppError(
        403,
        'forbidden',
        'Describing offerings for a provider needs the power "manage_organizations"; you hold no post that grants it today.',
      );
    }
    return;
  }
  if (actor.organizationKind !== 'csp' || !OFFERING_EDITOR_ROLES.includes(actor.role)) {
    throw new AppError(
      403,
      'forbidden',
      `Your role (${actor.role}) may not change offerings; it needs one of: ${OFFERING_EDITOR_ROLES.join(', ')}.`,
    );
  }
}

/** Refuses lists that fail the pure checks, or name documents of another organization. */
async function checkLists(
  db: Kysely<Database>,
  organizationId: string,
  lists: Partial<OfferingLists>,
): Promise<void> {
  const issues: ProblemIssue[] = listIssues(lists);
  for (const [index, certification] of (lists.certifications ?? []).entries()) {
    const documentId = certification.documentId;
    if (documentId === undefined || documentId === null) continue;
    // A document of another organization is described exactly as a missing one.
    if ((await documentOrganization(db, documentId)) !== organizationId) {
      issues.push({
        in: 'body',
        pointer: `/certifications/${index}/documentId`,
        message: `must be a document uploaded by this provider (got ${JSON.stringify(documentId)}, which is none of its documents)`,
      });
    }
  }
  if (issues.length > 0)
    throw AppError.badRequest('validation_failed', describeIssues(issues), issues);
}

/** The provider an offering is created for, checked against the actor. */
async function providerFor(ctx: AppContext, actor: Actor, requested: string | undefined) {
  if (!isOfficeStaff(actor)) {
    // Naming another provider looks exactly like naming one that does not exist.
    if (requested !== undefined && requested !== actor.organizationId) {
      throw AppError.notFound(`There is no cloud service provider ${JSON.stringify(requested)}.`);
    }
    return actor.organizationId;
  }
  if (requested === undefined) {
    throw AppError.badRequest(
      'validation_failed',
      'Say which cloud service provider the offering belongs to (organizationId).',
      [
        {
          in: 'body',
          pointer: '/organizationId',
          message: 'is required for Cloud Office officers',
        },
      ],
    );
  }
  const organization = await findOrganization(ctx.db, requested);
  if (!organization) {
    throw AppError.notFound(`There is no cloud service provider ${JSON.stringify(requested)}.`);
  }
  if (organization.kind !== 'csp') {
    throw AppError.badRequest(
      'organization_not_csp',
      `"${organization.name}" is not a cloud service provider; only providers have offerings.`,
      [{ in: 'body', pointer: '/organizationId', message: 'must be a cloud service provider' }],
    );
  }
  return organization.id;
}

function nameTaken(name: string): AppError {
  return AppError.conflict(
    'offering_exists',
    `This provider already has an offering named "${name}" (names are compared ignoring case).`,
  );
}

/** Runs `work` in a transaction, turning a unique-name race lost to another writer into a 409. */
async function writing<T>(
  ctx: AppContext,
  name: string,
  work: (trx: Kysely<Database>) => Promise<T>,
): Promise<T> {
  try {
    return await ctx.db.transaction().execute(work);
  } catch (error) {
    if (isUniqueViolation(error)) throw nameTaken(name);
    throw error;
  }
}

/** The lists as the audit trail records them: enough to see what changed, not every field. */
function listSummary(lists: {
  locations?: readonly { country: string; city: string; purpose: string }[];
  certifications?: readonly { scheme: string; expiresOn: string }[];
  contacts?: readonly { role: string; email: string }[];
}) {
  return {
    ...(lists.locations && {
      locations: lists.locations.map((l) => `${l.country} ${l.city} (${l.purpose})`),
    }),
    ...(lists.certifications && {
      certifications: lists.certifications.map((c) => `${c.scheme} until ${c.expiresOn}`),
    }),
    ...(lists.contacts && { contacts: lists.contacts.map((c) => `${c.role}: ${c.email}`) }),
  };
}

/** Creates an offering with its lists, audited, in one transaction. */
export async function create(
  ctx: AppContext,
  actor: Actor,
  input: OfferingInput,
  request: RequestContext,
): Promise<repo.OfferingRecord> {
  checkMayEdit(actor);
  const organizationId = await providerFor(ctx, actor, input.organizationId);
  const name = tidy(input.name);
  await checkLists(ctx.db, organizationId, input);
  const id = randomUUID();
  const at = ctx.clock.now().toISOString();
  await writing(ctx, name, async (trx) => {
    if (await repo.findByName(trx, organizationId, name)) throw nameTaken(name);
    await repo.insertOffering(trx, {
      id,
      organization_id: organizationId,
      name,
      description: input.description.trim(),
      service_model: input.serviceModel,
      deployment_model: input.deploymentModel,
      website: input.website ?? null,
      created_at: at,
      created_by_user_id: actor.userId,
      updated_at: at,
      updated_by_user_id: actor.userId,
    });
    await repo.replaceLists(trx, id, input);
    await recordAuditEvent(
      trx,
      {
        actor: auditActor(actor, 'manage_organizations'),
        action: 'offering.create',
        outcome: 'success',
        target: { type: 'offering', id },
        summary: {
          after: {
            organizationId,
            name,
            serviceModel: input.serviceModel,
            deploymentModel: input.deploymentModel,
            ...listSummary(input),
          },
        },
        requestId: request.requestId,
      },
      ctx.clock,
    );
  });
  return get(ctx, id);
}

/** One offering; the route's tenant check has already kept other providers' users out. */
export async function get(ctx: AppContext, id: string): Promise<repo.OfferingRecord> {
  const record = await repo.loadOffering(ctx.db, id);
  if (!record) throw AppError.notFound(`There is no offering ${JSON.stringify(id)}.`);
  return record;
}

/** Offerings a user may see: all of them in the Cloud Office, their own provider's elsewhere. */
export function list(
  ctx: AppContext,
  actor: Actor,
  filter: repo.OfferingFilter,
  page: { limit: number; offset: number; sort: repo.OfferingSort },
) {
  return repo.listOfferings(
    ctx.db,
    isOfficeStaff(actor) ? filter : { ...filter, onlyOrganizationId: actor.organizationId },
    page,
  );
}

/** Offerings of every provider, for the shell (which reads the database directly anyway). */
export function listAll(
  ctx: AppContext,
  filter: repo.OfferingFilter,
  page: { limit: number; offset: number; sort: repo.OfferingSort },
) {
  return repo.listOfferings(ctx.db, filter, page);
}

/**
 * Changes an offering. Lists given replace the stored ones whole; everything (row, lists, audit
 * event) is written in one transaction after every check passed, so a refusal stores nothing.
 */
export async function update(
  ctx: AppContext,
  actor: Actor,
  id: string,
  patch: OfferingPatch,
  request: RequestContext,
): Promise<repo.OfferingRecord> {
  checkMayEdit(actor);
  const before = await get(ctx, id);
  const organizationId = before.offering.organization_id;
  await checkLists(ctx.db, organizationId, patch);
  const name = patch.name === undefined ? undefined : tidy(patch.name);
  const changes = {
    ...(name !== undefined && { name, name_key: repo.nameKey(name) }),
    ...(patch.description !== undefined && { description: patch.description.trim() }),
    ...(patch.serviceModel !== undefined && { service_model: patch.serviceModel }),
    ...(patch.deploymentModel !== undefined && { deployment_model: patch.deploymentModel }),
    ...(patch.website !== undefined && { website: patch.website }),
  };
  const lists: Partial<OfferingLists> = {
    ...(patch.locations && { locations: patch.locations }),
    ...(patch.certifications && { certifications: patch.certifications }),
    ...(patch.contacts && { contacts: patch.contacts }),
  };
  await writing(ctx, name ?? before.offering.name, async (trx) => {
    if (name !== undefined && repo.nameKey(name) !== before.offering.name_key) {
      if (await repo.findByName(trx, organizationId, name)) throw nameTaken(name);
    }
    await repo.updateOffering(trx, id, {
      ...changes,
      updated_at: ctx.clock.now().toISOString(),
      updated_by_user_id: actor.userId,
    });
    await repo.replaceLists(trx, id, lists);
    // What placement reads changed (data centres, models): the systems on it are decided again.
    if (
      lists.locations !== undefined ||
      changes.service_model !== undefined ||
      changes.deployment_model !== undefined
    ) {
      await reevaluateSystemsOnOffering(ctx, trx, id, 'offering_changed', {
        actor: auditActor(actor, 'manage_organizations'),
        requestId: request.requestId,
      });
    }
    const changed = Object.keys(changes).filter(
      (key) => key !== 'name_key',
    ) as (keyof typeof before.offering)[];
    await recordAuditEvent(
      trx,
      {
        actor: auditActor(actor, 'manage_organizations'),
        action: 'offering.update',
        outcome: 'success',
        target: { type: 'offering', id },
        summary: {
          before: {
            ...Object.fromEntries(changed.map((key) => [key, before.offering[key]])),
            ...listSummary({
              ...(lists.locations && { locations: before.locations }),
              ...(lists.certifications && {
                certifications: before.certifications.map((c) => ({
                  scheme: c.scheme,
                  expiresOn: c.expires_on,
                })),
              }),
              ...(lists.contacts && { contacts: before.contacts }),
            }),
          },
          after: {
            ...Object.fromEntries(
              changed.map((key) => [key, (changes as Record<string, unknown>)[key]]),
            ),
            ...listSummary(lists),
          },
        },
        requestId: request.requestId,
      },
      ctx.clock,
    );
  });
  return get(ctx, id);
}

/** Deletes an offering, audited. */
export async function remove(
  ctx: AppContext,
  actor: Actor,
  id: string,
  request: RequestContext,
): Promise<void> {
  checkMayEdit(actor);
  const before = await get(ctx, id);
  await ctx.db.transaction().execute(async (trx) => {
    // An offering that has applied for accreditation stays on record (its history and the
    // register refer to it). Checked inside this transaction, so that an application created
    // meanwhile is seen.
    const application = await firstApplicationFor(trx, id);
    if (application) {
      throw AppError.conflict(
        'offering_has_applications',
        `${before.offering.name} has an accreditation application (${application.id}, ${application.status}); ` +
          'an offering that has applied for accreditation cannot be deleted.',
      );
    }
    await repo.deleteOffering(trx, id);
    // A system still recorded on it now runs on an offering that is not on record.
    await reevaluateSystemsOnOffering(ctx, trx, id, 'offering_deleted', {
      actor: auditActor(actor, 'manage_organizations'),
      requestId: request.requestId,
    });
    await recordAuditEvent(
      trx,
      {
        actor: auditActor(actor, 'manage_organizations'),
        action: 'offering.delete',
        outcome: 'success',
        target: { type: 'offering', id },
        summary: {
          before: {
            organizationId: before.offering.organization_id,
            name: before.offering.name,
            serviceModel: before.offering.service_model,
            deploymentModel: before.offering.deployment_model,
          },
        },
        requestId: request.requestId,
      },
      ctx.clock,
    );
  });
}
