import { sql, type Expression, type Kysely, type SelectQueryBuilder, type SqlBool } from 'kysely';
import type {
  Database,
  DeploymentModel,
  LocationPurpose,
  RegisterEntriesTable,
  ServiceModel,
} from '../../db/schema.js';
import { STANDING_EVENTS } from '../accreditation/events.js';
import { nameKey } from '../organizations/repo.js';
import type { RegisterStatus } from './history.js';

/**
 * The public register's SQL. Entries come from `register_entries` (one row per offering ever
 * granted, kept by projection.ts); the offering, its provider and its locations are joined or
 * probed only as a filter or an order needs them, since on 20,000 entries every needless lookup
 * per entry costs milliseconds (see bench/scenarios/register-list.ts). Written once for SQLite and
 * PostgreSQL: LIKE with an explicit ESCAPE, cursor comparisons spelled out, counts read as numbers
 * or numeric text.
 */

type Db = Kysely<Database>;

export type Residency = 'in_country' | 'outside';
export const SORT_KEYS = ['name', 'provider', 'level', 'validUntil', 'decidedOn'] as const;
export type RegisterSort = (typeof SORT_KEYS)[number];
export type SortOrder = 'asc' | 'desc';

export interface RegisterFilter {
  /** The rank of a level (each level has its own), which the entries index. */
  levelRank?: number;
  serviceModel?: ServiceModel;
  deploymentModel?: DeploymentModel;
  /** Where the offering's customer data is, compared with `country`. */
  residency?: { where: Residency; country: string };
  status?: RegisterStatus;
  /** Part of the offering's or the provider's name, any case. */
  q?: string;
}

/** The list fields of one entry, as stored. */
export interface EntryRow {
  offering_id: string;
  offering_name: string;
  provider_id: string;
  provider_name: string;
  service_model: ServiceModel;
  deployment_model: DeploymentModel;
  status: string;
  level_code: string;
  level_rank: number;
  level_title: string | null;
  valid_from: string;
  valid_until: string;
  decided_on: string;
  suspended_from: string | null;
  audit_firm_name: string | null;
}

/** Where the next batch of an export starts: the sort values of the last row written. */
export interface Cursor {
  values: readonly (string | number | null)[];
}

export type EntryRowWithCursor = EntryRow & { cursor: Cursor };

function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/**
 * The filter as conditions on `r` (register_entries), and on `o` (offerings) when the query joins
 * it: then a condition on the offering applies to its row, so a database can walk an index on
 * offerings; otherwise it is a subquery, so that counting joins nothing it does not need.
 * Built as plain expressions so that queries of different shapes share them.
 */
function conditions(db: Db, filter: RegisterFilter, withOffering: boolean): Expression<SqlBool>[] {
  const r = (column: keyof RegisterEntriesTable) => sql.ref(`r.${column}`);
  const all: Expression<SqlBool>[] = [];
  if (filter.levelRank !== undefined) {
    all.push(sql<SqlBool>`${r('level_rank')} = ${filter.levelRank}`);
  }
  if (filter.status !== undefined) all.push(sql<SqlBool>`${r('status')} = ${filter.status}`);
  const { serviceModel, deploymentModel } = filter;
  if (withOffering) {
    if (serviceModel !== undefined)
      all.push(sql<SqlBool>`${sql.ref('o.service_model')} = ${serviceModel}`);
    if (deploymentModel !== undefined)
      all.push(sql<SqlBool>`${sql.ref('o.deployment_model')} = ${deploymentModel}`);
  } else if (serviceModel !== undefined || deploymentModel !== undefined) {
    let offerings = db.selectFrom('offerings').select('id');
    if (serviceModel !== undefined) offerings = offerings.where('service_model', '=', serviceModel);
    if (deploymentModel !== undefined)
      offerings = offerings.where('deployment_model', '=', deploymentModel);
    // Kysely puts a subquery in parentheses itself; a second pair would make it a scalar.
    all.push(sql<SqlBool>`${r('offering_id')} in ${offerings}`);
  }
  const { residency } = filter;
  if (residency !== undefined) {
    // in_country: every customer-data location is in the country, and there is at least one (as
    // offerings/residency.ts `customerDataOnlyIn` decides it); outside: at least one is not.
    // Correlated per entry, so an ordered walk can stop at the end of the page; the index on
    // offering_locations (offering_id, purpose, country) answers each probe on its own.
    const customerData = (elsewhere: boolean) => {
      let locations = db
        .selectFrom('offering_locations as l')
        .select(sql.lit(1).as('found'))
        .where(sql<SqlBool>`${sql.ref('l.offering_id')} = ${r('offering_id')}`)
        .where('l.purpose', '=', 'customer_data' satisfies LocationPurpose);
      if (elsewhere) locations = locations.where('l.country', '<>', residency.country);
      return sql<SqlBool>`exists ${locations}`;
    };
    all.push(
      residency.where === 'outside'
        ? customerData(true)
        : sql<SqlBool>`(${customerData(false)} and not ${customerData(true)})`,
    );
  }
  if (filter.q !== undefined && filter.q.trim() !== '') {
    const pattern = `%${escapeLike(nameKey(filter.q))}%`;
    const like = (column: string) => sql<SqlBool>`${sql.ref(column)} like ${pattern} escape '\\'`;
    const named = db.selectFrom('offerings').select('id').where(like('offerings.name_key'));
    const offeringNamed = withOffering
      ? like('o.name_key')
      : sql<SqlBool>`${r('offering_id')} in ${named}`;
    const providers = db
      .selectFrom('organizations')
      .select('id')
      .where('kind', '=', 'csp')
      .where(like('organizations.name_key'));
    all.push(sql<SqlBool>`(${offeringNamed} or ${r('csp_organization_id')} in ${providers})`);
  }
  return all;
}

