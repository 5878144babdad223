import type { DeploymentModel, ServiceModel } from '../../db/schema.js';
import { AppError } from '../../errors.js';
import { countryName } from '../offerings/countries.js';
import type {
  ActiveNoc,
  Decision,
  Deviation,
  FacilityFacts,
  FacilityKind,
  OfferingFacts,
  Outcome,
  PolicyLevel,
  PolicyPack,
  ReasonCode,
  RuleOutcome,
  RuleResult,
  Standing,
} from './model.js';
import { HOME, validatePack } from './validate.js';

/*
 * The placement decision engine (issue 6): "may this system's data go on this offering?".
 *
 * Design, for a national scale (tens of thousands of systems re-decided whenever a policy or an
 * offering changes, and a target of a million decisions a second on one core):
 *
 * - `compilePolicy` runs once per policy version and turns the pack into lookup tables: class code
 *   -> compiled rule (minimum level rank, a bit mask of permitted deployment models, a Set of
 *   countries or null for "anywhere", the NOC rule as bit masks).
 * - The words are worked out at compile time too. Every rule result whose message depends only on
 *   the class and on a value from a small set (the offering's level, its deployment model, met or
 *   not) is built once, frozen, and shared by every decision that reaches it. `decide` allocates
 *   only the decision, its list and, in the rare cases whose words name the offering's own places or
 *   a NOC, that one result. No string is built on the common path.
 * - Results carry a stable code (`reason`) beside the words, in a fixed order (accreditation, level,
 *   deployment model, residency, then the class's conditions in pack order), and the decision keeps
 *   its inputs: the same compiled policy and facts give the same decision, identical as JSON.
 *
 * A PSE's own private-cloud or on-premises facility is decided by `decideFacility`, apart from
 * `decide`, so that the offering path stays as it is (docs/placement-rules.md, "Facilities").
 *
 * Nothing here names a country, a class or a level: they all come from the pack and the levels.
 */

const MODEL_BITS: Readonly<Record<DeploymentModel, number>> = {
  public: 1,
  government: 2,
  private: 4,
  hybrid: 8,
};
const DEVIATION_BITS: Readonly<Record<Deviation, number>> = {
  deployment_model: 1,
  residency: 2,
  level: 4,
};
const MODELS = Object.keys(MODEL_BITS) as DeploymentModel[];
/** The model's bit; 0 for a value outside the type (stored data is read, not trusted). */
const modelBit = (model: string): number =>
  (MODEL_BITS as Readonly<Partial<Record<string, number>>>)[model] ?? 0;
const DEFAULT_ACCREDITATION_CLAUSE =
  'The policy: data may go only to an offering the Cloud Office has accredited, while its accreditation is in force';

interface CompiledRule {
  readonly classCode: string;
  readonly className: string;
  readonly minimumRank: number;
  readonly minimumTitle: string;
  readonly clause: string;
  /** Permitted deployment models as bits of MODEL_BITS. */
  readonly modelMask: number;
  /** Countries customer data may be in; null: anywhere. */
  readonly countries: ReadonlySet<string> | null;
  readonly allDataIn: boolean;
  /** "Pakistan", "Kenya or Uganda": where the data must stay, in words. */
  readonly placeWords: string;
  readonly noc: { deviations: number; models: number; clause: string } | null;
  // Results shared by every decision that reaches them (see the design note above).
  readonly levelResults: ReadonlyMap<string, RuleResult>;
  readonly levelUnknown: RuleResult;
  readonly modelResults: Readonly<Record<DeploymentModel, RuleResult>>;
  readonly residencyMet: RuleResult;
  readonly conditions: readonly RuleResult[];
  /** A PSE's own facility (`decideFacility`): its level and deployment-model results, by kind. */
  readonly facilityLevel: RuleResult;
  readonly facilityModel: Readonly<Record<FacilityKind, RuleResult>>;
}

