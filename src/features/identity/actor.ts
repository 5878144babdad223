import type { OrganizationKind } from '../../db/schema.js';
import type { AuditActor } from '../audit/service.js';
import type { HeldAppointment, Power } from '../office/positions.js';
import type { Role } from './roles.js';

/** Who is making a request, resolved once per request by the access hook. */
export interface Actor {
  userId: string;
  email: string;
  displayName: string;
  role: Role;
  organizationId: string;
  organizationKind: OrganizationKind;
  organizationName: string;
  /** Posts held today (officers only), own and additional charge. */
  appointments: readonly HeldAppointment[];
  /** Powers from those posts. */
  powers: ReadonlySet<Power>;
  /** How the request proved who it is. */
  via: 'session' | 'token';
  sessionId: string | null;
  /** The personal API token of a request made with one. */
  apiTokenId: string | null;
  /**
   * Whether the request is past the second factor: the session passed it, or the user has none
   * enrolled (always true for tokens, which need it to be made).
   */
  secondFactor: boolean;
  /** Whether the user has a TOTP authenticator enrolled. */
  secondFactorEnrolled: boolean;
  /** A Cloud Office user without TOTP: until enrolled, they may only enrol or sign out. */
  secondFactorEnrolmentRequired: boolean;
}

/** What a service needs to know about the request it serves, for rules and the audit trail. */
export interface RequestContext {
  actor: Actor | null;
  requestId: string | null;
}

/** The position under which an actor acts when using `power`: the highest-ranked post granting it. */
export function positionFor(actor: Actor | null, power?: Power): string | null {
  if (!actor || actor.appointments.length === 0) return null;
  const granting = power
    ? actor.appointments.filter((a) => a.powers.includes(power))
    : actor.appointments;
  const chosen = granting[0] ?? actor.appointments[0];
  if (!chosen) return null;
  return chosen.additionalCharge
    ? `${chosen.positionTitle} (additional charge)`
    : chosen.positionTitle;
}

export function isOfficeStaff(actor: Actor): boolean {
  return actor.organizationKind === 'cloud_office';
}

/**
 * Who must use the second factor: everyone in the Cloud Office (officers and board members), who
 * see every organization's records. Others may enrol if they wish.
 */
export function mustUseSecondFactor(organizationKind: OrganizationKind): boolean {
  return organizationKind === 'cloud_office';
}

/** The actor as the audit trail records it, under the post that grants `power`. */
export function auditActor(actor: Actor | null, power?: Power): AuditActor {
  if (!actor) return {};
  return {
    userId: actor.userId,
    email: actor.email,
    organizationId: actor.organizationId,
    position: positionFor(actor, power),
  };
}
