import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, it } from 'node:test';
import { ManualClock } from '../../src/clock.js';
import { insertLevelIfMissing } from '../../src/features/levels/repo.js';
import { DEFAULT_LEVELS } from '../../src/features/levels/seed.js';
import { seedDefaultPolicy } from '../../src/features/placement/seed.js';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { describeEachDatabase } from '../helpers/databases.js';
import { buildDocument } from '../helpers/documents.js';
import {
  buildOrganization,
  buildUser,
  setUpOffice,
  signInAs,
  type Client,
} from '../helpers/factories.js';
import {
  buildReportRequest,
  buildResponseAction,
  countRows,
  emailsTo,
  signedInOfficer,
} from '../helpers/incidents.js';
import { buildOffering } from '../helpers/offerings.js';
import { buildSystem } from '../helpers/systems.js';

interface Incident {
  id: string;
  organization: { id: string; name: string };
  title: string;
  status: string;
  severity: string;
  severityReason: string;
  discoveredAt: string;
  reportedAt: string;
  reportingDelaySeconds: number;
  late: boolean;
  noticeDueAt: string;
  personalData: boolean;
  dataClasses: string[];
  nextUpdateDueAt: string | null;
  updateOverdue: boolean;
  finalReportDueAt: string;
  finalReportAt: string | null;
  owner: { id: string; name: string; email: string } | null;
  revision: number;
  systems: { id: string; name: string }[];
  offerings: { id: string; name: string }[];
  documents: { id: string; fileName: string }[];
  recordsAffected: number | null;
  peopleAffected: number | null;
  contact: { name: string; email: string; phone: string | null };
  deadlines: { track: string; hours: number; dueAt: string; met: boolean }[];
  timeline: {
    seq: number;
    type: string;
    at: string;
    actor: { userId: string | null; name: string | null; position: string | null } | null;
    data: Record<string, unknown>;
  }[];
  requests: { id: string; status: string }[];
  actions: { id: string; status: string }[];
  breaches: { id: string; dutyCode: string; status: string }[];
  allowedActions: string[];
}
interface Page {
  items: Incident[];
  total: number;
  limit: number;
  offset: number;
}
interface Problem {
  code: string;
  detail: string;
  errors?: { pointer: string; message: string }[];
}

const HOUR = 3_600_000;

