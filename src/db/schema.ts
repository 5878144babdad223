/**
 * The tables as Kysely sees them. Portable types only: text ids, ISO-8601 UTC timestamps as text,
 * dates as YYYY-MM-DD text, booleans as 0/1 integers, JSON as text, so that one set of migrations
 * and queries serves SQLite and PostgreSQL.
 */
export interface Database {
  settings: SettingsTable;
  organizations: OrganizationsTable;
  users: UsersTable;
  sessions: SessionsTable;
  api_tokens: ApiTokensTable;
  one_time_tokens: OneTimeTokensTable;
  positions: PositionsTable;
  appointments: AppointmentsTable;
  audit_events: AuditEventsTable;
  audit_head: AuditHeadTable;
  outbox: OutboxTable;
  notices: NoticesTable;
  catalogs: CatalogsTable;
  catalog_controls: CatalogControlsTable;
  security_levels: SecurityLevelsTable;
  security_level_versions: SecurityLevelVersionsTable;
  documents: DocumentsTable;
  offerings: OfferingsTable;
  offering_locations: OfferingLocationsTable;
  offering_certifications: OfferingCertificationsTable;
  offering_contacts: OfferingContactsTable;
  accreditation_applications: AccreditationApplicationsTable;
  accreditation_events: AccreditationEventsTable;
  application_documents: ApplicationDocumentsTable;
  assessment_results: AssessmentResultsTable;
  assessment_findings: AssessmentFindingsTable;
  register_entries: RegisterEntriesTable;
  control_responses: ControlResponsesTable;
  policy_versions: PolicyVersionsTable;
  pse_systems: PseSystemsTable;
  system_classifications: SystemClassificationsTable;
  placement_texts: PlacementTextsTable;
  placement_decisions: PlacementDecisionsTable;
  system_placements: SystemPlacementsTable;
  noc_exemptions: NocExemptionsTable;
  noc_events: NocEventsTable;
  incidents: IncidentsTable;
  incident_events: IncidentEventsTable;
  report_requests: ReportRequestsTable;
  response_actions: ResponseActionsTable;
  response_action_progress: ResponseActionProgressTable;
  breaches: BreachesTable;
  webhook_subscriptions: WebhookSubscriptionsTable;
}

/** One row per notice sent, keyed so that sending it again is a no-op. */
export interface NoticesTable {
  key: string;
  created_at: string;
}

/** Installation-wide values, one row each, keyed by name. */
export interface SettingsTable {
  key: string;
  /** JSON text. */
  value: string;
  updated_at: string;
}

export type OrganizationKind = 'cloud_office' | 'csp' | 'pse' | 'audit_firm';
export type OrganizationStatus = 'pending' | 'active' | 'declined' | 'archived';
export type PseTier = 'ministry' | 'division' | 'department' | 'attached_body';

export interface OrganizationsTable {
  id: string;
  kind: OrganizationKind;
  name: string;
  name_key: string;
  short_name: string | null;
  parent_id: string | null;
  pse_tier: PseTier | null;
  status: OrganizationStatus;
  contact_email: string | null;
  contact_name: string | null;
  registration_note: string | null;
  decision_note: string | null;
  created_at: string;
  updated_at: string;
}

export type UserStatus = 'invited' | 'active' | 'disabled';

export interface UsersTable {
  id: string;
  organization_id: string;
  email: string;
  display_name: string;
  role: string;
  status: UserStatus;
  password_hash: string | null;
  /** Sealed (AES-256-GCM, see identity/secret-key.ts), never in clear. */
  totp_secret: string | null;
  totp_enabled_at: string | null;
  /** A secret being enrolled, sealed; it replaces totp_secret when a code from it is confirmed. */
  totp_pending_secret: string | null;
  /** The last 30-second step whose code was accepted: a code is good once. */
  totp_last_step: number | null;
  failed_sign_ins: number;
  locked_until: string | null;
  last_sign_in_at: string | null;
  created_at: string;
  updated_at: string;
}

