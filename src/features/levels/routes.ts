import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply } from 'fastify';
import { Type, type Static } from 'typebox';
import type { AppContext } from '../../context.js';
import { AppError } from '../../errors.js';
import { access, requestContext } from '../identity/access.js';
import type { LevelRow, VersionRow, VersionSummaryRow } from './repo.js';
import * as service from './service.js';
import { profileAddress, storedProfile } from './source.js';
import { catalogView } from './view.js';

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(schema: T) =>
  Type.Union([schema, Type.Null()]);

const Code = Type.String({ pattern: '^[a-z][a-z0-9-]{0,39}$', description: 'e.g. baseline' });
const CodeParams = Type.Object({ code: Code });
const VersionParams = Type.Object({ code: Code, version: Type.Integer({ minimum: 1 }) });

const Status = Type.Union([
  Type.Literal('draft'),
  Type.Literal('proposed'),
  Type.Literal('approved'),
  Type.Literal('published'),
]);

const LevelSummary = Type.Object({
  code: Type.String(),
  title: Type.String(),
  rank: Type.Integer(),
  latestVersion: Nullable(Type.Integer()),
  publishedAt: Nullable(Type.String()),
});

const Pending = Type.Object({ href: Type.String(), controlIds: Type.Array(Type.String()) });

const Step = Type.Object({ at: Type.String(), position: Nullable(Type.String()) });

/** One version's history; positions only, never e-mail addresses: published versions are public. */
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
  pending: Type.Array(Pending),
  links: Type.Object({
    page: Type.String(),
    profile: Type.String(),
    catalog: Nullable(Type.String()),
  }),
});

const Problem = Type.Object({ in: Type.String(), pointer: Type.String(), message: Type.String() });

const ControlView = Type.Object({
  id: Type.String(),
  label: Nullable(Type.String()),
  title: Type.String(),
  parentId: Nullable(Type.String()),
  statement: Type.String(),
  parameters: Type.Array(
    Type.Object({
      id: Type.String(),
      label: Nullable(Type.String()),
      value: Nullable(Type.String()),
    }),
  ),
});

const VersionView = Type.Object({
  level: Type.Object({ code: Type.String(), title: Type.String(), rank: Type.Integer() }),
  ...VersionSummary.properties,
  title: Type.String(),
  remarks: Nullable(Type.String()),
  imports: Type.Array(
    Type.Object({
      href: Type.String(),
      includeAll: Type.Boolean(),
      controlIds: Type.Array(Type.String()),
      excludedIds: Type.Array(Type.String()),
    }),
  ),
  setParameters: Type.Array(
    Type.Object({ paramId: Type.String(), values: Type.Array(Type.String()) }),
  ),
  controlCount: Type.Integer(),
  groups: Type.Array(
    Type.Object({
      id: Nullable(Type.String()),
      title: Type.String(),
      controls: Type.Array(ControlView),
    }),
  ),
  /** Why a draft does not resolve (empty when it does, and always for published versions). */
  problems: Type.Array(Problem),
});

const Change = Type.Object({ before: Nullable(Type.String()), after: Nullable(Type.String()) });
const Diff = Type.Object({
  from: Type.Object({ code: Type.String(), version: Type.Integer() }),
  to: Type.Object({ code: Type.String(), version: Type.Integer() }),
  added: Type.Array(Type.Object({ id: Type.String(), title: Type.String() })),
  removed: Type.Array(Type.Object({ id: Type.String(), title: Type.String() })),
  changed: Type.Array(
    Type.Object({
      id: Type.String(),
      title: Type.String(),
      titleChange: Nullable(Type.Object({ before: Type.String(), after: Type.String() })),
      parameters: Type.Array(Type.Object({ paramId: Type.String(), ...Change.properties })),
      texts: Type.Array(Type.Object({ part: Type.String(), ...Change.properties })),
    }),
  ),
  pendingAdded: Type.Array(Type.String()),
  pendingRemoved: Type.Array(Type.String()),
});

function step(at: string | null, position: string | null): Static<typeof Step> | null {
  return at === null ? null : { at, position };
}

export function presentVersionSummary(
  level: LevelRow,
  row: VersionSummaryRow,
): Static<typeof VersionSummary> {
  const published = row.status === 'published';
  const base = `/api/v1/levels/${level.code}`;
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
    pending: service.pendingOf(row),
    links: published
      ? {
          page: `/levels/${level.code}/versions/${row.version}`,
          profile: profileAddress(level.code, row.version),
          catalog: `${base}/versions/${row.version}/catalog.json`,
        }
      : {
          page: `/levels/${level.code}/draft`,
          profile: `${base}/draft/profile.json`,
          catalog: null,
        },
  };
}

