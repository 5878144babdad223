import assert from 'node:assert/strict';
import { it } from 'node:test';
import { runCloudOffice } from '../helpers/cli.js';
import { describeEachDatabase } from '../helpers/databases.js';

describeEachDatabase('administration from the shell', (database) => {
  it('creates the first officer, organizations, invitations and appointments, all audited and verifiable', async () => {
    const env = await database.anotherEnv();
    const run = (args: string[], input?: string) =>
      runCloudOffice(args, { ...env, PUBLIC_URL: 'https://cloud.example.gov' }, input);

    const weak = await run(
      [
        'admin',
        'create',
        '--email',
        'dg@office.example',
        '--name',
        'DG',
        '--office',
        'Cloud Office',
        '--password-stdin',
      ],
      'short\n',
    );
    assert.equal(weak.code, 1);
    assert.match(weak.stderr, /12 to 256 characters/);

    const created = await run(
      [
        'admin',
        'create',
        '--email',
        'dg@office.example',
        '--name',
        'Ayesha Khan',
        '--office',
        'Cloud Office',
        '--password-stdin',
      ],
      'correct horse battery staple\n',
    );
    assert.equal(created.code, 0, created.stderr);
    assert.match(created.stdout, /Created the Cloud Office and its DG Cloud, dg@office\.example/);
    const twice = await run(
      [
        'admin',
        'create',
        '--email',
        'b@office.example',
        '--name',
        'B',
        '--office',
        'X',
        '--password-stdin',
      ],
      'another long password\n',
    );
    assert.equal(twice.code, 1);
    assert.match(twice.stderr, /already set up/);

    const org = await run([
      'org',
      'create',
      '--as',
      'dg@office.example',
      '--kind',
      'csp',
      '--name',
      'Example Cloud',
    ]);
    assert.equal(org.code, 0, org.stderr);
    const orgId = org.stdout.split(/\s+/)[0] ?? '';
    const list = await run(['org', 'list', '--kind', 'csp']);
    assert.match(list.stdout, /csp\s+active\s+Example Cloud/);
    const nobody = await run([
      'org',
      'create',
      '--as',
      'nobody@office.example',
      '--kind',
      'csp',
      '--name',
      'Other',
    ]);
    assert.equal(nobody.code, 1);
    assert.match(nobody.stderr, /no active officer of the Cloud Office/);

    const invited = await run([
      'user',
      'invite',
      '--as',
      'dg@office.example',
      '--org',
      orgId,
      '--email',
      'sana@example.org',
      '--name',
      'Sana',
      '--role',
      'csp_admin',
    ]);
    assert.equal(invited.code, 0, invited.stderr);
    assert.match(
      invited.stdout,
      /https:\/\/cloud\.example\.gov\/invitation#token=[A-Za-z0-9_-]{43}/,
    );
    assert.match(invited.stdout, /E-mail is off/);

    const officer = await run([
      'user',
      'invite',
      '--as',
      'dg@office.example',
      '--org',
      (await run(['org', 'list', '--kind', 'cloud_office'])).stdout.split(/\s+/)[0] ?? '',
      '--email',
      'audits@office.example',
      '--name',
      'Bilal',
      '--role',
      'officer',
    ]);
    assert.equal(officer.code, 0, officer.stderr);
    const appointed = await run([
      'appoint',
      '--as',
      'dg@office.example',
      '--email',
      'audits@office.example',
      '--position',
      'director_audits',
      '--from',
      '2026-01-01',
    ]);
    assert.equal(appointed.code, 0, appointed.stderr);
    assert.match(appointed.stdout, /audits@office\.example holds Director Audits from 2026-01-01/);
    const badDate = await run([
      'appoint',
      '--as',
      'dg@office.example',
      '--email',
      'audits@office.example',
      '--position',
      'dg_cloud',
      '--from',
      '2026-13-01',
      '--additional-charge',
    ]);
    assert.equal(badDate.code, 1);
    assert.match(badDate.stderr, /startsOn must be a date as YYYY-MM-DD/);

    const users = await run(['user', 'list']);
    assert.match(users.stdout, /invited\s+csp_admin\s+sana@example\.org/);
    const verify = await run(['audit', 'verify']);
    assert.equal(verify.code, 0, verify.stderr);
    assert.match(verify.stdout, /Audit trail intact: \d+ events/);
    const exported = await run(['audit', 'export', '--action', 'appointment']);
    assert.match(exported.stdout, /appointment\.create/);
  });
});
