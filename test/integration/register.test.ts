// The public register (issue 5): accredited offerings listed, filtered, sorted, paged, exported
// as CSV and shown one by one with their status history and responsibilities, to anyone without
// signing in. The accredited records are made by the workflow's own state machine
// (test/helpers/register.ts), stored and projected as the service does.
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, it } from 'node:test';
import { ManualClock } from '../../src/clock.js';
import type { ComponentDefinitionDocument } from '../../src/features/accreditation/component-definition.js';
import { findApplication } from '../../src/features/accreditation/repo.js';
import { seedDefaultContent } from '../../src/features/levels/seed.js';
import { customerDataOnlyIn } from '../../src/features/offerings/residency.js';
import * as register from '../../src/features/register/service.js';
import { buildApplication } from '../helpers/applications.js';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { describeEachDatabase } from '../helpers/databases.js';
import { buildOrganization } from '../helpers/factories.js';
import { writeLevelContent } from '../helpers/level-content.js';
import { officialSchemaErrors } from '../helpers/oscal-schema.js';
import { buildAccreditedOffering, renewAccreditation } from '../helpers/register.js';
import { SHARED_DATA_MISSING } from '../helpers/shared-data.js';

interface Item {
  offeringId: string;
  offeringName: string;
  providerId: string;
  providerName: string;
  serviceModel: string;
  deploymentModel: string;
  status: string;
  level: { code: string; rank: number; title: string };
  validFrom: string;
  validUntil: string;
  decidedOn: string;
  suspendedFrom: string | null;
  customerDataCountries: string[];
  dataCentreCountries: string[];
  auditFirmName: string | null;
}
interface Page {
  items: Item[];
  total: number;
  limit: number;
  offset: number;
  residencyCountry: string;
}
interface Detail extends Item {
  description: string;
  statusHistory: { status: string; at: string; reason?: string }[];
  locations: { country: string; city: string; purpose: string }[];
  certifications: {
    scheme: string;
    name: string | null;
    issuer: string;
    expiresOn: string;
    expired: boolean;
  }[];
  responsibility: {
    provider: number;
    customer: number;
    shared: number;
    notApplicable: number;
    customerResponsibilities: { controlId: string; text: string }[];
  };
  openConditions: number;
}
interface Problem {
  code: string;
  detail: string;
  errors?: { in: string; pointer: string; message: string }[];
}

const BASELINE = { code: 'baseline', rank: 1 };
const INTERMEDIATE = { code: 'intermediate', rank: 2 };
const ENHANCED = { code: 'enhanced', rank: 3 };
const MAXIMUM = { code: 'maximum', rank: 4 };
const FORMULA_FIRM = '=HYPERLINK("http://evil.example","audit")';

// The default order, by name; the tests below refer to offerings by these names.
const ALL = [
  'Alpha Compute',
  'Alpha Mail',
  'Beta Analytics',
  'Beta Storage',
  'Epsilon Edge',
  'Gamma Archive',
  'Gamma Desk',
];

