import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { AppContext } from '../../context.js';
import { access, actorOf, requestContext } from '../identity/access.js';
import {
  ContactRoleSchema,
  DeploymentModelSchema,
  PurposeSchema,
  SchemeSchema,
  ServiceModelSchema,
  presentOffering,
} from './presenter.js';
import * as service from './service.js';

const Text = (maxLength: number) => Type.String({ minLength: 1, maxLength, pattern: '\\S' });
const Optional = (maxLength: number) => Type.Optional(Type.Union([Text(maxLength), Type.Null()]));
const Day = Type.String({ format: 'date', description: 'YYYY-MM-DD' });

const Location = Type.Object(
  {
    country: Type.String({
      minLength: 2,
      maxLength: 2,
      description: 'ISO 3166-1 alpha-2, in capitals (PK, DE)',
    }),
    city: Text(120),
    operator: Text(200),
    purpose: PurposeSchema,
  },
  { additionalProperties: false },
);
const Certification = Type.Object(
  {
    scheme: SchemeSchema,
    name: Type.Optional(
      Type.Union([Text(200), Type.Null()], { description: 'Required for "other"' }),
    ),
    certificateNumber: Optional(120),
    issuer: Text(200),
    issuedOn: Type.Optional(Type.Union([Day, Type.Null()])),
    expiresOn: Day,
    documentId: Type.Optional(
      Type.Union([Type.String({ minLength: 1, maxLength: 64 }), Type.Null()], {
        description: "A document of this provider's (POST /api/v1/documents), e.g. the certificate",
      }),
    ),
  },
  { additionalProperties: false },
);
const Contact = Type.Object(
  {
    role: ContactRoleSchema,
    name: Text(200),
    email: Type.String({ format: 'email', maxLength: 254 }),
    phone: Optional(40),
  },
  { additionalProperties: false },
);
const Lists = {
  locations: Type.Array(Location, {
    minItems: 1,
    maxItems: 100,
    description: 'At least one must hold customer data',
  }),
  certifications: Type.Array(Certification, { maxItems: 50 }),
  contacts: Type.Array(Contact, { maxItems: 20 }),
};
const Fields = {
  name: Type.String({ minLength: 2, maxLength: 200, pattern: '\\S' }),
  description: Text(5000),
  serviceModel: ServiceModelSchema,
  deploymentModel: DeploymentModelSchema,
  website: Type.Optional(
    Type.Union([
      Type.String({ format: 'uri', pattern: '^https?://', maxLength: 500 }),
      Type.Null(),
    ]),
  ),
};

const IdParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 64 }) });

/** Who may read offerings: the Cloud Office and CSPs (their own; the tenant check sees to it). */
const readRule = access.signedIn({ organizationKinds: ['cloud_office', 'csp'] });
/** Who may change them; the service also wants manage_organizations of officers. */
const writeRule = access.signedIn({
  organizationKinds: ['cloud_office', 'csp'],
  roles: ['officer', ...service.OFFERING_EDITOR_ROLES],
});