/** A policy version made ready for deciding: build once with `compilePolicy`, use for every decision. */
export interface CompiledPolicy {
  readonly pack: PolicyPack;
  readonly homeCountry: string;
  readonly levels: readonly PolicyLevel[];
  readonly rules: ReadonlyMap<string, CompiledRule>;
  /** Position of each service model in the pack's order of preference (0 = most preferred). */
  readonly servicePreference: Readonly<Record<ServiceModel, number>>;
  readonly accredited: RuleResult;
  readonly notInForce: RuleResult;
  /** The accreditation rule for a PSE's own facility, by kind: it does not apply. */
  readonly notAnOffering: Readonly<Record<FacilityKind, RuleResult>>;
  readonly modelNames: Readonly<Record<DeploymentModel, string>>;
}

function result(
  rule: RuleResult['rule'],
  outcome: RuleOutcome,
  reason: ReasonCode,
  clause: string,
  message: string,
  nocId: string | null = null,
  conditionId: string | null = null,
): RuleResult {
  // One shape, one key order, for every result: keeps JSON stable and V8's objects monomorphic.
  return { rule, outcome, reason, clause, message, nocId, conditionId };
}

const frozen = (r: RuleResult): RuleResult => Object.freeze(r);

const countryNames = new Map<string, string>();
/** The country's English name; cached because ICU's lookup is slow next to a decision. */
function countryWord(code: string): string {
  let name = countryNames.get(code);
  if (name === undefined) {
    name = countryName(code);
    countryNames.set(code, name);
  }
  return name;
}

/** "A", "A and B", "A, B and C" (or "or"). */
function list(words: readonly string[], last: 'and' | 'or'): string {
  if (words.length <= 1) return words[0] ?? '';
  return `${words.slice(0, -1).join(', ')} ${last} ${words[words.length - 1] ?? ''}`;
}

/**
 * Compiles a policy version into lookup tables and prepared words. `levels` are the security
 * levels (codes, ranks and titles). Refuses a pack `validatePack` refuses, naming each problem.
 */