export interface SessionsTable {
  id: string;
  user_id: string;
  csrf_token: string;
  second_factor_at: string | null;
  created_at: string;
  last_seen_at: string;
  expires_at: string;
  ip: string | null;
  user_agent: string | null;
}

export interface ApiTokensTable {
  id: string;
  user_id: string;
  name: string;
  token_hash: string;
  scopes: string;
  created_at: string;
  expires_at: string;
  last_used_at: string | null;
  revoked_at: string | null;
}

export type OneTimeTokenPurpose = 'setup' | 'invitation' | 'password_reset';

export interface OneTimeTokensTable {
  id: string;
  purpose: OneTimeTokenPurpose;
  token_hash: string;
  user_id: string | null;
  created_by: string | null;
  created_at: string;
  expires_at: string;
  used_at: string | null;
}

export interface PositionsTable {
  id: string;
  code: string;
  title: string;
  /** JSON array of power names. */
  powers: string;
  rank: number;
  created_at: string;
  updated_at: string;
}

export interface AppointmentsTable {
  id: string;
  user_id: string;
  position_id: string;
  starts_on: string;
  ends_on: string | null;
  additional_charge: number;
  note: string | null;
  created_at: string;
  updated_at: string;
}

export interface AuditEventsTable {
  seq: number;
  id: string;
  occurred_at: string;
  actor_user_id: string | null;
  actor_email: string | null;
  actor_organization_id: string | null;
  actor_position: string | null;
  action: string;
  outcome: 'success' | 'denied';
  target_type: string | null;
  target_id: string | null;
  /** JSON: { before?, after?, reason? } */
  summary: string;
  request_id: string | null;
  prev_hash: string;
  hash: string;
}

export interface AuditHeadTable {
  id: number;
  last_seq: number;
  last_hash: string;
}

export interface OutboxTable {
  id: string;
  kind: 'email' | 'webhook';
  /** Unique when set: one delivery per (event, subscriber) for webhooks. */
  dedupe_key: string | null;
  /** JSON. */
  payload: string;
  created_at: string;
  available_at: string;
  attempts: number;
  claimed_until: string | null;
  sent_at: string | null;
  last_error: string | null;
  /** When the outbox gave up on it (see migrations/0017); null while it may still go. */
  gave_up_at: string | null;
}

/** An imported OSCAL catalog (see migrations/0005_catalog_library.ts). */
export interface CatalogsTable {
  id: string;
  uuid: string;
  title: string;
  version: string;
  oscal_version: string;
  last_modified: string;
  source_name: string;
  source_key: string;
  /** JSON text: `{"catalog": …}`. */
  document: string;
  document_bytes: number;
  control_count: number;
  withdrawn_count: number;
  family_count: number;
  imported_by: string | null;
  imported_by_email: string | null;
  imported_at: string;
}

/** One control or enhancement of an imported catalog, flattened for browsing and search. */
export interface CatalogControlsTable {
  catalog_id: string;
  control_id: string;
  parent_id: string | null;
  position: number;
  depth: number;
  family_id: string | null;
  family_title: string | null;
  /** JSON: [{ id, title }] of the enclosing groups, outermost first. */
  group_path: string;
  label: string | null;
  sort_id: string | null;
  title: string;
  statement: string;
  id_key: string;
  title_key: string;
  search_text: string;
  withdrawn: number;
  enhancement_count: number;
  /** JSON text of the control without its enhancements. */
  control: string;
}

/** One of the four security levels (see migrations/0006_security_levels.ts). */
export interface SecurityLevelsTable {
  id: string;
  code: string;
  title: string;
  rank: number;
  created_at: string;
}

export type SecurityLevelStatus = 'draft' | 'proposed' | 'approved' | 'published';

