import assert from 'node:assert/strict';
import { it } from 'node:test';
import type { TestDatabase } from '../helpers/databases.js';
import { buildOrganization, buildUser, enrolTotp, setUpOffice } from '../helpers/factories.js';
import { sampleCatalog } from '../integration/catalog-sample.js';
import { describeInChromium, openPage, unexpectedErrors } from './chromium.js';
import { portalPerSuite, signIn } from './helpers.js';

describeInChromium('the catalog library in Chromium', catalogSuite);

function catalogSuite(database: TestDatabase): void {
  let dg = { email: '', secret: '' };
  let cspEmail = '';
  const running = portalPerSuite(database, async ({ ctx }) => {
    const office = await setUpOffice(ctx);
    dg = { email: office.email, secret: await enrolTotp(ctx, office.userId) };
    const providerId = await buildOrganization(ctx, 'csp', { name: 'Indus Cloud' });
    cspEmail = (await buildUser(ctx, providerId, 'csp_admin')).email;
  });

  it('imports through the portal (refusing a broken file with its problems), searches, and opens a control', async () => {
    const { browser, url } = running();
    const { page, consoleErrors, close } = await openPage(browser);
    try {
      await signIn(page, url, dg.email, dg.secret);
      await page
        .getByRole('navigation', { name: 'Main' })
        .getByRole('link', { name: 'Catalogs' })
        .click();
      await page.getByRole('heading', { level: 2, name: 'Control catalogs' }).waitFor();

      const broken = sampleCatalog('0.9') as unknown as { catalog: { metadata: object } };
      broken.catalog.metadata = {};
      await page.getByLabel('OSCAL catalog file').setInputFiles({
        name: 'broken.json',
        mimeType: 'application/json',
        buffer: Buffer.from(JSON.stringify(broken)),
      });
      await page.getByRole('button', { name: 'Import catalog' }).click();
      const alert = page.getByRole('alert');
      await alert.getByText(/broken\.json is not a valid OSCAL catalog/).waitFor();
      await alert.getByText('/catalog/metadata', { exact: false }).first().waitFor();

      await page.getByLabel('OSCAL catalog file').setInputFiles({
        name: 'sample.json',
        mimeType: 'application/json',
        buffer: Buffer.from(JSON.stringify(sampleCatalog())),
      });
      await page.getByRole('button', { name: 'Import catalog' }).click();
      await page.getByRole('heading', { level: 2, name: 'Sample Office Controls' }).waitFor();
      await page.getByText('“Sample Office Controls” was imported with 4 controls.').waitFor();

      // Search: the title match (ENC-1) ranks above the statement match (GOV-1(1)).
      await page.getByLabel('Words to find').fill('key');
      await page.getByRole('button', { name: 'Search' }).click();
      const results = page.getByRole('region', { name: 'Search this catalog' });
      await results.getByRole('link', { name: 'ENC-1' }).waitFor();
      const links = await results.getByRole('link').allTextContents();
      assert.deepEqual(links, ['ENC-1', 'GOV-1(1)']);

      // Browse by family, then open a control.
      await page.getByRole('link', { name: 'All families' }).click();
      await page.getByRole('link', { name: 'Governance' }).click();
      await page.getByRole('link', { name: 'GOV-1', exact: true }).click();
      await page.getByRole('heading', { level: 2, name: 'GOV-1 Breach Reporting' }).waitFor();
      const statement = page.getByRole('region', { name: 'Statement' });
      await statement
        .getByText(
          'Report every data breach within [Assignment: hours after discovery] to [Selection (one or more): the Cloud Office; the PSE]; and',
          { exact: false },
        )
        .waitFor();
      assert.equal(
        await statement.locator('em[data-param="gov-1_prm_3"]').textContent(),
        'one year',
      );
      await page
        .getByRole('region', { name: 'Guidance' })
        .getByText(/Early notice/)
        .waitFor();
      await page
        .getByRole('region', { name: 'Parameters' })
        .getByText('One or more of: the Cloud Office; the PSE')
        .waitFor();
      await page
        .getByRole('region', { name: 'Enhancements' })
        .getByRole('link', { name: 'GOV-1(1) Automated Notification' })
        .click();
      await page
        .getByRole('heading', { level: 2, name: 'GOV-1(1) Automated Notification' })
        .waitFor();
      await page.getByRole('link', { name: 'GOV-1 Breach Reporting' }).waitFor();
      assert.deepEqual(
        unexpectedErrors(consoleErrors, [{ status: 422, path: '/api/v1/catalogs' }]),
        [],
      );
    } finally {
      await close();
    }
  });

  it('lets a provider read the library but offers no import', async () => {
    const { browser, url } = running();
    const { page, consoleErrors, close } = await openPage(browser);
    try {
      await signIn(page, url, cspEmail);
      await page.goto(`${url}/catalogs`);
      await page.getByRole('heading', { level: 2, name: 'Control catalogs' }).waitFor();
      await page.getByRole('link', { name: 'Sample Office Controls' }).waitFor();
      assert.equal(await page.getByLabel('OSCAL catalog file').count(), 0);
      assert.deepEqual(unexpectedErrors(consoleErrors), []);
    } finally {
      await close();
    }
  });
}
