import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type, type Static } from 'typebox';
import type { AppContext } from '../../context.js';
import { access, requestContext } from '../identity/access.js';
import type { RenderedPart } from './render.js';
import type { CatalogControlListRow, CatalogSummaryRow, FamilyRow } from './repo.js';
import * as service from './service.js';

/**
 * The catalog library over HTTP. Reading needs sign-in, from any kind of organization: NIST's
 * catalogs are public, but an office may also import licensed standards (ISO/IEC text is not
 * free to republish), so the library is not public; the published security levels will be.
 * Importing and deleting need the manage_catalogs power in the Cloud Office.
 */

/** Large enough for NIST SP 800-53 (3.2 MB as JSON, more as an escaped string in our body). */
export const CATALOG_UPLOAD_LIMIT = 16 * 1024 * 1024;

export const CatalogSchema = Type.Object(
  {
    id: Type.String(),
    uuid: Type.String({ description: "The catalog's own OSCAL uuid" }),
    title: Type.String(),
    version: Type.String(),
    oscalVersion: Type.String(),
    lastModified: Type.String(),
    sourceName: Type.String({ description: 'The file name given at import' }),
    documentBytes: Type.Integer(),
    controlCount: Type.Integer({ description: 'Controls and enhancements, withdrawn included' }),
    withdrawnCount: Type.Integer(),
    familyCount: Type.Integer(),
    importedBy: Type.Union([
      Type.Object({ userId: Type.String(), email: Type.Union([Type.String(), Type.Null()]) }),
      Type.Null(),
    ]),
    importedAt: Type.String({ format: 'date-time' }),
  },
  { $id: 'Catalog' },
);

function presentCatalog(row: CatalogSummaryRow): Static<typeof CatalogSchema> {
  return {
    id: row.id,
    uuid: row.uuid,
    title: row.title,
    version: row.version,
    oscalVersion: row.oscal_version,
    lastModified: row.last_modified,
    sourceName: row.source_name,
    documentBytes: row.document_bytes,
    controlCount: row.control_count,
    withdrawnCount: row.withdrawn_count,
    familyCount: row.family_count,
    importedBy: row.imported_by ? { userId: row.imported_by, email: row.imported_by_email } : null,
    importedAt: row.imported_at,
  };
}

const ControlSummarySchema = Type.Object({
  catalogId: Type.String(),
  catalogTitle: Type.Optional(Type.String()),
  id: Type.String(),
  parentId: Type.Union([Type.String(), Type.Null()]),
  depth: Type.Integer(),
  label: Type.Union([Type.String(), Type.Null()]),
  sortId: Type.Union([Type.String(), Type.Null()]),
  title: Type.String(),
  familyId: Type.Union([Type.String(), Type.Null()]),
  familyTitle: Type.Union([Type.String(), Type.Null()]),
  withdrawn: Type.Boolean(),
  enhancementCount: Type.Integer(),
});

function presentControlSummary(
  row: CatalogControlListRow & { catalog_title?: string },
): Static<typeof ControlSummarySchema> {
  return {
    catalogId: row.catalog_id,
    ...(row.catalog_title === undefined ? {} : { catalogTitle: row.catalog_title }),
    id: row.control_id,
    parentId: row.parent_id,
    depth: row.depth,
    label: row.label,
    sortId: row.sort_id,
    title: row.title,
    familyId: row.family_id,
    familyTitle: row.family_title,
    withdrawn: row.withdrawn === 1,
    enhancementCount: row.enhancement_count,
  };
}

const FamilySchema = Type.Object({
  id: Type.Union([Type.String(), Type.Null()]),
  title: Type.String(),
  controls: Type.Integer(),
  enhancements: Type.Integer(),
  withdrawn: Type.Integer(),
});

function presentFamily(row: FamilyRow): Static<typeof FamilySchema> {
  return {
    id: row.family_id,
    title: row.family_title ?? '(controls outside any group)',
    controls: row.controls,
    enhancements: row.enhancements,
    withdrawn: row.withdrawn,
  };
}

const SegmentSchema = Type.Object({
  text: Type.String(),
  param: Type.Optional(
    Type.Object({
      id: Type.String(),
      kind: Type.Union([
        Type.Literal('value'),
        Type.Literal('assignment'),
        Type.Literal('selection'),
        Type.Literal('unknown'),
      ]),
    }),
  ),
});

