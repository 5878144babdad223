import { createHash } from 'node:crypto';

/**
 * The audit trail's hash chain, as pure functions: no I/O, so they can be tested and benchmarked
 * alone, and a verifier outside the application can reimplement them from this file.
 *
 * Each event's `hash` is SHA-256 (lower-case hex) over the canonical serialization of every other
 * stored column of the event: `seq`, `id`, `occurred_at`, `actor_user_id`, `actor_email`,
 * `actor_organization_id`, `actor_position`, `action`, `outcome`, `target_type`, `target_id`,
 * `summary` (the stored JSON text, byte for byte), `request_id` and `prev_hash`. Because the hash
 * covers `prev_hash`, the hash of the event before, every event seals all events before it, and
 * because it covers `seq`, moving an event to another place in the chain breaks it too.
 */

/** The `prev_hash` of the first event, and the head's `last_hash` while the trail is empty. */
export const GENESIS_HASH = '0'.repeat(64);

/** Bumped if the serialization below ever changes, so old and new chains are never confused. */
export const CHAIN_FORMAT = 'cloud-office.audit.v1';

/** An audit event as stored: the columns of `audit_events`. */
export interface ChainedEvent {
  seq: number;
  id: string;
  occurred_at: string;
  actor_user_id: string | null;
  actor_email: string | null;
  actor_organization_id: string | null;
  actor_position: string | null;
  action: string;
  outcome: string;
  target_type: string | null;
  target_id: string | null;
  summary: string;
  request_id: string | null;
  prev_hash: string;
  hash: string;
}

/** The fields that `hashEvent` takes besides the previous hash. */
export type HashedFields = Omit<ChainedEvent, 'hash' | 'prev_hash'>;

/** The hashed columns, in the one order the serialization uses. */
export const HASHED_FIELDS = [
  'seq',
  'id',
  'occurred_at',
  'actor_user_id',
  'actor_email',
  'actor_organization_id',
  'actor_position',
  'action',
  'outcome',
  'target_type',
  'target_id',
  'summary',
  'request_id',
  'prev_hash',
] as const satisfies readonly (keyof ChainedEvent)[];

const NULLABLE = new Set<string>([
  'actor_user_id',
  'actor_email',
  'actor_organization_id',
  'actor_position',
  'target_type',
  'target_id',
  'request_id',
]);

/**
 * The exact text that is hashed: a JSON array `[CHAIN_FORMAT, [name, value], ...]` with the fields
 * in `HASHED_FIELDS` order, absent nullable fields written as an explicit `null`. JSON escaping
 * keeps every value unambiguous (no separator can be forged inside a string). Throws on a value of
 * the wrong type rather than hash something a reader could not reproduce.
 */
export function canonicalEventText(fields: HashedFields & { prev_hash: string }): string {
  const record = fields as unknown as Readonly<Record<string, unknown>>;
  const pairs = HASHED_FIELDS.map((name): [string, string | number | null] => {
    const value = record[name];
    if (name === 'seq') {
      if (typeof value !== 'number' || !Number.isSafeInteger(value)) {
        throw new TypeError(`audit event seq must be a whole number, got ${String(value)}`);
      }
      return [name, value];
    }
    if (value === null || value === undefined) {
      if (!NULLABLE.has(name)) throw new TypeError(`audit event ${name} is required`);
      return [name, null];
    }
    if (typeof value !== 'string') {
      throw new TypeError(`audit event ${name} must be text, got ${typeof value}`);
    }
    return [name, value];
  });
  return JSON.stringify([CHAIN_FORMAT, ...pairs]);
}

/** SHA-256 hex of an event chained after `prevHash`. */
export function hashEvent(prevHash: string, fields: HashedFields): string {
  return createHash('sha256')
    .update(canonicalEventText({ ...fields, prev_hash: prevHash }), 'utf8')
    .digest('hex');
}

/** Where a chain stands: the last event's seq and hash (0 and GENESIS_HASH before the first). */
export interface ChainPosition {
  seq: number;
  hash: string;
}

export const GENESIS: ChainPosition = { seq: 0, hash: GENESIS_HASH };

/**
 * What is wrong, from the first bad event on:
 * - `edited`: the event's hash does not match its contents (a field was changed after writing);
 * - `relinked`: its prev_hash is not the hash of the event before it (events were reordered, or
 *   the one before was replaced with a re-hashed copy);
 * - `missing`: seqs jump, so events before this one were deleted;
 * - `out_of_order`: a seq repeats or goes backwards (only possible with bad input);
 * - `newest_missing`: the head records later events than the trail holds (the newest deleted);
 * - `head_mismatch`: the last event's hash differs from the head's (the newest replaced, or the
 *   head edited);
 * - `beyond_head`: events exist after the head's last seq (added without going through the head).
 */
export type ChainProblemKind =
  | 'edited'
  | 'relinked'
  | 'missing'
  | 'out_of_order'
  | 'newest_missing'
  | 'head_mismatch'
  | 'beyond_head';

