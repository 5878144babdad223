import type { DeploymentModel, ServiceModel } from '../../db/schema.js';
import { pointerPart, validateObligations } from '../duties/validate.js';
import { isCountryCode } from '../offerings/countries.js';
import {
  IMPACTS,
  type Deviation,
  type PackProblem,
  type PlacementRule,
  type PolicyLevel,
  type PolicyPack,
} from './model.js';

export type { PackProblem } from './model.js';

const DEPLOYMENT_MODELS: readonly DeploymentModel[] = ['public', 'government', 'private', 'hybrid'];
const SERVICE_MODELS: readonly ServiceModel[] = ['saas', 'paas', 'iaas'];
const DEVIATIONS: readonly Deviation[] = ['deployment_model', 'residency', 'level'];
/** The longest NOC any pack may allow: the policy wants exemptions "time-based", not standing. */
export const MAX_NOC_MONTHS = 60;
/** A stored pack writes this for its own country, so that a copy for another country stays true. */
export const HOME = 'home';

const blank = (value: unknown): boolean => typeof value !== 'string' || value.trim() === '';
const quote = (value: unknown): string => {
  // JSON.stringify gives undefined for undefined and functions, whatever its declared type says.
  const text = JSON.stringify(value) as string | undefined;
  return text ?? String(value);
};

/**
 * Every reason the pack cannot be published, located by a JSON pointer into it; an empty list means
 * it is publishable. `levels` are the security levels in force (codes and ranks). Beside the shape,
 * it refuses what would make the engine unable to answer: a class without exactly one rule, a class
 * its rule allows nowhere (no deployment model, no country), codes that name nothing.
 */
