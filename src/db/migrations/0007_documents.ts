import type { Kysely } from 'kysely';
import { binaryColumnType } from '../binary.js';

/**
 * Documents: files an organization uploads (certificates, contracts, evidence, audit reports) that
 * later records point at. Each keeps its SHA-256, its size and the media type found by reading its
 * content, never the one the client claimed.
 *
 * The bytes live in the database, not in files under DATA_DIR: a document and the record that
 * uses it then commit or roll back together (a refused or failed request leaves nothing behind,
 * and no file is ever orphaned or missing), several instances on PostgreSQL need no shared disk,
 * and a database backup is a complete backup. Files are bounded by UPLOAD_LIMIT (20 MiB by
 * default), well within what SQLite's BLOB and PostgreSQL's BYTEA (stored out of line, TOAST)
 * handle. The content is the last column so that SQLite reads the metadata of a row without
 * walking the overflow pages that hold the bytes; lists never select it.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('documents')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('organization_id', 'text', (c) => c.notNull().references('organizations.id'))
    .addColumn('kind', 'text', (c) => c.notNull()) // certificate | contract | legal | ...
    .addColumn('file_name', 'text', (c) => c.notNull()) // sanitised display name
    .addColumn('media_type', 'text', (c) => c.notNull()) // detected from the content
    .addColumn('size', 'integer', (c) => c.notNull()) // bytes
    .addColumn('sha256', 'text', (c) => c.notNull()) // lower-case hex
    .addColumn('uploaded_by_user_id', 'text', (c) => c.references('users.id'))
    .addColumn('uploaded_by_position', 'text') // the officer's post, if any, as the trail has it
    .addColumn('uploaded_at', 'text', (c) => c.notNull())
    .addColumn('content', binaryColumnType(db), (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('documents_by_organization')
    .on('documents')
    .columns(['organization_id', 'uploaded_at'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('documents').execute();
}
