import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { pdfShownText } from '../../../test/helpers/pdf.js';
import { monthsEnding } from './dashboard.js';
import {
  duration,
  printable,
  renderIncidentSummary,
  when,
  type SummaryIncident,
} from './summary-pdf.js';

const incident: SummaryIncident = {
  id: 'incident-1',
  organization: { id: 'org-1', name: 'Ministry of Examples' },
  title: 'Mailbox exposed to the internet',
  status: 'investigating',
  severity: 'high',
  severityReason: 'Restricted data, 1,001 to 10,000 people',
  description: 'A mailbox server was reachable without authentication.',
  discoveredAt: '2026-12-01T10:00:00.000Z',
  reportedAt: '2026-12-01T12:30:00.000Z',
  reportingDelaySeconds: 9_000,
  late: true,
  noticeDueAt: '2026-12-01T11:00:00.000Z',
  nextUpdateDueAt: '2026-12-02T12:30:00.000Z',
  updateOverdue: false,
  finalReportDueAt: '2026-12-31T12:30:00.000Z',
  finalReportAt: null,
  personalData: true,
  dataClasses: ['restricted'],
  systems: [{ id: 's1', name: 'Mail' }],
  offerings: [],
  recordsAffected: 5_000,
  peopleAffected: null,
  contact: { name: 'Amina Khan', email: 'amina@example.org', phone: null },
  owner: { name: 'Director Audits', email: 'audits@office.example' },
  policyVersion: 1,
  deadlines: [
    { track: 'initial_notice', hours: 1, dueAt: '2026-12-01T11:00:00.000Z', met: false },
    { track: 'personal_data', hours: 72, dueAt: '2026-12-04T10:00:00.000Z', met: true },
  ],
  timeline: [
    {
      seq: 1,
      type: 'reported',
      at: '2026-12-01T12:30:00.000Z',
      actor: { name: 'Reporter', position: null },
      data: { severity: 'high' },
    },
    {
      seq: 2,
      type: 'owner_changed',
      at: '2026-12-01T13:00:00.000Z',
      actor: { name: 'DG', position: 'DG Cloud' },
      data: { from: null, to: 'user-7', name: 'Director Audits' },
    },
  ],
  requests: [],
  actions: [],
  breaches: [{ dutyCode: 'report-breach', status: 'open', severity: 'medium' }],
};

describe('the incident summary PDF', () => {
  it('prints the title, the delay with the late flag, the deadlines and the owner change', async () => {
    const pdf = await renderIncidentSummary(incident, '2026-12-06T04:00:00.000Z');
    assert.equal(pdf.subarray(0, 5).toString('latin1'), '%PDF-');
    const text = pdfShownText(pdf);
    for (const expected of [
      'Mailbox exposed to the internet',
      'Ministry of Examples',
      'Reporting delay: 2 hours 30 minutes (LATE',
      'Deadline (initial notice): 1 hour, due 2026-12-01 11:00 UTC, missed',
      'Deadline (personal data): 72 hours, due 2026-12-04 10:00 UTC, met',
      'owner changed (DG, DG Cloud): to Director Audits',
      'report-breach: medium, open',
      'page 1 of 1',
    ])
      assert.ok(text.includes(expected), `shows ${JSON.stringify(expected)}`);
  });

  it('runs to more pages for a long timeline, numbering each', async () => {
    const long = {
      ...incident,
      timeline: Array.from({ length: 120 }, (_, i) => ({
        seq: i + 1,
        type: 'update',
        at: '2026-12-02T10:00:00.000Z',
        actor: null,
        data: { text: `Update ${i + 1}` },
      })),
    };
    const text = pdfShownText(await renderIncidentSummary(long, '2026-12-06T04:00:00.000Z'));
    const pages = /page 1 of (\d+)/.exec(text)?.[1];
    assert.ok(Number(pages) >= 2, `${pages} pages`);
    assert.ok(text.includes(`page ${pages} of ${pages}`));
    assert.ok(text.includes('Update 120'));
  });

  it('replaces characters the built-in fonts cannot draw', () => {
    assert.equal(printable('Café – “ok” وزارت'), 'Café – “ok” ?????');
    assert.equal(printable('a\u0000b'), 'a b');
  });

  it('words instants and durations for people', () => {
    assert.equal(when('2026-12-01T10:05:59.000Z'), '2026-12-01 10:05 UTC');
    assert.equal(when(null), 'not yet');
    assert.equal(duration(59), 'less than a minute');
    assert.equal(duration(90_061), '1 day 1 hour 1 minute');
  });
});

describe('the dashboard months', () => {
  it('are the twelve months ending with the current one, across a year', () => {
    const months = monthsEnding(new Date('2026-02-28T23:59:59Z'), 12);
    assert.equal(months.length, 12);
    assert.equal(months[0], '2025-03');
    assert.equal(months.at(-1), '2026-02');
  });
});
