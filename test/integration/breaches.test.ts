// Breaches of duty (issue 7, item 2): the duty check over stored facts, once per failure even on
// two instances at once; breaches recorded by hand; their update flow; who may do what; CSV.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, it } from 'node:test';
import { ManualClock } from '../../src/clock.js';
import { AppContext } from '../../src/context.js';
import { insertLevelIfMissing } from '../../src/features/levels/repo.js';
import { DEFAULT_LEVELS } from '../../src/features/levels/seed.js';
import type { PolicyPack } from '../../src/features/placement/model.js';
import { seedDefaultPolicy } from '../../src/features/placement/seed.js';
import { runDutyCheck } from '../../src/jobs/duties.js';
import { createTestApp, testConfig, type TestApp } from '../helpers/app.js';
import { describeEachDatabase } from '../helpers/databases.js';
import {
  appoint,
  buildOrganization,
  buildUser,
  setUpOffice,
  signInAs,
  type Client,
} from '../helpers/factories.js';
import { buildIncident, buildReportRequest, buildResponseAction } from '../helpers/incidents.js';
import { buildOffering } from '../helpers/offerings.js';
import { buildAccreditedOffering } from '../helpers/register.js';
import { buildSystem } from '../helpers/systems.js';

interface Summary {
  id: string;
  source: string;
  organization: { id: string; name: string };
  dutyCode: string;
  severity: string;
  status: string;
  detectedAt: string;
  subject: { kind: string; id: string } | null;
  incidentId: string | null;
  owner: { id: string; name: string; email: string } | null;
}
interface Detail extends Summary {
  dutyText: string;
  clause: string;
  evidence: string;
  policyVersion: number;
  resolution: string | null;
  resolvedAt: string | null;
  actions: { id: string; kind: string; overdue: boolean }[];
  revision: number;
  allowedActions: string[];
}
interface Problem {
  code: string;
  detail: string;
  errors?: { pointer: string; message: string }[];
}

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

