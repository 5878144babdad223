// Last-resort cleanup that must happen however the run ends (error, signal, watchdog): killing
// server processes, removing temporary folders. Callbacks are synchronous, since they run in
// the process's 'exit' event.

const callbacks = new Set<() => void>();

/** Runs `callback` when the process exits, unless the returned function is called first. */
export function atExit(callback: () => void): () => void {
  callbacks.add(callback);
  return () => callbacks.delete(callback);
}

/** Runs every callback still registered; run.ts calls it on exit. */
export function runExitCallbacks(): void {
  for (const callback of callbacks) {
    try {
      callback();
    } catch {
      // Best effort: one failed cleanup must not stop the others.
    }
  }
  callbacks.clear();
}
