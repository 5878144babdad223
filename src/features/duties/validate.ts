import {
  CHECK_KINDS,
  LEVEL_NOTICE_RULES,
  PARTIES,
  SEVERITIES,
  type ObligationProblem,
  type ObligationSet,
} from './model.js';

const FINDING_SEVERITIES: readonly string[] = ['low', 'moderate', 'high', 'critical'];
const KNOWN_SEVERITIES: readonly string[] = SEVERITIES;

const blank = (value: unknown): boolean => typeof value !== 'string' || value.trim() === '';
const quote = (value: unknown): string => {
  // JSON.stringify gives undefined for undefined, whatever its declared type says.
  const text = JSON.stringify(value) as string | undefined;
  return text ?? String(value);
};
const positive = (value: unknown): boolean =>
  typeof value === 'number' && Number.isFinite(value) && value > 0;

/**
 * Every reason the set cannot be published, each located by a JSON pointer; empty when usable.
 * Defensive about shapes because a stored set arrives as JSON an officer edited.
 */
export function validateObligations(set: ObligationSet): ObligationProblem[] {
  const problems: ObligationProblem[] = [];
  const add = (pointer: string, message: string) => problems.push({ pointer, message });

  const duties: unknown = set.duties;
  if (!Array.isArray(duties) || duties.length === 0) add('/duties', 'the set has no duties');
  const codes = new Set<string>();
  (Array.isArray(duties) ? set.duties : []).forEach((duty, i) => {
    const at = `/duties/${i}`;
    if (blank(duty.code)) add(`${at}/code`, 'a duty needs a code');
    // Codes are part of every breach key, so two duties of one code would share breaches.
    else if (codes.has(duty.code))
      add(`${at}/code`, `duty code ${quote(duty.code)} is used by two duties`);
    else codes.add(duty.code);
    if (!(PARTIES as readonly string[]).includes(duty.party))
      add(`${at}/party`, `party ${quote(duty.party)} is not one of ${PARTIES.join(', ')}`);
    if (blank(duty.text)) add(`${at}/text`, `duty ${quote(duty.code)} needs its text`);
    if (blank(duty.clause)) add(`${at}/clause`, `duty ${quote(duty.code)} needs its policy clause`);
    if (duty.severity !== undefined && !KNOWN_SEVERITIES.includes(duty.severity))
      add(
        `${at}/severity`,
        `severity ${quote(duty.severity)} is not one of ${KNOWN_SEVERITIES.join(', ')}`,
      );
    const check = duty.check;
    if (check === null) return;
    if (typeof check !== 'object' || !(CHECK_KINDS as readonly string[]).includes(check.kind)) {
      add(
        `${at}/check/kind`,
        `check kind ${quote((check as { kind?: unknown } | undefined)?.kind)} is unknown; known: ${CHECK_KINDS.join(', ')}`,
      );
      return;
    }
    if (check.kind === 'critical_findings_fixed_within') {
      if (!positive(check.days) || !Number.isInteger(check.days))
        add(`${at}/check/days`, `days must be a whole number above zero, not ${quote(check.days)}`);
      const severities: unknown = check.severities;
      if (!Array.isArray(severities) || severities.length === 0)
        add(`${at}/check/severities`, 'name at least one finding severity');
      else
        severities.forEach((severity: unknown, j) => {
          if (typeof severity !== 'string' || !FINDING_SEVERITIES.includes(severity))
            add(
              `${at}/check/severities/${j}`,
              `severity ${quote(severity)} is not one of ${FINDING_SEVERITIES.join(', ')}`,
            );
        });
    }
  });

  const reporting = set.reporting;
  for (const name of [
    'initialNoticeHours',
    'updateEveryHours',
    'finalReportDays',
    'personalDataHours',
  ] as const) {
    if (!positive(reporting[name]))
      add(`/reporting/${name}`, `${name} must be above zero, not ${quote(reporting[name])}`);
  }
  if (!(LEVEL_NOTICE_RULES as readonly string[]).includes(reporting.levelNotice))
    add(
      '/reporting/levelNotice',
      `levelNotice ${quote(reporting.levelNotice)} is not one of ${LEVEL_NOTICE_RULES.join(', ')}`,
    );
  if (reporting.levelNoticeParameter !== undefined && blank(reporting.levelNoticeParameter))
    add(
      '/reporting/levelNoticeParameter',
      `levelNoticeParameter must name a parameter by its id, not ${quote(reporting.levelNoticeParameter)}`,
    );

  const ladder: unknown = set.escalation;
  if (!Array.isArray(ladder) || ladder.length === 0)
    add('/escalation', 'the escalation ladder names no posts');
  else
    set.escalation.forEach((step, i) => {
      if (blank(step.post)) add(`/escalation/${i}/post`, 'an escalation step needs a post code');
      // Zero would escalate two steps at one instant, which reads as one step skipped.
      if (!positive(step.afterHours))
        add(
          `/escalation/${i}/afterHours`,
          `afterHours must be above zero, not ${quote(step.afterHours)}`,
        );
    });

  validateMatrix(set.severity, add);
  return problems;
}

