import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Power } from '../office/positions.js';
import {
  allowedRequestActions,
  checkAnswers,
  checkDueAt,
  REQUEST_ACTIONS,
  requestOverdue,
  requestTransition,
  type RequestActor,
  type RequestStatus,
} from './requests-workflow.js';

const officer = (powers: Power[]): RequestActor => ({
  organizationId: 'office',
  organizationKind: 'cloud_office',
  powers: new Set(powers),
});
const asker = officer(['request_incident_report']);
const powerless = officer(['review_legal']);
const asked: RequestActor = { organizationId: 'pse', organizationKind: 'pse', powers: new Set() };
const other: RequestActor = { organizationId: 'other', organizationKind: 'pse', powers: new Set() };

describe('report request workflow', () => {
  it('allows exactly the steps of the table, each to the right people', () => {
    const allowed = (status: RequestStatus, actor: RequestActor) =>
      allowedRequestActions({ status, organizationId: 'pse' }, actor);
    assert.deepEqual(allowed('open', asked), ['answer']);
    assert.deepEqual(allowed('open', asker), ['withdraw']);
    assert.deepEqual(allowed('answered', asker), ['accept', 'return']);
    assert.deepEqual(allowed('answered', asked), []);
    assert.deepEqual(allowed('open', other), []);
    assert.deepEqual(allowed('open', powerless), []);
    for (const status of ['accepted', 'withdrawn'] as const) {
      for (const actor of [asked, asker]) assert.deepEqual(allowed(status, actor), []);
    }
  });

  it('moves open -> answered -> open (return) -> answered -> accepted', () => {
    const request = { status: 'open' as const, organizationId: 'pse' };
    const answer = requestTransition(request, 'answer', asked);
    assert.ok(answer.ok);
    assert.equal(answer.to, 'answered');
    const back = requestTransition({ ...request, status: 'answered' }, 'return', asker);
    assert.ok(back.ok && back.to === 'open');
    const accept = requestTransition({ ...request, status: 'answered' }, 'accept', asker);
    assert.ok(accept.ok && accept.to === 'accepted');
    const withdraw = requestTransition(request, 'withdraw', asker);
    assert.ok(withdraw.ok && withdraw.to === 'withdrawn');
  });

  it('refuses the wrong state (naming what can be done) before the wrong person', () => {
    const closed = requestTransition(
      { status: 'accepted', organizationId: 'pse' },
      'answer',
      asked,
    );
    assert.equal(!closed.ok && closed.code, 'transition_not_allowed');
    assert.match(!closed.ok ? closed.message : '', /nothing more can be done/);
    const early = requestTransition({ status: 'open', organizationId: 'pse' }, 'accept', asker);
    assert.match(!early.ok ? early.message : '', /answer it \(a user of the organization asked\)/);
    for (const action of REQUEST_ACTIONS) {
      const result = requestTransition({ status: 'open', organizationId: 'pse' }, action, other);
      assert.equal(result.ok, false);
    }
    const officerAnswers = requestTransition(
      { status: 'open', organizationId: 'pse' },
      'answer',
      asker,
    );
    assert.equal(!officerAnswers.ok && officerAnswers.code, 'not_permitted');
  });

  it('is overdue only while open and past due', () => {
    const at = new Date('2026-09-02T00:00:00Z');
    assert.equal(requestOverdue({ status: 'open', dueAt: '2026-09-01T23:59:59Z' }, at), true);
    assert.equal(requestOverdue({ status: 'open', dueAt: '2026-09-02T00:00:00Z' }, at), false);
    assert.equal(requestOverdue({ status: 'answered', dueAt: '2026-08-01T00:00:00Z' }, at), false);
  });

  it('checks due instants and answers', () => {
    const now = new Date('2026-09-01T08:00:00Z');
    assert.deepEqual(checkDueAt('2026-09-02T10:00:00+05:00', now), {
      ok: true,
      dueAt: '2026-09-02T05:00:00.000Z',
    });
    const past = checkDueAt('2026-09-01T08:00:00Z', now);
    assert.equal(!past.ok && past.problem.pointer, '/dueAt');
    assert.equal(checkDueAt('soon', now).ok, false);
    assert.equal(checkAnswers(['a', 'b'], undefined), null);
    assert.equal(checkAnswers(['a', 'b'], ['1', '2']), null);
    assert.equal(checkAnswers(['a', 'b'], ['1'])?.pointer, '/answers');
  });
});
