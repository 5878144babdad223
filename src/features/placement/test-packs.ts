import { DEFAULT_POLICY_PACK } from './default-pack.js';
import type { PolicyLevel, PolicyPack } from './model.js';

/** The four levels of the reference policy, as the levels feature seeds them. */
export const TEST_LEVELS: readonly PolicyLevel[] = [
  { code: 'baseline', rank: 1, title: 'Baseline' },
  { code: 'intermediate', rank: 2, title: 'Intermediate' },
  { code: 'enhanced', rank: 3, title: 'Enhanced' },
  { code: 'maximum', rank: 4, title: 'Maximum' },
];

/** A fresh, editable copy of the default pack. */
export function defaultPack(): PolicyPack {
  return structuredClone(DEFAULT_POLICY_PACK);
}

/**
 * A pack for another country (Kenya), with its own words, to show that nothing in the engine
 * assumes the reference policy's country: only `homeCountry` and the clauses differ.
 */
export function kenyaPack(): PolicyPack {
  const pack = defaultPack();
  pack.homeCountry = 'KE';
  for (const rule of pack.rules) rule.clause = `Kenya cloud policy, class ${rule.classCode}`;
  for (const noc of pack.nocRules) noc.clause = `Kenya cloud policy, exemptions`;
  for (const rule of pack.rules)
    for (const condition of rule.conditions)
      condition.clause = `Kenya cloud policy, ${condition.id}`;
  pack.accreditationClause = 'Kenya cloud policy, accreditation';
  return pack;
}
