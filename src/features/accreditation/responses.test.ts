import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Catalog } from '../../oscal/model.js';
import {
  LIMITS,
  progress,
  validateResponse,
  validateResponses,
  type ControlResponse,
} from './responses.js';

/** Two groups (one with an enhancement and a withdrawn control), and one control outside any group. */
const CATALOG: Catalog = {
  uuid: '00000000-0000-4000-8000-000000000001',
  metadata: {
    title: 'Test level',
    'last-modified': '2026-01-01T00:00:00Z',
    version: '1',
    'oscal-version': '1.1.2',
  },
  controls: [{ id: 'top-1', title: 'Ungrouped' }],
  groups: [
    {
      id: 'br',
      title: 'Breach reporting',
      controls: [
        { id: 'br-1', title: 'Notice', controls: [{ id: 'br-1.1', title: 'Notice, faster' }] },
        { id: 'br-2', title: 'Old rule', props: [{ name: 'status', value: 'withdrawn' }] },
      ],
    },
    { id: 'dr', title: 'Data residency', controls: [{ id: 'dr-1', title: 'In-country storage' }] },
  ],
};

function answer(controlId: string, over: Partial<ControlResponse> = {}): ControlResponse {
  return {
    controlId,
    status: 'implemented',
    responsibility: 'provider',
    narrative: 'We do it, daily, and log it.',
    reason: null,
    evidenceDocumentIds: ['doc-1'],
    customerResponsibility: null,
    ...over,
  };
}

const pointers = (issues: { pointer: string }[]) => issues.map((i) => i.pointer);

describe('validateResponse', () => {
  it('accepts a complete answer for each status and responsibility', () => {
    assert.deepEqual(validateResponse(answer('br-1')), []);
    assert.deepEqual(
      validateResponse(
        answer('br-1', {
          status: 'partial',
          responsibility: 'shared',
          customerResponsibility: 'Turn on MFA.',
        }),
      ),
      [],
    );
    assert.deepEqual(
      validateResponse(
        answer('br-1', {
          status: 'planned',
          responsibility: 'customer',
          customerResponsibility: 'Keep keys.',
        }),
      ),
      [],
    );
    assert.deepEqual(
      validateResponse(
        answer('br-1', {
          status: 'not_applicable',
          narrative: '',
          reason: 'No physical site.',
          evidenceDocumentIds: [],
        }),
      ),
      [],
    );
  });

  it('needs a reason for not applicable, and refuses one for any other status', () => {
    const missing = validateResponse(answer('br-1', { status: 'not_applicable', reason: '  ' }));
    assert.deepEqual(pointers(missing), ['/reason']);
    assert.match(missing[0]?.message ?? '', /why the control does not apply/);
    const stray = validateResponse(answer('br-1', { reason: 'because' }));
    assert.deepEqual(pointers(stray), ['/reason']);
  });

  it('needs a narrative unless the control does not apply', () => {
    for (const status of ['implemented', 'partial', 'planned'] as const) {
      assert.deepEqual(pointers(validateResponse(answer('x-1', { status, narrative: ' ' }))), [
        '/narrative',
      ]);
    }
  });

  it('needs the customer part when the customer is responsible or shares it, and refuses it for the provider alone', () => {
    for (const responsibility of ['customer', 'shared'] as const) {
      const issues = validateResponse(answer('x-1', { responsibility }), '/responses/2');
      assert.deepEqual(pointers(issues), ['/responses/2/customerResponsibility']);
      assert.match(issues[0]?.message ?? '', new RegExp(`responsibility is ${responsibility}`));
    }
    assert.deepEqual(
      pointers(validateResponse(answer('x-1', { customerResponsibility: 'Patch your VMs.' }))),
      ['/customerResponsibility'],
    );
  });

  it('refuses a bad control id, over-long texts, and empty or repeated evidence ids', () => {
    const issues = validateResponse(
      answer('not an id', {
        narrative: 'x'.repeat(LIMITS.narrative + 1),
        evidenceDocumentIds: ['doc-1', '', 'doc-1'],
      }),
    );
    assert.deepEqual(pointers(issues), [
      '/controlId',
      '/narrative',
      '/evidenceDocumentIds/1',
      '/evidenceDocumentIds/2',
    ]);
    assert.match(issues[3]?.message ?? '', /doc-1 twice/);
  });
});

