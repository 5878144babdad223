import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MAX_SUMMARY_LENGTH, cut, shortenSummary } from './summary.js';

describe('shortenSummary', () => {
  it('keeps a short summary as it is, without absent parts', () => {
    assert.equal(
      shortenSummary({ before: { status: 'pending' }, after: { status: 'active' } }),
      '{"before":{"status":"pending"},"after":{"status":"active"}}',
    );
    assert.equal(shortenSummary({ reason: 'missing power' }), '{"reason":"missing power"}');
    assert.equal(shortenSummary(), '{}');
    assert.equal(
      shortenSummary({ after: { note: undefined, name: 'X' } }),
      '{"after":{"name":"X"}}',
    );
  });

  it('cuts long text to 200 characters ending in an ellipsis', () => {
    const stored = JSON.parse(
      shortenSummary({ after: { note: 'x'.repeat(1000) }, reason: 'y'.repeat(300) }),
    ) as {
      after: { note: string };
      reason: string;
    };
    assert.equal(stored.after.note, `${'x'.repeat(199)}…`);
    assert.equal(stored.reason, `${'y'.repeat(199)}…`);
  });

  it('keeps 20 items of a list and 30 keys of an object, saying how many more there were', () => {
    const many = Array.from({ length: 25 }, (_, i) => i);
    const wide = Object.fromEntries(Array.from({ length: 35 }, (_, i) => [`k${i}`, i]));
    const stored = JSON.parse(shortenSummary({ before: many, after: wide })) as {
      before: unknown[];
      after: Record<string, unknown>;
    };
    assert.equal(stored.before.length, 21);
    assert.equal(stored.before[20], '… 5 more');
    assert.equal(Object.keys(stored.after).length, 31);
    assert.equal(stored.after['…'], '5 more');
  });

  it('keeps three levels of objects, then a marker', () => {
    const stored = JSON.parse(shortenSummary({ after: { a: { b: { c: { d: 1 } } } } })) as unknown;
    assert.deepEqual(stored, { after: { a: { b: { c: '[…]' } } } });
  });

  it('writes dates as ISO text and non-finite numbers as null', () => {
    const stored = JSON.parse(
      shortenSummary({ after: { at: new Date('2026-02-01T00:00:00Z'), ratio: Number.NaN } }),
    ) as unknown;
    assert.deepEqual(stored, { after: { at: '2026-02-01T00:00:00.000Z', ratio: null } });
  });

  it('never stores more than the maximum length, however large the input', () => {
    const huge = Object.fromEntries(
      Array.from({ length: 30 }, (_, i) => [
        `field${i}`,
        Array.from({ length: 20 }, () => 'z'.repeat(500)),
      ]),
    );
    const stored = shortenSummary({ before: huge, after: huge });
    assert.ok(stored.length <= MAX_SUMMARY_LENGTH, `${stored.length} characters`);
    assert.doesNotThrow(() => JSON.parse(stored) as unknown);
  });
});

describe('cut', () => {
  it('does not split a character made of a surrogate pair', () => {
    assert.equal(cut('ab😀cd', 4), 'ab…');
    assert.equal(cut('short', 10), 'short');
  });
});