async function presentVersion(
  ctx: AppContext,
  level: LevelRow,
  row: VersionRow,
): Promise<Static<typeof VersionView>> {
  const profile = storedProfile(row.profile);
  let catalog = null;
  let problems: Static<typeof Problem>[] = [];
  let pending = service.pendingOf(row);
  if (row.status === 'published') {
    catalog = service.publishedCatalog(row);
  } else {
    // A draft is resolved afresh each time it is shown: the levels below and the library move.
    const resolution = await service.resolveLevel(ctx, level.code, 'draft', profile);
    catalog = resolution.catalog;
    problems = resolution.problems;
    pending = resolution.pending;
  }
  const view = catalog ? catalogView(catalog) : { controlCount: 0, groups: [] };
  return {
    level: { code: level.code, title: level.title, rank: level.rank },
    ...presentVersionSummary(level, row),
    pending,
    title: profile.metadata.title,
    remarks: profile.metadata.remarks ?? null,
    imports: profile.imports.map((entry) => ({
      href: entry.href,
      includeAll: entry['include-all'] !== undefined,
      controlIds: (entry['include-controls'] ?? []).flatMap((s) => s['with-ids'] ?? []),
      excludedIds: (entry['exclude-controls'] ?? []).flatMap((s) => s['with-ids'] ?? []),
    })),
    setParameters: (profile.modify?.['set-parameters'] ?? []).map((s) => ({
      paramId: s['param-id'],
      values: s.values ?? [],
    })),
    ...view,
    problems,
  };
}

function sendDocument(reply: FastifyReply, name: string, text: string): FastifyReply {
  return reply
    .header('content-type', 'application/json; charset=utf-8')
    .header('content-disposition', `attachment; filename="${name}"`)
    .send(text);
}

/** Parses `code@n` from a query; a 400 that quotes the value otherwise. */
function ref(text: string, field: string): service.VersionRef {
  const parsed = service.parseVersionRef(text);
  if (!parsed) {
    throw AppError.badRequest(
      'bad_version',
      `${JSON.stringify(text)} does not name a level version; write it as code@number, e.g. baseline@1.`,
      [{ in: 'querystring', pointer: `/${field}`, message: 'must be code@number' }],
    );
  }
  return parsed;
}

const officers = access.signedIn({ organizationKinds: ['cloud_office'] });
const proposers = access.signedIn({
  organizationKinds: ['cloud_office'],
  power: 'propose_security_level',
});
const approvers = access.signedIn({
  organizationKinds: ['cloud_office'],
  power: 'approve_security_level',
});

/**
 * The security levels: published versions for everyone without sign-in, at stable addresses;
 * drafts and their workflow for officers of the Cloud Office.
 */