/** One version of a level: its OSCAL profile, and once published its resolved catalog. */
export interface SecurityLevelVersionsTable {
  id: string;
  level_id: string;
  version: number;
  status: SecurityLevelStatus;
  /** The level's id while not yet published, null after: unique, so one open draft per level. */
  open_for_level: string | null;
  based_on_version: number | null;
  /** JSON text: `{"profile": …}`. */
  profile: string;
  /** JSON text: `{"catalog": …}`, stored at publication. */
  resolved_catalog: string | null;
  /** JSON text: [{ href, withIds }], imports whose catalog is not in the library yet. */
  pending_imports: string | null;
  created_by_user_id: string | null;
  created_by_position: string | null;
  created_at: string;
  updated_at: string;
  proposed_by_user_id: string | null;
  proposed_by_position: string | null;
  proposed_at: string | null;
  approved_by_user_id: string | null;
  approved_by_position: string | null;
  approved_at: string | null;
  published_by_user_id: string | null;
  published_by_position: string | null;
  published_at: string | null;
  returned_by_user_id: string | null;
  returned_by_position: string | null;
  returned_at: string | null;
  return_reason: string | null;
}

/** What a document is for; validated on upload (features/documents/kinds.ts). */
export type DocumentKind =
  'certificate' | 'contract' | 'legal' | 'architecture' | 'evidence' | 'audit_report' | 'other';

export interface DocumentsTable {
  id: string;
  organization_id: string;
  kind: DocumentKind;
  file_name: string;
  /** Detected from the content, e.g. application/pdf or text/csv; charset=utf-8. */
  media_type: string;
  size: number;
  /** Lower-case hex SHA-256 of the content. */
  sha256: string;
  uploaded_by_user_id: string | null;
  uploaded_by_position: string | null;
  uploaded_at: string;
  /** The bytes: BLOB on SQLite, BYTEA on PostgreSQL; both drivers give a Buffer. */
  content: Buffer;
}

export type ServiceModel = 'iaas' | 'paas' | 'saas';
export type DeploymentModel = 'public' | 'government' | 'private' | 'hybrid';
export type LocationPurpose = 'customer_data' | 'backup' | 'disaster_recovery';
export type CertificationScheme =
  'iso27001' | 'iso27017' | 'iso27018' | 'soc2' | 'csa_star' | 'pci_dss' | 'other';
export type OfferingContactRole = 'primary' | 'security' | 'commercial' | 'legal';

/** A CSP's cloud service offering (see migrations/0008_offerings.ts). */
export interface OfferingsTable {
  id: string;
  organization_id: string;
  name: string;
  name_key: string;
  description: string;
  service_model: ServiceModel;
  deployment_model: DeploymentModel;
  website: string | null;
  created_at: string;
  created_by_user_id: string | null;
  updated_at: string;
  updated_by_user_id: string | null;
}

export interface OfferingLocationsTable {
  id: string;
  offering_id: string;
  position: number;
  /** ISO 3166-1 alpha-2. */
  country: string;
  city: string;
  operator: string;
  purpose: LocationPurpose;
}

export interface OfferingCertificationsTable {
  id: string;
  offering_id: string;
  position: number;
  scheme: CertificationScheme;
  name: string | null;
  certificate_number: string | null;
  issuer: string;
  issued_on: string | null;
  expires_on: string;
  document_id: string | null;
}

export interface OfferingContactsTable {
  id: string;
  offering_id: string;
  position: number;
  role: OfferingContactRole;
  name: string;
  email: string;
  phone: string | null;
}

/** An accreditation application and what it became (see migrations/0009). JSON as text. */
export interface AccreditationApplicationsTable {
  id: string;
  offering_id: string;
  csp_organization_id: string;
  kind: string;
  predecessor_id: string | null;
  status: string;
  level_sought_code: string;
  level_sought_rank: number;
  level_version: number | null;
  submission_control_ids: string | null;
  return_reasons: string | null;
  audit_firm: string | null;
  assessment: string | null;
  legal_review: string | null;
  grant_info: string | null;
  conditions: string;
  suspension: string | null;
  closure: string | null;
  revision: number;
  created_at: string;
  created_by_user_id: string | null;
  updated_at: string;
  updated_by_user_id: string | null;
  /** The audit firm assigned now (migration 0010); also inside `audit_firm`. */
  audit_firm_id: string | null;
}

