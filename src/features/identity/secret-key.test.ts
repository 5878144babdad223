import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { ConfigError, loadConfig } from '../../config.js';
import { loadSecretKey, SecretBox, SECRET_KEY_FILE } from './secret-key.js';

const folders: string[] = [];
function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cloud-office-key-'));
  folders.push(dir);
  return dir;
}
after(() => {
  for (const dir of folders) fs.rmSync(dir, { recursive: true, force: true });
});

describe('loadSecretKey', () => {
  it('makes DATA_DIR/secret.key once, readable by its owner only, and reads it back afterwards', () => {
    const dataDir = path.join(tempDir(), 'data');
    const config = loadConfig({ DATA_DIR: dataDir });
    const first = loadSecretKey(config);
    const file = path.join(dataDir, SECRET_KEY_FILE);
    assert.equal(fs.statSync(file).mode & 0o777, 0o600);
    assert.match(fs.readFileSync(file, 'utf8'), /^[0-9a-f]{64}\n$/);
    assert.deepEqual(loadSecretKey(config), first);
    assert.deepEqual(
      fs.readdirSync(dataDir).filter((name) => name.endsWith('.tmp')),
      [],
      'no temporary file is left behind',
    );
  });

  it('prefers SECRET_KEY, and then makes no file', () => {
    const dataDir = tempDir();
    const key = randomBytes(32);
    const config = loadConfig({ DATA_DIR: dataDir, SECRET_KEY: key.toString('base64') });
    assert.deepEqual(loadSecretKey(config), key);
    assert.equal(fs.existsSync(path.join(dataDir, SECRET_KEY_FILE)), false);
  });

  it('refuses a key file that holds no key, rather than making a new key', () => {
    const dataDir = tempDir();
    fs.writeFileSync(path.join(dataDir, SECRET_KEY_FILE), 'not a key\n', { mode: 0o600 });
    assert.throws(
      () => loadSecretKey(loadConfig({ DATA_DIR: dataDir })),
      (error: unknown) =>
        error instanceof ConfigError && /does not hold a key.*SECRET_KEY/.test(error.message),
    );
  });

  it('refuses PostgreSQL without SECRET_KEY even in a configuration built by hand', () => {
    const config = {
      ...loadConfig({ DATA_DIR: tempDir() }),
      database: { dialect: 'postgres' as const, url: 'postgres://db/office', poolSize: 1 },
    };
    assert.throws(() => loadSecretKey(config), /SECRET_KEY is required with PostgreSQL/);
  });
});

describe('SecretBox', () => {
  const box = new SecretBox(randomBytes(32));

  it('seals with a fresh IV each time and opens in the same context only', () => {
    const one = box.seal('JBSWY3DPEHPK3PXP', 'totp:user-1');
    const two = box.seal('JBSWY3DPEHPK3PXP', 'totp:user-1');
    assert.notEqual(one, two);
    assert.ok(!one.includes('JBSWY3DPEHPK3PXP'));
    assert.equal(box.open(one, 'totp:user-1'), 'JBSWY3DPEHPK3PXP');
    assert.throws(() => box.open(one, 'totp:user-2'), /does not authenticate/);
  });

  it('detects an altered value and one sealed under another key', () => {
    const sealed = box.seal('secret', 'c');
    const parts = sealed.split('.');
    const body = Buffer.from(parts[3] ?? '', 'base64url');
    body[0] = (body[0] ?? 0) ^ 1;
    parts[3] = body.toString('base64url');
    assert.throws(() => box.open(parts.join('.'), 'c'), /does not authenticate/);
    assert.throws(() => new SecretBox(randomBytes(32)).open(sealed, 'c'), /another key/);
    assert.throws(() => box.open('plain text', 'c'), /not a sealed secret/);
  });
});
