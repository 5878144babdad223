// `cloud-office profile resolve` as users run it: the compiled command in its own process, with
// no configuration at all (no DATA_DIR, no database), on files.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import type { Catalog } from '../../src/oscal/model.js';
import { runCloudOffice } from '../helpers/cli.js';
import { officialSchemaErrors } from '../helpers/oscal-schema.js';
import {
  NIST_REV511_PROFILES_DIR,
  NIST_REV5_DIR,
  SHARED_DATA_MISSING,
} from '../helpers/shared-data.js';

const FIXTURES = path.resolve(import.meta.dirname, '../fixtures/oscal/resolution');

describe('cloud-office profile resolve', () => {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'cli-profile-'));
  after(() => fs.rmSync(out, { recursive: true, force: true }));

  it('writes the resolved catalog as OSCAL JSON to standard output, with no configuration or database', async () => {
    const result = await runCloudOffice([
      'profile',
      'resolve',
      path.join(FIXTURES, 'modify-removes.profile.json'),
    ]);
    assert.equal(result.code, 0, result.stderr);
    const { catalog } = JSON.parse(result.stdout) as { catalog: Catalog };
    const expected = JSON.parse(
      fs.readFileSync(path.join(FIXTURES, 'modify-removes.expected.json'), 'utf8'),
    ) as { catalog: Catalog };
    assert.deepEqual(catalog.groups, expected.catalog.groups);
    assert.deepEqual(catalog.metadata.links, [
      { href: 'modify-removes.profile.json', rel: 'source-profile' },
    ]);
    assert.deepEqual(officialSchemaErrors({ catalog }), []);
  });

  it(
    'resolves NIST HIGH 5.1.1 with --library and --out',
    { skip: SHARED_DATA_MISSING },
    async () => {
      const file = path.join(out, 'high.json');
      const result = await runCloudOffice([
        'profile',
        'resolve',
        path.join(NIST_REV511_PROFILES_DIR, 'NIST_SP-800-53_rev5_HIGH-baseline_profile.json'),
        '--library',
        out,
        '--library',
        NIST_REV5_DIR,
        '--out',
        file,
      ]);
      assert.equal(result.code, 0, result.stderr);
      assert.equal(result.stdout, '');
      assert.match(result.stderr, /370 controls/);
      const { catalog } = JSON.parse(fs.readFileSync(file, 'utf8')) as { catalog: Catalog };
      assert.equal(catalog.metadata['oscal-version'], '1.1.2');
      assert.deepEqual(officialSchemaErrors({ catalog }), []);
    },
  );

  it(
    'without --library, an import outside the profile folder is a clear error (exit 1)',
    { skip: SHARED_DATA_MISSING },
    async () => {
      const result = await runCloudOffice([
        'profile',
        'resolve',
        path.join(NIST_REV511_PROFILES_DIR, 'NIST_SP-800-53_rev5_LOW-baseline_profile.json'),
      ]);
      assert.equal(result.code, 1);
      assert.equal(result.stdout, '');
      assert.match(
        result.stderr,
        /^Error: import 1 \(href #[0-9a-f-]+\) of .*LOW-baseline_profile\.json: no allowed folder or library has a document for any of .*NIST_SP-800-53_rev5_catalog\.xml/,
      );
    },
  );

  it('bad input exits 1 naming what is wrong and where', async () => {
    const cycle = await runCloudOffice([
      'profile',
      'resolve',
      path.join(FIXTURES, 'bad', 'cycle-a.profile.json'),
    ]);
    assert.equal(cycle.code, 1);
    assert.match(
      cycle.stderr,
      /Error: cyclic import: .*cycle-a\.profile\.json → .*cycle-b\.profile\.json → .*cycle-a\.profile\.json/,
    );

    const invalid = await runCloudOffice([
      'profile',
      'resolve',
      path.join(FIXTURES, 'bad', 'invalid.json'),
    ]);
    assert.equal(invalid.code, 1);
    assert.match(invalid.stderr, /invalid\.json is not a valid OSCAL catalog or profile/);
    assert.match(invalid.stderr, /\/catalog\/uuid/);

    const catalog = await runCloudOffice([
      'profile',
      'resolve',
      path.join(FIXTURES, 'catalog.json'),
    ]);
    assert.equal(catalog.code, 1);
    assert.match(catalog.stderr, /is an OSCAL catalog, not a profile/);

    const missing = await runCloudOffice(['profile', 'resolve', path.join(out, 'nothing.json')]);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /cannot read .*nothing\.json/);

    // A network import is refused unless its host was allowed, and nothing is fetched to say so.
    const remote = path.join(out, 'remote.profile.json');
    fs.writeFileSync(
      remote,
      JSON.stringify({
        profile: {
          uuid: '0b7e52a4-3c1f-4f0e-9a51-6c2d1e0f7a01',
          metadata: {
            title: 'Imports from the network',
            'last-modified': '2026-01-01T00:00:00Z',
            version: '1',
            'oscal-version': '1.1.2',
          },
          imports: [{ href: 'https://catalogs.invalid/catalog.json', 'include-all': {} }],
        },
      }),
    );
    for (const allowed of [[], ['other.invalid']]) {
      const refused = await runCloudOffice([
        'profile',
        'resolve',
        remote,
        ...allowed.flatMap((host) => ['--allow-host', host]),
      ]);
      assert.equal(refused.code, 1, refused.stderr);
      assert.match(refused.stderr, /catalogs\.invalid.*not an allowed host/);
    }

    const usage = await runCloudOffice(['profile', 'resolve']);
    assert.equal(usage.code, 2);
    assert.match(usage.stderr, /missing required argument 'profile'/);
  });

  it('is listed in the full command help', async () => {
    const help = await runCloudOffice(['--help']);
    assert.equal(help.code, 0);
    assert.match(help.stdout, /profile/);
  });
});