export function validatePack(pack: PolicyPack, levels: readonly PolicyLevel[]): PackProblem[] {
  const problems: PackProblem[] = [];
  const add = (pointer: string, message: string) => problems.push({ pointer, message });

  if (!isCountryCode(pack.homeCountry))
    add(
      '/homeCountry',
      `homeCountry ${quote(pack.homeCountry)} is not an ISO 3166-1 alpha-2 country code (such as PK or KE)`,
    );

  // Classes: unique codes and ranks, since a dataset's class is "the highest class of anything in
  // it" and two classes of one rank would make that ambiguous.
  const classCodes = new Set<string>();
  const ranks = new Map<number, string>();
  if (pack.classes.length === 0) add('/classes', 'the pack has no data classes');
  pack.classes.forEach((dataClass, i) => {
    const at = `/classes/${i}`;
    if (blank(dataClass.code)) add(`${at}/code`, 'a class needs a code');
    else if (classCodes.has(dataClass.code))
      add(`${at}/code`, `class code ${quote(dataClass.code)} is used by two classes`);
    else classCodes.add(dataClass.code);
    if (blank(dataClass.name)) add(`${at}/name`, `class ${quote(dataClass.code)} needs a name`);
    if (blank(dataClass.definition))
      add(`${at}/definition`, `class ${quote(dataClass.code)} needs a definition`);
    if (!Number.isInteger(dataClass.rank))
      add(`${at}/rank`, `the rank of class ${quote(dataClass.code)} must be a whole number`);
    else {
      const other = ranks.get(dataClass.rank);
      if (other !== undefined)
        add(
          `${at}/rank`,
          `classes ${quote(other)} and ${quote(dataClass.code)} have the same rank ${dataClass.rank}; ` +
            'each class needs its own rank so that the highest class of a dataset is clear',
        );
      else ranks.set(dataClass.rank, dataClass.code);
    }
  });
  const knownClass = (code: string) => classCodes.has(code);
  const classList = [...classCodes].join(', ');

  const packModels = new Set<DeploymentModel>();
  pack.deploymentModels.forEach((model, i) => {
    if (!DEPLOYMENT_MODELS.includes(model.code))
      add(
        `/deploymentModels/${i}/code`,
        `${quote(model.code)} is not a deployment model; the models are ${DEPLOYMENT_MODELS.join(', ')}`,
      );
    else if (packModels.has(model.code))
      add(`/deploymentModels/${i}/code`, `deployment model ${quote(model.code)} is listed twice`);
    else packModels.add(model.code);
    if (blank(model.name)) add(`/deploymentModels/${i}/name`, 'a deployment model needs a name');
  });
  const serviceSeen = new Set<ServiceModel>();
  if (pack.serviceModels.length === 0)
    add(
      '/serviceModels',
      'the pack lists no service models (SaaS, PaaS, IaaS in order of preference)',
    );
  pack.serviceModels.forEach((model, i) => {
    if (!SERVICE_MODELS.includes(model.code))
      add(
        `/serviceModels/${i}/code`,
        `${quote(model.code)} is not a service model; the models are ${SERVICE_MODELS.join(', ')}`,
      );
    else if (serviceSeen.has(model.code))
      add(`/serviceModels/${i}/code`, `service model ${quote(model.code)} is listed twice`);
    else serviceSeen.add(model.code);
  });

  const levelCodes = new Set(levels.map((level) => level.code));
  const levelList = levels.map((level) => level.code).join(', ');

  // Rules: exactly one per class, each allowing the class somewhere.
  const ruled = new Set<string>();
  pack.rules.forEach((rule, i) => {
    const at = `/rules/${i}`;
    if (!knownClass(rule.classCode)) {
      add(
        `${at}/classCode`,
        `rule ${i + 1} is for class ${quote(rule.classCode)}, which the pack does not define (its classes: ${classList})`,
      );
    } else if (ruled.has(rule.classCode)) {
      add(`${at}/classCode`, `class ${quote(rule.classCode)} has more than one rule`);
    } else ruled.add(rule.classCode);
    validateRule(rule, at, { levelCodes, levelList, packModels }, add);
  });
  pack.classes.forEach((dataClass, i) => {
    if (!blank(dataClass.code) && !ruled.has(dataClass.code))
      add(
        `/classes/${i}`,
        `class ${quote(dataClass.code)} has no placement rule, so no decision could be made for its data`,
      );
  });

  const nocRuled = new Set<string>();
  pack.nocRules.forEach((nocRule, i) => {
    const at = `/nocRules/${i}`;
    if (!knownClass(nocRule.classCode))
      add(
        `${at}/classCode`,
        `NOC rule ${i + 1} is for class ${quote(nocRule.classCode)}, which the pack does not define (its classes: ${classList})`,
      );
    else if (nocRuled.has(nocRule.classCode))
      add(`${at}/classCode`, `class ${quote(nocRule.classCode)} has more than one NOC rule`);
    else nocRuled.add(nocRule.classCode);
    const deviations = new Set<Deviation>();
    nocRule.deviations.forEach((deviation, j) => {
      if (!DEVIATIONS.includes(deviation))
        add(
          `${at}/deviations/${j}`,
          `${quote(deviation)} is not a deviation a NOC can cover; they are ${DEVIATIONS.join(', ')}`,
        );
      else if (deviations.has(deviation))
        add(`${at}/deviations/${j}`, `deviation ${quote(deviation)} is listed twice`);
      else deviations.add(deviation);
    });
    nocRule.deploymentModels.forEach((model, j) => {
      if (!packModels.has(model))
        add(
          `${at}/deploymentModels/${j}`,
          `${quote(model)} is not one of the pack's deployment models`,
        );
    });
    if (deviations.has('deployment_model') && nocRule.deploymentModels.length === 0)
      add(
        `${at}/deploymentModels`,
        `the NOC rule for ${quote(nocRule.classCode)} covers the deployment model but names no model a NOC may open`,
      );
    if (!Number.isInteger(nocRule.maxMonths) || nocRule.maxMonths < 1)
      add(
        `${at}/maxMonths`,
        `a NOC must last at least 1 whole month, not ${quote(nocRule.maxMonths)}`,
      );
    else if (nocRule.maxMonths > MAX_NOC_MONTHS)
      add(
        `${at}/maxMonths`,
        `a NOC of ${nocRule.maxMonths} months is too long: the policy wants time-bound exemptions, at most ${MAX_NOC_MONTHS} months`,
      );
    if (blank(nocRule.clause)) add(`${at}/clause`, 'a NOC rule needs the clause it comes from');
  });

  // Classification: every impact gives a known class, never a lower one for a higher impact.
  const rankOf = new Map(pack.classes.map((c) => [c.code, c.rank] as const));
  let previous: { impact: string; rank: number } | null = null;
  for (const impact of IMPACTS) {
    const code = (pack.classification.byConfidentiality as Partial<Record<string, string>>)[impact];
    const at = `/classification/byConfidentiality/${impact}`;
    if (code === undefined) {
      add(
        at,
        `the classification does not say which class a ${impact} confidentiality impact gives`,
      );
      continue;
    }
    const rank = rankOf.get(code);
    if (rank === undefined) {
      add(at, `${quote(code)} is not a class of the pack (its classes: ${classList})`);
      continue;
    }
    if (previous && rank < previous.rank)
      add(
        at,
        `a ${impact} confidentiality impact gives a lower class (${code}) than ${previous.impact} does`,
      );
    previous = { impact, rank };
  }
  const markings = new Set<string>();
  pack.classification.byMarking.forEach((marking, i) => {
    const at = `/classification/byMarking/${i}`;
    if (blank(marking.marking)) add(`${at}/marking`, 'a marking needs a code');
    else if (markings.has(marking.marking))
      add(`${at}/marking`, `marking ${quote(marking.marking)} is listed twice`);
    else markings.add(marking.marking);
    if (!knownClass(marking.classCode))
      add(
        `${at}/classCode`,
        `marking ${quote(marking.marking)} gives class ${quote(marking.classCode)}, which the pack does not define`,
      );
    if (blank(marking.label)) add(`${at}/label`, `marking ${quote(marking.marking)} needs a label`);
  });

  // Duties (issue 7): the set's own checks under /duties, then the severity matrix against the
  // pack's classes, since an incident's data classes are the pack's and each needs a tier.
  if (pack.duties !== undefined) {
    for (const problem of validateObligations(pack.duties))
      add(`/duties${problem.pointer}`, problem.message);
    const impact: unknown = (pack.duties.severity as { classImpact?: unknown } | undefined)
      ?.classImpact;
    if (typeof impact === 'object' && impact !== null && !Array.isArray(impact)) {
      pack.classes.forEach((dataClass, i) => {
        if (!blank(dataClass.code) && !Object.hasOwn(impact, dataClass.code))
          add(
            `/duties/severity/classImpact`,
            `class ${quote(dataClass.code)} (/classes/${i}) has no impact tier in the severity matrix`,
          );
      });
      for (const code of Object.keys(impact))
        if (!knownClass(code))
          add(
            `/duties/severity/classImpact/${pointerPart(code)}`,
            `${quote(code)} is not a class of the pack (its classes: ${classList})`,
          );
    }
  }
  return problems;
}

