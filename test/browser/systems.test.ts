import assert from 'node:assert/strict';
import { it } from 'node:test';
import type { Page } from 'playwright-core';
import type { TestDatabase } from '../helpers/databases.js';
import { buildOrganization, buildUser, enrolTotp, setUpOffice } from '../helpers/factories.js';
import { buildAccreditedOffering } from '../helpers/register.js';
import { describeInChromium, openPage, unexpectedErrors } from './chromium.js';
import { openFromMenu, portalPerSuite, signIn } from './helpers.js';

describeInChromium('PSE systems, their classification and placement in Chromium', systemsSuite);

const SYSTEM = 'Revenue Portal';
const ABROAD = 'Frankfurt Mail';

/** Answers one information type of the questionnaire: its name and its three impacts. */
async function answerType(
  page: Page,
  n: number,
  name: string,
  impacts: { confidentiality: string; integrity: string; availability: string },
): Promise<void> {
  const row = page.getByRole('group', { name: `Information type ${n}`, exact: true });
  await row.getByLabel('Name of the information type').fill(name);
  for (const [property, impact] of Object.entries(impacts)) {
    const label = `${property[0]?.toUpperCase() ?? ''}${property.slice(1)} impact`;
    await row
      .getByRole('group', { name: label, exact: true })
      .getByRole('radio', { name: new RegExp(`^${impact}:`) })
      .check();
  }
}

