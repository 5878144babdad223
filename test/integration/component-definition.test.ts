// An offering's answers against a resolved security level, downloaded as an OSCAL component
// definition (issue 5, items 2 and 5): the shipped levels resolved from content/oscal, answers to
// every control they require, and the document checked against the official OSCAL v1.1.2 schema
// and for the cross-references the schema cannot see. Our own validator (src/oscal/validate.ts)
// covers catalogs and profiles only, which we import; component definitions we only write, so the
// official schema is the referee here.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import {
  componentDefinition,
  type ComponentDefinitionDocument,
} from '../../src/features/accreditation/component-definition.js';
import {
  progress,
  RESPONSE_STATUSES,
  RESPONSIBILITIES,
  validateResponses,
  type ControlResponse,
} from '../../src/features/accreditation/responses.js';
import { isWithdrawn } from '../../src/features/catalogs/flatten.js';
import { parseOscal } from '../../src/oscal/document.js';
import type { Catalog, Part } from '../../src/oscal/model.js';
import { resolveProfile } from '../../src/oscal/resolve/index.js';
import { folderSource } from '../../src/oscal/sources.js';
import { allControls } from '../../src/oscal/walk.js';
import { officialSchemaErrors } from '../helpers/oscal-schema.js';
import { NIST_REV5_DIR, SHARED_DATA_MISSING } from '../helpers/shared-data.js';

const CONTENT_DIR = path.resolve(import.meta.dirname, '..', '..', 'content', 'oscal');
const NOW = new Date('2026-11-28T12:00:00Z');

async function resolveLevel(code: string, folders: string[]): Promise<Catalog> {
  const file = path.join(CONTENT_DIR, `level-${code}.json`);
  const document = parseOscal(fs.readFileSync(file, 'utf8'), { name: file });
  assert.equal(document.kind, 'profile');
  const { catalog } = await resolveProfile(document.profile, {
    source: folderSource(folders),
    uri: file,
    now: NOW,
    // Without the NIST catalog, a level resolves with our own controls alone.
    missingImports: folders.includes(NIST_REV5_DIR) ? 'error' : 'report',
  });
  return catalog;
}

/** An answer to every control the level requires, cycling through every status and responsibility. */
function answerAll(catalog: Catalog): ControlResponse[] {
  return allControls(catalog)
    .filter((control) => !isWithdrawn(control))
    .map((control, i) => {
      const status = RESPONSE_STATUSES[i % RESPONSE_STATUSES.length] ?? 'implemented';
      const responsibility = RESPONSIBILITIES[(i % 7) % RESPONSIBILITIES.length] ?? 'provider';
      return {
        controlId: control.id,
        status,
        responsibility,
        narrative:
          status === 'not_applicable' ? '' : `How we meet ${control.title}: *see* the runbook.`,
        reason: status === 'not_applicable' ? 'The service has no such component.' : null,
        evidenceDocumentIds: status === 'implemented' ? [`doc-${i % 5}`] : [],
        customerResponsibility:
          responsibility === 'provider' ? null : `Configure ${control.title} in your tenancy.`,
      };
    });
}

function build(catalog: Catalog, responses: ControlResponse[]): ComponentDefinitionDocument {
  return componentDefinition({
    offering: {
      id: 'offering-acme-mail',
      name: 'Acme Cloud Mail',
      description: 'Hosted e-mail and calendars for public bodies.',
      providerId: 'org-acme',
      providerName: 'Acme Cloud (Private) Limited',
      serviceModel: 'saas',
      deploymentModel: 'government',
    },
    level: {
      code: 'baseline',
      title: 'Baseline',
      version: 1,
      profileHref: '/api/v1/levels/baseline/versions/1/profile.json',
    },
    responses,
    resolvedCatalog: catalog,
    documents: [
      {
        id: 'doc-0',
        title: 'Incident runbook',
        mediaType: 'application/pdf',
        sha256: 'c3'.repeat(32),
      },
    ],
    now: NOW,
    uuid: () => '3f1e8a52-6b7d-4c9e-a0f1-2d3c4b5a6978',
  });
}

