import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AppError } from '../../errors.js';
import { DEFAULT_POLICY_PACK } from './default-pack.js';
import { compilePolicy, decide, explain, rankOfferings } from './engine.js';
import type {
  ActiveNoc,
  Decision,
  OfferingFacts,
  PolicyPack,
  RuleResult,
  Standing,
} from './model.js';
import { defaultPack, kenyaPack, TEST_LEVELS } from './test-packs.js';

const POLICY = compilePolicy(DEFAULT_POLICY_PACK, TEST_LEVELS);

function offering(more: Partial<OfferingFacts> = {}): OfferingFacts {
  return {
    id: 'off-1',
    name: 'Gov Cloud Islamabad',
    serviceModel: 'saas',
    deploymentModel: 'government',
    customerDataCountries: ['PK'],
    allDataCountries: ['PK'],
    ...more,
  };
}

function standing(levelCode: string | null, inForce = levelCode !== null): Standing {
  const level = TEST_LEVELS.find((l) => l.code === levelCode);
  return {
    inForce,
    level: level ? { code: level.code, rank: level.rank } : null,
    accreditationId: levelCode ? `acc-${levelCode}` : null,
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

const MAXIMUM = standing('maximum');

describe('decide: accreditation', () => {
  it('is met when the accreditation is in force on the day', () => {
    const decision = decide(POLICY, 'restricted', offering(), standing('intermediate'), []);
    assert.equal(decision.outcome, 'allow');
    assert.equal(ruleOf(decision, 'accreditation').outcome, 'met');
  });

  it('denies an offering not in force (suspended, revoked, expired), and still reports every rule', () => {
    const decision = decide(POLICY, 'open', offering(), standing(null), []);
    assert.equal(decision.outcome, 'deny');
    assert.deepEqual(
      decision.rules.map((r) => [r.rule, r.outcome, r.reason]),
      [
        ['accreditation', 'not_met', 'not_in_force'],
        ['level', 'not_met', 'level_unknown'],
        ['deployment_model', 'met', 'model_permitted'],
        ['residency', 'met', 'residency_anywhere'],
      ],
    );
    assert.match(ruleOf(decision, 'accreditation').message, /not accredited on the day/);
  });

  it('a standing with a level but not in force (suspension effective) still denies', () => {
    const suspended: Standing = { ...standing('maximum'), inForce: false };
    const decision = decide(POLICY, 'open', offering(), suspended, []);
    assert.equal(decision.outcome, 'deny');
    assert.equal(decision.inputs.levelCode, null);
  });

  it('no NOC can cover a missing accreditation', () => {
    const everything = noc('noc-all', {
      covers: ['deployment_model', 'residency', 'level'],
      deploymentModels: ['public', 'government', 'private', 'hybrid'],
    });
    const pack = defaultPack();
    pack.nocRules.push({
      classCode: 'open',
      deviations: ['deployment_model', 'residency', 'level'],
      deploymentModels: ['private'],
      maxMonths: 12,
      clause: 'c',
    });
    const decision = decide(compilePolicy(pack, TEST_LEVELS), 'open', offering(), standing(null), [
      everything,
    ]);
    assert.equal(decision.outcome, 'deny');
  });
});

describe('decide: level', () => {
  it('accepts the minimum level and any higher one', () => {
    for (const level of ['enhanced', 'maximum']) {
      const decision = decide(POLICY, 'sensitive', offering(), standing(level), []);
      assert.equal(ruleOf(decision, 'level').outcome, 'met', level);
      assert.equal(decision.outcome, 'allow', level);
    }
    assert.equal(
      ruleOf(decide(POLICY, 'sensitive', offering(), standing('maximum'), []), 'level').message,
      'Sensitive (Confidential) data needs an offering accredited at Enhanced or higher; this offering is accredited at Maximum.',
    );
  });

  it('refuses a lower level, in words', () => {
    const decision = decide(POLICY, 'sensitive', offering(), standing('intermediate'), []);
    assert.equal(decision.outcome, 'deny');
    const level = ruleOf(decision, 'level');
    assert.equal(level.reason, 'level_below');
    assert.equal(
      level.message,
      'Sensitive (Confidential) data needs an offering accredited at Enhanced or higher; this offering is accredited only at Intermediate.',
    );
    assert.match(level.clause, /enhanced security arrangements/);
  });

  it('compares by rank a level the policy does not list', () => {
    const odd = (rank: number): Standing => ({
      inForce: true,
      level: { code: 'legacy', rank },
      accreditationId: 'acc',
    });
    assert.equal(decide(POLICY, 'restricted', offering(), odd(2), []).outcome, 'allow');
    assert.equal(decide(POLICY, 'restricted', offering(), odd(1), []).outcome, 'deny');
  });

  it('a lower level passes only with a NOC the policy allows for that class', () => {
    const levelNoc = noc('noc-level', { covers: ['level'], deploymentModels: [] });
    // The default pack lets no NOC cover a level: the NOC does not count.
    assert.equal(
      decide(POLICY, 'restricted', offering(), standing('baseline'), [levelNoc]).outcome,
      'deny',
    );
    const pack = defaultPack();
    pack.nocRules.push({
      classCode: 'restricted',
      deviations: ['level'],
      deploymentModels: [],
      maxMonths: 6,
      clause: 'Level exemptions clause',
    });
    const decision = decide(
      compilePolicy(pack, TEST_LEVELS),
      'restricted',
      offering(),
      standing('baseline'),
      [levelNoc],
    );
    assert.equal(decision.outcome, 'allow_with_conditions');
    const level = ruleOf(decision, 'level');
    assert.equal(level.outcome, 'covered_by_noc');
    assert.equal(level.nocId, 'noc-level');
    assert.equal(level.clause, 'Level exemptions clause');
    assert.match(level.message, /NOC noc-level, in force until 2027-06-30, allows this deviation/);
  });
});

describe('decide: deployment model', () => {
  it('permits the models of the rule and refuses others, naming both', () => {
    assert.equal(
      decide(POLICY, 'public', offering({ deploymentModel: 'public' }), MAXIMUM, []).outcome,
      'allow',
    );
    const decision = decide(
      POLICY,
      'restricted',
      offering({ deploymentModel: 'public' }),
      MAXIMUM,
      [],
    );
    assert.equal(decision.outcome, 'deny');
    assert.equal(
      ruleOf(decision, 'deployment_model').message,
      'Restricted data may go only to government cloud; this offering is public cloud.',
    );
  });

  it('a private cloud for Sensitive data passes with a NOC in force, citing it', () => {
    const privateCloud = offering({ deploymentModel: 'private' });
    assert.equal(decide(POLICY, 'sensitive', privateCloud, MAXIMUM, []).outcome, 'deny');
    const decision = decide(POLICY, 'sensitive', privateCloud, MAXIMUM, [noc('NOC-2026-014')]);
    assert.equal(decision.outcome, 'allow_with_conditions');
    const model = ruleOf(decision, 'deployment_model');
    assert.equal(model.outcome, 'covered_by_noc');
    assert.equal(model.nocId, 'NOC-2026-014');
    assert.match(model.clause, /No Objection Certificate/);
    assert.equal(
      model.message,
      'Sensitive (Confidential) data may go only to government cloud; this offering is private cloud. NOC NOC-2026-014, in force until 2027-06-30, allows this deviation for this system.',
    );
    assert.deepEqual(decision.inputs.nocIds, ['NOC-2026-014']);
  });

  it('a NOC does not cover what the policy does not let it cover', () => {
    // Restricted data: the default pack allows no NOC at all.
    assert.equal(
      decide(POLICY, 'restricted', offering({ deploymentModel: 'private' }), MAXIMUM, [noc('n')])
        .outcome,
      'deny',
    );
    // Sensitive data on public cloud: NOCs may open only private cloud, whatever the NOC says.
    const wide = noc('n', { deploymentModels: ['public', 'private'] });
    assert.equal(
      decide(POLICY, 'sensitive', offering({ deploymentModel: 'public' }), MAXIMUM, [wide]).outcome,
      'deny',
    );
    // A NOC for another deviation does not cover the model.
    const residencyOnly = noc('n', { covers: ['residency'] });
    assert.equal(
      decide(POLICY, 'sensitive', offering({ deploymentModel: 'private' }), MAXIMUM, [
        residencyOnly,
      ]).outcome,
      'deny',
    );
  });

  it('judges a hybrid offering by its facts like any other: the rule must permit hybrid', () => {
    const hybrid = offering({
      deploymentModel: 'hybrid',
      customerDataCountries: ['PK'],
      allDataCountries: ['AE', 'PK'],
    });
    const denied = decide(POLICY, 'public', hybrid, MAXIMUM, []);
    assert.equal(denied.outcome, 'deny');
    assert.equal(
      ruleOf(denied, 'deployment_model').message,
      'Public data may go only to public cloud or government cloud; this offering is hybrid cloud.',
    );
    const pack = defaultPack();
    for (const rule of pack.rules)
      if (rule.classCode !== 'open') rule.deploymentModels.push('hybrid');
    const withHybrid = compilePolicy(pack, TEST_LEVELS);
    assert.equal(decide(withHybrid, 'restricted', hybrid, MAXIMUM, []).outcome, 'allow');
    // ...and its backup abroad still fails a rule that keeps all data at home.
    const sensitive = decide(withHybrid, 'sensitive', hybrid, MAXIMUM, []);
    assert.equal(sensitive.outcome, 'deny');
    assert.equal(ruleOf(sensitive, 'residency').reason, 'other_data_outside');
  });
});

describe('decide: residency', () => {
  const abroad = offering({
    deploymentModel: 'government',
    customerDataCountries: ['DE', 'SG'],
    allDataCountries: ['DE', 'SG'],
    locations: [
      { country: 'DE', city: 'Frankfurt', purpose: 'customer_data' },
      { country: 'SG', city: 'Singapore', purpose: 'customer_data' },
      { country: 'DE', city: 'Berlin', purpose: 'backup' },
    ],
  });

  it('lets Open and Public data be kept anywhere', () => {
    const decision = decide(POLICY, 'open', { ...abroad, deploymentModel: 'public' }, MAXIMUM, []);
    assert.equal(decision.outcome, 'allow');
    assert.equal(ruleOf(decision, 'residency').reason, 'residency_anywhere');
  });

  it('refuses Restricted data kept abroad, naming the cities and countries', () => {
    const decision = decide(POLICY, 'restricted', abroad, MAXIMUM, []);
    assert.equal(decision.outcome, 'deny');
    const residency = ruleOf(decision, 'residency');
    assert.equal(residency.reason, 'customer_data_outside');
    assert.equal(
      residency.message,
      'Restricted data must stay in Pakistan; this offering keeps customer data in Frankfurt (Germany) and Singapore.',
    );
  });

  it('names countries when the offering gives no cities, and only those outside', () => {
    const decision = decide(
      POLICY,
      'restricted',
      offering({ customerDataCountries: ['AE', 'PK'], allDataCountries: ['AE', 'PK'] }),
      MAXIMUM,
      [],
    );
    assert.equal(
      ruleOf(decision, 'residency').message,
      'Restricted data must stay in Pakistan; this offering keeps customer data in United Arab Emirates.',
    );
  });

  it('keeps Restricted customer data at home but lets its backups go abroad (allDataIn off)', () => {
    const backupAbroad = offering({
      customerDataCountries: ['PK'],
      allDataCountries: ['AE', 'PK'],
    });
    assert.equal(decide(POLICY, 'restricted', backupAbroad, MAXIMUM, []).outcome, 'allow');
    const sensitive = decide(
      POLICY,
      'sensitive',
      {
        ...backupAbroad,
        locations: [
          { country: 'PK', city: 'Karachi', purpose: 'customer_data' },
          { country: 'AE', city: 'Dubai', purpose: 'disaster_recovery' },
        ],
      },
      MAXIMUM,
      [],
    );
    assert.equal(sensitive.outcome, 'deny');
    assert.equal(
      ruleOf(sensitive, 'residency').message,
      'Sensitive (Confidential) data must stay in Pakistan, backups and disaster-recovery copies included; this offering keeps copies in Dubai (United Arab Emirates).',
    );
  });

  it('refuses an offering that declares no customer-data location for a home-only class', () => {
    const nowhere = offering({ customerDataCountries: [], allDataCountries: [] });
    const decision = decide(POLICY, 'restricted', nowhere, MAXIMUM, []);
    assert.equal(decision.outcome, 'deny');
    assert.equal(ruleOf(decision, 'residency').reason, 'no_customer_data_location');
    assert.equal(decide(POLICY, 'public', nowhere, MAXIMUM, []).outcome, 'allow');
  });

  it('a residency NOC counts only where the policy allows one', () => {
    const residencyNoc = noc('noc-r', { covers: ['residency'], deploymentModels: [] });
    assert.equal(decide(POLICY, 'restricted', abroad, MAXIMUM, [residencyNoc]).outcome, 'deny');
    const pack = defaultPack();
    pack.nocRules.push({
      classCode: 'restricted',
      deviations: ['residency'],
      deploymentModels: [],
      maxMonths: 3,
      clause: 'Residency exemptions',
    });
    const decision = decide(compilePolicy(pack, TEST_LEVELS), 'restricted', abroad, MAXIMUM, [
      residencyNoc,
    ]);
    assert.equal(decision.outcome, 'allow_with_conditions');
    assert.equal(ruleOf(decision, 'residency').outcome, 'covered_by_noc');
  });
});

describe('decide: conditions and outcome', () => {
  it('Secret data on a fitting offering is allowed with its conditions listed', () => {
    const decision = decide(POLICY, 'secret', offering(), MAXIMUM, []);
    assert.equal(decision.outcome, 'allow_with_conditions');
    assert.deepEqual(
      decision.rules.filter((r) => r.rule === 'condition').map((r) => [r.conditionId, r.outcome]),
      [
        ['dedicated_tenancy', 'condition'],
        ['operated_onshore', 'condition'],
      ],
    );
    assert.equal(decision.rules.filter((r) => r.outcome === 'met').length, 4);
  });

  it('conditions do not soften a refusal', () => {
    assert.equal(decide(POLICY, 'secret', offering(), standing('enhanced'), []).outcome, 'deny');
  });

  it('refuses an unknown class with a 400 that names the classes', () => {
    assert.throws(
      () => decide(POLICY, 'top_secret', offering(), MAXIMUM, []),
      (error: unknown) =>
        error instanceof AppError &&
        error.status === 400 &&
        error.code === 'unknown_class' &&
        error.message ===
          '"top_secret" is not a data class of this policy; the classes are open, public, restricted, sensitive, secret',
    );
  });

  it('is reproducible: the same inputs give the same JSON, whatever the order of the NOCs', () => {
    const privateCloud = offering({ deploymentModel: 'private' });
    const a = noc('noc-a', { validUntil: '2027-01-31' });
    const b = noc('noc-b', { validUntil: '2027-03-31' });
    const c = noc('noc-c', { validUntil: '2027-03-31' });
    const first = decide(POLICY, 'sensitive', privateCloud, MAXIMUM, [a, b, c]);
    const second = decide(POLICY, 'sensitive', privateCloud, MAXIMUM, [c, a, b]);
    assert.equal(JSON.stringify(first), JSON.stringify(second));
    // The NOC in force the longest covers it; of two alike, the smaller id.
    assert.equal(ruleOf(first, 'deployment_model').nocId, 'noc-b');
    assert.deepEqual(first.inputs, {
      classCode: 'sensitive',
      offeringId: 'off-1',
      accreditationId: 'acc-maximum',
      levelCode: 'maximum',
      nocIds: ['noc-a', 'noc-b', 'noc-c'],
    });
    // And survives a round trip through storage.
    assert.deepEqual(JSON.parse(JSON.stringify(first)), first);
  });

  it('shared results cannot be changed by a caller', () => {
    const decision = decide(POLICY, 'restricted', offering(), MAXIMUM, []);
    assert.throws(() => {
      (decision.rules[0] as { message: string }).message = 'tampered';
    }, TypeError);
    assert.notEqual(
      decide(POLICY, 'restricted', offering(), MAXIMUM, []).rules[0]?.message,
      'tampered',
    );
  });
});

describe('decide: another country (nothing assumes Pakistan)', () => {
  const KENYA = compilePolicy(kenyaPack(), TEST_LEVELS);

  it('keeps Restricted data in Kenya and refuses Pakistan', () => {
    const nairobi = offering({ customerDataCountries: ['KE'], allDataCountries: ['KE'] });
    const islamabad = offering({
      customerDataCountries: ['PK'],
      allDataCountries: ['PK'],
      locations: [{ country: 'PK', city: 'Islamabad', purpose: 'customer_data' }],
    });
    assert.equal(decide(KENYA, 'restricted', nairobi, MAXIMUM, []).outcome, 'allow');
    const refused = decide(KENYA, 'restricted', islamabad, MAXIMUM, []);
    assert.equal(refused.outcome, 'deny');
    assert.equal(
      ruleOf(refused, 'residency').message,
      'Restricted data must stay in Kenya; this offering keeps customer data in Islamabad (Pakistan).',
    );
    assert.equal(ruleOf(refused, 'residency').clause, 'Kenya cloud policy, class restricted');
    // The default pack, for the same offerings, says the opposite.
    assert.equal(decide(POLICY, 'restricted', nairobi, MAXIMUM, []).outcome, 'deny');
    assert.equal(decide(POLICY, 'restricted', islamabad, MAXIMUM, []).outcome, 'allow');
  });

  it('no word of a Kenyan decision mentions Pakistan', () => {
    const nairobi = offering({ customerDataCountries: ['KE'], allDataCountries: ['KE', 'UG'] });
    for (const classCode of ['open', 'public', 'restricted', 'sensitive', 'secret'])
      for (const model of ['public', 'government', 'private', 'hybrid'] as const)
        for (const level of ['baseline', 'maximum', null]) {
          const text = JSON.stringify(
            decide(KENYA, classCode, { ...nairobi, deploymentModel: model }, standing(level), [
              noc('n'),
            ]),
          );
          assert.doesNotMatch(text, /Pakistan|PK/, text);
        }
  });

  it('a pack may allow several countries', () => {
    const pack: PolicyPack = kenyaPack();
    const restricted = pack.rules.find((r) => r.classCode === 'restricted');
    assert.ok(restricted);
    restricted.customerDataIn = ['home', 'UG', 'TZ'];
    const eastAfrica = compilePolicy(pack, TEST_LEVELS);
    const kampala = offering({ customerDataCountries: ['UG'], allDataCountries: ['UG'] });
    const decision = decide(eastAfrica, 'restricted', kampala, MAXIMUM, []);
    assert.equal(decision.outcome, 'allow');
    assert.equal(
      ruleOf(decision, 'residency').message,
      'Restricted data must stay in Kenya, Uganda or Tanzania; this offering keeps customer data there.',
    );
  });
});

describe('compilePolicy', () => {
  it('refuses a pack that validatePack refuses', () => {
    const pack = defaultPack();
    pack.rules.pop();
    assert.throws(
      () => compilePolicy(pack, TEST_LEVELS),
      (error: unknown) =>
        error instanceof AppError &&
        error.code === 'invalid_policy_pack' &&
        error.issues[0]?.pointer === '/classes/4',
    );
  });
});

describe('explain', () => {
  it('puts the verdict first, then what failed, then what was met', () => {
    const decision = decide(
      POLICY,
      'restricted',
      offering({ deploymentModel: 'public' }),
      standing('baseline'),
      [],
    );
    const lines = explain(decision);
    assert.equal(lines[0], 'Not allowed: 2 rules not met.');
    assert.match(
      lines[1] ?? '',
      /^Not met: Restricted data needs an offering accredited at Intermediate/,
    );
    assert.match(lines[2] ?? '', /^Not met: Restricted data may go only to government cloud/);
    assert.match(lines[3] ?? '', /^Met: /);
    assert.equal(lines.length, 5);
  });
});

describe('rankOfferings', () => {
  const candidate = (
    id: string,
    more: Partial<OfferingFacts>,
    level: string | null = 'maximum',
  ) => ({
    offering: offering({ id, name: id, ...more }),
    standing: standing(level),
  });

  it('lists the offerings that may host the system, allow first, then SaaS, PaaS, IaaS, then name', () => {
    const candidates = [
      candidate('z-iaas', { serviceModel: 'iaas' }),
      candidate('b-paas', { serviceModel: 'paas' }),
      candidate('a-paas', { serviceModel: 'paas' }),
      candidate('private-saas', { serviceModel: 'saas', deploymentModel: 'private' }),
      candidate('c-saas', { serviceModel: 'saas' }),
      candidate('public-saas', { serviceModel: 'saas', deploymentModel: 'public' }),
      candidate('suspended', { serviceModel: 'saas' }, null),
    ];
    const ranked = rankOfferings(POLICY, 'sensitive', candidates, [noc('noc-1')]);
    assert.deepEqual(
      ranked.map((r) => [r.offering.id, r.decision.outcome]),
      [
        ['c-saas', 'allow'],
        ['a-paas', 'allow'],
        ['b-paas', 'allow'],
        ['z-iaas', 'allow'],
        ['private-saas', 'allow_with_conditions'],
      ],
    );
  });

  it('follows the pack order of service models', () => {
    const pack = defaultPack();
    pack.serviceModels.reverse();
    const ranked = rankOfferings(
      compilePolicy(pack, TEST_LEVELS),
      'public',
      [candidate('s', { serviceModel: 'saas' }), candidate('i', { serviceModel: 'iaas' })],
      [],
    );
    assert.deepEqual(
      ranked.map((r) => r.offering.id),
      ['i', 's'],
    );
  });

  it('refuses an unknown class even with no candidates', () => {
    assert.throws(() => rankOfferings(POLICY, 'nope', [], []), /not a data class/);
  });
});
