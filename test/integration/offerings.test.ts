import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import type { LightMyRequestResponse } from 'fastify';
import { ManualClock } from '../../src/clock.js';
import type { LocationPurpose } from '../../src/db/schema.js';
import { customerDataOnlyIn } from '../../src/features/offerings/residency.js';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { describeEachDatabase } from '../helpers/databases.js';
import { buildDocument } from '../helpers/documents.js';
import {
  appoint,
  buildOrganization,
  buildUser,
  setUpOffice,
  signInAs,
  type Client,
} from '../helpers/factories.js';

interface Problem {
  code: string;
  detail: string;
  errors?: { pointer: string; message: string }[];
}

interface OfferingView {
  id: string;
  organizationId: string;
  organizationName: string;
  name: string;
  description: string;
  serviceModel: string;
  deploymentModel: string;
  website: string | null;
  locations: { country: string; countryName: string; city: string; purpose: LocationPurpose }[];
  certifications: {
    scheme: string;
    name: string | null;
    expiresOn: string;
    documentId: string | null;
    expired: boolean;
  }[];
  contacts: { role: string; name: string; email: string; phone: string | null }[];
  residency: {
    customerDataCountries: string[];
    backupCountries: string[];
    disasterRecoveryCountries: string[];
    allCountries: string[];
  };
  updatedByUserId: string | null;
}

interface OfferingList {
  items: OfferingView[];
  total: number;
  limit: number;
  offset: number;
}

/** A complete, valid offering body; tests change one part at a time. */
function offering(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    name: 'Sovereign Compute',
    description: 'Virtual machines and block storage.',
    serviceModel: 'iaas',
    deploymentModel: 'government',
    website: 'https://compute.example.pk',
    locations: [
      { country: 'PK', city: 'Islamabad', operator: 'NTC', purpose: 'customer_data' },
      { country: 'PK', city: 'Karachi', operator: 'PTCL', purpose: 'backup' },
      { country: 'AE', city: 'Dubai', operator: 'Equinix', purpose: 'disaster_recovery' },
    ],
    certifications: [
      {
        scheme: 'iso27001',
        certificateNumber: 'IS 123456',
        issuer: 'BSI',
        issuedOn: '2025-01-15',
        expiresOn: '2028-01-14',
      },
      // Lapsed the day before the suite's today: accepted, and shown as expired.
      { scheme: 'soc2', issuer: 'Deloitte', issuedOn: '2023-06-01', expiresOn: '2026-05-31' },
      // Expires today: still valid through the day.
      { scheme: 'other', name: 'PTA licence', issuer: 'PTA', expiresOn: '2026-06-01' },
    ],
    contacts: [
      { role: 'primary', name: 'Sara Ahmed', email: 'sara@compute.example.pk' },
      {
        role: 'security',
        name: 'Ali Raza',
        email: 'soc@compute.example.pk',
        phone: '+92 51 1234567',
      },
    ],
    ...overrides,
  };
}