/** Cloud service offerings: what a provider applies to accredit (issue 5). */
export const offeringRoutes: FastifyPluginAsyncTypebox<{ ctx: AppContext }> = async (
  app,
  { ctx },
) => {
  const OfferingRef = Type.Ref('Offering');
  const today = () => ctx.clock.now().toISOString().slice(0, 10);

  app.post(
    '/api/v1/offerings',
    {
      config: { access: writeRule },
      schema: {
        tags: ['offerings'],
        summary: 'Describe a cloud service offering of a provider',
        description:
          'CSP administrators and security officers for their own organization (organizationId may be left out); Cloud Office officers with manage_organizations for any provider.',
        body: Type.Object(
          {
            organizationId: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
            ...Fields,
            locations: Lists.locations,
            certifications: Type.Optional(Lists.certifications),
            contacts: Type.Optional(Lists.contacts),
          },
          { additionalProperties: false },
        ),
        response: { 201: OfferingRef },
      },
    },
    async (request, reply) => {
      const body = request.body;
      const created = await service.create(
        ctx,
        actorOf(request),
        { ...body, certifications: body.certifications ?? [], contacts: body.contacts ?? [] },
        requestContext(request),
      );
      return reply
        .code(201)
        .header('location', `/api/v1/offerings/${created.offering.id}`)
        .send(presentOffering(created, today()));
    },
  );

  app.get(
    '/api/v1/offerings',
    {
      config: { access: readRule },
      schema: {
        tags: ['offerings'],
        summary: "List offerings (all in the Cloud Office; your provider's elsewhere)",
        querystring: Type.Object({
          organizationId: Type.Optional(Type.String({ maxLength: 64 })),
          serviceModel: Type.Optional(ServiceModelSchema),
          deploymentModel: Type.Optional(DeploymentModelSchema),
          q: Type.Optional(Type.String({ maxLength: 200, description: 'Part of the name' })),
          sort: Type.Optional(
            Type.Union(
              [
                Type.Literal('name'),
                Type.Literal('-name'),
                Type.Literal('created_at'),
                Type.Literal('-created_at'),
                Type.Literal('updated_at'),
                Type.Literal('-updated_at'),
              ],
              { default: 'name' },
            ),
          ),
          limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
          offset: Type.Optional(Type.Integer({ minimum: 0, default: 0 })),
        }),
        response: {
          200: Type.Object({
            items: Type.Array(OfferingRef),
            total: Type.Integer(),
            limit: Type.Integer(),
            offset: Type.Integer(),
          }),
        },
      },
    },
    async (request) => {
      const { sort = 'name', limit = 50, offset = 0, ...filter } = request.query;
      const result = await service.list(ctx, actorOf(request), filter, { limit, offset, sort });
      const day = today();
      return {
        items: result.items.map((record) => presentOffering(record, day)),
        total: result.total,
        limit,
        offset,
      };
    },
  );

  app.get(
    '/api/v1/offerings/:id',
    {
      config: { access: readRule, resource: { type: 'offering', param: 'id' } },
      schema: {
        tags: ['offerings'],
        summary: 'One offering',
        params: IdParams,
        response: { 200: OfferingRef },
      },
    },
    async (request) => presentOffering(await service.get(ctx, request.params.id), today()),
  );

  app.patch(
    '/api/v1/offerings/:id',
    {
      config: { access: writeRule, resource: { type: 'offering', param: 'id' } },
      schema: {
        tags: ['offerings'],
        summary: 'Change an offering',
        description:
          'Lists sent (locations, certifications, contacts) replace the stored ones whole; a refusal stores nothing.',
        params: IdParams,
        body: Type.Object(
          {
            name: Type.Optional(Fields.name),
            description: Type.Optional(Fields.description),
            serviceModel: Type.Optional(Fields.serviceModel),
            deploymentModel: Type.Optional(Fields.deploymentModel),
            website: Fields.website,
            locations: Type.Optional(Lists.locations),
            certifications: Type.Optional(Lists.certifications),
            contacts: Type.Optional(Lists.contacts),
          },
          { additionalProperties: false, minProperties: 1 },
        ),
        response: { 200: OfferingRef },
      },
    },
    async (request) =>
      presentOffering(
        await service.update(
          ctx,
          actorOf(request),
          request.params.id,
          request.body,
          requestContext(request),
        ),
        today(),
      ),
  );

  app.delete(
    '/api/v1/offerings/:id',
    {
      config: { access: writeRule, resource: { type: 'offering', param: 'id' } },
      schema: {
        tags: ['offerings'],
        summary: 'Delete an offering (while no accreditation application names it)',
        params: IdParams,
        response: { 204: { description: 'Deleted', type: 'null' } },
      },
    },
    async (request, reply) => {
      await service.remove(ctx, actorOf(request), request.params.id, requestContext(request));
      return reply.code(204).send(null);
    },
  );
};
