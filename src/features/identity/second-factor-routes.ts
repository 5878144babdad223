import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type, type Static } from 'typebox';
import type { AppContext } from '../../context.js';
import { access, actorOf, requestContext } from './access.js';
import type { Actor } from './actor.js';
import { presentMe, Session } from './presenters.js';
import { findSession } from './repo.js';
import {
  confirmTotpEnrolment,
  disableTotp,
  startTotpEnrolment,
  verifySecondFactor,
} from './second-factor.js';

const CodeBody = Type.Object(
  {
    code: Type.String({
      pattern: '^[0-9]{6}$',
      description: 'The six-digit code the authenticator app shows now.',
    }),
  },
  { additionalProperties: false },
);

/** Enrol a TOTP authenticator, pass it after sign-in, turn it off. */
export const secondFactorRoutes: FastifyPluginAsyncTypebox<{ ctx: AppContext }> = async (
  app,
  { ctx },
) => {
  const sessionAnswer = async (actor: Actor): Promise<Static<typeof Session>> => {
    const session = actor.sessionId ? await findSession(ctx.db, actor.sessionId) : undefined;
    return { signedIn: true, me: presentMe(actor), csrfToken: session?.csrf_token };
  };
  const beforeSecondFactor = access.signedIn({ beforeSecondFactor: true, sessionOnly: true });

  app.post(
    '/api/v1/auth/totp/verify',
    {
      config: { access: beforeSecondFactor },
      schema: {
        tags: ['auth'],
        summary: 'Pass the second factor for this session with a code from the authenticator app',
        description:
          'Codes of the previous and next 30-second step are accepted; each code works once. A wrong ' +
          'code counts toward the same lockout as a wrong password (401 second_factor_failed); a ' +
          'code already used answers 401 totp_code_used.',
        body: CodeBody,
        response: { 200: Session },
      },
    },
    async (request) =>
      sessionAnswer(
        await verifySecondFactor(ctx, actorOf(request), request.body.code, requestContext(request)),
      ),
  );

  app.post(
    '/api/v1/auth/totp/enrolment',
    {
      config: { access: beforeSecondFactor },
      schema: {
        tags: ['auth'],
        summary: 'Start enrolling an authenticator app: a new secret, pending until confirmed',
        description:
          'Show `otpauthUri` as a QR code (or `secret` for typing in). An enrolled user may do this ' +
          'from a session that passed the second factor, to move to a new device; the old ' +
          'authenticator works until the new one is confirmed.',
        response: {
          200: Type.Object({
            secret: Type.String({ description: 'Base32; shown only here.' }),
            otpauthUri: Type.String(),
            issuer: Type.String(),
            label: Type.String(),
          }),
        },
      },
    },
    async (request) => startTotpEnrolment(ctx, actorOf(request), requestContext(request)),
  );

  app.post(
    '/api/v1/auth/totp/enrolment/confirm',
    {
      config: { access: beforeSecondFactor },
      schema: {
        tags: ['auth'],
        summary: 'Confirm enrolment with a code from the new secret; this session has then passed',
        body: CodeBody,
        response: { 200: Session },
      },
    },
    async (request) =>
      sessionAnswer(
        await confirmTotpEnrolment(
          ctx,
          actorOf(request),
          request.body.code,
          requestContext(request),
        ),
      ),
  );

  app.post(
    '/api/v1/auth/totp/disable',
    {
      config: { access: access.signedIn({ sessionOnly: true }) },
      schema: {
        tags: ['auth'],
        summary: 'Turn the second factor off, with a current code (not for Cloud Office users)',
        description:
          'Cloud Office users must keep it (403 second_factor_mandatory). A wrong code counts toward ' +
          'the lockout.',
        body: CodeBody,
        response: { 200: Session },
      },
    },
    async (request) =>
      sessionAnswer(
        await disableTotp(ctx, actorOf(request), request.body.code, requestContext(request)),
      ),
  );
};
