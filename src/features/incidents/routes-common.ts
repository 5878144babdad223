import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type, type Static, type TSchema } from 'typebox';
import type { AppContext } from '../../context.js';
import { Id, nullable } from '../../http/schemas.js';
import { actorOf, requestContext, type AccessRule, type ResourceRef } from '../identity/access.js';
import type { Actor, RequestContext } from '../identity/actor.js';

/** The schema parts and the step route that report requests and response actions share. */

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

type App = Parameters<FastifyPluginAsyncTypebox>[0];

/**
 * `POST <base>/:id/<name>`: one step on a record, answered with the record as it is after the
 * step.
 */
export function stepRoute<Body extends TSchema, Detail>(
  app: App,
  ctx: AppContext,
  route: {
    url: string;
    access: AccessRule;
    resource: ResourceRef;
    tags: string[];
    summary: string;
    description?: string;
    body: Body;
    response: TSchema;
    run: (
      ctx: AppContext,
      actor: Actor,
      id: string,
      body: Static<Body>,
      context: RequestContext,
    ) => Promise<void>;
    read: (ctx: AppContext, actor: Actor, id: string) => Promise<Detail>;
  },
): void {
  app.post(
    route.url,
    {
      config: { access: route.access, resource: route.resource },
      schema: {
        tags: route.tags,
        summary: route.summary,
        ...(route.description === undefined ? {} : { description: route.description }),
        params: Type.Object({ id: Id }),
        body: route.body,
        response: { 200: route.response },
      },
    },
    async (request) => {
      const actor = actorOf(request);
      const { id } = request.params;
      await route.run(ctx, actor, id, request.body as Static<Body>, requestContext(request));
      return route.read(ctx, actor, id);
    },
  );
}
