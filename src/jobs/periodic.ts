import type { AppContext } from '../context.js';

export interface PeriodicJob {
  /** Stops the timer and waits for a run in progress. */
  stop(): Promise<void>;
}

/**
 * Runs `work` now and then every `intervalMs`, never two runs at once (a tick that finds a run in
 * progress is skipped). `done` hears each result; a failure is logged with `failure` and the next
 * tick tries again. The timer does not keep the process alive.
 */
export function startPeriodic<T>(
  ctx: AppContext,
  work: () => Promise<T>,
  done: (result: T) => void,
  failure: string,
  intervalMs: number,
): PeriodicJob {
  let running: Promise<void> | undefined;
  const run = (): void => {
    if (running) return;
    running = work()
      .then(done, (error: unknown) => ctx.logger.error({ err: error }, failure))
      .finally(() => {
        running = undefined;
      });
  };
  run();
  const timer = setInterval(run, intervalMs);
  timer.unref();
  return {
    stop: async () => {
      clearInterval(timer);
      await running;
    },
  };
}