/** The cross-references OSCAL requires but a JSON schema cannot check; one line per broken one. */
function brokenReferences(document: ComponentDefinitionDocument, catalog: Catalog): string[] {
  const cd = document['component-definition'];
  const problems: string[] = [];
  const roles = new Set(cd.metadata.roles?.map((r) => r.id));
  const parties = new Set(cd.metadata.parties?.map((p) => p.uuid));
  const resources = new Set(cd['back-matter']?.resources?.map((r) => r.uuid));
  const controls = new Map(allControls(catalog).map((c) => [c.id, c]));
  const partIds = (parts: Part[] | undefined): string[] =>
    (parts ?? []).flatMap((p) => [...(p.id ? [p.id] : []), ...partIds(p.parts)]);
  const uuids: string[] = [cd.uuid];
  for (const component of cd.components ?? []) {
    uuids.push(component.uuid);
    for (const implementation of component['control-implementations'] ?? []) {
      uuids.push(implementation.uuid);
      for (const requirement of implementation['implemented-requirements']) {
        uuids.push(requirement.uuid);
        const control = controls.get(requirement['control-id']);
        if (!control) problems.push(`${requirement['control-id']} is not in the level`);
        const roleHolders = [
          ...(requirement['responsible-roles'] ?? []),
          ...(requirement.statements ?? []).flatMap((s) => s['responsible-roles'] ?? []),
        ];
        for (const role of roleHolders) {
          if (!roles.has(role['role-id'])) problems.push(`role ${role['role-id']} is not defined`);
          for (const party of role['party-uuids'] ?? []) {
            if (!parties.has(party)) problems.push(`party ${party} is not defined`);
          }
        }
        for (const statement of requirement.statements ?? []) {
          uuids.push(statement.uuid);
          if (!partIds(control?.parts).includes(statement['statement-id'])) {
            problems.push(
              `${statement['statement-id']} is not a part of ${requirement['control-id']}`,
            );
          }
        }
        for (const link of requirement.links ?? []) {
          if (!resources.has(link.href.slice(1))) problems.push(`${link.href} names no resource`);
        }
      }
    }
  }
  uuids.push(...resources);
  if (new Set(uuids).size !== uuids.length) problems.push('two objects share a uuid');
  return problems;
}

describe('a component definition from answers to a shipped level (our controls only)', () => {
  it(
    'covers every control, keeps its references, and is valid OSCAL 1.1.2',
    { skip: false },
    async () => {
      const catalog = await resolveLevel('baseline', [CONTENT_DIR]);
      const responses = answerAll(catalog);
      assert.equal(responses.length, 59, "Baseline's own controls (content/README.md)");
      assert.deepEqual(validateResponses(catalog, responses), []);
      assert.equal(progress(catalog, responses).complete, true);

      const document = build(catalog, responses);
      const requirements =
        document['component-definition'].components?.[0]?.['control-implementations']?.[0]?.[
          'implemented-requirements'
        ] ?? [];
      assert.deepEqual(
        requirements.map((r) => r['control-id']),
        responses.map((r) => r.controlId),
      );
      assert.ok(
        requirements.some((r) => (r.statements?.length ?? 0) > 0),
        'customer parts are statements',
      );
      assert.deepEqual(brokenReferences(document, catalog), []);
      if (!SHARED_DATA_MISSING) {
        assert.deepEqual(officialSchemaErrors(document).slice(0, 10), []);
      }
    },
  );
});

describe(
  'a component definition from answers to the full shipped levels (with NIST SP 800-53)',
  { skip: SHARED_DATA_MISSING },
  () => {
    for (const code of ['baseline', 'maximum'] as const) {
      it(`${code}: every control answered, valid against the official OSCAL v1.1.2 schema`, async () => {
        const catalog = await resolveLevel(code, [CONTENT_DIR, NIST_REV5_DIR]);
        const responses = answerAll(catalog);
        assert.equal(responses.length, code === 'baseline' ? 208 : 486, 'content/README.md counts');
        assert.deepEqual(validateResponses(catalog, responses), []);
        const document = build(catalog, responses);
        assert.deepEqual(officialSchemaErrors(document).slice(0, 10), []);
        assert.deepEqual(brokenReferences(document, catalog), []);
      });
    }

    it('with a partial set of answers it is still valid, and lists only what is answered', async () => {
      const catalog = await resolveLevel('baseline', [CONTENT_DIR, NIST_REV5_DIR]);
      const some = answerAll(catalog).filter((_, i) => i % 3 === 0);
      const document = build(catalog, some);
      assert.deepEqual(officialSchemaErrors(document), []);
      const listed =
        document['component-definition'].components?.[0]?.['control-implementations']?.[0]?.[
          'implemented-requirements'
        ].length;
      assert.equal(listed, some.length);
    });

    it('the schema referee does catch a broken component definition', async () => {
      const catalog = await resolveLevel('baseline', [CONTENT_DIR]);
      const document = build(catalog, answerAll(catalog));
      const broken = structuredClone(document) as unknown as {
        'component-definition': { components: { type: string; title?: string }[] };
      };
      delete broken['component-definition'].components[0]?.title;
      assert.notDeepEqual(officialSchemaErrors(broken), []);
    });
  },
);
