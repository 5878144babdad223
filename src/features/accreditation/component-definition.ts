import { createHash } from 'node:crypto';
import type {
  ComponentDefinition,
  ComponentImplementedRequirement,
  ComponentStatement,
  DefinedComponent,
  ResponsibleRole,
} from '../../oscal/component-definition.js';
import type { Catalog, Control, Property, Resource } from '../../oscal/model.js';
import { forEachControl } from '../../oscal/walk.js';
import { isWithdrawn } from '../catalogs/flatten.js';
import type { ControlResponse, Responsibility, ResponseStatus } from './responses.js';

/**
 * An offering's control responses as an OSCAL 1.1.2 component definition (issue 5, item 5): the
 * customer responsibility matrix that a public body, or its tools, can take into its own system
 * security plan. Pure: the caller gives the facts, the clock and a uuid source.
 *
 * How our answers map onto OSCAL, and why:
 * - One component of type `service` (the offering), with one `control-implementation` whose
 *   `source` is the published level version's profile address: the controls are that profile's.
 * - One `implemented-requirement` per answered control, in catalog order; the narrative is its
 *   `description`.
 * - Status: OSCAL 1.1.2 gives component definitions no `implementation-status` field (only the
 *   SSP has one; usnistgov/OSCAL#1300), so it is a prop named `implementation-status` in the OSCAL
 *   namespace with the SSP's state tokens (`implemented`, `partial`, `planned`, `not-applicable`),
 *   the prop name compliance-trestle also uses for it. The reason a control does not apply goes
 *   in `remarks`, as the SSP puts it in the status's remarks.
 * - Responsibility: `responsible-roles` name `provider` (OSCAL's own role for the organisation that
 *   provides a component, given the provider's party) and/or `customer` (no party: whichever
 *   public body uses the offering), plus a prop `responsibility` in our namespace with our value.
 * - What the customer must do: the SSP's `export/responsibility` (what FedRAMP's OSCAL CRM uses)
 *   does not exist in 1.1.2 component definitions, so it is a `statement` on the control's own
 *   statement part whose `responsible-roles` is `customer`: OSCAL's own place, in 1.1.2, for
 *   text about one statement and who owns it. A control without a statement part gets it in
 *   `remarks`.
 * - Evidence: one back-matter `resource` per document (prop `type` = `evidence`, its download
 *   address, media type and SHA-256), linked from each requirement by `#uuid` with rel `evidence`,
 *   so a document cited by many controls is described once. The address needs the right to read
 *   the document; `includeEvidence: false` leaves evidence out (the public register's download).
 *
 * Identifiers: the document's `uuid` is new at every export (OSCAL asks for a new one per
 * revision). Every other uuid is derived (UUID v5) from the offering id and what it names, so the
 * component, the control implementation, each requirement and each evidence resource keep one uuid
 * across exports and a consumer can follow them, and the same answers give the same content.
 */

/** Our OSCAL namespace for props that OSCAL does not define (shared with content/oscal). */
export const CLOUD_OFFICE_NS = 'urn:cloud-office:oscal';

export const OSCAL_VERSION = '1.1.2';

export interface OfferingFacts {
  id: string;
  name: string;
  description: string;
  /** The provider's organization id, if known: it keeps the provider party's uuid stable. */
  providerId?: string;
  providerName: string;
  /** iaas, paas or saas. */
  serviceModel: string;
  /** public, government, private or hybrid. */
  deploymentModel?: string;
}

export interface LevelFacts {
  code: string;
  title: string;
  version: number;
  /** The published version's profile address, e.g. /api/v1/levels/baseline/versions/1/profile.json. */
  profileHref: string;
}

/** What is known of an evidence document; ids with no entry are still listed, by id. */
export interface EvidenceDocument {
  id: string;
  title: string;
  mediaType?: string;
  /** Hex SHA-256 of the stored bytes. */
  sha256?: string;
}

