import assert from 'node:assert/strict';
import { it } from 'node:test';
import type { Page } from 'playwright-core';
import type { RunningServer } from '../../src/server.js';
import type { TestDatabase } from '../helpers/databases.js';
import {
  appoint,
  buildOrganization,
  buildUser,
  enrolTotp,
  setUpOffice,
  signInAs,
  type Client,
} from '../helpers/factories.js';
import { buildOffering } from '../helpers/offerings.js';
import { buildAccreditedOffering } from '../helpers/register.js';
import { describeInChromium, openPage, unexpectedErrors } from './chromium.js';
import { portalPerSuite, signIn } from './helpers.js';

describeInChromium('accreditation workflow in Chromium', accreditationSuite);

const OFFERING = 'Indus Sovereign Compute';
const PROVIDER = 'Indus Cloud';
const FIRM = 'Assurance Partners';
const RENEWING = 'Indus Archive';

interface Officer {
  email: string;
  secret: string;
  userId: string;
}

interface RegisterEntry {
  offeringId: string;
  offeringName: string;
  status: string;
  level: { code: string };
  validUntil: string;
}

function dayFromToday(days: number): string {
  const day = new Date();
  day.setUTCDate(day.getUTCDate() + days);
  return day.toISOString().slice(0, 10);
}

