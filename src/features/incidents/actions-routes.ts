import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AppContext } from '../../context.js';

/** Response actions: order, progress, verify, close (issue 7, item 5). */
export const responseActionRoutes: FastifyPluginAsyncTypebox<{ ctx: AppContext }> = async () => {};
