import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Kysely } from 'kysely';
import { Type, type Static } from 'typebox';
import type { AppContext } from '../../context.js';
import type { Database } from '../../db/schema.js';
import { access, actorOf, requestContext } from '../identity/access.js';
import { countryName } from '../offerings/countries.js';
import * as repo from './systems-repo.js';
import * as service from './systems-service.js';

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(schema: T) =>
  Type.Union([schema, Type.Null()]);
const Text = (maxLength: number) => Type.String({ minLength: 1, maxLength, pattern: '\\S' });
const IdParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 64 }) });

const HostingKindSchema = Type.Union([
  Type.Literal('offering'),
  Type.Literal('private_cloud'),
  Type.Literal('on_premises'),
]);

const Hosting = Type.Object(
  {
    kind: HostingKindSchema,
    offeringId: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 64,
        description: 'With kind "offering": the cloud service offering (see the register)',
      }),
    ),
    name: Type.Optional(Text(200)),
    country: Type.Optional(
      Type.String({
        minLength: 2,
        maxLength: 2,
        description: 'ISO 3166-1 alpha-2, in capitals (PK)',
      }),
    ),
    operator: Type.Optional(Text(200)),
  },
  {
    additionalProperties: false,
    description:
      'An offering ({"kind": "offering", "offeringId"}), or a private cloud or on-premises ' +
      'facility described by name, country and operator',
  },
);

const Fields = {
  name: Type.String({ minLength: 2, maxLength: 200, pattern: '\\S' }),
  purpose: Text(5000),
  owner: Type.Object(
    { name: Text(200), email: Type.String({ format: 'email', maxLength: 254 }) },
    { additionalProperties: false, description: 'Who answers for the system' },
  ),
  users: Type.Object(
    {
      description: Text(2000),
      approximateCount: Type.Integer({ minimum: 0, maximum: 1_000_000_000 }),
    },
    { additionalProperties: false, description: 'Who uses the system, and roughly how many' },
  ),
  currentHosting: Type.Optional(Nullable(Hosting)),
  proposedHosting: Type.Optional(Nullable(Hosting)),
};

const HostingView = Type.Object({
  kind: HostingKindSchema,
  /** With kind offering; name and provider null if the offering no longer exists. */
  offering: Nullable(
    Type.Object({
      id: Type.String(),
      name: Nullable(Type.String()),
      providerName: Nullable(Type.String()),
    }),
  ),
  facility: Nullable(
    Type.Object({
      name: Type.String(),
      country: Type.String(),
      countryName: Type.String(),
      operator: Type.String(),
    }),
  ),
});

const SystemView = Type.Object({
  id: Type.String(),
  organization: Type.Object({ id: Type.String(), name: Type.String() }),
  name: Type.String(),
  purpose: Type.String(),
  owner: Type.Object({ name: Type.String(), email: Type.String() }),
  users: Type.Object({ description: Type.String(), approximateCount: Type.Integer() }),
  currentHosting: Nullable(HostingView),
  proposedHosting: Nullable(HostingView),
  classCode: Nullable(Type.String({ description: 'The class in force; null until classified' })),
  status: Type.Union([Type.Literal('active'), Type.Literal('archived')]),
  createdAt: Type.String(),
  updatedAt: Type.String(),
  archivedAt: Nullable(Type.String()),
});

const Impact = Type.String({ maxLength: 40, description: 'none, low, moderate or high' });
const Questionnaire = Type.Object(
  {
    informationTypes: Type.Array(
      Type.Object(
        {
          name: Type.Optional(Type.String({ maxLength: 200 })),
          confidentiality: Type.Optional(Impact),
          integrity: Type.Optional(Impact),
          availability: Type.Optional(Impact),
          markings: Type.Optional(
            Type.Array(Type.String({ maxLength: 100 }), {
              maxItems: 50,
              description: "Markings from the policy's list (e.g. national_security); [] for none",
            }),
          ),
        },
        { additionalProperties: false },
      ),
      {
        maxItems: 500,
        description: 'Each kind of information the system holds, with its FIPS 199 impacts',
      },
    ),
  },
  { additionalProperties: false },
);

const ImpactView = Type.Union([
  Type.Literal('none'),
  Type.Literal('low'),
  Type.Literal('moderate'),
  Type.Literal('high'),
]);
const ClassificationView = Type.Object({
  systemId: Type.String(),
  revision: Type.Integer(),
  classCode: Type.String(),
  className: Type.String(),
  securityCategory: Type.Object({
    confidentiality: ImpactView,
    integrity: ImpactView,
    availability: ImpactView,
  }),
  informationTypes: Type.Array(
    Type.Object({
      name: Type.String(),
      confidentiality: ImpactView,
      integrity: ImpactView,
      availability: ImpactView,
      markings: Type.Array(Type.String()),
      classCode: Type.String(),
      className: Type.String(),
      reason: Type.String(),
    }),
  ),
  rationale: Type.Array(Type.String()),
  policyVersion: Type.Integer(),
  classifiedAt: Type.String(),
  classifiedBy: Nullable(Type.Object({ userId: Type.String(), name: Nullable(Type.String()) })),
});

