import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SYSTEM, type PersonActor } from '../accreditation/workflow.js';
import { POWERS, type Power } from '../office/positions.js';
import { DEFAULT_POLICY_PACK } from './default-pack.js';
import {
  allowedNocActions,
  NOC_STATUSES,
  NOC_TRANSITIONS,
  nocExpiryDue,
  nocInForce,
  nocNotice,
  nocsForOffering,
  nocTransition,
  requestNoc,
  type NocAction,
  type NocRecord,
  type NocRequestTerms,
  type PolicyFacts,
} from './noc-workflow.js';

const officer = (userId: string, powers: readonly Power[]): PersonActor => ({
  userId,
  organizationId: 'office',
  organizationKind: 'cloud_office',
  role: 'officer',
  powers: new Set(powers),
});
const dg = officer('dg', POWERS);
const adoption = officer('adoption', ['review_accreditation', 'review_exemption']);
const audits = officer('audits', ['assign_audit']);
const pseStaff: PersonActor = {
  userId: 'pse-staff',
  organizationId: 'pse-1',
  organizationKind: 'pse',
  role: 'pse_staff',
  powers: new Set(),
};
const otherPse: PersonActor = { ...pseStaff, userId: 'other', organizationId: 'pse-2' };
const forged: PersonActor = { ...pseStaff, userId: 'forged', powers: new Set(POWERS) };

const sensitive: PolicyFacts = { pack: DEFAULT_POLICY_PACK, version: 1, classCode: 'sensitive' };
const restricted: PolicyFacts = { ...sensitive, classCode: 'restricted' };
const at = new Date('2026-08-01T09:00:00Z');

function terms(more: Partial<NocRequestTerms> = {}): NocRequestTerms {
  return {
    covers: ['deployment_model'],
    deploymentModels: ['private'],
    offeringId: null,
    facility: 'Ministry data centre',
    reason: 'The records must stay on our own hardware until the migration.',
    from: '2026-08-01',
    until: '2027-01-31',
    ...more,
  };
}

function requested(more: Partial<NocRequestTerms> = {}): NocRecord {
  const opened = requestNoc(
    {
      id: 'noc-1',
      systemId: 'sys-1',
      organizationId: 'pse-1',
      terms: terms(more),
      policy: sensitive,
    },
    pseStaff,
    at,
  );
  assert.ok(opened.ok, JSON.stringify(opened));
  return opened.record;
}

function step(record: NocRecord, action: NocAction, actor = dg, when = at): NocRecord {
  const result = nocTransition(record, action, actor, when);
  assert.ok(result.ok, JSON.stringify(result));
  return result.next;
}

const grantNow = (policy = sensitive): NocAction => ({
  type: 'grant',
  validFrom: null,
  validUntil: null,
  notes: null,
  policy,
});

