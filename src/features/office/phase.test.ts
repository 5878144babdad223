import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { daysBetween, termEndWarnings, type EndingAppointment } from './phase.js';

const appointment: EndingAppointment = {
  id: 'a1',
  userEmail: 'audits@office.example',
  positionTitle: 'Director Audits',
  additionalCharge: false,
  endsOn: '2026-07-31',
};

describe('warnings before a term ends', () => {
  it('counts whole days across months', () => {
    assert.equal(daysBetween('2026-06-30', '2026-07-31'), 31);
    assert.equal(daysBetween('2026-07-31', '2026-07-31'), 0);
  });

  it('says nothing more than 30 days ahead, then warns at 30, 7 and 1 days with distinct keys', () => {
    assert.deepEqual(
      termEndWarnings('2026-06-30', { phase: 'permanent', interimEndsOn: null }, [appointment]),
      [],
    );
    const at30 = termEndWarnings('2026-07-01', { phase: 'permanent', interimEndsOn: null }, [
      appointment,
    ]);
    const [first30] = at30;
    assert.ok(first30);
    assert.equal(first30.mark, 30);
    assert.equal(
      first30.message,
      "audits@office.example's appointment as Director Audits ends on 2026-07-31 (in 30 days).",
    );
    const at7 = termEndWarnings('2026-07-25', { phase: 'permanent', interimEndsOn: null }, [
      appointment,
    ]);
    const [first7] = at7;
    assert.ok(first7);
    assert.equal(first7.mark, 7);
    assert.notEqual(first7.key, first30.key);
    assert.equal(
      termEndWarnings('2026-07-31', { phase: 'permanent', interimEndsOn: null }, [
        appointment,
      ])[0]?.message.endsWith('(today).'),
      true,
    );
    assert.deepEqual(
      termEndWarnings('2026-08-01', { phase: 'permanent', interimEndsOn: null }, [appointment]),
      [],
    );
  });

  it('warns of the interim term ending, nearest first', () => {
    const warnings = termEndWarnings(
      '2026-07-30',
      { phase: 'interim', interimEndsOn: '2026-08-10' },
      [appointment],
    );
    assert.deepEqual(
      warnings.map((w) => w.kind),
      ['appointment', 'interim_term'],
    );
    assert.match(
      warnings[1]?.message ?? '',
      /interim term of the Cloud Office ends on 2026-08-10 \(in 11 days\)/,
    );
  });
});
