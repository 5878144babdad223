import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { chromium, type Browser, type Page } from 'playwright-core';
import { startServer, type RunningServer } from '../../src/server.js';
import { testConfig } from '../helpers/app.js';
import { describeEachDatabase, type TestDatabase } from '../helpers/databases.js';

const CHROMIUM = '/usr/bin/chromium';
const PORTAL_INDEX = path.join(import.meta.dirname, '..', '..', 'dist', 'web', 'index.html');

// CI must run the browser tests; on a workstation without Chromium they are skipped, with the fix.
const chromiumMissing = !fs.existsSync(CHROMIUM);
if (chromiumMissing && process.env.CI) {
  throw new Error(
    `Chromium not installed at ${CHROMIUM}, and CI must run the browser tests: apt-get install chromium`,
  );
}

/** A page that records what the browser reports as an error: script errors and CSP violations. */
async function openPage(browser: Browser): Promise<{ page: Page; consoleErrors: string[] }> {
  const page = await browser.newPage();
  page.setDefaultTimeout(10_000);
  const consoleErrors: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error')
      consoleErrors.push(`${message.text()} (${message.location().url})`);
  });
  page.on('pageerror', (error) => consoleErrors.push(error.message));
  return { page, consoleErrors };
}

if (chromiumMissing) {
  describe(
    'web portal in Chromium',
    { skip: 'Chromium not installed: apt-get install chromium' },
    () => undefined,
  );
} else {
  describeEachDatabase('web portal in Chromium', portalSuite);
}

function portalSuite(database: TestDatabase): void {
  let server: RunningServer | undefined;
  let browser: Browser | undefined;
  let version = '';

  before(async () => {
    assert.ok(
      fs.existsSync(PORTAL_INDEX),
      `${PORTAL_INDEX} is missing: run \`npm run build\` first (npm test does it)`,
    );
    server = await startServer(testConfig(database.config, database.dataDir), {});
    const about = (await (await fetch(`${server.url}/api/v1/about`)).json()) as {
      version: string;
    };
    version = about.version;
    browser = await chromium.launch({
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
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  function running(): { browser: Browser; url: string } {
    assert.ok(browser && server, 'the before() hook did not finish');
    return { browser, url: server.url };
  }

  it('shows the service, then reports it operational with the version from /api/v1/about', async () => {
    const { browser, url } = running();
    const { page, consoleErrors } = await openPage(browser);
    try {
      const response = await page.goto(`${url}/`);
      assert.equal(response?.status(), 200);
      // The header is what makes a CSP violation fail loudly instead of silently passing.
      assert.match(response.headers()['content-security-policy'] ?? '', /script-src 'self'/);

      await page.getByRole('heading', { level: 1, name: 'Cloud Office' }).waitFor();
      const status = page.getByRole('region', { name: 'Service status' });
      await status.getByText('Operational', { exact: true }).waitFor();
      await status.getByText(version, { exact: true }).waitFor();
      assert.equal(await page.locator('html').getAttribute('lang'), 'en');
      assert.equal(await page.locator('html').getAttribute('dir'), 'ltr');
      assert.equal(
        await page.getByRole('link', { name: 'API documentation' }).getAttribute('href'),
        '/api/docs',
      );
      assert.equal(
        await page.getByRole('link', { name: 'OpenAPI document' }).getAttribute('href'),
        '/api/openapi.json',
      );
      assert.deepEqual(consoleErrors, []);
    } finally {
      await page.close();
    }
  });

  it('makes the skip link the first Tab stop, and it moves focus to the main content', async () => {
    const { browser, url } = running();
    const { page, consoleErrors } = await openPage(browser);
    try {
      await page.goto(`${url}/`);
      await page.getByRole('heading', { level: 1, name: 'Cloud Office' }).waitFor();
      await page.keyboard.press('Tab');
      const focused = page.locator(':focus');
      assert.equal(await focused.textContent(), 'Skip to main content');
      assert.equal(await focused.getAttribute('href'), '#main');
      await page.keyboard.press('Enter');
      await page.locator('main:focus').waitFor();
      assert.deepEqual(consoleErrors, []);
    } finally {
      await page.close();
    }
  });

  it('renders the portal at a deep link the server does not know', async () => {
    const { browser, url } = running();
    const { page, consoleErrors } = await openPage(browser);
    try {
      const response = await page.goto(`${url}/some/deep/link`);
      assert.equal(response?.status(), 200);
      await page.getByRole('heading', { level: 1, name: 'Cloud Office' }).waitFor();
      await page
        .getByRole('region', { name: 'Service status' })
        .getByText('Operational', { exact: true })
        .waitFor();
      assert.deepEqual(consoleErrors, []);
    } finally {
      await page.close();
    }
  });

  it('says what is not ready when /readyz answers 503 with a problem document', async () => {
    const { browser, url } = running();
    const { page } = await openPage(browser);
    try {
      await page.route('**/readyz', (route) =>
        route.fulfill({
          status: 503,
          contentType: 'application/problem+json',
          body: JSON.stringify({
            title: 'Service Unavailable',
            detail: 'the database does not answer',
            code: 'not_ready',
          }),
        }),
      );
      await page.goto(`${url}/`);
      const status = page.getByRole('region', { name: 'Service status' });
      await status.getByText('Not ready: the database does not answer', { exact: true }).waitFor();
      await status.getByText(version, { exact: true }).waitFor();
    } finally {
      await page.close();
    }
  });

  it('says the status could not be checked when the server does not answer, and checks again on request', async () => {
    const { browser, url } = running();
    const { page } = await openPage(browser);
    try {
      await page.route('**/api/v1/about', (route) => route.abort('connectionrefused'));
      await page.goto(`${url}/`);
      const status = page.getByRole('region', { name: 'Service status' });
      await status
        .getByText('The status could not be checked: the server did not answer.', { exact: true })
        .waitFor();

      await page.unroute('**/api/v1/about');
      await status.getByRole('button', { name: 'Check again' }).click();
      await status.getByText('Operational', { exact: true }).waitFor();
    } finally {
      await page.close();
    }
  });
}
