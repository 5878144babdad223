import type { Actor } from '../identity/actor.js';
import type { Role } from '../identity/roles.js';
import { ALL_ROLES } from '../identity/roles.js';

/**
 * Who may upload and read documents at all: every role but the Cloud Board's, whose members see
 * dashboards, not providers' contracts and evidence.
 */
export const DOCUMENT_ROLES: readonly Role[] = ALL_ROLES.filter((role) => role !== 'board_member');

/**
 * Whether an actor may read a document owned by `organizationId`: its organization's users and
 * Cloud Office officers. Routes that name a document also pass the tenant check of
 * identity/access.ts (through the `document` owner lookup in identity/resources.ts), which
 * answers 404 to other organizations before this runs.
 *
 * The place to widen access later, e.g. to the audit firm assigned to an application that holds
 * the document: add the rule here (it may become async and take the database), and make the
 * `document` owner lookup name that firm as well so the tenant check lets its users through.
 */
export function mayReadDocument(actor: Actor, organizationId: string): boolean {
  if (actor.organizationId === organizationId) return true;
  return actor.organizationKind === 'cloud_office' && actor.role === 'officer';
}

/** The organization whose documents an actor's lists are limited to; undefined: any. */
export function listScope(actor: Actor): string | undefined {
  return actor.organizationKind === 'cloud_office' && actor.role === 'officer'
    ? undefined
    : actor.organizationId;
}
