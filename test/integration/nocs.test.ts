import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, it } from 'node:test';
import { Migrator } from 'kysely';
import { ManualClock } from '../../src/clock.js';
import { AppContext } from '../../src/context.js';
import { migrateToLatest } from '../../src/db/migrate.js';
import { migrations } from '../../src/db/migrations/index.js';
import { insertLevelIfMissing } from '../../src/features/levels/repo.js';
import { DEFAULT_LEVELS } from '../../src/features/levels/seed.js';
import { activeNocsFor } from '../../src/features/placement/noc-repo.js';
import { seedDefaultPolicy } from '../../src/features/placement/seed.js';
import { runNocCalendar } from '../../src/jobs/noc.js';
import { createTestApp, testConfig, type TestApp } from '../helpers/app.js';
import { describeEachDatabase } from '../helpers/databases.js';
import {
  appoint,
  buildOrganization,
  buildUser,
  setUpOffice,
  signInAs,
  type Client,
} from '../helpers/factories.js';
import { buildAccreditedOffering } from '../helpers/register.js';
import { buildSystem } from '../helpers/systems.js';

interface NocView {
  id: string;
  system: { id: string; name: string };
  organization: { id: string; name: string };
  status: string;
  classCode: string;
  deviations: string[];
  deploymentModels: string[];
  from: string;
  until: string;
  validFrom: string | null;
  validUntil: string | null;
  review: { recommendation: string; notes: string } | null;
  closure: { reasons: string[] } | null;
  revision: number;
  allowedActions: string[];
  history: { type: string; actorUserId: string | null; actorPosition: string | null; at: string }[];
}
interface Problem {
  code: string;
  detail: string;
  errors?: { pointer: string; message: string }[];
}

