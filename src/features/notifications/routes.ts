import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type, type Static } from 'typebox';
import type { AppContext } from '../../context.js';
import { csvRecord } from '../audit/csv.js';
import { access, requestContext } from '../identity/access.js';
import { EVENT_TYPES } from './events.js';
import * as service from './service.js';

const Id = Type.String({ minLength: 1, maxLength: 64 });
/** One of some strings, typed as their union. */
const choice = <T extends string>(values: readonly T[], description?: string) =>
  Type.Unsafe<T>(Type.String({ enum: [...values], ...(description ? { description } : {}) }));
const nullable = <T extends ReturnType<typeof Type.String>>(schema: T) =>
  Type.Union([schema, Type.Null()]);

const Name = Type.String({
  minLength: 1,
  maxLength: 200,
  pattern: '\\S',
  description: 'What the receiver is, for people (e.g. "SOC ticketing")',
});
const Url = Type.String({
  minLength: 1,
  maxLength: 2000,
  description: 'Where deliveries are POSTed: an absolute http or https URL (https in production)',
});
const EventTypes = Type.Array(choice(EVENT_TYPES), {
  maxItems: EVENT_TYPES.length,
  uniqueItems: true,
  description: 'The event types to deliver; an empty list means every type',
});

const SubscriptionSchema = Type.Object({
  id: Type.String(),
  name: Type.String(),
  url: Type.String(),
  eventTypes: Type.Array(Type.String()),
  active: Type.Boolean(),
  createdAt: Type.String(),
  updatedAt: Type.String(),
});
const WithSecret = Type.Object({
  ...SubscriptionSchema.properties,
  secret: Type.String({
    description:
      'The signing secret (whsec_…), shown this once: keep it in the receiver to verify signatures',
  }),
});

const DELIVERY_STATES = ['failed', 'pending', 'sent'] as const;
const DeliverySchema = Type.Object({
  id: Type.String({ description: 'The outbox row; for a webhook, its webhook-id header' }),
  kind: choice(['email', 'webhook'] as const),
  state: choice(DELIVERY_STATES),
  target: Type.String({ description: "An e-mail's recipient, or a webhook's URL" }),
  subscriptionId: nullable(Type.String()),
  eventType: nullable(Type.String()),
  subject: nullable(Type.String()),
  attempts: Type.Integer(),
  lastError: nullable(Type.String()),
  createdAt: Type.String(),
  availableAt: Type.String({ description: 'When it is (or was) due to be tried next' }),
  sentAt: nullable(Type.String()),
  gaveUp: Type.Boolean({
    description:
      'Given up on: failed for the last allowed time, or undeliverable (its subscription deactivated or deleted); retry it to try again',
  }),
  gaveUpAt: nullable(Type.String({ description: 'When it was given up on; null unless failed' })),
});
const DeliveryQuery = {
  state: Type.Optional(choice(DELIVERY_STATES, 'failed: given up on; pending: still to go')),
  kind: Type.Optional(choice(['email', 'webhook'] as const)),
  subscriptionId: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
};
const Page = {
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
  offset: Type.Optional(Type.Integer({ minimum: 0, default: 0 })),
};
const listOf = <T extends ReturnType<typeof Type.Object>>(item: T) =>
  Type.Object({
    items: Type.Array(item),
    total: Type.Integer(),
    limit: Type.Integer(),
    offset: Type.Integer(),
  });

const DELIVERY_CSV_COLUMNS = [
  'id',
  'kind',
  'state',
  'target',
  'subscriptionId',
  'eventType',
  'subject',
  'attempts',
  'lastError',
  'createdAt',
  'availableAt',
  'sentAt',
  'gaveUpAt',
] as const satisfies readonly (keyof Static<typeof DeliverySchema>)[];

/** The Cloud Office's administrators: whoever holds manage_office today. */
const administrators = access.signedIn({
  organizationKinds: ['cloud_office'],
  power: 'manage_office',
});
const resource = { type: 'webhook_subscription', param: 'id' } as const;

