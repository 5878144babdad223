import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DEFAULT_POLICY_PACK } from './default-pack.js';
import type { PackProblem } from './model.js';
import { defaultPack, kenyaPack, TEST_LEVELS } from './test-packs.js';
import { validatePack } from './validate.js';

function problemAt(problems: PackProblem[], pointer: string): PackProblem {
  const found = problems.find((p) => p.pointer === pointer);
  assert.ok(found, `expected a problem at ${pointer}; got ${JSON.stringify(problems, null, 1)}`);
  return found;
}

describe('validatePack', () => {
  it('accepts the default pack and a copy for another country', () => {
    assert.deepEqual(validatePack(DEFAULT_POLICY_PACK, TEST_LEVELS), []);
    assert.deepEqual(validatePack(kenyaPack(), TEST_LEVELS), []);
  });

  it('the default pack follows the table of PRODUCT.md', () => {
    const table = DEFAULT_POLICY_PACK.rules.map((r) => [
      r.classCode,
      r.minimumLevel,
      r.deploymentModels.join('+'),
      r.customerDataIn === 'anywhere' ? 'anywhere' : r.customerDataIn.join('+'),
    ]);
    assert.deepEqual(table, [
      ['open', 'baseline', 'public+government', 'anywhere'],
      ['public', 'baseline', 'public+government', 'anywhere'],
      ['restricted', 'intermediate', 'government', 'home'],
      ['sensitive', 'enhanced', 'government', 'home'],
      ['secret', 'maximum', 'government', 'home'],
    ]);
    assert.deepEqual(
      DEFAULT_POLICY_PACK.nocRules.map((n) => [n.classCode, n.deploymentModels, n.maxMonths]),
      [
        ['sensitive', ['private'], 12],
        ['secret', ['private'], 12],
      ],
    );
    assert.deepEqual(
      DEFAULT_POLICY_PACK.serviceModels.map((m) => m.code),
      ['saas', 'paas', 'iaas'],
    );
  });

  it('refuses a class without a rule, and says why', () => {
    const pack = defaultPack();
    pack.rules = pack.rules.filter((r) => r.classCode !== 'sensitive');
    const problems = validatePack(pack, TEST_LEVELS);
    assert.equal(problems.length, 1);
    assert.match(problemAt(problems, '/classes/3').message, /"sensitive" has no placement rule/);
  });

  it('refuses a class allowed nowhere: no deployment model, or no country', () => {
    const pack = defaultPack();
    const restricted = pack.rules[2];
    const secret = pack.rules[4];
    assert.ok(restricted && secret);
    restricted.deploymentModels = [];
    secret.customerDataIn = [];
    const problems = validatePack(pack, TEST_LEVELS);
    assert.match(
      problemAt(problems, '/rules/2/deploymentModels').message,
      /permits no deployment model, so its data could go nowhere/,
    );
    assert.match(
      problemAt(problems, '/rules/4/customerDataIn').message,
      /allows customer data in no country/,
    );
  });

  it('refuses unknown codes: class in a rule, a NOC rule, the classification; level; model; country', () => {
    const pack = defaultPack();
    const first = pack.rules[0];
    const noc = pack.nocRules[0];
    assert.ok(first && noc);
    pack.rules.push({ ...first, classCode: 'top_secret' });
    first.minimumLevel = 'platinum';
    first.customerDataIn = ['XX'];
    noc.classCode = 'confidential';
    noc.deploymentModels = ['community' as never];
    pack.classification.byConfidentiality.high = 'ultra';
    pack.classification.byMarking.push({ marking: 'nato', classCode: 'cosmic', label: 'NATO' });
    const problems = validatePack(pack, TEST_LEVELS);
    assert.match(
      problemAt(problems, '/rules/5/classCode').message,
      /class "top_secret", which the pack does not define \(its classes: open, public, restricted, sensitive, secret\)/,
    );
    assert.match(problemAt(problems, '/rules/0/minimumLevel').message, /"platinum".*baseline/);
    assert.match(problemAt(problems, '/rules/0/customerDataIn/0').message, /"XX" is not/);
    assert.match(problemAt(problems, '/nocRules/0/classCode').message, /"confidential"/);
    assert.match(problemAt(problems, '/nocRules/0/deploymentModels/0').message, /"community"/);
    assert.match(
      problemAt(problems, '/classification/byConfidentiality/high').message,
      /"ultra" is not a class/,
    );
    assert.match(problemAt(problems, '/classification/byMarking/1/classCode').message, /"cosmic"/);
  });

  it('refuses duplicates: class codes, ranks, rules for one class, models', () => {
    const pack = defaultPack();
    const [open, pub] = pack.classes;
    assert.ok(open && pub);
    pack.classes.push({ ...open });
    pub.rank = 1;
    pack.serviceModels.push({ code: 'saas', name: 'SaaS', description: '' });
    const problems = validatePack(pack, TEST_LEVELS);
    assert.match(problemAt(problems, '/classes/5/code').message, /used by two classes/);
    assert.match(problemAt(problems, '/classes/1/rank').message, /same rank 1/);
    assert.match(problemAt(problems, '/serviceModels/3/code').message, /listed twice/);
  });

  it('refuses a NOC longer than 60 months or shorter than a month', () => {
    const pack = defaultPack();
    const [sensitive, secret] = pack.nocRules;
    assert.ok(sensitive && secret);
    sensitive.maxMonths = 61;
    secret.maxMonths = 0;
    const problems = validatePack(pack, TEST_LEVELS);
    assert.match(problemAt(problems, '/nocRules/0/maxMonths').message, /61 months is too long/);
    assert.match(problemAt(problems, '/nocRules/1/maxMonths').message, /at least 1 whole month/);
    sensitive.maxMonths = 60;
    secret.maxMonths = 1;
    assert.deepEqual(validatePack(pack, TEST_LEVELS), []);
  });

  it('refuses a NOC rule that covers the deployment model but opens none', () => {
    const pack = defaultPack();
    const noc = pack.nocRules[0];
    assert.ok(noc);
    noc.deploymentModels = [];
    assert.match(
      problemAt(validatePack(pack, TEST_LEVELS), '/nocRules/0/deploymentModels').message,
      /names no model/,
    );
  });

  it('refuses a home country that is not an ISO code, and a classification that goes down', () => {
    const pack = defaultPack();
    pack.homeCountry = 'Pakistan';
    pack.classification.byConfidentiality.high = 'public';
    const problems = validatePack(pack, TEST_LEVELS);
    assert.match(problemAt(problems, '/homeCountry').message, /"Pakistan" is not an ISO 3166-1/);
    assert.match(
      problemAt(problems, '/classification/byConfidentiality/high').message,
      /gives a lower class \(public\) than moderate does/,
    );
  });

  it('checks the duties of a pack under /duties, and a severity tier for each of its classes', () => {
    const pack = defaultPack();
    const duties = pack.duties;
    assert.ok(duties);
    duties.reporting.initialNoticeHours = 0;
    delete duties.severity.classImpact.sensitive;
    duties.severity.classImpact.topsecret = 4;
    const problems = validatePack(pack, TEST_LEVELS);
    problemAt(problems, '/duties/reporting/initialNoticeHours');
    assert.match(
      problemAt(problems, '/duties/severity/classImpact').message,
      /class "sensitive" \(\/classes\/3\) has no impact tier/,
    );
    assert.match(
      problemAt(problems, '/duties/severity/classImpact/topsecret').message,
      /"topsecret" is not a class of the pack/,
    );
    assert.equal(problems.length, 3);
    // A pack without duties means the default set, and is fine.
    const bare = defaultPack();
    delete bare.duties;
    assert.deepEqual(validatePack(bare, TEST_LEVELS), []);
  });
});
