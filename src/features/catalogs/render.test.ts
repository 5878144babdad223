import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Parameter, Part } from '../../oscal/model.js';
import {
  labelOf,
  NO_VALUES,
  partText,
  paramText,
  proseText,
  renderParts,
  renderProse,
  scopeOf,
} from './render.js';

const params: Parameter[] = [
  { id: 'p-label', label: 'organization-defined frequency' },
  { id: 'p-one', select: { choice: ['daily', 'weekly'] } },
  {
    id: 'p-many',
    select: { 'how-many': 'one-or-more', choice: ['a {{ insert: param, p-label }}', 'b'] },
  },
  { id: 'p-value', label: 'ignored when a value is set', values: ['30 days', '90 days'] },
  { id: 'p-bare' },
];
const scope = scopeOf(params);

describe('parameter text', () => {
  it('spells out an open parameter as SP 800-53 prints it', () => {
    assert.deepEqual(paramText('p-label', scope, NO_VALUES), {
      text: '[Assignment: organization-defined frequency]',
      kind: 'assignment',
    });
    assert.deepEqual(paramText('p-bare', scope, NO_VALUES), {
      text: '[Assignment: p-bare]',
      kind: 'assignment',
    });
    assert.deepEqual(paramText('p-one', scope, NO_VALUES), {
      text: '[Selection: daily; weekly]',
      kind: 'selection',
    });
  });

  it('renders parameters inserted into choices', () => {
    assert.equal(
      paramText('p-many', scope, NO_VALUES).text,
      '[Selection (one or more): a [Assignment: organization-defined frequency]; b]',
    );
  });

  it("uses the catalog's values, and a caller's values before them", () => {
    assert.deepEqual(paramText('p-value', scope, NO_VALUES), {
      text: '30 days, 90 days',
      kind: 'value',
    });
    const level = new Map([
      ['p-value', ['7 days']],
      ['p-label', ['monthly']],
    ]);
    assert.equal(paramText('p-value', scope, level).text, '7 days');
    assert.equal(paramText('p-label', scope, level).text, 'monthly');
    // An empty list assigns nothing: the catalog's own text stands.
    assert.equal(paramText('p-label', scope, new Map([['p-label', []]])).kind, 'assignment');
  });

  it('names a parameter that is nowhere in scope instead of dropping it', () => {
    assert.deepEqual(paramText('nope', scope, NO_VALUES), {
      text: '[Assignment: nope]',
      kind: 'unknown',
    });
  });

  it('stops at a cycle of choices inserting each other', () => {
    const cyclic = scopeOf([
      { id: 'x', select: { choice: ['{{ insert: param, y }}'] } },
      { id: 'y', select: { choice: ['{{ insert: param, x }}'] } },
    ]);
    assert.match(paramText('x', cyclic, NO_VALUES).text, /^\[Selection: \[Selection: /);
  });
});

describe('prose', () => {
  it('replaces each insertion, tolerating spacing, and keeps the text around it', () => {
    const segments = renderProse(
      'Review {{insert: param, p-label}} and {{ insert: param,  p-value }}.',
      scope,
      NO_VALUES,
    );
    assert.deepEqual(segments, [
      { text: 'Review ' },
      {
        text: '[Assignment: organization-defined frequency]',
        param: { id: 'p-label', kind: 'assignment' },
      },
      { text: ' and ' },
      { text: '30 days, 90 days', param: { id: 'p-value', kind: 'value' } },
      { text: '.' },
    ]);
  });

  it('leaves insertions of other kinds and prose without insertions as written', () => {
    assert.equal(
      proseText(renderProse('See {{ insert: other, x }} here', scope, NO_VALUES)),
      'See {{ insert: other, x }} here',
    );
    assert.deepEqual(renderProse('plain', scope, NO_VALUES), [{ text: 'plain' }]);
    assert.deepEqual(renderProse('', scope, NO_VALUES), []);
  });
});

describe('parts', () => {
  const statement: Part = {
    id: 's',
    name: 'statement',
    parts: [
      {
        id: 's.a',
        name: 'item',
        props: [{ name: 'label', value: 'a.' }],
        prose: 'Review {{ insert: param, p-label }}:',
        parts: [
          {
            id: 's.a.1',
            name: 'item',
            props: [
              { name: 'label', value: '01.', class: 'zero-padded' },
              { name: 'label', value: '1.' },
            ],
            prose: 'Policy;',
          },
        ],
      },
      { id: 's.b', name: 'item', props: [{ name: 'label', value: 'b.' }], prose: 'Update.' },
    ],
  };

  it('renders nested parts with their labels', () => {
    const [rendered] = renderParts([statement], scope, new Map([['p-label', ['yearly']]]));
    assert.ok(rendered);
    assert.equal(rendered.name, 'statement');
    assert.equal(rendered.label, null);
    assert.equal(rendered.parts[0]?.label, 'a.');
    assert.equal(rendered.parts[0].parts[0]?.label, '1.');
    assert.equal(proseText(rendered.parts[0].prose), 'Review yearly:');
    assert.equal(partText(rendered), 'a. Review yearly:\n  1. Policy;\nb. Update.');
  });

  it('prefers a label without a class, and takes another when there is none', () => {
    assert.equal(labelOf([{ name: 'label', value: '01', class: 'zero-padded' }]), '01');
    assert.equal(labelOf([{ name: 'sort-id', value: 'x' }]), null);
    assert.equal(labelOf(undefined), null);
  });

  it('lets inner parameters shadow outer ones of the same id', () => {
    const inner = scopeOf([{ id: 'p', label: 'outer' }], [{ id: 'p', label: 'inner' }]);
    assert.equal(paramText('p', inner, NO_VALUES).text, '[Assignment: inner]');
  });
});
