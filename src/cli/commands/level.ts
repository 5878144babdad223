import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import type { AppContext } from '../../context.js';
import { catalogView } from '../../features/levels/view.js';
import * as repo from '../../features/levels/repo.js';
import { seedDefaultContent } from '../../features/levels/seed.js';
import * as service from '../../features/levels/service.js';
import { CliError, withContext, type CliIo } from '../io.js';

/** Reads `code@n` (or `code` where the latest will do); exit 2 with a usage message otherwise. */
function versionRef(
  command: Command,
  text: string,
  needsNumber: boolean,
): service.VersionRef & { version: number | null } {
  const ref = service.parseVersionRef(text);
  if (!ref || (needsNumber && ref.version === null)) {
    command.error(
      `error: ${JSON.stringify(text)} does not name a level version; write it as code@number, e.g. baseline@1`,
      { exitCode: 2 },
    );
  }
  return ref;
}

/** The levels are the default content of every installation; a database made from the shell gets them too. */
async function withLevels(work: (ctx: AppContext) => Promise<void>): Promise<void> {
  await withContext(async (ctx) => {
    if ((await repo.listLevels(ctx.db)).length === 0) await seedDefaultContent(ctx);
    await work(ctx);
  });
}

const day = (iso: string | null) => (iso === null ? '' : iso.slice(0, 10));

/** `level list`, `level show`, `level diff`, `level export`. */
export function registerLevelCommands(program: Command, io: CliIo): void {
  const level = program
    .command('level')
    .description('the security levels: list, show, compare and export published versions');

  level
    .command('list')
    .description('the levels, lowest first, with their latest published version and any open draft')
    .action(async () => {
      await withLevels(async (ctx) => {
        for (const { level: row, latest } of await service.listLevels(ctx)) {
          const open = await repo.findOpenVersion(ctx.db, row.id);
          const published = latest
            ? `version ${latest.version}, published ${day(latest.published_at)}`
            : 'not published';
          const draft = open ? `; version ${open.version} ${open.status}` : '';
          io.out(`${row.code.padEnd(14)}${row.title.padEnd(14)}${published}${draft}`);
        }
      });
    });

  level
    .command('show')
    .argument('<level>', 'CODE or CODE@N, e.g. baseline or intermediate@2 (default: the latest)')
    .description('a published version: its controls by group with parameter values')
    .action(async (text: string, _options: unknown, command: Command) => {
      const ref = versionRef(command, text, false);
      await withLevels(async (ctx) => {
        const { level: row, row: version } = await service.getPublishedVersion(ctx, ref);
        const view = catalogView(service.publishedCatalog(version));
        io.out(
          `${row.title} version ${version.version}, published ${day(version.published_at)} by ${version.published_by_position ?? 'unknown'}; ${view.controlCount} controls`,
        );
        for (const group of view.groups) {
          io.out('');
          io.out(group.title);
          for (const control of group.controls) {
            io.out(`  ${control.id.padEnd(14)}${control.title}`);
            for (const param of control.parameters) {
              io.out(`      ${param.id} = ${param.value ?? '(not set)'}`);
            }
          }
        }
        for (const pending of service.pendingOf(version)) {
          io.out('');
          io.out(
            `Pending import of ${pending.href} (not in the library): ${pending.controlIds.join(', ') || 'all its controls'}`,
          );
        }
      });
    });

  level
    .command('diff')
    .argument('<from>', 'a published version, e.g. baseline@1')
    .argument('<to>', 'another, e.g. baseline@2 or intermediate@1')
    .description(
      'compare two published versions: controls added and removed, parameter and text changes',
    )
    .action(async (fromText: string, toText: string, _options: unknown, command: Command) => {
      const from = versionRef(command, fromText, true);
      const to = versionRef(command, toText, true);
      await withLevels(async (ctx) => {
        const diff = await service.diffVersions(ctx, from, to);
        io.out(
          `${diff.from.code}@${diff.from.version} -> ${diff.to.code}@${diff.to.version}: ` +
            `${diff.added.length} added, ${diff.removed.length} removed, ${diff.changed.length} changed`,
        );
        for (const control of diff.added) io.out(`+ ${control.id}  ${control.title}`);
        for (const control of diff.removed) io.out(`- ${control.id}  ${control.title}`);
        for (const change of diff.changed) {
          io.out(`~ ${change.id}  ${change.title}`);
          if (change.titleChange) {
            io.out(`    title: ${change.titleChange.before} -> ${change.titleChange.after}`);
          }
          for (const p of change.parameters) {
            io.out(
              `    parameter ${p.paramId}: ${p.before ?? '(not set)'} -> ${p.after ?? '(not set)'}`,
            );
          }
          for (const text of change.texts) {
            io.out(
              `    text of ${text.part}: ${text.before === null ? 'added' : text.after === null ? 'removed' : 'changed'}`,
            );
          }
        }
        if (diff.pendingAdded.length > 0)
          io.out(`pending import, new: ${diff.pendingAdded.join(', ')}`);
        if (diff.pendingRemoved.length > 0) {
          io.out(`pending import, no longer: ${diff.pendingRemoved.join(', ')}`);
        }
      });
    });

  level
    .command('export')
    .argument('<level>', 'a published version, e.g. maximum@1')
    .requiredOption('--format <format>', 'profile (the OSCAL profile) or catalog (resolved)')
    .option('--out <file>', 'write to this file instead of standard output')
    .description('write a published version as an OSCAL profile or resolved catalog (JSON)')
    .action(async (text: string, options: { format: string; out?: string }, command: Command) => {
      const ref = versionRef(command, text, true);
      if (options.format !== 'profile' && options.format !== 'catalog') {
        command.error(
          `error: --format must be profile or catalog, not ${JSON.stringify(options.format)}`,
          {
            exitCode: 2,
          },
        );
      }
      await withLevels(async (ctx) => {
        const { row } = await service.getPublishedVersion(ctx, ref);
        const document = options.format === 'profile' ? row.profile : (row.resolved_catalog ?? '');
        // Pretty-printed for people and diffs; the content is the stored document exactly.
        const output = `${JSON.stringify(JSON.parse(document), null, 2)}\n`;
        if (options.out === undefined) {
          process.stdout.write(output);
          return;
        }
        const file = path.resolve(options.out);
        // Written beside the target and renamed, so a failed export leaves no half file.
        const partial = `${file}.${randomBytes(4).toString('hex')}.partial`;
        try {
          fs.writeFileSync(partial, output, { flag: 'wx' });
          fs.renameSync(partial, file);
        } catch (error) {
          fs.rmSync(partial, { force: true });
          throw new CliError(`Cannot write ${file}: ${(error as Error).message}`);
        }
        io.out(`Exported ${text} as an OSCAL ${options.format} to ${file}`);
      });
    });
}