function validateRule(
  rule: PlacementRule,
  at: string,
  known: {
    levelCodes: ReadonlySet<string>;
    levelList: string;
    packModels: ReadonlySet<DeploymentModel>;
  },
  add: (pointer: string, message: string) => void,
): void {
  const who = `the rule for ${quote(rule.classCode)}`;
  if (!known.levelCodes.has(rule.minimumLevel))
    add(
      `${at}/minimumLevel`,
      `${who} needs level ${quote(rule.minimumLevel)}, which is not a security level (the levels: ${known.levelList || 'none'})`,
    );
  if (rule.deploymentModels.length === 0)
    add(
      `${at}/deploymentModels`,
      `${who} permits no deployment model, so its data could go nowhere`,
    );
  const seen = new Set<string>();
  rule.deploymentModels.forEach((model, j) => {
    if (!known.packModels.has(model))
      add(
        `${at}/deploymentModels/${j}`,
        `${who} permits ${quote(model)}, which is not one of the pack's deployment models`,
      );
    else if (seen.has(model))
      add(`${at}/deploymentModels/${j}`, `${who} lists ${quote(model)} twice`);
    seen.add(model);
  });
  if (rule.customerDataIn !== 'anywhere') {
    if (!Array.isArray(rule.customerDataIn))
      add(
        `${at}/customerDataIn`,
        `${who}: customerDataIn must be "anywhere" or a list of countries, not ${quote(rule.customerDataIn)}`,
      );
    else if (rule.customerDataIn.length === 0)
      add(
        `${at}/customerDataIn`,
        `${who} allows customer data in no country, so its data could go nowhere`,
      );
    else
      rule.customerDataIn.forEach((country, j) => {
        if (country !== HOME && !isCountryCode(country))
          add(
            `${at}/customerDataIn/${j}`,
            `${quote(country)} is not an ISO 3166-1 alpha-2 country code or "${HOME}"`,
          );
      });
  } else if (rule.allDataIn)
    add(
      `${at}/allDataIn`,
      `${who} keeps all data where customer data may be, but customer data may be anywhere: name the countries or drop allDataIn`,
    );
  const ids = new Set<string>();
  rule.conditions.forEach((condition, j) => {
    if (blank(condition.id)) add(`${at}/conditions/${j}/id`, `${who}: a condition needs an id`);
    else if (ids.has(condition.id))
      add(`${at}/conditions/${j}/id`, `${who}: condition ${quote(condition.id)} is listed twice`);
    ids.add(condition.id);
    if (blank(condition.text))
      add(`${at}/conditions/${j}/text`, `${who}: condition ${quote(condition.id)} needs its text`);
    if (blank(condition.clause))
      add(
        `${at}/conditions/${j}/clause`,
        `${who}: condition ${quote(condition.id)} needs its clause`,
      );
  });
  if (blank(rule.clause)) add(`${at}/clause`, `${who} needs the clause it comes from`);
}
