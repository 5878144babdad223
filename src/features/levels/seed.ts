import fs from 'node:fs';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import type { AppContext } from '../../context.js';
import { isDatabaseBusy } from '../../db/errors.js';
import { AppError } from '../../errors.js';
import { parseOscal } from '../../oscal/document.js';
import { recordAuditEvent } from '../audit/service.js';
import { findByUuidAndVersion } from '../catalogs/repo.js';
import { importCatalog } from '../catalogs/service.js';
import * as repo from './repo.js';
import { resolveLevel } from './service.js';
import { pinLevelImports } from './source.js';

/**
 * The default content of a new installation: our own control catalog in the library, and the four
 * levels, each published as version 1 by the system. Safe to run at every start and on several
 * instances at once: levels and versions are inserted with ON CONFLICT DO NOTHING on their unique
 * keys, so whoever comes second does nothing, and an installation that already has a level's
 * version 1 (or has deleted our catalog from its library) is left as it is.
 */

/** `content/` sits at the project root; this file is three folders below it in src/ and dist/ alike. */
export const CONTENT_DIR = path.resolve(import.meta.dirname, '..', '..', '..', 'content', 'oscal');

export const LOCAL_CATALOG_FILE = 'cloud-office-catalog.json';

/** The four levels of the reference policy (PCFP's security ToRs), lowest first. */
export const DEFAULT_LEVELS = [
  { code: 'baseline', title: 'Baseline', rank: 1 },
  { code: 'intermediate', title: 'Intermediate', rank: 2 },
  { code: 'enhanced', title: 'Enhanced', rank: 3 },
  { code: 'maximum', title: 'Maximum', rank: 4 },
] as const;

/** Shown as the post of whoever published the default content, on the version and in the trail. */
export const SYSTEM_POSITION = 'System (default content of a new installation)';

export interface SeedReport {
  catalogImported: boolean;
  published: string[];
}

function readContent(dir: string, file: string): string {
  const full = path.join(dir, file);
  try {
    return fs.readFileSync(full, 'utf8');
  } catch (error) {
    throw new Error(`The default content ${full} cannot be read: ${(error as Error).message}`, {
      cause: error,
    });
  }
}

/** Puts the default content in place where it is missing; returns what it added. */
export async function seedDefaultContent(
  ctx: AppContext,
  options: { contentDir?: string } = {},
): Promise<SeedReport> {
  const dir = options.contentDir ?? CONTENT_DIR;
  const report: SeedReport = { catalogImported: false, published: [] };

  // Once the levels exist, the office owns its library: the shipped catalog is not read again.
  if ((await repo.listLevels(ctx.db)).length === 0) {
    report.catalogImported = await importShippedCatalog(ctx, dir);
  }

  const at = ctx.clock.now().toISOString();
  for (const definition of DEFAULT_LEVELS) {
    await repo.insertLevelIfMissing(ctx.db, { id: randomUUID(), ...definition, created_at: at });
    const level = await repo.findLevelByCode(ctx.db, definition.code);
    if (!level) throw new Error(`the level ${definition.code} was not stored`);
    if (await repo.findVersion(ctx.db, level.id, 1)) continue;

    const file = `level-${definition.code}.json`;
    const document = parseOscal(readContent(dir, file), { name: file });
    if (document.kind !== 'profile') throw new Error(`${file} is not a profile`);
    const pinned = await pinLevelImports(ctx.db, document.profile);
    const profile = {
      ...pinned,
      metadata: { ...pinned.metadata, version: '1', published: at, 'last-modified': at },
    };
    const resolution = await resolveLevel(ctx, level.code, 1, profile);
    if (!resolution.catalog) {
      const listed = resolution.problems.map((p) => `${p.pointer || '/'}: ${p.message}`);
      throw new Error(`The shipped profile ${file} does not resolve:\n  ${listed.join('\n  ')}`);
    }
    const catalog = resolution.catalog;
    await ctx.db.transaction().execute(async (trx) => {
      const id = randomUUID();
      const inserted = await repo.insertVersionIfMissing(trx, {
        id,
        level_id: level.id,
        version: 1,
        status: 'published',
        open_for_level: null,
        based_on_version: null,
        profile: JSON.stringify({ profile }),
        resolved_catalog: JSON.stringify({ catalog }),
        pending_imports: JSON.stringify(resolution.pending),
        created_by_user_id: null,
        created_by_position: SYSTEM_POSITION,
        created_at: at,
        updated_at: at,
        published_by_user_id: null,
        published_by_position: SYSTEM_POSITION,
        published_at: at,
      });
      if (!inserted) return;
      report.published.push(level.code);
      await recordAuditEvent(
        trx,
        {
          actor: null,
          action: 'security_level.publish',
          outcome: 'success',
          target: { type: 'security_level_version', id },
          summary: {
            after: {
              level: level.code,
              version: 1,
              status: 'published',
              pendingImports: resolution.pending.map((p) => p.href),
            },
            reason: 'default content of a new installation, published by the system',
          },
        },
        ctx.clock,
      );
    });
  }
  return report;
}

/**
 * Imports our catalog into the library unless it is there; true if this call imported it. Safe
 * when several instances start at once.
 */
async function importShippedCatalog(ctx: AppContext, dir: string): Promise<boolean> {
  const catalogText = readContent(dir, LOCAL_CATALOG_FILE);
  const catalogDocument = parseOscal(catalogText, { name: LOCAL_CATALOG_FILE });
  if (catalogDocument.kind !== 'catalog') throw new Error(`${LOCAL_CATALOG_FILE} is not a catalog`);
  const { uuid, metadata } = catalogDocument.catalog;
  for (let attempt = 1; ; attempt++) {
    if (await findByUuidAndVersion(ctx.db, uuid, metadata.version)) return false;
    try {
      await importCatalog(
        ctx,
        { fileName: LOCAL_CATALOG_FILE, text: catalogText },
        { actor: null, requestId: null },
      );
      return true;
    } catch (error) {
      // Another instance imported it a moment ago.
      if (error instanceof AppError && error.status === 409) return false;
      // On SQLite, processes starting together meet on the write lock: the import reads before it
      // writes, and SQLite refuses (rather than waits for) a read that must become a write after
      // another process wrote. Look again, a moment later; by then it is usually there.
      if (!isDatabaseBusy(error) || attempt >= 5) throw error;
      await new Promise((resolve) => setTimeout(resolve, 50 + Math.random() * 200 * attempt));
    }
  }
}
