import { AppError } from '../../errors.js';
import {
  IMPACTS,
  type Classification,
  type ClassificationAnswers,
  type Impact,
  type PackProblem,
  type PolicyPack,
} from './model.js';

export type { Classification, ClassificationAnswers, InformationTypeAnswer } from './model.js';

const PROPERTIES = ['confidentiality', 'integrity', 'availability'] as const;
const impactRank = (impact: Impact): number => IMPACTS.indexOf(impact);
const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
const quote = (value: unknown): string => {
  // JSON.stringify gives undefined for undefined and functions, whatever its declared type says.
  const text = JSON.stringify(value) as string | undefined;
  return text ?? String(value);
};

/**
 * Every missing or unknown answer, with a JSON pointer into the answers; empty = complete. The
 * answers usually come straight from a request body, so this checks the runtime shape too.
 */
export function checkAnswers(pack: PolicyPack, answers: ClassificationAnswers): PackProblem[] {
  const problems: PackProblem[] = [];
  const add = (pointer: string, message: string) => problems.push({ pointer, message });
  const raw: unknown = answers;
  if (!isRecord(raw) || !Array.isArray(raw.informationTypes)) {
    add('/informationTypes', 'the answers need a list of information types');
    return problems;
  }
  const types: unknown[] = raw.informationTypes;
  if (types.length === 0)
    add('/informationTypes', 'name at least one information type the system holds');
  const markings = new Map(pack.classification.byMarking.map((m) => [m.marking, m] as const));
  const names = new Set<string>();
  types.forEach((type, i) => {
    const at = `/informationTypes/${i}`;
    if (!isRecord(type)) {
      add(at, `information type ${i + 1} is not an object with a name and three impacts`);
      return;
    }
    const label = typeof type.name === 'string' && type.name.trim() !== '' ? type.name : null;
    if (label === null) add(`${at}/name`, `information type ${i + 1} needs a name`);
    else if (names.has(label.trim().toLowerCase()))
      add(`${at}/name`, `information type ${quote(label)} is listed twice`);
    else names.add(label.trim().toLowerCase());
    const who = label === null ? `information type ${i + 1}` : quote(label);
    for (const property of PROPERTIES) {
      const value = type[property];
      if (value === undefined || value === null || value === '')
        add(`${at}/${property}`, `${who}: the ${property} impact is not answered`);
      else if (typeof value !== 'string' || !(IMPACTS as readonly string[]).includes(value))
        add(
          `${at}/${property}`,
          `${who}: ${quote(value)} is not an impact for ${property}; answer one of ${IMPACTS.join(', ')}`,
        );
    }
    if (type.markings === undefined)
      add(`${at}/markings`, `${who}: say which markings apply (or none)`);
    else if (!Array.isArray(type.markings))
      add(`${at}/markings`, `${who}: markings must be a list`);
    else
      (type.markings as unknown[]).forEach((marking, j) => {
        if (typeof marking !== 'string' || !markings.has(marking))
          add(
            `${at}/markings/${j}`,
            `${who}: ${quote(marking)} is not a marking of this policy` +
              (markings.size > 0 ? ` (they are: ${[...markings.keys()].join(', ')})` : ''),
          );
      });
  });
  return problems;
}

/**
 * The system's class by high-water mark: each information type gets the class its confidentiality
 * impact gives, raised by any marking (a marking never lowers a class); the system gets the
 * highest of them ("a dataset's class is the highest class of anything in it"). Refuses answers
 * that `checkAnswers` finds wanting, naming each problem.
 */
export function classify(pack: PolicyPack, answers: ClassificationAnswers): Classification {
  const problems = checkAnswers(pack, answers);
  if (problems.length > 0)
    throw AppError.badRequest(
      'incomplete_classification',
      `The questionnaire cannot be classified: ${problems.map((p) => p.message).join('; ')}`,
      problems.map((p) => ({ in: 'body', pointer: p.pointer, message: p.message })),
    );
  const classes = new Map(pack.classes.map((c) => [c.code, c] as const));
  const markings = new Map(pack.classification.byMarking.map((m) => [m.marking, m] as const));
  const classOf = (code: string) => {
    const found = classes.get(code);
    if (!found) throw new Error(`the pack's classification names class ${code}, which it lacks`);
    return found;
  };

  const category = { confidentiality: 'none', integrity: 'none', availability: 'none' } as {
    confidentiality: Impact;
    integrity: Impact;
    availability: Impact;
  };
  const perType: Classification['perType'] = [];
  let highest: { code: string; rank: number; name: string } | null = null;
  for (const type of answers.informationTypes) {
    for (const property of PROPERTIES)
      if (impactRank(type[property]) > impactRank(category[property]))
        category[property] = type[property];
    let chosen = classOf(pack.classification.byConfidentiality[type.confidentiality]);
    let reason = `${type.confidentiality} confidentiality impact gives ${chosen.name}`;
    for (const code of type.markings) {
      const marking = markings.get(code);
      if (!marking) continue;
      const forced = classOf(marking.classCode);
      if (forced.rank > chosen.rank) {
        chosen = forced;
        reason = `marked as ${marking.label}, which makes it ${forced.name}`;
      }
    }
    perType.push({ name: type.name, classCode: chosen.code, reason });
    if (highest === null || chosen.rank > highest.rank) highest = chosen;
  }
  if (highest === null) throw new Error('unreachable: checkAnswers requires an information type');

  const rationale = perType.map((t) => `${t.name}: ${classOf(t.classCode).name} (${t.reason}).`);
  rationale.push(
    `The system's class is ${highest.name}, the highest class of its information types.`,
    `Its security category (FIPS 199) is confidentiality ${category.confidentiality}, ` +
      `integrity ${category.integrity}, availability ${category.availability}; only ` +
      'confidentiality and markings decide the class.',
  );
  return { classCode: highest.code, securityCategory: category, perType, rationale };
}
