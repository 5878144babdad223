import type { Insertable, Kysely } from 'kysely';
import type {
  AccreditationApplicationsTable,
  AccreditationEventsTable,
  Database,
} from '../../db/schema.js';
import { recordColumns, type ApplicationRow, type ResponseRow, type RowStamp } from './mapper.js';
import { APPLICATION_STATUSES, type AccreditationRecord } from './workflow.js';

type Db = Kysely<Database>;
export type EventRow = AccreditationEventsTable;

export async function insertApplication(
  db: Db,
  row: Insertable<AccreditationApplicationsTable>,
): Promise<void> {
  await db.insertInto('accreditation_applications').values(row).execute();
}

export function findApplication(db: Db, id: string): Promise<ApplicationRow | undefined> {
  return db
    .selectFrom('accreditation_applications')
    .selectAll()
    .where('id', '=', id)
    .executeTakeFirst();
}

/**
 * Writes `record` over the row only if nobody changed it since `revision` was read, and bumps
 * the revision. False when another writer got there first: the caller refuses with a 409.
 */
export async function updateApplication(
  db: Db,
  record: AccreditationRecord,
  revision: number,
  stamp: RowStamp,
): Promise<boolean> {
  const result = await db
    .updateTable('accreditation_applications')
    .set({
      ...recordColumns(record),
      revision: revision + 1,
      updated_at: stamp.at,
      updated_by_user_id: stamp.userId,
    })
    .where('id', '=', record.id)
    .where('revision', '=', revision)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export interface ApplicationFilter {
  cspOrganizationId?: string;
  auditFirmId?: string;
  status?: string;
  offeringId?: string;
}

export async function listApplications(
  db: Db,
  filter: ApplicationFilter,
  page: { limit: number; offset: number },
): Promise<{ rows: ApplicationRow[]; total: number }> {
  let query = db.selectFrom('accreditation_applications');
  if (filter.cspOrganizationId !== undefined)
    query = query.where('csp_organization_id', '=', filter.cspOrganizationId);
  if (filter.auditFirmId !== undefined)
    query = query.where('audit_firm_id', '=', filter.auditFirmId);
  if (filter.status !== undefined) query = query.where('status', '=', filter.status);
  if (filter.offeringId !== undefined) query = query.where('offering_id', '=', filter.offeringId);
  const [rows, count] = await Promise.all([
    query
      .selectAll()
      .orderBy('updated_at', 'desc')
      .orderBy('id')
      .limit(page.limit)
      .offset(page.offset)
      .execute(),
    query.select((eb) => eb.fn.countAll<number | string>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return { rows, total: Number(count.n) };
}

export async function nextEventSeq(db: Db, applicationId: string): Promise<number> {
  const row = await db
    .selectFrom('accreditation_events')
    .select((eb) => eb.fn.max<number | string | null>('seq').as('last'))
    .where('application_id', '=', applicationId)
    .executeTakeFirst();
  return Number(row?.last ?? 0) + 1;
}

export async function insertEvent(db: Db, row: EventRow): Promise<void> {
  await db.insertInto('accreditation_events').values(row).execute();
}

export function listEvents(db: Db, applicationId: string): Promise<EventRow[]> {
  return db
    .selectFrom('accreditation_events')
    .selectAll()
    .where('application_id', '=', applicationId)
    .orderBy('seq')
    .execute();
}

export function listResponses(db: Db, applicationId: string): Promise<ResponseRow[]> {
  return db
    .selectFrom('control_responses')
    .selectAll()
    .where('application_id', '=', applicationId)
    .orderBy('control_id')
    .execute();
}

/** Stores one answer, replacing an earlier answer to the same control. */
export async function upsertResponse(db: Db, row: ResponseRow): Promise<void> {
  const rest = {
    status: row.status,
    responsibility: row.responsibility,
    narrative: row.narrative,
    reason: row.reason,
    customer_responsibility: row.customer_responsibility,
    evidence_document_ids: row.evidence_document_ids,
    updated_at: row.updated_at,
    updated_by_user_id: row.updated_by_user_id,
  };
  await db
    .insertInto('control_responses')
    .values(row)
    .onConflict((oc) => oc.columns(['application_id', 'control_id']).doUpdateSet(rest))
    .execute();
}

/** The provider an offering belongs to; undefined when there is no such offering. */
export async function offeringProvider(db: Db, offeringId: string): Promise<string | undefined> {
  const row = await db
    .selectFrom('offerings')
    .select('organization_id')
    .where('id', '=', offeringId)
    .executeTakeFirst();
  return row?.organization_id;
}

/** Any application (in any state) for the offering: an offering that applied stays on record. */
export function firstApplicationFor(
  db: Db,
  offeringId: string,
): Promise<{ id: string; status: string } | undefined> {
  return db
    .selectFrom('accreditation_applications')
    .select(['id', 'status'])
    .where('offering_id', '=', offeringId)
    .orderBy('created_at')
    .executeTakeFirst();
}

export interface ApplicationNames {
  offeringName: string;
  providerName: string;
}

/** The offering's and provider's names of each application row, for lists and queues. */
export async function namesFor(
  db: Db,
  rows: readonly Pick<ApplicationRow, 'offering_id'>[],
): Promise<Map<string, ApplicationNames>> {
  const ids = [...new Set(rows.map((r) => r.offering_id))];
  if (ids.length === 0) return new Map();
  const found = await db
    .selectFrom('offerings')
    .innerJoin('organizations', 'organizations.id', 'offerings.organization_id')
    .select([
      'offerings.id as id',
      'offerings.name as offeringName',
      'organizations.name as providerName',
    ])
    .where('offerings.id', 'in', ids)
    .execute();
  return new Map(
    found.map((f) => [f.id, { offeringName: f.offeringName, providerName: f.providerName }]),
  );
}

/** The application's attached documents' ids, in order. */
export async function listApplicationDocumentIds(db: Db, applicationId: string): Promise<string[]> {
  const rows = await db
    .selectFrom('application_documents')
    .select('document_id')
    .where('application_id', '=', applicationId)
    .orderBy('position')
    .execute();
  return rows.map((r) => r.document_id);
}

/** Replaces the application's attached documents whole. */
export async function replaceApplicationDocuments(
  db: Db,
  applicationId: string,
  documentIds: readonly string[],
  stamp: RowStamp,
): Promise<void> {
  await db
    .deleteFrom('application_documents')
    .where('application_id', '=', applicationId)
    .execute();
  if (documentIds.length === 0) return;
  await db
    .insertInto('application_documents')
    .values(
      documentIds.map((documentId, position) => ({
        application_id: applicationId,
        document_id: documentId,
        position,
        added_at: stamp.at,
        added_by_user_id: stamp.userId,
      })),
    )
    .execute();
}

/** The renewal or reassessment of `predecessorId` still in progress, if any. */
export function openSuccessorOf(
  db: Db,
  predecessorId: string,
): Promise<{ id: string } | undefined> {
  return db
    .selectFrom('accreditation_applications')
    .select('id')
    .where('predecessor_id', '=', predecessorId)
    .where('status', 'in', [...APPLICATION_STATUSES])
    .executeTakeFirst();
}
