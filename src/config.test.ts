import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, it } from 'node:test';
import { ConfigError, describeConfig, loadConfig, maskUrl } from './config.js';

const cwd = '/srv/cloud-office';
const KEY_HEX = '00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff';

function issuesOf(env: Record<string, string>): readonly string[] {
  try {
    loadConfig(env, cwd);
  } catch (error) {
    assert.ok(error instanceof ConfigError);
    return error.issues;
  }
  assert.fail('expected a ConfigError');
}

describe('loadConfig', () => {
  it('uses the documented defaults: port 8080 on 127.0.0.1, SQLite in ./data', () => {
    const config = loadConfig({}, cwd);
    assert.equal(config.http.port, 8080);
    assert.equal(config.http.host, '127.0.0.1');
    assert.equal(config.http.bodyLimit, 1024 * 1024);
    assert.equal(config.http.publicUrl, 'http://127.0.0.1:8080');
    assert.equal(config.dataDir, path.join(cwd, 'data'));
    assert.deepEqual(config.database, {
      dialect: 'sqlite',
      file: path.join(cwd, 'data', 'cloud-office.sqlite'),
    });
    assert.equal(config.log.level, 'info');
  });

  it('chooses PostgreSQL for a postgres:// or postgresql:// DATABASE_URL', () => {
    for (const url of ['postgres://app:pw@db.internal:5432/office', 'postgresql://db/office']) {
      const config = loadConfig(
        { DATABASE_URL: url, DATABASE_POOL_SIZE: '25', SECRET_KEY: KEY_HEX },
        cwd,
      );
      assert.deepEqual(config.database, { dialect: 'postgres', url, poolSize: 25 });
    }
  });

  it('names each wrong variable and what it accepts, all at once', () => {
    const issues = issuesOf({
      PORT: 'eighty',
      LOG_LEVEL: 'loud',
      BODY_LIMIT: '12',
      TRUST_PROXY: 'maybe',
    });
    assert.equal(issues.length, 4);
    assert.match(
      issues[0] ?? '',
      /^PORT="eighty" is not valid: expected a whole number from 0 to 65535/,
    );
    assert.ok(
      issues.some(
        (issue) => issue.startsWith('LOG_LEVEL="loud"') && issue.includes('fatal, error'),
      ),
    );
    assert.ok(issues.some((issue) => issue.startsWith('BODY_LIMIT="12"')));
    assert.ok(issues.some((issue) => issue.startsWith('TRUST_PROXY="maybe"')));
  });

  it('refuses a port out of range and a DATABASE_URL of another kind, masking its password', () => {
    assert.match(issuesOf({ PORT: '70000' })[0] ?? '', /^PORT="70000"/);
    const [issue] = issuesOf({ DATABASE_URL: 'mysql://root:hunter2@db/office' });
    assert.match(issue ?? '', /^DATABASE_URL=.*expected unset for SQLite/);
    assert.ok(!issue?.includes('hunter2'), 'the password must not be echoed');
  });

  it('derives the public URL from HOST and PORT unless PUBLIC_URL is set', () => {
    assert.equal(
      loadConfig({ HOST: '0.0.0.0', PORT: '9000' }, cwd).http.publicUrl,
      'http://localhost:9000',
    );
    assert.equal(
      loadConfig({ PUBLIC_URL: 'https://cloud.gov.example/' }, cwd).http.publicUrl,
      'https://cloud.gov.example',
    );
    assert.match(issuesOf({ PUBLIC_URL: 'ftp://x' })[0] ?? '', /^PUBLIC_URL=/);
  });

  it('reads TRUST_PROXY as a boolean or a hop count', () => {
    assert.equal(loadConfig({ TRUST_PROXY: 'true' }, cwd).http.trustProxy, true);
    assert.equal(loadConfig({ TRUST_PROXY: '2' }, cwd).http.trustProxy, 2);
  });
});

describe('SECRET_KEY', () => {
  it('refuses PostgreSQL without SECRET_KEY, naming it', () => {
    const issues = issuesOf({ DATABASE_URL: 'postgres://app:pw@db.internal:5432/office' });
    assert.equal(issues.length, 1);
    assert.match(issues[0] ?? '', /^SECRET_KEY is required with PostgreSQL/);
    assert.match(issues[0] ?? '', /openssl rand -hex 32/);
  });

  it('leaves it unset with SQLite, where the server keeps its own key in DATA_DIR', () => {
    assert.equal(loadConfig({}, cwd).secretKey, null);
  });

  it('reads 32 bytes as 64 hex digits or base64, and refuses anything else without echoing it', () => {
    const expected = Buffer.from(KEY_HEX, 'hex');
    for (const value of [
      KEY_HEX,
      KEY_HEX.toUpperCase(),
      expected.toString('base64'),
      expected.toString('base64url'),
    ]) {
      assert.deepEqual(loadConfig({ SECRET_KEY: value }, cwd).secretKey, expected, value);
    }
    for (const value of ['hunter2', KEY_HEX.slice(2), Buffer.alloc(16).toString('base64')]) {
      const [issue] = issuesOf({ SECRET_KEY: value });
      assert.match(issue ?? '', /^SECRET_KEY is not valid \(value not shown\)/);
      assert.ok(!issue?.includes(value));
    }
  });

  it('is masked in the printed configuration', () => {
    const text = JSON.stringify(describeConfig(loadConfig({ SECRET_KEY: KEY_HEX }, cwd)));
    assert.ok(!text.includes(KEY_HEX));
    assert.match(text, /"secretKey":"\*\*\*\*"/);
  });
});