describeEachDatabase('cloud service offerings', (database) => {
  let t: TestApp;
  let cspId = '';
  let otherCspId = '';
  let pseId = '';
  let admin: Client;
  let security: Client;
  let staff: Client;
  let otherAdmin: Client;
  let officer: Client;
  let legal: Client;
  let board: Client;
  let pse: Client;

  before(async () => {
    // A fixed day, so that which certifications have lapsed does not depend on when tests run.
    t = await createTestApp(database, {
      overrides: { clock: new ManualClock('2026-06-01T09:00:00Z') },
    });
    const officeId = (await setUpOffice(t.ctx)).organizationId;
    cspId = await buildOrganization(t.ctx, 'csp', { name: 'Example Cloud' });
    otherCspId = await buildOrganization(t.ctx, 'csp', { name: 'Other Cloud' });
    pseId = await buildOrganization(t.ctx, 'pse');
    admin = await signInAs(t.app, (await buildUser(t.ctx, cspId, 'csp_admin')).email);
    security = await signInAs(t.app, (await buildUser(t.ctx, cspId, 'csp_security_officer')).email);
    staff = await signInAs(t.app, (await buildUser(t.ctx, cspId, 'csp_staff')).email);
    otherAdmin = await signInAs(t.app, (await buildUser(t.ctx, otherCspId, 'csp_admin')).email);
    const director = await buildUser(t.ctx, officeId, 'officer');
    await appoint(t.ctx, director.id, 'director_cloud_adoption', '2020-01-01');
    officer = await signInAs(t.app, director.email);
    const lawyer = await buildUser(t.ctx, officeId, 'officer');
    await appoint(t.ctx, lawyer.id, 'director_legal_procurement', '2020-01-01');
    legal = await signInAs(t.app, lawyer.email);
    board = await signInAs(t.app, (await buildUser(t.ctx, officeId, 'board_member')).email);
    pse = await signInAs(t.app, (await buildUser(t.ctx, pseId, 'pse_admin')).email);
  });
  after(() => t.close());

  function problem(response: LightMyRequestResponse): Problem {
    return response.json<Problem>();
  }

  function pointers(response: LightMyRequestResponse): string[] {
    return (problem(response).errors ?? []).map((e) => e.pointer);
  }

  async function count(table: 'offerings' | 'offering_locations' | 'offering_certifications') {
    const row = await t.ctx.db
      .selectFrom(table)
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    return row.n;
  }

  async function events(action: string, targetId: string) {
    return t.ctx.db
      .selectFrom('audit_events')
      .selectAll()
      .where('action', '=', action)
      .where('target_id', '=', targetId)
      .execute();
  }

  it('creates an offering with locations, certifications and contacts, and audits it', async () => {
    const document = await buildDocument(t.ctx, cspId, { kind: 'certificate' });
    const body = offering();
    const [iso] = body.certifications as Record<string, unknown>[];
    assert.ok(iso);
    iso.documentId = document;
    const response = await admin.send('POST', '/api/v1/offerings', body);
    assert.equal(response.statusCode, 201, response.body);
    const created = response.json<OfferingView>();
    assert.equal(response.headers.location, `/api/v1/offerings/${created.id}`);
    assert.equal(created.organizationId, cspId);
    assert.equal(created.organizationName, 'Example Cloud');
    assert.equal(created.serviceModel, 'iaas');
    assert.equal(created.deploymentModel, 'government');
    assert.deepEqual(
      created.locations.map((l) => [l.country, l.countryName, l.city, l.purpose]),
      [
        ['PK', 'Pakistan', 'Islamabad', 'customer_data'],
        ['PK', 'Pakistan', 'Karachi', 'backup'],
        ['AE', 'United Arab Emirates', 'Dubai', 'disaster_recovery'],
      ],
    );
    assert.deepEqual(
      created.certifications.map((c) => [c.scheme, c.expired, c.documentId]),
      [
        ['iso27001', false, document],
        ['soc2', true, null],
        ['other', false, null],
      ],
    );
    assert.equal(created.certifications[2]?.name, 'PTA licence');
    assert.deepEqual(
      created.contacts.map((c) => [c.role, c.email, c.phone]),
      [
        ['primary', 'sara@compute.example.pk', null],
        ['security', 'soc@compute.example.pk', '+92 51 1234567'],
      ],
    );
    assert.deepEqual(created.residency, {
      customerDataCountries: ['PK'],
      backupCountries: ['PK'],
      disasterRecoveryCountries: ['AE'],
      allCountries: ['AE', 'PK'],
    });
    assert.ok(customerDataOnlyIn(created, 'PK'));
    assert.equal(customerDataOnlyIn(created, 'AE'), false);

    const [event] = await events('offering.create', created.id);
    assert.ok(event, 'the creation is in the audit trail');
    assert.equal(event.target_type, 'offering');
    assert.equal(event.actor_organization_id, cspId);
    const summary = JSON.parse(event.summary) as { after: { name: string; locations: string[] } };
    assert.equal(summary.after.name, 'Sovereign Compute');
    assert.deepEqual(summary.after.locations, [
      'PK Islamabad (customer_data)',
      'PK Karachi (backup)',
      'AE Dubai (disaster_recovery)',
    ]);

    const again = await security.send(
      'POST',
      '/api/v1/offerings',
      offering({ name: '  sovereign   COMPUTE ' }),
    );
    assert.equal(again.statusCode, 409, again.body);
    assert.equal(problem(again).code, 'offering_exists');
    // Another provider may use the same name.
    const elsewhere = await otherAdmin.send('POST', '/api/v1/offerings', offering());
    assert.equal(elsewhere.statusCode, 201, elsewhere.body);
  });

  it('refuses bad input naming the field, and stores nothing', async () => {
    const before = {
      offerings: await count('offerings'),
      locations: await count('offering_locations'),
    };
    const cases: [string, Record<string, unknown>, string][] = [
      [
        'a region that is not a country',
        offering({
          name: 'A1',
          locations: [
            { country: 'EU', city: 'Frankfurt', operator: 'X', purpose: 'customer_data' },
          ],
        }),
        '/locations/0/country',
      ],
      [
        'no customer-data location',
        offering({
          name: 'B1',
          locations: [{ country: 'PK', city: 'Lahore', operator: 'X', purpose: 'backup' }],
        }),
        '/locations',
      ],
      [
        'a certification that expires before it was issued',
        offering({
          name: 'C1',
          certifications: [
            { scheme: 'iso27017', issuer: 'BSI', issuedOn: '2026-05-01', expiresOn: '2026-04-30' },
          ],
        }),
        '/certifications/0/expiresOn',
      ],
      [
        'an unknown scheme',
        offering({
          name: 'D1',
          certifications: [{ scheme: 'iso9001', issuer: 'BSI', expiresOn: '2027-01-01' }],
        }),
        '/certifications/0/scheme',
      ],
      [
        'an impossible date',
        offering({
          name: 'E1',
          certifications: [{ scheme: 'soc2', issuer: 'X', expiresOn: '2027-02-30' }],
        }),
        '/certifications/0/expiresOn',
      ],
      [
        'another scheme without a name',
        offering({
          name: 'F1',
          certifications: [{ scheme: 'other', issuer: 'X', expiresOn: '2027-01-01' }],
        }),
        '/certifications/0/name',
      ],
      ['an unknown service model', offering({ name: 'G1', serviceModel: 'faas' }), '/serviceModel'],
    ];
    for (const [label, body, pointer] of cases) {
      const response = await admin.send('POST', '/api/v1/offerings', body);
      assert.equal(response.statusCode, 400, `${label}: ${response.body}`);
      assert.equal(problem(response).code, 'validation_failed', label);
      assert.ok(pointers(response).includes(pointer), `${label}: ${response.body}`);
      assert.ok(problem(response).detail.includes(pointer), `${label}: the detail names the field`);
    }
    assert.deepEqual(before, {
      offerings: await count('offerings'),
      locations: await count('offering_locations'),
    });
  });

  it('refuses a certificate document of another provider as if it did not exist', async () => {
    const foreign = await buildDocument(t.ctx, otherCspId, { kind: 'certificate' });
    const response = await admin.send(
      'POST',
      '/api/v1/offerings',
      offering({
        name: 'With foreign document',
        certifications: [
          { scheme: 'iso27018', issuer: 'BSI', expiresOn: '2028-01-01', documentId: foreign },
        ],
      }),
    );
    assert.equal(response.statusCode, 400, response.body);
    assert.deepEqual(pointers(response), ['/certifications/0/documentId']);
    const missing = await admin.send(
      'POST',
      '/api/v1/offerings',
      offering({
        name: 'With missing document',
        certifications: [
          { scheme: 'iso27018', issuer: 'BSI', expiresOn: '2028-01-01', documentId: 'nope' },
        ],
      }),
    );
    assert.equal(missing.statusCode, 400);
    assert.equal(
      problem(missing).errors?.[0]?.message.replace('"nope"', '"X"'),
      problem(response).errors?.[0]?.message.replace(JSON.stringify(foreign), '"X"'),
    );
  });

  it("keeps providers apart: another provider's offering is 404, lists are limited to one's own", async () => {
    const mine = (
      await admin.send('POST', '/api/v1/offerings', offering({ name: 'Private One' }))
    ).json<OfferingView>();
    for (const [method, body] of [
      ['GET', undefined],
      ['PATCH', { description: 'taken over' }],
      ['DELETE', undefined],
    ] as const) {
      const response =
        method === 'GET'
          ? await otherAdmin.get(`/api/v1/offerings/${mine.id}`)
          : await otherAdmin.send(method, `/api/v1/offerings/${mine.id}`, body);
      assert.equal(response.statusCode, 404, `${method}: ${response.body}`);
      assert.equal(problem(response).code, 'not_found');
    }
    const theirs = await otherAdmin.get('/api/v1/offerings?limit=200');
    assert.ok(theirs.json<OfferingList>().items.every((o) => o.organizationId === otherCspId));
    const filtered = await otherAdmin.get(`/api/v1/offerings?organizationId=${cspId}`);
    assert.equal(filtered.json<OfferingList>().total, 0, 'a filter cannot widen the scope');
    const forOther = await admin.send(
      'POST',
      '/api/v1/offerings',
      offering({ name: 'Planted', organizationId: otherCspId }),
    );
    assert.equal(forOther.statusCode, 404, forOther.body);

    // CSP staff read but do not change; PSEs and the board's members do neither here.
    assert.equal((await staff.get(`/api/v1/offerings/${mine.id}`)).statusCode, 200);
    const staffChange = await staff.send('PATCH', `/api/v1/offerings/${mine.id}`, {
      description: 'x',
    });
    assert.equal(staffChange.statusCode, 403, staffChange.body);
    assert.equal((await pse.get('/api/v1/offerings')).statusCode, 403);
    assert.equal((await pse.get(`/api/v1/offerings/${mine.id}`)).statusCode, 403);
    assert.equal(
      (await board.send('POST', '/api/v1/offerings', offering({ organizationId: cspId })))
        .statusCode,
      403,
    );
  });

  it('lets officers with manage_organizations describe offerings of any provider, and read all', async () => {
    const response = await officer.send(
      'POST',
      '/api/v1/offerings',
      offering({ name: 'Entered by the office', organizationId: otherCspId }),
    );
    assert.equal(response.statusCode, 201, response.body);
    const created = response.json<OfferingView>();
    assert.equal(created.organizationId, otherCspId);
    const [event] = await events('offering.create', created.id);
    assert.equal(event?.actor_position, 'Director Cloud Adoption');

    const unnamed = await officer.send('POST', '/api/v1/offerings', offering({ name: 'No org' }));
    assert.equal(unnamed.statusCode, 400);
    assert.deepEqual(pointers(unnamed), ['/organizationId']);
    const notCsp = await officer.send(
      'POST',
      '/api/v1/offerings',
      offering({ name: 'PSE one', organizationId: pseId }),
    );
    assert.equal(notCsp.statusCode, 400);
    assert.equal(problem(notCsp).code, 'organization_not_csp');

    const refused = await legal.send(
      'POST',
      '/api/v1/offerings',
      offering({ name: 'Without power', organizationId: cspId }),
    );
    assert.equal(refused.statusCode, 403, refused.body);
    assert.match(problem(refused).detail, /manage_organizations/);
    const denied = await t.ctx.db
      .selectFrom('audit_events')
      .select('summary')
      .where('action', '=', 'access.denied')
      .where('target_id', '=', 'POST /api/v1/offerings')
      .execute();
    assert.ok(
      denied.some((e) => e.summary.includes('manage_organizations')),
      'the refusal is audited',
    );

    const all = (await legal.get('/api/v1/offerings?limit=200')).json<OfferingList>();
    assert.ok(all.items.some((o) => o.organizationId === cspId));
    assert.ok(all.items.some((o) => o.organizationId === otherCspId));
    assert.equal((await board.get(`/api/v1/offerings/${created.id}`)).statusCode, 200);
  });

  it('replaces lists whole in one transaction; a bad list leaves the stored offering unchanged', async () => {
    const created = (
      await admin.send('POST', '/api/v1/offerings', offering({ name: 'Patchable' }))
    ).json<OfferingView>();
    const url = `/api/v1/offerings/${created.id}`;
    const stored = (await admin.get(url)).json<OfferingView>();

    const bad = await admin.send('PATCH', url, {
      name: 'Renamed',
      description: 'changed',
      contacts: [{ role: 'legal', name: 'L', email: 'legal@example.pk' }],
      locations: [{ country: 'PK', city: 'Quetta', operator: 'X', purpose: 'backup' }],
    });
    assert.equal(bad.statusCode, 400, bad.body);
    assert.deepEqual(pointers(bad), ['/locations']);
    assert.deepEqual((await admin.get(url)).json<OfferingView>(), stored, 'nothing changed');

    const foreignDocument = await buildDocument(t.ctx, otherCspId);
    const badDocument = await admin.send('PATCH', url, {
      locations: [{ country: 'DE', city: 'Berlin', operator: 'X', purpose: 'customer_data' }],
      certifications: [
        { scheme: 'iso27001', issuer: 'X', expiresOn: '2029-01-01', documentId: foreignDocument },
      ],
    });
    assert.equal(badDocument.statusCode, 400, badDocument.body);
    assert.deepEqual((await admin.get(url)).json<OfferingView>(), stored, 'still unchanged');

    const good = await security.send('PATCH', url, {
      name: 'Renamed',
      deploymentModel: 'hybrid',
      locations: [
        { country: 'DE', city: 'Frankfurt', operator: 'X', purpose: 'customer_data' },
        { country: 'PK', city: 'Lahore', operator: 'Y', purpose: 'customer_data' },
      ],
      certifications: [],
    });
    assert.equal(good.statusCode, 200, good.body);
    const changed = good.json<OfferingView>();
    assert.equal(changed.name, 'Renamed');
    assert.equal(changed.deploymentModel, 'hybrid');
    assert.equal(changed.description, stored.description);
    assert.deepEqual(changed.certifications, []);
    assert.deepEqual(changed.contacts, stored.contacts, 'lists not sent stay as they were');
    assert.deepEqual(changed.residency.customerDataCountries, ['DE', 'PK']);
    assert.equal(customerDataOnlyIn(changed, 'PK'), false);
    const stale = await t.ctx.db
      .selectFrom('offering_locations')
      .select('city')
      .where('offering_id', '=', created.id)
      .execute();
    assert.deepEqual(stale.map((r) => r.city).sort(), ['Frankfurt', 'Lahore']);

    const [event] = await events('offering.update', created.id);
    assert.ok(event);
    const summary = JSON.parse(event.summary) as {
      before: { name: string; locations: string[] };
      after: { name: string; locations: string[]; certifications: string[] };
    };
    assert.equal(summary.before.name, 'Patchable');
    assert.equal(summary.after.name, 'Renamed');
    assert.equal(summary.before.locations.length, 3);
    assert.deepEqual(summary.after.certifications, []);
    assert.equal((await events('offering.update', created.id)).length, 1, 'refusals wrote nothing');

    const clash = await admin.send('PATCH', url, { name: 'SOVEREIGN compute' });
    assert.equal(clash.statusCode, 409);
    const empty = await admin.send('PATCH', url, {});
    assert.equal(empty.statusCode, 400);
  });

  it('pages, sorts and filters the list', async () => {
    const provider = await buildOrganization(t.ctx, 'csp', { name: 'Lister' });
    const lister = await signInAs(t.app, (await buildUser(t.ctx, provider, 'csp_admin')).email);
    const models = [
      ['saas', 'public'],
      ['paas', 'public'],
      ['saas', 'government'],
      ['iaas', 'private'],
      ['saas', 'hybrid'],
    ] as const;
    for (const [index, [serviceModel, deploymentModel]] of models.entries()) {
      const response = await lister.send(
        'POST',
        '/api/v1/offerings',
        offering({ name: `Item ${index} ${serviceModel}`, serviceModel, deploymentModel }),
      );
      assert.equal(response.statusCode, 201, response.body);
    }
    const page = (await lister.get('/api/v1/offerings?limit=2&offset=2')).json<OfferingList>();
    assert.equal(page.total, 5);
    assert.deepEqual(
      page.items.map((o) => o.name),
      ['Item 2 saas', 'Item 3 iaas'],
    );
    const reversed = (
      await lister.get('/api/v1/offerings?sort=-name&limit=1')
    ).json<OfferingList>();
    assert.deepEqual(
      reversed.items.map((o) => o.name),
      ['Item 4 saas'],
    );
    const saas = (await lister.get('/api/v1/offerings?serviceModel=saas')).json<OfferingList>();
    assert.equal(saas.total, 3);
    const publicSaas = (
      await lister.get('/api/v1/offerings?serviceModel=saas&deploymentModel=public')
    ).json<OfferingList>();
    assert.deepEqual(
      publicSaas.items.map((o) => o.name),
      ['Item 0 saas'],
    );
    const searched = (await lister.get('/api/v1/offerings?q=ITEM%203')).json<OfferingList>();
    assert.deepEqual(
      searched.items.map((o) => o.name),
      ['Item 3 iaas'],
    );
    const byOrg = (
      await officer.get(`/api/v1/offerings?organizationId=${provider}&limit=200`)
    ).json<OfferingList>();
    assert.equal(byOrg.total, 5);
    const bad = await lister.get('/api/v1/offerings?deploymentModel=cloudy');
    assert.equal(bad.statusCode, 400);
  });

  it('deletes an offering with its lists, audited', async () => {
    const created = (
      await admin.send('POST', '/api/v1/offerings', offering({ name: 'Short-lived' }))
    ).json<OfferingView>();
    const url = `/api/v1/offerings/${created.id}`;
    const response = await admin.send('DELETE', url);
    assert.equal(response.statusCode, 204, response.body);
    assert.equal((await admin.get(url)).statusCode, 404);
    const left = await t.ctx.db
      .selectFrom('offering_locations')
      .select('id')
      .where('offering_id', '=', created.id)
      .execute();
    assert.deepEqual(left, []);
    const [event] = await events('offering.delete', created.id);
    assert.ok(event);
    assert.match(event.summary, /Short-lived/);
  });
});
