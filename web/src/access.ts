import type { Me, OrganizationKind } from './api';

/**
 * What the portal offers a user, from the session's `me`. The server decides (every route checks
 * for itself); these only keep the portal from showing what would be refused. They mirror
 * src/features/identity/roles.ts and the access rules of the routes.
 */

export const ROLES_BY_KIND: Record<OrganizationKind, readonly string[]> = {
  cloud_office: ['officer', 'board_member'],
  csp: ['csp_admin', 'csp_security_officer', 'csp_staff'],
  pse: ['pse_admin', 'pse_data_owner', 'pse_staff'],
  audit_firm: ['audit_firm_admin', 'auditor'],
};

const ORGANIZATION_ADMIN_ROLES: readonly string[] = ['csp_admin', 'pse_admin', 'audit_firm_admin'];
/** The provider roles that describe offerings and apply for accreditation. */
const CSP_APPLICANT_ROLES: readonly string[] = ['csp_admin', 'csp_security_officer'];

export function isOfficeStaff(me: Me): boolean {
  return me.organization.kind === 'cloud_office';
}

export function hasPower(me: Me, power: string): boolean {
  return isOfficeStaff(me) && me.powers.includes(power);
}

export const may = {
  manageOrganizations: (me: Me) => hasPower(me, 'manage_organizations'),
  viewAppointments: (me: Me) => isOfficeStaff(me),
  manageAppointments: (me: Me) => hasPower(me, 'manage_appointments'),
  viewAuditTrail: (me: Me) => hasPower(me, 'view_audit_trail'),
  /** Officers with manage_users anywhere; an organization's admin in their own organization. */
  manageUsersOf: (me: Me, organizationId: string) =>
    isOfficeStaff(me)
      ? me.powers.includes('manage_users')
      : me.organization.id === organizationId && ORGANIZATION_ADMIN_ROLES.includes(me.role),
  /** Whether the user may invite anyone at all (to show the invitation form). */
  invite: (me: Me) =>
    isOfficeStaff(me)
      ? me.powers.includes('manage_users')
      : ORGANIZATION_ADMIN_ROLES.includes(me.role),
  /** Offerings: the Cloud Office sees every provider's, a provider its own. */
  viewOfferings: (me: Me) => isOfficeStaff(me) || me.organization.kind === 'csp',
  /** src/features/offerings/service.ts: OFFERING_EDITOR_ROLES, or officers with manage_organizations. */
  editOfferings: (me: Me) =>
    isOfficeStaff(me)
      ? hasPower(me, 'manage_organizations')
      : me.organization.kind === 'csp' && CSP_APPLICANT_ROLES.includes(me.role),
  /** Opening and submitting applications (workflow.ts: APPLICANT_ROLES). */
  applyForAccreditation: (me: Me) =>
    me.organization.kind === 'csp' && CSP_APPLICANT_ROLES.includes(me.role),
  /** Answering controls (accreditation/service.ts: RESPONDER_ROLES): every provider role. */
  answerControls: (me: Me) => me.organization.kind === 'csp',
  /** Applications: officers all, a provider its own, an audit firm those assigned to it. */
  viewApplications: (me: Me) => me.organization.kind !== 'pse',
  /** PSE systems (issue 6): officers see all, a public body its own. */
  viewSystems: (me: Me) => isOfficeStaff(me) || me.organization.kind === 'pse',
  /** placement/systems-service.ts: SYSTEM_EDITOR_ROLES (every PSE role). */
  editSystems: (me: Me) => me.organization.kind === 'pse',
  /** placement/systems-service.ts: SYSTEM_ARCHIVER_ROLES. */
  archiveSystems: (me: Me) =>
    me.organization.kind === 'pse' && ['pse_admin', 'pse_data_owner'].includes(me.role),
  /** The officers' view of systems out of policy. */
  viewPlacements: (me: Me) => isOfficeStaff(me),
  /** Re-evaluating every placement (placement-routes.ts). */
  reevaluatePlacements: (me: Me) =>
    hasPower(me, 'manage_organizations') || hasPower(me, 'decide_exemption'),
  /** Breaches (issue 7): officers see every organization's, a provider or public body its own. */
  viewBreaches: (me: Me) => me.organization.kind !== 'audit_firm',
  /** The incident dashboard: officers of the Cloud Office. */
  viewIncidentDashboard: (me: Me) => isOfficeStaff(me),
  /** Webhook subscriptions and deliveries (notifications/routes.ts): manage_office. */
  manageNotifications: (me: Me) => hasPower(me, 'manage_office'),
  /**
   * Incidents, report requests and response actions (issue 7): the Cloud Office sees every
   * organization's, a provider or public body its own.
   */
  viewIncidents: (me: Me) => me.organization.kind !== 'audit_firm',
  /** Any provider or public body user reports a breach (incidents/routes.ts). */
  reportIncident: (me: Me) => me.organization.kind === 'csp' || me.organization.kind === 'pse',
};
