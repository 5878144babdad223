import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { DEFAULT_LEVEL_NOTICE_PARAMETER } from '../../src/features/duties/default-obligations.js';
import { parseOscal } from '../../src/oscal/document.js';
import type { Catalog, Control, Parameter, Profile } from '../../src/oscal/model.js';
import { resolveProfile } from '../../src/oscal/resolve/index.js';
import { folderSource } from '../../src/oscal/sources.js';
import { allControls } from '../../src/oscal/walk.js';
import { officialSchemaErrors } from '../helpers/oscal-schema.js';
import { NIST_REV5_CATALOG, NIST_REV5_DIR, SHARED_DATA_MISSING } from '../helpers/shared-data.js';

// The content shipped with every installation (issue 4, items 7 and 8): the Cloud Office's own
// control catalog and the four security levels built on it and on NIST SP 800-53 Rev 5.

const CONTENT_DIR = path.resolve(import.meta.dirname, '..', '..', 'content', 'oscal');
const NS = 'urn:cloud-office:oscal';
const LEVELS = ['baseline', 'intermediate', 'enhanced', 'maximum'] as const;
type Level = (typeof LEVELS)[number];

function readJson(file: string): unknown {
  return JSON.parse(fs.readFileSync(file, 'utf8'));
}

function loadCatalog(file: string): Catalog {
  const document = parseOscal(fs.readFileSync(file, 'utf8'), { name: file });
  assert.equal(document.kind, 'catalog', `${file} is a catalog`);
  return document.catalog;
}

function loadLevel(level: Level): Profile {
  const file = path.join(CONTENT_DIR, `level-${level}.json`);
  const document = parseOscal(fs.readFileSync(file, 'utf8'), { name: file });
  assert.equal(document.kind, 'profile', `${file} is a profile`);
  return document.profile;
}

function propValues(control: Control, name: string): string[] {
  return (control.props ?? []).filter((p) => p.name === name && p.ns === NS).map((p) => p.value);
}

function partProse(control: Control, name: string): string {
  const part = control.parts?.find((p) => p.name === name);
  const texts: string[] = [];
  const visit = (p: { prose?: string; parts?: { prose?: string; parts?: unknown[] }[] }): void => {
    if (p.prose) texts.push(p.prose);
    for (const child of p.parts ?? []) visit(child as typeof p);
  };
  if (part) visit(part);
  return texts.join('\n');
}

function insertedParams(text: string): string[] {
  return [...text.matchAll(/\{\{\s*insert:\s*param,\s*([^\s}]+)\s*\}\}/g)].map((m) => m[1] ?? '');
}

/** The with-ids one import of a profile names. */
function importedIds(profile: Profile, href: string): string[] {
  const found = profile.imports.find((i) => i.href === href);
  return (found?.['include-controls'] ?? []).flatMap((s) => s['with-ids'] ?? []);
}

/** The href under which a level imports the NIST catalog: a back-matter resource. */
function nistHref(profile: Profile): string {
  const resource = profile['back-matter']?.resources?.find((r) =>
    r.rlinks?.some((l) => l.href === 'NIST_SP-800-53_rev5_catalog.json'),
  );
  assert.ok(resource, `${profile.metadata.title} has a back-matter resource for the NIST catalog`);
  return `#${resource.uuid}`;
}

const LOCAL_HREF = 'cloud-office-catalog.json';
const catalog = loadCatalog(path.join(CONTENT_DIR, LOCAL_HREF));
const controls = allControls(catalog);
const controlById = new Map(controls.map((c) => [c.id, c]));
const paramById = new Map<string, Parameter>(
  controls.flatMap((c) => (c.params ?? []).map((p) => [p.id, p] as const)),
);
const levels = Object.fromEntries(LEVELS.map((l) => [l, loadLevel(l)])) as Record<Level, Profile>;

/** The local controls a level includes: its own with-ids plus those of every level below. */
function localControlsOf(level: Level): string[] {
  const upTo = LEVELS.slice(0, LEVELS.indexOf(level) + 1);
  return upTo.flatMap((l) => importedIds(levels[l], LOCAL_HREF));
}

function setValues(level: Level): Map<string, string[]> {
  return new Map(
    (levels[level].modify?.['set-parameters'] ?? []).map((s) => [s['param-id'], s.values ?? []]),
  );
}

const ISO_ANNEX_A: Record<string, number> = { '5': 37, '6': 8, '7': 14, '8': 34 };

