// Profile resolution against NIST's own results (issue 4 item 5): the four SP 800-53 rev5.0.1
// baselines resolve to NIST's resolved catalogs, the 5.1.1 profiles to the same control ids,
// every output is valid against the official OSCAL v1.1.2 schema, and bad input is refused with a
// message that says what and where. Also the hand-worked fixtures of each merge and modify feature.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { parseOscal } from '../../src/oscal/document.js';
import type { Catalog, Control, Profile } from '../../src/oscal/model.js';
import {
  resolveProfile,
  ResolutionError,
  type ResolveOptions,
} from '../../src/oscal/resolve/index.js';
import { folderSource, httpSource, combineSources } from '../../src/oscal/sources.js';
import { allControls, type ControlContainer } from '../../src/oscal/walk.js';
import { officialSchemaErrors } from '../helpers/oscal-schema.js';
import {
  NIST_REV511_PROFILES_DIR,
  NIST_REV5_DIR,
  SHARED_DATA_MISSING,
} from '../helpers/shared-data.js';

const FIXTURES = path.resolve(import.meta.dirname, '../fixtures/oscal/resolution');
const BAD = path.join(FIXTURES, 'bad');
const NOW = new Date('2025-01-01T00:00:00Z');
const FIXED_UUID = '99999999-9999-4999-8999-999999999999';
const BASELINES = ['LOW', 'MODERATE', 'HIGH', 'PRIVACY'] as const;

/** The six PRIVACY enhancements whose base control the baseline does not select. */
const PRIVACY_ORPHANS = ['ac-3.14', 'au-3.3', 'pe-8.3', 'pm-5.1', 'sa-8.33', 'sc-7.24'];

function readProfile(file: string): Profile {
  const document = parseOscal(fs.readFileSync(file, 'utf8'), { name: file });
  assert.equal(document.kind, 'profile', `${file} is a profile`);
  return document.profile;
}

async function resolveFile(
  file: string,
  folders: readonly string[],
  options: Partial<ResolveOptions> = {},
): Promise<Catalog> {
  const { catalog } = await resolveProfile(readProfile(file), {
    source: folderSource(folders),
    uri: fs.realpathSync(file),
    now: NOW,
    uuid: () => FIXED_UUID,
    ...options,
  });
  return catalog;
}

/** Every control id of a catalog, depth first. */
function controlIds(catalog: ControlContainer): string[] {
  return allControls(catalog).map((control) => control.id);
}

/**
 * A resolved catalog without what is per run or per tool, each for a reason:
 * - uuid: a new one per resolution (the specification requires a fresh uuid);
 * - metadata.last-modified: the time of resolution;
 * - metadata.oscal-version: NIST's 2021 file says 1.0.0, ours 1.1.2 (we write, and validate
 *   against, the 1.1.2 schema; the content is valid under both);
 * - metadata.links: the link back to the source profile names the file resolved: NIST's 2021
 *   tool resolved the XML profile and wrote rel "resolution-source", its current resolver writes
 *   rel "source-profile", which we follow; the link is checked separately below.
 */
function withoutPerRunFields(catalog: Catalog): unknown {
  const copy = structuredClone(catalog) as unknown as {
    uuid?: string;
    metadata: Record<string, unknown>;
  };
  delete copy.uuid;
  delete copy.metadata['last-modified'];
  delete copy.metadata['oscal-version'];
  delete copy.metadata.links;
  return copy;
}

function expectedCatalog(name: string): Catalog {
  const file = path.join(
    NIST_REV5_DIR,
    `NIST_SP-800-53_rev5_${name}-baseline-resolved-profile_catalog.json`,
  );
  return (JSON.parse(fs.readFileSync(file, 'utf8')) as { catalog: Catalog }).catalog;
}

function baselineProfile(dir: string, name: string): string {
  return path.join(dir, `NIST_SP-800-53_rev5_${name}-baseline_profile.json`);
}

function assertSchemaValid(catalog: Catalog, what: string): void {
  const errors = officialSchemaErrors({ catalog });
  assert.deepEqual(errors.slice(0, 10), [], `${what} is valid against the OSCAL v1.1.2 schema`);
}

