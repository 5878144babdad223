import { sql, type Insertable, type Kysely, type Selectable } from 'kysely';
import type { CatalogControlsTable, CatalogsTable, Database } from '../../db/schema.js';
import type { FlatControl } from './flatten.js';
import { searchKey } from './flatten.js';

/** The catalog library's SQL. Every function takes the `db` it runs on, which may be a transaction. */

type Db = Kysely<Database>;
export type CatalogRow = Selectable<CatalogsTable>;
export type CatalogControlRow = Selectable<CatalogControlsTable>;
/** A catalog without its document, for lists (the document is megabytes). */
export type CatalogSummaryRow = Omit<CatalogRow, 'document'>;

const SUMMARY_COLUMNS = [
  'id',
  'uuid',
  'title',
  'version',
  'oscal_version',
  'last_modified',
  'source_name',
  'source_key',
  'document_bytes',
  'control_count',
  'withdrawn_count',
  'family_count',
  'imported_by',
  'imported_by_email',
  'imported_at',
] as const;

/** Controls without the heavy columns that lists do not show. */
const LIST_COLUMNS = [
  'catalog_id',
  'control_id',
  'parent_id',
  'position',
  'depth',
  'family_id',
  'family_title',
  'label',
  'sort_id',
  'title',
  'withdrawn',
  'enhancement_count',
] as const;
export type CatalogControlListRow = Pick<CatalogControlRow, (typeof LIST_COLUMNS)[number]>;

export function findCatalog(db: Db, id: string): Promise<CatalogRow | undefined> {
  return db.selectFrom('catalogs').selectAll().where('id', '=', id).executeTakeFirst();
}

export function findCatalogSummary(db: Db, id: string): Promise<CatalogSummaryRow | undefined> {
  return db.selectFrom('catalogs').select(SUMMARY_COLUMNS).where('id', '=', id).executeTakeFirst();
}

export function findByUuidAndVersion(
  db: Db,
  uuid: string,
  version: string,
): Promise<CatalogSummaryRow | undefined> {
  return db
    .selectFrom('catalogs')
    .select(SUMMARY_COLUMNS)
    .where('uuid', '=', uuid)
    .where('version', '=', version)
    .executeTakeFirst();
}

/** The latest import whose file name (lower-cased, without extension) is `sourceKey`. */
export function findLatestBySourceKey(db: Db, sourceKey: string): Promise<CatalogRow | undefined> {
  return db
    .selectFrom('catalogs')
    .selectAll()
    .where('source_key', '=', sourceKey)
    .orderBy('imported_at', 'desc')
    .orderBy('id', 'desc')
    .executeTakeFirst();
}

export type CatalogSort = 'title' | '-title' | 'imported_at' | '-imported_at';

export async function listCatalogs(
  db: Db,
  filter: { q?: string },
  page: { limit: number; offset: number; sort: CatalogSort },
): Promise<{ items: CatalogSummaryRow[]; total: number }> {
  let query = db.selectFrom('catalogs');
  if (filter.q) {
    const pattern = likePattern(searchKey(filter.q));
    query = query.where(
      (eb) => sql<boolean>`lower(${eb.ref('title')}) like ${pattern} escape '\\'`,
    );
  }
  const total = await query
    .select((eb) => eb.fn.countAll<number>().as('total'))
    .executeTakeFirstOrThrow();
  const column = page.sort.startsWith('-') ? page.sort.slice(1) : page.sort;
  const items = await query
    .select(SUMMARY_COLUMNS)
    .orderBy(column as 'title' | 'imported_at', page.sort.startsWith('-') ? 'desc' : 'asc')
    .orderBy('id')
    .limit(page.limit)
    .offset(page.offset)
    .execute();
  return { items, total: total.total };
}

export async function insertCatalog(db: Db, row: Insertable<CatalogsTable>): Promise<void> {
  await db.insertInto('catalogs').values(row).execute();
}

/**
 * Rows per INSERT statement: 19 columns × 200 rows stays under SQLite's and PostgreSQL's limits on
 * bound parameters (32,766 and 65,535), and a multi-row INSERT is several times faster than one
 * statement per control.
 */
export const CONTROL_BATCH = 200;

export async function insertControls(
  db: Db,
  catalogId: string,
  controls: readonly FlatControl[],
): Promise<void> {
  if (controls.length === 0) return;
  await db
    .insertInto('catalog_controls')
    .values(
      controls.map((c) => ({
        catalog_id: catalogId,
        control_id: c.controlId,
        parent_id: c.parentId,
        position: c.position,
        depth: c.depth,
        family_id: c.familyId,
        family_title: c.familyTitle,
        group_path: JSON.stringify(c.groupPath),
        label: c.label,
        sort_id: c.sortId,
        title: c.title,
        statement: c.statement,
        id_key: c.idKey,
        title_key: c.titleKey,
        search_text: c.searchText,
        withdrawn: c.withdrawn ? 1 : 0,
        enhancement_count: c.enhancementCount,
        control: JSON.stringify(c.control),
      })),
    )
    .execute();
}

export async function deleteCatalog(db: Db, id: string): Promise<void> {
  // Controls first: the foreign key cascades on both dialects, but only when SQLite's foreign keys
  // are on, which a hand-opened database may not have.
  await db.deleteFrom('catalog_controls').where('catalog_id', '=', id).execute();
  await db.deleteFrom('catalogs').where('id', '=', id).execute();
}

export interface FamilyRow {
  family_id: string | null;
  family_title: string | null;
  controls: number;
  enhancements: number;
  withdrawn: number;
}

