// The placement decision engine (issue 6) on one core: `placement.decide.per_s`, decisions a
// second, the full `decide` (every rule's result with its clause and words, the decision's inputs)
// as the service calls it. Target: at least 1,000,000.
//
// A national-scale synthetic set, the same on every run (seeded): 50,000 systems with classes
// spread as a government's systems are (most Public or Restricted, few Secret), each proposed for
// one of 300 offerings (mixed service and deployment models, data centres at home and abroad,
// backups abroad for some, levels from Baseline to Maximum, a few suspended or lapsed), and a few
// NOCs (private clouds for Sensitive and Secret systems, some that do not cover their deviation).
// Every (system, its proposed offering) pair is decided in turn, again and again, in this process
// on one thread, for BENCH_DURATION seconds per round, BENCH_ROUNDS rounds; the median is reported.
// The policy is compiled once beforehand, as the service does once per policy version.
//
// `placement.reevaluate_all.ms` (re-evaluation with database writes) belongs to the service and
// is not measured here.
import type { DeploymentModel, ServiceModel } from '../../src/db/schema.js';
import { DEFAULT_POLICY_PACK } from '../../src/features/placement/default-pack.js';
import { compilePolicy, decide } from '../../src/features/placement/engine.js';
import type {
  ActiveNoc,
  OfferingFacts,
  Outcome,
  Standing,
} from '../../src/features/placement/model.js';
import { seededRandom } from '../lib/random.js';
import { median, round, type Figure, type Scenario } from '../lib/scenario.js';

const SYSTEMS = 50_000;
const OFFERINGS = 300;
const LEVELS = [
  { code: 'baseline', title: 'Baseline', rank: 1 },
  { code: 'intermediate', title: 'Intermediate', rank: 2 },
  { code: 'enhanced', title: 'Enhanced', rank: 3 },
  { code: 'maximum', title: 'Maximum', rank: 4 },
] as const;
const HOME = DEFAULT_POLICY_PACK.homeCountry;
const ABROAD = ['AE', 'DE', 'IE', 'SG', 'US', 'GB', 'NL', 'IN'] as const;
const CITIES: Readonly<Record<string, string>> = {
  [HOME]: 'Islamabad',
  AE: 'Dubai',
  DE: 'Frankfurt',
  IE: 'Dublin',
  SG: 'Singapore',
  US: 'Ashburn',
  GB: 'London',
  NL: 'Amsterdam',
  IN: 'Mumbai',
};

function weighted<T>(next: () => number, choices: readonly (readonly [T, number])[]): T {
  const total = choices.reduce((sum, [, weight]) => sum + weight, 0);
  let at = next() * total;
  for (const [value, weight] of choices) {
    at -= weight;
    if (at < 0) return value;
  }
  const last = choices[choices.length - 1];
  if (!last) throw new Error('no choices');
  return last[0];
}

interface Candidate {
  offering: OfferingFacts;
  standing: Standing;
}

interface Placement {
  classCode: string;
  candidate: Candidate;
  nocs: readonly ActiveNoc[];
}

function buildOfferings(next: () => number): Candidate[] {
  const candidates: Candidate[] = [];
  for (let i = 0; i < OFFERINGS; i++) {
    const deploymentModel = weighted<DeploymentModel>(next, [
      ['public', 45],
      ['government', 35],
      ['private', 10],
      ['hybrid', 10],
    ]);
    const serviceModel = weighted<ServiceModel>(next, [
      ['saas', 45],
      ['paas', 25],
      ['iaas', 30],
    ]);
    // Government clouds are at home; public clouds mostly abroad; a fifth of the home ones keep
    // disaster recovery abroad.
    const home = deploymentModel === 'government' || next() < 0.3;
    const customer: string[] = home
      ? [HOME]
      : [
          ...new Set([
            ABROAD[Math.floor(next() * ABROAD.length)] ?? 'US',
            ...(next() < 0.4 ? ['SG'] : []),
          ]),
        ];
    const backup = home && next() < 0.2 ? 'AE' : (customer[0] ?? HOME);
    const all = [...new Set([...customer, backup])].sort();
    const level =
      LEVELS[
        weighted(next, [
          [0, 30],
          [1, 30],
          [2, 25],
          [3, 15],
        ] as const)
      ];
    const inForce = next() >= 0.05;
    candidates.push({
      offering: {
        id: `offering-${i}`,
        name: `Offering ${i}`,
        serviceModel,
        deploymentModel,
        customerDataCountries: customer.sort(),
        allDataCountries: all,
        locations: [
          ...customer.map((country) => ({
            country,
            city: CITIES[country] ?? country,
            purpose: 'customer_data' as const,
          })),
          {
            country: backup,
            city: CITIES[backup] ?? backup,
            purpose: 'disaster_recovery' as const,
          },
        ],
      },
      standing: {
        inForce,
        level: inForce ? { code: level.code, rank: level.rank } : null,
        accreditationId: `accreditation-${i}`,
      },
    });
  }
  return candidates;
}

