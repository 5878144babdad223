import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, it } from 'node:test';
import { ManualClock } from '../../src/clock.js';
import { insertLevelIfMissing } from '../../src/features/levels/repo.js';
import { DEFAULT_LEVELS } from '../../src/features/levels/seed.js';
import { reproduceDecision } from '../../src/features/placement/decisions-service.js';
import { DEFAULT_POLICY_PACK } from '../../src/features/placement/default-pack.js';
import type { PolicyPack } from '../../src/features/placement/model.js';
import { seedDefaultPolicy } from '../../src/features/placement/seed.js';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { describeEachDatabase } from '../helpers/databases.js';
import {
  appoint,
  buildOrganization,
  buildUser,
  setUpOffice,
  signInAs,
  type Client,
} from '../helpers/factories.js';
import { buildOffering } from '../helpers/offerings.js';
import { buildAccreditedOffering } from '../helpers/register.js';

interface Rule {
  rule: string;
  outcome: string;
  reason: string;
  clause: string;
  message: string;
  nocId: string | null;
}
interface StoredDecision {
  id: string;
  systemId: string;
  hosting: string;
  trigger: string;
  offeringId: string;
  at: string;
  policyVersion: number;
  classificationId: string;
  accreditationId: string | null;
  outcome: string;
  rules: Rule[];
  inputs: { classCode: string; offeringId: string; levelCode: string | null; nocIds: string[] };
  words: string[];
}
interface Placement {
  systemId: string;
  status: string;
  reason: string | null;
  flaggedAt: string | null;
  evaluatedAt: string | null;
  policyVersion: number | null;
  current: StoredDecision | null;
  proposed: StoredDecision | null;
}
interface Option {
  offeringId: string;
  offeringName: string;
  providerName: string;
  serviceModel: string;
  level: string | null;
  levelTitle: string | null;
  outcome: string;
  words: string[];
}
interface OutOfPolicyItem {
  systemId: string;
  systemName: string;
  organization: { id: string; name: string };
  offering: { id: string; name: string | null } | null;
  reason: string | null;
  flaggedAt: string | null;
}
interface Problem {
  code: string;
  detail: string;
  errors?: { pointer: string; message: string }[];
}

const KARACHI = {
  country: 'PK',
  city: 'Karachi',
  operator: 'DC Ltd',
  purpose: 'customer_data',
} as const;
const ABROAD = [
  { country: 'DE', city: 'Frankfurt', operator: 'DC GmbH', purpose: 'customer_data' },
  { country: 'SG', city: 'Singapore', operator: 'DC Pte', purpose: 'customer_data' },
] as const;
const INTERMEDIATE = { code: 'intermediate', rank: 2 };

/** Answers that classify a system as Restricted (low confidentiality impact). */
const RESTRICTED_ANSWERS = {
  informationTypes: [
    {
      name: 'Case files',
      confidentiality: 'low',
      integrity: 'moderate',
      availability: 'low',
      markings: [],
    },
  ],
};

/** The default pack with Restricted raised to the Enhanced level. */
function stricterPack(): PolicyPack {
  const pack = structuredClone(DEFAULT_POLICY_PACK);
  pack.rules = pack.rules.map((rule) =>
    rule.classCode === 'restricted' ? { ...rule, minimumLevel: 'enhanced' } : rule,
  );
  return pack;
}

