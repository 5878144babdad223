import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Profile } from '../model.js';
import {
  collectReferences,
  finalizeCatalog,
  keptResources,
  sourceProfileHref,
} from './finalize.js';

const profile: Profile = {
  uuid: '66666666-6666-4666-8666-666666666666',
  metadata: {
    title: 'P',
    'last-modified': '2020-01-01T00:00:00Z',
    version: '2.0',
    'oscal-version': '1.0.0',
    props: [{ name: 'marking', value: 'public' }],
    roles: [{ id: 'creator', title: 'Creator' }],
  },
  imports: [],
};

describe('finalize', () => {
  it('finds resources by href and by Markdown links in prose, and parameters by insert', () => {
    const found = collectReferences({
      links: [{ href: '#r1' }, { href: 'https://x.example/#r9' }],
      prose: 'See [X](#r2) and {{ insert: param, p-1 }}.',
    });
    assert.deepEqual([...found.resources].sort(), ['r1', 'r2']);
    assert.deepEqual([...found.params], ['p-1']);
  });

  it('metadata: the profile title, version, props and roles, a new last-modified, oscal-version 1.1.2, and a link to the profile by file name', () => {
    const catalog = finalizeCatalog({
      profile,
      uri: '/srv/secret/place/p.json',
      body: { params: [], controls: [], groups: [] },
      resourcePools: [],
      uuid: 'u',
      now: new Date('2025-02-03T04:05:06Z'),
    });
    assert.deepEqual(catalog, {
      uuid: 'u',
      metadata: {
        title: 'P',
        'last-modified': '2025-02-03T04:05:06.000Z',
        version: '2.0',
        'oscal-version': '1.1.2',
        props: [{ name: 'marking', value: 'public' }],
        links: [{ href: 'p.json', rel: 'source-profile' }],
        roles: [{ id: 'creator', title: 'Creator' }],
      },
    });
    assert.equal(sourceProfileHref('library:profile/levels'), 'library:profile/levels');
  });

  it('a resource in two documents: the later content at the earlier place; unreferenced ones go unless keep=always', () => {
    const kept = keptResources(
      [
        [
          { uuid: 'a', title: 'first a' },
          { uuid: 'b' },
          { uuid: 'k', props: [{ name: 'keep', value: 'always' }] },
        ],
        [{ uuid: 'c' }, { uuid: 'a', title: 'second a' }],
      ],
      new Set(['a', 'c']),
    );
    assert.deepEqual(
      kept.map((r) => [r.uuid, r.title]),
      [
        ['a', 'second a'],
        ['k', undefined],
        ['c', undefined],
      ],
    );
  });

  it('drops loose parameters nothing refers to, keeps a control’s own, and leaves no empty list', () => {
    const catalog = finalizeCatalog({
      profile,
      uri: 'p',
      body: {
        params: [
          { id: 'used' },
          { id: 'unused' },
          { id: 'kept', props: [{ name: 'keep', value: 'always' }] },
        ],
        controls: [
          {
            id: 'c',
            title: 'C',
            params: [{ id: 'own' }],
            props: [],
            parts: [{ name: 'statement', prose: '{{ insert: param, used }}' }],
          },
        ],
        groups: [{ id: 'g', title: 'G', params: [{ id: 'group-unused' }], controls: [] }],
      },
      resourcePools: [],
      uuid: 'u',
      now: new Date(),
    });
    assert.deepEqual(
      catalog.params?.map((p) => p.id),
      ['used', 'kept'],
    );
    const [control] = catalog.controls ?? [];
    assert.ok(control);
    assert.deepEqual(control.params, [{ id: 'own' }]);
    assert.equal(control.props, undefined);
    assert.deepEqual(catalog.groups, [{ id: 'g', title: 'G' }]);
  });
});