export function compilePolicy(pack: PolicyPack, levels: readonly PolicyLevel[]): CompiledPolicy {
  const problems = validatePack(pack, levels);
  if (problems.length > 0)
    throw new AppError(
      422,
      'invalid_policy_pack',
      `The policy pack cannot be used: ${problems.map((p) => p.message).join('; ')}`,
      problems.map((p) => ({ in: 'body', pointer: p.pointer, message: p.message })),
    );
  const levelByCode = new Map(levels.map((level) => [level.code, level] as const));
  const levelTitle = (level: PolicyLevel) => level.title ?? level.code;
  const modelNames = {} as Record<DeploymentModel, string>;
  for (const model of MODELS)
    modelNames[model] = pack.deploymentModels.find((m) => m.code === model)?.name ?? model;
  const servicePreference = { saas: 0, paas: 0, iaas: 0 } as Record<ServiceModel, number>;
  const listed = pack.serviceModels.map((m) => m.code);
  for (const model of ['saas', 'paas', 'iaas'] as const) {
    const at = listed.indexOf(model);
    servicePreference[model] = at === -1 ? listed.length : at;
  }

  const rules = new Map<string, CompiledRule>();
  for (const rule of pack.rules) {
    const dataClass = pack.classes.find((c) => c.code === rule.classCode);
    const minimum = levelByCode.get(rule.minimumLevel);
    if (!dataClass || !minimum) throw new Error('unreachable: validatePack checks both');
    const name = dataClass.name;
    const nocRule = pack.nocRules.find((n) => n.classCode === rule.classCode);
    const countries =
      rule.customerDataIn === 'anywhere'
        ? null
        : new Set(rule.customerDataIn.map((c) => (c === HOME ? pack.homeCountry : c)));
    const placeWords = countries ? list([...countries].map(countryWord), 'or') : 'anywhere';
    let modelMask = 0;
    for (const model of rule.deploymentModels) modelMask |= MODEL_BITS[model];
    const permitted = list(
      rule.deploymentModels.map((m) => modelNames[m]),
      'or',
    );

    const minTitle = levelTitle(minimum);
    const levelResults = new Map<string, RuleResult>();
    for (const level of levels) {
      const met = level.rank >= minimum.rank;
      levelResults.set(
        level.code,
        frozen(
          result(
            'level',
            met ? 'met' : 'not_met',
            met ? 'level_at_or_above' : 'level_below',
            rule.clause,
            met
              ? `${name} data needs an offering accredited at ${minTitle} or higher; this offering is accredited at ${levelTitle(level)}.`
              : `${name} data needs an offering accredited at ${minTitle} or higher; this offering is accredited only at ${levelTitle(level)}.`,
          ),
        ),
      );
    }
    const modelResults = {} as Record<DeploymentModel, RuleResult>;
    for (const model of MODELS) {
      const met = (modelMask & MODEL_BITS[model]) !== 0;
      modelResults[model] = frozen(
        result(
          'deployment_model',
          met ? 'met' : 'not_met',
          met ? 'model_permitted' : 'model_not_permitted',
          rule.clause,
          met
            ? `${name} data may go to ${permitted}; this offering is ${modelNames[model]}.`
            : `${name} data may go only to ${permitted}; this offering is ${modelNames[model]}.`,
        ),
      );
    }
    const residencyMet = frozen(
      countries === null
        ? result(
            'residency',
            'met',
            'residency_anywhere',
            rule.clause,
            `${name} data may be kept in any country.`,
          )
        : result(
            'residency',
            'met',
            'residency_met',
            rule.clause,
            rule.allDataIn
              ? `${name} data must stay in ${placeWords}, backups and disaster-recovery copies included; this offering keeps all of it there.`
              : `${name} data must stay in ${placeWords}; this offering keeps customer data there.`,
          ),
    );
    const privateMet = (modelMask & MODEL_BITS.private) !== 0;
    const facilityModel: Record<FacilityKind, RuleResult> = {
      private_cloud: frozen(
        result(
          'deployment_model',
          privateMet ? 'met' : 'not_met',
          privateMet ? 'model_permitted' : 'model_not_permitted',
          rule.clause,
          privateMet
            ? `${name} data may go to ${permitted}; this system's own facility is a private cloud, judged as ${modelNames.private}.`
            : `${name} data may go only to ${permitted}; this system's own facility is a private cloud, judged as ${modelNames.private}, so it needs a NOC from the Cloud Office.`,
        ),
      ),
      on_premises: frozen(
        result(
          'deployment_model',
          'not_met',
          'facility_not_cloud',
          rule.clause,
          `${name} data may go only to ${permitted}; this system's own facility is on premises, which is not a cloud: going non-cloud needs a NOC from the Cloud Office.`,
        ),
      ),
    };
    const facilityLevel = frozen(
      result(
        'level',
        'not_met',
        'facility_no_level',
        rule.clause,
        `${name} data needs a place accredited at ${minTitle} or higher; a facility of the PSE's own is not accredited and has no level, so it needs a NOC from the Cloud Office.`,
      ),
    );
    let nocMask = 0;
    let nocModels = 0;
    for (const deviation of nocRule?.deviations ?? []) nocMask |= DEVIATION_BITS[deviation];
    for (const model of nocRule?.deploymentModels ?? []) nocModels |= MODEL_BITS[model];
    rules.set(rule.classCode, {
      classCode: rule.classCode,
      className: name,
      minimumRank: minimum.rank,
      minimumTitle: minTitle,
      clause: rule.clause,
      modelMask,
      countries,
      allDataIn: rule.allDataIn,
      placeWords,
      noc:
        nocRule && nocMask !== 0
          ? { deviations: nocMask, models: nocModels, clause: nocRule.clause }
          : null,
      levelResults,
      levelUnknown: frozen(
        result(
          'level',
          'not_met',
          'level_unknown',
          rule.clause,
          `${name} data needs an offering accredited at ${minTitle} or higher; this offering holds no accreditation in force, so it has no level.`,
        ),
      ),
      modelResults,
      residencyMet,
      facilityLevel,
      facilityModel,
      conditions: rule.conditions.map((condition) =>
        frozen(
          result(
            'condition',
            'condition',
            'condition',
            condition.clause,
            `Condition for ${name} data: ${condition.text}`,
            null,
            condition.id,
          ),
        ),
      ),
    });
  }
  const accreditationClause = pack.accreditationClause ?? DEFAULT_ACCREDITATION_CLAUSE;
  return {
    pack,
    homeCountry: pack.homeCountry,
    levels,
    rules,
    servicePreference,
    modelNames,
    accredited: frozen(
      result(
        'accreditation',
        'met',
        'accredited',
        accreditationClause,
        "This offering's accreditation is in force on the day of the decision.",
      ),
    ),
    notInForce: frozen(
      result(
        'accreditation',
        'not_met',
        'not_in_force',
        accreditationClause,
        'This offering is not accredited on the day of the decision (never accredited, or its accreditation is suspended, revoked or expired), so no government data may go to it.',
      ),
    ),
    notAnOffering: {
      private_cloud: frozen(
        result(
          'accreditation',
          'not_applicable',
          'not_an_offering',
          accreditationClause,
          "Does not apply: this is the PSE's own private cloud, not a cloud service offering, and the Cloud Office accredits offerings only.",
        ),
      ),
      on_premises: frozen(
        result(
          'accreditation',
          'not_applicable',
          'not_an_offering',
          accreditationClause,
          "Does not apply: this is the PSE's own on-premises facility, not a cloud service offering, and the Cloud Office accredits offerings only.",
        ),
      ),
    },
  };
}

