import type { AccreditationEvent, AccreditationEventType } from '../accreditation/events.js';

/**
 * The public status history of an offering, read from the domain events of its granted records.
 * Pure. Only the standing events are public: how an application got to a decision (returns,
 * findings, legal review) stays between the provider and the office.
 */

/** The statuses an offering can have on the register. */
export const REGISTER_STATUSES = ['accredited', 'suspended', 'revoked', 'expired'] as const;
export type RegisterStatus = (typeof REGISTER_STATUSES)[number];

/** A status in the history may also be `superseded`: a renewal or reassessment replaced it. */
export type HistoryStatus = RegisterStatus | 'superseded';

export interface StatusChange {
  status: HistoryStatus;
  /** ISO-8601 instant of the decision. */
  at: string;
  /** The DG Cloud's stated reason, where the decision has one (suspension, reinstatement, revocation). */
  reason?: string;
}

const STATUS_OF: Partial<Record<AccreditationEventType, HistoryStatus>> = {
  AccreditationGranted: 'accredited',
  AccreditationSuspended: 'suspended',
  AccreditationReinstated: 'accredited',
  AccreditationRevoked: 'revoked',
  AccreditationExpired: 'expired',
  AccreditationSuperseded: 'superseded',
};

/** The change an event makes to the public status; undefined for events the public does not see. */
export function statusChangeOf(event: AccreditationEvent): StatusChange | undefined {
  const status = STATUS_OF[event.type];
  if (status === undefined) return undefined;
  switch (event.type) {
    case 'AccreditationSuspended':
    case 'AccreditationReinstated':
    case 'AccreditationRevoked':
      return { status, at: event.at, reason: event.reason };
    default:
      return { status, at: event.at };
  }
}

/**
 * A renewal's grant and its predecessor's superseding are written in one transaction, at the same
 * instant; the record that ends is listed before the one that starts, so the history reads in the
 * order things happened.
 */
const ENDS_A_RECORD: ReadonlySet<HistoryStatus> = new Set(['superseded', 'expired', 'revoked']);

/** ISO-8601 UTC instants sort as text; no locale rules wanted. */
function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The public history, oldest first, from events of every granted record of one offering. */
export function statusHistory(events: readonly AccreditationEvent[]): StatusChange[] {
  const changes = events.flatMap((event) => statusChangeOf(event) ?? []);
  return changes
    .map((change, index) => ({ change, index }))
    .sort(
      (a, b) =>
        compareText(a.change.at, b.change.at) ||
        Number(ENDS_A_RECORD.has(b.change.status)) - Number(ENDS_A_RECORD.has(a.change.status)) ||
        a.index - b.index,
    )
    .map(({ change }) => change);
}
