// Request throughput of GET /healthz on the real server, next to a bare node:http server that
// answers the same body with the same content-type. The ratio is the share of the platform's
// throughput the application keeps after its framework, headers, hooks and logging.
//
// Next to throughput, the CPU time each server process spends per request: on a shared machine,
// neighbours change how many requests a server gets through, much less what each one costs.
//
// Each server runs in its own process and autocannon runs here, so that on two cores the server
// and the load generator each have one. Servers are measured in alternating order (A B, B A, ...)
// so that drift in the machine (thermal, neighbours) falls on both alike; medians are reported.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { atExit } from '../lib/cleanup.js';
import { startServerProcess, type ServerProcess } from '../lib/child.js';
import { measureLoad, type LoadResult } from '../lib/load.js';
import {
  median,
  round,
  type Figure,
  type Scenario,
  type ScenarioContext,
} from '../lib/scenario.js';

const PATH = '/healthz';
const EXPECTED_BODY = '{"status":"ok"}';
const EXPECTED_TYPE = 'application/json; charset=utf-8';

interface Target {
  /** The figure prefix: `http.<label>.rps`. */
  label: 'bare' | 'healthz';
  server: ServerProcess;
  results: LoadResult[];
  /** Server CPU microseconds per completed request, one per round. */
  cpuPerRequest: number[];
}

export const httpHealthz: Scenario = {
  name: 'http-healthz',
  description: 'GET /healthz on the real server against a bare node:http server',
  async run({ settings, log }: ScenarioContext): Promise<Figure[]> {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cloud-office-bench-'));
    const removeDataDir = () => fs.rmSync(dataDir, { recursive: true, force: true });
    const forgetDataDir = atExit(removeDataDir);
    const started: ServerProcess[] = [];
    try {
      const bare = await startServerProcess('bare');
      started.push(bare);
      const app = await startServerProcess('app', {
        args: [dataDir],
        logFile: path.join(dataDir, 'server.log'),
      });
      started.push(app);
      const targets: Target[] = [
        { label: 'bare', server: bare, results: [], cpuPerRequest: [] },
        { label: 'healthz', server: app, results: [], cpuPerRequest: [] },
      ];

      for (const target of targets) {
        await checkAnswer(target.server.url + PATH);
        if (settings.warmupSeconds > 0) {
          log(`warming up ${target.label} for ${settings.warmupSeconds} s`);
          await measureLoad(target.server.url + PATH, {
            connections: settings.connections,
            durationSeconds: settings.warmupSeconds,
          });
        }
      }

      for (let pass = 0; pass < settings.rounds; pass += 1) {
        const order = pass % 2 === 0 ? targets : [...targets].reverse();
        for (const target of order) {
          const cpuBefore = await target.server.cpuMicros();
          const result = await measureLoad(target.server.url + PATH, {
            connections: settings.connections,
            durationSeconds: settings.durationSeconds,
          });
          const cpu = ((await target.server.cpuMicros()) - cpuBefore) / result.requests;
          target.results.push(result);
          target.cpuPerRequest.push(cpu);
          log(
            `round ${pass + 1}/${settings.rounds} ${target.label}: ${Math.round(result.rps)} req/s, ` +
              `p50 ${result.p50Ms} ms, p99 ${result.p99Ms} ms, ${Math.round(cpu)} us CPU/req`,
          );
        }
      }

      const logLines =
        fs.readFileSync(path.join(dataDir, 'server.log'), 'utf8').split('\n').length - 1;
      log(`the app server wrote ${logLines} log lines at level info`);

      const rps = (target: Target) => median(target.results.map((result) => result.rps));
      const p99 = (target: Target) => median(target.results.map((result) => result.p99Ms));
      const cpu = (target: Target) => median(target.cpuPerRequest);
      const [bareTarget, appTarget] = targets as [Target, Target];
      return [
        { name: 'http.bare.rps', value: round(rps(bareTarget)), unit: 'req/s' },
        { name: 'http.healthz.rps', value: round(rps(appTarget)), unit: 'req/s' },
        {
          name: 'http.healthz.ratio_to_bare',
          value: round(rps(appTarget) / rps(bareTarget), 3),
          unit: 'ratio',
        },
        { name: 'http.bare.p99', value: round(p99(bareTarget), 1), unit: 'ms' },
        { name: 'http.healthz.p99', value: round(p99(appTarget), 1), unit: 'ms' },
        { name: 'http.bare.cpu_per_req', value: round(cpu(bareTarget), 1), unit: 'us' },
        { name: 'http.healthz.cpu_per_req', value: round(cpu(appTarget), 1), unit: 'us' },
      ];
    } finally {
      await Promise.all(started.map((server) => server.stop()));
      removeDataDir();
      forgetDataDir();
    }
  },
};

/** Both servers must answer the same thing, or the comparison means nothing. */
async function checkAnswer(url: string): Promise<void> {
  const response = await fetch(url, { signal: AbortSignal.timeout(10_000) });
  const body = await response.text();
  const type = response.headers.get('content-type');
  if (response.status !== 200 || body !== EXPECTED_BODY || type !== EXPECTED_TYPE) {
    throw new Error(`${url} answered ${response.status} ${type ?? '(no type)'} ${body}`);
  }
}