describeEachDatabase('placement decisions and re-evaluation', (database) => {
  let t: TestApp;
  let dg: Client;
  let infrastructure: Client;
  let staff: Client;
  let otherPse: Client;
  let csp: Client;
  let pseId = '';
  let cspId = '';
  /** Accredited at Intermediate, government cloud, customer data in Karachi; IaaS. */
  let home = { offeringId: '', applicationId: '' };
  /** The same, but SaaS: the policy prefers it. */
  let homeSaas = { offeringId: '', applicationId: '' };
  /** Accredited at Intermediate, government cloud, customer data in Frankfurt and Singapore. */
  let abroad = { offeringId: '', applicationId: '' };
  let unaccredited = '';
  let systemId = '';
  let unclassifiedId = '';
  const clock = new ManualClock('2026-08-01T08:00:00Z');
  const emails = { dg: '', infrastructure: '', staff: '', csp: '' };

  /** Moves the clock on, and signs everyone in again (sessions do not last days). */
  const later = async (to: string) => {
    clock.set(to);
    dg = await signInAs(t.app, emails.dg);
    infrastructure = await signInAs(t.app, emails.infrastructure);
    staff = await signInAs(t.app, emails.staff);
    csp = await signInAs(t.app, emails.csp);
  };

  const placementOf = async (client: Client, id = systemId) => {
    const response = await client.get(`/api/v1/systems/${id}/placement`);
    assert.equal(response.statusCode, 200, response.body);
    return response.json<Placement>();
  };
  const count = async (table: 'placement_decisions' | 'system_placements' | 'placement_texts') =>
    Number(
      (
        await t.ctx.db
          .selectFrom(table)
          .select((eb) => eb.fn.countAll<number | string>().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );
  const runs = async (trigger?: string) => {
    const rows = await t.ctx.db
      .selectFrom('audit_events')
      .select(['summary', 'actor_user_id', 'target_id'])
      .where('action', '=', 'placement.reevaluate')
      .orderBy('seq')
      .execute();
    return rows
      .map((r) => ({
        ...r,
        after: (JSON.parse(r.summary) as { after: Record<string, unknown> }).after,
      }))
      .filter((r) => trigger === undefined || r.after.trigger === trigger);
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
    emails.dg = office.email;
    dg = await signInAs(t.app, office.email);
    const director = await buildUser(t.ctx, office.organizationId, 'officer');
    await appoint(t.ctx, director.id, 'director_infrastructure_operations', '2026-01-01');
    emails.infrastructure = director.email;
    infrastructure = await signInAs(t.app, director.email);

    pseId = await buildOrganization(t.ctx, 'pse', { name: 'Ministry of Law' });
    emails.staff = (await buildUser(t.ctx, pseId, 'pse_staff')).email;
    staff = await signInAs(t.app, emails.staff);
    const otherPseId = await buildOrganization(t.ctx, 'pse', { name: 'Ministry of Water' });
    otherPse = await signInAs(t.app, (await buildUser(t.ctx, otherPseId, 'pse_admin')).email);
    cspId = await buildOrganization(t.ctx, 'csp', { name: 'Indus Cloud' });
    emails.csp = (await buildUser(t.ctx, cspId, 'csp_admin')).email;
    csp = await signInAs(t.app, emails.csp);

    const grantedAt = '2026-07-01T10:00:00Z';
    const auditFirm = {
      id: await buildOrganization(t.ctx, 'audit_firm', { name: 'Assurance Partners' }),
      name: 'Assurance Partners',
    };
    home = await buildAccreditedOffering(t.ctx, cspId, {
      name: 'Indus Gov Compute',
      serviceModel: 'iaas',
      deploymentModel: 'government',
      locations: [KARACHI],
      levelSought: INTERMEDIATE,
      auditFirm,
      grantedAt,
    });
    homeSaas = await buildAccreditedOffering(t.ctx, cspId, {
      name: 'Indus Gov Mail',
      serviceModel: 'saas',
      deploymentModel: 'government',
      locations: [KARACHI],
      levelSought: INTERMEDIATE,
      auditFirm,
      grantedAt,
    });
    abroad = await buildAccreditedOffering(t.ctx, cspId, {
      name: 'Indus Global Compute',
      serviceModel: 'iaas',
      deploymentModel: 'government',
      locations: [...ABROAD],
      levelSought: INTERMEDIATE,
      auditFirm,
      grantedAt,
    });
    unaccredited = await buildOffering(t.ctx, cspId, { name: 'Indus Beta' });

    const created = await staff.send('POST', '/api/v1/systems', {
      name: 'Court case management',
      purpose: 'Tracks cases of the federal courts',
      owner: { name: 'Registrar', email: 'registrar@law.example' },
      users: { description: 'court staff', approximateCount: 900 },
      currentHosting: { kind: 'offering', offeringId: home.offeringId },
      proposedHosting: { kind: 'offering', offeringId: abroad.offeringId },
    });
    assert.equal(created.statusCode, 201, created.body);
    systemId = created.json<{ id: string }>().id;
    const other = await staff.send('POST', '/api/v1/systems', {
      name: 'Library catalogue',
      purpose: 'Lists the books of the ministry library',
      owner: { name: 'Librarian', email: 'library@law.example' },
      users: { description: 'staff', approximateCount: 40 },
      currentHosting: { kind: 'offering', offeringId: home.offeringId },
    });
    assert.equal(other.statusCode, 201, other.body);
    unclassifiedId = other.json<{ id: string }>().id;
  });
  after(() => t.close());

  it('decides the placement when the system is classified: in policy where it runs, the refused proposal shown but not flagging it', async () => {
    assert.equal((await placementOf(staff)).status, 'not_evaluated');
    const classified = await staff.send(
      'PUT',
      `/api/v1/systems/${systemId}/classification`,
      RESTRICTED_ANSWERS,
    );
    assert.equal(classified.statusCode, 200, classified.body);

    const placement = await placementOf(staff);
    assert.equal(placement.status, 'in_policy');
    assert.equal(placement.reason, null);
    assert.equal(placement.flaggedAt, null);
    assert.equal(placement.policyVersion, 1);
    assert.equal(placement.current?.outcome, 'allow');
    assert.equal(placement.current.hosting, 'current');
    assert.equal(placement.current.trigger, 'system_classified');
    assert.equal(placement.current.offeringId, home.offeringId);
    assert.equal(placement.current.accreditationId, home.applicationId);
    assert.deepEqual(placement.current.inputs, {
      classCode: 'restricted',
      offeringId: home.offeringId,
      accreditationId: home.applicationId,
      levelCode: 'intermediate',
      nocIds: [],
    });
    assert.equal(placement.proposed?.outcome, 'deny');
    assert.equal(placement.proposed.offeringId, abroad.offeringId);

    // The unclassified system says why it is not evaluated.
    const unclassified = await placementOf(staff, unclassifiedId);
    assert.equal(unclassified.status, 'not_evaluated');
    assert.equal(unclassified.current, null);
  });

  it('refuses Restricted data on an offering that keeps customer data abroad, with every reason in words and its clause', async () => {
    const decisionsBefore = await count('placement_decisions');
    const response = await staff.send('POST', `/api/v1/systems/${systemId}/placement-check`, {
      offeringId: abroad.offeringId,
    });
    assert.equal(response.statusCode, 200, response.body);
    const decision = response.json<StoredDecision>();
    assert.equal(decision.outcome, 'deny');
    assert.equal(decision.hosting, 'check');
    assert.equal(decision.policyVersion, 1);
    const residency = decision.rules.find((r) => r.rule === 'residency');
    assert.equal(residency?.outcome, 'not_met');
    assert.equal(residency.reason, 'customer_data_outside');
    assert.equal(
      residency.message,
      'Restricted data must stay in Pakistan; this offering keeps customer data in Frankfurt (Germany) and Singapore.',
    );
    assert.ok(residency.clause.length > 0);
    // The other rules are reported too, met.
    assert.deepEqual(
      decision.rules.map((r) => [r.rule, r.outcome]),
      [
        ['accreditation', 'met'],
        ['level', 'met'],
        ['deployment_model', 'met'],
        ['residency', 'not_met'],
      ],
    );
    assert.equal(decision.words[0], 'Not allowed: 1 rule not met.');
    assert.match(decision.words[1] ?? '', /^Not met: Restricted data must stay in Pakistan/);

    // Stored with the versions of its inputs, and made again byte for byte from them.
    assert.equal(await count('placement_decisions'), decisionsBefore + 1);
    const row = await t.ctx.db
      .selectFrom('placement_decisions')
      .selectAll()
      .where('id', '=', decision.id)
      .executeTakeFirstOrThrow();
    assert.equal(row.policy_version, 1);
    assert.equal(row.class_code, 'restricted');
    assert.equal(row.classification_id, decision.classificationId);
    assert.equal(row.accreditation_id, abroad.applicationId);
    assert.equal(row.accreditation_status, 'accredited');
    assert.equal(row.in_force, 1);
    assert.equal(row.level_code, 'intermediate');
    assert.equal(row.nocs, '[]');
    const facts = await t.ctx.db
      .selectFrom('placement_texts')
      .select('body')
      .where('sha256', '=', row.offering_facts_sha256)
      .executeTakeFirstOrThrow();
    assert.deepEqual(
      (JSON.parse(facts.body) as { customerDataCountries: string[] }).customerDataCountries,
      ['DE', 'SG'],
    );
    const again = await reproduceDecision(t.ctx, decision.id);
    assert.equal(again.same, true);
    assert.deepEqual(JSON.parse(again.stored), {
      outcome: decision.outcome,
      rules: decision.rules,
      inputs: decision.inputs,
    });

    const audited = await t.ctx.db
      .selectFrom('audit_events')
      .select(['target_id', 'summary'])
      .where('action', '=', 'placement.check')
      .execute();
    assert.equal(audited.length, 1);
    const [event] = audited;
    assert.ok(event);
    assert.equal(event.target_id, systemId);
    assert.match(event.summary, /"outcome":"deny"/);
  });

  it('allows it on a government cloud accredited at Intermediate that keeps the data in Pakistan', async () => {
    const response = await dg.send('POST', `/api/v1/systems/${systemId}/placement-check`, {
      offeringId: homeSaas.offeringId,
    });
    assert.equal(response.statusCode, 200, response.body);
    const decision = response.json<StoredDecision>();
    assert.equal(decision.outcome, 'allow');
    assert.ok(decision.rules.every((r) => r.outcome === 'met'));
    assert.equal(decision.words[0], 'Allowed.');
  });

  it('refuses an offering that is not accredited, saying so', async () => {
    const response = await staff.send('POST', `/api/v1/systems/${systemId}/placement-check`, {
      offeringId: unaccredited,
    });
    assert.equal(response.statusCode, 200, response.body);
    const decision = response.json<StoredDecision>();
    assert.equal(decision.outcome, 'deny');
    assert.equal(decision.accreditationId, null);
    assert.deepEqual(
      decision.rules.filter((r) => r.outcome === 'not_met').map((r) => r.reason),
      ['not_in_force', 'level_unknown', 'model_not_permitted'],
    );
  });

  it('answers 409 for a system not yet classified and 422 naming offeringId for an unknown offering, storing nothing', async () => {
    const decisionsBefore = await count('placement_decisions');
    const unclassified = await staff.send(
      'POST',
      `/api/v1/systems/${unclassifiedId}/placement-check`,
      { offeringId: home.offeringId },
    );
    assert.equal(unclassified.statusCode, 409, unclassified.body);
    assert.equal(unclassified.json<Problem>().code, 'not_classified');
    assert.match(unclassified.json<Problem>().detail, /Library catalogue.*not been classified/);
    const options = await staff.get(`/api/v1/systems/${unclassifiedId}/options`);
    assert.equal(options.statusCode, 409);

    const unknown = await staff.send('POST', `/api/v1/systems/${systemId}/placement-check`, {
      offeringId: 'no-such-offering',
    });
    assert.equal(unknown.statusCode, 422, unknown.body);
    const problem = unknown.json<Problem>();
    assert.equal(problem.code, 'unknown_offering');
    assert.match(problem.detail, /no-such-offering/);
    assert.deepEqual(
      problem.errors?.map((e) => e.pointer),
      ['/offeringId'],
    );
    assert.equal(await count('placement_decisions'), decisionsBefore);
  });

  it('lists where the system can go: accredited offerings that allow it, SaaS before IaaS, with words', async () => {
    const response = await staff.get(`/api/v1/systems/${systemId}/options`);
    assert.equal(response.statusCode, 200, response.body);
    const { items, total } = response.json<{ items: Option[]; total: number }>();
    assert.equal(total, 2);
    assert.deepEqual(
      items.map((o) => [o.offeringName, o.serviceModel, o.outcome]),
      [
        ['Indus Gov Mail', 'saas', 'allow'],
        ['Indus Gov Compute', 'iaas', 'allow'],
      ],
    );
    const [best] = items;
    assert.ok(best);
    assert.equal(best.providerName, 'Indus Cloud');
    assert.equal(best.level, 'intermediate');
    assert.equal(best.levelTitle, 'Intermediate');
    assert.equal(best.words[0], 'Allowed.');
  });

  it('keeps other organizations out: another PSE gets 404, a provider 403; officers read every system', async () => {
    for (const [method, url, body] of [
      ['GET', `/api/v1/systems/${systemId}/placement`, undefined],
      ['GET', `/api/v1/systems/${systemId}/options`, undefined],
      ['POST', `/api/v1/systems/${systemId}/placement-check`, { offeringId: home.offeringId }],
    ] as const) {
      const asOther =
        method === 'GET' ? await otherPse.get(url) : await otherPse.send(method, url, body);
      assert.equal(asOther.statusCode, 404, `${method} ${url}: ${asOther.body}`);
      const asCsp = method === 'GET' ? await csp.get(url) : await csp.send(method, url, body);
      assert.equal(asCsp.statusCode, 403, `${method} ${url}: ${asCsp.body}`);
    }
    assert.equal((await placementOf(dg)).status, 'in_policy');
    for (const client of [staff, csp]) {
      const list = await client.get('/api/v1/placements/out-of-policy');
      assert.equal(list.statusCode, 403);
    }
  });

  it('flags the systems on an offering when its accreditation is suspended, and unflags them on reinstatement', async () => {
    await later('2026-08-10T09:00:00Z');
    const suspended = await dg.send(
      'POST',
      `/api/v1/applications/${home.applicationId}/actions/suspend`,
      { reason: 'Unpatched hypervisors', effectiveOn: '2026-08-10' },
    );
    assert.equal(suspended.statusCode, 200, suspended.body);

    const flagged = await placementOf(staff);
    assert.equal(flagged.status, 'out_of_policy');
    assert.equal(flagged.flaggedAt, '2026-08-10T09:00:00.000Z');
    assert.match(flagged.reason ?? '', /^On Indus Gov Compute: This offering is not accredited/);
    assert.equal(flagged.current?.outcome, 'deny');
    assert.equal(flagged.current.trigger, 'accreditation_suspended');
    // Not classified: on the same offering, but nothing to decide.
    assert.equal((await placementOf(staff, unclassifiedId)).status, 'not_evaluated');

    const view = await dg.get('/api/v1/placements/out-of-policy');
    assert.equal(view.statusCode, 200, view.body);
    const listed = view.json<{ items: OutOfPolicyItem[]; total: number }>();
    assert.equal(listed.total, 1);
    assert.deepEqual(listed.items[0], {
      systemId,
      systemName: 'Court case management',
      classCode: 'restricted',
      organization: { id: pseId, name: 'Ministry of Law' },
      offering: { id: home.offeringId, name: 'Indus Gov Compute' },
      reason: flagged.reason,
      flaggedAt: '2026-08-10T09:00:00.000Z',
      evaluatedAt: '2026-08-10T09:00:00.000Z',
    });
    const [run] = await runs('accreditation_suspended');
    assert.ok(run);
    assert.equal(run.after.flagged, 1);
    assert.equal(run.after.evaluated, 2);
    assert.equal(run.actor_user_id !== null, true);

    // Still suspended a day later: a re-evaluation keeps the first date it was flagged.
    await later('2026-08-11T09:00:00Z');
    const again = await dg.send('POST', '/api/v1/placements/reevaluate');
    assert.equal(again.statusCode, 200, again.body);
    assert.equal((await placementOf(staff)).flaggedAt, '2026-08-10T09:00:00.000Z');

    await later('2026-08-20T09:00:00Z');
    const reinstated = await dg.send(
      'POST',
      `/api/v1/applications/${home.applicationId}/actions/reinstate`,
      { reason: 'Patched and verified' },
    );
    assert.equal(reinstated.statusCode, 200, reinstated.body);
    const back = await placementOf(staff);
    assert.equal(back.status, 'in_policy');
    assert.equal(back.flaggedAt, null);
    assert.equal(back.reason, null);
    assert.equal(back.current?.trigger, 'accreditation_reinstated');
    const [unflagging] = await runs('accreditation_reinstated');
    assert.equal(unflagging?.after.unflagged, 1);
    const empty = await dg.get('/api/v1/placements/out-of-policy');
    assert.equal(empty.json<{ total: number }>().total, 0);
  });

  it('re-evaluates every placement when a policy version is published, in the same transaction', async () => {
    assert.equal((await dg.send('POST', '/api/v1/policy/draft')).statusCode, 201);
    const saved = await dg.send('PUT', '/api/v1/policy/draft/pack', stricterPack());
    assert.equal(saved.statusCode, 200, saved.body);
    for (const step of ['propose', 'approve']) {
      const response = await dg.send('POST', `/api/v1/policy/draft/${step}`);
      assert.equal(response.statusCode, 200, `${step}: ${response.body}`);
    }
    await later('2026-09-01T09:00:00Z');
    const published = await dg.send('POST', '/api/v1/policy/draft/publish');
    assert.equal(published.statusCode, 200, published.body);

    const placement = await placementOf(staff);
    assert.equal(placement.status, 'out_of_policy');
    assert.equal(placement.policyVersion, 2);
    assert.equal(placement.flaggedAt, '2026-09-01T09:00:00.000Z');
    assert.equal(placement.current?.policyVersion, 2);
    assert.equal(placement.current.trigger, 'policy_published');
    assert.match(
      placement.reason ?? '',
      /Restricted data needs an offering accredited at Enhanced or higher; this offering is accredited only at Intermediate\./,
    );
    const [run] = await runs('policy_published');
    assert.equal(run?.after.policyVersion, 2);
    assert.equal(run.after.evaluated, 2);
    // The new version is what the options read too: nothing at Intermediate will do now.
    const options = await staff.get(`/api/v1/systems/${systemId}/options`);
    assert.equal(options.json<{ total: number }>().total, 0);

    // Back to the default rules: the system is back in policy.
    assert.equal((await dg.send('POST', '/api/v1/policy/draft')).statusCode, 201);
    assert.equal(
      (await dg.send('PUT', '/api/v1/policy/draft/pack', DEFAULT_POLICY_PACK)).statusCode,
      200,
    );
    for (const step of ['propose', 'approve', 'publish'])
      assert.equal((await dg.send('POST', `/api/v1/policy/draft/${step}`)).statusCode, 200);
    const back = await placementOf(staff);
    assert.equal(back.status, 'in_policy');
    assert.equal(back.policyVersion, 3);
  });

  it('re-evaluates the systems on an offering when its data centres change', async () => {
    await later('2026-09-05T09:00:00Z');
    const moved = await csp.send('PATCH', `/api/v1/offerings/${home.offeringId}`, {
      locations: [{ ...ABROAD[0] }],
    });
    assert.equal(moved.statusCode, 200, moved.body);
    const placement = await placementOf(staff);
    assert.equal(placement.status, 'out_of_policy');
    assert.equal(placement.current?.trigger, 'offering_changed');
    assert.match(
      placement.reason ?? '',
      /Restricted data must stay in Pakistan; this offering keeps customer data in Frankfurt \(Germany\)\./,
    );
    // A change that placement does not read (the description) decides nothing again.
    const runsBefore = (await runs()).length;
    const renamed = await csp.send('PATCH', `/api/v1/offerings/${home.offeringId}`, {
      description: 'Compute for government, now in Frankfurt',
    });
    assert.equal(renamed.statusCode, 200, renamed.body);
    assert.equal((await runs()).length, runsBefore);

    const back = await csp.send('PATCH', `/api/v1/offerings/${home.offeringId}`, {
      locations: [KARACHI],
    });
    assert.equal(back.statusCode, 200, back.body);
    assert.equal((await placementOf(staff)).status, 'in_policy');
  });

  it('re-evaluates everything at an officer request, storing no decision that has not changed', async () => {
    const refused = await infrastructure.send('POST', '/api/v1/placements/reevaluate');
    assert.equal(refused.statusCode, 403, refused.body);
    assert.equal((await staff.send('POST', '/api/v1/placements/reevaluate')).statusCode, 403);

    const decisions = await count('placement_decisions');
    const texts = await count('placement_texts');
    const response = await dg.send('POST', '/api/v1/placements/reevaluate');
    assert.equal(response.statusCode, 200, response.body);
    assert.deepEqual(response.json(), { evaluated: 2 });
    assert.equal(await count('placement_decisions'), decisions);
    assert.equal(await count('placement_texts'), texts);
    const last = (await runs('manual')).at(-1);
    assert.equal(last?.after.decisionsStored, 0);
    assert.equal(last.after.inPolicy, 1);
    assert.equal(last.after.notEvaluated, 1);
  });

  it('flags a system moved onto an offering that is not accredited, at once', async () => {
    const moved = await staff.send('PATCH', `/api/v1/systems/${systemId}`, {
      currentHosting: { kind: 'offering', offeringId: unaccredited },
    });
    assert.equal(moved.statusCode, 200, moved.body);
    const placement = await placementOf(staff);
    assert.equal(placement.status, 'out_of_policy');
    assert.equal(placement.current?.trigger, 'system_moved');
    assert.equal(placement.current.accreditationId, null);
    assert.match(placement.reason ?? '', /^On Indus Beta: This offering is not accredited/);
  });
  it("offers a decision only the system's NOCs in force for that offering, and counts none the policy does not allow", async () => {
    const at = clock.now().toISOString();
    const noc = (offeringId: string) => ({
      id: randomUUID(),
      system_id: systemId,
      organization_id: pseId,
      status: 'granted',
      class_code: 'restricted',
      policy_version: 3,
      covers: JSON.stringify(['residency']),
      deployment_models: '[]',
      offering_id: offeringId,
      facility: null,
      reason: 'Data exchange with a foreign court',
      requested_from: '2026-09-01',
      requested_until: '2027-08-31',
      valid_from: '2026-09-01',
      valid_until: '2027-08-31',
      revision: 1,
      created_at: at,
      updated_at: at,
    });
    const forAbroad = noc(abroad.offeringId);
    await t.ctx.db
      .insertInto('noc_exemptions')
      .values([forAbroad, noc(homeSaas.offeringId)])
      .execute();

    const response = await staff.send('POST', `/api/v1/systems/${systemId}/placement-check`, {
      offeringId: abroad.offeringId,
    });
    assert.equal(response.statusCode, 200, response.body);
    const decision = response.json<StoredDecision>();
    assert.deepEqual(decision.inputs.nocIds, [forAbroad.id]);
    // The policy lets no NOC cover a deviation for Restricted data: still refused.
    assert.equal(decision.outcome, 'deny');
    assert.equal(decision.rules.find((r) => r.rule === 'residency')?.outcome, 'not_met');
    const again = await reproduceDecision(t.ctx, decision.id);
    assert.equal(again.same, true);
  });
});
