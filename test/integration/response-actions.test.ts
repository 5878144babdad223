import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, it } from 'node:test';
import { ManualClock } from '../../src/clock.js';
import { insertLevelIfMissing } from '../../src/features/levels/repo.js';
import { DEFAULT_LEVELS } from '../../src/features/levels/seed.js';
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
  buildBreach,
  buildIncident,
  countRows,
  emailsTo,
  signedInOfficer,
} from '../helpers/incidents.js';
import { buildOffering } from '../helpers/offerings.js';
import { buildAccreditedOffering } from '../helpers/register.js';

interface ActionView {
  id: string;
  organization: { id: string; name: string };
  kind: string;
  description: string;
  status: string;
  dueAt: string;
  overdue: boolean;
  incidentId: string | null;
  breachId: string | null;
  offering: { id: string; name: string } | null;
  owner: { id: string; email: string } | null;
  orderedAt: string;
  orderedBy: { userId: string; position: string | null } | null;
  progress: {
    text: string;
    documents: { id: string }[];
    marksDone: boolean;
    by: { id: string } | null;
  }[];
  doneAt: string | null;
  verifiedAt: string | null;
  verifiedBy: { id: string } | null;
  verificationNote: string | null;
  closedAt: string | null;
  revision: number;
  allowedActions: string[];
}
interface Problem {
  code: string;
  detail: string;
  errors?: { pointer: string; message: string }[];
}

