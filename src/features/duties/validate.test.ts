import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DEFAULT_OBLIGATIONS } from './default-obligations.js';
import type { ObligationProblem, ObligationSet } from './model.js';
import { validateObligations } from './validate.js';

const copy = (): ObligationSet => structuredClone(DEFAULT_OBLIGATIONS);

function dutyAt(set: ObligationSet, i: number): ObligationSet['duties'][number] {
  const duty = set.duties[i];
  assert.ok(duty, `no duty at ${i}`);
  return duty;
}

function problemAt(problems: ObligationProblem[], pointer: string): ObligationProblem {
  const found = problems.find((p) => p.pointer === pointer);
  assert.ok(found, `expected a problem at ${pointer}; got ${JSON.stringify(problems, null, 1)}`);
  return found;
}

describe('validateObligations', () => {
  it('accepts the default set', () => {
    assert.deepEqual(validateObligations(DEFAULT_OBLIGATIONS), []);
  });

  it('covers every check kind in the default set, each once', () => {
    const kinds = DEFAULT_OBLIGATIONS.duties.flatMap((d) => (d.check ? [d.check.kind] : []));
    assert.equal(new Set(kinds).size, 7);
    assert.equal(kinds.length, 7);
  });

  it('refuses an unknown check kind', () => {
    const set = copy();
    (set.duties[1] as { check: unknown }).check = { kind: 'pays_invoices' };
    assert.match(
      problemAt(validateObligations(set), '/duties/1/check/kind').message,
      /pays_invoices/,
    );
  });

  it('refuses duplicate duty codes at the second one', () => {
    const set = copy();
    dutyAt(set, 2).code = dutyAt(set, 0).code;
    const problems = validateObligations(set);
    assert.match(problemAt(problems, '/duties/2/code').message, /used by two duties/);
    assert.equal(problems.length, 1);
  });

  it('refuses zero, negative and non-numeric hours', () => {
    const set = copy();
    set.reporting.initialNoticeHours = 0;
    set.reporting.personalDataHours = -72;
    (set.reporting as { updateEveryHours: unknown }).updateEveryHours = '24';
    const problems = validateObligations(set);
    problemAt(problems, '/reporting/initialNoticeHours');
    problemAt(problems, '/reporting/personalDataHours');
    problemAt(problems, '/reporting/updateEveryHours');
    assert.equal(problems.length, 3);
  });

  it('refuses a ladder naming no posts, and steps without a post or hours', () => {
    const empty = copy();
    empty.escalation = [];
    problemAt(validateObligations(empty), '/escalation');
    const bad = copy();
    bad.escalation[1] = { post: ' ', afterHours: 0 };
    const problems = validateObligations(bad);
    problemAt(problems, '/escalation/1/post');
    problemAt(problems, '/escalation/1/afterHours');
  });

  it('refuses bad finding parameters, party, level rule and blank clause', () => {
    const set = copy();
    const i = set.duties.findIndex((d) => d.check?.kind === 'critical_findings_fixed_within');
    const fix = dutyAt(set, i);
    fix.check = { kind: 'critical_findings_fixed_within', days: 1.5, severities: [] };
    (set.duties[0] as { party: string }).party = 'office';
    dutyAt(set, 0).clause = '';
    (set.reporting as { levelNotice: string }).levelNotice = 'loosest';
    const problems = validateObligations(set);
    problemAt(problems, `/duties/${i}/check/days`);
    problemAt(problems, `/duties/${i}/check/severities`);
    problemAt(problems, '/duties/0/party');
    problemAt(problems, '/duties/0/clause');
    problemAt(problems, '/reporting/levelNotice');
  });

  it('refuses a blank level-notice parameter, and takes a set without one (the default)', () => {
    const blankParameter = copy();
    blankParameter.reporting.levelNoticeParameter = ' ';
    problemAt(validateObligations(blankParameter), '/reporting/levelNoticeParameter');
    const without = copy();
    delete without.reporting.levelNoticeParameter;
    assert.deepEqual(validateObligations(without), []);
  });

  it('refuses a set with no duties without throwing', () => {
    const set = copy();
    (set as { duties: unknown }).duties = undefined;
    problemAt(validateObligations(set), '/duties');
  });

  it('refuses a severity matrix whose tiers, bands, cells or severities do not fit', () => {
    const set = copy();
    set.severity.classImpact.secret = 5;
    set.severity.unknownImpact = 0;
    set.severity.scale = [
      { label: 'none known', upTo: 0 },
      { label: '', upTo: null },
      { label: 'up to 10', upTo: 10 },
      { label: 'up to 5', upTo: 5 },
    ];
    set.severity.unknownScale = 4;
    set.severity.cells[1] = ['low', 'medium', 'medium'];
    (set.severity.cells[2] as string[])[3] = 'catastrophic';
    (set.severity as { personalDataAtLeast: string }).personalDataAtLeast = 'moderate';
    (dutyAt(set, 0) as { severity?: string }).severity = 'dire';
    const problems = validateObligations(set);
    assert.match(
      problemAt(problems, '/severity/classImpact/secret').message,
      /tier from 1 to 4 .* not 5/,
    );
    problemAt(problems, '/severity/unknownImpact');
    problemAt(problems, '/severity/scale/1/label');
    assert.match(problemAt(problems, '/severity/scale/1/upTo').message, /only the last/);
    assert.match(problemAt(problems, '/severity/scale/3/upTo').message, /5 follows 10/);
    problemAt(problems, '/severity/unknownScale');
    assert.match(problemAt(problems, '/severity/cells/1').message, /one cell per scale band \(4\)/);
    assert.match(problemAt(problems, '/severity/cells/2/3').message, /"catastrophic"/);
    problemAt(problems, '/severity/personalDataAtLeast');
    problemAt(problems, '/duties/0/severity');
    assert.equal(problems.length, 10);
  });

  it('refuses a missing matrix without throwing', () => {
    const set = copy();
    (set as { severity: unknown }).severity = null;
    assert.deepEqual(validateObligations(set), [
      { pointer: '/severity', message: 'the set needs a severity matrix' },
    ]);
  });
});
