import {
  CHECK_KINDS,
  LEVEL_NOTICE_RULES,
  PARTIES,
  type ObligationProblem,
  type ObligationSet,
} from './model.js';

const SEVERITIES: readonly string[] = ['low', 'moderate', 'high', 'critical'];

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
          if (typeof severity !== 'string' || !SEVERITIES.includes(severity))
            add(
              `${at}/check/severities/${j}`,
              `severity ${quote(severity)} is not one of ${SEVERITIES.join(', ')}`,
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

  return problems;
}