describe('describeConfig', () => {
  it('masks the database password and keeps everything else', () => {
    const described = describeConfig(
      loadConfig(
        { DATABASE_URL: 'postgres://app:s3cret@db:5432/office', SECRET_KEY: KEY_HEX },
        cwd,
      ),
    );
    const text = JSON.stringify(described);
    assert.ok(!text.includes('s3cret'));
    assert.match(text, /postgres:\/\/app:\*\*\*\*@db:5432\/office/);
  });

  it('leaves a URL without a password as it is', () => {
    assert.equal(maskUrl('postgres://db/office'), 'postgres://db/office');
  });
});

describe('e-mail settings', () => {
  it('leaves e-mail off without SMTP_URL and sends from Cloud Office <no-reply@localhost>', () => {
    const { mail } = loadConfig({}, cwd);
    assert.deepEqual(mail, {
      smtp: { enabled: false },
      from: 'Cloud Office <no-reply@localhost>',
    });
  });

  it('reads the host, port, TLS mode and sign-in from SMTP_URL', () => {
    assert.deepEqual(
      loadConfig({ SMTP_URL: 'smtp://relay:p%40ss@mail.gov.example:2525' }, cwd).mail.smtp,
      {
        enabled: true,
        url: 'smtp://relay:p%40ss@mail.gov.example:2525',
        host: 'mail.gov.example',
        port: 2525,
        secure: false,
        auth: { user: 'relay', password: 'p@ss' },
      },
    );
    assert.deepEqual(loadConfig({ SMTP_URL: 'smtps://mail.gov.example' }, cwd).mail.smtp, {
      enabled: true,
      url: 'smtps://mail.gov.example',
      host: 'mail.gov.example',
      port: 465,
      secure: true,
      auth: undefined,
    });
    const plain = loadConfig({ SMTP_URL: 'smtp://[::1]/' }, cwd).mail.smtp;
    assert.ok(plain.enabled);
    assert.equal(plain.host, '::1');
    assert.equal(plain.port, 587);
  });

  it('refuses an SMTP_URL of another kind, without a host, or with a user but no password', () => {
    for (const url of [
      'http://mail.gov.example',
      'smtp:mail.gov.example',
      'smtp://mail.gov.example:0',
      'smtp://relay@mail.gov.example',
      'smtp://mail.gov.example/inbox',
      'smtp://mail.gov.example?pool=true',
    ]) {
      assert.match(
        issuesOf({ SMTP_URL: url })[0] ?? '',
        /^SMTP_URL=.*expected unset to keep e-mail unsent/,
        url,
      );
    }
  });

  it('never echoes the SMTP password in a refusal', () => {
    for (const url of [
      'smtp://relay:hunter2@mail.gov.example/x',
      'smtp://relay:hunter2@bad host',
    ]) {
      const [issue] = issuesOf({ SMTP_URL: url });
      assert.match(issue ?? '', /^SMTP_URL="smtp:\/\/(relay:)?\*\*\*\*@/);
      assert.ok(!issue?.includes('hunter2'), issue);
    }
  });

  it('accepts MAIL_FROM as an address with an optional display name, and nothing else', () => {
    for (const from of [
      'no-reply@cloud.gov.example',
      'Cloud Office <no-reply@cloud.gov.example>',
      '"Cloud Office, MoITT" <no-reply@cloud.gov.example>',
    ]) {
      assert.equal(loadConfig({ MAIL_FROM: from }, cwd).mail.from, from);
    }
    for (const from of [
      'Cloud Office',
      'a@cloud.gov.example, b@cloud.gov.example',
      'Cloud Office <no-reply@cloud.gov.example>\r\nBcc: spy@example.com',
      'Cloud Office <no-reply@cloud.gov.example',
      'no reply@cloud.gov.example',
    ]) {
      assert.match(
        issuesOf({ MAIL_FROM: from })[0] ?? '',
        /^MAIL_FROM=.*expected an e-mail address/,
        from,
      );
    }
  });

  it('describes the e-mail settings with the SMTP password masked', () => {
    const described = describeConfig(
      loadConfig({ SMTP_URL: 'smtps://relay:s3cret@mail.gov.example:465' }, cwd),
    );
    assert.deepEqual(described.mail, {
      smtpUrl: 'smtps://relay:****@mail.gov.example:465',
      from: 'Cloud Office <no-reply@localhost>',
    });
    assert.ok(!JSON.stringify(described).includes('s3cret'));
    assert.deepEqual(describeConfig(loadConfig({}, cwd)).mail, {
      smtpUrl: null,
      from: 'Cloud Office <no-reply@localhost>',
    });
  });
});

describe('OFFICE_COUNTRY', () => {
  it('defaults to PK and is printed by config check', () => {
    const config = loadConfig({}, cwd);
    assert.equal(config.officeCountry, 'PK');
    assert.equal(describeConfig(config).officeCountry, 'PK');
  });

  it('takes any assigned ISO 3166-1 alpha-2 code, in either case', () => {
    assert.equal(loadConfig({ OFFICE_COUNTRY: 'AE' }, cwd).officeCountry, 'AE');
    assert.equal(loadConfig({ OFFICE_COUNTRY: ' de ' }, cwd).officeCountry, 'DE');
  });

  it('refuses a code that is not an assigned country, naming the variable and quoting the value', () => {
    for (const value of ['UK', 'EU', 'PAK', 'Pakistan', '92']) {
      const issues = issuesOf({ OFFICE_COUNTRY: value });
      assert.equal(issues.length, 1, value);
      assert.match(
        issues[0] ?? '',
        new RegExp(`^OFFICE_COUNTRY=${JSON.stringify(value)} is not valid: expected .*ISO 3166-1`),
      );
    }
  });
});
