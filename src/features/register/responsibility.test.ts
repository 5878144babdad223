import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ControlResponse } from '../accreditation/responses.js';
import { compareControlIds, responsibilitySummary } from './responsibility.js';

const answer = (
  controlId: string,
  responsibility: ControlResponse['responsibility'],
  status: ControlResponse['status'] = 'implemented',
  customerResponsibility: string | null = null,
): ControlResponse => ({
  controlId,
  status,
  responsibility,
  narrative: status === 'not_applicable' ? '' : 'How.',
  reason: status === 'not_applicable' ? 'No such part.' : null,
  evidenceDocumentIds: [],
  customerResponsibility,
});

describe('compareControlIds', () => {
  it('orders numbers within ids by value, as people read them', () => {
    assert.deepEqual(
      ['ac-10', 'ac-2.10', 'ac-2', 'ac-2.3', 'au-1', 'ac-1'].sort(compareControlIds),
      ['ac-1', 'ac-2', 'ac-2.3', 'ac-2.10', 'ac-10', 'au-1'],
    );
  });

  it('gives a fixed order to ids equal but for case', () => {
    assert.ok(compareControlIds('AC-1', 'ac-1') < 0);
    assert.ok(compareControlIds('ac-1', 'AC-1') > 0);
    assert.equal(compareControlIds('ac-1', 'ac-1'), 0);
  });
});

describe('responsibilitySummary', () => {
  it('counts each control once by who answers for it, not-applicable ones apart', () => {
    const summary = responsibilitySummary([
      answer('ac-1', 'provider'),
      answer('ac-2', 'provider', 'partial'),
      answer('ac-3', 'customer', 'implemented', 'Manage your own users.'),
      answer('ac-4', 'shared', 'planned', 'Label your data.'),
      answer('ac-5', 'shared', 'not_applicable', 'Ignored: it does not apply.'),
      answer('ac-6', 'customer', 'not_applicable'),
    ]);
    assert.deepEqual(
      [summary.provider, summary.customer, summary.shared, summary.notApplicable],
      [2, 1, 1, 2],
    );
  });

  it("lists the customer's part of controls the customer or both answer for, in control order", () => {
    const summary = responsibilitySummary([
      answer('ac-10', 'shared', 'implemented', '  Rotate keys yearly. '),
      answer('ac-2', 'customer', 'implemented', 'Review accounts monthly.'),
      answer('ac-3', 'customer', 'implemented', '   '),
      answer('ac-4', 'provider', 'implemented', 'A provider answer has no customer part.'),
    ]);
    assert.deepEqual(summary.customerResponsibilities, [
      { controlId: 'ac-2', text: 'Review accounts monthly.' },
      { controlId: 'ac-10', text: 'Rotate keys yearly.' },
    ]);
  });

  it('is all zeros without answers', () => {
    assert.deepEqual(responsibilitySummary([]), {
      provider: 0,
      customer: 0,
      shared: 0,
      notApplicable: 0,
      customerResponsibilities: [],
    });
  });
});