describeEachDatabase('response actions', (database) => {
  let t: TestApp;
  const clock = new ManualClock('2026-09-01T08:00:00Z');
  let dg: Client;
  let dgEmail = '';
  let dgId = '';
  let audits: Client;
  let legal: Client;
  let cspId = '';
  let cspAdmin: Client;
  let cspStaff: Client;
  let cspStaffId = '';
  let cspStaffEmail = '';
  let otherCsp: Client;
  let otherCspId = '';
  let incidentId = '';

  const inDays = (days: number) =>
    new Date(clock.now().getTime() + days * 86_400_000).toISOString();
  const count = (table: 'response_actions' | 'response_action_progress' | 'outbox') =>
    countRows(t.ctx, table);
  const mailTo = (to: string) => emailsTo(t.ctx, to);
  const denied = async () =>
    (
      await t.ctx.db
        .selectFrom('audit_events')
        .select('seq')
        .where('action', '=', 'access.denied')
        .execute()
    ).length;
  const register = (offeringId: string) =>
    t.ctx.db
      .selectFrom('register_entries')
      .select(['status', 'suspended_from'])
      .where('offering_id', '=', offeringId)
      .executeTakeFirstOrThrow();
  const order = (client: Client, body: Record<string, unknown> = {}) =>
    client.send('POST', '/api/v1/response-actions', {
      organizationId: cspId,
      kind: 'rotate_credentials',
      description: 'Rotate every administrator credential of the tenant.',
      dueAt: inDays(5),
      ...body,
    });
  const ordered = async (body: Record<string, unknown> = {}): Promise<ActionView> => {
    const response = await order(dg, body);
    assert.equal(response.statusCode, 201, response.body);
    return response.json<ActionView>();
  };
  const step = (client: Client, id: string, name: string, body?: Record<string, unknown>) =>
    client.send('POST', `/api/v1/response-actions/${id}/${name}`, body);
  const done = async (id: string) => {
    const response = await step(cspStaff, id, 'progress', { text: 'All done.', done: true });
    assert.equal(response.statusCode, 200, response.body);
  };

  before(async () => {
    t = await createTestApp(database, { overrides: { clock } });
    for (const level of DEFAULT_LEVELS) {
      await insertLevelIfMissing(t.ctx.db, {
        id: randomUUID(),
        ...level,
        created_at: clock.now().toISOString(),
      });
    }
    const office = await setUpOffice(t.ctx);
    dgEmail = office.email;
    dgId = office.userId;
    dg = await signInAs(t.app, dgEmail);
    audits = (await signedInOfficer(t, office.organizationId, 'director_audits')).client;
    legal = (await signedInOfficer(t, office.organizationId, 'director_legal_procurement')).client;

    cspId = await buildOrganization(t.ctx, 'csp', { name: 'Alpha Cloud' });
    cspAdmin = await signInAs(t.app, (await buildUser(t.ctx, cspId, 'csp_admin')).email);
    const staff = await buildUser(t.ctx, cspId, 'csp_staff');
    cspStaffId = staff.id;
    cspStaffEmail = staff.email;
    cspStaff = await signInAs(t.app, staff.email);
    otherCspId = await buildOrganization(t.ctx, 'csp', { name: 'Beta Systems' });
    otherCsp = await signInAs(t.app, (await buildUser(t.ctx, otherCspId, 'csp_admin')).email);
    incidentId = await buildIncident(t.ctx, cspId);
  });
  after(() => t.close());

  it('orders, records progress with evidence, verifies and closes, on the incident timeline', async () => {
    const response = await order(dg, { incidentId, ownerUserId: cspStaffId });
    assert.equal(response.statusCode, 201, response.body);
    const action = response.json<ActionView>();
    assert.equal(response.headers.location, `/api/v1/response-actions/${action.id}`);
    assert.equal(action.status, 'ordered');
    assert.equal(action.owner?.id, cspStaffId);
    assert.equal(action.orderedBy?.userId, dgId);
    assert.equal(action.orderedBy.position, 'DG Cloud');
    assert.deepEqual(action.allowedActions, ['cancel']);
    const [ordered] = await mailTo(cspStaffEmail);
    assert.ok(
      ordered?.text.includes(`${t.ctx.config.http.publicUrl}/response-actions/${action.id}`),
      'links the action',
    );
    assert.equal((await mailTo(cspStaffEmail)).length, 1);

    const evidence = await buildDocument(t.ctx, cspId);
    const progress = await step(cspStaff, action.id, 'progress', {
      text: 'Half of the credentials rotated.',
      documentIds: [evidence],
    });
    assert.equal(progress.statusCode, 200, progress.body);
    assert.equal(progress.json<ActionView>().status, 'in_progress');
    assert.deepEqual(progress.json<ActionView>().allowedActions, ['progress']);

    clock.advance(60_000);
    const finished = await step(cspStaff, action.id, 'progress', {
      text: 'All rotated.',
      done: true,
    });
    assert.equal(finished.statusCode, 200, finished.body);
    const view = finished.json<ActionView>();
    assert.equal(view.status, 'done');
    assert.equal(view.doneAt, clock.now().toISOString());
    assert.deepEqual(
      view.progress.map((p) => [p.text, p.marksDone, p.documents.length, p.by?.id]),
      [
        ['Half of the credentials rotated.', false, 1, cspStaffId],
        ['All rotated.', true, 0, cspStaffId],
      ],
    );
    assert.ok((await mailTo(dgEmail)).some((m) => /response action done/.test(m.subject)));

    const verified = await step(dg, action.id, 'verify', { note: 'Checked the key vault logs.' });
    assert.equal(verified.statusCode, 200, verified.body);
    assert.equal(verified.json<ActionView>().status, 'verified');
    assert.equal(verified.json<ActionView>().verifiedBy?.id, dgId);
    assert.equal(verified.json<ActionView>().verificationNote, 'Checked the key vault logs.');
    const closed = await step(dg, action.id, 'close', {});
    assert.equal(closed.statusCode, 200, closed.body);
    assert.equal(closed.json<ActionView>().status, 'closed');
    assert.ok(closed.json<ActionView>().closedAt);

    const timeline = await t.ctx.db
      .selectFrom('incident_events')
      .select('type')
      .where('incident_id', '=', incidentId)
      .orderBy('seq')
      .execute();
    assert.deepEqual(
      timeline.map((e) => e.type),
      ['action_ordered', 'action_progress', 'action_progress', 'action_verified', 'action_closed'],
    );
    const trail = await t.ctx.db
      .selectFrom('audit_events')
      .select('action')
      .where('target_id', '=', action.id)
      .orderBy('seq')
      .execute();
    assert.deepEqual(
      trail.map((a) => a.action),
      [
        'response_action.order',
        'response_action.progress',
        'response_action.progress',
        'response_action.verify',
        'response_action.close',
      ],
    );
  });

  it('rejects work reported done back to in progress, and cancels an action', async () => {
    const action = await ordered();
    await done(action.id);
    const rejected = await step(audits, action.id, 'reject', { note: 'Two keys are still old.' });
    assert.equal(rejected.statusCode, 200, rejected.body);
    assert.equal(rejected.json<ActionView>().status, 'in_progress');
    assert.equal(rejected.json<ActionView>().doneAt, null);
    const cancelled = await step(audits, action.id, 'cancel', { note: 'Superseded by an audit.' });
    assert.equal(cancelled.statusCode, 200, cancelled.body);
    assert.equal(cancelled.json<ActionView>().status, 'cancelled');
    const after = await step(cspStaff, action.id, 'progress', { text: 'More.' });
    assert.equal(after.statusCode, 409);
    assert.equal(after.json<Problem>().code, 'transition_not_allowed');
  });

  it('a verified suspension suspends the offering through the accreditation workflow', async () => {
    const { offeringId } = await buildAccreditedOffering(t.ctx, cspId, {
      grantedAt: '2026-03-01T10:00:00Z',
    });
    assert.equal((await register(offeringId)).status, 'accredited');
    const action = await ordered({
      kind: 'suspend_accreditation',
      offeringId,
      description: 'Suspend the offering until the breach is remedied.',
    });
    assert.equal(action.offering?.id, offeringId);
    await done(action.id);

    // The Director Audits may order and verify actions but not suspend an accreditation.
    const before = await denied();
    const refused = await step(audits, action.id, 'verify', { note: 'Looks fine.' });
    assert.equal(refused.statusCode, 403, refused.body);
    assert.equal(refused.json<Problem>().code, 'not_permitted');
    assert.equal(await denied(), before + 1);
    assert.equal((await register(offeringId)).status, 'accredited');
    const unchanged = (await dg.get(`/api/v1/response-actions/${action.id}`)).json<ActionView>();
    assert.equal(unchanged.status, 'done');
    assert.equal(unchanged.verifiedAt, null);

    const verified = await step(dg, action.id, 'verify', { note: 'Suspension confirmed.' });
    assert.equal(verified.statusCode, 200, verified.body);
    assert.equal(verified.json<ActionView>().status, 'verified');
    const entry = await register(offeringId);
    assert.equal(entry.status, 'suspended');
    assert.equal(entry.suspended_from, '2026-09-01');
    const suspend = await t.ctx.db
      .selectFrom('audit_events')
      .select(['action', 'actor_position'])
      .where('action', '=', 'accreditation.suspend')
      .executeTakeFirst();
    assert.equal(suspend?.actor_position, 'DG Cloud');

    // Nothing left in force to suspend: a second suspension cannot be ordered.
    const again = await order(dg, {
      kind: 'suspend_accreditation',
      offeringId,
      description: 'Suspend again.',
    });
    assert.equal(again.statusCode, 422);
    assert.equal(again.json<Problem>().errors?.[0]?.pointer, '/offeringId');
  });

  it('refuses bad orders, storing nothing', async () => {
    const plainOffering = await buildOffering(t.ctx, cspId);
    const theirOffering = await buildOffering(t.ctx, otherCspId);
    const theirBreach = await buildBreach(t.ctx, otherCspId);
    const theirUser = (await buildUser(t.ctx, otherCspId, 'csp_staff')).id;
    const before = await count('response_actions');
    const outbox = await count('outbox');
    const cases: [Record<string, unknown>, number, string | null][] = [
      [{ kind: 'suspend_accreditation' }, 422, '/offeringId'],
      [{ kind: 'suspend_accreditation', offeringId: plainOffering }, 422, '/offeringId'],
      [{ kind: 'suspend_accreditation', offeringId: theirOffering }, 422, '/offeringId'],
      [{ organizationId: 'nope' }, 422, '/organizationId'],
      [{ dueAt: '2026-01-01T00:00:00Z' }, 422, '/dueAt'],
      [{ breachId: theirBreach }, 422, '/breachId'],
      [{ ownerUserId: theirUser }, 422, '/ownerUserId'],
      [{ incidentId: 'missing' }, 422, '/incidentId'],
      [{ kind: 'pray' }, 400, null],
      [{ description: '' }, 400, null],
      [{ extra: 1 }, 400, null],
    ];
    for (const [body, status, pointer] of cases) {
      const response = await order(dg, body);
      assert.equal(response.statusCode, status, `${JSON.stringify(body)}: ${response.body}`);
      if (pointer) {
        assert.ok(
          response.json<Problem>().errors?.some((e) => e.pointer === pointer),
          `${JSON.stringify(body)} names ${pointer}: ${response.body}`,
        );
      }
    }
    const deniedBefore = await denied();
    const unauthorised = await order(legal);
    assert.equal(unauthorised.statusCode, 403);
    assert.equal(await denied(), deniedBefore + 1);
    assert.equal(await count('response_actions'), before);
    assert.equal(await count('outbox'), outbox);
  });

  it('refuses bad progress and steps by the wrong people, storing nothing', async () => {
    const action = await ordered();
    const theirs = await buildDocument(t.ctx, otherCspId);
    const progressBefore = await count('response_action_progress');
    const deniedBefore = await denied();

    const foreignDoc = await step(cspAdmin, action.id, 'progress', {
      text: 'See file.',
      documentIds: [theirs],
    });
    assert.equal(foreignDoc.statusCode, 422);
    assert.equal(foreignDoc.json<Problem>().code, 'unknown_documents');
    assert.match(foreignDoc.json<Problem>().detail, new RegExp(theirs));

    const foreign = await step(otherCsp, action.id, 'progress', { text: 'Not ours.' });
    assert.equal(foreign.statusCode, 404);
    assert.equal(await denied(), deniedBefore + 1);

    const officer = await step(dg, action.id, 'progress', { text: 'I do it for them.' });
    assert.equal(officer.statusCode, 403);
    assert.equal(await denied(), deniedBefore + 2);

    const orgVerifies = await step(cspAdmin, action.id, 'cancel', { note: 'We would rather not.' });
    assert.equal(orgVerifies.statusCode, 403);
    assert.equal(await denied(), deniedBefore + 3);

    const early = await step(dg, action.id, 'verify', { note: 'Too early.' });
    assert.equal(early.statusCode, 409);
    const blank = await step(dg, action.id, 'cancel', { note: '   ' });
    assert.equal(blank.statusCode, 422);

    assert.equal(await count('response_action_progress'), progressBefore);
    const still = (await dg.get(`/api/v1/response-actions/${action.id}`)).json<ActionView>();
    assert.equal(still.status, 'ordered');
    assert.equal(still.revision, 1);
  });

  it('lists with filters and paging, flags overdue, and exports CSV', async () => {
    const late = await ordered({ kind: 'special_audit', description: 'An audit, overdue.' });
    await t.ctx.db
      .updateTable('response_actions')
      .set({ due_at: inDays(-1) })
      .where('id', '=', late.id)
      .execute();
    const overdue = (
      await dg.get(`/api/v1/response-actions?overdue=true&organizationId=${cspId}`)
    ).json<{ items: ActionView[]; total: number }>();
    assert.deepEqual(
      overdue.items.map((a) => a.id),
      [late.id],
    );
    assert.equal(overdue.items[0]?.overdue, true);
    const byKind = (await dg.get('/api/v1/response-actions?kind=special_audit')).json<{
      total: number;
    }>();
    assert.equal(byKind.total, 1);
    const byIncident = (await dg.get(`/api/v1/response-actions?incidentId=${incidentId}`)).json<{
      total: number;
    }>();
    assert.equal(byIncident.total, 1);

    const all = (await dg.get('/api/v1/response-actions?limit=200')).json<{
      items: ActionView[];
      total: number;
    }>();
    const page = (await dg.get('/api/v1/response-actions?limit=2&offset=1')).json<{
      items: ActionView[];
      total: number;
    }>();
    assert.equal(page.total, all.total);
    assert.deepEqual(
      page.items.map((a) => a.id),
      all.items.slice(1, 3).map((a) => a.id),
    );
    assert.equal(
      (await otherCsp.get('/api/v1/response-actions')).json<{ total: number }>().total,
      0,
    );

    const csv = await dg.get('/api/v1/response-actions.csv?overdue=true');
    assert.equal(csv.statusCode, 200);
    assert.match(String(csv.headers['content-type']), /^text\/csv; charset=utf-8/);
    const lines = csv.body.trim().split('\r\n');
    assert.equal(lines.length, 2);
    assert.ok(lines[1]?.startsWith(`${late.id},${cspId},Alpha Cloud,special_audit`));
  });
});
