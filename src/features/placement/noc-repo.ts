import { sql, type Insertable, type Kysely, type Selectable } from 'kysely';
import type {
  Database,
  DeploymentModel,
  NocEventsTable,
  NocExemptionsTable,
} from '../../db/schema.js';
import type { Deviation } from './model.js';
import type { NocRecord, NocStatus, SystemNoc } from './noc-workflow.js';

/** The SQL of NOC exemptions. Every function takes the `db` it runs on, which may be a transaction. */

type Db = Kysely<Database>;
export type NocRow = Selectable<NocExemptionsTable>;
export type NocEventRow = Selectable<NocEventsTable>;
/** A NOC with the names of its system and its PSE, for lists and e-mail. */
export type NocListRow = NocRow & { system_name: string; organization_name: string };

/** How many ids go into one `in (…)` list (both dialects bound the number of parameters). */
const CHUNK = 1000;

/** The record a stored row holds. */
export function nocRecordOf(row: NocRow): NocRecord {
  const parse = (text: string | null): unknown => (text === null ? null : JSON.parse(text));
  return {
    id: row.id,
    systemId: row.system_id,
    organizationId: row.organization_id,
    classCode: row.class_code,
    policyVersion: row.policy_version,
    status: row.status as NocStatus,
    terms: {
      covers: JSON.parse(row.covers) as Deviation[],
      deploymentModels: JSON.parse(row.deployment_models) as DeploymentModel[],
      offeringId: row.offering_id,
      facility: row.facility,
      reason: row.reason,
      from: row.requested_from,
      until: row.requested_until,
    },
    returnReasons: parse(row.return_reasons) as string[] | null,
    review: parse(row.review) as NocRecord['review'],
    grant: parse(row.grant_terms) as NocRecord['grant'],
    closure: parse(row.closure) as NocRecord['closure'],
  };
}

function recordColumns(record: NocRecord) {
  const json = (value: unknown) => (value === null ? null : JSON.stringify(value));
  return {
    status: record.status,
    class_code: record.classCode,
    policy_version: record.policyVersion,
    covers: JSON.stringify(record.terms.covers),
    deployment_models: JSON.stringify(record.terms.deploymentModels),
    offering_id: record.terms.offeringId,
    facility: record.terms.facility,
    reason: record.terms.reason,
    requested_from: record.terms.from,
    requested_until: record.terms.until,
    valid_from: record.grant?.validFrom ?? null,
    valid_until: record.grant?.validUntil ?? null,
    return_reasons: json(record.returnReasons),
    review: json(record.review),
    grant_terms: json(record.grant),
    closure: json(record.closure),
  };
}

export interface RowStamp {
  at: string;
  userId: string | null;
}

export async function insertNoc(db: Db, record: NocRecord, stamp: RowStamp): Promise<void> {
  await db
    .insertInto('noc_exemptions')
    .values({
      id: record.id,
      system_id: record.systemId,
      organization_id: record.organizationId,
      ...recordColumns(record),
      revision: 1,
      created_at: stamp.at,
      created_by_user_id: stamp.userId,
      updated_at: stamp.at,
      updated_by_user_id: stamp.userId,
    })
    .execute();
}

/**
 * Writes the next record if the row is still at `revision` (compare-and-set), bumping it; false
 * when someone else changed it first.
 */
