import assert from 'node:assert/strict';
import path from 'node:path';
import { before, it } from 'node:test';
import { loadConfig } from '../../src/config.js';
import { AppContext } from '../../src/context.js';
import { migrateToLatest } from '../../src/db/migrate.js';
import { recordOf } from '../../src/features/accreditation/mapper.js';
import { findApplication, updateApplication } from '../../src/features/accreditation/repo.js';
import { seedDefaultContent } from '../../src/features/levels/seed.js';
import { buildApplication } from '../helpers/applications.js';
import { runCloudOffice } from '../helpers/cli.js';
import { describeEachDatabase } from '../helpers/databases.js';
import { appoint, buildOrganization, buildUser, setUpOffice } from '../helpers/factories.js';
import { writeLevelContent } from '../helpers/level-content.js';

/** YYYY-MM-DD `days` from today (the command runs on the real clock). */
const inDays = (days: number) =>
  new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);

describeEachDatabase('accreditation decisions from the shell', (database) => {
  let env: Record<string, string> = {};
  let applicationId = '';
  let offeringId = '';
  const run = (args: string[]) => runCloudOffice(args, env);
  let withContext: <T>(work: (ctx: AppContext) => Promise<T>) => Promise<T>;

  before(async () => {
    env = await database.anotherEnv();
    withContext = async (work) => {
      const ctx = await AppContext.create(loadConfig({ ...env, LOG_LEVEL: 'silent' }));
      try {
        return await work(ctx);
      } finally {
        await ctx.close();
      }
    };
    await withContext(async (ctx) => {
      await migrateToLatest(ctx.db);
      const office = await setUpOffice(ctx, 'dg@office.example');
      await seedDefaultContent(ctx, {
        contentDir: writeLevelContent(path.join(database.dataDir, 'cli-content')),
      });
      const director = await buildUser(ctx, office.organizationId, 'officer', 'da@office.example');
      await appoint(ctx, director.id, 'director_audits', '2026-01-01');
      const cspId = await buildOrganization(ctx, 'csp', { name: 'Shell Cloud' });
      const firmId = await buildOrganization(ctx, 'audit_firm', { name: 'Shell Audit' });
      applicationId = await buildApplication(ctx, cspId);
      // Stored as it stands after legal review: the decision is what the shell takes.
      const row = await findApplication(ctx.db, applicationId);
      assert.ok(row, 'the application was stored');
      offeringId = row.offering_id;
      const record = recordOf(row);
      await updateApplication(
        ctx.db,
        {
          ...record,
          status: 'awaiting_decision',
          submission: { levelVersion: 1, controlIds: ['co-br-1', 'co-dr-1'] },
          auditFirm: { id: firmId, name: 'Shell Audit' },
          assessment: {
            submittedOn: inDays(-1),
            counts: { satisfied: 2, not_satisfied: 0, not_applicable: 0 },
            findings: [],
          },
          legalReview: { outcome: 'cleared', notes: 'In order.' },
        },
        row.revision,
        { at: new Date().toISOString(), userId: null },
      );
    });
  });

  it('refuses unclear decisions and officers without the power, auditing the refusal', async () => {
    const neither = await run([
      'accreditation',
      'decide',
      applicationId,
      '--as',
      'dg@office.example',
    ]);
    assert.equal(neither.code, 1);
    assert.match(neither.stderr, /--grant LEVEL --valid-until YYYY-MM-DD, or --refuse/);
    const badCondition = await run([
      'accreditation',
      'decide',
      applicationId,
      '--as',
      'dg@office.example',
      '--grant',
      'baseline',
      '--valid-until',
      inDays(365),
      '--condition',
      'no date',
    ]);
    assert.equal(badCondition.code, 1);
    assert.match(badCondition.stderr, /--condition "no date"/);

    const director = await run([
      'accreditation',
      'decide',
      applicationId,
      '--as',
      'da@office.example',
      '--grant',
      'baseline',
      '--valid-until',
      inDays(365),
    ]);
    assert.equal(director.code, 1, director.stdout);
    assert.match(director.stderr, /decide_accreditation/);
    const denied = await withContext((ctx) =>
      ctx.db
        .selectFrom('audit_events')
        .select(['summary', 'target_id'])
        .where('action', '=', 'access.denied')
        .execute(),
    );
    assert.ok(
      denied.some((d) => d.target_id === applicationId && d.summary.includes('accredit')),
      JSON.stringify(denied),
    );
  });

  it('grants with a condition, suspends, reinstates and revokes, each shown in the register', async () => {
    const granted = await run([
      'accreditation',
      'decide',
      applicationId,
      '--as',
      'dg@office.example',
      '--grant',
      'baseline',
      '--valid-until',
      inDays(365),
      '--condition',
      `Test restores quarterly@${inDays(90)}`,
    ]);
    assert.equal(granted.code, 0, granted.stderr);
    assert.match(granted.stdout, new RegExp(`accredited at baseline, valid .* to ${inDays(365)}`));
    const status = () =>
      withContext(async (ctx) => {
        const entry = await ctx.db
          .selectFrom('register_entries')
          .select('status')
          .where('offering_id', '=', offeringId)
          .executeTakeFirst();
        return entry?.status;
      });
    assert.equal(await status(), 'accredited');

    const suspended = await run([
      'accreditation',
      'suspend',
      applicationId,
      '--as',
      'dg@office.example',
      '--reason',
      'Breach not reported',
    ]);
    assert.equal(suspended.code, 0, suspended.stderr);
    assert.match(
      suspended.stdout,
      /suspended at baseline, valid .* \(from \d{4}-\d{2}-\d{2}: Breach not reported\)/,
    );
    assert.equal(await status(), 'suspended');

    const reinstated = await run([
      'accreditation',
      'reinstate',
      applicationId,
      '--as',
      'dg@office.example',
      '--reason',
      'Reported and contained',
    ]);
    assert.equal(reinstated.code, 0, reinstated.stderr);
    assert.equal(await status(), 'accredited');

    const revoked = await run([
      'accreditation',
      'revoke',
      applicationId,
      '--as',
      'dg@office.example',
      '--reason',
      'Repeated breaches',
    ]);
    assert.equal(revoked.code, 0, revoked.stderr);
    assert.equal(await status(), 'revoked');
    const again = await run([
      'accreditation',
      'revoke',
      applicationId,
      '--as',
      'dg@office.example',
      '--reason',
      'x',
    ]);
    assert.equal(again.code, 1);
    assert.match(again.stderr, /was revoked/);

    const list = await run(['accreditation', 'list', '--status', 'revoked']);
    assert.equal(list.code, 0, list.stderr);
    assert.match(list.stdout, new RegExp(`^${applicationId}\\s+revoked\\s+baseline`));
    const wrong = await run(['accreditation', 'list', '--status', 'gone']);
    assert.equal(wrong.code, 1);
    assert.match(wrong.stderr, /expected one of draft/);
  });
});
