import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkDuties, type DutyFacts, type OrgRef } from './check.js';
import { DEFAULT_OBLIGATIONS } from './default-obligations.js';
import type { ObligationSet } from './model.js';

const AT = '2026-03-10T12:00:00Z';
const csp: OrgRef = { id: 'csp-1', party: 'csp' };
const pse: OrgRef = { id: 'pse-1', party: 'pse' };

const facts = (patch: Partial<DutyFacts> = {}): DutyFacts => ({
  offerings: [],
  systems: [],
  breachReports: [],
  requests: [],
  actions: [],
  findings: [],
  conditions: [],
  ...patch,
});

const check = (patch: Partial<DutyFacts>, set: ObligationSet = DEFAULT_OBLIGATIONS) =>
  checkDuties(set, facts(patch), AT);

describe('checkDuties', () => {
  it('finds nothing in an empty world', () => {
    assert.deepEqual(check({}), []);
  });

  it('flags an offering hosting PSE data without accreditation, against the CSP only', () => {
    const failures = check({
      offerings: [
        {
          id: 'o1',
          name: 'Cloud A',
          organizations: [csp, pse],
          hostsPseData: true,
          inForce: false,
        },
        { id: 'o2', name: 'Cloud B', organizations: [csp], hostsPseData: false, inForce: false },
        { id: 'o3', name: 'Cloud C', organizations: [csp, pse], hostsPseData: true, inForce: true },
      ],
    });
    assert.equal(failures.length, 1);
    const f = failures[0];
    assert.ok(f);
    assert.equal(f.key, 'duty/offering-accredited/csp-1/offering/o1');
    assert.equal(f.organizationId, 'csp-1');
    assert.match(
      f.evidence,
      /"Cloud A" hosts public sector data but holds no accreditation in force on 2026-03-10/,
    );
    assert.match(f.clause, /constitutes a breach/);
    assert.equal(f.detectedAt, '2026-03-10T12:00:00.000Z');
  });

  it('flags a system whose placement is not allowed, against the PSE', () => {
    const failures = check({
      systems: [
        {
          id: 's1',
          name: 'Payroll',
          organizations: [pse, csp],
          placementAllowed: false,
          placementOutcome: 'refused',
        },
        {
          id: 's2',
          name: 'Portal',
          organizations: [pse],
          placementAllowed: true,
          placementOutcome: 'allowed',
        },
      ],
    });
    assert.deepEqual(
      failures.map((f) => [f.key, f.party]),
      [['duty/placement-allowed/pse-1/system/s1', 'pse']],
    );
    assert.match(failures[0]?.evidence ?? '', /decision: refused/);
  });

  it('flags a late breach report per responsible organization, with the delay and track', () => {
    const failures = check({
      breachReports: [
        {
          id: 'b1',
          organizations: [pse, csp],
          discoveredAt: '2026-03-01T10:00:00Z',
          reportedAt: '2026-03-01T13:00:00Z',
          personalData: false,
          levelNoticeHours: null,
        },
        {
          id: 'b2',
          organizations: [pse],
          discoveredAt: '2026-03-01T10:00:00Z',
          reportedAt: '2026-03-01T10:30:00Z',
          personalData: false,
          levelNoticeHours: null,
        },
      ],
    });
    assert.deepEqual(
      failures.map((f) => f.key),
      ['duty/report-breach/csp-1/breach_report/b1', 'duty/report-breach/pse-1/breach_report/b1'],
    );
    assert.match(failures[0]?.evidence ?? '', /delay 180 min/);
    assert.match(failures[0]?.evidence ?? '', /initial notice due within 1 h/);
    assert.equal(failures[0]?.dueAt, '2026-03-01T11:00:00.000Z');
  });

  it('flags an unreported breach once its deadline has passed', () => {
    const failures = check({
      breachReports: [
        {
          id: 'b3',
          organizations: [pse],
          discoveredAt: '2026-03-10T10:00:00Z',
          reportedAt: null,
          personalData: true,
          levelNoticeHours: null,
        },
      ],
    });
    assert.match(failures[0]?.evidence ?? '', /not reported by/);
  });

  it('flags requests and actions done late or still open past due, and not those on time', () => {
    const failures = check({
      requests: [
        {
          id: 'r-late',
          organizations: [csp],
          dueAt: '2026-03-05T00:00:00Z',
          answeredAt: '2026-03-06T00:00:00Z',
        },
        { id: 'r-open', organizations: [csp], dueAt: '2026-03-09', answeredAt: null },
        {
          id: 'r-ok',
          organizations: [csp],
          dueAt: '2026-03-05T00:00:00Z',
          answeredAt: '2026-03-05T00:00:00Z',
        },
        { id: 'r-today', organizations: [csp], dueAt: '2026-03-10', answeredAt: null },
      ],
      actions: [
        { id: 'a-open', organizations: [pse], dueAt: '2026-03-10T11:00:00Z', doneAt: null },
        { id: 'a-ok', organizations: [pse], dueAt: '2026-03-10T13:00:00Z', doneAt: null },
      ],
    });
    assert.deepEqual(
      failures.map((f) => f.subject.id),
      ['r-late', 'r-open', 'a-open'],
    );
    assert.match(
      failures.find((f) => f.subject.id === 'r-late')?.evidence ?? '',
      /was answered at 2026-03-06/,
    );
  });

  it('flags critical findings open past 30 days, or past an earlier auditor due date', () => {
    const failures = check({
      findings: [
        {
          id: 'f-window',
          organizations: [csp],
          severity: 'critical',
          raisedOn: '2026-02-07',
          dueOn: '2026-06-01',
          fixedOn: null,
        },
        {
          id: 'f-inside',
          organizations: [csp],
          severity: 'critical',
          raisedOn: '2026-02-08',
          dueOn: '2026-06-01',
          fixedOn: null,
        },
        {
          id: 'f-auditor',
          organizations: [csp],
          severity: 'critical',
          raisedOn: '2026-03-01',
          dueOn: '2026-03-05',
          fixedOn: null,
        },
        {
          id: 'f-high',
          organizations: [csp],
          severity: 'high',
          raisedOn: '2026-01-01',
          dueOn: '2026-01-02',
          fixedOn: null,
        },
        {
          id: 'f-fixed',
          organizations: [csp],
          severity: 'critical',
          raisedOn: '2026-01-01',
          dueOn: '2026-06-01',
          fixedOn: '2026-01-31',
        },
      ],
    });
    assert.deepEqual(
      failures.map((f) => f.subject.id),
      ['f-auditor', 'f-window'],
    );
  });

  it('flags conditions open after their due day, or met late', () => {
    const failures = check({
      conditions: [
        {
          id: 'c1',
          organizations: [csp],
          text: 'Onshore key management',
          dueOn: '2026-03-09',
          closedOn: null,
        },
        { id: 'c2', organizations: [csp], text: 'Due today', dueOn: '2026-03-10', closedOn: null },
        {
          id: 'c3',
          organizations: [csp],
          text: 'Met late',
          dueOn: '2026-03-01',
          closedOn: '2026-03-02',
        },
        {
          id: 'c4',
          organizations: [csp],
          text: 'Met on the day',
          dueOn: '2026-03-01',
          closedOn: '2026-03-01',
        },
      ],
    });
    assert.deepEqual(
      failures.map((f) => f.subject.id),
      ['c1', 'c3'],
    );
  });

  it('skips duties without a check and applies party filters from the set', () => {
    const set = structuredClone(DEFAULT_OBLIGATIONS);
    const duty = set.duties.find((d) => d.code === 'answer-report-request');
    assert.ok(duty);
    duty.party = 'pse';
    const failures = check(
      { requests: [{ id: 'r1', organizations: [csp], dueAt: '2026-03-01', answeredAt: null }] },
      set,
    );
    assert.deepEqual(failures, []);
  });

  it('gives one failure per key however often a fact appears, and the same list on a rerun', () => {
    const offering = {
      id: 'o1',
      name: 'A',
      organizations: [csp],
      hostsPseData: true,
      inForce: false,
    };
    const input = facts({ offerings: [offering, offering] });
    const first = checkDuties(DEFAULT_OBLIGATIONS, input, AT);
    assert.equal(first.length, 1);
    assert.deepEqual(checkDuties(DEFAULT_OBLIGATIONS, input, AT), first);
  });

  it('escapes separators in ids so two subjects never share a key', () => {
    const failures = check({
      offerings: [
        {
          id: 'a/b',
          name: 'x',
          organizations: [{ id: 'c', party: 'csp' }],
          hostsPseData: true,
          inForce: false,
        },
        {
          id: 'b',
          name: 'y',
          organizations: [{ id: 'c/a', party: 'csp' }],
          hostsPseData: true,
          inForce: false,
        },
      ],
    });
    assert.equal(new Set(failures.map((f) => f.key)).size, 2);
  });

  it('checks 100,000 open items correctly', () => {
    const n = 100_000;
    const requests = Array.from({ length: n }, (_, i) => ({
      id: `r${i}`,
      organizations: [{ id: `org${i % 500}`, party: 'pse' as const }],
      // Every third request is overdue and unanswered.
      dueAt: i % 3 === 0 ? '2026-03-01T00:00:00Z' : '2026-04-01T00:00:00Z',
      answeredAt: null,
    }));
    const failures = check({ requests });
    assert.equal(failures.length, Math.ceil(n / 3));
    assert.equal(new Set(failures.map((f) => f.key)).size, failures.length);
    assert.ok(failures.every((f) => Number(f.subject.id.slice(1)) % 3 === 0));
  });
});