/** A rendered part; parts nest, so the schema refers to itself by its $id (shared in app.ts). */
export const RenderedPartSchema = Type.Object(
  {
    id: Type.Union([Type.String(), Type.Null()]),
    name: Type.String(),
    label: Type.Union([Type.String(), Type.Null()]),
    title: Type.Union([Type.String(), Type.Null()]),
    prose: Type.Array(SegmentSchema),
    parts: Type.Array(Type.Ref('RenderedPart')),
  },
  { $id: 'RenderedPart' },
);

const ParameterSchema = Type.Object({
  id: Type.String(),
  label: Type.Union([Type.String(), Type.Null()]),
  values: Type.Array(Type.String()),
  select: Type.Union([
    Type.Object({
      howMany: Type.Union([Type.Literal('one'), Type.Literal('one-or-more')]),
      choices: Type.Array(Type.String()),
    }),
    Type.Null(),
  ]),
  guidelines: Type.Array(Type.String()),
});

const ControlDetailSchema = Type.Object({
  catalog: Type.Object({ id: Type.String(), title: Type.String(), version: Type.String() }),
  control: ControlSummarySchema,
  class: Type.Union([Type.String(), Type.Null()]),
  groupPath: Type.Array(
    Type.Object({ id: Type.Union([Type.String(), Type.Null()]), title: Type.String() }),
  ),
  params: Type.Array(ParameterSchema),
  parts: Type.Array(Type.Ref('RenderedPart')),
  props: Type.Array(Type.Object({ name: Type.String(), value: Type.String() })),
  links: Type.Array(
    Type.Object({
      href: Type.String(),
      rel: Type.Union([Type.String(), Type.Null()]),
      text: Type.Union([Type.String(), Type.Null()]),
    }),
  ),
  parent: Type.Union([ControlSummarySchema, Type.Null()]),
  enhancements: Type.Array(ControlSummarySchema),
});

function presentControlPage(page: service.ControlPage): Static<typeof ControlDetailSchema> {
  return {
    catalog: { id: page.catalog.id, title: page.catalog.title, version: page.catalog.version },
    control: presentControlSummary(page.row),
    class: page.control.class ?? null,
    groupPath: JSON.parse(page.row.group_path) as { id: string | null; title: string }[],
    params: page.params.map((param) => ({
      id: param.id,
      label: param.label ?? null,
      values: param.values ?? [],
      select: param.select
        ? { howMany: param.select['how-many'] ?? 'one', choices: param.select.choice ?? [] }
        : null,
      guidelines: (param.guidelines ?? []).map((g) => g.prose),
    })),
    parts: page.parts satisfies RenderedPart[],
    props: (page.control.props ?? []).map((p) => ({ name: p.name, value: p.value })),
    links: (page.control.links ?? []).map((l) => ({
      href: l.href,
      rel: l.rel ?? null,
      text: l.text ?? null,
    })),
    parent: page.parent ? presentControlSummary(page.parent) : null,
    enhancements: page.enhancements.map((row) => presentControlSummary(row)),
  };
}

const CatalogIdParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 64 }) });
const Paging = {
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 50 })),
  offset: Type.Optional(Type.Integer({ minimum: 0, default: 0 })),
};

