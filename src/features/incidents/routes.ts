import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AppContext } from '../../context.js';

/** Data-breach reports and incidents: intake, updates, lifecycle, timeline (issue 7, items 3 and 6). */
export const incidentRoutes: FastifyPluginAsyncTypebox<{ ctx: AppContext }> = async () => {};
