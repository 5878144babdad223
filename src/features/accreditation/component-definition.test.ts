import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Catalog } from '../../oscal/model.js';
import {
  CLOUD_OFFICE_NS,
  componentDefinition,
  derivedUuid,
  type ComponentDefinitionInput,
} from './component-definition.js';
import type { ControlResponse } from './responses.js';

const UUID_V5 = /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const NOW = new Date('2026-11-28T10:00:00Z');

const CATALOG: Catalog = {
  uuid: '00000000-0000-4000-8000-000000000001',
  metadata: {
    title: 'Baseline',
    'last-modified': '2026-01-01T00:00:00Z',
    version: '1',
    'oscal-version': '1.1.2',
  },
  groups: [
    {
      id: 'br',
      title: 'Breach reporting',
      controls: [
        {
          id: 'co-br-1',
          title: 'Breach notice',
          parts: [{ id: 'co-br-1_smt', name: 'statement', prose: 'Notify within 24 hours.' }],
        },
        { id: 'co-br-2', title: 'Final report' },
        { id: 'co-br-3', title: 'Gone', props: [{ name: 'status', value: 'withdrawn' }] },
      ],
    },
    {
      id: 'dr',
      title: 'Data residency',
      controls: [
        {
          id: 'co-dr-1',
          title: 'In-country storage',
          parts: [{ id: 'co-dr-1_smt', name: 'statement', prose: 'Store data in the country.' }],
        },
      ],
    },
  ],
};

const RESPONSES: ControlResponse[] = [
  {
    controlId: 'co-dr-1',
    status: 'partial',
    responsibility: 'shared',
    narrative: 'Primary storage is in the country; backups move next quarter.',
    reason: null,
    evidenceDocumentIds: ['doc-a', 'doc-b'],
    customerResponsibility: 'Choose an in-country region for every workload.',
  },
  {
    controlId: 'co-br-2',
    status: 'not_applicable',
    responsibility: 'customer',
    narrative: '',
    reason: 'The customer writes its own final reports.',
    evidenceDocumentIds: [],
    customerResponsibility: 'Send the final report to the Cloud Office.',
  },
  {
    controlId: 'co-br-1',
    status: 'implemented',
    responsibility: 'provider',
    narrative: 'Our security operations centre notifies within the hour.',
    reason: null,
    evidenceDocumentIds: ['doc-a'],
    customerResponsibility: null,
  },
];

/** The value, or a failed test if it is missing. */
function defined<T>(value: T | undefined, what: string): T {
  assert.ok(value !== undefined, `${what} is present`);
  return value;
}

function input(over: Partial<ComponentDefinitionInput> = {}): ComponentDefinitionInput {
  return {
    offering: {
      id: 'offering-1',
      name: 'Acme Cloud Mail',
      description: 'E-mail for public bodies.',
      providerId: 'org-acme',
      providerName: 'Acme Cloud Ltd',
      serviceModel: 'saas',
      deploymentModel: 'government',
    },
    level: {
      code: 'baseline',
      title: 'Baseline',
      version: 1,
      profileHref: '/api/v1/levels/baseline/versions/1/profile.json',
    },
    responses: RESPONSES,
    resolvedCatalog: CATALOG,
    documents: [
      { id: 'doc-a', title: 'SOC runbook', mediaType: 'application/pdf', sha256: 'ab'.repeat(32) },
    ],
    now: NOW,
    uuid: () => '11111111-1111-4111-8111-111111111111',
    ...over,
  };
}

