import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { ManualClock } from '../../src/clock.js';
import { seedDefaultPolicy } from '../../src/features/placement/seed.js';
import { runDutyCheck } from '../../src/jobs/duties.js';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { describeEachDatabase } from '../helpers/databases.js';
import {
  buildOrganization,
  buildUser,
  setUpOffice,
  signInAs,
  type Client,
} from '../helpers/factories.js';
import { buildReportRequest, emailsTo } from '../helpers/incidents.js';

// Who is told by e-mail when a breach of duty is recorded: the organization in breach (its
// administrators and security officers), and the Cloud Office's incident managers once per run.

const HOUR = 3_600_000;

describeEachDatabase('E-mail about breaches of duty', (database) => {
  let t: TestApp;
  const clock = new ManualClock('2026-08-01T08:00:00Z');
  let dg: Client;
  let dgEmail = '';
  let pseId = '';
  let pseAdmin = '';
  let pseStaff = '';
  let cspId = '';
  let cspOfficer = '';

  const overdueRequest = (organizationId: string) =>
    buildReportRequest(t.ctx, organizationId, {
      dueAt: new Date(clock.now().getTime() - 2 * HOUR).toISOString(),
    });
  const breachIdsOf = async (organizationId: string): Promise<string[]> =>
    (
      await t.ctx.db
        .selectFrom('breaches')
        .select('id')
        .where('organization_id', '=', organizationId)
        .execute()
    ).map((row) => row.id);

  before(async () => {
    t = await createTestApp(database, { overrides: { clock } });
    const office = await setUpOffice(t.ctx);
    await seedDefaultPolicy(t.ctx);
    dgEmail = office.email;
    dg = await signInAs(t.app, dgEmail);
    pseId = await buildOrganization(t.ctx, 'pse', { name: 'Ministry of Interior' });
    pseAdmin = (await buildUser(t.ctx, pseId, 'pse_admin')).email;
    pseStaff = (await buildUser(t.ctx, pseId, 'pse_staff')).email;
    cspId = await buildOrganization(t.ctx, 'csp', { name: 'Example Cloud' });
    cspOfficer = (await buildUser(t.ctx, cspId, 'csp_security_officer')).email;
  });
  after(() => t.close());

  it('tells each organization of its own breaches once, and the office once per run', async () => {
    await overdueRequest(pseId);
    await overdueRequest(pseId);
    await overdueRequest(cspId);
    const result = await runDutyCheck(t.ctx);
    assert.equal(result.opened, 3);

    const [toPse, ...moreToPse] = await emailsTo(t.ctx, pseAdmin);
    assert.ok(toPse, 'the PSE administrator is told');
    assert.deepEqual(moreToPse, [], 'in one message');
    assert.equal(toPse.subject, 'Cloud Office: 2 breaches of duty recorded');
    for (const id of await breachIdsOf(pseId))
      assert.ok(
        toPse.text.includes(`${t.ctx.config.http.publicUrl}/breaches/${id}`),
        `links breach ${id}`,
      );
    assert.match(
      toPse.text,
      /Answer an incident-report request from the Cloud Office by its due date\./,
    );
    assert.deepEqual(await emailsTo(t.ctx, pseStaff), [], 'not every member of staff');
    const [toCsp] = await emailsTo(t.ctx, cspOfficer);
    assert.equal(toCsp?.subject, 'Cloud Office: a breach of duty recorded');
    assert.ok(!toCsp.text.includes((await breachIdsOf(pseId))[0] ?? '-'), "not another's");

    const [toOffice, ...moreToOffice] = await emailsTo(t.ctx, dgEmail);
    assert.ok(toOffice, 'the incident manager is told');
    assert.deepEqual(moreToOffice, [], 'in one message');
    assert.equal(toOffice.subject, 'Cloud Office: the duty check opened 3 breaches');
    assert.match(toOffice.text, /- Ministry of Interior: 2 × answer-report-request/);
    assert.match(toOffice.text, /- Example Cloud: 1 × answer-report-request/);

    // A second run finds the same failures recorded: nothing opened, nobody told again.
    assert.equal((await runDutyCheck(t.ctx)).opened, 0);
    assert.equal((await emailsTo(t.ctx, pseAdmin)).length, 1);
    assert.equal((await emailsTo(t.ctx, dgEmail)).length, 1);
  });

  it('tells the organization of a breach an officer records by hand', async () => {
    const answer = await dg.send('POST', '/api/v1/breaches', {
      organizationId: cspId,
      dutyCode: 'protect-data',
      severity: 'high',
      evidence: 'Backups of PSE data were kept unencrypted on a public share.',
    });
    assert.equal(answer.statusCode, 201, answer.body);
    const { id } = answer.json<{ id: string }>();
    const latest = (await emailsTo(t.ctx, cspOfficer)).at(-1);
    assert.ok(latest, 'the provider is told');
    assert.equal(latest.subject, 'Cloud Office: a breach of duty recorded');
    assert.match(latest.text, /- high: .*\n {2}Backups of PSE data were kept unencrypted/);
    assert.ok(latest.text.includes(`/breaches/${id}`));
  });

  it('tells the reporter of its late report, and the office only through the report itself', async () => {
    const reporter = await signInAs(t.app, pseAdmin);
    const officeBefore = (await emailsTo(t.ctx, dgEmail)).length;
    const adminBefore = (await emailsTo(t.ctx, pseAdmin)).length;
    const answer = await reporter.send('POST', '/api/v1/incidents', {
      title: 'Laptop with case files stolen',
      description: 'A laptop holding case files was stolen from a car.',
      discoveredAt: new Date(clock.now().getTime() - 5 * HOUR).toISOString(),
      personalData: false,
      contact: { name: 'Asha Khan', email: 'asha.khan@pse.example' },
    });
    assert.equal(answer.statusCode, 201, answer.body);
    assert.equal(answer.json<{ late: boolean }>().late, true);
    const toOffice = (await emailsTo(t.ctx, dgEmail)).slice(officeBefore);
    assert.deepEqual(
      toOffice.map((m) => m.subject),
      ['Cloud Office: late data-breach report from Ministry of Interior (medium)'],
    );
    assert.match(toOffice[0]?.text ?? '', /A breach of the reporting duty was recorded/);
    const toAdmin = (await emailsTo(t.ctx, pseAdmin)).slice(adminBefore);
    assert.deepEqual(
      toAdmin.map((m) => m.subject),
      ['Cloud Office: a breach of duty recorded'],
    );
    assert.match(toAdmin[0]?.text ?? '', /Disclose a data breach to the Cloud Office/);
  });
});
