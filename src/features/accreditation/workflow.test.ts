import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { POWERS, type Power } from '../office/positions.js';
import type { AccreditationEvent } from './events.js';
import {
  ACTION_TYPES,
  DEFAULT_POLICY,
  FINAL_STATUSES,
  STATUSES,
  SYSTEM,
  TRANSITIONS,
  addMonths,
  allowedActions,
  dueReminders,
  expiryDue,
  openApplication,
  overdueConditions,
  standingOn,
  transition,
  type AccreditationRecord,
  type AccreditationStatus,
  type Action,
  type ActionType,
  type ActorFacts,
  type ActorRule,
  type PersonActor,
  type PredecessorFacts,
  type TransitionResult,
} from './workflow.js';

// The cast. Officers hold only the powers of their default posts; the DG Cloud holds all.
const officer = (userId: string, powers: readonly Power[]): PersonActor => ({
  userId,
  organizationId: 'office',
  organizationKind: 'cloud_office',
  role: 'officer',
  powers: new Set(powers),
});
const dg = officer('dg', POWERS);
const adoption = officer('adoption', ['review_accreditation', 'manage_organizations']);
const audits = officer('audits', ['assign_audit']);
const legal = officer('legal', ['review_legal']);
const boardMember: PersonActor = { ...officer('board', []), role: 'board_member' };
const cspAdmin: PersonActor = {
  userId: 'csp-admin',
  organizationId: 'csp-1',
  organizationKind: 'csp',
  role: 'csp_admin',
  powers: new Set(),
};
const cspSecurity: PersonActor = { ...cspAdmin, userId: 'csp-sec', role: 'csp_security_officer' };
const cspStaff: PersonActor = { ...cspAdmin, userId: 'csp-staff', role: 'csp_staff' };
const otherCspAdmin: PersonActor = { ...cspAdmin, userId: 'other-csp', organizationId: 'csp-2' };
// A provider's user whose account somehow carries powers must still not act as an officer.
const cspWithPowers: PersonActor = { ...cspAdmin, userId: 'forged', powers: new Set(POWERS) };
const auditor: PersonActor = {
  userId: 'auditor',
  organizationId: 'firm-1',
  organizationKind: 'audit_firm',
  role: 'auditor',
  powers: new Set(),
};
const firmAdmin: PersonActor = { ...auditor, userId: 'firm-admin', role: 'audit_firm_admin' };
const otherAuditor: PersonActor = { ...auditor, userId: 'other-auditor', organizationId: 'firm-2' };
const pseAdmin: PersonActor = {
  userId: 'pse',
  organizationId: 'pse-1',
  organizationKind: 'pse',
  role: 'pse_admin',
  powers: new Set(),
};

const CAST: Record<string, ActorFacts> = {
  dg,
  adoption,
  audits,
  legal,
  boardMember,
  cspAdmin,
  cspSecurity,
  cspStaff,
  otherCspAdmin,
  cspWithPowers,
  auditor,
  firmAdmin,
  otherAuditor,
  pseAdmin,
  system: SYSTEM,
};

/** Who in the cast each rule must let through, worked out by hand. */
function expectedFor(rule: ActorRule): string[] {
  switch (rule.kind) {
    case 'power':
      return [
        'dg',
        ...((
          {
            review_accreditation: ['adoption'],
            assign_audit: ['audits'],
            review_legal: ['legal'],
          } as Partial<Record<Power, string[]>>
        )[rule.power] ?? []),
      ];
    case 'applicant':
      // cspWithPowers is an administrator of the applying provider; its powers count for nothing.
      return ['cspAdmin', 'cspSecurity', 'cspWithPowers'];
    case 'assigned_audit_firm':
      return ['auditor', 'firmAdmin'];
    case 'system':
      return ['system'];
  }
}

const NOW = new Date('2026-03-10T09:30:00Z');
const TODAY = '2026-03-10';
const CONTROLS = ['ac-1', 'ac-2', 'au-2'];
const intermediate = { code: 'intermediate', rank: 2 };
const baseline = { code: 'baseline', rank: 1 };
const enhanced = { code: 'enhanced', rank: 3 };

function draft(overrides: Partial<AccreditationRecord> = {}): AccreditationRecord {
  return {
    id: 'acc-1',
    offeringId: 'off-1',
    cspOrganizationId: 'csp-1',
    kind: 'initial',
    predecessorId: null,
    status: 'draft',
    levelSought: intermediate,
    submission: null,
    returnReasons: null,
    auditFirm: null,
    assessment: null,
    legalReview: null,
    grant: null,
    conditions: [],
    suspension: null,
    closure: null,
    ...overrides,
  };
}

/** A plausible record in each state, with what earlier steps would have left on it. */
function recordIn(status: AccreditationStatus): AccreditationRecord {
  const submission = { levelVersion: 1, controlIds: CONTROLS };
  const auditFirm = { id: 'firm-1', name: 'Firm One' };
  // One finding as stored before close_finding existed: without fixedOn or fixNote, so open.
  const assessment = {
    submittedOn: '2026-03-01',
    counts: { satisfied: 2, not_satisfied: 1, not_applicable: 0 },
    findings: [
      {
        id: 'f1',
        controlId: 'ac-2',
        severity: 'critical' as const,
        description: 'Administrator accounts are shared.',
        dueOn: '2026-04-30',
      },
    ],
  };
  const legalReview = { outcome: 'cleared' as const, notes: '' };
  const grant = {
    level: intermediate,
    validFrom: '2026-01-01',
    validUntil: '2027-12-31',
    decidedOn: '2026-01-01',
  };
  const conditions = [
    {
      id: 'c1',
      text: 'Move backups onshore',
      dueOn: '2026-06-30',
      status: 'open' as const,
      closedOn: null,
      closingNote: null,
    },
  ];
  const later = { submission, auditFirm, assessment, legalReview };
  switch (status) {
    case 'draft':
      return draft();
    case 'submitted':
    case 'returned':
    case 'complete':
      return draft({ status, submission });
    case 'in_assessment':
      return draft({ status, submission, auditFirm });
    case 'legal_review':
    case 'legal_returned':
      return draft({ status, submission, auditFirm, assessment });
    case 'awaiting_decision':
    case 'refused':
    case 'withdrawn':
      return draft({ status, ...later });
    case 'accredited':
    case 'revoked':
    case 'expired':
    case 'superseded':
      return draft({ status, ...later, grant, conditions });
    case 'suspended':
      return draft({
        status,
        ...later,
        grant,
        conditions,
        suspension: { reason: 'Unreported breach', effectiveOn: '2026-03-01' },
      });
  }
}

