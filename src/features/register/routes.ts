import { once } from 'node:events';
import { PassThrough } from 'node:stream';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type, type Static } from 'typebox';
import type { AppContext } from '../../context.js';
import { access } from '../identity/access.js';
import { DeploymentModelSchema, ServiceModelSchema } from '../offerings/presenter.js';
import { RegisterDetailSchema, RegisterItemSchema, RegisterStatusSchema } from './presenter.js';
import { SORT_KEYS } from './repo.js';
import * as service from './service.js';

const Filters = {
  level: Type.Optional(
    Type.String({ maxLength: 40, description: 'A security level code, e.g. baseline' }),
  ),
  serviceModel: Type.Optional(ServiceModelSchema),
  deploymentModel: Type.Optional(DeploymentModelSchema),
  residency: Type.Optional(
    Type.Enum(['in_country', 'outside'], {
      description:
        "in_country: every customer-data location is in the office's country (residencyCountry); outside: at least one is not",
    }),
  ),
  status: Type.Optional(RegisterStatusSchema),
  q: Type.Optional(
    Type.String({ maxLength: 100, description: "Part of the offering's or provider's name" }),
  ),
  sort: Type.Optional(Type.Enum(SORT_KEYS, { default: 'name' })),
  order: Type.Optional(Type.Enum(['asc', 'desc'], { default: 'asc' })),
};
const FilterQuery = Type.Object(Filters);

const OfferingParams = Type.Object({ offeringId: Type.String({ maxLength: 64 }) });

function queryOf(query: Static<typeof FilterQuery>): service.RegisterQuery {
  return {
    level: query.level,
    serviceModel: query.serviceModel,
    deploymentModel: query.deploymentModel,
    residency: query.residency,
    status: query.status,
    q: query.q,
    sort: query.sort,
    order: query.order,
  };
}

/** The public register of accredited cloud offerings: read by anyone, without signing in. */
export const registerRoutes: FastifyPluginAsyncTypebox<{ ctx: AppContext }> = async (
  app,
  { ctx },
) => {
  const tags = ['register'];

  app.get(
    '/api/v1/register',
    {
      config: { access: access.public },
      schema: {
        tags,
        summary: 'Accredited offerings, filtered and sorted, a page at a time (public)',
        querystring: Type.Object({
          ...Filters,
          limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
          offset: Type.Optional(Type.Integer({ minimum: 0, default: 0 })),
        }),
        response: {
          200: Type.Object({
            items: Type.Array(RegisterItemSchema),
            total: Type.Integer(),
            limit: Type.Integer(),
            offset: Type.Integer(),
            residencyCountry: Type.String({
              description: 'The ISO 3166-1 alpha-2 code residency is measured against',
            }),
          }),
        },
      },
    },
    async (request) =>
      service.list(ctx, queryOf(request.query), {
        limit: request.query.limit ?? 50,
        offset: request.query.offset ?? 0,
      }),
  );

  app.get(
    '/api/v1/register.csv',
    {
      config: { access: access.public },
      schema: {
        tags,
        summary:
          'Every offering matching the filters as CSV (RFC 4180), in the list order (public)',
        querystring: FilterQuery,
      },
    },
    async (request, reply) => {
      // Checked before the answer starts, so a bad filter is a problem document, not a broken file.
      const batches = await service.exportEntries(ctx, queryOf(request.query));
      const stream = new PassThrough();
      const day = ctx.clock.now().toISOString().slice(0, 10);
      void reply
        .header('content-type', 'text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="cloud-office-register-${day}.csv"`)
        .send(stream);
      service
        .writeCsv(batches, async (chunk) => {
          if (!stream.write(chunk)) await once(stream, 'drain');
        })
        .then(
          () => stream.end(),
          (error: unknown) => {
            request.log.error({ err: error }, 'register export failed part-way');
            stream.destroy(error instanceof Error ? error : new Error('export failed'));
          },
        );
      return reply;
    },
  );

  app.get(
    '/api/v1/register/:offeringId',
    {
      config: { access: access.public },
      schema: {
        tags,
        summary:
          'One accredited offering: standing, status history, data centres, certifications and responsibilities (public)',
        params: OfferingParams,
        response: { 200: RegisterDetailSchema },
      },
    },
    async (request) => service.detail(ctx, request.params.offeringId),
  );

  app.get(
    '/api/v1/register/:offeringId/component-definition.json',
    {
      config: { access: access.public },
      schema: {
        tags,
        summary:
          "The offering's customer responsibility matrix as an OSCAL 1.1.2 component definition (public download)",
        params: OfferingParams,
      },
    },
    async (request, reply) => {
      const { fileName, document } = await service.componentDefinition(
        ctx,
        request.params.offeringId,
      );
      return reply
        .header('content-type', 'application/json; charset=utf-8')
        .header('content-disposition', `attachment; filename="${fileName}"`)
        .send(JSON.stringify(document));
    },
  );
};
