// What a database error means, asked the same way on both dialects: the only place that knows
// SQLite's and PostgreSQL's error codes.

function codeOf(error: unknown): unknown {
  return (error as { code?: unknown } | null)?.code;
}

/**
 * A unique-constraint violation (PostgreSQL SQLSTATE 23505, SQLite's SQLITE_CONSTRAINT_UNIQUE or
 * _PRIMARYKEY): two writers raced past a duplicate check, and the index decided.
 */
export function isUniqueViolation(error: unknown): boolean {
  const code = codeOf(error);
  return (
    code === '23505' ||
    code === 'SQLITE_CONSTRAINT_UNIQUE' ||
    code === 'SQLITE_CONSTRAINT_PRIMARYKEY'
  );
}

/**
 * SQLite's "database is locked": another process held the write lock past the busy timeout, which
 * happens when a deferred transaction that read first tries to write. Safe to retry the whole
 * transaction. PostgreSQL has no such answer (it waits on row locks instead).
 */
export function isDatabaseBusy(error: unknown): boolean {
  const code = codeOf(error);
  return typeof code === 'string' && code.startsWith('SQLITE_BUSY');
}
