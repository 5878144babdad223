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
  kind: 'email';
  /** JSON. */
  payload: string;
  created_at: string;
  available_at: string;
  attempts: number;
  claimed_until: string | null;
  sent_at: string | null;
  last_error: string | null;
}
