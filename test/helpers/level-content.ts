import fs from 'node:fs';
import path from 'node:path';

/**
 * A small stand-in for the shipped default content (content/oscal/): a local catalog of four
 * controls in two groups and four level profiles built like the real ones (each imports the level
 * below by `level-<code>.json`, the local catalog by file name, and the NIST catalog through a
 * back-matter rlink), with a breach-notice deadline that gets stricter at each level. Small enough
 * for tests to predict every control and value.
 */

export const NIST_RESOURCE = '5f1a2c3d-0000-4000-8000-00000000c001';
const LAST_MODIFIED = '2026-01-01T00:00:00Z';

const metadata = (title: string) => ({
  title,
  'last-modified': LAST_MODIFIED,
  version: '1',
  'oscal-version': '1.1.2',
});

const statement = (id: string, prose: string) => [{ id: `${id}_smt`, name: 'statement', prose }];

export const LOCAL_CATALOG = {
  catalog: {
    uuid: '5f1a2c3d-0000-4000-8000-00000000ca7a',
    metadata: metadata('Test local catalog'),
    groups: [
      {
        id: 'br',
        title: 'Breach reporting',
        controls: [
          {
            id: 'co-br-1',
            title: 'Breach notice',
            params: [{ id: 'co-br-1_prm_1', label: 'hours to notify', values: ['24'] }],
            parts: statement(
              'co-br-1',
              'Notify the Cloud Office of a data breach within {{ insert: param, co-br-1_prm_1 }} hours of discovery.',
            ),
          },
          {
            id: 'co-br-2',
            title: 'Final breach report',
            parts: statement('co-br-2', 'Send a final report once the breach is closed.'),
          },
        ],
      },
      {
        id: 'dr',
        title: 'Data residency',
        controls: [
          {
            id: 'co-dr-1',
            title: 'In-country storage',
            parts: statement('co-dr-1', 'Store government data in the country.'),
          },
          {
            id: 'co-dr-2',
            title: 'Onshore operation',
            parts: statement('co-dr-2', 'Operate the service from within the country.'),
          },
        ],
      },
    ],
  },
};

const nistBackMatter = {
  resources: [
    {
      uuid: NIST_RESOURCE,
      title: 'NIST SP 800-53 Rev 5 catalog',
      rlinks: [{ href: 'NIST_SP-800-53_rev5_catalog.json' }],
    },
  ],
};

function profile(
  n: number,
  title: string,
  imports: Record<string, unknown>[],
  hours: string,
  nist: string[],
) {
  return {
    profile: {
      uuid: `5f1a2c3d-0000-4000-8000-00000000000${n}`,
      metadata: metadata(title),
      imports: [
        ...imports,
        { href: `#${NIST_RESOURCE}`, 'include-controls': [{ 'with-ids': nist }] },
      ],
      merge: { 'as-is': true },
      modify: { 'set-parameters': [{ 'param-id': 'co-br-1_prm_1', values: [hours] }] },
      'back-matter': nistBackMatter,
    },
  };
}

export const LEVEL_PROFILES: Record<string, unknown> = {
  baseline: profile(
    1,
    'Baseline',
    [
      {
        href: 'cloud-office-catalog.json',
        'include-controls': [{ 'with-ids': ['co-br-1', 'co-dr-1'] }],
      },
    ],
    '24',
    ['ac-1', 'ac-2'],
  ),
  intermediate: profile(
    2,
    'Intermediate',
    [
      { href: 'level-baseline.json', 'include-all': {} },
      { href: 'cloud-office-catalog.json', 'include-controls': [{ 'with-ids': ['co-br-2'] }] },
    ],
    '12',
    ['ac-3'],
  ),
  enhanced: profile(
    3,
    'Enhanced',
    [
      { href: 'level-intermediate.json', 'include-all': {} },
      { href: 'cloud-office-catalog.json', 'include-controls': [{ 'with-ids': ['co-dr-2'] }] },
    ],
    '4',
    ['ac-4'],
  ),
  maximum: profile(4, 'Maximum', [{ href: 'level-enhanced.json', 'include-all': {} }], '1', [
    'ac-5',
  ]),
};

/** Writes the stand-in content into `dir` (as content/oscal/ would hold it) and returns `dir`. */
export function writeLevelContent(dir: string): string {
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'cloud-office-catalog.json'), JSON.stringify(LOCAL_CATALOG));
  for (const [code, document] of Object.entries(LEVEL_PROFILES)) {
    fs.writeFileSync(path.join(dir, `level-${code}.json`), JSON.stringify(document));
  }
  return dir;
}
