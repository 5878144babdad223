import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { appointmentsOn, powersOn, type HeldAppointment } from './positions.js';

const director: HeldAppointment = {
  positionCode: 'director_audits',
  positionTitle: 'Director Audits',
  powers: ['assign_audit', 'view_audit_trail'],
  startsOn: '2026-01-01',
  endsOn: '2026-06-30',
  additionalCharge: false,
};
const actingDg: HeldAppointment = {
  positionCode: 'dg_cloud',
  positionTitle: 'DG Cloud',
  powers: ['decide_accreditation'],
  startsOn: '2026-03-01',
  endsOn: '2026-03-31',
  additionalCharge: true,
};

describe('powers follow the posts held on the day', () => {
  it('include an additional charge only while it runs, both ends inclusive', () => {
    assert.deepEqual([...powersOn([director, actingDg], '2026-02-28')].sort(), [
      'assign_audit',
      'view_audit_trail',
    ]);
    assert.ok(powersOn([director, actingDg], '2026-03-01').has('decide_accreditation'));
    assert.ok(powersOn([director, actingDg], '2026-03-31').has('decide_accreditation'));
    assert.ok(!powersOn([director, actingDg], '2026-04-01').has('decide_accreditation'));
  });

  it('end with the appointment; an open-ended one runs on', () => {
    assert.equal(powersOn([director], '2026-07-01').size, 0);
    assert.equal(appointmentsOn([{ ...director, endsOn: null }], '2030-01-01').length, 1);
  });

  it('do not start before the appointment does', () => {
    assert.equal(appointmentsOn([director], '2025-12-31').length, 0);
  });
});
