import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, it } from 'node:test';
import { ManualClock } from '../../src/clock.js';
import { AppContext } from '../../src/context.js';
import { insertLevelIfMissing } from '../../src/features/levels/repo.js';
import { DEFAULT_LEVELS } from '../../src/features/levels/seed.js';
import { seedDefaultPolicy } from '../../src/features/placement/seed.js';
import { runEscalations } from '../../src/jobs/escalation.js';
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
import { buildIncident } from '../helpers/incidents.js';

interface RequestView {
  id: string;
  dueAt: string;
  escalationStep: number;
  escalations: { step: number; post: string; at: string }[];
}

const HOUR = 3_600_000;

describeEachDatabase('escalation of overdue report requests', (database) => {
  let t: TestApp;
  /**
   * A second instance on the same database, as another server would be: on PostgreSQL a context
   * of its own. SQLite serves one instance (its writer lock, taken synchronously, would only stall
   * this process), so there the second runner shares the context and runs concurrently with it.
   */
  let second: AppContext;
  let ownSecond: AppContext | undefined;
  const clock = new ManualClock('2026-09-01T08:00:00Z');
  let dg: Client;
  let dgEmail = '';
  let pseAdmin: Client;
  let pseId = '';
  let incidentId = '';
  const jointDirectors: string[] = [];
  let directorAudits = '';

  const dueAt = new Date(clock.now().getTime() + 24 * HOUR);
  const at = (hoursAfterDue: number) => new Date(dueAt.getTime() + hoursAfterDue * HOUR);
  const ask = async (subject: string, incident?: string): Promise<RequestView> => {
    const response = await dg.send('POST', '/api/v1/report-requests', {
      organizationId: pseId,
      subject,
      questions: ['What happened?'],
      dueAt: dueAt.toISOString(),
      ...(incident ? { incidentId: incident } : {}),
    });
    assert.equal(response.statusCode, 201, response.body);
    return response.json<RequestView>();
  };
  /** E-mails about the escalation of `subject` to `to`. */
  const escalationMail = async (to: string, subject: string) =>
    (await t.ctx.db.selectFrom('outbox').select(['kind', 'payload']).execute())
      .filter((row) => row.kind === 'email')
      .map((row) => JSON.parse(row.payload) as { to: string; subject: string })
      .filter((mail) => mail.to === to && mail.subject.endsWith(`escalated: ${subject}`)).length;
  const view = async (id: string) =>
    (await dg.get(`/api/v1/report-requests/${id}`)).json<RequestView>();

  before(async () => {
    t = await createTestApp(database, { overrides: { clock } });
    for (const level of DEFAULT_LEVELS) {
      await insertLevelIfMissing(t.ctx.db, {
        id: randomUUID(),
        ...level,
        created_at: clock.now().toISOString(),
      });
    }
    await seedDefaultPolicy(t.ctx);
    if (database.dialect === 'postgres') {
      ownSecond = await AppContext.create(testConfig(database.config, database.dataDir), {
        clock,
      });
    }
    second = ownSecond ?? t.ctx;
    const office = await setUpOffice(t.ctx);
    dgEmail = office.email;
    dg = await signInAs(t.app, dgEmail);
    // The Joint Director Audits, and a colleague holding the post as an additional charge.
    for (const additional of [false, true]) {
      const user = await buildUser(t.ctx, office.organizationId, 'officer');
      await appoint(t.ctx, user.id, 'joint_director_audits', '2026-01-01', null, additional);
      jointDirectors.push(user.email);
    }
    // A former holder, whose appointment ended, is not told.
    const former = await buildUser(t.ctx, office.organizationId, 'officer');
    await appoint(t.ctx, former.id, 'joint_director_audits', '2025-01-01', '2025-12-31');
    const director = await buildUser(t.ctx, office.organizationId, 'officer');
    await appoint(t.ctx, director.id, 'director_audits', '2026-01-01');
    directorAudits = director.email;
    pseId = await buildOrganization(t.ctx, 'pse', { name: 'Ministry of Interior' });
    pseAdmin = await signInAs(t.app, (await buildUser(t.ctx, pseId, 'pse_admin')).email);
    incidentId = await buildIncident(t.ctx, pseId);
    jointDirectors.push(former.email);
  });
  after(async () => {
    await ownSecond?.close();
    await t.close();
  });

  it('takes the first step once at due + 24 hours, however often and wherever it runs', async () => {
    const request = await ask('First ladder', incidentId);
    assert.equal((await runEscalations(t.ctx, at(23))).escalated, 0);
    assert.equal((await view(request.id)).escalationStep, 0);

    assert.equal((await runEscalations(t.ctx, at(24))).escalated, 1);
    assert.equal((await runEscalations(t.ctx, at(24))).escalated, 0);
    const both = await Promise.all([runEscalations(t.ctx, at(25)), runEscalations(second, at(25))]);
    assert.equal(both[0].escalated + both[1].escalated, 0);

    const [holder, additional, former] = jointDirectors;
    assert.equal(await escalationMail(holder ?? '', 'First ladder'), 1);
    assert.equal(await escalationMail(additional ?? '', 'First ladder'), 1);
    assert.equal(await escalationMail(former ?? '', 'First ladder'), 0);
    assert.equal(await escalationMail(directorAudits, 'First ladder'), 0);

    const escalated = await view(request.id);
    assert.equal(escalated.escalationStep, 1);
    assert.deepEqual(escalated.escalations, [
      { step: 0, post: 'joint_director_audits', at: at(24).toISOString() },
    ]);
    const timeline = await t.ctx.db
      .selectFrom('incident_events')
      .select(['type', 'actor_user_id'])
      .where('incident_id', '=', incidentId)
      .where('type', '=', 'request_escalated')
      .execute();
    assert.deepEqual(timeline, [{ type: 'request_escalated', actor_user_id: null }]);
    const audit = await t.ctx.db
      .selectFrom('audit_events')
      .select(['actor_user_id', 'target_id'])
      .where('action', '=', 'report_request.escalate')
      .execute();
    assert.deepEqual(audit, [{ actor_user_id: null, target_id: request.id }]);
  });

  it('two instances running at once take a step once', async () => {
    const request = await ask('Concurrent ladder');
    const runs = await Promise.all([
      runEscalations(t.ctx, at(30)),
      runEscalations(second, at(30)),
      runEscalations(t.ctx, at(30)),
      runEscalations(second, at(30)),
    ]);
    assert.equal(
      runs.reduce((sum, run) => sum + run.escalated, 0),
      1,
    );
    for (const email of jointDirectors.slice(0, 2)) {
      assert.equal(await escalationMail(email, 'Concurrent ladder'), 1);
    }
    assert.equal((await view(request.id)).escalationStep, 1);
  });

  it('takes the later steps at their hours, each once, and a missed run catches up', async () => {
    const request = await ask('Long ladder');
    await runEscalations(t.ctx, at(24));
    // The Director Audits 48 hours after the first step.
    await runEscalations(t.ctx, at(71));
    assert.equal(await escalationMail(directorAudits, 'Long ladder'), 0);
    await runEscalations(t.ctx, at(72));
    await runEscalations(t.ctx, at(73));
    assert.equal(await escalationMail(directorAudits, 'Long ladder'), 1);
    // The DG Cloud 72 hours after that.
    await runEscalations(t.ctx, at(143));
    assert.equal(await escalationMail(dgEmail, 'Long ladder'), 0);
    await runEscalations(t.ctx, at(144));
    await runEscalations(t.ctx, at(500));
    assert.equal(await escalationMail(dgEmail, 'Long ladder'), 1);
    const done = await view(request.id);
    assert.equal(done.escalationStep, 3);
    assert.deepEqual(
      done.escalations.map((e) => [e.step, e.post]),
      [
        [0, 'joint_director_audits'],
        [1, 'director_audits'],
        [2, 'dg_cloud'],
      ],
    );

    // A request nobody ran the job for until long after takes every rung at once, each once.
    const missed = await ask('Missed ladder');
    assert.equal((await runEscalations(t.ctx, at(500))).escalated >= 3, true);
    assert.equal((await runEscalations(t.ctx, at(600))).escalated, 0);
    assert.equal((await view(missed.id)).escalationStep, 3);
    assert.equal(await escalationMail(dgEmail, 'Missed ladder'), 1);
  });

  it('escalates no further once answered', async () => {
    const request = await ask('Answered ladder');
    await runEscalations(t.ctx, at(24));
    const answered = await pseAdmin.send('POST', `/api/v1/report-requests/${request.id}/answer`, {
      text: 'Here is our report.',
    });
    assert.equal(answered.statusCode, 200, answered.body);
    await runEscalations(t.ctx, at(72));
    await runEscalations(t.ctx, at(500));
    assert.equal(await escalationMail(directorAudits, 'Answered ladder'), 0);
    assert.equal(await escalationMail(dgEmail, 'Answered ladder'), 0);
    assert.equal((await view(request.id)).escalationStep, 1);

    const unanswered = await ask('Never escalated');
    await pseAdmin.send('POST', `/api/v1/report-requests/${unanswered.id}/answer`, {
      text: 'Answered on time.',
    });
    await runEscalations(t.ctx, at(500));
    assert.equal(await escalationMail(jointDirectors[0] ?? '', 'Never escalated'), 0);
  });
});
