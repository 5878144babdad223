import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { AccreditationRecord } from '../accreditation/workflow.js';
import { registerEntryOf } from './projection.js';

const UPDATED = '2026-06-01T08:00:00.000Z';

const accredited: AccreditationRecord = {
  id: 'app-1',
  offeringId: 'off-1',
  cspOrganizationId: 'csp-1',
  kind: 'initial',
  predecessorId: null,
  status: 'accredited',
  levelSought: { code: 'intermediate', rank: 2 },
  submission: { levelVersion: 1, controlIds: ['co-br-1'] },
  returnReasons: null,
  auditFirm: { id: 'firm-1', name: 'Assurance Partners' },
  assessment: null,
  legalReview: { outcome: 'cleared', notes: '' },
  grant: {
    level: { code: 'baseline', rank: 1 },
    validFrom: '2026-01-15',
    validUntil: '2027-01-15',
    decidedOn: '2026-01-15',
  },
  conditions: [],
  suspension: null,
  closure: null,
};

describe('registerEntryOf', () => {
  it('shows the level granted, not the level sought, with its validity and audit firm', () => {
    assert.deepEqual(registerEntryOf(accredited, UPDATED), {
      offering_id: 'off-1',
      application_id: 'app-1',
      csp_organization_id: 'csp-1',
      status: 'accredited',
      level_code: 'baseline',
      level_rank: 1,
      valid_from: '2026-01-15',
      valid_until: '2027-01-15',
      decided_on: '2026-01-15',
      suspended_from: null,
      audit_firm_id: 'firm-1',
      audit_firm_name: 'Assurance Partners',
      updated_at: UPDATED,
    });
  });

  it('has nothing to show for a record never granted', () => {
    for (const status of ['draft', 'awaiting_decision', 'refused', 'withdrawn'] as const) {
      assert.equal(registerEntryOf({ ...accredited, status, grant: null }, UPDATED), undefined);
    }
  });

  it('leaves a superseded record to its successor', () => {
    assert.equal(registerEntryOf({ ...accredited, status: 'superseded' }, UPDATED), undefined);
  });

  it('keeps suspended, revoked and expired records, with the suspension date only while suspended', () => {
    const suspension = { reason: 'Breach', effectiveOn: '2026-04-15' };
    assert.equal(
      registerEntryOf({ ...accredited, status: 'suspended', suspension }, UPDATED)?.suspended_from,
      '2026-04-15',
    );
    for (const status of ['revoked', 'expired', 'accredited'] as const) {
      const row = registerEntryOf({ ...accredited, status, suspension }, UPDATED);
      assert.ok(row);
      assert.equal(row.status, status);
      assert.equal(row.suspended_from, null, status);
    }
  });

  it('leaves the audit firm empty when none is recorded', () => {
    const row = registerEntryOf({ ...accredited, auditFirm: null }, UPDATED);
    assert.deepEqual([row?.audit_firm_id, row?.audit_firm_name], [null, null]);
  });
});
