import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.js';
import type { Actor } from '../identity/actor.js';
import type { Role } from '../identity/roles.js';
import { ALL_ROLES } from '../identity/roles.js';

/**
 * Who may upload and read documents at all: every role but the Cloud Board's, whose members see
 * dashboards, not providers' contracts and evidence.
 */
export const DOCUMENT_ROLES: readonly Role[] = ALL_ROLES.filter((role) => role !== 'board_member');

/**
 * Whether an actor may read a document owned by `organizationId`: its organization's users, Cloud
 * Office officers, and the auditors of a firm assessing one of that organization's applications
 * now (they read its evidence; the access ends when the assessment does). Routes that name a
 * document also pass the tenant check of identity/access.ts, whose `document` owner lookup in
 * identity/resources.ts names the same firms.
 */
export async function mayReadDocument(
  db: Kysely<Database>,
  actor: Actor,
  organizationId: string,
): Promise<boolean> {
  if (actor.organizationId === organizationId) return true;
  if (actor.organizationKind === 'cloud_office') return actor.role === 'officer';
  if (actor.organizationKind !== 'audit_firm') return false;
  const assessing = await db
    .selectFrom('accreditation_applications')
    .select('id')
    .where('csp_organization_id', '=', organizationId)
    .where('audit_firm_id', '=', actor.organizationId)
    .where('status', '=', 'in_assessment')
    .executeTakeFirst();
  return assessing !== undefined;
}

/** The organization whose documents an actor's lists are limited to; undefined: any. */
export function listScope(actor: Actor): string | undefined {
  return actor.organizationKind === 'cloud_office' && actor.role === 'officer'
    ? undefined
    : actor.organizationId;
}
