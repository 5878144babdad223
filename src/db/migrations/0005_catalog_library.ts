import type { Kysely } from 'kysely';

/**
 * The catalog library: OSCAL catalogs imported whole (`catalogs`, with the document kept as JSON
 * text so that profile resolution and export read it exactly as imported) and one row per control
 * or enhancement (`catalog_controls`) for browsing, search and the control page.
 *
 * Search is portable on purpose: rather than SQLite's FTS5 or PostgreSQL's tsvector (two engines
 * with different tokenisers and rankings), each control carries lower-cased text columns that
 * queries match with LIKE, the same on both dialects. A catalog has about a thousand controls, so
 * scanning them within one catalog is fast enough and keeps both databases answering alike.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('catalogs')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('uuid', 'text', (c) => c.notNull()) // the catalog's own OSCAL uuid
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('version', 'text', (c) => c.notNull())
    .addColumn('oscal_version', 'text', (c) => c.notNull())
    .addColumn('last_modified', 'text', (c) => c.notNull()) // metadata/last-modified, as written
    .addColumn('source_name', 'text', (c) => c.notNull()) // file name given at import
    .addColumn('source_key', 'text', (c) => c.notNull()) // that name lower-cased, without extension
    .addColumn('document', 'text', (c) => c.notNull()) // {"catalog": …} as JSON text
    .addColumn('document_bytes', 'integer', (c) => c.notNull())
    .addColumn('control_count', 'integer', (c) => c.notNull())
    .addColumn('withdrawn_count', 'integer', (c) => c.notNull())
    .addColumn('family_count', 'integer', (c) => c.notNull())
    .addColumn('imported_by', 'text') // user id; null when imported from the shell without --as
    .addColumn('imported_by_email', 'text')
    .addColumn('imported_at', 'text', (c) => c.notNull())
    .execute();
  // The same edition of a catalog is imported once: a re-import is refused (409), not duplicated.
  await db.schema
    .createIndex('catalogs_uuid_version')
    .on('catalogs')
    .columns(['uuid', 'version'])
    .unique()
    .execute();
  // The resolver's library source finds catalogs by file name, latest import first.
  await db.schema
    .createIndex('catalogs_source_key')
    .on('catalogs')
    .columns(['source_key', 'imported_at'])
    .execute();

  await db.schema
    .createTable('catalog_controls')
    .addColumn('catalog_id', 'text', (c) =>
      c.notNull().references('catalogs.id').onDelete('cascade'),
    )
    .addColumn('control_id', 'text', (c) => c.notNull())
    .addColumn('parent_id', 'text') // the enclosing control of an enhancement
    .addColumn('position', 'integer', (c) => c.notNull()) // document order within the catalog
    .addColumn('depth', 'integer', (c) => c.notNull()) // 0 for a control, 1 for its enhancement, …
    .addColumn('family_id', 'text') // the top-level group (in NIST: the family); null outside groups
    .addColumn('family_title', 'text')
    .addColumn('group_path', 'text', (c) => c.notNull()) // JSON [{id, title}] of enclosing groups
    .addColumn('label', 'text') // the "label" prop, e.g. AC-2(1)
    .addColumn('sort_id', 'text') // the "sort-id" prop
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('statement', 'text', (c) => c.notNull()) // the statement flattened to plain text
    .addColumn('id_key', 'text', (c) => c.notNull()) // id and label, lower-cased: for ranking
    .addColumn('title_key', 'text', (c) => c.notNull()) // title, lower-cased: for ranking
    .addColumn('search_text', 'text', (c) => c.notNull()) // id, label, title, statement, lower-cased
    .addColumn('withdrawn', 'integer', (c) => c.notNull()) // 0 | 1
    .addColumn('enhancement_count', 'integer', (c) => c.notNull())
    .addColumn('control', 'text', (c) => c.notNull()) // the control's JSON without its enhancements
    .addPrimaryKeyConstraint('catalog_controls_pk', ['catalog_id', 'control_id'])
    .execute();
  await db.schema
    .createIndex('catalog_controls_family')
    .on('catalog_controls')
    .columns(['catalog_id', 'family_id', 'position'])
    .execute();
  await db.schema
    .createIndex('catalog_controls_parent')
    .on('catalog_controls')
    .columns(['catalog_id', 'parent_id'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('catalog_controls').execute();
  await db.schema.dropTable('catalogs').execute();
}
