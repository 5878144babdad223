import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  ACTION_STATUSES,
  ACTION_STEPS,
  actionOverdue,
  actionTransition,
  allowedActionSteps,
  checkOrderKind,
  type ActionActor,
  type ActionStatus,
} from './actions-workflow.js';

const orderer: ActionActor = {
  organizationId: 'office',
  organizationKind: 'cloud_office',
  powers: new Set(['order_response_action']),
};
const requestOnly: ActionActor = { ...orderer, powers: new Set(['request_incident_report']) };
const owner: ActionActor = { organizationId: 'csp', organizationKind: 'csp', powers: new Set() };
const stranger: ActionActor = { organizationId: 'x', organizationKind: 'csp', powers: new Set() };

describe('response action workflow', () => {
  const allowed = (status: ActionStatus, actor: ActionActor) =>
    allowedActionSteps({ status, organizationId: 'csp' }, actor);

  it('allows exactly the steps of the table, each to the right people', () => {
    assert.deepEqual(allowed('ordered', owner), ['progress']);
    assert.deepEqual(allowed('ordered', orderer), ['cancel']);
    assert.deepEqual(allowed('in_progress', owner), ['progress']);
    assert.deepEqual(allowed('in_progress', orderer), ['cancel']);
    assert.deepEqual(allowed('done', orderer), ['verify', 'reject']);
    assert.deepEqual(allowed('done', owner), []);
    assert.deepEqual(allowed('verified', orderer), ['close']);
    for (const status of ACTION_STATUSES) {
      assert.deepEqual(allowed(status, stranger), []);
      assert.deepEqual(allowed(status, requestOnly), []);
    }
    for (const status of ['closed', 'cancelled'] as const) {
      assert.deepEqual(allowed(status, orderer), []);
      assert.deepEqual(allowed(status, owner), []);
    }
  });

  it('leads progress to in_progress or, when done, to done; the officer on from there', () => {
    const at = (status: ActionStatus) => ({ status, organizationId: 'csp' });
    const progress = actionTransition(at('ordered'), 'progress', owner);
    assert.ok(progress.ok && progress.to === 'in_progress');
    const done = actionTransition(at('in_progress'), 'progress', owner, true);
    assert.ok(done.ok && done.to === 'done');
    const straight = actionTransition(at('ordered'), 'progress', owner, true);
    assert.ok(straight.ok && straight.to === 'done');
    const reject = actionTransition(at('done'), 'reject', orderer);
    assert.ok(reject.ok && reject.to === 'in_progress');
    const verify = actionTransition(at('done'), 'verify', orderer);
    assert.ok(verify.ok && verify.to === 'verified');
    const close = actionTransition(at('verified'), 'close', orderer);
    assert.ok(close.ok && close.to === 'closed');
    const cancel = actionTransition(at('in_progress'), 'cancel', orderer);
    assert.ok(cancel.ok && cancel.to === 'cancelled');
  });

  it('refuses steps from the wrong state and by the wrong people', () => {
    for (const step of ACTION_STEPS) {
      const closed = actionTransition({ status: 'closed', organizationId: 'csp' }, step, orderer);
      assert.equal(!closed.ok && closed.code, 'transition_not_allowed');
    }
    const verifyEarly = actionTransition(
      { status: 'ordered', organizationId: 'csp' },
      'verify',
      orderer,
    );
    assert.match(!verifyEarly.ok ? verifyEarly.message : '', /record progress/);
    const officerWorks = actionTransition(
      { status: 'ordered', organizationId: 'csp' },
      'progress',
      orderer,
    );
    assert.equal(!officerWorks.ok && officerWorks.code, 'not_permitted');
    const ownerCancels = actionTransition(
      { status: 'ordered', organizationId: 'csp' },
      'cancel',
      owner,
    );
    assert.equal(!ownerCancels.ok && ownerCancels.code, 'not_permitted');
  });

  it('is overdue only while owed and past due', () => {
    const at = new Date('2026-09-02T00:00:00Z');
    const past = '2026-09-01T00:00:00Z';
    assert.equal(actionOverdue({ status: 'ordered', dueAt: past }, at), true);
    assert.equal(actionOverdue({ status: 'in_progress', dueAt: past }, at), true);
    for (const status of ['done', 'verified', 'closed', 'cancelled'] as const) {
      assert.equal(actionOverdue({ status, dueAt: past }, at), false);
    }
    assert.equal(actionOverdue({ status: 'ordered', dueAt: '2026-09-03T00:00:00Z' }, at), false);
  });

  it('needs an offering for a suspension', () => {
    assert.equal(checkOrderKind('suspend_accreditation', undefined)?.pointer, '/offeringId');
    assert.equal(checkOrderKind('suspend_accreditation', 'o'), null);
    assert.equal(checkOrderKind('contain', undefined), null);
  });
});
