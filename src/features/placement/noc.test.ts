import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DEFAULT_POLICY_PACK } from './default-pack.js';
import { checkNocTerms, lastNocDay, type NocTerms } from './noc.js';

function terms(more: Partial<NocTerms> = {}): NocTerms {
  return {
    classCode: 'sensitive',
    covers: ['deployment_model'],
    deploymentModels: ['private'],
    validFrom: '2026-03-01',
    validUntil: '2027-02-28',
    ...more,
  };
}

describe('lastNocDay', () => {
  it('is the day before the same date months later, clamped to short months', () => {
    assert.equal(lastNocDay('2026-03-01', 12), '2027-02-28');
    assert.equal(lastNocDay('2026-01-15', 1), '2026-02-14');
    assert.equal(lastNocDay('2026-01-31', 1), '2026-02-27');
    assert.equal(lastNocDay('2027-08-31', 6), '2028-02-28');
    assert.equal(lastNocDay('2026-12-01', 60), '2031-11-30');
  });
});

describe('checkNocTerms', () => {
  it('allows a private cloud for Sensitive data for up to 12 months', () => {
    assert.deepEqual(checkNocTerms(DEFAULT_POLICY_PACK, terms()), []);
  });

  it('refuses a NOC longer than the policy allows, saying until when it may run', () => {
    assert.deepEqual(checkNocTerms(DEFAULT_POLICY_PACK, terms({ validUntil: '2027-03-01' })), [
      {
        pointer: '/validUntil',
        message:
          'a NOC for Sensitive (Confidential) data may last at most 12 months: from 2026-03-01 it may run until 2027-02-28, not 2027-03-01',
      },
    ]);
  });

  it('refuses a NOC for a class, a deviation or a model the policy does not allow', () => {
    assert.match(
      checkNocTerms(DEFAULT_POLICY_PACK, terms({ classCode: 'restricted' }))[0]?.message ?? '',
      /allows no NOC for Restricted data/,
    );
    assert.deepEqual(
      checkNocTerms(
        DEFAULT_POLICY_PACK,
        terms({ covers: ['deployment_model', 'residency'], deploymentModels: ['public'] }),
      ).map((p) => p.pointer),
      ['/covers/1', '/deploymentModels/0'],
    );
    assert.match(
      checkNocTerms(DEFAULT_POLICY_PACK, terms({ classCode: 'ultra' }))[0]?.message ?? '',
      /"ultra" is not a data class/,
    );
  });

  it('refuses days that are not days, and an end before the start', () => {
    assert.deepEqual(
      checkNocTerms(
        DEFAULT_POLICY_PACK,
        terms({ validFrom: '2026-02-30', validUntil: 'soon' }),
      ).map((p) => p.pointer),
      ['/validFrom', '/validUntil'],
    );
    assert.match(
      checkNocTerms(DEFAULT_POLICY_PACK, terms({ validUntil: '2026-02-01' }))[0]?.message ?? '',
      /before it starts/,
    );
  });
});
