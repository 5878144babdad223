import { Command, CommanderError } from 'commander';
import { loadConfig } from '../config.js';
import { AppError } from '../errors.js';
import { commands } from './commands/index.js';
import { CliError } from './io.js';
import { serveUntilSignalled } from '../serve.js';
import { explainStartupFailure } from '../startup.js';
import { APP_VERSION } from '../version.js';

import type { CliIo } from './io.js';

export type { CliIo } from './io.js';

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

  for (const register of commands) register(program, io);

  return program;
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
    if (error instanceof CliError || error instanceof AppError) {
      io.err(`Error: ${error.message}`);
      return 1;
    }
    io.err(
      explainStartupFailure(error) ??
        `Error: ${error instanceof Error ? error.message : String(error)}`,
    );
    return 1;
  }
}
