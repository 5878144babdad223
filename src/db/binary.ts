import { SqliteAdapter, type Kysely } from 'kysely';

/**
 * The column type for bytes stored in the database: SQLite's BLOB, PostgreSQL's BYTEA. Both
 * drivers take a Node Buffer as the value and return one, so only migrations need to ask.
 */
export function binaryColumnType(db: Kysely<unknown>): 'blob' | 'bytea' {
  return db.getExecutor().adapter instanceof SqliteAdapter ? 'blob' : 'bytea';
}