describeEachDatabase('NOC exemptions', (database) => {
  let t: TestApp;
  const clock = new ManualClock('2026-08-01T08:00:00Z');
  let dg: Client;
  let dgEmail = '';
  let adoption: Client;
  let audits: Client;
  let staff: Client;
  let otherPse: Client;
  let pseId = '';
  let pseAdminEmail = '';
  let staffEmail = '';
  let adoptionEmail = '';
  let adoptionUserId = '';
  let sensitiveSystem = '';
  let restrictedSystem = '';

  const classify = (id: string, classCode: string) =>
    t.ctx.db
      .updateTable('pse_systems')
      .set({ class_code: classCode })
      .where('id', '=', id)
      .execute();
  const count = async () =>
    (await t.ctx.db.selectFrom('noc_exemptions').select('id').execute()).length;
  const mailTo = async (to: string) =>
    (await t.ctx.db.selectFrom('outbox').select('payload').execute())
      .map((row) => JSON.parse(row.payload) as { to: string; subject: string; text: string })
      .filter((mail) => mail.to === to);
  const request = (client: Client, systemId: string, body: Record<string, unknown> = {}) =>
    client.send('POST', `/api/v1/systems/${systemId}/nocs`, {
      deviations: ['deployment_model'],
      deploymentModels: ['private'],
      facility: 'Ministry data centre, Islamabad',
      reason: 'Case files must stay on our own hardware until the archive is migrated.',
      from: '2026-08-01',
      until: '2027-01-31',
      ...body,
    });
  const act = (client: Client, id: string, action: string, body: Record<string, unknown> = {}) =>
    client.send('POST', `/api/v1/nocs/${id}/actions/${action}`, body);
  /** A NOC for the Sensitive system, reviewed and awaiting the DG Cloud. */
  const reviewed = async (): Promise<string> => {
    const created = await request(staff, sensitiveSystem);
    assert.equal(created.statusCode, 201, created.body);
    const id = created.json<NocView>().id;
    const review = await act(adoption, id, 'review', {
      recommendation: 'grant',
      reasons: ['A legitimate reason: the migration plan is attached'],
    });
    assert.equal(review.statusCode, 200, review.body);
    return id;
  };

  before(async () => {
    t = await createTestApp(database, { overrides: { clock } });
    const office = await setUpOffice(t.ctx);
    for (const level of DEFAULT_LEVELS) {
      await insertLevelIfMissing(t.ctx.db, {
        id: randomUUID(),
        ...level,
        created_at: clock.now().toISOString(),
      });
    }
    await seedDefaultPolicy(t.ctx);
    dgEmail = office.email;
    dg = await signInAs(t.app, dgEmail);
    const adoptionUser = await buildUser(t.ctx, office.organizationId, 'officer');
    adoptionUserId = adoptionUser.id;
    await appoint(t.ctx, adoptionUser.id, 'director_cloud_adoption', '2026-01-01');
    adoptionEmail = adoptionUser.email;
    adoption = await signInAs(t.app, adoptionEmail);
    const auditsUser = await buildUser(t.ctx, office.organizationId, 'officer');
    await appoint(t.ctx, auditsUser.id, 'director_audits', '2026-01-01');
    audits = await signInAs(t.app, auditsUser.email);

    pseId = await buildOrganization(t.ctx, 'pse', { name: 'Ministry of Interior' });
    staffEmail = (await buildUser(t.ctx, pseId, 'pse_staff')).email;
    staff = await signInAs(t.app, staffEmail);
    pseAdminEmail = (await buildUser(t.ctx, pseId, 'pse_admin')).email;
    const otherPseId = await buildOrganization(t.ctx, 'pse', { name: 'Ministry of Water' });
    otherPse = await signInAs(t.app, (await buildUser(t.ctx, otherPseId, 'pse_admin')).email);

    sensitiveSystem = await buildSystem(t.ctx, pseId, { name: 'Case files' });
    await classify(sensitiveSystem, 'sensitive');
    restrictedSystem = await buildSystem(t.ctx, pseId, { name: 'Visitor log' });
    await classify(restrictedSystem, 'restricted');
  });
  after(() => t.close());

  it('a private-cloud NOC for Sensitive data is requested, reviewed and granted for a shorter period', async () => {
    const created = await request(staff, sensitiveSystem);
    assert.equal(created.statusCode, 201, created.body);
    const noc = created.json<NocView>();
    assert.equal(created.headers.location, `/api/v1/nocs/${noc.id}`);
    assert.equal(noc.status, 'requested');
    assert.equal(noc.classCode, 'sensitive');
    assert.deepEqual(noc.deploymentModels, ['private']);
    assert.deepEqual(noc.allowedActions, ['withdraw']);

    const queue = await adoption.get('/api/v1/nocs?status=requested');
    assert.equal(queue.statusCode, 200, queue.body);
    assert.ok(queue.json<{ items: NocView[] }>().items.some((n) => n.id === noc.id));
    assert.deepEqual(
      (await adoption.get(`/api/v1/nocs/${noc.id}`)).json<NocView>().allowedActions,
      ['review'],
    );

    const review = await act(adoption, noc.id, 'review', {
      recommendation: 'grant',
      reasons: ['The archive migration is scheduled; the reason is legitimate'],
    });
    assert.equal(review.statusCode, 200, review.body);
    assert.equal(review.json<NocView>().status, 'under_review');

    const grant = await act(dg, noc.id, 'grant', {
      validUntil: '2026-12-31',
      notes: 'Granted until the end of the year',
    });
    assert.equal(grant.statusCode, 200, grant.body);
    const granted = grant.json<NocView>();
    assert.equal(granted.status, 'granted');
    assert.equal(granted.validFrom, '2026-08-01');
    assert.equal(granted.validUntil, '2026-12-31');
    assert.deepEqual(
      granted.history.map((h) => [h.type, h.actorPosition]),
      [
        ['NocRequested', null],
        ['NocRecommended', 'Director Cloud Adoption'],
        ['NocGranted', 'DG Cloud'],
      ],
    );
    assert.equal(granted.history[1]?.actorUserId, adoptionUserId);

    const active = await activeNocsFor(t.ctx.db, [sensitiveSystem, restrictedSystem], '2026-09-01');
    assert.deepEqual(
      active.get(sensitiveSystem)?.map((n) => [n.id, n.covers, n.deploymentModels, n.validUntil]),
      [[noc.id, ['deployment_model'], ['private'], '2026-12-31']],
    );
    assert.deepEqual(active.get(restrictedSystem), []);
    assert.deepEqual(
      (await activeNocsFor(t.ctx.db, [sensitiveSystem], '2027-01-01')).get(sensitiveSystem),
      [],
    );

    const mail = await mailTo(pseAdminEmail);
    assert.ok(
      mail.some((m) => /NOC granted/.test(m.subject) && /until 2026-12-31/.test(m.text)),
      JSON.stringify(mail),
    );
    const audit = await t.ctx.db
      .selectFrom('audit_events')
      .select(['action', 'actor_position'])
      .where('target_id', '=', noc.id)
      .orderBy('seq')
      .execute();
    assert.deepEqual(
      audit.map((a) => a.action),
      ['noc.request', 'noc.review', 'noc.grant'],
    );
    assert.equal(audit[2]?.actor_position, 'DG Cloud');
  });

  it('refuses a NOC longer than the policy allows, naming the last day allowed, and stores nothing', async () => {
    const before = await count();
    const response = await request(staff, sensitiveSystem, { until: '2027-08-01' });
    assert.equal(response.statusCode, 422, response.body);
    const problem = response.json<Problem>();
    assert.equal(problem.code, 'noc_not_allowed');
    assert.match(
      problem.detail,
      /at most 12 months: from 2026-08-01 it may run until 2027-07-31, not 2027-08-01/,
    );
    assert.deepEqual(
      problem.errors?.map((e) => e.pointer),
      ['/until'],
    );
    assert.equal(await count(), before);
  });

  it('refuses a NOC for Restricted data when the policy allows none', async () => {
    const before = await count();
    const response = await request(staff, restrictedSystem);
    assert.equal(response.statusCode, 422, response.body);
    assert.match(response.json<Problem>().detail, /the policy allows no NOC for Restricted data/);
    assert.equal(await count(), before);
  });

  it('refuses an unknown system, a deviation the rule does not allow and an unknown offering', async () => {
    const missing = await request(staff, 'no-such-system');
    assert.equal(missing.statusCode, 404);
    const residency = await request(staff, sensitiveSystem, {
      deviations: ['residency'],
      deploymentModels: [],
    });
    assert.equal(residency.statusCode, 422, residency.body);
    assert.match(
      residency.json<Problem>().detail,
      /may cover only deployment_model, not residency/,
    );
    const offering = await request(staff, sensitiveSystem, { offeringId: 'no-such-offering' });
    assert.equal(offering.statusCode, 422, offering.body);
    assert.equal(offering.json<Problem>().errors?.[0]?.pointer, '/offeringId');
  });

  it("answers 404 to another PSE, and lists only a PSE's own NOCs", async () => {
    const id = await reviewed();
    assert.equal((await otherPse.get(`/api/v1/nocs/${id}`)).statusCode, 404);
    assert.equal((await act(otherPse, id, 'withdraw', { reason: 'not mine' })).statusCode, 404);
    assert.equal((await request(otherPse, sensitiveSystem)).statusCode, 404);
    const theirs = (await otherPse.get('/api/v1/nocs')).json<{ total: number }>();
    assert.equal(theirs.total, 0);
    const ours = (await staff.get('/api/v1/nocs')).json<{ items: NocView[]; total: number }>();
    assert.ok(ours.total >= 2);
    assert.ok(ours.items.every((n) => n.organization.id === pseId));
  });

  it('refuses the wrong officer (403, audited) and the PSE deciding its own request', async () => {
    const created = await request(staff, sensitiveSystem);
    const id = created.json<NocView>().id;
    const byAudits = await act(audits, id, 'review', { recommendation: 'grant', reasons: ['ok'] });
    assert.equal(byAudits.statusCode, 403, byAudits.body);
    assert.equal(byAudits.json<Problem>().code, 'not_permitted');
    assert.match(byAudits.json<Problem>().detail, /review_exemption/);
    const denied = await t.ctx.db
      .selectFrom('audit_events')
      .select(['target_id', 'summary'])
      .where('action', '=', 'access.denied')
      .where('outcome', '=', 'denied')
      .execute();
    assert.ok(
      denied.some(
        (d) => (d.target_id ?? '').includes('/nocs/') && d.summary.includes('review_exemption'),
      ),
      'the refusal is in the audit trail',
    );
    await act(adoption, id, 'review', { recommendation: 'grant', reasons: ['ok'] });
    const byPse = await act(staff, id, 'grant', {});
    assert.equal(byPse.statusCode, 403, byPse.body);
    const byReviewer = await act(adoption, id, 'grant', {});
    assert.equal(byReviewer.statusCode, 403, byReviewer.body);
    assert.equal((await dg.get(`/api/v1/nocs/${id}`)).json<NocView>().status, 'under_review');
  });

  it('of two officers deciding at once, exactly one succeeds', async () => {
    const id = await reviewed();
    const answers = await Promise.all([
      act(dg, id, 'grant', {}),
      act(dg, id, 'refuse', { reasons: ['No legitimate reason'] }),
    ]);
    const codes = answers.map((a) => a.statusCode).sort();
    assert.deepEqual(codes, [200, 409], answers.map((a) => a.body).join('\n'));
    const events = await t.ctx.db
      .selectFrom('noc_events')
      .select('type')
      .where('noc_id', '=', id)
      .execute();
    assert.equal(events.filter((e) => ['NocGranted', 'NocRefused'].includes(e.type)).length, 1);
  });

  it('returns to the PSE, who resubmits; withdraws before a decision; the DG Cloud revokes', async () => {
    const created = await request(staff, sensitiveSystem);
    const id = created.json<NocView>().id;
    const returned = await act(adoption, id, 'return', {});
    assert.equal(returned.statusCode, 400, 'return is a recommendation of review, not a step');
    const back = await act(adoption, id, 'review', {
      recommendation: 'return',
      reasons: ['Name the data centre operator'],
    });
    assert.equal(back.json<NocView>().status, 'returned');
    assert.ok((await mailTo(pseAdminEmail)).some((m) => /returned/.test(m.subject)));
    const again = await act(staff, id, 'resubmit', {
      facility: 'Ministry data centre, Islamabad, operated by the Ministry IT wing',
    });
    assert.equal(again.statusCode, 200, again.body);
    assert.equal(again.json<NocView>().status, 'requested');
    const withdrawn = await act(staff, id, 'withdraw', {
      reason: 'Moving to the government cloud',
    });
    assert.equal(withdrawn.json<NocView>().status, 'withdrawn');

    const grantedId = await reviewed();
    await act(dg, grantedId, 'grant', {});
    const revoked = await act(dg, grantedId, 'revoke', { reason: 'The migration is complete' });
    assert.equal(revoked.statusCode, 200, revoked.body);
    assert.equal(revoked.json<NocView>().status, 'revoked');
    const late = await act(staff, grantedId, 'withdraw', { reason: 'x' });
    assert.equal(late.statusCode, 409);
    assert.equal(late.json<Problem>().code, 'transition_not_allowed');
  });

  it('lists by status, with paging', async () => {
    const all = (await dg.get('/api/v1/nocs?limit=200')).json<{ total: number }>();
    const page = (await dg.get('/api/v1/nocs?limit=2&offset=1')).json<{
      items: NocView[];
      total: number;
      limit: number;
      offset: number;
    }>();
    assert.equal(page.total, all.total);
    assert.equal(page.items.length, 2);
    assert.equal(page.offset, 1);
    const granted = (await dg.get('/api/v1/nocs?status=granted')).json<{ items: NocView[] }>();
    assert.ok(granted.items.length >= 1);
    assert.ok(granted.items.every((n) => n.status === 'granted'));
    assert.equal((await dg.get('/api/v1/nocs?status=nonsense')).statusCode, 400);
  });

  it('expires a NOC the day after its last day, once, with two runners at once', async () => {
    const id = await reviewed();
    await act(dg, id, 'grant', { validUntil: '2026-09-30' });
    clock.set('2026-09-30T23:00:00Z');
    assert.equal((await runNocCalendar(t.ctx)).expired, 0, 'still its last day');
    clock.set('2026-10-01T00:30:00Z');
    const before = (await mailTo(pseAdminEmail)).filter((m) =>
      /NOC expired/.test(m.subject),
    ).length;
    const runs = await Promise.all([runNocCalendar(t.ctx), runNocCalendar(t.ctx)]);
    const expiredNow = runs[0].expired + runs[1].expired;
    assert.equal(expiredNow, 1, JSON.stringify(runs));
    dg = await signInAs(t.app, dgEmail); // the earlier session has ended by now
    const noc = (await dg.get(`/api/v1/nocs/${id}`)).json<NocView>();
    assert.equal(noc.status, 'expired');
    const expiries = noc.history.filter((h) => h.type === 'NocExpired');
    assert.equal(expiries.length, 1);
    assert.equal(expiries[0]?.actorUserId, null);
    const mails = (await mailTo(pseAdminEmail)).filter((m) => /NOC expired/.test(m.subject));
    assert.equal(mails.length - before, expiredNow, 'one e-mail per NOC expired');
    assert.ok(mails.some((m) => /ended on 2026-09-30/.test(m.text)));
    assert.deepEqual((await runNocCalendar(t.ctx)).expired, 0, 'nothing more to expire');
    const stillActive = (await activeNocsFor(t.ctx.db, [sensitiveSystem], '2026-10-01')).get(
      sensitiveSystem,
    );
    assert.ok(
      stillActive && !stillActive.some((n) => n.id === id),
      'the expired NOC no longer counts',
    );
    assert.ok(
      stillActive.some((n) => n.validUntil === '2026-12-31'),
      'the others still do',
    );
  });

  it('a NOC in force turns a refused placement into allow with conditions; its expiry flags the system again', async () => {
    // Sessions from before the clock moved have ended.
    dg = await signInAs(t.app, dgEmail);
    adoption = await signInAs(t.app, adoptionEmail);
    staff = await signInAs(t.app, staffEmail);
    const cspId = await buildOrganization(t.ctx, 'csp', { name: 'Private Cloud Co' });
    const { offeringId } = await buildAccreditedOffering(t.ctx, cspId, {
      deploymentModel: 'private',
      levelSought: { code: 'enhanced', rank: 3 },
    });
    const created = await staff.send('POST', '/api/v1/systems', {
      name: 'Prosecution files',
      purpose: 'Case management',
      owner: { name: 'Registrar', email: 'registrar@interior.example' },
      users: { description: 'prosecutors', approximateCount: 300 },
      currentHosting: { kind: 'offering', offeringId },
    });
    assert.equal(created.statusCode, 201, created.body);
    const systemId = created.json<{ id: string }>().id;
    const classified = await staff.send('PUT', `/api/v1/systems/${systemId}/classification`, {
      informationTypes: [
        {
          name: 'Case files',
          confidentiality: 'moderate',
          integrity: 'moderate',
          availability: 'low',
          markings: [],
        },
      ],
    });
    assert.equal(classified.statusCode, 200, classified.body);
    assert.equal(classified.json<{ classCode: string }>().classCode, 'sensitive');

    const today = clock.now().toISOString().slice(0, 10);
    const asked = await request(staff, systemId, { offeringId, from: today, until: '2026-10-31' });
    assert.equal(asked.statusCode, 201, asked.body);
    const nocId = asked.json<NocView>().id;
    await act(adoption, nocId, 'review', { recommendation: 'grant', reasons: ['Legitimate'] });
    const granted = await act(dg, nocId, 'grant', {});
    assert.equal(granted.statusCode, 200, granted.body);

    const placement = () =>
      t.ctx.db
        .selectFrom('system_placements')
        .selectAll()
        .where('system_id', '=', systemId)
        .executeTakeFirstOrThrow();
    const outcome = async () => {
      const row = await placement();
      const decision = await t.ctx.db
        .selectFrom('placement_decisions')
        .select(['outcome', 'nocs'])
        .where('id', '=', row.current_decision_id ?? '')
        .executeTakeFirstOrThrow();
      return {
        status: row.status,
        trigger: row.trigger,
        outcome: decision.outcome,
        nocs: decision.nocs,
      };
    };
    const inForce = await outcome();
    assert.equal(inForce.trigger, 'noc_granted');
    assert.equal(inForce.status, 'in_policy');
    assert.equal(inForce.outcome, 'allow_with_conditions');
    assert.match(inForce.nocs, new RegExp(nocId));

    clock.set('2026-11-01T01:00:00Z');
    assert.equal((await runNocCalendar(t.ctx)).expired, 1);
    const after = await outcome();
    assert.equal(after.trigger, 'noc_expired');
    assert.equal(after.status, 'out_of_policy');
    assert.equal(after.outcome, 'deny');
    assert.ok((await placement()).flagged_at, 'the system is flagged with the date');
  });

  it('applies a NOC granted ahead to placement on its first day, once, with two runners at once', async () => {
    dg = await signInAs(t.app, dgEmail);
    adoption = await signInAs(t.app, adoptionEmail);
    staff = await signInAs(t.app, staffEmail);
    const asked = await request(staff, sensitiveSystem, {
      from: '2026-11-10',
      until: '2026-12-10',
    });
    assert.equal(asked.statusCode, 201, asked.body);
    const id = asked.json<NocView>().id;
    await act(adoption, id, 'review', { recommendation: 'grant', reasons: ['Legitimate'] });
    const granted = await act(dg, id, 'grant', {});
    assert.equal(granted.json<NocView>().validFrom, '2026-11-10');
    assert.equal((await runNocCalendar(t.ctx)).started, 0, 'not yet in force');
    assert.deepEqual(
      (await activeNocsFor(t.ctx.db, [sensitiveSystem], '2026-11-09'))
        .get(sensitiveSystem)
        ?.some((n) => n.id === id),
      false,
    );
    clock.set('2026-11-10T00:10:00Z');
    const runs = await Promise.all([runNocCalendar(t.ctx), runNocCalendar(t.ctx)]);
    assert.equal(runs[0].started + runs[1].started, 1, JSON.stringify(runs));
    assert.equal((await runNocCalendar(t.ctx)).started, 0);
    const placement = await t.ctx.db
      .selectFrom('system_placements')
      .select('trigger')
      .where('system_id', '=', sensitiveSystem)
      .executeTakeFirst();
    assert.equal(placement?.trigger, 'noc_granted');
  });

  it('gives review_exemption to the posts of an installation set up before it, keeping its edits', async () => {
    const ctx = await AppContext.create(testConfig(await database.another(), database.dataDir));
    try {
      const names = Object.keys(migrations);
      const previous = names[names.indexOf('0014_noc_exemptions') - 1] ?? '';
      const migrator = new Migrator({
        db: ctx.db,
        provider: { getMigrations: () => Promise.resolve({ ...migrations }) },
      });
      assert.equal((await migrator.migrateTo(previous)).error, undefined);
      await setUpOffice(ctx);
      // As the office stood before 0014: nobody holds the power, and one post edited by the office.
      for (const row of await ctx.db
        .selectFrom('positions')
        .select(['id', 'code', 'powers'])
        .execute()) {
        const powers = (JSON.parse(row.powers) as string[]).filter(
          (p) =>
            p !== 'review_exemption' &&
            !(row.code === 'director_cloud_adoption' && p === 'review_accreditation'),
        );
        await ctx.db
          .updateTable('positions')
          .set({ powers: JSON.stringify(powers) })
          .where('id', '=', row.id)
          .execute();
      }
      assert.deepEqual((await migrateToLatest(ctx.db)).slice(0, 1), ['0014_noc_exemptions']);
      const rows = await ctx.db.selectFrom('positions').select(['code', 'powers']).execute();
      const powers = new Map(rows.map((r) => [r.code, JSON.parse(r.powers) as string[]]));
      assert.ok(powers.get('dg_cloud')?.includes('review_exemption'));
      assert.ok(powers.get('director_cloud_adoption')?.includes('review_exemption'));
      assert.ok(
        !powers.get('director_cloud_adoption')?.includes('review_accreditation'),
        'the edit stays',
      );
      assert.ok(!powers.get('director_audits')?.includes('review_exemption'));
    } finally {
      await ctx.close();
    }
  });
});