describe('the Cloud Office control catalog', () => {
  it('is an OSCAL 1.1.2 catalog with fixed identity and the Cloud Office as creator', () => {
    assert.equal(catalog.metadata.title, 'Cloud Office Control Catalog');
    assert.equal(catalog.metadata.version, '1.0.0');
    assert.equal(catalog.metadata['oscal-version'], '1.1.2');
    assert.match(
      catalog.uuid,
      /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );
    const office = catalog.metadata.parties?.find((p) => p.name === 'Cloud Office');
    assert.ok(office);
    assert.ok(
      catalog.metadata['responsible-parties']?.some(
        (r) => r['role-id'] === 'creator' && r['party-uuids'].includes(office.uuid),
      ),
    );
  });

  it('has between 60 and 120 controls, in domain groups whose ids start with co-', () => {
    assert.ok(controls.length >= 60 && controls.length <= 120, `${controls.length} controls`);
    for (const group of catalog.groups ?? []) {
      assert.match(group.id ?? '', /^co-[a-z]+$/);
      for (const control of group.controls ?? []) {
        assert.match(control.id, new RegExp(`^${group.id ?? ''}-[1-9][0-9]*$`));
      }
    }
    assert.equal(new Set(controls.map((c) => c.id)).size, controls.length, 'ids are unique');
  });

  it('gives every control a label, sort id, statement, guidance and both mappings', () => {
    for (const control of controls) {
      const props = control.props ?? [];
      assert.ok(
        props.some((p) => p.name === 'label' && p.value === control.id.toUpperCase()),
        `${control.id} label`,
      );
      assert.ok(
        props.some((p) => p.name === 'sort-id'),
        `${control.id} sort-id`,
      );
      const statement = control.parts?.find((p) => p.name === 'statement');
      const guidance = control.parts?.find((p) => p.name === 'guidance');
      assert.equal(statement?.id, `${control.id}_smt`);
      assert.equal(guidance?.id, `${control.id}_gdn`);
      assert.ok(partProse(control, 'statement').length > 40, `${control.id} statement`);
      assert.ok(partProse(control, 'guidance').length > 40, `${control.id} guidance`);
      assert.ok(propValues(control, 'nist-sp800-53r5').length > 0, `${control.id} NIST mapping`);
      assert.ok(propValues(control, 'iso27001-2022').length > 0, `${control.id} ISO mapping`);
    }
  });

  it('maps only to ISO/IEC 27001:2022 Annex A ids that exist (A.5.1-37, A.6.1-8, A.7.1-14, A.8.1-34)', () => {
    for (const control of controls) {
      for (const id of propValues(control, 'iso27001-2022')) {
        const match = /^A\.([5-8])\.([1-9][0-9]?)$/.exec(id);
        assert.ok(match, `${control.id}: ${id} is not an Annex A id`);
        const [, theme = '', number = '0'] = match;
        assert.ok(
          Number(number) <= (ISO_ANNEX_A[theme] ?? 0),
          `${control.id}: ${id} is out of range`,
        );
      }
    }
  });

  it('inserts only parameters the control declares, and declares none it does not use', () => {
    for (const control of controls) {
      const declared = (control.params ?? []).map((p) => p.id);
      const used = insertedParams(partProse(control, 'statement'));
      assert.deepEqual([...new Set(used)].sort(), [...declared].sort(), control.id);
      for (const [index, id] of declared.entries()) {
        assert.equal(id, `${control.id}_prm_${index + 1}`);
        const param = paramById.get(id);
        assert.ok(param?.label, `${id} has a label`);
        assert.equal(param.values, undefined, `${id}: values are left to the levels`);
      }
    }
  });

  it('declares which direction is stricter for every parameter with a numeric or listed value', () => {
    // A parameter whose values at every level are numbers must say whether lower or higher is
    // stricter; a selection must order its choices from least to most strict.
    for (const [id, param] of paramById) {
      const direction = (param.props ?? []).find(
        (p) => p.name === 'stricter' && p.ns === NS,
      )?.value;
      const values = LEVELS.flatMap((l) => setValues(l).get(id) ?? []);
      if (param.select) assert.equal(direction, 'later-choice', id);
      else if (values.every((v) => /^\d+(\.\d+)?$/.test(v))) {
        assert.ok(direction === 'lower' || direction === 'higher', `${id}: ${String(direction)}`);
      } else assert.equal(direction, undefined, `${id} is free text`);
    }
  });
});

