import assert from 'node:assert/strict';
import fs from 'node:fs';
import { describe, it } from 'node:test';
import type { Catalog } from '../../oscal/model.js';
import { sampleCatalog } from '../../../test/integration/catalog-sample.js';
import { NIST_REV5_CATALOG, SHARED_DATA_MISSING } from '../../../test/helpers/shared-data.js';
import { flattenCatalog, searchKey } from './flatten.js';

describe('flattening a catalog for the library', () => {
  it('lists controls and enhancements in document order with family, parent and depth', () => {
    const { controls, families, issues } = flattenCatalog(sampleCatalog().catalog);
    assert.deepEqual(issues, []);
    assert.equal(families, 2);
    assert.deepEqual(
      controls.map((c) => [c.controlId, c.parentId, c.depth, c.familyId, c.position]),
      [
        ['gov-1', null, 0, 'gov', 0],
        ['gov-1.1', 'gov-1', 1, 'gov', 1],
        ['gov-2', null, 0, 'gov', 2],
        ['enc-1', null, 0, 'enc', 3],
      ],
    );
    const gov1 = controls[0];
    assert.ok(gov1);
    assert.equal(gov1.label, 'GOV-1');
    assert.equal(gov1.sortId, 'gov-01');
    assert.equal(gov1.enhancementCount, 1);
    assert.equal('controls' in gov1.control, false, 'enhancements are rows of their own');
    assert.equal(controls[2]?.withdrawn, true);
    assert.equal(controls[0]?.withdrawn, false);
  });

  it("flattens the statement with open parameters spelled out, an enhancement using its parent's", () => {
    const { controls } = flattenCatalog(sampleCatalog().catalog);
    assert.equal(
      controls[0]?.statement,
      'a. Report every data breach within [Assignment: hours after discovery] to ' +
        '[Selection (one or more): the Cloud Office; the PSE]; and\n' +
        '  1. Include the systems affected.\n' +
        'b. Keep breach records for one year.',
    );
    assert.equal(
      controls[1]?.statement,
      'Notify automatically within [Assignment: hours after discovery] using webhooks signed with a registered key.',
    );
    assert.match(controls[1].searchText, /^gov-1\.1 gov-1\(1\) automated notification notify/);
    assert.equal(controls[1].idKey, 'gov-1.1 gov-1(1)');
    assert.equal(controls[1].titleKey, 'automated notification');
  });

  it('reports a control id used twice, with both places', () => {
    const catalog = sampleCatalog().catalog;
    const groups = catalog.groups ?? [];
    const enc = groups[1]?.controls?.[0];
    assert.ok(enc);
    enc.id = 'gov-1';
    const { issues } = flattenCatalog(catalog);
    assert.deepEqual(issues, [
      {
        pointer: '/catalog/groups/1/controls/0/id',
        rule: 'unique-control-id',
        message: 'control id "gov-1" is used twice (first at /catalog/groups/0/controls/0/id)',
      },
    ]);
  });

  it('keys a family without an id by its place', () => {
    const catalog: Catalog = {
      uuid: '5e1c8f3a-7b2d-4c6e-9a10-2f3b4c5d6e70',
      metadata: {
        title: 't',
        'last-modified': '2026-01-01T00:00:00Z',
        version: '1',
        'oscal-version': '1.1.2',
      },
      groups: [{ title: 'No id', controls: [{ id: 'x-1', title: 'X' }] }],
      controls: [{ id: 'top', title: 'Outside any group' }],
    };
    const { controls } = flattenCatalog(catalog);
    assert.deepEqual(
      controls.map((c) => [c.controlId, c.familyId, c.familyTitle]),
      [
        ['top', null, null],
        ['x-1', 'group-1', 'No id'],
      ],
    );
  });

  it('folds case and white space for search', () => {
    assert.equal(searchKey('  Access\n  CONTROL  '), 'access control');
  });

  it(
    'finds the 1,189 controls of NIST SP 800-53 rev 5 in 20 families, 182 withdrawn',
    { skip: SHARED_DATA_MISSING },
    () => {
      const { catalog } = JSON.parse(fs.readFileSync(NIST_REV5_CATALOG, 'utf8')) as {
        catalog: Catalog;
      };
      const { controls, families, issues } = flattenCatalog(catalog);
      assert.deepEqual(issues, []);
      assert.equal(controls.length, 1189);
      assert.equal(families, 20);
      assert.equal(controls.filter((c) => c.withdrawn).length, 182);
      assert.equal(controls.filter((c) => c.depth === 0).length, 322);
      const ac1 = controls.find((c) => c.controlId === 'ac-1');
      assert.match(
        ac1?.statement ?? '',
        /^a\. Develop, document, and disseminate to \[Assignment: organization-defined personnel or roles\]:\n {2}1\. \[Selection \(one or more\): Organization-level; Mission\/business process-level; System-level\] access control policy that:\n {4}\(a\) Addresses purpose/,
      );
    },
  );
});
