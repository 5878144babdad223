import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, it } from 'node:test';
import { runCloudOffice } from '../helpers/cli.js';
import { describeEachDatabase } from '../helpers/databases.js';
import { NIST_REV5_CATALOG, SHARED_DATA_MISSING } from '../helpers/shared-data.js';
import { sampleCatalog } from './catalog-sample.js';

describeEachDatabase('the catalog library from the shell', (database) => {
  let env: Record<string, string> = {};
  let folder = '';
  const run = (args: string[], input?: string) => runCloudOffice(args, env, input);

  before(async () => {
    env = await database.anotherEnv();
    folder = fs.mkdtempSync(path.join(os.tmpdir(), 'cloud-office-catalog-'));
    fs.writeFileSync(path.join(folder, 'sample.json'), JSON.stringify(sampleCatalog()));
    const broken = sampleCatalog('2.0') as unknown as { catalog: { metadata: object } };
    broken.catalog.metadata = {};
    fs.writeFileSync(path.join(folder, 'broken.json'), JSON.stringify(broken));
    const created = await run(
      [
        'admin',
        'create',
        '--email',
        'dg@office.example',
        '--name',
        'DG',
        '--office',
        'Office',
        '--password-stdin',
      ],
      'correct horse battery staple\n',
    );
    assert.equal(created.code, 0, created.stderr);
  });
  after(() => fs.rmSync(folder, { recursive: true, force: true }));

  it('imports as an officer with progress on stderr, then lists, shows and searches', async () => {
    const imported = await run([
      'catalog',
      'import',
      path.join(folder, 'sample.json'),
      '--as',
      'dg@office.example',
    ]);
    assert.equal(imported.code, 0, imported.stderr);
    assert.match(imported.stderr, /Parsing and validating .*sample\.json/);
    assert.match(imported.stderr, /Valid OSCAL catalog: 4 controls in 2 families\./);
    assert.match(imported.stderr, /Storing controls 4\/4/);
    const id = /as catalog ([0-9a-f-]{36})/.exec(imported.stdout)?.[1];
    assert.ok(id, imported.stdout);
    assert.match(
      imported.stdout,
      /Imported "Sample Office Controls" version 1\.0 .* 4 controls \(1 withdrawn\) in 2 families/,
    );

    const list = await run(['catalog', 'list', '--json']);
    assert.equal(list.code, 0, list.stderr);
    const listed = JSON.parse(list.stdout) as { id: string; sourceName: string }[];
    assert.deepEqual(
      listed.map((c) => [c.id, c.sourceName]),
      [[id, 'sample.json']],
    );

    const shown = await run(['catalog', 'show', id]);
    assert.match(shown.stdout, /gov +Governance: 2 controls, 1 enhancements/);
    const control = await run(['catalog', 'show', id, '--control', 'gov-1']);
    assert.equal(control.code, 0, control.stderr);
    assert.match(
      control.stdout,
      /a\. Report every data breach within \[Assignment: hours after discovery\] to \[Selection \(one or more\): the Cloud Office; the PSE\]; and\n {4}1\. Include the systems affected\./,
    );
    assert.match(control.stdout, /Enhancements:\n {2}GOV-1\(1\) Automated Notification/);

    const found = await run(['catalog', 'search', 'key']);
    assert.equal(found.code, 0, found.stderr);
    assert.deepEqual(
      found.stdout
        .trim()
        .split('\n')
        .map((line) => line.split(/\s+/)[0]),
      ['ENC-1', 'GOV-1(1)'],
    );
    const none = await run(['catalog', 'search', 'nothing-like-this', '--catalog', id]);
    assert.match(none.stdout, /No controls match/);
  });

  it('refuses a duplicate, an invalid file (listing pointers) and an officer without the power', async () => {
    const again = await run(['catalog', 'import', path.join(folder, 'sample.json')]);
    assert.equal(again.code, 1);
    assert.match(again.stderr, /already in the library as catalog/);

    const broken = await run(['catalog', 'import', path.join(folder, 'broken.json')]);
    assert.equal(broken.code, 1);
    assert.match(broken.stderr, /broken\.json is not a valid OSCAL catalog or profile/);
    assert.match(broken.stderr, /\/catalog\/metadata/);

    const missing = await run(['catalog', 'import', path.join(folder, 'nowhere.json')]);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /Cannot read .*nowhere\.json/);

    const stranger = await run([
      'catalog',
      'import',
      path.join(folder, 'sample.json'),
      '--as',
      'nobody@office.example',
    ]);
    assert.equal(stranger.code, 1);
    assert.match(stranger.stderr, /no active officer/);

    const list = await run(['catalog', 'list', '--json']);
    assert.equal((JSON.parse(list.stdout) as unknown[]).length, 1);
    const verified = await run(['audit', 'verify']);
    assert.equal(verified.code, 0, verified.stderr);
  });

  it(
    'imports the NIST SP 800-53 rev 5 catalog, 1,189 controls, counting them as it stores',
    { skip: SHARED_DATA_MISSING },
    async () => {
      const imported = await run(['catalog', 'import', NIST_REV5_CATALOG]);
      assert.equal(imported.code, 0, imported.stderr);
      assert.match(imported.stderr, /Valid OSCAL catalog: 1189 controls in 20 families\./);
      assert.match(imported.stderr, /Storing controls 200\/1189\n/);
      assert.match(imported.stderr, /Storing controls 1189\/1189/);
      assert.match(imported.stdout, /1189 controls \(182 withdrawn\) in 20 families/);
      const found = await run(['catalog', 'search', 'AC-2', '--limit', '1']);
      assert.match(found.stdout, /^AC-2 +Account Management/);
    },
  );
});
