import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, it } from 'node:test';
import { ManualClock } from '../../src/clock.js';
import { STANDING_EVENTS } from '../../src/features/accreditation/events.js';
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
interface Application {
  id: string;
  status: string;
  offeringName: string;
  providerName: string;
  predecessorId: string | null;
  auditFirm: { id: string; name: string } | null;
  assessment: {
    counts: Record<string, number>;
    findings: {
      id: string;
      controlId: string;
      severity: string;
      fixedOn: string | null;
      fixNote: string | null;
    }[];
  } | null;
  legalReview: { outcome: string; notes: string } | null;
  grant: { level: { code: string }; validFrom: string; validUntil: string } | null;
  conditions: { id: string; status: string; text: string }[];
  suspension: { reason: string; effectiveOn: string } | null;
  closure: { reasons: string[]; successorId: string | null } | null;
}
interface Detail {
  application: Application;
  allowedActions: string[];
  history: { type: string; actorPosition: string | null }[];
}
interface Assessment {
  controlIds: string[];
  results: { controlId: string; result: string }[];
  findings: { id: string; controlId: string }[];
  progress: { total: number; recorded: number; notSatisfied: number };
}

// The stand-in levels (test/helpers/level-content.ts): Baseline has two controls, Intermediate four.
const BASELINE_CONTROLS = ['co-br-1', 'co-dr-1'];

