// The incident dashboard (issue 7, item 6) over seeded rows, and an incident's exports as JSON and
// PDF (item 8): who may have them and what they hold.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import zlib from 'node:zlib';
import { after, before, it } from 'node:test';
import type { Insertable } from 'kysely';
import { ManualClock } from '../../src/clock.js';
import type { AppContext } from '../../src/context.js';
import type {
  BreachesTable,
  IncidentsTable,
  ReportRequestsTable,
  ResponseActionsTable,
} from '../../src/db/schema.js';
import { latestPublished } from '../../src/features/placement/policy-repo.js';
import { seedDefaultPolicy } from '../../src/features/placement/seed.js';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { describeEachDatabase } from '../helpers/databases.js';
import {
  buildOrganization,
  buildUser,
  setUpOffice,
  signInAs,
  type Client,
} from '../helpers/factories.js';

const NOW = '2026-12-06T10:00:00.000Z';

interface Dashboard {
  generatedAt: string;
  openBySeverity: Record<string, number>;
  reportingDelays: { label: string; upToHours: number | null; count: number }[];
  overdue: { requests: number; actions: number; updates: number };
  breachesByOrganization: {
    organization: { id: string; name: string };
    months: { month: string; count: number }[];
  }[];
  incidentsByMonth: { month: string; reported: number; late: number }[];
}

/** An incident row as intake stores one, with the fields a test cares about overridden. */
async function insertIncident(
  ctx: AppContext,
  organizationId: string,
  overrides: Partial<Insertable<IncidentsTable>> & { reported_at: string },
): Promise<string> {
  const id = randomUUID();
  const policy = await latestPublished(ctx.db);
  await ctx.db
    .insertInto('incidents')
    .values({
      id,
      organization_id: organizationId,
      status: 'reported',
      severity: 'medium',
      severity_reason: 'Seeded',
      title: `Seeded incident ${id.slice(0, 8)}`,
      description: 'Seeded for the dashboard.',
      discovered_at: overrides.reported_at,
      reported_by_user_id: null,
      system_ids: '[]',
      offering_ids: '[]',
      data_classes: '[]',
      personal_data: 0,
      records_affected: null,
      people_affected: null,
      contact: JSON.stringify({ name: 'Contact', email: 'contact@example.org', phone: null }),
      document_ids: '[]',
      policy_version: policy?.version ?? 1,
      notice_due_at: overrides.reported_at,
      reporting_delay_seconds: 0,
      late: 0,
      last_update_at: overrides.reported_at,
      final_report_at: null,
      owner_user_id: null,
      closed_at: null,
      revision: 1,
      created_at: overrides.reported_at,
      updated_at: overrides.reported_at,
      ...overrides,
    })
    .execute();
  return id;
}

async function insertBreach(
  ctx: AppContext,
  organizationId: string,
  detectedAt: string,
): Promise<void> {
  const row: Insertable<BreachesTable> = {
    id: randomUUID(),
    detection_key: null,
    source: 'manual',
    organization_id: organizationId,
    duty_code: 'protect-data',
    clause: 'Seeded',
    subject_kind: null,
    subject_id: null,
    evidence: 'Seeded',
    detected_at: detectedAt,
    policy_version: 1,
    severity: 'medium',
    status: 'open',
    owner_user_id: null,
    resolution: null,
    resolved_at: null,
    incident_id: null,
    recorded_by_user_id: null,
    revision: 1,
    updated_at: detectedAt,
  };
  await ctx.db.insertInto('breaches').values(row).execute();
}

async function insertRequest(
  ctx: AppContext,
  organizationId: string,
  status: ReportRequestsTable['status'],
  dueAt: string,
): Promise<void> {
  await ctx.db
    .insertInto('report_requests')
    .values({
      id: randomUUID(),
      organization_id: organizationId,
      incident_id: null,
      status,
      subject: 'Seeded',
      questions: '["What happened?"]',
      due_at: dueAt,
      requested_by_user_id: null,
      requested_by_position: null,
      requested_at: '2026-11-01T00:00:00.000Z',
      answer: null,
      answered_at: null,
      answered_by_user_id: null,
      escalation_step: 0,
      escalated_at: null,
      closed_note: null,
      revision: 1,
      updated_at: '2026-11-01T00:00:00.000Z',
    })
    .execute();
}

