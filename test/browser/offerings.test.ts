import assert from 'node:assert/strict';
import { it } from 'node:test';
import type { Page } from 'playwright-core';
import { COUNTRY_CODES as SERVER_COUNTRY_CODES } from '../../src/features/offerings/countries.js';
import { listResponses } from '../../src/features/accreditation/repo.js';
import type { TestDatabase } from '../helpers/databases.js';
import { buildOrganization, buildUser, setUpOffice } from '../helpers/factories.js';
import { buildAccreditedOffering } from '../helpers/register.js';
import { COUNTRY_CODES as PORTAL_COUNTRY_CODES } from '../../web/src/country-codes.js';
import { describeInChromium, openPage, unexpectedErrors } from './chromium.js';
import { portalPerSuite, signIn } from './helpers.js';

describeInChromium('offerings, answers and the public register in Chromium', offeringsSuite);

it('offers in the portal exactly the country codes the server accepts', () => {
  assert.deepEqual([...PORTAL_COUNTRY_CODES], [...SERVER_COUNTRY_CODES]);
});

const OFFERING = 'Indus Sovereign Storage';
const ACCREDITED = 'Ravi Secure Mail';
const SUSPENDED = 'Ravi Analytics';

/** The overall progress line of the answers page, as numbers. */
async function answered(page: Page): Promise<{ answered: number; total: number }> {
  const text = (await page.locator('#progress-overall').textContent()) ?? '';
  const match = /^(\d+) of (\d+) controls answered/.exec(text);
  assert.ok(match, `progress reads "${text}"`);
  return { answered: Number(match[1]), total: Number(match[2]) };
}

