import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { AppContext } from '../../context.js';
import { presentUser } from '../users/routes.js';
import { access, actorOf, requestContext } from './access.js';
import { acceptInvitation, completePasswordReset, invite, requestPasswordReset } from './links.js';
import { PASSWORD_MAX_LENGTH } from './secrets.js';

const Token = Type.String({ minLength: 10, maxLength: 200 });
const Password = Type.String({ maxLength: PASSWORD_MAX_LENGTH });

/** Invitations and password resets: single-use, expiring links sent by e-mail. */
export const linkRoutes: FastifyPluginAsyncTypebox<{ ctx: AppContext }> = async (app, { ctx }) => {
  app.post(
    '/api/v1/invitations',
    {
      config: { access: access.signedIn() },
      schema: {
        tags: ['users'],
        summary:
          'Invite a person into an organization; the link goes out by e-mail and works for seven days',
        description:
          "Officers with the manage_users power invite anywhere; an organization's admin invites into it.",
        body: Type.Object(
          {
            organizationId: Type.String(),
            email: Type.String({ format: 'email', maxLength: 254 }),
            displayName: Type.String({ minLength: 2, maxLength: 200, pattern: '\\S' }),
            role: Type.String({ maxLength: 40 }),
          },
          { additionalProperties: false },
        ),
        response: {
          201: Type.Object({
            user: Type.Ref('User'),
            expiresAt: Type.String(),
            emailDelivery: Type.Union([Type.Literal('queued'), Type.Literal('off')], {
              description:
                '"off" when the server has no SMTP_URL: the link was not sent; invite again once e-mail works, or use the CLI.',
            }),
          }),
        },
      },
    },
    async (request, reply) => {
      const result = await invite(ctx, actorOf(request), request.body, requestContext(request));
      return reply.code(201).send({
        user: presentUser(result.user),
        expiresAt: result.expiresAt,
        emailDelivery: ctx.mailer.enabled ? ('queued' as const) : ('off' as const),
      });
    },
  );

  app.post(
    '/api/v1/invitations/accept',
    {
      config: { access: access.public },
      schema: {
        tags: ['users'],
        summary: 'Accept an invitation by choosing a password',
        body: Type.Object({ token: Token, password: Password }, { additionalProperties: false }),
        response: { 200: Type.Object({ email: Type.String() }) },
      },
    },
    async (request) => ({
      email: (await acceptInvitation(ctx, request.body, requestContext(request))).email,
    }),
  );

  app.post(
    '/api/v1/password-resets',
    {
      config: { access: access.public },
      schema: {
        tags: ['users'],
        summary: 'Ask for a password reset link by e-mail',
        description: 'Answers 202 whether or not the address has an account.',
        body: Type.Object(
          { email: Type.String({ maxLength: 254 }) },
          { additionalProperties: false },
        ),
        response: { 202: Type.Object({ message: Type.String() }) },
      },
    },
    async (request, reply) => {
      await requestPasswordReset(ctx, request.body.email, requestContext(request));
      return reply.code(202).send({
        message: 'If that address has an account, a link to reset its password is on its way.',
      });
    },
  );

  app.post(
    '/api/v1/password-resets/complete',
    {
      config: { access: access.public },
      schema: {
        tags: ['users'],
        summary: 'Choose a new password with a reset link; ends every session of the account',
        body: Type.Object({ token: Token, password: Password }, { additionalProperties: false }),
        response: { 204: Type.Null() },
      },
    },
    async (request, reply) => {
      await completePasswordReset(ctx, request.body, requestContext(request));
      return reply.code(204).send(null);
    },
  );
};
