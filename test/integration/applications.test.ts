import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, it } from 'node:test';
import { ManualClock } from '../../src/clock.js';
import { recordOf } from '../../src/features/accreditation/mapper.js';
import { findApplication, updateApplication } from '../../src/features/accreditation/repo.js';
import { seedDefaultContent } from '../../src/features/levels/seed.js';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { describeEachDatabase } from '../helpers/databases.js';
import { buildDocument } from '../helpers/documents.js';
import {
  appoint,
  buildOrganization,
  buildUser,
  setUpOffice,
  signInAs,
  type Client,
} from '../helpers/factories.js';
import { writeLevelContent } from '../helpers/level-content.js';
import { buildOffering } from '../helpers/offerings.js';

interface Problem {
  code: string;
  detail: string;
  errors?: { in: string; pointer: string; message: string }[];
}
interface ApplicationView {
  id: string;
  status: string;
  levelSought: { code: string; rank: number };
  submission: { levelVersion: number; controlIds: string[] } | null;
  returnReasons: string[] | null;
  revision: number;
}
interface Detail {
  application: ApplicationView;
  allowedActions: string[];
  progress: { total: number; answered: number; unanswered: string[]; levelVersion: number };
  history: {
    seq: number;
    type: string;
    at: string;
    actorUserId: string | null;
    actorPosition: string | null;
  }[];
}

// The stand-in Baseline (test/helpers/level-content.ts) without the NIST catalog: two controls.
const BASELINE_CONTROLS = ['co-br-1', 'co-dr-1'];