function accreditationSuite(database: TestDatabase): void {
  const officers: Record<'dg' | 'adoption' | 'audits' | 'legal', Officer> = {
    dg: { email: '', secret: '', userId: '' },
    adoption: { email: 'dca@office.example', secret: '', userId: '' },
    audits: { email: 'daudits@office.example', secret: '', userId: '' },
    legal: { email: 'dlegal@office.example', secret: '', userId: '' },
  };
  const cspAdminEmail = 'admin@indus.example';
  const auditorEmail = 'auditor@assurance.example';
  let applicationId = '';
  let offeringId = '';
  let renewingId = '';
  let server: RunningServer | undefined;

  const running = portalPerSuite(database, async (started) => {
    server = started;
    const { ctx } = started;
    const office = await setUpOffice(ctx);
    officers.dg = {
      email: office.email,
      userId: office.userId,
      secret: await enrolTotp(ctx, office.userId),
    };
    const posts = {
      adoption: 'director_cloud_adoption',
      audits: 'director_audits',
      legal: 'director_legal_procurement',
    } as const;
    for (const [key, post] of Object.entries(posts) as [keyof typeof posts, string][]) {
      const user = await buildUser(ctx, office.organizationId, 'officer', officers[key].email);
      await appoint(ctx, user.id, post, '2020-01-01');
      officers[key] = { ...officers[key], userId: user.id, secret: await enrolTotp(ctx, user.id) };
    }
    const providerId = await buildOrganization(ctx, 'csp', { name: PROVIDER });
    await buildUser(ctx, providerId, 'csp_admin', cspAdminEmail);
    const firmId = await buildOrganization(ctx, 'audit_firm', { name: FIRM });
    await buildUser(ctx, firmId, 'auditor', auditorEmail);
    // A second firm, so that assigning is a real choice.
    const otherFirm = await buildOrganization(ctx, 'audit_firm', { name: 'Other Assessors' });
    // An earlier offering of the provider whose accreditation ends in 60 days: renewal is open.
    const ending = await buildAccreditedOffering(ctx, providerId, {
      name: RENEWING,
      auditFirm: { id: otherFirm, name: 'Other Assessors' },
      grantedAt: `${dayFromToday(-400)}T09:00:00Z`,
      validUntil: dayFromToday(60),
    });
    renewingId = ending.applicationId;

    // The offering and its answers are prepared through the API, not clicked: a level has dozens
    // of controls to answer here, hundreds once the NIST catalog is imported. (The answers page
    // is another suite's subject.) The server published the shipped levels at start, as on a new
    // installation.
    offeringId = await buildOffering(ctx, providerId, { name: OFFERING });
    const provider = await signInAs(started.app, cspAdminEmail);
    const opened = await provider.send('POST', `/api/v1/offerings/${offeringId}/applications`, {
      levelSought: 'baseline',
    });
    assert.equal(opened.statusCode, 201, opened.body);
    applicationId = opened.json<{ id: string }>().id;
    const view = await provider.get(`/api/v1/applications/${applicationId}`);
    const unanswered = view.json<{ progress: { unanswered: string[] } }>().progress.unanswered;
    assert.ok(unanswered.length > 0, 'Baseline has controls to answer');
    for (const controlId of unanswered) {
      const answer = await provider.send(
        'PUT',
        `/api/v1/applications/${applicationId}/responses/${encodeURIComponent(controlId)}`,
        { status: 'implemented', responsibility: 'provider', narrative: 'In place and monitored.' },
      );
      assert.equal(answer.statusCode, 200, answer.body);
    }
  });

  /** Signs `email` in, opens the application from the queue in the navigation. */
  async function openApplication(page: Page, url: string, email: string, secret?: string) {
    await signIn(page, url, email, secret);
    await page
      .getByRole('navigation', { name: 'Main' })
      .getByRole('link', { name: 'Applications' })
      .click();
    await page.getByRole('heading', { level: 2, name: 'Applications for accreditation' }).waitFor();
    await page
      .getByRole('region', { name: 'Applications for accreditation' })
      .getByRole('link', { name: OFFERING })
      .click();
    await page.getByRole('heading', { level: 2, name: `Application: ${OFFERING}` }).waitFor();
    assert.equal(new URL(page.url()).pathname, `/applications/${applicationId}`);
  }

  /** Runs `steps` in a fresh browser context, then asserts its console stayed clean. */
  async function asUser(
    steps: (page: Page) => Promise<void>,
    expected: { status: number; path: string }[] = [],
  ) {
    const { browser } = running();
    const opened = await openPage(browser);
    try {
      await steps(opened.page);
      assert.deepEqual(unexpectedErrors(opened.consoleErrors, expected), []);
    } finally {
      await opened.close();
    }
  }

  const statusOf = (page: Page) =>
    page
      .getByRole('region', { name: 'Details', exact: true })
      .locator('dd .tag')
      .first()
      .textContent();

  /** A history entry of the event type, with who took it (the post, for officers). */
  const historyEntry = (page: Page, type: string) =>
    page.getByRole('region', { name: 'History', exact: true }).locator(`li[data-event="${type}"]`);

  async function registerEntry(url: string): Promise<RegisterEntry | undefined> {
    const answer = await fetch(`${url}/api/v1/register?q=${encodeURIComponent(OFFERING)}`);
    assert.equal(answer.status, 200);
    const body = (await answer.json()) as { items: RegisterEntry[] };
    return body.items.find((item) => item.offeringId === offeringId);
  }

  it('walks one offering from application through audit to accreditation, step by step in the portal, and the public register lists it', async () => {
    const { url } = running();
    const validUntil = dayFromToday(730);
    const conditionDue = dayFromToday(180);

    // The provider submits.
    await asUser(async (page) => {
      await openApplication(page, url, cspAdminEmail);
      assert.equal(await statusOf(page), 'Draft');
      await page
        .getByRole('region', { name: 'Answers to the controls' })
        .getByText(/^(\d+) of \1 controls answered \(100%\)\.$/)
        .waitFor();
      // Only the provider's steps are offered.
      assert.equal(await page.getByRole('button', { name: 'Confirm it is complete' }).count(), 0);

      // The provider attaches its contract for the legal review.
      const documents = page.getByRole('region', { name: 'Documents', exact: true });
      await documents.getByText('No documents are attached to this application.').waitFor();
      const attach = page.getByRole('region', { name: 'Attach a document' });
      await attach.getByLabel('Kind of document').selectOption({ label: 'Contract' });
      await attach.getByLabel('File').setInputFiles({
        name: 'master-services-agreement.txt',
        mimeType: 'text/plain',
        buffer: Buffer.from('Master services agreement between Indus Cloud and its customers.\n'),
      });
      await attach.getByRole('button', { name: 'Attach the document' }).click();
      await page.getByText('master-services-agreement.txt was attached.').waitFor();
      await documents.getByRole('link', { name: 'master-services-agreement.txt' }).waitFor();

      await page.getByRole('button', { name: 'Submit the application' }).click();
      await page.getByText('The application was submitted.').waitFor();
      assert.equal(await statusOf(page), 'Submitted');
      assert.equal(await page.getByRole('button', { name: 'Submit the application' }).count(), 0);
    });

    // The Director Cloud Adoption finds it complete.
    await asUser(async (page) => {
      await openApplication(page, url, officers.adoption.email, officers.adoption.secret);
      await page.getByRole('region', { name: 'Return it to the provider' }).waitFor();
      await page.getByRole('button', { name: 'Confirm it is complete' }).click();
      await page.getByText('The application was confirmed complete.').waitFor();
      assert.equal(await statusOf(page), 'Complete, waiting for an audit firm');
    });

    // The Director Audits assigns the firm.
    await asUser(async (page) => {
      await openApplication(page, url, officers.audits.email, officers.audits.secret);
      const form = page.getByRole('region', { name: 'Assign an audit firm' });
      // Without a choice, the form says what is missing and sends nothing.
      await form.getByRole('button', { name: 'Assign the assessment' }).click();
      await form.getByRole('alert').getByText('Audit firm: This field is required.').waitFor();
      await form.getByLabel('Audit firm').selectOption({ label: FIRM });
      await form.getByRole('button', { name: 'Assign the assessment' }).click();
      await page.getByText(`The assessment was assigned to ${FIRM}.`).waitFor();
      assert.equal(await statusOf(page), 'In assessment');
      // Officers may read the firm's working copy, but not record in it.
      await page
        .getByRole('region', { name: 'Assessment', exact: true })
        .getByRole('link', { name: 'Open the assessment' })
        .click();
      await page.getByRole('heading', { level: 2, name: `Assessment: ${OFFERING}` }).waitFor();
      await page.getByText(/only the assigned firm records results/).waitFor();
      await page.getByText(/^0 of \d+ controls have a result$/).waitFor();
      assert.equal(await page.getByRole('button', { name: /^Save the result/ }).count(), 0);
      assert.equal(await page.getByRole('button', { name: 'Submit the assessment' }).count(), 0);
    });

    // The auditor records one result and one finding in the portal, then the rest through the
    // bulk API (one by one would be hundreds of clicks on a full level), and submits in the portal.
    const assessmentPath = `/api/v1/applications/${applicationId}/actions/submit_assessment`;
    await asUser(
      async (page) => {
        await openApplication(page, url, auditorEmail);
        await page
          .getByRole('region', { name: 'Assess the controls' })
          .getByRole('link', { name: 'Open the assessment' })
          .click();
        await page.getByRole('heading', { level: 2, name: `Assessment: ${OFFERING}` }).waitFor();
        const progress = page.getByRole('region', { name: 'Progress', exact: true });
        await progress.getByText(/^0 of \d+ controls have a result$/).waitFor();

        const first = page
          .getByRole('region', { name: 'Controls', exact: true })
          .locator('li')
          .first();
        const group = first.getByRole('group', { name: /^Result for / });
        const control = ((await group.locator('legend').textContent()) ?? '').replace(
          'Result for ',
          '',
        );
        await group.getByLabel('Not satisfied').check();
        await first.getByLabel(`Note on ${control}`).fill('No tested backup restore this year.');
        await first.getByRole('button', { name: `Save the result ${control}` }).click();
        await page.getByText(`Result for ${control} saved: Not satisfied.`).waitFor();
        await progress.getByText(/^1 of \d+ controls have a result$/).waitFor();

        // Submitting now is refused by the server, and the portal says why.
        const submitForm = page.getByRole('region', { name: 'Submit the assessment' });
        await submitForm.getByRole('button', { name: 'Submit the assessment' }).click();
        await submitForm
          .getByRole('alert')
          .getByText(/control/i)
          .waitFor();

        const findings = page.getByRole('region', { name: 'Findings', exact: true });
        await findings.getByText(/need a finding/).waitFor();
        const add = page.getByRole('region', { name: 'Add a finding' });
        await add.getByLabel('Severity').selectOption('high');
        await add.getByLabel('Description').fill('Restores are not tested.');
        await add.getByLabel('To be put right by').fill(dayFromToday(90));
        await add.getByRole('button', { name: 'Add the finding' }).click();
        await page.getByText(/^A finding on .+ was added\.$/).waitFor();
        await findings.getByRole('cell', { name: 'Restores are not tested.' }).waitFor();
        assert.equal(await findings.getByText(/need a finding/).count(), 0);

        // The rest through the API, as a firm's tool would send them.
        assert.ok(server);
        const auditor: Client = await signInAs(server.app, auditorEmail);
        const working = await auditor.get(`/api/v1/applications/${applicationId}/assessment`);
        assert.equal(working.statusCode, 200, working.body);
        const { controlIds, results } = working.json<{
          controlIds: string[];
          results: { controlId: string }[];
        }>();
        const recorded = new Set(results.map((result) => result.controlId));
        const bulk = await auditor.send(
          'PUT',
          `/api/v1/applications/${applicationId}/assessment/results`,
          {
            items: controlIds
              .filter((id) => !recorded.has(id))
              .map((controlId) => ({ controlId, result: 'satisfied' })),
          },
        );
        assert.equal(bulk.statusCode, 200, bulk.body);
        await page.reload();
        await progress
          .getByText(`${controlIds.length} of ${controlIds.length} controls have a result`)
          .waitFor();

        await submitForm.getByRole('button', { name: 'Submit the assessment' }).click();
        await page.getByRole('heading', { level: 2, name: `Application: ${OFFERING}` }).waitFor();
        await page.getByText('The assessment was submitted to the Cloud Office.').waitFor();
        assert.equal(await statusOf(page), 'In legal review');
        const summary = page.getByRole('region', { name: 'Assessment', exact: true });
        await summary
          .getByText(`${controlIds.length - 1} controls satisfied, 1 not satisfied`, {
            exact: false,
          })
          .waitFor();
      },
      [{ status: 422, path: assessmentPath }],
    );

    // The Director Legal & Procurement clears it.
    await asUser(async (page) => {
      await openApplication(page, url, officers.legal.email, officers.legal.secret);
      // The provider's contract is there to read, and only the provider changes the list.
      const documents = page.getByRole('region', { name: 'Documents', exact: true });
      const contract = documents.getByRole('link', { name: 'master-services-agreement.txt' });
      const download = await page.request.get(
        new URL((await contract.getAttribute('href')) ?? '', url).href,
      );
      assert.equal(download.status(), 200);
      assert.match(await download.text(), /^Master services agreement/);
      assert.equal(await documents.getByRole('button', { name: /^Remove/ }).count(), 0);
      const form = page.getByRole('region', { name: 'Record the legal review' });
      await form.getByLabel('Outcome').selectOption({ label: 'Cleared' });
      await form.getByLabel('Notes').fill('Contracts and data-processing terms in order.');
      await form.getByRole('button', { name: 'Record the legal review' }).click();
      await page.getByText('The legal review was recorded.').waitFor();
      assert.equal(await statusOf(page), 'Awaiting decision');
    });

    // The DG Cloud accredits at the level sought, with a validity and one condition.
    const accreditPath = `/api/v1/applications/${applicationId}/actions/accredit`;
    await asUser(
      async (page) => {
        // The DG's dashboard counts what waits for the powers of the post, and leads to it.
        await signIn(page, url, officers.dg.email, officers.dg.secret);
        const waiting = page.getByRole('region', { name: 'Waiting for you' });
        await waiting.getByRole('link', { name: 'Submitted: 0' }).waitFor();
        await waiting.getByRole('link', { name: 'Awaiting decision: 1' }).click();
        await page
          .getByRole('heading', { level: 2, name: 'Applications for accreditation' })
          .waitFor();
        assert.equal(await page.getByLabel('Status').inputValue(), 'awaiting_decision');
        await page
          .getByRole('region', { name: 'Applications for accreditation' })
          .getByRole('link', { name: OFFERING })
          .click();
        await page.getByRole('heading', { level: 2, name: `Application: ${OFFERING}` }).waitFor();
        const form = page.getByRole('region', { name: 'Accredit', exact: true });
        // Only the level sought or lower is offered; Baseline is the lowest.
        assert.deepEqual(
          await form.getByLabel('Level granted').locator('option').allTextContents(),
          ['Baseline'],
        );
        // A suggestion the officer may change.
        assert.match(await form.getByLabel('Valid until').inputValue(), /^\d{4}-\d{2}-\d{2}$/);
        // Beyond the longest validity the policy allows: the server refuses, and the form says why.
        await form.getByLabel('Valid until').fill(dayFromToday(4 * 366));
        await form.getByRole('button', { name: 'Accredit', exact: true }).click();
        await form.getByRole('alert').getByText(/valid/i).waitFor();
        assert.equal(await statusOf(page), 'Awaiting decision');
        await form.getByLabel('Valid until').fill(validUntil);
        await form.getByRole('button', { name: 'Add a condition' }).click();
        await form.getByLabel('Condition 1', { exact: true }).fill('Test a backup restore.');
        await form.getByLabel('Condition 1 due on').fill(conditionDue);
        await form.getByRole('button', { name: 'Accredit', exact: true }).click();
        await page.getByText('The offering was accredited.').waitFor();
        assert.equal(await statusOf(page), 'Accredited');
        const decision = page.getByRole('region', { name: 'Decision', exact: true });
        await decision.getByText('Baseline').waitFor();
        const conditions = page.getByRole('region', { name: 'Conditions', exact: true });
        await conditions.getByRole('cell', { name: 'Test a backup restore.' }).waitFor();

        // Every step in the history, with the post it was taken under.
        const steps: [string, string][] = [
          ['ApplicationSubmitted', PROVIDER],
          ['CompletenessConfirmed', 'Director Cloud Adoption'],
          ['AssessmentAssigned', 'Director Audits'],
          ['AssessmentSubmitted', FIRM],
          ['LegalReviewCompleted', 'Director Legal & Procurement'],
          ['AccreditationGranted', 'DG Cloud'],
        ];
        for (const [type, who] of steps) {
          const entry = historyEntry(page, type);
          assert.equal(await entry.count(), 1, `one ${type} in the history`);
          assert.match((await entry.textContent()) ?? '', new RegExp(`by ${who}`), type);
        }
        await historyEntry(page, 'AssessmentAssigned').getByText(`To ${FIRM}.`).waitFor();
      },
      [{ status: 422, path: accreditPath }],
    );

    // A visitor, without signing in, finds it in the public register.
    const entry = await registerEntry(url);
    assert.ok(entry, 'the register lists the accredited offering');
    assert.equal(entry.status, 'accredited');
    assert.equal(entry.level.code, 'baseline');
    assert.equal(entry.validUntil, validUntil);
    await asUser(async (page) => {
      await page.goto(`${url}/register`);
      await page.getByRole('heading', { level: 2, name: 'Accredited cloud providers' }).waitFor();
      const row = page
        .getByRole('region', { name: 'Accredited cloud providers' })
        .getByRole('row', { name: new RegExp(OFFERING) });
      await row.getByRole('cell', { name: 'Accredited', exact: true }).waitFor();
      await row.getByRole('cell', { name: 'Baseline', exact: true }).waitFor();
      await row.getByRole('link', { name: OFFERING }).click();
      await page.getByRole('heading', { level: 2, name: `${OFFERING} by ${PROVIDER}` }).waitFor();
    });
  });

  it('lets the DG Cloud suspend the accreditation in the portal, and the register shows it suspended', async () => {
    const { url } = running();
    assert.ok(server && applicationId, 'the first test accredited the offering');
    // A TOTP code counts once: forget the DG's last one, which the first test may have used in
    // this same 30-second step.
    await server.ctx.db
      .updateTable('users')
      .set({ totp_last_step: null })
      .where('id', '=', officers.dg.userId)
      .execute();
    await asUser(async (page) => {
      await openApplication(page, url, officers.dg.email, officers.dg.secret);
      // The DG Cloud holds every power, review_accreditation included: the condition is closed.
      const conditions = page.getByRole('region', { name: 'Conditions', exact: true });
      await conditions
        .getByLabel('Note on closing “Test a backup restore.”')
        .fill('Restore tested on the staging region.');
      await conditions.getByRole('button', { name: 'Close this condition' }).click();
      await page.getByText('The condition “Test a backup restore.” was closed.').waitFor();
      await conditions
        .getByText(/^Closed on .*: Restore tested on the staging region\.$/)
        .waitFor();
      assert.equal(
        await conditions.getByRole('button', { name: 'Close this condition' }).count(),
        0,
      );
      assert.match(
        (await historyEntry(page, 'ConditionClosed').textContent()) ?? '',
        /by DG Cloud/,
      );

      // And the auditor's finding, once the provider has fixed it.
      const assessment = page.getByRole('region', { name: 'Assessment', exact: true });
      await assessment.getByText('Open', { exact: true }).waitFor();
      await assessment
        .getByLabel('How “Restores are not tested.” was fixed')
        .fill('Restore drill run and documented.');
      await assessment.getByRole('button', { name: 'Close this finding as fixed' }).click();
      await page.getByText('The finding “Restores are not tested.” was closed as fixed.').waitFor();
      await assessment.getByText(/^Fixed on .*: Restore drill run and documented\.$/).waitFor();
      assert.equal(
        await assessment.getByRole('button', { name: 'Close this finding as fixed' }).count(),
        0,
      );
      assert.match((await historyEntry(page, 'FindingClosed').textContent()) ?? '', /by DG Cloud/);

      const form = page.getByRole('region', { name: 'Suspend', exact: true });
      await form.getByLabel('Reason').fill('The restore test is overdue.');
      await form.getByLabel('Effective from').fill(dayFromToday(0));
      await form.getByRole('button', { name: 'Suspend the accreditation' }).click();
      await page.getByText('The accreditation was suspended.').waitFor();
      assert.equal(await statusOf(page), 'Suspended');
      // Now the steps from a suspension are offered, and suspending again is not.
      await page.getByRole('region', { name: 'Reinstate', exact: true }).waitFor();
      assert.equal(await page.getByRole('region', { name: 'Suspend', exact: true }).count(), 0);
      const suspended = historyEntry(page, 'AccreditationSuspended');
      assert.match((await suspended.textContent()) ?? '', /by DG Cloud/);
      await suspended.getByText('The restore test is overdue.').waitFor();
    });

    const entry = await registerEntry(url);
    assert.ok(entry, 'the register still lists the offering');
    assert.equal(entry.status, 'suspended');
    await asUser(async (page) => {
      await page.goto(`${url}/register`);
      const row = page
        .getByRole('region', { name: 'Accredited cloud providers' })
        .getByRole('row', { name: new RegExp(OFFERING) });
      await row.getByText('Suspended', { exact: true }).waitFor();
      await row.getByRole('link', { name: OFFERING }).click();
      await page
        .getByRole('note')
        .getByText(/^This accreditation is suspended from /)
        .waitFor();
    });
  });

  it('opens a renewal of an accreditation that ends within the window, from its page', async () => {
    const { url } = running();
    await asUser(async (page) => {
      await signIn(page, url, cspAdminEmail);
      await page.goto(`${url}/applications/${renewingId}`);
      await page.getByRole('heading', { level: 2, name: `Application: ${RENEWING}` }).waitFor();
      const form = page.getByRole('region', { name: 'Renew', exact: true });
      await form.getByRole('button', { name: 'Open a renewal' }).click();
      await page
        .getByText('The renewal was opened. Answer its controls, then submit it.')
        .waitFor();
      assert.notEqual(new URL(page.url()).pathname, `/applications/${renewingId}`);
      assert.equal(await statusOf(page), 'Draft');
    });
    const renewal = await server?.ctx.db
      .selectFrom('accreditation_applications')
      .select(['kind', 'status'])
      .where('predecessor_id', '=', renewingId)
      .executeTakeFirst();
    assert.deepEqual(renewal, { kind: 'renewal', status: 'draft' });
  });
}
