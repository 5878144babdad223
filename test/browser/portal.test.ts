import { it } from 'node:test';
import assert from 'node:assert/strict';
import type { TestDatabase } from '../helpers/databases.js';
import { describeInChromium, openPage, unexpectedErrors } from './chromium.js';
import { portalPerSuite } from './helpers.js';

describeInChromium('web portal in Chromium', portalSuite);

function portalSuite(database: TestDatabase): void {
  let version = '';
  const running = portalPerSuite(database, async ({ url }) => {
    const about = (await (await fetch(`${url}/api/v1/about`)).json()) as { version: string };
    version = about.version;
  });

  it('shows the service, then reports it operational with the version from /api/v1/about', async () => {
    const { browser, url } = running();
    const { page, consoleErrors, close } = await openPage(browser);
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
      assert.deepEqual(unexpectedErrors(consoleErrors), []);
    } finally {
      await close();
    }
  });

  it('makes the skip link the first Tab stop, and it moves focus to the main content', async () => {
    const { browser, url } = running();
    const { page, consoleErrors, close } = await openPage(browser);
    try {
      await page.goto(`${url}/`);
      await page.getByRole('heading', { level: 1, name: 'Cloud Office' }).waitFor();
      await page.keyboard.press('Tab');
      const focused = page.locator(':focus');
      assert.equal(await focused.textContent(), 'Skip to main content');
      assert.equal(await focused.getAttribute('href'), '#main');
      await page.keyboard.press('Enter');
      await page.locator('main:focus').waitFor();
      assert.deepEqual(unexpectedErrors(consoleErrors), []);
    } finally {
      await close();
    }
  });

  it('renders the portal at a deep link the server does not know, and says there is no such page', async () => {
    const { browser, url } = running();
    const { page, consoleErrors, close } = await openPage(browser);
    try {
      const response = await page.goto(`${url}/some/deep/link`);
      assert.equal(response?.status(), 200);
      await page.getByRole('heading', { level: 1, name: 'Cloud Office' }).waitFor();
      await page.getByRole('heading', { level: 2, name: 'Page not found' }).waitFor();
      assert.equal(await page.title(), 'Page not found — Cloud Office');
      await page.getByRole('link', { name: 'Go to the home page' }).click();
      await page
        .getByRole('region', { name: 'Service status' })
        .getByText('Operational', { exact: true })
        .waitFor();
      assert.equal(new URL(page.url()).pathname, '/');
      // After a navigation inside the portal, focus is on the new page's heading.
      assert.equal(await page.locator(':focus').textContent(), 'About this service');
      assert.deepEqual(unexpectedErrors(consoleErrors), []);
    } finally {
      await close();
    }
  });

  it('says what is not ready when /readyz answers 503 with a problem document', async () => {
    const { browser, url } = running();
    const { page, close } = await openPage(browser);
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
      await close();
    }
  });

  it('says the status could not be checked when the server does not answer, and checks again on request', async () => {
    const { browser, url } = running();
    const { page, close } = await openPage(browser);
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
      await close();
    }
  });
}