describeEachDatabase('accreditation applications', (database) => {
  let t: TestApp;
  const clock = new ManualClock('2026-06-01T08:00:00Z');
  let cspId = '';
  let offeringId = '';
  let admin: Client;
  let adminId = '';
  let staff: Client;
  let director: Client;
  let directorId = '';
  let rival: Client;
  let applicationId = '';

  const detail = async (client: Client, id = applicationId) => {
    const response = await client.get(`/api/v1/applications/${id}`);
    assert.equal(response.statusCode, 200, response.body);
    return response.json<Detail>();
  };
  const act = (client: Client, action: string, body: unknown = {}) =>
    client.send('POST', `/api/v1/applications/${applicationId}/actions/${action}`, body);
  const answer = (client: Client, controlId: string, body: Record<string, unknown>) =>
    client.send('PUT', `/api/v1/applications/${applicationId}/responses/${controlId}`, body);
  const implemented = { status: 'implemented', responsibility: 'provider', narrative: 'Done.' };

  before(async () => {
    t = await createTestApp(database, { overrides: { clock } });
    const officeId = (await setUpOffice(t.ctx)).organizationId;
    await seedDefaultContent(t.ctx, {
      contentDir: writeLevelContent(path.join(database.dataDir, 'content')),
    });
    const officer = await buildUser(t.ctx, officeId, 'officer', 'dca@office.example');
    directorId = officer.id;
    await appoint(t.ctx, officer.id, 'director_cloud_adoption', '2026-01-01');
    director = await signInAs(t.app, officer.email);

    cspId = await buildOrganization(t.ctx, 'csp', { name: 'Sovereign Cloud' });
    offeringId = await buildOffering(t.ctx, cspId, { name: 'Sovereign Compute' });
    const a = await buildUser(t.ctx, cspId, 'csp_admin');
    adminId = a.id;
    admin = await signInAs(t.app, a.email);
    staff = await signInAs(t.app, (await buildUser(t.ctx, cspId, 'csp_staff')).email);
    const rivalId = await buildOrganization(t.ctx, 'csp', { name: 'Rival Cloud' });
    rival = await signInAs(t.app, (await buildUser(t.ctx, rivalId, 'csp_admin')).email);
  });
  after(() => t.close());

  it('opens a draft application for an offering at a level with a published version', async () => {
    const unknown = await admin.send('POST', `/api/v1/offerings/${offeringId}/applications`, {
      levelSought: 'platinum',
    });
    assert.equal(unknown.statusCode, 400, unknown.body);
    assert.equal(unknown.json<Problem>().errors?.[0]?.pointer, '/levelSought');

    const opened = await admin.send('POST', `/api/v1/offerings/${offeringId}/applications`, {
      levelSought: 'baseline',
    });
    assert.equal(opened.statusCode, 201, opened.body);
    const application = opened.json<ApplicationView>();
    applicationId = application.id;
    assert.equal(application.status, 'draft');
    assert.deepEqual(application.levelSought, { code: 'baseline', rank: 1 });
    assert.equal(application.submission, null);

    const again = await admin.send('POST', `/api/v1/offerings/${offeringId}/applications`, {
      levelSought: 'baseline',
    });
    assert.equal(again.statusCode, 409, again.body);
    assert.equal(again.json<Problem>().code, 'application_open');

    const view = await detail(admin);
    assert.deepEqual(view.allowedActions.sort(), ['submit', 'withdraw']);
    assert.equal(view.progress.total, 2);
    assert.deepEqual(view.progress.unanswered, BASELINE_CONTROLS);
    assert.deepEqual(
      view.history.map((h) => [h.type, h.actorUserId]),
      [['ApplicationOpened', adminId]],
    );
  });

  it('keeps an offering that has applied on record: deleting it is refused and changes nothing', async () => {
    const refused = await admin.send('DELETE', `/api/v1/offerings/${offeringId}`);
    assert.equal(refused.statusCode, 409, refused.body);
    const problem = refused.json<{ code: string; detail: string }>();
    assert.equal(problem.code, 'offering_has_applications');
    assert.match(problem.detail, /Sovereign Compute has an accreditation application/);
    assert.equal((await admin.get(`/api/v1/offerings/${offeringId}`)).statusCode, 200);
  });

  it('keeps applications apart: another provider gets 404, its list is empty', async () => {
    const other = await rival.get(`/api/v1/applications/${applicationId}`);
    assert.equal(other.statusCode, 404, other.body);
    const answerOther = await rival.send(
      'PUT',
      `/api/v1/applications/${applicationId}/responses/co-br-1`,
      implemented,
    );
    assert.equal(answerOther.statusCode, 404, answerOther.body);
    const list = await rival.get('/api/v1/applications');
    assert.equal(list.json<{ total: number }>().total, 0);
    const own = await admin.get(`/api/v1/applications?offeringId=${offeringId}&status=draft`);
    assert.deepEqual(
      own.json<{ items: ApplicationView[] }>().items.map((a) => a.id),
      [applicationId],
    );
    const all = await director.get('/api/v1/applications?status=draft');
    assert.equal(all.json<{ total: number }>().total, 1);
  });

  it('refuses invalid answers by field and stores nothing', async () => {
    const noReason = await answer(staff, 'co-br-1', {
      status: 'not_applicable',
      responsibility: 'provider',
      narrative: '',
    });
    assert.equal(noReason.statusCode, 400, noReason.body);
    const problem = noReason.json<Problem>();
    assert.deepEqual(
      problem.errors?.map((e) => e.pointer),
      ['/reason'],
    );
    assert.match(problem.detail, /co-br-1/);

    const notInLevel = await answer(staff, 'co-br-2', implemented);
    assert.equal(notInLevel.statusCode, 400, notInLevel.body);
    assert.match(notInLevel.json<Problem>().detail, /co-br-2 is not a control of this level/);

    const foreignDocument = await buildDocument(t.ctx, await buildOrganization(t.ctx, 'csp'));
    const foreign = await answer(staff, 'co-br-1', {
      ...implemented,
      evidenceDocumentIds: [foreignDocument],
    });
    assert.equal(foreign.statusCode, 400, foreign.body);
    assert.equal(foreign.json<Problem>().errors?.[0]?.pointer, '/evidenceDocumentIds/0');

    const stored = await admin.get(`/api/v1/applications/${applicationId}/responses`);
    assert.deepEqual(stored.json<{ items: unknown[] }>().items, []);
  });

  it('refuses to submit while controls are unanswered, naming them, and changes nothing', async () => {
    const evidence = await buildDocument(t.ctx, cspId);
    const ok = await answer(staff, 'co-br-1', { ...implemented, evidenceDocumentIds: [evidence] });
    assert.equal(ok.statusCode, 200, ok.body);

    const refused = await act(admin, 'submit');
    assert.equal(refused.statusCode, 422, refused.body);
    const problem = refused.json<Problem>();
    assert.equal(problem.code, 'controls_unanswered');
    assert.match(problem.detail, /co-dr-1/);

    const view = await detail(admin);
    assert.equal(view.application.status, 'draft');
    assert.equal(view.application.revision, 1);
    assert.equal(view.history.length, 1);
    assert.equal(view.progress.answered, 1);
  });

  it('lets only the applicant submit: csp_staff is refused and the refusal is audited', async () => {
    await answer(staff, 'co-dr-1', {
      status: 'not_applicable',
      responsibility: 'provider',
      narrative: '',
      reason: 'No government data is stored.',
    });
    const refused = await act(staff, 'submit');
    assert.equal(refused.statusCode, 403, refused.body);
    assert.equal(refused.json<Problem>().code, 'not_permitted');
    const denied = await t.ctx.db
      .selectFrom('audit_events')
      .selectAll()
      .where('outcome', '=', 'denied')
      .where('summary', 'like', '%submit the application%')
      .execute();
    assert.equal(denied.length, 1);
    assert.equal((await detail(admin)).application.status, 'draft');
  });

  it('submits, pinning the level version and its controls', async () => {
    const submitted = await act(admin, 'submit');
    assert.equal(submitted.statusCode, 200, submitted.body);
    const application = submitted.json<ApplicationView>();
    assert.equal(application.status, 'submitted');
    assert.deepEqual(application.submission, { levelVersion: 1, controlIds: BASELINE_CONTROLS });
    const late = await answer(staff, 'co-br-1', implemented);
    assert.equal(late.statusCode, 409, late.body);
    assert.equal(late.json<Problem>().code, 'application_not_editable');
  });

  it('refuses a step the state does not allow (409, naming the state) and a wrong actor (403)', async () => {
    const again = await act(admin, 'submit');
    assert.equal(again.statusCode, 409, again.body);
    assert.equal(again.json<Problem>().code, 'transition_not_allowed');
    assert.match(again.json<Problem>().detail, /\(submitted\)/);

    const selfReturn = await act(admin, 'return', { reasons: ['no'] });
    assert.equal(selfReturn.statusCode, 403, selfReturn.body);
    assert.match(selfReturn.json<Problem>().detail, /review_accreditation/);

    const noReason = await act(director, 'return', { reasons: ['  '] });
    assert.equal(noReason.statusCode, 422, noReason.body);
    assert.equal(noReason.json<Problem>().code, 'input_invalid');
    assert.equal((await detail(director)).application.revision, 2);
  });

  it('is returned by the Director Cloud Adoption with reasons, and resubmitted', async () => {
    const view = await detail(director);
    assert.deepEqual(view.allowedActions.sort(), ['confirm_complete', 'return']);
    const returned = await act(director, 'return', { reasons: ['Attach the breach procedure.'] });
    assert.equal(returned.statusCode, 200, returned.body);
    assert.equal(returned.json<ApplicationView>().status, 'returned');
    assert.deepEqual(returned.json<ApplicationView>().returnReasons, [
      'Attach the breach procedure.',
    ]);

    const edited = await answer(staff, 'co-br-1', {
      ...implemented,
      narrative: 'Procedure attached.',
      evidenceDocumentIds: [await buildDocument(t.ctx, cspId)],
    });
    assert.equal(edited.statusCode, 200, edited.body);
    clock.advance(60_000);
    const resubmitted = await act(admin, 'submit');
    assert.equal(resubmitted.statusCode, 200, resubmitted.body);
    assert.equal(resubmitted.json<ApplicationView>().status, 'submitted');
  });

  it('confirms completeness exactly once when two officers act at the same moment', async () => {
    const results = await Promise.all([
      act(director, 'confirm_complete'),
      act(director, 'confirm_complete'),
    ]);
    assert.deepEqual(
      results.map((r) => r.statusCode).sort(),
      [200, 409],
      results.map((r) => r.body).join('\n'),
    );
    // PostgreSQL lets both read the same revision, and the later write finds it changed;
    // SQLite runs the two transactions one after the other, so the later one sees the new state.
    const loser = results.find((r) => r.statusCode === 409);
    assert.ok(
      ['application_changed', 'transition_not_allowed'].includes(loser?.json<Problem>().code ?? ''),
    );
    const row = await findApplication(t.ctx.db, applicationId);
    assert.ok(row);
    const stale = await updateApplication(
      t.ctx.db,
      { ...recordOf(row), status: 'withdrawn' },
      row.revision - 1,
      { at: clock.now().toISOString(), userId: null },
    );
    assert.equal(stale, false, 'a write from a stale revision must change nothing');
    const view = await detail(admin);
    assert.equal(view.application.status, 'complete');
    assert.equal(view.history.filter((h) => h.type === 'CompletenessConfirmed').length, 1);
    const audits = await t.ctx.db
      .selectFrom('audit_events')
      .select('action')
      .where('action', '=', 'accreditation.confirm_complete')
      .where('outcome', '=', 'success')
      .execute();
    assert.equal(audits.length, 1);
  });

  it('keeps the whole history: who, under which post, when', async () => {
    const view = await detail(admin);
    assert.deepEqual(
      view.history.map((h) => [h.seq, h.type, h.actorUserId, h.actorPosition]),
      [
        [1, 'ApplicationOpened', adminId, null],
        [2, 'ApplicationSubmitted', adminId, null],
        [3, 'ApplicationReturned', directorId, 'Director Cloud Adoption'],
        [4, 'ApplicationSubmitted', adminId, null],
        [5, 'CompletenessConfirmed', directorId, 'Director Cloud Adoption'],
      ],
    );
    assert.ok(view.history.every((h) => /^\d{4}-\d{2}-\d{2}T/.test(h.at)));
    const audit = await t.ctx.db
      .selectFrom('audit_events')
      .select(['action', 'actor_position'])
      .where('action', '=', 'accreditation.return')
      .executeTakeFirstOrThrow();
    assert.equal(audit.actor_position, 'Director Cloud Adoption');
    // Progress now counts against the pinned version.
    assert.equal(view.progress.levelVersion, 1);
    assert.equal(view.progress.answered, 2);
    // The applicant may still withdraw; a reason is required.
    const noReason = await act(admin, 'withdraw', {});
    assert.equal(noReason.statusCode, 422, noReason.body);
  });
});