describe('the four security levels', () => {
  it('are OSCAL 1.1.2 profiles with their titles and level props', () => {
    for (const [index, level] of LEVELS.entries()) {
      const { metadata } = levels[level];
      const title = level.charAt(0).toUpperCase() + level.slice(1);
      assert.equal(metadata.title, `Cloud Office Security Level: ${title}`);
      assert.equal(metadata['oscal-version'], '1.1.2');
      const props = metadata.props ?? [];
      assert.ok(props.some((p) => p.name === 'level' && p.ns === NS && p.value === level));
      assert.ok(
        props.some((p) => p.name === 'level-rank' && p.ns === NS && p.value === String(index + 1)),
      );
      assert.deepEqual(levels[level].merge, { 'as-is': true });
    }
  });

  it('form a chain: each level includes all of the one below it', () => {
    assert.equal(
      levels.baseline.imports.some((i) => i.href.startsWith('level-')),
      false,
      'Baseline imports no other level',
    );
    for (const [index, level] of LEVELS.entries()) {
      if (index === 0) continue;
      const below = levels[level].imports.filter((i) => i.href.startsWith('level-'));
      assert.deepEqual(below, [
        { href: `level-${LEVELS[index - 1] ?? ''}.json`, 'include-all': {} },
      ]);
    }
  });

  it('add local controls that exist, each level only what it adds, together all of them', () => {
    const seen = new Set<string>();
    for (const level of LEVELS) {
      const added = importedIds(levels[level], LOCAL_HREF);
      assert.ok(added.length > 0, `${level} adds local controls`);
      for (const id of added) {
        assert.ok(controlById.has(id), `${level}: ${id} is in the catalog`);
        assert.ok(!seen.has(id), `${level}: ${id} is already included below`);
        seen.add(id);
      }
    }
    assert.deepEqual([...seen].sort(), controls.map((c) => c.id).sort());
  });

  it('add disjoint sets of NIST controls', () => {
    const seen = new Set<string>();
    for (const level of LEVELS) {
      for (const id of importedIds(levels[level], nistHref(levels[level]))) {
        assert.ok(!seen.has(id), `${level}: ${id} is already included below`);
        seen.add(id);
      }
    }
  });

  it('set every local parameter they include, and only those', () => {
    for (const level of LEVELS) {
      const included = localControlsOf(level).flatMap(
        (id) => controlById.get(id)?.params?.map((p) => p.id) ?? [],
      );
      const set = setValues(level);
      assert.deepEqual([...set.keys()].sort(), [...included].sort(), level);
      for (const [id, values] of set) {
        assert.equal(values.length, 1, `${level} ${id}`);
        const choices = paramById.get(id)?.select?.choice;
        if (choices) assert.ok(choices.includes(values[0] ?? ''), `${level} ${id}: ${values[0]}`);
      }
    }
  });

  it('never relax a parameter at a higher level', () => {
    const sets = LEVELS.map(setValues);
    for (const [id, param] of paramById) {
      const direction = (param.props ?? []).find((p) => p.name === 'stricter')?.value;
      if (!direction) continue;
      const rank = (value: string): number =>
        direction === 'later-choice' ? (param.select?.choice ?? []).indexOf(value) : Number(value);
      const values = sets.flatMap((s) => s.get(id) ?? []).map(rank);
      for (let i = 1; i < values.length; i++) {
        const [before = NaN, after = NaN] = [values[i - 1], values[i]];
        const ok = direction === 'lower' ? after <= before : after >= before;
        assert.ok(ok, `${id} (${direction} is stricter): ${values.join(' → ')}`);
      }
    }
  });

  it('carry the headline values README.md documents', () => {
    const valuesOf = (id: string): (string | undefined)[] =>
      LEVELS.map((l) => setValues(l).get(id)?.[0]);
    assert.deepEqual(valuesOf('co-brr-1_prm_1'), ['24', '4', '1', '1'], 'hours to breach notice');
    // The parameter the default duties read as a level's own breach-notice figure.
    assert.equal(DEFAULT_LEVEL_NOTICE_PARAMETER, 'co-brr-1_prm_1');
    assert.deepEqual(valuesOf('co-log-2_prm_1'), ['90', '180', '365', '730'], 'log retention days');
    const custody = paramById.get('co-key-3_prm_1')?.select?.choice ?? [];
    assert.deepEqual(valuesOf('co-key-3_prm_1'), custody, 'one more step of key custody per level');
    assert.deepEqual(valuesOf('co-brr-5_prm_2'), ['72', '72', '72', '72'], 'personal-data track');
  });
});