type Offerings = Map<string, { name: string; providerName: string }>;

function presentHosting(
  hosting: service.HostingInput | null,
  offerings: Offerings,
): Static<typeof HostingView> | null {
  if (hosting === null) return null;
  if (hosting.kind === 'offering') {
    const id = hosting.offeringId ?? '';
    const found = offerings.get(id);
    return {
      kind: hosting.kind,
      offering: { id, name: found?.name ?? null, providerName: found?.providerName ?? null },
      facility: null,
    };
  }
  const country = hosting.country ?? '';
  return {
    kind: hosting.kind,
    offering: null,
    facility: {
      name: hosting.name ?? '',
      country,
      countryName: country === '' ? '' : countryName(country),
      operator: hosting.operator ?? '',
    },
  };
}

function presentSystem(row: repo.SystemRecord, offerings: Offerings): Static<typeof SystemView> {
  return {
    id: row.id,
    organization: { id: row.organization_id, name: row.organization_name },
    name: row.name,
    purpose: row.purpose,
    owner: { name: row.owner_name, email: row.owner_email },
    users: { description: row.users_description, approximateCount: row.users_count },
    currentHosting: presentHosting(service.hostingOf(row, 'current'), offerings),
    proposedHosting: presentHosting(service.hostingOf(row, 'proposed'), offerings),
    classCode: row.class_code,
    status: row.status,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    archivedAt: row.archived_at,
  };
}

/** Systems as the API shows them, with the names of the offerings they run on. */
async function presentSystems(
  db: Kysely<Database>,
  rows: readonly repo.SystemRecord[],
): Promise<Static<typeof SystemView>[]> {
  const ids = rows.flatMap((r) => [r.current_offering_id, r.proposed_offering_id]);
  const offerings = await repo.offeringNames(
    db,
    [...new Set(ids)].filter((id): id is string => id !== null),
  );
  return rows.map((row) => presentSystem(row, offerings));
}

async function presentOne(
  db: Kysely<Database>,
  row: repo.SystemRecord,
): Promise<Static<typeof SystemView>> {
  const [view] = await presentSystems(db, [row]);
  if (!view) throw new Error('unreachable: one system in, one view out');
  return view;
}

function presentClassification(
  systemId: string,
  view: service.ClassificationView,
): Static<typeof ClassificationView> {
  const names = new Map(view.pack.classes.map((c) => [c.code, c.name]));
  const name = (code: string) => names.get(code) ?? code;
  const { record, classification, answers } = view;
  return {
    systemId,
    revision: record.revision,
    classCode: classification.classCode,
    className: name(classification.classCode),
    securityCategory: classification.securityCategory,
    informationTypes: answers.informationTypes.map((type, i) => {
      const result = classification.perType[i];
      return {
        name: type.name,
        confidentiality: type.confidentiality,
        integrity: type.integrity,
        availability: type.availability,
        markings: type.markings,
        classCode: result?.classCode ?? '',
        className: name(result?.classCode ?? ''),
        reason: result?.reason ?? '',
      };
    }),
    rationale: classification.rationale,
    policyVersion: record.policy_version,
    classifiedAt: record.classified_at,
    classifiedBy:
      record.classified_by_user_id === null
        ? null
        : { userId: record.classified_by_user_id, name: record.classified_by_name },
  };
}

/** Who may read systems: the Cloud Office (all) and PSEs (their own; the tenant check sees to it). */
const readRule = access.signedIn({ organizationKinds: ['cloud_office', 'pse'] });
const writeRule = access.signedIn({
  organizationKinds: ['pse'],
  roles: service.SYSTEM_EDITOR_ROLES,
});
const archiveRule = access.signedIn({
  organizationKinds: ['pse'],
  roles: service.SYSTEM_ARCHIVER_ROLES,
});
const resource = { type: 'pse_system', param: 'id' } as const;

