import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, it } from 'node:test';
import { Migrator } from 'kysely';
import { ManualClock } from '../../src/clock.js';
import { AppContext } from '../../src/context.js';
import { migrateToLatest } from '../../src/db/migrate.js';
import { migrations } from '../../src/db/migrations/index.js';
import { startServer } from '../../src/server.js';
import { insertLevelIfMissing } from '../../src/features/levels/repo.js';
import { DEFAULT_LEVELS, SYSTEM_POSITION } from '../../src/features/levels/seed.js';
import { DEFAULT_POLICY_PACK } from '../../src/features/placement/default-pack.js';
import type { PolicyPack } from '../../src/features/placement/model.js';
import * as policyRepo from '../../src/features/placement/policy-repo.js';
import { seedDefaultPolicy } from '../../src/features/placement/seed.js';
import { createTestApp, testConfig, type TestApp } from '../helpers/app.js';
import { describeEachDatabase } from '../helpers/databases.js';
import {
  appoint,
  buildOrganization,
  buildUser,
  setUpOffice,
  signInAs,
  type Client,
} from '../helpers/factories.js';

interface Step {
  at: string;
  position: string | null;
}
interface VersionView {
  version: number;
  status: string;
  basedOnVersion: number | null;
  created: Step;
  proposed: Step | null;
  approved: Step | null;
  published: Step | null;
  returned: (Step & { reason: string }) | null;
  pack: PolicyPack;
  problems: { in: string; pointer: string; message: string }[];
}
interface Problem {
  code: string;
  detail: string;
  errors?: { in: string; pointer: string; message: string }[];
}

/** The problem document's list of issues, under whichever name the handler gives it. */
function issuesOf(body: Problem & Record<string, unknown>): { pointer: string; message: string }[] {
  const list = body.errors ?? body.issues;
  return Array.isArray(list) ? (list as { pointer: string; message: string }[]) : [];
}

const copy = (pack: PolicyPack): PolicyPack => structuredClone(pack);

/**
 * A pack that leaves Restricted without a rule, lets Secret go nowhere, and has a marking that
 * gives a class the pack does not define.
 */
function brokenPack(): PolicyPack {
  const pack = copy(DEFAULT_POLICY_PACK);
  pack.classification.byMarking.push({
    marking: 'cabinet',
    classCode: 'top_secret',
    label: 'cabinet papers',
  });
  pack.rules = pack.rules
    .filter((rule) => rule.classCode !== 'restricted')
    .map((rule) => (rule.classCode === 'secret' ? { ...rule, deploymentModels: [] } : rule));
  return pack;
}

/** The default pack with Restricted raised to the enhanced level: a change worth publishing. */
function strongerPack(): PolicyPack {
  const pack = copy(DEFAULT_POLICY_PACK);
  pack.rules = pack.rules.map((rule) =>
    rule.classCode === 'restricted' ? { ...rule, minimumLevel: 'enhanced' } : rule,
  );
  return pack;
}

