import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  allowedActions,
  allowedTargets,
  INCIDENT_STATUSES,
  transitionAllowed,
  transitionRefusal,
  TRANSITION_TARGETS,
  type IncidentState,
} from './lifecycle.js';

describe('the incident lifecycle', () => {
  it('allows exactly the moves of the table', () => {
    const allowed = INCIDENT_STATUSES.flatMap((from) =>
      TRANSITION_TARGETS.filter((to) => transitionAllowed(from, to)).map((to) => `${from}>${to}`),
    );
    assert.deepEqual(allowed, [
      'reported>triaged',
      'triaged>investigating',
      'triaged>contained',
      'triaged>resolved',
      'investigating>contained',
      'investigating>resolved',
      'contained>investigating',
      'contained>resolved',
      'resolved>investigating',
      'resolved>closed',
    ]);
    assert.deepEqual(allowedTargets('closed'), []);
  });

  it('names the state and the allowed targets when it refuses', () => {
    assert.equal(
      transitionRefusal('reported', 'resolved'),
      'An incident that is reported cannot be moved to resolved; from there it may only go to triaged.',
    );
    assert.equal(
      transitionRefusal('triaged', 'closed'),
      'An incident that is triaged cannot be moved to closed; from there it may only go to investigating, contained or resolved.',
    );
    assert.match(transitionRefusal('closed', 'investigating'), /closed incident does not change/);
  });
});

describe('allowedActions', () => {
  const incident = (patch: Partial<IncidentState> = {}): IncidentState => ({
    organizationId: 'pse-1',
    status: 'reported',
    finalReportAt: null,
    ...patch,
  });
  const reporter = { organizationId: 'pse-1', managesIncidents: false };
  const officer = { organizationId: 'office', managesIncidents: true };
  const clerk = { organizationId: 'office', managesIncidents: false };

  it('gives the reporting organization updates and, once, the final report', () => {
    assert.deepEqual(allowedActions(incident(), reporter), ['add_update', 'final_report']);
    assert.deepEqual(
      allowedActions(incident({ finalReportAt: '2026-08-01T00:00:00Z' }), reporter),
      ['add_update'],
    );
    assert.deepEqual(allowedActions(incident({ status: 'closed' }), reporter), []);
    assert.deepEqual(
      allowedActions(incident(), { organizationId: 'pse-2', managesIncidents: false }),
      [],
    );
  });

  it('gives holders of manage_incidents the moves the state allows, severity and owner', () => {
    assert.deepEqual(allowedActions(incident(), officer), [
      'triage',
      'set_severity',
      'assign_owner',
    ]);
    assert.deepEqual(allowedActions(incident({ status: 'resolved' }), officer), [
      'investigate',
      'close',
      'set_severity',
      'assign_owner',
    ]);
    assert.deepEqual(allowedActions(incident({ status: 'closed' }), officer), []);
  });

  it('gives other officers nothing to do', () => {
    assert.deepEqual(allowedActions(incident({ status: 'triaged' }), clerk), []);
  });
});