/** A valid input for each action, and the instant it is taken at. */
function sample<T extends ActionType>(type: T): { action: Extract<Action, { type: T }>; at: Date } {
  const at = NOW;
  const actions: { [T in ActionType]: Extract<Action, { type: T }> } = {
    submit: { type: 'submit', levelVersion: 1, controlIds: CONTROLS, unansweredControlIds: [] },
    return: { type: 'return', reasons: ['The data-centre list is missing a DR site.'] },
    confirm_complete: { type: 'confirm_complete' },
    // firm-2, so that it is also a real reassignment from in_assessment (held by firm-1).
    assign_audit: {
      type: 'assign_audit',
      auditFirm: { id: 'firm-2', name: 'Firm Two', registered: true },
    },
    decline_assessment: { type: 'decline_assessment', reason: 'Conflict of interest.' },
    submit_assessment: {
      type: 'submit_assessment',
      results: [
        { controlId: 'ac-1', result: 'satisfied' },
        { controlId: 'ac-2', result: 'not_satisfied' },
        { controlId: 'au-2', result: 'not_applicable' },
      ],
      findings: [
        {
          id: 'f1',
          controlId: 'ac-2',
          severity: 'moderate',
          description: 'Accounts are not reviewed quarterly.',
          dueOn: '2026-06-30',
        },
      ],
    },
    request_legal_documents: {
      type: 'request_legal_documents',
      reasons: ['The data-processing agreement is unsigned.'],
    },
    resubmit_legal_documents: { type: 'resubmit_legal_documents' },
    record_legal_review: { type: 'record_legal_review', outcome: 'cleared', notes: 'In order.' },
    withdraw: { type: 'withdraw', reason: 'The offering is being retired.' },
    accredit: {
      type: 'accredit',
      level: baseline,
      validUntil: '2028-03-09',
      conditions: [{ id: 'c2', text: 'Fix finding f1', dueOn: '2026-06-30' }],
      predecessorStatus: null,
    },
    refuse: { type: 'refuse', reasons: ['Customer data leaves the country.'] },
    suspend: { type: 'suspend', reason: 'Breach not disclosed.', effectiveOn: TODAY },
    reinstate: { type: 'reinstate', reason: 'Breach disclosed and remedied.', conditions: [] },
    revoke: { type: 'revoke', reason: 'Repeated undisclosed breaches.' },
    expire: { type: 'expire' },
    supersede: { type: 'supersede', successorId: 'acc-2' },
    close_condition: {
      type: 'close_condition',
      conditionId: 'c1',
      note: 'Backups verified onshore.',
    },
    close_finding: {
      type: 'close_finding',
      findingId: 'f1',
      note: 'Each administrator now has a named account.',
    },
  };
  // Expiry is only possible after the last valid day of recordIn's grant.
  return { action: actions[type], at: type === 'expire' ? new Date('2028-01-01T00:05:00Z') : at };
}

function actorFor(rule: ActorRule): ActorFacts {
  const name = expectedFor(rule).at(-1) ?? 'system';
  const actor = CAST[name];
  assert.ok(actor, `no one in the cast is called ${name}`);
  return actor;
}

function ok(result: TransitionResult): Extract<TransitionResult, { ok: true }> {
  if (!result.ok) assert.fail(`refused: ${result.code}: ${result.message}`);
  return result;
}

function refused(result: TransitionResult, code: string, pattern?: RegExp): string {
  if (result.ok) assert.fail(`expected ${code}, but it moved to ${result.next.status}`);
  assert.equal(result.code, code, result.message);
  if (pattern) assert.match(result.message, pattern);
  return result.message;
}

describe('the transition table', () => {
  it('has at most one row per state and action, and none leaving a final state', () => {
    const keys = TRANSITIONS.map((r) => `${r.from}/${r.action}`);
    assert.equal(new Set(keys).size, keys.length);
    assert.deepEqual(
      TRANSITIONS.filter((r) => FINAL_STATUSES.includes(r.from)),
      [],
    );
  });

  it('reaches every state from a draft', () => {
    const reached = new Set<AccreditationStatus>(['draft']);
    for (let grew = true; grew;) {
      grew = false;
      for (const row of TRANSITIONS) {
        if (reached.has(row.from) && !reached.has(row.to)) {
          reached.add(row.to);
          grew = true;
        }
      }
    }
    assert.deepEqual([...reached].sort(), [...STATUSES].sort());
  });

  for (const status of STATUSES) {
    it(`from ${status}: takes each listed action, refuses every other naming the state`, () => {
      for (const type of ACTION_TYPES) {
        const row = TRANSITIONS.find((r) => r.from === status && r.action === type);
        const { action, at } = sample(type);
        const record = recordIn(status);
        if (row) {
          const result = ok(transition(record, action, actorFor(row.by), at));
          assert.equal(result.next.status, row.to, `${status} --${type}-->`);
          assert.equal(result.event.type, row.event);
          assert.equal(result.event.accreditationId, record.id);
          assert.equal(result.event.at, at.toISOString());
        } else {
          // Even the DG Cloud, who holds every power, cannot make the table say otherwise.
          for (const actor of [dg, SYSTEM, cspAdmin]) {
            const message = refused(
              transition(record, action, actor, at),
              'transition_not_allowed',
            );
            assert.ok(message.includes(`(${status})`), message);
          }
        }
      }
    });
  }

  it('explains a refusal in words: the state, what was tried, and what may be done instead', () => {
    const message = refused(
      transition(recordIn('legal_review'), sample('accredit').action, dg, NOW),
      'transition_not_allowed',
    );
    assert.equal(
      message,
      'This application is in legal review (legal_review), so one cannot grant the accreditation; ' +
        'from here one can only ask the provider for legal documents (an officer with the power ' +
        'review_legal (by default the Director Legal & Procurement or the DG Cloud)); complete the ' +
        'legal review (an officer with the power review_legal (by default the Director Legal & ' +
        "Procurement or the DG Cloud)); withdraw the application (the applying provider's " +
        'administrators and security officers).',
    );
    assert.match(
      refused(
        transition(recordIn('revoked'), sample('reinstate').action, dg, NOW),
        'transition_not_allowed',
      ),
      /^This accreditation was revoked \(revoked\), so one cannot reinstate the accreditation; nothing more can be done with it\.$/,
    );
  });
});

