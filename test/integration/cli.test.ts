import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { APP_VERSION } from '../../src/version.js';
import { runCloudOffice } from '../helpers/cli.js';
import { describeEachDatabase } from '../helpers/databases.js';

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cloud-office-cli-'));

describe('cloud-office command', () => {
  it('prints its version', async () => {
    const run = await runCloudOffice(['--version']);
    assert.equal(run.code, 0);
    assert.equal(run.stdout.trim(), APP_VERSION);
  });

  it('lists its commands in --help', async () => {
    const run = await runCloudOffice(['--help']);
    assert.equal(run.code, 0);
    for (const command of ['serve', 'migrate', 'config'])
      assert.match(run.stdout, new RegExp(`\\n\\s+${command}\\b`));
  });

  it('refuses an unknown command with exit code 2 and a hint', async () => {
    const run = await runCloudOffice(['frobnicate']);
    assert.equal(run.code, 2);
    assert.match(run.stderr, /unknown command 'frobnicate'/);
    assert.match(run.stderr, /--help/);
  });

  it('config check prints the effective configuration with the password masked', async () => {
    const run = await runCloudOffice(['config', 'check'], {
      DATA_DIR: dataDir,
      DATABASE_URL: 'postgres://office:hunter2@db.example.internal:5432/office',
      SECRET_KEY: '0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef',
      PORT: '9090',
    });
    assert.equal(run.code, 0, run.stderr);
    const printed = JSON.parse(run.stdout) as {
      http: { port: number; host: string };
      database: { dialect: string; url: string };
      dataDir: string;
    };
    assert.equal(printed.http.port, 9090);
    assert.equal(printed.http.host, '127.0.0.1');
    assert.equal(printed.dataDir, dataDir);
    assert.deepEqual(printed.database, {
      dialect: 'postgres',
      url: 'postgres://office:****@db.example.internal:5432/office',
      poolSize: 10,
    });
    assert.ok(!run.stdout.includes('hunter2'));
  });

  it('config check shows SQLite in DATA_DIR when DATABASE_URL is unset', async () => {
    const run = await runCloudOffice(['config', 'check'], { DATA_DIR: dataDir });
    const printed = JSON.parse(run.stdout) as { database: unknown };
    assert.deepEqual(printed.database, {
      dialect: 'sqlite',
      file: path.join(dataDir, 'cloud-office.sqlite'),
    });
  });

  it('config check names each wrong variable and exits 1', async () => {
    const run = await runCloudOffice(['config', 'check'], { PORT: 'http', LOG_LEVEL: 'chatty' });
    assert.equal(run.code, 1);
    assert.match(run.stderr, /PORT="http" is not valid: expected a whole number from 0 to 65535/);
    assert.match(run.stderr, /LOG_LEVEL="chatty" is not valid/);
    assert.equal(run.stdout, '');
  });

  it('migrate says clearly when PostgreSQL cannot be reached', async () => {
    const run = await runCloudOffice(['migrate'], {
      DATABASE_URL: 'postgres://postgres@127.0.0.1:1/none',
      SECRET_KEY: '0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef',
    });
    assert.equal(run.code, 1);
    assert.match(
      run.stderr,
      /Cannot reach PostgreSQL at postgres:\/\/postgres@127\.0\.0\.1:1\/none/,
    );
  });
});

describeEachDatabase('cloud-office migrate', (database) => {
  it('applies migrations, then reports the database up to date', async () => {
    const env = await database.anotherEnv();
    const first = await runCloudOffice(['migrate'], env);
    assert.equal(first.code, 0, first.stderr);
    assert.match(first.stdout, /^applied {2}0001_settings$/m);
    const second = await runCloudOffice(['migrate'], env);
    assert.equal(second.stdout.trim(), 'The database is up to date; nothing to apply.');
  });

  it('shows pending migrations with --status without applying them', async () => {
    const env = await database.anotherEnv();
    const status = await runCloudOffice(['migrate', '--status'], env);
    assert.equal(status.code, 0, status.stderr);
    assert.match(status.stdout, /^pending {2}0001_settings$/m);
    const again = await runCloudOffice(['migrate', '--status'], env);
    assert.match(again.stdout, /^pending {2}0001_settings$/m);
  });
});