/** The first bad event, or for problems at the end of the trail, the seq where it breaks. */
export interface ChainProblem {
  kind: ChainProblemKind;
  /** The seq of the first bad event; for `newest_missing`, the first seq that is missing. */
  seq: number;
  /** The stored event at `seq`, if there is one. */
  event: Pick<ChainedEvent, 'seq' | 'id' | 'action' | 'occurred_at'> | null;
  /** What is wrong, for people. */
  message: string;
}

export type ChainVerdict =
  { ok: true; count: number; last: ChainPosition } | { ok: false; problem: ChainProblem };

function identify(event: ChainedEvent): ChainProblem['event'] {
  return { seq: event.seq, id: event.id, action: event.action, occurred_at: event.occurred_at };
}

/**
 * Checks a chain one event at a time, so that a long trail can be read in batches. Feed events in
 * seq order with `push` (it returns the first problem, and keeps returning it), then `finish`.
 */
export class ChainVerifier {
  private position: ChainPosition;
  private lastEvent: ChainProblem['event'] = null;
  private count = 0;
  private problem: ChainProblem | null = null;

  constructor(start: ChainPosition = GENESIS) {
    this.position = { ...start };
  }

  /** The last good event so far. */
  get last(): ChainPosition {
    return { ...this.position };
  }

  push(event: ChainedEvent): ChainProblem | null {
    if (this.problem) return this.problem;
    this.problem = this.check(event);
    if (!this.problem) {
      this.position = { seq: event.seq, hash: event.hash };
      this.lastEvent = identify(event);
      this.count += 1;
    }
    return this.problem;
  }

  private check(event: ChainedEvent): ChainProblem | null {
    const previous = this.position;
    const expectedSeq = previous.seq + 1;
    const bad = (kind: ChainProblemKind, message: string): ChainProblem => ({
      kind,
      seq: event.seq,
      event: identify(event),
      message,
    });
    if (event.seq > expectedSeq) {
      const missing =
        event.seq - expectedSeq === 1
          ? `event ${expectedSeq} is`
          : `events ${expectedSeq} to ${event.seq - 1} are`;
      return bad('missing', `${missing} missing before it: deleted from the trail`);
    }
    if (event.seq < expectedSeq) {
      return bad('out_of_order', `its seq repeats or goes backwards after event ${previous.seq}`);
    }
    if (event.prev_hash !== previous.hash) {
      return bad(
        'relinked',
        previous.seq === 0
          ? 'its prev_hash is not the start of the chain: events were reordered or replaced'
          : `its prev_hash is not the hash of event ${previous.seq}: events were reordered, or event ${previous.seq} was replaced`,
      );
    }
    let computed: string;
    try {
      computed = hashEvent(event.prev_hash, event);
    } catch (error) {
      return bad('edited', `its contents cannot be hashed (${(error as Error).message})`);
    }
    if (computed !== event.hash) {
      return bad(
        'edited',
        'its hash does not match its contents: the event was edited after it was written',
      );
    }
    return null;
  }

  /**
   * The verdict. With `head` (the `audit_head` row), also checks that the trail ends where the head
   * says, which is how deleting or replacing the newest events is caught.
   */
  finish(head?: ChainPosition): ChainVerdict {
    if (this.problem) return { ok: false, problem: this.problem };
    const last = this.last;
    if (head) {
      if (last.seq < head.seq) {
        const first = last.seq + 1;
        const missing =
          first === head.seq ? `event ${first} is` : `events ${first} to ${head.seq} are`;
        return {
          ok: false,
          problem: {
            kind: 'newest_missing',
            seq: first,
            event: null,
            message: `${missing} missing: the audit head records ${head.seq} events but the trail ends at ${last.seq}; the newest were deleted`,
          },
        };
      }
      if (last.seq === head.seq && last.hash !== head.hash) {
        return {
          ok: false,
          problem: {
            kind: 'head_mismatch',
            seq: last.seq,
            event: this.lastEvent,
            message: `its hash differs from the one the audit head recorded for event ${last.seq}: the newest event was replaced or the head was edited`,
          },
        };
      }
    }
    return { ok: true, count: this.count, last };
  }
}

/**
 * The problem with an event found after the head's last seq that the head still does not cover
 * when read again (so it is not a concurrent append): it was added without advancing the head.
 */
export function beyondHeadProblem(event: ChainedEvent, head: ChainPosition): ChainProblem {
  return {
    kind: 'beyond_head',
    seq: event.seq,
    event: identify(event),
    message: `it lies beyond the audit head, which records ${head.seq} events: it was added outside the trail, or the head was edited`,
  };
}

/**
 * Verifies events given in seq order, starting after `startingPrevHash` (the genesis hash for a
 * whole trail; `startingSeq` is then 0). With `head`, also checks the trail ends where it says.
 */
export function verifyChain(
  events: Iterable<ChainedEvent>,
  startingPrevHash: string = GENESIS_HASH,
  options: { startingSeq?: number; head?: ChainPosition } = {},
): ChainVerdict {
  const verifier = new ChainVerifier({ seq: options.startingSeq ?? 0, hash: startingPrevHash });
  for (const event of events) {
    if (verifier.push(event)) break;
  }
  return verifier.finish(options.head);
}