describeEachDatabase('the public register', (database) => {
  let t: TestApp;
  const clock = new ManualClock('2026-06-01T08:00:00Z');
  const ids = new Map<string, string>();
  let neverGranted = '';
  let compute = { offeringId: '', applicationId: '' };

  const id = (name: string): string => {
    const found = ids.get(name);
    assert.ok(found, name);
    return found;
  };
  const get = (url: string) => t.app.inject({ method: 'GET', url });
  const list = async (query: string): Promise<Page> => {
    const response = await get(`/api/v1/register${query}`);
    assert.equal(response.statusCode, 200, response.body);
    return response.json<Page>();
  };
  /** The names on the one page a query fills (small here), checked against the total. */
  const names = async (query: string): Promise<string[]> => {
    const page = await list(query);
    assert.equal(page.total, page.items.length, `the total of ${query || 'the list'}`);
    return page.items.map((item) => item.offeringName);
  };

  before(async () => {
    t = await createTestApp(database, { overrides: { clock } });
    await seedDefaultContent(t.ctx, {
      contentDir: writeLevelContent(path.join(database.dataDir, 'content')),
    });
    const alpha = await buildOrganization(t.ctx, 'csp', { name: 'Alpha Cloud' });
    const beta = await buildOrganization(t.ctx, 'csp', { name: 'Beta Systems' });
    const gamma = await buildOrganization(t.ctx, 'csp', { name: 'Gamma Hosting' });
    const firm = {
      id: await buildOrganization(t.ctx, 'audit_firm', { name: 'Assurance Partners' }),
      name: 'Assurance Partners',
    };
    const formulaFirm = {
      id: await buildOrganization(t.ctx, 'audit_firm', { name: FORMULA_FIRM }),
      name: FORMULA_FIRM,
    };
    const pk = (city: string, purpose: 'customer_data' | 'backup' | 'disaster_recovery') => ({
      country: 'PK',
      city,
      operator: 'PK DC Ltd',
      purpose,
    });

    compute = await buildAccreditedOffering(t.ctx, alpha, {
      name: 'Alpha Compute',
      description: 'Virtual machines in Pakistani data centres.',
      serviceModel: 'iaas',
      deploymentModel: 'public',
      locations: [pk('Karachi', 'customer_data'), pk('Lahore', 'backup')],
      certifications: [
        { scheme: 'iso27001', issuer: 'BSI', expiresOn: '2026-03-31', certificateNumber: 'C-9' },
        { scheme: 'soc2', issuer: 'A-LIGN', expiresOn: '2027-06-30' },
      ],
      levelSought: BASELINE,
      auditFirm: firm,
      grantedAt: '2026-01-15T10:00:00Z',
      validUntil: '2027-01-15',
      conditions: [{ text: 'Close the penetration-test findings', dueOn: '2026-09-30' }],
      controlIds: ['co-br-1', 'co-dr-1'],
      responses: [
        {
          controlId: 'co-br-1',
          status: 'implemented',
          responsibility: 'provider',
          narrative: 'Our SOC notifies the office within 24 hours.',
          reason: null,
          evidenceDocumentIds: ['doc-private-runbook'],
          customerResponsibility: null,
        },
        {
          controlId: 'co-dr-1',
          status: 'partial',
          responsibility: 'shared',
          narrative: 'Storage is in Karachi; replication is chosen by the customer.',
          reason: null,
          evidenceDocumentIds: [],
          customerResponsibility: 'Choose the Karachi region for every bucket.',
        },
        // An answer to a control outside the pinned version (kept from before a level changed):
        // not part of the accreditation, so neither counted nor exported.
        {
          controlId: 'co-br-2',
          status: 'implemented',
          responsibility: 'customer',
          narrative: 'Stale.',
          reason: null,
          evidenceDocumentIds: [],
          customerResponsibility: 'Stale customer text.',
        },
      ],
    });
    ids.set('Alpha Compute', compute.offeringId);
    ids.set(
      'Alpha Mail',
      (
        await buildAccreditedOffering(t.ctx, alpha, {
          name: 'Alpha Mail',
          serviceModel: 'saas',
          deploymentModel: 'government',
          locations: [
            pk('Islamabad', 'customer_data'),
            { country: 'AE', city: 'Dubai', operator: 'Gulf DC', purpose: 'disaster_recovery' },
          ],
          levelSought: INTERMEDIATE,
          auditFirm: firm,
          grantedAt: '2026-02-01T10:00:00Z',
          validUntil: '2028-02-01',
        })
      ).offeringId,
    );
    ids.set(
      'Beta Storage',
      (
        await buildAccreditedOffering(t.ctx, beta, {
          name: 'Beta Storage',
          serviceModel: 'paas',
          deploymentModel: 'private',
          locations: [
            pk('Karachi', 'customer_data'),
            { country: 'DE', city: 'Frankfurt', operator: 'EU DC', purpose: 'customer_data' },
          ],
          levelSought: ENHANCED,
          auditFirm: firm,
          grantedAt: '2025-09-01T10:00:00Z',
          validUntil: '2027-09-01',
          then: [
            {
              action: 'suspend',
              at: '2026-04-01T09:00:00Z',
              effectiveOn: '2026-04-15',
              reason: 'Breach under investigation',
            },
          ],
        })
      ).offeringId,
    );
    ids.set(
      'Beta Analytics',
      (
        await buildAccreditedOffering(t.ctx, beta, {
          name: 'Beta Analytics',
          serviceModel: 'saas',
          deploymentModel: 'hybrid',
          locations: [
            { country: 'US', city: 'Ashburn', operator: 'US DC', purpose: 'customer_data' },
          ],
          levelSought: BASELINE,
          auditFirm: firm,
          grantedAt: '2025-11-20T10:00:00Z',
          validUntil: '2026-11-20',
          then: [
            {
              action: 'revoke',
              at: '2026-03-01T12:00:00Z',
              reason: 'Data found outside the declared locations',
            },
          ],
        })
      ).offeringId,
    );
    ids.set(
      'Gamma Archive',
      (
        await buildAccreditedOffering(t.ctx, gamma, {
          name: 'Gamma Archive',
          serviceModel: 'iaas',
          deploymentModel: 'public',
          locations: [pk('Karachi', 'customer_data')],
          levelSought: MAXIMUM,
          auditFirm: firm,
          grantedAt: '2025-01-10T10:00:00Z',
          validUntil: '2026-01-10',
          then: [{ action: 'expire', at: '2026-01-11T00:05:00Z' }],
        })
      ).offeringId,
    );
    const desk = await buildAccreditedOffering(t.ctx, gamma, {
      name: 'Gamma Desk',
      serviceModel: 'saas',
      deploymentModel: 'public',
      levelSought: BASELINE,
      auditFirm: firm,
      grantedAt: '2024-05-01T10:00:00Z',
      validUntil: '2025-05-01',
    });
    await renewAccreditation(t.ctx, desk.applicationId, {
      grantedAt: '2025-04-20T10:00:00Z',
      validUntil: '2028-04-20',
      levelSought: INTERMEDIATE,
      then: [
        { action: 'suspend', at: '2025-10-01T09:00:00Z', reason: 'Condition overdue' },
        { action: 'reinstate', at: '2025-11-01T09:00:00Z', reason: 'Condition met' },
      ],
    });
    ids.set('Gamma Desk', desk.offeringId);
    ids.set(
      'Epsilon Edge',
      (
        await buildAccreditedOffering(t.ctx, gamma, {
          name: 'Epsilon Edge',
          serviceModel: 'iaas',
          deploymentModel: 'public',
          // Backups only: no customer data anywhere, so neither in the country nor outside it.
          locations: [pk('Quetta', 'backup')],
          levelSought: BASELINE,
          auditFirm: formulaFirm,
          grantedAt: '2026-03-10T10:00:00Z',
          validUntil: '2027-03-10',
        })
      ).offeringId,
    );

    const draft = await findApplication(t.ctx.db, await buildApplication(t.ctx, alpha));
    neverGranted = draft?.offering_id ?? '';
  });
  after(() => t.close());

  it('lists every offering ever accredited, by name, without signing in', async () => {
    const response = await get('/api/v1/register');
    assert.equal(response.statusCode, 200, response.body);
    const page = response.json<Page>();
    assert.deepEqual(
      page.items.map((item) => item.offeringName),
      ALL,
      'suspended, revoked and expired stay visible; a never-granted offering is not listed',
    );
    assert.equal(page.total, 7);
    assert.equal(page.limit, 50);
    assert.equal(page.offset, 0);
    assert.equal(page.residencyCountry, 'PK');

    const storage = page.items.find((item) => item.offeringName === 'Beta Storage');
    assert.deepEqual(storage, {
      offeringId: id('Beta Storage'),
      offeringName: 'Beta Storage',
      providerId: storage?.providerId,
      providerName: 'Beta Systems',
      serviceModel: 'paas',
      deploymentModel: 'private',
      status: 'suspended',
      level: { code: 'enhanced', rank: 3, title: 'Enhanced' },
      validFrom: '2025-09-01',
      validUntil: '2027-09-01',
      decidedOn: '2025-09-01',
      suspendedFrom: '2026-04-15',
      customerDataCountries: ['DE', 'PK'],
      dataCentreCountries: ['DE', 'PK'],
      auditFirmName: 'Assurance Partners',
    });
    const mail = page.items.find((item) => item.offeringName === 'Alpha Mail');
    assert.ok(mail);
    assert.deepEqual(mail.customerDataCountries, ['PK']);
    assert.deepEqual(mail.dataCentreCountries, ['AE', 'PK'], 'disaster recovery included');
    const desk = page.items.find((item) => item.offeringName === 'Gamma Desk');
    assert.deepEqual(
      [desk?.status, desk?.level.code, desk?.validFrom, desk?.suspendedFrom],
      ['accredited', 'intermediate', '2025-04-20', null],
      'the renewal is the entry; reinstated, so no suspension shown',
    );
  });

  it('filters by level, service model, deployment model and status', async () => {
    assert.deepEqual(await names('?level=baseline'), [
      'Alpha Compute',
      'Beta Analytics',
      'Epsilon Edge',
    ]);
    assert.deepEqual(await names('?level=intermediate'), ['Alpha Mail', 'Gamma Desk']);
    assert.deepEqual(await names('?level=maximum'), ['Gamma Archive']);
    assert.deepEqual(await names('?serviceModel=saas'), [
      'Alpha Mail',
      'Beta Analytics',
      'Gamma Desk',
    ]);
    assert.deepEqual(await names('?deploymentModel=public'), [
      'Alpha Compute',
      'Epsilon Edge',
      'Gamma Archive',
      'Gamma Desk',
    ]);
    assert.deepEqual(await names('?status=accredited'), [
      'Alpha Compute',
      'Alpha Mail',
      'Epsilon Edge',
      'Gamma Desk',
    ]);
    assert.deepEqual(await names('?status=suspended'), ['Beta Storage']);
    assert.deepEqual(await names('?status=revoked'), ['Beta Analytics']);
    assert.deepEqual(await names('?status=expired'), ['Gamma Archive']);
    assert.deepEqual(await names('?level=baseline&serviceModel=saas&status=revoked'), [
      'Beta Analytics',
    ]);
    const none = await list('?level=enhanced&status=accredited');
    assert.deepEqual([none.items, none.total], [[], 0]);
  });

  it('filters by residency against the office country, both ways', async () => {
    const inCountry = await list('?residency=in_country');
    assert.deepEqual(
      inCountry.items.map((item) => item.offeringName),
      ['Alpha Compute', 'Alpha Mail', 'Gamma Archive', 'Gamma Desk'],
      'disaster recovery abroad does not count; backups alone are no customer data',
    );
    for (const item of inCountry.items) {
      assert.ok(
        customerDataOnlyIn(
          {
            locations: item.customerDataCountries.map((country) => ({
              country,
              purpose: 'customer_data',
            })),
          },
          'PK',
        ),
      );
    }
    assert.deepEqual(await names('?residency=outside'), ['Beta Analytics', 'Beta Storage']);
    assert.deepEqual(await names('?residency=outside&level=baseline'), ['Beta Analytics']);
    assert.deepEqual(await names('?residency=in_country&level=baseline'), ['Alpha Compute']);
  });

  it('measures residency against OFFICE_COUNTRY, not a country in the code', async () => {
    const elsewhere = await createTestApp(
      { config: database.config, dataDir: database.dataDir },
      { env: { OFFICE_COUNTRY: 'us' }, overrides: { clock } },
    );
    try {
      const answer = await elsewhere.app.inject({
        method: 'GET',
        url: '/api/v1/register?residency=in_country',
      });
      const page = answer.json<Page>();
      assert.equal(page.residencyCountry, 'US');
      assert.deepEqual(
        page.items.map((item) => item.offeringName),
        ['Beta Analytics'],
      );
      const outside = await elsewhere.app.inject({
        method: 'GET',
        url: '/api/v1/register?residency=outside',
      });
      assert.equal(outside.json<Page>().total, 5);
    } finally {
      await elsewhere.close();
    }
  });

  it("searches the offering's and the provider's name, in any case, taking % and _ literally", async () => {
    assert.deepEqual(await names('?q=ALPHA'), ['Alpha Compute', 'Alpha Mail']);
    assert.deepEqual(await names('?q=mail'), ['Alpha Mail']);
    assert.deepEqual(await names('?q=systems'), ['Beta Analytics', 'Beta Storage']);
    assert.deepEqual(await names('?q=%20hosting%20'), [
      'Epsilon Edge',
      'Gamma Archive',
      'Gamma Desk',
    ]);
    assert.deepEqual(await names('?q=%25'), []);
    assert.deepEqual(await names('?q=_'), []);
    assert.deepEqual(await names('?q=gamma&status=expired'), ['Gamma Archive']);
  });

  it('sorts by name, provider, level, validity and decision date, either way, stably', async () => {
    assert.deepEqual(await names('?order=desc'), [...ALL].reverse());
    assert.deepEqual(await names('?sort=provider&order=desc'), [
      'Epsilon Edge',
      'Gamma Archive',
      'Gamma Desk',
      'Beta Analytics',
      'Beta Storage',
      'Alpha Compute',
      'Alpha Mail',
    ]);
    // Equal levels keep a stable order by offering id.
    const byLevel = (await list('?sort=level')).items;
    assert.deepEqual(
      byLevel.map((item) => [item.level.rank, item.offeringId]),
      byLevel
        .map((item) => [item.level.rank, item.offeringId] as const)
        .sort(([rankA, idA], [rankB, idB]) => rankA - rankB || (idA < idB ? -1 : 1)),
    );
    assert.deepEqual(
      byLevel.map((item) => item.level.code),
      ['baseline', 'baseline', 'baseline', 'intermediate', 'intermediate', 'enhanced', 'maximum'],
    );
    assert.deepEqual(
      (await list('?sort=level&order=desc')).items.map((item) => item.offeringId),
      [...byLevel.slice(5).reverse(), ...byLevel.slice(3, 5), ...byLevel.slice(0, 3)].map(
        (item) => item.offeringId,
      ),
      'descending by level, still ascending by id within one',
    );
    assert.deepEqual(await names('?sort=validUntil'), [
      'Gamma Archive',
      'Beta Analytics',
      'Alpha Compute',
      'Epsilon Edge',
      'Beta Storage',
      'Alpha Mail',
      'Gamma Desk',
    ]);
    assert.deepEqual(await names('?sort=decidedOn&order=desc'), [
      'Epsilon Edge',
      'Alpha Mail',
      'Alpha Compute',
      'Beta Analytics',
      'Beta Storage',
      'Gamma Desk',
      'Gamma Archive',
    ]);
  });

  it('pages with limit and offset, the total counting every match', async () => {
    const second = await list('?limit=2&offset=2');
    assert.deepEqual(
      second.items.map((item) => item.offeringName),
      ['Beta Analytics', 'Beta Storage'],
    );
    assert.deepEqual([second.total, second.limit, second.offset], [7, 2, 2]);
    const pages: string[] = [];
    for (let offset = 0; offset < 7; offset += 3) {
      pages.push(
        ...(await list(`?sort=level&limit=3&offset=${offset}`)).items.map((i) => i.offeringName),
      );
    }
    assert.deepEqual(pages, await names('?sort=level'));
    const beyond = await list('?offset=50');
    assert.deepEqual([beyond.items.length, beyond.total], [0, 7]);
  });

  it('reads an export in batches in exactly the list order, across ties and mixed directions', async () => {
    for (const query of [
      { sort: 'level', order: 'asc' },
      { sort: 'provider', order: 'desc' },
      { sort: 'name', order: 'desc' },
      { sort: 'validUntil', order: 'asc', residency: 'in_country' },
    ] as const) {
      const expected = (await register.list(t.ctx, query, { limit: 200, offset: 0 })).items;
      const batches: string[][] = [];
      for await (const batch of await register.exportEntries(t.ctx, query, 2)) {
        batches.push(batch.map((item) => item.offeringName));
      }
      assert.deepEqual(
        batches.flat(),
        expected.map((item) => item.offeringName),
        JSON.stringify(query),
      );
      assert.ok(batches.every((batch) => batch.length <= 2));
    }
  });

  it('refuses a bad filter with a problem document naming the parameter', async () => {
    const cases: [string, string][] = [
      ['?level=platinum', '/level'],
      ['?serviceModel=faas', '/serviceModel'],
      ['?deploymentModel=community', '/deploymentModel'],
      ['?residency=abroad', '/residency'],
      ['?status=refused', '/status'],
      ['?sort=price', '/sort'],
      ['?order=up', '/order'],
      ['?limit=0', '/limit'],
      ['?limit=201', '/limit'],
      ['?offset=-1', '/offset'],
    ];
    for (const [query, pointer] of cases) {
      // The export has no paging: it writes every match.
      const paging = pointer === '/limit' || pointer === '/offset';
      for (const route of paging
        ? ['/api/v1/register']
        : ['/api/v1/register', '/api/v1/register.csv']) {
        const response = await get(`${route}${query}`);
        assert.equal(response.statusCode, 400, `${route}${query}: ${response.body}`);
        assert.match(String(response.headers['content-type']), /^application\/problem\+json/);
        const problem = response.json<Problem>();
        assert.ok(
          problem.errors?.some((e) => e.in === 'querystring' && e.pointer === pointer),
          `${route}${query}: ${response.body}`,
        );
      }
    }
    const level = (await get('/api/v1/register?level=platinum')).json<Problem>();
    assert.equal(level.code, 'unknown_level');
    assert.match(level.detail, /"platinum".*baseline, intermediate, enhanced, maximum/);
  });

  it('exports the matching offerings as CSV, with a file name, formula-like cells guarded', async () => {
    const response = await get('/api/v1/register.csv?status=accredited');
    assert.equal(response.statusCode, 200, response.body);
    assert.equal(response.headers['content-type'], 'text/csv; charset=utf-8');
    assert.equal(
      response.headers['content-disposition'],
      'attachment; filename="cloud-office-register-2026-06-01.csv"',
    );
    const lines = response.body.split('\r\n');
    assert.equal(lines.at(-1), '', 'every record ends with CRLF');
    assert.equal(
      lines[0],
      'offering_id,offering_name,provider_id,provider_name,service_model,deployment_model,status,' +
        'level_code,level_title,valid_from,valid_until,decided_on,suspended_from,' +
        'customer_data_countries,data_centre_countries,audit_firm_name',
    );
    assert.equal(lines.length, 1 + 4 + 1);
    assert.equal(
      lines[2],
      `${id('Alpha Mail')},Alpha Mail,${(await list('?q=alpha%20mail')).items[0]?.providerId},Alpha Cloud,saas,government,accredited,intermediate,Intermediate,2026-02-01,2028-02-01,2026-02-01,,PK,AE PK,Assurance Partners`,
    );
    assert.ok(
      lines[3]?.endsWith(`,PK,"'=HYPERLINK(""http://evil.example"",""audit"")"`),
      `the audit firm's formula-like name is quoted and defused: ${lines[3]}`,
    );
    assert.deepEqual(
      lines.slice(1, -1).map((line) => line.split(',')[1]),
      ['Alpha Compute', 'Alpha Mail', 'Epsilon Edge', 'Gamma Desk'],
    );

    const all = await get('/api/v1/register.csv?sort=level&order=desc');
    assert.deepEqual(
      all.body
        .split('\r\n')
        .slice(1, -1)
        .map((line) => line.split(',')[1]),
      await names('?sort=level&order=desc'),
      'the same order as the list',
    );
  });

  it('shows one offering with its history, data centres, certifications and responsibilities', async () => {
    const response = await get(`/api/v1/register/${compute.offeringId}`);
    assert.equal(response.statusCode, 200, response.body);
    const detail = response.json<Detail>();
    assert.equal(detail.offeringName, 'Alpha Compute');
    assert.equal(detail.description, 'Virtual machines in Pakistani data centres.');
    assert.equal(detail.status, 'accredited');
    assert.deepEqual(detail.level, { code: 'baseline', rank: 1, title: 'Baseline' });
    assert.deepEqual(detail.statusHistory, [
      { status: 'accredited', at: '2026-01-15T10:00:00.000Z' },
    ]);
    assert.deepEqual(detail.locations, [
      { country: 'PK', city: 'Karachi', purpose: 'customer_data' },
      { country: 'PK', city: 'Lahore', purpose: 'backup' },
    ]);
    assert.deepEqual(detail.certifications, [
      { scheme: 'iso27001', name: null, issuer: 'BSI', expiresOn: '2026-03-31', expired: true },
      { scheme: 'soc2', name: null, issuer: 'A-LIGN', expiresOn: '2027-06-30', expired: false },
    ]);
    assert.deepEqual(detail.responsibility, {
      provider: 1,
      customer: 0,
      shared: 1,
      notApplicable: 0,
      customerResponsibilities: [
        { controlId: 'co-dr-1', text: 'Choose the Karachi region for every bucket.' },
      ],
    });
    assert.equal(detail.openConditions, 1);
    assert.ok(!response.body.includes('operator'), 'operators and contacts are not public');
    assert.ok(!response.body.includes('C-9'), 'certificate numbers are not public');
  });

  it('tells the whole status history: renewal, suspension and reinstatement with reasons', async () => {
    const desk = (await get(`/api/v1/register/${id('Gamma Desk')}`)).json<Detail>();
    assert.deepEqual(desk.statusHistory, [
      { status: 'accredited', at: '2024-05-01T10:00:00.000Z' },
      { status: 'superseded', at: '2025-04-20T10:00:00.000Z' },
      { status: 'accredited', at: '2025-04-20T10:00:00.000Z' },
      { status: 'suspended', at: '2025-10-01T09:00:00.000Z', reason: 'Condition overdue' },
      { status: 'accredited', at: '2025-11-01T09:00:00.000Z', reason: 'Condition met' },
    ]);
    const analytics = (await get(`/api/v1/register/${id('Beta Analytics')}`)).json<Detail>();
    assert.deepEqual(analytics.statusHistory.at(-1), {
      status: 'revoked',
      at: '2026-03-01T12:00:00.000Z',
      reason: 'Data found outside the declared locations',
    });
    const archive = (await get(`/api/v1/register/${id('Gamma Archive')}`)).json<Detail>();
    assert.deepEqual(
      archive.statusHistory.map((change) => change.status),
      ['accredited', 'expired'],
    );
  });

  it('answers 404 for an offering never accredited, as for one that does not exist', async () => {
    for (const offeringId of [neverGranted, 'no-such-offering']) {
      for (const suffix of ['', '/component-definition.json']) {
        const response = await get(`/api/v1/register/${offeringId}${suffix}`);
        assert.equal(response.statusCode, 404, response.body);
        assert.match(String(response.headers['content-type']), /^application\/problem\+json/);
        assert.match(response.json<Problem>().detail, /only offerings that have been accredited/);
      }
    }
    assert.ok(neverGranted !== '');
  });

  it('downloads the responsibility matrix as an OSCAL component definition, without evidence', async () => {
    const response = await get(`/api/v1/register/${compute.offeringId}/component-definition.json`);
    assert.equal(response.statusCode, 200, response.body);
    assert.equal(response.headers['content-type'], 'application/json; charset=utf-8');
    assert.equal(
      response.headers['content-disposition'],
      'attachment; filename="alpha-compute-component-definition.json"',
    );
    assert.ok(!response.body.includes('doc-private-runbook'), 'evidence stays private');
    const document = response.json<ComponentDefinitionDocument>();
    const cd = document['component-definition'];
    assert.equal(cd['back-matter'], undefined);
    const implementation = cd.components?.[0]?.['control-implementations']?.[0];
    assert.ok(implementation);
    assert.equal(implementation.source, '/api/v1/levels/baseline/versions/1/profile.json');
    assert.deepEqual(
      implementation['implemented-requirements'].map((r) => r['control-id']),
      ['co-br-1', 'co-dr-1'],
      'only the controls of the pinned version',
    );
    if (!SHARED_DATA_MISSING) assert.deepEqual(officialSchemaErrors(document), []);
  });

  it('is listed in the OpenAPI document under its own tag', async () => {
    const openapi = (await get('/api/openapi.json')).json<{
      tags: { name: string }[];
      paths: Record<string, { get?: { tags?: string[] } }>;
    }>();
    assert.ok(openapi.tags.some((tag) => tag.name === 'register'));
    for (const route of [
      '/api/v1/register',
      '/api/v1/register.csv',
      '/api/v1/register/{offeringId}',
      '/api/v1/register/{offeringId}/component-definition.json',
    ]) {
      assert.deepEqual(openapi.paths[route]?.get?.tags, ['register'], route);
    }
  });
});
