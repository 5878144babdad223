import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Catalog, Control } from '../model.js';
import { globToRegExp, selectFromCatalog, selector, type Origins } from './import.js';

const control = (id: string, children: Control[] = []): Control =>
  children.length > 0 ? { id, title: id, controls: children } : { id, title: id };

const catalog: Catalog = {
  uuid: '11111111-1111-4111-8111-111111111111',
  metadata: {
    title: 'c',
    'last-modified': '2024-01-01T00:00:00Z',
    version: '1',
    'oscal-version': '1.1.2',
  },
  controls: [control('top')],
  groups: [
    {
      id: 'ac',
      title: 'AC',
      controls: [
        control('ac-1'),
        control('ac-2', [control('ac-2.1', [control('ac-2.1.a')]), control('ac-2.2')]),
      ],
    },
    {
      id: 'empty',
      title: 'Empty',
      groups: [{ id: 'inner', title: 'Inner', controls: [control('in-1')] }],
    },
  ],
};

/** The selected ids as a nested outline: id, or id(children). */
function outline(controls: readonly Control[] | undefined): string {
  return (controls ?? [])
    .map((c) => (c.controls ? `${c.id}(${outline(c.controls)})` : c.id))
    .join(' ');
}

describe('import: selecting controls', () => {
  it('globs: * is any run, ? one character, the rest literal, the whole id', () => {
    assert.ok(globToRegExp('ac-*').test('ac-2.1'));
    assert.ok(globToRegExp('ac-?').test('ac-2'));
    assert.ok(!globToRegExp('ac-?').test('ac-10'));
    assert.ok(!globToRegExp('ac.1').test('acx1'), 'a dot is literal');
    assert.ok(!globToRegExp('c-1').test('ac-1'), 'anchored');
  });

  it('with-child-controls yes brings every descendant; exclusions win over inclusions', () => {
    const selects = selector({
      'include-controls': [{ 'with-ids': ['ac-2'], 'with-child-controls': 'yes' }],
      'exclude-controls': [{ 'with-ids': ['ac-2.2'] }],
    });
    assert.ok(selects('ac-2.1.a', ['ac-2', 'ac-2.1']));
    assert.ok(!selects('ac-2.2', ['ac-2']));
    assert.ok(!selects('ac-1', []));
  });

  it('excluding with child controls excludes the descendants too', () => {
    const selects = selector({
      'include-all': {},
      'exclude-controls': [{ matching: [{ pattern: 'ac-2' }], 'with-child-controls': 'yes' }],
    });
    assert.ok(!selects('ac-2.1', ['ac-2']));
    assert.ok(selects('ac-1', []));
  });

  it('keeps nesting, and puts a selected child of an unselected control where its parent was', () => {
    const origins: Origins = new WeakMap();
    const selection = selectFromCatalog(
      catalog,
      'cat',
      { 'include-controls': [{ 'with-ids': ['ac-1', 'ac-2.1', 'ac-2.1.a', 'ac-2.2', 'in-1'] }] },
      origins,
    );
    assert.equal(outline(selection.controls), '');
    assert.equal(outline(selection.groups[0]?.controls), 'ac-1 ac-2.1(ac-2.1.a) ac-2.2');
    assert.equal(outline(selection.groups[1]?.groups?.[0]?.controls), 'in-1');
    const first = selection.groups[0]?.controls?.[1];
    assert.ok(first);
    assert.deepEqual(origins.get(first), { uri: 'cat', position: 3 });
  });

  it('never changes the catalog it selects from', () => {
    const before = structuredClone(catalog);
    selectFromCatalog(
      catalog,
      'cat',
      { 'include-controls': [{ 'with-ids': ['ac-2.1'] }] },
      new WeakMap(),
    );
    assert.deepEqual(catalog, before);
  });
});
