import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AppContext } from '../../context.js';

/** Incident-report requests: ask, answer, accept, withdraw (issue 7, item 4). */
export const reportRequestRoutes: FastifyPluginAsyncTypebox<{ ctx: AppContext }> = async () => {};