/** PSE systems and their classification (issue 6). */
export const pseSystemRoutes: FastifyPluginAsyncTypebox<{ ctx: AppContext }> = async (
  app,
  { ctx },
) => {
  const tags = ['systems'];

  app.post(
    '/api/v1/systems',
    {
      config: { access: writeRule },
      schema: {
        tags,
        summary: 'Register a system of your organization (PSE staff)',
        description:
          'Where it runs now and where it is proposed to run: an offering that exists, or a ' +
          'private cloud or on-premises facility; at least one of the two.',
        body: Type.Object(Fields, { additionalProperties: false }),
        response: { 201: SystemView },
      },
    },
    async (request, reply) => {
      const created = await service.create(
        ctx,
        actorOf(request),
        request.body,
        requestContext(request),
      );
      return reply
        .code(201)
        .header('location', `/api/v1/systems/${created.id}`)
        .send(await presentOne(ctx.db, created));
    },
  );

  app.get(
    '/api/v1/systems',
    {
      config: { access: readRule },
      schema: {
        tags,
        summary: "List systems by name (every PSE's in the Cloud Office; your own in a PSE)",
        querystring: Type.Object({
          organizationId: Type.Optional(Type.String({ maxLength: 64 })),
          status: Type.Optional(
            Type.Union([Type.Literal('active'), Type.Literal('archived'), Type.Literal('all')], {
              default: 'active',
            }),
          ),
          classCode: Type.Optional(Type.String({ maxLength: 40 })),
          q: Type.Optional(Type.String({ maxLength: 200, description: 'Part of the name' })),
          limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
          offset: Type.Optional(Type.Integer({ minimum: 0, default: 0 })),
        }),
        response: {
          200: Type.Object({
            items: Type.Array(SystemView),
            total: Type.Integer(),
            limit: Type.Integer(),
            offset: Type.Integer(),
          }),
        },
      },
    },
    async (request) => {
      const { status = 'active', limit = 50, offset = 0, ...filter } = request.query;
      const result = await service.list(
        ctx,
        actorOf(request),
        { ...filter, ...(status === 'all' ? {} : { status }) },
        { limit, offset },
      );
      return {
        items: await presentSystems(ctx.db, result.items),
        total: result.total,
        limit,
        offset,
      };
    },
  );

  app.get(
    '/api/v1/systems/:id',
    {
      config: { access: readRule, resource },
      schema: { tags, summary: 'One system', params: IdParams, response: { 200: SystemView } },
    },
    async (request) => presentOne(ctx.db, await service.get(ctx, request.params.id)),
  );

  app.patch(
    '/api/v1/systems/:id',
    {
      config: { access: writeRule, resource },
      schema: {
        tags,
        summary: 'Change a system',
        description:
          'Fields sent replace the stored ones; a hosting sent as null removes it. A refusal stores nothing.',
        params: IdParams,
        body: Type.Object(
          {
            name: Type.Optional(Fields.name),
            purpose: Type.Optional(Fields.purpose),
            owner: Type.Optional(Fields.owner),
            users: Type.Optional(Fields.users),
            currentHosting: Fields.currentHosting,
            proposedHosting: Fields.proposedHosting,
          },
          { additionalProperties: false, minProperties: 1 },
        ),
        response: { 200: SystemView },
      },
    },
    async (request) =>
      presentOne(
        ctx.db,
        await service.update(
          ctx,
          actorOf(request),
          request.params.id,
          request.body,
          requestContext(request),
        ),
      ),
  );

  app.post(
    '/api/v1/systems/:id/archive',
    {
      config: { access: archiveRule, resource },
      schema: {
        tags,
        summary: 'Archive a system: it stays on record, read-only',
        params: IdParams,
        body: Type.Object(
          { reason: Type.Optional(Type.String({ maxLength: 2000 })) },
          { additionalProperties: false, description: '{} or {"reason": "..."}' },
        ),
        response: { 200: SystemView },
      },
    },
    async (request) =>
      presentOne(
        ctx.db,
        await service.archive(
          ctx,
          actorOf(request),
          request.params.id,
          request.body.reason,
          requestContext(request),
        ),
      ),
  );

  app.put(
    '/api/v1/systems/:id/classification',
    {
      config: { access: writeRule, resource },
      schema: {
        tags,
        summary:
          'Answer the classification questionnaire: the class by high-water mark, kept with its rationale',
        description:
          "Each information type with its confidentiality, integrity and availability impact and the policy's " +
          'markings that apply. Missing or unknown answers are refused (422, each with a JSON pointer) and ' +
          'nothing is stored; otherwise the class is stored with the policy version in force.',
        params: IdParams,
        body: Questionnaire,
        response: { 200: ClassificationView },
      },
    },
    async (request) =>
      presentClassification(
        request.params.id,
        await service.classifySystem(
          ctx,
          actorOf(request),
          request.params.id,
          request.body,
          requestContext(request),
        ),
      ),
  );

  app.get(
    '/api/v1/systems/:id/classification',
    {
      config: { access: readRule, resource },
      schema: {
        tags,
        summary: "The system's classification in force, with its rationale and the policy version",
        params: IdParams,
        response: { 200: ClassificationView },
      },
    },
    async (request) =>
      presentClassification(
        request.params.id,
        await service.getClassification(ctx, request.params.id),
      ),
  );
};
