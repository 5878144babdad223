import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type, type Static } from 'typebox';
import type { AppContext } from '../../context.js';
import { access, requestContext } from '../identity/access.js';
import type { PolicyVersionRow, PolicyVersionSummaryRow } from './policy-repo.js';
import { PolicyPackSchema } from './policy-schema.js';
import * as service from './policy-service.js';

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(schema: T) =>
  Type.Union([schema, Type.Null()]);

const VersionParams = Type.Object({ version: Type.Integer({ minimum: 1 }) });

const Status = Type.Union([
  Type.Literal('draft'),
  Type.Literal('proposed'),
  Type.Literal('approved'),
  Type.Literal('published'),
]);

const Step = Type.Object({ at: Type.String(), position: Nullable(Type.String()) });

/** One version's history; positions only, never people: published versions are public. */
const VersionSummary = Type.Object({
  version: Type.Integer(),
  status: Status,
  basedOnVersion: Nullable(Type.Integer()),
  created: Step,
  proposed: Nullable(Step),
  approved: Nullable(Step),
  published: Nullable(Step),
  returned: Nullable(
    Type.Object({ at: Type.String(), position: Nullable(Type.String()), reason: Type.String() }),
  ),
});

const Problem = Type.Object({ in: Type.String(), pointer: Type.String(), message: Type.String() });

const VersionView = Type.Object({
  ...VersionSummary.properties,
  pack: PolicyPackSchema,
  /** Why a draft may not go further (empty when it may, and always for published versions). */
  problems: Type.Array(Problem),
});

function step(at: string | null, position: string | null): Static<typeof Step> | null {
  return at === null ? null : { at, position };
}

function presentSummary(row: PolicyVersionSummaryRow): Static<typeof VersionSummary> {
  return {
    version: row.version,
    status: row.status,
    basedOnVersion: row.based_on_version,
    created: { at: row.created_at, position: row.created_by_position },
    proposed: step(row.proposed_at, row.proposed_by_position),
    approved: step(row.approved_at, row.approved_by_position),
    published: step(row.published_at, row.published_by_position),
    returned:
      row.returned_at === null
        ? null
        : {
            at: row.returned_at,
            position: row.returned_by_position,
            reason: row.return_reason ?? '',
          },
  };
}

async function presentVersion(
  ctx: AppContext,
  row: PolicyVersionRow,
): Promise<Static<typeof VersionView>> {
  const pack = service.storedPack(row);
  return {
    ...presentSummary(row),
    pack,
    // An open version is checked afresh each time it is shown: the levels it names may move.
    problems: row.status === 'published' ? [] : await service.packProblems(ctx.db, pack),
  };
}

const officers = access.signedIn({ organizationKinds: ['cloud_office'] });
const proposers = access.signedIn({ organizationKinds: ['cloud_office'], power: 'propose_policy' });
const approvers = access.signedIn({ organizationKinds: ['cloud_office'], power: 'approve_policy' });

/**
 * The policy pack: the published versions for everyone without sign-in (the rules are public),
 * the draft and its workflow for officers of the Cloud Office.
 */
export const policyRoutes: FastifyPluginAsyncTypebox<{ ctx: AppContext }> = async (
  app,
  { ctx },
) => {
  const tags = ['policy pack'];

  app.get(
    '/api/v1/policy',
    {
      config: { access: access.public },
      schema: {
        tags,
        summary:
          'The policy pack in force: data classes, placement rules and NOC rules of the latest published version (public)',
        response: { 200: VersionView },
      },
    },
    async () => presentVersion(ctx, await service.getPublishedVersion(ctx, null)),
  );

  app.get(
    '/api/v1/policy/versions',
    {
      config: { access: access.public },
      schema: {
        tags,
        summary: 'The published versions of the policy pack, newest first (public)',
        response: { 200: Type.Object({ items: Type.Array(VersionSummary) }) },
      },
    },
    async () => ({ items: (await service.publishedVersions(ctx)).map(presentSummary) }),
  );

  app.get(
    '/api/v1/policy/versions/:version',
    {
      config: { access: access.public },
      schema: {
        tags,
        summary: 'One published version of the policy pack, whole (public)',
        params: VersionParams,
        response: { 200: VersionView },
      },
    },
    async (request) =>
      presentVersion(ctx, await service.getPublishedVersion(ctx, request.params.version)),
  );

  // ----- The draft (officers) -----

  app.get(
    '/api/v1/policy/draft',
    {
      config: { access: officers },
      schema: {
        tags,
        summary: 'The open draft of the policy pack, with what stops it from being published',
        response: { 200: VersionView },
      },
    },
    async () => presentVersion(ctx, await service.getOpenVersion(ctx)),
  );

  app.post(
    '/api/v1/policy/draft',
    {
      config: { access: proposers },
      schema: {
        tags,
        summary: 'Start a draft of the next version from the latest published pack',
        response: { 201: VersionView },
      },
    },
    async (request, reply) => {
      const row = await service.startDraft(ctx, requestContext(request));
      return reply.code(201).send(await presentVersion(ctx, row));
    },
  );

  app.put(
    '/api/v1/policy/draft/pack',
    {
      config: { access: proposers },
      schema: {
        tags,
        summary: "Replace the draft's whole pack",
        description:
          'The body is checked for shape here; what it means (every class has a rule and may go ' +
          'somewhere, codes name classes and levels that exist) is listed in `problems` and ' +
          'checked again before the draft is proposed, approved or published.',
        body: PolicyPackSchema,
        response: { 200: VersionView },
      },
    },
    async (request) =>
      presentVersion(
        ctx,
        await service.replaceDraftPack(ctx, request.body, requestContext(request)),
      ),
  );

  app.delete(
    '/api/v1/policy/draft',
    {
      config: { access: proposers },
      schema: {
        tags,
        summary: 'Discard a draft that has not been proposed',
        response: { 204: { description: 'Discarded', type: 'null' } },
      },
    },
    async (request, reply) => {
      await service.discardDraft(ctx, requestContext(request));
      return reply.code(204).send(null);
    },
  );

  for (const [name, rule, summary] of [
    [
      'propose',
      proposers,
      'Propose the draft for approval (refused, with the problems listed, if the pack is not valid)',
    ],
    ['approve', approvers, 'Approve a proposed draft (the pack must still be valid)'],
    [
      'publish',
      approvers,
      'Publish an approved draft: it becomes the policy in force, and never changes again',
    ],
  ] as const) {
    app.post(
      `/api/v1/policy/draft/${name}`,
      {
        config: { access: rule },
        schema: { tags, summary, response: { 200: VersionView } },
      },
      async (request) =>
        presentVersion(ctx, await service.advance(ctx, name, requestContext(request))),
    );
  }

  app.post(
    '/api/v1/policy/draft/return',
    {
      config: { access: approvers },
      schema: {
        tags,
        summary: 'Return a proposed or approved draft to its authors, with the reason',
        body: Type.Object(
          { reason: Type.String({ minLength: 1, maxLength: 2000, pattern: '\\S' }) },
          { additionalProperties: false },
        ),
        response: { 200: VersionView },
      },
    },
    async (request) =>
      presentVersion(
        ctx,
        await service.advance(ctx, 'return', requestContext(request), request.body.reason),
      ),
  );
};
