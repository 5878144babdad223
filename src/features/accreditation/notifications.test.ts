import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { AccreditationEvent } from './events.js';
import { noticeFor } from './notifications.js';

const base = {
  accreditationId: 'a1',
  offeringId: 'o1',
  cspOrganizationId: 'csp1',
  at: '2026-06-01T08:00:00Z',
  by: { kind: 'system' as const },
};

describe('who is told of each step', () => {
  it('sends work to the desk whose turn it is', () => {
    const submitted: AccreditationEvent = {
      ...base,
      type: 'ApplicationSubmitted',
      levelSought: { code: 'baseline', rank: 1 },
      levelVersion: 1,
      controlCount: 2,
      resubmission: false,
    };
    assert.deepEqual(noticeFor(submitted, 'Compute')?.audience, {
      kind: 'power',
      power: 'review_accreditation',
    });
    const legal: AccreditationEvent = {
      ...base,
      type: 'LegalReviewCompleted',
      outcome: 'cleared',
      notes: '',
    };
    assert.deepEqual(noticeFor(legal, 'Compute')?.audience, {
      kind: 'power',
      power: 'decide_accreditation',
    });
  });

  it('tells the assigned firm, and the provider of what the office decided, with the reasons', () => {
    const assigned: AccreditationEvent = {
      ...base,
      type: 'AssessmentAssigned',
      auditFirmId: 'firm1',
      auditFirmName: 'Firm',
      previousAuditFirmId: null,
    };
    assert.deepEqual(noticeFor(assigned, 'Compute')?.audience, {
      kind: 'audit_firm',
      organizationId: 'firm1',
    });
    const suspended = noticeFor(
      {
        ...base,
        type: 'AccreditationSuspended',
        level: { code: 'baseline', rank: 1 },
        reason: 'Breach not reported',
        effectiveOn: '2026-06-02',
      },
      'Compute',
    );
    assert.deepEqual(suspended?.audience, { kind: 'provider' });
    assert.match(suspended.text, /from 2026-06-02: Breach not reported/);
  });

  it('says nothing of steps nobody waits on', () => {
    assert.equal(
      noticeFor({ ...base, type: 'ConditionClosed', conditionId: 'c1', note: 'Done' }, 'Compute'),
      undefined,
    );
    assert.equal(
      noticeFor({ ...base, type: 'FindingClosed', findingId: 'f1', note: 'Fixed' }, 'Compute'),
      undefined,
    );
  });
});