/** One workflow event of an application: its status history. */
export interface AccreditationEventsTable {
  id: string;
  application_id: string;
  seq: number;
  type: string;
  event: string;
  actor_user_id: string | null;
  actor_position: string | null;
  at: string;
}

/** A provider's answer to one control of the level sought. */
export interface ControlResponsesTable {
  application_id: string;
  control_id: string;
  status: string;
  responsibility: string;
  narrative: string;
  reason: string | null;
  customer_responsibility: string | null;
  evidence_document_ids: string;
  updated_at: string;
  updated_by_user_id: string | null;
}

/** A document attached to an application, in the order the provider gave. */
export interface ApplicationDocumentsTable {
  application_id: string;
  document_id: string;
  position: number;
  added_at: string;
  added_by_user_id: string | null;
}

/** An auditor's working result for one control, before the assessment is submitted. */
export interface AssessmentResultsTable {
  application_id: string;
  control_id: string;
  audit_firm_id: string;
  result: string;
  note: string | null;
  updated_at: string;
  updated_by_user_id: string | null;
}

/** An auditor's working finding, before the assessment is submitted. */
export interface AssessmentFindingsTable {
  id: string;
  application_id: string;
  audit_firm_id: string;
  control_id: string;
  severity: string;
  description: string;
  due_on: string;
  created_at: string;
  created_by_user_id: string | null;
}

/** The public register: one row per offering ever granted (see migrations/0010). */
export interface RegisterEntriesTable {
  offering_id: string;
  application_id: string;
  csp_organization_id: string;
  status: string;
  level_code: string;
  level_rank: number;
  valid_from: string;
  valid_until: string;
  decided_on: string;
  suspended_from: string | null;
  audit_firm_id: string | null;
  audit_firm_name: string | null;
  updated_at: string;
}

/** A version of the policy pack (migration 0012); the levels' lifecycle, one pack per installation. */
export interface PolicyVersionsTable {
  id: string;
  version: number;
  status: SecurityLevelStatus;
  /** `open` while not yet published, null after: unique, so one open draft at a time. */
  open_key: string | null;
  based_on_version: number | null;
  /** JSON text: the PolicyPack (features/placement/model.ts). */
  pack: string;
  created_by_user_id: string | null;
  created_by_position: string | null;
  created_at: string;
  updated_at: string;
  proposed_by_user_id: string | null;
  proposed_by_position: string | null;
  proposed_at: string | null;
  approved_by_user_id: string | null;
  approved_by_position: string | null;
  approved_at: string | null;
  published_by_user_id: string | null;
  published_by_position: string | null;
  published_at: string | null;
  returned_by_user_id: string | null;
  returned_by_position: string | null;
  returned_at: string | null;
  return_reason: string | null;
}

export type HostingKind = 'offering' | 'private_cloud' | 'on_premises';
export type PseSystemStatus = 'active' | 'archived';

/** A PSE's information system: who owns it, who uses it, where it runs and is proposed to run. */
export interface PseSystemsTable {
  id: string;
  organization_id: string;
  name: string;
  name_key: string;
  purpose: string;
  owner_name: string;
  owner_email: string;
  users_description: string;
  users_count: number;
  current_kind: HostingKind | null;
  current_offering_id: string | null;
  current_facility_name: string | null;
  current_facility_country: string | null;
  current_facility_operator: string | null;
  proposed_kind: HostingKind | null;
  proposed_offering_id: string | null;
  proposed_facility_name: string | null;
  proposed_facility_country: string | null;
  proposed_facility_operator: string | null;
  classification_id: string | null;
  class_code: string | null;
  status: PseSystemStatus;
  created_at: string;
  created_by_user_id: string | null;
  updated_at: string;
  updated_by_user_id: string | null;
  archived_at: string | null;
  archived_by_user_id: string | null;
}