const whole = (value: unknown): value is number =>
  typeof value === 'number' && Number.isInteger(value);

/**
 * The severity matrix: every tier names a row of `cells`, every row has one cell per scale band,
 * the bands grow (only the last may be unbounded), and every cell is a known severity. Whether
 * every data class of the pack has a tier is the pack's check (`validatePack`), since the classes
 * are the pack's.
 */
function validateMatrix(
  matrix: ObligationSet['severity'],
  add: (pointer: string, message: string) => void,
): void {
  if (typeof matrix !== 'object' || (matrix as unknown) === null) {
    add('/severity', 'the set needs a severity matrix');
    return;
  }
  const cells: unknown = matrix.cells;
  const rows = Array.isArray(cells) ? cells.length : 0;
  const scale: unknown = matrix.scale;
  const bands = Array.isArray(scale) ? scale.length : 0;
  const tier = (value: unknown, pointer: string, what: string) => {
    if (!whole(value) || value < 1 || value > rows)
      add(
        pointer,
        `${what} must be a tier from 1 to ${rows} (a row of the matrix), not ${quote(value)}`,
      );
  };

  const impact: unknown = matrix.classImpact;
  if (typeof impact !== 'object' || impact === null || Array.isArray(impact))
    add('/severity/classImpact', 'classImpact must give a tier for each data class');
  else
    for (const [code, value] of Object.entries(impact as Record<string, unknown>))
      tier(value, `/severity/classImpact/${pointerPart(code)}`, `the tier of class ${quote(code)}`);
  tier(matrix.unknownImpact, '/severity/unknownImpact', 'unknownImpact');

  if (!Array.isArray(scale) || bands === 0) add('/severity/scale', 'name at least one scale band');
  else {
    let previous = -1;
    matrix.scale.forEach((band, i) => {
      const at = `/severity/scale/${i}`;
      if (blank(band.label)) add(`${at}/label`, 'a scale band needs a label');
      if (band.upTo === null) {
        // An unbounded band before another would leave the later one unreachable.
        if (i !== bands - 1)
          add(`${at}/upTo`, 'only the last scale band may have no upper bound (null)');
        return;
      }
      if (!whole(band.upTo) || band.upTo < 0)
        add(`${at}/upTo`, `upTo must be a whole number of zero or more, not ${quote(band.upTo)}`);
      else if (band.upTo <= previous)
        add(`${at}/upTo`, `upTo must grow from band to band: ${band.upTo} follows ${previous}`);
      else previous = band.upTo;
    });
  }
  if (!whole(matrix.unknownScale) || matrix.unknownScale < 0 || matrix.unknownScale >= bands)
    add(
      '/severity/unknownScale',
      `unknownScale must be a band from 0 to ${bands - 1}, not ${quote(matrix.unknownScale)}`,
    );

  if (!Array.isArray(cells) || rows === 0) add('/severity/cells', 'the matrix needs rows of cells');
  else
    matrix.cells.forEach((row, i) => {
      const cellsOf: unknown = row;
      if (!Array.isArray(cellsOf) || cellsOf.length !== bands) {
        add(
          `/severity/cells/${i}`,
          `row ${i + 1} must have one cell per scale band (${bands}), not ${Array.isArray(cellsOf) ? cellsOf.length : quote(cellsOf)}`,
        );
        return;
      }
      row.forEach((cell, j) => {
        if (!KNOWN_SEVERITIES.includes(cell))
          add(
            `/severity/cells/${i}/${j}`,
            `severity ${quote(cell)} is not one of ${KNOWN_SEVERITIES.join(', ')}`,
          );
      });
    });
  if (!KNOWN_SEVERITIES.includes(matrix.personalDataAtLeast))
    add(
      '/severity/personalDataAtLeast',
      `severity ${quote(matrix.personalDataAtLeast)} is not one of ${KNOWN_SEVERITIES.join(', ')}`,
    );
}

/** A key as one RFC 6901 pointer segment. */
export function pointerPart(key: string): string {
  return key.replaceAll('~', '~0').replaceAll('/', '~1');
}
