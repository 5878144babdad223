import assert from 'node:assert/strict';
import { it } from 'node:test';
import type { Locator, Page } from 'playwright-core';
import type { AppContext } from '../../src/context.js';
import type { TestDatabase } from '../helpers/databases.js';
import {
  appoint,
  buildOrganization,
  buildUser,
  enrolTotp,
  setUpOffice,
} from '../helpers/factories.js';
import { buildSystem } from '../helpers/systems.js';
import { describeInChromium, openPage, unexpectedErrors } from './chromium.js';
import { openFromMenu, portalPerSuite, signIn, signInWithFreshCode } from './helpers.js';

describeInChromium('Data-breach reports, report requests and response actions in Chromium', suite);

const BODY = 'Revenue Division';
const SYSTEM = 'Revenue Portal';
const TITLE = 'Taxpayer database copied by an intruder';
const OFFICER = 'Amina Khan';
const REPORTER = 'Bilal Ahmed';

/** An instant `hours` from now as a `datetime-local` value on this machine's clock (Chromium's). */
function localInput(hours: number): string {
  const time = new Date(Date.now() + hours * 3_600_000);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${String(time.getFullYear())}-${pad(time.getMonth() + 1)}-${pad(time.getDate())}T${pad(
    time.getHours(),
  )}:${pad(time.getMinutes())}`;
}

async function rename(ctx: AppContext, userId: string, name: string): Promise<void> {
  await ctx.db.updateTable('users').set({ display_name: name }).where('id', '=', userId).execute();
}

/** The timeline's entries, as the page shows them. */
function timeline(page: Page): Locator {
  return page.getByRole('region', { name: 'Timeline', exact: true }).getByRole('listitem');
}

/** The incident's status as its summary shows it. */
async function waitForStatus(page: Page, status: string): Promise<void> {
  await page
    .getByRole('region', { name: 'Summary', exact: true })
    .getByText(status, { exact: true })
    .waitFor();
}

function suite(database: TestDatabase): void {
  const seeded = { pseEmail: 'analyst@revenue.example', officerEmail: '', officerSecret: '' };
  let incidentPath = '';
  let requestPath = '';
  let actionPath = '';

  /**
   * Signs the officer in with a fresh code. A TOTP code counts once: forget the last one, which
   * an earlier step may have used in this same 30-second step.
   */
  async function signInOfficer(page: Page): Promise<void> {
    await signInWithFreshCode(page, running(), seeded.officerEmail, seeded.officerSecret);
  }

  const running = portalPerSuite(database, async ({ ctx }) => {
    const office = await setUpOffice(ctx);
    // An officer who holds the powers of the Director Audits post, not the DG Cloud's all.
    const officer = await buildUser(ctx, office.organizationId, 'officer', 'audits@office.example');
    await appoint(ctx, officer.id, 'director_audits', '2020-01-01');
    await rename(ctx, officer.id, OFFICER);
    seeded.officerEmail = officer.email;
    seeded.officerSecret = await enrolTotp(ctx, officer.id);
    const revenue = await buildOrganization(ctx, 'pse', { name: BODY });
    const reporter = await buildUser(ctx, revenue, 'pse_staff', seeded.pseEmail);
    await rename(ctx, reporter.id, REPORTER);
    await buildSystem(ctx, revenue, { name: SYSTEM });
  });

  it('lets a public body report a breach discovered three hours ago, refusing a discovery time in the future first, and flags it late', async () => {
    const { browser, url } = running();
    const { page, consoleErrors, close } = await openPage(browser);
    try {
      await signIn(page, url, seeded.pseEmail);
      await openFromMenu(page, 'Incidents');
      await page.getByText('Your organization has reported no breach or incident.').waitFor();
      await page.getByRole('link', { name: 'Report a breach' }).click();
      await page.getByRole('heading', { level: 2, name: 'Report a breach' }).waitFor();

      await page.getByLabel('What happened, in a few words').fill(TITLE);
      await page
        .getByLabel('What happened', { exact: true })
        .fill('An intruder copied the taxpayer table through a stolen administrator password.');
      await page.getByLabel('When it was discovered').fill(localInput(2));
      await page
        .getByRole('group', { name: /^Systems affected/ })
        .getByLabel(SYSTEM)
        .check();
      await page
        .getByRole('group', { name: /^Classes of data affected/ })
        .getByLabel('Restricted', { exact: true })
        .check();
      await page.getByLabel('Personal data was affected').check();
      await page.getByLabel('Records affected').fill('1200');
      await page.getByLabel('People affected').fill('800');
      await page.getByLabel('Contact’s telephone number').fill('+92 51 1234567');
      await page.getByLabel('File to attach').setInputFiles({
        name: 'access-log.txt',
        mimeType: 'text/plain',
        buffer: Buffer.from('03:12 admin login from 203.0.113.7\n03:15 SELECT * FROM taxpayers\n'),
      });
      await page.getByRole('button', { name: 'Attach the file' }).click();
      await page.getByText('access-log.txt is attached.').waitFor();

      // A discovery two hours from now: the server refuses it and names the field.
      await page.getByRole('button', { name: 'Send the report' }).click();
      const summary = page.getByRole('alert').filter({ hasText: 'There is a problem' });
      await summary.getByRole('link', { name: /^When it was discovered: / }).waitFor();
      assert.equal(
        await page.getByLabel('When it was discovered').getAttribute('aria-invalid'),
        'true',
      );

      await page.getByLabel('When it was discovered').fill(localInput(-3));
      await page.getByRole('button', { name: 'Send the report' }).click();
      await page.getByRole('heading', { level: 2, name: TITLE }).waitFor();
      await page
        .getByText('It was reported after its deadline, which is itself a breach of duty.', {
          exact: false,
        })
        .waitFor();
      incidentPath = new URL(page.url()).pathname;
      assert.match(incidentPath, /^\/incidents\/[^/]+$/);

      const facts = page.getByRole('region', { name: 'Summary', exact: true });
      await facts.getByText('Reported', { exact: true }).waitFor();
      await facts.getByText('Medium', { exact: true }).waitFor();
      await facts.getByText('LATE', { exact: true }).waitFor();
      await facts.getByText(/^3 h \d+ min/).waitFor();
      await facts.getByRole('link', { name: SYSTEM }).waitFor();
      await facts.getByText('Restricted', { exact: true }).waitFor();
      await facts.getByRole('link', { name: 'access-log.txt' }).waitFor();
      const deadlines = page.getByRole('region', { name: 'Deadlines', exact: true });
      await deadlines
        .getByRole('row')
        .filter({ hasText: 'Initial notice' })
        .getByText('Missed', { exact: true })
        .waitFor();
      await deadlines
        .getByRole('row')
        .filter({ hasText: 'Personal data' })
        .getByText('Met', { exact: true })
        .waitFor();
      // The late report opened its breach of duty at once.
      await page
        .getByRole('region', { name: 'Breaches of duty', exact: true })
        .getByRole('link')
        .first()
        .waitFor();
      await timeline(page).filter({ hasText: 'Reported' }).filter({ hasText: REPORTER }).waitFor();
      // The reporter may add updates; the officers' forms are not there.
      await page.getByRole('region', { name: 'Add an update', exact: true }).waitFor();
      assert.equal(
        await page.getByRole('region', { name: 'Move the incident on', exact: true }).count(),
        0,
      );
      assert.equal(await page.getByRole('button', { name: 'Request a report' }).count(), 0);
      assert.deepEqual(
        unexpectedErrors(consoleErrors, [{ status: 422, path: '/api/v1/incidents' }]),
        [],
      );
    } finally {
      await close();
    }
  });

  it('lets an officer find the report, triage it with a severity and an owner, and request a report about it', async () => {
    const { browser } = running();
    const { page, consoleErrors, close } = await openPage(browser);
    try {
      await signInOfficer(page);
      await openFromMenu(page, 'Incidents');
      const row = page
        .getByRole('region', { name: 'Incidents', exact: true })
        .getByRole('row')
        .filter({ hasText: TITLE });
      await row.getByText(BODY).waitFor();
      await row.getByText('Reported', { exact: true }).waitFor();
      await row.getByText('LATE', { exact: true }).waitFor();

      // The late filter finds it; "not late" does not.
      await page.getByLabel('Reported late').selectOption('false');
      await page.getByRole('button', { name: 'Search' }).click();
      await page.getByText('Nothing matches.').waitFor();
      await page.getByLabel('Reported late').selectOption('true');
      await page.getByRole('button', { name: 'Search' }).click();
      // The CSV twin follows the filter applied.
      await page
        .getByRole('link', { name: 'Download this list as CSV' })
        .and(page.locator('[href="/api/v1/incidents.csv?late=true"]'))
        .waitFor();
      await row.getByRole('link', { name: TITLE }).click();
      await page.getByRole('heading', { level: 2, name: TITLE }).waitFor();

      const move = page.getByRole('region', { name: 'Move the incident on', exact: true });
      await move.getByLabel('New status').selectOption('triaged');
      await move.getByLabel('Severity').selectOption('critical');
      await move.getByLabel('Owner at the Cloud Office').selectOption({ label: OFFICER });
      await move
        .getByLabel('Note')
        .fill('Administrator credentials were stolen: treat as critical.');
      await move.getByRole('button', { name: 'Change the status' }).click();
      await page.getByText('The incident is now Triaged.').waitFor();
      await waitForStatus(page, 'Triaged');
      const facts = page.getByRole('region', { name: 'Summary', exact: true });
      await facts.getByText('Critical', { exact: true }).waitFor();
      await facts.getByText(OFFICER, { exact: true }).waitFor();
      await timeline(page)
        .filter({ hasText: 'Status changed' })
        .filter({ hasText: 'Reported → Triaged' })
        .waitFor();
      await timeline(page)
        .filter({ hasText: 'Severity changed' })
        .filter({ hasText: 'Medium → Critical' })
        .waitFor();

      await page.getByRole('button', { name: 'Request a report' }).click();
      const ask = page.getByRole('region', { name: 'Request a report', exact: true });
      await ask.getByLabel('Question 1').fill('How was the administrator password obtained?');
      await ask.getByRole('button', { name: 'Add a question' }).click();
      await ask.getByLabel('Question 2').fill('Which taxpayers have been told, and how?');
      await ask.getByRole('button', { name: 'Send the request' }).click();
      await page.getByText('The report was requested.').waitFor();
      const requests = page.getByRole('region', { name: 'Report requests', exact: true });
      const request = requests.getByRole('row').filter({ hasText: `Report on “${TITLE}”` });
      await request.getByText('Open', { exact: true }).waitFor();
      await timeline(page).filter({ hasText: 'Report requested' }).waitFor();
      requestPath = (await request.getByRole('link').getAttribute('href')) ?? '';
      assert.match(requestPath, /^\/report-requests\/[^/]+$/);
      assert.deepEqual(unexpectedErrors(consoleErrors), []);
    } finally {
      await close();
    }
  });

  it('lets the public body answer the request, and the officer accept the answer', async () => {
    const { browser, url } = running();
    const pse = await openPage(browser);
    try {
      const { page } = pse;
      await signIn(page, url, seeded.pseEmail);
      await openFromMenu(page, 'Report requests');
      await page.getByRole('link', { name: `Report on “${TITLE}”` }).click();
      await page.getByRole('heading', { level: 2, name: `Report on “${TITLE}”` }).waitFor();
      await page.getByText('How was the administrator password obtained?').first().waitFor();
      const answer = page.getByRole('region', { name: 'Answer the request', exact: true });
      await answer
        .getByLabel('Answer to question 1')
        .fill('A phishing e-mail to the administrator.');
      await answer.getByLabel('Answer to question 2').fill('All 800 by letter on Monday.');
      await answer
        .getByLabel('Your report')
        .fill('The intruder used the password for 20 minutes; it has been changed.');
      await answer.getByRole('button', { name: 'Answer the request' }).click();
      await page.getByText('Your answer was sent.').waitFor();
      await page
        .getByRole('region', { name: 'The request', exact: true })
        .getByText('Answered', { exact: true })
        .waitFor();
      await page
        .getByRole('region', { name: 'The answer', exact: true })
        .getByText('The intruder used the password for 20 minutes; it has been changed.')
        .waitFor();
      assert.equal(
        await page.getByRole('region', { name: 'Accept the answer', exact: true }).count(),
        0,
      );

      // An update on the incident itself, with a better count of the people affected.
      await page.getByRole('link', { name: TITLE }).click();
      await page.getByRole('heading', { level: 2, name: TITLE }).waitFor();
      const update = page.getByRole('region', { name: 'Add an update', exact: true });
      await update.getByLabel('What is new').fill('The intruder’s address is now blocked.');
      await update.getByLabel('People affected').fill('950');
      await update.getByRole('button', { name: 'Send the update' }).click();
      await page.getByText('The update was sent.').waitFor();
      await page
        .getByRole('region', { name: 'Summary', exact: true })
        .getByText('950', { exact: true })
        .waitFor();
      await timeline(page)
        .filter({ hasText: 'Update' })
        .filter({ hasText: 'The intruder’s address is now blocked.' })
        .waitFor();
      assert.deepEqual(unexpectedErrors(pse.consoleErrors), []);
    } finally {
      await pse.close();
    }

    const officer = await openPage(browser);
    try {
      const { page } = officer;
      await signInOfficer(page);
      await page.goto(`${url}${incidentPath}`);
      await page.getByRole('heading', { level: 2, name: TITLE }).waitFor();
      await timeline(page).filter({ hasText: 'Request answered' }).waitFor();
      await page
        .getByRole('region', { name: 'Report requests', exact: true })
        .getByRole('link', { name: `Report on “${TITLE}”` })
        .click();
      await page.getByRole('heading', { level: 2, name: `Report on “${TITLE}”` }).waitFor();
      await page.getByText('A phishing e-mail to the administrator.').waitFor();
      const accept = page.getByRole('region', { name: 'Accept the answer', exact: true });
      await accept.getByLabel('Note').fill('Thorough; thank you.');
      await accept.getByRole('button', { name: 'Accept the answer' }).click();
      await page.getByText('The answer was accepted.').waitFor();
      await page
        .getByRole('region', { name: 'The request', exact: true })
        .getByText('Accepted', { exact: true })
        .waitFor();
      await page.getByText('There is nothing for you to do on this request now.').waitFor();
      assert.deepEqual(unexpectedErrors(officer.consoleErrors), []);
    } finally {
      await officer.close();
    }
  });

  it('lets the officer order an action, the public body record progress and mark it done, and the officer verify and close it', async () => {
    const { browser, url } = running();
    const officer = await openPage(browser);
    try {
      const { page } = officer;
      await signInOfficer(page);
      await page.goto(`${url}${incidentPath}`);
      await page.getByRole('heading', { level: 2, name: TITLE }).waitFor();
      await page.getByRole('button', { name: 'Order an action' }).click();
      const order = page.getByRole('region', { name: 'Order an action', exact: true });
      await order.getByLabel('Action', { exact: true }).selectOption('notify_people');
      await order
        .getByLabel('What is to be done')
        .fill('Write to every taxpayer affected, saying what was taken and what to watch for.');
      await order.getByLabel('Owner').selectOption({ label: `${REPORTER} (${seeded.pseEmail})` });
      await order.getByRole('button', { name: 'Order the action' }).click();
      await page.getByText('The action was ordered: Notify the people affected.').waitFor();
      const actions = page.getByRole('region', { name: 'Response actions', exact: true });
      const action = actions.getByRole('row').filter({ hasText: 'Notify the people affected' });
      await action.getByText('Ordered', { exact: true }).waitFor();
      await action.getByText(REPORTER).waitFor();
      await timeline(page).filter({ hasText: 'Action ordered' }).waitFor();
      actionPath = (await action.getByRole('link').getAttribute('href')) ?? '';
      assert.match(actionPath, /^\/response-actions\/[^/]+$/);
      assert.deepEqual(unexpectedErrors(officer.consoleErrors), []);
    } finally {
      await officer.close();
    }

    const pse = await openPage(browser);
    try {
      const { page } = pse;
      await signIn(page, url, seeded.pseEmail);
      await openFromMenu(page, 'Response actions');
      await page.getByRole('link', { name: 'Notify the people affected' }).click();
      await page
        .getByRole('heading', { level: 2, name: `Notify the people affected: ${BODY}` })
        .waitFor();
      const progress = page.getByRole('region', { name: 'Record progress', exact: true });
      await progress.getByLabel('What was done').fill('Letters sent to all 800 taxpayers.');
      await progress.getByLabel('File to attach').setInputFiles({
        name: 'letter.txt',
        mimeType: 'text/plain',
        buffer: Buffer.from('Dear taxpayer, on 6 December an intruder copied ...\n'),
      });
      await progress.getByRole('button', { name: 'Attach the file' }).click();
      await progress.getByText('letter.txt is attached.').waitFor();
      await progress.getByLabel('The action is done').check();
      await progress.getByRole('button', { name: 'Record it and mark the action done' }).click();
      await page.getByText('The progress was recorded, and the action marked done.').waitFor();
      await page
        .getByRole('region', { name: 'The action', exact: true })
        .getByText('Done, awaiting verification', { exact: true })
        .waitFor();
      const entries = page
        .getByRole('region', { name: 'Progress', exact: true })
        .getByRole('listitem');
      await entries
        .filter({ hasText: 'Letters sent to all 800 taxpayers.' })
        .filter({ hasText: 'Marked done' })
        .waitFor();
      await entries.getByRole('link', { name: 'letter.txt' }).waitFor();

      // The final report, from the incident the action is about.
      await page.getByRole('link', { name: 'The incident' }).click();
      await page.getByRole('heading', { level: 2, name: TITLE }).waitFor();
      const final = page.getByRole('region', { name: 'Add an update', exact: true });
      await final
        .getByLabel('What is new')
        .fill('Cause: a phishing e-mail. Done: password changed, people told, MFA enforced.');
      await final.getByLabel('This is the final report').check();
      await final.getByRole('button', { name: 'Send the final report' }).click();
      await page.getByText('The final report was sent.').waitFor();
      await page
        .getByRole('region', { name: 'Summary', exact: true })
        .getByText(/^Sent /)
        .waitFor();
      await timeline(page).filter({ hasText: 'Final report' }).waitFor();
      assert.deepEqual(unexpectedErrors(pse.consoleErrors), []);
    } finally {
      await pse.close();
    }

    const verifying = await openPage(browser);
    try {
      const { page } = verifying;
      await signInOfficer(page);
      await openFromMenu(page, 'Response actions');
      const row = page
        .getByRole('region', { name: 'Response actions', exact: true })
        .getByRole('row')
        .filter({ hasText: 'Notify the people affected' });
      await row.getByText('Done, awaiting verification', { exact: true }).waitFor();
      await row.getByText(BODY).waitFor();
      await row.getByRole('link', { name: 'Notify the people affected' }).click();
      const verify = page.getByRole('region', { name: 'Verify the work', exact: true });
      await verify.getByLabel('Note').fill('Copy of the letter and the mailing list seen.');
      await verify.getByRole('button', { name: 'Verify the work' }).click();
      await page.getByText('The work was verified.').waitFor();
      const facts = page.getByRole('region', { name: 'The action', exact: true });
      await facts.getByText('Verified', { exact: true }).waitFor();
      await page
        .getByRole('region', { name: 'Close the action', exact: true })
        .getByRole('button', { name: 'Close the action' })
        .click();
      await page.getByText('The action was closed.').waitFor();
      await facts.getByText('Closed', { exact: true }).waitFor();
      await page.getByText('There is nothing for you to do on this action now.').waitFor();
      assert.deepEqual(unexpectedErrors(verifying.consoleErrors), []);
    } finally {
      await verifying.close();
    }
  });

  it('lets the officer resolve the incident and close it, with every step on its timeline', async () => {
    const { browser, url } = running();
    const { page, consoleErrors, close } = await openPage(browser);
    try {
      await signInOfficer(page);
      await page.goto(`${url}${incidentPath}`);
      await page.getByRole('heading', { level: 2, name: TITLE }).waitFor();
      await timeline(page).filter({ hasText: 'Action verified' }).waitFor();
      await timeline(page).filter({ hasText: 'Action closed' }).waitFor();

      let move = page.getByRole('region', { name: 'Move the incident on', exact: true });
      await move.getByLabel('New status').selectOption('resolved');
      await move.getByRole('button', { name: 'Change the status' }).click();
      await page.getByText('The incident is now Resolved.').waitFor();
      await waitForStatus(page, 'Resolved');

      move = page.getByRole('region', { name: 'Move the incident on', exact: true });
      await move.getByLabel('New status').selectOption('closed');
      await move.getByLabel('Note').fill('Credentials changed, people told, report accepted.');
      await move.getByRole('button', { name: 'Change the status' }).click();
      await page.getByText('The incident is now Closed.').waitFor();
      await waitForStatus(page, 'Closed');
      await page.getByText('There is nothing for you to do on this incident now.').waitFor();
      // Closed: no more requests or actions can be started from here.
      assert.equal(await page.getByRole('button', { name: 'Request a report' }).count(), 0);
      assert.equal(await page.getByRole('button', { name: 'Order an action' }).count(), 0);

      const entries = await timeline(page).allInnerTexts();
      for (const kind of [
        'Reported',
        'Update',
        'Final report',
        'Status changed',
        'Report requested',
        'Request answered',
        'Action ordered',
        'Action verified',
        'Action closed',
      ]) {
        assert.ok(
          entries.some((entry) => entry.startsWith(kind)),
          `the timeline shows "${kind}": ${entries.join(' | ')}`,
        );
      }
      assert.match(entries.join('\n'), /Resolved → Closed/);

      // The list shows it closed.
      await openFromMenu(page, 'Incidents');
      await page
        .getByRole('region', { name: 'Incidents', exact: true })
        .getByRole('row')
        .filter({ hasText: TITLE })
        .getByText('Closed', { exact: true })
        .waitFor();
      assert.deepEqual(unexpectedErrors(consoleErrors), []);
    } finally {
      await close();
    }
  });
}
