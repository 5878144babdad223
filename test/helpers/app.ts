import { randomBytes } from 'node:crypto';
import { loadConfig, type Config, type DatabaseConfig } from '../../src/config.js';
import { AppContext, type ContextOverrides } from '../../src/context.js';
import { migrateToLatest } from '../../src/db/migrate.js';
import { buildApp, type App } from '../../src/http/app.js';

/**
 * A configuration for tests: defaults as in production, the test's database, quiet logs. As in
 * production, PostgreSQL gets a SECRET_KEY (a random one) and SQLite keeps its key in DATA_DIR.
 */
export function testConfig(
  database: DatabaseConfig,
  dataDir: string,
  env: Record<string, string> = {},
): Config {
  const config = loadConfig({
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    DATA_DIR: dataDir,
    PORT: '0',
    ...(database.dialect === 'postgres' ? { SECRET_KEY: randomBytes(32).toString('hex') } : {}),
    ...env,
  });
  return { ...config, database };
}

const contexts = new WeakMap<App, AppContext>();

/** The context an app made by createTestApp runs on (its clock, database and key). */
export function contextOf(app: App): AppContext {
  const ctx = contexts.get(app);
  if (!ctx) throw new Error('this app was not made by createTestApp');
  return ctx;
}

export interface TestApp {
  app: App;
  ctx: AppContext;
  close(): Promise<void>;
}

/**
 * Boots the real application on a test database, migrated. `configure` may add routes before the
 * app is made ready, for probing behaviour that every route shares.
 */
export async function createTestApp(
  database: { config: DatabaseConfig; dataDir: string },
  options: {
    env?: Record<string, string>;
    overrides?: ContextOverrides;
    configure?: (app: App) => void;
  } = {},
): Promise<TestApp> {
  const ctx = await AppContext.create(
    testConfig(database.config, database.dataDir, options.env),
    options.overrides,
  );
  await migrateToLatest(ctx.db);
  const app = await buildApp(ctx);
  contexts.set(app, ctx);
  options.configure?.(app);
  await app.ready();
  return {
    app,
    ctx,
    close: async () => {
      await app.close();
      await ctx.close();
    },
  };
}
