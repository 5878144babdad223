import type { DeploymentModel } from '../../db/schema.js';
import type { Deviation, PackProblem, PolicyPack } from './model.js';

/** What a PSE asks a NOC to cover, and for how long (days are YYYY-MM-DD, both inclusive). */
export interface NocTerms {
  classCode: string;
  covers: Deviation[];
  /** With `deployment_model`: the models the NOC would allow. */
  deploymentModels: DeploymentModel[];
  validFrom: string;
  validUntil: string;
}

const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;

function parseDay(day: string): Date | null {
  const match = DAY.exec(day);
  if (!match) return null;
  const date = new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])));
  return date.toISOString().slice(0, 10) === day ? date : null;
}

/**
 * The last day a NOC starting on `validFrom` may run for at most `months` months: the day before
 * the same date `months` later, a month-end date clamped to the end of a shorter month (a
 * 12-month NOC from 2026-03-01 runs through 2027-02-28; one from 2026-01-31 for 1 month through
 * 2026-02-27).
 */
export function lastNocDay(validFrom: string, months: number): string {
  const from = parseDay(validFrom);
  if (!from) throw new Error(`${validFrom} is not a day (YYYY-MM-DD)`);
  const year = from.getUTCFullYear();
  const month = from.getUTCMonth() + months;
  const lastOfTarget = new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
  const end = new Date(Date.UTC(year, month, Math.min(from.getUTCDate(), lastOfTarget)));
  end.setUTCDate(end.getUTCDate() - 1);
  return end.toISOString().slice(0, 10);
}

/**
 * Every reason the policy refuses these NOC terms (pointers into the terms); empty = the policy
 * allows them. The pack says which deviations a NOC may cover for each class, which deployment
 * models it may open and for how many months at most (PCFP: a "time-based" NOC "if there is a
 * legitimate reason for deviation/exemption"); whether the reason is legitimate is the officers'
 * call, not this function's.
 */
export function checkNocTerms(pack: PolicyPack, terms: NocTerms): PackProblem[] {
  const problems: PackProblem[] = [];
  const add = (pointer: string, message: string) => problems.push({ pointer, message });
  const dataClass = pack.classes.find((c) => c.code === terms.classCode);
  if (!dataClass) {
    add(
      '/classCode',
      `"${terms.classCode}" is not a data class of this policy; the classes are ${pack.classes.map((c) => c.code).join(', ')}`,
    );
    return problems;
  }
  const rule = pack.nocRules.find((n) => n.classCode === terms.classCode);
  if (!rule || rule.deviations.length === 0) {
    add('/classCode', `the policy allows no NOC for ${dataClass.name} data`);
    return problems;
  }
  if (terms.covers.length === 0) add('/covers', 'say which deviation the NOC would cover');
  terms.covers.forEach((deviation, i) => {
    if (!rule.deviations.includes(deviation))
      add(
        `/covers/${i}`,
        `a NOC for ${dataClass.name} data may cover only ${rule.deviations.join(', ')}, not ${deviation}`,
      );
  });
  if (terms.covers.includes('deployment_model')) {
    if (terms.deploymentModels.length === 0)
      add('/deploymentModels', 'say which deployment model the NOC would allow');
    terms.deploymentModels.forEach((model, i) => {
      if (!rule.deploymentModels.includes(model))
        add(
          `/deploymentModels/${i}`,
          `a NOC for ${dataClass.name} data may allow only ${rule.deploymentModels.join(', ')}, not ${model}`,
        );
    });
  }
  const from = parseDay(terms.validFrom);
  const until = parseDay(terms.validUntil);
  if (!from) add('/validFrom', `${JSON.stringify(terms.validFrom)} is not a day (YYYY-MM-DD)`);
  if (!until) add('/validUntil', `${JSON.stringify(terms.validUntil)} is not a day (YYYY-MM-DD)`);
  if (from && until) {
    const last = lastNocDay(terms.validFrom, rule.maxMonths);
    if (terms.validUntil < terms.validFrom)
      add(
        '/validUntil',
        `the NOC would end (${terms.validUntil}) before it starts (${terms.validFrom})`,
      );
    else if (terms.validUntil > last)
      add(
        '/validUntil',
        `a NOC for ${dataClass.name} data may last at most ${rule.maxMonths} month${rule.maxMonths === 1 ? '' : 's'}: ` +
          `from ${terms.validFrom} it may run until ${last}, not ${terms.validUntil}`,
      );
  }
  return problems;
}
