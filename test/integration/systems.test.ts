import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, it } from 'node:test';
import { ManualClock } from '../../src/clock.js';
import { insertLevelIfMissing } from '../../src/features/levels/repo.js';
import { DEFAULT_LEVELS } from '../../src/features/levels/seed.js';
import { DEFAULT_POLICY_PACK } from '../../src/features/placement/default-pack.js';
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
import { buildOffering } from '../helpers/offerings.js';

interface HostingView {
  kind: string;
  offering: { id: string; name: string | null; providerName: string | null } | null;
  facility: { name: string; country: string; countryName: string; operator: string } | null;
}
interface SystemView {
  id: string;
  organization: { id: string; name: string };
  name: string;
  purpose: string;
  owner: { name: string; email: string };
  users: { description: string; approximateCount: number };
  currentHosting: HostingView | null;
  proposedHosting: HostingView | null;
  classCode: string | null;
  status: string;
  archivedAt: string | null;
}
interface ClassificationView {
  systemId: string;
  revision: number;
  classCode: string;
  className: string;
  securityCategory: { confidentiality: string; integrity: string; availability: string };
  informationTypes: { name: string; classCode: string; className: string; reason: string }[];
  rationale: string[];
  policyVersion: number;
  classifiedAt: string;
  classifiedBy: { userId: string; name: string | null } | null;
}
interface Problem {
  code: string;
  detail: string;
  errors?: { in: string; pointer: string; message: string }[];
}

function issuesOf(body: Problem & Record<string, unknown>): { pointer: string; message: string }[] {
  const list = body.errors ?? body.issues;
  return Array.isArray(list) ? (list as { pointer: string; message: string }[]) : [];
}

const pointersOf = (body: unknown) =>
  issuesOf(body as Problem & Record<string, unknown>).map((i) => i.pointer);

const privateCloud = {
  kind: 'private_cloud',
  name: 'Ministry data centre',
  country: 'PK',
  operator: 'Ministry IT wing',
};

const citizenRecords = {
  name: 'Citizen records',
  confidentiality: 'moderate',
  integrity: 'moderate',
  availability: 'low',
  markings: [],
};
const notices = {
  name: 'Public notices',
  confidentiality: 'none',
  integrity: 'low',
  availability: 'low',
  markings: [],
};

