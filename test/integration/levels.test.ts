import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { stringify as stringifyYaml } from 'yaml';
import { ManualClock } from '../../src/clock.js';
import { importCatalog } from '../../src/features/catalogs/service.js';
import * as repo from '../../src/features/levels/repo.js';
import { CONTENT_DIR, seedDefaultContent } from '../../src/features/levels/seed.js';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { describeEachDatabase, TestDatabase } from '../helpers/databases.js';
import {
  appoint,
  buildOrganization,
  buildUser,
  setUpOffice,
  signInAs,
  type Client,
} from '../helpers/factories.js';
import { LEVEL_PROFILES, NIST_RESOURCE, writeLevelContent } from '../helpers/level-content.js';
import { officialSchemaErrors } from '../helpers/oscal-schema.js';
import { NIST_REV5_CATALOG, SHARED_DATA_MISSING } from '../helpers/shared-data.js';

interface Problem {
  code: string;
  detail: string;
  errors?: { in: string; pointer: string; message: string }[];
}
interface VersionView {
  version: number;
  status: string;
  title: string;
  basedOnVersion: number | null;
  proposed: { at: string; position: string | null } | null;
  approved: { at: string; position: string | null } | null;
  published: { at: string; position: string | null } | null;
  returned: { at: string; position: string | null; reason: string } | null;
  pending: { href: string; controlIds: string[] }[];
  groups: {
    id: string | null;
    title: string;
    controls: {
      id: string;
      statement: string;
      parameters: { id: string; value: string | null }[];
    }[];
  }[];
  problems: { pointer: string; message: string }[];
  controlCount: number;
}
interface Diff {
  added: { id: string }[];
  removed: { id: string }[];
  changed: { id: string; parameters: { paramId: string; before: string; after: string }[] }[];
  pendingAdded: string[];
  pendingRemoved: string[];
}

const controlIds = (view: VersionView) => view.groups.flatMap((g) => g.controls.map((c) => c.id));
const paramValue = (view: VersionView, id: string) =>
  view.groups.flatMap((g) => g.controls.flatMap((c) => c.parameters)).find((p) => p.id === id)
    ?.value;

/** Puts NIST's SP 800-53 catalog into the library, as the system would. */
async function importNistCatalog(t: TestApp): Promise<void> {
  await importCatalog(
    t.ctx,
    {
      fileName: 'NIST_SP-800-53_rev5_catalog.json',
      text: fs.readFileSync(NIST_REV5_CATALOG, 'utf8'),
    },
    { actor: null, requestId: null },
  );
}

/** Asserts that a level version's two OSCAL downloads pass the official schemas. */
async function assertValidExports(t: TestApp, code: string, version = 1): Promise<void> {
  for (const file of ['profile.json', 'catalog.json']) {
    const response = await t.app.inject({
      method: 'GET',
      url: `/api/v1/levels/${code}/versions/${String(version)}/${file}`,
    });
    assert.deepEqual(officialSchemaErrors(response.json()), [], `${code} ${file}`);
  }
}

/** Runs `body` against an app on a fresh SQLite database, for tests of content, not storage. */
async function onFreshSqlite(body: (t: TestApp) => Promise<void>): Promise<void> {
  const database = new TestDatabase('sqlite');
  await database.create();
  const t = await createTestApp(database);
  try {
    await body(t);
  } finally {
    await t.close();
    await database.drop();
  }
}

/** The problem document's list of issues, under whichever name the handler gives it. */
function issuesOf(body: Problem & Record<string, unknown>): { pointer: string; message: string }[] {
  const list = body.errors ?? body.issues;
  return Array.isArray(list) ? (list as { pointer: string; message: string }[]) : [];
}