function offeringsSuite(database: TestDatabase): void {
  const cspAdminEmail = 'admin@indus.example';
  const seeded = { suspendedId: '' };

  const running = portalPerSuite(database, async ({ ctx }) => {
    await setUpOffice(ctx);
    const indus = await buildOrganization(ctx, 'csp', { name: 'Indus Cloud' });
    await buildUser(ctx, indus, 'csp_admin', cspAdminEmail);
    // The register: one offering accredited, one accredited and then suspended.
    const ravi = await buildOrganization(ctx, 'csp', { name: 'Ravi Cloud' });
    const auditFirm = { name: 'Assurance Partners', id: '' };
    auditFirm.id = await buildOrganization(ctx, 'audit_firm', { name: auditFirm.name });
    const grantedAt = new Date(Date.now() - 30 * 86_400_000).toISOString();
    await buildAccreditedOffering(ctx, ravi, { name: ACCREDITED, grantedAt, auditFirm });
    const suspended = await buildAccreditedOffering(ctx, ravi, {
      name: SUSPENDED,
      auditFirm,
      serviceModel: 'saas',
      grantedAt,
      locations: [
        { country: 'PK', city: 'Lahore', operator: 'DC Ltd', purpose: 'customer_data' },
        { country: 'AE', city: 'Dubai', operator: 'Gulf DC', purpose: 'disaster_recovery' },
      ],
      certifications: [
        {
          scheme: 'iso27001',
          issuer: 'Certifiers Ltd',
          issuedOn: '2025-01-10',
          expiresOn: '2028-01-09',
        },
      ],
      responses: [
        {
          controlId: 'co-gov-1',
          status: 'implemented',
          responsibility: 'shared',
          narrative: 'We keep a register of our sub-processors.',
          reason: null,
          customerResponsibility: 'Name a contact for security notices.',
          evidenceDocumentIds: [],
        },
      ],
      then: [
        {
          action: 'suspend',
          at: new Date(Date.now() - 86_400_000).toISOString(),
          reason: 'A breach report is overdue.',
        },
      ],
    });
    seeded.suspendedId = suspended.offeringId;
  });

  it('lets a provider describe an offering with two data centres, apply at a level and answer a control with evidence', async () => {
    const { browser, url, server } = running();
    const { page, consoleErrors, close } = await openPage(browser);
    try {
      await signIn(page, url, cspAdminEmail);
      await page
        .getByRole('navigation', { name: 'Main' })
        .getByRole('link', { name: 'Offerings' })
        .click();
      await page.getByRole('heading', { level: 2, name: 'Cloud service offerings' }).waitFor();
      await page.getByText('Your organization has described no offerings yet.').waitFor();
      await page.getByRole('link', { name: 'Describe a new offering' }).click();
      await page.getByRole('heading', { level: 2, name: 'Describe a new offering' }).waitFor();

      await page.getByLabel('Name of the offering').fill(OFFERING);
      await page.getByLabel('Description').fill('Object storage kept in Pakistan.');
      await page.getByLabel('Service model').selectOption('iaas');
      await page.getByLabel('Deployment model').selectOption('government');
      const first = page.getByRole('group', { name: 'Data centre 1', exact: true });
      await first.getByLabel('Country').selectOption({ label: 'Pakistan' });
      await first.getByLabel('City').fill('Karachi');
      await first.getByLabel('Operator').fill('DC Ltd');
      await page.getByRole('button', { name: 'Add a data centre' }).click();
      const second = page.getByRole('group', { name: 'Data centre 2', exact: true });
      // The new row's first field takes focus.
      await assertFocused(page, 'offering-locations-1-country');
      await second.getByLabel('Country').selectOption('DE');
      await second.getByLabel('City').fill('Frankfurt');
      await second.getByLabel('Operator').fill('Equinix');
      await second.getByLabel('Purpose').selectOption('disaster_recovery');

      // A certification that expires before it was issued: the server names the field.
      await page.getByRole('button', { name: 'Add a certification' }).click();
      const certification = page.getByRole('group', { name: 'Certification 1', exact: true });
      await certification.getByLabel('Scheme').selectOption('iso27017');
      await certification.getByLabel('Issued by').fill('Certifiers Ltd');
      await certification.getByLabel('Issued on').fill('2026-01-10');
      await certification.getByLabel('Expires on').fill('2025-01-09');
      await page.getByRole('button', { name: 'Save the offering' }).click();
      const summary = page.getByRole('alert').filter({ hasText: 'There is a problem' });
      await summary
        .getByRole('link', { name: /^Certification 1: Expires on: must be after issuedOn/ })
        .waitFor();
      assert.equal(
        await certification.getByLabel('Expires on').getAttribute('aria-invalid'),
        'true',
      );
      await certification.getByLabel('Expires on').fill('2029-01-09');
      await page.getByRole('button', { name: 'Save the offering' }).click();

      await page.getByRole('heading', { level: 2, name: OFFERING }).waitFor();
      await page.getByText(`The offering ${OFFERING} was saved.`).waitFor();
      const centres = page.getByRole('region', { name: 'Data centres' }).getByRole('row');
      assert.equal(await centres.count(), 3);
      await centres.filter({ hasText: 'Karachi' }).filter({ hasText: 'Pakistan' }).waitFor();
      await centres
        .filter({ hasText: 'Frankfurt' })
        .filter({ hasText: 'Germany' })
        .filter({ hasText: 'Disaster recovery' })
        .waitFor();
      await page.getByText('This offering has not applied for accreditation yet.').waitFor();

      // Apply at Baseline, and land on the answers page.
      const apply = page.getByRole('region', { name: 'Apply for accreditation' });
      await apply.getByLabel('Security level').selectOption('baseline');
      await apply.getByRole('button', { name: 'Start the application' }).click();
      await page
        .getByRole('heading', { level: 2, name: `Answers: ${OFFERING} at Baseline` })
        .waitFor();
      await page.getByText('The application was started.', { exact: false }).waitFor();
      const applicationId = /\/applications\/([^/]+)\/responses$/.exec(
        new URL(page.url()).pathname,
      )?.[1];
      assert.ok(applicationId);
      const before = await answered(page);
      assert.equal(before.answered, 0);
      assert.ok(before.total > 1);

      // The first control of the list, answered with an uploaded evidence file.
      const item = page.locator('.control-item').first();
      const answerButton = item.getByRole('button', { name: /^Answer / });
      const controlLabel = (await answerButton.innerText()).replace(/^Answer /, '');
      await answerButton.click();
      await item.getByLabel('Status').selectOption('implemented');
      await item.getByLabel('Who is responsible').selectOption('shared');
      await item.getByLabel('How the control is met').fill('Named in our contracts.');
      await item.getByLabel('What the customer must do').fill('Name a security contact.');
      await item.getByLabel('Evidence file').setInputFiles({
        name: 'evidence.txt',
        mimeType: 'text/plain',
        buffer: Buffer.from('Our policy, version 3.\n'),
      });
      await item.getByRole('button', { name: 'Upload the file' }).click();
      await item.getByText('evidence.txt was uploaded.', { exact: false }).waitFor();
      await item.getByRole('link', { name: 'evidence.txt' }).waitFor();
      await item.getByRole('button', { name: `Save the answer to ${controlLabel}` }).click();
      await page.getByText(`The answer to ${controlLabel} was saved.`).waitFor();
      await page
        .locator('#progress-overall')
        .getByText(`1 of ${before.total} controls answered`)
        .waitFor();
      await item.getByText('evidence: 1').waitFor();

      const stored = await listResponses(server.ctx.db, applicationId);
      assert.equal(stored.length, 1);
      const [response] = stored;
      assert.ok(response);
      assert.equal(response.status, 'implemented');
      assert.equal((JSON.parse(response.evidence_document_ids) as string[]).length, 1);

      // Unanswered only: the control just answered leaves the list.
      await page.getByLabel('Unanswered only').check();
      await page
        .getByText(`Showing 1 to ${Math.min(20, before.total - 1)} of ${before.total - 1}`)
        .waitFor();
      assert.equal(
        await page.getByRole('button', { name: `Change the answer to ${controlLabel}` }).count(),
        0,
      );

      // Submitting now is refused, and the page names what is missing.
      await page.getByRole('button', { name: 'Submit the application' }).click();
      await page
        .getByRole('alert')
        .getByText(/controls have no answer yet/)
        .waitFor();
      await page.getByText(`${before.total - 1} controls still need an answer:`).waitFor();

      // The offering lists its application, as a draft.
      await page.getByRole('link', { name: 'The offering', exact: true }).click();
      const applications = page.getByRole('region', { name: 'Applications for accreditation' });
      await applications.getByRole('row').filter({ hasText: 'Draft' }).waitFor();
      assert.equal(
        await applications
          .getByRole('link', { name: 'Answers to the controls' })
          .getAttribute('href'),
        `/applications/${applicationId}/responses`,
      );

      // Editing replaces the lists whole: the second data centre goes.
      await page.getByRole('button', { name: 'Change the offering' }).click();
      const edit = page.getByRole('region', { name: 'Change the offering' });
      await edit.getByRole('button', { name: 'Remove data centre 2' }).click();
      await edit.getByRole('button', { name: 'Save' }).click();
      await page.getByText('The offering was saved.').waitFor();
      await page
        .getByRole('region', { name: 'Data centres' })
        .getByRole('row')
        .filter({ hasText: 'Frankfurt' })
        .waitFor({ state: 'detached' });
      assert.equal(
        await page.getByRole('region', { name: 'Data centres' }).getByRole('row').count(),
        2,
      );
      assert.deepEqual(
        unexpectedErrors(consoleErrors, [
          { status: 400, path: '/api/v1/offerings' },
          { status: 422, path: `/api/v1/applications/${applicationId}/actions/submit` },
        ]),
        [],
      );
    } finally {
      await close();
    }
  });

  it('shows a visitor the register, filtered by status, and a suspended offering as suspended', async () => {
    const { browser, url } = running();
    const { page, consoleErrors, close } = await openPage(browser);
    try {
      await page.goto(`${url}/`);
      await page
        .getByRole('navigation', { name: 'Main' })
        .getByRole('link', { name: 'Accredited providers' })
        .click();
      await page.getByRole('heading', { level: 2, name: 'Accredited cloud providers' }).waitFor();
      const table = page.getByRole('region', { name: 'Accredited cloud providers' });
      await table.getByRole('link', { name: ACCREDITED }).waitFor();
      await table.getByRole('link', { name: SUSPENDED }).waitFor();
      await page.getByText('Showing 1 to 2 of 2').waitFor();

      await page.getByLabel('Status').selectOption('suspended');
      await page.getByRole('button', { name: 'Search' }).click();
      await page.getByText('Showing 1 to 1 of 1').waitFor();
      assert.equal(await table.getByRole('link', { name: ACCREDITED }).count(), 0);
      const row = table.getByRole('row').filter({ hasText: SUSPENDED });
      await row.getByText('Suspended', { exact: true }).waitFor();
      await row.getByText('Pakistan, United Arab Emirates').waitFor();
      const csv = await page
        .getByRole('link', { name: 'Download this list as CSV' })
        .getAttribute('href');
      assert.ok(csv !== null && csv.startsWith('/api/v1/register.csv?'), `the CSV link is ${csv}`);
      assert.equal(new URLSearchParams(csv.split('?')[1]).get('status'), 'suspended');

      await row.getByRole('link', { name: SUSPENDED }).click();
      await page.getByRole('heading', { level: 2, name: `${SUSPENDED} by Ravi Cloud` }).waitFor();
      assert.equal(new URL(page.url()).pathname, `/register/${seeded.suspendedId}`);
      await page.getByText(/^This accreditation is suspended from /).waitFor();
      await page.getByText('Reason given: A breach report is overdue.').waitFor();
      const history = page.getByRole('region', { name: 'History of the accreditation' });
      assert.equal(await history.getByRole('row').count(), 3);
      await history.getByRole('row').nth(1).getByText('Accredited').waitFor();
      await history.getByRole('row').nth(2).getByText('Suspended').waitFor();
      const centres = page.getByRole('region', { name: 'Data centres' });
      await centres.getByRole('row').filter({ hasText: 'Dubai' }).waitFor();
      await page
        .getByRole('region', { name: 'Certifications' })
        .getByRole('row')
        .filter({ hasText: 'ISO/IEC 27001' })
        .filter({ hasText: '9 January 2028' })
        .waitFor();
      await page
        .getByRole('region', { name: 'What customers must do' })
        .getByText('Name a contact for security notices.')
        .waitFor();
      const download = await page
        .getByRole('link', { name: /responsibility matrix \(OSCAL component definition/ })
        .getAttribute('href');
      assert.equal(download, `/api/v1/register/${seeded.suspendedId}/component-definition.json`);
      const answer = await fetch(`${url}${download}`);
      assert.equal(answer.status, 200);
      assert.deepEqual(unexpectedErrors(consoleErrors), []);
    } finally {
      await close();
    }
  });
}

/** Waits until the element with `id` has focus (a row added after a click takes it a moment later). */
async function assertFocused(page: Page, id: string): Promise<void> {
  await page.locator(`[id="${id}"]:focus`).waitFor();
}
