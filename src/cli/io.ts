import type { Command } from 'commander';
import { loadConfig } from '../config.js';
import { AppContext } from '../context.js';
import { migrateToLatest } from '../db/migrate.js';
import { createLogger } from '../logger.js';

/** Where a command writes; tests capture both streams. */
export interface CliIo {
  out(line: string): void;
  err(line: string): void;
}

/** A user-facing failure: the message is printed as it is, and the command exits 1. */
export class CliError extends Error {}

/**
 * Runs `work` with an application context on the configured database, closed afterwards. Pending
 * migrations are applied first (as the server does at start), unless `migrate` is false.
 */
export async function withContext(
  work: (ctx: AppContext) => Promise<void>,
  options: { migrate?: boolean } = {},
): Promise<void> {
  const config = loadConfig();
  // Commands print their own results; the log only carries warnings.
  const ctx = await AppContext.create(config, { logger: createLogger('warn') });
  try {
    if (options.migrate !== false) await migrateToLatest(ctx.db);
    await work(ctx);
  } finally {
    await ctx.close();
  }
}

/** The option's value if it is one of `allowed`; otherwise a usage error (exit 2) naming it. */
export function oneOf<T extends string>(
  command: Command,
  option: string,
  value: string | undefined,
  allowed: readonly T[],
): T | undefined {
  if (value === undefined) return undefined;
  if ((allowed as readonly string[]).includes(value)) return value as T;
  command.error(
    `error: ${option} must be ${allowed.slice(0, -1).join(', ')} or ${allowed.at(-1) ?? ''}, not ${JSON.stringify(value)}`,
    { exitCode: 2 },
  );
}