export interface ComponentDefinitionInput {
  offering: OfferingFacts;
  level: LevelFacts;
  /** Validated against `resolvedCatalog` (`validateResponses`). */
  responses: readonly ControlResponse[];
  /** The resolved catalog of the level version named by `level`. */
  resolvedCatalog: Catalog;
  documents?: readonly EvidenceDocument[];
  now: Date;
  /** A fresh uuid for the document itself. */
  uuid: () => string;
  /** The document's version; by default a digest of its content, so it changes when that does. */
  version?: string;
  /** Where a document is downloaded from; by default the API's content address. */
  documentAddress?: (id: string) => string;
  /**
   * Whether to list evidence (default true). The public register's download leaves it out: the
   * documents are readable only by those allowed, and even their titles are the provider's.
   */
  includeEvidence?: boolean;
}

export interface ComponentDefinitionDocument {
  'component-definition': ComponentDefinition;
}

/** The API address of a stored document's bytes. */
export function defaultDocumentAddress(id: string): string {
  return `/api/v1/documents/${encodeURIComponent(id)}/content`;
}

/** OSCAL's implementation state tokens for our statuses. */
export const IMPLEMENTATION_STATE: Record<ResponseStatus, string> = {
  implemented: 'implemented',
  partial: 'partial',
  planned: 'planned',
  not_applicable: 'not-applicable',
};

// A fixed namespace for our derived uuids (itself a random v4 uuid, chosen once).
const UUID_NAMESPACE = Buffer.from('6a1d7c2e9f4b4e0a8d3c5b7e1f2a9c40', 'hex');