/** The class's compiled rule, or a 400 naming the classes there are. */
function ruleFor(policy: CompiledPolicy, classCode: string): CompiledRule {
  const rule = policy.rules.get(classCode);
  if (rule === undefined)
    throw AppError.badRequest(
      'unknown_class',
      `"${classCode}" is not a data class of this policy; the classes are ${[...policy.rules.keys()].join(', ')}`,
    );
  return rule;
}

/**
 * The NOC that covers `deviation` for this class, if the policy lets a NOC cover it (and, for the
 * deployment model, open this model) and a NOC in force says so. Of several, the one in force the
 * longest wins, then the smallest id, so the choice is reproducible.
 */
function coveringNoc(
  rule: CompiledRule,
  deviation: Deviation,
  model: DeploymentModel,
  nocs: readonly ActiveNoc[],
): ActiveNoc | null {
  const allowed = rule.noc;
  if (allowed === null || (allowed.deviations & DEVIATION_BITS[deviation]) === 0) return null;
  if (deviation === 'deployment_model' && (allowed.models & modelBit(model)) === 0) return null;
  let best: ActiveNoc | null = null;
  for (const noc of nocs) {
    if (!noc.covers.includes(deviation)) continue;
    if (deviation === 'deployment_model' && !noc.deploymentModels.includes(model)) continue;
    if (
      best === null ||
      noc.validUntil > best.validUntil ||
      (noc.validUntil === best.validUntil && noc.id < best.id)
    )
      best = noc;
  }
  return best;
}

function coveredBy(rule: CompiledRule, failed: RuleResult, noc: ActiveNoc): RuleResult {
  return result(
    failed.rule,
    'covered_by_noc',
    failed.reason,
    rule.noc?.clause ?? failed.clause,
    `${failed.message} NOC ${noc.id}, in force until ${noc.validUntil}, allows this deviation for this system.`,
    noc.id,
  );
}

/** "Frankfurt (Germany) and Singapore": the places of `purpose` outside the allowed countries. */
function placesOutside(
  offering: OfferingFacts,
  allowed: ReadonlySet<string>,
  countries: readonly string[],
  customerDataOnly: boolean,
): string {
  const words: string[] = [];
  if (offering.locations && offering.locations.length > 0) {
    for (const location of offering.locations) {
      if (allowed.has(location.country)) continue;
      if (customerDataOnly && location.purpose !== 'customer_data') continue;
      const country = countryWord(location.country);
      const city = location.city.trim();
      const word =
        city === '' || city.toLowerCase() === country.toLowerCase()
          ? country
          : `${city} (${country})`;
      if (!words.includes(word)) words.push(word);
    }
  }
  if (words.length === 0)
    for (const code of countries) if (!allowed.has(code)) words.push(countryWord(code));
  return list(words, 'and');
}

