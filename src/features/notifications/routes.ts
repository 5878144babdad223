import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AppContext } from '../../context.js';

/** Webhook subscriptions and delivery failures (issue 7, item 7). */
export const webhookRoutes: FastifyPluginAsyncTypebox<{ ctx: AppContext }> = async () => {};