/** One classification of a system, kept for good; the system points at the one in force. */
export interface SystemClassificationsTable {
  id: string;
  system_id: string;
  revision: number;
  /** JSON text: ClassificationAnswers. */
  answers: string;
  class_code: string;
  /** JSON text: { confidentiality, integrity, availability }. */
  security_category: string;
  /** JSON text: [{ name, classCode, reason }]. */
  per_type: string;
  /** JSON text: string[]. */
  rationale: string;
  policy_version: number;
  classified_by_user_id: string | null;
  classified_at: string;
}

/** JSON texts shared by many decisions, stored once by their SHA-256 (migration 0013). */
export interface PlacementTextsTable {
  sha256: string;
  body: string;
}

export type PlacementHosting = 'current' | 'proposed' | 'check';
export type PlacementStatus = 'in_policy' | 'out_of_policy' | 'not_evaluated';

/** One placement decision with the versions of its inputs, so that it can be made again. */
export interface PlacementDecisionsTable {
  id: string;
  system_id: string;
  hosting: PlacementHosting;
  trigger: string;
  decided_at: string;
  /** YYYY-MM-DD: the day the standing and the NOCs were read for. */
  decided_on: string;
  decided_by_user_id: string | null;
  policy_version: number;
  classification_id: string;
  class_code: string;
  offering_id: string | null;
  offering_updated_at: string;
  /** The OfferingFacts as used, in placement_texts. */
  offering_facts_sha256: string;
  accreditation_id: string | null;
  accreditation_status: string | null;
  /** 0 or 1. */
  in_force: number;
  level_code: string | null;
  level_rank: number | null;
  /** JSON text: ActiveNoc[] as offered to the engine. */
  nocs: string;
  outcome: string;
  /** The engine's Decision as JSON, in placement_texts. */
  result_sha256: string;
}

/** A system's placement status as of its last evaluation (no row: never evaluated). */
export interface SystemPlacementsTable {
  system_id: string;
  status: PlacementStatus;
  reason: string | null;
  flagged_at: string | null;
  current_decision_id: string | null;
  proposed_decision_id: string | null;
  policy_version: number | null;
  trigger: string;
  evaluated_at: string;
}

/** A PSE's request for a NOC exemption for one system, and the NOC it became (noc-workflow.ts). */
export interface NocExemptionsTable {
  id: string;
  system_id: string;
  organization_id: string;
  /** requested | returned | under_review | granted | refused | withdrawn | revoked | expired */
  status: string;
  class_code: string;
  policy_version: number;
  /** JSON text: Deviation[]. */
  covers: string;
  /** JSON text: DeploymentModel[]. */
  deployment_models: string;
  offering_id: string | null;
  facility: string | null;
  reason: string;
  requested_from: string;
  requested_until: string;
  valid_from: string | null;
  valid_until: string | null;
  /** JSON text: string[]. */
  return_reasons: string | null;
  /** JSON text: { recommendation, notes, reviewedOn }. */
  review: string | null;
  /** JSON text: { validFrom, validUntil, decidedOn, notes }. */
  grant_terms: string | null;
  /** JSON text: { reasons, on }. */
  closure: string | null;
  revision: number;
  created_at: string;
  created_by_user_id: string | null;
  updated_at: string;
  updated_by_user_id: string | null;
}

/** One step of a NOC's history: the event, who took it, under which post, when. */
export interface NocEventsTable {
  id: string;
  noc_id: string;
  seq: number;
  type: string;
  /** JSON text: NocEvent. */
  event: string;
  actor_user_id: string | null;
  actor_position: string | null;
  at: string;
}

// ---------------------------------------------------------------------------------------------
// Issue 7: incidents, report requests, response actions, breaches, webhooks (migration 0015)

export type IncidentStatus =
  'reported' | 'triaged' | 'investigating' | 'contained' | 'resolved' | 'closed';
export type IncidentSeverity = 'low' | 'medium' | 'high' | 'critical';

