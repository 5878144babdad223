import { Command, CommanderError } from 'commander';
import { describeConfig, loadConfig } from '../config.js';
import { AppContext } from '../context.js';
import { migrateToLatest, migrationStatus } from '../db/migrate.js';
import { createLogger } from '../logger.js';
import { serveUntilSignalled } from '../serve.js';
import { explainStartupFailure } from '../startup.js';
import { APP_VERSION } from '../version.js';

/** Where a command writes; tests capture both streams. */
export interface CliIo {
  out(line: string): void;
  err(line: string): void;
}

const processIo: CliIo = {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
};

/** Builds the `cloud-office` command; every subcommand calls the same services as the server. */
export function buildProgram(io: CliIo = processIo): Command {
  const program = new Command('cloud-office')
    .description('Cloud Office: administration and automation from the shell.')
    .version(APP_VERSION, '-v, --version')
    .showHelpAfterError('(run with --help for usage)')
    .configureOutput({
      writeOut: (text) => io.out(text.trimEnd()),
      writeErr: (text) => io.err(text.trimEnd()),
    })
    .exitOverride();

  program
    .command('serve')
    .description('start the server and portal (as npm start does, without building)')
    .action(async () => {
      await serveUntilSignalled(loadConfig(), (line) => io.out(line));
      // Keep running: the server's signal handlers end the process.
      await new Promise<never>(() => undefined);
    });

  program
    .command('migrate')
    .description('apply pending database migrations, or show their status')
    .option('--status', 'list applied and pending migrations without changing anything')
    .action(async (options: { status?: boolean }) => {
      await withContext(async (ctx) => {
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
      });
    });

  const config = program.command('config').description('inspect the configuration');
  config
    .command('check')
    .description('validate the environment and print the effective configuration, secrets masked')
    .action(() => {
      io.out(JSON.stringify(describeConfig(loadConfig()), null, 2));
    });

  return program;
}

async function withContext(work: (ctx: AppContext) => Promise<void>): Promise<void> {
  const config = loadConfig();
  // Commands print their own results; the log only carries warnings.
  const ctx = await AppContext.create(config, { logger: createLogger('warn') });
  try {
    await work(ctx);
  } finally {
    await ctx.close();
  }
}

/** Runs the CLI and returns the exit code: 0 success, 1 failure, 2 wrong usage. */
export async function runCli(argv: readonly string[], io: CliIo = processIo): Promise<number> {
  const program = buildProgram(io);
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return 0;
  } catch (error) {
    if (error instanceof CommanderError) {
      return error.exitCode === 0 ? 0 : 2;
    }
    io.err(
      explainStartupFailure(error) ??
        `Error: ${error instanceof Error ? error.message : String(error)}`,
    );
    return 1;
  }
}
