// Catalog import speed (issue 4): oscal.import.catalog.ms is the median time to import the NIST
// SP 800-53 rev5 catalog (3 MB, 1,189 controls) into a fresh SQLite database through the catalog
// service, as `cloud-office catalog import` and the portal do: parsing, validation, flattening and
// storing in one transaction with its audit event. The file is read beforehand and the database is
// made and migrated before the clock starts, so the figure is the import alone. Skipped, with a
// note, where the shared reference data is absent.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../src/config.js';
import { AppContext } from '../../src/context.js';
import { migrateToLatest } from '../../src/db/migrate.js';
import { importCatalog } from '../../src/features/catalogs/service.js';
import { createLogger } from '../../src/logger.js';
import { NIST_REV5_CATALOG, SHARED_DATA_MISSING } from '../../test/helpers/shared-data.js';
import { atExit } from '../lib/cleanup.js';
import {
  median,
  round,
  type Figure,
  type Scenario,
  type ScenarioContext,
} from '../lib/scenario.js';

const WARMUP = 2;
const RUNS = 7;
const NIST_CONTROLS = 1189;

/** One import into a new SQLite database in `dir`; returns the milliseconds the import took. */
async function importOnce(dir: string, text: string): Promise<number> {
  const dataDir = fs.mkdtempSync(path.join(dir, 'run-'));
  const config = loadConfig({ DATA_DIR: dataDir, LOG_LEVEL: 'warn' });
  const ctx = await AppContext.create(config, { logger: createLogger('warn') });
  try {
    await migrateToLatest(ctx.db);
    const started = performance.now();
    const created = await importCatalog(
      ctx,
      { fileName: path.basename(NIST_REV5_CATALOG), text },
      { actor: null, requestId: 'bench' },
    );
    const elapsed = performance.now() - started;
    if (created.control_count !== NIST_CONTROLS) {
      throw new Error(`imported ${created.control_count} controls, not ${NIST_CONTROLS}`);
    }
    return elapsed;
  } finally {
    await ctx.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

export const oscalImport: Scenario = {
  name: 'oscal-import',
  description:
    'NIST SP 800-53 rev5 catalog import into a fresh SQLite database, through the service',
  async run({ log }: ScenarioContext): Promise<Figure[]> {
    if (SHARED_DATA_MISSING) {
      log(`oscal-import skipped: ${SHARED_DATA_MISSING}`);
      return [];
    }
    const text = fs.readFileSync(NIST_REV5_CATALOG, 'utf8');
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cloud-office-bench-import-'));
    const remove = () => fs.rmSync(dir, { recursive: true, force: true });
    const forget = atExit(remove);
    const runs: number[] = [];
    try {
      for (let i = 0; i < WARMUP; i++) await importOnce(dir, text);
      for (let i = 0; i < RUNS; i++) runs.push(await importOnce(dir, text));
    } finally {
      remove();
      forget();
    }
    log(`imports: ${runs.map((ms) => ms.toFixed(0)).join(' ')} ms`);
    return [{ name: 'oscal.import.catalog.ms', value: round(median(runs), 1), unit: 'ms' }];
  },
};
