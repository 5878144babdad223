import type { FieldProblem, Page } from './api';
import type { DeploymentModel, ServiceModel } from './offerings-api';

/**
 * The policy pack, PSE systems, their classification and placement, as the portal uses them
 * (src/features/placement/policy-routes.ts, systems-routes.ts, placement-routes.ts, noc-routes.ts;
 * docs/placement-rules.md explains the rules; the OpenAPI document has every field).
 */

export const POLICY = '/api/v1/policy';
export const SYSTEMS = '/api/v1/systems';
export const OUT_OF_POLICY = '/api/v1/placements/out-of-policy';
export const NOCS = '/api/v1/nocs';

export const systemPath = (id: string) => `${SYSTEMS}/${encodeURIComponent(id)}`;
export const policyVersionPath = (version: number | string) =>
  `${POLICY}/versions/${encodeURIComponent(String(version))}`;

// The policy pack

export type Impact = 'none' | 'low' | 'moderate' | 'high';
export const IMPACTS: readonly Impact[] = ['none', 'low', 'moderate', 'high'];
export type Deviation = 'deployment_model' | 'residency' | 'level';
export type PolicyStatus = 'draft' | 'proposed' | 'approved' | 'published';

export interface DataClass {
  code: string;
  name: string;
  rank: number;
  definition: string;
  examples: string[];
}

export interface PlacementRule {
  classCode: string;
  minimumLevel: string;
  deploymentModels: DeploymentModel[];
  /** `anywhere`, or ISO 3166-1 alpha-2 codes where `home` stands for the pack's home country. */
  customerDataIn: 'anywhere' | string[];
  allDataIn: boolean;
  conditions: { id: string; text: string; clause: string }[];
  clause: string;
}

export interface NocRule {
  classCode: string;
  deviations: Deviation[];
  deploymentModels: DeploymentModel[];
  maxMonths: number;
  clause: string;
}

export interface PolicyPack {
  homeCountry: string;
  classes: DataClass[];
  deploymentModels: { code: DeploymentModel; name: string; description: string }[];
  serviceModels: { code: ServiceModel; name: string; description: string }[];
  classification: {
    byConfidentiality: Record<Impact, string>;
    byMarking: { marking: string; classCode: string; label: string }[];
  };
  rules: PlacementRule[];
  nocRules: NocRule[];
  accreditationClause?: string;
}

export interface PolicyStep {
  at: string;
  position: string | null;
}

export interface PolicyVersionSummary {
  version: number;
  status: PolicyStatus;
  basedOnVersion: number | null;
  created: PolicyStep;
  proposed: PolicyStep | null;
  approved: PolicyStep | null;
  published: PolicyStep | null;
  returned: (PolicyStep & { reason: string }) | null;
}

export interface PolicyVersion extends PolicyVersionSummary {
  pack: PolicyPack;
  problems: FieldProblem[];
}

// Systems

export type HostingKind = 'offering' | 'private_cloud' | 'on_premises';
export const HOSTING_KINDS: readonly HostingKind[] = ['offering', 'private_cloud', 'on_premises'];

/** A hosting as the API takes it. */
export interface HostingInput {
  kind: HostingKind;
  offeringId?: string;
  name?: string;
  country?: string;
  operator?: string;
}

/** A hosting as the API shows it. */
export interface HostingView {
  kind: HostingKind;
  offering: { id: string; name: string | null; providerName: string | null } | null;
  facility: { name: string; country: string; countryName: string; operator: string } | null;
}

export interface PseSystem {
  id: string;
  organization: { id: string; name: string };
  name: string;
  purpose: string;
  owner: { name: string; email: string };
  users: { description: string; approximateCount: number };
  currentHosting: HostingView | null;
  proposedHosting: HostingView | null;
  classCode: string | null;
  status: 'active' | 'archived';
  createdAt: string;
  updatedAt: string;
  archivedAt: string | null;
}

export type SystemList = Page<PseSystem>;

export interface SystemInput {
  name: string;
  purpose: string;
  owner: { name: string; email: string };
  users: { description: string; approximateCount: number };
  currentHosting: HostingInput | null;
  proposedHosting: HostingInput | null;
}

// The classification questionnaire

