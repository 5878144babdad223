import { randomUUID } from 'node:crypto';
import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { ManualClock } from '../../src/clock.js';
import { insertLevelIfMissing } from '../../src/features/levels/repo.js';
import { DEFAULT_LEVELS } from '../../src/features/levels/seed.js';
import { seedDefaultPolicy } from '../../src/features/placement/seed.js';
import { runAccreditationCalendar } from '../../src/jobs/accreditation.js';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { describeEachDatabase } from '../helpers/databases.js';
import { buildOrganization, buildUser, signInAs } from '../helpers/factories.js';
import { buildAccreditedOffering } from '../helpers/register.js';

describeEachDatabase('accreditation calendar: reminders and expiry', (database) => {
  let t: TestApp;
  const clock = new ManualClock('2025-07-01T06:00:00Z');
  let cspId = '';
  let adminEmail = '';
  let auditFirm = { id: '', name: 'Calendar Assurance' };

  const mailTo = async (to: string) =>
    (await t.ctx.db.selectFrom('outbox').select('payload').execute())
      .map((row) => JSON.parse(row.payload) as { to: string; subject: string; text: string })
      .filter((mail) => mail.to === to);
  const entry = (offeringId: string) =>
    t.ctx.db
      .selectFrom('register_entries')
      .selectAll()
      .where('offering_id', '=', offeringId)
      .executeTakeFirstOrThrow();

  before(async () => {
    t = await createTestApp(database, { overrides: { clock } });
    cspId = await buildOrganization(t.ctx, 'csp', { name: 'Sovereign Cloud' });
    adminEmail = (await buildUser(t.ctx, cspId, 'csp_admin')).email;
    await buildUser(t.ctx, cspId, 'csp_staff');
    auditFirm = {
      id: await buildOrganization(t.ctx, 'audit_firm', { name: auditFirm.name }),
      name: auditFirm.name,
    };
  });
  after(() => t.close());

  it('reminds the provider once per mark before expiry, then expires the day after validity', async () => {
    const { offeringId, applicationId } = await buildAccreditedOffering(t.ctx, cspId, {
      auditFirm,
      grantedAt: '2025-07-01T06:00:00Z',
      validUntil: '2026-06-30',
    });
    clock.set('2026-04-05T06:00:00Z'); // 86 days before the end: the 90-day mark
    const first = await runAccreditationCalendar(t.ctx);
    assert.equal(first.expired, 0);
    assert.ok(first.reminders >= 1, JSON.stringify(first));
    assert.equal((await runAccreditationCalendar(t.ctx)).reminders, 0, 'each mark is sent once');
    const renewals = (await mailTo(adminEmail)).filter((m) => /renewal/.test(m.subject));
    assert.equal(renewals.length, 1);
    assert.match(renewals[0]?.text ?? '', /ends on 2026-06-30 \(in 86 days\)/);

    clock.set('2026-06-25T06:00:00Z'); // the 7-day mark
    await runAccreditationCalendar(t.ctx);
    assert.equal((await mailTo(adminEmail)).filter((m) => /renewal/.test(m.subject)).length, 2);

    clock.set('2026-06-30T23:00:00Z'); // still the last valid day
    assert.equal((await runAccreditationCalendar(t.ctx)).expired, 0);
    assert.equal((await entry(offeringId)).status, 'accredited');

    clock.set('2026-07-01T00:30:00Z');
    // Two runners at once (two instances): the accreditation expires once.
    const runs = await Promise.all([
      runAccreditationCalendar(t.ctx),
      runAccreditationCalendar(t.ctx),
    ]);
    assert.equal(runs[0].expired + runs[1].expired, 1, JSON.stringify(runs));
    assert.equal((await entry(offeringId)).status, 'expired');
    const events = await t.ctx.db
      .selectFrom('accreditation_events')
      .select(['type', 'actor_user_id'])
      .where('application_id', '=', applicationId)
      .where('type', '=', 'AccreditationExpired')
      .execute();
    assert.deepEqual(events, [{ type: 'AccreditationExpired', actor_user_id: null }]);
    const expiredMail = (await mailTo(adminEmail)).filter((m) => /expired/.test(m.subject));
    assert.equal(expiredMail.length, 1);
    // Nothing more to remind of, or to expire.
    assert.deepEqual(await runAccreditationCalendar(t.ctx), {
      expired: 0,
      reminders: 0,
      suspensionsTakingEffect: 0,
    });
  });

  it('expires a suspended accreditation too, and leaves revoked ones alone', async () => {
    clock.set('2026-07-01T06:00:00Z');
    const suspended = await buildAccreditedOffering(t.ctx, cspId, {
      auditFirm,
      grantedAt: '2026-07-01T06:00:00Z',
      validUntil: '2026-08-31',
      then: [{ action: 'suspend', at: '2026-07-02T06:00:00Z', reason: 'Breach not reported.' }],
    });
    const revoked = await buildAccreditedOffering(t.ctx, cspId, {
      auditFirm,
      grantedAt: '2026-07-01T06:00:00Z',
      validUntil: '2026-08-31',
      then: [{ action: 'revoke', at: '2026-07-02T06:00:00Z', reason: 'Fraud.' }],
    });
    clock.set('2026-09-01T06:00:00Z');
    await runAccreditationCalendar(t.ctx);
    assert.equal((await entry(suspended.offeringId)).status, 'expired');
    assert.equal((await entry(revoked.offeringId)).status, 'revoked');
  });

  it('decides the placements on an offering again on the day its suspension takes effect, once', async () => {
    clock.set('2026-10-01T06:00:00Z');
    for (const level of DEFAULT_LEVELS) {
      await insertLevelIfMissing(t.ctx.db, {
        id: randomUUID(),
        ...level,
        created_at: clock.now().toISOString(),
      });
    }
    await seedDefaultPolicy(t.ctx);
    const { offeringId } = await buildAccreditedOffering(t.ctx, cspId, {
      auditFirm,
      grantedAt: '2026-10-01T06:00:00Z',
      validUntil: '2027-09-30',
      then: [
        {
          action: 'suspend',
          at: '2026-10-01T07:00:00Z',
          reason: 'Breach not reported.',
          effectiveOn: '2026-10-15',
        },
      ],
    });
    const pseId = await buildOrganization(t.ctx, 'pse', { name: 'Ministry of Records' });
    const staff = await signInAs(t.app, (await buildUser(t.ctx, pseId, 'pse_staff')).email);
    const created = await staff.send('POST', '/api/v1/systems', {
      name: 'Public notices',
      purpose: 'Publishes notices',
      owner: { name: 'Editor', email: 'editor@records.example' },
      users: { description: 'the public', approximateCount: 10000 },
      currentHosting: { kind: 'offering', offeringId },
    });
    assert.equal(created.statusCode, 201, created.body);
    const systemId = created.json<{ id: string }>().id;
    const classified = await staff.send('PUT', `/api/v1/systems/${systemId}/classification`, {
      informationTypes: [
        {
          name: 'Notices',
          confidentiality: 'none',
          integrity: 'low',
          availability: 'low',
          markings: [],
        },
      ],
    });
    assert.equal(classified.statusCode, 200, classified.body);
    const status = async () =>
      (
        await t.ctx.db
          .selectFrom('system_placements')
          .select('status')
          .where('system_id', '=', systemId)
          .executeTakeFirstOrThrow()
      ).status;
    // Suspended ahead: still in force, so still in policy, until its first day.
    assert.equal(await status(), 'in_policy');
    assert.equal((await runAccreditationCalendar(t.ctx)).suspensionsTakingEffect, 0);
    assert.equal(await status(), 'in_policy');

    clock.set('2026-10-15T00:10:00Z');
    const runs = await Promise.all([
      runAccreditationCalendar(t.ctx),
      runAccreditationCalendar(t.ctx),
    ]);
    assert.equal(runs[0].suspensionsTakingEffect + runs[1].suspensionsTakingEffect, 1);
    assert.equal(await status(), 'out_of_policy');
    assert.equal((await runAccreditationCalendar(t.ctx)).suspensionsTakingEffect, 0);
  });
});
