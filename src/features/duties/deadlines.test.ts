import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DEFAULT_OBLIGATIONS } from './default-obligations.js';
import {
  escalationsDue,
  finalReportDueAt,
  initialNoticeHours,
  nextUpdateDueAt,
  reportingDeadlines,
  updateOverdue,
  type BreachTiming,
} from './deadlines.js';
import type { ReportingParameters } from './model.js';

const params = DEFAULT_OBLIGATIONS.reporting;
const ladder = DEFAULT_OBLIGATIONS.escalation;
const with_ = (patch: Partial<ReportingParameters>): ReportingParameters => ({
  ...params,
  ...patch,
});

const breach = (patch: Partial<BreachTiming> = {}): BreachTiming => ({
  discoveredAt: '2026-03-01T10:00:00Z',
  reportedAt: '2026-03-01T10:45:00Z',
  personalData: false,
  levelNoticeHours: null,
  ...patch,
});

describe('initialNoticeHours', () => {
  it('keeps the duty when the level is looser and the rule is stricter (Baseline 24 h vs 1 h)', () => {
    assert.equal(initialNoticeHours(params, 24), 1);
  });
  it('takes a stricter level figure under the stricter rule', () => {
    assert.equal(initialNoticeHours(with_({ initialNoticeHours: 4 }), 2), 2);
  });
  it('follows the level either way under the level rule', () => {
    assert.equal(initialNoticeHours(with_({ levelNotice: 'level' }), 24), 24);
  });
  it('ignores the level under duty_only, and a level without a figure', () => {
    assert.equal(initialNoticeHours(with_({ levelNotice: 'duty_only' }), 0.5), 1);
    assert.equal(initialNoticeHours(with_({ levelNotice: 'level' }), null), 1);
  });
});

describe('reportingDeadlines', () => {
  it('gives the delay in minutes and on time within the hour', () => {
    const d = reportingDeadlines(breach(), params, '2026-03-02T00:00:00Z');
    assert.equal(d.delayMinutes, 45);
    assert.equal(d.late, false);
    assert.deepEqual(d.tracks, [
      { track: 'initial_notice', hours: 1, dueAt: '2026-03-01T11:00:00.000Z', late: false },
    ]);
  });

  it('is on time at exactly the due instant and late one minute after', () => {
    assert.equal(
      reportingDeadlines(
        breach({ reportedAt: '2026-03-01T11:00:00Z' }),
        params,
        '2026-03-05T00:00:00Z',
      ).late,
      false,
    );
    const late = reportingDeadlines(
      breach({ reportedAt: '2026-03-01T11:01:00Z' }),
      params,
      '2026-03-05T00:00:00Z',
    );
    assert.equal(late.late, true);
    assert.equal(late.delayMinutes, 61);
  });

  it('adds the 72-hour track for personal data, judged separately', () => {
    const d = reportingDeadlines(
      breach({ personalData: true, reportedAt: '2026-03-03T10:00:00Z' }),
      params,
      '2026-03-09T00:00:00Z',
    );
    assert.deepEqual(
      d.tracks.map((t) => [t.track, t.dueAt, t.late]),
      [
        ['initial_notice', '2026-03-01T11:00:00.000Z', true],
        ['personal_data', '2026-03-04T10:00:00.000Z', false],
      ],
    );
  });

  it('measures an unreported breach up to the instant checked', () => {
    const early = reportingDeadlines(breach({ reportedAt: null }), params, '2026-03-01T10:30:00Z');
    assert.deepEqual([early.reported, early.late, early.delayMinutes], [false, false, 30]);
    const late = reportingDeadlines(breach({ reportedAt: null }), params, '2026-03-01T12:00:00Z');
    assert.equal(late.late, true);
  });

  it('uses the level figure when the rule says so', () => {
    const d = reportingDeadlines(
      breach({ levelNoticeHours: 24, reportedAt: '2026-03-01T20:00:00Z' }),
      with_({ levelNotice: 'level' }),
      '2026-03-02T00:00:00Z',
    );
    assert.equal(d.tracks[0]?.dueAt, '2026-03-02T10:00:00.000Z');
    assert.equal(d.late, false);
  });

  it('refuses an instant it cannot read', () => {
    assert.throws(
      () =>
        reportingDeadlines(breach({ discoveredAt: 'yesterday' }), params, '2026-03-01T00:00:00Z'),
      /discoveredAt/,
    );
  });
});

describe('updates and final report', () => {
  it('counts the update cadence from the last update, else from the report', () => {
    assert.equal(nextUpdateDueAt(null, '2026-03-01T10:45:00Z', params), '2026-03-02T10:45:00.000Z');
    assert.equal(
      updateOverdue('2026-03-02T09:00:00Z', '2026-03-01T10:45:00Z', params, '2026-03-03T08:59:00Z'),
      false,
    );
    assert.equal(
      updateOverdue('2026-03-02T09:00:00Z', '2026-03-01T10:45:00Z', params, '2026-03-03T09:01:00Z'),
      true,
    );
  });

  it('puts the final report 30 days after the report, or after discovery while unreported', () => {
    assert.equal(
      finalReportDueAt('2026-03-01T10:00:00Z', '2026-03-01T10:45:00Z', params),
      '2026-03-31T10:45:00.000Z',
    );
    assert.equal(
      finalReportDueAt('2026-03-01T10:00:00Z', null, params),
      '2026-03-31T10:00:00.000Z',
    );
  });
});

describe('escalationsDue', () => {
  const request = { id: 'req-1', dueAt: '2026-03-10T00:00:00Z', answeredAt: null };

  it('escalates nothing before the first step', () => {
    assert.deepEqual(escalationsDue(request, ladder, '2026-03-10T23:59:00Z'), []);
  });

  it('reaches each step after its hours, cumulatively, with stable keys', () => {
    assert.deepEqual(
      escalationsDue(request, ladder, '2026-03-13T00:00:00Z').map((e) => [e.key, e.post, e.dueAt]),
      [
        ['escalation/req-1/0', 'joint_director_audits', '2026-03-11T00:00:00.000Z'],
        ['escalation/req-1/1', 'director_audits', '2026-03-13T00:00:00.000Z'],
      ],
    );
    const all = escalationsDue(request, ladder, '2026-04-01T00:00:00Z');
    assert.deepEqual(
      all.map((e) => e.step),
      [0, 1, 2],
    );
    assert.equal(all[2]?.dueAt, '2026-03-16T00:00:00.000Z');
  });

  it('gives the same key for a step on every run, so a job inserts it once', () => {
    const first = escalationsDue(request, ladder, '2026-03-11T01:00:00Z');
    const later = escalationsDue(request, ladder, '2026-03-20T00:00:00Z');
    assert.equal(first[0]?.key, later[0]?.key);
  });

  it('stops once the request is answered', () => {
    assert.deepEqual(
      escalationsDue(
        { ...request, answeredAt: '2026-03-12T00:00:00Z' },
        ladder,
        '2026-04-01T00:00:00Z',
      ),
      [],
    );
  });
});
