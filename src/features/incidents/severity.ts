import { SEVERITIES, type Severity, type SeverityMatrix } from '../duties/model.js';

/**
 * An incident's severity from the matrix of the policy in force (issue 7, item 6). Pure: the
 * intake stores the result and its reason, so the record says why it was rated as it was even
 * after the policy changes.
 */

export interface SeverityFacts {
  /** Class codes of the data involved; empty when the report names none. */
  dataClasses: readonly string[];
  peopleAffected: number | null;
  recordsAffected: number | null;
  personalData: boolean;
}

export interface SeverityVerdict {
  severity: Severity;
  /** Which tier (and the class that set it) and which band, in words. */
  reason: string;
}

const rank = (severity: Severity): number => SEVERITIES.indexOf(severity);

const plural = (count: number, one: string, many: string): string =>
  `${count.toLocaleString('en-GB')} ${count === 1 ? one : many}`;

/**
 * The matrix cell of the report's highest impact tier and its scale band, raised to the matrix's
 * floor when personal data is involved. People affected decide the band; records only when the
 * number of people is unknown, since a person counts more than a row.
 */
export function severityOf(matrix: SeverityMatrix, facts: SeverityFacts): SeverityVerdict {
  const tiers = matrix.cells.length;
  const clampTier = (tier: number): number => Math.min(Math.max(Math.trunc(tier), 1), tiers);

  let tier = clampTier(matrix.unknownImpact);
  let tierWhy = `no data class was named, so tier ${tier} applies`;
  let top: { code: string; tier: number } | null = null;
  for (const code of facts.dataClasses) {
    const impact = matrix.classImpact[code];
    const classTier = clampTier(impact ?? matrix.unknownImpact);
    if (top === null || classTier > top.tier) top = { code, tier: classTier };
  }
  if (top !== null) {
    tier = top.tier;
    tierWhy =
      matrix.classImpact[top.code] === undefined
        ? `data class "${top.code}" has no tier in the matrix, so tier ${tier} applies`
        : `data class "${top.code}" is impact tier ${tier}`;
  }

  const row = matrix.cells[tier - 1] ?? [];
  const bands = Math.min(matrix.scale.length, row.length);
  const clampBand = (band: number): number => Math.min(Math.max(Math.trunc(band), 0), bands - 1);
  const count = facts.peopleAffected ?? facts.recordsAffected;
  let band: number;
  let bandWhy: string;
  if (count === null) {
    band = clampBand(matrix.unknownScale);
    bandWhy = `neither people nor records affected are known, so the band "${matrix.scale[band]?.label ?? band}" applies`;
  } else {
    const found = matrix.scale.findIndex((b) => b.upTo === null || count <= b.upTo);
    band = clampBand(found === -1 ? bands - 1 : found);
    const what =
      facts.peopleAffected !== null
        ? plural(count, 'person', 'people') + ' affected'
        : plural(count, 'record', 'records') + ' affected (people unknown)';
    bandWhy = `${what} falls in the band "${matrix.scale[band]?.label ?? band}"`;
  }

  const cell = row[band] ?? 'medium';
  let severity: Severity = cell;
  let reason = `${capitalise(tierWhy)}; ${bandWhy}: ${cell}.`;
  if (facts.personalData && rank(cell) < rank(matrix.personalDataAtLeast)) {
    severity = matrix.personalDataAtLeast;
    reason += ` Raised to ${severity} because personal data is involved.`;
  }
  return { severity, reason };
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
