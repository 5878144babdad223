import assert from 'node:assert/strict';
import { before, it } from 'node:test';
import { ManualClock } from '../../src/clock.js';
import { loadConfig } from '../../src/config.js';
import { AppContext } from '../../src/context.js';
import { migrateToLatest } from '../../src/db/migrate.js';
import { replaceLists } from '../../src/features/offerings/repo.js';
import { runCloudOffice } from '../helpers/cli.js';
import { describeEachDatabase } from '../helpers/databases.js';
import { buildOrganization } from '../helpers/factories.js';
import { buildOffering } from '../helpers/offerings.js';

describeEachDatabase('offerings from the shell', (database) => {
  let env: Record<string, string> = {};
  let providerA = '';
  let providerB = '';
  let onshore = '';
  let offshore = '';
  const run = (args: string[]) => runCloudOffice(args, env);

  before(async () => {
    env = await database.anotherEnv();
    // Seeded in this process on the database the command will open.
    const ctx = await AppContext.create(loadConfig({ ...env, LOG_LEVEL: 'silent' }), {
      clock: new ManualClock('2026-01-10T08:00:00Z'),
    });
    try {
      await migrateToLatest(ctx.db);
      providerA = await buildOrganization(ctx, 'csp', { name: 'Alpha Cloud' });
      providerB = await buildOrganization(ctx, 'csp', { name: 'Beta Cloud' });
      onshore = await buildOffering(ctx, providerA, { name: 'Alpha Onshore' });
      offshore = await buildOffering(ctx, providerB, { name: 'Beta Global', country: 'DE' });
      await replaceLists(ctx.db, onshore, {
        certifications: [
          { scheme: 'iso27001', issuer: 'BSI', expiresOn: '2020-12-31', certificateNumber: 'C-1' },
          { scheme: 'other', name: 'PTA licence', issuer: 'PTA', expiresOn: '2099-12-31' },
        ],
        contacts: [{ role: 'security', name: 'Ali Raza', email: 'soc@alpha.example' }],
      });
    } finally {
      await ctx.close();
    }
  });

  it('lists offerings by name, for one provider, and as JSON', async () => {
    const all = await run(['offering', 'list']);
    assert.equal(all.code, 0, all.stderr);
    const lines = all.stdout.trim().split('\n');
    assert.equal(lines.length, 2);
    assert.match(
      lines[0] ?? '',
      new RegExp(`^${onshore}\\s+iaas\\s+public\\s+PK\\s+Alpha Onshore\\s+\\(Alpha Cloud\\)$`),
    );
    assert.match(lines[1] ?? '', /DE\s+Beta Global\s+\(Beta Cloud\)$/);

    const one = await run(['offering', 'list', '--org', providerB, '--json']);
    assert.equal(one.code, 0, one.stderr);
    const parsed = JSON.parse(one.stdout) as {
      id: string;
      residency: { customerDataCountries: string[] };
    }[];
    assert.deepEqual(
      parsed.map((o) => [o.id, o.residency.customerDataCountries]),
      [[offshore, ['DE']]],
    );

    const none = await run(['offering', 'list', '--org', 'nobody']);
    assert.equal(none.code, 0);
    assert.equal(none.stdout.trim(), 'No offerings.');
  });

  it('shows one offering with its data centres, certifications (expired marked) and contacts', async () => {
    const shown = await run(['offering', 'show', onshore]);
    assert.equal(shown.code, 0, shown.stderr);
    assert.match(shown.stdout, /^Alpha Onshore \(/);
    assert.match(shown.stdout, /provider: +Alpha Cloud/);
    assert.match(shown.stdout, /PK {2}Karachi, DC Ltd \(customer data\)/);
    assert.match(shown.stdout, /iso27001 {2}by BSI, EXPIRED 2020-12-31, no\. C-1/);
    assert.match(shown.stdout, /PTA licence {2}by PTA, valid until 2099-12-31/);
    assert.match(shown.stdout, /security +Ali Raza <soc@alpha\.example>/);

    const json = await run(['offering', 'show', onshore, '--json']);
    const view = JSON.parse(json.stdout) as { certifications: { expired: boolean }[] };
    assert.deepEqual(
      view.certifications.map((c) => c.expired),
      [true, false],
    );

    const missing = await run(['offering', 'show', 'no-such-offering']);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /There is no offering "no-such-offering"/);
  });
});
