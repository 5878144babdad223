import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AppContext } from '../../context.js';

/** Dashboards and exports of incidents (issue 7, items 6 and 8). */
export const incidentReportRoutes: FastifyPluginAsyncTypebox<{ ctx: AppContext }> = async () => {};
