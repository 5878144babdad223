import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, it } from 'node:test';
import { stringify as toYaml } from 'yaml';
import { ManualClock } from '../../src/clock.js';
import { importCatalog } from '../../src/features/catalogs/service.js';
import { librarySource } from '../../src/features/catalogs/source.js';
import { actorForUser } from '../../src/features/identity/service.js';
import { AppError } from '../../src/errors.js';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { describeEachDatabase } from '../helpers/databases.js';
import {
  appoint,
  buildOrganization,
  buildUser,
  setUpOffice,
  signInAs,
  type Client,
} from '../helpers/factories.js';
import { NIST_REV5_CATALOG, NIST_REV5_DIR, SHARED_DATA_MISSING } from '../helpers/shared-data.js';
import { parseOscal } from '../../src/oscal/document.js';
import { resolveProfile } from '../../src/oscal/resolve/index.js';
import { countControls } from '../../src/oscal/walk.js';
import { sampleCatalog, SAMPLE_CONTROL_COUNT } from './catalog-sample.js';

interface Problem {
  code: string;
  detail: string;
  errors?: { in: string; pointer: string; message: string }[];
}
interface Catalog {
  id: string;
  uuid: string;
  title: string;
  version: string;
  sourceName: string;
  controlCount: number;
  withdrawnCount: number;
  familyCount: number;
  importedBy: { userId: string; email: string | null } | null;
}
interface ControlSummary {
  id: string;
  parentId: string | null;
  label: string | null;
  title: string;
  familyId: string | null;
  withdrawn: boolean;
  depth: number;
}
interface Segment {
  text: string;
  param?: { id: string; kind: string };
}
interface RenderedPart {
  name: string;
  label: string | null;
  prose: Segment[];
  parts: RenderedPart[];
}
interface ControlDetail {
  control: ControlSummary;
  params: { id: string; label: string | null; values: string[]; select: unknown }[];
  parts: RenderedPart[];
  parent: ControlSummary | null;
  enhancements: ControlSummary[];
  groupPath: { id: string | null; title: string }[];
}
interface Page<T> {
  items: T[];
  total: number;
}

const text = (segments: Segment[]) => segments.map((s) => s.text).join('');

