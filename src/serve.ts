import type { Config } from './config.js';
import type { ContextOverrides } from './context.js';
import { issueSetupLink } from './features/office/setup.js';
import { startServer, type RunningServer } from './server.js';
import { APP_NAME, APP_VERSION } from './version.js';

/**
 * Runs the server until SIGTERM or SIGINT, then shuts down gracefully: no new requests, those in
 * flight finish, the database closes. If that takes longer than the configured timeout, or a
 * second signal arrives, the process exits at once with a non-zero code.
 */
export async function serveUntilSignalled(
  config: Config,
  print: (line: string) => void,
  overrides: ContextOverrides = {},
): Promise<RunningServer> {
  const server = await startServer(config, overrides);
  const { logger } = server.ctx;
  let shuttingDown = false;
  const onSignal = (signal: NodeJS.Signals): void => {
    if (shuttingDown) {
      logger.warn({ signal }, 'second signal: exiting without waiting');
      process.exit(1);
    }
    shuttingDown = true;
    logger.info({ signal }, 'shutting down: finishing requests in flight');
    const timer = setTimeout(() => {
      logger.error({ timeoutMs: config.shutdownTimeoutMs }, 'shutdown timed out: exiting');
      process.exit(1);
    }, config.shutdownTimeoutMs);
    timer.unref();
    server.stop().then(
      () => {
        logger.info('shutdown complete');
        logger.flush();
        process.exit(0);
      },
      (error: unknown) => {
        logger.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);

  // The handlers are in place before anything is printed: a signal that follows the banner is
  // always a graceful shutdown.
  const portal = config.http.port === 0 ? server.url : config.http.publicUrl;
  print(`${APP_NAME} ${APP_VERSION} is running.`);
  print(`  Portal:    ${portal}/`);
  print(`  API docs:  ${portal}/api/docs`);
  print(
    `  Database:  ${server.ctx.dialect === 'sqlite' ? 'SQLite' : 'PostgreSQL'} at ${server.ctx.databaseLocation}`,
  );
  // A shutdown may already be closing the database; a missing link is then no start-up failure.
  const setupLink = await issueSetupLink(server.ctx).catch((error: unknown) => {
    if (!shuttingDown) throw error;
    return null;
  });
  if (setupLink) {
    print('');
    print(
      'Nobody can sign in yet. To create the Cloud Office and its first officer (DG Cloud), open',
    );
    print(`  ${setupLink}`);
    print('This link works once, for 24 hours; every start prints a new one until setup is done.');
    print('(Or run: cloud-office admin create --email ... --name ... --office ...)');
    print('');
  }
  print('Press Ctrl+C to stop.');
  return server;
}
