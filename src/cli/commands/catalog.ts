import fs from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { AppError } from '../../errors.js';
import { partText, type RenderedPart } from '../../features/catalogs/render.js';
import * as catalogs from '../../features/catalogs/service.js';
import { CliError, withContext, type CliIo } from '../io.js';
import { officerNamed, shellRequest } from './people.js';

function megabytes(bytes: number): string {
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}

/** A refusal with its list of problems (an invalid document), printed one per line. */
function explain(io: CliIo, error: unknown): never {
  if (error instanceof AppError && error.issues.length > 0) {
    for (const issue of error.issues)
      io.err(`  ${issue.pointer || '(document)'}: ${issue.message}`);
  }
  throw error;
}

/** `catalog import|list|show|search`: the catalog library from the shell. */
export function registerCatalogCommands(program: Command, io: CliIo): void {
  const catalog = program.command('catalog').description('the library of OSCAL control catalogs');

  catalog
    .command('import')
    .description('import an OSCAL catalog (JSON or YAML) into the library, showing progress')
    .argument('<file>', 'the catalog file, e.g. NIST_SP-800-53_rev5_catalog.json')
    .option(
      '--as <email>',
      'the officer doing it (needs the manage_catalogs power); without it, the shell acts as the installation administrator',
    )
    .action(async (file: string, options: { as?: string }) => {
      let text: string;
      try {
        text = fs.readFileSync(file, 'utf8');
      } catch (error) {
        throw new CliError(`Cannot read ${file}: ${(error as Error).message}`);
      }
      await withContext(async (ctx) => {
        const actor = options.as === undefined ? null : await officerNamed(ctx, options.as);
        const started = performance.now();
        let lastShown = -1;
        const created = await catalogs
          .importCatalog(
            ctx,
            { fileName: path.basename(file), text },
            shellRequest(actor),
            (progress) => {
              switch (progress.phase) {
                case 'parsing':
                  io.err(`Parsing and validating ${file} (${megabytes(progress.bytes)})…`);
                  break;
                case 'validated':
                  io.err(
                    `Valid OSCAL catalog: ${progress.controls} controls in ${progress.families} families.`,
                  );
                  break;
                case 'storing':
                  // Every batch, but at most one line per 10% so a big catalog prints ~10 lines.
                  if (
                    progress.stored === progress.total ||
                    Math.floor((progress.stored / progress.total) * 10) > lastShown
                  ) {
                    lastShown = Math.floor((progress.stored / progress.total) * 10);
                    io.err(`Storing controls ${progress.stored}/${progress.total}`);
                  }
                  break;
              }
            },
          )
          .catch((error: unknown) => explain(io, error));
        io.out(
          `Imported "${created.title}" version ${created.version} as catalog ${created.id}: ` +
            `${created.control_count} controls (${created.withdrawn_count} withdrawn) in ` +
            `${created.family_count} families, in ${Math.round(performance.now() - started)} ms.`,
        );
      });
    });

  catalog
    .command('list')
    .description('list the catalogs in the library')
    .option('--json', 'print JSON instead of a table')
    .action(async (options: { json?: boolean }) => {
      await withContext(async (ctx) => {
        const { items } = await catalogs.listCatalogs(
          ctx,
          {},
          { limit: 10_000, offset: 0, sort: 'title' },
        );
        if (options.json === true) {
          io.out(
            JSON.stringify(
              items.map((c) => ({
                id: c.id,
                uuid: c.uuid,
                title: c.title,
                version: c.version,
                sourceName: c.source_name,
                controlCount: c.control_count,
                importedAt: c.imported_at,
              })),
              null,
              2,
            ),
          );
          return;
        }
        if (items.length === 0) io.out('The library is empty; add one with `catalog import FILE`.');
        for (const c of items) {
          io.out(
            `${c.id}  ${c.title} (version ${c.version})  ${c.control_count} controls  from ${c.source_name}`,
          );
        }
      });
    });

  catalog
    .command('show')
    .description("a catalog's families, or one control with its statement rendered")
    .argument('<id>', 'catalog id (see `catalog list`)')
    .option('--control <controlId>', 'show this control, e.g. ac-2')
    .action(async (id: string, options: { control?: string }) => {
      await withContext(async (ctx) => {
        if (options.control !== undefined) {
          const page = await catalogs.controlPage(ctx, id, options.control);
          io.out(`${page.row.label ?? page.row.control_id} ${page.row.title}`);
          if (page.row.withdrawn === 1) io.out('(withdrawn)');
          const show = (part: RenderedPart, heading: string) => {
            io.out('');
            io.out(`${heading}:`);
            io.out(partText(part, 1));
          };
          for (const part of page.parts) {
            show(part, part.title ?? part.name.replace(/^./, (c) => c.toUpperCase()));
          }
          if (page.enhancements.length > 0) {
            io.out('');
            io.out('Enhancements:');
            for (const e of page.enhancements) io.out(`  ${e.label ?? e.control_id} ${e.title}`);
          }
          return;
        }
        const { catalog: found, families } = await catalogs.catalogWithFamilies(ctx, id);
        io.out(`${found.title} (version ${found.version}, OSCAL ${found.oscal_version})`);
        io.out(
          `${found.control_count} controls, ${found.withdrawn_count} withdrawn; imported ${found.imported_at} from ${found.source_name}`,
        );
        for (const f of families) {
          io.out(
            `  ${(f.family_id ?? '-').padEnd(8)} ${f.family_title ?? '(outside any group)'}: ${f.controls} controls, ${f.enhancements} enhancements`,
          );
        }
      });
    });

  catalog
    .command('search')
    .description('search controls by id, title and statement (every word must match)')
    .argument('<query...>', 'words to look for')
    .option('--catalog <id>', 'only this catalog')
    .option('--limit <n>', 'at most this many results', '20')
    .action(async (words: string[], options: { catalog?: string; limit: string }) => {
      const limit = Number(options.limit);
      if (!Number.isInteger(limit) || limit < 1 || limit > 1000) {
        throw new CliError(`--limit ${options.limit}: give a whole number from 1 to 1000.`);
      }
      await withContext(async (ctx) => {
        const result = await catalogs.listControls(
          ctx,
          { catalogId: options.catalog, q: words.join(' ') },
          { limit, offset: 0, sort: 'relevance' },
        );
        if (result.total === 0) {
          io.out('No controls match.');
          return;
        }
        for (const c of result.items) {
          // Which catalog matters only when searching the whole library.
          const where = options.catalog === undefined ? `  [catalog ${c.catalog_id}]` : '';
          io.out(
            `${(c.label ?? c.control_id).padEnd(12)} ${c.title}${c.withdrawn === 1 ? ' (withdrawn)' : ''}${where}`,
          );
        }
        if (result.total > result.items.length)
          io.out(`… ${result.total - result.items.length} more; use --limit.`);
      });
    });
}