function residency(rule: CompiledRule, offering: OfferingFacts): RuleResult {
  const allowed = rule.countries;
  if (allowed === null) return rule.residencyMet;
  const customer = offering.customerDataCountries;
  if (customer.length === 0)
    return result(
      'residency',
      'not_met',
      'no_customer_data_location',
      rule.clause,
      `${rule.className} data must stay in ${rule.placeWords}; this offering names no data centre for customer data, so where the data would be is unknown.`,
    );
  for (let i = 0; i < customer.length; i++)
    if (!allowed.has(customer[i] as string))
      return result(
        'residency',
        'not_met',
        'customer_data_outside',
        rule.clause,
        `${rule.className} data must stay in ${rule.placeWords}; this offering keeps customer data in ${placesOutside(offering, allowed, customer, true)}.`,
      );
  if (rule.allDataIn) {
    const all = offering.allDataCountries;
    for (let i = 0; i < all.length; i++)
      if (!allowed.has(all[i] as string))
        return result(
          'residency',
          'not_met',
          'other_data_outside',
          rule.clause,
          `${rule.className} data must stay in ${rule.placeWords}, backups and disaster-recovery copies included; this offering keeps copies in ${placesOutside(offering, allowed, all, false)}.`,
        );
  }
  return rule.residencyMet;
}

/**
 * May data of `classCode` go on this offering? A pure function of the compiled policy, the class,
 * the offering's facts, its accreditation standing on the day and the system's NOCs in force.
 * Every rule is evaluated and reported (never a short cut at the first failure), so a PSE sees all
 * that stands in the way. Deny if any rule is not met; allow with conditions if a NOC covered a
 * deviation or the class has conditions; allow otherwise.
 */
export function decide(
  policy: CompiledPolicy,
  classCode: string,
  offering: OfferingFacts,
  standing: Standing,
  nocs: readonly ActiveNoc[],
): Decision {
  const rule = ruleFor(policy, classCode);
  const model = offering.deploymentModel;

  const level = standing.inForce ? standing.level : null;
  const accreditation = level !== null ? policy.accredited : policy.notInForce;

  let levelResult: RuleResult;
  if (level === null) levelResult = rule.levelUnknown;
  else {
    const known = rule.levelResults.get(level.code);
    levelResult =
      known ??
      // A level this policy's list does not know (levels renumbered since the grant): compare the
      // rank the accreditation recorded.
      result(
        'level',
        level.rank >= rule.minimumRank ? 'met' : 'not_met',
        level.rank >= rule.minimumRank ? 'level_at_or_above' : 'level_below',
        rule.clause,
        `${rule.className} data needs an offering accredited at ${rule.minimumTitle} or higher; this offering is accredited at ${level.code}.`,
      );
    if (levelResult.outcome === 'not_met' && nocs.length > 0) {
      const noc = coveringNoc(rule, 'level', model, nocs);
      if (noc) levelResult = coveredBy(rule, levelResult, noc);
    }
  }

  let modelResult = rule.modelResults[model] as RuleResult | undefined;
  if (modelResult === undefined)
    modelResult = result(
      'deployment_model',
      'not_met',
      'model_not_permitted',
      rule.clause,
      `${rule.className} data cannot go to an offering of unknown deployment model "${model}".`,
    );
  else if (modelResult.outcome === 'not_met' && nocs.length > 0) {
    const noc = coveringNoc(rule, 'deployment_model', model, nocs);
    if (noc) modelResult = coveredBy(rule, modelResult, noc);
  }

  let residencyResult = residency(rule, offering);
  if (residencyResult.outcome === 'not_met' && nocs.length > 0) {
    const noc = coveringNoc(rule, 'residency', model, nocs);
    if (noc) residencyResult = coveredBy(rule, residencyResult, noc);
  }

  const rules: RuleResult[] = [accreditation, levelResult, modelResult, residencyResult];
  const conditions = rule.conditions;
  for (let i = 0; i < conditions.length; i++) rules.push(conditions[i] as RuleResult);

  let outcome: Outcome = conditions.length > 0 ? 'allow_with_conditions' : 'allow';
  for (let i = 0; i < 4; i++) {
    const o = (rules[i] as RuleResult).outcome;
    if (o === 'not_met') {
      outcome = 'deny';
      break;
    }
    if (o === 'covered_by_noc') outcome = 'allow_with_conditions';
  }

  let nocIds: string[];
  if (nocs.length === 0) nocIds = [];
  else {
    nocIds = nocs.map((noc) => noc.id);
    nocIds.sort();
  }
  return {
    outcome,
    rules,
    inputs: {
      classCode,
      offeringId: offering.id,
      accreditationId: standing.accreditationId,
      levelCode: level === null ? null : level.code,
      nocIds,
    },
  };
}

