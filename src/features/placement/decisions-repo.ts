import type { Insertable, Kysely, Selectable } from 'kysely';
import type {
  Database,
  DeploymentModel,
  LocationPurpose,
  PlacementDecisionsTable,
  PlacementStatus,
  PlacementTextsTable,
  PseSystemsTable,
  ServiceModel,
  SystemPlacementsTable,
} from '../../db/schema.js';
import type { ApplicationRow } from '../accreditation/mapper.js';

/**
 * The SQL of placement decisions and statuses (migration 0013). Every function takes the `db` it
 * runs on, which may be a transaction. Lists of ids go into `in (…)` in chunks, and inserts in
 * batches, below the bound parameters both dialects allow.
 */

type Db = Kysely<Database>;
export type DecisionRow = Selectable<PlacementDecisionsTable>;
export type PlacementRow = Selectable<SystemPlacementsTable>;

/** Ids per `in (…)` list. */
const CHUNK = 500;
/** Decision rows per INSERT: 22 columns, well under SQLite's 32,766 bound variables. */
const DECISION_BATCH = 400;

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

// ---------------------------------------------------------------------------------------------
// Systems to place

/** What deciding a system's placement reads from its row. */
export type SystemToPlace = Pick<
  Selectable<PseSystemsTable>,
  | 'id'
  | 'organization_id'
  | 'name'
  | 'status'
  | 'class_code'
  | 'classification_id'
  | 'current_kind'
  | 'current_offering_id'
  | 'current_facility_name'
  | 'current_facility_country'
  | 'current_facility_operator'
  | 'proposed_kind'
  | 'proposed_offering_id'
  | 'proposed_facility_name'
  | 'proposed_facility_country'
  | 'proposed_facility_operator'
  | 'updated_at'
>;

const SYSTEM_COLUMNS = [
  'id',
  'organization_id',
  'name',
  'status',
  'class_code',
  'classification_id',
  'current_kind',
  'current_offering_id',
  'current_facility_name',
  'current_facility_country',
  'current_facility_operator',
  'proposed_kind',
  'proposed_offering_id',
  'proposed_facility_name',
  'proposed_facility_country',
  'proposed_facility_operator',
  'updated_at',
] as const;