describe('who may act', () => {
  for (const row of TRANSITIONS) {
    it(`${row.from} --${row.action}--> ${row.to}: only ${row.by.kind === 'power' ? row.by.power : row.by.kind}`, () => {
      const { action, at } = sample(row.action);
      const record = recordIn(row.from);
      const allowed: string[] = [];
      for (const [name, actor] of Object.entries(CAST)) {
        const result = transition(record, action, actor, at);
        if (result.ok) allowed.push(name);
        else {
          assert.equal(result.code, 'not_permitted', `${name}: ${result.message}`);
          assert.ok(result.message.includes(`(${row.from}); only `), result.message);
        }
      }
      assert.deepEqual(allowed.sort(), expectedFor(row.by).sort());
    });
  }

  it('lists for a UI the actions each person may take now', () => {
    const names = (record: AccreditationRecord, actor: ActorFacts): string[] =>
      allowedActions(record, actor).map((r) => r.action);
    assert.deepEqual(names(recordIn('awaiting_decision'), dg), ['accredit', 'refuse']);
    assert.deepEqual(names(recordIn('awaiting_decision'), cspAdmin), ['withdraw']);
    assert.deepEqual(names(recordIn('awaiting_decision'), legal), []);
    assert.deepEqual(names(recordIn('submitted'), adoption), ['return', 'confirm_complete']);
    assert.deepEqual(names(recordIn('in_assessment'), auditor), [
      'decline_assessment',
      'submit_assessment',
    ]);
    assert.deepEqual(names(recordIn('in_assessment'), otherAuditor), []);
    assert.deepEqual(names(recordIn('accredited'), SYSTEM), ['expire', 'supersede']);
    assert.deepEqual(names(recordIn('revoked'), dg), []);
  });

  it('names the assigned firm only: an auditor of another firm cannot submit', () => {
    refused(
      transition(recordIn('in_assessment'), sample('submit_assessment').action, otherAuditor, NOW),
      'not_permitted',
      /only the audit firm assigned to the assessment can submit the assessment/,
    );
  });
});