export async function updateNoc(
  db: Db,
  record: NocRecord,
  revision: number,
  stamp: RowStamp,
): Promise<boolean> {
  const result = await db
    .updateTable('noc_exemptions')
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

export function findNoc(db: Db, id: string): Promise<NocRow | undefined> {
  return db.selectFrom('noc_exemptions').selectAll().where('id', '=', id).executeTakeFirst();
}

function withNames(db: Db) {
  return db
    .selectFrom('noc_exemptions')
    .innerJoin('pse_systems', 'pse_systems.id', 'noc_exemptions.system_id')
    .innerJoin('organizations', 'organizations.id', 'noc_exemptions.organization_id')
    .selectAll('noc_exemptions')
    .select(['pse_systems.name as system_name', 'organizations.name as organization_name']);
}

export function findNocWithNames(db: Db, id: string): Promise<NocListRow | undefined> {
  return withNames(db).where('noc_exemptions.id', '=', id).executeTakeFirst();
}

export interface NocFilter {
  status?: NocStatus;
  systemId?: string;
  /** Limits the list to one PSE's NOCs (for users outside the Cloud Office). */
  organizationId?: string;
}

/** One page of NOCs, newest first, with the total. */
export async function listNocs(
  db: Db,
  filter: NocFilter,
  page: { limit: number; offset: number },
): Promise<{ items: NocListRow[]; total: number }> {
  let query = withNames(db);
  if (filter.status) query = query.where('noc_exemptions.status', '=', filter.status);
  if (filter.systemId) query = query.where('noc_exemptions.system_id', '=', filter.systemId);
  if (filter.organizationId)
    query = query.where('noc_exemptions.organization_id', '=', filter.organizationId);
  const total = await query
    .clearSelect()
    .select((eb) => eb.fn.countAll<number | string>().as('total'))
    .executeTakeFirstOrThrow();
  const items = await query
    .orderBy('noc_exemptions.created_at', 'desc')
    .orderBy('noc_exemptions.id')
    .limit(page.limit)
    .offset(page.offset)
    .execute();
  return { items, total: Number(total.total) };
}

export async function insertNocEvent(
  db: Db,
  row: Omit<Insertable<NocEventsTable>, 'seq'>,
): Promise<void> {
  const last = await db
    .selectFrom('noc_events')
    .select((eb) => eb.fn.max('seq').as('seq'))
    .where('noc_id', '=', row.noc_id)
    .executeTakeFirst();
  await db
    .insertInto('noc_events')
    .values({ ...row, seq: (last?.seq ?? 0) + 1 })
    .execute();
}

export function listNocEvents(db: Db, nocId: string): Promise<NocEventRow[]> {
  return db
    .selectFrom('noc_events')
    .selectAll()
    .where('noc_id', '=', nocId)
    .orderBy('seq')
    .execute();
}

/** Granted NOCs whose last day is before `today`: what the expiry job applies. */
export async function nocsToExpire(db: Db, today: string): Promise<string[]> {
  const rows = await db
    .selectFrom('noc_exemptions')
    .select('id')
    .where('status', '=', 'granted')
    .where('valid_until', '<', today)
    .orderBy('valid_until')
    .orderBy('id')
    .execute();
  return rows.map((r) => r.id);
}

/**
 * Granted NOCs whose first day has come (on or before `today`) and that are not over, whose
 * coming into force has not yet been applied to placement (no `noc_in_force:` notice yet).
 */
export async function nocsStarted(db: Db, today: string): Promise<NocRow[]> {
  return db
    .selectFrom('noc_exemptions')
    .selectAll()
    .where('status', '=', 'granted')
    .where('valid_from', '<=', today)
    .where('valid_until', '>=', today)
    .where((eb) =>
      eb.not(
        eb.exists(
          eb
            .selectFrom('notices')
            .select('key')
            .where(
              'key',
              '=',
              sql<string>`'noc_in_force:' || noc_exemptions.id || ':' || noc_exemptions.valid_from`,
            ),
        ),
      ),
    )
    .execute();
}

/**
 * The NOCs granted and in force on `day` (from its first to its last day, both inclusive) for
 * each of `systemIds`: every id is a key, with an empty list when it has none. In force means
 * granted: a NOC refused, withdrawn, revoked or expired never counts, and one whose last day has
 * passed does not count even before the expiry job has marked it. Each list is ordered by last
 * day, latest first, then id, so callers see the same order every time. Each NOC carries the
 * offering it is limited to (null: any), for `nocsForOffering`.
 */
export async function activeNocsFor(
  db: Db,
  systemIds: readonly string[],
  day: string,
): Promise<Map<string, SystemNoc[]>> {
  const found = new Map<string, SystemNoc[]>(systemIds.map((id) => [id, []]));
  const unique = [...new Set(systemIds)];
  for (let i = 0; i < unique.length; i += CHUNK) {
    const rows = await db
      .selectFrom('noc_exemptions')
      .select(['id', 'system_id', 'covers', 'deployment_models', 'valid_until', 'offering_id'])
      .where('system_id', 'in', unique.slice(i, i + CHUNK))
      .where('status', '=', 'granted')
      .where('valid_from', '<=', day)
      .where('valid_until', '>=', day)
      .orderBy('valid_until', 'desc')
      .orderBy('id')
      .execute();
    for (const row of rows) {
      found.get(row.system_id)?.push({
        id: row.id,
        covers: JSON.parse(row.covers) as Deviation[],
        deploymentModels: JSON.parse(row.deployment_models) as DeploymentModel[],
        validUntil: row.valid_until ?? day,
        offeringId: row.offering_id,
      });
    }
  }
  return found;
}

/** Names of systems, for e-mail. */
export async function systemName(db: Db, id: string): Promise<string> {
  const row = await db
    .selectFrom('pse_systems')
    .select('name')
    .where('id', '=', id)
    .executeTakeFirst();
  return row?.name ?? id;
}
