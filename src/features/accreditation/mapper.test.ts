import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { newRow, recordOf, responseOf, responseRow, type ApplicationRow } from './mapper.js';
import type { ControlResponse } from './responses.js';
import type { AccreditationRecord } from './workflow.js';

const draft: AccreditationRecord = {
  id: 'app-1',
  offeringId: 'off-1',
  cspOrganizationId: 'csp-1',
  kind: 'initial',
  predecessorId: null,
  status: 'draft',
  levelSought: { code: 'baseline', rank: 1 },
  submission: null,
  returnReasons: null,
  auditFirm: null,
  assessment: null,
  legalReview: null,
  grant: null,
  conditions: [],
  suspension: null,
  closure: null,
};

function roundTrip(record: AccreditationRecord): AccreditationRecord {
  const row = newRow(record, { at: '2026-06-01T00:00:00.000Z', userId: 'u-1' }) as ApplicationRow;
  return recordOf(row);
}

describe('application rows', () => {
  it('round-trips a draft, with nulls kept as nulls', () => {
    assert.deepEqual(roundTrip(draft), draft);
  });

  it('round-trips every nested part', () => {
    const full: AccreditationRecord = {
      ...draft,
      kind: 'renewal',
      predecessorId: 'app-0',
      status: 'suspended',
      submission: { levelVersion: 3, controlIds: ['ac-1', 'co-br-1'] },
      returnReasons: ['Add the SOC 2 report'],
      auditFirm: { id: 'firm-1', name: 'Audit & Co' },
      assessment: {
        submittedOn: '2026-05-01',
        counts: { satisfied: 1, not_satisfied: 1, not_applicable: 0 },
        findings: [
          {
            id: 'f-1',
            controlId: 'ac-1',
            severity: 'high',
            description: 'No review',
            dueOn: '2026-08-01',
          },
        ],
      },
      legalReview: { outcome: 'cleared', notes: 'fine' },
      grant: {
        level: { code: 'baseline', rank: 1 },
        validFrom: '2026-05-10',
        validUntil: '2028-05-10',
        decidedOn: '2026-05-10',
      },
      conditions: [
        {
          id: 'c-1',
          text: 'Fix ac-1',
          dueOn: '2026-08-01',
          status: 'open',
          closedOn: null,
          closingNote: null,
        },
      ],
      suspension: { reason: 'breach', effectiveOn: '2026-06-02' },
      closure: null,
    };
    assert.deepEqual(roundTrip(full), full);
  });

  it('pins the level version in its own column and starts at revision 1', () => {
    const row = newRow(
      { ...draft, status: 'submitted', submission: { levelVersion: 2, controlIds: ['a'] } },
      { at: 'x', userId: null },
    );
    assert.equal(row.level_version, 2);
    assert.equal(row.revision, 1);
    assert.equal(row.conditions, '[]');
  });

  it('round-trips a control response', () => {
    const response: ControlResponse = {
      controlId: 'ac-1',
      status: 'not_applicable',
      responsibility: 'customer',
      narrative: 'n',
      reason: 'no accounts',
      customerResponsibility: 'manage accounts',
      evidenceDocumentIds: ['d-1', 'd-2'],
    };
    const row = responseRow('app-1', response, { at: 't', userId: 'u' });
    assert.equal(row.evidence_document_ids, '["d-1","d-2"]');
    assert.deepEqual(responseOf(row), response);
  });
});
