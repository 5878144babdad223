import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AppContext } from '../../context.js';

/** Breaches of duty and the duty check (issue 7, item 2). */
export const breachRoutes: FastifyPluginAsyncTypebox<{ ctx: AppContext }> = async () => {};
