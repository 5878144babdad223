import type { ControlResponse } from '../accreditation/responses.js';

/**
 * The customer responsibility matrix in brief, for the public register: how many controls the
 * provider, the customer or both answer for, how many do not apply, and what a public body using
 * the offering must do itself. Pure.
 */

export interface ResponsibilitySummary {
  provider: number;
  customer: number;
  shared: number;
  notApplicable: number;
  /** What the customer must do, per control, in control order. */
  customerResponsibilities: { controlId: string; text: string }[];
}

const collator = new Intl.Collator('en', { numeric: true, sensitivity: 'base' });

/**
 * Control ids in the order people read them: `ac-2` before `ac-10`, `ac-2.3` before `ac-2.10`
 * (plain text order would put `ac-10` first). Ids equal but for case keep a fixed order.
 */
export function compareControlIds(a: string, b: string): number {
  return collator.compare(a, b) || (a < b ? -1 : a > b ? 1 : 0);
}

/**
 * Counts each answered control once: a control that does not apply counts as `notApplicable`
 * whoever was named responsible, since nobody has anything to do for it. The customer's part is
 * listed for controls the customer or both answer for; an empty text is left out.
 */
export function responsibilitySummary(
  responses: readonly ControlResponse[],
): ResponsibilitySummary {
  const summary: ResponsibilitySummary = {
    provider: 0,
    customer: 0,
    shared: 0,
    notApplicable: 0,
    customerResponsibilities: [],
  };
  for (const response of responses) {
    if (response.status === 'not_applicable') {
      summary.notApplicable += 1;
      continue;
    }
    summary[response.responsibility] += 1;
    const text = response.customerResponsibility?.trim() ?? '';
    if (response.responsibility !== 'provider' && text !== '') {
      summary.customerResponsibilities.push({ controlId: response.controlId, text });
    }
  }
  summary.customerResponsibilities.sort((a, b) => compareControlIds(a.controlId, b.controlId));
  return summary;
}
