import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, it } from 'node:test';
import { ManualClock } from '../../src/clock.js';
import { insertLevelIfMissing } from '../../src/features/levels/repo.js';
import { DEFAULT_LEVELS } from '../../src/features/levels/seed.js';
import {
  FACILITY_OFFERING_ID,
  reproduceDecision,
} from '../../src/features/placement/decisions-service.js';
import { seedDefaultPolicy } from '../../src/features/placement/seed.js';
import { runNocCalendar } from '../../src/jobs/noc.js';
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
import { buildAccreditedOffering } from '../helpers/register.js';

/**
 * Placement of a system hosted in the PSE's own private-cloud or on-premises facility (docs/
 * placement-rules.md, "Facilities"): decided, stored with the facility's facts, flagged and
 * unflagged like an offering's placement; a NOC naming no offering counts for it.
 */

interface RuleResult {
  rule: string;
  outcome: string;
  reason: string;
  message: string;
  nocId: string | null;
}
interface StoredDecision {
  id: string;
  hosting: string;
  trigger: string;
  offeringId: string | null;
  facility: { kind: string; name: string; country: string | null; operator: string | null } | null;
  outcome: string;
  rules: RuleResult[];
  inputs: Record<string, unknown>;
  words: string[];
}
interface Placement {
  status: string;
  reason: string | null;
  flaggedAt: string | null;
  current: StoredDecision | null;
  proposed: StoredDecision | null;
}

const SENSITIVE_ANSWERS = {
  informationTypes: [
    {
      name: 'Case files',
      confidentiality: 'moderate',
      integrity: 'moderate',
      availability: 'low',
      markings: [],
    },
  ],
};
const RESTRICTED_ANSWERS = {
  informationTypes: [
    {
      name: 'Visitor log',
      confidentiality: 'low',
      integrity: 'low',
      availability: 'low',
      markings: [],
    },
  ],
};
const PRIVATE_CLOUD = {
  kind: 'private_cloud',
  name: 'Ministry cloud',
  country: 'PK',
  operator: 'Ministry IT wing',
};