describeEachDatabase('accreditation workflow: assessment, decision and after', (database) => {
  let t: TestApp;
  const clock = new ManualClock('2026-06-01T08:00:00Z');
  let cspId = '';
  let admin: Client;
  let dg: Client;
  let adoption: Client;
  let audits: Client;
  let legal: Client;
  let auditor: Client;
  let otherAuditor: Client;
  let firmId = '';
  let otherFirmId = '';
  let pendingFirmId = '';
  let rival: Client;

  const detail = async (client: Client, id: string) => {
    const response = await client.get(`/api/v1/applications/${id}`);
    assert.equal(response.statusCode, 200, response.body);
    return response.json<Detail>();
  };
  const act = (client: Client, id: string, action: string, body: unknown = {}) =>
    client.send('POST', `/api/v1/applications/${id}/actions/${action}`, body);
  const ok = async (client: Client, id: string, action: string, body: unknown = {}) => {
    const response = await act(client, id, action, body);
    assert.equal(response.statusCode, 200, `${action}: ${response.body}`);
    return response.json<Application>();
  };
  const refused = async (
    client: Client,
    id: string,
    action: string,
    body: unknown,
    status: number,
    code: string,
  ) => {
    const response = await act(client, id, action, body);
    assert.equal(response.statusCode, status, `${action}: ${response.body}`);
    const problem = response.json<Problem>();
    assert.equal(problem.code, code, problem.detail);
    return problem;
  };
  const register = async (offeringId: string) =>
    t.ctx.db
      .selectFrom('register_entries')
      .selectAll()
      .where('offering_id', '=', offeringId)
      .executeTakeFirst();

  /** A new offering's application, answered and submitted; its id and the offering's. */
  async function submitted(level = 'baseline'): Promise<{ id: string; offeringId: string }> {
    const offeringId = await buildOffering(t.ctx, cspId);
    const opened = await admin.send('POST', `/api/v1/offerings/${offeringId}/applications`, {
      levelSought: level,
    });
    assert.equal(opened.statusCode, 201, opened.body);
    const id = opened.json<Application>().id;
    const evidence = await buildDocument(t.ctx, cspId);
    for (const controlId of await controlsOf(id)) {
      const answer = await admin.send('PUT', `/api/v1/applications/${id}/responses/${controlId}`, {
        status: 'implemented',
        responsibility: controlId === 'co-dr-1' ? 'shared' : 'provider',
        narrative: 'In place.',
        customerResponsibility: controlId === 'co-dr-1' ? 'Choose the backup region.' : null,
        evidenceDocumentIds: [evidence],
      });
      assert.equal(answer.statusCode, 200, answer.body);
    }
    await ok(admin, id, 'submit');
    return { id, offeringId };
  }
  async function controlsOf(id: string): Promise<string[]> {
    const response = await admin.get(`/api/v1/applications/${id}`);
    const progress = response.json<{ progress: { unanswered: string[] } }>().progress;
    return progress.unanswered;
  }
  /** Walks a submitted application to the DG Cloud's decision, with a clean assessment. */
  async function toDecision(id: string): Promise<void> {
    await ok(adoption, id, 'confirm_complete');
    await ok(audits, id, 'assign_audit', { auditFirmId: firmId });
    const { controlIds } = (
      await auditor.get(`/api/v1/applications/${id}/assessment`)
    ).json<Assessment>();
    const bulk = await auditor.send('PUT', `/api/v1/applications/${id}/assessment/results`, {
      items: controlIds.map((controlId) => ({ controlId, result: 'satisfied' })),
    });
    assert.equal(bulk.statusCode, 200, bulk.body);
    await ok(auditor, id, 'submit_assessment');
    await ok(legal, id, 'record_legal_review', { outcome: 'cleared', notes: 'Contracts fine.' });
  }

  const emails: Record<string, string> = {};
  async function signInEveryone(): Promise<void> {
    const as = (key: string) => signInAs(t.app, emails[key] ?? '');
    [dg, adoption, audits, legal, admin, rival, auditor, otherAuditor] = (await Promise.all(
      ['dg', 'adoption', 'audits', 'legal', 'admin', 'rival', 'auditor', 'otherAuditor'].map(as),
    )) as [Client, Client, Client, Client, Client, Client, Client, Client];
  }

  before(async () => {
    t = await createTestApp(database, { overrides: { clock } });
    const office = await setUpOffice(t.ctx);
    await seedDefaultContent(t.ctx, {
      contentDir: writeLevelContent(path.join(database.dataDir, 'content')),
    });
    emails.dg = office.email;
    const officer = async (email: string, post: string) => {
      const user = await buildUser(t.ctx, office.organizationId, 'officer', email);
      await appoint(t.ctx, user.id, post, '2026-01-01');
      return email;
    };
    emails.adoption = await officer('dca@office.example', 'director_cloud_adoption');
    emails.audits = await officer('da@office.example', 'director_audits');
    emails.legal = await officer('dlp@office.example', 'director_legal_procurement');

    cspId = await buildOrganization(t.ctx, 'csp', { name: 'Sovereign Cloud' });
    emails.admin = (await buildUser(t.ctx, cspId, 'csp_admin')).email;
    const rivalId = await buildOrganization(t.ctx, 'csp', { name: 'Rival Cloud' });
    emails.rival = (await buildUser(t.ctx, rivalId, 'csp_admin')).email;
    firmId = await buildOrganization(t.ctx, 'audit_firm', { name: 'Assurance Partners' });
    emails.auditor = (await buildUser(t.ctx, firmId, 'auditor')).email;
    otherFirmId = await buildOrganization(t.ctx, 'audit_firm', { name: 'Second Opinion' });
    emails.otherAuditor = (await buildUser(t.ctx, otherFirmId, 'auditor')).email;
    await signInEveryone();
    pendingFirmId = await buildOrganization(t.ctx, 'audit_firm', { name: 'Not Yet Registered' });
    await t.ctx.db
      .updateTable('organizations')
      .set({ status: 'pending' })
      .where('id', '=', pendingFirmId)
      .execute();
  });
  after(() => t.close());

  it('walks an application through audit, legal review and the decision, recording each post', async () => {
    const { id, offeringId } = await submitted();
    await ok(adoption, id, 'confirm_complete');

    // Only a registered audit firm, named by id, may be assigned; only by the Director Audits.
    await refused(audits, id, 'assign_audit', {}, 422, 'input_invalid');
    await refused(audits, id, 'assign_audit', { auditFirmId: cspId }, 422, 'input_invalid');
    await refused(
      audits,
      id,
      'assign_audit',
      { auditFirmId: pendingFirmId },
      422,
      'audit_firm_not_registered',
    );
    await refused(adoption, id, 'assign_audit', { auditFirmId: firmId }, 403, 'not_permitted');
    // The firm cannot see an application before it is assigned to it.
    assert.equal((await auditor.get(`/api/v1/applications/${id}`)).statusCode, 404);
    const assigned = await ok(audits, id, 'assign_audit', { auditFirmId: firmId });
    assert.deepEqual(assigned.auditFirm, { id: firmId, name: 'Assurance Partners' });
    assert.equal(assigned.offeringName.length > 0, true);
    assert.equal(assigned.providerName, 'Sovereign Cloud');

    // Now the firm reads it, lists it, and reads the provider's evidence; another firm does not.
    assert.equal((await auditor.get(`/api/v1/applications/${id}`)).statusCode, 200);
    const queue = (await auditor.get('/api/v1/applications')).json<{ items: { id: string }[] }>();
    assert.deepEqual(
      queue.items.map((i) => i.id),
      [id],
    );
    const responses = (await auditor.get(`/api/v1/applications/${id}/responses`)).json<{
      items: { evidenceDocumentIds: string[] }[];
    }>();
    const evidenceId = responses.items[0]?.evidenceDocumentIds[0] ?? '';
    assert.equal((await auditor.get(`/api/v1/documents/${evidenceId}/content`)).statusCode, 200);
    assert.equal((await otherAuditor.get(`/api/v1/applications/${id}`)).statusCode, 404);
    assert.equal(
      (await otherAuditor.get(`/api/v1/documents/${evidenceId}/content`)).statusCode,
      404,
    );
    // The provider does not read the assessment in progress.
    assert.equal((await admin.get(`/api/v1/applications/${id}/assessment`)).statusCode, 403);

    // Results: controls outside the level version are refused, naming them.
    const wrong = await auditor.send('PUT', `/api/v1/applications/${id}/assessment/results/ac-2`, {
      result: 'satisfied',
    });
    assert.equal(wrong.statusCode, 400, wrong.body);
    assert.match(wrong.json<Problem>().detail, /ac-2/);
    const one = await auditor.send('PUT', `/api/v1/applications/${id}/assessment/results/co-br-1`, {
      result: 'satisfied',
      note: 'Tested the notice runbook.',
    });
    assert.equal(one.statusCode, 200, one.body);
    await refused(auditor, id, 'submit_assessment', {}, 422, 'assessment_incomplete');
    const two = await auditor.send('PUT', `/api/v1/applications/${id}/assessment/results/co-dr-1`, {
      result: 'not_satisfied',
    });
    assert.equal(two.statusCode, 200, two.body);
    await refused(auditor, id, 'submit_assessment', {}, 422, 'finding_missing');
    const pastDue = await auditor.send('POST', `/api/v1/applications/${id}/assessment/findings`, {
      controlId: 'co-dr-1',
      severity: 'high',
      description: 'Backups are not tested.',
      dueOn: '2026-05-01',
    });
    assert.equal(pastDue.statusCode, 400, pastDue.body);
    assert.equal(pastDue.json<Problem>().errors?.[0]?.pointer, '/dueOn');
    const finding = await auditor.send('POST', `/api/v1/applications/${id}/assessment/findings`, {
      controlId: 'co-dr-1',
      severity: 'high',
      description: 'Backups are not tested.',
      dueOn: '2026-09-01',
    });
    assert.equal(finding.statusCode, 201, finding.body);
    const progress = (
      await auditor.get(`/api/v1/applications/${id}/assessment`)
    ).json<Assessment>();
    assert.deepEqual(progress.controlIds, BASELINE_CONTROLS);
    assert.equal(progress.progress.recorded, 2);
    assert.equal(progress.progress.notSatisfied, 1);
    const afterAssessment = await ok(auditor, id, 'submit_assessment');
    assert.equal(afterAssessment.status, 'legal_review');
    assert.deepEqual(afterAssessment.assessment?.counts, {
      satisfied: 1,
      not_satisfied: 1,
      not_applicable: 0,
    });
    // Submitted: the working copy is closed.
    const late = await auditor.send(
      'PUT',
      `/api/v1/applications/${id}/assessment/results/co-br-1`,
      {
        result: 'not_applicable',
      },
    );
    assert.equal(late.statusCode, 409, late.body);

    // Legal review asks the provider for documents, then clears.
    await refused(
      legal,
      id,
      'record_legal_review',
      { outcome: 'objection', notes: ' ' },
      422,
      'input_invalid',
    );
    await ok(legal, id, 'request_legal_documents', {
      reasons: ['Signed data-processing agreement'],
    });
    await ok(admin, id, 'resubmit_legal_documents');
    await refused(legal, id, 'record_legal_review', {}, 422, 'input_invalid');
    await ok(legal, id, 'record_legal_review', {
      outcome: 'cleared',
      notes: 'Signed DPA received.',
    });

    // The decision is the DG Cloud's; the Director Audits is refused, and the refusal is audited.
    await refused(
      audits,
      id,
      'accredit',
      { level: 'baseline', validUntil: '2028-05-31' },
      403,
      'not_permitted',
    );
    const denied = await t.ctx.db
      .selectFrom('audit_events')
      .select(['summary', 'target_id'])
      .where('action', '=', 'access.denied')
      .where('outcome', '=', 'denied')
      .execute();
    assert.ok(
      denied.some(
        (d) =>
          (d.target_id ?? '').includes('/actions/') &&
          d.summary.includes('grant the accreditation'),
      ),
      'the refused decision is in the audit trail',
    );
    await refused(
      dg,
      id,
      'accredit',
      { level: 'enhanced', validUntil: '2028-05-31' },
      422,
      'level_above_sought',
    );
    await refused(
      dg,
      id,
      'accredit',
      { level: 'baseline', validUntil: '2029-06-02' },
      422,
      'validity_invalid',
    );
    await refused(
      dg,
      id,
      'accredit',
      { level: 'gold', validUntil: '2028-05-31' },
      422,
      'input_invalid',
    );
    assert.equal(await register(offeringId), undefined, 'nothing is public before the decision');
    const granted = await ok(dg, id, 'accredit', {
      level: 'baseline',
      validUntil: '2028-05-31',
      conditions: [{ text: 'Test restores quarterly.', dueOn: '2026-09-01' }],
    });
    assert.equal(granted.status, 'accredited');
    assert.deepEqual(granted.grant, {
      level: { code: 'baseline', rank: 1 },
      validFrom: '2026-06-01',
      validUntil: '2028-05-31',
      decidedOn: '2026-06-01',
    });
    const entry = await register(offeringId);
    assert.equal(entry?.status, 'accredited');
    assert.equal(entry.level_code, 'baseline');
    assert.equal(entry.audit_firm_name, 'Assurance Partners');

    const view = await detail(dg, id);
    assert.deepEqual(
      view.history.map((h) => [h.type, h.actorPosition]),
      [
        ['ApplicationOpened', null],
        ['ApplicationSubmitted', null],
        ['CompletenessConfirmed', 'Director Cloud Adoption'],
        ['AssessmentAssigned', 'Director Audits'],
        ['AssessmentSubmitted', null],
        ['LegalDocumentsRequested', 'Director Legal & Procurement'],
        ['LegalDocumentsResubmitted', null],
        ['LegalReviewCompleted', 'Director Legal & Procurement'],
        ['AccreditationGranted', 'DG Cloud'],
      ],
    );
    // Another provider cannot see it, and learns nothing of it.
    assert.equal((await rival.get(`/api/v1/applications/${id}`)).statusCode, 404);
  });

  it('suspends, reinstates, closes conditions and revokes, keeping the register in step', async () => {
    const { id, offeringId } = await submitted();
    await toDecision(id);
    // A subscriber to the standing events hears each change once, inside its transaction; one that
    // fails refuses the step and nothing of it is stored.
    const heard: string[] = [];
    let failNext = false;
    const unsubscribe = t.ctx.accreditationEvents.subscribe(
      [...STANDING_EVENTS],
      async (trx, event) => {
        if (failNext) throw new Error('subscriber failed');
        heard.push(event.type);
        await trx.selectFrom('register_entries').select('status').execute();
      },
    );
    after(unsubscribe);
    const granted = await ok(dg, id, 'accredit', {
      level: 'baseline',
      validUntil: '2027-05-31',
      conditions: [{ text: 'Publish an incident contact.', dueOn: '2026-07-01' }],
    });
    await refused(
      dg,
      id,
      'suspend',
      { reason: 'Breach.', effectiveOn: '2026-05-30' },
      422,
      'effective_date_past',
    );
    await refused(dg, id, 'suspend', { effectiveOn: '2026-06-01' }, 422, 'input_invalid');
    const suspended = await ok(dg, id, 'suspend', {
      reason: 'Unreported breach.',
      effectiveOn: '2026-06-01',
    });
    assert.deepEqual(suspended.suspension, {
      reason: 'Unreported breach.',
      effectiveOn: '2026-06-01',
    });
    assert.equal((await register(offeringId))?.status, 'suspended');
    assert.equal((await register(offeringId))?.suspended_from, '2026-06-01');
    await refused(
      dg,
      id,
      'suspend',
      { reason: 'Again.', effectiveOn: '2026-06-02' },
      409,
      'transition_not_allowed',
    );

    const reinstated = await ok(dg, id, 'reinstate', {
      reason: 'Breach reported and contained.',
      conditions: [{ text: 'Monthly breach drill.', dueOn: '2026-12-01' }],
    });
    assert.equal(reinstated.status, 'accredited');
    assert.equal(reinstated.conditions.length, 2);
    assert.equal((await register(offeringId))?.status, 'accredited');

    const condition = granted.conditions[0]?.id ?? '';
    await refused(
      adoption,
      id,
      'close_condition',
      { conditionId: condition, note: '' },
      422,
      'input_invalid',
    );
    const closed = await ok(adoption, id, 'close_condition', {
      conditionId: condition,
      note: 'Contact published on the website.',
    });
    assert.equal(closed.conditions.find((c) => c.id === condition)?.status, 'closed');
    await refused(
      adoption,
      id,
      'close_condition',
      { conditionId: condition, note: 'x' },
      422,
      'condition_not_open',
    );

    failNext = true;
    const failed = await act(dg, id, 'revoke', { reason: 'Repeated breaches.' });
    assert.equal(failed.statusCode, 500, failed.body);
    assert.equal((await detail(dg, id)).application.status, 'accredited');
    assert.equal((await register(offeringId))?.status, 'accredited');
    failNext = false;
    const revoked = await ok(dg, id, 'revoke', { reason: 'Repeated breaches.' });
    assert.equal(revoked.status, 'revoked');
    assert.equal((await register(offeringId))?.status, 'revoked');
    await refused(dg, id, 'reinstate', { reason: 'No.' }, 409, 'transition_not_allowed');
    assert.deepEqual(heard, [
      'AccreditationGranted',
      'AccreditationSuspended',
      'AccreditationReinstated',
      'AccreditationRevoked',
    ]);
  });

  it('closes a finding of a standing accreditation once fixed, by review_accreditation only', async () => {
    const { id } = await submitted();
    await ok(adoption, id, 'confirm_complete');
    await ok(audits, id, 'assign_audit', { auditFirmId: firmId });
    for (const [controlId, result] of [
      ['co-br-1', 'satisfied'],
      ['co-dr-1', 'not_satisfied'],
    ] as const) {
      const recorded = await auditor.send(
        'PUT',
        `/api/v1/applications/${id}/assessment/results/${controlId}`,
        { result },
      );
      assert.equal(recorded.statusCode, 200, recorded.body);
    }
    const raise = async (severity: string, description: string) => {
      const response = await auditor.send(
        'POST',
        `/api/v1/applications/${id}/assessment/findings`,
        {
          controlId: 'co-dr-1',
          severity,
          description,
          dueOn: '2026-07-01',
        },
      );
      assert.equal(response.statusCode, 201, response.body);
      return response.json<{ id: string }>().id;
    };
    const critical = await raise('critical', 'Backups are kept abroad.');
    const low = await raise('low', 'The restore runbook is undated.');
    await ok(auditor, id, 'submit_assessment');
    await ok(legal, id, 'record_legal_review', { outcome: 'cleared', notes: 'Contracts fine.' });
    // Before the decision the assessment stands as the firm submitted it.
    await refused(
      adoption,
      id,
      'close_finding',
      { findingId: critical, note: 'Moved.' },
      409,
      'transition_not_allowed',
    );
    const granted = await ok(dg, id, 'accredit', { level: 'baseline', validUntil: '2027-05-31' });
    // Findings raised at the same instant are listed by id, not as raised: compare them by id.
    const fixes = (application: Application) =>
      Object.fromEntries(
        (application.assessment?.findings ?? []).map((f) => [f.id, [f.fixedOn, f.fixNote]]),
      );
    assert.deepEqual(fixes(granted), { [critical]: [null, null], [low]: [null, null] });
    assert.ok((await detail(adoption, id)).allowedActions.includes('close_finding'));
    assert.ok(!(await detail(admin, id)).allowedActions.includes('close_finding'));

    await refused(adoption, id, 'close_finding', { findingId: critical }, 422, 'input_invalid');
    const blank = await refused(
      adoption,
      id,
      'close_finding',
      { findingId: critical, note: '  ' },
      422,
      'input_invalid',
    );
    assert.equal(blank.detail, 'Say how the finding was fixed before closing it.');
    await refused(
      adoption,
      id,
      'close_finding',
      { findingId: 'no-such-finding', note: 'x' },
      422,
      'finding_not_open',
    );
    // Not the Director Audits (no review_accreditation), nor the provider that fixed it.
    for (const client of [audits, admin, auditor])
      await refused(
        client,
        id,
        'close_finding',
        { findingId: critical, note: 'Done.' },
        403,
        'not_permitted',
      );

    const closed = await ok(adoption, id, 'close_finding', {
      findingId: critical,
      note: ' Backups moved onshore and restored in a drill. ',
    });
    assert.equal(closed.status, 'accredited');
    assert.deepEqual(fixes(closed), {
      [critical]: ['2026-06-01', 'Backups moved onshore and restored in a drill.'],
      [low]: [null, null],
    });
    const again = await refused(
      adoption,
      id,
      'close_finding',
      { findingId: critical, note: 'x' },
      422,
      'finding_not_open',
    );
    assert.match(again.detail, /closed as fixed on 2026-06-01/);
    // The same on the application as read back, with the step in its history and the audit trail.
    const read = await detail(admin, id);
    assert.deepEqual(fixes(read.application), fixes(closed));
    assert.deepEqual(read.history.at(-1), {
      ...read.history.at(-1),
      type: 'FindingClosed',
      actorPosition: 'Director Cloud Adoption',
    });
    const audited = await t.ctx.db
      .selectFrom('audit_events')
      .select(['outcome', 'actor_position'])
      .where('action', '=', 'accreditation.close_finding')
      .where('target_id', '=', id)
      .execute();
    assert.deepEqual(audited, [{ outcome: 'success', actor_position: 'Director Cloud Adoption' }]);
  });

  it('refuses an application, with reasons, and a decision by an officer whose post ended', async () => {
    const { id, offeringId } = await submitted();
    await toDecision(id);
    const former = await buildUser(
      t.ctx,
      (
        await t.ctx.db
          .selectFrom('organizations')
          .select('id')
          .where('kind', '=', 'cloud_office')
          .executeTakeFirstOrThrow()
      ).id,
      'officer',
      'former-dg@office.example',
    );
    await appoint(t.ctx, former.id, 'dg_cloud', '2026-01-01', '2026-05-31', true);
    const formerDg = await signInAs(t.app, former.email);
    await refused(formerDg, id, 'refuse', { reasons: ['No.'] }, 403, 'not_permitted');
    await refused(dg, id, 'refuse', { reasons: ['  '] }, 422, 'input_invalid');
    const refusedApp = await ok(dg, id, 'refuse', { reasons: ['Controls not evidenced.'] });
    assert.deepEqual(refusedApp.closure, {
      reasons: ['Controls not evidenced.'],
      successorId: null,
    });
    assert.equal(await register(offeringId), undefined);
  });

  it("attaches the provider's legal documents while it may, and only its own", async () => {
    const offeringId = await buildOffering(t.ctx, cspId);
    const opened = await admin.send('POST', `/api/v1/offerings/${offeringId}/applications`, {
      levelSought: 'baseline',
    });
    const id = opened.json<Application>().id;
    const contract = await buildDocument(t.ctx, cspId, { kind: 'contract' });
    const theirs = await buildDocument(t.ctx, await buildOrganization(t.ctx, 'csp'));
    const put = (client: Client, documentIds: string[]) =>
      client.send('PUT', `/api/v1/applications/${id}/documents`, { documentIds });
    const foreign = await put(admin, [contract, theirs]);
    assert.equal(foreign.statusCode, 400, foreign.body);
    assert.equal(foreign.json<Problem>().errors?.[0]?.pointer, '/documentIds/1');
    assert.equal((await put(admin, [contract, contract])).statusCode, 400);
    const attached = await put(admin, [contract]);
    assert.equal(attached.statusCode, 200, attached.body);
    assert.deepEqual(
      attached.json<{ items: { id: string; kind: string }[] }>().items.map((d) => [d.id, d.kind]),
      [[contract, 'contract']],
    );
    assert.equal((await put(rival, [])).statusCode, 404);

    // Submitted and in review: frozen until the legal review asks for documents.
    for (const controlId of await controlsOf(id)) {
      await admin.send('PUT', `/api/v1/applications/${id}/responses/${controlId}`, {
        status: 'implemented',
        responsibility: 'provider',
        narrative: 'In place.',
      });
    }
    await ok(admin, id, 'submit');
    await toDecision(id);
    const frozen = await put(admin, []);
    assert.equal(frozen.statusCode, 409, frozen.body);
    const listed = await legal.get(`/api/v1/applications/${id}/documents`);
    assert.equal(listed.statusCode, 200, listed.body);
    assert.equal(listed.json<{ items: unknown[] }>().items.length, 1);

    // A request for legal documents opens the list again, until they are sent back.
    const second = await buildDocument(t.ctx, cspId, { kind: 'legal' });
    const reviewing = await submitted();
    await ok(adoption, reviewing.id, 'confirm_complete');
    await ok(audits, reviewing.id, 'assign_audit', { auditFirmId: firmId });
    const { controlIds } = (
      await auditor.get(`/api/v1/applications/${reviewing.id}/assessment`)
    ).json<Assessment>();
    await auditor.send('PUT', `/api/v1/applications/${reviewing.id}/assessment/results`, {
      items: controlIds.map((controlId) => ({ controlId, result: 'satisfied' })),
    });
    await ok(auditor, reviewing.id, 'submit_assessment');
    const attachTo = (documentIds: string[]) =>
      admin.send('PUT', `/api/v1/applications/${reviewing.id}/documents`, { documentIds });
    assert.equal((await attachTo([second])).statusCode, 409);
    await ok(legal, reviewing.id, 'request_legal_documents', { reasons: ['The signed DPA'] });
    assert.equal((await attachTo([second])).statusCode, 200);
    await ok(admin, reviewing.id, 'resubmit_legal_documents');
    assert.equal((await attachTo([])).statusCode, 409);
  });

  it('reassigns an assessment: the earlier firm loses access and its working copy at once', async () => {
    const { id } = await submitted();
    await ok(adoption, id, 'confirm_complete');
    await ok(audits, id, 'assign_audit', { auditFirmId: firmId });
    const saved = await auditor.send(
      'PUT',
      `/api/v1/applications/${id}/assessment/results/co-br-1`,
      {
        result: 'satisfied',
      },
    );
    assert.equal(saved.statusCode, 200, saved.body);
    await refused(audits, id, 'assign_audit', { auditFirmId: firmId }, 422, 'audit_firm_unchanged');
    await ok(audits, id, 'assign_audit', { auditFirmId: otherFirmId });
    assert.equal((await auditor.get(`/api/v1/applications/${id}`)).statusCode, 404);
    // The new firm's auditors are told by e-mail, through the outbox written with the step.
    const told = (await t.ctx.db.selectFrom('outbox').select('payload').execute())
      .map((row) => JSON.parse(row.payload) as { to: string; subject: string })
      .filter((mail) => mail.to === emails.otherAuditor);
    assert.equal(told.length, 1);
    assert.match(told[0]?.subject ?? '', /Assessment assigned/);
    const fresh = (
      await otherAuditor.get(`/api/v1/applications/${id}/assessment`)
    ).json<Assessment>();
    assert.equal(fresh.progress.recorded, 0);
    // The new firm may decline; the application waits for another firm.
    await refused(otherAuditor, id, 'decline_assessment', {}, 422, 'input_invalid');
    const declined = await ok(otherAuditor, id, 'decline_assessment', {
      reason: 'Conflict of interest.',
    });
    assert.equal(declined.status, 'complete');
    assert.equal(declined.auditFirm, null);
  });

  it('renews an accreditation in its window: the renewal supersedes it in the register', async () => {
    const { id, offeringId } = await submitted();
    await toDecision(id);
    await ok(dg, id, 'accredit', { level: 'baseline', validUntil: '2027-03-31' });
    assert.ok((await detail(admin, id)).allowedActions.includes('open_renewal'));
    assert.ok((await detail(audits, id)).allowedActions.includes('open_reassessment'));
    assert.ok(!(await detail(adoption, id)).allowedActions.includes('open_reassessment'));
    const early = await admin.send('POST', `/api/v1/applications/${id}/renewals`, {});
    assert.equal(early.statusCode, 422, early.body);
    assert.equal(early.json<Problem>().code, 'renewal_too_early');
    const officeRenewal = await dg.send('POST', `/api/v1/applications/${id}/renewals`, {});
    assert.equal(officeRenewal.statusCode, 403, officeRenewal.body);

    clock.set('2026-11-01T08:00:00Z');
    await signInEveryone(); // five months on, yesterday's sessions have ended
    const renewal = await admin.send('POST', `/api/v1/applications/${id}/renewals`, {});
    assert.equal(renewal.statusCode, 201, renewal.body);
    const renewalId = renewal.json<Application>().id;
    assert.equal(renewal.json<Application>().predecessorId, id);
    const twice = await admin.send('POST', `/api/v1/applications/${id}/renewals`, {});
    assert.equal(twice.statusCode, 409, twice.body);
    assert.ok(!(await detail(admin, id)).allowedActions.includes('open_renewal'));

    for (const controlId of await controlsOf(renewalId)) {
      await admin.send('PUT', `/api/v1/applications/${renewalId}/responses/${controlId}`, {
        status: 'implemented',
        responsibility: 'provider',
        narrative: 'Still in place.',
      });
    }
    await ok(admin, renewalId, 'submit');
    await toDecision(renewalId);
    assert.equal((await register(offeringId))?.application_id, id);
    await ok(dg, renewalId, 'accredit', { level: 'baseline', validUntil: '2029-10-31' });
    const old = await detail(dg, id);
    assert.equal(old.application.status, 'superseded');
    assert.equal(old.application.closure?.successorId, renewalId);
    const entry = await register(offeringId);
    assert.equal(entry?.application_id, renewalId);
    assert.equal(entry.valid_until, '2029-10-31');
  });
});
