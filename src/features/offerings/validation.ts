import type { CertificationScheme, LocationPurpose, OfferingContactRole } from '../../db/schema.js';
import type { ProblemIssue } from '../../errors.js';
import { isCountryCode } from './countries.js';

/** A data-centre location as the API takes it. */
export interface LocationInput {
  country: string;
  city: string;
  operator: string;
  purpose: LocationPurpose;
}

/** A certification held, as the API takes it. */
export interface CertificationInput {
  scheme: CertificationScheme;
  name?: string | null;
  certificateNumber?: string | null;
  issuer: string;
  issuedOn?: string | null;
  expiresOn: string;
  documentId?: string | null;
}

export interface ContactInput {
  role: OfferingContactRole;
  name: string;
  email: string;
  phone?: string | null;
}

/** The lists of an offering; each is replaced whole when given. */
export interface OfferingLists {
  locations: readonly LocationInput[];
  certifications: readonly CertificationInput[];
  contacts: readonly ContactInput[];
}

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Whether `text` is a real calendar day written YYYY-MM-DD (no 2026-02-30). */
export function isCalendarDate(text: string): boolean {
  const match = DATE.exec(text);
  if (!match) return false;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const date = new Date(Date.UTC(year, month - 1, day));
  return (
    date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day
  );
}

function issue(pointer: string, message: string): ProblemIssue {
  return { in: 'body', pointer, message };
}

/**
 * What is wrong with an offering's lists, each problem named by its JSON pointer in the request
 * body; empty when they may be stored. Checks that need the database (a certificate document's
 * owner) are the service's.
 */
export function listIssues(lists: Partial<OfferingLists>): ProblemIssue[] {
  const issues: ProblemIssue[] = [];
  if (lists.locations) {
    lists.locations.forEach((location, index) => {
      if (!isCountryCode(location.country)) {
        issues.push(
          issue(
            `/locations/${index}/country`,
            `must be an ISO 3166-1 alpha-2 country code in capitals, such as PK or DE (got ${JSON.stringify(location.country)})`,
          ),
        );
      }
    });
    // Issue 5: an offering says where customer data is held; residency rules read exactly that.
    if (!lists.locations.some((location) => location.purpose === 'customer_data')) {
      issues.push(
        issue(
          '/locations',
          'must include at least one data centre that holds customer data (purpose "customer_data")',
        ),
      );
    }
  }
  lists.certifications?.forEach((certification, index) => {
    const at = `/certifications/${index}`;
    if (certification.scheme === 'other' && !certification.name?.trim()) {
      issues.push(issue(`${at}/name`, 'is required when the scheme is "other"'));
    }
    const issuedOn = certification.issuedOn ?? null;
    const issuedOk = issuedOn === null || isCalendarDate(issuedOn);
    const expiresOk = isCalendarDate(certification.expiresOn);
    if (issuedOn !== null && !issuedOk) {
      issues.push(
        issue(`${at}/issuedOn`, `must be a date, YYYY-MM-DD (got ${JSON.stringify(issuedOn)})`),
      );
    }
    if (!expiresOk) {
      issues.push(
        issue(
          `${at}/expiresOn`,
          `must be a date, YYYY-MM-DD (got ${JSON.stringify(certification.expiresOn)})`,
        ),
      );
    }
    if (issuedOk && expiresOk && issuedOn !== null && certification.expiresOn <= issuedOn) {
      issues.push(
        issue(
          `${at}/expiresOn`,
          `must be after issuedOn ${issuedOn} (got ${JSON.stringify(certification.expiresOn)})`,
        ),
      );
    }
  });
  return issues;
}

/** One line summing up issues, for the problem's detail. */
export function describeIssues(issues: readonly ProblemIssue[]): string {
  return `The offering is not valid: ${issues.map((i) => `${i.in} ${i.pointer}: ${i.message}`).join('; ')}.`;
}