describeEachDatabase('placement in a PSE’s own facility', (database) => {
  let t: TestApp;
  const clock = new ManualClock('2026-08-01T08:00:00Z');
  let dg: Client;
  let adoption: Client;
  let staff: Client;
  let dgEmail = '';
  let adoptionEmail = '';
  let staffEmail = '';
  let systemId = '';
  let governmentOfferingId = '';

  const placementOf = async (id = systemId): Promise<Placement> => {
    const response = await staff.get(`/api/v1/systems/${id}/placement`);
    assert.equal(response.statusCode, 200, response.body);
    return response.json<Placement>();
  };
  const ruleOf = (decision: StoredDecision | null, rule: string): RuleResult => {
    const found = decision?.rules.find((r) => r.rule === rule);
    assert.ok(found, `no ${rule} in ${JSON.stringify(decision)}`);
    return found;
  };
  const create = async (body: Record<string, unknown>): Promise<string> => {
    const created = await staff.send('POST', '/api/v1/systems', {
      purpose: 'Case management',
      owner: { name: 'Registrar', email: 'registrar@interior.example' },
      users: { description: 'prosecutors', approximateCount: 300 },
      ...body,
    });
    assert.equal(created.statusCode, 201, created.body);
    return created.json<{ id: string }>().id;
  };
  const classify = async (id: string, answers: unknown) => {
    const classified = await staff.send('PUT', `/api/v1/systems/${id}/classification`, answers);
    assert.equal(classified.statusCode, 200, classified.body);
  };
  const act = (client: Client, id: string, action: string, body: Record<string, unknown> = {}) =>
    client.send('POST', `/api/v1/nocs/${id}/actions/${action}`, body);
  const grantNoc = async (id: string, body: Record<string, unknown>): Promise<string> => {
    const asked = await staff.send('POST', `/api/v1/systems/${id}/nocs`, {
      deviations: ['deployment_model'],
      deploymentModels: ['private'],
      reason: 'Case files must stay on our own hardware until the archive is migrated.',
      ...body,
    });
    assert.equal(asked.statusCode, 201, asked.body);
    const nocId = asked.json<{ id: string }>().id;
    const review = await act(adoption, nocId, 'review', {
      recommendation: 'grant',
      reasons: ['A legitimate reason'],
    });
    assert.equal(review.statusCode, 200, review.body);
    const granted = await act(dg, nocId, 'grant', {});
    assert.equal(granted.statusCode, 200, granted.body);
    return nocId;
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
    const adoptionUser = await buildUser(t.ctx, office.organizationId, 'officer');
    await appoint(t.ctx, adoptionUser.id, 'director_cloud_adoption', '2026-01-01');
    adoptionEmail = adoptionUser.email;
    adoption = await signInAs(t.app, adoptionEmail);
    const pseId = await buildOrganization(t.ctx, 'pse', { name: 'Ministry of Interior' });
    staffEmail = (await buildUser(t.ctx, pseId, 'pse_staff')).email;
    staff = await signInAs(t.app, staffEmail);
    const cspId = await buildOrganization(t.ctx, 'csp', { name: 'Gov Cloud Co' });
    governmentOfferingId = (
      await buildAccreditedOffering(t.ctx, cspId, {
        name: 'Gov Cloud Karachi',
        deploymentModel: 'government',
        levelSought: { code: 'enhanced', rank: 3 },
      })
    ).offeringId;

    systemId = await create({ name: 'Prosecution files', currentHosting: PRIVATE_CLOUD });
  });
  after(() => t.close());

  it('flags a Sensitive system in its own private cloud without a NOC, with the reasons in words', async () => {
    assert.equal((await placementOf()).status, 'not_evaluated', 'not classified yet');
    await classify(systemId, SENSITIVE_ANSWERS);
    const placement = await placementOf();
    assert.equal(placement.status, 'out_of_policy');
    assert.ok(placement.flaggedAt);
    assert.match(
      placement.reason ?? '',
      /^In its own private cloud \(Ministry cloud, Pakistan\): .*has no level, so it needs a NOC.*may go only to government cloud/,
    );
    const current = placement.current;
    assert.ok(current);
    assert.equal(current.outcome, 'deny');
    assert.equal(current.trigger, 'system_classified');
    assert.equal(current.offeringId, null);
    assert.deepEqual(current.facility, PRIVATE_CLOUD);
    assert.deepEqual(current.inputs, {
      classCode: 'sensitive',
      offeringId: null,
      accreditationId: null,
      levelCode: null,
      nocIds: [],
      facility: PRIVATE_CLOUD,
    });
    const accreditation = ruleOf(current, 'accreditation');
    assert.equal(accreditation.outcome, 'not_applicable');
    assert.match(accreditation.message, /^Does not apply/);
    assert.equal(ruleOf(current, 'level').outcome, 'not_met');
    assert.equal(ruleOf(current, 'deployment_model').outcome, 'not_met');
    assert.equal(ruleOf(current, 'residency').outcome, 'met');

    const row = await t.ctx.db
      .selectFrom('placement_decisions')
      .selectAll()
      .where('id', '=', current.id)
      .executeTakeFirstOrThrow();
    assert.equal(row.offering_id, FACILITY_OFFERING_ID);
    assert.equal(row.in_force, 0);
    assert.equal(row.accreditation_id, null);
    const again = await reproduceDecision(t.ctx, current.id);
    assert.ok(again.same, 'a facility decision is reproduced from its stored inputs');
    const facts = await t.ctx.db
      .selectFrom('placement_texts')
      .select('body')
      .where('sha256', '=', row.offering_facts_sha256)
      .executeTakeFirstOrThrow();
    assert.deepEqual(JSON.parse(facts.body), PRIVATE_CLOUD);

    const officers = await dg.get('/api/v1/placements/out-of-policy');
    assert.equal(officers.statusCode, 200, officers.body);
    const listed = officers
      .json<{ items: { systemId: string; offering: unknown }[] }>()
      .items.find((i) => i.systemId === systemId);
    assert.ok(listed, 'in the officers’ view');
    assert.equal(listed.offering, null);
  });

  it('a NOC for the system naming an offering does not count for its facility', async () => {
    const nocId = await grantNoc(systemId, {
      offeringId: governmentOfferingId,
      from: '2026-08-01',
      until: '2026-08-31',
    });
    const placement = await placementOf();
    assert.equal(placement.status, 'out_of_policy');
    assert.deepEqual(placement.current?.inputs.nocIds, []);
    const revoked = await act(dg, nocId, 'revoke', { reason: 'Asked for the wrong offering' });
    assert.equal(revoked.statusCode, 200, revoked.body);
  });

  it('a NOC granted for the private cloud turns it into allow with conditions citing it; its expiry flags the system again', async () => {
    const nocId = await grantNoc(systemId, {
      facility: 'Ministry cloud',
      from: '2026-08-01',
      until: '2026-10-31',
    });
    const granted = await placementOf();
    assert.equal(granted.status, 'in_policy');
    assert.equal(granted.reason, null);
    assert.equal(granted.flaggedAt, null);
    const current = granted.current;
    assert.ok(current);
    assert.equal(current.trigger, 'noc_granted');
    assert.equal(current.outcome, 'allow_with_conditions');
    for (const rule of ['level', 'deployment_model']) {
      const result = ruleOf(current, rule);
      assert.equal(result.outcome, 'covered_by_noc');
      assert.equal(result.nocId, nocId);
      assert.match(result.message, new RegExp(`NOC ${nocId}, in force until 2026-10-31`));
    }
    assert.deepEqual(current.inputs.nocIds, [nocId]);
    assert.equal(current.words[0], 'Allowed with conditions.');
    assert.ok((await reproduceDecision(t.ctx, current.id)).same);

    clock.set('2026-11-01T01:00:00Z');
    dg = await signInAs(t.app, dgEmail);
    adoption = await signInAs(t.app, adoptionEmail);
    staff = await signInAs(t.app, staffEmail);
    assert.equal((await runNocCalendar(t.ctx)).expired, 1);
    const expired = await placementOf();
    assert.equal(expired.status, 'out_of_policy');
    assert.equal(expired.current?.trigger, 'noc_expired');
    assert.equal(expired.current.outcome, 'deny');
    assert.ok(expired.flaggedAt, 'flagged with the date');
    assert.match(expired.reason ?? '', /^In its own private cloud/);
  });

  it('decides a proposed facility without flagging, and flags a system moved onto its own facility', async () => {
    const id = await create({
      name: 'Visitor log',
      currentHosting: { kind: 'offering', offeringId: governmentOfferingId },
      proposedHosting: {
        kind: 'on_premises',
        name: 'Server room',
        country: 'PK',
        operator: 'The ministry',
      },
    });
    await classify(id, RESTRICTED_ANSWERS);
    const before = await placementOf(id);
    assert.equal(before.status, 'in_policy');
    assert.equal(before.current?.outcome, 'allow');
    assert.equal(before.current.offeringId, governmentOfferingId);
    assert.equal(before.current.facility, null);
    assert.equal(before.proposed?.outcome, 'deny');
    assert.equal(before.proposed.facility?.kind, 'on_premises');
    assert.equal(ruleOf(before.proposed, 'deployment_model').reason, 'facility_not_cloud');

    const moved = await staff.send('PATCH', `/api/v1/systems/${id}`, {
      currentHosting: { kind: 'on_premises', name: 'Server room', country: 'PK', operator: 'IT' },
      proposedHosting: null,
    });
    assert.equal(moved.statusCode, 200, moved.body);
    const after = await placementOf(id);
    assert.equal(after.status, 'out_of_policy');
    assert.equal(after.current?.trigger, 'system_moved');
    assert.match(
      after.reason ?? '',
      /^In its own on-premises facility \(Server room, Pakistan\): /,
    );
    assert.equal(after.proposed, null);

    // Re-evaluating with nothing changed stores no new decision for a facility either.
    const count = async () =>
      (await t.ctx.db.selectFrom('placement_decisions').select('id').execute()).length;
    const stored = await count();
    const run = await dg.send('POST', '/api/v1/placements/reevaluate', {});
    assert.equal(run.statusCode, 200, run.body);
    assert.equal(await count(), stored);
  });
});
