import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { matchTotpStep, newTotpSecret, otpauthUri, totpCodeAt, totpStep } from './totp.js';

// RFC 6238 appendix B: the SHA-1 seed "12345678901234567890", in base32.
const RFC_SECRET = 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ';

describe('TOTP', () => {
  it('computes the RFC 6238 test vectors (their last six digits)', () => {
    const vectors: [number, string][] = [
      [59, '287082'],
      [1111111109, '081804'],
      [1111111111, '050471'],
      [1234567890, '005924'],
      [2000000000, '279037'],
    ];
    for (const [seconds, code] of vectors) {
      assert.equal(totpCodeAt(RFC_SECRET, totpStep(new Date(seconds * 1000))), code, `${seconds}`);
    }
  });

  it('matches a code of the current step or one either side, naming the step', () => {
    const at = new Date('2026-03-02T09:00:10Z');
    const now = totpStep(at);
    for (const offset of [-1, 0, 1]) {
      assert.equal(
        matchTotpStep(RFC_SECRET, totpCodeAt(RFC_SECRET, now + offset), at),
        now + offset,
      );
    }
    for (const offset of [-2, 2]) {
      assert.equal(matchTotpStep(RFC_SECRET, totpCodeAt(RFC_SECRET, now + offset), at), null);
    }
    assert.equal(matchTotpStep(RFC_SECRET, '12345', at), null, 'six digits only');
    assert.equal(matchTotpStep(RFC_SECRET, '12345a', at), null);
  });

  it('makes 160-bit secrets and an otpauth URI authenticator apps read', () => {
    const secret = newTotpSecret();
    assert.match(secret, /^[A-Z2-7]{32}$/);
    assert.notEqual(newTotpSecret(), secret);
    const uri = new URL(otpauthUri(secret, 'Cloud Office', 'dg@office.example'));
    assert.equal(uri.protocol, 'otpauth:');
    assert.equal(uri.host, 'totp');
    assert.equal(decodeURIComponent(uri.pathname), '/Cloud Office:dg@office.example');
    assert.equal(uri.searchParams.get('secret'), secret);
    assert.equal(uri.searchParams.get('algorithm'), 'SHA1');
  });
});
