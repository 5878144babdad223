import { systemClock, type Clock } from './clock.js';
import type { Config } from './config.js';
import { openDatabase, type DatabaseHandle } from './db/index.js';
import { AccreditationEvents } from './features/accreditation/subscribers.js';
import { loadSecretKey, SecretBox } from './features/identity/secret-key.js';
import { subscribeToAccreditationEvents } from './features/placement/decisions-service.js';
import { createLogger, type Logger } from './logger.js';
import { createMailer, type Mailer } from './mail/mailer.js';

/** What tests may replace when they build a context. */
export interface ContextOverrides {
  logger?: Logger;
  clock?: Clock;
  mailer?: Mailer;
  /** The key for stored secrets, instead of SECRET_KEY or DATA_DIR/secret.key. */
  secretKey?: Buffer;
}

/**
 * The one composition root: every dependency the application uses is built here, once, and
 * handed down explicitly. Long-lived resources are closed by `close()`.
 */
export class AppContext {
  private closed = false;
  /** The accreditation workflow's events, for the features that subscribe to them. */
  readonly accreditationEvents = new AccreditationEvents();

  private constructor(
    readonly config: Config,
    readonly logger: Logger,
    readonly clock: Clock,
    private readonly database: DatabaseHandle,
    readonly mailer: Mailer,
    /** Encrypts and decrypts stored secrets (TOTP seeds) under the installation's key. */
    readonly secretBox: SecretBox,
  ) {}

  static async create(config: Config, overrides: ContextOverrides = {}): Promise<AppContext> {
    const logger = overrides.logger ?? createLogger(config.log.level);
    const database = await openDatabase(config.database, logger);
    let secretBox: SecretBox;
    try {
      secretBox = new SecretBox(overrides.secretKey ?? loadSecretKey(config, logger));
    } catch (error) {
      await database.close();
      throw error;
    }
    const mailer = overrides.mailer ?? createMailer(config.mail);
    const ctx = new AppContext(
      config,
      logger,
      overrides.clock ?? systemClock,
      database,
      mailer,
      secretBox,
    );
    // The workflow's subscribers, here so that the API, the CLI and the jobs all have them:
    // placement re-evaluates the systems on an offering whose standing changes.
    subscribeToAccreditationEvents(ctx);
    return ctx;
  }

  get db(): DatabaseHandle['db'] {
    return this.database.db;
  }

  get dialect(): DatabaseHandle['dialect'] {
    return this.database.dialect;
  }

  get databaseLocation(): string {
    return this.database.location;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    try {
      await this.mailer.close();
    } finally {
      await this.database.close();
    }
  }
}
