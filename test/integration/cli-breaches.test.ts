// `cloud-office breaches check|list`: the duty check and the breaches from the shell, run as the
// real command on a database seeded here.
import assert from 'node:assert/strict';
import { before, it } from 'node:test';
import { runCloudOffice } from '../helpers/cli.js';
import { describeEachDatabase } from '../helpers/databases.js';
import { buildOrganization } from '../helpers/factories.js';
import { buildReportRequest, seedShellDatabase } from '../helpers/incidents.js';
import { buildOffering } from '../helpers/offerings.js';
import { buildSystem } from '../helpers/systems.js';

describeEachDatabase('breaches from the shell', (database) => {
  let env: Record<string, string> = {};
  const run = (args: string[]) => runCloudOffice(args, env);
  let cspId = '';
  let pseId = '';

  before(async () => {
    env = await database.anotherEnv();
    await seedShellDatabase(env, async (ctx) => {
      cspId = await buildOrganization(ctx, 'csp', { name: 'Indus Cloud' });
      pseId = await buildOrganization(ctx, 'pse', { name: 'Ministry of Interior' });
      // A ministry system on an offering with no accreditation, and a request a day overdue.
      const offering = await buildOffering(ctx, cspId, { name: 'Bare Metal' });
      const system = await buildSystem(ctx, pseId);
      await ctx.db
        .updateTable('pse_systems')
        .set({ current_kind: 'offering', current_offering_id: offering })
        .where('id', '=', system)
        .execute();
      const request = await buildReportRequest(ctx, pseId);
      await ctx.db
        .updateTable('report_requests')
        .set({ due_at: new Date(Date.now() - 86_400_000).toISOString() })
        .where('id', '=', request)
        .execute();
    });
  });

  it('runs the duty check once, opening each breach once', async () => {
    const first = await run(['breaches', 'check']);
    assert.equal(first.code, 0, first.stderr);
    assert.match(
      first.stdout,
      /^Checked the duties of policy version 1 at \S+Z: 2 failure\(s\) found, 2 new breach\(es\) opened\.\n$/,
    );
    const second = await run(['breaches', 'check']);
    assert.equal(second.code, 0, second.stderr);
    assert.match(
      second.stdout,
      /2 failure\(s\) found, 0 new breach\(es\) opened, 2 already recorded\./,
    );
  });

  it('lists the breaches as a table, CSV or JSON, by status', async () => {
    const table = await run(['breaches', 'list']);
    assert.equal(table.code, 0, table.stderr);
    const lines = table.stdout.trimEnd().split('\n');
    assert.equal(lines.length, 2);
    assert.ok(lines.some((l) => /open\s+medium\s+offering-accredited\s+\(Indus Cloud\)$/.test(l)));
    assert.ok(
      lines.some((l) =>
        /open\s+medium\s+answer-report-request\s+\(Ministry of Interior\)$/.test(l),
      ),
    );

    const json = await run(['breaches', 'list', '--format', 'json']);
    assert.equal(json.code, 0, json.stderr);
    const items = JSON.parse(json.stdout) as { dutyCode: string; organization: { id: string } }[];
    assert.deepEqual(items.map((i) => [i.dutyCode, i.organization.id]).sort(), [
      ['answer-report-request', pseId],
      ['offering-accredited', cspId],
    ]);

    const csv = await run(['breaches', 'list', '--format', 'csv', '--status', 'open']);
    assert.equal(csv.code, 0, csv.stderr);
    const rows = csv.stdout.trimEnd().split('\r\n');
    assert.match(rows[0] ?? '', /^id,source,organization_id,organization,duty_code/);
    assert.equal(rows.length, 3);

    const closed = await run(['breaches', 'list', '--status', 'closed']);
    assert.equal(closed.code, 0, closed.stderr);
    assert.equal(closed.stdout, 'No breaches.\n');

    const bad = await run(['breaches', 'list', '--format', 'xml']);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /--format must be table, csv or json, not "xml"/);
  });
});