describe('guards', () => {
  it('submission needs every control of the level version answered', () => {
    const message = refused(
      transition(
        draft(),
        { type: 'submit', levelVersion: 1, controlIds: CONTROLS, unansweredControlIds: ['ac-2'] },
        cspAdmin,
        NOW,
      ),
      'controls_unanswered',
    );
    assert.equal(
      message,
      '1 control has no answer yet (ac-2); answer every control of intermediate version 1 before submitting.',
    );
    refused(
      transition(
        draft(),
        { type: 'submit', levelVersion: 0, controlIds: CONTROLS, unansweredControlIds: [] },
        cspAdmin,
        NOW,
      ),
      'input_invalid',
    );
    const many = Array.from({ length: 12 }, (_, i) => `c-${i}`);
    assert.match(
      refused(
        transition(
          draft(),
          { type: 'submit', levelVersion: 1, controlIds: many, unansweredControlIds: many },
          cspAdmin,
          NOW,
        ),
        'controls_unanswered',
      ),
      /^12 controls have no answer yet \(c-0, .*, c-9 and 2 more\)/,
    );
  });

  it('a return, a request for documents, a refusal, a withdrawal need reasons', () => {
    refused(
      transition(recordIn('submitted'), { type: 'return', reasons: ['  '] }, adoption, NOW),
      'input_invalid',
    );
    refused(
      transition(
        recordIn('legal_review'),
        { type: 'request_legal_documents', reasons: [] },
        legal,
        NOW,
      ),
      'input_invalid',
    );
    refused(
      transition(recordIn('awaiting_decision'), { type: 'refuse', reasons: [''] }, dg, NOW),
      'input_invalid',
    );
    refused(
      transition(recordIn('draft'), { type: 'withdraw', reason: ' ' }, cspAdmin, NOW),
      'input_invalid',
    );
    refused(
      transition(
        recordIn('in_assessment'),
        { type: 'decline_assessment', reason: '' },
        auditor,
        NOW,
      ),
      'input_invalid',
    );
    refused(
      transition(
        recordIn('legal_review'),
        { type: 'record_legal_review', outcome: 'objection', notes: '' },
        legal,
        NOW,
      ),
      'input_invalid',
    );
    const returned = ok(
      transition(
        recordIn('submitted'),
        { type: 'return', reasons: [' No DR site. ', ''] },
        adoption,
        NOW,
      ),
    );
    assert.deepEqual(returned.next.returnReasons, ['No DR site.']);
    assert.deepEqual(returned.event, {
      type: 'ApplicationReturned',
      reasons: ['No DR site.'],
      accreditationId: 'acc-1',
      offeringId: 'off-1',
      cspOrganizationId: 'csp-1',
      at: NOW.toISOString(),
      by: {
        kind: 'person',
        userId: 'adoption',
        organizationId: 'office',
        power: 'review_accreditation',
      },
    });
  });

  it('only a registered audit firm, and a reassignment only to another firm', () => {
    refused(
      transition(
        recordIn('complete'),
        {
          type: 'assign_audit',
          auditFirm: { id: 'firm-9', name: 'Unlisted LLP', registered: false },
        },
        audits,
        NOW,
      ),
      'audit_firm_not_registered',
      /Unlisted LLP is not a registered audit firm/,
    );
    refused(
      transition(
        recordIn('in_assessment'),
        { type: 'assign_audit', auditFirm: { id: 'firm-1', name: 'Firm One', registered: true } },
        audits,
        NOW,
      ),
      'audit_firm_unchanged',
    );
    const reassigned = ok(
      transition(recordIn('in_assessment'), sample('assign_audit').action, audits, NOW),
    );
    assert.deepEqual(reassigned.next.auditFirm, { id: 'firm-2', name: 'Firm Two' });
    assert.equal(
      reassigned.event.type === 'AssessmentAssigned' && reassigned.event.previousAuditFirmId,
      'firm-1',
    );
    // The firm that lost it can no longer submit.
    refused(
      transition(reassigned.next, sample('submit_assessment').action, auditor, NOW),
      'not_permitted',
    );
  });

  it('an assessment needs exactly one result for every control, and findings for failures', () => {
    const record = recordIn('in_assessment');
    const base = sample('submit_assessment').action;
    assert.equal(
      refused(
        transition(record, { ...base, results: base.results.slice(0, 1) }, auditor, NOW),
        'assessment_incomplete',
      ),
      '2 of 3 controls have no result yet (ac-2, au-2); record a result for every control before submitting.',
    );
    refused(
      transition(
        record,
        { ...base, results: [...base.results, { controlId: 'ac-1', result: 'satisfied' }] },
        auditor,
        NOW,
      ),
      'input_invalid',
      /ac-1 has more than one result/,
    );
    refused(
      transition(
        record,
        { ...base, results: [...base.results, { controlId: 'sc-7', result: 'satisfied' }] },
        auditor,
        NOW,
      ),
      'input_invalid',
      /Control sc-7 is not in intermediate version 1/,
    );
    refused(transition(record, { ...base, findings: [] }, auditor, NOW), 'finding_missing', /ac-2/);
    const finding = base.findings[0];
    assert.ok(finding, 'the sample has a finding');
    refused(
      transition(
        record,
        { ...base, findings: [{ ...finding, dueOn: '2026-03-09' }] },
        auditor,
        NOW,
      ),
      'input_invalid',
      /due on "2026-03-09"/,
    );
    refused(
      transition(
        record,
        { ...base, findings: [{ ...finding, dueOn: '2026-02-30' }] },
        auditor,
        NOW,
      ),
      'input_invalid',
    );
    refused(
      transition(record, { ...base, findings: [{ ...finding, controlId: 'zz-1' }] }, auditor, NOW),
      'input_invalid',
    );
    refused(
      transition(record, { ...base, findings: [finding, finding] }, auditor, NOW),
      'input_invalid',
      /used twice/,
    );
    refused(
      transition(record, { ...base, findings: [{ ...finding, description: ' ' }] }, auditor, NOW),
      'input_invalid',
    );
    const done = ok(transition(record, base, auditor, NOW));
    assert.deepEqual(done.next.assessment?.counts, {
      satisfied: 1,
      not_satisfied: 1,
      not_applicable: 1,
    });
    assert.equal(done.next.assessment.submittedOn, TODAY);
  });

  it('the DG Cloud decides only after the legal review, and grants only if it cleared', () => {
    refused(
      transition(recordIn('legal_review'), sample('refuse').action, dg, NOW),
      'transition_not_allowed',
    );
    const objected = ok(
      transition(
        recordIn('legal_review'),
        { type: 'record_legal_review', outcome: 'objection', notes: 'Jurisdiction clause.' },
        legal,
        NOW,
      ),
    );
    refused(transition(objected.next, sample('accredit').action, dg, NOW), 'legal_not_cleared');
    ok(transition(objected.next, sample('refuse').action, dg, NOW));
  });

  it('grants at the level sought or lower, never higher', () => {
    const accredit = sample('accredit').action;
    assert.equal(
      refused(
        transition(recordIn('awaiting_decision'), { ...accredit, level: enhanced }, dg, NOW),
        'level_above_sought',
      ),
      'The provider sought intermediate; an accreditation may be at that level or lower, never at enhanced.',
    );
    assert.deepEqual(
      ok(transition(recordIn('awaiting_decision'), { ...accredit, level: intermediate }, dg, NOW))
        .next.grant?.level,
      intermediate,
    );
    assert.deepEqual(
      ok(transition(recordIn('awaiting_decision'), accredit, dg, NOW)).next.grant?.level,
      baseline,
    );
  });

  it('validity starts on the decision day and ends after it, within the maximum years', () => {
    const accredit = sample('accredit').action;
    const record = recordIn('awaiting_decision');
    const at = (validUntil: string): TransitionResult =>
      transition(record, { ...accredit, validUntil, conditions: [] }, dg, NOW);
    refused(at(TODAY), 'validity_invalid');
    refused(at('2026-03-09'), 'validity_invalid');
    refused(at('2029-03-11'), 'validity_invalid', /no later than 2029-03-10 \(3 years\)/);
    refused(at('2027-02-29'), 'validity_invalid');
    refused(at('31/12/2027'), 'validity_invalid');
    const granted = ok(at('2029-03-10'));
    assert.deepEqual(granted.next.grant, {
      level: baseline,
      validFrom: TODAY,
      validUntil: '2029-03-10',
      decidedOn: TODAY,
    });
    refused(
      transition(record, { ...accredit, validUntil: '2027-03-10', conditions: [] }, dg, NOW, {
        ...DEFAULT_POLICY,
        maxValidityYears: 0.5,
      }),
      'validity_invalid',
    );
    ok(
      transition(record, { ...accredit, validUntil: '2031-03-10', conditions: [] }, dg, NOW, {
        ...DEFAULT_POLICY,
        maxValidityYears: 5,
      }),
    );
  });

  it('conditions need text and a due date within validity', () => {
    const accredit = sample('accredit').action;
    const record = recordIn('awaiting_decision');
    const withCondition = (text: string, dueOn: string, id = 'c9'): TransitionResult =>
      transition(record, { ...accredit, conditions: [{ id, text, dueOn }] }, dg, NOW);
    refused(withCondition('', '2026-06-30'), 'input_invalid', /no text/);
    refused(
      withCondition('x', '2026-03-09'),
      'input_invalid',
      /from 2026-03-10 to the end of validity, 2028-03-09/,
    );
    refused(withCondition('x', '2028-03-10'), 'input_invalid');
    refused(withCondition('x', '2026-06-30', ''), 'input_invalid');
    refused(
      transition(
        record,
        {
          ...accredit,
          conditions: [
            { id: 'a', text: 'x', dueOn: TODAY },
            { id: 'a', text: 'y', dueOn: TODAY },
          ],
        },
        dg,
        NOW,
      ),
      'input_invalid',
      /used twice/,
    );
    const granted = ok(withCondition(' Encrypt backups ', '2028-03-09'));
    assert.deepEqual(granted.next.conditions, [
      {
        id: 'c9',
        text: 'Encrypt backups',
        dueOn: '2028-03-09',
        status: 'open',
        closedOn: null,
        closingNote: null,
      },
    ]);
  });

  it('a suspension needs a reason and an effective date from today to the end of validity', () => {
    const record = recordIn('accredited');
    const suspend = (effectiveOn: string, reason = 'Breach.'): TransitionResult =>
      transition(record, { type: 'suspend', reason, effectiveOn }, dg, NOW);
    refused(suspend('2026-03-09'), 'effective_date_past', /2026-03-09 is before today, 2026-03-10/);
    refused(suspend(TODAY, ''), 'input_invalid');
    refused(suspend('2026-13-01'), 'input_invalid');
    refused(suspend('2028-01-01'), 'input_invalid', /ends on 2027-12-31/);
    ok(suspend(TODAY));
    ok(suspend('2026-04-01'));
  });

  it('reinstatement only while still valid; afterwards it can only expire', () => {
    const record = recordIn('suspended');
    const late = new Date('2028-01-01T00:00:00Z');
    refused(
      transition(record, sample('reinstate').action, dg, late),
      'validity_ended',
      /valid until 2027-12-31/,
    );
    ok(transition(record, sample('expire').action, SYSTEM, late));
    refused(
      transition(recordIn('accredited'), sample('reinstate').action, dg, NOW),
      'transition_not_allowed',
      /only suspend/,
    );
  });

  it('expiry only once the last valid day has passed', () => {
    // recordIn's grant is valid until 2027-12-31 inclusive.
    for (const from of ['accredited', 'suspended'] as const) {
      refused(
        transition(recordIn(from), { type: 'expire' }, SYSTEM, new Date('2027-12-31T23:59:59Z')),
        'not_yet_expired',
        /valid until 2027-12-31 inclusive/,
      );
      const expired = ok(
        transition(recordIn(from), { type: 'expire' }, SYSTEM, new Date('2028-01-01T00:00:00Z')),
      );
      assert.deepEqual(
        expired.event.type === 'AccreditationExpired' && expired.event.validUntil,
        '2027-12-31',
      );
    }
  });

  it('closing a condition needs an open condition and a note', () => {
    const record = recordIn('accredited');
    refused(
      transition(
        record,
        { type: 'close_condition', conditionId: 'nope', note: 'x' },
        adoption,
        NOW,
      ),
      'condition_not_open',
      /no condition nope/,
    );
    refused(
      transition(record, { type: 'close_condition', conditionId: 'c1', note: ' ' }, adoption, NOW),
      'input_invalid',
    );
    const closed = ok(transition(record, sample('close_condition').action, adoption, NOW));
    assert.equal(closed.next.status, 'accredited');
    assert.deepEqual(closed.next.conditions[0], {
      id: 'c1',
      text: 'Move backups onshore',
      dueOn: '2026-06-30',
      status: 'closed',
      closedOn: TODAY,
      closingNote: 'Backups verified onshore.',
    });
    refused(
      transition(closed.next, sample('close_condition').action, adoption, NOW),
      'condition_not_open',
      /closed on 2026-03-10/,
    );
  });

  it('closing a finding needs an open finding of the assessment and a note', () => {
    const record = recordIn('suspended');
    refused(
      transition(record, { type: 'close_finding', findingId: 'nope', note: 'x' }, adoption, NOW),
      'finding_not_open',
      /no finding nope/,
    );
    assert.equal(
      refused(
        transition(record, { type: 'close_finding', findingId: 'f1', note: ' ' }, adoption, NOW),
        'input_invalid',
      ),
      'Say how the finding was fixed before closing it.',
    );
    const closed = ok(transition(record, sample('close_finding').action, adoption, NOW));
    assert.equal(closed.next.status, 'suspended');
    assert.deepEqual(closed.next.assessment?.findings, [
      {
        id: 'f1',
        controlId: 'ac-2',
        severity: 'critical',
        description: 'Administrator accounts are shared.',
        dueOn: '2026-04-30',
        fixedOn: TODAY,
        fixNote: 'Each administrator now has a named account.',
      },
    ]);
    assert.deepEqual(closed.next.assessment.counts, record.assessment?.counts);
    assert.deepEqual(
      closed.event.type === 'FindingClosed' && [closed.event.findingId, closed.event.note],
      ['f1', 'Each administrator now has a named account.'],
    );
    refused(
      transition(closed.next, sample('close_finding').action, adoption, NOW),
      'finding_not_open',
      /closed as fixed on 2026-03-10/,
    );
    // A note is trimmed; an accreditation granted without findings has none to close.
    const trimmed = ok(
      transition(
        recordIn('accredited'),
        { type: 'close_finding', findingId: 'f1', note: '  Fixed.  ' },
        adoption,
        NOW,
      ),
    );
    assert.equal(trimmed.next.assessment?.findings[0]?.fixNote, 'Fixed.');
    refused(
      transition(
        { ...recordIn('accredited'), assessment: null },
        sample('close_finding').action,
        adoption,
        NOW,
      ),
      'finding_not_open',
    );
  });
});

