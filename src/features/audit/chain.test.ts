import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import {
  ChainVerifier,
  GENESIS_HASH,
  HASHED_FIELDS,
  beyondHeadProblem,
  canonicalEventText,
  hashEvent,
  verifyChain,
  type ChainedEvent,
  type HashedFields,
} from './chain.js';

function fieldsFor(seq: number, overrides: Partial<HashedFields> = {}): HashedFields {
  return {
    seq,
    id: `event-${seq}`,
    occurred_at: new Date(Date.UTC(2026, 0, 1, 0, 0, seq)).toISOString(),
    actor_user_id: 'user-1',
    actor_email: 'dg@cloud.gov.example',
    actor_organization_id: 'org-cloud-office',
    actor_position: 'dg_cloud',
    action: 'organization.create',
    outcome: 'success',
    target_type: 'organization',
    target_id: `org-${seq}`,
    summary: JSON.stringify({ after: { name: `Ministry ${seq}` } }),
    request_id: `req-${seq}`,
    ...overrides,
  };
}

/** A valid chain of `count` events, seq 1..count. */
function buildChain(count: number): ChainedEvent[] {
  const events: ChainedEvent[] = [];
  let prev = GENESIS_HASH;
  for (let seq = 1; seq <= count; seq++) {
    const fields = fieldsFor(seq);
    const hash = hashEvent(prev, fields);
    events.push({ ...fields, prev_hash: prev, hash });
    prev = hash;
  }
  return events;
}

function lastOf(events: readonly ChainedEvent[]): ChainedEvent {
  const last = events.at(-1);
  assert.ok(last);
  return last;
}

describe('canonicalEventText', () => {
  it('writes every hashed field in the documented order, with explicit nulls', () => {
    const text = canonicalEventText({
      ...fieldsFor(7, { actor_user_id: null, actor_email: null, request_id: null }),
      prev_hash: 'ab'.repeat(32),
    });
    assert.equal(
      text,
      '["cloud-office.audit.v1",["seq",7],["id","event-7"],["occurred_at","2026-01-01T00:00:07.000Z"],' +
        '["actor_user_id",null],["actor_email",null],["actor_organization_id","org-cloud-office"],' +
        '["actor_position","dg_cloud"],["action","organization.create"],["outcome","success"],' +
        '["target_type","organization"],["target_id","org-7"],' +
        '["summary","{\\"after\\":{\\"name\\":\\"Ministry 7\\"}}"],["request_id",null],' +
        `["prev_hash","${'ab'.repeat(32)}"]]`,
    );
  });

  it('does not depend on the order of the keys it is given', () => {
    const fields = { ...fieldsFor(3), prev_hash: GENESIS_HASH };
    const reversed = Object.fromEntries(Object.entries(fields).reverse()) as typeof fields;
    assert.equal(canonicalEventText(reversed), canonicalEventText(fields));
  });

  it('tells a null from an empty string and a missing field from a present one', () => {
    const prev = GENESIS_HASH;
    assert.notEqual(
      hashEvent(prev, fieldsFor(1, { target_id: null })),
      hashEvent(prev, fieldsFor(1, { target_id: '' })),
    );
    const withoutRequest = { ...fieldsFor(1) } as Partial<HashedFields>;
    delete withoutRequest.request_id;
    assert.equal(
      hashEvent(prev, withoutRequest as HashedFields),
      hashEvent(prev, fieldsFor(1, { request_id: null })),
    );
  });

  it('refuses values a reader could not reproduce', () => {
    assert.throws(
      () => canonicalEventText({ ...fieldsFor(1), seq: 1.5, prev_hash: GENESIS_HASH }),
      /seq must be a whole number/,
    );
    assert.throws(
      () =>
        canonicalEventText({
          ...fieldsFor(1),
          action: null as unknown as string,
          prev_hash: GENESIS_HASH,
        }),
      /action is required/,
    );
    assert.throws(
      () =>
        canonicalEventText({
          ...fieldsFor(1),
          target_id: 42 as unknown as string,
          prev_hash: GENESIS_HASH,
        }),
      /target_id must be text/,
    );
  });
});