/** The facility's kind as the engine reads it; a value outside the type counts as on premises. */
const facilityKindOf = (kind: string): FacilityKind =>
  kind === 'private_cloud' ? 'private_cloud' : 'on_premises';

/** The residency rule for a facility: all of its data is in the facility's country. */
function facilityResidency(rule: CompiledRule, facility: FacilityFacts): RuleResult {
  const allowed = rule.countries;
  if (allowed === null) return rule.residencyMet;
  const country = facility.country;
  if (country === null || country === '')
    return result(
      'residency',
      'not_met',
      'no_customer_data_location',
      rule.clause,
      `${rule.className} data must stay in ${rule.placeWords}; the country of this system's own facility is not recorded, so where the data would be is unknown.`,
    );
  if (allowed.has(country))
    return result(
      'residency',
      'met',
      'residency_met',
      rule.clause,
      rule.allDataIn
        ? `${rule.className} data must stay in ${rule.placeWords}, backups and disaster-recovery copies included; this system's own facility is in ${countryWord(country)}, so all of its data is there.`
        : `${rule.className} data must stay in ${rule.placeWords}; this system's own facility is in ${countryWord(country)}.`,
    );
  return result(
    'residency',
    'not_met',
    rule.allDataIn ? 'other_data_outside' : 'customer_data_outside',
    rule.clause,
    `${rule.className} data must stay in ${rule.placeWords}; this system's own facility is in ${countryWord(country)}, and all of its data is there.`,
  );
}

/**
 * May data of `classCode` be hosted in the PSE's own private-cloud or on-premises facility? The
 * counterpart of `decide` for a hosting that is not a CSP offering (docs/placement-rules.md,
 * "Facilities"), pure as well, and kept apart so that the offering path stays as it is:
 *
 * - accreditation: does not apply (`not_applicable`): the office accredits offerings only;
 * - level: a facility has no accredited level, so the rule is not met unless a NOC in force covers
 *   it: one covering `level`, or one covering `deployment_model` for `private` (the NOC that
 *   authorises the facility itself), each only if the current policy's NOC rule allows it;
 * - deployment model: a private cloud is judged as `private`; on premises is not cloud, so no
 *   model of the pack permits it, and a NOC opening `private` covers it (the pack's models cannot
 *   name on-premises);
 * - residency: the facility's country is where all of its data is;
 * - the class's conditions, as for an offering.
 *
 * So a facility is at best allowed with conditions: never without a NOC (or conditions).
 */
export function decideFacility(
  policy: CompiledPolicy,
  classCode: string,
  facility: FacilityFacts,
  nocs: readonly ActiveNoc[],
): Decision {
  const rule = ruleFor(policy, classCode);
  const kind = facilityKindOf(facility.kind);

  let levelResult = rule.facilityLevel;
  if (nocs.length > 0) {
    const noc =
      coveringNoc(rule, 'level', 'private', nocs) ??
      coveringNoc(rule, 'deployment_model', 'private', nocs);
    if (noc) levelResult = coveredBy(rule, levelResult, noc);
  }
  let modelResult = rule.facilityModel[kind];
  if (modelResult.outcome === 'not_met' && nocs.length > 0) {
    const noc = coveringNoc(rule, 'deployment_model', 'private', nocs);
    if (noc) modelResult = coveredBy(rule, modelResult, noc);
  }
  let residencyResult = facilityResidency(rule, facility);
  if (residencyResult.outcome === 'not_met' && nocs.length > 0) {
    const noc = coveringNoc(rule, 'residency', 'private', nocs);
    if (noc) residencyResult = coveredBy(rule, residencyResult, noc);
  }

  const rules: RuleResult[] = [
    policy.notAnOffering[kind],
    levelResult,
    modelResult,
    residencyResult,
    ...rule.conditions,
  ];
  let outcome: Outcome = rule.conditions.length > 0 ? 'allow_with_conditions' : 'allow';
  for (let i = 1; i < 4; i++) {
    const o = (rules[i] as RuleResult).outcome;
    if (o === 'not_met') {
      outcome = 'deny';
      break;
    }
    if (o === 'covered_by_noc') outcome = 'allow_with_conditions';
  }
  const nocIds = nocs.map((noc) => noc.id).sort();
  return {
    outcome,
    rules,
    inputs: {
      classCode,
      offeringId: null,
      accreditationId: null,
      levelCode: null,
      nocIds,
      facility: {
        kind: facility.kind,
        name: facility.name,
        country: facility.country,
        operator: facility.operator,
      },
    },
  };
}

