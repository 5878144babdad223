// The child side of bench/lib/child.ts: a server process reports its address over the IPC
// channel and stops when asked, on SIGTERM, or when the parent goes away.

/** What a server process sends its parent once it listens. */
export interface ListeningMessage {
  type: 'listening';
  url: string;
}

/** The process's CPU time so far, in microseconds, sent in answer to a `cpu-usage` message. */
export interface CpuUsageMessage {
  type: 'cpu-usage';
  micros: number;
}

const STOP_TIMEOUT_MS = 5000;

/** Tells the parent where this server listens. */
export function announce(url: string): void {
  if (!process.send) throw new Error('a bench server must be started with an IPC channel');
  const message: ListeningMessage = { type: 'listening', url };
  process.send(message);
  process.on('message', (request) => {
    if ((request as { type?: unknown } | null)?.type !== 'cpu-usage') return;
    const { user, system } = process.cpuUsage();
    const answer: CpuUsageMessage = { type: 'cpu-usage', micros: user + system };
    process.send?.(answer);
  });
}

/** Runs `stop` and exits on SIGTERM, SIGINT, a 'stop' message or a lost parent, within a bound. */
export function stopWhenAsked(stop: () => Promise<void>): void {
  let stopping = false;
  const exit = (): void => {
    if (stopping) return;
    stopping = true;
    setTimeout(() => process.exit(1), STOP_TIMEOUT_MS).unref();
    stop().then(
      () => process.exit(0),
      (error: unknown) => {
        process.stderr.write(`bench server failed to stop: ${String(error)}\n`);
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', exit);
  process.on('SIGINT', exit);
  process.on('message', (message) => {
    if ((message as { type?: unknown } | null)?.type === 'stop') exit();
  });
  // The parent died or closed the channel: no one will measure or stop this server.
  process.on('disconnect', exit);
}