describe('hashEvent', () => {
  it('is SHA-256 hex of the canonical text', () => {
    const fields = fieldsFor(1);
    const expected = createHash('sha256')
      .update(canonicalEventText({ ...fields, prev_hash: GENESIS_HASH }))
      .digest('hex');
    assert.equal(hashEvent(GENESIS_HASH, fields), expected);
    assert.match(expected, /^[0-9a-f]{64}$/);
  });

  it('changes when any hashed field changes, prev_hash included', () => {
    const base = fieldsFor(5);
    const original = hashEvent(GENESIS_HASH, base);
    for (const name of HASHED_FIELDS) {
      if (name === 'prev_hash') {
        assert.notEqual(hashEvent('1'.repeat(64), base), original, name);
        continue;
      }
      const changed = name === 'seq' ? { ...base, seq: 6 } : { ...base, [name]: 'changed' };
      assert.notEqual(hashEvent(GENESIS_HASH, changed), original, name);
    }
  });
});

describe('verifyChain', () => {
  it('accepts an intact chain and reports its length and last hash', () => {
    const events = buildChain(5);
    const verdict = verifyChain(events, GENESIS_HASH, {
      head: { seq: 5, hash: lastOf(events).hash },
    });
    assert.deepEqual(verdict, { ok: true, count: 5, last: { seq: 5, hash: lastOf(events).hash } });
  });

  it('accepts an empty trail whose head is at the start', () => {
    assert.deepEqual(verifyChain([], GENESIS_HASH, { head: { seq: 0, hash: GENESIS_HASH } }), {
      ok: true,
      count: 0,
      last: { seq: 0, hash: GENESIS_HASH },
    });
  });

  it('names an edited event', () => {
    const events = buildChain(5);
    const third = events[2];
    assert.ok(third);
    third.summary = JSON.stringify({ after: { name: 'Someone else' } });
    const verdict = verifyChain(events);
    assert.equal(verdict.ok, false);
    assert.ok(!verdict.ok);
    assert.equal(verdict.problem.kind, 'edited');
    assert.equal(verdict.problem.seq, 3);
    assert.deepEqual(verdict.problem.event, {
      seq: 3,
      id: 'event-3',
      action: 'organization.create',
      occurred_at: '2026-01-01T00:00:03.000Z',
    });
    assert.match(verdict.problem.message, /edited/);
  });

  it('names the event after one that was edited and re-hashed', () => {
    const events = buildChain(5);
    const second = events[1];
    assert.ok(second);
    second.actor_email = 'someone@else.example';
    second.hash = hashEvent(second.prev_hash, second);
    const verdict = verifyChain(events);
    assert.ok(!verdict.ok);
    assert.equal(verdict.problem.kind, 'relinked');
    assert.equal(verdict.problem.seq, 3);
    assert.match(verdict.problem.message, /not the hash of event 2/);
  });

  it('names the event after a deleted one', () => {
    const events = buildChain(6).filter((event) => event.seq !== 3 && event.seq !== 4);
    const verdict = verifyChain(events);
    assert.ok(!verdict.ok);
    assert.equal(verdict.problem.kind, 'missing');
    assert.equal(verdict.problem.seq, 5);
    assert.match(verdict.problem.message, /events 3 to 4 are missing/);
  });

  it('names the first of two events whose seqs were swapped', () => {
    const events = buildChain(5);
    const [second, third] = [events[1], events[2]];
    assert.ok(second && third);
    [second.seq, third.seq] = [third.seq, second.seq];
    const reordered = [...events].sort((a, b) => a.seq - b.seq);
    const verdict = verifyChain(reordered);
    assert.ok(!verdict.ok);
    assert.equal(verdict.problem.kind, 'relinked');
    assert.equal(verdict.problem.seq, 2);
    assert.equal(verdict.problem.event?.id, 'event-3');
  });

  it('catches a deleted newest event only by comparing with the head', () => {
    const events = buildChain(4);
    const head = { seq: 4, hash: lastOf(events).hash };
    const truncated = events.slice(0, 3);
    assert.equal(verifyChain(truncated).ok, true, 'the chain alone cannot tell');
    const verdict = verifyChain(truncated, GENESIS_HASH, { head });
    assert.ok(!verdict.ok);
    assert.equal(verdict.problem.kind, 'newest_missing');
    assert.equal(verdict.problem.seq, 4);
    assert.equal(verdict.problem.event, null);
    assert.match(verdict.problem.message, /event 4 is missing/);
  });

  it('catches a newest event replaced by a re-hashed one, through the head', () => {
    const events = buildChain(3);
    const head = { seq: 3, hash: lastOf(events).hash };
    const last = lastOf(events);
    last.outcome = 'denied';
    last.hash = hashEvent(last.prev_hash, last);
    const verdict = verifyChain(events, GENESIS_HASH, { head });
    assert.ok(!verdict.ok);
    assert.equal(verdict.problem.kind, 'head_mismatch');
    assert.equal(verdict.problem.seq, 3);
    assert.equal(verdict.problem.event?.id, 'event-3');
  });

  it('refuses a first event that does not start from the genesis hash', () => {
    const events = buildChain(3)
      .slice(1)
      .map((event) => ({ ...event, seq: event.seq - 1 }));
    const verdict = verifyChain(events);
    assert.ok(!verdict.ok);
    assert.equal(verdict.problem.kind, 'relinked');
    assert.equal(verdict.problem.seq, 1);
  });

  it('refuses a repeated seq', () => {
    const events = buildChain(3);
    const verdict = verifyChain([...events, { ...lastOf(events) }]);
    assert.ok(!verdict.ok);
    assert.equal(verdict.problem.kind, 'out_of_order');
    assert.equal(verdict.problem.seq, 3);
  });

  it('resumes from the middle of a chain, as batched verification does', () => {
    const events = buildChain(10);
    const fifth = events[4];
    assert.ok(fifth);
    const rest = verifyChain(events.slice(5), fifth.hash, { startingSeq: 5 });
    assert.deepEqual(rest, { ok: true, count: 5, last: { seq: 10, hash: lastOf(events).hash } });

    const verifier = new ChainVerifier();
    for (const batch of [events.slice(0, 3), events.slice(3, 7), events.slice(7)]) {
      for (const event of batch) assert.equal(verifier.push(event), null);
    }
    assert.deepEqual(verifier.finish({ seq: 10, hash: lastOf(events).hash }), {
      ok: true,
      count: 10,
      last: { seq: 10, hash: lastOf(events).hash },
    });
  });

  it('keeps the first problem once one is found', () => {
    const events = buildChain(4);
    const second = events[1];
    assert.ok(second);
    second.action = 'organization.delete';
    const verifier = new ChainVerifier();
    const problems = events.map((event) => verifier.push(event));
    assert.equal(problems[0], null);
    assert.equal(problems[1]?.seq, 2);
    assert.equal(problems[3]?.seq, 2);
    const verdict = verifier.finish();
    assert.ok(!verdict.ok);
    assert.equal(verdict.problem.seq, 2);
  });
});

describe('beyondHeadProblem', () => {
  it('names the stray event and the head it lies beyond', () => {
    const event = lastOf(buildChain(4));
    const problem = beyondHeadProblem(event, { seq: 3, hash: GENESIS_HASH });
    assert.equal(problem.kind, 'beyond_head');
    assert.equal(problem.seq, 4);
    assert.equal(problem.event?.id, 'event-4');
    assert.match(problem.message, /records 3 events/);
  });
});
