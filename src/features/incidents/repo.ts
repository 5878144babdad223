import { sql, type Insertable, type Kysely, type Selectable } from 'kysely';
import type {
  Database,
  IncidentSeverity,
  IncidentStatus,
  IncidentsTable,
  ReportRequestStatus,
  ResponseActionStatus,
} from '../../db/schema.js';

/** The SQL of incidents. Every function takes the `db` it runs on, which may be a transaction. */

type Db = Kysely<Database>;
export type IncidentRow = Selectable<IncidentsTable>;
/** An incident with the names lists show: its organization and its owner. */
export type IncidentListRow = IncidentRow & {
  organization_name: string;
  owner_name: string | null;
  owner_email: string | null;
};

/** How many ids go into one `in (…)` list (both dialects bound the number of parameters). */
const CHUNK = 1000;

export async function insertIncident(db: Db, row: Insertable<IncidentsTable>): Promise<void> {
  await db.insertInto('incidents').values(row).execute();
}

export function findIncident(db: Db, id: string): Promise<IncidentRow | undefined> {
  return db.selectFrom('incidents').selectAll().where('id', '=', id).executeTakeFirst();
}

function withNames(db: Db) {
  return db
    .selectFrom('incidents')
    .innerJoin('organizations', 'organizations.id', 'incidents.organization_id')
    .leftJoin('users as owner', 'owner.id', 'incidents.owner_user_id')
    .selectAll('incidents')
    .select([
      'organizations.name as organization_name',
      'owner.display_name as owner_name',
      'owner.email as owner_email',
    ]);
}

export function findIncidentWithNames(db: Db, id: string): Promise<IncidentListRow | undefined> {
  return withNames(db).where('incidents.id', '=', id).executeTakeFirst();
}

/**
 * Writes `changes` if the incident is still at `revision` (compare-and-set), bumping it; false
 * when someone else changed it first.
 */
