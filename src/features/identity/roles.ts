import type { OrganizationKind } from '../../db/schema.js';

/**
 * The roles a user may have, by the kind of organization they belong to. In the Cloud Office the
 * role only says "officer" or "board member": what an officer may do comes from positions.
 */
export const ROLES_BY_KIND = {
  cloud_office: ['officer', 'board_member'],
  csp: ['csp_admin', 'csp_security_officer', 'csp_staff'],
  pse: ['pse_admin', 'pse_data_owner', 'pse_staff'],
  audit_firm: ['audit_firm_admin', 'auditor'],
} as const satisfies Record<OrganizationKind, readonly string[]>;

export type Role = (typeof ROLES_BY_KIND)[OrganizationKind][number];

export const ALL_ROLES: readonly Role[] = Object.values(ROLES_BY_KIND).flat();

/** Roles that administer their own organization's users. */
export const ORGANIZATION_ADMIN_ROLES: readonly Role[] = [
  'csp_admin',
  'pse_admin',
  'audit_firm_admin',
];

export function isRoleOf(kind: OrganizationKind, role: string): role is Role {
  return (ROLES_BY_KIND[kind] as readonly string[]).includes(role);
}
