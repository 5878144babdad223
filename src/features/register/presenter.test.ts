import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  fileNameOf,
  presentDetail,
  presentItem,
  REGISTER_CSV_COLUMNS,
  registerCsvHeader,
  registerCsvRecord,
} from './presenter.js';
import type { EntryRow } from './repo.js';

const row: EntryRow = {
  offering_id: 'off-1',
  offering_name: 'Sovereign Compute',
  provider_id: 'csp-1',
  provider_name: 'Sovereign Cloud',
  service_model: 'iaas',
  deployment_model: 'government',
  status: 'suspended',
  level_code: 'enhanced',
  level_rank: 3,
  level_title: 'Enhanced',
  valid_from: '2026-01-01',
  valid_until: '2028-12-31',
  decided_on: '2026-01-01',
  suspended_from: '2026-05-01',
  audit_firm_name: 'Assurance Partners',
};

const locations = [
  { country: 'PK', city: 'Karachi', purpose: 'customer_data' as const },
  { country: 'AE', city: 'Dubai', purpose: 'disaster_recovery' as const },
  { country: 'PK', city: 'Lahore', purpose: 'customer_data' as const },
  { country: 'DE', city: 'Frankfurt', purpose: 'backup' as const },
];

describe('presentItem', () => {
  it('lists customer-data countries apart from every data-centre country, each once and sorted', () => {
    const item = presentItem(row, locations);
    assert.deepEqual(item.customerDataCountries, ['PK']);
    assert.deepEqual(item.dataCentreCountries, ['AE', 'DE', 'PK']);
    assert.deepEqual(item.level, { code: 'enhanced', rank: 3, title: 'Enhanced' });
    assert.equal(item.suspendedFrom, '2026-05-01');
  });

  it('falls back to the level code when the level row is gone', () => {
    assert.equal(presentItem({ ...row, level_title: null }, []).level.title, 'enhanced');
  });
});

describe('presentDetail', () => {
  it('marks certifications that lapsed before today, and keeps data-centre operators out', () => {
    const detail = presentDetail({
      row: { ...row, description: 'Compute.' },
      locations,
      certifications: [
        { scheme: 'iso27001', name: null, issuer: 'BSI', expires_on: '2026-05-31' },
        { scheme: 'other', name: 'PTA licence', issuer: 'PTA', expires_on: '2026-06-01' },
      ],
      history: [{ status: 'accredited', at: '2026-01-01T00:00:00.000Z' }],
      responsibility: {
        provider: 1,
        customer: 0,
        shared: 0,
        notApplicable: 0,
        customerResponsibilities: [],
      },
      openConditions: 2,
      today: '2026-06-01',
    });
    assert.deepEqual(
      detail.certifications.map((c) => [c.name ?? c.scheme, c.expired]),
      [
        ['iso27001', true],
        ['PTA licence', false],
      ],
      'valid through its expiry day',
    );
    assert.deepEqual(detail.locations[1], {
      country: 'AE',
      city: 'Dubai',
      purpose: 'disaster_recovery',
    });
    assert.equal(detail.openConditions, 2);
  });
});

describe('the CSV export', () => {
  it('writes one field per column, country lists joined with spaces', () => {
    const record = registerCsvRecord(presentItem(row, locations));
    assert.equal(
      record,
      'off-1,Sovereign Compute,csp-1,Sovereign Cloud,iaas,government,suspended,enhanced,Enhanced,' +
        '2026-01-01,2028-12-31,2026-01-01,2026-05-01,PK,AE DE PK,Assurance Partners\r\n',
    );
    assert.equal(record.split(',').length, REGISTER_CSV_COLUMNS.length);
    assert.equal(registerCsvHeader(), `${REGISTER_CSV_COLUMNS.join(',')}\r\n`);
  });

  it('defuses names a spreadsheet would run as formulas, and quotes commas', () => {
    const record = registerCsvRecord(
      presentItem(
        {
          ...row,
          offering_name: '=cmd|/C calc',
          provider_name: 'Acme, Inc.',
          audit_firm_name: null,
        },
        [],
      ),
    );
    assert.match(record, /^off-1,'=cmd\|\/C calc,csp-1,"Acme, Inc\.",/);
    assert.match(record, /,2026-05-01,,,\r\n$/, 'no countries, no audit firm: empty fields');
  });
});

describe('fileNameOf', () => {
  it('makes a plain file name from the offering name', () => {
    assert.equal(
      fileNameOf('Sovereign Compute (Gov) — Région Sud', 'off-1', 'component-definition.json'),
      'sovereign-compute-gov-region-sud-component-definition.json',
    );
  });

  it('uses the id when the name has no letters or digits to keep', () => {
    assert.equal(fileNameOf('"; rm -rf /', 'off-1', 'x.json'), 'rm-rf-x.json');
    assert.equal(fileNameOf('مرکز', 'off-1', 'x.json'), 'off-1-x.json');
  });

  it('keeps the name part to 60 characters', () => {
    const name = fileNameOf('a'.repeat(59) + ' b', 'off-1', 'x.json');
    assert.equal(name, `${'a'.repeat(59)}-x.json`);
  });
});