describeEachDatabase('breaches of duty', (database) => {
  const clock = new ManualClock('2026-09-15T10:00:00.000Z');
  const instant = (offsetMs: number) => new Date(clock.now().getTime() + offsetMs).toISOString();
  const day = (offsetDays: number) => instant(offsetDays * DAY).slice(0, 10);
  let t: TestApp;
  let dg: Client;
  let legal: Client;
  let pseStaff: Client;
  let otherPse: Client;
  let dgUserId = '';
  let legalUserId = '';
  let cspId = '';
  let pseId = '';
  let otherPseId = '';
  let auditFirmId = '';
  let officeId = '';

  const breachesOf = (subjectId: string) =>
    t.ctx.db
      .selectFrom('breaches')
      .selectAll()
      .where('subject_id', '=', subjectId)
      .orderBy('duty_code')
      .execute();

  /** A system of the PSE whose current hosting is this offering. */
  const hostOn = async (offeringId: string, organizationId = pseId): Promise<string> => {
    const id = await buildSystem(t.ctx, organizationId);
    await t.ctx.db
      .updateTable('pse_systems')
      .set({
        current_kind: 'offering',
        current_offering_id: offeringId,
        current_facility_name: null,
        current_facility_country: null,
        current_facility_operator: null,
      })
      .where('id', '=', id)
      .execute();
    return id;
  };

  const overdueRequest = (organizationId: string) =>
    buildReportRequest(t.ctx, organizationId, { dueAt: instant(-2 * HOUR) });

  const record = (client: Client, body: Record<string, unknown>) =>
    client.send('POST', '/api/v1/breaches', body);

  before(async () => {
    t = await createTestApp(database, { overrides: { clock } });
    const office = await setUpOffice(t.ctx);
    for (const level of DEFAULT_LEVELS)
      await insertLevelIfMissing(t.ctx.db, {
        id: randomUUID(),
        ...level,
        created_at: clock.now().toISOString(),
      });
    await seedDefaultPolicy(t.ctx);
    dg = await signInAs(t.app, office.email);
    dgUserId = office.userId;
    officeId = office.organizationId;
    const legalUser = await buildUser(t.ctx, office.organizationId, 'officer');
    await appoint(t.ctx, legalUser.id, 'director_legal_procurement', '2026-01-01');
    legalUserId = legalUser.id;
    legal = await signInAs(t.app, legalUser.email);

    cspId = await buildOrganization(t.ctx, 'csp', { name: 'Indus Cloud' });
    pseId = await buildOrganization(t.ctx, 'pse', { name: 'Ministry of Interior' });
    otherPseId = await buildOrganization(t.ctx, 'pse', { name: 'Ministry of Water' });
    auditFirmId = await buildOrganization(t.ctx, 'audit_firm', { name: 'Audit House' });
    pseStaff = await signInAs(t.app, (await buildUser(t.ctx, pseId, 'pse_staff')).email);
    otherPse = await signInAs(t.app, (await buildUser(t.ctx, otherPseId, 'pse_admin')).email);
  });
  after(() => t.close());

  it('opens one breach per failure of each measurable duty, from stored facts, and none on a second run', async () => {
    // An offering hosting a ministry's system with no accreditation at all; and one accredited.
    const bare = await buildOffering(t.ctx, cspId, { name: 'Bare Metal' });
    await hostOn(bare);
    const accredited = await buildAccreditedOffering(t.ctx, cspId, {
      name: 'Gov Cloud',
      grantedAt: instant(-60 * DAY),
      conditions: [
        { text: 'Submit the penetration test report', dueOn: day(-3) },
        { text: 'Name a security officer', dueOn: day(30) },
      ],
    });
    await hostOn(accredited.offeringId);
    // A critical finding raised 40 days ago (policy: fixed within 30 days), and a low one.
    const critical = randomUUID();
    await t.ctx.db
      .updateTable('accreditation_applications')
      .set({
        assessment: JSON.stringify({
          submittedOn: day(-40),
          counts: { satisfied: 10, not_satisfied: 2, not_applicable: 0 },
          findings: [
            {
              id: critical,
              controlId: 'ac-2',
              severity: 'critical',
              description: 'Shared administrator accounts',
              dueOn: day(60),
            },
            {
              id: randomUUID(),
              controlId: 'au-6',
              severity: 'low',
              description: 'Logs reviewed monthly, not weekly',
              dueOn: day(-1),
            },
          ],
        }),
      })
      .where('id', '=', accredited.applicationId)
      .execute();

    // A system whose placement is out of policy, and one in policy.
    const outside = await buildSystem(t.ctx, pseId, { name: 'Visitor log' });
    const inside = await buildSystem(t.ctx, pseId, { name: 'Canteen menu' });
    for (const [systemId, status] of [
      [outside, 'out_of_policy'],
      [inside, 'in_policy'],
    ] as const)
      await t.ctx.db
        .insertInto('system_placements')
        .values({
          system_id: systemId,
          status,
          reason: status === 'out_of_policy' ? 'Customer data is kept abroad' : null,
          flagged_at: status === 'out_of_policy' ? instant(-DAY) : null,
          current_decision_id: null,
          proposed_decision_id: null,
          policy_version: 1,
          trigger: 'test',
          evaluated_at: instant(-DAY),
        })
        .execute();

    // A report made 5 hours after discovery (due within 1), and one made in time.
    const late = await buildIncident(t.ctx, pseId);
    await t.ctx.db
      .updateTable('incidents')
      .set({
        discovered_at: instant(-6 * HOUR),
        reported_at: instant(-HOUR),
        notice_due_at: instant(-5 * HOUR),
        reporting_delay_seconds: 5 * 3600,
        late: 1,
      })
      .where('id', '=', late)
      .execute();
    const onTime = await buildIncident(t.ctx, pseId);

    // A request past its due date and one not yet due; an action overdue and one done in time.
    const request = await overdueRequest(pseId);
    const pending = await buildReportRequest(t.ctx, pseId);
    const action = await buildResponseAction(t.ctx, cspId);
    await t.ctx.db
      .updateTable('response_actions')
      .set({ due_at: instant(-DAY) })
      .where('id', '=', action)
      .execute();
    const done = await buildResponseAction(t.ctx, cspId);
    await t.ctx.db
      .updateTable('response_actions')
      .set({ status: 'done', done_at: instant(-HOUR), due_at: instant(-30 * 60_000) })
      .where('id', '=', done)
      .execute();

    const first = await runDutyCheck(t.ctx);
    assert.deepEqual(first, {
      checkedAt: '2026-09-15T10:00:00.000Z',
      policyVersion: 1,
      failures: 7,
      opened: 7,
    });

    const one = async (subjectId: string) => {
      const rows = await breachesOf(subjectId);
      assert.equal(rows.length, 1, `one breach for ${subjectId}: ${JSON.stringify(rows)}`);
      const [row] = rows;
      assert.ok(row);
      assert.equal(row.source, 'check');
      assert.equal(row.status, 'open');
      assert.equal(row.detected_at, '2026-09-15T10:00:00.000Z');
      assert.equal(row.policy_version, 1);
      return row;
    };
    const offering = await one(bare);
    assert.deepEqual(
      [offering.duty_code, offering.organization_id, offering.subject_kind],
      ['offering-accredited', cspId, 'offering'],
    );
    assert.match(offering.evidence, /"Bare Metal" hosts public sector data/);
    const placement = await one(outside);
    assert.deepEqual(
      [placement.duty_code, placement.organization_id, placement.subject_kind],
      ['placement-allowed', pseId, 'system'],
    );
    const report = await one(late);
    assert.deepEqual(
      [report.duty_code, report.organization_id, report.incident_id],
      ['report-breach', pseId, late],
    );
    assert.match(report.evidence, /delay 300 min/);
    const asked = await one(request);
    assert.deepEqual([asked.duty_code, asked.organization_id], ['answer-report-request', pseId]);
    const ordered = await one(action);
    assert.deepEqual(
      [ordered.duty_code, ordered.organization_id],
      ['complete-response-action', cspId],
    );
    const finding = await one(critical);
    assert.deepEqual(
      [finding.duty_code, finding.organization_id],
      ['fix-critical-findings', cspId],
    );
    const conditions = await t.ctx.db
      .selectFrom('breaches')
      .selectAll()
      .where('duty_code', '=', 'meet-accreditation-conditions')
      .execute();
    assert.equal(conditions.length, 1);
    assert.match(conditions[0]?.evidence ?? '', /penetration test report/);
    for (const fine of [accredited.offeringId, inside, onTime, pending, done])
      assert.deepEqual(await breachesOf(fine), [], `no breach for ${fine}`);

    const detect = await t.ctx.db
      .selectFrom('audit_events')
      .select(['summary'])
      .where('action', '=', 'breach.detect')
      .execute();
    assert.equal(detect.length, 1);

    // Again, and as of an hour later: nothing new.
    assert.deepEqual(await runDutyCheck(t.ctx), { ...first, opened: 0 });
    const later = await runDutyCheck(t.ctx, instant(HOUR));
    assert.equal(later.opened, 0);
    assert.equal(later.failures, 7);
    assert.equal(
      (
        await t.ctx.db
          .selectFrom('audit_events')
          .select('id')
          .where('action', '=', 'breach.detect')
          .execute()
      ).length,
      1,
      'a run that opens nothing writes nothing',
    );
  });

  it('opens each breach once when two instances run the check at the same moment', async () => {
    const requests = [
      await overdueRequest(pseId),
      await overdueRequest(otherPseId),
      await overdueRequest(cspId),
    ];
    const second = await AppContext.create(testConfig(database.config, database.dataDir), {
      clock,
    });
    try {
      const [a, b] = await Promise.all([runDutyCheck(t.ctx), runDutyCheck(second)]);
      assert.equal(a.opened + b.opened, 3, `opened ${a.opened} + ${b.opened}`);
      for (const id of requests) assert.equal((await breachesOf(id)).length, 1);
      const [c, d] = await Promise.all([runDutyCheck(t.ctx), runDutyCheck(second)]);
      assert.equal(c.opened + d.opened, 0);
    } finally {
      await second.close();
    }
  });

  it('lists breaches to officers (all) and to an organization (its own), with a CSV twin', async () => {
    const all = await dg.get('/api/v1/breaches?limit=200');
    assert.equal(all.statusCode, 200, all.body);
    const page = all.json<{ items: Summary[]; total: number; limit: number; offset: number }>();
    assert.equal(page.total, 10);
    assert.equal(page.limit, 200);
    assert.equal(page.offset, 0);
    assert.ok(page.items.some((b) => b.organization.id === cspId));

    const filtered = await dg.get(
      `/api/v1/breaches?dutyCode=answer-report-request&organizationId=${pseId}`,
    );
    const mine = filtered.json<{ items: Summary[]; total: number }>();
    assert.equal(mine.total, 2);
    assert.ok(mine.items.every((b) => b.dutyCode === 'answer-report-request'));

    const own = (await pseStaff.get('/api/v1/breaches?limit=200')).json<{
      items: Summary[];
      total: number;
    }>();
    assert.ok(own.total > 0);
    assert.ok(own.items.every((b) => b.organization.id === pseId));
    // Asking for another organization's breaches still gives only one's own.
    const sneaky = (await pseStaff.get(`/api/v1/breaches?organizationId=${cspId}`)).json<{
      total: number;
    }>();
    assert.equal(sneaky.total, 0);

    const one = own.items[0];
    assert.ok(one);
    const detail = await pseStaff.get(`/api/v1/breaches/${one.id}`);
    assert.equal(detail.statusCode, 200, detail.body);
    assert.deepEqual(detail.json<Detail>().allowedActions, []);
    assert.ok(detail.json<Detail>().dutyText.length > 0);
    assert.equal((await otherPse.get(`/api/v1/breaches/${one.id}`)).statusCode, 404);
    assert.deepEqual((await dg.get(`/api/v1/breaches/${one.id}`)).json<Detail>().allowedActions, [
      'update',
    ]);

    const csv = await dg.get('/api/v1/breaches.csv?source=check');
    assert.equal(csv.statusCode, 200, csv.body);
    assert.equal(csv.headers['content-type'], 'text/csv; charset=utf-8');
    assert.match(
      String(csv.headers['content-disposition']),
      /^attachment; filename="cloud-office-breaches-2026-09-15\.csv"$/,
    );
    const lines = csv.body.trimEnd().split('\r\n');
    assert.match(lines[0] ?? '', /^id,source,organization_id,organization,duty_code/);
    assert.equal(lines.length, 11);
    const ownCsv = await pseStaff.get('/api/v1/breaches.csv');
    assert.equal(ownCsv.body.trimEnd().split('\r\n').length, own.total + 1);
    assert.ok(!ownCsv.body.includes(cspId));
  });

  it('records a breach by hand, of a duty in force, by an active CSP or PSE', async () => {
    const incident = await buildIncident(t.ctx, pseId);
    const created = await record(dg, {
      organizationId: pseId,
      dutyCode: 'protect-data',
      evidence: 'Passwords of the case-file system were shared by e-mail.',
      severity: 'high',
      incidentId: incident,
      detectedAt: '2026-09-15T14:30:00+05:00',
    });
    assert.equal(created.statusCode, 201, created.body);
    const breach = created.json<Detail>();
    assert.equal(created.headers.location, `/api/v1/breaches/${breach.id}`);
    assert.equal(breach.source, 'manual');
    assert.equal(breach.detectedAt, '2026-09-15T09:30:00.000Z');
    assert.equal(breach.incidentId, incident);
    assert.equal(breach.subject, null);
    assert.equal(breach.status, 'open');
    assert.equal(breach.revision, 1);
    assert.match(breach.clause, /utmost integrity/);
    const timeline = await t.ctx.db
      .selectFrom('incident_events')
      .select('type')
      .where('incident_id', '=', incident)
      .execute();
    assert.deepEqual(
      timeline.map((e) => e.type),
      ['breach_linked'],
    );

    const problem = async (body: Record<string, unknown>, status: number, pointer?: string) => {
      const answer = await record(dg, {
        organizationId: pseId,
        dutyCode: 'protect-data',
        evidence: 'Something was wrong.',
        severity: 'low',
        ...body,
      });
      assert.equal(answer.statusCode, status, answer.body);
      assert.equal(answer.headers['content-type'], 'application/problem+json; charset=utf-8');
      if (pointer) assert.equal(answer.json<Problem>().errors?.[0]?.pointer, pointer);
      return answer.json<Problem>();
    };
    assert.equal(
      (await problem({ dutyCode: 'pays-invoices' }, 422, '/dutyCode')).code,
      'unknown_duty',
    );
    assert.equal(
      (await problem({ organizationId: auditFirmId }, 422, '/organizationId')).code,
      'unknown_organization',
    );
    assert.equal(
      (await problem({ organizationId: randomUUID() }, 422, '/organizationId')).code,
      'unknown_organization',
    );
    // A CSP's duty cannot be breached by a PSE.
    assert.equal(
      (await problem({ dutyCode: 'offering-accredited' }, 422, '/dutyCode')).code,
      'duty_not_of_party',
    );
    assert.equal(
      (await problem({ detectedAt: instant(DAY) }, 422, '/detectedAt')).code,
      'detected_in_future',
    );
    assert.equal(
      (await problem({ incidentId: randomUUID() }, 422, '/incidentId')).code,
      'unknown_incident',
    );
    await problem({ severity: 'apocalyptic' }, 400);
    await problem({ evidence: '' }, 400);
    await problem({ surprise: true }, 400);
    const manual = await t.ctx.db
      .selectFrom('breaches')
      .select('id')
      .where('source', '=', 'manual')
      .execute();
    assert.equal(manual.length, 1, 'nothing half-stored');
  });

  it('moves a breach forward with an owner and a resolution, compare-and-set on the revision', async () => {
    const created = await record(dg, {
      organizationId: cspId,
      dutyCode: 'offering-accredited',
      evidence: 'The offering ran a ministry system while suspended.',
      severity: 'medium',
    });
    const id = created.json<Detail>().id;
    const patch = (client: Client, body: Record<string, unknown>) =>
      client.send('PATCH', `/api/v1/breaches/${id}`, body);

    const acknowledged = await patch(dg, {
      status: 'acknowledged',
      ownerUserId: legalUserId,
      severity: 'high',
      revision: 1,
    });
    assert.equal(acknowledged.statusCode, 200, acknowledged.body);
    const a = acknowledged.json<Detail>();
    assert.equal(a.status, 'acknowledged');
    assert.equal(a.severity, 'high');
    assert.equal(a.owner?.id, legalUserId);
    assert.equal(a.revision, 2);

    const stale = await patch(dg, { status: 'remedied', resolution: 'Fixed', revision: 1 });
    assert.equal(stale.statusCode, 409, stale.body);
    assert.equal(stale.json<Problem>().code, 'stale_revision');

    const bare = await patch(dg, { status: 'remedied', revision: 2 });
    assert.equal(bare.statusCode, 422, bare.body);
    assert.equal(bare.json<Problem>().errors?.[0]?.pointer, '/resolution');

    const notOfficer = await patch(dg, {
      ownerUserId: (await buildUser(t.ctx, pseId, 'pse_admin')).id,
      revision: 2,
    });
    assert.equal(notOfficer.statusCode, 422, notOfficer.body);
    assert.equal(notOfficer.json<Problem>().errors?.[0]?.pointer, '/ownerUserId');

    const remedied = await patch(dg, {
      status: 'remedied',
      resolution: 'The systems moved to an accredited offering.',
      revision: 2,
    });
    assert.equal(remedied.statusCode, 200, remedied.body);
    const r = remedied.json<Detail>();
    assert.equal(r.resolution, 'The systems moved to an accredited offering.');
    assert.equal(r.resolvedAt, '2026-09-15T10:00:00.000Z');

    const back = await patch(dg, { status: 'open', revision: 3 });
    assert.equal(back.statusCode, 409, back.body);
    assert.equal(back.json<Problem>().code, 'transition_not_allowed');

    const closed = await patch(dg, { status: 'closed', ownerUserId: dgUserId, revision: 3 });
    assert.equal(closed.statusCode, 200, closed.body);
    assert.equal(closed.json<Detail>().status, 'closed');
    assert.deepEqual(closed.json<Detail>().allowedActions, []);
    const after = await patch(dg, { severity: 'low', revision: 4 });
    assert.equal(after.statusCode, 409, after.body);

    const audited = await t.ctx.db
      .selectFrom('audit_events')
      .select(['action', 'target_id'])
      .where('action', '=', 'breach.update')
      .where('target_id', '=', id)
      .execute();
    assert.equal(audited.length, 3);
    const bad = await patch(dg, { status: 'finished', revision: 4 });
    assert.equal(bad.statusCode, 400, bad.body);
    assert.equal(
      (await dg.send('PATCH', `/api/v1/breaches/${randomUUID()}`, { revision: 1 })).statusCode,
      404,
    );
  });

  it('refuses breach changes without manage_incidents (403, audited) and runs the check on request', async () => {
    const denied = await record(legal, {
      organizationId: pseId,
      dutyCode: 'protect-data',
      evidence: 'x',
      severity: 'low',
    });
    assert.equal(denied.statusCode, 403, denied.body);
    assert.match(denied.json<Problem>().detail, /manage_incidents/);
    const byPse = await pseStaff.send('POST', '/api/v1/breaches/check');
    assert.equal(byPse.statusCode, 403, byPse.body);
    const [any] = (await dg.get('/api/v1/breaches')).json<{ items: Summary[] }>().items;
    assert.ok(any);
    const patchByLegal = await legal.send('PATCH', `/api/v1/breaches/${any.id}`, {
      status: 'acknowledged',
      revision: 1,
    });
    assert.equal(patchByLegal.statusCode, 403, patchByLegal.body);
    const refusals = await t.ctx.db
      .selectFrom('audit_events')
      .select(['actor_user_id', 'summary'])
      .where('action', '=', 'access.denied')
      .where('outcome', '=', 'denied')
      .execute();
    assert.ok(
      refusals.filter(
        (r) => r.actor_user_id === legalUserId && r.summary.includes('manage_incidents'),
      ).length >= 2,
      JSON.stringify(refusals),
    );

    const check = await dg.send('POST', '/api/v1/breaches/check');
    assert.equal(check.statusCode, 200, check.body);
    assert.deepEqual(check.json(), {
      checkedAt: '2026-09-15T10:00:00.000Z',
      policyVersion: 1,
      failures: 10,
      opened: 0,
    });
  });

  it('publishes the obligations in force (public)', async () => {
    const answer = await t.app.inject({ method: 'GET', url: '/api/v1/obligations' });
    assert.equal(answer.statusCode, 200, answer.body);
    const body = answer.json<{
      policyVersion: number;
      obligations: { duties: { code: string }[]; reporting: { initialNoticeHours: number } };
      postTitles: Record<string, string>;
    }>();
    assert.equal(body.policyVersion, 1);
    assert.equal(body.obligations.duties.length, 8);
    assert.equal(body.obligations.reporting.initialNoticeHours, 1);
    // The ladder's posts by title, for visitors too.
    assert.deepEqual(body.postTitles, {
      joint_director_audits: 'Joint Director Audits',
      director_audits: 'Director Audits',
      dg_cloud: 'DG Cloud',
    });
  });

  it('keeps the duties in the policy pack: a draft with broken duties is refused, a published one is in force', async () => {
    assert.equal((await dg.send('POST', '/api/v1/policy/draft')).statusCode, 201);
    const draft = (await dg.get('/api/v1/policy/draft')).json<{ pack: PolicyPack }>();
    const pack = structuredClone(draft.pack);
    assert.ok(pack.duties, 'the default pack carries the duties');

    const unknownKind = structuredClone(pack);
    (unknownKind.duties?.duties[1] as { check: unknown }).check = { kind: 'pays_invoices' };
    const shape = await dg.send('PUT', '/api/v1/policy/draft/pack', unknownKind);
    assert.equal(shape.statusCode, 400, shape.body);

    const untiered = structuredClone(pack);
    delete untiered.duties?.severity.classImpact.secret;
    const saved = await dg.send('PUT', '/api/v1/policy/draft/pack', untiered);
    assert.equal(saved.statusCode, 200, saved.body);
    const problems = saved.json<{ problems: { pointer: string; message: string }[] }>().problems;
    assert.ok(
      problems.some(
        (p) => p.pointer === '/duties/severity/classImpact' && /"secret"/.test(p.message),
      ),
      JSON.stringify(problems),
    );
    const proposed = await dg.send('POST', '/api/v1/policy/draft/propose');
    assert.equal(proposed.statusCode, 422, proposed.body);

    // Stricter: reports due within 30 minutes, and an overdue request a high-severity breach.
    const stricter = structuredClone(pack);
    assert.ok(stricter.duties);
    stricter.duties.reporting.initialNoticeHours = 0.5;
    const answer = stricter.duties.duties.find((d) => d.code === 'answer-report-request');
    assert.ok(answer);
    answer.severity = 'high';
    assert.equal((await dg.send('PUT', '/api/v1/policy/draft/pack', stricter)).statusCode, 200);
    for (const step of ['propose', 'approve', 'publish'])
      assert.equal((await dg.send('POST', `/api/v1/policy/draft/${step}`)).statusCode, 200, step);
    const inForce = (await t.app.inject({ method: 'GET', url: '/api/v1/obligations' })).json<{
      policyVersion: number;
      obligations: { reporting: { initialNoticeHours: number } };
    }>();
    assert.equal(inForce.policyVersion, 2);
    assert.equal(inForce.obligations.reporting.initialNoticeHours, 0.5);

    const request = await overdueRequest(pseId);
    const result = await runDutyCheck(t.ctx);
    assert.equal(result.policyVersion, 2);
    assert.equal(result.opened, 1);
    const [breach] = await breachesOf(request);
    assert.ok(breach);
    assert.equal(breach.severity, 'high');
    assert.equal(breach.policy_version, 2);
  });

  it('counts a critical finding closed with close_finding as fixed: in time no breach, late or open one', async () => {
    const { applicationId } = await buildAccreditedOffering(t.ctx, cspId, {
      name: 'Fixed Cloud',
      grantedAt: instant(-60 * DAY),
      auditFirm: { id: auditFirmId, name: 'Audit House' },
    });
    // Three critical findings raised 40 days ago: the policy's 30 days ended 10 days ago.
    const [inTime, late, open] = [randomUUID(), randomUUID(), randomUUID()];
    await t.ctx.db
      .updateTable('accreditation_applications')
      .set({
        assessment: JSON.stringify({
          submittedOn: day(-40),
          counts: { satisfied: 9, not_satisfied: 3, not_applicable: 0 },
          findings: [inTime, late, open].map((id) => ({
            id,
            controlId: 'ac-2',
            severity: 'critical',
            description: 'Shared administrator accounts',
            dueOn: day(60),
          })),
        }),
      })
      .where('id', '=', applicationId)
      .execute();
    const officer = await buildUser(t.ctx, officeId, 'officer');
    await appoint(t.ctx, officer.id, 'director_cloud_adoption', '2026-01-01');
    const adoption = await signInAs(t.app, officer.email);
    const close = async (findingId: string) => {
      const response = await adoption.send(
        'POST',
        `/api/v1/applications/${applicationId}/actions/close_finding`,
        { findingId, note: 'Each administrator has a named account.' },
      );
      assert.equal(response.statusCode, 200, response.body);
    };
    const now = clock.now();
    clock.set(new Date(now.getTime() - 15 * DAY));
    try {
      await close(inTime);
    } finally {
      clock.set(now);
    }
    await close(late);

    await runDutyCheck(t.ctx);
    assert.deepEqual(await breachesOf(inTime), [], 'fixed 5 days before it was due');
    for (const [id, when] of [
      [late, `fixed on ${day(0)}`],
      [open, `still open on ${day(0)}`],
    ] as const) {
      const rows = await breachesOf(id);
      assert.deepEqual(
        rows.map((r) => [r.duty_code, r.organization_id, r.subject_kind]),
        [['fix-critical-findings', cspId, 'finding']],
      );
      assert.ok(rows[0]?.evidence.includes(when), rows[0]?.evidence);
    }
  });
});