describe('the whole path of one offering', () => {
  it('goes from application to accreditation, through every review, one event per change', () => {
    const events: AccreditationEvent[] = [];
    const opened = openApplication(
      {
        id: 'acc-1',
        offeringId: 'off-1',
        cspOrganizationId: 'csp-1',
        kind: 'initial',
        levelSought: intermediate,
        predecessor: null,
      },
      cspAdmin,
      NOW,
    );
    assert.ok(opened.ok, 'the application opens');
    events.push(opened.event);
    let record = opened.record;
    const step = (action: Action, actor: ActorFacts, at = NOW): void => {
      const result = ok(transition(record, action, actor, at));
      events.push(result.event);
      record = result.next;
    };
    step(sample('submit').action, cspSecurity);
    step(sample('return').action, adoption);
    step(sample('submit').action, cspAdmin);
    step(sample('confirm_complete').action, adoption);
    step(
      { type: 'assign_audit', auditFirm: { id: 'firm-1', name: 'Firm One', registered: true } },
      audits,
    );
    step(sample('decline_assessment').action, auditor);
    step(sample('assign_audit').action, audits);
    step(sample('submit_assessment').action, { ...otherAuditor });
    step(sample('request_legal_documents').action, legal);
    step(sample('resubmit_legal_documents').action, cspAdmin);
    step(sample('record_legal_review').action, legal);
    step(sample('accredit').action, dg);
    assert.equal(record.status, 'accredited');
    assert.deepEqual(
      events.map((e) => e.type),
      [
        'ApplicationOpened',
        'ApplicationSubmitted',
        'ApplicationReturned',
        'ApplicationSubmitted',
        'CompletenessConfirmed',
        'AssessmentAssigned',
        'AssessmentDeclined',
        'AssessmentAssigned',
        'AssessmentSubmitted',
        'LegalDocumentsRequested',
        'LegalDocumentsResubmitted',
        'LegalReviewCompleted',
        'AccreditationGranted',
      ],
    );
    const resubmitted = events[3];
    assert.ok(
      resubmitted?.type === 'ApplicationSubmitted' && resubmitted.resubmission,
      'the second submission is marked as a resubmission',
    );
    assert.deepEqual(events.at(-1), {
      type: 'AccreditationGranted',
      kind: 'initial',
      level: baseline,
      levelSought: intermediate,
      validFrom: TODAY,
      validUntil: '2028-03-09',
      conditions: [
        {
          id: 'c2',
          text: 'Fix finding f1',
          dueOn: '2026-06-30',
          status: 'open',
          closedOn: null,
          closingNote: null,
        },
      ],
      auditFirmId: 'firm-2',
      predecessorId: null,
      accreditationId: 'acc-1',
      offeringId: 'off-1',
      cspOrganizationId: 'csp-1',
      at: NOW.toISOString(),
      by: { kind: 'person', userId: 'dg', organizationId: 'office', power: 'decide_accreditation' },
    });
    assert.deepEqual(standingOn(record, TODAY), { inForce: true, level: baseline });

    // Suspended, then reinstated with a new condition.
    step({ type: 'suspend', reason: 'Breach not disclosed.', effectiveOn: TODAY }, dg);
    assert.deepEqual(standingOn(record, TODAY), { inForce: false, level: null });
    step(
      {
        type: 'reinstate',
        reason: 'Disclosed.',
        conditions: [{ id: 'c3', text: 'Quarterly breach drill', dueOn: '2026-09-30' }],
      },
      dg,
    );
    assert.equal(record.status, 'accredited');
    assert.equal(record.suspension, null);
    assert.deepEqual(
      record.conditions.map((c) => c.id),
      ['c2', 'c3'],
    );
    assert.deepEqual(standingOn(record, TODAY), { inForce: true, level: baseline });

    // Expiry, once.
    assert.equal(expiryDue(record, '2028-03-09'), false);
    assert.equal(expiryDue(record, '2028-03-10'), true);
    step({ type: 'expire' }, SYSTEM, new Date('2028-03-10T00:00:01Z'));
    assert.equal(expiryDue(record, '2028-03-11'), false);
    refused(
      transition(record, { type: 'expire' }, SYSTEM, new Date('2028-03-11T00:00:00Z')),
      'transition_not_allowed',
    );
    assert.deepEqual(
      events.slice(-3).map((e) => e.type),
      ['AccreditationSuspended', 'AccreditationReinstated', 'AccreditationExpired'],
    );
  });

  it('emits exactly one event per change: repeating a change is refused and emits nothing', () => {
    const once = ok(transition(recordIn('accredited'), sample('suspend').action, dg, NOW));
    refused(transition(once.next, sample('suspend').action, dg, NOW), 'transition_not_allowed');
    const expired = ok(
      transition(recordIn('accredited'), sample('expire').action, SYSTEM, sample('expire').at),
    );
    refused(
      transition(expired.next, sample('expire').action, SYSTEM, sample('expire').at),
      'transition_not_allowed',
    );
  });

  it('does not change the record it was given', () => {
    const record = recordIn('accredited');
    const before = JSON.stringify(record);
    ok(transition(record, sample('close_condition').action, adoption, NOW));
    ok(transition(record, sample('close_finding').action, adoption, NOW));
    ok(transition(record, sample('suspend').action, dg, NOW));
    assert.equal(JSON.stringify(record), before);
  });

  it('revocation is final, from accredited or suspended', () => {
    for (const from of ['accredited', 'suspended'] as const) {
      const revoked = ok(transition(recordIn(from), sample('revoke').action, dg, NOW));
      assert.equal(revoked.event.type, 'AccreditationRevoked');
      assert.deepEqual(revoked.next.closure, {
        reasons: ['Repeated undisclosed breaches.'],
        successorId: null,
      });
      for (const type of ACTION_TYPES) {
        for (const actor of Object.values(CAST)) {
          refused(
            transition(revoked.next, sample(type).action, actor, sample(type).at),
            'transition_not_allowed',
          );
        }
      }
      assert.deepEqual(allowedActions(revoked.next, dg), []);
      assert.deepEqual(standingOn(revoked.next, TODAY), { inForce: false, level: null });
    }
  });

  it('a suspension dated ahead leaves the offering in force until that day', () => {
    const suspended = ok(
      transition(
        recordIn('accredited'),
        { type: 'suspend', reason: 'Audit overdue.', effectiveOn: '2026-04-01' },
        dg,
        NOW,
      ),
    ).next;
    assert.equal(suspended.status, 'suspended');
    assert.equal(standingOn(suspended, '2026-03-31').inForce, true);
    assert.equal(standingOn(suspended, '2026-04-01').inForce, false);
    assert.equal(standingOn(recordIn('accredited'), '2025-12-31').inForce, false);
    assert.equal(standingOn(recordIn('accredited'), '2028-01-01').inForce, false);
  });

  it('lists open conditions past their due date', () => {
    assert.deepEqual(overdueConditions(recordIn('accredited'), '2026-06-30'), []);
    assert.deepEqual(
      overdueConditions(recordIn('accredited'), '2026-07-01').map((c) => c.id),
      ['c1'],
    );
  });
});

