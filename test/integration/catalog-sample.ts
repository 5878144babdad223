import type { Catalog } from '../../src/oscal/model.js';

/**
 * A small hand-made OSCAL catalog for the catalog-library tests (API, CLI, browser): two families,
 * a control with an enhancement, an assignment, a selection and a preset value, nested statement
 * items, and a withdrawn control. `version` lets a test make a second edition.
 */
export function sampleCatalog(version = '1.0'): { catalog: Catalog } {
  return {
    catalog: {
      uuid: '5e1c8f3a-7b2d-4c6e-9a10-2f3b4c5d6e7f',
      metadata: {
        title: 'Sample Office Controls',
        'last-modified': '2026-01-15T00:00:00Z',
        version,
        'oscal-version': '1.1.2',
      },
      groups: [
        {
          id: 'gov',
          class: 'family',
          title: 'Governance',
          controls: [
            {
              id: 'gov-1',
              class: 'SP800-53',
              title: 'Breach Reporting',
              params: [
                { id: 'gov-1_prm_1', label: 'hours after discovery' },
                {
                  id: 'gov-1_prm_2',
                  select: { 'how-many': 'one-or-more', choice: ['the Cloud Office', 'the PSE'] },
                },
                { id: 'gov-1_prm_3', label: 'retention period', values: ['one year'] },
              ],
              props: [
                { name: 'label', value: 'GOV-1' },
                { name: 'sort-id', value: 'gov-01' },
              ],
              parts: [
                {
                  id: 'gov-1_smt',
                  name: 'statement',
                  parts: [
                    {
                      id: 'gov-1_smt.a',
                      name: 'item',
                      props: [{ name: 'label', value: 'a.' }],
                      prose:
                        'Report every data breach within {{ insert: param, gov-1_prm_1 }} to {{ insert: param, gov-1_prm_2 }}; and',
                      parts: [
                        {
                          id: 'gov-1_smt.a.1',
                          name: 'item',
                          props: [{ name: 'label', value: '1.' }],
                          prose: 'Include the systems affected.',
                        },
                      ],
                    },
                    {
                      id: 'gov-1_smt.b',
                      name: 'item',
                      props: [{ name: 'label', value: 'b.' }],
                      prose: 'Keep breach records for {{ insert: param, gov-1_prm_3 }}.',
                    },
                  ],
                },
                {
                  id: 'gov-1_gdn',
                  name: 'guidance',
                  prose: 'Early notice lets the office contain harm across tenants.',
                },
              ],
              controls: [
                {
                  id: 'gov-1.1',
                  class: 'SP800-53-enhancement',
                  title: 'Automated Notification',
                  props: [
                    { name: 'label', value: 'GOV-1(1)' },
                    { name: 'sort-id', value: 'gov-01.01' },
                  ],
                  parts: [
                    {
                      id: 'gov-1.1_smt',
                      name: 'statement',
                      prose:
                        'Notify automatically within {{ insert: param, gov-1_prm_1 }} using webhooks signed with a registered key.',
                    },
                  ],
                },
              ],
            },
            {
              id: 'gov-2',
              class: 'SP800-53',
              title: 'Paper Forms',
              props: [
                { name: 'label', value: 'GOV-2' },
                { name: 'sort-id', value: 'gov-02' },
                { name: 'status', value: 'withdrawn' },
              ],
              links: [{ href: '#gov-1', rel: 'incorporated-into' }],
            },
          ],
        },
        {
          id: 'enc',
          class: 'family',
          title: 'Encryption and Key Custody',
          controls: [
            {
              id: 'enc-1',
              class: 'SP800-53',
              title: 'Key Custody',
              props: [
                { name: 'label', value: 'ENC-1' },
                { name: 'sort-id', value: 'enc-01' },
              ],
              parts: [
                {
                  id: 'enc-1_smt',
                  name: 'statement',
                  prose:
                    'Hold encryption keys for Restricted data in the country; report breach of a key at once.',
                },
              ],
            },
          ],
        },
      ],
    },
  };
}

export const SAMPLE_CONTROL_COUNT = 4;