function systemsSuite(database: TestDatabase): void {
  const pseEmail = 'staff@revenue.example';
  const seeded = { offeringId: '', dgEmail: '', dgSecret: '' };

  const running = portalPerSuite(database, async ({ ctx }) => {
    const office = await setUpOffice(ctx);
    seeded.dgEmail = office.email;
    seeded.dgSecret = await enrolTotp(ctx, office.userId);
    const revenue = await buildOrganization(ctx, 'pse', { name: 'Revenue Division' });
    await buildUser(ctx, revenue, 'pse_staff', pseEmail);
    // An offering accredited at a high enough level, on a government cloud, but whose customer
    // data is kept abroad: only the residency rule refuses it.
    const csp = await buildOrganization(ctx, 'csp', { name: 'Rhine Cloud' });
    const offering = await buildAccreditedOffering(ctx, csp, {
      name: ABROAD,
      serviceModel: 'saas',
      deploymentModel: 'government',
      levelSought: { code: 'enhanced', rank: 3 },
      locations: [
        { country: 'DE', city: 'Frankfurt', operator: 'Rhine DC', purpose: 'customer_data' },
        { country: 'SG', city: 'Singapore', operator: 'Strait DC', purpose: 'customer_data' },
      ],
    });
    seeded.offeringId = offering.offeringId;
  });

  it('lets a PSE register a system, classify it by questionnaire with errors by field, and see the class with its rationale', async () => {
    const { browser, url } = running();
    const { page, consoleErrors, close } = await openPage(browser);
    try {
      await signIn(page, url, pseEmail);
      await openFromMenu(page, 'Systems');
      await page.getByText('Your organization has registered no systems yet.').waitFor();
      await page.getByRole('link', { name: 'Register a system' }).click();
      await page.getByRole('heading', { level: 2, name: 'Register a system' }).waitFor();

      await page.getByLabel('Name of the system').fill(SYSTEM);
      await page.getByLabel('Purpose').fill('Citizens file and pay their taxes.');
      await page.getByLabel('Owner', { exact: true }).fill('Chief Revenue Officer');
      await page.getByLabel('Owner’s e-mail address').fill('cro@revenue.example');
      await page.getByLabel('Users', { exact: true }).fill('citizens and tax officials');
      await page.getByLabel('Approximate number of users').fill('250000');
      const current = page.getByRole('group', { name: 'Where it runs now' });
      await current.getByLabel('Kind of hosting').selectOption('on_premises');
      await current.getByLabel('Name of the facility').fill('Server room, Islamabad');
      await current.getByLabel('Country').selectOption({ label: 'Pakistan' });
      await current.getByLabel('Operator').fill('Revenue Division IT');
      await page.getByRole('button', { name: 'Register the system' }).click();

      await page.getByRole('heading', { level: 2, name: SYSTEM }).waitFor();
      await page.getByText(`The system ${SYSTEM} was registered.`, { exact: false }).waitFor();
      const systemId = /\/systems\/([^/]+)$/.exec(new URL(page.url()).pathname)?.[1];
      assert.ok(systemId);
      const details = page.getByRole('region', { name: 'About the system' });
      await details
        .getByText('On premises: Server room, Islamabad, Pakistan', { exact: false })
        .waitFor();
      await page
        .getByText('The system’s data has not been classified yet.', { exact: false })
        .waitFor();

      // Two types with the same name: the server refuses, and names the second type's field.
      await page.getByRole('button', { name: 'Answer the questionnaire' }).click();
      await answerType(page, 1, 'Meeting minutes', {
        confidentiality: 'Low',
        integrity: 'Low',
        availability: 'Low',
      });
      await page.getByRole('button', { name: 'Add an information type' }).click();
      await page.locator('[id="classification-informationTypes-1-name"]:focus').waitFor();
      await answerType(page, 2, 'Meeting minutes', {
        confidentiality: 'Moderate',
        integrity: 'Moderate',
        availability: 'Low',
      });
      await page.getByRole('button', { name: 'Classify the system' }).click();
      const summary = page.getByRole('alert').filter({ hasText: 'There is a problem' });
      await summary
        .getByRole('link', {
          name: /^Information type 2: Name of the information type: .*listed twice/,
        })
        .waitFor();
      const second = page.getByRole('group', { name: 'Information type 2', exact: true });
      assert.equal(
        await second.getByLabel('Name of the information type').getAttribute('aria-invalid'),
        'true',
      );

      await second.getByLabel('Name of the information type').fill('Taxpayer records');
      await page.getByRole('button', { name: 'Classify the system' }).click();
      await page.getByText('The system was classified as Sensitive (Confidential).').waitFor();
      const classification = page.getByRole('region', { name: 'Classification of its data' });
      await classification.getByText('Class: Sensitive (Confidential)').waitFor();
      await classification
        .getByText('confidentiality Moderate, integrity Moderate, availability Low', {
          exact: true,
        })
        .waitFor();
      const types = classification.getByRole('region', { name: 'Information types' });
      await types
        .getByRole('row')
        .filter({ hasText: 'Meeting minutes' })
        .filter({ hasText: 'Restricted' })
        .waitFor();
      await types
        .getByRole('row')
        .filter({ hasText: 'Taxpayer records' })
        .filter({ hasText: 'Sensitive (Confidential)' })
        .waitFor();
      const rationale = classification.locator('#classification-rationale li');
      assert.ok((await rationale.count()) >= 3, 'the rationale lists each type and the system');
      assert.match((await rationale.allInnerTexts()).join('\n'), /Taxpayer records/);
      assert.deepEqual(
        unexpectedErrors(consoleErrors, [
          { status: 422, path: `/api/v1/systems/${systemId}/classification` },
        ]),
        [],
      );
    } finally {
      await close();
    }
  });

  it('shows a PSE the refusal of an offering that keeps customer data abroad, with its reason in words', async () => {
    const { browser, url, server } = running();
    const probe = await server.ctx.db
      .selectFrom('pse_systems')
      .select('id')
      .where('name', '=', SYSTEM)
      .executeTakeFirst();
    assert.ok(probe, 'the first test registered the system');
    const { page, consoleErrors, close } = await openPage(browser);
    try {
      await signIn(page, url, pseEmail);
      await page.goto(`${url}/systems/${probe.id}`);
      await page.getByRole('heading', { level: 2, name: SYSTEM }).waitFor();
      const check = page.getByRole('region', { name: 'Check an offering' });
      await check.getByLabel('Offering to check').selectOption(seeded.offeringId);
      await check.getByRole('button', { name: 'Check the offering' }).click();
      const decision = check.locator('#check-decision');
      await decision.getByText('Not allowed', { exact: true }).waitFor();
      const residency = decision.getByRole('row').filter({ hasText: 'Where data is kept' });
      await residency.getByText('Not met', { exact: true }).waitFor();
      await residency.getByText(/must stay in Pakistan/).waitFor();
      await residency.getByText(/Frankfurt/).waitFor();
      // The other rules are met: the offering is accredited high enough, on a government cloud.
      await decision
        .getByRole('row')
        .filter({ hasText: 'Deployment model' })
        .getByText('Met', { exact: true })
        .waitFor();

      // "Where can this system go?": the refused offering is not among the options.
      const options = page.getByRole('region', { name: 'Where can this system go?' });
      await options.getByRole('button', { name: 'Show where it can go' }).click();
      await options
        .getByText('No accredited offering may host this system’s data today.')
        .waitFor();
      assert.deepEqual(unexpectedErrors(consoleErrors), []);
    } finally {
      await close();
    }
  });

  it('moves a system onto the offering abroad, requests a NOC for it, and lets officers see it out of policy, find the request in their queue, review and grant it', async () => {
    const { browser, url } = running();
    const pse = await openPage(browser);
    try {
      const { page } = pse;
      await signIn(page, url, pseEmail);
      await openFromMenu(page, 'Systems');
      await page.getByRole('link', { name: SYSTEM }).click();
      await page.getByRole('heading', { level: 2, name: SYSTEM }).waitFor();

      // It now runs on the offering that keeps its data abroad.
      await page.getByRole('button', { name: 'Change the system' }).click();
      const edit = page.getByRole('region', { name: 'Change the system' });
      const current = edit.getByRole('group', { name: 'Where it runs now' });
      await current.getByLabel('Kind of hosting').selectOption('offering');
      await current.getByLabel('Offering', { exact: true }).selectOption(seeded.offeringId);
      await edit.getByRole('button', { name: 'Save' }).click();
      await page.getByText('The system was saved.').waitFor();
      await page
        .getByRole('region', { name: 'About the system' })
        .getByText(`${ABROAD} by Rhine Cloud`)
        .waitFor();

      // A NOC for a private cloud, which the policy allows for Sensitive data.
      const nocs = page.getByRole('region', { name: 'Exemptions (NOCs)' });
      await nocs.getByText('This system has no exemption.').waitFor();
      await nocs.getByRole('button', { name: 'Request an exemption (NOC)' }).click();
      const request = page.getByRole('region', { name: 'Request an exemption (NOC)' });
      await request
        .getByRole('group', { name: 'Deviations to cover' })
        .getByLabel('Deployment model')
        .check();
      await request
        .getByRole('group', { name: 'Deployment models to allow' })
        .getByLabel('Private cloud')
        .check();
      await request.getByLabel('Facility it is for').fill('Revenue private cloud, Islamabad');
      await request.getByLabel('Why the system needs it').fill('Moving off the offering abroad.');
      const today = new Date().toISOString().slice(0, 10);
      const later = new Date(Date.now() + 150 * 86_400_000).toISOString().slice(0, 10);
      await request.getByLabel('From', { exact: true }).fill(today);
      await request.getByLabel('Until', { exact: true }).fill(later);
      await request.getByRole('button', { name: 'Request the exemption' }).click();
      await page.getByText('The exemption was requested.').waitFor();
      await nocs.getByText('Requested', { exact: true }).waitFor();
      assert.deepEqual(unexpectedErrors(pse.consoleErrors), []);
    } finally {
      await pse.close();
    }

    const officer = await openPage(browser);
    try {
      const { page } = officer;
      await signIn(page, url, seeded.dgEmail, seeded.dgSecret);
      const nav = page.getByRole('navigation', { name: 'Main' });
      await nav.getByRole('link', { name: 'Out of policy' }).click();
      await page.getByRole('heading', { level: 2, name: 'Systems out of policy' }).waitFor();
      await page.getByRole('button', { name: 'Re-evaluate every placement' }).click();
      await page.getByText(/^Placements re-evaluated: \d+ systems\.$/).waitFor();
      const row = page
        .getByRole('region', { name: 'Systems out of policy' })
        .getByRole('row')
        .filter({ hasText: SYSTEM });
      await row.getByText('Revenue Division').waitFor();

      await nav.getByRole('link', { name: 'Exemptions' }).click();
      await page.getByRole('heading', { level: 2, name: 'Exemptions (NOCs)' }).waitFor();
      const queued = page
        .getByRole('region', { name: 'Exemptions (NOCs)' })
        .getByRole('row')
        .filter({ hasText: SYSTEM });
      await queued.getByText('Requested', { exact: true }).waitFor();
      await queued.getByRole('link', { name: SYSTEM }).click();
      await page.getByRole('heading', { level: 2, name: `Exemption for ${SYSTEM}` }).waitFor();
      await page.getByText('Revenue private cloud, Islamabad').waitFor();

      // The DG Cloud holds both posts' powers here: review, then grant.
      const review = page.getByRole('region', { name: 'Review', exact: true });
      await review.getByLabel('Recommendation').selectOption('grant');
      await review.getByRole('button', { name: 'Review' }).click();
      await page.getByText('Done: Review.').waitFor();
      await page.getByText('Reviewed, awaiting decision', { exact: true }).waitFor();
      const grant = page.getByRole('region', { name: 'Grant', exact: true });
      await grant.getByLabel('Notes').fill('For the move to the private cloud.');
      await grant.getByRole('button', { name: 'Grant' }).click();
      await page.getByText('Done: Grant.').waitFor();
      await page
        .getByRole('region', { name: 'What is asked' })
        .getByText('Granted', { exact: true })
        .waitFor();
      const history = page.getByRole('region', { name: 'History', exact: true });
      await history.getByRole('row').filter({ hasText: 'Granted' }).waitFor();
      assert.deepEqual(unexpectedErrors(officer.consoleErrors), []);
    } finally {
      await officer.close();
    }
  });

  it('shows a visitor the published policy pack: classes, where each may go, NOCs and versions', async () => {
    const { browser, url } = running();
    const { page, consoleErrors, close } = await openPage(browser);
    try {
      await page.goto(`${url}/`);
      await page
        .getByRole('navigation', { name: 'Main' })
        .getByRole('link', { name: 'Data classes' })
        .click();
      await page
        .getByRole('heading', { level: 2, name: 'Data classes and placement rules' })
        .waitFor();
      await page.getByText(/^Version 1, in force since /).waitFor();
      const classes = page.getByRole('region', { name: 'Data classes', exact: true });
      await classes.getByRole('heading', { name: 'Restricted' }).waitFor();
      await classes.getByText("citizens' personal records (identity, health, tax)").waitFor();
      const restricted = page
        .getByRole('region', { name: 'Where each class may go' })
        .getByRole('row')
        .filter({ has: page.getByRole('rowheader', { name: 'Restricted', exact: true }) });
      await restricted.getByText('Intermediate', { exact: true }).waitFor();
      await restricted.getByText('government cloud', { exact: true }).waitFor();
      await restricted.getByText('Only in Pakistan', { exact: true }).waitFor();
      await page
        .getByRole('region', { name: 'Exemptions (NOCs)' })
        .getByRole('row')
        .filter({ hasText: 'Secret' })
        .getByText('12 months')
        .waitFor();
      await page.getByRole('link', { name: 'Version 1' }).click();
      await page
        .getByRole('heading', { level: 2, name: 'Data classes and placement rules, version 1' })
        .waitFor();
      assert.deepEqual(unexpectedErrors(consoleErrors), []);
    } finally {
      await close();
    }
  });
}