describeEachDatabase('security levels', (database) => {
  let t: TestApp;
  let dg: Client;
  let director: Client;
  let officeId = '';
  const clock = new ManualClock('2026-06-01T08:00:00Z');
  let contentDir = '';

  before(async () => {
    t = await createTestApp(database, { overrides: { clock } });
    officeId = (await setUpOffice(t.ctx)).organizationId;
    dg = await signInAs(t.app, 'dg@office.example');
    const user = await buildUser(t.ctx, officeId, 'officer', 'director.io@office.example');
    await appoint(t.ctx, user.id, 'director_infrastructure_operations', '2026-01-01');
    director = await signInAs(t.app, user.email);
    contentDir = writeLevelContent(path.join(database.dataDir, 'content'));
  });
  after(() => t.close());

  it('seeds the local catalog and the four levels as version 1, by the system, once even when run at once', async () => {
    const reports = await Promise.all([
      seedDefaultContent(t.ctx, { contentDir }),
      seedDefaultContent(t.ctx, { contentDir }),
    ]);
    assert.deepEqual(reports.flatMap((r) => r.published).sort(), [
      'baseline',
      'enhanced',
      'intermediate',
      'maximum',
    ]);
    const again = await seedDefaultContent(t.ctx, { contentDir });
    assert.deepEqual(again, { catalogImported: false, published: [] });
    const catalogs = await t.ctx.db.selectFrom('catalogs').select('source_name').execute();
    assert.deepEqual(
      catalogs.map((c) => c.source_name),
      ['cloud-office-catalog.json'],
    );
    const versions = await t.ctx.db.selectFrom('security_level_versions').selectAll().execute();
    assert.equal(versions.length, 4);
    assert.ok(versions.every((v) => v.status === 'published' && v.version === 1));
    const events = await t.ctx.db
      .selectFrom('audit_events')
      .selectAll()
      .where('action', '=', 'security_level.publish')
      .execute();
    assert.equal(events.length, 4);
    for (const event of events) {
      assert.equal(event.actor_user_id, null);
      assert.match(event.summary, /published by the system/);
    }
  });

  it('shows published levels to everyone without sign-in, with controls, values and pending NIST ids', async () => {
    const list = await t.app.inject({ method: 'GET', url: '/api/v1/levels' });
    assert.equal(list.statusCode, 200, list.body);
    assert.deepEqual(
      list
        .json<{ items: { code: string; rank: number; latestVersion: number }[] }>()
        .items.map((l) => [l.code, l.rank, l.latestVersion]),
      [
        ['baseline', 1, 1],
        ['intermediate', 2, 1],
        ['enhanced', 3, 1],
        ['maximum', 4, 1],
      ],
    );
    const level = await t.app.inject({ method: 'GET', url: '/api/v1/levels/enhanced' });
    assert.equal(level.statusCode, 200);
    assert.equal(level.json<{ versions: unknown[] }>().versions.length, 1);

    const response = await t.app.inject({
      method: 'GET',
      url: '/api/v1/levels/enhanced/versions/1',
    });
    assert.equal(response.statusCode, 200, response.body);
    const view = response.json<VersionView>();
    assert.deepEqual(controlIds(view).sort(), ['co-br-1', 'co-br-2', 'co-dr-1', 'co-dr-2']);
    assert.equal(paramValue(view, 'co-br-1_prm_1'), '4');
    assert.deepEqual(
      view.groups.map((g) => g.title),
      ['Breach reporting', 'Data residency'],
    );
    const notice = view.groups[0]?.controls.find((c) => c.id === 'co-br-1');
    assert.match(notice?.statement ?? '', /within 4 hours of discovery/);
    assert.equal(view.published?.position, 'System (default content of a new installation)');
    // Without the NIST catalog in the library the level still works and lists what is pending.
    assert.deepEqual(
      view.pending.map((p) => [p.href, p.controlIds.sort()]),
      [['NIST_SP-800-53_rev5_catalog.json', ['ac-1', 'ac-2', 'ac-3', 'ac-4']]],
    );
    assert.equal(
      (await t.app.inject({ method: 'GET', url: '/api/v1/levels/enhanced/versions/9' })).statusCode,
      404,
    );
    assert.equal(
      (await t.app.inject({ method: 'GET', url: '/api/v1/levels/nonesuch' })).statusCode,
      404,
    );
  });

  it('downloads a published version as an OSCAL profile pinned to the level below, and as a resolved catalog', async () => {
    const profile = await t.app.inject({
      method: 'GET',
      url: '/api/v1/levels/intermediate/versions/1/profile.json',
    });
    assert.equal(profile.statusCode, 200);
    assert.match(profile.headers['content-disposition'] as string, /attachment/);
    const document = profile.json<{
      profile: { imports: { href: string }[]; metadata: { version: string } };
    }>();
    assert.equal(
      document.profile.imports[0]?.href,
      '/api/v1/levels/baseline/versions/1/profile.json',
    );
    assert.equal(document.profile.metadata.version, '1');
    const catalog = await t.app.inject({
      method: 'GET',
      url: '/api/v1/levels/intermediate/versions/1/catalog.json',
    });
    assert.equal(catalog.statusCode, 200);
    const resolved = catalog.json<{ catalog: { groups: unknown[] } }>();
    assert.ok(resolved.catalog.groups.length > 0);
    if (!SHARED_DATA_MISSING) {
      assert.deepEqual(officialSchemaErrors(document), []);
      assert.deepEqual(officialSchemaErrors(resolved), []);
    }
  });

  it('lets only the holder of the proposing power on the day start a draft', async () => {
    const anonymous = await t.app.inject({ method: 'POST', url: '/api/v1/levels/baseline/draft' });
    assert.equal(anonymous.statusCode, 401);
    const joint = await buildUser(t.ctx, officeId, 'officer');
    await appoint(t.ctx, joint.id, 'joint_director_audits', '2026-01-01');
    const jointClient = await signInAs(t.app, joint.email);
    assert.equal((await jointClient.send('POST', '/api/v1/levels/baseline/draft')).statusCode, 403);
    const former = await buildUser(t.ctx, officeId, 'officer');
    await appoint(
      t.ctx,
      former.id,
      'director_infrastructure_operations',
      '2025-01-01',
      '2025-12-31',
      true,
    );
    const formerClient = await signInAs(t.app, former.email);
    assert.equal(
      (await formerClient.send('POST', '/api/v1/levels/baseline/draft')).statusCode,
      403,
    );
    const csp = await buildOrganization(t.ctx, 'csp');
    const cspClient = await signInAs(t.app, (await buildUser(t.ctx, csp, 'csp_admin')).email);
    assert.equal((await cspClient.send('POST', '/api/v1/levels/baseline/draft')).statusCode, 403);
    // Officers without the power may read drafts; nobody outside the office may.
    assert.equal((await cspClient.get('/api/v1/level-drafts')).statusCode, 403);
    assert.equal(
      (await t.app.inject({ method: 'GET', url: '/api/v1/levels/baseline/draft' })).statusCode,
      401,
    );
  });

  it('runs a draft through propose, return with a reason, approve and publish, recording who and under which post', async () => {
    const started = await director.send('POST', '/api/v1/levels/intermediate/draft');
    assert.equal(started.statusCode, 201, started.body);
    const draft = started.json<VersionView>();
    assert.equal(draft.version, 2);
    assert.equal(draft.basedOnVersion, 1);
    assert.equal(draft.status, 'draft');
    // The draft follows the latest published level below, not the pinned address.
    const stored = await director.get('/api/v1/levels/intermediate/draft/profile.json');
    assert.equal(
      stored.json<{ profile: { imports: { href: string }[] } }>().profile.imports[0]?.href,
      'level-baseline.json',
    );

    const second = await director.send('POST', '/api/v1/levels/intermediate/draft');
    assert.equal(second.statusCode, 409);
    assert.equal(second.json<Problem>().code, 'open_draft_exists');

    const edited = await director.send('PATCH', '/api/v1/levels/intermediate/draft', {
      setParameters: [{ paramId: 'co-br-1_prm_1', values: ['6'] }],
      addControls: { href: 'cloud-office-catalog.json', ids: ['co-dr-2'] },
      title: 'Intermediate (2026 revision)',
    });
    assert.equal(edited.statusCode, 200, edited.body);
    const editedView = edited.json<VersionView>();
    assert.equal(paramValue(editedView, 'co-br-1_prm_1'), '6');
    assert.ok(controlIds(editedView).includes('co-dr-2'));
    assert.equal(editedView.title, 'Intermediate (2026 revision)');
    assert.deepEqual(editedView.problems, []);

    const draftDiff = await director.get('/api/v1/levels/intermediate/draft/diff');
    assert.equal(draftDiff.statusCode, 200, draftDiff.body);
    assert.deepEqual(
      draftDiff.json<Diff>().added.map((c) => c.id),
      ['co-dr-2'],
    );

    // The director may not approve; the DG may not approve what is not proposed.
    assert.equal(
      (await director.send('POST', '/api/v1/levels/intermediate/draft/approve')).statusCode,
      403,
    );
    const early = await dg.send('POST', '/api/v1/levels/intermediate/draft/publish');
    assert.equal(early.statusCode, 409);

    const proposed = await director.send('POST', '/api/v1/levels/intermediate/draft/propose');
    assert.equal(proposed.statusCode, 200, proposed.body);
    assert.equal(
      proposed.json<VersionView>().proposed?.position,
      'Director Infrastructure & Operations',
    );
    // Proposed drafts cannot be edited.
    const locked = await director.send('PATCH', '/api/v1/levels/intermediate/draft', {
      title: 'x',
    });
    assert.equal(locked.statusCode, 409);

    const noReason = await dg.send('POST', '/api/v1/levels/intermediate/draft/return', {});
    assert.equal(noReason.statusCode, 400);
    const returned = await dg.send('POST', '/api/v1/levels/intermediate/draft/return', {
      reason: 'Six hours is too long for Restricted data; make it four.',
    });
    assert.equal(returned.statusCode, 200, returned.body);
    const returnedView = returned.json<VersionView>();
    assert.equal(returnedView.status, 'draft');
    assert.equal(
      returnedView.returned?.reason,
      'Six hours is too long for Restricted data; make it four.',
    );
    assert.equal(returnedView.returned.position, 'DG Cloud');

    assert.equal(
      (
        await director.send('PATCH', '/api/v1/levels/intermediate/draft', {
          setParameters: [{ paramId: 'co-br-1_prm_1', values: ['4'] }],
        })
      ).statusCode,
      200,
    );
    assert.equal(
      (await director.send('POST', '/api/v1/levels/intermediate/draft/propose')).statusCode,
      200,
    );
    clock.advance(60_000);
    const approved = await dg.send('POST', '/api/v1/levels/intermediate/draft/approve');
    assert.equal(approved.statusCode, 200, approved.body);
    assert.equal(approved.json<VersionView>().approved?.position, 'DG Cloud');
    const published = await dg.send('POST', '/api/v1/levels/intermediate/draft/publish');
    assert.equal(published.statusCode, 200, published.body);
    const publishedView = published.json<VersionView>();
    assert.equal(publishedView.status, 'published');
    assert.equal(publishedView.published?.position, 'DG Cloud');
    assert.equal(publishedView.published.at, clock.now().toISOString());

    const events = await t.ctx.db
      .selectFrom('audit_events')
      .select(['action', 'actor_position', 'actor_email'])
      .where('action', 'like', 'security_level.%')
      .where('outcome', '=', 'success')
      .where('actor_user_id', 'is not', null)
      .orderBy('seq')
      .execute();
    assert.deepEqual(
      events.map((e) => [e.action, e.actor_position]),
      [
        ['security_level.draft_start', 'Director Infrastructure & Operations'],
        ['security_level.draft_edit', 'Director Infrastructure & Operations'],
        ['security_level.propose', 'Director Infrastructure & Operations'],
        ['security_level.return', 'DG Cloud'],
        ['security_level.draft_edit', 'Director Infrastructure & Operations'],
        ['security_level.propose', 'Director Infrastructure & Operations'],
        ['security_level.approve', 'DG Cloud'],
        ['security_level.publish', 'DG Cloud'],
      ],
    );

    const publicView = await t.app.inject({
      method: 'GET',
      url: '/api/v1/levels/intermediate/versions/2',
    });
    assert.equal(publicView.statusCode, 200);
    assert.equal(paramValue(publicView.json<VersionView>(), 'co-br-1_prm_1'), '4');

    const diff = await t.app.inject({
      method: 'GET',
      url: '/api/v1/level-diff?from=intermediate@1&to=intermediate@2',
    });
    assert.equal(diff.statusCode, 200, diff.body);
    const body = diff.json<Diff>();
    assert.deepEqual(
      body.added.map((c) => c.id),
      ['co-dr-2'],
    );
    assert.deepEqual(body.removed, []);
    assert.deepEqual(
      body.changed.map((c) => [c.id, c.parameters]),
      [['co-br-1', [{ paramId: 'co-br-1_prm_1', before: '12', after: '4' }]]],
    );
    const badRef = await t.app.inject({
      method: 'GET',
      url: '/api/v1/level-diff?from=intermediate&to=x@@1',
    });
    assert.equal(badRef.statusCode, 400);
  });

  it('never changes a published version, and keeps levels above pinned to what they were published on', async () => {
    const level = await repo.findLevelByCode(t.ctx.db, 'intermediate');
    assert.ok(level);
    const row = await repo.findVersion(t.ctx.db, level.id, 2);
    assert.ok(row);
    const changed = await repo.updateOpenVersion(t.ctx.db, row.id, 'published', { profile: '{}' });
    assert.equal(changed, false);
    const again = await repo.findVersion(t.ctx.db, level.id, 2);
    assert.deepEqual(again, row);
    const put = await director.send(
      'PUT',
      '/api/v1/levels/intermediate/draft/profile',
      LEVEL_PROFILES.intermediate,
    );
    assert.equal(put.statusCode, 404);
    assert.equal(put.json<Problem>().code, 'no_open_draft');

    // Enhanced 1 still shows intermediate 1's value; a new draft of enhanced builds on intermediate 2.
    const enhancedProfile = await t.app.inject({
      method: 'GET',
      url: '/api/v1/levels/enhanced/versions/1/profile.json',
    });
    assert.equal(
      enhancedProfile.json<{ profile: { imports: { href: string }[] } }>().profile.imports[0]?.href,
      '/api/v1/levels/intermediate/versions/1/profile.json',
    );
    // Two officers starting a draft of one level at the same moment: one draft, one refusal.
    const raced = await Promise.all([
      director.send('POST', '/api/v1/levels/maximum/draft'),
      dg.send('POST', '/api/v1/levels/maximum/draft'),
    ]);
    assert.deepEqual(raced.map((r) => r.statusCode).sort(), [201, 409]);
    const level2 = await repo.findLevelByCode(t.ctx.db, 'maximum');
    assert.ok(level2);
    const open = await t.ctx.db
      .selectFrom('security_level_versions')
      .select('id')
      .where('level_id', '=', level2.id)
      .where('status', '!=', 'published')
      .execute();
    assert.equal(open.length, 1);
    assert.equal((await director.send('DELETE', '/api/v1/levels/maximum/draft')).statusCode, 204);
  });

  it('refuses to propose a draft that does not resolve, saying what and where, and changes nothing', async () => {
    assert.equal((await director.send('POST', '/api/v1/levels/baseline/draft')).statusCode, 201);
    // A whole OSCAL document, as OSCAL tools write it (with "$schema"), replaces the draft.
    const whole = await director.send('PUT', '/api/v1/levels/baseline/draft/profile', {
      $schema:
        'https://raw.githubusercontent.com/usnistgov/OSCAL/v1.1.2/json/schema/oscal_profile_schema.json',
      ...(LEVEL_PROFILES.baseline as object),
    });
    assert.equal(whole.statusCode, 200, whole.body);
    assert.deepEqual(whole.json<VersionView>().problems, []);
    const base = structuredClone(LEVEL_PROFILES.baseline) as {
      profile: {
        imports: { href: string; 'include-controls'?: { 'with-ids': string[] }[] }[];
        modify: { 'set-parameters': { 'param-id': string; values: string[] }[] };
      };
    };
    const cases: {
      name: string;
      change: (p: typeof base) => void;
      pointer: string;
      text: RegExp;
    }[] = [
      {
        name: 'unknown control id',
        change: (p) => {
          p.profile.imports[0]?.['include-controls']?.[0]?.['with-ids'].push('co-zz-9');
        },
        pointer: '/profile/imports/0/include-controls/0/with-ids/2',
        text: /co-zz-9/,
      },
      {
        name: 'parameter not in the catalog',
        change: (p) => {
          p.profile.modify['set-parameters'].push({ 'param-id': 'co-zz-9_prm_1', values: ['1'] });
        },
        pointer: '/profile/modify/set-parameters/1/param-id',
        text: /co-zz-9_prm_1/,
      },
      {
        name: 'dangling import',
        change: (p) => {
          p.profile.imports.push({
            href: 'level-nonesuch.json',
            'include-controls': [{ 'with-ids': ['x'] }],
          });
        },
        pointer: '/profile/imports/2/href',
        text: /level-nonesuch\.json/,
      },
    ];
    for (const c of cases) {
      const document = structuredClone(base);
      c.change(document);
      const put = await director.send('PUT', '/api/v1/levels/baseline/draft/profile', document);
      assert.equal(put.statusCode, 200, `${c.name}: ${put.body}`);
      const view = put.json<VersionView>();
      assert.ok(
        view.problems.some((p) => p.pointer === c.pointer),
        `${c.name}: ${JSON.stringify(view.problems)}`,
      );
      const level = await repo.findLevelByCode(t.ctx.db, 'baseline');
      const before = level && (await repo.findOpenVersion(t.ctx.db, level.id));
      const eventsBefore = await t.ctx.db.selectFrom('audit_events').select('seq').execute();
      const refused = await director.send('POST', '/api/v1/levels/baseline/draft/propose');
      assert.equal(refused.statusCode, 422, c.name);
      const problem = refused.json<Problem & Record<string, unknown>>();
      assert.equal(problem.code, 'level_does_not_resolve');
      assert.match(problem.detail, c.text);
      assert.ok(problem.detail.includes(c.pointer), problem.detail);
      assert.ok(issuesOf(problem).some((i) => i.pointer === c.pointer));
      const after = level && (await repo.findOpenVersion(t.ctx.db, level.id));
      assert.deepEqual(after, before, `${c.name}: the draft changed`);
      const eventsAfter = await t.ctx.db.selectFrom('audit_events').select('seq').execute();
      assert.equal(eventsAfter.length, eventsBefore.length, `${c.name}: an event was recorded`);
    }

    const level = await repo.findLevelByCode(t.ctx.db, 'baseline');
    const stored = level && (await repo.findOpenVersion(t.ctx.db, level.id));
    for (const bad of [
      { profile: { uuid: 'not a document' } },
      structuredClone(LEVEL_PROFILES.baseline) as Record<string, unknown>,
    ]) {
      if (
        'profile' in bad &&
        typeof bad.profile === 'object' &&
        bad.profile &&
        'imports' in bad.profile
      ) {
        // A catalog where a profile belongs.
        delete (bad as { profile?: unknown }).profile;
        bad.catalog = { uuid: NIST_RESOURCE };
      }
      const put = await director.send('PUT', '/api/v1/levels/baseline/draft/profile', bad);
      assert.ok([400, 422].includes(put.statusCode), put.body);
    }
    assert.deepEqual(level && (await repo.findOpenVersion(t.ctx.db, level.id)), stored);
    assert.equal((await director.send('DELETE', '/api/v1/levels/baseline/draft')).statusCode, 204);
  });

  it('refuses to propose a level that would hold a control twice, e.g. one the level below already has', async () => {
    assert.equal(
      (await director.send('POST', '/api/v1/levels/intermediate/draft')).statusCode,
      201,
    );
    const document = structuredClone(LEVEL_PROFILES.intermediate) as {
      profile: { imports: { 'include-controls'?: { 'with-ids': string[] }[] }[] };
    };
    // co-br-1 is already in Baseline, which Intermediate imports whole.
    document.profile.imports[1]?.['include-controls']?.[0]?.['with-ids'].push('co-br-1');
    const put = await director.send('PUT', '/api/v1/levels/intermediate/draft/profile', document);
    assert.equal(put.statusCode, 200, put.body);
    const problems = put.json<VersionView>().problems;
    assert.ok(
      problems.some((p) => /co-br-1/.test(p.message) && /unique/.test(p.message)),
      JSON.stringify(problems),
    );
    const refused = await director.send('POST', '/api/v1/levels/intermediate/draft/propose');
    assert.equal(refused.statusCode, 422, refused.body);
    assert.equal(refused.json<Problem>().code, 'level_does_not_resolve');
    assert.equal(
      (await director.send('DELETE', '/api/v1/levels/intermediate/draft')).statusCode,
      204,
    );
  });

  it('replaces a draft from a YAML or JSON file, refusing a broken file by line with the draft unchanged', async () => {
    assert.equal((await director.send('POST', '/api/v1/levels/baseline/draft')).statusCode, 201);
    const document = structuredClone(LEVEL_PROFILES.baseline) as {
      profile: { metadata: { title: string } };
    };
    document.profile.metadata.title = 'Baseline, from a YAML file';
    const put = await director.send('PUT', '/api/v1/levels/baseline/draft/profile-file', {
      fileName: 'baseline.yaml',
      content: stringifyYaml(document),
    });
    assert.equal(put.statusCode, 200, put.body);
    assert.deepEqual(put.json<VersionView>().problems, []);
    const stored = await director.get('/api/v1/levels/baseline/draft/profile.json');
    assert.equal(stored.statusCode, 200, stored.body);
    // As sent, apart from last-modified, which saving a draft sets.
    const saved = stored.json<
      typeof document & { profile: { metadata: Record<string, unknown> } }
    >();
    assert.deepEqual(
      { ...saved.profile, metadata: { ...saved.profile.metadata, 'last-modified': undefined } },
      {
        ...document.profile,
        metadata: { ...document.profile.metadata, 'last-modified': undefined },
      },
    );

    const broken = await director.send('PUT', '/api/v1/levels/baseline/draft/profile-file', {
      fileName: 'baseline.yaml',
      content: 'profile:\n  uuid: a\n  uuid: b\n',
    });
    assert.equal(broken.statusCode, 422, broken.body);
    const problem = broken.json<Problem>();
    assert.equal(problem.code, 'invalid_oscal');
    assert.match(problem.detail, /baseline\.yaml .*line 3/);
    assert.match(problem.detail, /The draft was not changed\./);
    const after = await director.get('/api/v1/levels/baseline/draft/profile.json');
    assert.deepEqual(after.json(), saved);
    assert.equal((await director.send('DELETE', '/api/v1/levels/baseline/draft')).statusCode, 204);
  });
});

