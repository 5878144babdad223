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
import { measureInRounds } from '../lib/rounds.js';
import { round, type Figure, type Scenario, type ScenarioContext } from '../lib/scenario.js';

const PATH = '/healthz';
const EXPECTED_BODY = '{"status":"ok"}';
const EXPECTED_TYPE = 'application/json; charset=utf-8';

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
      await checkAnswer(bare.url + PATH);
      await checkAnswer(app.url + PATH);
      const results = await measureInRounds(
        [
          { label: 'bare', server: bare, path: PATH },
          { label: 'healthz', server: app, path: PATH },
        ],
        { settings, log },
      );

      const logLines =
        fs.readFileSync(path.join(dataDir, 'server.log'), 'utf8').split('\n').length - 1;
      log(`the app server wrote ${logLines} log lines at level info`);

      const bareResult = results.get('bare');
      const appResult = results.get('healthz');
      if (!bareResult || !appResult) throw new Error('a server was not measured');
      return [
        { name: 'http.bare.rps', value: round(bareResult.rps), unit: 'req/s' },
        { name: 'http.healthz.rps', value: round(appResult.rps), unit: 'req/s' },
        {
          name: 'http.healthz.ratio_to_bare',
          value: round(appResult.rps / bareResult.rps, 3),
          unit: 'ratio',
        },
        { name: 'http.bare.p99', value: round(bareResult.p99Ms, 1), unit: 'ms' },
        { name: 'http.healthz.p99', value: round(appResult.p99Ms, 1), unit: 'ms' },
        { name: 'http.bare.cpu_per_req', value: round(bareResult.cpuPerRequest, 1), unit: 'us' },
        { name: 'http.healthz.cpu_per_req', value: round(appResult.cpuPerRequest, 1), unit: 'us' },
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
