import type { AddressInfo } from 'node:net';
import type { Config } from './config.js';
import { AppContext, type ContextOverrides } from './context.js';
import { migrateToLatest } from './db/migrate.js';
import { buildApp, type App } from './http/app.js';
import { seedDefaultContent } from './features/levels/seed.js';
import { seedDefaultPolicy } from './features/placement/seed.js';
import { startAccreditationCalendar } from './jobs/accreditation.js';
import { startDutyCheck } from './jobs/duties.js';
import { startEscalationCalendar } from './jobs/escalation.js';
import { startNocCalendar } from './jobs/noc.js';
import { startNoticeWorker } from './jobs/notices.js';
import { startOutboxWorker, type OutboxWorker } from './jobs/outbox.js';

export interface RunningServer {
  app: App;
  ctx: AppContext;
  /** The address the server actually listens on (the port may have been chosen by the system). */
  url: string;
  /** Sends queued e-mail in the background; `drain()` sends what is due now. */
  outbox: OutboxWorker;
  /** Stops taking requests, lets those in flight finish, stops the outbox, closes the database. */
  stop(): Promise<void>;
}

/**
 * Opens the database, applies migrations, builds the app and listens. `configure` may add routes
 * before the app is ready (tests use it to probe shutdown with a slow request).
 */
export async function startServer(
  config: Config,
  overrides: ContextOverrides = {},
  configure?: (app: App) => void,
): Promise<RunningServer> {
  const ctx = await AppContext.create(config, overrides);
  try {
    const applied = await migrateToLatest(ctx.db);
    if (applied.length > 0) ctx.logger.info({ migrations: applied }, 'applied database migrations');
    // The default content (our catalog, the four levels) of a new installation; idempotent and safe
    // on several instances. A failure is logged loudly but does not keep the office offline.
    try {
      const seeded = await seedDefaultContent(ctx);
      if (seeded.published.length > 0)
        ctx.logger.info(seeded, 'published the default security levels');
    } catch (error) {
      ctx.logger.error({ err: error }, 'could not put the default security levels in place');
    }
    // The default policy pack, after the levels it names; idempotent and safe on several instances.
    try {
      if ((await seedDefaultPolicy(ctx)).published)
        ctx.logger.info('published the default policy pack as version 1');
    } catch (error) {
      ctx.logger.error({ err: error }, 'could not put the default policy pack in place');
    }
    const app = await buildApp(ctx);
    configure?.(app);
    await app.listen({ host: config.http.host, port: config.http.port });
    const address = app.server.address() as AddressInfo;
    const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
    const outbox = startOutboxWorker(ctx);
    const notices = startNoticeWorker(ctx);
    const calendar = startAccreditationCalendar(ctx);
    const nocCalendar = startNocCalendar(ctx);
    const escalations = startEscalationCalendar(ctx);
    const dutyCheck = startDutyCheck(ctx);
    let stopping: Promise<void> | undefined;
    return {
      app,
      ctx,
      url: `http://${host}:${address.port}`,
      outbox,
      stop: () => {
        stopping ??= (async () => {
          try {
            await app.close();
          } finally {
            await notices.stop();
            await calendar.stop();
            await nocCalendar.stop();
            await escalations.stop();
            await dutyCheck.stop();
            await outbox.stop();
            await ctx.close();
          }
        })();
        return stopping;
      },
    };
  } catch (error) {
    await ctx.close();
    throw error;
  }
}
