import type { Insertable, Kysely, Selectable, Updateable } from 'kysely';
import { pageOrAll, type Page } from '../../db/pagination.js';
import type {
  Database,
  ResponseActionKind,
  ResponseActionProgressTable,
  ResponseActionsTable,
  ResponseActionStatus,
} from '../../db/schema.js';

/** Storage of response actions and their progress entries. */

type Db = Kysely<Database>;

export type ActionRow = Selectable<ResponseActionsTable>;
export type ActionListRow = ActionRow & {
  organization_name: string;
  offering_name: string | null;
};
export type ProgressRow = Selectable<ResponseActionProgressTable>;

/** Statuses in which the organization still owes the action. */
const OWED: ResponseActionStatus[] = ['ordered', 'in_progress'];

export async function insertAction(db: Db, row: Insertable<ResponseActionsTable>): Promise<void> {
  await db.insertInto('response_actions').values(row).execute();
}

function withNames(db: Db) {
  return db
    .selectFrom('response_actions')
    .innerJoin('organizations', 'organizations.id', 'response_actions.organization_id')
    .leftJoin('offerings', 'offerings.id', 'response_actions.offering_id')
    .selectAll('response_actions')
    .select(['organizations.name as organization_name', 'offerings.name as offering_name']);
}

export function findAction(db: Db, id: string): Promise<ActionListRow | undefined> {
  return withNames(db).where('response_actions.id', '=', id).executeTakeFirst();
}

export interface ActionFilter {
  status?: ResponseActionStatus;
  organizationId?: string;
  incidentId?: string;
  breachId?: string;
  kind?: ResponseActionKind;
  /** true: still owed with the due instant passed at `now`; false: the others. */
  overdue?: boolean;
}

function filtered(db: Db, filter: ActionFilter, now: string) {
  let query = withNames(db);
  if (filter.status) query = query.where('response_actions.status', '=', filter.status);
  if (filter.organizationId)
    query = query.where('response_actions.organization_id', '=', filter.organizationId);
  if (filter.incidentId)
    query = query.where('response_actions.incident_id', '=', filter.incidentId);
  if (filter.breachId) query = query.where('response_actions.breach_id', '=', filter.breachId);
  if (filter.kind) query = query.where('response_actions.kind', '=', filter.kind);
  if (filter.overdue === true) {
    query = query
      .where('response_actions.status', 'in', OWED)
      .where('response_actions.due_at', '<', now);
  } else if (filter.overdue === false) {
    query = query.where((eb) =>
      eb.or([
        eb('response_actions.status', 'not in', OWED),
        eb('response_actions.due_at', '>=', now),
      ]),
    );
  }
  return query;
}

/** A page of actions, newest first; `page` undefined: every one (for CSV). */
export async function listActions(
  db: Db,
  filter: ActionFilter,
  now: string,
  page?: Page,
): Promise<{ items: ActionListRow[]; total: number }> {
  return pageOrAll(
    filtered(db, filter, now),
    (query) => query.orderBy('response_actions.ordered_at', 'desc').orderBy('response_actions.id'),
    page,
  );
}

/** Writes a step conditional on the revision and status read: false when changed meanwhile. */
export async function updateAction(
  db: Db,
  id: string,
  read: { revision: number; status: ResponseActionStatus },
  set: Updateable<ResponseActionsTable>,
): Promise<boolean> {
  const result = await db
    .updateTable('response_actions')
    .set({ ...set, revision: read.revision + 1 })
    .where('id', '=', id)
    .where('revision', '=', read.revision)
    .where('status', '=', read.status)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export async function insertProgress(
  db: Db,
  row: Insertable<ResponseActionProgressTable>,
): Promise<void> {
  await db.insertInto('response_action_progress').values(row).execute();
}

export function listProgress(db: Db, actionId: string): Promise<ProgressRow[]> {
  return db
    .selectFrom('response_action_progress')
    .selectAll()
    .where('action_id', '=', actionId)
    .orderBy('at')
    .orderBy('id')
    .execute();
}

export function findBreach(db: Db, id: string) {
  return db
    .selectFrom('breaches')
    .select(['id', 'organization_id', 'incident_id'])
    .where('id', '=', id)
    .executeTakeFirst();
}

export function findOffering(db: Db, id: string) {
  return db
    .selectFrom('offerings')
    .select(['id', 'name', 'organization_id'])
    .where('id', '=', id)
    .executeTakeFirst();
}

/** The accreditation of `offeringId` in force now (accredited, not suspended), if any. */
export async function accreditationInForce(
  db: Db,
  offeringId: string,
): Promise<{ id: string } | undefined> {
  return db
    .selectFrom('accreditation_applications')
    .select('id')
    .where('offering_id', '=', offeringId)
    .where('status', '=', 'accredited')
    .orderBy('created_at', 'desc')
    .executeTakeFirst();
}
