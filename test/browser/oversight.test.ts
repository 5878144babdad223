import assert from 'node:assert/strict';
import net from 'node:net';
import { it } from 'node:test';
import type { Page } from 'playwright-core';
import type { AppContext } from '../../src/context.js';
import { emitEvent } from '../../src/features/notifications/events.js';
import { MAX_SEND_ATTEMPTS } from '../../src/features/outbox/backoff.js';
import type { TestDatabase } from '../helpers/databases.js';
import { buildOrganization, buildUser, enrolTotp, setUpOffice } from '../helpers/factories.js';
import { buildBreach, buildIncident } from '../helpers/incidents.js';
import { describeInChromium, openPage, unexpectedErrors } from './chromium.js';
import { openFromMenu, portalPerSuite, signIn, signInWithFreshCode } from './helpers.js';

describeInChromium(
  'Breaches, the incident dashboard, webhooks, deliveries and duties in Chromium',
  oversightSuite,
);

const HOUR = 3_600_000;

/** A port on the loopback interface that nothing listens on: a receiver that is down. */
async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  assert.ok(address && typeof address === 'object');
  await new Promise<void>((resolve, reject) =>
    server.close((error) => (error ? reject(error) : resolve())),
  );
  return address.port;
}

/** An incident reported now, discovered `delayMs` earlier, with the severity and state given. */
async function seedIncident(
  ctx: AppContext,
  organizationId: string,
  facts: { severity: 'low' | 'medium' | 'high' | 'critical'; delayMs: number; closed?: boolean },
): Promise<void> {
  const id = await buildIncident(ctx, organizationId);
  const reported = ctx.clock.now();
  const discovered = new Date(reported.getTime() - facts.delayMs);
  const dueAt = new Date(discovered.getTime() + HOUR);
  await ctx.db
    .updateTable('incidents')
    .set({
      severity: facts.severity,
      status: facts.closed ? 'closed' : 'reported',
      discovered_at: discovered.toISOString(),
      notice_due_at: dueAt.toISOString(),
      reporting_delay_seconds: Math.round(facts.delayMs / 1000),
      late: reported > dueAt ? 1 : 0,
      closed_at: facts.closed ? reported.toISOString() : null,
    })
    .where('id', '=', id)
    .execute();
}

/**
 * How many breaches are recorded against the organization named. The duty check the server runs
 * as it starts may find the seeded late reports and open breaches of its own: count them all.
 */
async function breachesOf(ctx: AppContext, name: string): Promise<number> {
  const rows = await ctx.db
    .selectFrom('breaches')
    .innerJoin('organizations', 'organizations.id', 'breaches.organization_id')
    .select('breaches.id')
    .where('organizations.name', '=', name)
    .execute();
  return rows.length;
}

/** "Showing 1 to 3 of 3" for a list of `count` rows on one page. */
function showingAll(count: number): string {
  return `Showing 1 to ${String(count)} of ${String(count)}`;
}

/** The cells of the table row whose header is `name`, in `region`. */
async function rowCells(page: Page, region: string, name: string): Promise<string[]> {
  const row = page
    .getByRole('region', { name: region, exact: true })
    .getByRole('row')
    .filter({ has: page.getByRole('rowheader', { name, exact: true }) });
  await row.waitFor();
  return (await row.getByRole('cell').allInnerTexts()).map((text) => text.trim());
}

