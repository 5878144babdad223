import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { it } from 'node:test';
import { runCloudOffice } from '../helpers/cli.js';
import { describeEachDatabase } from '../helpers/databases.js';
import { officialSchemaErrors } from '../helpers/oscal-schema.js';
import { SHARED_DATA_MISSING } from '../helpers/shared-data.js';

/**
 * Runs the command as `cloud-office ARGS | head -c 100` in bash with pipefail, so the command's
 * exit code counts: the reader leaves while the command still has most of its output to write.
 */
function pipedIntoHead(
  args: string[],
  env: Record<string, string>,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const bin = path.resolve(import.meta.dirname, '../../bin/cloud-office.js');
    const quoted = [process.execPath, bin, ...args].map((a) => `'${a.replaceAll("'", "'\\''")}'`);
    const child = spawn('bash', ['-c', `set -o pipefail; ${quoted.join(' ')} | head -c 100`], {
      env: { PATH: process.env.PATH ?? '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describeEachDatabase('security levels from the shell', (database) => {
  it('migrates with the default levels, then lists, shows, compares and exports them', async () => {
    const env = await database.anotherEnv();
    const run = (args: string[]) => runCloudOffice(args, env);

    const migrated = await run(['migrate']);
    assert.equal(migrated.code, 0, migrated.stderr);
    assert.match(migrated.stdout, /^published security level baseline, version 1$/m);
    assert.match(migrated.stdout, /^published security level maximum, version 1$/m);
    const again = await run(['migrate']);
    assert.doesNotMatch(again.stdout, /published security level/);

    const list = await run(['level', 'list']);
    assert.equal(list.code, 0, list.stderr);
    const lines = list.stdout.trim().split('\n');
    assert.deepEqual(
      lines.map((line) => line.split(/\s+/)[0]),
      ['baseline', 'intermediate', 'enhanced', 'maximum'],
    );
    assert.ok(
      lines.every((line) => /version 1, published \d{4}-\d{2}-\d{2}/.test(line)),
      list.stdout,
    );

    const show = await run(['level', 'show', 'intermediate']);
    assert.equal(show.code, 0, show.stderr);
    assert.match(
      show.stdout,
      /^Intermediate version 1, published .* by System \(default content of a new installation\); \d+ controls$/m,
    );
    assert.match(show.stdout, /^ {6}\S+ = \S/m); // parameters with their values
    // The NIST catalog is not in this library: its controls are listed as pending.
    assert.match(
      show.stdout,
      /^Pending import of NIST_SP-800-53_rev5_catalog\.json \(not in the library\): .*ac-1\b/m,
    );

    const diff = await run(['level', 'diff', 'baseline@1', 'intermediate@1']);
    assert.equal(diff.code, 0, diff.stderr);
    const summary =
      /^baseline@1 -> intermediate@1: (\d+) added, (\d+) removed, (\d+) changed$/m.exec(
        diff.stdout,
      );
    assert.ok(summary, diff.stdout);
    assert.ok(Number(summary[1]) > 0, 'intermediate adds controls to baseline');
    assert.equal(summary[2], '0', 'intermediate keeps every baseline control');
    assert.match(diff.stdout, /^\+ \S+ {2}\S/m);
    assert.match(diff.stdout, /^ {4}parameter \S+: .+ -> .+$/m);

    const profile = await run(['level', 'export', 'enhanced@1', '--format', 'profile']);
    assert.equal(profile.code, 0, profile.stderr);
    const profileDocument = JSON.parse(profile.stdout) as {
      profile: { imports: { href: string }[] };
    };
    assert.equal(
      profileDocument.profile.imports[0]?.href,
      '/api/v1/levels/intermediate/versions/1/profile.json',
    );
    const out = path.join(database.dataDir, 'maximum-1-catalog.json');
    const catalog = await run([
      'level',
      'export',
      'maximum@1',
      '--format',
      'catalog',
      '--out',
      out,
    ]);
    assert.equal(catalog.code, 0, catalog.stderr);
    assert.match(catalog.stdout, /Exported maximum@1 as an OSCAL catalog to /);
    const catalogDocument = JSON.parse(fs.readFileSync(out, 'utf8')) as { catalog: unknown };
    assert.ok(catalogDocument.catalog);
    if (!SHARED_DATA_MISSING) {
      assert.deepEqual(officialSchemaErrors(profileDocument), []);
      assert.deepEqual(officialSchemaErrors(catalogDocument), []);
    }

    // A reader that stops early (`| head`) ends the command quietly, not with a stack trace.
    assert.ok(fs.statSync(out).size > 128 * 1024, 'the export is larger than a pipe holds');
    const early = await pipedIntoHead(['level', 'export', 'maximum@1', '--format', 'catalog'], env);
    assert.equal(early.stderr, '');
    assert.equal(early.code, 0);
    assert.equal(early.stdout.length, 100);

    const missing = await run(['level', 'show', 'baseline@7']);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /Baseline has no published version 7/);
    const badRef = await run(['level', 'diff', 'baseline', 'intermediate@1']);
    assert.equal(badRef.code, 2);
    assert.match(badRef.stderr, /"baseline" does not name a level version/);
    const badFormat = await run(['level', 'export', 'baseline@1', '--format', 'xml']);
    assert.equal(badFormat.code, 2);
    assert.match(badFormat.stderr, /--format must be profile or catalog/);
  });
});
