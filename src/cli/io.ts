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