async function insertAction(
  ctx: AppContext,
  organizationId: string,
  status: ResponseActionsTable['status'],
  dueAt: string,
): Promise<void> {
  await ctx.db
    .insertInto('response_actions')
    .values({
      id: randomUUID(),
      organization_id: organizationId,
      incident_id: null,
      breach_id: null,
      kind: 'contain',
      description: 'Seeded',
      offering_id: null,
      owner_user_id: null,
      due_at: dueAt,
      status,
      ordered_by_user_id: null,
      ordered_by_position: null,
      ordered_at: '2026-11-01T00:00:00.000Z',
      done_at: null,
      verified_at: null,
      verified_by_user_id: null,
      verification_note: null,
      closed_at: null,
      revision: 1,
      updated_at: '2026-11-01T00:00:00.000Z',
    })
    .execute();
}

/**
 * The text a PDF shows, roughly: the strings of every content stream (inflated where compressed),
 * hex or literal, in order. Enough to find the words the summary printed.
 */
function pdfText(pdf: Buffer): string {
  const raw = pdf.toString('latin1');
  let text = '';
  for (const match of raw.matchAll(/stream\r?\n/g)) {
    const start = match.index + match[0].length;
    const end = raw.indexOf('endstream', start);
    const bytes = pdf.subarray(start, end);
    let body: string;
    try {
      body = zlib.inflateSync(bytes).toString('latin1');
    } catch {
      body = bytes.toString('latin1');
    }
    for (const piece of body.matchAll(/<([0-9a-fA-F]+)>|\(((?:\\.|[^\\)])*)\)/g)) {
      text +=
        piece[1] !== undefined ? Buffer.from(piece[1], 'hex').toString('latin1') : (piece[2] ?? '');
    }
    text += '\n';
  }
  return text;
}

