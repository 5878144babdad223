import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, it } from 'node:test';
import { ManualClock } from '../../src/clock.js';
import type { LevelNotice } from '../../src/features/duties/level-notice.js';
import type { ReportingParameters } from '../../src/features/duties/model.js';
import { seedDefaultContent } from '../../src/features/levels/seed.js';
import type { PolicyPack } from '../../src/features/placement/model.js';
import { seedDefaultPolicy } from '../../src/features/placement/seed.js';
import { runDutyCheck } from '../../src/jobs/duties.js';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { describeEachDatabase } from '../helpers/databases.js';
import {
  buildOrganization,
  buildUser,
  setUpOffice,
  signInAs,
  type Client,
} from '../helpers/factories.js';
import { countRows, emailsTo, timelineOf } from '../helpers/incidents.js';
import { writeLevelContent } from '../helpers/level-content.js';

// A security level's own breach-notice figure (the stand-in levels set 24, 12, 4 and 1 hours in
// their parameter co-br-1_prm_1) and the policy's rule on it: `level`, `stricter`, `duty_only`.

interface Incident {
  id: string;
  late: boolean;
  policyVersion: number;
  deadlines: { track: string; hours: number; met: boolean }[];
  levelNotice: LevelNotice | null;
}

const HOUR = 3_600_000;
const STAND_IN_PARAMETER = 'co-br-1_prm_1';

