import type { Insertable, Kysely, Selectable, Updateable } from 'kysely';
import { pageOrAll, type Page } from '../../db/pagination.js';
import type { Database, ReportRequestsTable, ReportRequestStatus } from '../../db/schema.js';

/**
 * Storage of incident-report requests, and the look-ups that requests and response actions share
 * (people, organizations, incidents, holders of a post).
 */

type Db = Kysely<Database>;

export type RequestRow = Selectable<ReportRequestsTable>;
export type RequestListRow = RequestRow & {
  organization_name: string;
  incident_title: string | null;
};

export interface UserRef {
  id: string;
  name: string;
  email: string;
}

/** People by id, as `UserRef`s. */
export async function userRefs(
  db: Db,
  ids: readonly (string | null)[],
): Promise<Map<string, UserRef>> {
  const wanted = [...new Set(ids.filter((id): id is string => id !== null))];
  if (wanted.length === 0) return new Map();
  const rows = await db
    .selectFrom('users')
    .select(['id', 'display_name', 'email'])
    .where('id', 'in', wanted)
    .execute();
  return new Map(rows.map((r) => [r.id, { id: r.id, name: r.display_name, email: r.email }]));
}

export async function findUser(db: Db, id: string) {
  return db
    .selectFrom('users')
    .select(['id', 'organization_id', 'email', 'status'])
    .where('id', '=', id)
    .executeTakeFirst();
}

export async function findOrganization(db: Db, id: string) {
  return db
    .selectFrom('organizations')
    .select(['id', 'name', 'kind', 'status'])
    .where('id', '=', id)
    .executeTakeFirst();
}

export async function findIncident(db: Db, id: string) {
  return db
    .selectFrom('incidents')
    .select(['id', 'organization_id', 'title', 'offering_ids'])
    .where('id', '=', id)
    .executeTakeFirst();
}

/** The organizations that own the offerings `ids`. */
export async function offeringOwners(db: Db, ids: readonly string[]): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  const rows = await db
    .selectFrom('offerings')
    .select('organization_id')
    .where('id', 'in', [...ids])
    .execute();
  return new Set(rows.map((r) => r.organization_id));
}

/**
 * Active officers who hold the post `code` on `day`, own or additional charge: the people an
 * escalation step names. (recipients.ts finds holders by power; a ladder names posts.)
 */
export async function postHolderEmails(db: Db, code: string, day: string): Promise<string[]> {
  const rows = await db
    .selectFrom('appointments')
    .innerJoin('positions', 'positions.id', 'appointments.position_id')
    .innerJoin('users', 'users.id', 'appointments.user_id')
    .select('users.email')
    .where('positions.code', '=', code)
    .where('users.status', '=', 'active')
    .where('appointments.starts_on', '<=', day)
    .where((eb) =>
      eb.or([eb('appointments.ends_on', 'is', null), eb('appointments.ends_on', '>=', day)]),
    )
    .execute();
  return [...new Set(rows.map((r) => r.email))].sort();
}

// ---------------------------------------------------------------------------------------------
// Requests

export async function insertRequest(db: Db, row: Insertable<ReportRequestsTable>): Promise<void> {
  await db.insertInto('report_requests').values(row).execute();
}

function withNames(db: Db) {
  return db
    .selectFrom('report_requests')
    .innerJoin('organizations', 'organizations.id', 'report_requests.organization_id')
    .leftJoin('incidents', 'incidents.id', 'report_requests.incident_id')
    .selectAll('report_requests')
    .select(['organizations.name as organization_name', 'incidents.title as incident_title']);
}

export function findRequest(db: Db, id: string): Promise<RequestListRow | undefined> {
  return withNames(db).where('report_requests.id', '=', id).executeTakeFirst();
}

export interface RequestFilter {
  status?: ReportRequestStatus;
  organizationId?: string;
  incidentId?: string;
  /** true: open with the due instant passed at `now`; false: the others. */
  overdue?: boolean;
}

function filtered(db: Db, filter: RequestFilter, now: string) {
  let query = withNames(db);
  if (filter.status) query = query.where('report_requests.status', '=', filter.status);
  if (filter.organizationId)
    query = query.where('report_requests.organization_id', '=', filter.organizationId);
  if (filter.incidentId) query = query.where('report_requests.incident_id', '=', filter.incidentId);
  if (filter.overdue === true) {
    query = query
      .where('report_requests.status', '=', 'open')
      .where('report_requests.due_at', '<', now);
  } else if (filter.overdue === false) {
    query = query.where((eb) =>
      eb.or([eb('report_requests.status', '!=', 'open'), eb('report_requests.due_at', '>=', now)]),
    );
  }
  return query;
}

/** A page of requests, newest first; `page` undefined: every one (for CSV). */
export async function listRequests(
  db: Db,
  filter: RequestFilter,
  now: string,
  page?: Page,
): Promise<{ items: RequestListRow[]; total: number }> {
  return pageOrAll(
    filtered(db, filter, now),
    (query) => query.orderBy('report_requests.requested_at', 'desc').orderBy('report_requests.id'),
    page,
  );
}

/** Requests of an incident, oldest first (for the incident's page). */
export function requestsOfIncident(db: Db, incidentId: string): Promise<RequestListRow[]> {
  return withNames(db)
    .where('report_requests.incident_id', '=', incidentId)
    .orderBy('report_requests.requested_at')
    .orderBy('report_requests.id')
    .execute();
}

/**
 * Writes a step conditional on the revision read (and the status it was in): false when someone
 * changed the request meanwhile.
 */
export async function updateRequest(
  db: Db,
  id: string,
  read: { revision: number; status: ReportRequestStatus },
  set: Updateable<ReportRequestsTable>,
): Promise<boolean> {
  const result = await db
    .updateTable('report_requests')
    .set({ ...set, revision: read.revision + 1 })
    .where('id', '=', id)
    .where('revision', '=', read.revision)
    .where('status', '=', read.status)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** Open requests whose due instant is at or before `at`: the only ones that can escalate. */
export function openRequestsDue(db: Db, at: string): Promise<RequestRow[]> {
  return db
    .selectFrom('report_requests')
    .selectAll()
    .where('status', '=', 'open')
    .where('answered_at', 'is', null)
    .where('due_at', '<=', at)
    .orderBy('due_at')
    .orderBy('id')
    .execute();
}

/**
 * Records a rung taken, only while the request is still open: false when it was answered or
 * closed meanwhile. Not a person's change, so the revision people compare against is kept.
 */
export async function recordEscalation(
  db: Db,
  id: string,
  rung: { step: number; post: string; at: string },
): Promise<boolean> {
  // Touch the row first: on PostgreSQL that takes its lock, so the list of rungs read next cannot
  // be overwritten by another runner's step (SQLite has one writer anyway).
  const touched = await db
    .updateTable('report_requests')
    .set({ updated_at: rung.at })
    .where('id', '=', id)
    .where('status', '=', 'open')
    .executeTakeFirst();
  if (Number(touched.numUpdatedRows) !== 1) return false;
  const row = await db
    .selectFrom('report_requests')
    .select(['escalations', 'escalation_step'])
    .where('id', '=', id)
    .executeTakeFirstOrThrow();
  const taken = row.escalations === null ? [] : (JSON.parse(row.escalations) as unknown[]);
  const result = await db
    .updateTable('report_requests')
    .set({
      escalation_step: Math.max(row.escalation_step, rung.step + 1),
      escalated_at: rung.at,
      escalations: JSON.stringify([...taken, rung]),
      updated_at: rung.at,
    })
    .where('id', '=', id)
    .where('status', '=', 'open')
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}
