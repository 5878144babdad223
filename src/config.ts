import path from 'node:path';
import { isCountryCode } from './features/offerings/countries.js';

/** Where the data lives: an embedded SQLite file, or a PostgreSQL server. */
export type DatabaseConfig =
  { dialect: 'sqlite'; file: string } | { dialect: 'postgres'; url: string; poolSize: number };

/**
 * Where e-mail goes: nowhere yet (messages wait in the outbox until SMTP_URL is set), or an SMTP
 * server. `secure`: TLS from the first byte (smtps://); otherwise STARTTLS when the server offers it.
 */
export type SmtpConfig =
  | { enabled: false }
  | {
      enabled: true;
      /** As given in SMTP_URL, password included: mask it before printing. */
      url: string;
      host: string;
      port: number;
      secure: boolean;
      auth: { user: string; password: string } | undefined;
    };

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export interface Config {
  http: {
    host: string;
    port: number;
    /** Largest request body accepted, in bytes. */
    bodyLimit: number;
    /** Largest uploaded file (a document), in bytes; held in memory while it is checked. */
    uploadLimit: number;
    /** Passed to Fastify: false, true, or the number of proxy hops to trust. */
    trustProxy: boolean | number;
    /** The address users reach the portal at; used in printed and e-mailed links. */
    publicUrl: string;
  };
  dataDir: string;
  database: DatabaseConfig;
  log: { level: LogLevel };
  /** How long a shutdown may wait for requests in flight before the process exits anyway. */
  shutdownTimeoutMs: number;
  mail: {
    smtp: SmtpConfig;
    /** The From of every e-mail: an address with an optional display name. */
    from: string;
  };
  /**
   * The 32-byte key that encrypts stored secrets (TOTP seeds), from SECRET_KEY. Null: SQLite only,
   * where the server makes one once in DATA_DIR/secret.key (see features/identity/secret-key.ts).
   */
  secretKey: Buffer | null;
  /**
   * The office's own country (ISO 3166-1 alpha-2), from OFFICE_COUNTRY: what "in country" means
   * in the public register's residency filter. Policy data, so never written into the code.
   */
  officeCountry: string;
}

/** Every variable the server reads, with what it accepts; the README documents the same list. */
export const CONFIG_VARIABLES = {
  PORT: 'a whole number from 0 to 65535 (default 8080)',
  HOST: 'an interface address or host name to listen on (default 127.0.0.1)',
  DATA_DIR: 'a folder for the SQLite file and other local data (default ./data)',
  DATABASE_URL: 'unset for SQLite in DATA_DIR, or postgres://user:password@host:port/database',
  DATABASE_POOL_SIZE:
    'PostgreSQL connections per instance, a whole number from 1 to 200 (default 10)',
  LOG_LEVEL: `one of ${LOG_LEVELS.join(', ')} (default info)`,
  BODY_LIMIT: 'largest request body in bytes, from 1024 to 104857600 (default 1048576, 1 MiB)',
  UPLOAD_LIMIT: 'largest uploaded file in bytes, from 1024 to 104857600 (default 20971520, 20 MiB)',
  TRUST_PROXY: 'false, true, or the number of proxy hops in front of the server (default false)',
  PUBLIC_URL: 'the http(s) address users reach the portal at (default http://HOST:PORT)',
  SHUTDOWN_TIMEOUT_MS:
    'milliseconds to let requests finish on shutdown, 0 to 600000 (default 10000)',
  SMTP_URL:
    'unset to keep e-mail unsent in the outbox, or smtp://user:password@host:port (smtps:// for TLS from the start)',
  MAIL_FROM:
    'an e-mail address with an optional display name, like Cloud Office <no-reply@example.org> (default Cloud Office <no-reply@localhost>)',
  SECRET_KEY:
    '32 random bytes as 64 hex digits or base64 (openssl rand -hex 32); required with PostgreSQL, where every instance needs the same key; unset with SQLite: made once in DATA_DIR/secret.key',
  OFFICE_COUNTRY:
    "the office's country as an ISO 3166-1 alpha-2 code, like PK or AE; the public register's residency filter compares data-centre countries with it (default PK)",
} as const;

export type ConfigVariable = keyof typeof CONFIG_VARIABLES;
type Env = Readonly<Record<string, string | undefined>>;

