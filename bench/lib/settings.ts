// How long and how hard the benchmarks run; every knob can be changed from the environment.

export interface BenchSettings {
  /** Seconds each measurement runs. */
  durationSeconds: number;
  /** Seconds of load on each server before its first measurement, not counted. */
  warmupSeconds: number;
  /** Concurrent connections the load generator keeps open. */
  connections: number;
  /** Measurements per server; the median is reported. */
  rounds: number;
  /** Seconds after which the whole run gives up, kills its servers and fails. */
  timeoutSeconds: number;
}

export const SETTING_VARIABLES = {
  BENCH_DURATION: 'seconds per measurement, 1 to 600 (default 5)',
  BENCH_WARMUP: 'seconds of warm-up per server, 0 to 600 (default 2)',
  BENCH_CONNECTIONS: 'concurrent connections, 1 to 1000 (default 50)',
  BENCH_ROUNDS: 'measurements per server, 1 to 50 (default 3)',
  BENCH_TIMEOUT: 'seconds before the whole run fails, 10 to 86400 (default 900)',
} as const;

type Env = Readonly<Record<string, string | undefined>>;

/** Reads the settings, refusing values that would make the figures meaningless. */
export function loadBenchSettings(env: Env): BenchSettings {
  const issues: string[] = [];
  const integer = (
    name: keyof typeof SETTING_VARIABLES,
    fallback: number,
    min: number,
    max: number,
  ) => {
    const raw = env[name]?.trim();
    if (raw === undefined || raw === '') return fallback;
    if (!/^\d+$/.test(raw) || Number(raw) < min || Number(raw) > max) {
      issues.push(
        `${name}=${JSON.stringify(raw)} is not valid: expected ${SETTING_VARIABLES[name]}`,
      );
      return fallback;
    }
    return Number(raw);
  };
  const settings: BenchSettings = {
    durationSeconds: integer('BENCH_DURATION', 5, 1, 600),
    warmupSeconds: integer('BENCH_WARMUP', 2, 0, 600),
    connections: integer('BENCH_CONNECTIONS', 50, 1, 1000),
    rounds: integer('BENCH_ROUNDS', 3, 1, 50),
    timeoutSeconds: integer('BENCH_TIMEOUT', 900, 10, 86_400),
  };
  if (issues.length > 0)
    throw new Error(`Invalid benchmark settings:\n  - ${issues.join('\n  - ')}`);
  return settings;
}