function oversightSuite(database: TestDatabase): void {
  const pseEmail = 'staff@revenue.example';
  const cspEmail = 'admin@harbour.example';
  const seeded = { dgEmail: '', dgSecret: '', harbourId: '' };

  /**
   * Signs the DG Cloud in with a fresh code. A TOTP code counts once: forget the last one, which
   * an earlier test may have used in this same 30-second step.
   */
  async function signInOfficer(page: Page): Promise<void> {
    await signInWithFreshCode(page, running(), seeded.dgEmail, seeded.dgSecret);
  }

  const running = portalPerSuite(database, async ({ ctx }) => {
    const office = await setUpOffice(ctx);
    seeded.dgEmail = office.email;
    seeded.dgSecret = await enrolTotp(ctx, office.userId);
    const revenue = await buildOrganization(ctx, 'pse', { name: 'Revenue Division' });
    await buildUser(ctx, revenue, 'pse_staff', pseEmail);
    const harbour = await buildOrganization(ctx, 'csp', { name: 'Harbour Cloud' });
    seeded.harbourId = harbour;
    await buildUser(ctx, harbour, 'csp_admin', cspEmail);
    // Four reports: two critical and one high still open, a low one closed; two of them late
    // (the default first notice is due an hour after discovery).
    await seedIncident(ctx, revenue, { severity: 'critical', delayMs: 5 * HOUR });
    await seedIncident(ctx, revenue, { severity: 'critical', delayMs: 0.5 * HOUR });
    await seedIncident(ctx, harbour, { severity: 'high', delayMs: 48 * HOUR });
    await seedIncident(ctx, harbour, { severity: 'low', delayMs: 0.2 * HOUR, closed: true });
    await buildBreach(ctx, harbour);
  });

  it('lets an officer record a breach by hand and move it to remedied with a resolution, and shows it to its organization only', async () => {
    const { browser, url, server } = running();
    const officer = await openPage(browser);
    let breachPath = '';
    try {
      const { page } = officer;
      await signInOfficer(page);
      await openFromMenu(page, 'Breaches');
      // The check finds the late reports seeded (if the run at start-up has not already).
      await page.getByRole('button', { name: 'Run the duty check now' }).click();
      await page.getByText(/^The duty check is done\. Failures of duty found: [1-9]/).waitFor();
      await page.getByRole('button', { name: 'Record a breach' }).click();
      const form = page.getByRole('region', { name: 'Record a breach' });
      // Nothing chosen: the portal names each missing field before asking the server.
      await form.getByRole('button', { name: 'Record the breach' }).click();
      await page
        .getByRole('alert')
        .filter({ hasText: 'There is a problem' })
        .getByRole('link', { name: /^Evidence: / })
        .waitFor();

      await form.getByLabel('Organization').selectOption({ label: 'Revenue Division' });
      await form.getByLabel('Duty').selectOption({
        label:
          'Maintain utmost integrity to protect the data and meet the security requirements set by the Office.',
      });
      await form.getByLabel('Severity').selectOption('high');
      await form.getByLabel('Evidence').fill('Backups of taxpayer records left on a public share.');
      await form.getByRole('button', { name: 'Record the breach' }).click();

      await page.getByText('The breach was recorded.').waitFor();
      await page
        .getByRole('heading', { level: 2, name: 'Breach of duty by Revenue Division' })
        .waitFor();
      breachPath = new URL(page.url()).pathname;
      assert.match(breachPath, /^\/breaches\/[^/]+$/);
      const facts = page.getByRole('region', { name: 'The breach' });
      await facts.getByText('Revenue Division', { exact: true }).waitFor();
      assert.equal(await page.locator('#breach-status').innerText(), 'Open');
      assert.equal(await page.locator('#breach-severity').innerText(), 'High');
      await facts.getByText('An officer', { exact: true }).waitFor();

      // Remedied needs a resolution in words.
      const update = page.getByRole('region', { name: 'Update the breach' });
      await update.getByLabel('Status').selectOption('remedied');
      await update.getByRole('button', { name: 'Save the changes' }).click();
      await page
        .getByRole('alert')
        .getByRole('link', { name: /^Resolution: Say how the breach was resolved/ })
        .waitFor();
      assert.equal(await update.getByLabel('Resolution').getAttribute('aria-invalid'), 'true');

      await update
        .getByLabel('Owner')
        .selectOption({ label: `Director General (${seeded.dgEmail})` });
      await update
        .getByLabel('Resolution')
        .fill('The share was closed and the backups were moved to the vault.');
      await update.getByRole('button', { name: 'Save the changes' }).click();
      await page.getByText('The breach was updated.').waitFor();
      await page.locator('#breach-status').getByText('Remedied', { exact: true }).waitFor();
      assert.equal(
        await page.locator('#breach-resolution').innerText(),
        'The share was closed and the backups were moved to the vault.',
      );
      assert.equal(await page.locator('#breach-owner').innerText(), 'Director General');
      await facts.getByText('Resolved', { exact: true }).waitFor();

      // The list shows it with its new status.
      await page.getByRole('link', { name: 'All breaches' }).click();
      const row = page
        .getByRole('region', { name: 'Breaches', exact: true })
        .getByRole('row')
        .filter({ hasText: 'Revenue Division' })
        .filter({ hasText: 'Maintain utmost integrity' });
      await row.getByText('Remedied', { exact: true }).waitFor();
      await row.getByText('High', { exact: true }).waitFor();
      assert.deepEqual(unexpectedErrors(officer.consoleErrors), []);
    } finally {
      await officer.close();
    }

    // The public body sees its own breach, without the officers' form.
    const pse = await openPage(browser);
    try {
      const { page } = pse;
      await signIn(page, url, pseEmail);
      await openFromMenu(page, 'Breaches');
      await page.getByText(showingAll(await breachesOf(server.ctx, 'Revenue Division'))).waitFor();
      assert.equal(await page.getByRole('button', { name: 'Record a breach' }).count(), 0);
      await page.getByRole('link', { name: /^Maintain utmost integrity/ }).click();
      await page.locator('#breach-status').getByText('Remedied', { exact: true }).waitFor();
      assert.equal(await page.getByRole('region', { name: 'Update the breach' }).count(), 0);
      assert.deepEqual(unexpectedErrors(pse.consoleErrors), []);
    } finally {
      await pse.close();
    }

    // The provider sees only the breach recorded against it, not the public body's.
    const csp = await openPage(browser);
    try {
      const { page } = csp;
      await signIn(page, url, cspEmail);
      await page.goto(`${url}/breaches`);
      await page.getByText(showingAll(await breachesOf(server.ctx, 'Harbour Cloud'))).waitFor();
      await page.goto(`${url}${breachPath}`);
      await page.getByRole('heading', { level: 2, name: 'Not found' }).waitFor();
      assert.deepEqual(
        unexpectedErrors(csp.consoleErrors, [{ status: 404, path: `/api/v1${breachPath}` }]),
        [],
      );
    } finally {
      await csp.close();
    }
  });

  it('shows officers the incident dashboard: charts drawn under the Content-Security-Policy, with their figures as text', async () => {
    const { browser, server } = running();
    const { page, consoleErrors, close } = await openPage(browser);
    try {
      await signInOfficer(page);
      await openFromMenu(page, 'Incident dashboard');

      // Every chart is an SVG drawn by recharts, with bars where there are figures.
      for (const chart of ['open', 'delays', 'overdue', 'months', 'breaches']) {
        await page.locator(`#chart-${chart} .recharts-wrapper > svg.recharts-surface`).waitFor();
      }
      // Two bars have figures (High and Critical); the chart draws them once it knows its width.
      await page.locator('#chart-open .recharts-bar-rectangle path').nth(1).waitFor();
      // A picture to assistive technology, named by its figures in words.
      await page
        .getByRole('img', { name: '3 open incidents: Low 0, Medium 0, High 1, Critical 2.' })
        .waitFor();

      const open = 'Open incidents by severity';
      assert.deepEqual(await rowCells(page, open, 'Critical'), ['2']);
      assert.deepEqual(await rowCells(page, open, 'High'), ['1']);
      assert.deepEqual(await rowCells(page, open, 'Low'), ['0']);
      assert.deepEqual(await rowCells(page, open, 'Total'), ['3']);

      const delays = 'How long reports took';
      assert.deepEqual(await rowCells(page, delays, 'Within 1 hour'), ['2']);
      assert.deepEqual(await rowCells(page, delays, '1 to 6 hours'), ['1']);
      assert.deepEqual(await rowCells(page, delays, '1 to 3 days'), ['1']);

      const month = new Intl.DateTimeFormat('en-GB', {
        month: 'short',
        year: 'numeric',
        timeZone: 'UTC',
      }).format(new Date());
      assert.deepEqual(await rowCells(page, 'Incidents by month', month), ['4', '2']);

      const breaches = await rowCells(page, 'Breaches by organization', 'Harbour Cloud');
      assert.equal(
        breaches.at(-1),
        String(await breachesOf(server.ctx, 'Harbour Cloud')),
        'the seeded breach counts in its total',
      );
      // The organization's name leads to its breaches.
      await page
        .getByRole('region', { name: 'Breaches by organization', exact: true })
        .getByRole('link', { name: 'Harbour Cloud' })
        .click();
      await page.getByRole('heading', { level: 2, name: 'Breaches' }).waitFor();
      // The filter's choices load after the page: read the choice once Harbour Cloud is one.
      const organization = page.getByLabel('Organization');
      await organization
        .getByRole('option', { name: 'Harbour Cloud' })
        .waitFor({ state: 'attached' });
      assert.equal(await organization.inputValue(), seeded.harbourId);
      await page.getByText(showingAll(await breachesOf(server.ctx, 'Harbour Cloud'))).waitFor();

      // Nothing refused by the Content-Security-Policy, no script error.
      assert.deepEqual(unexpectedErrors(consoleErrors), []);
    } finally {
      await close();
    }
  });

  it('lets an administrator subscribe a receiver, see its secret once, and retry a failed delivery', async () => {
    const { browser, server } = running();
    const port = await closedPort();
    const receiver = `http://127.0.0.1:${String(port)}/hooks/cloud-office`;
    const { page, consoleErrors, close } = await openPage(browser);
    try {
      await signInOfficer(page);
      await openFromMenu(page, 'Webhooks');
      await page.getByText('No system subscribes to events yet.').waitFor();

      await page.getByRole('button', { name: 'Add a subscription' }).click();
      const form = page.getByRole('region', { name: 'Add a subscription' });
      await form.getByLabel('Name').fill('Security operations centre');
      await form.getByLabel('Address (URL)').fill(receiver);
      await form.getByRole('group', { name: 'Events' }).getByLabel('Breach opened').check();
      await form.getByRole('button', { name: 'Add the subscription' }).click();

      await page.getByText('The subscription Security operations centre was added.').waitFor();
      const secretRegion = page.getByRole('region', {
        name: 'The signing secret of Security operations centre',
      });
      // Focus moves to it, so that it is found before anything else is done.
      await page.locator('#webhook-secret-heading:focus').waitFor();
      const secret = await secretRegion.locator('#webhook-secret').innerText();
      assert.match(secret, /^whsec_[A-Za-z0-9+/=]+$/);
      const row = page
        .getByRole('region', { name: 'Subscriptions', exact: true })
        .getByRole('row')
        .filter({ hasText: 'Security operations centre' });
      await row.getByText(receiver).waitFor();
      await row.getByText('Breach opened', { exact: true }).waitFor();
      await row.getByText('Active', { exact: true }).waitFor();

      // Shown once: the page opened again has no secret on it.
      await page.reload();
      await page.getByRole('heading', { level: 2, name: 'Webhooks' }).waitFor();
      await row.waitFor();
      assert.equal(await page.getByText(secret).count(), 0);

      // An event for the receiver that is down: the dispatcher tries and fails, then (standing in
      // for the hours of backoff) the delivery is marked as having used its last try.
      const subscription = await server.ctx.db
        .selectFrom('webhook_subscriptions')
        .select('id')
        .where('name', '=', 'Security operations centre')
        .executeTakeFirstOrThrow();
      await server.ctx.db
        .transaction()
        .execute((trx) =>
          emitEvent(trx, server.ctx.clock, { type: 'breach.opened', data: { test: true } }),
        );
      await server.outbox.drain();
      const tried = await server.ctx.db
        .selectFrom('outbox')
        .select(['id', 'attempts', 'last_error'])
        .where('dedupe_key', 'like', `%/${subscription.id}`)
        .executeTakeFirstOrThrow();
      assert.ok(tried.attempts >= 1 && tried.last_error, 'the dispatcher tried and failed');
      await server.ctx.db
        .updateTable('outbox')
        .set({ attempts: MAX_SEND_ATTEMPTS, gave_up_at: new Date().toISOString() })
        .where('id', '=', tried.id)
        .execute();

      await openFromMenu(page, 'Deliveries');
      const failed = page
        .getByRole('region', { name: 'Deliveries', exact: true })
        .getByRole('row')
        .filter({ hasText: receiver });
      await failed.getByText('Failed', { exact: true }).waitFor();
      await failed.getByText('Breach opened', { exact: true }).waitFor();
      await failed.getByText(tried.last_error, { exact: true }).waitFor();
      await failed.getByText(/^Given up .*; no more tries$/).waitFor();
      await failed.getByRole('button', { name: `Try again: Breach opened to ${receiver}` }).click();
      await page.getByText(`The delivery to ${receiver} will be tried again now.`).waitFor();
      // No longer among the failed: it is due again, with its tries counted afresh.
      await page.getByText('No delivery matches.').waitFor();
      const requeued = await server.ctx.db
        .selectFrom('outbox')
        .select('attempts')
        .where('id', '=', tried.id)
        .executeTakeFirstOrThrow();
      assert.ok(requeued.attempts < MAX_SEND_ATTEMPTS);

      // Deactivate, then rotate: a new secret, again shown once.
      await openFromMenu(page, 'Webhooks');
      await row.getByRole('button', { name: 'Deactivate Security operations centre' }).click();
      await page.getByText('The subscription Security operations centre is inactive.').waitFor();
      await row.getByText('Inactive', { exact: true }).waitFor();
      await row.getByRole('button', { name: 'Change Security operations centre' }).click();
      const edit = page.getByRole('region', { name: 'Change Security operations centre' });
      await edit.getByRole('button', { name: 'Make a new secret' }).click();
      const rotated = await page
        .getByRole('region', { name: 'The new signing secret of Security operations centre' })
        .locator('#webhook-secret')
        .innerText();
      assert.match(rotated, /^whsec_/);
      assert.notEqual(rotated, secret);
      assert.deepEqual(unexpectedErrors(consoleErrors), []);
    } finally {
      await close();
    }
  });

  it('shows the duties in force on the public policy page', async () => {
    const { browser, url } = running();
    const { page, consoleErrors, close } = await openPage(browser);
    try {
      await page.goto(`${url}/policy`);
      const duties = page.getByRole('region', { name: 'Duties', exact: true });
      await duties.waitFor();
      const disclose = duties.getByRole('row').filter({
        has: page.getByRole('rowheader', { name: /^Disclose a data breach to the Cloud Office/ }),
      });
      await disclose.getByText('Providers and public bodies', { exact: true }).waitFor();
      await disclose
        .getByText('Every data breach was reported within the reporting deadlines below.')
        .waitFor();
      await disclose.getByRole('cell', { name: /as soon as it is discovered/ }).waitFor();
      await duties
        .getByRole('row')
        .filter({ hasText: 'Fix critical audit findings within 30 days.' })
        .getByText('Audit findings of severity critical are fixed within 30 days.')
        .waitFor();
      const reporting = page.locator('#duties-reporting');
      await reporting.getByText('Within 1 hour of discovery', { exact: true }).waitFor();
      await reporting
        .getByText('At least every 24 hours until the final report', { exact: true })
        .waitFor();
      await reporting.getByText('Within 72 hours of discovery', { exact: true }).waitFor();
      await reporting.getByText(/its parameter co-brr-1_prm_1/).waitFor();
      assert.equal(await page.locator('#duties-escalation li').count(), 3);
      // Signed out, the ladder still names posts by their titles, not their codes.
      await page
        .locator('#duties-escalation li')
        .first()
        .getByText(/Joint Director Audits/)
        .waitFor();
      assert.equal(await page.locator('#duties-escalation').getByText(/_/).count(), 0);
      const matrix = duties.getByRole('region', { name: 'Severity of an incident' });
      const top = matrix.getByRole('row').filter({ hasText: 'Tier 4' });
      assert.deepEqual(
        (await top.getByRole('cell').allInnerTexts()).map((text) => text.trim()),
        ['High', 'Critical', 'Critical', 'Critical'],
      );
      assert.deepEqual(unexpectedErrors(consoleErrors), []);
    } finally {
      await close();
    }
  });
}
