/**
 * The tables as Kysely sees them. Portable types only: text ids, ISO-8601 UTC timestamps as text,
 * JSON as text, so that one set of migrations and queries serves SQLite and PostgreSQL.
 */
export interface Database {
  settings: SettingsTable;
}

/** Installation-wide values, one row each, keyed by name. */
export interface SettingsTable {
  key: string;
  /** JSON text. */
  value: string;
  updated_at: string;
}
