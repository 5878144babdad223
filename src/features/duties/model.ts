import type { FindingSeverity } from '../accreditation/events.js';

/**
 * Duties of CSPs and PSEs as policy data (issue 7, item 1). Types only: validation, deadline
 * arithmetic and the duty check live beside this file. Every deadline is a parameter here because
 * the reference policy names none ("as soon as it is discovered"); nothing in the code names a
 * country, a post or a number of hours.
 */

/** Who a duty binds. `both`: whichever party the fact names as responsible. */
export type Party = 'csp' | 'pse' | 'both';
export const PARTIES = ['csp', 'pse', 'both'] as const satisfies readonly Party[];

/** The measurable checks the duty check knows how to evaluate. */
export type CheckKind =
  | 'offering_accredited'
  | 'placement_allowed'
  | 'breach_reported_within'
  | 'report_request_answered_by_due'
  | 'response_action_done_by_due'
  | 'critical_findings_fixed_within'
  | 'conditions_met_by_due';
export const CHECK_KINDS = [
  'offering_accredited',
  'placement_allowed',
  'breach_reported_within',
  'report_request_answered_by_due',
  'response_action_done_by_due',
  'critical_findings_fixed_within',
  'conditions_met_by_due',
] as const satisfies readonly CheckKind[];

/**
 * A check and its own parameters. `breach_reported_within` reads the set's `reporting` parameters
 * rather than carrying hours of its own, so that the reporting deadlines shown on an incident and
 * the deadlines the duty check enforces can never disagree.
 */
export type DutyCheck =
  | { kind: 'offering_accredited' }
  | { kind: 'placement_allowed' }
  | { kind: 'breach_reported_within' }
  | { kind: 'report_request_answered_by_due' }
  | { kind: 'response_action_done_by_due' }
  | {
      kind: 'critical_findings_fixed_within';
      /** Days from the day the finding was raised; the auditor's earlier due date still wins. */
      days: number;
      /** Which severities count (by default only `critical`). */
      severities: FindingSeverity[];
    }
  | { kind: 'conditions_met_by_due' };

export interface Duty {
  /** Stable code, e.g. `report-breach`; part of every breach key, so never reuse one. */
  code: string;
  party: Party;
  /** The duty in plain words. */
  text: string;
  /** The policy clause it comes from, quoted, for evidence shown to people. */
  clause: string;
  /** How it is measured; null for a duty only an officer can judge (recorded by hand). */
  check: DutyCheck | null;
  /** The severity of a breach the check opens for it (default `medium`). */
  severity?: Severity;
}

/**
 * How the breach-notice deadline relates to a security level's own notice parameter (e.g. a
 * Baseline level control "report a breach within 24 hours"):
 * - `duty_only`: the level's figure is ignored;
 * - `stricter`: the shorter of the two applies (the default: a level may tighten, never loosen);
 * - `level`: the level's figure applies where it has one, tighter or looser.
 */
export type LevelNoticeRule = 'duty_only' | 'stricter' | 'level';
export const LEVEL_NOTICE_RULES = [
  'duty_only',
  'stricter',
  'level',
] as const satisfies readonly LevelNoticeRule[];

/** Data-breach reporting deadlines, all counted from the instant of discovery unless noted. */
export interface ReportingParameters {
  /** Initial notice to the Office, hours from discovery. */
  initialNoticeHours: number;
  /** Updates at least this often, hours since the last update (or the initial notice). */
  updateEveryHours: number;
  /** Final report, days from the initial notice (from discovery while none was given). */
  finalReportDays: number;
  /** A second track when personal data is involved, hours from discovery. */
  personalDataHours: number;
  levelNotice: LevelNoticeRule;
  /**
   * The id of the parameter that holds a security level's own breach-notice hours in the level's
   * resolved catalog (the shipped catalog's is `co-brr-1_prm_1`). Absent in packs published before
   * it existed, which means that default (`DEFAULT_LEVEL_NOTICE_PARAMETER`).
   */
  levelNoticeParameter?: string;
}

/** One rung of the escalation ladder for an overdue incident-report request. */
export interface EscalationStep {
  /** Post code of the office position told at this step, e.g. `director_audits` (see office/positions.ts). */
  post: string;
  /** Hours after the previous step (the first: after the request fell due). */
  afterHours: number;
}

/** How serious an incident or a breach is, least first. */
export type Severity = 'low' | 'medium' | 'high' | 'critical';
export const SEVERITIES = [
  'low',
  'medium',
  'high',
  'critical',
] as const satisfies readonly Severity[];

/**
 * The severity matrix (issue 7, item 6): rows are impact tiers, from the data classes involved;
 * columns are scale bands, from the number of people (or, when that is unknown, records) affected.
 * An incident's severity is the cell of its highest tier and its band, raised to
 * `personalDataAtLeast` when personal data is involved.
 */
export interface SeverityMatrix {
  /** The impact tier (1 = the first row) of each data class code of the policy pack. */
  classImpact: Record<string, number>;
  /** The tier when a report names no data class. */
  unknownImpact: number;
  /** Scale bands in order: the first whose `upTo` is at least the count; null = no upper bound. */
  scale: { label: string; upTo: number | null }[];
  /** The band (0-based) used when neither people nor records affected are known. */
  unknownScale: number;
  /** `cells[tier - 1][band]`. */
  cells: Severity[][];
  /** With personal data involved, at least this severity. */
  personalDataAtLeast: Severity;
}

export interface ObligationSet {
  duties: Duty[];
  reporting: ReportingParameters;
  escalation: EscalationStep[];
  severity: SeverityMatrix;
}

/** A reason an obligation set cannot be used, located by an RFC 6901 JSON pointer into it. */
export interface ObligationProblem {
  pointer: string;
  message: string;
}