const OUTCOME_WORDS: Readonly<Record<Outcome, string>> = {
  allow: 'Allowed',
  allow_with_conditions: 'Allowed with conditions',
  deny: 'Not allowed',
};

/**
 * The decision in words for a person, one line each: the verdict, then every rule that is not
 * plainly met (refusals first), then those met. For the CLI, e-mails and flags; the portal shows
 * the rules themselves.
 */
export function explain(decision: Decision): string[] {
  const order: Readonly<Record<RuleOutcome, number>> = {
    not_met: 0,
    covered_by_noc: 1,
    condition: 2,
    met: 3,
    not_applicable: 4,
  };
  const failed = decision.rules.filter((r) => r.outcome === 'not_met').length;
  const head =
    decision.outcome === 'deny'
      ? `${OUTCOME_WORDS.deny}: ${failed} rule${failed === 1 ? '' : 's'} not met.`
      : `${OUTCOME_WORDS[decision.outcome]}.`;
  const marks: Readonly<Record<RuleOutcome, string>> = {
    not_met: 'Not met',
    covered_by_noc: 'Covered by a NOC',
    condition: 'Condition',
    met: 'Met',
    not_applicable: 'Does not apply',
  };
  return [
    head,
    ...decision.rules
      .map((rule, index) => ({ rule, index }))
      .sort((a, b) => order[a.rule.outcome] - order[b.rule.outcome] || a.index - b.index)
      .map(({ rule }) =>
        rule.outcome === 'condition' || rule.outcome === 'not_applicable'
          ? `${rule.message} (${rule.clause})`
          : `${marks[rule.outcome]}: ${rule.message} (${rule.clause})`,
      ),
  ];
}

/** An offering that may host the system, with the decision that says so. */
export interface RankedOffering {
  offering: OfferingFacts;
  standing: Standing;
  decision: Decision;
}

/**
 * "Where can this system go?": the candidates that may host data of `classCode`, best fit first:
 * allow before allow with conditions, then by the pack's order of service models (the reference
 * policy prefers SaaS, then PaaS, then IaaS), then by name and id so that the order is stable.
 */
export function rankOfferings(
  policy: CompiledPolicy,
  classCode: string,
  candidates: readonly { offering: OfferingFacts; standing: Standing }[],
  nocs: readonly ActiveNoc[],
): RankedOffering[] {
  ruleFor(policy, classCode);
  const ranked: RankedOffering[] = [];
  for (const { offering, standing } of candidates) {
    const decision = decide(policy, classCode, offering, standing, nocs);
    if (decision.outcome !== 'deny') ranked.push({ offering, standing, decision });
  }
  const name = (o: OfferingFacts) => o.name ?? o.id;
  return ranked.sort(
    (a, b) =>
      (a.decision.outcome === 'allow' ? 0 : 1) - (b.decision.outcome === 'allow' ? 0 : 1) ||
      policy.servicePreference[a.offering.serviceModel] -
        policy.servicePreference[b.offering.serviceModel] ||
      compareText(name(a.offering), name(b.offering)) ||
      compareText(a.offering.id, b.offering.id),
  );
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
