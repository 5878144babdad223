import { COUNTRY_CODES } from './country-codes';
import { strings } from './strings';

/** Countries as the portal shows and offers them, named in its language. */

const displayNames = new Intl.DisplayNames([strings.locale], { type: 'region', fallback: 'code' });

/** A country's name in the portal's language, or its code if the browser has no name for it. */
export function countryName(code: string): string {
  return displayNames.of(code) ?? code;
}

/** Every country as a choice, by name. */
export const countryOptions: readonly { value: string; label: string }[] = COUNTRY_CODES.map(
  (code) => ({ value: code, label: countryName(code) }),
).sort((a, b) => a.label.localeCompare(b.label, strings.locale));

/** Countries by name, in the portal's language; "None" for none. */
export function countryList(codes: readonly string[]): string {
  if (codes.length === 0) return strings.none;
  return codes
    .map(countryName)
    .sort((a, b) => a.localeCompare(b, strings.locale))
    .join(', ');
}