/** An RFC 9562 version-5 uuid for `name` in our namespace: the same name, the same uuid. */
export function derivedUuid(name: string): string {
  const hash = createHash('sha1').update(UUID_NAMESPACE).update(name, 'utf8').digest();
  const bytes = hash.subarray(0, 16);
  bytes[6] = ((bytes[6] ?? 0) & 0x0f) | 0x50;
  bytes[8] = ((bytes[8] ?? 0) & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

const ns = (name: string, value: string): Property => ({ name, value, ns: CLOUD_OFFICE_NS });

/** The id of a control's statement part, which a `statement` must point at. */
function statementPartId(control: Control): string | undefined {
  return control.parts?.find((part) => part.name === 'statement' && part.id)?.id;
}

function rolesFor(responsibility: Responsibility, providerParty: string): ResponsibleRole[] {
  const provider: ResponsibleRole = { 'role-id': 'provider', 'party-uuids': [providerParty] };
  const customer: ResponsibleRole = { 'role-id': 'customer' };
  switch (responsibility) {
    case 'provider':
      return [provider];
    case 'customer':
      return [customer];
    case 'shared':
      return [provider, customer];
  }
}

/** Builds the component definition; throws if a response names a control the level does not require. */
export function componentDefinition(input: ComponentDefinitionInput): ComponentDefinitionDocument {
  const { offering, level, resolvedCatalog } = input;
  const address = input.documentAddress ?? defaultDocumentAddress;
  const seed = (what: string): string => derivedUuid(`offering:${offering.id}:${what}`);
  const providerParty = derivedUuid(`party:${offering.providerId ?? offering.providerName}`);
  const levelKey = `level:${level.code}@${level.version}`;

  const byControl = new Map(input.responses.map((r) => [r.controlId, r]));
  const known = new Map((input.documents ?? []).map((d) => [d.id, d]));
  const resources = new Map<string, Resource>();
  const evidenceLink = (id: string) => {
    let resource = resources.get(id);
    if (!resource) {
      const facts = known.get(id);
      resource = {
        uuid: seed(`document:${id}`),
        title: facts?.title ?? `Document ${id}`,
        props: [{ name: 'type', value: 'evidence' }, ns('document-id', id)],
        rlinks: [
          {
            href: address(id),
            ...(facts?.mediaType ? { 'media-type': facts.mediaType } : {}),
            ...(facts?.sha256 ? { hashes: [{ algorithm: 'SHA-256', value: facts.sha256 }] } : {}),
          },
        ],
      };
      resources.set(id, resource);
    }
    return { href: `#${resource.uuid}`, rel: 'evidence', text: resource.title };
  };

  function implementedRequirement(
    control: Control,
    response: ControlResponse,
  ): ComponentImplementedRequirement {
    const key = `${levelKey}:control:${control.id}`;
    const remarks: string[] = [];
    if (response.status === 'not_applicable' && response.reason) {
      remarks.push(`Not applicable: ${response.reason.trim()}`);
    }
    const statements: ComponentStatement[] = [];
    if (response.responsibility !== 'provider' && response.customerResponsibility) {
      const statementId = statementPartId(control);
      if (statementId) {
        statements.push({
          'statement-id': statementId,
          uuid: seed(`${key}:customer`),
          description: response.customerResponsibility.trim(),
          props: [ns('responsibility', 'customer')],
          'responsible-roles': [{ 'role-id': 'customer' }],
        });
      } else {
        remarks.push(`Customer responsibility: ${response.customerResponsibility.trim()}`);
      }
    }
    const narrative = response.narrative.trim();
    const requirement: ComponentImplementedRequirement = {
      uuid: seed(key),
      'control-id': control.id,
      description:
        narrative !== '' ? narrative : `Not applicable: ${(response.reason ?? '').trim()}`,
      props: [
        { name: 'implementation-status', value: IMPLEMENTATION_STATE[response.status] },
        ns('responsibility', response.responsibility),
      ],
      'responsible-roles': rolesFor(response.responsibility, providerParty),
    };
    const links =
      input.includeEvidence === false ? [] : response.evidenceDocumentIds.map(evidenceLink);
    if (links.length > 0) requirement.links = links;
    if (statements.length > 0) requirement.statements = statements;
    if (remarks.length > 0) requirement.remarks = remarks.join('\n\n');
    return requirement;
  }

  const requirements: ComponentImplementedRequirement[] = [];
  forEachControl(resolvedCatalog, (control) => {
    const response = byControl.get(control.id);
    if (!response) return;
    byControl.delete(control.id);
    if (isWithdrawn(control)) {
      throw new Error(`${control.id} is withdrawn; validate responses before building`);
    }
    requirements.push(implementedRequirement(control, response));
  });
  if (byControl.size > 0) {
    throw new Error(
      `responses name controls that ${level.title} version ${level.version} does not have: ${[...byControl.keys()].join(', ')}`,
    );
  }

  const component: DefinedComponent = {
    uuid: seed('component'),
    type: 'service',
    title: offering.name,
    description: offering.description.trim() || offering.name,
    props: [
      ns('offering-id', offering.id),
      ns('service-model', offering.serviceModel),
      ...(offering.deploymentModel ? [ns('deployment-model', offering.deploymentModel)] : []),
    ],
    'responsible-roles': [{ 'role-id': 'provider', 'party-uuids': [providerParty] }],
  };
  // OSCAL requires at least one implemented requirement per control implementation, so an
  // offering with no answers yet describes the service alone.
  if (requirements.length > 0) {
    component['control-implementations'] = [
      {
        uuid: seed(`${levelKey}:implementation`),
        source: level.profileHref,
        description:
          `How ${offering.name} meets the controls of the ${level.title} security level ` +
          `(version ${level.version}): for each control, how far it is implemented, who is ` +
          'responsible (the provider, the customer or both), and what the customer must do.',
        props: [ns('level', level.code), ns('level-version', String(level.version))],
        'implemented-requirements': requirements,
      },
    ];
  }

  const body = {
    components: [component],
    ...(resources.size > 0 ? { 'back-matter': { resources: [...resources.values()] } } : {}),
  };
  const version = input.version ?? contentDigest(body);
  return {
    'component-definition': {
      uuid: input.uuid(),
      metadata: {
        title: `${offering.name}: customer responsibility matrix for ${level.title} (version ${level.version})`,
        'last-modified': input.now.toISOString(),
        version,
        'oscal-version': OSCAL_VERSION,
        props: [
          ns('offering-id', offering.id),
          ns('level', level.code),
          ns('level-version', String(level.version)),
        ],
        roles: [
          { id: 'provider', title: 'Cloud service provider' },
          { id: 'customer', title: 'Customer (the public body using the offering)' },
        ],
        parties: [{ uuid: providerParty, type: 'organization', name: offering.providerName }],
        'responsible-parties': [{ 'role-id': 'provider', 'party-uuids': [providerParty] }],
      },
      ...body,
    },
  };
}

/** The first 16 hex digits of the SHA-256 of the content: a version that moves with the content. */
function contentDigest(body: unknown): string {
  return createHash('sha256').update(JSON.stringify(body)).digest('hex').slice(0, 16);
}