describe('NOC workflow: requests', () => {
  it('opens a private-cloud NOC for Sensitive data as requested, by the PSE of the system', () => {
    const record = requested();
    assert.equal(record.status, 'requested');
    assert.equal(record.classCode, 'sensitive');
    assert.deepEqual(record.terms.covers, ['deployment_model']);
  });

  it('refuses a period longer than the policy allows, naming the last day allowed', () => {
    const result = requestNoc(
      {
        id: 'n',
        systemId: 's',
        organizationId: 'pse-1',
        terms: terms({ until: '2027-08-01' }),
        policy: sensitive,
      },
      pseStaff,
      at,
    );
    assert.ok(!result.ok);
    assert.equal(result.code, 'noc_not_allowed');
    assert.match(result.message, /may run until 2027-07-31, not 2027-08-01/);
    assert.deepEqual(
      result.problems?.map((p) => p.pointer),
      ['/until'],
    );
  });

  it('refuses a NOC for a class whose rule allows none, saying so once', () => {
    const result = requestNoc(
      { id: 'n', systemId: 's', organizationId: 'pse-1', terms: terms(), policy: restricted },
      pseStaff,
      at,
    );
    assert.ok(!result.ok);
    assert.equal(result.problems?.length, 1);
    assert.match(result.message, /allows no NOC for Restricted data/);
  });

  it('refuses deviations and models the rule does not allow, a start in the past, no reason', () => {
    const result = requestNoc(
      {
        id: 'n',
        systemId: 's',
        organizationId: 'pse-1',
        terms: terms({
          covers: ['deployment_model', 'residency'],
          deploymentModels: ['public'],
          from: '2026-07-31',
          until: '2026-12-31',
          reason: '  ',
        }),
        policy: sensitive,
      },
      pseStaff,
      at,
    );
    assert.ok(!result.ok);
    assert.deepEqual(
      result.problems?.map((p) => p.pointer),
      ['/deviations/1', '/deploymentModels/0', '/from', '/reason'],
    );
  });

  it('lets only a PSE user of the system’s organization request', () => {
    for (const actor of [otherPse, dg, forged]) {
      const result = requestNoc(
        {
          id: 'n',
          systemId: 's',
          organizationId: 'pse-1',
          terms: terms(),
          policy: sensitive,
        },
        actor.userId === 'forged' ? { ...forged, organizationKind: 'csp' } : actor,
        at,
      );
      assert.ok(!result.ok);
      assert.equal(result.code, 'not_permitted');
    }
  });
});

