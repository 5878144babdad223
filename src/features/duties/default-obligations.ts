import type { ObligationSet } from './model.js';

/**
 * The default duties of a new installation, from the reference policy, Pakistan's Cloud First
 * Policy (PCFP, 2022), as summarised in PRODUCT.md. Data like any set an office publishes: an
 * office elsewhere edits this, not the code. The policy gives no deadline in hours, so the
 * reporting parameters are peers' figures: initial notice within 1 hour (FedRAMP), updates at
 * least daily, a final report within one month (NIS2), personal data on a 72-hour track.
 */

const PCFP = 'Pakistan Cloud First Policy (2022)';
const INTEGRITY = `${PCFP}: CSPs and PSEs "must maintain utmost integrity to protect the data and meet the security requirements set forth by the Office"`;
const BREACH = `${PCFP}: "failing any liability or obligation constitutes a breach"`;
const DISCLOSE = `${PCFP}: "any data breach must be disclosed to the Cloud Office as soon as it is discovered"`;
const RESPONSE = `${PCFP}: the Cloud Office "may seek incident reports and determine response measures"`;

/** "Notice of a breach to the Cloud Office": hours from discovery to the first notice. */
export const DEFAULT_LEVEL_NOTICE_PARAMETER = 'co-brr-1_prm_1';

export const DEFAULT_OBLIGATIONS: ObligationSet = {
  duties: [
    {
      code: 'protect-data',
      party: 'both',
      text: 'Maintain utmost integrity to protect the data and meet the security requirements set by the Office.',
      clause: INTEGRITY,
      check: null,
    },
    {
      code: 'offering-accredited',
      party: 'csp',
      text: 'An offering that hosts public sector data holds an accreditation in force.',
      clause: `${INTEGRITY}; ${BREACH}`,
      check: { kind: 'offering_accredited' },
    },
    {
      code: 'placement-allowed',
      party: 'pse',
      text: "A system's data is placed only where the placement rules allow it.",
      clause: `${INTEGRITY}; ${BREACH}`,
      check: { kind: 'placement_allowed' },
    },
    {
      code: 'report-breach',
      party: 'both',
      text: 'Disclose a data breach to the Cloud Office as soon as it is discovered, within the reporting deadlines.',
      clause: DISCLOSE,
      check: { kind: 'breach_reported_within' },
    },
    {
      code: 'answer-report-request',
      party: 'both',
      text: 'Answer an incident-report request from the Cloud Office by its due date.',
      clause: RESPONSE,
      check: { kind: 'report_request_answered_by_due' },
    },
    {
      code: 'complete-response-action',
      party: 'both',
      text: 'Complete a response measure the Cloud Office ordered by its due date.',
      clause: RESPONSE,
      check: { kind: 'response_action_done_by_due' },
    },
    {
      code: 'fix-critical-findings',
      party: 'csp',
      text: 'Fix critical audit findings within 30 days.',
      clause: `${INTEGRITY}; ${BREACH}`,
      check: { kind: 'critical_findings_fixed_within', days: 30, severities: ['critical'] },
    },
    {
      code: 'meet-accreditation-conditions',
      party: 'csp',
      text: 'Meet the conditions of an accreditation by their due dates.',
      clause: `${INTEGRITY}; ${BREACH}`,
      check: { kind: 'conditions_met_by_due' },
    },
  ],
  reporting: {
    initialNoticeHours: 1,
    updateEveryHours: 24,
    finalReportDays: 30,
    personalDataHours: 72,
    levelNotice: 'stricter',
    levelNoticeParameter: DEFAULT_LEVEL_NOTICE_PARAMETER,
  },
  escalation: [
    { post: 'joint_director_audits', afterHours: 24 },
    { post: 'director_audits', afterHours: 48 },
    { post: 'dg_cloud', afterHours: 72 },
  ],
  // The classes of the default policy pack, by tier: a leak of Secret data is serious however few
  // people it touches; one of open or public data matters mostly by its scale.
  severity: {
    classImpact: { open: 1, public: 1, restricted: 2, sensitive: 3, secret: 4 },
    unknownImpact: 2,
    scale: [
      { label: 'none known', upTo: 0 },
      { label: 'up to 100', upTo: 100 },
      { label: 'up to 10,000', upTo: 10_000 },
      { label: 'more than 10,000', upTo: null },
    ],
    unknownScale: 2,
    cells: [
      ['low', 'low', 'medium', 'medium'],
      ['low', 'medium', 'medium', 'high'],
      ['medium', 'high', 'high', 'critical'],
      ['high', 'critical', 'critical', 'critical'],
    ],
    personalDataAtLeast: 'medium',
  },
};
