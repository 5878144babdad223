import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { COUNTRY_CODES, countryName, isCountryCode } from './countries.js';
import {
  allCountries,
  allDataOnlyIn,
  countriesFor,
  customerDataOnlyIn,
  isExpired,
} from './residency.js';
import { isCalendarDate, listIssues, type LocationInput } from './validation.js';

const at = (country: string, purpose: LocationInput['purpose']): LocationInput => ({
  country,
  city: 'City',
  operator: 'Operator',
  purpose,
});

describe('country codes', () => {
  it('holds the 249 assigned ISO 3166-1 alpha-2 codes, each known to ICU by name', () => {
    assert.equal(COUNTRY_CODES.length, 249);
    assert.equal(new Set(COUNTRY_CODES).size, 249);
    const names = new Intl.DisplayNames(['en'], { type: 'region', fallback: 'none' });
    for (const code of COUNTRY_CODES) {
      assert.match(code, /^[A-Z]{2}$/);
      assert.ok(names.of(code), `ICU has no name for ${code}`);
    }
    assert.equal(countryName('PK'), 'Pakistan');
  });

  it('refuses region codes that ICU names but that are not countries, and lower case', () => {
    for (const code of ['EU', 'UN', 'ZZ', '001', 'UK', 'XK', 'EZ', 'QO', 'SU', 'pk', 'P', 'PAK']) {
      assert.equal(isCountryCode(code), false, code);
    }
    for (const code of ['PK', 'GB', 'DE', 'AE', 'SS', 'AQ']) assert.ok(isCountryCode(code), code);
  });
});

describe('offering lists: what is refused, named by pointer', () => {
  it('names a bad country and a missing customer-data location', () => {
    const issues = listIssues({ locations: [at('EU', 'backup')] });
    assert.deepEqual(
      issues.map((i) => i.pointer),
      ['/locations/0/country', '/locations'],
    );
    assert.match(issues[0]?.message ?? '', /ISO 3166-1 alpha-2.*\(got "EU"\)/);
  });

  it('accepts customer data in one place with a backup elsewhere', () => {
    assert.deepEqual(
      listIssues({ locations: [at('PK', 'customer_data'), at('AE', 'backup')] }),
      [],
    );
  });

  it('refuses a certification that expires on or before it was issued, and a nameless "other"', () => {
    const issues = listIssues({
      certifications: [
        { scheme: 'iso27001', issuer: 'BSI', issuedOn: '2025-06-01', expiresOn: '2025-05-31' },
        { scheme: 'soc2', issuer: 'X', issuedOn: '2025-06-01', expiresOn: '2025-06-01' },
        { scheme: 'other', issuer: 'X', expiresOn: '2027-01-01', name: '  ' },
        { scheme: 'iso27017', issuer: 'X', expiresOn: '2027-02-30' },
        { scheme: 'iso27018', issuer: 'X', issuedOn: null, expiresOn: '2027-02-28' },
      ],
    });
    assert.deepEqual(
      issues.map((i) => i.pointer),
      [
        '/certifications/0/expiresOn',
        '/certifications/1/expiresOn',
        '/certifications/2/name',
        '/certifications/3/expiresOn',
      ],
    );
    assert.match(issues[0]?.message ?? '', /after issuedOn 2025-06-01/);
  });

  it('checks only the lists it is given', () => {
    assert.deepEqual(listIssues({}), []);
    assert.deepEqual(listIssues({ contacts: [] }), []);
  });

  it('knows calendar days', () => {
    assert.ok(isCalendarDate('2024-02-29'));
    assert.equal(isCalendarDate('2025-02-29'), false);
    assert.equal(isCalendarDate('2025-13-01'), false);
    assert.equal(isCalendarDate('2025-1-01'), false);
  });
});

describe('residency: where an offering keeps data, for any country', () => {
  const onshore = { locations: [at('PK', 'customer_data'), at('PK', 'customer_data')] };
  const offshoreBackup = { locations: [at('PK', 'customer_data'), at('AE', 'disaster_recovery')] };
  const split = { locations: [at('PK', 'customer_data'), at('DE', 'customer_data')] };

  it('says whether all customer data is in the country asked about', () => {
    assert.ok(customerDataOnlyIn(onshore, 'PK'));
    assert.ok(customerDataOnlyIn(offshoreBackup, 'PK'));
    assert.equal(customerDataOnlyIn(split, 'PK'), false);
    assert.equal(customerDataOnlyIn(onshore, 'DE'), false);
    assert.ok(customerDataOnlyIn({ locations: [at('DE', 'customer_data')] }, 'DE'));
    assert.equal(customerDataOnlyIn({ locations: [at('PK', 'backup')] }, 'PK'), false);
  });

  it('counts backups and disaster recovery in the stricter rule', () => {
    assert.ok(allDataOnlyIn(onshore, 'PK'));
    assert.equal(allDataOnlyIn(offshoreBackup, 'PK'), false);
    assert.equal(allDataOnlyIn({ locations: [] }, 'PK'), false);
  });

  it('lists distinct countries per purpose, sorted', () => {
    assert.deepEqual(countriesFor(split, 'customer_data'), ['DE', 'PK']);
    assert.deepEqual(countriesFor(offshoreBackup, 'backup'), []);
    assert.deepEqual(allCountries(offshoreBackup), ['AE', 'PK']);
  });

  it('treats a certification as valid through its expiry day', () => {
    assert.equal(isExpired('2026-11-28', '2026-11-28'), false);
    assert.ok(isExpired('2026-11-27', '2026-11-28'));
  });
});
