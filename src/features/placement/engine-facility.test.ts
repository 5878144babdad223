import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AppError } from '../../errors.js';
import { DEFAULT_POLICY_PACK } from './default-pack.js';
import { compilePolicy, decide, decideFacility, explain } from './engine.js';
import type { ActiveNoc, Decision, FacilityFacts, RuleResult } from './model.js';
import { defaultPack, kenyaPack, TEST_LEVELS } from './test-packs.js';

/** `decideFacility`: a PSE's own private-cloud or on-premises facility (docs: "Facilities"). */

const POLICY = compilePolicy(DEFAULT_POLICY_PACK, TEST_LEVELS);

function facility(more: Partial<FacilityFacts> = {}): FacilityFacts {
  return {
    kind: 'private_cloud',
    name: 'Ministry cloud',
    country: 'PK',
    operator: 'Ministry IT wing',
    ...more,
  };
}

function noc(id: string, more: Partial<ActiveNoc> = {}): ActiveNoc {
  return {
    id,
    covers: ['deployment_model'],
    deploymentModels: ['private'],
    validUntil: '2027-06-30',
    ...more,
  };
}

function ruleOf(decision: Decision, rule: RuleResult['rule']): RuleResult {
  const found = decision.rules.find((r) => r.rule === rule);
  assert.ok(found, `no ${rule} result in ${JSON.stringify(decision)}`);
  return found;
}

const shape = (decision: Decision) => decision.rules.map((r) => [r.rule, r.outcome, r.reason]);

describe('decideFacility: without a NOC', () => {
  it('denies Sensitive data in its own private cloud, with every reason in words', () => {
    const decision = decideFacility(POLICY, 'sensitive', facility(), []);
    assert.equal(decision.outcome, 'deny');
    assert.deepEqual(shape(decision), [
      ['accreditation', 'not_applicable', 'not_an_offering'],
      ['level', 'not_met', 'facility_no_level'],
      ['deployment_model', 'not_met', 'model_not_permitted'],
      ['residency', 'met', 'residency_met'],
    ]);
    assert.match(ruleOf(decision, 'accreditation').message, /^Does not apply: .*private cloud/);
    assert.match(
      ruleOf(decision, 'level').message,
      /Sensitive \(Confidential\) data needs a place accredited at Enhanced or higher; a facility of the PSE's own is not accredited and has no level, so it needs a NOC/,
    );
    assert.match(
      ruleOf(decision, 'deployment_model').message,
      /may go only to government cloud; this system's own facility is a private cloud, judged as private cloud, so it needs a NOC/,
    );
    assert.match(ruleOf(decision, 'residency').message, /facility is in Pakistan/);
    assert.deepEqual(decision.inputs, {
      classCode: 'sensitive',
      offeringId: null,
      accreditationId: null,
      levelCode: null,
      nocIds: [],
      facility: facility(),
    });
  });

  it('denies Restricted data on premises: not cloud, no level', () => {
    const decision = decideFacility(POLICY, 'restricted', facility({ kind: 'on_premises' }), []);
    assert.equal(decision.outcome, 'deny');
    const model = ruleOf(decision, 'deployment_model');
    assert.equal(model.outcome, 'not_met');
    assert.equal(model.reason, 'facility_not_cloud');
    assert.match(model.message, /on premises, which is not a cloud/);
    assert.match(ruleOf(decision, 'accreditation').message, /on-premises facility/);
  });

  it('denies Open and Public data in a private cloud: the pack does not permit private', () => {
    for (const classCode of ['open', 'public']) {
      const decision = decideFacility(POLICY, classCode, facility({ country: 'DE' }), []);
      assert.equal(decision.outcome, 'deny');
      assert.equal(ruleOf(decision, 'deployment_model').outcome, 'not_met');
      assert.equal(ruleOf(decision, 'residency').reason, 'residency_anywhere');
    }
  });

  it('reads the facility country as where all of its data is', () => {
    const abroad = decideFacility(POLICY, 'sensitive', facility({ country: 'DE' }), []);
    const residency = ruleOf(abroad, 'residency');
    assert.equal(residency.outcome, 'not_met');
    assert.equal(residency.reason, 'other_data_outside');
    assert.match(residency.message, /must stay in Pakistan.*facility is in Germany/);
    const unknown = decideFacility(POLICY, 'restricted', facility({ country: null }), []);
    assert.equal(ruleOf(unknown, 'residency').reason, 'no_customer_data_location');
  });
});