/** The families (top-level groups) of a catalog in document order, with their control counts. */
export async function listFamilies(db: Db, catalogId: string): Promise<FamilyRow[]> {
  const rows = await db
    .selectFrom('catalog_controls')
    .where('catalog_id', '=', catalogId)
    .groupBy(['family_id', 'family_title'])
    .select((eb) => [
      'family_id',
      'family_title',
      eb.fn.min('position').as('first'),
      eb.fn.sum<number | string>(sql`case when depth = 0 then 1 else 0 end`).as('controls'),
      eb.fn.sum<number | string>(sql`case when depth > 0 then 1 else 0 end`).as('enhancements'),
      eb.fn.sum<number | string>('withdrawn').as('withdrawn'),
    ])
    .orderBy('first')
    .execute();
  // PostgreSQL's sum() of integers is numeric, which arrives as a string.
  return rows.map((row) => ({
    family_id: row.family_id,
    family_title: row.family_title,
    controls: Number(row.controls),
    enhancements: Number(row.enhancements),
    withdrawn: Number(row.withdrawn),
  }));
}

export interface ControlFilter {
  catalogId?: string;
  familyId?: string;
  parentId?: string;
  /** Only controls, not enhancements. */
  topLevel?: boolean;
  includeWithdrawn?: boolean;
  /** Search terms; every one must occur in the control's id, label, title or statement. */
  terms?: string[];
}

export type ControlSort = 'position' | 'relevance';

/** The query split into search terms (lower case, at most 10, each at most 100 characters). */
export function searchTerms(query: string): string[] {
  return searchKey(query)
    .split(' ')
    .filter((t) => t !== '')
    .slice(0, 10)
    .map((t) => t.slice(0, 100));
}

function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

function likePattern(term: string): string {
  return `%${escapeLike(term)}%`;
}

/**
 * Controls in document order, or by relevance when searching: a control whose id or label is the
 * query comes first, then those whose id or label starts with a term, then those whose title holds
 * every term, then the rest (statement matches); document order within each rank. LIKE with an
 * explicit ESCAPE behaves the same on SQLite and PostgreSQL, all text being lower-cased already.
 */
export async function listControls(
  db: Db,
  filter: ControlFilter,
  page: { limit: number; offset: number; sort: ControlSort },
): Promise<{ items: (CatalogControlListRow & { catalog_title: string })[]; total: number }> {
  let query = db
    .selectFrom('catalog_controls')
    .innerJoin('catalogs', 'catalogs.id', 'catalog_controls.catalog_id');
  if (filter.catalogId) query = query.where('catalog_controls.catalog_id', '=', filter.catalogId);
  if (filter.familyId) query = query.where('catalog_controls.family_id', '=', filter.familyId);
  if (filter.parentId) query = query.where('catalog_controls.parent_id', '=', filter.parentId);
  if (filter.topLevel) query = query.where('catalog_controls.depth', '=', 0);
  if (filter.includeWithdrawn === false) query = query.where('catalog_controls.withdrawn', '=', 0);
  const terms = filter.terms ?? [];
  for (const term of terms) {
    query = query.where(
      (eb) =>
        sql<boolean>`${eb.ref('catalog_controls.search_text')} like ${likePattern(term)} escape '\\'`,
    );
  }
  const total = await query
    .select((eb) => eb.fn.countAll<number>().as('total'))
    .executeTakeFirstOrThrow();
  let ordered = query.select([
    ...LIST_COLUMNS.map((c) => `catalog_controls.${c}` as const),
    'catalogs.title as catalog_title',
  ]);
  if (page.sort === 'relevance' && terms.length > 0) {
    // id_key is "<id> <label>": " x%" finds a label starting with x, "% x" a label equal to x.
    const phrase = terms.join(' ');
    const exact = sql`catalog_controls.control_id = ${phrase} or catalog_controls.id_key like ${`% ${escapeLike(phrase)}`} escape '\\'`;
    const idStarts = sql.join(
      terms.map(
        (t) =>
          sql`catalog_controls.control_id like ${`${escapeLike(t)}%`} escape '\\' or catalog_controls.id_key like ${`% ${escapeLike(t)}%`} escape '\\'`,
      ),
      sql` or `,
    );
    const titleHasAll = sql.join(
      terms.map((t) => sql`catalog_controls.title_key like ${likePattern(t)} escape '\\'`),
      sql` and `,
    );
    ordered = ordered.orderBy(
      sql`case when ${exact} then 0 when ${idStarts} then 1 when ${titleHasAll} then 2 else 3 end`,
    );
  }
  const items = await ordered
    .orderBy('catalogs.imported_at', 'desc')
    .orderBy('catalog_controls.catalog_id')
    .orderBy('catalog_controls.position')
    .limit(page.limit)
    .offset(page.offset)
    .execute();
  return { items, total: total.total };
}

export function findControl(
  db: Db,
  catalogId: string,
  controlId: string,
): Promise<CatalogControlRow | undefined> {
  return db
    .selectFrom('catalog_controls')
    .selectAll()
    .where('catalog_id', '=', catalogId)
    .where('control_id', '=', controlId)
    .executeTakeFirst();
}

/** Enhancements of a control, in document order. */
export function listChildren(
  db: Db,
  catalogId: string,
  controlId: string,
): Promise<CatalogControlListRow[]> {
  return db
    .selectFrom('catalog_controls')
    .select(LIST_COLUMNS)
    .where('catalog_id', '=', catalogId)
    .where('parent_id', '=', controlId)
    .orderBy('position')
    .execute();
}
