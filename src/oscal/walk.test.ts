import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Control, Group } from './model.js';
import { allControls, countControls, forEachControl, forEachGroup } from './walk.js';

const control = (id: string, children: Control[] = []): Control =>
  children.length > 0 ? { id, title: id, controls: children } : { id, title: id };

// Top-level controls after the groups in the text, to show they are still visited first.
const container: { controls: Control[]; groups: Group[] } = {
  groups: [
    {
      id: 'ac',
      title: 'AC',
      controls: [control('ac-1'), control('ac-2', [control('ac-2.1', [control('ac-2.1.a')])])],
      groups: [{ id: 'ac-x', title: 'AC X', controls: [control('ac-x-1')] }],
    },
    { id: 'empty', title: 'Empty' },
    { id: 'au', title: 'AU', controls: [control('au-1')] },
  ],
  controls: [control('top', [control('top.1')])],
};

describe('forEachControl', () => {
  it('visits top-level controls with their descendants first, then each group in turn', () => {
    const seen: string[] = [];
    forEachControl(container, (c, parent, groups) => {
      seen.push(`${groups.map((g) => g.id).join('/')}:${parent?.id ?? '-'}>${c.id}`);
    });
    assert.deepEqual(seen, [
      ':->top',
      ':top>top.1',
      'ac:->ac-1',
      'ac:->ac-2',
      'ac:ac-2>ac-2.1',
      'ac:ac-2.1>ac-2.1.a',
      'ac/ac-x:->ac-x-1',
      'au:->au-1',
    ]);
  });

  it('walks the controls a visitor puts in place of the ones it saw', () => {
    const tree = { controls: [control('a', [control('old')])] };
    const seen: string[] = [];
    forEachControl(tree, (c) => {
      seen.push(c.id);
      if (c.id === 'a') c.controls = [control('new')];
    });
    assert.deepEqual(seen, ['a', 'new']);
  });

  it('accepts an empty container', () => {
    assert.equal(countControls({}), 0);
    assert.deepEqual(allControls({ controls: [], groups: [] }), []);
  });
});

describe('allControls and countControls', () => {
  it('list and count every control and enhancement at any depth', () => {
    assert.deepEqual(
      allControls(container).map((c) => c.id),
      ['top', 'top.1', 'ac-1', 'ac-2', 'ac-2.1', 'ac-2.1.a', 'ac-x-1', 'au-1'],
    );
    assert.equal(countControls(container), 8);
  });
});

describe('forEachGroup', () => {
  it('visits each group before its subgroups, in document order', () => {
    const seen: (string | undefined)[] = [];
    forEachGroup(container, (g) => seen.push(g.id));
    assert.deepEqual(seen, ['ac', 'ac-x', 'empty', 'au']);
  });
});