describeEachDatabase('PSE systems and their classification', (database) => {
  let t: TestApp;
  let officer: Client;
  let staff: Client;
  let admin: Client;
  let otherPse: Client;
  let csp: Client;
  let pseId = '';
  let otherPseId = '';
  let offeringId = '';
  let staffUserId = '';
  let systemId = '';
  const clock = new ManualClock('2026-08-01T08:00:00Z');

  const countRows = async (table: 'pse_systems' | 'system_classifications') =>
    (await t.ctx.db.selectFrom(table).select('id').execute()).length;

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
    officer = await signInAs(t.app, office.email);
    pseId = await buildOrganization(t.ctx, 'pse', { name: 'Ministry of Health' });
    const staffUser = await buildUser(t.ctx, pseId, 'pse_staff');
    staffUserId = staffUser.id;
    staff = await signInAs(t.app, staffUser.email);
    admin = await signInAs(t.app, (await buildUser(t.ctx, pseId, 'pse_admin')).email);
    otherPseId = await buildOrganization(t.ctx, 'pse', { name: 'Ministry of Water' });
    otherPse = await signInAs(t.app, (await buildUser(t.ctx, otherPseId, 'pse_admin')).email);
    const cspId = await buildOrganization(t.ctx, 'csp', { name: 'Cloud Co' });
    offeringId = await buildOffering(t.ctx, cspId, { name: 'Gov Cloud Karachi' });
    csp = await signInAs(t.app, (await buildUser(t.ctx, cspId, 'csp_admin')).email);
  });
  after(() => t.close());

  it('lets PSE staff register a system running on an offering and proposed for a private cloud, audited', async () => {
    const response = await staff.send('POST', '/api/v1/systems', {
      name: '  Health   records ',
      purpose: 'Keeps patient records of federal hospitals',
      owner: { name: 'Dr A. Khan', email: 'a.khan@health.example' },
      users: { description: 'hospital staff', approximateCount: 4000 },
      currentHosting: { kind: 'offering', offeringId },
      proposedHosting: privateCloud,
    });
    assert.equal(response.statusCode, 201, response.body);
    const view = response.json<SystemView>();
    systemId = view.id;
    assert.equal(response.headers.location, `/api/v1/systems/${systemId}`);
    assert.equal(view.name, 'Health records');
    assert.deepEqual(view.organization, { id: pseId, name: 'Ministry of Health' });
    assert.deepEqual(view.users, { description: 'hospital staff', approximateCount: 4000 });
    assert.deepEqual(view.currentHosting, {
      kind: 'offering',
      offering: { id: offeringId, name: 'Gov Cloud Karachi', providerName: 'Cloud Co' },
      facility: null,
    });
    assert.deepEqual(view.proposedHosting?.facility, {
      name: 'Ministry data centre',
      country: 'PK',
      countryName: 'Pakistan',
      operator: 'Ministry IT wing',
    });
    assert.equal(view.classCode, null);
    assert.equal(view.status, 'active');

    const events = await t.ctx.db
      .selectFrom('audit_events')
      .select(['actor_user_id', 'target_id', 'summary'])
      .where('action', '=', 'pse_system.create')
      .execute();
    assert.equal(events.length, 1);
    const [event] = events;
    assert.ok(event);
    assert.equal(event.target_id, systemId);
    assert.equal(event.actor_user_id, staffUserId);
    assert.match(event.summary, new RegExp(`offering ${offeringId}`));
  });

  it('refuses bad hosting and bad fields with pointers, storing nothing', async () => {
    const base = {
      name: 'Payroll',
      purpose: 'Pays staff',
      owner: { name: 'B', email: 'b@health.example' },
      users: { description: 'finance officers', approximateCount: 20 },
    };
    const before = await countRows('pse_systems');
    const missing = await staff.send('POST', '/api/v1/systems', {
      ...base,
      currentHosting: { kind: 'offering', offeringId: 'no-such-offering' },
    });
    assert.equal(missing.statusCode, 422, missing.body);
    assert.equal(missing.json<Problem>().code, 'system_invalid');
    const issue = issuesOf(missing.json()).find((i) => i.pointer === '/currentHosting/offeringId');
    assert.match(issue?.message ?? '', /there is no offering "no-such-offering"/);

    const facility = await staff.send('POST', '/api/v1/systems', {
      ...base,
      currentHosting: { kind: 'on_premises', name: 'Basement', country: 'XX', offeringId },
      proposedHosting: { kind: 'offering', offeringId, name: 'Gov Cloud' },
    });
    assert.equal(facility.statusCode, 422, facility.body);
    assert.deepEqual(pointersOf(facility.json()).sort(), [
      '/currentHosting/country',
      '/currentHosting/offeringId',
      '/currentHosting/operator',
      '/proposedHosting/name',
    ]);

    const nowhere = await staff.send('POST', '/api/v1/systems', { ...base, proposedHosting: null });
    assert.equal(nowhere.statusCode, 422);
    assert.match(issuesOf(nowhere.json())[0]?.message ?? '', /say where the system runs/);

    const shape = await staff.send('POST', '/api/v1/systems', {
      ...base,
      owner: { name: 'B', email: 'not an address' },
      users: { description: 'x', approximateCount: -1 },
      currentHosting: { kind: 'cloud' },
    });
    assert.equal(shape.statusCode, 400, shape.body);
    const pointers = pointersOf(shape.json());
    for (const pointer of ['/owner/email', '/users/approximateCount', '/currentHosting/kind'])
      assert.ok(pointers.includes(pointer), `${pointer} in ${pointers.join(', ')}`);

    const taken = await staff.send('POST', '/api/v1/systems', {
      ...base,
      name: 'HEALTH RECORDS',
      currentHosting: privateCloud,
    });
    assert.equal(taken.statusCode, 409);
    assert.equal(taken.json<Problem>().code, 'system_exists');

    assert.equal(await countRows('pse_systems'), before);
  });

  it("keeps each PSE to its own systems (another's answers 404), and shows officers every one", async () => {
    const theirs = await otherPse.send('POST', '/api/v1/systems', {
      name: 'Water billing',
      purpose: 'Bills',
      owner: { name: 'C', email: 'c@water.example' },
      users: { description: 'citizens', approximateCount: 100000 },
      currentHosting: privateCloud,
    });
    assert.equal(theirs.statusCode, 201, theirs.body);
    const theirId = theirs.json<SystemView>().id;

    const mine = await staff.get('/api/v1/systems');
    assert.deepEqual(
      mine.json<{ items: SystemView[] }>().items.map((s) => s.id),
      [systemId],
    );
    const filtered = await staff.get(`/api/v1/systems?organizationId=${otherPseId}`);
    assert.deepEqual(filtered.json<{ items: SystemView[] }>().items, []);
    for (const [method, url, body] of [
      ['GET', `/api/v1/systems/${theirId}`, undefined],
      ['PATCH', `/api/v1/systems/${theirId}`, { purpose: 'taken over' }],
      ['POST', `/api/v1/systems/${theirId}/archive`, {}],
      ['PUT', `/api/v1/systems/${theirId}/classification`, { informationTypes: [notices] }],
      ['GET', `/api/v1/systems/${theirId}/classification`, undefined],
    ] as const) {
      const response =
        method === 'GET' ? await staff.get(url) : await admin.send(method, url, body);
      assert.equal(response.statusCode, 404, `${method} ${url}: ${response.body}`);
      assert.equal(response.json<Problem>().code, 'not_found');
    }
    const unchanged = await otherPse.get(`/api/v1/systems/${theirId}`);
    assert.equal(unchanged.json<SystemView>().purpose, 'Bills');
    assert.equal(await countRows('system_classifications'), 0);

    const all = await officer.get('/api/v1/systems');
    assert.equal(all.statusCode, 200, all.body);
    assert.deepEqual(
      all.json<{ items: SystemView[]; total: number }>().items.map((s) => s.name),
      ['Health records', 'Water billing'],
    );
    const theirsOnly = await officer.get(`/api/v1/systems?organizationId=${otherPseId}`);
    assert.deepEqual(
      theirsOnly.json<{ items: SystemView[] }>().items.map((s) => s.id),
      [theirId],
    );
    assert.equal((await officer.get(`/api/v1/systems/${systemId}`)).statusCode, 200);
    // Officers read; registering is for the PSE's own staff. Providers see no systems.
    const byOfficer = await officer.send('POST', '/api/v1/systems', {});
    assert.equal(byOfficer.statusCode, 403);
    assert.equal((await csp.get('/api/v1/systems')).statusCode, 403);
  });

  it('changes a system with the fields sent, audited, and refuses a change that would leave it nowhere', async () => {
    const changed = await staff.send('PATCH', `/api/v1/systems/${systemId}`, {
      purpose: 'Patient records of federal hospitals and clinics',
      proposedHosting: null,
    });
    assert.equal(changed.statusCode, 200, changed.body);
    const view = changed.json<SystemView>();
    assert.equal(view.purpose, 'Patient records of federal hospitals and clinics');
    assert.equal(view.proposedHosting, null);
    assert.equal(view.currentHosting?.offering?.id, offeringId);

    const nowhere = await staff.send('PATCH', `/api/v1/systems/${systemId}`, {
      currentHosting: null,
    });
    assert.equal(nowhere.statusCode, 422, nowhere.body);
    const unknown = await staff.send('PATCH', `/api/v1/systems/${systemId}`, {
      name: 'Renamed',
      currentHosting: { kind: 'offering', offeringId: randomUUID() },
    });
    assert.equal(unknown.statusCode, 422);
    assert.deepEqual(pointersOf(unknown.json()), ['/currentHosting/offeringId']);
    const after = (await staff.get(`/api/v1/systems/${systemId}`)).json<SystemView>();
    assert.equal(after.name, 'Health records');
    assert.equal(after.currentHosting?.offering?.id, offeringId);

    const events = await t.ctx.db
      .selectFrom('audit_events')
      .select('summary')
      .where('action', '=', 'pse_system.update')
      .where('target_id', '=', systemId)
      .execute();
    assert.equal(events.length, 1);
    const summary = JSON.parse(events[0]?.summary ?? '{}') as {
      before: Record<string, unknown>;
      after: Record<string, unknown>;
    };
    assert.equal(summary.before.purpose, 'Keeps patient records of federal hospitals');
    assert.equal(summary.before.proposed_kind, 'private_cloud');
    assert.equal(summary.after.proposed_kind, null);
  });

  it('refuses missing and unknown answers with pointers, storing nothing', async () => {
    const none = await staff.get(`/api/v1/systems/${systemId}/classification`);
    assert.equal(none.statusCode, 404);
    assert.equal(none.json<Problem>().code, 'not_classified');

    const url = `/api/v1/systems/${systemId}/classification`;
    const missing = await staff.send('PUT', url, {
      informationTypes: [
        { name: 'Citizen records', confidentiality: 'moderate', integrity: 'low' },
      ],
    });
    assert.equal(missing.statusCode, 422, missing.body);
    assert.equal(missing.json<Problem>().code, 'classification_answers_invalid');
    assert.deepEqual(pointersOf(missing.json()).sort(), [
      '/informationTypes/0/availability',
      '/informationTypes/0/markings',
    ]);

    const unknown = await staff.send('PUT', url, {
      informationTypes: [
        { ...citizenRecords, confidentiality: 'severe' },
        { ...notices, markings: ['top_secret'] },
      ],
    });
    assert.equal(unknown.statusCode, 422, unknown.body);
    const issues = issuesOf(unknown.json());
    assert.deepEqual(issues.map((i) => i.pointer).sort(), [
      '/informationTypes/0/confidentiality',
      '/informationTypes/1/markings/0',
    ]);
    assert.match(
      issues.find((i) => i.pointer === '/informationTypes/1/markings/0')?.message ?? '',
      /"top_secret" is not a marking of this policy/,
    );

    const empty = await staff.send('PUT', url, { informationTypes: [] });
    assert.equal(empty.statusCode, 422);
    assert.deepEqual(pointersOf(empty.json()), ['/informationTypes']);

    assert.equal(await countRows('system_classifications'), 0);
    const system = (await staff.get(`/api/v1/systems/${systemId}`)).json<SystemView>();
    assert.equal(system.classCode, null);
    const classified = await t.ctx.db
      .selectFrom('audit_events')
      .select('id')
      .where('action', '=', 'pse_system.classify')
      .execute();
    assert.equal(classified.length, 0);
  });

  it('classifies by high-water mark and keeps the rationale, the policy version, who and when', async () => {
    const url = `/api/v1/systems/${systemId}/classification`;
    const response = await staff.send('PUT', url, {
      informationTypes: [citizenRecords, notices],
    });
    assert.equal(response.statusCode, 200, response.body);
    const view = response.json<ClassificationView>();
    assert.equal(view.classCode, 'sensitive');
    assert.equal(view.className, 'Sensitive (Confidential)');
    assert.deepEqual(view.securityCategory, {
      confidentiality: 'moderate',
      integrity: 'moderate',
      availability: 'low',
    });
    assert.deepEqual(
      view.informationTypes.map((i) => [i.name, i.classCode]),
      [
        ['Citizen records', 'sensitive'],
        ['Public notices', 'public'],
      ],
    );
    assert.ok(
      view.rationale.some((line) => /highest class/.test(line)),
      view.rationale.join(' '),
    );
    assert.equal(view.policyVersion, 1);
    assert.equal(view.revision, 1);
    assert.equal(view.classifiedAt, clock.now().toISOString());
    assert.equal(view.classifiedBy?.userId, staffUserId);

    const read = await officer.get(url);
    assert.equal(read.statusCode, 200);
    assert.deepEqual(read.json<ClassificationView>(), view);
    const system = (await staff.get(`/api/v1/systems/${systemId}`)).json<SystemView>();
    assert.equal(system.classCode, 'sensitive');

    const event = await t.ctx.db
      .selectFrom('audit_events')
      .select(['summary', 'actor_user_id'])
      .where('action', '=', 'pse_system.classify')
      .executeTakeFirstOrThrow();
    assert.equal(event.actor_user_id, staffUserId);
    assert.match(event.summary, /"classCode":"sensitive"/);
    assert.match(event.summary, /"policyVersion":1/);
  });

  it('classifies again under the policy version in force, keeping the earlier classification', async () => {
    // A second version of the policy, through the workflow (the DG Cloud holds both powers).
    assert.equal((await officer.send('POST', '/api/v1/policy/draft')).statusCode, 201);
    const pack = structuredClone(DEFAULT_POLICY_PACK);
    pack.classification.byMarking.push({
      marking: 'medical',
      classCode: 'secret',
      label: 'medical records of public office holders',
    });
    assert.equal((await officer.send('PUT', '/api/v1/policy/draft/pack', pack)).statusCode, 200);
    for (const step of ['propose', 'approve', 'publish'])
      assert.equal((await officer.send('POST', `/api/v1/policy/draft/${step}`)).statusCode, 200);

    clock.advance(60_000);
    const url = `/api/v1/systems/${systemId}/classification`;
    const response = await staff.send('PUT', url, {
      informationTypes: [{ ...citizenRecords, markings: ['medical'] }, notices],
    });
    assert.equal(response.statusCode, 200, response.body);
    const view = response.json<ClassificationView>();
    assert.equal(view.classCode, 'secret');
    assert.equal(view.policyVersion, 2);
    assert.equal(view.revision, 2);
    assert.match(
      view.informationTypes[0]?.reason ?? '',
      /medical records of public office holders/,
    );

    const rows = await t.ctx.db
      .selectFrom('system_classifications')
      .select(['revision', 'class_code', 'policy_version'])
      .where('system_id', '=', systemId)
      .orderBy('revision')
      .execute();
    assert.deepEqual(rows, [
      { revision: 1, class_code: 'sensitive', policy_version: 1 },
      { revision: 2, class_code: 'secret', policy_version: 2 },
    ]);
    const secret = await officer.get('/api/v1/systems?classCode=secret');
    assert.deepEqual(
      secret.json<{ items: SystemView[] }>().items.map((s) => s.id),
      [systemId],
    );
  });

  it('archives a system (its administrators only): it leaves the list and no longer changes', async () => {
    const byStaff = await staff.send('POST', `/api/v1/systems/${systemId}/archive`, {});
    assert.equal(byStaff.statusCode, 403);
    const archived = await admin.send('POST', `/api/v1/systems/${systemId}/archive`, {
      reason: 'replaced by the national health platform',
    });
    assert.equal(archived.statusCode, 200, archived.body);
    assert.equal(archived.json<SystemView>().status, 'archived');
    assert.equal(archived.json<SystemView>().archivedAt, clock.now().toISOString());

    assert.deepEqual((await staff.get('/api/v1/systems')).json<{ items: unknown[] }>().items, []);
    const listed = await staff.get('/api/v1/systems?status=archived');
    assert.deepEqual(
      listed.json<{ items: SystemView[] }>().items.map((s) => s.id),
      [systemId],
    );
    const patch = await staff.send('PATCH', `/api/v1/systems/${systemId}`, { purpose: 'x' });
    assert.equal(patch.statusCode, 409);
    assert.equal(patch.json<Problem>().code, 'system_archived');
    const classify = await staff.send('PUT', `/api/v1/systems/${systemId}/classification`, {
      informationTypes: [notices],
    });
    assert.equal(classify.statusCode, 409);
    assert.equal(
      (await admin.send('POST', `/api/v1/systems/${systemId}/archive`, {})).statusCode,
      409,
    );
    // Its classification stays readable.
    const kept = await staff.get(`/api/v1/systems/${systemId}/classification`);
    assert.equal(kept.json<ClassificationView>().classCode, 'secret');

    const events = await t.ctx.db
      .selectFrom('audit_events')
      .select('summary')
      .where('action', '=', 'pse_system.archive')
      .execute();
    assert.equal(events.length, 1);
    assert.match(events[0]?.summary ?? '', /national health platform/);
  });
});
