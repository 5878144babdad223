/**
 * What an officer of the Cloud Office may do comes from the positions they hold on the day, not
 * from a role on their account: handing a post over moves its powers with it.
 */
export const POWERS = [
  'manage_office',
  'manage_organizations',
  'manage_users',
  'manage_appointments',
  'view_audit_trail',
  'manage_catalogs',
  'propose_security_level',
  'approve_security_level',
  'propose_policy',
  'approve_policy',
  'review_accreditation',
  'assign_audit',
  'review_legal',
  'decide_accreditation',
  'review_exemption',
  'decide_exemption',
  'request_incident_report',
  'order_response_action',
  'manage_incidents',
] as const;

export type Power = (typeof POWERS)[number];

export interface PositionDefinition {
  code: string;
  title: string;
  rank: number;
  powers: readonly Power[];
}

/**
 * The positions of the office as the reference policy sets it up (PCFP: DG Cloud, four Directors,
 * two Joint Directors). They are data: an office edits titles and powers after setup.
 */
export const DEFAULT_POSITIONS: readonly PositionDefinition[] = [
  { code: 'dg_cloud', title: 'DG Cloud', rank: 1, powers: POWERS },
  {
    code: 'director_cloud_adoption',
    title: 'Director Cloud Adoption',
    rank: 2,
    powers: [
      'manage_organizations',
      'manage_users',
      'view_audit_trail',
      'propose_policy',
      'review_accreditation',
      'review_exemption',
      'request_incident_report',
    ],
  },
  {
    code: 'director_legal_procurement',
    title: 'Director Legal & Procurement',
    rank: 2,
    powers: ['view_audit_trail', 'review_legal'],
  },
  {
    code: 'director_audits',
    title: 'Director Audits',
    rank: 2,
    powers: [
      'view_audit_trail',
      'assign_audit',
      'request_incident_report',
      'order_response_action',
      'manage_incidents',
    ],
  },
  {
    code: 'director_infrastructure_operations',
    title: 'Director Infrastructure & Operations',
    rank: 2,
    powers: [
      'view_audit_trail',
      'manage_catalogs',
      'propose_security_level',
      'request_incident_report',
      'order_response_action',
      'manage_incidents',
    ],
  },
  {
    code: 'joint_director_audits',
    title: 'Joint Director Audits',
    rank: 3,
    powers: ['view_audit_trail', 'request_incident_report', 'manage_incidents'],
  },
  {
    code: 'joint_director_cloud_adoption',
    title: 'Joint Director Cloud Adoption',
    rank: 3,
    powers: ['manage_organizations', 'view_audit_trail', 'review_accreditation'],
  },
];

export interface HeldAppointment {
  positionCode: string;
  positionTitle: string;
  powers: readonly Power[];
  startsOn: string;
  endsOn: string | null;
  additionalCharge: boolean;
}

/** The appointments in force on `day` (YYYY-MM-DD, both ends inclusive). */
export function appointmentsOn(
  appointments: readonly HeldAppointment[],
  day: string,
): HeldAppointment[] {
  return appointments.filter((a) => a.startsOn <= day && (a.endsOn === null || day <= a.endsOn));
}

/** The powers an officer holds on `day`, from every post held that day, own or additional charge. */
export function powersOn(appointments: readonly HeldAppointment[], day: string): Set<Power> {
  return new Set(appointmentsOn(appointments, day).flatMap((a) => a.powers));
}

/** The day of an instant in the office's calendar. Dates are kept in UTC until offices set a zone. */
export function dayOf(instant: Date): string {
  return instant.toISOString().slice(0, 10);
}
