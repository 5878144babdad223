import fs from 'node:fs';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteDialect, sql, type SqliteDatabase } from 'kysely';
import pg from 'pg';
import { maskUrl, type DatabaseConfig } from '../config.js';
import type { Logger } from '../logger.js';
import type { Database } from './schema.js';

export type { Database } from './schema.js';
export type Dialect = DatabaseConfig['dialect'];

/** An open database: the Kysely instance the whole application shares, and how to close it. */
export interface DatabaseHandle {
  db: Kysely<Database>;
  dialect: Dialect;
  /** Where it is, with no secret in it, for logs and messages. */
  location: string;
  close(): Promise<void>;
}

/** The database cannot be opened or reached; the message says what to check. */
export class DatabaseUnavailableError extends Error {
  constructor(message: string, options?: { cause: unknown }) {
    super(message, options);
    this.name = 'DatabaseUnavailableError';
  }
}

/** How long a writer waits for SQLite's lock before giving up with SQLITE_BUSY. */
const SQLITE_BUSY_TIMEOUT_MS = 5000;
const PG_CONNECT_TIMEOUT_MS = 5000;
const PG_INT8_OID = 20;

/** Opens the configured database and proves it answers; both dialects behave the same from here. */
export async function openDatabase(
  config: DatabaseConfig,
  logger: Logger,
): Promise<DatabaseHandle> {
  return config.dialect === 'sqlite' ? openSqlite(config.file) : openPostgres(config, logger);
}

function openSqlite(file: string): DatabaseHandle {
  let database: SQLite.Database;
  try {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    database = new SQLite(file);
    database.pragma('journal_mode = WAL');
    database.pragma('foreign_keys = ON');
    database.pragma(`busy_timeout = ${SQLITE_BUSY_TIMEOUT_MS}`);
  } catch (error) {
    throw new DatabaseUnavailableError(
      `Cannot open the SQLite database at ${file}: ${describeError(error)}. Check that DATA_DIR names a folder this user can write.`,
      { cause: error },
    );
  }
  const db = new Kysely<Database>({
    dialect: new SqliteDialect({ database: withStatementCache(database) }),
  });
  return { db, dialect: 'sqlite', location: file, close: () => db.destroy() };
}

/** How many compiled SQLite statements are kept; the application has a few hundred SQL texts. */
const STATEMENT_CACHE_SIZE = 1000;

/**
 * The database as Kysely's SQLite dialect uses it, keeping compiled statements. Kysely prepares
 * every query afresh, and compiling is a large part of a short query's cost (a tenth of report
 * intake's CPU, measured). A statement is safe to reuse: Kysely's single SQLite connection runs
 * one query at a time, binds parameters at each run, and SQLite recompiles a statement by itself
 * after a schema change. The least recently used statement goes when the cache is full.
 */
function withStatementCache(database: SQLite.Database): SqliteDatabase {
  const statements = new Map<string, SQLite.Statement>();
  return {
    close: () => database.close(),
    prepare: (text) => {
      let statement = statements.get(text);
      if (statement) {
        statements.delete(text);
      } else {
        statement = database.prepare(text);
        if (statements.size >= STATEMENT_CACHE_SIZE) {
          const oldest = statements.keys().next().value;
          if (oldest !== undefined) statements.delete(oldest);
        }
      }
      statements.set(text, statement);
      return statement;
    },
  };
}

// Counts come back as int8; as JavaScript numbers they match what SQLite returns. Per pool, not global.
const types = new pg.TypeOverrides();
types.setTypeParser(PG_INT8_OID, (value: string) => Number(value));

async function openPostgres(
  config: Extract<DatabaseConfig, { dialect: 'postgres' }>,
  logger: Logger,
): Promise<DatabaseHandle> {
  const location = maskUrl(config.url);
  const pool = new pg.Pool({
    connectionString: config.url,
    max: config.poolSize,
    connectionTimeoutMillis: PG_CONNECT_TIMEOUT_MS,
    types,
  });
  // An idle client can fail (server restart); the pool replaces it, so log rather than crash.
  pool.on('error', (error) => logger.warn({ err: error }, 'idle PostgreSQL connection failed'));
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  try {
    await sql`select 1`.execute(db);
  } catch (error) {
    await db.destroy().catch(() => undefined);
    throw new DatabaseUnavailableError(
      `Cannot reach PostgreSQL at ${location}: ${describeError(error)}. Check DATABASE_URL and that the server is running.`,
      { cause: error },
    );
  }
  return { db, dialect: 'postgres', location, close: () => db.destroy() };
}

function describeError(error: unknown): string {
  if (error instanceof AggregateError && error.errors.length > 0) {
    return error.errors.map(describeError).join('; ');
  }
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    return typeof code === 'string' && !error.message.includes(code)
      ? `${error.message} (${code})`
      : error.message || (typeof code === 'string' ? code : error.name);
  }
  return String(error);
}
