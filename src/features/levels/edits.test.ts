import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AppError } from '../../errors.js';
import type { Profile } from '../../oscal/model.js';
import { applyEdits } from './edits.js';
import { levelHref, profileAddress, unpinLevelImports } from './source.js';
import { parseVersionRef } from './service.js';

const profile = (): Profile => ({
  uuid: '00000000-0000-4000-8000-000000000001',
  metadata: {
    title: 'Baseline',
    'last-modified': '2026-01-01T00:00:00Z',
    version: '1',
    'oscal-version': '1.1.2',
  },
  imports: [
    { href: 'level-baseline.json', 'include-all': {} },
    { href: 'local.json', 'include-controls': [{ 'with-ids': ['a-1', 'a-2'] }] },
  ],
  modify: { 'set-parameters': [{ 'param-id': 'a-1_prm_1', values: ['24'] }] },
});

describe('applyEdits', () => {
  it('changes the title, sets remarks and removes them again', () => {
    const edited = applyEdits(profile(), { title: 'Baseline 2026', remarks: 'Why' });
    assert.equal(edited.metadata.title, 'Baseline 2026');
    assert.equal(edited.metadata.remarks, 'Why');
    assert.equal(applyEdits(edited, { remarks: null }).metadata.remarks, undefined);
  });

  it('replaces the values of a parameter already set, and adds one not yet set', () => {
    const edited = applyEdits(profile(), {
      setParameters: [
        { paramId: 'a-1_prm_1', values: ['4'] },
        { paramId: 'a-2_prm_1', values: ['90', 'days'] },
      ],
    });
    assert.deepEqual(edited.modify?.['set-parameters'], [
      { 'param-id': 'a-1_prm_1', values: ['4'] },
      { 'param-id': 'a-2_prm_1', values: ['90', 'days'] },
    ]);
  });

  it('adds ids to an import by id once, and leaves the input profile alone', () => {
    const input = profile();
    const edited = applyEdits(input, { addControls: { href: 'local.json', ids: ['a-3', 'a-1'] } });
    assert.deepEqual(edited.imports[1]?.['include-controls'], [
      { 'with-ids': ['a-1', 'a-2', 'a-3'] },
    ]);
    assert.deepEqual(input.imports[1]?.['include-controls'], [{ 'with-ids': ['a-1', 'a-2'] }]);
  });

  it('removes ids from an import by id, and keeps them out of an include-all import by exclusion', () => {
    const edited = applyEdits(profile(), {
      removeControls: { href: 'local.json', ids: ['a-2'] },
    });
    assert.deepEqual(edited.imports[1]?.['include-controls'], [{ 'with-ids': ['a-1'] }]);
    const excluded = applyEdits(profile(), {
      removeControls: { href: 'level-baseline.json', ids: ['b-1'] },
    });
    assert.deepEqual(excluded.imports[0]?.['exclude-controls'], [{ 'with-ids': ['b-1'] }]);
    // Adding it back lifts the exclusion.
    const back = applyEdits(excluded, {
      addControls: { href: 'level-baseline.json', ids: ['b-1'] },
    });
    assert.equal(back.imports[0]?.['exclude-controls'], undefined);
  });

  it('refuses an unknown import and an edit that would leave an import selecting nothing', () => {
    assert.throws(
      () => applyEdits(profile(), { addControls: { href: 'nope.json', ids: ['x'] } }),
      (error: unknown) => error instanceof AppError && /no import "nope.json"/.test(error.message),
    );
    assert.throws(
      () => applyEdits(profile(), { removeControls: { href: 'local.json', ids: ['a-1', 'a-2'] } }),
      (error: unknown) => error instanceof AppError && error.code === 'import_would_be_empty',
    );
  });
});

describe('level hrefs and version references', () => {
  it('reads level-<code>.json as the latest, and a pinned address as one version', () => {
    assert.deepEqual(levelHref('level-baseline.json'), { code: 'baseline', version: null });
    assert.deepEqual(levelHref('../profiles/Level-Enhanced.xml'), {
      code: 'enhanced',
      version: null,
    });
    assert.deepEqual(levelHref(profileAddress('intermediate', 3)), {
      code: 'intermediate',
      version: 3,
    });
    assert.deepEqual(
      levelHref('https://cloud.example.gov/api/v1/levels/maximum/versions/12/profile.json'),
      { code: 'maximum', version: 12 },
    );
    assert.equal(levelHref('cloud-office-catalog.json'), undefined);
    assert.equal(levelHref('#5f1a2c3d-0000-4000-8000-00000000c001'), undefined);
  });

  it('turns pinned imports back into level-<code>.json for a new draft', () => {
    const pinned = {
      ...profile(),
      imports: [{ href: profileAddress('baseline', 2), 'include-all': {} }],
    };
    assert.equal(unpinLevelImports(pinned).imports[0]?.href, 'level-baseline.json');
  });

  it('parses code@n and code, and nothing else', () => {
    assert.deepEqual(parseVersionRef('Baseline@2'), { code: 'baseline', version: 2 });
    assert.deepEqual(parseVersionRef('maximum'), { code: 'maximum', version: null });
    for (const bad of ['', '@1', 'baseline@', 'baseline@x', 'base line@1', 'baseline@1@2']) {
      assert.equal(parseVersionRef(bad), undefined, bad);
    }
  });
});