describe('NOC workflow: review and decision', () => {
  it('is reviewed by review_exemption, granted by decide_exemption, and records the power', () => {
    const reviewed = nocTransition(
      requested(),
      { type: 'review', recommendation: 'grant', reasons: ['Legitimate: migration in progress'] },
      adoption,
      at,
    );
    assert.ok(reviewed.ok);
    assert.equal(reviewed.next.status, 'under_review');
    assert.deepEqual(reviewed.event.by, {
      kind: 'person',
      userId: 'adoption',
      organizationId: 'office',
      power: 'review_exemption',
    });
    const granted = nocTransition(reviewed.next, grantNow(), dg, at);
    assert.ok(granted.ok);
    assert.equal(granted.next.status, 'granted');
    assert.deepEqual(granted.next.grant, {
      validFrom: '2026-08-01',
      validUntil: '2027-01-31',
      decidedOn: '2026-08-01',
      notes: null,
    });
    assert.equal(granted.event.type, 'NocGranted');
  });

  it('refuses the wrong officer, naming who may act', () => {
    const result = nocTransition(
      requested(),
      { type: 'review', recommendation: 'grant', reasons: [] },
      audits,
      at,
    );
    assert.ok(!result.ok);
    assert.equal(result.code, 'not_permitted');
    assert.match(
      result.message,
      /power review_exemption \(by default the Director Cloud Adoption or the DG Cloud\)/,
    );
    const reviewed = step(
      requested(),
      { type: 'review', recommendation: 'grant', reasons: [] },
      adoption,
    );
    const byReviewer = nocTransition(reviewed, grantNow(), adoption, at);
    assert.ok(!byReviewer.ok);
    assert.equal(byReviewer.code, 'not_permitted');
    const byForged = nocTransition(reviewed, grantNow(), forged, at);
    assert.ok(!byForged.ok);
  });

  it('refuses a grant before review, naming the state and what may be done', () => {
    const result = nocTransition(requested(), grantNow(), dg, at);
    assert.ok(!result.ok);
    assert.equal(result.code, 'transition_not_allowed');
    assert.match(
      result.message,
      /\(requested\), so one cannot grant the NOC; from here one can only review/,
    );
  });

  it('returns to the PSE with reasons, who resubmits amended terms checked again', () => {
    const returned = step(
      requested(),
      { type: 'review', recommendation: 'return', reasons: ['Name the facility'] },
      adoption,
    );
    assert.equal(returned.status, 'returned');
    assert.deepEqual(returned.returnReasons, ['Name the facility']);
    const noReason = nocTransition(
      requested(),
      { type: 'review', recommendation: 'return', reasons: [' '] },
      adoption,
      at,
    );
    assert.ok(!noReason.ok);
    assert.equal(noReason.code, 'input_invalid');
    const tooLong = nocTransition(
      returned,
      { type: 'resubmit', terms: terms({ until: '2028-01-01' }), policy: sensitive },
      pseStaff,
      at,
    );
    assert.ok(!tooLong.ok);
    assert.equal(tooLong.code, 'noc_not_allowed');
    const again = step(
      returned,
      {
        type: 'resubmit',
        terms: terms({ facility: 'Ministry data centre, Islamabad' }),
        policy: sensitive,
      },
      pseStaff,
    );
    assert.equal(again.status, 'requested');
    assert.equal(again.terms.facility, 'Ministry data centre, Islamabad');
  });

  it('may shorten the period on grant, never lengthen it or start it in the past', () => {
    const reviewed = step(
      requested(),
      { type: 'review', recommendation: 'grant', reasons: [] },
      adoption,
    );
    const shorter = step(reviewed, { ...grantNow(), validUntil: '2026-10-31' } as NocAction);
    assert.equal(shorter.grant?.validUntil, '2026-10-31');
    const longer = nocTransition(
      reviewed,
      { ...grantNow(), validUntil: '2027-02-28' } as NocAction,
      dg,
      at,
    );
    assert.ok(!longer.ok);
    assert.equal(longer.code, 'period_not_allowed');
    assert.match(longer.message, /never lengthen/);
    // Decided later than the start asked: the NOC starts on the day of the decision.
    const late = step(reviewed, grantNow(), dg, new Date('2026-08-20T10:00:00Z'));
    assert.equal(late.grant?.validFrom, '2026-08-20');
    const past = nocTransition(
      reviewed,
      { ...grantNow(), validFrom: '2026-08-01' } as NocAction,
      dg,
      new Date('2026-08-20T10:00:00Z'),
    );
    assert.ok(!past.ok);
    assert.equal(past.code, 'period_not_allowed');
  });

  it('checks the grant against the policy in force, not the one of the request', () => {
    const reviewed = step(
      requested(),
      { type: 'review', recommendation: 'grant', reasons: [] },
      adoption,
    );
    const stricter = structuredClone(DEFAULT_POLICY_PACK);
    for (const rule of stricter.nocRules) rule.maxMonths = 3;
    const result = nocTransition(
      reviewed,
      grantNow({ pack: stricter, version: 2, classCode: 'sensitive' }),
      dg,
      at,
    );
    assert.ok(!result.ok);
    assert.equal(result.code, 'noc_not_allowed');
    assert.match(result.message, /version 2.*may run until 2026-10-31/);
  });

  it('refuses with reasons; withdrawn by the PSE before a decision only; revoked by the DG Cloud', () => {
    const reviewed = step(
      requested(),
      { type: 'review', recommendation: 'refuse', reasons: ['No case'] },
      adoption,
    );
    const noReasons = nocTransition(reviewed, { type: 'refuse', reasons: [] }, dg, at);
    assert.ok(!noReasons.ok);
    assert.equal(step(reviewed, { type: 'refuse', reasons: ['No case'] }).status, 'refused');
    assert.equal(
      step(reviewed, { type: 'withdraw', reason: 'Moved to the government cloud' }, pseStaff)
        .status,
      'withdrawn',
    );
    const granted = step(reviewed, grantNow());
    const lateWithdraw = nocTransition(granted, { type: 'withdraw', reason: 'x' }, pseStaff, at);
    assert.ok(!lateWithdraw.ok);
    assert.equal(lateWithdraw.code, 'transition_not_allowed');
    const byOtherPse = nocTransition(reviewed, { type: 'withdraw', reason: 'x' }, otherPse, at);
    assert.ok(!byOtherPse.ok);
    assert.equal(byOtherPse.code, 'not_permitted');
    assert.equal(step(granted, { type: 'revoke', reason: 'Misused' }).status, 'revoked');
  });

  it('lists the steps each actor may take', () => {
    const record = requested();
    assert.deepEqual(allowedNocActions(record, adoption), ['review']);
    assert.deepEqual(allowedNocActions(record, pseStaff), ['withdraw']);
    assert.deepEqual(allowedNocActions(record, otherPse), []);
    assert.deepEqual(allowedNocActions(record, audits), []);
  });

  it('has a row for every state that is not final, and none from a final state', () => {
    for (const status of NOC_STATUSES) {
      const rows = NOC_TRANSITIONS.filter((row) => row.from === status);
      const final = ['refused', 'withdrawn', 'revoked', 'expired'].includes(status);
      assert.equal(rows.length === 0, final, status);
    }
  });
});

