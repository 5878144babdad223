import { randomUUID } from 'node:crypto';
import path from 'node:path';
import type { AppContext } from '../../context.js';
import { isUniqueViolation } from '../../db/errors.js';
import { AppError, type ProblemIssue } from '../../errors.js';
import { OscalError, parseOscal } from '../../oscal/document.js';
import type { Control, OscalIssue, Parameter } from '../../oscal/model.js';
import { recordAuditEvent } from '../audit/service.js';
import { auditActor, type RequestContext } from '../identity/actor.js';
import { flattenCatalog } from './flatten.js';
import { renderParts, scopeOf, type ParamValues, type RenderedPart } from './render.js';
import * as repo from './repo.js';

/**
 * The catalog library's rules: importing an OSCAL catalog (validated completely before anything is
 * written, then stored in one transaction with its audit event), browsing, search and the control
 * page. Routes, the CLI and the benchmark all come through here.
 */

/** What an import reports as it goes, for the CLI's progress lines. */
export type ImportProgress =
  | { phase: 'parsing'; bytes: number }
  | { phase: 'validated'; controls: number; families: number }
  | { phase: 'storing'; stored: number; total: number };

export interface CatalogImportInput {
  /** The file name the catalog came from; it names the catalog for the resolver (`source.ts`). */
  fileName: string;
  text: string;
}

/** The key a file name is found by: its base name, lower case, without extension. */
export function sourceKeyOf(fileName: string): string {
  const base = path.posix.basename(fileName.replace(/\\/g, '/'));
  const dot = base.lastIndexOf('.');
  return (dot > 0 ? base.slice(0, dot) : base).toLowerCase();
}

/**
 * The refusal of a document that is not valid OSCAL: 422, one problem entry per issue. `message`
 * is one line that says what is wrong (and how many problems); the issues are listed apart.
 */
export function invalidDocument(message: string, issues: readonly OscalIssue[]): AppError {
  const listed: ProblemIssue[] = issues.slice(0, 200).map((issue) => ({
    in: 'document',
    pointer: issue.pointer,
    message: `${issue.message} (rule: ${issue.rule})`,
  }));
  const more = issues.length > listed.length ? ` (first ${listed.length} listed)` : '';
  return new AppError(422, 'invalid_oscal', `${message}${more}. Nothing was stored.`, listed);
}

/**
 * Imports an OSCAL catalog (JSON or YAML) into the library. Needs the manage_catalogs power (the
 * shell without --as acts as the installation's administrator: `actor` null). Nothing is stored
 * unless the whole document is valid; the catalog, its controls and the audit event commit together.
 */
export async function importCatalog(
  ctx: AppContext,
  input: CatalogImportInput,
  request: RequestContext,
  onProgress: (progress: ImportProgress) => void = () => undefined,
): Promise<repo.CatalogSummaryRow> {
  const actor = request.actor;
  if (actor && !actor.powers.has('manage_catalogs')) {
    // The routes refuse this before the service; this guards the shell, and is audited the same.
    await ctx.db.transaction().execute((trx) =>
      recordAuditEvent(
        trx,
        {
          actor: auditActor(actor),
          action: 'catalog.import',
          outcome: 'denied',
          target: { type: 'catalog', id: null },
          summary: {
            reason: 'power manage_catalogs not held',
            after: { fileName: input.fileName },
          },
          requestId: request.requestId,
        },
        ctx.clock,
      ),
    );
    throw new AppError(
      403,
      'forbidden',
      `${actor.email} does not hold the manage_catalogs power today (through any post they hold).`,
    );
  }

  onProgress({ phase: 'parsing', bytes: Buffer.byteLength(input.text) });
  let document;
  try {
    document = parseOscal(input.text, { name: input.fileName });
  } catch (error) {
    if (error instanceof OscalError) throw invalidDocument(error.summary, error.issues);
    throw error;
  }
  if (document.kind !== 'catalog') {
    throw new AppError(
      422,
      'not_a_catalog',
      `${input.fileName} is an OSCAL profile, not a catalog; only catalogs go into the library.`,
    );
  }
  const catalog = document.catalog;
  const flat = flattenCatalog(catalog);
  if (flat.issues.length > 0) {
    const count = flat.issues.length;
    throw invalidDocument(
      `${input.fileName} is not a valid OSCAL catalog: ${count} problem${count === 1 ? '' : 's'}`,
      flat.issues,
    );
  }
  onProgress({ phase: 'validated', controls: flat.controls.length, families: flat.families });

  const id = randomUUID();
  const documentText = JSON.stringify({ catalog });
  const { metadata } = catalog;
  try {
    await ctx.db.transaction().execute(async (trx) => {
      const existing = await repo.findByUuidAndVersion(trx, catalog.uuid, metadata.version);
      if (existing) throw duplicate(existing);
      await repo.insertCatalog(trx, {
        id,
        uuid: catalog.uuid,
        title: metadata.title,
        version: metadata.version,
        oscal_version: metadata['oscal-version'],
        last_modified: metadata['last-modified'],
        source_name: path.posix.basename(input.fileName.replace(/\\/g, '/')),
        source_key: sourceKeyOf(input.fileName),
        document: documentText,
        document_bytes: Buffer.byteLength(documentText),
        control_count: flat.controls.length,
        withdrawn_count: flat.controls.filter((c) => c.withdrawn).length,
        family_count: flat.families,
        imported_by: actor?.userId ?? null,
        imported_by_email: actor?.email ?? null,
        imported_at: ctx.clock.now().toISOString(),
      });
      for (let start = 0; start < flat.controls.length; start += repo.CONTROL_BATCH) {
        const batch = flat.controls.slice(start, start + repo.CONTROL_BATCH);
        await repo.insertControls(trx, id, batch);
        onProgress({
          phase: 'storing',
          stored: start + batch.length,
          total: flat.controls.length,
        });
      }
      await recordAuditEvent(
        trx,
        {
          actor: auditActor(actor, 'manage_catalogs'),
          action: 'catalog.import',
          outcome: 'success',
          target: { type: 'catalog', id },
          summary: {
            after: {
              uuid: catalog.uuid,
              title: metadata.title,
              version: metadata.version,
              fileName: input.fileName,
              controls: flat.controls.length,
            },
          },
          requestId: request.requestId,
        },
        ctx.clock,
      );
    });
  } catch (error) {
    if (isUniqueViolation(error)) {
      const existing = await repo.findByUuidAndVersion(ctx.db, catalog.uuid, metadata.version);
      if (existing) throw duplicate(existing);
    }
    throw error;
  }
  return getCatalog(ctx, id);
}

