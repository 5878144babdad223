import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Control } from '../model.js';
import { ResolutionError } from './errors.js';
import { applyAddition, applySetting, modifyBody, removalMatches } from './modify.js';

const base = (): Control => ({
  id: 'c-1',
  title: 'C one',
  params: [
    {
      id: 'c-1_prm',
      values: ['a'],
      props: [{ name: 'x', value: '1', uuid: 'aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa' }],
    },
  ],
  parts: [{ id: 'c-1_smt', name: 'statement', prose: 'S.' }],
  controls: [{ id: 'c-1.1', title: 'child', props: [{ name: 'label', value: 'keep me' }] }],
});

describe('modify', () => {
  it('set-parameter: values replace select and back; a prop with the same uuid replaces the earlier one', () => {
    const param = {
      id: 'p',
      select: { choice: ['x', 'y'] },
      props: [{ name: 'n', value: 'old', uuid: 'u1' }],
    };
    const set = applySetting(param, {
      'param-id': 'p',
      values: ['z'],
      props: [{ name: 'n', value: 'new', uuid: 'u1' }],
    });
    assert.deepEqual(set, {
      id: 'p',
      values: ['z'],
      props: [{ name: 'n', value: 'new', uuid: 'u1' }],
    });
    assert.deepEqual(
      applySetting(set, { 'param-id': 'p', select: { 'how-many': 'one' } }).values,
      undefined,
    );
  });

  it('removal selectors: all given must match; none given matches nothing; by-ns with the OSCAL namespace matches no ns', () => {
    const prop = { name: 'label', class: 'c', ns: 'https://example.org/ns' };
    assert.ok(removalMatches({ 'by-ns': 'https://example.org/ns' }, 'prop', prop));
    assert.ok(!removalMatches({ 'by-ns': 'https://other.example/ns' }, 'prop', prop));
    assert.ok(
      removalMatches({ 'by-ns': 'http://csrc.nist.gov/ns/oscal' }, 'prop', { name: 'label' }),
    );
    assert.ok(removalMatches({ 'by-name': 'label', 'by-class': 'c' }, 'prop', prop));
    assert.ok(!removalMatches({ 'by-name': 'label', 'by-item-name': 'part' }, 'prop', prop));
    assert.ok(!removalMatches({}, 'prop', prop));
  });

  it('removals do not reach into child controls; they get their own alter', () => {
    const control = base();
    const body = { params: [], groups: [], controls: [control] };
    modifyBody(body, { alters: [{ 'control-id': 'c-1', removes: [{ 'by-name': 'label' }] }] });
    assert.deepEqual(body.controls[0]?.controls?.[0]?.props, [{ name: 'label', value: 'keep me' }]);
  });

  it('an add before or after without by-id is an error, as is a by-id that names nothing', () => {
    assert.throws(
      () => applyAddition(base(), { position: 'before', props: [{ name: 'a', value: 'b' }] }),
      ResolutionError,
    );
    assert.throws(
      () => applyAddition(base(), { 'by-id': 'nope', parts: [{ name: 'item' }] }),
      /control c-1 has no part, parameter or child control with id nope/,
    );
  });

  it('before/after take only items of the target kind', () => {
    assert.throws(
      () =>
        applyAddition(base(), {
          'by-id': 'c-1_smt',
          position: 'after',
          props: [{ name: 'a', value: 'b' }],
        }),
      /a part target takes only parts, not props/,
    );
    assert.throws(
      () =>
        applyAddition(base(), { 'by-id': 'c-1_prm', position: 'ending', parts: [{ name: 'x' }] }),
      /a parameter can only receive props and links/,
    );
  });

  it('altering copies the control content: the original objects stay as they were', () => {
    const original = base();
    const parts = original.parts;
    const copy: Control = { ...original };
    const body = { params: [], groups: [], controls: [copy] };
    modifyBody(body, {
      'set-parameters': [{ 'param-id': 'c-1_prm', values: ['b'] }],
      alters: [
        {
          'control-id': 'c-1',
          adds: [{ 'by-id': 'c-1_smt', position: 'ending', props: [{ name: 'p', value: 'v' }] }],
        },
      ],
    });
    assert.deepEqual(original, base());
    assert.equal(original.parts, parts);
    assert.deepEqual(copy.params?.[0]?.values, ['b']);
    assert.deepEqual(copy.parts?.[0]?.props, [{ name: 'p', value: 'v' }]);
  });

  it('a set-parameter or alter for something not in the result is ignored', () => {
    const body = { params: [], groups: [], controls: [base()] };
    modifyBody(body, {
      'set-parameters': [{ 'param-id': 'elsewhere', values: ['x'] }],
      alters: [{ 'control-id': 'not-selected', removes: [{ 'by-name': 'statement' }] }],
    });
    assert.deepEqual(body.controls, [base()]);
  });
});
