import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type, type Static } from 'typebox';
import type { AppContext } from '../../context.js';
import { access, actorOf, requestContext } from '../identity/access.js';
import type { OrganizationRow } from './repo.js';
import { decideRegistration, requestRegistration } from './registration.js';
import * as service from './service.js';

const Kind = Type.Union([
  Type.Literal('cloud_office'),
  Type.Literal('csp'),
  Type.Literal('pse'),
  Type.Literal('audit_firm'),
]);
const CreatableKind = Type.Union([
  Type.Literal('csp'),
  Type.Literal('pse'),
  Type.Literal('audit_firm'),
]);
const Status = Type.Union([
  Type.Literal('pending'),
  Type.Literal('active'),
  Type.Literal('declined'),
  Type.Literal('archived'),
]);
const Tier = Type.Union([
  Type.Literal('ministry'),
  Type.Literal('division'),
  Type.Literal('department'),
  Type.Literal('attached_body'),
]);
const Name = Type.String({ minLength: 2, maxLength: 200, pattern: '\\S' });
const Email = Type.String({ format: 'email', maxLength: 254 });

export const OrganizationSchema = Type.Object(
  {
    id: Type.String(),
    kind: Kind,
    name: Type.String(),
    shortName: Type.Union([Type.String(), Type.Null()]),
    parentId: Type.Union([Type.String(), Type.Null()]),
    pseTier: Type.Union([Tier, Type.Null()]),
    status: Status,
    contactEmail: Type.Union([Type.String(), Type.Null()]),
    contactName: Type.Union([Type.String(), Type.Null()]),
    registrationNote: Type.Union([Type.String(), Type.Null()]),
    decisionNote: Type.Union([Type.String(), Type.Null()]),
    createdAt: Type.String({ format: 'date-time' }),
    updatedAt: Type.String({ format: 'date-time' }),
  },
  { $id: 'Organization' },
);

/** Exactly the fields of an organization that leave the server. */
export function presentOrganization(row: OrganizationRow): Static<typeof OrganizationSchema> {
  return {
    id: row.id,
    kind: row.kind,
    name: row.name,
    shortName: row.short_name,
    parentId: row.parent_id,
    pseTier: row.pse_tier,
    status: row.status,
    contactEmail: row.contact_email,
    contactName: row.contact_name,
    registrationNote: row.registration_note,
    decisionNote: row.decision_note,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

const IdParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 64 }) });