function duplicate(existing: repo.CatalogSummaryRow): AppError {
  return AppError.conflict(
    'catalog_exists',
    `"${existing.title}" version ${existing.version} (uuid ${existing.uuid}) is already in the library ` +
      `as catalog ${existing.id}, imported ${existing.imported_at} from ${existing.source_name}. ` +
      'Delete it first to import it again.',
  );
}

/** Removes a catalog and its controls; needs manage_catalogs. */
export async function deleteCatalog(
  ctx: AppContext,
  id: string,
  request: RequestContext,
): Promise<void> {
  const before = await getCatalog(ctx, id);
  await ctx.db.transaction().execute(async (trx) => {
    await repo.deleteCatalog(trx, id);
    await recordAuditEvent(
      trx,
      {
        actor: auditActor(request.actor, 'manage_catalogs'),
        action: 'catalog.delete',
        outcome: 'success',
        target: { type: 'catalog', id },
        summary: {
          before: {
            uuid: before.uuid,
            title: before.title,
            version: before.version,
            fileName: before.source_name,
          },
        },
        requestId: request.requestId,
      },
      ctx.clock,
    );
  });
}

export async function getCatalog(ctx: AppContext, id: string): Promise<repo.CatalogSummaryRow> {
  const row = await repo.findCatalogSummary(ctx.db, id);
  if (!row) throw AppError.notFound(`There is no catalog ${JSON.stringify(id)} in the library.`);
  return row;
}

export function listCatalogs(
  ctx: AppContext,
  filter: { q?: string },
  page: { limit: number; offset: number; sort: repo.CatalogSort },
) {
  return repo.listCatalogs(ctx.db, filter, page);
}

export async function catalogWithFamilies(ctx: AppContext, id: string) {
  const catalog = await getCatalog(ctx, id);
  return { catalog, families: await repo.listFamilies(ctx.db, id) };
}

/** Browsing (a family, a control's enhancements) and search, in one paginated list. */
export async function listControls(
  ctx: AppContext,
  filter: Omit<repo.ControlFilter, 'terms'> & { q?: string },
  page: { limit: number; offset: number; sort: repo.ControlSort },
) {
  if (filter.catalogId) await getCatalog(ctx, filter.catalogId);
  const { q, ...rest } = filter;
  const terms = q === undefined ? [] : repo.searchTerms(q);
  return repo.listControls(ctx.db, { ...rest, terms }, page);
}

export interface ControlPage {
  catalog: repo.CatalogSummaryRow;
  row: repo.CatalogControlRow;
  control: Omit<Control, 'controls'>;
  /** Every parameter the control's prose may insert: its own and its parent controls'. */
  params: Parameter[];
  parts: RenderedPart[];
  parent: repo.CatalogControlListRow | null;
  enhancements: repo.CatalogControlListRow[];
}

/**
 * One control, with its parts rendered: parameters filled in from `values` (a level's, later),
 * else the catalog's own values, else spelled out as SP 800-53 prints them.
 */
export async function controlPage(
  ctx: AppContext,
  catalogId: string,
  controlId: string,
  values: ParamValues = new Map(),
): Promise<ControlPage> {
  const catalog = await getCatalog(ctx, catalogId);
  const row = await repo.findControl(ctx.db, catalogId, controlId);
  if (!row) {
    throw AppError.notFound(
      `There is no control ${JSON.stringify(controlId)} in "${catalog.title}".`,
    );
  }
  const control = JSON.parse(row.control) as Omit<Control, 'controls'>;
  // Enhancements may insert their parent's parameters: walk up (NIST nests at most one level).
  const chain: Omit<Control, 'controls'>[] = [];
  let parent: repo.CatalogControlRow | undefined;
  let up = row.parent_id;
  while (up !== null && chain.length < 8) {
    const found = await repo.findControl(ctx.db, catalogId, up);
    if (!found) break;
    parent ??= found;
    chain.unshift(JSON.parse(found.control) as Omit<Control, 'controls'>);
    up = found.parent_id;
  }
  const scope = scopeOf(...chain.map((c) => c.params), control.params);
  return {
    catalog,
    row,
    control,
    params: [...scope.values()],
    parts: renderParts(control.parts, scope, values),
    parent: parent ?? null,
    enhancements: await repo.listChildren(ctx.db, catalogId, controlId),
  };
}