describe('renewal and reassessment', () => {
  const inForce: PredecessorFacts = {
    id: 'acc-1',
    offeringId: 'off-1',
    cspOrganizationId: 'csp-1',
    status: 'accredited',
    validUntil: '2026-06-30',
    successorOpen: false,
  };
  const open = (
    kind: 'renewal' | 'reassessment',
    actor: ActorFacts,
    predecessor: PredecessorFacts | null = inForce,
    at = NOW,
  ) =>
    openApplication(
      {
        id: 'acc-2',
        offeringId: 'off-1',
        cspOrganizationId: 'csp-1',
        kind,
        levelSought: enhanced,
        predecessor,
      },
      actor,
      at,
    );

  it('a renewal opens within the window before expiry, linked to the accreditation in force', () => {
    const early = open('renewal', cspAdmin, { ...inForce, validUntil: '2026-09-07' });
    assert.ok(!early.ok, 'a renewal 181 days ahead is refused');
    assert.equal(early.code, 'renewal_too_early');
    assert.match(early.message, /may be opened from 2026-03-11 \(180 days before\)/);
    const renewal = open('renewal', cspAdmin, { ...inForce, validUntil: '2026-09-06' });
    assert.ok(renewal.ok, 'a renewal 180 days ahead opens');
    assert.equal(renewal.record.status, 'draft');
    assert.equal(renewal.record.kind, 'renewal');
    assert.equal(renewal.record.predecessorId, 'acc-1');
    assert.equal(
      renewal.event.type === 'ApplicationOpened' && renewal.event.predecessorId,
      'acc-1',
    );
  });

  it('refuses a second open successor, a predecessor not in force, another offering, the wrong people', () => {
    const codeOf = (result: ReturnType<typeof open>): string => (result.ok ? 'ok' : result.code);
    assert.equal(
      codeOf(open('renewal', cspAdmin, { ...inForce, successorOpen: true })),
      'successor_open',
    );
    for (const status of ['suspended', 'revoked', 'expired', 'superseded', 'refused'] as const) {
      assert.equal(
        codeOf(open('renewal', cspAdmin, { ...inForce, status })),
        'predecessor_not_in_force',
      );
      assert.equal(
        codeOf(open('reassessment', audits, { ...inForce, status })),
        'predecessor_not_in_force',
      );
    }
    assert.equal(
      codeOf(open('renewal', cspAdmin, { ...inForce, offeringId: 'off-9' })),
      'input_invalid',
    );
    assert.equal(codeOf(open('renewal', cspAdmin, null)), 'input_invalid');
    assert.equal(codeOf(open('renewal', cspStaff)), 'not_permitted');
    assert.equal(codeOf(open('renewal', otherCspAdmin)), 'not_permitted');
    assert.equal(codeOf(open('reassessment', cspAdmin)), 'not_permitted');
    assert.equal(codeOf(open('reassessment', adoption)), 'not_permitted');
    assert.equal(codeOf(open('reassessment', audits)), 'ok');
    assert.equal(codeOf(open('reassessment', dg)), 'ok');
    const first = openApplication(
      {
        id: 'x',
        offeringId: 'off-1',
        cspOrganizationId: 'csp-1',
        kind: 'initial',
        levelSought: baseline,
        predecessor: inForce,
      },
      cspAdmin,
      NOW,
    );
    assert.ok(!first.ok, 'a first application with a predecessor is refused');
    const byAuditor = openApplication(
      {
        id: 'x',
        offeringId: 'off-1',
        cspOrganizationId: 'csp-1',
        kind: 'initial',
        levelSought: baseline,
        predecessor: null,
      },
      auditor,
      NOW,
    );
    assert.ok(!byAuditor.ok, 'an auditor cannot apply');
    assert.equal(byAuditor.code, 'not_permitted');
    assert.equal(
      byAuditor.message,
      "Only the applying provider's administrators and security officers can open an application.",
    );
  });

  it('a renewal is granted only while its predecessor is accredited or has expired, and then replaces it', () => {
    const renewal: AccreditationRecord = {
      ...recordIn('awaiting_decision'),
      id: 'acc-2',
      kind: 'renewal',
      predecessorId: 'acc-1',
    };
    const accredit = sample('accredit').action;
    for (const predecessorStatus of ['suspended', 'revoked', 'superseded', null] as const) {
      refused(
        transition(renewal, { ...accredit, predecessorStatus }, dg, NOW),
        'predecessor_not_in_force',
      );
    }
    ok(transition(renewal, { ...accredit, predecessorStatus: 'expired' }, dg, NOW));
    const granted = ok(
      transition(renewal, { ...accredit, predecessorStatus: 'accredited' }, dg, NOW),
    );
    assert.ok(
      granted.event.type === 'AccreditationGranted' &&
        granted.event.predecessorId === 'acc-1' &&
        granted.event.kind === 'renewal',
      'the grant names the renewal and its predecessor',
    );
    // The service then replaces the predecessor, as the clock.
    const replaced = ok(
      transition(recordIn('accredited'), { type: 'supersede', successorId: 'acc-2' }, SYSTEM, NOW),
    );
    assert.equal(replaced.next.status, 'superseded');
    assert.deepEqual(replaced.next.closure, { reasons: [], successorId: 'acc-2' });
    refused(
      transition(recordIn('accredited'), { type: 'supersede', successorId: 'acc-1' }, SYSTEM, NOW),
      'input_invalid',
    );
    refused(
      transition(recordIn('accredited'), { type: 'supersede', successorId: 'acc-2' }, dg, NOW),
      'not_permitted',
    );
  });
});

