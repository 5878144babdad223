import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DEFAULT_OBLIGATIONS } from '../duties/default-obligations.js';
import type { SeverityMatrix } from '../duties/model.js';
import { severityOf, type SeverityFacts } from './severity.js';

const matrix = DEFAULT_OBLIGATIONS.severity;
const facts = (patch: Partial<SeverityFacts>): SeverityFacts => ({
  dataClasses: [],
  peopleAffected: null,
  recordsAffected: null,
  personalData: false,
  ...patch,
});

describe('severityOf', () => {
  it('takes the cell of the highest tier among the classes and the band of the people affected', () => {
    const verdict = severityOf(
      matrix,
      facts({ dataClasses: ['open', 'sensitive', 'restricted'], peopleAffected: 42 }),
    );
    assert.equal(verdict.severity, 'high');
    assert.match(verdict.reason, /^Data class "sensitive" is impact tier 3/);
    assert.match(verdict.reason, /42 people affected falls in the band "up to 100"/);
    assert.match(verdict.reason, /: high\.$/);
  });

  it('uses the band bounds inclusively, and the open band above the last bound', () => {
    const at = (people: number) =>
      severityOf(matrix, facts({ dataClasses: ['restricted'], peopleAffected: people })).severity;
    assert.equal(at(0), 'low');
    assert.equal(at(1), 'medium');
    assert.equal(at(100), 'medium');
    assert.equal(at(10_000), 'medium');
    assert.equal(at(10_001), 'high');
  });

  it('counts records only when the number of people is unknown', () => {
    const byRecords = severityOf(
      matrix,
      facts({ dataClasses: ['secret'], recordsAffected: 1, peopleAffected: null }),
    );
    assert.equal(byRecords.severity, 'critical');
    assert.match(byRecords.reason, /1 record affected \(people unknown\)/);
    const byPeople = severityOf(
      matrix,
      facts({ dataClasses: ['secret'], recordsAffected: 1_000_000, peopleAffected: 0 }),
    );
    assert.equal(byPeople.severity, 'high');
  });

  it('uses the unknown tier and band when the report names neither', () => {
    const verdict = severityOf(matrix, facts({}));
    // Tier 2, band 2 ("up to 10,000"): medium.
    assert.equal(verdict.severity, 'medium');
    assert.match(verdict.reason, /No data class was named, so tier 2 applies/);
    assert.match(verdict.reason, /neither people nor records affected are known/);
    assert.match(verdict.reason, /"up to 10,000"/);
  });

  it('rates a class the matrix does not list at the unknown tier, and says so', () => {
    const verdict = severityOf(matrix, facts({ dataClasses: ['health'], peopleAffected: 5 }));
    assert.equal(verdict.severity, 'medium');
    assert.match(verdict.reason, /"health" has no tier in the matrix, so tier 2 applies/);
  });

  it('raises to the personal-data floor, never lowers', () => {
    const raised = severityOf(
      matrix,
      facts({ dataClasses: ['open'], peopleAffected: 3, personalData: true }),
    );
    assert.equal(raised.severity, 'medium');
    assert.match(raised.reason, /: low\. Raised to medium because personal data is involved\.$/);
    const kept = severityOf(
      matrix,
      facts({ dataClasses: ['secret'], peopleAffected: 3, personalData: true }),
    );
    assert.equal(kept.severity, 'critical');
    assert.doesNotMatch(kept.reason, /Raised/);
  });

  it('keeps tiers and bands inside a matrix smaller than its parameters say', () => {
    const small: SeverityMatrix = {
      classImpact: { a: 9 },
      unknownImpact: 0,
      scale: [{ label: 'any', upTo: null }],
      unknownScale: 5,
      cells: [['low'], ['high']],
      personalDataAtLeast: 'low',
    };
    assert.equal(severityOf(small, facts({ dataClasses: ['a'] })).severity, 'high');
    assert.equal(severityOf(small, facts({})).severity, 'low');
  });
});
