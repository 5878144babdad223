import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply } from 'fastify';
import { Type } from 'typebox';
import type { AppContext } from '../../context.js';
import { access, actorOf, requestContext, SESSION_COOKIE } from './access.js';
import { apiTokenRoutes } from './api-token-routes.js';
import { presentMe, Session } from './presenters.js';
import { PASSWORD_MAX_LENGTH } from './secrets.js';
import { secondFactorRoutes } from './second-factor-routes.js';
import { SESSION_ABSOLUTE_MS, signIn, signOut } from './service.js';

/**
 * Sign in, sign out (here or everywhere), and the current session; with them the second factor
 * (second-factor-routes.ts) and personal API tokens (api-token-routes.ts).
 */
export const identityRoutes: FastifyPluginAsyncTypebox<{ ctx: AppContext }> = async (
  app,
  { ctx },
) => {
  const clearCookie = (reply: FastifyReply) => reply.clearCookie(SESSION_COOKIE, { path: '/' });

  app.post(
    '/api/v1/auth/sign-in',
    {
      config: { access: access.public },
      schema: {
        tags: ['auth'],
        summary: 'Sign in with e-mail and password; sets the session cookie',
        description:
          'A wrong password, an unknown e-mail and a locked account get the same 401 answer. ' +
          'After five failures in a row the account is locked for 15 minutes, doubling after each further failure. ' +
          "The answer's `me` says whether the second factor is still to do (secondFactorEnrolmentRequired, secondFactorPending).",
        body: Type.Object(
          {
            email: Type.String({ maxLength: 254 }),
            password: Type.String({ maxLength: PASSWORD_MAX_LENGTH }),
          },
          { additionalProperties: false },
        ),
        response: { 200: Session },
      },
    },
    async (request, reply) => {
      const result = await signIn(
        ctx,
        {
          ...request.body,
          ip: request.ip,
          userAgent: request.headers['user-agent'] ?? null,
          previousToken: request.cookies[SESSION_COOKIE],
        },
        requestContext(request),
      );
      reply.setCookie(SESSION_COOKIE, result.token, {
        path: '/',
        httpOnly: true,
        secure: true,
        sameSite: 'lax',
        maxAge: Math.floor(SESSION_ABSOLUTE_MS / 1000),
      });
      return { signedIn: true, me: presentMe(result.actor), csrfToken: result.csrfToken };
    },
  );

  app.get(
    '/api/v1/auth/session',
    {
      config: { access: access.public },
      schema: {
        tags: ['auth'],
        summary: 'Who is signed in, with the CSRF token for changes',
        response: { 200: Session },
      },
    },
    async (request) => {
      const actor = request.actor;
      if (!actor?.sessionId) return { signedIn: false };
      const session = await ctx.db
        .selectFrom('sessions')
        .select('csrf_token')
        .where('id', '=', actor.sessionId)
        .executeTakeFirst();
      return { signedIn: true, me: presentMe(actor), csrfToken: session?.csrf_token };
    },
  );

  for (const everywhere of [false, true]) {
    app.post(
      everywhere ? '/api/v1/auth/sign-out-everywhere' : '/api/v1/auth/sign-out',
      {
        config: { access: access.signedIn({ beforeSecondFactor: true, sessionOnly: true }) },
        schema: {
          tags: ['auth'],
          summary: everywhere ? 'End every session of the signed-in user' : 'End this session',
          response: { 200: Type.Object({ sessionsEnded: Type.Integer() }) },
        },
      },
      async (request, reply) => {
        const sessionsEnded = await signOut(
          ctx,
          actorOf(request),
          everywhere,
          requestContext(request),
        );
        clearCookie(reply);
        return { sessionsEnded };
      },
    );
  }

  await app.register(secondFactorRoutes, { ctx });
  await app.register(apiTokenRoutes, { ctx });
};