describe('reminders ahead of expiry', () => {
  // Granted 2026-01-01 until 2027-12-31; reassessment due every 12 months.
  const record = recordIn('accredited');
  const keysBetween = (from: string, to: string, facts = { successorOpen: false }): string[] => {
    const keys = new Set<string>();
    for (let day = from; day <= to; day = addMonthsDays(day, 1)) {
      for (const reminder of dueReminders(record, day, DEFAULT_POLICY, facts))
        keys.add(reminder.key);
    }
    return [...keys];
  };

  it('come once per mark: renewal at 90, 30 and 7 days, reassessment at 30 and 7', () => {
    assert.deepEqual(keysBetween('2026-01-01', '2028-01-10'), [
      'reassessment:acc-1:2027-01-01:30',
      'reassessment:acc-1:2027-01-01:7',
      'renewal:acc-1:2027-12-31:90',
      'renewal:acc-1:2027-12-31:30',
      'renewal:acc-1:2027-12-31:7',
    ]);
  });

  it('say how long is left, and stop once a renewal is open or the accreditation is not in force', () => {
    const [renewal] = dueReminders(record, '2027-12-01');
    assert.deepEqual(renewal, {
      key: 'renewal:acc-1:2027-12-31:30',
      kind: 'renewal',
      accreditationId: 'acc-1',
      dueOn: '2027-12-31',
      daysLeft: 30,
      mark: 30,
      message:
        'The intermediate accreditation ends on 2027-12-31 (in 30 days). Open a renewal to keep the offering accredited.',
    });
    assert.equal(dueReminders(record, '2027-12-31')[0]?.message.includes('(today)'), true);
    assert.deepEqual(
      dueReminders(record, '2027-12-01', DEFAULT_POLICY, { successorOpen: true }),
      [],
    );
    assert.deepEqual(dueReminders(recordIn('suspended'), '2027-12-01'), []);
    assert.deepEqual(dueReminders(record, '2028-01-01'), []);
  });

  it('follow the policy: other marks, no periodic reassessment', () => {
    const policy = {
      ...DEFAULT_POLICY,
      renewalReminderDays: [60, 14],
      reassessmentIntervalMonths: null,
    };
    const keys = new Set<string>();
    for (let day = '2027-09-01'; day <= '2027-12-31'; day = addMonthsDays(day, 1)) {
      for (const reminder of dueReminders(record, day, policy)) keys.add(reminder.key);
    }
    assert.deepEqual([...keys], ['renewal:acc-1:2027-12-31:60', 'renewal:acc-1:2027-12-31:14']);
  });
});