describe(
  'the content against the official schema and NIST SP 800-53 Rev 5',
  {
    skip: SHARED_DATA_MISSING,
  },
  () => {
    const nistProfileIds = (name: string): string[] => {
      const file = path.join(NIST_REV5_DIR, `NIST_SP-800-53_rev5_${name}-baseline_profile.json`);
      const profile = (readJson(file) as { profile: Profile }).profile;
      return profile.imports.flatMap((i) =>
        (i['include-controls'] ?? []).flatMap((s) => s['with-ids'] ?? []),
      );
    };

    it('validates every file against the official OSCAL v1.1.2 schema', () => {
      for (const name of [LOCAL_HREF, ...LEVELS.map((l) => `level-${l}.json`)]) {
        assert.deepEqual(officialSchemaErrors(readJson(path.join(CONTENT_DIR, name))), [], name);
      }
    });

    it('cites only NIST controls that exist and are not withdrawn', () => {
      const nist = allControls(loadCatalog(NIST_REV5_CATALOG));
      const withdrawn = new Set(
        nist
          .filter((c) => c.props?.some((p) => p.name === 'status' && p.value === 'withdrawn'))
          .map((c) => c.id),
      );
      const existing = new Set(nist.map((c) => c.id));
      const cited = controls.flatMap((c) =>
        propValues(c, 'nist-sp800-53r5').map((id) => [c.id, id]),
      );
      for (const level of LEVELS) {
        for (const id of importedIds(levels[level], nistHref(levels[level])))
          cited.push([level, id]);
      }
      for (const [where, id = ''] of cited) {
        assert.ok(existing.has(id), `${where ?? ''}: ${id} is not in the NIST catalog`);
        assert.ok(!withdrawn.has(id), `${where ?? ''}: ${id} is withdrawn`);
      }
    });

    it('build Baseline on LOW, Intermediate on MODERATE, Enhanced on HIGH, Maximum beyond HIGH', () => {
      const cumulative: string[] = [];
      const expected = [nistProfileIds('LOW'), nistProfileIds('MODERATE'), nistProfileIds('HIGH')];
      for (const [index, level] of LEVELS.entries()) {
        const added = importedIds(levels[level], nistHref(levels[level]));
        cumulative.push(...added);
        const baseline = expected[index];
        if (baseline) assert.deepEqual([...cumulative].sort(), [...baseline].sort(), level);
        else {
          const high = new Set(expected[2]);
          assert.ok(
            added.length > 0 && added.every((id) => !high.has(id)),
            'Maximum adds beyond HIGH',
          );
        }
      }
    });

    describe('resolved', () => {
      const resolveLevel = async (level: Level, folders: string[], report = false) =>
        resolveProfile(levels[level], {
          source: folderSource(folders),
          uri: path.join(CONTENT_DIR, `level-${level}.json`),
          now: new Date('2026-11-28T00:00:00Z'),
          missingImports: report ? 'report' : 'error',
        });

      it('nest, contain their NIST baselines, carry their values and validate', async () => {
        const resolved = await Promise.all(
          LEVELS.map((l) => resolveLevel(l, [CONTENT_DIR, NIST_REV5_DIR])),
        );
        const idSets = resolved.map((r) => new Set(allControls(r.catalog).map((c) => c.id)));
        const baselines = [
          nistProfileIds('LOW'),
          nistProfileIds('MODERATE'),
          nistProfileIds('HIGH'),
          nistProfileIds('HIGH'),
        ];
        for (const [index, level] of LEVELS.entries()) {
          const ids = idSets[index] ?? new Set<string>();
          const result = resolved[index];
          assert.ok(result);
          assert.deepEqual(result.missing, [], level);
          for (const id of baselines[index] ?? []) assert.ok(ids.has(id), `${level} lacks ${id}`);
          for (const id of localControlsOf(level)) assert.ok(ids.has(id), `${level} lacks ${id}`);
          const below = idSets[index - 1];
          if (below) {
            for (const id of below)
              assert.ok(ids.has(id), `${level} lacks ${id} of the level below`);
            assert.ok(ids.size > below.size, `${level} adds controls`);
          }
          const params = new Map(
            allControls(result.catalog).flatMap((c) =>
              (c.params ?? []).map((p) => [p.id, p] as const),
            ),
          );
          for (const [id, values] of setValues(level)) {
            assert.deepEqual(params.get(id)?.values, values, `${level} ${id}`);
          }
          const groupIds = (result.catalog.groups ?? []).map((g) => g.id);
          assert.ok(
            groupIds.includes('co-brr') && groupIds.includes('ac'),
            `${level} keeps groups`,
          );
          assert.deepEqual(officialSchemaErrors({ catalog: result.catalog }), [], level);
        }
      });

      it('lists the NIST controls as pending when only the local content is at hand', async () => {
        const result = await resolveLevel('baseline', [CONTENT_DIR], true);
        const pending = result.missing.flatMap((m) => m.withIds);
        assert.deepEqual([...pending].sort(), [...nistProfileIds('LOW')].sort());
        const ids = allControls(result.catalog).map((c) => c.id);
        assert.deepEqual(ids.sort(), [...importedIds(levels.baseline, LOCAL_HREF)].sort());
        assert.deepEqual(officialSchemaErrors({ catalog: result.catalog }), []);
      });
    });
  },
);