describeEachDatabase("A level's own breach-notice deadline", (database) => {
  let t: TestApp;
  const clock = new ManualClock('2026-08-01T08:00:00Z');
  let dg: Client;
  let dgEmail = '';
  let pse: Client;

  const ago = (hours: number) => new Date(clock.now().getTime() - hours * HOUR).toISOString();
  const report = async (dataClasses: string[], hoursAgo: number): Promise<Incident> => {
    const answer = await pse.send('POST', '/api/v1/incidents', {
      title: `A breach of ${dataClasses.join(' and ')} data`,
      description: 'Files were copied out of a storage bucket.',
      discoveredAt: ago(hoursAgo),
      personalData: false,
      dataClasses,
      contact: { name: 'Asha Khan', email: 'asha.khan@pse.example' },
    });
    assert.equal(answer.statusCode, 201, answer.body);
    return answer.json<Incident>();
  };
  const initialNotice = (incident: Incident) => {
    const track = incident.deadlines.find((d) => d.track === 'initial_notice');
    assert.ok(track, 'an initial-notice deadline');
    return track;
  };
  /** Publishes the next policy version with these reporting parameters. */
  const publishReporting = async (reporting: Partial<ReportingParameters>): Promise<void> => {
    assert.equal((await dg.send('POST', '/api/v1/policy/draft')).statusCode, 201);
    const { pack } = (await dg.get('/api/v1/policy/draft')).json<{ pack: PolicyPack }>();
    assert.ok(pack.duties);
    pack.duties.reporting = { ...pack.duties.reporting, ...reporting };
    const saved = await dg.send('PUT', '/api/v1/policy/draft/pack', pack);
    assert.equal(saved.statusCode, 200, saved.body);
    for (const step of ['propose', 'approve', 'publish'])
      assert.equal((await dg.send('POST', `/api/v1/policy/draft/${step}`)).statusCode, 200, step);
  };

  before(async () => {
    t = await createTestApp(database, { overrides: { clock } });
    const office = await setUpOffice(t.ctx);
    await seedDefaultContent(t.ctx, {
      contentDir: writeLevelContent(path.join(database.dataDir, 'content')),
    });
    await seedDefaultPolicy(t.ctx);
    dgEmail = office.email;
    dg = await signInAs(t.app, dgEmail);
    const pseId = await buildOrganization(t.ctx, 'pse', { name: 'Ministry of Interior' });
    pse = await signInAs(t.app, (await buildUser(t.ctx, pseId, 'pse_staff')).email);
  });
  after(() => t.close());

  it("applies the duty alone where the levels have no parameter of the pack's name", async () => {
    // The default pack names the shipped catalog's co-brr-1_prm_1, which the stand-in lacks.
    const incident = await report(['sensitive'], 0.5);
    assert.equal(incident.levelNotice, null);
    assert.equal(initialNotice(incident).hours, 1);
    assert.equal(incident.late, false);
  });

  it("follows the level's figure under `level`: the highest class named decides", async () => {
    await publishReporting({ levelNotice: 'level', levelNoticeParameter: STAND_IN_PARAMETER });
    const breaches = await countRows(t.ctx, 'breaches');

    // Sensitive data must be hosted at Enhanced (4 h): three hours after discovery is on time.
    const onTime = await report(['public', 'sensitive'], 3);
    assert.deepEqual(onTime.levelNotice, {
      dataClass: 'sensitive',
      level: 'enhanced',
      levelTitle: 'Enhanced',
      levelVersion: 1,
      parameter: STAND_IN_PARAMETER,
      hours: 4,
    });
    assert.equal(initialNotice(onTime).hours, 4);
    assert.equal(onTime.late, false);
    const reported = (await timelineOf(t.ctx, onTime.id)).find((e) => e.type === 'reported');
    assert.deepEqual(reported?.data.levelNotice, onTime.levelNotice);
    const mail = (await emailsTo(t.ctx, dgEmail)).find((m) =>
      m.text.includes('"A breach of public and sensitive data"'),
    );
    assert.match(
      mail?.text ?? '',
      /Enhanced \(version 1\), the level of sensitive data, sets 4 hours for the first notice; the level's figure applies/,
    );

    // Secret data: Maximum's one hour has passed, so the report is late and a breach of duty.
    const late = await report(['secret'], 3);
    assert.equal(late.levelNotice?.level, 'maximum');
    assert.equal(initialNotice(late).hours, 1);
    assert.equal(late.late, true);
    assert.equal(await countRows(t.ctx, 'breaches'), breaches + 1);

    // Open data: Baseline's 24 hours, looser than the duty's one, apply under this rule.
    const loose = await report(['open'], 3);
    assert.equal(initialNotice(loose).hours, 24);
    assert.equal(loose.late, false);
  });

  it('takes the shorter of the duty and the level under `stricter`, and keeps what applied at intake', async () => {
    const before = await report(['public', 'sensitive'], 3);
    await publishReporting({ levelNotice: 'stricter', initialNoticeHours: 6 });

    // Restricted: Intermediate sets 12 hours; the duty's 6 are shorter.
    const restricted = await report(['restricted'], 5);
    assert.equal(restricted.levelNotice?.hours, 12);
    assert.equal(initialNotice(restricted).hours, 6);
    assert.equal(restricted.late, false);
    // Sensitive: Enhanced sets 4 hours, shorter than the duty's 6; five hours is late.
    const sensitive = await report(['sensitive'], 5);
    assert.equal(initialNotice(sensitive).hours, 4);
    assert.equal(sensitive.late, true);

    // A report taken under the earlier version reads as it did, deadline and figure alike.
    const earlier = (await dg.get(`/api/v1/incidents/${before.id}`)).json<Incident>();
    assert.equal(earlier.policyVersion, before.policyVersion);
    assert.deepEqual(earlier.levelNotice, before.levelNotice);
    assert.deepEqual(earlier.deadlines, before.deadlines);
    // And the duty check, under the new version, does not find it late after all.
    const breaches = await countRows(t.ctx, 'breaches');
    await runDutyCheck(t.ctx);
    assert.equal(await countRows(t.ctx, 'breaches'), breaches);
  });

  it('ignores the levels under `duty_only`', async () => {
    await publishReporting({ levelNotice: 'duty_only' });
    const incident = await report(['secret'], 2);
    assert.equal(incident.levelNotice, null);
    assert.equal(initialNotice(incident).hours, 6);
    assert.equal(incident.late, false);
  });

  it('refuses a blank parameter name in a draft, naming where', async () => {
    assert.equal((await dg.send('POST', '/api/v1/policy/draft')).statusCode, 201);
    const { pack } = (await dg.get('/api/v1/policy/draft')).json<{ pack: PolicyPack }>();
    assert.ok(pack.duties);
    pack.duties.reporting.levelNoticeParameter = '';
    const saved = await dg.send('PUT', '/api/v1/policy/draft/pack', pack);
    assert.equal(saved.statusCode, 400, saved.body);
    assert.match(saved.body, /levelNoticeParameter/);
    assert.equal((await dg.send('DELETE', '/api/v1/policy/draft')).statusCode, 204);
  });
});