describe('calendar arithmetic', () => {
  it('adds months, falling back to the last day of a shorter month', () => {
    assert.equal(addMonths('2026-01-31', 1), '2026-02-28');
    assert.equal(addMonths('2028-02-29', 12), '2029-02-28');
    assert.equal(addMonths('2026-03-10', 36), '2029-03-10');
    assert.equal(addMonths('2026-11-15', 3), '2027-02-15');
  });
});

describe('the documented table', () => {
  it('is the table the code runs, row for row', () => {
    const doc = fs.readFileSync(
      path.resolve(import.meta.dirname, '..', '..', '..', 'docs', 'accreditation-workflow.md'),
      'utf8',
    );
    const cell = (text: string | undefined): string => (text ?? '').trim();
    const documented = [
      ...doc.matchAll(/^\| `(\w+)` +\| `(\w+)` +\| `(\w+)` +\|([^|]+)\| `(\w+)` +\|$/gm),
    ].map((m) => [m[1], m[2], m[3], cell(m[4]), m[5]].join(' / '));
    const who = (rule: ActorRule): string => {
      switch (rule.kind) {
        case 'power':
          return `power \`${rule.power}\``;
        case 'applicant':
          return 'applicant (CSP admin or security officer)';
        case 'assigned_audit_firm':
          return 'assigned audit firm (auditor or firm admin)';
        case 'system':
          return 'system';
      }
    };
    const code = TRANSITIONS.map((r) => [r.from, r.action, r.to, who(r.by), r.event].join(' / '));
    assert.deepEqual(documented, code);
  });
});

function addMonthsDays(day: string, days: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}