export const levelRoutes: FastifyPluginAsyncTypebox<{ ctx: AppContext }> = async (app, { ctx }) => {
  const tags = ['security levels'];

  app.get(
    '/api/v1/levels',
    {
      config: { access: access.public },
      schema: {
        tags,
        summary: 'The security levels, lowest first, with their latest published version (public)',
        response: { 200: Type.Object({ items: Type.Array(LevelSummary) }) },
      },
    },
    async () => ({
      items: (await service.listLevels(ctx)).map(({ level, latest }) => ({
        code: level.code,
        title: level.title,
        rank: level.rank,
        latestVersion: latest?.version ?? null,
        publishedAt: latest?.published_at ?? null,
      })),
    }),
  );

  app.get(
    '/api/v1/levels/:code',
    {
      config: { access: access.public },
      schema: {
        tags,
        summary: 'A level and its published versions, newest first (public)',
        params: CodeParams,
        response: {
          200: Type.Object({
            code: Type.String(),
            title: Type.String(),
            rank: Type.Integer(),
            versions: Type.Array(VersionSummary),
          }),
        },
      },
    },
    async (request) => {
      const level = await service.getLevel(ctx, request.params.code);
      const versions = await service.publishedVersions(ctx, level);
      return {
        code: level.code,
        title: level.title,
        rank: level.rank,
        versions: versions.map((row) => presentVersionSummary(level, row)),
      };
    },
  );

  app.get(
    '/api/v1/levels/:code/versions/:version',
    {
      config: { access: access.public },
      schema: {
        tags,
        summary:
          'A published version: its controls by group, parameter values, pending imports (public)',
        params: VersionParams,
        response: { 200: VersionView },
      },
    },
    async (request) => {
      const { level, row } = await service.getPublishedVersion(ctx, request.params);
      return presentVersion(ctx, level, row);
    },
  );

  app.get(
    '/api/v1/levels/:code/versions/:version/profile.json',
    {
      config: { access: access.public },
      schema: {
        tags,
        summary: 'A published version as an OSCAL profile (public download)',
        params: VersionParams,
      },
    },
    async (request, reply) => {
      const { level, row } = await service.getPublishedVersion(ctx, request.params);
      return sendDocument(reply, `level-${level.code}-${row.version}-profile.json`, row.profile);
    },
  );

  app.get(
    '/api/v1/levels/:code/versions/:version/catalog.json',
    {
      config: { access: access.public },
      schema: {
        tags,
        summary:
          'A published version resolved: the OSCAL catalog of its controls (public download)',
        params: VersionParams,
      },
    },
    async (request, reply) => {
      const { level, row } = await service.getPublishedVersion(ctx, request.params);
      return sendDocument(
        reply,
        `level-${level.code}-${row.version}-catalog.json`,
        row.resolved_catalog ?? '',
      );
    },
  );

  app.get(
    '/api/v1/level-diff',
    {
      config: { access: access.public },
      schema: {
        tags,
        summary:
          'Compare two published versions: controls added and removed, parameter and text changes (public)',
        querystring: Type.Object({
          from: Type.String({ maxLength: 60, description: 'e.g. baseline@1' }),
          to: Type.String({ maxLength: 60, description: 'e.g. baseline@2' }),
        }),
        response: { 200: Diff },
      },
    },
    async (request) =>
      service.diffVersions(ctx, ref(request.query.from, 'from'), ref(request.query.to, 'to')),
  );

  // ----- Drafts (officers) -----

  app.get(
    '/api/v1/level-drafts',
    {
      config: { access: officers },
      schema: {
        tags,
        summary: 'Open drafts of every level',
        response: {
          200: Type.Object({
            items: Type.Array(
              Type.Object({
                level: Type.Object({ code: Type.String(), title: Type.String() }),
                ...VersionSummary.properties,
              }),
            ),
          }),
        },
      },
    },
    async () => {
      const levels = await service.listLevels(ctx);
      const items = [];
      for (const { level } of levels) {
        const open = await service.getOpenVersion(ctx, level.code).catch(() => null);
        if (open)
          items.push({
            level: { code: level.code, title: level.title },
            ...presentVersionSummary(level, open.row),
          });
      }
      return { items };
    },
  );

  app.get(
    '/api/v1/levels/:code/draft',
    {
      config: { access: officers },
      schema: {
        tags,
        summary: "The level's open draft, resolved now, with any problems",
        params: CodeParams,
        response: { 200: VersionView },
      },
    },
    async (request) => {
      const { level, row } = await service.getOpenVersion(ctx, request.params.code);
      return presentVersion(ctx, level, row);
    },
  );

  app.get(
    '/api/v1/levels/:code/draft/profile.json',
    {
      config: { access: officers },
      schema: { tags, summary: "The open draft's OSCAL profile", params: CodeParams },
    },
    async (request, reply) => {
      const { level, row } = await service.getOpenVersion(ctx, request.params.code);
      return sendDocument(
        reply,
        `level-${level.code}-${row.version}-draft-profile.json`,
        row.profile,
      );
    },
  );

  app.get(
    '/api/v1/levels/:code/draft/diff',
    {
      config: { access: officers },
      schema: {
        tags,
        summary: 'The open draft compared with the version it started from',
        params: CodeParams,
        response: { 200: Diff },
      },
    },
    async (request) => service.diffDraft(ctx, request.params.code),
  );

  app.post(
    '/api/v1/levels/:code/draft',
    {
      config: { access: proposers },
      schema: {
        tags,
        summary: 'Start a draft of the next version from the latest published one',
        params: CodeParams,
        response: { 201: VersionView },
      },
    },
    async (request, reply) => {
      const { level, row } = await service.startDraft(
        ctx,
        request.params.code,
        requestContext(request),
      );
      return reply.code(201).send(await presentVersion(ctx, level, row));
    },
  );

  app.put(
    '/api/v1/levels/:code/draft/profile',
    {
      config: { access: proposers },
      schema: {
        tags,
        summary: 'Replace the whole draft profile with an OSCAL profile document',
        params: CodeParams,
        body: Type.Object(
          {
            $schema: Type.Optional(Type.String({ maxLength: 2000 })),
            profile: Type.Object({}, { additionalProperties: true }),
          },
          { description: 'An OSCAL profile document: {"profile": {...}}' },
        ),
        response: { 200: VersionView },
      },
    },
    async (request) => {
      const { level, row } = await service.replaceDraftProfile(
        ctx,
        request.params.code,
        { document: request.body },
        requestContext(request),
      );
      return presentVersion(ctx, level, row);
    },
  );

  app.put(
    '/api/v1/levels/:code/draft/profile-file',
    {
      config: { access: proposers },
      schema: {
        tags,
        summary: 'Replace the whole draft profile with an OSCAL profile file, JSON or YAML',
        description:
          'The file as text with its name: a name ending in .yaml or .yml is read as YAML, any ' +
          'other as JSON. Problems are listed by JSON pointer into the document.',
        params: CodeParams,
        body: Type.Object(
          {
            fileName: Type.String({ minLength: 1, maxLength: 255 }),
            content: Type.String({ minLength: 1 }),
          },
          { additionalProperties: false },
        ),
        response: { 200: VersionView },
      },
    },
    async (request) => {
      const { level, row } = await service.replaceDraftProfile(
        ctx,
        request.params.code,
        { fileName: request.body.fileName, content: request.body.content },
        requestContext(request),
      );
      return presentVersion(ctx, level, row);
    },
  );

  const Ids = Type.Array(Type.String({ minLength: 1, maxLength: 100 }), {
    minItems: 1,
    maxItems: 2000,
  });
  app.patch(
    '/api/v1/levels/:code/draft',
    {
      config: { access: proposers },
      schema: {
        tags,
        summary: 'Targeted draft edits: title, remarks, parameter values, controls of an import',
        params: CodeParams,
        body: Type.Object({
          title: Type.Optional(Type.String({ minLength: 1, maxLength: 300, pattern: '\\S' })),
          remarks: Type.Optional(Nullable(Type.String({ maxLength: 10_000 }))),
          setParameters: Type.Optional(
            Type.Array(
              Type.Object({
                paramId: Type.String({ minLength: 1, maxLength: 200 }),
                values: Type.Array(Type.String({ minLength: 1, maxLength: 2000 }), {
                  minItems: 1,
                  maxItems: 50,
                }),
              }),
              { maxItems: 500 },
            ),
          ),
          addControls: Type.Optional(
            Type.Object({ href: Type.String({ minLength: 1 }), ids: Ids }),
          ),
          removeControls: Type.Optional(
            Type.Object({ href: Type.String({ minLength: 1 }), ids: Ids }),
          ),
        }),
        response: { 200: VersionView },
      },
    },
    async (request) => {
      const { level, row } = await service.editDraft(
        ctx,
        request.params.code,
        request.body,
        requestContext(request),
      );
      return presentVersion(ctx, level, row);
    },
  );

  app.delete(
    '/api/v1/levels/:code/draft',
    {
      config: { access: proposers },
      schema: { tags, summary: 'Discard a draft that has not been proposed', params: CodeParams },
    },
    async (request, reply) => {
      await service.discardDraft(ctx, request.params.code, requestContext(request));
      return reply.code(204).send();
    },
  );

  for (const [step, rule, summary] of [
    ['propose', proposers, 'Propose the draft for approval (it must resolve)'],
    ['approve', approvers, 'Approve a proposed draft (it must still resolve)'],
    ['publish', approvers, 'Publish an approved draft: it becomes the new version, for good'],
  ] as const) {
    app.post(
      `/api/v1/levels/:code/draft/${step}`,
      {
        config: { access: rule },
        schema: { tags, summary, params: CodeParams, response: { 200: VersionView } },
      },
      async (request) => {
        const { level, row } = await service.advance(
          ctx,
          request.params.code,
          step,
          requestContext(request),
        );
        return presentVersion(ctx, level, row);
      },
    );
  }

  app.post(
    '/api/v1/levels/:code/draft/return',
    {
      config: { access: approvers },
      schema: {
        tags,
        summary: 'Return a proposed or approved draft to its authors, with the reason',
        params: CodeParams,
        body: Type.Object({
          reason: Type.String({ minLength: 1, maxLength: 2000, pattern: '\\S' }),
        }),
        response: { 200: VersionView },
      },
    },
    async (request) => {
      const { level, row } = await service.advance(
        ctx,
        request.params.code,
        'return',
        requestContext(request),
        request.body.reason,
      );
      return presentVersion(ctx, level, row);
    },
  );
};
