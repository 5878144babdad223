import { HOTP, Secret, TOTP } from 'otpauth';

/**
 * TOTP (RFC 6238) as every authenticator app understands it: HMAC-SHA1, six digits, 30-second
 * steps, a 160-bit secret (the length RFC 4226 section 4 recommends). Pure functions, no I/O.
 */
export const TOTP_PERIOD_SECONDS = 30;
export const TOTP_DIGITS = 6;
/** Codes of the step before and after are accepted too, for clocks that drift and slow typists. */
export const TOTP_WINDOW = 1;

/** A fresh random secret, in base32 as authenticator apps take it. */
export function newTotpSecret(): string {
  return new Secret({ size: 20 }).base32;
}

/** The otpauth:// URI a QR code carries (Key Uri Format), naming the issuer and the account. */
export function otpauthUri(secret: string, issuer: string, label: string): string {
  return new TOTP({
    issuer,
    label,
    secret: Secret.fromBase32(secret),
    algorithm: 'SHA1',
    digits: TOTP_DIGITS,
    period: TOTP_PERIOD_SECONDS,
  }).toString();
}

/** The 30-second step a moment falls in: seconds since the epoch divided by 30. */
export function totpStep(at: Date): number {
  return Math.floor(at.getTime() / 1000 / TOTP_PERIOD_SECONDS);
}

/** The code for a step (for tests and tools; the server only checks codes). */
export function totpCodeAt(secret: string, step: number): string {
  return HOTP.generate({
    secret: Secret.fromBase32(secret),
    algorithm: 'SHA1',
    digits: TOTP_DIGITS,
    counter: step,
  });
}

/**
 * The step whose code `code` is, within one step either side of `at`, or null. When the code
 * matches more than one step (a one-in-a-million coincidence), the latest wins, so that a replay
 * check against the last used step errs on the side of refusing.
 */
export function matchTotpStep(secret: string, code: string, at: Date): number | null {
  if (!/^\d{6}$/.test(code)) return null;
  const now = totpStep(at);
  const key = Secret.fromBase32(secret);
  for (let step = now + TOTP_WINDOW; step >= now - TOTP_WINDOW; step -= 1) {
    const delta = HOTP.validate({
      token: code,
      secret: key,
      algorithm: 'SHA1',
      digits: TOTP_DIGITS,
      counter: step,
      window: 0,
    });
    if (delta === 0) return step;
  }
  return null;
}
