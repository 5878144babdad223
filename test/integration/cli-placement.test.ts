// `cloud-office placement check|reevaluate`: placement from the shell, through the same service as
// the API, run as the real command on a database seeded here.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { before, it } from 'node:test';
import { loadConfig } from '../../src/config.js';
import { AppContext } from '../../src/context.js';
import { migrateToLatest } from '../../src/db/migrate.js';
import { seedDefaultContent } from '../../src/features/levels/seed.js';
import { seedDefaultPolicy } from '../../src/features/placement/seed.js';
import {
  insertClassification,
  updateActiveSystem,
} from '../../src/features/placement/systems-repo.js';
import { runCloudOffice } from '../helpers/cli.js';
import { describeEachDatabase } from '../helpers/databases.js';
import { appoint, buildOrganization, buildUser, setUpOffice } from '../helpers/factories.js';
import { writeLevelContent } from '../helpers/level-content.js';
import { buildAccreditedOffering } from '../helpers/register.js';
import { buildSystem } from '../helpers/systems.js';

describeEachDatabase('placement from the shell', (database) => {
  let env: Record<string, string> = {};
  const run = (args: string[]) => runCloudOffice(args, env);
  let systemId = '';
  let home = '';
  let abroad = '';
  let officerWithoutPower = '';
  let ctxConfig: ReturnType<typeof loadConfig>;

  /** Runs `work` on a context of the test's database (the real clock, as the command has). */
  const withCtx = async <T>(work: (ctx: AppContext) => Promise<T>): Promise<T> => {
    const ctx = await AppContext.create(ctxConfig);
    try {
      return await work(ctx);
    } finally {
      await ctx.close();
    }
  };

  before(async () => {
    env = await database.anotherEnv();
    ctxConfig = loadConfig({ ...env, LOG_LEVEL: 'silent' });
    await withCtx(async (ctx) => {
      await migrateToLatest(ctx.db);
      await seedDefaultContent(ctx, {
        contentDir: writeLevelContent(path.join(database.dataDir, 'content')),
      });
      await seedDefaultPolicy(ctx);
      const office = await setUpOffice(ctx);
      const officer = await buildUser(ctx, office.organizationId, 'officer');
      await appoint(ctx, officer.id, 'director_infrastructure_operations', '2020-01-01');
      officerWithoutPower = officer.email;
      const provider = await buildOrganization(ctx, 'csp', { name: 'Indus Cloud' });
      const auditFirm = {
        id: await buildOrganization(ctx, 'audit_firm', { name: 'Assurance Partners' }),
        name: 'Assurance Partners',
      };
      // Granted now, by the real clock, so that they are in force when the command runs.
      home = (
        await buildAccreditedOffering(ctx, provider, {
          name: 'Indus Gov Compute',
          deploymentModel: 'government',
          levelSought: { code: 'intermediate', rank: 2 },
          auditFirm,
        })
      ).offeringId;
      abroad = (
        await buildAccreditedOffering(ctx, provider, {
          name: 'Indus Global Compute',
          deploymentModel: 'government',
          locations: [
            { country: 'DE', city: 'Frankfurt', operator: 'DC GmbH', purpose: 'customer_data' },
          ],
          levelSought: { code: 'intermediate', rank: 2 },
          auditFirm,
        })
      ).offeringId;

      // A Restricted system running on the offering abroad.
      const pse = await buildOrganization(ctx, 'pse', { name: 'Ministry of Law' });
      systemId = await buildSystem(ctx, pse, { name: 'Court case management' });
      const classificationId = randomUUID();
      const at = ctx.clock.now().toISOString();
      await insertClassification(ctx.db, {
        id: classificationId,
        system_id: systemId,
        revision: 1,
        answers: JSON.stringify({ informationTypes: [] }),
        class_code: 'restricted',
        security_category: JSON.stringify({
          confidentiality: 'low',
          integrity: 'low',
          availability: 'low',
        }),
        per_type: '[]',
        rationale: '[]',
        policy_version: 1,
        classified_by_user_id: null,
        classified_at: at,
      });
      await updateActiveSystem(ctx.db, systemId, {
        classification_id: classificationId,
        class_code: 'restricted',
        current_kind: 'offering',
        current_offering_id: abroad,
        current_facility_name: null,
        current_facility_country: null,
        current_facility_operator: null,
      });
    });
  });

  it('checks a placement and prints the refusal with its reasons in words', async () => {
    const result = await run(['placement', 'check', '--system', systemId, '--offering', abroad]);
    assert.equal(result.code, 0, result.stderr);
    const lines = result.stdout.trim().split('\n');
    assert.equal(lines[0], 'Not allowed: 1 rule not met.');
    assert.match(
      lines[1] ?? '',
      /^Not met: Restricted data must stay in Pakistan; this offering keeps customer data in Frankfurt \(Germany\)\. \(.+\)$/,
    );
    assert.match(
      lines.at(-1) ?? '',
      /^\(decision [0-9a-f-]{36}, policy version 1, \d{4}-\d{2}-\d{2}\)$/,
    );
  });

  it('prints the stored decision as JSON with --json', async () => {
    const result = await run([
      'placement',
      'check',
      '--system',
      systemId,
      '--offering',
      home,
      '--json',
    ]);
    assert.equal(result.code, 0, result.stderr);
    const decision = JSON.parse(result.stdout) as {
      outcome: string;
      hosting: string;
      policyVersion: number;
      inputs: { classCode: string; offeringId: string };
    };
    assert.equal(decision.outcome, 'allow');
    assert.equal(decision.hosting, 'check');
    assert.deepEqual([decision.inputs.classCode, decision.inputs.offeringId], ['restricted', home]);
  });

  it('refuses an unknown offering or system with a message, exit code 1', async () => {
    const offering = await run(['placement', 'check', '--system', systemId, '--offering', 'nope']);
    assert.equal(offering.code, 1);
    assert.match(offering.stderr, /There is no offering "nope"/);
    const system = await run(['placement', 'check', '--system', 'nope', '--offering', home]);
    assert.equal(system.code, 1);
    assert.match(system.stderr, /There is no system "nope"/);
  });

  it('re-evaluates every placement, flagging the system out of policy', async () => {
    const result = await run(['placement', 'reevaluate']);
    assert.equal(result.code, 0, result.stderr);
    assert.equal(
      result.stdout.trim(),
      'Re-evaluated 1 system(s) under policy version 1: 0 in policy, 1 out of policy ' +
        '(1 newly flagged, 0 back in policy), 0 not evaluated; 1 new decision(s) stored.',
    );
    const placement = await withCtx((ctx) =>
      ctx.db
        .selectFrom('system_placements')
        .selectAll()
        .where('system_id', '=', systemId)
        .executeTakeFirstOrThrow(),
    );
    assert.equal(placement.status, 'out_of_policy');
    assert.match(placement.reason ?? '', /^On Indus Global Compute: Restricted data must stay/);

    const again = await run(['placement', 'reevaluate']);
    assert.equal(again.code, 0, again.stderr);
    assert.match(
      again.stdout,
      /\(0 newly flagged, 0 back in policy\).*0 new decision\(s\) stored\./,
    );
  });

  it('refuses an officer without the power, and audits the refusal', async () => {
    const result = await run(['placement', 'reevaluate', '--as', officerWithoutPower]);
    assert.equal(result.code, 1);
    assert.match(result.stderr, /needs the power manage_organizations or decide_exemption/);
    const denied = await withCtx((ctx) =>
      ctx.db
        .selectFrom('audit_events')
        .select('summary')
        .where('action', '=', 'access.denied')
        .execute(),
    );
    assert.equal(denied.length, 1);
    assert.match(denied[0]?.summary ?? '', /cloud-office placement reevaluate/);
  });
});
