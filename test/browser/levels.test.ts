import assert from 'node:assert/strict';
import { it } from 'node:test';
import { stringify as stringifyYaml } from 'yaml';
import type { TestDatabase } from '../helpers/databases.js';
import { appoint, buildUser, enrolTotp, setUpOffice } from '../helpers/factories.js';
import { describeInChromium, openPage, unexpectedErrors } from './chromium.js';
import { portalPerSuite, signIn } from './helpers.js';

describeInChromium('security levels in Chromium', levelsSuite);

function levelsSuite(database: TestDatabase): void {
  const dg = { email: '', secret: '' };
  const director = { email: 'director.io@office.example', secret: '' };
  // A second proposer (the post held as additional charge): a TOTP code works once, so each test
  // that signs in within the same 30 seconds needs its own officer.
  const deputy = { email: 'deputy.io@office.example', secret: '' };
  // The server publishes the shipped levels at start, as on a new installation.
  const running = portalPerSuite(database, async ({ ctx }) => {
    const office = await setUpOffice(ctx);
    dg.email = office.email;
    dg.secret = await enrolTotp(ctx, office.userId);
    const user = await buildUser(ctx, office.organizationId, 'officer', director.email);
    await appoint(ctx, user.id, 'director_infrastructure_operations', '2020-01-01');
    director.secret = await enrolTotp(ctx, user.id);
    const second = await buildUser(ctx, office.organizationId, 'officer', deputy.email);
    await appoint(ctx, second.id, 'director_infrastructure_operations', '2020-01-01', null, true);
    deputy.secret = await enrolTotp(ctx, second.id);
  });

  it('shows the published levels to a visitor, with controls, values, downloads and pending NIST controls', async () => {
    const { browser, url } = running();
    const { page, consoleErrors, close } = await openPage(browser);
    try {
      await page.goto(`${url}/`);
      await page
        .getByRole('navigation', { name: 'Main' })
        .getByRole('link', { name: 'Security levels' })
        .click();
      await page.getByRole('heading', { level: 2, name: 'Security levels' }).waitFor();
      const table = page.getByRole('region', { name: 'Security levels' });
      for (const title of ['Baseline', 'Intermediate', 'Enhanced', 'Maximum']) {
        await table.getByRole('link', { name: title, exact: true }).waitFor();
      }
      await table.getByRole('link', { name: 'Enhanced', exact: true }).click();
      await page.getByRole('heading', { level: 2, name: 'Enhanced' }).waitFor();
      await page.getByRole('link', { name: 'Version 1', exact: true }).click();
      await page.getByRole('heading', { level: 2, name: 'Enhanced, version 1' }).waitFor();
      assert.equal(new URL(page.url()).pathname, '/levels/enhanced/versions/1');
      const downloads = page.getByRole('region', { name: 'Downloads' });
      assert.equal(
        await downloads.getByRole('link', { name: 'OSCAL profile (JSON)' }).getAttribute('href'),
        '/api/v1/levels/enhanced/versions/1/profile.json',
      );
      // Controls by group, with parameter values filled in.
      assert.ok((await page.locator('tr[id^="control-co-"]').count()) > 0);
      assert.ok((await page.locator('li[data-param]').count()) > 0);
      // The NIST catalog is not in this installation's library: its controls are listed as pending.
      const pending = page.getByRole('region', { name: 'Controls pending import' });
      await pending.getByText(/\bac-2\b/).waitFor();
      // The same address loads directly, without the portal's navigation.
      await page.goto(`${url}/levels/enhanced/versions/1`);
      await page.getByRole('heading', { level: 2, name: 'Enhanced, version 1' }).waitFor();
      assert.deepEqual(unexpectedErrors(consoleErrors), []);
    } finally {
      await close();
    }
  });

  it('lets the director change a parameter in a draft and propose it, and the DG approve and publish it; the diff shows the change', async () => {
    const { browser, url } = running();
    // A parameter of our own catalog that Baseline sets, and its value in version 1.
    const published = (await (await fetch(`${url}/api/v1/levels/baseline/versions/1`)).json()) as {
      setParameters: { paramId: string; values: string[] }[];
    };
    const target = published.setParameters.find((p) => p.paramId.startsWith('co-'));
    assert.ok(target, 'Baseline sets a parameter of the local catalog');
    const before = target.values.join('; ');
    const after = before === '7' ? '8' : '7';

    const directorPage = await openPage(browser);
    try {
      const page = directorPage.page;
      await signIn(page, url, director.email, director.secret);
      await page.goto(`${url}/levels/baseline`);
      await page.getByRole('button', { name: 'Start a draft of the next version' }).click();
      await page.getByRole('heading', { level: 2, name: 'Baseline: draft of version 2' }).waitFor();
      const form = page.getByRole('region', { name: 'Set a parameter value' });
      await form.getByLabel('Parameter').selectOption(target.paramId);
      assert.equal(await form.getByLabel('Values').inputValue(), target.values.join('\n'));
      await form.getByLabel('Values').fill(after);
      await form.getByRole('button', { name: 'Save' }).click();
      await page.getByText('The draft was saved.').waitFor();
      const changes = page.getByRole('region', { name: 'Changes since version 1' });
      await changes.getByText(`Parameter ${target.paramId}: ${before} → ${after}`).waitFor();
      await page.getByRole('button', { name: 'Propose for approval' }).click();
      await page.getByText('The draft was proposed for approval.').waitFor();
      // The director holds no power to approve: the portal offers no such button.
      assert.equal(await page.getByRole('button', { name: 'Approve' }).count(), 0);
      assert.deepEqual(unexpectedErrors(directorPage.consoleErrors), []);
    } finally {
      await directorPage.close();
    }

    const dgPage = await openPage(browser);
    try {
      const page = dgPage.page;
      await signIn(page, url, dg.email, dg.secret);
      await page
        .getByRole('navigation', { name: 'Main' })
        .getByRole('link', { name: 'Security levels' })
        .click();
      await page
        .getByRole('region', { name: 'Drafts in progress' })
        .getByRole('link', { name: /Baseline/ })
        .click();
      await page.getByRole('heading', { level: 2, name: 'Baseline: draft of version 2' }).waitFor();
      await page.getByText(/Proposed .* by Director Infrastructure & Operations/).waitFor();
      await page.getByRole('button', { name: 'Approve' }).click();
      await page.getByText('The draft was approved.').waitFor();
      await page.getByRole('button', { name: 'Publish' }).click();
      await page.getByText('Version 2 was published.').waitFor();
      assert.deepEqual(unexpectedErrors(dgPage.consoleErrors), []);
    } finally {
      await dgPage.close();
    }

    const visitor = await openPage(browser);
    try {
      const page = visitor.page;
      await page.goto(`${url}/levels/baseline/versions/2`);
      await page.getByRole('heading', { level: 2, name: 'Baseline, version 2' }).waitFor();
      await page.getByText(/Published .* by DG Cloud/).waitFor();
      await page.getByRole('link', { name: 'Compare with version 1' }).click();
      await page.getByRole('heading', { level: 2, name: 'Differences between versions' }).waitFor();
      await page.getByText('baseline@1 → baseline@2: 0 added, 0 removed, 1 changed').waitFor();
      await page
        .getByRole('region', { name: 'Controls changed' })
        .getByText(`Parameter ${target.paramId}: ${before} → ${after}`)
        .waitFor();
      assert.deepEqual(unexpectedErrors(visitor.consoleErrors), []);
    } finally {
      await visitor.close();
    }
  });

  it('lets a proposer replace a draft from a YAML profile file, and shows a broken file’s problems', async () => {
    const { browser, url } = running();
    const published = (await (
      await fetch(`${url}/api/v1/levels/maximum/versions/1/profile.json`)
    ).json()) as { profile: { metadata: { title: string } } };
    published.profile.metadata.title = 'Maximum, edited in another OSCAL tool';

    const { page, consoleErrors, close } = await openPage(browser);
    try {
      await signIn(page, url, deputy.email, deputy.secret);
      await page.goto(`${url}/levels/maximum`);
      await page.getByRole('button', { name: 'Start a draft of the next version' }).click();
      await page.getByRole('heading', { level: 2, name: /Maximum.*draft of version 2/ }).waitFor();
      const form = page.getByRole('region', { name: 'Replace the draft from a file' });
      await form.getByLabel('OSCAL profile file').setInputFiles({
        name: 'maximum.yaml',
        mimeType: 'application/yaml',
        buffer: Buffer.from(stringifyYaml(published)),
      });
      await form.getByRole('button', { name: 'Replace the draft' }).click();
      await page.getByText('The draft was replaced from maximum.yaml.').waitFor();
      // The forms now start from the replaced profile.
      const details = page.getByRole('region', { name: 'Title and remarks' });
      assert.equal(
        await details.getByLabel('Title').inputValue(),
        'Maximum, edited in another OSCAL tool',
      );

      await form.getByLabel('OSCAL profile file').setInputFiles({
        name: 'broken.yaml',
        mimeType: 'application/yaml',
        buffer: Buffer.from('profile:\n  uuid: not-a-uuid\n  metadata: {}\n'),
      });
      await form.getByRole('button', { name: 'Replace the draft' }).click();
      const summary = page.getByRole('alert');
      await summary.getByText(/broken\.yaml is not a valid OSCAL/).waitFor();
      await summary.getByText('/profile/uuid').waitFor();
      assert.deepEqual(
        unexpectedErrors(consoleErrors, [
          { status: 422, path: '/api/v1/levels/maximum/draft/profile-file' },
        ]),
        [],
      );
    } finally {
      await close();
    }
  });
}
