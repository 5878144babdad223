// `cloud-office incident list|show|export`: incidents from the shell, through the same services as
// the API, run as the real command on a database seeded here.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { before, it } from 'node:test';
import { actorForUser } from '../../src/features/identity/service.js';
import { incidentCsvHeader } from '../../src/features/incidents/presenter.js';
import { reportIncident } from '../../src/features/incidents/service.js';
import { runCloudOffice } from '../helpers/cli.js';
import { describeEachDatabase } from '../helpers/databases.js';
import { buildOrganization, buildUser } from '../helpers/factories.js';
import { seedShellDatabase } from '../helpers/incidents.js';
import { pdfShownText } from '../helpers/pdf.js';

interface Summary {
  id: string;
  title: string;
  status: string;
  severity: string;
}

describeEachDatabase('incidents from the shell', (database) => {
  let env: Record<string, string> = {};
  const run = (args: string[]) => runCloudOffice(args, env);
  let older = '';
  let newer = '';

  before(async () => {
    env = await database.anotherEnv();
    await seedShellDatabase(env, async (ctx) => {
      const pse = await buildOrganization(ctx, 'pse', { name: 'Ministry of Shells' });
      const user = await buildUser(ctx, pse, 'pse_staff');
      const actor = await actorForUser(ctx, user.id, {
        via: 'session',
        sessionId: null,
        secondFactorPassed: true,
      });
      assert.ok(actor);
      const report = (title: string, minutesAgo: number, personalData: boolean) =>
        reportIncident(
          ctx,
          actor,
          {
            title,
            description: `${title}, reported for the shell test.`,
            discoveredAt: new Date(Date.now() - minutesAgo * 60_000).toISOString(),
            personalData,
            peopleAffected: personalData ? 50_000 : null,
            dataClasses: personalData ? ['sensitive'] : [],
            contact: { name: 'Shell Contact', email: 'contact@shells.example' },
          },
          { actor, requestId: 'test' },
        );
      older = (await report('Mailbox rule forwarding to an outside address', 20, false)).id;
      // Reported after the first, so it lists first (newest report first).
      await new Promise((resolve) => setTimeout(resolve, 20));
      newer = (await report('Citizen records copied to a personal drive', 10, true)).id;
      await ctx.db
        .updateTable('incidents')
        .set({ status: 'closed', closed_at: new Date().toISOString() })
        .where('id', '=', older)
        .execute();
    });
  });

  it('lists every incident as a table, newest report first', async () => {
    const result = await run(['incident', 'list']);
    assert.equal(result.code, 0, result.stderr);
    const lines = result.stdout.trim().split('\n');
    assert.equal(lines.length, 2);
    assert.ok(lines[0]?.startsWith(newer), lines[0]);
    assert.match(
      lines[0] ?? '',
      /Citizen records copied to a personal drive {2}\(Ministry of Shells\)/,
    );
    assert.ok(lines[1]?.startsWith(older), lines[1]);
    assert.match(lines[1] ?? '', / closed /);
  });

  it('filters by status and severity, as JSON', async () => {
    const closed = await run(['incident', 'list', '--status', 'closed', '--format', 'json']);
    assert.equal(closed.code, 0, closed.stderr);
    assert.deepEqual(
      (JSON.parse(closed.stdout) as Summary[]).map((i) => i.id),
      [older],
    );
    const all = JSON.parse(
      (await run(['incident', 'list', '--format', 'json'])).stdout,
    ) as Summary[];
    const severity = all.find((i) => i.id === newer)?.severity;
    assert.ok(severity);
    const bySeverity = await run(['incident', 'list', '--severity', severity, '--format', 'json']);
    assert.ok((JSON.parse(bySeverity.stdout) as Summary[]).every((i) => i.severity === severity));
    assert.ok((JSON.parse(bySeverity.stdout) as Summary[]).some((i) => i.id === newer));
  });

  it('lists as CSV with the API’s columns', async () => {
    const result = await run(['incident', 'list', '--format', 'csv']);
    assert.equal(result.code, 0, result.stderr);
    assert.ok(result.stdout.startsWith(incidentCsvHeader()));
    const records = result.stdout.trim().split(/\r?\n/);
    assert.equal(records.length, 3);
    assert.ok(records[1]?.startsWith(newer));
  });

  it('refuses an unknown status or format with a usage error', async () => {
    const status = await run(['incident', 'list', '--status', 'lost']);
    assert.equal(status.code, 2);
    assert.match(status.stderr, /--status must be .*not "lost"/);
    const format = await run(['incident', 'export', newer, '--format', 'docx']);
    assert.equal(format.code, 2);
  });

  it('shows one incident as text and as JSON', async () => {
    const text = await run(['incident', 'show', newer]);
    assert.equal(text.code, 0, text.stderr);
    assert.match(text.stdout, /^Citizen records copied to a personal drive\n/);
    assert.match(text.stdout, /organization: +Ministry of Shells/);
    assert.match(text.stdout, /personal data: +yes/);
    assert.match(text.stdout, /Timeline \(1\):\n +1 .* reported/);
    const json = await run(['incident', 'show', newer, '--format', 'json']);
    assert.equal(json.code, 0, json.stderr);
    const detail = JSON.parse(json.stdout) as { id: string; title: string; timeline: unknown[] };
    assert.equal(detail.id, newer);
    assert.equal(detail.timeline.length, 1);
  });

  it('says so when there is no such incident', async () => {
    const result = await run(['incident', 'show', 'no-such-incident']);
    assert.equal(result.code, 1);
    assert.match(result.stderr, /There is no incident "no-such-incident"/);
  });

  it('exports an incident as JSON and as a PDF, to a file or standard output', async () => {
    const jsonFile = path.join(database.dataDir, 'incident.json');
    const json = await run(['incident', 'export', newer, '--format', 'json', '--out', jsonFile]);
    assert.equal(json.code, 0, json.stderr);
    const exported = JSON.parse(fs.readFileSync(jsonFile, 'utf8')) as {
      exportedAt: string;
      incident: { id: string; title: string };
    };
    assert.equal(exported.incident.id, newer);
    assert.ok(!Number.isNaN(Date.parse(exported.exportedAt)));

    const pdfFile = path.join(database.dataDir, 'incident.pdf');
    const pdf = await run(['incident', 'export', newer, '--format', 'pdf', '--out', pdfFile]);
    assert.equal(pdf.code, 0, pdf.stderr);
    const bytes = fs.readFileSync(pdfFile);
    assert.equal(bytes.subarray(0, 5).toString('latin1'), '%PDF-');
    assert.ok(pdfShownText(bytes).includes('Citizen records copied to a personal drive'));

    const stdout = await run(['incident', 'export', older, '--format', 'pdf']);
    assert.equal(stdout.code, 0, stdout.stderr);
    assert.ok(stdout.stdout.startsWith('%PDF-'));
    assert.equal(
      fs.readdirSync(database.dataDir).filter((name) => name.endsWith('.partial')).length,
      0,
      'no partial file is left behind',
    );
  });
});
