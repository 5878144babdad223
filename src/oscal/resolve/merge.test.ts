import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Catalog, Control, Group } from '../model.js';
import { selectFromCatalog, type Origins } from './import.js';
import {
  combineControls,
  combineMethodOf,
  compareIds,
  mergeSelections,
  structureOf,
  type Body,
} from './merge.js';

function from(origins: Origins, uri: string, position: number, control: Control): Control {
  origins.set(control, { uri, position });
  return control;
}

/** A control with a sort-id prop (when given) and child controls. */
function control(id: string, sortId?: string, controls?: Control[]): Control {
  const out: Control = { id, title: id };
  if (sortId !== undefined) out.props = [{ name: 'sort-id', value: sortId }];
  if (controls) out.controls = controls;
  return out;
}

function catalogOf(groups: Group[]): Catalog {
  return {
    uuid: '11111111-1111-4111-8111-111111111111',
    metadata: {
      title: 'c',
      'last-modified': '2024-01-01T00:00:00Z',
      version: '1',
      'oscal-version': '1.1.2',
    },
    groups,
  };
}

/** The ids of a group's controls, children in brackets: "a-1 a-2[a-2.1 a-2.2]". */
function shape(controls: readonly Control[] | undefined): string {
  return (controls ?? [])
    .map((c) => (c.controls ? `${c.id}[${shape(c.controls)}]` : c.id))
    .join(' ');
}

/** As-is merge of the given (catalog, uri, with-ids) imports; the shape of each group by id. */
function mergedAsIs(
  imports: readonly { catalog: Catalog; uri: string; ids: string[] }[],
): Record<string, string> {
  const origins: Origins = new WeakMap();
  const selections = imports.map(({ catalog, uri, ids }) =>
    selectFromCatalog(catalog, uri, { 'include-controls': [{ 'with-ids': ids }] }, origins),
  );
  const body = mergeSelections(selections, { 'as-is': true }, origins);
  return Object.fromEntries(body.groups.map((g) => [g.id ?? '', shape(g.controls)]));
}