describe('decideFacility: with a NOC', () => {
  it('a NOC opening private covers the model and the level of a Sensitive private cloud, citing it', () => {
    const decision = decideFacility(POLICY, 'sensitive', facility(), [noc('noc-1')]);
    assert.equal(decision.outcome, 'allow_with_conditions');
    for (const rule of ['level', 'deployment_model'] as const) {
      const result = ruleOf(decision, rule);
      assert.equal(result.outcome, 'covered_by_noc');
      assert.equal(result.nocId, 'noc-1');
      assert.match(result.message, /NOC noc-1, in force until 2027-06-30, allows this deviation/);
      assert.equal(result.clause, DEFAULT_POLICY_PACK.nocRules[0]?.clause);
    }
    assert.deepEqual(decision.inputs.nocIds, ['noc-1']);
  });

  it('the same NOC covers going on premises (the pack cannot name on-premises: it counts as private)', () => {
    const decision = decideFacility(POLICY, 'secret', facility({ kind: 'on_premises' }), [
      noc('noc-2'),
    ]);
    assert.equal(decision.outcome, 'allow_with_conditions');
    assert.equal(ruleOf(decision, 'deployment_model').outcome, 'covered_by_noc');
    assert.equal(ruleOf(decision, 'level').outcome, 'covered_by_noc');
    assert.deepEqual(
      decision.rules.filter((r) => r.rule === 'condition').map((r) => r.conditionId),
      DEFAULT_POLICY_PACK.rules.find((r) => r.classCode === 'secret')?.conditions.map((c) => c.id),
    );
  });

  it('a NOC does not cover what the policy does not let it cover', () => {
    // Restricted has no NOC rule in the default pack.
    assert.equal(decideFacility(POLICY, 'restricted', facility(), [noc('n')]).outcome, 'deny');
    // A NOC for another model, or one covering only residency, does not open a private cloud.
    const other = noc('n2', { deploymentModels: ['public'] });
    assert.equal(decideFacility(POLICY, 'sensitive', facility(), [other]).outcome, 'deny');
    // Nor does it cover keeping Sensitive data abroad: the pack allows no residency NOC.
    const abroad = decideFacility(POLICY, 'sensitive', facility({ country: 'DE' }), [noc('n3')]);
    assert.equal(abroad.outcome, 'deny');
    assert.equal(ruleOf(abroad, 'residency').outcome, 'not_met');
  });

  it('with a pack permitting private, the level still needs a NOC (a level NOC does)', () => {
    const pack = defaultPack();
    const restricted = pack.rules.find((r) => r.classCode === 'restricted');
    assert.ok(restricted);
    restricted.deploymentModels.push('private');
    pack.nocRules.push({
      classCode: 'restricted',
      deviations: ['level'],
      deploymentModels: [],
      maxMonths: 6,
      clause: 'Level exemptions',
    });
    const policy = compilePolicy(pack, TEST_LEVELS);
    const without = decideFacility(policy, 'restricted', facility(), []);
    assert.equal(ruleOf(without, 'deployment_model').outcome, 'met');
    assert.equal(without.outcome, 'deny');
    const levelNoc = noc('lv', { covers: ['level'], deploymentModels: [] });
    const withNoc = decideFacility(policy, 'restricted', facility(), [levelNoc]);
    assert.equal(withNoc.outcome, 'allow_with_conditions');
    assert.equal(ruleOf(withNoc, 'level').clause, 'Level exemptions');
    // On premises is still not cloud: the level NOC does not open it.
    const onPremises = decideFacility(policy, 'restricted', facility({ kind: 'on_premises' }), [
      levelNoc,
    ]);
    assert.equal(onPremises.outcome, 'deny');
  });
});

describe('decideFacility: the rest', () => {
  it('is reproducible whatever the order of the NOCs, and refuses an unknown class', () => {
    const a = decideFacility(POLICY, 'sensitive', facility(), [noc('b'), noc('a')]);
    const b = decideFacility(POLICY, 'sensitive', facility(), [noc('a'), noc('b')]);
    assert.equal(JSON.stringify(a), JSON.stringify(b));
    assert.deepEqual(a.inputs.nocIds, ['a', 'b']);
    assert.throws(
      () => decideFacility(POLICY, 'top_secret', facility(), []),
      (error: unknown) => error instanceof AppError && error.code === 'unknown_class',
    );
  });

  it('explains the accreditation rule as not applying, after the rest', () => {
    const words = explain(decideFacility(POLICY, 'sensitive', facility(), []));
    assert.equal(words[0], 'Not allowed: 2 rules not met.');
    assert.match(words[words.length - 1] ?? '', /^Does not apply: /);
  });

  it('names no country but the pack home country (Kenya)', () => {
    const kenya = compilePolicy(kenyaPack(), TEST_LEVELS);
    const decision = decideFacility(kenya, 'sensitive', facility({ country: 'PK' }), []);
    assert.match(ruleOf(decision, 'residency').message, /must stay in Kenya.*is in Pakistan/);
  });

  it('leaves offering decisions as they were: no facility key in their inputs', () => {
    const decision = decide(
      POLICY,
      'restricted',
      {
        id: 'off-1',
        serviceModel: 'saas',
        deploymentModel: 'government',
        customerDataCountries: ['PK'],
        allDataCountries: ['PK'],
      },
      { inForce: true, level: { code: 'intermediate', rank: 2 }, accreditationId: 'acc' },
      [],
    );
    assert.deepEqual(Object.keys(decision.inputs), [
      'classCode',
      'offeringId',
      'accreditationId',
      'levelCode',
      'nocIds',
    ]);
  });
});
