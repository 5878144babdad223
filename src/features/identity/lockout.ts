/**
 * Temporary lockout after repeated failed sign-ins (NIST SP 800-53 AC-7): from the fifth failure
 * in a row the account is locked for 15 minutes, doubling with each further failure, capped at a
 * day. A success resets the count.
 */
export const FAILURES_BEFORE_LOCKOUT = 5;
const FIRST_LOCKOUT_MS = 15 * 60 * 1000;
const LONGEST_LOCKOUT_MS = 24 * 60 * 60 * 1000;

/** How long the account is locked after `failures` failures in a row; 0 while under the limit. */
export function lockoutAfter(failures: number): number {
  if (failures < FAILURES_BEFORE_LOCKOUT) return 0;
  const doublings = Math.min(failures - FAILURES_BEFORE_LOCKOUT, 20);
  return Math.min(FIRST_LOCKOUT_MS * 2 ** doublings, LONGEST_LOCKOUT_MS);
}

export function isLocked(lockedUntil: string | null, now: Date): boolean {
  return lockedUntil !== null && new Date(lockedUntil).getTime() > now.getTime();
}