/** A configuration that cannot be used; `issues` names each bad variable and what it accepts. */
export class ConfigError extends Error {
  constructor(readonly issues: readonly string[]) {
    super(`Invalid configuration:\n${issues.map((issue) => `  - ${issue}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/**
 * Reads the environment into one validated configuration. This is the only place in the code
 * that reads environment variables; everything else receives a `Config`.
 */
export function loadConfig(env: Env = process.env, cwd: string = process.cwd()): Config {
  const issues: string[] = [];
  const read = (name: ConfigVariable): string | undefined => {
    const value = env[name];
    return value === undefined || value.trim() === '' ? undefined : value.trim();
  };
  const reject = (name: ConfigVariable, value: string): void => {
    issues.push(
      `${name}=${JSON.stringify(value)} is not valid: expected ${CONFIG_VARIABLES[name]}`,
    );
  };
  const integer = (name: ConfigVariable, fallback: number, min: number, max: number): number => {
    const raw = read(name);
    if (raw === undefined) return fallback;
    if (!/^\d+$/.test(raw) || Number(raw) < min || Number(raw) > max) {
      reject(name, raw);
      return fallback;
    }
    return Number(raw);
  };

  const port = integer('PORT', 8080, 0, 65535);
  const host = read('HOST') ?? '127.0.0.1';
  if (/\s|\/|^:+$/.test(host)) reject('HOST', host);

  const dataDir = path.resolve(cwd, read('DATA_DIR') ?? 'data');
  const poolSize = integer('DATABASE_POOL_SIZE', 10, 1, 200);

  let database: DatabaseConfig = {
    dialect: 'sqlite',
    file: path.join(dataDir, 'cloud-office.sqlite'),
  };
  const databaseUrl = read('DATABASE_URL');
  if (databaseUrl !== undefined) {
    const parsed = parseUrl(databaseUrl);
    if (parsed && /^postgres(ql)?:$/.test(parsed.protocol) && parsed.hostname !== '') {
      database = { dialect: 'postgres', url: databaseUrl, poolSize };
    } else {
      issues.push(
        `DATABASE_URL=${JSON.stringify(maskUrl(databaseUrl))} is not valid: expected ${CONFIG_VARIABLES.DATABASE_URL}`,
      );
    }
  }

  const level = (read('LOG_LEVEL') ?? 'info').toLowerCase();
  if (!(LOG_LEVELS as readonly string[]).includes(level)) reject('LOG_LEVEL', level);

  const bodyLimit = integer('BODY_LIMIT', 1024 * 1024, 1024, 100 * 1024 * 1024);
  // An upload is held in memory while it is hashed and checked, so the ceiling stays modest.
  const uploadLimit = integer('UPLOAD_LIMIT', 20 * 1024 * 1024, 1024, 100 * 1024 * 1024);

  let trustProxy: boolean | number = false;
  const rawTrust = read('TRUST_PROXY');
  if (rawTrust !== undefined) {
    if (rawTrust === 'true' || rawTrust === 'false') trustProxy = rawTrust === 'true';
    else if (/^\d{1,2}$/.test(rawTrust)) trustProxy = Number(rawTrust);
    else reject('TRUST_PROXY', rawTrust);
  }

  const defaultHost = host === '0.0.0.0' || host === '::' ? 'localhost' : host;
  const urlHost = defaultHost.includes(':') ? `[${defaultHost}]` : defaultHost;
  let publicUrl = `http://${urlHost}:${port}`;
  const rawPublicUrl = read('PUBLIC_URL');
  if (rawPublicUrl !== undefined) {
    const parsed = parseUrl(rawPublicUrl);
    if (parsed && (parsed.protocol === 'http:' || parsed.protocol === 'https:')) {
      publicUrl = rawPublicUrl.replace(/\/+$/, '');
    } else {
      reject('PUBLIC_URL', rawPublicUrl);
    }
  }

  const shutdownTimeoutMs = integer('SHUTDOWN_TIMEOUT_MS', 10_000, 0, 600_000);

  let smtp: SmtpConfig = { enabled: false };
  const smtpUrl = read('SMTP_URL');
  if (smtpUrl !== undefined) {
    const parsed = parseSmtpUrl(smtpUrl);
    if (parsed) {
      smtp = parsed;
    } else {
      // A URL too broken to parse may still hold a password: hide everything before the @.
      const shown = parseUrl(smtpUrl) ? maskUrl(smtpUrl) : smtpUrl.replace(/\/\/.*@/, '//****@');
      issues.push(
        `SMTP_URL=${JSON.stringify(shown)} is not valid: expected ${CONFIG_VARIABLES.SMTP_URL}`,
      );
    }
  }
  const mailFrom = read('MAIL_FROM') ?? 'Cloud Office <no-reply@localhost>';
  if (!MAILBOX.test(mailFrom)) reject('MAIL_FROM', mailFrom);

  // Never echoed: the value is a secret.
  const rawSecretKey = read('SECRET_KEY');
  const secretKey = rawSecretKey === undefined ? null : (parseSecretKey(rawSecretKey) ?? null);
  if (rawSecretKey !== undefined && secretKey === null) {
    issues.push(
      `SECRET_KEY is not valid (value not shown): expected ${CONFIG_VARIABLES.SECRET_KEY}`,
    );
  } else if (secretKey === null && database.dialect === 'postgres') {
    issues.push(
      'SECRET_KEY is required with PostgreSQL (DATABASE_URL is set): every instance must encrypt ' +
        'stored secrets with the same key. Generate one with `openssl rand -hex 32` and give it to ' +
        'every instance.',
    );
  }

  // Upper-cased first: `pk` is a slip of the keyboard, not a different country.
  const rawOfficeCountry = read('OFFICE_COUNTRY') ?? 'PK';
  const officeCountry = rawOfficeCountry.toUpperCase();
  if (!isCountryCode(officeCountry)) reject('OFFICE_COUNTRY', rawOfficeCountry);

  if (issues.length > 0) throw new ConfigError(issues);
  return {
    http: { host, port, bodyLimit, uploadLimit, trustProxy, publicUrl },
    dataDir,
    database,
    log: { level: level as LogLevel },
    shutdownTimeoutMs,
    mail: { smtp, from: mailFrom },
    secretKey,
    officeCountry,
  };
}

/** A 32-byte key written as 64 hex digits or as base64 (padded or not, standard or URL-safe). */
export function parseSecretKey(value: string): Buffer | undefined {
  const text = value.trim();
  if (/^[0-9a-fA-F]{64}$/.test(text)) return Buffer.from(text, 'hex');
  if (!/^[A-Za-z0-9+/_-]{43}=?$/.test(text)) return undefined;
  const key = Buffer.from(text.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
  return key.length === 32 ? key : undefined;
}

/** smtp:// or smtps://, a host, an optional port, and a user only together with a password. */
function parseSmtpUrl(value: string): SmtpConfig | undefined {
  const parsed = parseUrl(value);
  if (!parsed || (parsed.protocol !== 'smtp:' && parsed.protocol !== 'smtps:')) return undefined;
  if (parsed.hostname === '' || parsed.port === '0') return undefined;
  if (!/^\/?$/.test(parsed.pathname) || parsed.search !== '' || parsed.hash !== '')
    return undefined;
  if ((parsed.username === '') !== (parsed.password === '')) return undefined;
  const secure = parsed.protocol === 'smtps:';
  let auth: { user: string; password: string } | undefined;
  try {
    if (parsed.username !== '')
      auth = {
        user: decodeURIComponent(parsed.username),
        password: decodeURIComponent(parsed.password),
      };
  } catch {
    return undefined;
  }
  return {
    enabled: true,
    url: value,
    host: parsed.hostname.replace(/^\[(.*)\]$/, '$1'),
    port: parsed.port === '' ? (secure ? 465 : 587) : Number(parsed.port),
    secure,
    auth,
  };
}

// A single mailbox: `user@host`, or `Display Name <user@host>` with the name optionally quoted.
// No line breaks, so that the value can never add a header.
const ADDRESS = String.raw`[^\s<>()[\]@",;:\\]+@[^\s<>()[\]@",;:\\]+`;
const MAILBOX = new RegExp(
  String.raw`^(?:${ADDRESS}|(?:"(?:[^"\\\x00-\x1f]|\\[^\x00-\x1f])*"|[^<>"@,;:\\\x00-\x1f]*?)\s*<${ADDRESS}>)$`,
);

function parseUrl(value: string): URL | undefined {
  try {
    return new URL(value);
  } catch {
    return undefined;
  }
}

/** Replaces the password in a URL with asterisks, so that it can be printed or logged. */
export function maskUrl(value: string): string {
  const parsed = parseUrl(value);
  if (!parsed || parsed.password === '') return value;
  parsed.password = '****';
  return parsed.toString();
}

/** The effective configuration with every secret masked, as `cloud-office config check` prints it. */
export function describeConfig(config: Config): Record<string, unknown> {
  const database =
    config.database.dialect === 'sqlite'
      ? { dialect: 'sqlite', file: config.database.file }
      : {
          dialect: 'postgres',
          url: maskUrl(config.database.url),
          poolSize: config.database.poolSize,
        };
  return {
    http: config.http,
    dataDir: config.dataDir,
    database,
    log: config.log,
    shutdownTimeoutMs: config.shutdownTimeoutMs,
    mail: {
      smtpUrl: config.mail.smtp.enabled ? maskUrl(config.mail.smtp.url) : null,
      from: config.mail.from,
    },
    secretKey: config.secretKey ? '****' : 'unset: kept in DATA_DIR/secret.key',
    officeCountry: config.officeCountry,
  };
}