export const catalogRoutes: FastifyPluginAsyncTypebox<{ ctx: AppContext }> = async (
  app,
  { ctx },
) => {
  const CatalogRef = Type.Ref('Catalog');
  const readers = access.signedIn();
  const keepers = access.signedIn({
    organizationKinds: ['cloud_office'],
    power: 'manage_catalogs',
  });

  app.get(
    '/api/v1/catalogs',
    {
      config: { access: readers },
      schema: {
        tags: ['catalogs'],
        summary: 'The catalog library: imported OSCAL control catalogs',
        querystring: Type.Object({
          q: Type.Optional(Type.String({ maxLength: 200, description: 'Part of the title' })),
          sort: Type.Optional(
            Type.Union(
              [
                Type.Literal('title'),
                Type.Literal('-title'),
                Type.Literal('imported_at'),
                Type.Literal('-imported_at'),
              ],
              { default: 'title' },
            ),
          ),
          ...Paging,
        }),
        response: {
          200: Type.Object({
            items: Type.Array(CatalogRef),
            total: Type.Integer(),
            limit: Type.Integer(),
            offset: Type.Integer(),
          }),
        },
      },
    },
    async (request) => {
      const { q, sort = 'title', limit = 50, offset = 0 } = request.query;
      const result = await service.listCatalogs(ctx, { q }, { limit, offset, sort });
      return { items: result.items.map(presentCatalog), total: result.total, limit, offset };
    },
  );

  app.post(
    '/api/v1/catalogs',
    {
      config: { access: keepers },
      // The NIST catalog alone is over 3 MB; only this route takes bodies this large.
      bodyLimit: Math.max(ctx.config.http.bodyLimit, CATALOG_UPLOAD_LIMIT),
      schema: {
        tags: ['catalogs'],
        summary: 'Import an OSCAL catalog (JSON or YAML) into the library',
        description:
          'The file travels as text in `content`; `fileName` names it (its extension says JSON or ' +
          'YAML, and profiles find the catalog by it). An invalid document is refused with 422 ' +
          'listing every problem by JSON pointer, and nothing is stored; the same uuid and version ' +
          'twice is refused with 409.',
        body: Type.Object(
          {
            fileName: Type.String({ minLength: 1, maxLength: 255, pattern: '\\S' }),
            content: Type.String({ minLength: 1 }),
          },
          { additionalProperties: false },
        ),
        response: { 201: CatalogRef },
      },
    },
    async (request, reply) => {
      const created = await service.importCatalog(
        ctx,
        { fileName: request.body.fileName, text: request.body.content },
        requestContext(request),
      );
      return reply.code(201).send(presentCatalog(created));
    },
  );

  app.get(
    '/api/v1/catalogs/:id',
    {
      config: { access: readers },
      schema: {
        tags: ['catalogs'],
        summary: 'One catalog, with its families (top-level groups) and their control counts',
        params: CatalogIdParams,
        response: {
          200: Type.Object({ catalog: CatalogRef, families: Type.Array(FamilySchema) }),
        },
      },
    },
    async (request) => {
      const result = await service.catalogWithFamilies(ctx, request.params.id);
      return {
        catalog: presentCatalog(result.catalog),
        families: result.families.map(presentFamily),
      };
    },
  );

  app.delete(
    '/api/v1/catalogs/:id',
    {
      config: { access: keepers },
      schema: {
        tags: ['catalogs'],
        summary: 'Remove a catalog and its controls from the library',
        params: CatalogIdParams,
        response: { 204: Type.Null() },
      },
    },
    async (request, reply) => {
      await service.deleteCatalog(ctx, request.params.id, requestContext(request));
      return reply.code(204).send(null);
    },
  );

  app.get(
    '/api/v1/catalogs/:id/controls',
    {
      config: { access: readers },
      schema: {
        tags: ['catalogs'],
        summary: "Browse or search a catalog's controls",
        description:
          'With `q`, every word must occur in the control id, label, title or statement; ' +
          '`sort=relevance` (the default with `q`) ranks id matches first, then title matches, ' +
          'then statement matches. Without `q`, controls come in document order.',
        params: CatalogIdParams,
        querystring: Type.Object({
          q: Type.Optional(Type.String({ maxLength: 200 })),
          family: Type.Optional(Type.String({ maxLength: 64, description: 'A family (group) id' })),
          parent: Type.Optional(
            Type.String({ maxLength: 64, description: 'Only the enhancements of this control' }),
          ),
          topLevel: Type.Optional(Type.Boolean({ description: 'Leave out enhancements' })),
          withdrawn: Type.Optional(
            Type.Boolean({ default: true, description: 'Include withdrawn controls' }),
          ),
          sort: Type.Optional(Type.Union([Type.Literal('position'), Type.Literal('relevance')])),
          ...Paging,
        }),
        response: {
          200: Type.Object({
            items: Type.Array(ControlSummarySchema),
            total: Type.Integer(),
            limit: Type.Integer(),
            offset: Type.Integer(),
          }),
        },
      },
    },
    async (request) => {
      const { q, family, parent, topLevel, withdrawn, limit = 50, offset = 0 } = request.query;
      const sort = request.query.sort ?? (q ? 'relevance' : 'position');
      const result = await service.listControls(
        ctx,
        {
          catalogId: request.params.id,
          q,
          familyId: family,
          parentId: parent,
          topLevel,
          includeWithdrawn: withdrawn,
        },
        { limit, offset, sort },
      );
      return {
        items: result.items.map((row) => presentControlSummary(row)),
        total: result.total,
        limit,
        offset,
      };
    },
  );

  app.get(
    '/api/v1/catalogs/:id/controls/:controlId',
    {
      config: { access: readers },
      schema: {
        tags: ['catalogs'],
        summary: 'One control: its statement rendered with parameters, guidance, enhancements',
        params: Type.Object({
          id: Type.String({ minLength: 1, maxLength: 64 }),
          controlId: Type.String({ minLength: 1, maxLength: 100 }),
        }),
        response: { 200: ControlDetailSchema },
      },
    },
    async (request) =>
      presentControlPage(
        await service.controlPage(ctx, request.params.id, request.params.controlId),
      ),
  );
};