describeEachDatabase('the policy pack', (database) => {
  let t: TestApp;
  let dg: Client;
  let adoption: Client;
  let infrastructure: Client;
  let pse: Client;
  const clock = new ManualClock('2026-07-01T08:00:00Z');

  before(async () => {
    t = await createTestApp(database, { overrides: { clock } });
    const office = await setUpOffice(t.ctx);
    // The levels the pack names, as the levels' own seeding puts them in place.
    for (const level of DEFAULT_LEVELS) {
      await insertLevelIfMissing(t.ctx.db, {
        id: randomUUID(),
        ...level,
        created_at: clock.now().toISOString(),
      });
    }
    dg = await signInAs(t.app, office.email);
    const director = await buildUser(t.ctx, office.organizationId, 'officer');
    await appoint(t.ctx, director.id, 'director_cloud_adoption', '2026-01-01');
    adoption = await signInAs(t.app, director.email);
    const other = await buildUser(t.ctx, office.organizationId, 'officer');
    await appoint(t.ctx, other.id, 'director_infrastructure_operations', '2026-01-01');
    infrastructure = await signInAs(t.app, other.email);
    const pseId = await buildOrganization(t.ctx, 'pse');
    pse = await signInAs(t.app, (await buildUser(t.ctx, pseId, 'pse_admin')).email);
  });
  after(() => t.close());

  it('seeds the default pack as published version 1, by the system, once even when run at once', async () => {
    const reports = await Promise.all([seedDefaultPolicy(t.ctx), seedDefaultPolicy(t.ctx)]);
    assert.deepEqual(reports.map((r) => r.published).sort(), [false, true]);
    assert.deepEqual(await seedDefaultPolicy(t.ctx), { published: false });
    const rows = await t.ctx.db.selectFrom('policy_versions').selectAll().execute();
    assert.equal(rows.length, 1);
    const [row] = rows;
    assert.ok(row);
    assert.equal(row.status, 'published');
    assert.equal(row.open_key, null);
    assert.deepEqual(JSON.parse(row.pack), DEFAULT_POLICY_PACK);
    const events = await t.ctx.db
      .selectFrom('audit_events')
      .selectAll()
      .where('action', '=', 'policy.publish')
      .execute();
    assert.equal(events.length, 1);
    const [event] = events;
    assert.ok(event);
    assert.equal(event.actor_user_id, null);
    assert.match(event.summary, /published by the system/);
  });

  it('shows the published pack to everyone without sign-in, but not the draft', async () => {
    const current = await t.app.inject({ method: 'GET', url: '/api/v1/policy' });
    assert.equal(current.statusCode, 200, current.body);
    const view = current.json<VersionView>();
    assert.equal(view.version, 1);
    assert.equal(view.status, 'published');
    assert.equal(view.published?.position, SYSTEM_POSITION);
    assert.deepEqual(view.problems, []);
    assert.deepEqual(
      view.pack.classes.map((c) => c.code),
      ['open', 'public', 'restricted', 'sensitive', 'secret'],
    );
    assert.deepEqual(view.pack, DEFAULT_POLICY_PACK);

    const list = await t.app.inject({ method: 'GET', url: '/api/v1/policy/versions' });
    assert.equal(list.statusCode, 200);
    assert.deepEqual(
      list.json<{ items: { version: number }[] }>().items.map((v) => v.version),
      [1],
    );
    const one = await t.app.inject({ method: 'GET', url: '/api/v1/policy/versions/1' });
    assert.equal(one.statusCode, 200);
    const missing = await t.app.inject({ method: 'GET', url: '/api/v1/policy/versions/2' });
    assert.equal(missing.statusCode, 404);
    const draft = await t.app.inject({ method: 'GET', url: '/api/v1/policy/draft' });
    assert.equal(draft.statusCode, 401);
  });

  it('lets only the holders of propose_policy start a draft, and only one at a time', async () => {
    for (const [who, client] of [
      ['an officer without the power', infrastructure],
      ['a PSE', pse],
    ] as const) {
      const refused = await client.send('POST', '/api/v1/policy/draft');
      assert.equal(refused.statusCode, 403, `${who}: ${refused.body}`);
    }
    assert.equal(
      await t.ctx.db
        .selectFrom('policy_versions')
        .select('id')
        .execute()
        .then((rows) => rows.length),
      1,
    );

    const started = await adoption.send('POST', '/api/v1/policy/draft');
    assert.equal(started.statusCode, 201, started.body);
    const view = started.json<VersionView>();
    assert.equal(view.version, 2);
    assert.equal(view.status, 'draft');
    assert.equal(view.basedOnVersion, 1);
    assert.equal(view.created.position, 'Director Cloud Adoption');
    assert.deepEqual(view.pack, DEFAULT_POLICY_PACK);
    assert.deepEqual(view.problems, []);

    const again = await dg.send('POST', '/api/v1/policy/draft');
    assert.equal(again.statusCode, 409);
    assert.equal(again.json<Problem>().code, 'open_draft_exists');

    // Two officers at once: the unique key lets exactly one draft exist.
    await policyRepo.deleteDraft(t.ctx.db, (await policyRepo.findOpenVersion(t.ctx.db))?.id ?? '');
    const raced = await Promise.all([
      adoption.send('POST', '/api/v1/policy/draft'),
      dg.send('POST', '/api/v1/policy/draft'),
    ]);
    assert.deepEqual(raced.map((r) => r.statusCode).sort(), [201, 409]);
    const open = await t.ctx.db
      .selectFrom('policy_versions')
      .select('version')
      .where('open_key', 'is not', null)
      .execute();
    assert.deepEqual(
      open.map((r) => r.version),
      [2],
    );
  });

  it('refuses to propose a pack that leaves a class without a rule or allows a class nowhere, saying why, and changes nothing', async () => {
    const saved = await adoption.send('PUT', '/api/v1/policy/draft/pack', brokenPack());
    assert.equal(saved.statusCode, 200, saved.body);
    const draft = saved.json<VersionView>();
    // A draft may hold a pack with problems; it shows them.
    const pointers = draft.problems.map((p) => p.pointer);
    assert.ok(pointers.includes('/classes/2'), pointers.join(', '));
    assert.ok(pointers.includes('/rules/3/deploymentModels'), pointers.join(', '));

    const proposed = await adoption.send('POST', '/api/v1/policy/draft/propose');
    assert.equal(proposed.statusCode, 422, proposed.body);
    const problem = proposed.json<Problem & Record<string, unknown>>();
    assert.equal(problem.code, 'policy_pack_invalid');
    assert.match(problem.detail, /Nothing was changed/);
    const issues = issuesOf(problem);
    const restricted = issues.find((i) => i.pointer === '/classes/2');
    assert.match(restricted?.message ?? '', /"restricted" has no placement rule/);
    const secret = issues.find((i) => i.pointer === '/rules/3/deploymentModels');
    assert.match(secret?.message ?? '', /"secret" permits no deployment model/);
    const marking = issues.find((i) => i.pointer === '/classification/byMarking/1/classCode');
    assert.match(marking?.message ?? '', /"top_secret", which the pack does not define/);

    const after = await adoption.get('/api/v1/policy/draft');
    assert.equal(after.json<VersionView>().status, 'draft');
    assert.equal(after.json<VersionView>().proposed, null);
    const proposals = await t.ctx.db
      .selectFrom('audit_events')
      .select('id')
      .where('action', '=', 'policy.propose')
      .execute();
    assert.equal(proposals.length, 0);
  });

  it('refuses a pack of the wrong shape with pointers, and keeps the draft as it was', async () => {
    const bad = { ...copy(DEFAULT_POLICY_PACK), classes: [{ code: 'Open!', rank: 'high' }] };
    const response = await adoption.send('PUT', '/api/v1/policy/draft/pack', {
      ...bad,
      extra: true,
    });
    assert.equal(response.statusCode, 400, response.body);
    const pointers = issuesOf(response.json()).map((i) => i.pointer);
    assert.ok(pointers.includes('/extra'), pointers.join(', '));
    assert.ok(pointers.includes('/classes/0/rank'), pointers.join(', '));
    assert.ok(pointers.includes('/classes/0/code'), pointers.join(', '));
    const draft = (await adoption.get('/api/v1/policy/draft')).json<VersionView>();
    assert.deepEqual(draft.pack, brokenPack());
  });

  it('goes draft -> proposed -> returned -> proposed -> approved -> published, each step by its power, recorded', async () => {
    assert.equal(
      (await adoption.send('PUT', '/api/v1/policy/draft/pack', strongerPack())).statusCode,
      200,
    );
    clock.advance(60_000);
    const proposed = await adoption.send('POST', '/api/v1/policy/draft/propose');
    assert.equal(proposed.statusCode, 200, proposed.body);
    assert.equal(proposed.json<VersionView>().status, 'proposed');
    assert.equal(proposed.json<VersionView>().proposed?.position, 'Director Cloud Adoption');

    // A proposed draft is frozen; the proposer cannot approve it.
    const edit = await adoption.send('PUT', '/api/v1/policy/draft/pack', DEFAULT_POLICY_PACK);
    assert.equal(edit.statusCode, 409);
    assert.equal(edit.json<Problem>().code, 'draft_not_editable');
    assert.equal((await adoption.send('POST', '/api/v1/policy/draft/approve')).statusCode, 403);
    assert.equal(
      (await infrastructure.send('POST', '/api/v1/policy/draft/approve')).statusCode,
      403,
    );

    const noReason = await dg.send('POST', '/api/v1/policy/draft/return', { reason: ' ' });
    assert.equal(noReason.statusCode, 400);
    const returned = await dg.send('POST', '/api/v1/policy/draft/return', {
      reason: 'Say which standard requires it',
    });
    assert.equal(returned.statusCode, 200, returned.body);
    assert.equal(returned.json<VersionView>().status, 'draft');
    assert.equal(returned.json<VersionView>().returned?.reason, 'Say which standard requires it');
    assert.equal(returned.json<VersionView>().returned?.position, 'DG Cloud');

    assert.equal((await adoption.send('POST', '/api/v1/policy/draft/propose')).statusCode, 200);
    const early = await dg.send('POST', '/api/v1/policy/draft/publish');
    assert.equal(early.statusCode, 409);
    assert.equal(early.json<Problem>().code, 'wrong_status');
    const approved = await dg.send('POST', '/api/v1/policy/draft/approve');
    assert.equal(approved.statusCode, 200, approved.body);
    assert.equal(approved.json<VersionView>().approved?.position, 'DG Cloud');
    assert.equal((await adoption.send('POST', '/api/v1/policy/draft/publish')).statusCode, 403);
    clock.advance(60_000);
    const published = await dg.send('POST', '/api/v1/policy/draft/publish');
    assert.equal(published.statusCode, 200, published.body);
    const view = published.json<VersionView>();
    assert.equal(view.status, 'published');
    assert.equal(view.published?.at, clock.now().toISOString());

    const current = (
      await t.app.inject({ method: 'GET', url: '/api/v1/policy' })
    ).json<VersionView>();
    assert.equal(current.version, 2);
    assert.equal(
      current.pack.rules.find((r) => r.classCode === 'restricted')?.minimumLevel,
      'enhanced',
    );
    const first = await t.app.inject({ method: 'GET', url: '/api/v1/policy/versions/1' });
    assert.deepEqual(first.json<VersionView>().pack, DEFAULT_POLICY_PACK);
    assert.equal((await dg.get('/api/v1/policy/draft')).statusCode, 404);

    const trail = await t.ctx.db
      .selectFrom('audit_events')
      .select(['action', 'actor_position', 'target_id'])
      .where('action', 'like', 'policy.%')
      .orderBy('seq')
      .execute();
    const draftId = (await policyRepo.findVersion(t.ctx.db, 2))?.id;
    assert.deepEqual(
      trail.filter((e) => e.target_id === draftId).map((e) => [e.action, e.actor_position]),
      [
        // Started by whichever of the two won the race above.
        ['policy.draft_start', (await policyRepo.findVersion(t.ctx.db, 2))?.created_by_position],
        ['policy.draft_replace', 'Director Cloud Adoption'],
        ['policy.draft_replace', 'Director Cloud Adoption'],
        ['policy.propose', 'Director Cloud Adoption'],
        ['policy.return', 'DG Cloud'],
        ['policy.propose', 'Director Cloud Adoption'],
        ['policy.approve', 'DG Cloud'],
        ['policy.publish', 'DG Cloud'],
      ],
    );
  });

  it('never changes a published version', async () => {
    const before = await policyRepo.findVersion(t.ctx.db, 2);
    assert.ok(before);
    // Not through the API: there is no open draft to change.
    const put = await adoption.send('PUT', '/api/v1/policy/draft/pack', DEFAULT_POLICY_PACK);
    assert.equal(put.statusCode, 404);
    assert.equal(put.json<Problem>().code, 'no_open_draft');
    // Nor through the repo's only update, which matches open versions alone.
    for (const status of ['draft', 'proposed', 'approved', 'published'] as const) {
      const changed = await policyRepo.updateOpenVersion(t.ctx.db, before.id, status, {
        pack: JSON.stringify(DEFAULT_POLICY_PACK),
        status: 'draft',
      });
      assert.equal(changed, false, status);
    }
    assert.equal(await policyRepo.deleteDraft(t.ctx.db, before.id), false);
    assert.deepEqual(await policyRepo.findVersion(t.ctx.db, 2), before);

    // A new draft starts from it, as version 3, and leaves it alone.
    const started = await adoption.send('POST', '/api/v1/policy/draft');
    assert.equal(started.statusCode, 201);
    assert.equal(started.json<VersionView>().version, 3);
    assert.equal(started.json<VersionView>().basedOnVersion, 2);
    assert.deepEqual(started.json<VersionView>().pack, strongerPack());
    assert.equal(
      (await adoption.send('PUT', '/api/v1/policy/draft/pack', DEFAULT_POLICY_PACK)).statusCode,
      200,
    );
    assert.deepEqual(await policyRepo.findVersion(t.ctx.db, 2), before);
  });

  it('checks the pack again at publication: an approved pack that allows a class nowhere is refused', async () => {
    assert.equal((await adoption.send('POST', '/api/v1/policy/draft/propose')).statusCode, 200);
    assert.equal((await dg.send('POST', '/api/v1/policy/draft/approve')).statusCode, 200);
    // The approved row is changed behind the workflow's back (as a bad migration or a hand edit
    // might); publication must not trust the earlier checks.
    const pack = copy(DEFAULT_POLICY_PACK);
    pack.rules = pack.rules.map((rule) =>
      rule.classCode === 'sensitive' ? { ...rule, customerDataIn: [] } : rule,
    );
    await t.ctx.db
      .updateTable('policy_versions')
      .set({ pack: JSON.stringify(pack) })
      .where('version', '=', 3)
      .execute();
    const refused = await dg.send('POST', '/api/v1/policy/draft/publish');
    assert.equal(refused.statusCode, 422, refused.body);
    const problem = refused.json<Problem & Record<string, unknown>>();
    assert.match(problem.detail, /cannot be published/);
    const issue = issuesOf(problem).find((i) => i.pointer === '/rules/3/customerDataIn');
    assert.match(issue?.message ?? '', /"sensitive" allows customer data in no country/);
    const row = await policyRepo.findVersion(t.ctx.db, 3);
    assert.ok(row);
    assert.equal(row.status, 'approved');
    assert.equal(row.published_at, null);
    assert.equal(
      (await t.app.inject({ method: 'GET', url: '/api/v1/policy' })).json<VersionView>().version,
      2,
    );

    // Returned and discarded, the draft is gone and the trail says so.
    assert.equal(
      (await dg.send('POST', '/api/v1/policy/draft/return', { reason: 'broken' })).statusCode,
      200,
    );
    assert.equal((await infrastructure.send('DELETE', '/api/v1/policy/draft')).statusCode, 403);
    assert.equal((await adoption.send('DELETE', '/api/v1/policy/draft')).statusCode, 204);
    assert.equal(await policyRepo.findVersion(t.ctx.db, 3), undefined);
    const discarded = await t.ctx.db
      .selectFrom('audit_events')
      .select('actor_position')
      .where('action', '=', 'policy.draft_discard')
      .execute();
    assert.deepEqual(discarded, [{ actor_position: 'Director Cloud Adoption' }]);
  });

  it('gives the new powers to the posts of an installation set up before them, keeping its edits', async () => {
    const ctx = await AppContext.create(testConfig(await database.another(), database.dataDir));
    try {
      const migrator = new Migrator({
        db: ctx.db,
        provider: { getMigrations: () => Promise.resolve({ ...migrations }) },
      });
      const before = await migrator.migrateTo('0011_register_indexes');
      assert.equal(before.error, undefined);
      await setUpOffice(ctx);
      // As the office stood before 0012: no policy powers, and one post edited by the office.
      for (const row of await ctx.db
        .selectFrom('positions')
        .select(['id', 'code', 'powers'])
        .execute()) {
        const powers = (JSON.parse(row.powers) as string[]).filter(
          (p) =>
            !['propose_policy', 'approve_policy'].includes(p) &&
            !(row.code === 'director_cloud_adoption' && p === 'manage_users'),
        );
        await ctx.db
          .updateTable('positions')
          .set({ powers: JSON.stringify(powers) })
          .where('id', '=', row.id)
          .execute();
      }
      assert.deepEqual(await migrateToLatest(ctx.db), [
        '0012_placement',
        ...Object.keys(migrations).filter((m) => m > '0012_placement'),
      ]);
      const rows = await ctx.db.selectFrom('positions').select(['code', 'powers']).execute();
      const powers = new Map(rows.map((r) => [r.code, JSON.parse(r.powers) as string[]]));
      assert.ok(powers.get('dg_cloud')?.includes('propose_policy'));
      assert.ok(powers.get('dg_cloud')?.includes('approve_policy'));
      assert.ok(powers.get('director_cloud_adoption')?.includes('propose_policy'));
      assert.ok(!powers.get('director_cloud_adoption')?.includes('approve_policy'));
      assert.ok(!powers.get('director_cloud_adoption')?.includes('manage_users'), 'the edit stays');
      assert.ok(!powers.get('director_infrastructure_operations')?.includes('propose_policy'));
    } finally {
      await ctx.close();
    }
  });

  it('is published as version 1 when the server starts, after the levels it names', async () => {
    const server = await startServer(testConfig(await database.another(), database.dataDir));
    try {
      const response = await fetch(`${server.url}/api/v1/policy`);
      assert.equal(response.status, 200);
      const view = (await response.json()) as VersionView;
      assert.equal(view.version, 1);
      assert.deepEqual(view.pack, DEFAULT_POLICY_PACK);
      const levels = await server.ctx.db.selectFrom('security_levels').select('code').execute();
      assert.equal(levels.length, 4);
    } finally {
      await server.stop();
    }
  });
});