describeEachDatabase('the incident dashboard', (database) => {
  let t: TestApp;
  const clock = new ManualClock(NOW);
  let dg: Client;
  let pseUser: Client;
  let first = '';
  let second = '';

  before(async () => {
    t = await createTestApp(database, { overrides: { clock } });
    const office = await setUpOffice(t.ctx);
    await seedDefaultPolicy(t.ctx);
    dg = await signInAs(t.app, office.email);
    first = await buildOrganization(t.ctx, 'pse', { name: 'Ministry of Alpha' });
    second = await buildOrganization(t.ctx, 'csp', { name: 'Beta Cloud' });
    pseUser = await signInAs(t.app, (await buildUser(t.ctx, first, 'pse_staff')).email);

    // Open, reported in the window within the hour, its update long overdue.
    await insertIncident(t.ctx, first, {
      reported_at: '2026-12-01T10:00:00.000Z',
      severity: 'high',
      reporting_delay_seconds: 1_800,
      last_update_at: '2026-12-01T10:00:00.000Z',
    });
    // Late by two hours, investigating, updated an hour ago.
    await insertIncident(t.ctx, first, {
      reported_at: '2026-11-10T10:00:00.000Z',
      status: 'investigating',
      severity: 'critical',
      reporting_delay_seconds: 7_200,
      late: 1,
      last_update_at: '2026-12-06T09:00:00.000Z',
    });
    // Closed: not open, no update owed; its delay still counts.
    await insertIncident(t.ctx, first, {
      reported_at: '2026-10-01T10:00:00.000Z',
      status: 'closed',
      severity: 'low',
      reporting_delay_seconds: 100_000,
      late: 1,
      closed_at: '2026-11-01T10:00:00.000Z',
    });
    // Before the window: open, but not in the charts over time; its final report is in.
    await insertIncident(t.ctx, first, {
      reported_at: '2025-12-15T10:00:00.000Z',
      status: 'resolved',
      severity: 'medium',
      reporting_delay_seconds: 30,
      final_report_at: '2026-01-10T10:00:00.000Z',
    });
    // More than a week late, another organization.
    await insertIncident(t.ctx, second, {
      reported_at: '2026-12-01T12:00:00.000Z',
      status: 'triaged',
      severity: 'high',
      reporting_delay_seconds: 700_000,
      late: 1,
      last_update_at: '2026-12-06T08:00:00.000Z',
    });

    await insertRequest(t.ctx, first, 'open', '2026-12-01T00:00:00.000Z');
    await insertRequest(t.ctx, first, 'open', '2026-12-20T00:00:00.000Z');
    await insertRequest(t.ctx, first, 'answered', '2026-12-01T00:00:00.000Z');
    await insertAction(t.ctx, first, 'ordered', '2026-12-01T00:00:00.000Z');
    await insertAction(t.ctx, second, 'in_progress', '2026-12-05T00:00:00.000Z');
    await insertAction(t.ctx, first, 'done', '2026-12-01T00:00:00.000Z');
    await insertAction(t.ctx, first, 'ordered', '2026-12-30T00:00:00.000Z');

    await insertBreach(t.ctx, first, '2026-12-02T08:00:00.000Z');
    await insertBreach(t.ctx, first, '2026-12-03T08:00:00.000Z');
    await insertBreach(t.ctx, first, '2026-06-15T08:00:00.000Z');
    await insertBreach(t.ctx, first, '2025-11-30T08:00:00.000Z');
    await insertBreach(t.ctx, second, '2026-03-01T08:00:00.000Z');
    await insertBreach(t.ctx, second, '2026-03-20T08:00:00.000Z');
    for (let i = 1; i <= 10; i += 1) {
      const name = `Zeta ${String(i).padStart(2, '0')}`;
      await insertBreach(
        t.ctx,
        await buildOrganization(t.ctx, 'pse', { name }),
        '2026-05-10T08:00:00.000Z',
      );
    }
  });
  after(() => t.close());

  it('counts open incidents by severity, leaving out closed ones', async () => {
    const response = await dg.get('/api/v1/incidents/dashboard');
    assert.equal(response.statusCode, 200, response.body);
    const dashboard = response.json<Dashboard>();
    assert.equal(dashboard.generatedAt, NOW);
    assert.deepEqual(dashboard.openBySeverity, { low: 0, medium: 1, high: 2, critical: 1 });
  });

  it('shows the reporting delays of the last 12 months in bands', async () => {
    const dashboard = (await dg.get('/api/v1/incidents/dashboard')).json<Dashboard>();
    assert.deepEqual(
      dashboard.reportingDelays.map((band) => [band.upToHours, band.count]),
      [
        [1, 1],
        [6, 1],
        [24, 0],
        [72, 1],
        [168, 0],
        [null, 1],
      ],
    );
  });

  it('counts overdue requests, actions and updates', async () => {
    const dashboard = (await dg.get('/api/v1/incidents/dashboard')).json<Dashboard>();
    assert.deepEqual(dashboard.overdue, { requests: 1, actions: 2, updates: 1 });
  });

  it('shows reports and late reports for each of the last 12 months', async () => {
    const dashboard = (await dg.get('/api/v1/incidents/dashboard')).json<Dashboard>();
    assert.equal(dashboard.incidentsByMonth.length, 12);
    assert.equal(dashboard.incidentsByMonth[0]?.month, '2026-01');
    const byMonth = Object.fromEntries(
      dashboard.incidentsByMonth.map((m) => [m.month, [m.reported, m.late]]),
    );
    assert.deepEqual(byMonth['2026-12'], [2, 1]);
    assert.deepEqual(byMonth['2026-11'], [1, 1]);
    assert.deepEqual(byMonth['2026-10'], [1, 1]);
    assert.deepEqual(byMonth['2026-09'], [0, 0]);
  });

  it('shows breaches by month for the ten organizations with the most', async () => {
    const dashboard = (await dg.get('/api/v1/incidents/dashboard')).json<Dashboard>();
    const rows = dashboard.breachesByOrganization;
    assert.deepEqual(
      rows.map((r) => r.organization.name),
      [
        'Ministry of Alpha',
        'Beta Cloud',
        'Zeta 01',
        'Zeta 02',
        'Zeta 03',
        'Zeta 04',
        'Zeta 05',
        'Zeta 06',
        'Zeta 07',
        'Zeta 08',
      ],
    );
    const alpha = rows[0];
    assert.ok(alpha);
    assert.equal(alpha.organization.id, first);
    assert.equal(alpha.months.length, 12);
    const counts = Object.fromEntries(alpha.months.map((m) => [m.month, m.count]));
    assert.equal(counts['2026-12'], 2);
    assert.equal(counts['2026-06'], 1);
    assert.equal(
      alpha.months.reduce((sum, m) => sum + m.count, 0),
      3,
      'the breach before the window is left out',
    );
    assert.equal(rows[1]?.months.find((m) => m.month === '2026-03')?.count, 2);
  });

  it('is for Cloud Office users only', async () => {
    const response = await pseUser.get('/api/v1/incidents/dashboard');
    assert.equal(response.statusCode, 403, response.body);
  });
});

