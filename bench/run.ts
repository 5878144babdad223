// `npm run bench [-- <name filter>...]`: runs every scenario in bench/scenarios (or those whose
// name contains one of the filters), prints each figure as `name value unit` on stdout, and
// writes them all to bench/results.json. Progress goes to stderr. Settings: bench/lib/settings.ts.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { runExitCallbacks } from './lib/cleanup.js';
import type { Figure } from './lib/scenario.js';
import { loadBenchSettings, type BenchSettings } from './lib/settings.js';
import { scenarios } from './scenarios/index.js';

const RESULTS_FILE = path.join(path.dirname(fileURLToPath(import.meta.url)), 'results.json');

const log = (line: string): void => {
  process.stderr.write(`[bench] ${line}\n`);
};

// Whatever happens, no server process or temporary folder outlives the run.
process.on('exit', runExitCallbacks);
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    log(`${signal}: stopping`);
    process.exit(130);
  });
}

let settings: BenchSettings;
try {
  settings = loadBenchSettings(process.env);
} catch (error) {
  log(error instanceof Error ? error.message : String(error));
  process.exit(2);
}
const filters = process.argv.slice(2);
const selected = scenarios.filter(
  (scenario) => filters.length === 0 || filters.some((filter) => scenario.name.includes(filter)),
);
if (selected.length === 0) {
  log(
    `no scenario matches ${filters.join(' ')}; there are: ${scenarios.map((s) => s.name).join(', ')}`,
  );
  process.exit(2);
}

const watchdog = setTimeout(() => {
  log(`the run took longer than ${settings.timeoutSeconds} s (BENCH_TIMEOUT): giving up`);
  process.exit(1);
}, settings.timeoutSeconds * 1000);
watchdog.unref();

log(
  `${selected.length} scenario(s); ${settings.durationSeconds} s x ${settings.rounds} rounds, ` +
    `${settings.connections} connections, ${settings.warmupSeconds} s warm-up; ` +
    `node ${process.version}, ${os.availableParallelism()} cpus`,
);
const figures: Figure[] = [];
let failed = false;
for (const scenario of selected) {
  log(`${scenario.name}: ${scenario.description}`);
  try {
    for (const figure of await scenario.run({ settings, log })) {
      figures.push(figure);
      process.stdout.write(`${figure.name} ${figure.value} ${figure.unit}\n`);
    }
  } catch (error) {
    failed = true;
    log(
      `${scenario.name} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
    );
  }
}

fs.writeFileSync(
  RESULTS_FILE,
  `${JSON.stringify(
    {
      timestamp: new Date().toISOString(),
      node: process.version,
      cpus: os.availableParallelism(),
      settings,
      figures,
    },
    null,
    2,
  )}\n`,
);
log(`wrote ${path.relative(process.cwd(), RESULTS_FILE)}`);
clearTimeout(watchdog);
process.exit(failed ? 1 : 0);