/** These systems (missing ids are left out), in id order. */
export async function systemsByIds(db: Db, ids: readonly string[]): Promise<SystemToPlace[]> {
  const found: SystemToPlace[] = [];
  for (const part of chunks(ids, CHUNK)) {
    found.push(
      ...(await db
        .selectFrom('pse_systems')
        .select(SYSTEM_COLUMNS)
        .where('id', 'in', part)
        .execute()),
    );
  }
  return found.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/** The next `limit` active systems after `afterId` in id order (from the first when null). */
export function activeSystemsAfter(
  db: Db,
  afterId: string | null,
  limit: number,
): Promise<SystemToPlace[]> {
  let query = db.selectFrom('pse_systems').select(SYSTEM_COLUMNS).where('status', '=', 'active');
  if (afterId !== null) query = query.where('id', '>', afterId);
  return query.orderBy('id').limit(limit).execute();
}

/** The active systems that run on, or are proposed for, this offering. */
export async function systemIdsOnOffering(db: Db, offeringId: string): Promise<string[]> {
  const rows = await db
    .selectFrom('pse_systems')
    .select('id')
    .where('status', '=', 'active')
    .where((eb) =>
      eb.or([
        eb('current_offering_id', '=', offeringId),
        eb('proposed_offering_id', '=', offeringId),
      ]),
    )
    .orderBy('id')
    .execute();
  return rows.map((r) => r.id);
}

// ---------------------------------------------------------------------------------------------
// Offerings and their standing

/** An offering as a decision reads it: its models, its data centres, its provider's name. */
export interface OfferingFactsRow {
  id: string;
  name: string;
  providerName: string;
  serviceModel: ServiceModel;
  deploymentModel: DeploymentModel;
  updatedAt: string;
  locations: { country: string; city: string; purpose: LocationPurpose }[];
}

/** These offerings with their data centres in their stored order; missing ids are left out. */
export async function offeringFacts(
  db: Db,
  ids: readonly string[],
): Promise<Map<string, OfferingFactsRow>> {
  const found = new Map<string, OfferingFactsRow>();
  for (const part of chunks(ids, CHUNK)) {
    const rows = await db
      .selectFrom('offerings')
      .innerJoin('organizations', 'organizations.id', 'offerings.organization_id')
      .select([
        'offerings.id',
        'offerings.name',
        'offerings.service_model',
        'offerings.deployment_model',
        'offerings.updated_at',
        'organizations.name as provider_name',
      ])
      .where('offerings.id', 'in', part)
      .execute();
    for (const row of rows) {
      found.set(row.id, {
        id: row.id,
        name: row.name,
        providerName: row.provider_name,
        serviceModel: row.service_model,
        deploymentModel: row.deployment_model,
        updatedAt: row.updated_at,
        locations: [],
      });
    }
    const locations = await db
      .selectFrom('offering_locations')
      .select(['offering_id', 'country', 'city', 'purpose'])
      .where('offering_id', 'in', part)
      .orderBy('offering_id')
      .orderBy('position')
      .execute();
    for (const l of locations) {
      found.get(l.offering_id)?.locations.push({
        country: l.country,
        city: l.city,
        purpose: l.purpose,
      });
    }
  }
  return found;
}

/**
 * The accreditation record the public register shows for each of these offerings (the latest
 * granted one: `register/projection.ts`); offerings never granted are left out.
 */
export async function registeredRecords(
  db: Db,
  offeringIds: readonly string[],
): Promise<Map<string, ApplicationRow>> {
  const found = new Map<string, ApplicationRow>();
  for (const part of chunks(offeringIds, CHUNK)) {
    const rows = await db
      .selectFrom('register_entries')
      .innerJoin(
        'accreditation_applications',
        'accreditation_applications.id',
        'register_entries.application_id',
      )
      .selectAll('accreditation_applications')
      .where('register_entries.offering_id', 'in', part)
      .execute();
    for (const row of rows) found.set(row.offering_id, row);
  }
  return found;
}

/**
 * Offerings whose register entry may be in force on `day`: accredited, or suspended from a later
 * day, within their validity. A filter only: the standing itself comes from the record.
 */
export async function offeringIdsPossiblyInForce(db: Db, day: string): Promise<string[]> {
  const rows = await db
    .selectFrom('register_entries')
    .select('offering_id')
    .where('valid_from', '<=', day)
    .where('valid_until', '>=', day)
    .where((eb) =>
      eb.or([
        eb('status', '=', 'accredited'),
        eb.and([eb('status', '=', 'suspended'), eb('suspended_from', '>', day)]),
      ]),
    )
    .execute();
  return rows.map((r) => r.offering_id);
}

// ---------------------------------------------------------------------------------------------
// Decisions and statuses

/** The placement rows of these systems, by system id. */
export async function placementsOf(
  db: Db,
  systemIds: readonly string[],
): Promise<Map<string, PlacementRow>> {
  const found = new Map<string, PlacementRow>();
  for (const part of chunks(systemIds, CHUNK)) {
    const rows = await db
      .selectFrom('system_placements')
      .selectAll()
      .where('system_id', 'in', part)
      .execute();
    for (const row of rows) found.set(row.system_id, row);
  }
  return found;
}

export async function findPlacement(db: Db, systemId: string): Promise<PlacementRow | undefined> {
  return db
    .selectFrom('system_placements')
    .selectAll()
    .where('system_id', '=', systemId)
    .executeTakeFirst();
}

/** Decision rows (without their texts), by id. */
export async function decisionsByIds(
  db: Db,
  ids: readonly string[],
): Promise<Map<string, DecisionRow>> {
  const found = new Map<string, DecisionRow>();
  for (const part of chunks(ids, CHUNK)) {
    const rows = await db
      .selectFrom('placement_decisions')
      .selectAll()
      .where('id', 'in', part)
      .execute();
    for (const row of rows) found.set(row.id, row);
  }
  return found;
}

/** A decision with its two texts: the engine's result and the offering's facts as used. */
export type DecisionWithTexts = DecisionRow & { result: string; offering_facts: string };

export async function decisionsWithTexts(
  db: Db,
  ids: readonly string[],
): Promise<Map<string, DecisionWithTexts>> {
  const found = new Map<string, DecisionWithTexts>();
  for (const part of chunks(ids, CHUNK)) {
    const rows = await db
      .selectFrom('placement_decisions as d')
      .innerJoin('placement_texts as r', 'r.sha256', 'd.result_sha256')
      .innerJoin('placement_texts as f', 'f.sha256', 'd.offering_facts_sha256')
      .selectAll('d')
      .select(['r.body as result', 'f.body as offering_facts'])
      .where('d.id', 'in', part)
      .execute();
    for (const row of rows) found.set(row.id, row);
  }
  return found;
}

/** Stores texts by their hash; a text already stored is left as it is (the key is its hash). */
export async function insertTexts(
  db: Db,
  rows: readonly Insertable<PlacementTextsTable>[],
): Promise<void> {
  for (const part of chunks(rows, CHUNK)) {
    await db
      .insertInto('placement_texts')
      .values(part)
      .onConflict((oc) => oc.column('sha256').doNothing())
      .execute();
  }
}

export async function insertDecisions(
  db: Db,
  rows: readonly Insertable<PlacementDecisionsTable>[],
): Promise<void> {
  for (const part of chunks(rows, DECISION_BATCH)) {
    await db.insertInto('placement_decisions').values(part).execute();
  }
}

/** Writes each system's status, replacing the one it had. */
export async function upsertPlacements(
  db: Db,
  rows: readonly Insertable<SystemPlacementsTable>[],
): Promise<void> {
  for (const part of chunks(rows, CHUNK)) {
    await db
      .insertInto('system_placements')
      .values(part)
      .onConflict((oc) =>
        oc.column('system_id').doUpdateSet((eb) => ({
          status: eb.ref('excluded.status'),
          reason: eb.ref('excluded.reason'),
          flagged_at: eb.ref('excluded.flagged_at'),
          current_decision_id: eb.ref('excluded.current_decision_id'),
          proposed_decision_id: eb.ref('excluded.proposed_decision_id'),
          policy_version: eb.ref('excluded.policy_version'),
          trigger: eb.ref('excluded.trigger'),
          evaluated_at: eb.ref('excluded.evaluated_at'),
        })),
      )
      .execute();
  }
}

/** A system out of policy, for the officers' view. */
export interface OutOfPolicyRow {
  system_id: string;
  system_name: string;
  class_code: string | null;
  organization_id: string;
  organization_name: string;
  current_offering_id: string | null;
  offering_name: string | null;
  reason: string | null;
  flagged_at: string | null;
  evaluated_at: string;
}

/** Active systems out of policy, latest flagged first, with the total. */
export async function listOutOfPolicy(
  db: Db,
  page: { limit: number; offset: number; organizationId?: string },
): Promise<{ items: OutOfPolicyRow[]; total: number }> {
  const status: PlacementStatus = 'out_of_policy';
  let base = db
    .selectFrom('system_placements as p')
    .innerJoin('pse_systems as s', 's.id', 'p.system_id')
    .where('p.status', '=', status)
    .where('s.status', '=', 'active');
  if (page.organizationId !== undefined)
    base = base.where('s.organization_id', '=', page.organizationId);
  const total = await base
    .select((eb) => eb.fn.countAll<number | string>().as('total'))
    .executeTakeFirstOrThrow();
  const items = await base
    .innerJoin('organizations as o', 'o.id', 's.organization_id')
    .leftJoin('offerings as f', 'f.id', 's.current_offering_id')
    .select([
      'p.system_id',
      's.name as system_name',
      's.class_code',
      's.organization_id',
      'o.name as organization_name',
      's.current_offering_id',
      'f.name as offering_name',
      'p.reason',
      'p.flagged_at',
      'p.evaluated_at',
    ])
    .orderBy('p.flagged_at', 'desc')
    .orderBy('p.system_id')
    .limit(page.limit)
    .offset(page.offset)
    .execute();
  return { items, total: Number(total.total) };
}