/** How many entries match. */
export async function countEntries(db: Db, filter: RegisterFilter): Promise<number> {
  let query = db.selectFrom('register_entries as r');
  for (const condition of conditions(db, filter, false)) query = query.where(condition);
  const row = await query
    .select((eb) => eb.fn.countAll<number | string>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

type SortColumn =
  | 'o.name_key'
  | 'o.id'
  | 'p.name_key'
  | 'r.level_rank'
  | 'r.valid_until'
  | 'r.decided_on'
  | 'r.offering_id';
interface SortKey {
  column: SortColumn;
  order: SortOrder;
}

/**
 * The sort keys, most significant first, ending with the offering's id so that the order is total
 * and stable. By name, the keys are those of the index on offerings (name_key, id), which gives the
 * default order without sorting; by provider, offerings list by name within each provider; the
 * other orders need only the entries themselves.
 */
function sortKeys(sort: RegisterSort, order: SortOrder): SortKey[] {
  switch (sort) {
    case 'name':
      return [
        { column: 'o.name_key', order },
        { column: 'o.id', order },
      ];
    case 'provider':
      return [
        { column: 'p.name_key', order },
        { column: 'o.name_key', order: 'asc' },
        { column: 'o.id', order: 'asc' },
      ];
    case 'level':
      return [
        { column: 'r.level_rank', order },
        { column: 'r.offering_id', order: 'asc' },
      ];
    case 'validUntil':
      return [
        { column: 'r.valid_until', order },
        { column: 'r.offering_id', order: 'asc' },
      ];
    case 'decidedOn':
      return [
        { column: 'r.decided_on', order },
        { column: 'r.offering_id', order: 'asc' },
      ];
  }
}

/**
 * Rows strictly after `cursor` in the sort order: for keys k1..kn, (k1 beyond v1) or (k1 = v1 and
 * k2 beyond v2) or ... Spelled out rather than as a row comparison because directions may differ.
 */
function after(keys: readonly SortKey[], cursor: Cursor): Expression<SqlBool> {
  const value = (i: number) => cursor.values[i] ?? null;
  const clauses = keys.map((key, i) =>
    sql.join(
      [
        ...keys.slice(0, i).map((earlier, j) => sql`${sql.ref(earlier.column)} = ${value(j)}`),
        sql`${sql.ref(key.column)} ${sql.raw(key.order === 'asc' ? '>' : '<')} ${value(i)}`,
      ],
      sql` and `,
    ),
  );
  return sql<SqlBool>`(${sql.join(
    clauses.map((clause) => sql`(${clause})`),
    sql` or `,
  )})`;
}

/** The list fields of these entries, in no particular order. */
function entriesById(db: Db, offeringIds: readonly string[]): Promise<EntryRow[]> {
  if (offeringIds.length === 0) return Promise.resolve([]);
  return db
    .selectFrom('register_entries as r')
    .innerJoin('offerings as o', 'o.id', 'r.offering_id')
    .innerJoin('organizations as p', 'p.id', 'r.csp_organization_id')
    .leftJoin('security_levels as s', 's.code', 'r.level_code')
    .select([
      'r.offering_id',
      'o.name as offering_name',
      'r.csp_organization_id as provider_id',
      'p.name as provider_name',
      'o.service_model',
      'o.deployment_model',
      'r.status',
      'r.level_code',
      'r.level_rank',
      's.title as level_title',
      'r.valid_from',
      'r.valid_until',
      'r.decided_on',
      'r.suspended_from',
      'r.audit_firm_name',
    ])
    .where('r.offering_id', 'in', offeringIds)
    .execute();
}

/**
 * One page of entries in a stable order: by `offset`, or (for exports read in batches) after a
 * cursor, which stays cheap however deep the batch. Two steps: the page's ids in order, with only
 * the joins the order needs, then the fields of those few entries.
 */
export async function listEntries(
  db: Db,
  filter: RegisterFilter,
  order: { sort: RegisterSort; order: SortOrder },
  page: { limit: number; offset?: number; after?: Cursor },
): Promise<EntryRowWithCursor[]> {
  const keys = sortKeys(order.sort, order.order);
  const withOffering = order.sort === 'name' || order.sort === 'provider';
  const where = [...conditions(db, filter, withOffering)];
  if (page.after) where.push(after(keys, page.after));

  async function ids<DB, TB extends keyof DB & string>(
    from: SelectQueryBuilder<DB, TB, object>,
  ): Promise<{ offering_id: string; keys: (string | number | null)[] }[]> {
    let query = from
      .select(sql<string>`${sql.ref('r.offering_id')}`.as('offering_id'))
      .select(keys.map((key, i) => sql<string | number>`${sql.ref(key.column)}`.as(`key_${i}`)));
    for (const condition of where) query = query.where(condition);
    for (const key of keys) query = query.orderBy(sql.ref(key.column), key.order);
    query = query.limit(page.limit);
    if (page.offset !== undefined && page.offset > 0) query = query.offset(page.offset);
    // The columns are raw expressions, whose types Kysely cannot follow through a generic builder.
    const rows = await query
      .$castTo<{ offering_id: string } & Record<`key_${number}`, string | number>>()
      .execute();
    return rows.map((row) => ({
      offering_id: row.offering_id,
      keys: keys.map((_, i) => row[`key_${i}`] ?? null),
    }));
  }

  let ordered: Awaited<ReturnType<typeof ids>>;
  switch (order.sort) {
    case 'name':
      // Offerings first, as a CROSS JOIN: SQLite keeps that order (its documented way to choose
      // the outer loop; it has no statistics to choose by), so it walks the index on offerings
      // (name_key, id) and stops at the end of the page, where it would otherwise rather read a
      // whole level through the entries' index and sort it. PostgreSQL plans it as any join.
      ordered = await ids(
        db
          .selectFrom('offerings as o')
          .crossJoin('register_entries as r')
          .whereRef('r.offering_id', '=', 'o.id'),
      );
      break;
    case 'provider':
      ordered = await ids(
        db
          .selectFrom('register_entries as r')
          .innerJoin('offerings as o', 'o.id', 'r.offering_id')
          .innerJoin('organizations as p', 'p.id', 'r.csp_organization_id'),
      );
      break;
    default:
      ordered = await ids(db.selectFrom('register_entries as r'));
  }
  const rows = new Map(
    (
      await entriesById(
        db,
        ordered.map((row) => row.offering_id),
      )
    ).map((row) => [row.offering_id, row]),
  );
  return ordered.flatMap((sortable) => {
    const row = rows.get(sortable.offering_id);
    // Gone between the two reads (never, short of deleting an offering): left out of the page.
    return row ? [{ ...row, cursor: { values: sortable.keys } }] : [];
  });
}

/** The customer-data and other locations of these offerings, in each offering's stored order. */
export function locationsOf(
  db: Db,
  offeringIds: readonly string[],
): Promise<{ offering_id: string; country: string; city: string; purpose: LocationPurpose }[]> {
  if (offeringIds.length === 0) return Promise.resolve([]);
  return db
    .selectFrom('offering_locations')
    .select(['offering_id', 'country', 'city', 'purpose'])
    .where('offering_id', 'in', offeringIds)
    .orderBy('offering_id')
    .orderBy('position')
    .execute();
}

/** One offering's entry with the list fields and its description; undefined when never granted. */
export function findEntry(
  db: Db,
  offeringId: string,
): Promise<(EntryRow & { description: string; application_id: string }) | undefined> {
  return db
    .selectFrom('register_entries as r')
    .innerJoin('offerings as o', 'o.id', 'r.offering_id')
    .innerJoin('organizations as p', 'p.id', 'r.csp_organization_id')
    .leftJoin('security_levels as s', 's.code', 'r.level_code')
    .select([
      'r.offering_id',
      'r.application_id',
      'o.name as offering_name',
      'o.description',
      'r.csp_organization_id as provider_id',
      'p.name as provider_name',
      'o.service_model',
      'o.deployment_model',
      'r.status',
      'r.level_code',
      'r.level_rank',
      's.title as level_title',
      'r.valid_from',
      'r.valid_until',
      'r.decided_on',
      'r.suspended_from',
      'r.audit_firm_name',
    ])
    .where('r.offering_id', '=', offeringId)
    .executeTakeFirst();
}

/** The offering's certifications, in their stored order (numbers and documents are not public). */
export function certificationsOf(db: Db, offeringId: string) {
  return db
    .selectFrom('offering_certifications')
    .select(['scheme', 'name', 'issuer', 'expires_on'])
    .where('offering_id', '=', offeringId)
    .orderBy('position')
    .execute();
}

/**
 * The standing events (grant, suspension, reinstatement, revocation, expiry, superseding) of every
 * record of the offering that was ever granted, as stored JSON, oldest first.
 */
export function standingEventsOf(
  db: Db,
  offeringId: string,
): Promise<{ event: string; at: string }[]> {
  return db
    .selectFrom('accreditation_events as e')
    .innerJoin('accreditation_applications as a', 'a.id', 'e.application_id')
    .select(['e.event', 'e.at'])
    .where('a.offering_id', '=', offeringId)
    .where('a.grant_info', 'is not', null)
    .where('e.type', 'in', STANDING_EVENTS)
    .orderBy('e.at')
    .orderBy('e.application_id')
    .orderBy('e.seq')
    .execute();
}