describeEachDatabase('Data-breach reports and incidents', (database) => {
  let t: TestApp;
  const clock = new ManualClock('2026-08-01T08:00:00Z');
  let dg: Client;
  let dgEmail = '';
  let audits: Client;
  let auditsEmail = '';
  let auditsUserId = '';
  let adoption: Client;
  let adoptionEmail = '';
  let pse: Client;
  let pseId = '';
  let otherPse: Client;
  let otherPseId = '';
  let csp: Client;
  let cspId = '';
  let pseSystem = '';
  let otherSystem = '';
  let pseDocument = '';
  let otherDocument = '';
  let cspOffering = '';
  let otherOffering = '';

  const ago = (hours: number) => new Date(clock.now().getTime() - hours * HOUR).toISOString();
  const report = (client: Client, body: Record<string, unknown> = {}) =>
    client.send('POST', '/api/v1/incidents', {
      title: 'Database exposed to the internet',
      description: 'A storage bucket with case files was readable without signing in.',
      discoveredAt: ago(0.5),
      personalData: false,
      contact: { name: 'Asha Khan', email: 'asha.khan@pse.example', phone: '+92 51 000000' },
      ...body,
    });
  const reported = async (client: Client, body: Record<string, unknown> = {}) => {
    const answer = await report(client, body);
    assert.equal(answer.statusCode, 201, answer.body);
    return answer.json<Incident>();
  };
  const counts = async () => ({
    incidents: await countRows(t.ctx, 'incidents'),
    events: await countRows(t.ctx, 'incident_events'),
    outbox: await countRows(t.ctx, 'outbox'),
    breaches: await countRows(t.ctx, 'breaches'),
  });
  const mailTo = (to: string) => emailsTo(t.ctx, to);
  const transition = (client: Client, id: string, body: Record<string, unknown>) =>
    client.send('POST', `/api/v1/incidents/${id}/transitions`, body);
  const detail = async (client: Client, id: string) => {
    const answer = await client.get(`/api/v1/incidents/${id}`);
    assert.equal(answer.statusCode, 200, answer.body);
    return answer.json<Incident>();
  };

  before(async () => {
    t = await createTestApp(database, { overrides: { clock } });
    const office = await setUpOffice(t.ctx);
    for (const level of DEFAULT_LEVELS) {
      await insertLevelIfMissing(t.ctx.db, {
        id: randomUUID(),
        ...level,
        created_at: clock.now().toISOString(),
      });
    }
    await seedDefaultPolicy(t.ctx);
    dgEmail = office.email;
    dg = await signInAs(t.app, dgEmail);
    const auditsUser = await signedInOfficer(t, office.organizationId, 'director_audits');
    auditsUserId = auditsUser.id;
    auditsEmail = auditsUser.email;
    audits = auditsUser.client;
    const adoptionUser = await signedInOfficer(
      t,
      office.organizationId,
      'joint_director_cloud_adoption',
    );
    adoptionEmail = adoptionUser.email;
    adoption = adoptionUser.client;

    pseId = await buildOrganization(t.ctx, 'pse', { name: 'Ministry of Interior' });
    pse = await signInAs(t.app, (await buildUser(t.ctx, pseId, 'pse_staff')).email);
    otherPseId = await buildOrganization(t.ctx, 'pse', { name: 'Ministry of Water' });
    otherPse = await signInAs(t.app, (await buildUser(t.ctx, otherPseId, 'pse_admin')).email);
    cspId = await buildOrganization(t.ctx, 'csp', { name: 'Example Cloud' });
    csp = await signInAs(t.app, (await buildUser(t.ctx, cspId, 'csp_staff')).email);
    const otherCspId = await buildOrganization(t.ctx, 'csp', { name: 'Other Cloud' });

    pseSystem = await buildSystem(t.ctx, pseId, { name: 'Case files' });
    otherSystem = await buildSystem(t.ctx, otherPseId, { name: 'Water meters' });
    pseDocument = await buildDocument(t.ctx, pseId);
    otherDocument = await buildDocument(t.ctx, otherPseId);
    cspOffering = await buildOffering(t.ctx, cspId, { name: 'Example Storage' });
    otherOffering = await buildOffering(t.ctx, otherCspId, { name: 'Other Storage' });
  });
  after(() => t.close());

  it('takes a report on time: deadlines, delay, severity, the office told, nothing late', async () => {
    const before = await counts();
    const answer = await report(pse, {
      discoveredAt: '2026-08-01T12:30:00+05:00', // 07:30 UTC, half an hour ago
      systemIds: [pseSystem],
      offeringIds: [cspOffering],
      dataClasses: ['restricted', 'sensitive'],
      personalData: true,
      peopleAffected: 42,
      recordsAffected: 1000,
      documentIds: [pseDocument],
    });
    assert.equal(answer.statusCode, 201, answer.body);
    const incident = answer.json<Incident>();
    assert.equal(answer.headers.location, `/api/v1/incidents/${incident.id}`);
    assert.equal(incident.status, 'reported');
    assert.equal(incident.organization.id, pseId);
    assert.equal(incident.discoveredAt, '2026-08-01T07:30:00.000Z');
    assert.equal(incident.reportedAt, '2026-08-01T08:00:00.000Z');
    assert.equal(incident.reportingDelaySeconds, 1800);
    assert.equal(incident.late, false);
    assert.equal(incident.noticeDueAt, '2026-08-01T08:30:00.000Z');
    assert.deepEqual(incident.deadlines, [
      { track: 'initial_notice', hours: 1, dueAt: '2026-08-01T08:30:00.000Z', met: true },
      { track: 'personal_data', hours: 72, dueAt: '2026-08-04T07:30:00.000Z', met: true },
    ]);
    // Sensitive is tier 3; 42 people fall in "up to 100": high.
    assert.equal(incident.severity, 'high');
    assert.match(incident.severityReason, /sensitive/);
    assert.match(incident.severityReason, /up to 100/);
    assert.deepEqual(incident.systems, [{ id: pseSystem, name: 'Case files' }]);
    assert.deepEqual(incident.offerings, [{ id: cspOffering, name: 'Example Storage' }]);
    assert.deepEqual(
      incident.documents.map((d) => d.id),
      [pseDocument],
    );
    assert.equal(incident.nextUpdateDueAt, '2026-08-02T08:00:00.000Z');
    assert.equal(incident.finalReportDueAt, '2026-08-31T08:00:00.000Z');
    assert.equal(incident.breaches.length, 0);
    assert.deepEqual(
      incident.timeline.map((e) => e.type),
      ['reported'],
    );
    assert.deepEqual(incident.allowedActions, ['add_update', 'final_report']);

    const after = await counts();
    assert.equal(after.incidents, before.incidents + 1);
    assert.equal(after.breaches, before.breaches);

    // What the API answered is what is stored.
    const stored = await detail(dg, incident.id);
    assert.deepEqual({ ...stored, allowedActions: [] }, { ...incident, allowedActions: [] });
    assert.deepEqual(stored.allowedActions, ['triage', 'set_severity', 'assign_owner']);

    // Every holder of manage_incidents today is told, with the delay and the deadline in words.
    for (const to of [dgEmail, auditsEmail]) {
      const mail = (await mailTo(to)).find((m) => m.text.includes(incident.id));
      assert.ok(mail, `no e-mail to ${to}`);
      assert.match(mail.subject, /data-breach report from Ministry of Interior/);
      assert.match(mail.text, /Reporting delay: 30 minutes \(on time\)/);
      assert.match(mail.text, /within 1 hour of discovery, by 2026-08-01T08:30:00.000Z/);
      assert.ok(
        mail.text.includes(`${t.ctx.config.http.publicUrl}/incidents/${incident.id}`),
        'links the incident in the portal',
      );
    }
    assert.equal((await mailTo(adoptionEmail)).length, 0);

    const audit = await t.ctx.db
      .selectFrom('audit_events')
      .selectAll()
      .where('action', '=', 'incident.report')
      .where('target_id', '=', incident.id)
      .executeTakeFirstOrThrow();
    assert.equal(audit.outcome, 'success');
  });

  it('flags a late report and opens exactly one breach of the reporting duty', async () => {
    const before = await counts();
    const incident = await reported(pse, { discoveredAt: ago(3), title: 'Laptop stolen' });
    assert.equal(incident.late, true);
    assert.equal(incident.reportingDelaySeconds, 3 * 3600);
    assert.equal(incident.deadlines[0]?.met, false);
    assert.equal(incident.breaches.length, 1);
    assert.equal(incident.breaches[0]?.dutyCode, 'report-breach');
    const breaches = await t.ctx.db
      .selectFrom('breaches')
      .selectAll()
      .where('incident_id', '=', incident.id)
      .execute();
    assert.equal(breaches.length, 1);
    const [breach] = breaches;
    assert.ok(breach);
    assert.equal(breach.organization_id, pseId);
    assert.equal(breach.id, incident.breaches[0].id);
    assert.equal((await counts()).breaches, before.breaches + 1);
    const audit = await t.ctx.db
      .selectFrom('audit_events')
      .select('summary')
      .where('action', '=', 'incident.report')
      .where('target_id', '=', incident.id)
      .executeTakeFirstOrThrow();
    assert.match(audit.summary, new RegExp(breach.id));
    const mail = (await mailTo(dgEmail)).find((m) => m.text.includes(incident.id));
    assert.match(mail?.subject ?? '', /late data-breach report/);
    assert.match(mail?.text ?? '', /3 hours \(LATE/);
    // Read back, the breach is listed on the incident.
    assert.deepEqual(
      (await detail(dg, incident.id)).breaches.map((b) => b.id),
      [breach.id],
    );
  });

  it('refuses bad reports clearly and stores nothing', async () => {
    const before = await counts();
    const cases: [Client, Record<string, unknown>, number, string, string[]][] = [
      [
        pse,
        { discoveredAt: new Date(clock.now().getTime() + 1000).toISOString() },
        422,
        'discovered_in_future',
        ['/discoveredAt'],
      ],
      [pse, { systemIds: [pseSystem, randomUUID()] }, 422, 'unknown_systems', ['/systemIds/1']],
      [pse, { systemIds: [otherSystem] }, 422, 'unknown_systems', ['/systemIds/0']],
      [pse, { offeringIds: [randomUUID()] }, 422, 'unknown_offerings', ['/offeringIds/0']],
      [
        csp,
        { offeringIds: [cspOffering, otherOffering] },
        422,
        'unknown_offerings',
        ['/offeringIds/1'],
      ],
      [
        pse,
        { dataClasses: ['restricted', 'top-secret'] },
        422,
        'unknown_data_classes',
        ['/dataClasses/1'],
      ],
      [pse, { documentIds: [otherDocument] }, 422, 'unknown_documents', ['/documentIds/0']],
      [
        pse,
        { systemIds: [randomUUID()], documentIds: [otherDocument] },
        422,
        'unknown_systems',
        ['/systemIds/0', '/documentIds/0'],
      ],
      [pse, { discoveredAt: 'yesterday' }, 400, 'validation_failed', []],
      [pse, { title: '' }, 400, 'validation_failed', []],
      [pse, { peopleAffected: -1 }, 400, 'validation_failed', []],
      [pse, { surprise: true }, 400, 'validation_failed', []],
      [
        pse,
        { documentIds: Array.from({ length: 21 }, () => randomUUID()) },
        400,
        'validation_failed',
        [],
      ],
    ];
    for (const [client, body, status, code, pointers] of cases) {
      const answer = await report(client, body);
      assert.equal(answer.statusCode, status, `${JSON.stringify(body)}: ${answer.body}`);
      assert.match(String(answer.headers['content-type']), /application\/problem\+json/);
      const problem = answer.json<Problem>();
      assert.equal(problem.code, code, answer.body);
      for (const pointer of pointers)
        assert.ok(
          problem.errors?.some((e) => e.pointer === pointer),
          `${code} should name ${pointer}: ${answer.body}`,
        );
    }
    // An officer does not report for an organization.
    const byOfficer = await report(dg);
    assert.equal(byOfficer.statusCode, 403, byOfficer.body);
    assert.deepEqual(await counts(), before);
  });

  it("hides another organization's incidents (404) and lists only one's own", async () => {
    const mine = await reported(pse, { title: 'Phishing of a clerk' });
    const theirs = await reported(otherPse, { title: 'Meter data leak' });
    const foreign = await otherPse.get(`/api/v1/incidents/${mine.id}`);
    assert.equal(foreign.statusCode, 404, foreign.body);
    const update = await otherPse.send('POST', `/api/v1/incidents/${mine.id}/updates`, {
      text: 'Not ours',
    });
    assert.equal(update.statusCode, 404, update.body);
    const denied = await t.ctx.db
      .selectFrom('audit_events')
      .select('summary')
      .where('action', '=', 'access.denied')
      .execute();
    assert.ok(denied.some((d) => d.summary.includes(mine.id)));

    const own = (await otherPse.get('/api/v1/incidents?limit=200')).json<Page>();
    assert.ok(own.items.length > 0);
    assert.ok(own.items.every((i) => i.organization.id === otherPseId));
    assert.ok(own.items.some((i) => i.id === theirs.id));
    const asked = (await otherPse.get(`/api/v1/incidents?organizationId=${pseId}`)).json<Page>();
    assert.equal(asked.total, 0);
    const all = (await dg.get('/api/v1/incidents?limit=200')).json<Page>();
    assert.ok(all.items.some((i) => i.id === mine.id) && all.items.some((i) => i.id === theirs.id));
  });

  it('takes updates and one final report from the reporting organization only', async () => {
    const incident = await reported(pse, { title: 'Ransomware on a file server' });
    // Sessions idle out after an hour: the clock moves in minutes here.
    clock.advance(10 * 60_000);
    const update = await pse.send('POST', `/api/v1/incidents/${incident.id}/updates`, {
      text: 'The server is isolated; backups are intact.',
      peopleAffected: 10,
      documentIds: [pseDocument],
    });
    assert.equal(update.statusCode, 201, update.body);
    const updated = update.json<Incident>();
    assert.equal(updated.peopleAffected, 10);
    assert.equal(
      updated.nextUpdateDueAt,
      new Date(clock.now().getTime() + 24 * HOUR).toISOString(),
    );
    assert.deepEqual(
      updated.timeline.map((e) => e.type),
      ['reported', 'update'],
    );
    assert.equal(updated.timeline[1]?.data.text, 'The server is isolated; backups are intact.');

    const byOfficer = await dg.send('POST', `/api/v1/incidents/${incident.id}/updates`, {
      text: 'Written for them',
    });
    assert.equal(byOfficer.statusCode, 403, byOfficer.body);

    const foreignDoc = await pse.send('POST', `/api/v1/incidents/${incident.id}/updates`, {
      text: 'With their file',
      documentIds: [otherDocument],
    });
    assert.equal(foreignDoc.statusCode, 422, foreignDoc.body);
    assert.equal(foreignDoc.json<Problem>().code, 'unknown_documents');

    const final = await pse.send('POST', `/api/v1/incidents/${incident.id}/updates`, {
      text: 'Root cause: an unpatched VPN. Patched and passwords rotated.',
      final: true,
    });
    assert.equal(final.statusCode, 201, final.body);
    const finished = final.json<Incident>();
    assert.equal(finished.finalReportAt, clock.now().toISOString());
    assert.equal(finished.nextUpdateDueAt, null);
    assert.deepEqual(finished.allowedActions, ['add_update']);
    const again = await pse.send('POST', `/api/v1/incidents/${incident.id}/updates`, {
      text: 'Final again',
      final: true,
    });
    assert.equal(again.statusCode, 409, again.body);
    assert.equal(again.json<Problem>().code, 'final_report_given');
    assert.equal((await detail(pse, incident.id)).timeline.length, 3);
  });

  it('walks the lifecycle to closed, refusing what it does not allow', async () => {
    const incident = await reported(pse, { title: 'Credentials leaked on a forum' });
    const skip = await transition(dg, incident.id, { to: 'resolved', revision: incident.revision });
    assert.equal(skip.statusCode, 409, skip.body);
    assert.equal(skip.json<Problem>().code, 'transition_not_allowed');
    assert.match(skip.json<Problem>().detail, /reported.*resolved.*only go to triaged/);

    const triage = await transition(dg, incident.id, {
      to: 'triaged',
      revision: incident.revision,
      severity: 'critical',
      ownerUserId: auditsUserId,
      note: 'Admin credentials among them.',
    });
    assert.equal(triage.statusCode, 200, triage.body);
    const triaged = triage.json<Incident>();
    assert.equal(triaged.status, 'triaged');
    assert.equal(triaged.severity, 'critical');
    assert.match(triaged.severityReason, /Admin credentials/);
    assert.equal(triaged.owner?.id, auditsUserId);
    assert.equal(triaged.revision, incident.revision + 1);

    const stale = await transition(dg, incident.id, {
      to: 'investigating',
      revision: incident.revision,
    });
    assert.equal(stale.statusCode, 409, stale.body);
    assert.equal(stale.json<Problem>().code, 'stale_revision');

    const notOfficer = await transition(dg, incident.id, {
      to: 'investigating',
      revision: triaged.revision,
      ownerUserId: (
        await t.ctx.db
          .selectFrom('users')
          .select('id')
          .where('organization_id', '=', pseId)
          .executeTakeFirstOrThrow()
      ).id,
    });
    assert.equal(notOfficer.statusCode, 422, notOfficer.body);
    assert.equal(notOfficer.json<Problem>().code, 'owner_not_officer');

    let revision = triaged.revision;
    for (const to of ['investigating', 'contained', 'resolved']) {
      const step = await transition(audits, incident.id, { to, revision });
      assert.equal(step.statusCode, 200, step.body);
      revision = step.json<Incident>().revision;
    }

    // Open work keeps it from closing, and the refusal names it.
    const requestId = await buildReportRequest(t.ctx, pseId);
    const actionId = await buildResponseAction(t.ctx, pseId);
    await t.ctx.db
      .updateTable('report_requests')
      .set({ incident_id: incident.id })
      .where('id', '=', requestId)
      .execute();
    await t.ctx.db
      .updateTable('response_actions')
      .set({ incident_id: incident.id })
      .where('id', '=', actionId)
      .execute();
    const early = await transition(audits, incident.id, { to: 'closed', revision });
    assert.equal(early.statusCode, 422, early.body);
    const problem = early.json<Problem>();
    assert.equal(problem.code, 'incident_not_finished');
    assert.match(problem.detail, new RegExp(requestId));
    assert.match(problem.detail, new RegExp(actionId));
    assert.equal((await detail(dg, incident.id)).status, 'resolved');

    await t.ctx.db
      .updateTable('report_requests')
      .set({ status: 'answered' })
      .where('id', '=', requestId)
      .execute();
    await t.ctx.db
      .updateTable('response_actions')
      .set({ status: 'verified' })
      .where('id', '=', actionId)
      .execute();
    const stillAnswered = await transition(audits, incident.id, { to: 'closed', revision });
    assert.equal(stillAnswered.statusCode, 422, stillAnswered.body);
    assert.doesNotMatch(stillAnswered.json<Problem>().detail, new RegExp(actionId));

    await t.ctx.db
      .updateTable('report_requests')
      .set({ status: 'accepted' })
      .where('id', '=', requestId)
      .execute();
    const close = await transition(audits, incident.id, {
      to: 'closed',
      revision,
      note: 'Contained and reported in full.',
    });
    assert.equal(close.statusCode, 200, close.body);
    const closed = close.json<Incident>();
    assert.equal(closed.status, 'closed');
    assert.deepEqual(
      closed.timeline.map(
        (e) => `${e.type}${e.type === 'transition' ? `:${String(e.data.to)}` : ''}`,
      ),
      [
        'reported',
        'transition:triaged',
        'severity_changed',
        'owner_changed',
        'transition:investigating',
        'transition:contained',
        'transition:resolved',
        'transition:closed',
      ],
    );
    assert.equal(closed.timeline[1]?.actor?.position, 'DG Cloud');
    assert.deepEqual(
      closed.requests.map((r) => r.id),
      [requestId],
    );
    assert.deepEqual(
      closed.actions.map((a) => a.id),
      [actionId],
    );
    assert.deepEqual(closed.allowedActions, []);
    assert.equal((await detail(pse, incident.id)).allowedActions.length, 0);

    const reopened = await transition(audits, incident.id, {
      to: 'investigating',
      revision: closed.revision,
    });
    assert.equal(reopened.statusCode, 409, reopened.body);
    assert.match(reopened.json<Problem>().detail, /closed/);
    const late = await pse.send('POST', `/api/v1/incidents/${incident.id}/updates`, {
      text: 'More',
    });
    assert.equal(late.statusCode, 409, late.body);
    assert.equal(late.json<Problem>().code, 'incident_closed');

    const steps = await t.ctx.db
      .selectFrom('audit_events')
      .select('action')
      .where('target_id', '=', incident.id)
      .orderBy('seq')
      .execute();
    assert.deepEqual(
      steps.map((s) => s.action),
      [
        'incident.report',
        'incident.transition',
        'incident.transition',
        'incident.transition',
        'incident.transition',
        'incident.transition',
      ],
    );
  });

  it('sets severity and owner by PATCH, with the revision', async () => {
    const incident = await reported(pse, { title: 'Misdirected e-mail' });
    const patch = await audits.send('PATCH', `/api/v1/incidents/${incident.id}`, {
      severity: 'low',
      severityReason: 'One message, recalled at once.',
      ownerUserId: auditsUserId,
      revision: incident.revision,
    });
    assert.equal(patch.statusCode, 200, patch.body);
    const patched = patch.json<Incident>();
    assert.equal(patched.severity, 'low');
    assert.match(patched.severityReason, /recalled at once/);
    assert.equal(patched.owner?.email, auditsEmail);
    assert.deepEqual(
      patched.timeline.map((e) => e.type),
      ['reported', 'severity_changed', 'owner_changed'],
    );
    const stale = await audits.send('PATCH', `/api/v1/incidents/${incident.id}`, {
      severity: 'high',
      revision: incident.revision,
    });
    assert.equal(stale.statusCode, 409, stale.body);
    assert.equal(stale.json<Problem>().code, 'stale_revision');
  });

  it('refuses the lifecycle to users without manage_incidents, and audits the refusal', async () => {
    const incident = await reported(pse, { title: 'USB stick lost' });
    const before = await counts();
    for (const client of [adoption, pse]) {
      const answer = await transition(client, incident.id, { to: 'triaged', revision: 1 });
      assert.equal(answer.statusCode, 403, answer.body);
      const patch = await client.send('PATCH', `/api/v1/incidents/${incident.id}`, {
        severity: 'low',
        revision: 1,
      });
      assert.equal(patch.statusCode, 403, patch.body);
    }
    assert.deepEqual(await counts(), before);
    const denied = await t.ctx.db
      .selectFrom('audit_events')
      .select(['actor_email', 'target_id', 'summary'])
      .where('action', '=', 'access.denied')
      .where('actor_email', '=', adoptionEmail)
      .execute();
    assert.ok(
      denied.some((d) => d.target_id === 'POST /api/v1/incidents/:id/transitions'),
      JSON.stringify(denied),
    );
    assert.equal((await detail(dg, incident.id)).status, 'reported');
  });

  it('lists with filters, sorting and paging, and exports the same as CSV', async () => {
    const marker = `Batch ${randomUUID().slice(0, 8)}`;
    const made: Incident[] = [];
    for (const [i, body] of [
      { dataClasses: ['secret'], peopleAffected: 5000 },
      { dataClasses: ['open'], peopleAffected: 0 },
      { dataClasses: ['restricted'], peopleAffected: 50, discoveredAt: ago(5) },
    ].entries()) {
      clock.advance(60_000);
      made.push(await reported(pse, { ...body, title: `${marker} number ${i}` }));
    }
    const list = async (query: string) => {
      const answer = await dg.get(`/api/v1/incidents?q=${encodeURIComponent(marker)}&${query}`);
      assert.equal(answer.statusCode, 200, answer.body);
      return answer.json<Page>();
    };
    const all = await list('');
    assert.equal(all.total, 3);
    assert.deepEqual(
      all.items.map((i) => i.id),
      [made[2]?.id, made[1]?.id, made[0]?.id],
      'newest report first',
    );
    assert.deepEqual(
      (await list('sort=-severity')).items.map((i) => i.severity),
      ['critical', 'medium', 'low'],
    );
    assert.deepEqual((await list('sort=discoveredAt')).items.map((i) => i.id)[0], made[2]?.id);
    const late = await list('late=true');
    assert.deepEqual(
      late.items.map((i) => i.id),
      [made[2]?.id],
    );
    assert.equal((await list('late=false')).total, 2);
    assert.equal((await list('severity=critical')).items[0]?.id, made[0]?.id);
    assert.equal((await list(`organizationId=${otherPseId}`)).total, 0);
    assert.equal((await list('status=triaged')).total, 0);
    const page = await list('limit=1&offset=1');
    assert.deepEqual(
      {
        total: page.total,
        limit: page.limit,
        offset: page.offset,
        ids: page.items.map((i) => i.id),
      },
      { total: 3, limit: 1, offset: 1, ids: [made[1]?.id] },
    );
    const bad = await dg.get('/api/v1/incidents?limit=500');
    assert.equal(bad.statusCode, 400, bad.body);
    const badSort = await dg.get('/api/v1/incidents?sort=title');
    assert.equal(badSort.statusCode, 400, badSort.body);

    const csv = await dg.get(
      `/api/v1/incidents.csv?q=${encodeURIComponent(marker)}&sort=-severity`,
    );
    assert.equal(csv.statusCode, 200, csv.body);
    assert.equal(csv.headers['content-type'], 'text/csv; charset=utf-8');
    assert.match(
      String(csv.headers['content-disposition']),
      /^attachment; filename="cloud-office-incidents-/,
    );
    const lines = csv.body.split('\r\n').filter((l) => l !== '');
    assert.match(lines[0] ?? '', /^id,organization_id,organization,title,status,severity/);
    assert.equal(lines.length, 4);
    assert.ok(
      lines[1]?.startsWith(
        `${made[0]?.id},${pseId},Ministry of Interior,${marker} number 0,reported,critical`,
      ),
    );
    const foreignCsv = await otherPse.get(`/api/v1/incidents.csv?q=${encodeURIComponent(marker)}`);
    assert.equal(foreignCsv.statusCode, 200);
    assert.equal(foreignCsv.body.split('\r\n').filter((l) => l !== '').length, 1);
  });
});