describeEachDatabase('security levels with the NIST catalog in the library', (database) => {
  let t: TestApp;
  before(async () => {
    t = await createTestApp(database);
  });
  after(() => t.close());

  it(
    'resolves NIST controls instead of listing them as pending, and exports valid OSCAL',
    { skip: SHARED_DATA_MISSING },
    async () => {
      await importNistCatalog(t);
      await seedDefaultContent(t.ctx, {
        contentDir: writeLevelContent(path.join(database.dataDir, 'content')),
      });
      const view = (
        await t.app.inject({ method: 'GET', url: '/api/v1/levels/maximum/versions/1' })
      ).json<VersionView>();
      assert.deepEqual(view.pending, []);
      for (const id of ['ac-1', 'ac-2', 'ac-3', 'ac-4', 'ac-5', 'co-br-1']) {
        assert.ok(controlIds(view).includes(id), id);
      }
      await assertValidExports(t, 'maximum');
    },
  );
});

describe('the shipped default content', () => {
  it(
    'resolves against the NIST catalog with nothing pending, and exports valid OSCAL',
    {
      skip:
        SHARED_DATA_MISSING ||
        (fs.existsSync(path.join(CONTENT_DIR, 'level-maximum.json'))
          ? false
          : `no shipped content at ${CONTENT_DIR} yet`),
    },
    async () => {
      await onFreshSqlite(async (t) => {
        await importNistCatalog(t);
        await seedDefaultContent(t.ctx);
        let previous = 0;
        for (const code of ['baseline', 'intermediate', 'enhanced', 'maximum']) {
          const view = (
            await t.app.inject({ method: 'GET', url: `/api/v1/levels/${code}/versions/1` })
          ).json<VersionView>();
          assert.deepEqual(view.pending, [], code);
          // Each level includes the one below it, so each has more controls.
          assert.ok(view.controlCount > previous, `${code}: ${view.controlCount} controls`);
          previous = view.controlCount;
          await assertValidExports(t, code);
        }
      });
    },
  );

  it(
    'resolves, on a fresh database, into four published levels whose exports are valid OSCAL',
    {
      skip: fs.existsSync(path.join(CONTENT_DIR, 'level-maximum.json'))
        ? false
        : `no shipped content at ${CONTENT_DIR} yet`,
    },
    async () => {
      // Runs once, on SQLite: the content, not the database, is under test here.
      await onFreshSqlite(async (t) => {
        const report = await seedDefaultContent(t.ctx);
        assert.equal(report.published.length, 4);
        for (const code of ['baseline', 'intermediate', 'enhanced', 'maximum']) {
          const view = await t.app.inject({
            method: 'GET',
            url: `/api/v1/levels/${code}/versions/1`,
          });
          assert.equal(view.statusCode, 200, view.body);
          assert.ok(view.json<VersionView>().controlCount > 0, code);
          if (!SHARED_DATA_MISSING) await assertValidExports(t, code);
        }
      });
    },
  );
});
