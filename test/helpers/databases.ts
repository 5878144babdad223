import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe } from 'node:test';
import pg from 'pg';
import type { DatabaseConfig } from '../../src/config.js';

/**
 * The PostgreSQL server the suite may use, e.g. postgres://postgres@127.0.0.1:5432/postgres.
 * Unset: every database test runs on SQLite only, and the PostgreSQL half is reported as skipped.
 */
export const TEST_POSTGRES_URL = process.env.TEST_POSTGRES_URL?.trim() || undefined;

/** A database made for one suite and dropped after it. */
export class TestDatabase {
  private current: DatabaseConfig | undefined;
  private readonly cleanups: (() => Promise<void>)[] = [];

  constructor(readonly dialect: DatabaseConfig['dialect']) {}

  /** The configuration that reaches this database; available once the suite's hooks ran. */
  get config(): DatabaseConfig {
    if (!this.current)
      throw new Error('the test database is made in a before() hook; use it in tests');
    return this.current;
  }

  /** A folder for this suite's other files (the SQLite file lives here too). */
  dataDir = '';

  async create(): Promise<void> {
    this.dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cloud-office-test-'));
    this.current = await this.another();
  }

  /** Another empty database of the same dialect, dropped with this one. */
  async another(): Promise<DatabaseConfig> {
    if (this.dialect === 'sqlite') {
      return {
        dialect: 'sqlite',
        file: path.join(this.dataDir, `cloud-office-${randomBytes(4).toString('hex')}.sqlite`),
      };
    }
    const { url, drop } = await createPostgresDatabase();
    this.cleanups.push(drop);
    return { dialect: 'postgres', url, poolSize: 5 };
  }

  /**
   * Environment variables that point a separate process at another empty database of this
   * dialect (with the SECRET_KEY that PostgreSQL needs).
   */
  async anotherEnv(): Promise<Record<string, string>> {
    const config = await this.another();
    return config.dialect === 'sqlite'
      ? { DATA_DIR: fs.mkdtempSync(path.join(this.dataDir, 'data-')) }
      : { DATABASE_URL: config.url, SECRET_KEY: randomBytes(32).toString('hex') };
  }

  async drop(): Promise<void> {
    for (const cleanup of this.cleanups.splice(0)) await cleanup();
    if (this.dataDir) fs.rmSync(this.dataDir, { recursive: true, force: true });
  }
}

/** Makes a fresh, uniquely named PostgreSQL database; `drop` removes it even if connections linger. */
export async function createPostgresDatabase(): Promise<{
  url: string;
  name: string;
  drop: () => Promise<void>;
}> {
  if (!TEST_POSTGRES_URL) throw new Error('TEST_POSTGRES_URL is not set');
  const name = `cloud_office_test_${process.pid}_${randomBytes(4).toString('hex')}`;
  await adminQuery(`create database "${name}"`);
  const url = new URL(TEST_POSTGRES_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    name,
    drop: () => adminQuery(`drop database if exists "${name}" with (force)`),
  };
}

async function adminQuery(text: string): Promise<void> {
  const client = new pg.Client({ connectionString: TEST_POSTGRES_URL });
  await client.connect();
  try {
    await client.query(text);
  } finally {
    await client.end();
  }
}

/**
 * Declares the same suite once per database: always SQLite, and PostgreSQL when TEST_POSTGRES_URL
 * is set (otherwise the PostgreSQL suite shows as skipped, with the reason). Each suite gets its
 * own fresh database, dropped when it ends.
 */
export function describeEachDatabase(title: string, body: (database: TestDatabase) => void): void {
  for (const dialect of ['sqlite', 'postgres'] as const) {
    const label = `${title} [${dialect === 'sqlite' ? 'SQLite' : 'PostgreSQL'}]`;
    if (dialect === 'postgres' && !TEST_POSTGRES_URL) {
      describe(
        label,
        { skip: 'PostgreSQL skipped: TEST_POSTGRES_URL is not set' },
        () => undefined,
      );
      continue;
    }
    describe(label, () => {
      const database = new TestDatabase(dialect);
      before(() => database.create());
      body(database);
      // After the body's own hooks (node runs `after` hooks in the order they were added), so that
      // the servers and contexts a suite opened are closed before their database is dropped: a
      // forced drop would otherwise cut connections that a still-running job may be using.
      after(() => database.drop());
    });
  }
}
