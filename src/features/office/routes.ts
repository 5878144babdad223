import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { AppContext } from '../../context.js';
import { access, requestContext } from '../identity/access.js';
import { PASSWORD_MAX_LENGTH } from '../identity/secrets.js';
import { currentWarnings, getPhase, setPhase } from './service.js';
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

  const Phase = Type.Union([
    Type.Object(
      {
        phase: Type.Literal('interim'),
        interimEndsOn: Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$' }),
      },
      { additionalProperties: false },
    ),
    Type.Object(
      { phase: Type.Literal('permanent'), interimEndsOn: Type.Null() },
      { additionalProperties: false },
    ),
  ]);

  app.get(
    '/api/v1/office',
    {
      config: { access: access.signedIn({ organizationKinds: ['cloud_office'] }) },
      schema: {
        tags: ['setup'],
        summary: "The office's phase, and warnings of terms ending within 30 days",
        response: {
          200: Type.Object({
            phase: Phase,
            warnings: Type.Array(
              Type.Object({
                kind: Type.String(),
                endsOn: Type.String(),
                daysLeft: Type.Integer(),
                message: Type.String(),
              }),
            ),
          }),
        },
      },
    },
    async () => ({ phase: await getPhase(ctx.db), warnings: await currentWarnings(ctx) }),
  );

  app.put(
    '/api/v1/office/phase',
    {
      config: {
        access: access.signedIn({ organizationKinds: ['cloud_office'], power: 'manage_office' }),
      },
      schema: {
        tags: ['setup'],
        summary: 'Make the office permanent, or set the end of its interim term',
        body: Phase,
        response: { 200: Phase },
      },
    },
    (request) => setPhase(ctx, request.body, requestContext(request)),
  );
};
