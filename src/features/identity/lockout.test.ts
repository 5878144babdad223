import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isLocked, lockoutAfter } from './lockout.js';

describe('lockout after failed sign-ins', () => {
  it('does not lock before the fifth failure', () => {
    for (const failures of [0, 1, 4]) assert.equal(lockoutAfter(failures), 0);
  });

  it('locks for 15 minutes at the fifth, doubling, capped at a day', () => {
    assert.equal(lockoutAfter(5), 15 * 60_000);
    assert.equal(lockoutAfter(6), 30 * 60_000);
    assert.equal(lockoutAfter(7), 60 * 60_000);
    assert.equal(lockoutAfter(50), 24 * 60 * 60_000);
  });

  it('knows a lock that has run out', () => {
    const now = new Date('2026-01-01T12:00:00Z');
    assert.equal(isLocked('2026-01-01T12:00:01Z', now), true);
    assert.equal(isLocked('2026-01-01T12:00:00Z', now), false);
    assert.equal(isLocked(null, now), false);
  });
});