describeEachDatabase('incident exports', (database) => {
  let t: TestApp;
  const clock = new ManualClock(NOW);
  let dg: Client;
  let reporter: Client;
  let colleague: Client;
  let outsider: Client;
  let incidentId = '';
  const title = 'Payroll archive exposed through a public storage link';

  before(async () => {
    t = await createTestApp(database, { overrides: { clock } });
    const office = await setUpOffice(t.ctx);
    await seedDefaultPolicy(t.ctx);
    dg = await signInAs(t.app, office.email);
    const pse = await buildOrganization(t.ctx, 'pse', { name: 'Ministry of Records' });
    reporter = await signInAs(t.app, (await buildUser(t.ctx, pse, 'pse_staff')).email);
    colleague = await signInAs(t.app, (await buildUser(t.ctx, pse, 'pse_admin')).email);
    const other = await buildOrganization(t.ctx, 'csp', { name: 'Other Cloud' });
    outsider = await signInAs(t.app, (await buildUser(t.ctx, other, 'csp_admin')).email);

    const response = await reporter.send('POST', '/api/v1/incidents', {
      title,
      description: 'An archive of payroll files was reachable through a public link.',
      discoveredAt: '2026-12-06T09:30:00.000Z',
      dataClasses: ['restricted'],
      personalData: true,
      recordsAffected: 4200,
      peopleAffected: 3900,
      contact: { name: 'Amina Khan', email: 'amina@records.example', phone: '+92 51 0000000' },
    });
    assert.equal(response.statusCode, 201, response.body);
    incidentId = response.json<{ id: string }>().id;
  });
  after(() => t.close());

  it('exports the incident as JSON, the same as its detail, as an attachment', async () => {
    for (const client of [reporter, colleague, dg]) {
      const detail = await client.get(`/api/v1/incidents/${incidentId}`);
      assert.equal(detail.statusCode, 200, detail.body);
      const response = await client.get(`/api/v1/incidents/${incidentId}/export.json`);
      assert.equal(response.statusCode, 200, response.body);
      assert.match(String(response.headers['content-type']), /^application\/json/);
      assert.match(
        String(response.headers['content-disposition']),
        new RegExp(`^attachment; filename="incident-${incidentId}\\.json"$`),
      );
      const body = response.json<{ exportedAt: string; incident: unknown }>();
      assert.equal(body.exportedAt, NOW);
      assert.deepEqual(body.incident, detail.json());
    }
  });

  it('renders a PDF summary naming the incident', async () => {
    const response = await reporter.get(`/api/v1/incidents/${incidentId}/summary.pdf`);
    assert.equal(response.statusCode, 200, response.body);
    assert.equal(response.headers['content-type'], 'application/pdf');
    assert.match(
      String(response.headers['content-disposition']),
      /^attachment; filename=".+\.pdf"$/,
    );
    const pdf = response.rawPayload;
    assert.equal(pdf.subarray(0, 5).toString('latin1'), '%PDF-');
    assert.match(pdf.subarray(-8).toString('latin1'), /%%EOF\s*$/);
    assert.ok(pdf.length > 1_000 && pdf.length < 1_000_000, `${pdf.length} bytes`);
    const text = pdfText(pdf);
    assert.ok(text.includes(title), 'the title is printed');
    assert.ok(text.includes('Ministry of Records'), 'the organization is printed');
    assert.ok(text.includes('Amina Khan'), 'the contact is printed');
    assert.ok(text.includes('Reporting delay: 30 minutes'), 'the delay is printed');
    const officer = await dg.get(`/api/v1/incidents/${incidentId}/summary.pdf`);
    assert.equal(officer.statusCode, 200);
  });

  it("answers 404 for another organization's incident, and for one that does not exist", async () => {
    for (const path of ['export.json', 'summary.pdf']) {
      const foreign = await outsider.get(`/api/v1/incidents/${incidentId}/${path}`);
      assert.equal(foreign.statusCode, 404, foreign.body);
      assert.equal(foreign.json<{ code: string }>().code, 'not_found');
      const missing = await dg.get(`/api/v1/incidents/${randomUUID()}/${path}`);
      assert.equal(missing.statusCode, 404, missing.body);
    }
  });

  it('counts the reported incident on the dashboard', async () => {
    const dashboard = (await dg.get('/api/v1/incidents/dashboard')).json<Dashboard>();
    const open = Object.values(dashboard.openBySeverity).reduce((sum, n) => sum + n, 0);
    assert.equal(open, 1);
    assert.deepEqual(dashboard.incidentsByMonth.at(-1), { month: '2026-12', reported: 1, late: 0 });
    assert.equal(dashboard.reportingDelays[0]?.count, 1);
  });
});
