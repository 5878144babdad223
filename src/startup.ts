import { ConfigError } from './config.js';
import { DatabaseUnavailableError } from './db/index.js';
import { DatabaseTooNewError } from './db/migrate.js';

/**
 * The message for a failure that stops a start or a command: known causes are explained in full,
 * anything else names itself. Returns undefined for errors that need their stack printed.
 */
export function explainStartupFailure(error: unknown): string | undefined {
  if (error instanceof ConfigError) return `${error.message}\nSee README.md, "Configuration".`;
  if (error instanceof DatabaseUnavailableError || error instanceof DatabaseTooNewError) {
    return error.message;
  }
  const code = (error as { code?: unknown } | null)?.code;
  if (code === 'EADDRINUSE')
    return `${(error as Error).message}: another program uses that port; set PORT.`;
  if (code === 'EACCES' || code === 'EADDRNOTAVAIL')
    return `${(error as Error).message}: check HOST and PORT.`;
  return undefined;
}