export async function updateIncident(
  db: Db,
  id: string,
  revision: number,
  changes: Partial<Omit<IncidentRow, 'id' | 'revision'>>,
): Promise<boolean> {
  const result = await db
    .updateTable('incidents')
    .set({ ...changes, revision: revision + 1 })
    .where('id', '=', id)
    .where('revision', '=', revision)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export type IncidentSort =
  'reportedAt' | '-reportedAt' | 'severity' | '-severity' | 'discoveredAt' | '-discoveredAt';

export interface IncidentFilter {
  status?: IncidentStatus;
  severity?: IncidentSeverity;
  organizationId?: string;
  late?: boolean;
  q?: string;
}

const severityRank = sql<number>`case incidents.severity when 'low' then 1 when 'medium' then 2 when 'high' then 3 when 'critical' then 4 else 0 end`;

function filtered(db: Db, filter: IncidentFilter) {
  let query = withNames(db);
  if (filter.status) query = query.where('incidents.status', '=', filter.status);
  if (filter.severity) query = query.where('incidents.severity', '=', filter.severity);
  if (filter.organizationId)
    query = query.where('incidents.organization_id', '=', filter.organizationId);
  if (filter.late !== undefined) query = query.where('incidents.late', '=', filter.late ? 1 : 0);
  const q = filter.q?.trim().toLowerCase();
  if (q) {
    const pattern = `%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    query = query.where(() => sql<boolean>`lower(incidents.title) like ${pattern} escape '\\'`);
  }
  return query;
}

function sorted(query: ReturnType<typeof filtered>, sort: IncidentSort) {
  const direction = sort.startsWith('-') ? 'desc' : 'asc';
  const key = sort.replace(/^-/, '');
  const ordered =
    key === 'severity'
      ? query.orderBy(severityRank, direction).orderBy('incidents.reported_at', 'desc')
      : query.orderBy(
          key === 'reportedAt' ? 'incidents.reported_at' : 'incidents.discovered_at',
          direction,
        );
  return ordered.orderBy('incidents.id');
}

/** One page of incidents in the order asked for, with the total. */
export async function listIncidents(
  db: Db,
  filter: IncidentFilter,
  sort: IncidentSort,
  page: { limit: number; offset: number },
): Promise<{ items: IncidentListRow[]; total: number }> {
  const query = filtered(db, filter);
  const total = await query
    .clearSelect()
    .select((eb) => eb.fn.countAll<number | string>().as('total'))
    .executeTakeFirstOrThrow();
  const items = await sorted(query, sort).limit(page.limit).offset(page.offset).execute();
  return { items, total: Number(total.total) };
}

/** Every incident matching, in order, a batch at a time (for the CSV export). */
export async function* incidentBatches(
  db: Db,
  filter: IncidentFilter,
  sort: IncidentSort,
  size = 500,
): AsyncGenerator<IncidentListRow[]> {
  for (let offset = 0; ; offset += size) {
    const rows = await sorted(filtered(db, filter), sort).limit(size).offset(offset).execute();
    if (rows.length > 0) yield rows;
    if (rows.length < size) return;
  }
}

export interface NamedRow {
  id: string;
  name: string;
  organization_id: string;
}

/** The systems among `ids` that exist (one query however many are named). */
export async function systemsNamed(db: Db, ids: readonly string[]): Promise<NamedRow[]> {
  return namedIn(ids, (chunk) =>
    db
      .selectFrom('pse_systems')
      .select(['id', 'name', 'organization_id'])
      .where('id', 'in', chunk)
      .execute(),
  );
}

/** The offerings among `ids` that exist. */
export async function offeringsNamed(db: Db, ids: readonly string[]): Promise<NamedRow[]> {
  return namedIn(ids, (chunk) =>
    db
      .selectFrom('offerings')
      .select(['id', 'name', 'organization_id'])
      .where('id', 'in', chunk)
      .execute(),
  );
}

export interface IncidentDocumentRow {
  id: string;
  organization_id: string;
  file_name: string;
  media_type: string;
  size: number;
}

/** The documents among `ids` that exist (without their content). */
export async function documentsNamed(
  db: Db,
  ids: readonly string[],
): Promise<IncidentDocumentRow[]> {
  return namedIn(ids, (chunk) =>
    db
      .selectFrom('documents')
      .select(['id', 'organization_id', 'file_name', 'media_type', 'size'])
      .where('id', 'in', chunk)
      .execute(),
  );
}

async function namedIn<T>(
  ids: readonly string[],
  run: (chunk: string[]) => Promise<T[]>,
): Promise<T[]> {
  const unique = [...new Set(ids)];
  const found: T[] = [];
  for (let i = 0; i < unique.length; i += CHUNK)
    found.push(...(await run(unique.slice(i, i + CHUNK))));
  return found;
}

export interface IncidentTimelineRow {
  seq: number;
  type: string;
  at: string;
  data: string;
  actor_user_id: string | null;
  actor_name: string | null;
  actor_organization_id: string | null;
  actor_position: string | null;
}

/** An incident's timeline, in order. */
export function timelineOf(db: Db, incidentId: string): Promise<IncidentTimelineRow[]> {
  return db
    .selectFrom('incident_events')
    .leftJoin('users', 'users.id', 'incident_events.actor_user_id')
    .select([
      'incident_events.seq',
      'incident_events.type',
      'incident_events.at',
      'incident_events.data',
      'incident_events.actor_user_id',
      'users.display_name as actor_name',
      'incident_events.actor_organization_id',
      'incident_events.actor_position',
    ])
    .where('incident_events.incident_id', '=', incidentId)
    .orderBy('incident_events.at')
    .orderBy('incident_events.seq')
    .execute();
}

export interface IncidentRequestRow {
  id: string;
  organization_id: string;
  organization_name: string;
  incident_id: string | null;
  subject: string;
  status: ReportRequestStatus;
  due_at: string;
  requested_at: string;
  answered_at: string | null;
  escalation_step: number;
}

/** The incident-report requests about an incident, oldest first. */
export function requestsOf(db: Db, incidentId: string): Promise<IncidentRequestRow[]> {
  return db
    .selectFrom('report_requests')
    .innerJoin('organizations', 'organizations.id', 'report_requests.organization_id')
    .select([
      'report_requests.id',
      'report_requests.organization_id',
      'organizations.name as organization_name',
      'report_requests.incident_id',
      'report_requests.subject',
      'report_requests.status',
      'report_requests.due_at',
      'report_requests.requested_at',
      'report_requests.answered_at',
      'report_requests.escalation_step',
    ])
    .where('report_requests.incident_id', '=', incidentId)
    .orderBy('report_requests.requested_at')
    .orderBy('report_requests.id')
    .execute();
}

export interface IncidentActionRow {
  id: string;
  organization_id: string;
  organization_name: string;
  kind: string;
  description: string;
  status: ResponseActionStatus;
  due_at: string;
  incident_id: string | null;
  breach_id: string | null;
  offering_id: string | null;
  offering_name: string | null;
  owner_user_id: string | null;
  owner_name: string | null;
  owner_email: string | null;
  ordered_at: string;
}

/** The response actions ordered for an incident, oldest first. */
export function actionsOf(db: Db, incidentId: string): Promise<IncidentActionRow[]> {
  return db
    .selectFrom('response_actions')
    .innerJoin('organizations', 'organizations.id', 'response_actions.organization_id')
    .leftJoin('offerings', 'offerings.id', 'response_actions.offering_id')
    .leftJoin('users as owner', 'owner.id', 'response_actions.owner_user_id')
    .select([
      'response_actions.id',
      'response_actions.organization_id',
      'organizations.name as organization_name',
      'response_actions.kind',
      'response_actions.description',
      'response_actions.status',
      'response_actions.due_at',
      'response_actions.incident_id',
      'response_actions.breach_id',
      'response_actions.offering_id',
      'offerings.name as offering_name',
      'response_actions.owner_user_id',
      'owner.display_name as owner_name',
      'owner.email as owner_email',
      'response_actions.ordered_at',
    ])
    .where('response_actions.incident_id', '=', incidentId)
    .orderBy('response_actions.ordered_at')
    .orderBy('response_actions.id')
    .execute();
}

export interface IncidentBreachRow {
  id: string;
  duty_code: string;
  status: string;
  severity: string;
}

/** The breaches of duty linked to an incident, oldest first. */
export function breachesOf(db: Db, incidentId: string): Promise<IncidentBreachRow[]> {
  return db
    .selectFrom('breaches')
    .select(['id', 'duty_code', 'status', 'severity'])
    .where('incident_id', '=', incidentId)
    .orderBy('detected_at')
    .orderBy('id')
    .execute();
}

/**
 * What keeps an incident from closing: its requests still open or answered but not accepted, and
 * its actions not yet verified, closed or cancelled.
 */
export async function unfinishedWorkOf(
  db: Db,
  incidentId: string,
): Promise<{
  requests: { id: string; subject: string; status: string }[];
  actions: { id: string; kind: string; status: string }[];
}> {
  const requests = await db
    .selectFrom('report_requests')
    .select(['id', 'subject', 'status'])
    .where('incident_id', '=', incidentId)
    .where('status', 'in', ['open', 'answered'])
    .orderBy('requested_at')
    .orderBy('id')
    .execute();
  const actions = await db
    .selectFrom('response_actions')
    .select(['id', 'kind', 'status'])
    .where('incident_id', '=', incidentId)
    .where('status', 'in', ['ordered', 'in_progress', 'done'])
    .orderBy('ordered_at')
    .orderBy('id')
    .execute();
  return { requests, actions };
}

/** An active user of the Cloud Office, for an incident's owner; undefined otherwise. */
export function activeOfficer(
  db: Db,
  userId: string,
): Promise<{ id: string; display_name: string; email: string } | undefined> {
  return db
    .selectFrom('users')
    .innerJoin('organizations', 'organizations.id', 'users.organization_id')
    .select(['users.id', 'users.display_name', 'users.email'])
    .where('users.id', '=', userId)
    .where('users.status', '=', 'active')
    .where('organizations.kind', '=', 'cloud_office')
    .executeTakeFirst();
}
