import type { DeploymentModel, LocationPurpose, ServiceModel } from '../../db/schema.js';
import type { ObligationSet } from '../duties/model.js';

/**
 * The policy pack and the facts a placement decision is made of (issue 6). Types only: the pure
 * logic (validation, classification, the decision engine) lives beside this file, storage and
 * routes elsewhere in this folder. Everything a country may change is data in the pack; nothing
 * in the code names a country, a class or a level.
 */

/** FIPS 199 impact levels; `none` for a property that does not matter to the information. */
export type Impact = 'none' | 'low' | 'moderate' | 'high';
export const IMPACTS = ['none', 'low', 'moderate', 'high'] as const satisfies readonly Impact[];

/** A class of government data (Open, Public, Restricted, Sensitive, Secret by default). */
export interface DataClass {
  /** Stable code, e.g. `restricted`. */
  code: string;
  name: string;
  /** Higher is more sensitive; a dataset's class is the highest of anything in it. */
  rank: number;
  definition: string;
  examples: string[];
}

/** What a class needs from where its data goes, with the policy clause it comes from. */
export interface PlacementRule {
  classCode: string;
  /** The lowest security level (by code) an offering must be accredited at; higher always does. */
  minimumLevel: string;
  /** Deployment models the data may go to without a NOC. */
  deploymentModels: DeploymentModel[];
  /**
   * Where customer data may be kept: `anywhere`, or only in these ISO 3166-1 alpha-2 countries
   * (`home` in a stored pack stands for the pack's `homeCountry`).
   */
  customerDataIn: 'anywhere' | string[];
  /** Whether backup and disaster-recovery copies must stay there too. */
  allDataIn: boolean;
  /**
   * Further conditions that turn an allow into an allow with conditions (e.g. "dedicated or
   * isolated tenancy", "operated onshore"): the officer or PSE must see they are met.
   */
  conditions: { id: string; text: string; clause: string }[];
  /** The clause of the policy this rule implements, for reasons shown to people. */
  clause: string;
}

/** A deviation from a rule that a NOC may cover. */
export type Deviation = 'deployment_model' | 'residency' | 'level';

/** Which deviations a NOC may cover for a class, and for how long at most. */
export interface NocRule {
  classCode: string;
  /** Deviations a NOC may cover for this class; empty: none. */
  deviations: Deviation[];
  /** With `deployment_model`: the models a NOC may open (e.g. only `private`). */
  deploymentModels: DeploymentModel[];
  maxMonths: number;
  clause: string;
}

/** How answers to the classification questionnaire become a class. */
export interface ClassificationRules {
  /** The class an information type's confidentiality impact gives, per impact. */
  byConfidentiality: Record<Impact, string>;
  /** A class that a marking forces, e.g. national security information -> `secret`. */
  byMarking: { marking: string; classCode: string; label: string }[];
}

export interface PolicyPack {
  /** The country `home` stands for (ISO 3166-1 alpha-2), e.g. PK. */
  homeCountry: string;
  classes: DataClass[];
  deploymentModels: { code: DeploymentModel; name: string; description: string }[];
  /** Service models, most preferred first (the reference policy: SaaS, then PaaS, then IaaS). */
  serviceModels: { code: ServiceModel; name: string; description: string }[];
  classification: ClassificationRules;
  rules: PlacementRule[];
  nocRules: NocRule[];
  /**
   * The clause that requires an offering to be accredited before data may go to it, quoted in the
   * accreditation rule's result; optional (a general sentence is used without it).
   */
  accreditationClause?: string;
  /**
   * The duties of CSPs and PSEs, their deadlines, the escalation ladder and the severity matrix
   * (issue 7); optional: a pack published before duties were part of it means the default set.
   */
  duties?: ObligationSet;
}

/** An offering as a decision needs it. */
export interface OfferingFacts {
  id: string;
  serviceModel: ServiceModel;
  deploymentModel: DeploymentModel;
  /** Countries of the data centres holding customer data. */
  customerDataCountries: string[];
  /** Countries of every data centre (customer data, backup, disaster recovery). */
  allDataCountries: string[];
  /** The offering's name, for ordering `rankOfferings` and for people; optional. */
  name?: string;
  /**
   * The data centres with their cities, optional: when given, a refusal names the cities
   * ("Frankfurt (Germany)"), otherwise only the countries. The decision itself uses the lists above.
   */
  locations?: readonly { country: string; city: string; purpose: LocationPurpose }[];
}

/** The kinds of facility a PSE may run a system in itself (pse_systems' hosting kinds). */
export type FacilityKind = 'private_cloud' | 'on_premises';