describe('merge', () => {
  it('defaults: flat structure, keep combination; two directives are an error', () => {
    assert.equal(structureOf(undefined), 'flat');
    assert.equal(structureOf({ 'as-is': false }), 'flat');
    assert.equal(structureOf({ 'as-is': true }), 'as-is');
    assert.equal(combineMethodOf({}), 'keep');
    assert.throws(() => structureOf({ custom: {}, flat: {} }), /flat and custom/);
  });

  it('orders ids naturally: ac-2 before ac-10, ac-2 before ac-2.1', () => {
    assert.deepEqual(['ac-10', 'ac-2.1', 'ac-2', 'ac-1'].sort(compareIds), [
      'ac-1',
      'ac-2',
      'ac-2.1',
      'ac-10',
    ]);
  });

  it('the same control of the same document reached twice becomes one, with the children of both in catalog order', () => {
    const origins: Origins = new WeakMap();
    const body: Body = {
      params: [],
      groups: [],
      controls: [
        from(origins, 'a', 0, {
          id: 'x',
          title: 'x',
          controls: [from(origins, 'a', 2, { id: 'x.2', title: '' })],
        }),
        from(origins, 'a', 0, {
          id: 'x',
          title: 'x',
          controls: [from(origins, 'a', 1, { id: 'x.1', title: '' })],
        }),
      ],
    };
    combineControls(body, 'keep', origins);
    assert.equal(body.controls.length, 1);
    assert.deepEqual(
      body.controls[0]?.controls?.map((c) => c.id),
      ['x.1', 'x.2'],
    );
  });

  it('clashes between documents: use-first drops, keep keeps, merge joins', () => {
    const make = (): { body: Body; origins: Origins } => {
      const origins: Origins = new WeakMap();
      const body: Body = {
        params: [],
        groups: [],
        controls: [
          from(origins, 'a', 0, { id: 'x', title: 'first', props: [{ name: 'p', value: '1' }] }),
          from(origins, 'b', 0, { id: 'x', title: 'second', props: [{ name: 'p', value: '2' }] }),
        ],
      };
      return { body, origins };
    };
    const useFirst = make();
    combineControls(useFirst.body, 'use-first', useFirst.origins);
    assert.deepEqual(
      useFirst.body.controls.map((c) => c.title),
      ['first'],
    );
    const keep = make();
    combineControls(keep.body, 'keep', keep.origins);
    assert.deepEqual(
      keep.body.controls.map((c) => c.title),
      ['first', 'second'],
    );
    const merged = make();
    combineControls(merged.body, 'merge', merged.origins);
    assert.deepEqual(merged.body.controls, [
      {
        id: 'x',
        title: 'first',
        props: [
          { name: 'p', value: '1' },
          { name: 'p', value: '2' },
        ],
      },
    ]);
  });

  it('as-is: one catalog imported twice gives each group, control and group parameter once, in catalog order', () => {
    const catalog = {
      uuid: '11111111-1111-4111-8111-111111111111',
      metadata: {
        title: 'c',
        'last-modified': '2024-01-01T00:00:00Z',
        version: '1',
        'oscal-version': '1.1.2',
      },
      groups: [
        {
          id: 'g',
          title: 'G',
          params: [{ id: 'g_prm' }],
          controls: [
            { id: 'x-1', title: 'x-1' },
            { id: 'x-2', title: 'x-2' },
          ],
        },
      ],
    };
    const origins: Origins = new WeakMap();
    const body = mergeSelections(
      [
        selectFromCatalog(catalog, 'c', { 'include-controls': [{ 'with-ids': ['x-2'] }] }, origins),
        selectFromCatalog(
          catalog,
          'c',
          { 'include-controls': [{ 'with-ids': ['x-1', 'x-2'] }] },
          origins,
        ),
      ],
      { 'as-is': true },
      origins,
    );
    assert.equal(body.groups.length, 1);
    const [group] = body.groups;
    assert.ok(group);
    assert.deepEqual(group.params, [{ id: 'g_prm' }]);
    // Both from one document: catalog order, whatever order the imports named them in.
    assert.deepEqual(
      group.controls?.map((c) => c.id),
      ['x-1', 'x-2'],
    );
  });

  describe('as-is with several imports', () => {
    // A catalog like NIST's: enhancements nested in their control, sort-ids zero-padded.
    const nist = catalogOf([
      {
        id: 'ac',
        title: 'AC',
        controls: [
          control('ac-1', 'ac-01'),
          control('ac-2', 'ac-02', [
            control('ac-2.1', 'ac-02.01'),
            control('ac-2.2', 'ac-02.02'),
            control('ac-2.3', 'ac-02.03'),
          ]),
          control('ac-3', 'ac-03', [control('ac-3.1', 'ac-03.01')]),
          control('ac-10', 'ac-10'),
        ],
      },
      { id: 'au', title: 'AU', controls: [control('au-2', 'au-02', [control('au-2.1')])] },
    ]);
    // The same catalog's controls as a lower level hands them on: another document.
    const lower = catalogOf(structuredClone(nist.groups ?? []));

    it('puts a control placed without its parent under the parent another import brought, in catalog order', () => {
      const groups = mergedAsIs([
        { catalog: lower, uri: 'lower', ids: ['ac-1', 'ac-2', 'ac-2.3', 'ac-10'] },
        { catalog: nist, uri: 'nist', ids: ['ac-2.1', 'ac-3'] },
      ]);
      assert.equal(groups.ac, 'ac-1 ac-2[ac-2.1 ac-2.3] ac-3 ac-10');
    });

    it('leaves a control whose parent is nowhere in its group directly in the group', () => {
      const groups = mergedAsIs([
        { catalog: lower, uri: 'lower', ids: ['ac-1', 'au-2'] },
        { catalog: nist, uri: 'nist', ids: ['ac-3.1', 'au-2.1'] },
      ]);
      assert.equal(groups.ac, 'ac-1 ac-3.1');
      assert.equal(groups.au, 'au-2[au-2.1]');
    });

    it('does not move a control beside a like-named control of its own import (the naming rule alone is not enough)', () => {
      // Here "x-1.1" is a top-level control of its catalog, next to "x-1".
      const dotted = catalogOf([
        { id: 'x', title: 'X', controls: [control('x-1', 'x-01'), control('x-1.1', 'x-01.01')] },
      ]);
      const groups = mergedAsIs([
        { catalog: dotted, uri: 'dotted', ids: ['x-1', 'x-1.1'] },
        { catalog: nist, uri: 'nist', ids: ['ac-1'] },
      ]);
      assert.equal(groups.x, 'x-1 x-1.1');
    });

    it('does not look for the parent in another group', () => {
      const other = catalogOf([{ id: 'other', title: 'Other', controls: [control('ac-2', 'z')] }]);
      const groups = mergedAsIs([
        { catalog: other, uri: 'other', ids: ['ac-2'] },
        { catalog: nist, uri: 'nist', ids: ['ac-2.1'] },
      ]);
      assert.equal(groups.other, 'ac-2');
      assert.equal(groups.ac, 'ac-2.1');
    });

    it('orders siblings of one document by catalog position, whatever order the imports came in', () => {
      const groups = mergedAsIs([
        { catalog: nist, uri: 'nist', ids: ['ac-10'] },
        { catalog: nist, uri: 'nist', ids: ['ac-1', 'ac-3'] },
      ]);
      assert.equal(groups.ac, 'ac-1 ac-3 ac-10');
    });

    it("keeps import order when a sibling has no sort-id, or when sort-ids disagree with a document's order", () => {
      const unsorted = catalogOf([
        { id: 'ac', title: 'AC', controls: [control('ac-1', 'ac-01'), control('ac-5')] },
      ]);
      assert.equal(
        mergedAsIs([
          { catalog: unsorted, uri: 'unsorted', ids: ['ac-1', 'ac-5'] },
          { catalog: nist, uri: 'nist', ids: ['ac-3'] },
        ]).ac,
        'ac-1 ac-5 ac-3',
      );
      // Sort-ids that would put this document's z-2 before its z-1: not one ordering, keep.
      const contrary = catalogOf([
        { id: 'ac', title: 'AC', controls: [control('z-1', 'ac-09'), control('z-2', 'ac-00')] },
      ]);
      assert.equal(
        mergedAsIs([
          { catalog: contrary, uri: 'contrary', ids: ['z-1', 'z-2'] },
          { catalog: nist, uri: 'nist', ids: ['ac-3'] },
        ]).ac,
        'z-1 z-2 ac-3',
      );
    });
  });
});
