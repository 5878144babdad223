// Profile resolution speed (issue 4): NIST SP 800-53 rev5 HIGH against the NIST catalog.
// - oscal.resolve.high.ms: in this process, reading and parsing both files included, median of
//   several runs after warm-up (what a server resolving on request pays);
// - oscal.resolve.high.process_ms: the whole `cloud-office profile resolve ... --out` process,
//   median of several runs (what a person at the shell waits). Needs the compiled build.
// Targets: under 30 ms and under 200 ms; NIST's XSLT resolver takes about 1.3 s (1.8 s as a
// process) on Saxon. Skipped, with a note, where the shared reference data is absent.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseOscal } from '../../src/oscal/document.js';
import type { Catalog } from '../../src/oscal/model.js';
import { resolveProfile } from '../../src/oscal/resolve/index.js';
import { folderSource } from '../../src/oscal/sources.js';
import { countControls } from '../../src/oscal/walk.js';
import { NIST_REV5_DIR, SHARED_DATA_MISSING } from '../../test/helpers/shared-data.js';
import { atExit } from '../lib/cleanup.js';
import {
  median,
  round,
  type Figure,
  type Scenario,
  type ScenarioContext,
} from '../lib/scenario.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const PROFILE = path.join(NIST_REV5_DIR, 'NIST_SP-800-53_rev5_HIGH-baseline_profile.json');
const IN_PROCESS_WARMUP = 5;
const IN_PROCESS_RUNS = 21;
const PROCESS_WARMUP = 1;
const PROCESS_RUNS = 9;
const HIGH_CONTROLS = 370;

/** One resolution as a caller does it: read and parse the profile, resolve (the catalog is read and parsed through the source). */
async function resolveHigh(): Promise<number> {
  const text = fs.readFileSync(PROFILE, 'utf8');
  const document = parseOscal(text, { name: PROFILE });
  if (document.kind !== 'profile') throw new Error(`${PROFILE} is not a profile`);
  const { catalog } = await resolveProfile(document.profile, {
    source: folderSource([NIST_REV5_DIR]),
    uri: PROFILE,
  });
  return countControls(catalog);
}

/** Milliseconds one node process with `args` takes from spawn to exit; rejects unless it exits 0. */
function runProcess(args: readonly string[]): Promise<number> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, args, {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '' },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      const elapsed = performance.now() - started;
      if (code === 0) resolve(elapsed);
      else reject(new Error(`node ${args.join(' ')} exited ${code}: ${stderr.trim()}`));
    });
  });
}

export const oscalResolve: Scenario = {
  name: 'oscal-resolve',
  description: 'NIST SP 800-53 rev5 HIGH profile resolution, in process and as a whole CLI process',
  async run({ log }: ScenarioContext): Promise<Figure[]> {
    if (SHARED_DATA_MISSING) {
      log(`oscal-resolve skipped: ${SHARED_DATA_MISSING}`);
      return [];
    }
    for (let i = 0; i < IN_PROCESS_WARMUP; i++) await resolveHigh();
    const inProcess: number[] = [];
    for (let i = 0; i < IN_PROCESS_RUNS; i++) {
      const started = performance.now();
      const controls = await resolveHigh();
      inProcess.push(performance.now() - started);
      if (controls !== HIGH_CONTROLS)
        throw new Error(`HIGH resolved to ${controls} controls, not ${HIGH_CONTROLS}`);
    }
    log(`in process: ${inProcess.map((ms) => ms.toFixed(1)).join(' ')} ms`);

    if (!fs.existsSync(path.join(ROOT, 'dist', 'cli', 'main.js'))) {
      throw new Error('the CLI is not built: run `npm run build:server` first');
    }
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cloud-office-bench-resolve-'));
    const remove = () => fs.rmSync(dir, { recursive: true, force: true });
    const forget = atExit(remove);
    const processes: number[] = [];
    const bare: number[] = [];
    try {
      const out = path.join(dir, 'high.json');
      const command = [
        path.join(ROOT, 'bin', 'cloud-office.js'),
        'profile',
        'resolve',
        PROFILE,
        '--out',
        out,
      ];
      for (let i = 0; i < PROCESS_WARMUP; i++) await runProcess(command);
      for (let i = 0; i < PROCESS_RUNS; i++) {
        processes.push(await runProcess(command));
        // An empty node process alongside, so that a busy machine shows in the log.
        bare.push(await runProcess(['-e', '0']));
      }
      const written = JSON.parse(fs.readFileSync(out, 'utf8')) as { catalog: Catalog };
      if (countControls(written.catalog) !== HIGH_CONTROLS)
        throw new Error('the CLI wrote a wrong catalog');
    } finally {
      remove();
      forget();
    }
    log(`processes: ${processes.map((ms) => ms.toFixed(0)).join(' ')} ms`);
    log(`for comparison, an empty node process (node -e 0): median ${median(bare).toFixed(0)} ms`);
    return [
      { name: 'oscal.resolve.high.ms', value: round(median(inProcess), 1), unit: 'ms' },
      { name: 'oscal.resolve.high.process_ms', value: round(median(processes), 0), unit: 'ms' },
    ];
  },
};
