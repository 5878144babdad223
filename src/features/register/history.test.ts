import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { AccreditationEvent } from '../accreditation/events.js';
import { statusChangeOf, statusHistory } from './history.js';

const base = {
  accreditationId: 'app-1',
  offeringId: 'off-1',
  cspOrganizationId: 'csp-1',
  by: { kind: 'system' as const },
};
const level = { code: 'baseline', rank: 1 };

const granted = (at: string, accreditationId = 'app-1'): AccreditationEvent => ({
  ...base,
  accreditationId,
  at,
  type: 'AccreditationGranted',
  kind: 'initial',
  level,
  levelSought: level,
  validFrom: at.slice(0, 10),
  validUntil: '2029-01-01',
  conditions: [],
  auditFirmId: 'firm-1',
  predecessorId: null,
});

describe('statusChangeOf', () => {
  it('maps each standing event to the status it leaves, with the public reason where there is one', () => {
    const at = '2026-02-01T09:00:00.000Z';
    assert.deepEqual(statusChangeOf(granted(at)), { status: 'accredited', at });
    assert.deepEqual(
      statusChangeOf({
        ...base,
        at,
        type: 'AccreditationSuspended',
        level,
        reason: 'Breach',
        effectiveOn: '2026-02-10',
      }),
      { status: 'suspended', at, reason: 'Breach' },
    );
    assert.deepEqual(
      statusChangeOf({
        ...base,
        at,
        type: 'AccreditationReinstated',
        level,
        validUntil: '2029-01-01',
        reason: 'Fixed',
        conditionsAdded: [],
      }),
      { status: 'accredited', at, reason: 'Fixed' },
    );
    assert.deepEqual(
      statusChangeOf({ ...base, at, type: 'AccreditationRevoked', level, reason: 'Fraud' }),
      { status: 'revoked', at, reason: 'Fraud' },
    );
    assert.deepEqual(
      statusChangeOf({
        ...base,
        at,
        type: 'AccreditationExpired',
        level,
        validUntil: '2026-01-31',
      }),
      { status: 'expired', at },
    );
    assert.deepEqual(
      statusChangeOf({ ...base, at, type: 'AccreditationSuperseded', level, successorId: 'app-2' }),
      { status: 'superseded', at },
    );
  });

  it('keeps the steps before a decision out of the public history', () => {
    const at = '2026-01-01T00:00:00.000Z';
    assert.equal(
      statusChangeOf({ ...base, at, type: 'ApplicationReturned', reasons: ['Missing SOC 2'] }),
      undefined,
    );
    assert.equal(
      statusChangeOf({
        ...base,
        at,
        type: 'AccreditationRefused',
        reasons: ['No'],
        levelSought: level,
      }),
      undefined,
    );
    assert.equal(
      statusChangeOf({ ...base, at, type: 'ConditionClosed', conditionId: 'c-1', note: 'Done' }),
      undefined,
    );
    assert.equal(
      statusChangeOf({ ...base, at, type: 'FindingClosed', findingId: 'f-1', note: 'Fixed' }),
      undefined,
    );
  });
});

describe('statusHistory', () => {
  it('orders by time, and on a renewal lists the superseded record before its successor', () => {
    const renewalAt = '2027-01-01T10:00:00.000Z';
    const history = statusHistory([
      granted(renewalAt, 'app-2'),
      { ...base, at: renewalAt, type: 'AccreditationSuperseded', level, successorId: 'app-2' },
      granted('2026-01-01T10:00:00.000Z'),
      { ...base, at: '2026-06-01T10:00:00.000Z', type: 'ApplicationReturned', reasons: ['x'] },
    ]);
    assert.deepEqual(history, [
      { status: 'accredited', at: '2026-01-01T10:00:00.000Z' },
      { status: 'superseded', at: renewalAt },
      { status: 'accredited', at: renewalAt },
    ]);
  });

  it('keeps the given order of events at the same instant that neither ends a record', () => {
    const at = '2026-03-01T00:00:00.000Z';
    const suspended: AccreditationEvent = {
      ...base,
      at,
      type: 'AccreditationSuspended',
      level,
      reason: 'r',
      effectiveOn: '2026-03-01',
    };
    assert.deepEqual(
      statusHistory([granted(at), suspended]).map((c) => c.status),
      ['accredited', 'suspended'],
    );
  });

  it('is empty without standing events', () => {
    assert.deepEqual(statusHistory([]), []);
  });
});
