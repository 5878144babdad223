import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { AppContext } from '../../context.js';
import { access, actorOf, requestContext } from './access.js';
import { API_TOKEN_MAX_DAYS, createApiToken, listApiTokens, revokeApiToken } from './api-tokens.js';
import { ApiTokenSchema, NewApiTokenSchema, presentApiToken } from './presenters.js';

/** Personal API tokens: list one's own, make one (shown once), revoke. */
export const apiTokenRoutes: FastifyPluginAsyncTypebox<{ ctx: AppContext }> = async (
  app,
  { ctx },
) => {
  app.get(
    '/api/v1/api-tokens',
    {
      config: { access: access.signedIn() },
      schema: {
        tags: ['api-tokens'],
        summary: "The signed-in user's own API tokens, newest first (never the tokens themselves)",
        response: { 200: Type.Object({ items: Type.Array(ApiTokenSchema) }) },
      },
    },
    async (request) => {
      const now = ctx.clock.now();
      const rows = await listApiTokens(ctx, actorOf(request));
      return { items: rows.map((row) => presentApiToken(row, now)) };
    },
  );

  app.post(
    '/api/v1/api-tokens',
    {
      config: { access: access.signedIn({ sessionOnly: true }) },
      schema: {
        tags: ['api-tokens'],
        summary: 'Make a personal API token; the answer is the only place it is ever shown',
        description:
          'Needs a session that passed the second factor (so TOTP enrolled); a token cannot make ' +
          'another. Send it as `Authorization: Bearer <token>`, without a session cookie and with no ' +
          'CSRF token. Scope read allows GET; changes need write.',
        body: Type.Object(
          {
            name: Type.String({ minLength: 1, maxLength: 100, pattern: '\\S' }),
            scopes: Type.Array(Type.Union([Type.Literal('read'), Type.Literal('write')]), {
              minItems: 1,
              maxItems: 2,
              uniqueItems: true,
            }),
            expiresInDays: Type.Integer({ minimum: 1, maximum: API_TOKEN_MAX_DAYS }),
          },
          { additionalProperties: false },
        ),
        response: {
          201: NewApiTokenSchema,
        },
      },
    },
    async (request, reply) => {
      const { token, row } = await createApiToken(
        ctx,
        actorOf(request),
        request.body,
        requestContext(request),
      );
      return reply.code(201).send({ token, ...presentApiToken(row, ctx.clock.now()) });
    },
  );

  app.delete(
    '/api/v1/api-tokens/:id',
    {
      config: { access: access.signedIn(), resource: { type: 'api_token', param: 'id' } },
      schema: {
        tags: ['api-tokens'],
        summary: "Revoke an API token: one's own, or anyone's for officers with manage_users",
        params: Type.Object({ id: Type.String() }),
        response: { 200: ApiTokenSchema },
      },
    },
    async (request) =>
      presentApiToken(
        await revokeApiToken(ctx, actorOf(request), request.params.id, requestContext(request)),
        ctx.clock.now(),
      ),
  );
};