describe(
  'profile resolution matches NIST on SP 800-53 rev5.0.1',
  { skip: SHARED_DATA_MISSING },
  () => {
    for (const name of ['LOW', 'MODERATE', 'HIGH'] as const) {
      it(`${name} resolves to NIST's resolved catalog, apart from per-run metadata`, async () => {
        const catalog = await resolveFile(baselineProfile(NIST_REV5_DIR, name), [NIST_REV5_DIR]);
        const expected = expectedCatalog(name);
        assert.deepEqual(withoutPerRunFields(catalog), withoutPerRunFields(expected));
        assert.equal(catalog.uuid, FIXED_UUID);
        assert.equal(catalog.metadata['last-modified'], NOW.toISOString());
        assert.equal(catalog.metadata['oscal-version'], '1.1.2');
        assert.deepEqual(catalog.metadata.links, [
          { href: `NIST_SP-800-53_rev5_${name}-baseline_profile.json`, rel: 'source-profile' },
        ]);
        assertSchemaValid(catalog, name);
      });
    }

    it('PRIVACY resolves to NIST file plus the six enhancements without their base control, each directly in its family group where the base control would be', async () => {
      const catalog = await resolveFile(baselineProfile(NIST_REV5_DIR, 'PRIVACY'), [NIST_REV5_DIR]);
      const ids = controlIds(catalog);
      assert.equal(ids.length, 96);
      const expected = expectedCatalog('PRIVACY');
      assert.equal(controlIds(expected).length, 90);
      assert.deepEqual(
        ids.filter((id) => !controlIds(expected).includes(id)).sort(),
        [...PRIVACY_ORPHANS].sort(),
      );

      // Take the six out again: what remains is NIST's file exactly, apart from the back-matter
      // resources that only the six cite.
      const pruned = structuredClone(catalog);
      const orphans: Control[] = [];
      for (const group of pruned.groups ?? []) {
        orphans.push(...(group.controls ?? []).filter((c) => PRIVACY_ORPHANS.includes(c.id)));
        group.controls = (group.controls ?? []).filter((c) => !PRIVACY_ORPHANS.includes(c.id));
      }
      // NIST's file lacks the families whose only PRIVACY controls are among the six (pe: pe-8.3).
      const emptied = pruned.groups
        ?.filter((g) => (g.controls ?? []).length === 0)
        .map((g) => g.id);
      assert.ok(emptied?.includes('pe'));
      pruned.groups = pruned.groups?.filter((g) => (g.controls ?? []).length > 0);
      const resources = pruned['back-matter']?.resources ?? [];
      const nistUuids = new Set(expected['back-matter']?.resources?.map((r) => r.uuid));
      const extra = resources.filter((r) => !nistUuids.has(r.uuid));
      const citedByOrphans = JSON.stringify(orphans);
      for (const resource of extra) {
        assert.ok(
          citedByOrphans.includes(`#${resource.uuid}`),
          `${resource.uuid} is cited by the six`,
        );
      }
      pruned['back-matter'] = { resources: resources.filter((r) => nistUuids.has(r.uuid)) };
      assert.deepEqual(withoutPerRunFields(pruned), withoutPerRunFields(expected));

      // Each of the six sits directly in its family group (not nested, not in a group of its own),
      // in catalog order, where its base control would have been.
      for (const orphan of PRIVACY_ORPHANS) {
        const family = orphan.split('-')[0];
        const group = catalog.groups?.find((g) => g.id === family);
        assert.ok(
          group?.controls?.some((c) => c.id === orphan),
          `${orphan} is directly in group ${family}`,
        );
      }
      const family = (id: string): string[] =>
        catalog.groups?.find((g) => g.id === id)?.controls?.map((c) => c.id) ?? [];
      assert.deepEqual(family('au'), ['au-1', 'au-2', 'au-3.3', 'au-11']);
      assert.deepEqual(family('pm').slice(0, 4), ['pm-3', 'pm-4', 'pm-5.1', 'pm-6']);
      assertSchemaValid(catalog, 'PRIVACY');
    });

    it('resolves the 5.1.1 profiles (imported through back-matter rlinks with ../ paths) to the same control ids as 5.0.1', async () => {
      for (const name of BASELINES) {
        const profile511 = baselineProfile(NIST_REV511_PROFILES_DIR, name);
        // The rlinks point at ../../../../nist.gov/...; only the file name is used, in the
        // profile's folder and the 5.0.1 folder.
        const catalog511 = await resolveFile(profile511, [NIST_REV511_PROFILES_DIR, NIST_REV5_DIR]);
        const catalog501 = await resolveFile(baselineProfile(NIST_REV5_DIR, name), [NIST_REV5_DIR]);
        assert.deepEqual(controlIds(catalog511).sort(), controlIds(catalog501).sort(), name);
        assert.equal(catalog511.metadata.version, readProfile(profile511).metadata.version);
        assertSchemaValid(catalog511, `${name} 5.1.1`);
      }
    });

    it('leaves the catalog it read unchanged (the result shares, never alters, imported content)', async () => {
      const catalogFile = path.join(NIST_REV5_DIR, 'NIST_SP-800-53_rev5_catalog.json');
      const text = fs.readFileSync(catalogFile, 'utf8');
      const loaded = parseOscal(text, { name: catalogFile });
      const source = {
        load: (href: string) =>
          Promise.resolve(
            href.includes('NIST_SP-800-53_rev5_catalog')
              ? { uri: catalogFile, document: loaded, bytes: text.length }
              : undefined,
          ),
      };
      const profile = readProfile(baselineProfile(NIST_REV5_DIR, 'HIGH'));
      profile.modify = {
        'set-parameters': [{ 'param-id': 'ac-1_prm_1', values: ['all staff'] }],
        alters: [{ 'control-id': 'ac-2', removes: [{ 'by-name': 'guidance' }] }],
      };
      await resolveProfile(profile, { source, uri: 'high' });
      assert.deepEqual(loaded, parseOscal(text, { name: catalogFile }));
    });
  },
);

