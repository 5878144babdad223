import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DEFAULT_OBLIGATIONS } from './default-obligations.js';

describe('DEFAULT_OBLIGATIONS', () => {
  it('carries the issue defaults: 1 h, daily updates, 30 days, 72 h for personal data', () => {
    assert.deepEqual(DEFAULT_OBLIGATIONS.reporting, {
      initialNoticeHours: 1,
      updateEveryHours: 24,
      finalReportDays: 30,
      personalDataHours: 72,
      levelNotice: 'stricter',
      levelNoticeParameter: 'co-brr-1_prm_1',
    });
  });

  it('quotes the reference policy in the clauses', () => {
    const clauses = DEFAULT_OBLIGATIONS.duties.map((d) => d.clause).join('\n');
    for (const words of [
      'must maintain utmost integrity to protect the data and meet the security requirements set forth by the Office',
      'failing any liability or obligation constitutes a breach',
      'any data breach must be disclosed to the Cloud Office as soon as it is discovered',
      'may seek incident reports and determine response measures',
    ])
      assert.ok(clauses.includes(words), `missing clause: ${words}`);
  });

  it('escalates Joint Director Audits, then Director Audits, then DG Cloud', () => {
    assert.deepEqual(
      DEFAULT_OBLIGATIONS.escalation.map((s) => s.post),
      ['joint_director_audits', 'director_audits', 'dg_cloud'],
    );
  });
});
