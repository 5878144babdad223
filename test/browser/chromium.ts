import fs from 'node:fs';
import path from 'node:path';
import assert from 'node:assert/strict';
import { describe } from 'node:test';
import { chromium, type Browser, type Page } from 'playwright-core';
import { describeEachDatabase, type TestDatabase } from '../helpers/databases.js';

/** Debian's Chromium; playwright-core drives it without downloading a browser of its own. */
export const CHROMIUM = '/usr/bin/chromium';
export const PORTAL_INDEX = path.join(import.meta.dirname, '..', '..', 'dist', 'web', 'index.html');

// CI must run the browser tests; on a workstation without Chromium they are skipped, with the fix.
const chromiumMissing = !fs.existsSync(CHROMIUM);
if (chromiumMissing && process.env.CI) {
  throw new Error(
    `Chromium not installed at ${CHROMIUM}, and CI must run the browser tests: apt-get install chromium`,
  );
}

/** A suite per database in Chromium, or one skipped suite saying how to install Chromium. */
export function describeInChromium(title: string, body: (database: TestDatabase) => void): void {
  if (chromiumMissing) {
    describe(title, { skip: 'Chromium not installed: apt-get install chromium' }, () => undefined);
  } else {
    describeEachDatabase(title, body);
  }
}

export function assertPortalBuilt(): void {
  assert.ok(
    fs.existsSync(PORTAL_INDEX),
    `${PORTAL_INDEX} is missing: run \`npm run build\` first (npm test does it)`,
  );
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

export interface ConsoleError {
  text: string;
  url: string;
}

/**
 * A page in a fresh browser context (its own cookies) that records what the browser reports as an
 * error: script errors, CSP violations, and answers with an error status.
 */
export async function openPage(
  browser: Browser,
): Promise<{ page: Page; consoleErrors: ConsoleError[]; close: () => Promise<void> }> {
  const context = await browser.newContext();
  const page = await context.newPage();
  page.setDefaultTimeout(10_000);
  const consoleErrors: ConsoleError[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error')
      consoleErrors.push({ text: message.text(), url: message.location().url });
  });
  page.on('pageerror', (error) => consoleErrors.push({ text: error.message, url: '' }));
  return { page, consoleErrors, close: () => context.close() };
}

/**
 * The console errors left once the expected ones are set aside: Chromium logs every answer with
 * an error status ("Failed to load resource: … 401"), which a test may have caused on purpose.
 */
export function unexpectedErrors(
  errors: readonly ConsoleError[],
  expected: readonly { status: number; path: string }[] = [],
): string[] {
  return errors
    .filter(
      (error) =>
        !expected.some(
          ({ status, path: expectedPath }) =>
            error.text.includes(`status of ${status}`) &&
            new URL(error.url, 'http://x').pathname === expectedPath,
        ),
    )
    .map((error) => `${error.text} (${error.url})`);
}
