import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Catalog, Control } from '../../oscal/model.js';
import { diffCatalogs, parameterValue, partTexts, placedControls } from './diff.js';

function catalog(controls: Control[], extraGroup?: Control[]): Catalog {
  return {
    uuid: '00000000-0000-4000-8000-000000000000',
    metadata: {
      title: 't',
      'last-modified': '2026-01-01T00:00:00Z',
      version: '1',
      'oscal-version': '1.1.2',
    },
    groups: [
      { id: 'gov', title: 'Governance', controls },
      ...(extraGroup ? [{ id: 'x', title: 'Extra', controls: extraGroup }] : []),
    ],
  };
}

const breach = (
  hours: string,
  prose = 'Report a breach within {{ insert: param, co-br-1_prm_1 }}.',
) =>
  ({
    id: 'co-br-1',
    title: 'Breach notice',
    params: [{ id: 'co-br-1_prm_1', label: 'hours', values: [hours] }],
    parts: [
      { id: 'co-br-1_smt', name: 'statement', prose },
      { name: 'guidance', prose: 'Call first.' },
    ],
  }) satisfies Control;

describe('diffCatalogs', () => {
  it('finds no change between a catalog and itself', () => {
    const c = catalog([breach('24')]);
    assert.deepEqual(diffCatalogs(c, c), { added: [], removed: [], changed: [] });
  });

  it('lists controls added and removed, enhancements included', () => {
    const before = catalog([
      breach('24'),
      { id: 'co-gv-1', title: 'Policy', controls: [{ id: 'co-gv-1.1', title: 'Review' }] },
    ]);
    const after = catalog([breach('24')], [{ id: 'co-ex-1', title: 'Exit plan' }]);
    const diff = diffCatalogs(before, after);
    assert.deepEqual(diff.added, [{ id: 'co-ex-1', title: 'Exit plan' }]);
    assert.deepEqual(diff.removed, [
      { id: 'co-gv-1', title: 'Policy' },
      { id: 'co-gv-1.1', title: 'Review' },
    ]);
    assert.deepEqual(diff.changed, []);
  });

  it('reports a parameter whose value changed, with both values', () => {
    const diff = diffCatalogs(catalog([breach('24')]), catalog([breach('1')]));
    assert.equal(diff.changed.length, 1);
    const [change] = diff.changed;
    assert.ok(change);
    assert.deepEqual(change.parameters, [{ paramId: 'co-br-1_prm_1', before: '24', after: '1' }]);
    assert.deepEqual(change.texts, []);
    assert.equal(change.titleChange, null);
  });

  it('reports title and statement text changes, and a part that disappeared', () => {
    const after: Control = {
      ...breach('24', 'Report every breach at once.'),
      title: 'Breach notification',
      parts: [{ id: 'co-br-1_smt', name: 'statement', prose: 'Report every breach at once.' }],
    };
    const diff = diffCatalogs(catalog([breach('24')]), catalog([after]));
    const change = diff.changed[0];
    assert.ok(change);
    assert.deepEqual(change.titleChange, { before: 'Breach notice', after: 'Breach notification' });
    assert.deepEqual(change.texts, [
      {
        part: 'co-br-1_smt',
        before: 'Report a breach within {{ insert: param, co-br-1_prm_1 }}.',
        after: 'Report every breach at once.',
      },
      { part: 'guidance[1]', before: 'Call first.', after: null },
    ]);
  });

  it('reports a parameter that was added or lost its value', () => {
    const before: Control = { id: 'c', title: 'C', params: [{ id: 'p1', values: ['a'] }] };
    const after: Control = {
      id: 'c',
      title: 'C',
      params: [{ id: 'p1' }, { id: 'p2', values: ['b'] }],
    };
    const diff = diffCatalogs(catalog([before]), catalog([after]));
    assert.deepEqual(diff.changed[0]?.parameters, [
      { paramId: 'p1', before: 'a', after: null },
      { paramId: 'p2', before: null, after: 'b' },
    ]);
  });
});

describe('parameterValue and partTexts', () => {
  it('reads values first, then a selection', () => {
    assert.equal(parameterValue({ id: 'p', values: ['90', 'days'] }), '90; days');
    assert.equal(
      parameterValue({ id: 'p', select: { 'how-many': 'one-or-more', choice: ['a', 'b'] } }),
      'one or more of: a | b',
    );
    assert.equal(parameterValue({ id: 'p', label: 'unset' }), null);
  });

  it('keys parts without ids by their path, counting names', () => {
    const texts = partTexts([
      {
        name: 'statement',
        prose: 'top',
        parts: [
          { name: 'item', prose: 'one' },
          { name: 'item', prose: 'two' },
        ],
      },
    ]);
    assert.deepEqual(
      [...texts],
      [
        ['statement[1]', 'top'],
        ['statement[1]/item[1]', 'one'],
        ['statement[1]/item[2]', 'two'],
      ],
    );
  });

  it('places controls under their groups, enhancements under their control', () => {
    const placed = placedControls(
      catalog([{ id: 'a', title: 'A', controls: [{ id: 'a.1', title: 'A1' }] }]),
    );
    assert.deepEqual(
      placed.map((p) => [p.control.id, p.groups.map((g) => g.id), p.parentId]),
      [
        ['a', ['gov'], null],
        ['a.1', ['gov'], 'a'],
      ],
    );
  });
});