export const organizationRoutes: FastifyPluginAsyncTypebox<{ ctx: AppContext }> = async (
  app,
  { ctx },
) => {
  const OrganizationRef = Type.Ref('Organization');

  app.get(
    '/api/v1/organizations',
    {
      config: { access: access.signedIn() },
      schema: {
        tags: ['organizations'],
        summary: 'List organizations (all in the Cloud Office; your own elsewhere)',
        querystring: Type.Object({
          kind: Type.Optional(Kind),
          status: Type.Optional(Status),
          parentId: Type.Optional(Type.String()),
          q: Type.Optional(Type.String({ maxLength: 200, description: 'Part of the name' })),
          sort: Type.Optional(
            Type.Union(
              [
                Type.Literal('name'),
                Type.Literal('-name'),
                Type.Literal('created_at'),
                Type.Literal('-created_at'),
              ],
              {
                default: 'name',
              },
            ),
          ),
          limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
          offset: Type.Optional(Type.Integer({ minimum: 0, default: 0 })),
        }),
        response: {
          200: Type.Object({
            items: Type.Array(OrganizationRef),
            total: Type.Integer(),
            limit: Type.Integer(),
            offset: Type.Integer(),
          }),
        },
      },
    },
    async (request) => {
      const { kind, status, parentId, q, sort = 'name', limit = 50, offset = 0 } = request.query;
      const result = await service.list(
        ctx,
        actorOf(request),
        { kind, status, parentId, q },
        { limit, offset, sort },
      );
      return { items: result.items.map(presentOrganization), total: result.total, limit, offset };
    },
  );

  app.get(
    '/api/v1/organizations/:id',
    {
      config: { access: access.signedIn(), resource: { type: 'organization', param: 'id' } },
      schema: {
        tags: ['organizations'],
        summary: 'One organization',
        params: IdParams,
        response: { 200: OrganizationRef },
      },
    },
    async (request) => presentOrganization(await service.get(ctx, request.params.id)),
  );

  app.post(
    '/api/v1/organizations',
    {
      config: {
        access: access.signedIn({
          organizationKinds: ['cloud_office'],
          power: 'manage_organizations',
        }),
      },
      schema: {
        tags: ['organizations'],
        summary: 'Create a cloud service provider, public service entity or audit firm',
        body: Type.Object(
          {
            kind: CreatableKind,
            name: Name,
            shortName: Type.Optional(Type.Union([Type.String({ maxLength: 40 }), Type.Null()])),
            parentId: Type.Optional(Type.Union([Type.String(), Type.Null()])),
            pseTier: Type.Optional(Type.Union([Tier, Type.Null()])),
            contactEmail: Type.Optional(Type.Union([Email, Type.Null()])),
          },
          { additionalProperties: false },
        ),
        response: { 201: OrganizationRef },
      },
    },
    async (request, reply) => {
      const created = await service.create(ctx, request.body, requestContext(request));
      return reply.code(201).send(presentOrganization(created));
    },
  );

  app.patch(
    '/api/v1/organizations/:id',
    {
      config: {
        access: access.signedIn({
          organizationKinds: ['cloud_office'],
          power: 'manage_organizations',
        }),
        resource: { type: 'organization', param: 'id' },
      },
      schema: {
        tags: ['organizations'],
        summary: 'Change an organization',
        params: IdParams,
        body: Type.Object(
          {
            name: Type.Optional(Name),
            shortName: Type.Optional(Type.Union([Type.String({ maxLength: 40 }), Type.Null()])),
            parentId: Type.Optional(Type.Union([Type.String(), Type.Null()])),
            pseTier: Type.Optional(Type.Union([Tier, Type.Null()])),
            contactEmail: Type.Optional(Type.Union([Email, Type.Null()])),
            status: Type.Optional(Type.Union([Type.Literal('active'), Type.Literal('archived')])),
          },
          { additionalProperties: false, minProperties: 1 },
        ),
        response: { 200: OrganizationRef },
      },
    },
    async (request) =>
      presentOrganization(
        await service.update(ctx, request.params.id, request.body, requestContext(request)),
      ),
  );

  app.post(
    '/api/v1/registrations',
    {
      config: { access: access.public },
      schema: {
        tags: ['organizations'],
        summary: 'Ask to register a cloud service provider or public service entity (no sign-in)',
        description:
          'The organization waits as "pending" until an officer approves or declines it; the contact is told by e-mail.',
        body: Type.Object(
          {
            kind: Type.Union([Type.Literal('csp'), Type.Literal('pse')]),
            name: Name,
            shortName: Type.Optional(Type.Union([Type.String({ maxLength: 40 }), Type.Null()])),
            parentId: Type.Optional(Type.Union([Type.String(), Type.Null()])),
            pseTier: Type.Optional(Type.Union([Tier, Type.Null()])),
            contactName: Type.String({ minLength: 2, maxLength: 200, pattern: '\\S' }),
            contactEmail: Email,
            message: Type.Optional(Type.Union([Type.String({ maxLength: 2000 }), Type.Null()])),
          },
          { additionalProperties: false },
        ),
        response: {
          202: Type.Object({ reference: Type.String(), status: Type.Literal('pending') }),
        },
      },
    },
    async (request, reply) => {
      const created = await requestRegistration(ctx, request.body, requestContext(request));
      return reply.code(202).send({ reference: created.id, status: 'pending' as const });
    },
  );

  app.post(
    '/api/v1/organizations/:id/decision',
    {
      config: {
        access: access.signedIn({
          organizationKinds: ['cloud_office'],
          power: 'manage_organizations',
        }),
        resource: { type: 'organization', param: 'id' },
      },
      schema: {
        tags: ['organizations'],
        summary: 'Approve or decline a pending registration',
        description:
          "On approval the contact is invited as the organization's administrator when you hold manage_users.",
        params: IdParams,
        body: Type.Object(
          {
            decision: Type.Union([Type.Literal('approve'), Type.Literal('decline')]),
            note: Type.Optional(Type.Union([Type.String({ maxLength: 2000 }), Type.Null()])),
          },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({ organization: OrganizationRef, invitedContact: Type.Boolean() }),
        },
      },
    },
    async (request) => {
      const result = await decideRegistration(
        ctx,
        actorOf(request),
        request.params.id,
        { approve: request.body.decision === 'approve', note: request.body.note ?? null },
        requestContext(request),
      );
      return {
        organization: presentOrganization(result.organization),
        invitedContact: result.invitedContact,
      };
    },
  );
};
