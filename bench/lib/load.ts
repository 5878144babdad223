// HTTP load from the parent process with autocannon, bounded in time, and refusing results that
// contain errors: a fast error is not throughput.
import autocannon from 'autocannon';

export interface LoadOptions {
  connections: number;
  durationSeconds: number;
  /** Sent with every request (a session cookie, an Authorization header). */
  headers?: Record<string, string>;
  /** GET unless told; a POST sends `body` with every request. */
  method?: 'GET' | 'POST';
  body?: string;
}

export interface LoadResult {
  /** Mean completed requests per second over the one-second samples. */
  rps: number;
  /** Milliseconds. */
  p50Ms: number;
  p99Ms: number;
  requests: number;
}

/** Slack beyond the requested duration before a run is stopped as hung. */
const GRACE_MS = 15_000;

/** Sends requests to `url` for a fixed duration and returns what was completed. */
export function measureLoad(url: string, options: LoadOptions): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    const instance = autocannon(
      {
        url,
        method: options.method ?? 'GET',
        headers: options.headers,
        ...(options.body === undefined ? {} : { body: options.body }),
        connections: options.connections,
        duration: options.durationSeconds,
        pipelining: 1,
        timeout: 10,
      },
      (error, result) => {
        clearTimeout(timer);
        if (error) return reject(error);
        if (result.requests.total === 0) return reject(new Error(`${url}: no request completed`));
        const failures = result.errors + result.non2xx + result.mismatches;
        if (failures > 0) {
          return reject(
            new Error(
              `${url}: ${result.errors} errors (${result.timeouts} timeouts), ${result.non2xx} non-2xx answers`,
            ),
          );
        }
        resolve({
          rps: result.requests.average,
          p50Ms: result.latency.p50,
          p99Ms: result.latency.p99,
          requests: result.requests.total,
        });
      },
    );
    const timer = setTimeout(
      () => {
        instance.stop();
        reject(
          new Error(`${url}: load run did not finish within ${options.durationSeconds} s + grace`),
        );
      },
      options.durationSeconds * 1000 + GRACE_MS,
    );
  });
}
