import type { LocationPurpose } from '../../db/schema.js';

/**
 * Derived facts about where an offering keeps data, for the public register and for placement
 * decisions (issue 6). The country is always a parameter: which country a policy requires is
 * policy data, never code.
 */
export interface LocatedOffering {
  locations: readonly { country: string; purpose: LocationPurpose }[];
}

/** The distinct countries of the locations with this purpose, sorted. */
export function countriesFor(offering: LocatedOffering, purpose: LocationPurpose): string[] {
  return [
    ...new Set(offering.locations.filter((l) => l.purpose === purpose).map((l) => l.country)),
  ].sort();
}

/** The distinct countries of every location, whatever its purpose, sorted. */
export function allCountries(offering: LocatedOffering): string[] {
  return [...new Set(offering.locations.map((l) => l.country))].sort();
}

/**
 * Whether every data centre that holds customer data is in `country` (and there is at least one).
 * Backup and disaster-recovery sites are not counted; see `allDataOnlyIn` for the stricter rule.
 */
export function customerDataOnlyIn(offering: LocatedOffering, country: string): boolean {
  const countries = countriesFor(offering, 'customer_data');
  return countries.length > 0 && countries.every((c) => c === country);
}

/**
 * Whether every location, backups and disaster recovery included, is in `country`: backups hold
 * copies of customer data, so a rule like "operated onshore" may need this one.
 */
export function allDataOnlyIn(offering: LocatedOffering, country: string): boolean {
  return offering.locations.length > 0 && offering.locations.every((l) => l.country === country);
}

/** Whether a certification has lapsed on `today` (YYYY-MM-DD): it is valid through its expiry day. */
export function isExpired(expiresOn: string, today: string): boolean {
  return expiresOn < today;
}
