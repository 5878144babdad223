import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { AppContext } from '../../context.js';
import { access, requestContext } from '../identity/access.js';
import { PASSWORD_MAX_LENGTH } from '../identity/secrets.js';
import { completeSetup, setupNeeded } from './setup.js';

/** First-run setup: on an empty database, the printed link creates the Cloud Office and the DG Cloud. */
export const officeRoutes: FastifyPluginAsyncTypebox<{ ctx: AppContext }> = async (
  app,
  { ctx },
) => {
  app.get(
    '/api/v1/setup',
    {
      config: { access: access.public },
      schema: {
        tags: ['setup'],
        summary: 'Whether first-run setup is still to be done',
        response: { 200: Type.Object({ needed: Type.Boolean() }) },
      },
    },
    async () => ({ needed: await setupNeeded(ctx) }),
  );

  app.post(
    '/api/v1/setup',
    {
      config: { access: access.public },
      schema: {
        tags: ['setup'],
        summary:
          'Create the Cloud Office and its first officer (DG Cloud) with the one-time setup link',
        body: Type.Object(
          {
            token: Type.String({ minLength: 10, maxLength: 200 }),
            officeName: Type.String({ minLength: 2, maxLength: 200, pattern: '\\S' }),
            displayName: Type.String({ minLength: 2, maxLength: 200, pattern: '\\S' }),
            email: Type.String({ format: 'email', maxLength: 254 }),
            password: Type.String({ maxLength: PASSWORD_MAX_LENGTH }),
          },
          { additionalProperties: false },
        ),
        response: { 201: Type.Object({ userId: Type.String(), organizationId: Type.String() }) },
      },
    },
    async (request, reply) =>
      reply.code(201).send(await completeSetup(ctx, request.body, requestContext(request))),
  );
};
