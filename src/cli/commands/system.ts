import type { Command } from 'commander';
import { describeConfig, loadConfig } from '../../config.js';
import { migrateToLatest, migrationStatus } from '../../db/migrate.js';
import { seedDefaultContent } from '../../features/levels/seed.js';
import { seedDefaultPolicy } from '../../features/placement/seed.js';
import { withContext, type CliIo } from '../io.js';

/** `migrate` and `config check`. */
export function registerSystemCommands(program: Command, io: CliIo): void {
  program
    .command('migrate')
    .description('apply pending database migrations, or show their status')
    .option('--status', 'list applied and pending migrations without changing anything')
    .action(async (options: { status?: boolean }) => {
      await withContext(
        async (ctx) => {
          if (options.status === true) {
            const status = await migrationStatus(ctx.db);
            for (const name of status.applied) io.out(`applied  ${name}`);
            for (const name of status.pending) io.out(`pending  ${name}`);
            for (const name of status.unknown) io.out(`unknown  ${name} (from a newer version)`);
            if (status.applied.length + status.pending.length === 0) io.out('no migrations');
            return;
          }
          const applied = await migrateToLatest(ctx.db);
          if (applied.length === 0) io.out('The database is up to date; nothing to apply.');
          for (const name of applied) io.out(`applied  ${name}`);
          const seeded = await seedDefaultContent(ctx);
          if (seeded.catalogImported) io.out('imported the Cloud Office catalog into the library');
          for (const code of seeded.published)
            io.out(`published security level ${code}, version 1`);
          if ((await seedDefaultPolicy(ctx)).published)
            io.out('published the default policy pack, version 1');
        },
        { migrate: false },
      );
    });

  const config = program.command('config').description('inspect the configuration');
  config
    .command('check')
    .description('validate the environment and print the effective configuration, secrets masked')
    .action(() => {
      io.out(JSON.stringify(describeConfig(loadConfig()), null, 2));
    });
}