describe('validateResponses against a resolved level', () => {
  it('refuses answers to unknown or withdrawn controls and a second answer to one control', () => {
    const issues = validateResponses(CATALOG, [
      answer('br-1'),
      answer('zz-9'),
      answer('br-2'),
      answer('br-1'),
    ]);
    assert.deepEqual(issues, [
      { pointer: '/1/controlId', message: 'zz-9 is not a control of this level' },
      { pointer: '/2/controlId', message: 'br-2 is withdrawn and needs no answer' },
      { pointer: '/3/controlId', message: 'br-1 is already answered at /0' },
    ]);
  });

  it('accepts one valid answer per control, enhancements included', () => {
    assert.deepEqual(validateResponses(CATALOG, [answer('br-1.1'), answer('top-1')]), []);
  });
});

describe('progress', () => {
  it('counts the controls that need an answer, leaving withdrawn ones out', () => {
    const none = progress(CATALOG, []);
    assert.equal(none.total, 4);
    assert.equal(none.answered, 0);
    assert.equal(none.percent, 0);
    assert.equal(none.complete, false);
    assert.deepEqual(none.unanswered, ['top-1', 'br-1', 'br-1.1', 'dr-1']);
    assert.deepEqual(none.withdrawn, ['br-2']);
  });

  it('counts by status and responsibility, overall and per top-level group, in catalog order', () => {
    const result = progress(CATALOG, [
      answer('dr-1', { responsibility: 'shared', customerResponsibility: 'Choose the region.' }),
      answer('br-1', { status: 'partial', evidenceDocumentIds: [] }),
      answer('br-1.1', {
        status: 'not_applicable',
        narrative: '',
        reason: 'n/a',
        evidenceDocumentIds: [],
      }),
    ]);
    assert.equal(result.answered, 3);
    assert.equal(result.percent, 75);
    assert.deepEqual(result.unanswered, ['top-1']);
    assert.deepEqual(result.byStatus, {
      implemented: 1,
      partial: 1,
      planned: 0,
      not_applicable: 1,
    });
    assert.deepEqual(result.byResponsibility, { provider: 2, customer: 0, shared: 1 });
    // Partial without evidence is flagged; not applicable needs none.
    assert.deepEqual(result.withoutEvidence, ['br-1']);
    assert.deepEqual(
      result.groups.map((g) => [g.id, g.title, g.answered, g.total]),
      [
        [null, 'Other controls', 0, 1],
        ['br', 'Breach reporting', 2, 2],
        ['dr', 'Data residency', 1, 1],
      ],
    );
    assert.deepEqual(result.groups[1]?.byStatus, {
      implemented: 0,
      partial: 1,
      planned: 0,
      not_applicable: 1,
    });
  });

  it('is complete at 100 percent only when every required control is answered; stray answers are listed, not counted', () => {
    const all = ['top-1', 'br-1', 'br-1.1', 'dr-1'].map((id) => answer(id));
    const done = progress(CATALOG, [...all, answer('br-2'), answer('zz-9')]);
    assert.equal(done.complete, true);
    assert.equal(done.percent, 100);
    assert.equal(done.answered, 4);
    assert.deepEqual(done.ignored, ['br-2', 'zz-9']);
    const almost = progress(CATALOG, all.slice(0, 3));
    assert.equal(almost.percent, 75);
    assert.equal(almost.complete, false);
  });

  it('rounds down, so that an unfinished set never shows 100 percent', () => {
    const controls = Array.from({ length: 200 }, (_, i) => ({ id: `c-${i}`, title: `C ${i}` }));
    const many: Catalog = { ...CATALOG, controls, groups: [] };
    const result = progress(
      many,
      controls.slice(0, 199).map((c) => answer(c.id)),
    );
    assert.equal(result.percent, 99);
  });
});
