import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type, type Static, type TObject, type TProperties, type TSchema } from 'typebox';
import type { AppContext } from '../../context.js';
import type { Page } from '../../db/pagination.js';
import { sendCsv } from '../../http/csv.js';
import { Id, nullable, PageQuery, pageOf } from '../../http/schemas.js';
import { csvRecord } from '../audit/csv.js';
import {
  access,
  actorOf,
  requestContext,
  type AccessRule,
  type ResourceRef,
} from '../identity/access.js';
import type { Actor, RequestContext } from '../identity/actor.js';

/** The schema parts and the routes that report requests and response actions share. */

export const Text = (maxLength: number, description: string) =>
  Type.String({ minLength: 1, maxLength, description });

export const DocumentIds = Type.Array(Id, {
  maxItems: 20,
  uniqueItems: true,
  description: 'Documents of your organization, uploaded first with POST /api/v1/documents',
});

/** The officer who asked or ordered, with the post they acted in. */
export const OfficerRefSchema = nullable(
  Type.Object({ userId: Type.String(), name: Type.String(), position: nullable(Type.String()) }),
);

/** A body of one required note. */
export const NoteBody = (description: string) =>
  Type.Object({ note: Text(5000, description) }, { additionalProperties: false });

/** A body that may be left out, or carry an optional note. */
export const OptionalNoteBody = (description: string) =>
  Type.Optional(
    Type.Object(
      { note: Type.Optional(Text(5000, description)) },
      {
        additionalProperties: false,
      },
    ),
  );

/** Who may read requests and actions: the Cloud Office all, a CSP or PSE its own. */
export const readersRule = access.signedIn({ organizationKinds: ['cloud_office', 'csp', 'pse'] });

type App = Parameters<FastifyPluginAsyncTypebox>[0];

/** A kind of record with its own routes under `base`: report requests, response actions. */
export interface RecordKind<Detail> {
  /** The list's path; one record is `<base>/:id`, the CSV `<base>.csv`. */
  base: string;
  tags: string[];
  /** Who may read the list and a record (a record further checked by `resource`). */
  readRule: AccessRule;
  resource: ResourceRef;
  /** The schema of one record, as every route but the lists answers it. */
  detail: TSchema;
  read: (ctx: AppContext, actor: Actor, id: string) => Promise<Detail>;
}

/** `POST <base>`: creates a record, answered 201 with its location and the record. */
export function createRoute<Body extends TSchema, Detail>(
  app: App,
  ctx: AppContext,
  kind: RecordKind<Detail>,
  route: {
    access: AccessRule;
    summary: string;
    description: string;
    body: Body;
    run: (
      ctx: AppContext,
      actor: Actor,
      body: Static<Body>,
      context: RequestContext,
    ) => Promise<string>;
  },
): void {
  app.post(
    kind.base,
    {
      config: { access: route.access },
      schema: {
        tags: kind.tags,
        summary: route.summary,
        description: route.description,
        body: route.body,
        response: { 201: kind.detail },
      },
    },
    async (request, reply) => {
      const actor = actorOf(request);
      const id = await route.run(ctx, actor, request.body as Static<Body>, requestContext(request));
      return reply
        .code(201)
        .header('location', `${kind.base}/${id}`)
        .send(await kind.read(ctx, actor, id));
    },
  );
}

/**
 * `GET <base>`: a page of summaries, newest first; `GET <base>.csv`: every row of the same list,
 * with the same filters, as CSV.
 */
export function listRoutes<Filter extends TProperties, Summary>(
  app: App,
  ctx: AppContext,
  kind: RecordKind<unknown>,
  route: {
    summary: string;
    csvSummary: string;
    filter: Filter;
    item: TSchema;
    list: (
      ctx: AppContext,
      actor: Actor,
      filter: Static<TObject<Filter>>,
      page?: Page,
    ) => Promise<{ items: Summary[]; total: number }>;
    /** The CSV file's name, before its date. */
    csvName: string;
    csvHeader: readonly string[];
    csvRow: (item: Summary) => (string | number | null)[];
  },
): void {
  app.get(
    kind.base,
    {
      config: { access: kind.readRule },
      schema: {
        tags: kind.tags,
        summary: route.summary,
        querystring: Type.Object({ ...route.filter, ...PageQuery }),
        response: { 200: pageOf(route.item) },
      },
    },
    async (request) => {
      const {
        limit = 50,
        offset = 0,
        ...filter
      } = request.query as Static<TObject<Filter>> & Partial<Page>;
      const result = await route.list(ctx, actorOf(request), filter as Static<TObject<Filter>>, {
        limit,
        offset,
      });
      return { ...result, limit, offset };
    },
  );

  app.get(
    `${kind.base}.csv`,
    {
      config: { access: kind.readRule },
      schema: {
        tags: kind.tags,
        summary: route.csvSummary,
        querystring: Type.Object(route.filter),
      },
    },
    async (request, reply) => {
      const { items } = await route.list(
        ctx,
        actorOf(request),
        request.query as Static<TObject<Filter>>,
      );
      const lines = [csvRecord(route.csvHeader)];
      for (const item of items) lines.push(csvRecord(route.csvRow(item)));
      return sendCsv(reply, ctx.clock, route.csvName, lines.join(''));
    },
  );
}

/** `GET <base>/:id`: one record. */
export function getRoute<Detail>(
  app: App,
  ctx: AppContext,
  kind: RecordKind<Detail>,
  summary: string,
): void {
  app.get(
    `${kind.base}/:id`,
    {
      config: { access: kind.readRule, resource: kind.resource },
      schema: {
        tags: kind.tags,
        summary,
        params: Type.Object({ id: Id }),
        response: { 200: kind.detail },
      },
    },
    async (request) => kind.read(ctx, actorOf(request), request.params.id),
  );
}

/**
 * `POST <base>/:id/<name>`: one step on a record, answered with the record as it is after the
 * step.
 */
export function stepRoute<Body extends TSchema, Detail>(
  app: App,
  ctx: AppContext,
  kind: RecordKind<Detail>,
  route: {
    name: string;
    access: AccessRule;
    summary: string;
    description?: string;
    body: Body;
    run: (
      ctx: AppContext,
      actor: Actor,
      id: string,
      body: Static<Body>,
      context: RequestContext,
    ) => Promise<void>;
  },
): void {
  app.post(
    `${kind.base}/:id/${route.name}`,
    {
      config: { access: route.access, resource: kind.resource },
      schema: {
        tags: kind.tags,
        summary: route.summary,
        ...(route.description === undefined ? {} : { description: route.description }),
        params: Type.Object({ id: Id }),
        body: route.body,
        response: { 200: kind.detail },
      },
    },
    async (request) => {
      const actor = actorOf(request);
      const { id } = request.params;
      await route.run(ctx, actor, id, request.body as Static<Body>, requestContext(request));
      return kind.read(ctx, actor, id);
    },
  );
}
