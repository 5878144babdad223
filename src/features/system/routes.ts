import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { AppContext } from '../../context.js';
import { AppError } from '../../errors.js';
import { access } from '../identity/access.js';
import { APP_NAME, APP_VERSION } from '../../version.js';
import { checkReadiness, ensureInstallationId } from './service.js';

const Health = Type.Object({ status: Type.Literal('ok') });
const Ready = Type.Object({
  status: Type.Literal('ready'),
  database: Type.Literal('up'),
  migrations: Type.Literal('current'),
});
const About = Type.Object({
  name: Type.String(),
  version: Type.String(),
  apiVersion: Type.Literal('v1'),
  installationId: Type.String({ description: 'Identifies this deployment in logs and exports.' }),
});

/** Liveness, readiness and what this server is. Probes log only at warn, not on every call. */
export const systemRoutes: FastifyPluginAsyncTypebox<{ ctx: AppContext }> = async (
  app,
  { ctx },
) => {
  const installationId = await ensureInstallationId(ctx.db, ctx.clock);

  app.get(
    '/healthz',
    {
      logLevel: 'warn',
      schema: {
        tags: ['system'],
        summary: 'Liveness: the process answers',
        response: { 200: Health },
      },
    },
    () => ({ status: 'ok' as const }),
  );

  app.get(
    '/readyz',
    {
      logLevel: 'warn',
      schema: {
        tags: ['system'],
        summary: 'Readiness: the database answers and its migrations are current',
        description: 'Answers 503 with a problem document naming what is not ready.',
        response: { 200: Ready },
      },
    },
    async () => {
      const readiness = await checkReadiness(ctx.db);
      if (!readiness.ready) throw new AppError(503, 'not_ready', readiness.detail);
      return { status: 'ready' as const, database: 'up' as const, migrations: 'current' as const };
    },
  );

  app.get(
    '/api/v1/about',
    {
      config: { access: access.public },
      schema: {
        tags: ['system'],
        summary: 'The name and version of this server',
        response: { 200: About },
      },
    },
    () => ({ name: APP_NAME, version: APP_VERSION, apiVersion: 'v1' as const, installationId }),
  );
};
