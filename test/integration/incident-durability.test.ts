// Nothing lost (issue 7, item 9): a data-breach report answered 201 was committed before the
// answer. The real server process takes a stream of concurrent reports and is killed hard (SIGKILL)
// in the middle of it; restarted on the same database, it still has every acknowledged report, with
// its timeline entry and audit event, and the audit chain verifies.
import assert from 'node:assert/strict';
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import path from 'node:path';
import { it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { loadConfig } from '../../src/config.js';
import { AppContext } from '../../src/context.js';
import { migrateToLatest } from '../../src/db/migrate.js';
import { verifyAuditTrail } from '../../src/features/audit/service.js';
import { seedDefaultPolicy } from '../../src/features/placement/seed.js';
import { describeEachDatabase } from '../helpers/databases.js';
import { buildApiToken, buildOrganization, buildUser, setUpOffice } from '../helpers/factories.js';

const root = path.resolve(import.meta.dirname, '../..');
/** Concurrent reporters, each with one report in flight at all times until the server dies. */
const REPORTERS = 16;
/** Acknowledged reports after which the server is killed. */
const KILL_AFTER = 40;

/** `node dist/main.js` (what `npm start` runs) on the test's database, and its output so far. */
function startServer(env: Record<string, string>): {
  child: ChildProcessWithoutNullStreams;
  output: () => string;
} {
  const child = spawn(process.execPath, [path.join(root, 'dist/main.js')], {
    cwd: root,
    env: { PATH: process.env.PATH ?? '', PORT: '0', HOST: '127.0.0.1', ...env },
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  return { child, output: () => output };
}

async function urlOf(output: () => string, child: ChildProcessWithoutNullStreams): Promise<string> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    const url = /Portal: +(http:\/\/\S+?)\/\n/.exec(output())?.[1];
    if (url) return url;
    if (child.exitCode !== null) throw new Error(`the server exited:\n${output()}`);
    await sleep(50);
  }
  throw new Error(`the server did not start:\n${output()}`);
}

function exited(child: ChildProcessWithoutNullStreams): Promise<void> {
  return child.exitCode !== null || child.signalCode !== null
    ? Promise.resolve()
    : new Promise((resolve) => child.once('exit', () => resolve()));
}

interface Acknowledged {
  id: string;
  title: string;
}

describeEachDatabase('nothing lost: reports survive a hard kill', (database) => {
  it('keeps every report answered 201 when the server is killed mid-burst', async (t) => {
    const env = await database.anotherEnv();
    const config = loadConfig({ ...env, LOG_LEVEL: 'silent' });
    let token = '';
    {
      const ctx = await AppContext.create(config);
      try {
        await migrateToLatest(ctx.db);
        await seedDefaultPolicy(ctx);
        await setUpOffice(ctx);
        const pse = await buildOrganization(ctx, 'pse', { name: 'Ministry of Durability' });
        const user = await buildUser(ctx, pse, 'pse_staff');
        token = (await buildApiToken(ctx, user.id)).token;
      } finally {
        await ctx.close();
      }
    }
    const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };

    const first = startServer(env);
    const acknowledged: Acknowledged[] = [];
    let failures = 0;
    try {
      const url = await urlOf(first.output, first.child);
      const discoveredAt = new Date(Date.now() - 10 * 60_000).toISOString();
      let sent = 0;
      let killed = false;
      // Read through a call: the kill happens while a reporter awaits, which narrowing cannot see.
      const killedYet = (): boolean => killed;
      const reporter = async (): Promise<void> => {
        while (!killedYet()) {
          sent += 1;
          const title = `Burst report ${String(sent).padStart(4, '0')}`;
          let answer: { status: number; body: string };
          try {
            const response = await fetch(`${url}/api/v1/incidents`, {
              method: 'POST',
              headers,
              body: JSON.stringify({
                title,
                description: 'Sent in a burst that ends with the server killed.',
                discoveredAt,
                personalData: false,
                contact: { name: 'Reporter', email: 'reporter@durability.example' },
              }),
              signal: AbortSignal.timeout(20_000),
            });
            answer = { status: response.status, body: await response.text() };
          } catch (error) {
            if (!killedYet()) throw error;
            // The server died with this request in flight: it may or may not have been stored.
            failures += 1;
            continue;
          }
          assert.equal(answer.status, 201, answer.body);
          const detail = JSON.parse(answer.body) as { id: string; title: string };
          assert.equal(detail.title, title);
          acknowledged.push({ id: detail.id, title });
          // Exactly one reporter sees the count reach the mark.
          if (acknowledged.length === KILL_AFTER) {
            killed = true;
            first.child.kill('SIGKILL');
          }
        }
      };
      await Promise.all(Array.from({ length: REPORTERS }, () => reporter()));
      await exited(first.child);
    } finally {
      first.child.kill('SIGKILL');
    }
    assert.equal(first.child.signalCode, 'SIGKILL', 'the server was killed, not stopped');
    assert.ok(acknowledged.length >= KILL_AFTER);
    assert.ok(failures > 0, 'some reports were in flight when the server died');
    t.diagnostic(`${acknowledged.length} reports acknowledged, ${failures} cut off by the kill`);

    const second = startServer(env);
    try {
      const url = await urlOf(second.output, second.child);
      for (const report of acknowledged) {
        const response = await fetch(`${url}/api/v1/incidents/${report.id}`, { headers });
        assert.equal(response.status, 200, `${report.title}: ${await response.clone().text()}`);
        const detail = (await response.json()) as {
          title: string;
          timeline: { type: string }[];
        };
        assert.equal(detail.title, report.title);
        assert.equal(detail.timeline[0]?.type, 'reported', `${report.title} has its timeline`);
      }
      second.child.kill('SIGTERM');
      await exited(second.child);
    } finally {
      second.child.kill('SIGKILL');
    }

    const ctx = await AppContext.create(config);
    try {
      const ids = acknowledged.map((report) => report.id);
      const stored = await ctx.db
        .selectFrom('incidents')
        .select(['id', 'title'])
        .where('id', 'in', ids)
        .execute();
      assert.deepEqual(
        new Map(stored.map((row) => [row.id, row.title])),
        new Map(acknowledged.map((report) => [report.id, report.title])),
      );
      const audited = await ctx.db
        .selectFrom('audit_events')
        .select('target_id')
        .where('action', '=', 'incident.report')
        .where('target_id', 'in', ids)
        .execute();
      assert.equal(audited.length, ids.length, 'each acknowledged report was audited');
      const verdict = await verifyAuditTrail(ctx.db);
      assert.ok(verdict.ok, JSON.stringify(verdict));
    } finally {
      await ctx.close();
    }
  });
});
