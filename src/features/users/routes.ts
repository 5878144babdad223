import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type, type Static } from 'typebox';
import type { AppContext } from '../../context.js';
import { access, actorOf, requestContext } from '../identity/access.js';
import type { UserRow } from '../identity/repo.js';
import { getUser, listUsers, scopeUserFilter, setUserEnabled } from './service.js';

const UserStatus = Type.Union([
  Type.Literal('invited'),
  Type.Literal('active'),
  Type.Literal('disabled'),
]);

export const UserSchema = Type.Object(
  {
    id: Type.String(),
    organizationId: Type.String(),
    email: Type.String(),
    displayName: Type.String(),
    role: Type.String(),
    status: UserStatus,
    secondFactorEnrolled: Type.Boolean(),
    lastSignInAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
    createdAt: Type.String({ format: 'date-time' }),
  },
  { $id: 'User' },
);

/** Exactly the fields of a user that leave the server: never hashes, secrets or lockout counters. */
export function presentUser(row: UserRow): Static<typeof UserSchema> {
  return {
    id: row.id,
    organizationId: row.organization_id,
    email: row.email,
    displayName: row.display_name,
    role: row.role,
    status: row.status,
    secondFactorEnrolled: row.totp_enabled_at !== null,
    lastSignInAt: row.last_sign_in_at,
    createdAt: row.created_at,
  };
}

const IdParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 64 }) });

export const userRoutes: FastifyPluginAsyncTypebox<{ ctx: AppContext }> = async (app, { ctx }) => {
  const UserRef = Type.Ref('User');

  app.get(
    '/api/v1/users',
    {
      config: { access: access.signedIn() },
      schema: {
        tags: ['users'],
        summary: 'List users (all in the Cloud Office; your own organization elsewhere)',
        querystring: Type.Object({
          organizationId: Type.Optional(Type.String()),
          status: Type.Optional(UserStatus),
          q: Type.Optional(
            Type.String({ maxLength: 200, description: 'Part of the e-mail or name' }),
          ),
          limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
          offset: Type.Optional(Type.Integer({ minimum: 0, default: 0 })),
        }),
        response: {
          200: Type.Object({
            items: Type.Array(UserRef),
            total: Type.Integer(),
            limit: Type.Integer(),
            offset: Type.Integer(),
          }),
        },
      },
    },
    async (request) => {
      const { limit = 50, offset = 0, ...filter } = request.query;
      const result = await listUsers(ctx, scopeUserFilter(actorOf(request), filter), {
        limit,
        offset,
      });
      return { items: result.items.map(presentUser), total: result.total, limit, offset };
    },
  );

  app.get(
    '/api/v1/users/:id',
    {
      config: { access: access.signedIn(), resource: { type: 'user', param: 'id' } },
      schema: {
        tags: ['users'],
        summary: 'One user',
        params: IdParams,
        response: { 200: UserRef },
      },
    },
    async (request) => presentUser(await getUser(ctx, request.params.id)),
  );

  for (const enabled of [false, true]) {
    app.post(
      `/api/v1/users/:id/${enabled ? 'enable' : 'disable'}`,
      {
        config: { access: access.signedIn(), resource: { type: 'user', param: 'id' } },
        schema: {
          tags: ['users'],
          summary: enabled
            ? 'Enable a disabled account'
            : 'Disable an account and end its sessions',
          params: IdParams,
          response: { 200: UserRef },
        },
      },
      async (request) =>
        presentUser(
          await setUserEnabled(
            ctx,
            actorOf(request),
            request.params.id,
            enabled,
            requestContext(request),
          ),
        ),
    );
  }
};
