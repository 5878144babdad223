import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MAX_SEND_ATTEMPTS, nextAttemptAt, retryDelayMs } from './backoff.js';

const minute = 60_000;

describe('retryDelayMs', () => {
  it('waits one minute after the first failure and doubles after each further one', () => {
    assert.deepEqual(
      [1, 2, 3, 4, 5, 6, 7, 8, 9].map(retryDelayMs),
      [1, 2, 4, 8, 16, 32, 64, 128, 256].map((minutes) => minutes * minute),
    );
  });

  it('never waits longer than six hours, however many failures', () => {
    assert.equal(retryDelayMs(10), 6 * 60 * minute);
    assert.equal(retryDelayMs(1000), 6 * 60 * minute);
    assert.equal(retryDelayMs(Number.MAX_SAFE_INTEGER), 6 * 60 * minute);
  });

  it('refuses a count that is not a whole number from 1', () => {
    for (const attempts of [0, -1, 1.5, Number.NaN]) {
      assert.throws(() => retryDelayMs(attempts), RangeError);
    }
  });
});

describe('nextAttemptAt', () => {
  const failedAt = new Date('2025-03-01T10:00:00.000Z');

  it('adds the retry delay to the time of the failure', () => {
    assert.equal(nextAttemptAt(failedAt, 1)?.toISOString(), '2025-03-01T10:01:00.000Z');
    assert.equal(nextAttemptAt(failedAt, 3)?.toISOString(), '2025-03-01T10:04:00.000Z');
  });

  it(`gives up after ${MAX_SEND_ATTEMPTS} attempts, having spread them over more than eight hours`, () => {
    assert.equal(
      nextAttemptAt(failedAt, MAX_SEND_ATTEMPTS - 1)?.toISOString(),
      '2025-03-01T14:16:00.000Z',
    );
    assert.equal(nextAttemptAt(failedAt, MAX_SEND_ATTEMPTS), undefined);
    assert.equal(nextAttemptAt(failedAt, MAX_SEND_ATTEMPTS + 1), undefined);
    let waited = 0;
    for (let attempts = 1; attempts < MAX_SEND_ATTEMPTS; attempts++)
      waited += retryDelayMs(attempts);
    assert.equal(waited, 511 * minute);
  });
});