describeEachDatabase('the catalog library', (database) => {
  let t: TestApp;
  let dg: Client;
  let auditor: Client;
  let csp: Client;
  let auditorId = '';
  let sampleId = '';
  const clock = new ManualClock('2026-06-01T08:00:00Z');

  // The clock stands still otherwise; "latest import" must be well defined.
  const importFile = (client: Client, fileName: string, content: string) => {
    clock.advance(60_000);
    return client.send('POST', '/api/v1/catalogs', { fileName, content });
  };
  const counts = async () => ({
    catalogs: (
      await t.ctx.db
        .selectFrom('catalogs')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow()
    ).n,
    controls: (
      await t.ctx.db
        .selectFrom('catalog_controls')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow()
    ).n,
  });
  const auditEvents = (action: string) =>
    t.ctx.db
      .selectFrom('audit_events')
      .selectAll()
      .where('action', '=', action)
      .orderBy('seq')
      .execute();

  before(async () => {
    t = await createTestApp(database, { overrides: { clock } });
    const office = await setUpOffice(t.ctx);
    dg = await signInAs(t.app, office.email);
    const officer = await buildUser(t.ctx, office.organizationId, 'officer');
    await appoint(t.ctx, officer.id, 'director_audits', '2026-01-01');
    auditor = await signInAs(t.app, officer.email);
    auditorId = officer.id;
    const cspUser = await buildUser(t.ctx, await buildOrganization(t.ctx, 'csp'), 'csp_admin');
    csp = await signInAs(t.app, cspUser.email);
  });
  after(() => t.close());

  it('imports a hand-made catalog as the manage_catalogs holder, audited with its importer', async () => {
    const response = await importFile(dg, 'sample.json', JSON.stringify(sampleCatalog()));
    assert.equal(response.statusCode, 201, response.body);
    const created = response.json<Catalog>();
    sampleId = created.id;
    assert.equal(created.title, 'Sample Office Controls');
    assert.equal(created.sourceName, 'sample.json');
    assert.equal(created.controlCount, SAMPLE_CONTROL_COUNT);
    assert.equal(created.withdrawnCount, 1);
    assert.equal(created.familyCount, 2);
    assert.equal(created.importedBy?.email, 'dg@office.example');
    const [event] = await auditEvents('catalog.import');
    assert.equal(event?.outcome, 'success');
    assert.equal(event.target_id, sampleId);
    assert.equal(event.actor_position, 'DG Cloud');
    assert.match(event.summary, /"controls":4/);
  });

  it('refuses the same uuid and version again with 409, naming what is there', async () => {
    const before = await counts();
    const again = await importFile(dg, 'copy.json', JSON.stringify(sampleCatalog()));
    assert.equal(again.statusCode, 409, again.body);
    const problem = again.json<Problem>();
    assert.equal(problem.code, 'catalog_exists');
    assert.match(
      problem.detail,
      new RegExp(
        `"Sample Office Controls" version 1\\.0 .* is already in the library as catalog ${sampleId}`,
      ),
    );
    assert.deepEqual(await counts(), before);
  });

  it('imports YAML, and another edition of the same catalog', async () => {
    const response = await importFile(dg, 'sample-v2.yaml', toYaml(sampleCatalog('2.0')));
    assert.equal(response.statusCode, 201, response.body);
    assert.equal(response.json<Catalog>().version, '2.0');
    assert.equal(response.json<Catalog>().controlCount, SAMPLE_CONTROL_COUNT);
  });

  it('refuses an invalid document with 422 listing pointers, and stores nothing', async () => {
    const before = await counts();
    const imports = (await auditEvents('catalog.import')).length;
    const broken = sampleCatalog('9.0') as unknown as {
      catalog: {
        metadata: Record<string, unknown>;
        groups: { controls: Record<string, unknown>[] }[];
      };
    };
    delete broken.catalog.metadata.title;
    const first = broken.catalog.groups[0]?.controls[0];
    assert.ok(first);
    delete first.title;
    const response = await importFile(dg, 'broken.json', JSON.stringify(broken));
    assert.equal(response.statusCode, 422, response.body);
    assert.match(String(response.headers['content-type']), /application\/problem\+json/);
    const problem = response.json<Problem>();
    assert.equal(problem.code, 'invalid_oscal');
    // One line for people; the problems themselves are listed apart, once.
    assert.equal(
      problem.detail,
      'broken.json is not a valid OSCAL catalog or profile: 2 problems. Nothing was stored.',
    );
    const pointers = (problem.errors ?? []).map((e) => e.pointer);
    assert.ok(
      pointers.some((p) => p.startsWith('/catalog/metadata')),
      `metadata named: ${pointers.join(', ')}`,
    );
    assert.ok(
      pointers.some((p) => p.startsWith('/catalog/groups/0/controls/0')),
      `control named: ${pointers.join(', ')}`,
    );
    assert.ok((problem.errors ?? []).every((e) => e.in === 'document'));

    const notJson = await importFile(dg, 'truncated.json', '{"catalog": {');
    assert.equal(notJson.statusCode, 422);
    assert.match(notJson.json<Problem>().detail, /truncated\.json is not valid JSON/);

    const profile = await importFile(
      dg,
      'profile.json',
      JSON.stringify({
        profile: {
          uuid: '9b0c3f3a-7b2d-4c6e-9a10-2f3b4c5d6e7f',
          metadata: {
            title: 'P',
            'last-modified': '2026-01-01T00:00:00Z',
            version: '1',
            'oscal-version': '1.1.2',
          },
          imports: [{ href: 'sample.json', 'include-all': {} }],
        },
      }),
    );
    assert.equal(profile.statusCode, 422, profile.body);
    assert.equal(profile.json<Problem>().code, 'not_a_catalog');

    const duplicateIds = sampleCatalog('9.1');
    const enc = duplicateIds.catalog.groups?.[1]?.controls?.[0];
    assert.ok(enc);
    enc.id = 'gov-1';
    const clash = await importFile(dg, 'clash.json', JSON.stringify(duplicateIds));
    assert.equal(clash.statusCode, 422, clash.body);
    assert.ok(
      (clash.json<Problem>().errors ?? []).some(
        (e) => e.pointer === '/catalog/groups/1/controls/0/id',
      ),
    );

    assert.deepEqual(await counts(), before);
    assert.equal((await auditEvents('catalog.import')).length, imports);
  });

  it('lists the library to anyone signed in, and to nobody else', async () => {
    const list = await csp.get('/api/v1/catalogs?sort=-imported_at');
    assert.equal(list.statusCode, 200, list.body);
    const page = list.json<Page<Catalog>>();
    assert.equal(page.total, 2);
    assert.deepEqual(
      page.items.map((c) => c.version),
      ['2.0', '1.0'],
    );
    const found = await csp.get('/api/v1/catalogs?q=office%20controls&limit=1&offset=1');
    assert.equal(found.json<Page<Catalog>>().total, 2);
    assert.equal(found.json<Page<Catalog>>().items.length, 1);
    const anonymous = await t.app.inject({ method: 'GET', url: '/api/v1/catalogs' });
    assert.equal(anonymous.statusCode, 401);
  });

  it('refuses import and deletion without the manage_catalogs power, audited', async () => {
    const before = await counts();
    for (const client of [auditor, csp]) {
      const response = await importFile(client, 'x.json', JSON.stringify(sampleCatalog('5.0')));
      assert.equal(response.statusCode, 403, response.body);
      const removal = await client.send('DELETE', `/api/v1/catalogs/${sampleId}`);
      assert.equal(removal.statusCode, 403, removal.body);
    }
    assert.deepEqual(await counts(), before);
    const denied = (await auditEvents('access.denied')).filter((e) =>
      (e.target_id ?? '').includes('/api/v1/catalogs'),
    );
    assert.equal(denied.length, 4);
    assert.match(denied[0]?.summary ?? '', /manage_catalogs/);
  });

  it('refuses, and audits, an import by an officer without the power outside HTTP (the shell)', async () => {
    const actor = await actorForUser(t.ctx, auditorId, {
      via: 'session',
      sessionId: null,
      secondFactorPassed: true,
    });
    assert.ok(actor);
    const before = await counts();
    await assert.rejects(
      importCatalog(
        t.ctx,
        { fileName: 'x.json', text: JSON.stringify(sampleCatalog('6.0')) },
        { actor, requestId: 'cli:test' },
      ),
      (error: unknown) =>
        error instanceof AppError && error.status === 403 && /manage_catalogs/.test(error.message),
    );
    assert.deepEqual(await counts(), before);
    const denied = (await auditEvents('catalog.import')).filter((e) => e.outcome === 'denied');
    assert.equal(denied.length, 1);
    assert.equal(denied[0]?.actor_user_id, auditorId);
    assert.equal(denied[0].request_id, 'cli:test');
  });

  it('shows a catalog by family, with counts, and browses a family in document order', async () => {
    const shown = await csp.get(`/api/v1/catalogs/${sampleId}`);
    assert.equal(shown.statusCode, 200, shown.body);
    const { families } = shown.json<{
      families: { id: string; title: string; controls: number; enhancements: number }[];
    }>();
    assert.deepEqual(families, [
      { id: 'gov', title: 'Governance', controls: 2, enhancements: 1, withdrawn: 1 },
      {
        id: 'enc',
        title: 'Encryption and Key Custody',
        controls: 1,
        enhancements: 0,
        withdrawn: 0,
      },
    ]);
    const gov = (await csp.get(`/api/v1/catalogs/${sampleId}/controls?family=gov`)).json<
      Page<ControlSummary>
    >();
    assert.deepEqual(
      gov.items.map((c) => [c.id, c.parentId, c.depth, c.withdrawn]),
      [
        ['gov-1', null, 0, false],
        ['gov-1.1', 'gov-1', 1, false],
        ['gov-2', null, 0, true],
      ],
    );
    const topLevel = (
      await csp.get(`/api/v1/catalogs/${sampleId}/controls?topLevel=true&withdrawn=false`)
    ).json<Page<ControlSummary>>();
    assert.deepEqual(
      topLevel.items.map((c) => c.id),
      ['gov-1', 'enc-1'],
    );
    const paged = (await csp.get(`/api/v1/catalogs/${sampleId}/controls?limit=2&offset=2`)).json<
      Page<ControlSummary>
    >();
    assert.equal(paged.total, 4);
    assert.deepEqual(
      paged.items.map((c) => c.id),
      ['gov-2', 'enc-1'],
    );
    const missing = await csp.get('/api/v1/catalogs/nope/controls');
    assert.equal(missing.statusCode, 404);
  });

  it('searches ids, titles and statements: every word must match, id before title before statement', async () => {
    const search = async (q: string) =>
      (await csp.get(`/api/v1/catalogs/${sampleId}/controls?q=${encodeURIComponent(q)}`))
        .json<Page<ControlSummary>>()
        .items.map((c) => c.id);
    // enc-1 has "Key" in its title; gov-1.1 (earlier in the document) only in its statement.
    assert.deepEqual(await search('key'), ['enc-1', 'gov-1.1']);
    assert.deepEqual(await search('GOV-1'), ['gov-1', 'gov-1.1']);
    assert.deepEqual(await search('gov-1(1)'), ['gov-1.1']);
    assert.deepEqual(await search('breach  Report'), ['gov-1', 'enc-1']);
    assert.deepEqual(await search('breach webhooks'), []);
    // The statement is searched as rendered: an assignment's label, a preset value.
    assert.deepEqual(await search('hours after discovery'), ['gov-1', 'gov-1.1']);
    assert.deepEqual(await search('one year'), ['gov-1']);
    // LIKE wildcards are matched literally.
    assert.deepEqual(await search('%'), []);
    assert.deepEqual(await search('gov_1'), []);
  });

  it('renders a control page: statement with parameters, guidance, enhancements', async () => {
    const response = await csp.get(`/api/v1/catalogs/${sampleId}/controls/gov-1`);
    assert.equal(response.statusCode, 200, response.body);
    const page = response.json<ControlDetail>();
    assert.equal(page.control.label, 'GOV-1');
    assert.deepEqual(page.groupPath, [{ id: 'gov', title: 'Governance' }]);
    assert.deepEqual(
      page.params.map((p) => p.id),
      ['gov-1_prm_1', 'gov-1_prm_2', 'gov-1_prm_3'],
    );
    const [statement, guidance] = page.parts;
    assert.equal(statement?.name, 'statement');
    const item = statement.parts[0];
    assert.equal(item?.label, 'a.');
    assert.equal(
      text(item.prose),
      'Report every data breach within [Assignment: hours after discovery] to [Selection (one or more): the Cloud Office; the PSE]; and',
    );
    assert.deepEqual(
      item.prose.filter((s) => s.param).map((s) => s.param),
      [
        { id: 'gov-1_prm_1', kind: 'assignment' },
        { id: 'gov-1_prm_2', kind: 'selection' },
      ],
    );
    assert.equal(item.parts[0]?.label, '1.');
    assert.equal(text(statement.parts[1]?.prose ?? []), 'Keep breach records for one year.');
    assert.equal(guidance?.name, 'guidance');
    assert.deepEqual(
      page.enhancements.map((e) => e.id),
      ['gov-1.1'],
    );

    const enhancement = (
      await csp.get(`/api/v1/catalogs/${sampleId}/controls/gov-1.1`)
    ).json<ControlDetail>();
    assert.equal(enhancement.parent?.id, 'gov-1');
    assert.equal(
      text(enhancement.parts[0]?.prose ?? []),
      'Notify automatically within [Assignment: hours after discovery] using webhooks signed with a registered key.',
    );
    const missing = await csp.get(`/api/v1/catalogs/${sampleId}/controls/gov-9`);
    assert.equal(missing.statusCode, 404);
    assert.match(missing.json<Problem>().detail, /no control "gov-9" in "Sample Office Controls"/);
  });

  it('serves profile resolution by file name, latest import first', async () => {
    const source = librarySource(t.ctx.db);
    const latest = (await dg.get('/api/v1/catalogs?sort=-imported_at&limit=1')).json<
      Page<Catalog>
    >().items[0];
    assert.ok(latest);
    // The YAML edition was imported as sample-v2.yaml; an .xml href of that name finds it.
    const byName = await source.load('../../catalogs/sample-v2.xml', '/profiles/p.json');
    assert.equal(byName?.uri, `library:catalog/${latest.id}`);
    assert.equal(byName.document.kind, 'catalog');
    const byJsonName = await source.load('https://example.org/x/SAMPLE.json', 'p');
    assert.equal(byJsonName?.uri, `library:catalog/${sampleId}`);
    assert.equal(
      byJsonName.document.kind === 'catalog' && byJsonName.document.catalog.metadata.version,
      '1.0',
    );
    const exact = await source.load(`library:catalog/${sampleId}`, 'p');
    assert.equal(exact?.uri, `library:catalog/${sampleId}`);
    assert.equal(await source.load('#5e1c8f3a-7b2d-4c6e-9a10-2f3b4c5d6e7f', 'p'), undefined);
    assert.equal(await source.load('unknown.json', 'p'), undefined);
    assert.equal(await source.load('library:catalog/nope', 'p'), undefined);

    // A later import under the same file name takes over; the earlier stays reachable by id.
    const later = await importFile(dg, 'Sample.JSON', JSON.stringify(sampleCatalog('8.0')));
    assert.equal(later.statusCode, 201, later.body);
    const fresh = librarySource(t.ctx.db);
    assert.equal(
      (await fresh.load('sample.xml', 'p'))?.uri,
      `library:catalog/${later.json<Catalog>().id}`,
    );
    assert.equal(
      (await fresh.load(`library:catalog/${sampleId}`, 'p'))?.uri,
      `library:catalog/${sampleId}`,
    );
  });

  it('deletes a catalog with its controls, audited', async () => {
    const v2 = (await dg.get('/api/v1/catalogs?q=sample&sort=-imported_at')).json<Page<Catalog>>()
      .items[0];
    assert.ok(v2 && v2.id !== sampleId);
    const before = await counts();
    const removed = await dg.send('DELETE', `/api/v1/catalogs/${v2.id}`);
    assert.equal(removed.statusCode, 204, removed.body);
    assert.deepEqual(await counts(), {
      catalogs: before.catalogs - 1,
      controls: before.controls - SAMPLE_CONTROL_COUNT,
    });
    assert.equal((await dg.get(`/api/v1/catalogs/${v2.id}`)).statusCode, 404);
    const [event] = await auditEvents('catalog.delete');
    assert.equal(event?.target_id, v2.id);
    assert.equal((await dg.send('DELETE', `/api/v1/catalogs/${v2.id}`)).statusCode, 404);
  });

  it('takes uploads beyond the general body limit on this route only, up to 16 MiB', async () => {
    const large = sampleCatalog('7.0');
    large.catalog.metadata.remarks = 'x'.repeat(2 * 1024 * 1024);
    const accepted = await importFile(dg, 'large.json', JSON.stringify(large));
    assert.equal(accepted.statusCode, 201, accepted.body.slice(0, 500));
    const tooLarge = await importFile(dg, 'huge.json', 'x'.repeat(16 * 1024 * 1024 + 1));
    assert.equal(tooLarge.statusCode, 413);
    assert.equal(tooLarge.json<Problem>().code, 'body_too_large');
    // Elsewhere the general limit (1 MiB by default) still holds.
    const elsewhere = await dg.send('POST', '/api/v1/organizations', {
      kind: 'csp',
      name: 'x'.repeat(2 * 1024 * 1024),
    });
    assert.equal(elsewhere.statusCode, 413);
  });

  it(
    'imports the NIST SP 800-53 rev 5 catalog through the API and finds its controls',
    { skip: SHARED_DATA_MISSING },
    async () => {
      const content = fs.readFileSync(NIST_REV5_CATALOG, 'utf8');
      const response = await importFile(dg, 'NIST_SP-800-53_rev5_catalog.json', content);
      assert.equal(response.statusCode, 201, response.body.slice(0, 2000));
      const nist = response.json<Catalog>();
      assert.equal(nist.controlCount, 1189);
      assert.equal(nist.withdrawnCount, 182);
      assert.equal(nist.familyCount, 20);

      const families = (await csp.get(`/api/v1/catalogs/${nist.id}`)).json<{
        families: { id: string; controls: number; enhancements: number }[];
      }>().families;
      assert.equal(families.length, 20);
      assert.deepEqual(families[0], {
        id: 'ac',
        title: 'Access Control',
        controls: 25,
        enhancements: 122,
        withdrawn: 16,
      });
      assert.equal(
        families.reduce((sum, f) => sum + f.controls + f.enhancements, 0),
        1189,
      );

      const search = async (q: string) =>
        (
          await csp.get(`/api/v1/catalogs/${nist.id}/controls?q=${encodeURIComponent(q)}&limit=200`)
        ).json<Page<ControlSummary>>();
      const ac2 = await search('AC-2');
      assert.equal(ac2.items[0]?.id, 'ac-2');
      assert.ok(ac2.items.slice(1, 14).every((c) => c.id.startsWith('ac-2')));
      const audit = await search('audit');
      assert.match(audit.items[0]?.title ?? '', /audit/i);
      const logging = await search('event logging');
      assert.equal(logging.items[0]?.id, 'au-2');

      const ac1 = (
        await csp.get(`/api/v1/catalogs/${nist.id}/controls/ac-1`)
      ).json<ControlDetail>();
      assert.equal(
        text(ac1.parts[0]?.parts[0]?.prose ?? []),
        'Develop, document, and disseminate to [Assignment: organization-defined personnel or roles]:',
      );
      assert.equal(
        text(ac1.parts[0]?.parts[0]?.parts[0]?.prose ?? []).trim(),
        '[Selection (one or more): Organization-level; Mission/business process-level; System-level] access control policy that:',
      );
      const source = await librarySource(t.ctx.db).load(
        'NIST_SP-800-53_rev5_catalog.xml',
        'profile.json',
      );
      assert.equal(source?.uri, `library:catalog/${nist.id}`);

      // NIST's LOW baseline imports the catalog's .xml; the library answers with the JSON import.
      const profileFile = path.join(NIST_REV5_DIR, 'NIST_SP-800-53_rev5_LOW-baseline_profile.json');
      const profile = parseOscal(fs.readFileSync(profileFile, 'utf8'), { name: profileFile });
      assert.equal(profile.kind, 'profile');
      const { catalog } = await resolveProfile(profile.profile, {
        source: librarySource(t.ctx.db),
        uri: profileFile,
      });
      assert.equal(countControls(catalog), 149);
    },
  );
});
