import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { ConfigError, parseSecretKey, type Config } from '../../config.js';
import type { Logger } from '../../logger.js';

/** Where the server keeps the key it made for itself when SECRET_KEY is unset (SQLite only). */
export const SECRET_KEY_FILE = 'secret.key';

/**
 * The key that encrypts stored secrets: SECRET_KEY if set; otherwise, on SQLite, the key in
 * DATA_DIR/secret.key, made once (mode 0600) on the first start and read on every later one.
 * PostgreSQL needs SECRET_KEY, because several instances must share one key; loadConfig refuses
 * that case already, and this refuses it again for configurations built by hand.
 */
export function loadSecretKey(config: Config, logger?: Logger): Buffer {
  if (config.secretKey) return config.secretKey;
  if (config.database.dialect === 'postgres') {
    throw new ConfigError([
      'SECRET_KEY is required with PostgreSQL: every instance must encrypt stored secrets with the same key.',
    ]);
  }
  return readOrCreateKeyFile(path.join(config.dataDir, SECRET_KEY_FILE), logger);
}

function readOrCreateKeyFile(file: string, logger?: Logger): Buffer {
  const existing = readKeyFile(file, logger);
  if (existing) return existing;
  // Written whole under a temporary name, then linked into place: link() fails if the file
  // appeared meanwhile, so two processes starting at once end up with the same key, and nobody
  // ever reads a half-written file.
  const temporary = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
    fs.writeFileSync(temporary, `${randomBytes(32).toString('hex')}\n`, {
      mode: 0o600,
      flag: 'wx',
    });
    fs.linkSync(temporary, file);
    logger?.info(
      { file },
      'made a new secret key for stored secrets; back it up with the database',
    );
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') {
      throw new ConfigError([
        `Cannot make ${file} (${(error as Error).message}): let this user write DATA_DIR, or set SECRET_KEY.`,
      ]);
    }
  } finally {
    fs.rmSync(temporary, { force: true });
  }
  const made = readKeyFile(file, logger);
  if (!made) throw new Error(`${file} vanished just after it was made`);
  return made;
}

function readKeyFile(file: string, logger?: Logger): Buffer | undefined {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new ConfigError([
      `${file} cannot be read (${(error as Error).message}): let this user read it, or set SECRET_KEY.`,
    ]);
  }
  const key = parseSecretKey(text);
  if (!key) {
    throw new ConfigError([
      `${file} does not hold a key (64 hex digits). Restore it from a backup or set SECRET_KEY to the ` +
        'key it held: without it, stored TOTP secrets cannot be read.',
    ]);
  }
  if ((fs.statSync(file).mode & 0o077) !== 0) {
    logger?.warn({ file }, 'the secret key file is readable by other users; chmod 600 it');
  }
  return key;
}

const SEALED = /^v1\.([0-9a-f]{8})\.([A-Za-z0-9_-]{16})\.([A-Za-z0-9_-]*)\.([A-Za-z0-9_-]{22})$/;

/**
 * Encrypts small secrets for storage with AES-256-GCM under the installation's key. Each value is
 * bound to a context (e.g. `totp:<user id>`) as additional authenticated data, so a value copied
 * into another row does not decrypt. Stored form: `v1.<key id>.<iv>.<ciphertext>.<tag>`, base64url;
 * the key id (the start of the key's SHA-256) says which key sealed it when the key has changed.
 */
export class SecretBox {
  readonly #key: Buffer;
  readonly keyId: string;

  constructor(key: Buffer) {
    if (key.length !== 32) throw new Error('a secret key has 32 bytes');
    this.#key = Buffer.from(key);
    this.keyId = createHash('sha256').update(key).digest('hex').slice(0, 8);
  }

  seal(plaintext: string, context: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.#key, iv);
    cipher.setAAD(Buffer.from(context, 'utf8'));
    const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    const parts = [iv, body, cipher.getAuthTag()].map((part) => part.toString('base64url'));
    return `v1.${this.keyId}.${parts.join('.')}`;
  }

  /** The plaintext of a sealed value; throws if it was sealed under another key or context, or altered. */
  open(sealed: string, context: string): string {
    const match = SEALED.exec(sealed);
    if (!match) throw new Error('not a sealed secret');
    const [, keyId = '', iv = '', body = '', tag = ''] = match;
    if (keyId !== this.keyId) {
      throw new Error(
        `this secret was sealed under another key (id ${keyId}; the key in use has id ${this.keyId}): ` +
          'SECRET_KEY or DATA_DIR/secret.key has changed',
      );
    }
    const decipher = createDecipheriv('aes-256-gcm', this.#key, Buffer.from(iv, 'base64url'));
    decipher.setAAD(Buffer.from(context, 'utf8'));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    try {
      return Buffer.concat([
        decipher.update(Buffer.from(body, 'base64url')),
        decipher.final(),
      ]).toString('utf8');
    } catch {
      throw new Error(
        'a sealed secret does not authenticate: altered, or moved from another record',
      );
    }
  }
}