export interface InformationTypeAnswer {
  name: string;
  confidentiality: Impact | '';
  integrity: Impact | '';
  availability: Impact | '';
  markings: string[];
}

export interface Classification {
  systemId: string;
  revision: number;
  classCode: string;
  className: string;
  securityCategory: { confidentiality: Impact; integrity: Impact; availability: Impact };
  informationTypes: {
    name: string;
    confidentiality: Impact;
    integrity: Impact;
    availability: Impact;
    markings: string[];
    classCode: string;
    className: string;
    reason: string;
  }[];
  rationale: string[];
  policyVersion: number;
  classifiedAt: string;
  classifiedBy: { userId: string; name: string | null } | null;
}

// Placement (helper C's routes: placement-routes.ts)

export type Outcome = 'allow' | 'allow_with_conditions' | 'deny';
export type RuleOutcome = 'met' | 'not_met' | 'covered_by_noc' | 'condition' | 'not_applicable';

export interface RuleResult {
  rule: 'accreditation' | 'level' | 'deployment_model' | 'residency' | 'condition';
  outcome: RuleOutcome;
  reason: string;
  clause: string;
  message: string;
  nocId: string | null;
  conditionId: string | null;
}

export interface StoredDecision {
  id: string;
  systemId: string;
  /** Which placement was decided: where the system runs, where it is proposed to run, or a check. */
  hosting: 'current' | 'proposed' | 'check';
  trigger: string;
  /** Null for a hosting in the PSE's own private-cloud or on-premises facility. */
  offeringId: string | null;
  at: string;
  policyVersion: number;
  outcome: Outcome;
  rules: RuleResult[];
  /** The verdict, then each rule in words, refusals first. */
  words: string[];
}

export type PlacementStatus = 'in_policy' | 'out_of_policy' | 'not_evaluated';

export interface Placement {
  systemId: string;
  status: PlacementStatus;
  /** Why it is out of policy, or why it is not evaluated. */
  reason: string | null;
  flaggedAt: string | null;
  evaluatedAt: string | null;
  policyVersion: number | null;
  current: StoredDecision | null;
  proposed: StoredDecision | null;
}

export interface PlacementOption {
  offeringId: string;
  offeringName: string;
  providerName: string;
  serviceModel: ServiceModel;
  deploymentModel: DeploymentModel;
  level: string | null;
  levelTitle: string | null;
  outcome: Outcome;
  words: string[];
}

/** One row of the officers' view of systems out of policy. */
export interface OutOfPolicySystem {
  systemId: string;
  systemName: string;
  classCode: string | null;
  organization: { id: string; name: string };
  offering: { id: string; name: string | null } | null;
  reason: string | null;
  flaggedAt: string | null;
  evaluatedAt: string;
}

// NOC exemptions (src/features/placement/noc-routes.ts)

export const NOC_STATUSES = [
  'requested',
  'returned',
  'under_review',
  'granted',
  'refused',
  'withdrawn',
  'revoked',
  'expired',
] as const;
export type NocStatus = (typeof NOC_STATUSES)[number];
export const DEVIATIONS: readonly Deviation[] = ['deployment_model', 'residency', 'level'];
export type NocAction = 'review' | 'resubmit' | 'grant' | 'refuse' | 'withdraw' | 'revoke';

export interface Noc {
  id: string;
  system: { id: string; name: string };
  organization: { id: string; name: string };
  status: NocStatus;
  classCode: string;
  policyVersion: number;
  deviations: Deviation[];
  deploymentModels: DeploymentModel[];
  offeringId: string | null;
  facility: string | null;
  reason: string;
  from: string;
  until: string;
  validFrom: string | null;
  validUntil: string | null;
  returnReasons: string[] | null;
  review: { recommendation: string; notes: string; reviewedOn: string } | null;
  decisionNotes: string | null;
  closure: { reasons: string[]; on: string } | null;
  revision: number;
  createdAt: string;
  updatedAt: string;
}

export interface NocDetail extends Noc {
  allowedActions: NocAction[];
  history: {
    seq: number;
    type: string;
    at: string;
    actorUserId: string | null;
    actorPosition: string | null;
  }[];
}

export const nocPath = (id: string) => `${NOCS}/${encodeURIComponent(id)}`;