/**
 * A PSE's own private-cloud or on-premises facility as a decision needs it (`decideFacility`): not
 * a CSP offering, so it has no accreditation and no level; all of its data is in its country.
 */
export interface FacilityFacts {
  kind: FacilityKind;
  /** The facility's name, for people. */
  name: string;
  /** ISO 3166-1 alpha-2 country the facility is in (every copy of its data); null: not recorded. */
  country: string | null;
  /** Who runs it, for people; null: not recorded. */
  operator: string | null;
}

/** The offering's accreditation on the day of the decision (accreditation's `standingOn`). */
export interface Standing {
  inForce: boolean;
  level: { code: string; rank: number } | null;
  /** The accreditation record it comes from, for reproducing the decision. */
  accreditationId: string | null;
}

/** A NOC in force for the system on the day of the decision. */
export interface ActiveNoc {
  id: string;
  covers: Deviation[];
  /** With `deployment_model`: the models it allows. */
  deploymentModels: DeploymentModel[];
  validUntil: string;
}

export type Outcome = 'allow' | 'allow_with_conditions' | 'deny';
/**
 * `not_applicable`: the rule does not apply to what is decided (the accreditation rule for a PSE's
 * own facility, which is not a CSP offering); it neither allows nor refuses.
 */
export type RuleOutcome = 'met' | 'not_met' | 'covered_by_noc' | 'condition' | 'not_applicable';

/**
 * Why a rule came out as it did, as a stable machine code (the words are in `message`; the code
 * lets a portal or a report group and translate results without parsing sentences).
 */
export type ReasonCode =
  | 'accredited'
  | 'not_in_force'
  | 'level_at_or_above'
  | 'level_below'
  | 'level_unknown'
  | 'model_permitted'
  | 'model_not_permitted'
  | 'residency_anywhere'
  | 'residency_met'
  | 'customer_data_outside'
  | 'other_data_outside'
  | 'no_customer_data_location'
  | 'condition'
  // A PSE's own facility (`decideFacility`):
  | 'not_an_offering'
  | 'facility_no_level'
  | 'facility_not_cloud';

/** One rule's outcome, in words a PSE officer understands, with its clause. */
export interface RuleResult {
  rule: 'accreditation' | 'level' | 'deployment_model' | 'residency' | 'condition';
  outcome: RuleOutcome;
  clause: string;
  message: string;
  /** The reason as a code (added for issue 6's engine; see `ReasonCode`). */
  reason: ReasonCode;
  /** The NOC that covers this rule (outcome `covered_by_noc`), else null. */
  nocId: string | null;
  /** The pack's condition id (rule `condition`), else null. */
  conditionId: string | null;
}

export interface Decision {
  outcome: Outcome;
  rules: RuleResult[];
  /**
   * What the decision was made of, beside the policy version the caller stores: with the same
   * compiled policy and the same facts, `decide` gives the same decision, byte for byte as JSON.
   */
  inputs: DecisionInputs;
}

/** The facts a decision read, kept with it so that it can be reproduced and audited. */
export interface DecisionInputs {
  classCode: string;
  /** The offering decided; null for a PSE's own facility (see `facility`). */
  offeringId: string | null;
  accreditationId: string | null;
  /** The level the offering was accredited at on the day, or null if not in force. */
  levelCode: string | null;
  /** The NOCs in force that were offered to the decision (whether or not one was needed). */
  nocIds: string[];
  /**
   * The facility decided (`decideFacility` only: absent from an offering's decision, whose JSON
   * is unchanged by facilities).
   */
  facility?: FacilityFacts;
}

/** A problem found in a pack or in questionnaire answers; empty list = fine. */
export interface PackProblem {
  /** RFC 6901 JSON pointer into the pack (or the answers). */
  pointer: string;
  message: string;
}

/** A security level as the placement rules need it; `title` names it in messages. */
export interface PolicyLevel {
  code: string;
  rank: number;
  title?: string;
}

/** One information type of a system, as the PSE answers the questionnaire (FIPS 199 / SP 800-60). */
export interface InformationTypeAnswer {
  name: string;
  confidentiality: Impact;
  integrity: Impact;
  availability: Impact;
  /** Codes of the pack's markings that apply (e.g. `national_security`); may be empty. */
  markings: string[];
}

export interface ClassificationAnswers {
  informationTypes: InformationTypeAnswer[];
}

/** The class of a system and why, kept with the system and shown to people. */
export interface Classification {
  classCode: string;
  /** FIPS 199 security category: the high-water mark of each property over the types. */
  securityCategory: { confidentiality: Impact; integrity: Impact; availability: Impact };
  perType: { name: string; classCode: string; reason: string }[];
  rationale: string[];
}