/** Webhook subscriptions and delivery failures (issue 7, item 7). */
export const webhookRoutes: FastifyPluginAsyncTypebox<{ ctx: AppContext }> = async (
  app,
  { ctx },
) => {
  const tags = ['webhooks'];

  app.get(
    '/api/v1/webhooks',
    {
      config: { access: administrators },
      schema: {
        tags,
        summary: 'List webhook subscriptions, newest first (never their secrets)',
        querystring: Type.Object({ active: Type.Optional(Type.Boolean()), ...Page }),
        response: { 200: listOf(SubscriptionSchema) },
      },
    },
    async (request) => {
      const { limit = 50, offset = 0, ...filter } = request.query;
      const result = await service.listSubscriptions(ctx, filter, { limit, offset });
      return { ...result, limit, offset };
    },
  );

  app.post(
    '/api/v1/webhooks',
    {
      config: { access: administrators },
      schema: {
        tags,
        summary: 'Subscribe a receiver to events; the answer shows its signing secret, once',
        description:
          'Deliveries are signed as Standard Webhooks says (webhook-id, webhook-timestamp, ' +
          'webhook-signature). A URL that is not absolute http or https is refused (422 ' +
          'invalid_url, pointer /url). See docs/webhooks.md.',
        body: Type.Object(
          {
            name: Name,
            url: Url,
            eventTypes: EventTypes,
            active: Type.Optional(Type.Boolean({ default: true })),
          },
          { additionalProperties: false },
        ),
        response: { 201: WithSecret },
      },
    },
    async (request, reply) => {
      const created = await service.createSubscription(ctx, request.body, requestContext(request));
      return reply.code(201).header('location', `/api/v1/webhooks/${created.id}`).send(created);
    },
  );

  app.get(
    '/api/v1/webhooks/:id',
    {
      config: { access: administrators, resource },
      schema: {
        tags,
        summary: 'One webhook subscription (never its secret)',
        params: Type.Object({ id: Id }),
        response: { 200: SubscriptionSchema },
      },
    },
    async (request) => service.getSubscription(ctx, request.params.id),
  );

  app.patch(
    '/api/v1/webhooks/:id',
    {
      config: { access: administrators, resource },
      schema: {
        tags,
        summary: 'Rename, move, choose other events, or (de)activate a subscription',
        description:
          'Only the fields given change. A deactivated subscription gets no new events, and its ' +
          'deliveries still pending are given up on when their turn comes.',
        params: Type.Object({ id: Id }),
        body: Type.Object(
          {
            name: Type.Optional(Name),
            url: Type.Optional(Url),
            eventTypes: Type.Optional(EventTypes),
            active: Type.Optional(Type.Boolean()),
          },
          { additionalProperties: false, minProperties: 1 },
        ),
        response: { 200: SubscriptionSchema },
      },
    },
    async (request) =>
      service.updateSubscription(ctx, request.params.id, request.body, requestContext(request)),
  );

  app.delete(
    '/api/v1/webhooks/:id',
    {
      config: { access: administrators, resource },
      schema: {
        tags,
        summary: 'Delete a subscription; one with deliveries on record is deactivated instead',
        description:
          'outcome says which: "deleted", or "deactivated" for a subscription that has had ' +
          'deliveries (kept so that they still name their receiver; activate it again with PATCH).',
        params: Type.Object({ id: Id }),
        response: {
          200: Type.Object({
            outcome: choice(['deleted', 'deactivated'] as const),
            message: Type.String(),
            subscription: SubscriptionSchema,
          }),
        },
      },
    },
    async (request) => service.deleteSubscription(ctx, request.params.id, requestContext(request)),
  );

  app.post(
    '/api/v1/webhooks/:id/rotate-secret',
    {
      config: { access: administrators, resource },
      schema: {
        tags,
        summary: 'Replace the signing secret; the answer shows the new one, once',
        description:
          'Every delivery sent from now on, retries of earlier events included, is signed with ' +
          'the new secret only.',
        params: Type.Object({ id: Id }),
        response: { 200: WithSecret },
      },
    },
    async (request) => service.rotateSecret(ctx, request.params.id, requestContext(request)),
  );

  app.get(
    '/api/v1/deliveries',
    {
      config: { access: administrators },
      schema: {
        tags,
        summary:
          'E-mail and webhook deliveries, newest first; state=failed shows those given up on',
        querystring: Type.Object({ ...DeliveryQuery, ...Page }),
        response: { 200: listOf(DeliverySchema) },
      },
    },
    async (request) => {
      const { limit = 50, offset = 0, ...filter } = request.query;
      const result = await service.listDeliveries(ctx, filter, { limit, offset });
      return { ...result, limit, offset };
    },
  );

  app.get(
    '/api/v1/deliveries.csv',
    {
      config: { access: administrators },
      schema: {
        tags,
        summary: 'The deliveries as CSV (RFC 4180): the same filters, every row, newest first',
        querystring: Type.Object(DeliveryQuery),
      },
    },
    async (request, reply) => {
      const { items } = await service.listDeliveries(ctx, request.query, {});
      let csv = csvRecord(DELIVERY_CSV_COLUMNS);
      for (const item of items) csv += csvRecord(DELIVERY_CSV_COLUMNS.map((key) => item[key]));
      const day = ctx.clock.now().toISOString().slice(0, 10);
      return reply
        .header('content-type', 'text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="cloud-office-deliveries-${day}.csv"`)
        .send(csv);
    },
  );

  app.post(
    '/api/v1/deliveries/:id/retry',
    {
      config: { access: administrators },
      schema: {
        tags,
        summary: 'Make an unsent delivery due now, with its attempts counted afresh',
        description:
          'Refused (409) when it was sent already (already_sent), is being sent right now ' +
          '(delivery_in_progress), or is a webhook whose subscription is inactive or deleted ' +
          '(subscription_inactive).',
        params: Type.Object({ id: Id }),
        response: { 200: DeliverySchema },
      },
    },
    async (request) => service.retryDelivery(ctx, request.params.id, requestContext(request)),
  );
};