function buildPlacements(next: () => number, candidates: readonly Candidate[]): Placement[] {
  const governmentOnes = candidates.filter((c) => c.offering.deploymentModel === 'government');
  const privateOnes = candidates.filter((c) => c.offering.deploymentModel === 'private');
  const pick = (from: readonly Candidate[]): Candidate => {
    const found = from[Math.floor(next() * from.length)];
    if (!found) throw new Error('no candidate');
    return found;
  };
  const placements: Placement[] = [];
  let nocCount = 0;
  for (let i = 0; i < SYSTEMS; i++) {
    const classCode = weighted(next, [
      ['open', 8],
      ['public', 30],
      ['restricted', 35],
      ['sensitive', 22],
      ['secret', 5],
    ] as const);
    const high = classCode !== 'open' && classCode !== 'public';
    // Most PSEs propose something that fits the model; a quarter propose any offering at all.
    let candidate = next() < 0.25 || !high ? pick(candidates) : pick(governmentOnes);
    let nocs: readonly ActiveNoc[] = [];
    if ((classCode === 'sensitive' || classCode === 'secret') && next() < 0.05) {
      candidate = pick(privateOnes);
      nocCount++;
      // One in five NOCs was granted for a deviation that does not help here.
      nocs = [
        {
          id: `noc-${nocCount}`,
          covers: next() < 0.8 ? ['deployment_model'] : ['residency'],
          deploymentModels: ['private'],
          validUntil: '2027-06-30',
        },
      ];
    }
    placements.push({ classCode, candidate, nocs });
  }
  return placements;
}

export const placementDecide: Scenario = {
  name: 'placement-decide',
  description: `the pure placement engine on one thread: ${SYSTEMS} systems x their proposed offering among ${OFFERINGS}`,
  // eslint-disable-next-line @typescript-eslint/require-await -- the Scenario interface is async
  async run({ settings, log }): Promise<Figure[]> {
    const next = seededRandom(6);
    const candidates = buildOfferings(next);
    const placements = buildPlacements(next, candidates);
    const policy = compilePolicy(DEFAULT_POLICY_PACK, LEVELS);

    const outcomes: Record<Outcome, number> = { allow: 0, allow_with_conditions: 0, deny: 0 };
    const pass = (): void => {
      for (let i = 0; i < placements.length; i++) {
        const p = placements[i] as Placement;
        const decision = decide(
          policy,
          p.classCode,
          p.candidate.offering,
          p.candidate.standing,
          p.nocs,
        );
        outcomes[decision.outcome]++;
      }
    };
    // Warm-up: let V8 optimise the engine before anything is timed.
    const warmupEnd = performance.now() + Math.max(1, settings.warmupSeconds) * 1000;
    while (performance.now() < warmupEnd) pass();
    const total = outcomes.allow + outcomes.allow_with_conditions + outcomes.deny;
    log(
      `outcomes over the set: allow ${((outcomes.allow / total) * 100).toFixed(1)}%, ` +
        `allow with conditions ${((outcomes.allow_with_conditions / total) * 100).toFixed(1)}%, ` +
        `deny ${((outcomes.deny / total) * 100).toFixed(1)}%`,
    );

    const rates: number[] = [];
    for (let round_ = 0; round_ < settings.rounds; round_++) {
      let decided = 0;
      const started = performance.now();
      const end = started + settings.durationSeconds * 1000;
      let now = started;
      while (now < end) {
        pass();
        decided += placements.length;
        now = performance.now();
      }
      const rate = decided / ((now - started) / 1000);
      rates.push(rate);
      log(`round ${round_ + 1}: ${Math.round(rate).toLocaleString('en')} decisions/s`);
    }
    return [
      { name: 'placement.decide.per_s', value: round(median(rates), -3), unit: 'decisions/s' },
    ];
  },
};