describe('componentDefinition', () => {
  const document = componentDefinition(input())['component-definition'];
  const component = defined(document.components?.[0], 'the component');
  const implementation = defined(component['control-implementations']?.[0], 'the implementation');
  const requirements = implementation['implemented-requirements'];
  const byId = new Map(requirements.map((r) => [r['control-id'], r]));
  const provider = document.metadata.parties?.[0]?.uuid;

  it('describes the document: fresh uuid, the time given, OSCAL 1.1.2, the provider as a party', () => {
    assert.equal(document.uuid, '11111111-1111-4111-8111-111111111111');
    assert.equal(document.metadata['last-modified'], '2026-11-28T10:00:00.000Z');
    assert.equal(document.metadata['oscal-version'], '1.1.2');
    assert.match(document.metadata.title, /Acme Cloud Mail.*Baseline \(version 1\)/);
    assert.deepEqual(document.metadata.parties, [
      { uuid: provider, type: 'organization', name: 'Acme Cloud Ltd' },
    ]);
    assert.deepEqual(
      document.metadata.roles?.map((r) => r.id),
      ['provider', 'customer'],
    );
    assert.deepEqual(document.metadata['responsible-parties'], [
      { 'role-id': 'provider', 'party-uuids': [provider] },
    ]);
  });

  it('has one service component whose controls come from the published level profile', () => {
    assert.equal(document.components?.length, 1);
    assert.equal(component.type, 'service');
    assert.equal(component.title, 'Acme Cloud Mail');
    assert.equal(implementation.source, '/api/v1/levels/baseline/versions/1/profile.json');
    assert.deepEqual(
      component.props?.map((p) => [p.name, p.value, p.ns]),
      [
        ['offering-id', 'offering-1', CLOUD_OFFICE_NS],
        ['service-model', 'saas', CLOUD_OFFICE_NS],
        ['deployment-model', 'government', CLOUD_OFFICE_NS],
      ],
    );
  });

  it('lists one requirement per answered control, in catalog order, whatever the order of the answers', () => {
    assert.deepEqual(
      requirements.map((r) => r['control-id']),
      ['co-br-1', 'co-br-2', 'co-dr-1'],
    );
  });

  it("states each status with OSCAL's implementation-status tokens, and the responsibility in our namespace", () => {
    const props = (id: string) => byId.get(id)?.props?.map((p) => [p.name, p.value, p.ns]);
    assert.deepEqual(props('co-br-1'), [
      ['implementation-status', 'implemented', undefined],
      ['responsibility', 'provider', CLOUD_OFFICE_NS],
    ]);
    assert.equal(byId.get('co-br-2')?.props?.[0]?.value, 'not-applicable');
    assert.equal(byId.get('co-dr-1')?.props?.[0]?.value, 'partial');
  });

  it('names who is responsible: the provider party, the customer role, or both when shared', () => {
    assert.deepEqual(byId.get('co-br-1')?.['responsible-roles'], [
      { 'role-id': 'provider', 'party-uuids': [provider] },
    ]);
    assert.deepEqual(byId.get('co-br-2')?.['responsible-roles'], [{ 'role-id': 'customer' }]);
    assert.deepEqual(byId.get('co-dr-1')?.['responsible-roles'], [
      { 'role-id': 'provider', 'party-uuids': [provider] },
      { 'role-id': 'customer' },
    ]);
  });

  it("puts the customer's part on the control's statement, owned by the customer role", () => {
    const statements = defined(byId.get('co-dr-1')?.statements, 'statements');
    assert.equal(statements.length, 1);
    const [statement] = statements;
    assert.equal(statement?.['statement-id'], 'co-dr-1_smt');
    assert.equal(statement.description, 'Choose an in-country region for every workload.');
    assert.deepEqual(statement['responsible-roles'], [{ 'role-id': 'customer' }]);
    assert.equal(byId.get('co-br-1')?.statements, undefined);
  });

  it('falls back to remarks for a control without a statement part, with the not-applicable reason first', () => {
    const na = defined(byId.get('co-br-2'), 'co-br-2');
    assert.equal(na.statements, undefined);
    assert.equal(
      na.remarks,
      'Not applicable: The customer writes its own final reports.\n\n' +
        'Customer responsibility: Send the final report to the Cloud Office.',
    );
    // With no narrative, the description says why the control does not apply.
    assert.equal(na.description, 'Not applicable: The customer writes its own final reports.');
    assert.equal(
      byId.get('co-br-1')?.description,
      'Our security operations centre notifies within the hour.',
    );
  });

  it('describes each evidence document once in back-matter and links to it from every control citing it', () => {
    const resources = document['back-matter']?.resources ?? [];
    assert.deepEqual(
      resources.map((r) => r.title),
      ['SOC runbook', 'Document doc-b'],
    );
    const a = defined(resources[0], 'the first resource');
    const b = defined(resources[1], 'the second resource');
    assert.deepEqual(a.rlinks, [
      {
        href: '/api/v1/documents/doc-a/content',
        'media-type': 'application/pdf',
        hashes: [{ algorithm: 'SHA-256', value: 'ab'.repeat(32) }],
      },
    ]);
    assert.deepEqual(b.rlinks, [{ href: '/api/v1/documents/doc-b/content' }]);
    assert.deepEqual(
      byId.get('co-br-1')?.links?.map((l) => [l.href, l.rel]),
      [[`#${a.uuid}`, 'evidence']],
    );
    assert.deepEqual(
      byId.get('co-dr-1')?.links?.map((l) => l.href),
      [`#${a.uuid}`, `#${b.uuid}`],
    );
    assert.equal(byId.get('co-br-2')?.links, undefined);
  });

  it('leaves evidence out when asked (the public download)', () => {
    const bare = componentDefinition(input({ includeEvidence: false }))['component-definition'];
    assert.equal(bare['back-matter'], undefined);
    const listed = bare.components?.[0]?.['control-implementations']?.[0]?.[
      'implemented-requirements'
    ].map((r) => r.links);
    assert.deepEqual(listed, [undefined, undefined, undefined]);
  });

  it('uses a document address the caller gives', () => {
    const other = componentDefinition(
      input({ documentAddress: (id) => `https://office.example/d/${id}` }),
    );
    const hrefs = other['component-definition']['back-matter']?.resources?.map(
      (r) => r.rlinks?.[0]?.href,
    );
    assert.deepEqual(hrefs, ['https://office.example/d/doc-a', 'https://office.example/d/doc-b']);
  });

  it('keeps every inner uuid across exports (v5, from the offering), and changes only the document uuid and time', () => {
    const again = componentDefinition(
      input({
        now: new Date('2027-01-01T00:00:00Z'),
        uuid: () => '22222222-2222-4222-8222-222222222222',
      }),
    )['component-definition'];
    assert.notEqual(again.uuid, document.uuid);
    assert.deepEqual(again.components, document.components);
    assert.deepEqual(again['back-matter'], document['back-matter']);
    assert.equal(again.metadata.version, document.metadata.version);
    assert.match(component.uuid, UUID_V5);
    for (const r of requirements) assert.match(r.uuid, UUID_V5);
    const uuids = [component.uuid, implementation.uuid, ...requirements.map((r) => r.uuid)];
    assert.equal(new Set(uuids).size, uuids.length, 'derived uuids are distinct');
  });

  it('gives another offering other uuids, and changes the default version when an answer changes', () => {
    const other = componentDefinition(
      input({ offering: { ...input().offering, id: 'offering-2' } }),
    )['component-definition'];
    assert.notEqual(other.components?.[0]?.uuid, component.uuid);
    const edited = componentDefinition(
      input({ responses: RESPONSES.map((r) => ({ ...r, narrative: `${r.narrative} Edited.` })) }),
    )['component-definition'];
    assert.notEqual(edited.metadata.version, document.metadata.version);
    assert.match(document.metadata.version, /^[0-9a-f]{16}$/);
    assert.equal(
      componentDefinition(input({ version: '3.1' }))['component-definition'].metadata.version,
      '3.1',
    );
  });

  it('describes the service alone while nothing is answered (OSCAL needs one requirement per implementation)', () => {
    const empty = componentDefinition(input({ responses: [] }))['component-definition'];
    assert.equal(empty.components?.[0]?.['control-implementations'], undefined);
    assert.equal(empty['back-matter'], undefined);
  });

  it('refuses answers to controls the level does not have, or that are withdrawn', () => {
    const stray = { ...defined(RESPONSES[2], 'an answer'), controlId: 'ac-99' };
    assert.throws(
      () => componentDefinition(input({ responses: [stray] })),
      /do(es)? not have: ac-99/,
    );
    const withdrawn = { ...defined(RESPONSES[2], 'an answer'), controlId: 'co-br-3' };
    assert.throws(
      () => componentDefinition(input({ responses: [withdrawn] })),
      /co-br-3 is withdrawn/,
    );
  });
});

describe('derivedUuid', () => {
  it('is a version-5 uuid, the same for the same name and different for another', () => {
    assert.match(derivedUuid('a'), UUID_V5);
    assert.equal(derivedUuid('a'), derivedUuid('a'));
    assert.notEqual(derivedUuid('a'), derivedUuid('b'));
  });
});