describe('NOC workflow: the calendar and placement', () => {
  const granted = () =>
    step(
      step(requested(), { type: 'review', recommendation: 'grant', reasons: [] }, adoption),
      grantNow(),
    );

  it('is in force from its first to its last day, and expires the day after, by the system only', () => {
    const record = granted();
    assert.ok(nocInForce(record, '2026-08-01'));
    assert.ok(nocInForce(record, '2027-01-31'));
    assert.ok(!nocInForce(record, '2027-02-01'));
    assert.ok(!nocExpiryDue(record, '2027-01-31'));
    assert.ok(nocExpiryDue(record, '2027-02-01'));
    const early = nocTransition(
      record,
      { type: 'expire' },
      SYSTEM,
      new Date('2027-01-31T23:00:00Z'),
    );
    assert.ok(!early.ok);
    assert.equal(early.code, 'not_yet_expired');
    const byPerson = nocTransition(
      record,
      { type: 'expire' },
      dg,
      new Date('2027-02-01T01:00:00Z'),
    );
    assert.ok(!byPerson.ok);
    const expired = nocTransition(
      record,
      { type: 'expire' },
      SYSTEM,
      new Date('2027-02-01T01:00:00Z'),
    );
    assert.ok(expired.ok);
    assert.equal(expired.next.status, 'expired');
    assert.deepEqual(expired.event.by, { kind: 'system' });
    assert.ok(!nocInForce(expired.next, '2026-09-01'));
  });

  it('counts a NOC naming an offering only for that offering', () => {
    const nocs = [
      { id: 'a', covers: [], deploymentModels: [], validUntil: '2027-01-01', offeringId: null },
      { id: 'b', covers: [], deploymentModels: [], validUntil: '2027-01-01', offeringId: 'o-1' },
    ];
    assert.deepEqual(
      nocsForOffering(nocs, 'o-1').map((n) => n.id),
      ['a', 'b'],
    );
    assert.deepEqual(
      nocsForOffering(nocs, 'o-2').map((n) => n.id),
      ['a'],
    );
  });

  it("tells the PSE's administrators of a grant, a refusal and an expiry, and the desks of their turn", () => {
    const event = (type: Parameters<typeof nocNotice>[0]['type'], details = {}) => ({
      type,
      nocId: 'n',
      systemId: 's',
      organizationId: 'pse-1',
      at: at.toISOString(),
      by: { kind: 'system' as const },
      details,
    });
    assert.equal(
      nocNotice(
        event('NocGranted', { validFrom: '2026-08-01', validUntil: '2027-01-31' }),
        'Records',
      )?.audience.kind,
      'pse_admins',
    );
    assert.equal(
      nocNotice(event('NocRefused', { reasons: ['x'] }), 'Records')?.audience.kind,
      'pse_admins',
    );
    assert.match(
      nocNotice(event('NocExpired', { validUntil: '2027-01-31' }), 'Records')?.text ?? '',
      /ended on 2027-01-31/,
    );
    assert.deepEqual(nocNotice(event('NocRequested'), 'Records')?.audience, {
      kind: 'power',
      power: 'review_exemption',
    });
    assert.deepEqual(nocNotice(event('NocRecommended'), 'Records')?.audience, {
      kind: 'power',
      power: 'decide_exemption',
    });
  });
});
