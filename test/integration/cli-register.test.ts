// `cloud-office register export`: the public register from the shell, through the same service as
// GET /api/v1/register.csv, run as the real command on a database seeded here.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { before, it } from 'node:test';
import { ManualClock } from '../../src/clock.js';
import { loadConfig } from '../../src/config.js';
import { AppContext } from '../../src/context.js';
import { migrateToLatest } from '../../src/db/migrate.js';
import { seedDefaultContent } from '../../src/features/levels/seed.js';
import { runCloudOffice } from '../helpers/cli.js';
import { describeEachDatabase } from '../helpers/databases.js';
import { buildOrganization } from '../helpers/factories.js';
import { writeLevelContent } from '../helpers/level-content.js';
import { buildAccreditedOffering } from '../helpers/register.js';

interface Item {
  offeringName: string;
  status: string;
  level: { code: string };
  customerDataCountries: string[];
}

describeEachDatabase('the register from the shell', (database) => {
  let env: Record<string, string> = {};
  const run = (args: string[]) => runCloudOffice(args, env);

  before(async () => {
    env = await database.anotherEnv();
    const ctx = await AppContext.create(loadConfig({ ...env, LOG_LEVEL: 'silent' }), {
      clock: new ManualClock('2026-06-01T08:00:00Z'),
    });
    try {
      await migrateToLatest(ctx.db);
      await seedDefaultContent(ctx, {
        contentDir: writeLevelContent(path.join(database.dataDir, 'content')),
      });
      const provider = await buildOrganization(ctx, 'csp', { name: 'Indus Cloud' });
      const firm = {
        id: await buildOrganization(ctx, 'audit_firm', { name: 'Assurance Partners' }),
        name: 'Assurance Partners',
      };
      await buildAccreditedOffering(ctx, provider, {
        name: 'Indus Compute',
        serviceModel: 'iaas',
        levelSought: { code: 'baseline', rank: 1 },
        auditFirm: firm,
        grantedAt: '2026-01-15T10:00:00Z',
      });
      await buildAccreditedOffering(ctx, provider, {
        name: 'Indus Mail',
        serviceModel: 'saas',
        deploymentModel: 'government',
        locations: [
          { country: 'SG', city: 'Singapore', operator: 'SG DC', purpose: 'customer_data' },
        ],
        levelSought: { code: 'intermediate', rank: 2 },
        auditFirm: firm,
        grantedAt: '2026-02-01T10:00:00Z',
        then: [{ action: 'revoke', at: '2026-03-01T10:00:00Z', reason: 'Breach of contract' }],
      });
    } finally {
      await ctx.close();
    }
  });

  it('exports the register as CSV to standard output, with the API’s columns', async () => {
    const result = await run(['register', 'export', '--format', 'csv']);
    assert.equal(result.code, 0, result.stderr);
    const lines = result.stdout.split('\r\n');
    assert.match(lines[0] ?? '', /^offering_id,offering_name,provider_id,provider_name,/);
    assert.deepEqual(
      lines.slice(1, -1).map((line) => line.split(',')[1]),
      ['Indus Compute', 'Indus Mail'],
    );
    assert.match(lines[2] ?? '', /,saas,government,revoked,intermediate,Intermediate,/);
  });

  it('exports filtered JSON to a file, and says how many it wrote', async () => {
    const out = path.join(database.dataDir, 'register.json');
    const result = await run([
      'register',
      'export',
      '--format',
      'json',
      '--out',
      out,
      '--residency',
      'outside',
      '--status',
      'revoked',
      '--service-model',
      'saas',
      '--deployment-model',
      'government',
      '--level',
      'intermediate',
    ]);
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stdout.trim(), `Exported 1 offering as JSON to ${out}`);
    const items = JSON.parse(fs.readFileSync(out, 'utf8')) as Item[];
    assert.deepEqual(
      items.map((item) => [
        item.offeringName,
        item.status,
        item.level.code,
        item.customerDataCountries,
      ]),
      [['Indus Mail', 'revoked', 'intermediate', ['SG']]],
    );
    assert.deepEqual(
      fs.readdirSync(database.dataDir).filter((name) => name.endsWith('.partial')),
      [],
    );

    const none = await run(['register', 'export', '--format', 'json', '--level', 'maximum']);
    assert.equal(none.code, 0, none.stderr);
    assert.deepEqual(JSON.parse(none.stdout), []);
  });

  it('measures residency against OFFICE_COUNTRY', async () => {
    const result = await runCloudOffice(
      ['register', 'export', '--format', 'json', '--residency', 'in_country'],
      { ...env, OFFICE_COUNTRY: 'SG' },
    );
    assert.equal(result.code, 0, result.stderr);
    assert.deepEqual(
      (JSON.parse(result.stdout) as Item[]).map((item) => item.offeringName),
      ['Indus Mail'],
    );
  });

  it('refuses a bad option value with a message naming the option, exit code 2', async () => {
    const cases: [string[], RegExp][] = [
      [['--format', 'xml'], /--format must be csv or json, not "xml"/],
      [
        ['--format', 'csv', '--status', 'refused'],
        /--status must be accredited, suspended, revoked or expired, not "refused"/,
      ],
      [
        ['--format', 'csv', '--residency', 'abroad'],
        /--residency must be in_country or outside, not "abroad"/,
      ],
      [
        ['--format', 'csv', '--service-model', 'faas'],
        /--service-model must be iaas, paas or saas/,
      ],
      [
        ['--format', 'csv', '--deployment-model', 'community'],
        /--deployment-model must be public, government, private or hybrid/,
      ],
      [
        ['--format', 'csv', '--level', 'platinum'],
        /--level: There is no security level "platinum"; the levels are baseline, intermediate, enhanced, maximum/,
      ],
      [[], /required option '--format <format>' not specified/],
    ];
    for (const [args, message] of cases) {
      const result = await run(['register', 'export', ...args]);
      assert.equal(result.code, 2, `${args.join(' ')}: ${result.stderr}`);
      assert.match(result.stderr, message);
      assert.equal(result.stdout, '', 'nothing is exported');
    }
  });
});
