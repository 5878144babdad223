import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AppError } from '../../errors.js';
import { checkAnswers, classify } from './classify.js';
import { DEFAULT_POLICY_PACK } from './default-pack.js';
import type { ClassificationAnswers, Impact, InformationTypeAnswer } from './model.js';
import { defaultPack } from './test-packs.js';

function type(
  name: string,
  confidentiality: Impact,
  more: Partial<InformationTypeAnswer> = {},
): InformationTypeAnswer {
  return { name, confidentiality, integrity: 'low', availability: 'low', markings: [], ...more };
}

/** Answers as they may arrive from a request body: any shape at all. */
const raw = (value: unknown) => value as ClassificationAnswers;

describe('classify', () => {
  it('maps each confidentiality impact to the class of the default pack', () => {
    const classOf = (impact: Impact) =>
      classify(DEFAULT_POLICY_PACK, { informationTypes: [type('t', impact)] }).classCode;
    assert.deepEqual((['none', 'low', 'moderate', 'high'] as const).map(classOf), [
      'public',
      'restricted',
      'sensitive',
      'secret',
    ]);
  });

  it('takes the highest class of the information types (high-water mark), with the rationale', () => {
    const result = classify(DEFAULT_POLICY_PACK, {
      informationTypes: [
        type('Press releases', 'none', { availability: 'moderate' }),
        type('Personnel files', 'moderate', { integrity: 'high' }),
        type('Meeting minutes', 'low'),
      ],
    });
    assert.equal(result.classCode, 'sensitive');
    assert.deepEqual(result.securityCategory, {
      confidentiality: 'moderate',
      integrity: 'high',
      availability: 'moderate',
    });
    assert.deepEqual(
      result.perType.map((t) => [t.name, t.classCode]),
      [
        ['Press releases', 'public'],
        ['Personnel files', 'sensitive'],
        ['Meeting minutes', 'restricted'],
      ],
    );
    assert.match(
      result.perType[1]?.reason ?? '',
      /moderate confidentiality impact gives Sensitive/,
    );
    assert.ok(
      result.rationale.includes(
        "The system's class is Sensitive (Confidential), the highest class of its information types.",
      ),
      result.rationale.join('\n'),
    );
  });

  it('a national-security marking makes a low-impact type Secret, and says so', () => {
    const result = classify(DEFAULT_POLICY_PACK, {
      informationTypes: [
        type('Border post rota', 'low', { markings: ['national_security'] }),
        type('Canteen menu', 'none'),
      ],
    });
    assert.equal(result.classCode, 'secret');
    assert.equal(
      result.perType[0]?.reason,
      'marked as national security information, which makes it Secret',
    );
    assert.equal(result.securityCategory.confidentiality, 'low');
  });

  it('a marking never lowers a class', () => {
    const pack = defaultPack();
    pack.classification.byMarking.push({
      marking: 'published',
      classCode: 'open',
      label: 'published',
    });
    const result = classify(pack, {
      informationTypes: [type('Tax records', 'moderate', { markings: ['published'] })],
    });
    assert.equal(result.classCode, 'sensitive');
  });

  it('follows the pack, not the code: another mapping gives another class', () => {
    const pack = defaultPack();
    pack.classification.byConfidentiality.none = 'open';
    pack.classification.byConfidentiality.high = 'sensitive';
    assert.equal(
      classify(pack, { informationTypes: [type('a', 'high'), type('b', 'none')] }).classCode,
      'sensitive',
    );
    assert.equal(classify(pack, { informationTypes: [type('b', 'none')] }).classCode, 'open');
  });
});

describe('checkAnswers', () => {
  it('finds nothing wrong with complete answers', () => {
    assert.deepEqual(
      checkAnswers(DEFAULT_POLICY_PACK, { informationTypes: [type('Payroll', 'moderate')] }),
      [],
    );
  });

  it('names every missing answer with a pointer', () => {
    const problems = checkAnswers(
      DEFAULT_POLICY_PACK,
      raw({
        informationTypes: [
          { name: 'Payroll', confidentiality: 'moderate', integrity: 'low' },
          { confidentiality: '', integrity: 'low', availability: 'low', markings: [] },
        ],
      }),
    );
    assert.deepEqual(problems, [
      {
        pointer: '/informationTypes/0/availability',
        message: '"Payroll": the availability impact is not answered',
      },
      {
        pointer: '/informationTypes/0/markings',
        message: '"Payroll": say which markings apply (or none)',
      },
      { pointer: '/informationTypes/1/name', message: 'information type 2 needs a name' },
      {
        pointer: '/informationTypes/1/confidentiality',
        message: 'information type 2: the confidentiality impact is not answered',
      },
    ]);
  });

  it('refuses unknown impacts and markings, duplicate names, and no types at all', () => {
    const problems = checkAnswers(
      DEFAULT_POLICY_PACK,
      raw({
        informationTypes: [
          { ...type('Payroll', 'low'), confidentiality: 'severe', markings: ['top_secret'] },
          type('payroll', 'low'),
        ],
      }),
    );
    assert.deepEqual(
      problems.map((p) => p.pointer),
      [
        '/informationTypes/0/confidentiality',
        '/informationTypes/0/markings/0',
        '/informationTypes/1/name',
      ],
    );
    assert.match(
      problems[0]?.message ?? '',
      /"severe" is not an impact.*none, low, moderate, high/,
    );
    assert.match(problems[1]?.message ?? '', /"top_secret" is not a marking.*national_security/);
    assert.deepEqual(checkAnswers(DEFAULT_POLICY_PACK, { informationTypes: [] }), [
      {
        pointer: '/informationTypes',
        message: 'name at least one information type the system holds',
      },
    ]);
    assert.equal(checkAnswers(DEFAULT_POLICY_PACK, raw({})).length, 1);
    assert.equal(checkAnswers(DEFAULT_POLICY_PACK, raw(null))[0]?.pointer, '/informationTypes');
  });

  it('classify refuses incomplete answers with a 400 that lists them', () => {
    assert.throws(
      () => classify(DEFAULT_POLICY_PACK, raw({ informationTypes: [{ name: 'Payroll' }] })),
      (error: unknown) =>
        error instanceof AppError &&
        error.status === 400 &&
        error.code === 'incomplete_classification' &&
        error.issues.length === 4 &&
        error.issues[0]?.pointer === '/informationTypes/0/confidentiality',
    );
  });
});