/** A data-breach report and the incident it opens. Booleans are 0 or 1; lists are JSON text. */
export interface IncidentsTable {
  id: string;
  organization_id: string;
  status: IncidentStatus;
  severity: IncidentSeverity;
  /** Why the severity is what it is: the matrix cell in words, or the officer's reason. */
  severity_reason: string;
  title: string;
  description: string;
  discovered_at: string;
  reported_at: string;
  reported_by_user_id: string | null;
  system_ids: string;
  offering_ids: string;
  data_classes: string;
  personal_data: number;
  records_affected: number | null;
  people_affected: number | null;
  /** { name, email, phone }, JSON. */
  contact: string;
  document_ids: string;
  policy_version: number;
  notice_due_at: string;
  /** The level's breach-notice figure that applied at intake (`LevelNotice`, JSON), or null. */
  level_notice: string | null;
  reporting_delay_seconds: number;
  late: number;
  last_update_at: string;
  final_report_at: string | null;
  owner_user_id: string | null;
  closed_at: string | null;
  revision: number;
  created_at: string;
  updated_at: string;
}

export interface IncidentEventsTable {
  id: string;
  incident_id: string;
  seq: number;
  type: string;
  /** JSON, by type. */
  data: string;
  actor_user_id: string | null;
  actor_organization_id: string | null;
  actor_position: string | null;
  at: string;
}

export type ReportRequestStatus = 'open' | 'answered' | 'accepted' | 'withdrawn';

export interface ReportRequestsTable {
  id: string;
  organization_id: string;
  incident_id: string | null;
  status: ReportRequestStatus;
  subject: string;
  questions: string;
  due_at: string;
  requested_by_user_id: string | null;
  requested_by_position: string | null;
  requested_at: string;
  /** { text, answers: string[], documentIds: string[] }, JSON. */
  answer: string | null;
  answered_at: string | null;
  answered_by_user_id: string | null;
  escalation_step: number;
  escalated_at: string | null;
  /** The rungs taken: { step, post, at }[], JSON; null before the first. */
  escalations: string | null;
  closed_note: string | null;
  revision: number;
  updated_at: string;
}

export type ResponseActionKind =
  | 'contain'
  | 'notify_people'
  | 'rotate_credentials'
  | 'suspend_accreditation'
  | 'corrective_action_plan'
  | 'special_audit';
export type ResponseActionStatus =
  'ordered' | 'in_progress' | 'done' | 'verified' | 'closed' | 'cancelled';

export interface ResponseActionsTable {
  id: string;
  organization_id: string;
  incident_id: string | null;
  breach_id: string | null;
  kind: ResponseActionKind;
  description: string;
  offering_id: string | null;
  owner_user_id: string | null;
  due_at: string;
  status: ResponseActionStatus;
  ordered_by_user_id: string | null;
  ordered_by_position: string | null;
  ordered_at: string;
  done_at: string | null;
  verified_at: string | null;
  verified_by_user_id: string | null;
  verification_note: string | null;
  closed_at: string | null;
  revision: number;
  updated_at: string;
}

export interface ResponseActionProgressTable {
  id: string;
  action_id: string;
  text: string;
  document_ids: string;
  marks_done: number;
  by_user_id: string | null;
  at: string;
}

export type BreachSource = 'check' | 'manual';
export type BreachStatus = 'open' | 'acknowledged' | 'remedied' | 'closed';

export interface BreachesTable {
  id: string;
  /** The duty check's stable failure key; unique; null for a breach recorded by hand. */
  detection_key: string | null;
  source: BreachSource;
  organization_id: string;
  duty_code: string;
  clause: string;
  subject_kind: string | null;
  subject_id: string | null;
  evidence: string;
  detected_at: string;
  policy_version: number;
  severity: IncidentSeverity;
  status: BreachStatus;
  owner_user_id: string | null;
  resolution: string | null;
  resolved_at: string | null;
  incident_id: string | null;
  recorded_by_user_id: string | null;
  revision: number;
  updated_at: string;
}

export interface WebhookSubscriptionsTable {
  id: string;
  name: string;
  url: string;
  /** The signing secret, sealed with the installation's key (identity/secret-key.ts). */
  secret: string;
  /** string[], JSON; empty means every event type. */
  event_types: string;
  active: number;
  created_by_user_id: string | null;
  created_at: string;
  updated_at: string;
}