describe('profile resolution of the hand-worked fixtures', () => {
  const profiles = fs.readdirSync(FIXTURES).filter((f) => f.endsWith('.profile.json'));
  it('has a fixture for each merge and modify feature', () => {
    for (const feature of [
      'merge-flat',
      'merge-default',
      'merge-custom',
      'merge-custom-ascending',
      'combine-use-first',
      'combine-merge',
      'combine-keep',
      'combine-same-source',
      'modify-set-parameters',
      'modify-adds',
      'modify-removes',
      'import-include-all',
      'import-with-ids',
      'import-matching',
      'import-profile',
      'import-rlink',
    ]) {
      assert.ok(profiles.includes(`${feature}.profile.json`), feature);
    }
  });
  for (const file of profiles) {
    it(`${file} resolves to the catalog worked out by hand, valid against the v1.1.2 schema`, async () => {
      const catalog = await resolveFile(path.join(FIXTURES, file), [FIXTURES]);
      const expected = JSON.parse(
        fs.readFileSync(
          path.join(FIXTURES, file.replace('.profile.json', '.expected.json')),
          'utf8',
        ),
      ) as { catalog: Catalog };
      assert.deepEqual(JSON.parse(JSON.stringify({ catalog })), expected);
      assertSchemaValid(catalog, file);
    });
  }
});

