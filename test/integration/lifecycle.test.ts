import assert from 'node:assert/strict';
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import path from 'node:path';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { sql } from 'kysely';
import { access } from '../../src/features/identity/access.js';
import { startServer } from '../../src/server.js';
import { testConfig } from '../helpers/app.js';
import { describeEachDatabase } from '../helpers/databases.js';

const root = path.resolve(import.meta.dirname, '../..');

/** Starts `node dist/main.js` (what npm start runs after building) with only the given environment. */
function startProcess(env: Record<string, string>): {
  child: ChildProcessWithoutNullStreams;
  output: () => string;
} {
  const child = spawn(process.execPath, [path.join(root, 'dist/main.js')], {
    cwd: root,
    env: { PATH: process.env.PATH ?? '', PORT: '0', ...env },
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  return { child, output: () => output };
}

async function waitFor<T>(
  probe: () => T | undefined,
  what: string,
  timeoutMs = 20_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const value = probe();
    if (value !== undefined) return value;
    await sleep(50);
  }
  throw new Error(`timed out waiting for ${what}`);
}

function exitOf(child: ChildProcessWithoutNullStreams): Promise<number | null> {
  return child.exitCode !== null
    ? Promise.resolve(child.exitCode)
    : new Promise((resolve) => child.once('exit', (code) => resolve(code)));
}

describeEachDatabase('server process', (database) => {
  it('starts, prints its URL, answers, and stops cleanly on SIGTERM', async () => {
    const { child, output } = startProcess(await database.anotherEnv());
    try {
      const url = await waitFor(
        () => /Portal: +(http:\/\/\S+?)\/\n/.exec(output())?.[1],
        'the portal URL',
      );
      await waitFor(
        () => (output().includes('Press Ctrl+C to stop.') ? true : undefined),
        'the whole banner',
      );
      assert.match(
        output(),
        /\n {2}http:\/\/\S+\/setup#token=[A-Za-z0-9_-]{43}\n/,
        'an empty database prints a setup link',
      );
      assert.match(output(), /applied database migrations/);
      const ready = await fetch(`${url}/readyz`);
      assert.equal(ready.status, 200);
      child.kill('SIGTERM');
      assert.equal(await exitOf(child), 0, output());
      assert.match(output(), /"msg":"shutdown complete"/);
    } finally {
      child.kill('SIGKILL');
    }
  });

  // The timeout catches a shutdown held open by an idle keep-alive connection (72 s by default).
  it(
    'finishes a request in flight before closing the database on shutdown',
    { timeout: 15_000 },
    async () => {
      let release: (() => void) | undefined;
      const server = await startServer(testConfig(database.config, database.dataDir), {}, (app) => {
        app.get('/api/v1/slow', { config: { access: access.public } }, async () => {
          await new Promise<void>((resolve) => (release = resolve));
          return { done: true };
        });
      });
      const inFlight = fetch(`${server.url}/api/v1/slow`);
      await waitFor(() => release, 'the slow request to arrive');
      const stopped = server.stop();
      await sleep(100);
      const refused = await fetch(`${server.url}/healthz`).then(
        (response) => response.status,
        () => 'refused',
      );
      assert.ok(
        refused === 503 || refused === 'refused',
        `new requests are not served while stopping (${refused})`,
      );
      release?.();
      const response = await inFlight;
      assert.equal(response.status, 200);
      assert.deepEqual(await response.json(), { done: true });
      await stopped;
      await assert.rejects(
        sql`select 1`.execute(server.ctx.db),
        'the database is closed after shutdown',
      );
    },
  );
});

describe('server process start-up refusals', () => {
  it('refuses to start on a wrong variable, naming it', async () => {
    const { child, output } = startProcess({ PORT: '99999' });
    assert.equal(await exitOf(child), 1);
    assert.match(
      output(),
      /Cloud Office could not start\.\nInvalid configuration:\n {2}- PORT="99999" is not valid/,
    );
  });

  it('refuses to start when PostgreSQL cannot be reached, saying where it looked', async () => {
    const { child, output } = startProcess({
      DATABASE_URL: 'postgres://postgres:pw@127.0.0.1:1/office',
      SECRET_KEY: '0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef',
    });
    assert.equal(await exitOf(child), 1);
    assert.match(
      output(),
      /Cannot reach PostgreSQL at postgres:\/\/postgres:\*\*\*\*@127\.0\.0\.1:1\/office/,
    );
  });
});
