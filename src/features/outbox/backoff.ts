/** After this many failed attempts a message is given up on and stays unsent, for a person to look at. */
export const MAX_SEND_ATTEMPTS = 10;

const FIRST_RETRY_MS = 60_000;
const LONGEST_RETRY_MS = 6 * 60 * 60_000;

/**
 * How long to wait before trying again after the `attempts`-th failure: one minute, doubling each
 * time, at most six hours. Ten attempts span about eight and a half hours, long enough to ride out
 * a mail server down for the night.
 */
export function retryDelayMs(attempts: number): number {
  if (!Number.isInteger(attempts) || attempts < 1) {
    throw new RangeError(`attempts must be a whole number from 1, not ${attempts}`);
  }
  // Capping the exponent first keeps 2 ** n finite however many attempts are counted.
  return Math.min(FIRST_RETRY_MS * 2 ** Math.min(attempts - 1, 30), LONGEST_RETRY_MS);
}

/** When to try again after the `attempts`-th failure at `failedAt`, or undefined to give up. */
export function nextAttemptAt(failedAt: Date, attempts: number): Date | undefined {
  if (attempts >= MAX_SEND_ATTEMPTS) return undefined;
  return new Date(failedAt.getTime() + retryDelayMs(attempts));
}
