import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { Secret, TOTP } from 'otpauth';
import type { Browser } from 'playwright-core';
import { issueSetupLink } from '../../src/features/office/setup.js';
import { startServer, type RunningServer } from '../../src/server.js';
import { testConfig } from '../helpers/app.js';
import type { TestDatabase } from '../helpers/databases.js';
import {
  assertPortalBuilt,
  describeInChromium,
  launchChromium,
  openPage,
  unexpectedErrors,
} from './chromium.js';

describeInChromium('first-run setup in Chromium', setupSuite);

function setupSuite(database: TestDatabase): void {
  let server: RunningServer | undefined;
  let browser: Browser | undefined;
  let setupPath = '';

  before(async () => {
    assertPortalBuilt();
    server = await startServer(testConfig(database.config, database.dataDir), {});
    const link = await issueSetupLink(server.ctx);
    assert.ok(link, 'an empty database has a setup link');
    setupPath = new URL(link).pathname + new URL(link).hash;
    browser = await launchChromium();
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('creates the Cloud Office and its DG Cloud through the one-time link, then lets the DG sign in', async () => {
    assert.ok(browser && server);
    const url = server.url;
    const { page, consoleErrors, close } = await openPage(browser);
    try {
      await page.goto(`${url}${setupPath}`);
      await page.getByRole('heading', { level: 2, name: 'Set up the Cloud Office' }).waitFor();

      // Nothing filled in: every field is named in the summary, and its link moves focus to it.
      await page.getByRole('button', { name: 'Create the office' }).click();
      const summary = page.getByRole('alert');
      for (const field of [
        'Name of the office',
        'Your full name',
        'E-mail address',
        'New password',
      ]) {
        await summary.getByRole('link', { name: new RegExp(`^${field}: `) }).waitFor();
      }
      await summary.getByRole('link', { name: /^Your full name: / }).click();
      assert.equal(await page.locator(':focus').getAttribute('id'), 'setup-displayName');

      await page.getByLabel('Name of the office').fill('Cloud Office, Ministry of IT');
      await page.getByLabel('Your full name').fill('Ayesha Khan');
      await page.getByLabel('E-mail address').fill('ayesha@office.example');
      await page.getByLabel('New password').fill('a long and unrelated pass phrase');
      await page.getByRole('button', { name: 'Create the office' }).click();
      await page.getByText('The Cloud Office is set up.', { exact: false }).waitFor();
      assert.equal(new URL(page.url()).pathname, '/sign-in');

      await page.getByLabel('E-mail address').fill('ayesha@office.example');
      await page.getByLabel('Password', { exact: true }).fill('a long and unrelated pass phrase');
      await page.getByRole('button', { name: 'Sign in' }).click();
      const welcome = page.getByRole('heading', { name: 'Welcome, Ayesha Khan' });
      const enrolment = page.getByRole('heading', { name: 'Set up your authenticator app' });
      await welcome.or(enrolment).waitFor();
      if (await enrolment.isVisible()) {
        await page.getByRole('button', { name: 'Start setting up' }).click();
        const key = ((await page.locator('code.secret').textContent()) ?? '').replace(/\s+/g, '');
        // A code that cannot be one is caught before it is sent.
        await page.getByLabel('Security code').fill('12ab');
        await page.getByRole('button', { name: 'Confirm and continue' }).click();
        await page
          .getByRole('alert')
          .getByText('Enter the 6 digits your app shows.')
          .first()
          .waitFor();
        await page
          .getByLabel('Security code')
          .fill(new TOTP({ secret: Secret.fromBase32(key) }).generate());
        await page.getByRole('button', { name: 'Confirm and continue' }).click();
      }
      await welcome.waitFor();
      const account = page.getByRole('region', { name: 'Your account' });
      await account.getByText('Cloud Office, Ministry of IT').waitFor();
      await account.getByText('DG Cloud').waitFor();

      // The link worked once.
      await page.goto(`${url}${setupPath}`);
      await page.getByText('The Cloud Office has already been set up').waitFor();

      assert.deepEqual(unexpectedErrors(consoleErrors), []);
    } finally {
      await close();
    }
  });
}
