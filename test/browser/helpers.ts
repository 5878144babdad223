// What the portal's browser suites share: a server and Chromium per suite, and signing in.
import assert from 'node:assert/strict';
import { after, before } from 'node:test';
import { Secret, TOTP } from 'otpauth';
import type { Browser, Page } from 'playwright-core';
import { startServer, type RunningServer } from '../../src/server.js';
import { testConfig } from '../helpers/app.js';
import type { TestDatabase } from '../helpers/databases.js';
import { PASSWORD } from '../helpers/factories.js';
import { assertPortalBuilt, launchChromium } from './chromium.js';

export interface RunningPortal {
  browser: Browser;
  server: RunningServer;
  url: string;
}

/**
 * Registers the suite's hooks: before its tests, start the server on `database`, run `prepare`
 * on it (people, organizations) and launch Chromium; after them, close both. Returns what a test
 * calls to get the running server and browser.
 */
export function portalPerSuite(
  database: TestDatabase,
  prepare?: (server: RunningServer) => Promise<void>,
): () => RunningPortal {
  let server: RunningServer | undefined;
  let browser: Browser | undefined;

  before(async () => {
    assertPortalBuilt();
    server = await startServer(testConfig(database.config, database.dataDir), {});
    await prepare?.(server);
    browser = await launchChromium();
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  return () => {
    assert.ok(browser && server, 'the before() hook did not finish');
    return { browser, server, url: server.url };
  };
}

/** The code an authenticator app would show now for `secret`. */
export function totpCode(secret: string): string {
  return new TOTP({ secret: Secret.fromBase32(secret), digits: 6, period: 30 }).generate();
}

/**
 * Signs a user in through the forms with the factories' password and, when `secret` is given, the
 * code their authenticator would show; resolves once the dashboard greets them.
 */
export async function signIn(
  page: Page,
  url: string,
  email: string,
  secret?: string,
): Promise<void> {
  await page.goto(`${url}/sign-in`);
  await page.getByLabel('E-mail address').fill(email);
  await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  if (secret !== undefined) {
    await page.getByRole('heading', { name: 'Enter your security code' }).waitFor();
    await page.getByLabel('Security code').fill(totpCode(secret));
    await page.getByRole('button', { name: 'Continue' }).click();
  }
  await page.getByRole('heading', { name: /^Welcome, / }).waitFor();
}

/**
 * Signs in a user who has an authenticator, with a fresh code. A TOTP code counts once: forget
 * the last one, which an earlier step may have used in this same 30-second step.
 */
export async function signInWithFreshCode(
  page: Page,
  { server, url }: Pick<RunningPortal, 'server' | 'url'>,
  email: string,
  secret: string,
): Promise<void> {
  await server.ctx.db
    .updateTable('users')
    .set({ totp_last_step: null })
    .where('email', '=', email)
    .execute();
  await signIn(page, url, email, secret);
}

/** Opens a page from the main navigation and waits for its heading (the link's name). */
export async function openFromMenu(page: Page, name: string): Promise<void> {
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name }).click();
  await page.getByRole('heading', { level: 2, name }).waitFor();
}
