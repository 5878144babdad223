import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { Secret, TOTP } from 'otpauth';
import type { Browser, Page } from 'playwright-core';
import { recordAuditEvent } from '../../src/features/audit/service.js';
import { startServer, type RunningServer } from '../../src/server.js';
import { testConfig } from '../helpers/app.js';
import type { TestDatabase } from '../helpers/databases.js';
import { buildOrganization, buildUser, PASSWORD, setUpOffice } from '../helpers/factories.js';
import {
  assertPortalBuilt,
  describeInChromium,
  launchChromium,
  openPage,
  unexpectedErrors,
} from './chromium.js';

describeInChromium('portal screens in Chromium', officeSuite);

/** The code an authenticator app would show for `secret`, `stepsAhead` 30-second steps from now. */
function totpCode(secret: string, stepsAhead = 0): string {
  return new TOTP({ secret: Secret.fromBase32(secret), digits: 6, period: 30 }).generate({
    timestamp: Date.now() + stepsAhead * 30_000,
  });
}

async function fillSignIn(page: Page, url: string, email: string, password: string) {
  await page.goto(`${url}/sign-in`);
  await page.getByRole('heading', { level: 2, name: 'Sign in' }).waitFor();
  await page.getByLabel('E-mail address').fill(email);
  await page.getByLabel('Password', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

/** Retries an assertion until it holds: a list re-renders a moment after its answer arrives. */
async function eventually(check: () => Promise<void>, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await check();
      return;
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}

const dashboardHeading = (page: Page) => page.getByRole('heading', { name: /^Welcome, / });

function officeSuite(database: TestDatabase): void {
  let server: RunningServer | undefined;
  let browser: Browser | undefined;
  let dgEmail = '';
  let provider = { id: '', adminEmail: '', staffEmail: '' };
  let otherOrganizationId = '';
  /** The DG's TOTP secret, once the DG test enrolled one through the portal. */
  let dgSecret: string | null = null;

  before(async () => {
    assertPortalBuilt();
    server = await startServer(testConfig(database.config, database.dataDir), {});
    const ctx = server.ctx;
    dgEmail = (await setUpOffice(ctx)).email;
    const providerId = await buildOrganization(ctx, 'csp', { name: 'Indus Cloud' });
    const admin = await buildUser(ctx, providerId, 'csp_admin', 'admin@indus.example');
    const staff = await buildUser(ctx, providerId, 'csp_staff', 'staff@indus.example');
    provider = { id: providerId, adminEmail: admin.email, staffEmail: staff.email };
    otherOrganizationId = await buildOrganization(ctx, 'pse', { name: 'Ministry of Examples' });
    browser = await launchChromium();
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  function running(): { browser: Browser; url: string; server: RunningServer } {
    assert.ok(browser && server, 'the before() hook did not finish');
    return { browser, url: server.url, server };
  }

  /** The newest e-mail queued for `to` (no SMTP in tests: it waits in the outbox). */
  async function lastEmailTo(to: string): Promise<{ subject: string; text: string }> {
    const rows = await running()
      .server.ctx.db.selectFrom('outbox')
      .select(['payload', 'created_at'])
      .orderBy('created_at', 'desc')
      .execute();
    for (const row of rows) {
      const message = JSON.parse(row.payload) as { to: string; subject: string; text: string };
      if (message.to === to) return message;
    }
    throw new Error(`no e-mail to ${to} in the outbox`);
  }

  /** The portal path (with its #token fragment) of the first link in an e-mail. */
  function linkIn(text: string, page: string): string {
    const match = new RegExp(`https?://[^\\s/]+(/${page}#token=[A-Za-z0-9_-]+)`).exec(text);
    assert.ok(match?.[1], `no /${page} link in: ${text}`);
    return match[1];
  }

  it('signs in through the form: a wrong password shows the server’s message, the right one opens the dashboard, and signing out ends the session', async () => {
    const { browser, url } = running();
    const { page, consoleErrors, close } = await openPage(browser);
    try {
      await fillSignIn(page, url, provider.adminEmail, 'not the password');
      const summary = page.getByRole('alert');
      await summary.getByText(/The e-mail or password is not right/).waitFor();
      await summary.getByRole('heading', { name: 'There is a problem' }).waitFor();
      assert.equal(
        await page.locator('.error-summary:focus').count(),
        1,
        'focus moves to the error summary',
      );
      assert.equal(await page.getByLabel('Password', { exact: true }).inputValue(), '');

      // Keyboard only: type, Tab to the password, Enter to send.
      await page.getByLabel('E-mail address').focus();
      await page.keyboard.press('Tab');
      await page.keyboard.type(PASSWORD);
      const signedIn = page.waitForResponse((r) => r.url().endsWith('/api/v1/auth/sign-in'));
      await page.keyboard.press('Enter');
      assert.equal((await signedIn).status(), 200);
      await dashboardHeading(page).waitFor();
      assert.equal(new URL(page.url()).pathname, '/');
      assert.equal(await page.title(), 'Home — Cloud Office');
      assert.equal(
        await page.locator(':focus').textContent(),
        'Welcome, csp_admin',
        'focus is on the new page’s heading',
      );
      const account = page.getByRole('region', { name: 'Your account' });
      await account.getByText('Indus Cloud').waitFor();
      await account.getByText('Administrator').waitFor();
      const navigation = page.getByRole('navigation', { name: 'Main' });
      await navigation.getByRole('link', { name: 'Your organization' }).waitFor();
      assert.equal(await navigation.getByRole('link', { name: 'Audit trail' }).count(), 0);
      assert.equal(await navigation.getByRole('link', { name: 'Appointments' }).count(), 0);

      await navigation.getByRole('button', { name: 'Sign out' }).click();
      await page.getByText('You have signed out.').waitFor();
      assert.equal(new URL(page.url()).pathname, '/sign-in');
      const session = await page.evaluate(async () => {
        const response = await fetch('/api/v1/auth/session');
        return (await response.json()) as { signedIn: boolean };
      });
      assert.equal(session.signedIn, false);

      // A signed-in page now asks to sign in first, and comes back to it afterwards.
      await page.goto(`${url}/users`);
      await page.getByRole('heading', { level: 2, name: 'Sign in' }).waitFor();
      assert.equal(new URL(page.url()).searchParams.get('next'), '/users');

      assert.deepEqual(
        unexpectedErrors(consoleErrors, [{ status: 401, path: '/api/v1/auth/sign-in' }]),
        [],
      );
    } finally {
      await close();
    }
  });

  it('shows a provider’s user another organization’s record as not found, as the API answers 404', async () => {
    const { browser, url, server } = running();
    const { page, consoleErrors, close } = await openPage(browser);
    try {
      await fillSignIn(page, url, provider.adminEmail, PASSWORD);
      await dashboardHeading(page).waitFor();

      const recordPath = `/api/v1/organizations/${otherOrganizationId}`;
      const answer = page.waitForResponse((r) => new URL(r.url()).pathname === recordPath);
      await page.goto(`${url}/organizations/${otherOrganizationId}`);
      assert.equal((await answer).status(), 404);
      await page.getByRole('heading', { level: 2, name: 'Not found' }).waitFor();
      await page.getByText('This record does not exist, or you may not see it.').waitFor();
      assert.equal(await page.getByText('Ministry of Examples').count(), 0);

      // The refusal is in the audit trail, as every refused attempt is.
      const denied = await server.ctx.db
        .selectFrom('audit_events')
        .select('summary')
        .where('action', '=', 'access.denied')
        .where('actor_email', '=', provider.adminEmail)
        .execute();
      assert.ok(denied.some((row) => row.summary.includes(otherOrganizationId)));

      // Their own organization opens, from the navigation.
      await page
        .getByRole('navigation', { name: 'Main' })
        .getByRole('link', { name: 'Your organization' })
        .click();
      await page.getByRole('heading', { level: 2, name: 'Indus Cloud' }).waitFor();
      await page
        .getByRole('region', { name: 'People' })
        .getByRole('cell', { name: provider.staffEmail })
        .waitFor();

      // A page their role does not open says so.
      await page.goto(`${url}/audit`);
      await page.getByRole('heading', { level: 2, name: 'You cannot open this page' }).waitFor();

      assert.deepEqual(unexpectedErrors(consoleErrors, [{ status: 404, path: recordPath }]), []);
    } finally {
      await close();
    }
  });

  it('lets the DG Cloud filter the audit trail by action, see the sign-ins and their own actions, export them, and find the chain intact', async () => {
    const { browser, url, server } = running();
    const { page, consoleErrors, close } = await openPage(browser);
    try {
      await fillSignIn(page, url, dgEmail, PASSWORD);
      const enrolment = page.getByRole('heading', { name: 'Set up your authenticator app' });
      await dashboardHeading(page).or(enrolment).waitFor();
      if (await enrolment.isVisible()) {
        // Officers must use a second factor: enrol with the key the screen shows, as an app would.
        await page.getByRole('button', { name: 'Start setting up' }).click();
        const key = (await page.locator('code.secret').textContent()) ?? '';
        dgSecret = key.replace(/\s+/g, '');
        assert.match(dgSecret, /^[A-Z2-7]+=*$/, 'the key is base32, grouped in fours');
        assert.match((await page.locator('code.uri').textContent()) ?? '', /^otpauth:\/\/totp\//);
        await page.getByLabel('Security code').fill(totpCode(dgSecret));
        await page.getByRole('button', { name: 'Confirm and continue' }).click();
      }
      await dashboardHeading(page).waitFor();

      // An action of their own: a new provider, through the form.
      const navigation = page.getByRole('navigation', { name: 'Main' });
      await navigation.getByRole('link', { name: 'Organizations' }).click();
      const create = page.getByRole('region', { name: 'Add an organization' });
      await create.getByLabel('Kind of organization').selectOption('csp');
      await create.getByLabel('Name', { exact: true }).fill('Audit Trail Test Cloud');
      await create.getByRole('button', { name: 'Add organization' }).click();
      await page.getByRole('heading', { level: 2, name: 'Audit Trail Test Cloud' }).waitFor();
      await page.getByText('Audit Trail Test Cloud has been added.').waitFor();

      // More events than one page holds, to page through them.
      await server.ctx.db.transaction().execute(async (trx) => {
        for (let i = 0; i < 55; i += 1) {
          await recordAuditEvent(
            trx,
            { actor: null, action: 'test.bulk_event', outcome: 'success', summary: {} },
            server.ctx.clock,
          );
        }
      });

      await navigation.getByRole('link', { name: 'Audit trail' }).click();
      await page.getByRole('heading', { level: 2, name: 'Audit trail' }).waitFor();
      assert.equal(await page.locator(':focus').textContent(), 'Audit trail');
      const table = page.getByRole('region', { name: 'Audit trail' }).getByRole('table');
      const filters = page.getByRole('search', { name: 'Filter events' });
      const actionCells = table.locator('tbody tr td:nth-child(3)');

      const apply = async (action: string, outcome = '') => {
        await filters.getByLabel('Action').fill(action);
        await filters.getByLabel('Outcome').selectOption(outcome);
        await filters.getByRole('button', { name: 'Apply filters' }).click();
      };
      const rowsSay = async (pattern: RegExp, actionPrefix: string) =>
        eventually(async () => {
          const actions = await actionCells.allTextContents();
          assert.ok(actions.length > 0, 'no events shown');
          for (const action of actions) assert.ok(action.startsWith(actionPrefix), action);
          const rows = await table.locator('tbody tr').allTextContents();
          assert.ok(
            rows.some((row) => pattern.test(row)),
            `no row matches ${pattern.source}:\n${rows.join('\n')}`,
          );
        });

      await apply('auth');
      await rowsSay(new RegExp(`${dgEmail}.*auth\\.sign_in.*Done`), 'auth.');
      // The refused sign-in of the first test, with its reason.
      await apply('auth', 'denied');
      await rowsSay(
        new RegExp(`${provider.adminEmail}.*auth\\.sign_in.*Refused.*wrong password`),
        'auth.',
      );
      // Their own action, under the post that gave the power.
      await apply('organization');
      await rowsSay(
        new RegExp(`${dgEmail}DG Cloud.*organization\\.create.*Audit Trail Test Cloud`),
        'organization.',
      );

      // The export carries the same filter, and is itself audited.
      const exportLink = page.getByRole('link', { name: 'Export as CSV' });
      const href = (await exportLink.getAttribute('href')) ?? '';
      assert.equal(href, '/api/v1/audit-events.csv?action=organization');
      const csv = await page.context().request.get(`${url}${href}`);
      assert.equal(csv.status(), 200);
      assert.match(csv.headers()['content-type'] ?? '', /^text\/csv/);
      assert.match(await csv.text(), /organization\.create/);

      // Newest first, fifty at a time.
      await apply('test');
      await page.getByText('50 events shown, newest first.').waitFor();
      assert.equal(await actionCells.count(), 50);
      await page.getByRole('button', { name: 'Load more' }).click();
      await page.getByText('5 more events loaded.').waitFor();
      assert.equal(await actionCells.count(), 55);
      assert.equal(await page.getByRole('button', { name: 'Load more' }).count(), 0);
      const seqs = (await table.locator('tbody tr td:first-child .block').allTextContents()).map(
        (text) => Number(text.replace(/\D/g, '')),
      );
      assert.deepEqual(
        seqs,
        [...seqs].sort((a, b) => b - a),
        'newest first',
      );

      await page.getByRole('button', { name: 'Verify the chain' }).click();
      const verdict = page.getByRole('region', { name: 'The audit trail is intact' });
      await verdict
        .getByText(/events were checked, and none was edited, removed or moved/)
        .waitFor();

      assert.deepEqual(unexpectedErrors(consoleErrors), []);
    } finally {
      await close();
    }
  });

  it('asks an enrolled officer for the code from their app at the next sign-in', async (t) => {
    if (dgSecret === null) {
      t.skip(
        'the server did not ask the DG to enrol a second factor (TOTP not required for officers yet)',
      );
      return;
    }
    const secret = dgSecret;
    const { browser, url } = running();
    const { page, consoleErrors, close } = await openPage(browser);
    try {
      await fillSignIn(page, url, dgEmail, PASSWORD);
      await page.getByRole('heading', { level: 2, name: 'Enter your security code' }).waitFor();
      // Until the code is in, nothing else opens.
      assert.equal(
        await page
          .getByRole('navigation', { name: 'Main' })
          .getByRole('link', { name: 'Audit trail' })
          .count(),
        0,
      );

      await page.getByLabel('Security code').fill('000000');
      await page.getByRole('button', { name: 'Continue' }).click();
      await page
        .getByRole('alert')
        .getByText(/code is not right/)
        .waitFor();

      // The enrolment used this step's code, and each code works once: the app's next one.
      await page.getByLabel('Security code').fill(totpCode(secret, 1));
      await page.getByRole('button', { name: 'Continue' }).click();
      await dashboardHeading(page).waitFor();
      await page
        .getByRole('navigation', { name: 'Main' })
        .getByRole('link', { name: 'Audit trail' })
        .waitFor();

      assert.deepEqual(
        unexpectedErrors(consoleErrors, [{ status: 401, path: '/api/v1/auth/totp/verify' }]),
        [],
      );
    } finally {
      await close();
    }
  });

  it('lets an organization’s admin invite a person, who accepts through the e-mailed link and signs in', async () => {
    const { browser, url } = running();
    const admin = await openPage(browser);
    const invited = await openPage(browser);
    try {
      await fillSignIn(admin.page, url, provider.adminEmail, PASSWORD);
      await dashboardHeading(admin.page).waitFor();
      await admin.page
        .getByRole('navigation', { name: 'Main' })
        .getByRole('link', { name: 'Users' })
        .click();
      const form = admin.page.getByRole('region', { name: 'Invite a person' });
      await form.getByLabel('E-mail address').fill('new.person@indus.example');
      await form.getByLabel('Full name').fill('New Person');
      await form.getByLabel('Role').selectOption({ label: 'Security officer' });
      await form.getByRole('button', { name: 'Send invitation' }).click();
      // Tests run without SMTP: the portal says the link was not sent; it waits in the outbox.
      await admin.page
        .getByRole('status')
        .getByText(/new\.person@indus\.example/)
        .waitFor();
      await admin.page.getByRole('cell', { name: 'new.person@indus.example' }).waitFor();

      const email = await lastEmailTo('new.person@indus.example');
      const { page } = invited;
      await page.goto(`${url}${linkIn(email.text, 'invitation')}`);
      await page.getByRole('heading', { level: 2, name: 'Accept your invitation' }).waitFor();

      await page.getByLabel('New password').fill('short');
      await page.getByRole('button', { name: 'Set password and accept' }).click();
      await page
        .getByRole('alert')
        .getByText(/A password must be 12/)
        .waitFor();
      const password = page.getByLabel('New password');
      assert.equal(await password.getAttribute('aria-invalid'), 'true');
      const describedBy = (await password.getAttribute('aria-describedby')) ?? '';
      assert.match(describedBy, /invitation-password-error/);
      assert.match(
        (await page.locator('#invitation-password-error').textContent()) ?? '',
        /must be 12/,
      );

      await password.fill('a long and unrelated pass phrase');
      await page.getByRole('button', { name: 'Set password and accept' }).click();
      await page
        .getByText('Your account new.person@indus.example is ready.', { exact: false })
        .waitFor();
      await page.getByLabel('E-mail address').fill('new.person@indus.example');
      await page.getByLabel('Password', { exact: true }).fill('a long and unrelated pass phrase');
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByRole('heading', { name: 'Welcome, New Person' }).waitFor();

      assert.deepEqual(unexpectedErrors(admin.consoleErrors), []);
      assert.deepEqual(
        unexpectedErrors(invited.consoleErrors, [
          { status: 400, path: '/api/v1/invitations/accept' },
        ]),
        [],
      );
    } finally {
      await admin.close();
      await invited.close();
    }
  });

  it('resets a forgotten password through the e-mailed link', async () => {
    const { browser, url } = running();
    const { page, consoleErrors, close } = await openPage(browser);
    try {
      await page.goto(`${url}/sign-in`);
      await page.getByRole('link', { name: 'Forgotten your password?' }).click();
      await page.getByRole('heading', { level: 2, name: 'Reset your password' }).waitFor();
      await page.getByLabel('E-mail address').fill(provider.staffEmail);
      await page.getByRole('button', { name: 'Send the link' }).click();
      await page.getByRole('heading', { level: 2, name: 'Check your e-mail' }).waitFor();

      const email = await lastEmailTo(provider.staffEmail);
      await page.goto(`${url}${linkIn(email.text, 'reset-password')}`);
      await page.getByRole('heading', { level: 2, name: 'Choose a new password' }).waitFor();
      await page.getByLabel('New password').fill('another long pass phrase');
      await page.getByRole('button', { name: 'Save the new password' }).click();
      await page.getByText('Your password has been changed.', { exact: false }).waitFor();
      await page.getByLabel('E-mail address').fill(provider.staffEmail);
      await page.getByLabel('Password', { exact: true }).fill('another long pass phrase');
      await page.getByRole('button', { name: 'Sign in' }).click();
      await dashboardHeading(page).waitFor();

      assert.deepEqual(unexpectedErrors(consoleErrors), []);
    } finally {
      await close();
    }
  });

  it('lets a provider’s user choose to set up an authenticator app from the dashboard', async (t) => {
    const { browser, url } = running();
    const { page, consoleErrors, close } = await openPage(browser);
    try {
      await fillSignIn(page, url, provider.adminEmail, PASSWORD);
      await dashboardHeading(page).waitFor();
      const account = page.getByRole('region', { name: 'Your account' });
      const setUp = account.getByRole('link', { name: 'Set up an authenticator app' });
      if ((await setUp.count()) === 0) {
        t.skip(
          'the session does not say whether a second factor is enrolled (no TOTP in the API yet)',
        );
        return;
      }
      await setUp.click();
      await page
        .getByRole('heading', { level: 2, name: 'Set up your authenticator app' })
        .waitFor();
      await page.getByRole('button', { name: 'Start setting up' }).click();
      const key = ((await page.locator('code.secret').textContent()) ?? '').replace(/\s+/g, '');
      await page.getByLabel('Security code').fill(totpCode(key));
      await page.getByRole('button', { name: 'Confirm and continue' }).click();
      await page.getByText('Your authenticator app is set up.', { exact: false }).waitFor();
      await account.getByRole('link', { name: 'Move to a new authenticator app' }).waitFor();
      assert.deepEqual(unexpectedErrors(consoleErrors), []);
    } finally {
      await close();
    }
  });
}
