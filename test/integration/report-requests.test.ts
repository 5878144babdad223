import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { ManualClock } from '../../src/clock.js';
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
  buildIncident,
  countRows,
  emailsTo,
  signedInOfficer,
  timelineOf,
} from '../helpers/incidents.js';

interface RequestView {
  id: string;
  organization: { id: string; name: string };
  incidentId: string | null;
  incidentTitle: string | null;
  subject: string;
  status: string;
  dueAt: string;
  overdue: boolean;
  requestedAt: string;
  answeredAt: string | null;
  escalationStep: number;
  questions: string[];
  requestedBy: { userId: string; name: string; position: string | null } | null;
  answer: {
    text: string;
    answers: string[];
    documents: { id: string; fileName: string; mediaType: string; size: number }[];
    answeredAt: string;
    answeredBy: { id: string; email: string } | null;
  } | null;
  closedNote: string | null;
  revision: number;
  allowedActions: string[];
}
interface Problem {
  code: string;
  detail: string;
  errors?: { pointer: string; message: string }[];
}

describeEachDatabase('incident-report requests', (database) => {
  let t: TestApp;
  const clock = new ManualClock('2026-09-01T08:00:00Z');
  let dg: Client;
  let dgId = '';
  let dgEmail = '';
  let legal: Client;
  let pseId = '';
  let pseAdmin: Client;
  let pseAdminEmail = '';
  let pseStaff: Client;
  let pseStaffId = '';
  let otherPse: Client;
  let otherPseId = '';
  let auditFirmId = '';
  let incidentId = '';

  const inDays = (days: number) =>
    new Date(clock.now().getTime() + days * 86_400_000).toISOString();
  const count = (table: 'report_requests' | 'audit_events' | 'outbox' | 'incident_events') =>
    countRows(t.ctx, table);
  const mailTo = (to: string) => emailsTo(t.ctx, to);
  const timeline = (id: string) => timelineOf(t.ctx, id);
  const audits = async (action: string) =>
    t.ctx.db
      .selectFrom('audit_events')
      .select(['action', 'outcome', 'target_id', 'summary', 'actor_position'])
      .where('action', '=', action)
      .orderBy('seq')
      .execute();
  const ask = (client: Client, body: Record<string, unknown> = {}) =>
    client.send('POST', '/api/v1/report-requests', {
      organizationId: pseId,
      subject: 'The leak of case files',
      questions: ['What data left the system?', 'Who was told?'],
      dueAt: inDays(7),
      ...body,
    });
  const opened = async (body: Record<string, unknown> = {}): Promise<RequestView> => {
    const response = await ask(dg, body);
    assert.equal(response.statusCode, 201, response.body);
    return response.json<RequestView>();
  };

  before(async () => {
    t = await createTestApp(database, { overrides: { clock } });
    const office = await setUpOffice(t.ctx);
    dgId = office.userId;
    dgEmail = office.email;
    dg = await signInAs(t.app, dgEmail);
    legal = (await signedInOfficer(t, office.organizationId, 'director_legal_procurement')).client;

    pseId = await buildOrganization(t.ctx, 'pse', { name: 'Ministry of Interior' });
    const admin = await buildUser(t.ctx, pseId, 'pse_admin');
    pseAdminEmail = admin.email;
    pseAdmin = await signInAs(t.app, pseAdminEmail);
    const staff = await buildUser(t.ctx, pseId, 'pse_staff');
    pseStaffId = staff.id;
    pseStaff = await signInAs(t.app, staff.email);
    otherPseId = await buildOrganization(t.ctx, 'pse', { name: 'Ministry of Water' });
    otherPse = await signInAs(t.app, (await buildUser(t.ctx, otherPseId, 'pse_admin')).email);
    auditFirmId = await buildOrganization(t.ctx, 'audit_firm');
    incidentId = await buildIncident(t.ctx, pseId);
  });
  after(() => t.close());

  it('asks, is answered with evidence, and accepts, on the incident timeline', async () => {
    const response = await ask(dg, { incidentId });
    assert.equal(response.statusCode, 201, response.body);
    const request = response.json<RequestView>();
    assert.equal(response.headers.location, `/api/v1/report-requests/${request.id}`);
    assert.equal(request.status, 'open');
    assert.equal(request.incidentId, incidentId);
    assert.equal(request.incidentTitle, 'A test incident');
    assert.deepEqual(request.questions, ['What data left the system?', 'Who was told?']);
    assert.equal(request.requestedBy?.userId, dgId);
    assert.equal(request.requestedBy.position, 'DG Cloud');
    assert.equal(request.organization.name, 'Ministry of Interior');
    assert.deepEqual(request.allowedActions, ['withdraw']);
    assert.equal(request.overdue, false);
    const told = await mailTo(pseAdminEmail);
    assert.equal(told.length, 1);
    assert.match(told[0]?.subject ?? '', /report requested: The leak of case files/);
    assert.match(told[0]?.text ?? '', /What data left the system\?/);
    assert.ok(
      told[0]?.text.includes(
        `Open it in the portal: ${t.ctx.config.http.publicUrl}/report-requests/${request.id}`,
      ),
      'links the request',
    );

    const mine = await pseStaff.get(`/api/v1/report-requests/${request.id}`);
    assert.equal(mine.statusCode, 200);
    assert.deepEqual(mine.json<RequestView>().allowedActions, ['answer']);

    const evidence = await buildDocument(t.ctx, pseId);
    clock.advance(60_000);
    const answered = await pseStaff.send('POST', `/api/v1/report-requests/${request.id}/answer`, {
      text: 'Our findings are attached.',
      answers: ['Names and addresses of 40 people.', 'The people affected, by letter.'],
      documentIds: [evidence],
    });
    assert.equal(answered.statusCode, 200, answered.body);
    const view = answered.json<RequestView>();
    assert.equal(view.status, 'answered');
    assert.equal(view.answeredAt, clock.now().toISOString());
    assert.equal(view.answer?.text, 'Our findings are attached.');
    assert.equal(view.answer.answers.length, 2);
    assert.equal(view.answer.documents[0]?.id, evidence);
    assert.equal(view.answer.answeredBy?.id, pseStaffId);
    assert.deepEqual(view.allowedActions, []);
    const toDg = await mailTo(dgEmail);
    assert.ok(toDg.some((m) => /report request answered/.test(m.subject)));

    const accepted = await dg.send('POST', `/api/v1/report-requests/${request.id}/accept`, {
      note: 'Thank you; complete.',
    });
    assert.equal(accepted.statusCode, 200, accepted.body);
    assert.equal(accepted.json<RequestView>().status, 'accepted');
    assert.equal(accepted.json<RequestView>().closedNote, 'Thank you; complete.');

    assert.deepEqual(
      (await timeline(incidentId)).map((e) => e.type),
      ['request_opened', 'request_answered', 'request_closed'],
    );
    assert.deepEqual(
      [
        ...(await audits('report_request.open')),
        ...(await audits('report_request.answer')),
        ...(await audits('report_request.accept')),
      ]
        .filter((a) => a.target_id === request.id)
        .map((a) => a.outcome),
      ['success', 'success', 'success'],
    );
  });

  it('returns an answer with a new due date, and the organization answers again', async () => {
    const request = await opened();
    const first = await pseAdmin.send('POST', `/api/v1/report-requests/${request.id}/answer`, {
      text: 'Nothing to report.',
    });
    assert.equal(first.statusCode, 200, first.body);
    const newDue = inDays(3);
    const returned = await dg.send('POST', `/api/v1/report-requests/${request.id}/return`, {
      note: 'Tell us which systems were affected.',
      dueAt: newDue,
    });
    assert.equal(returned.statusCode, 200, returned.body);
    const view = returned.json<RequestView>();
    assert.equal(view.status, 'open');
    assert.equal(view.dueAt, newDue);
    assert.equal(view.answer, null);
    assert.equal(view.closedNote, 'Tell us which systems were affected.');
    assert.ok((await mailTo(pseAdminEmail)).some((m) => /report returned/.test(m.subject)));
    const again = await pseAdmin.send('POST', `/api/v1/report-requests/${request.id}/answer`, {
      text: 'The case-file system only.',
    });
    assert.equal(again.statusCode, 200, again.body);
    assert.equal(again.json<RequestView>().answer?.text, 'The case-file system only.');
  });

  it('withdraws an open request; it can then no longer be answered', async () => {
    const request = await opened();
    const withdrawn = await dg.send('POST', `/api/v1/report-requests/${request.id}/withdraw`, {
      note: 'Raised in error.',
    });
    assert.equal(withdrawn.statusCode, 200, withdrawn.body);
    assert.equal(withdrawn.json<RequestView>().status, 'withdrawn');
    const late = await pseAdmin.send('POST', `/api/v1/report-requests/${request.id}/answer`, {
      text: 'Too late.',
    });
    assert.equal(late.statusCode, 409);
    assert.equal(late.json<Problem>().code, 'transition_not_allowed');
    assert.match(late.json<Problem>().detail, /withdrawn/);
  });

  it('refuses bad requests, storing nothing', async () => {
    const before = await count('report_requests');
    const outbox = await count('outbox');
    const cases: [Record<string, unknown>, number, string | null][] = [
      [{ organizationId: 'nope' }, 422, '/organizationId'],
      [{ organizationId: auditFirmId }, 422, '/organizationId'],
      [{ dueAt: '2026-08-01T00:00:00Z' }, 422, '/dueAt'],
      [{ incidentId: 'no-such-incident' }, 422, '/incidentId'],
      [{ incidentId: await buildIncident(t.ctx, otherPseId) }, 422, '/incidentId'],
      [{ questions: [] }, 400, null],
      [{ questions: ['   '] }, 422, '/questions/0'],
      [{ subject: '' }, 400, null],
      [{ dueAt: 'next week' }, 400, null],
      [{ surprise: true }, 400, null],
    ];
    for (const [body, status, pointer] of cases) {
      const response = await ask(dg, body);
      assert.equal(response.statusCode, status, `${JSON.stringify(body)}: ${response.body}`);
      assert.match(String(response.headers['content-type']), /application\/problem\+json/);
      if (pointer) {
        assert.ok(
          response.json<Problem>().errors?.some((e) => e.pointer === pointer),
          `${JSON.stringify(body)} names ${pointer}: ${response.body}`,
        );
      }
    }
    assert.equal(await count('report_requests'), before);
    assert.equal(await count('outbox'), outbox);
  });

  it('refuses bad answers, storing nothing', async () => {
    const request = await opened();
    const theirs = await buildDocument(t.ctx, otherPseId);
    const mine = await buildDocument(t.ctx, pseId);
    const auditsBefore = await count('audit_events');
    const cases: [Record<string, unknown>, number, string][] = [
      [{ text: 'One answer', answers: ['only one'] }, 422, 'input_invalid'],
      [{ text: 'With their file', documentIds: [mine, theirs] }, 422, 'unknown_documents'],
      [{ text: 'With no file', documentIds: ['missing'] }, 422, 'unknown_documents'],
      [{ text: '' }, 400, 'validation_failed'],
      [{ text: '   ' }, 422, 'input_invalid'],
    ];
    for (const [body, status, code] of cases) {
      const response = await pseAdmin.send(
        'POST',
        `/api/v1/report-requests/${request.id}/answer`,
        body,
      );
      assert.equal(response.statusCode, status, `${JSON.stringify(body)}: ${response.body}`);
      if (status === 422) assert.equal(response.json<Problem>().code, code);
      if (code === 'unknown_documents') {
        const named = response.json<Problem>().detail;
        assert.ok(!named.includes(mine), named);
        assert.ok(named.includes(theirs) || named.includes('missing'), named);
      }
    }
    assert.equal(await count('audit_events'), auditsBefore);
    const still = await dg.get(`/api/v1/report-requests/${request.id}`);
    assert.equal(still.json<RequestView>().status, 'open');
    assert.equal(still.json<RequestView>().revision, 1);
  });

  it("hides another organization's request (404, audited) and refuses officers' answers (403, audited)", async () => {
    const request = await opened();
    const denied = async () =>
      (await audits('access.denied')).filter((a) => a.outcome === 'denied').length;
    const before = await denied();
    const foreign = await otherPse.send('POST', `/api/v1/report-requests/${request.id}/answer`, {
      text: 'Not ours to answer.',
    });
    assert.equal(foreign.statusCode, 404);
    assert.equal(await denied(), before + 1);
    assert.equal((await otherPse.get(`/api/v1/report-requests/${request.id}`)).statusCode, 404);
    assert.equal(await denied(), before + 2);

    const byOfficer = await dg.send('POST', `/api/v1/report-requests/${request.id}/answer`, {
      text: 'I answer for them.',
    });
    assert.equal(byOfficer.statusCode, 403, byOfficer.body);
    assert.equal(byOfficer.json<Problem>().code, 'not_permitted');
    assert.equal(await denied(), before + 3);

    const unauthorised = await ask(legal);
    assert.equal(unauthorised.statusCode, 403);
    assert.equal(await denied(), before + 4);
    const orgAccepts = await pseAdmin.send(
      'POST',
      `/api/v1/report-requests/${request.id}/accept`,
      {},
    );
    assert.equal(orgAccepts.statusCode, 403);
    assert.equal(await denied(), before + 5);
    const still = await dg.get(`/api/v1/report-requests/${request.id}`);
    assert.equal(still.json<RequestView>().status, 'open');
  });

  it('refuses steps from the wrong state and a return without a future due date', async () => {
    const request = await opened();
    const early = await dg.send('POST', `/api/v1/report-requests/${request.id}/accept`, {});
    assert.equal(early.statusCode, 409);
    assert.equal(early.json<Problem>().code, 'transition_not_allowed');
    await pseAdmin.send('POST', `/api/v1/report-requests/${request.id}/answer`, { text: 'Done.' });
    const past = await dg.send('POST', `/api/v1/report-requests/${request.id}/return`, {
      note: 'More please.',
      dueAt: '2026-01-01T00:00:00Z',
    });
    assert.equal(past.statusCode, 422);
    assert.equal(past.json<Problem>().errors?.[0]?.pointer, '/dueAt');
    const view = (await dg.get(`/api/v1/report-requests/${request.id}`)).json<RequestView>();
    assert.equal(view.status, 'answered');
  });

  it('takes a late answer, lists with filters and paging, flags overdue, and exports CSV', async () => {
    const opening = await opened({ subject: 'Overdue one', dueAt: inDays(1) });
    // Fell due two days ago (moving the clock that far would end the test's sessions).
    const dueAt = inDays(-2);
    await t.ctx.db
      .updateTable('report_requests')
      .set({ due_at: dueAt })
      .where('id', '=', opening.id)
      .execute();
    const request = { ...opening, dueAt };
    const list = await dg.get(`/api/v1/report-requests?overdue=true&organizationId=${pseId}`);
    assert.equal(list.statusCode, 200, list.body);
    const overdue = list.json<{ items: RequestView[]; total: number }>();
    assert.ok(overdue.items.some((r) => r.id === request.id && r.overdue));
    assert.ok(overdue.items.every((r) => r.overdue && r.status === 'open'));

    const answered = await pseAdmin.send('POST', `/api/v1/report-requests/${request.id}/answer`, {
      text: 'Sorry for the delay.',
    });
    assert.equal(answered.statusCode, 200, answered.body);
    assert.equal(answered.json<RequestView>().overdue, false);
    assert.ok(
      Date.parse(answered.json<RequestView>().answeredAt ?? '') > Date.parse(request.dueAt),
    );

    const page = await dg.get('/api/v1/report-requests?limit=2&offset=1');
    const paged = page.json<{
      items: RequestView[];
      total: number;
      limit: number;
      offset: number;
    }>();
    assert.equal(paged.items.length, 2);
    assert.equal(paged.limit, 2);
    assert.equal(paged.offset, 1);
    assert.ok(paged.total >= 5);
    const all = (await dg.get('/api/v1/report-requests?limit=200')).json<{
      items: RequestView[];
    }>();
    assert.deepEqual(
      paged.items.map((r) => r.id),
      all.items.slice(1, 3).map((r) => r.id),
    );
    assert.equal((await dg.get('/api/v1/report-requests?limit=0')).statusCode, 400);

    // Another organization sees none of these.
    const theirs = (await otherPse.get('/api/v1/report-requests')).json<{ total: number }>();
    assert.equal(theirs.total, 0);

    const csv = await dg.get(`/api/v1/report-requests.csv?status=answered`);
    assert.equal(csv.statusCode, 200);
    assert.match(String(csv.headers['content-type']), /^text\/csv; charset=utf-8/);
    assert.match(String(csv.headers['content-disposition']), /^attachment;/);
    const lines = csv.body.trim().split('\r\n');
    assert.match(lines[0] ?? '', /^id,organization_id,organization,incident_id,subject,status/);
    assert.ok(lines.slice(1).every((line) => line.includes(',answered,')));
    assert.ok(lines.some((line) => line.startsWith(request.id)));
  });
});