describe('profile resolution refuses bad input, saying what and where', () => {
  const temporary: string[] = [];
  after(() => {
    for (const dir of temporary) fs.rmSync(dir, { recursive: true, force: true });
  });
  const tempDir = (): string => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'oscal-resolve-'));
    temporary.push(dir);
    return dir;
  };

  it('a cyclic import names the chain', async () => {
    const a = fs.realpathSync(path.join(BAD, 'cycle-a.profile.json'));
    const b = fs.realpathSync(path.join(BAD, 'cycle-b.profile.json'));
    await assert.rejects(resolveFile(a, [BAD]), (error: unknown) => {
      assert.ok(error instanceof ResolutionError);
      assert.ok(error.message.includes(`cyclic import: ${a} → ${b} → ${a}`), error.message);
      return true;
    });
  });

  it('a dangling import names the href and the profile', async () => {
    await assert.rejects(
      resolveFile(path.join(BAD, 'dangling.profile.json'), [BAD]),
      (error: unknown) =>
        error instanceof ResolutionError &&
        /import 1 \(href no-such-catalog\.json\) of .*dangling\.profile\.json: no allowed folder/.test(
          error.message,
        ),
    );
  });

  it('an invalid imported document is refused with its issues and pointers', async () => {
    await assert.rejects(
      resolveFile(path.join(BAD, 'invalid-import.profile.json'), [BAD]),
      (error: unknown) => {
        assert.ok(error instanceof ResolutionError);
        assert.match(error.message, /href invalid\.json/);
        assert.ok(error.issues.length > 0);
        assert.ok(
          error.issues.some((issue) => issue.pointer.startsWith('/catalog')),
          JSON.stringify(error.issues),
        );
        return true;
      },
    );
  });

  it('an href leading outside the allowed folders finds nothing there, even when the file exists outside', async () => {
    const root = tempDir();
    const allowed = path.join(root, 'allowed');
    fs.mkdirSync(allowed);
    fs.copyFileSync(
      path.join(BAD, 'outside.profile.json'),
      path.join(allowed, 'outside.profile.json'),
    );
    fs.copyFileSync(path.join(FIXTURES, 'catalog.json'), path.join(root, 'catalog-outside.json'));
    await assert.rejects(
      resolveFile(path.join(allowed, 'outside.profile.json'), [allowed]),
      (error: unknown) =>
        error instanceof ResolutionError &&
        error.message.includes('../catalog-outside.json') &&
        error.message.includes('no allowed folder'),
    );
    // An absolute path is only a file name to look for in the folders, too.
    const absolute = readProfile(path.join(allowed, 'outside.profile.json'));
    absolute.imports[0] = { href: path.join(root, 'catalog-outside.json'), 'include-all': {} };
    await assert.rejects(
      resolveProfile(absolute, { source: folderSource([allowed]), uri: 'absolute' }),
      /no allowed folder/,
    );
  });

  it('a link inside an allowed folder that leads outside it is refused, not followed', async () => {
    const root = tempDir();
    const allowed = path.join(root, 'allowed');
    fs.mkdirSync(allowed);
    fs.copyFileSync(path.join(FIXTURES, 'catalog.json'), path.join(root, 'secret.json'));
    fs.symlinkSync(path.join(root, 'secret.json'), path.join(allowed, 'catalog.json'));
    fs.copyFileSync(path.join(FIXTURES, 'merge-flat.profile.json'), path.join(allowed, 'p.json'));
    await assert.rejects(
      resolveFile(path.join(allowed, 'p.json'), [allowed]),
      (error: unknown) =>
        error instanceof ResolutionError && /outside the allowed folder/.test(error.message),
    );
  });

  it('a network address is refused unless its host is allowed, without touching the network', async () => {
    const file = path.join(BAD, 'network.profile.json');
    await assert.rejects(
      resolveFile(file, [BAD]),
      (error: unknown) =>
        error instanceof ResolutionError &&
        /https:\/\/example\.org\/catalog-on-the-web\.json is a network address on a host that is not allowed/.test(
          error.message,
        ),
    );
    let fetched = false;
    const source = combineSources(
      folderSource([BAD]),
      httpSource(['oscal.example.gov'], {
        fetch: () => {
          fetched = true;
          return Promise.reject(new Error('no network in tests'));
        },
      }),
    );
    await assert.rejects(
      resolveProfile(readProfile(file), { source, uri: file }),
      /host example\.org, which is not an allowed host/,
    );
    assert.equal(fetched, false);
  });

  it('an oversized document is refused before it is read', async () => {
    await assert.rejects(
      resolveFile(path.join(FIXTURES, 'merge-flat.profile.json'), [], {
        source: folderSource([FIXTURES], { maxBytes: 1000 }),
      }),
      (error: unknown) =>
        error instanceof ResolutionError &&
        /catalog\.json is \d+ bytes, more than the 1000 bytes allowed/.test(error.message),
    );
    await assert.rejects(
      resolveFile(path.join(FIXTURES, 'merge-flat.profile.json'), [FIXTURES], {
        limits: { maxBytes: 1000 },
      }),
      /add up to more than the 1000 bytes allowed/,
    );
  });

  it('imports nested too deep, or too many documents, are refused', async () => {
    const deep = path.join(BAD, 'deep-1.profile.json');
    const resolved = await resolveFile(deep, [BAD, FIXTURES]);
    assert.equal(controlIds(resolved).length, 8);
    await assert.rejects(
      resolveFile(deep, [BAD, FIXTURES], { limits: { maxDepth: 2 } }),
      (error: unknown) =>
        error instanceof ResolutionError &&
        /nest deeper than the 2 levels allowed \(.*deep-1\.profile\.json → .*deep-2\.profile\.json → .*deep-3\.profile\.json → .*resolution\/catalog\.json\)/.test(
          error.message,
        ),
    );
    await assert.rejects(
      resolveFile(deep, [BAD, FIXTURES], { limits: { maxDocuments: 2 } }),
      /more than the 2 documents allowed/,
    );
  });

  it('with missingImports "report", a missing import is listed with the ids it named and the rest resolves', async () => {
    const profile = readProfile(path.join(FIXTURES, 'combine-keep.profile.json'));
    profile.imports[1] = {
      href: 'not-imported-yet.json',
      'include-controls': [{ 'with-ids': ['x-1', 'x-2'] }],
    };
    const { catalog, missing } = await resolveProfile(profile, {
      source: folderSource([FIXTURES]),
      uri: 'levels',
      missingImports: 'report',
    });
    assert.deepEqual(controlIds(catalog), ['a-1', 'a-2']);
    assert.deepEqual(missing, [
      { href: 'not-imported-yet.json', chain: ['levels'], withIds: ['x-1', 'x-2'] },
    ]);
  });

  it('more than one structuring directive is refused', async () => {
    const profile = readProfile(path.join(FIXTURES, 'merge-flat.profile.json'));
    profile.merge = { flat: {}, 'as-is': true };
    await assert.rejects(
      resolveProfile(profile, { source: folderSource([FIXTURES]), uri: 'p' }),
      /merge gives flat and as-is; choose at most one/,
    );
  });
});
