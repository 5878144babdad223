import { Type, type Static } from 'typebox';
import type { LocationPurpose } from '../../db/schema.js';
import { csvRecord } from '../audit/csv.js';
import {
  DeploymentModelSchema,
  PurposeSchema,
  SchemeSchema,
  ServiceModelSchema,
} from '../offerings/presenter.js';
import { allCountries, countriesFor, isExpired } from '../offerings/residency.js';
import { REGISTER_STATUSES, type RegisterStatus, type StatusChange } from './history.js';
import type { EntryRow } from './repo.js';
import type { ResponsibilitySummary } from './responsibility.js';

/**
 * Exactly what the public register shows of an offering. Nothing here needs a sign-in to read, so
 * nothing here is a person: no contacts, no user ids, no e-mail addresses, no evidence.
 */

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(schema: T) =>
  Type.Union([schema, Type.Null()]);
const Day = Type.String({ format: 'date' });

export const RegisterStatusSchema = Type.Enum(REGISTER_STATUSES);

export const RegisterItemSchema = Type.Object(
  {
    offeringId: Type.String(),
    offeringName: Type.String(),
    providerId: Type.String(),
    providerName: Type.String(),
    serviceModel: ServiceModelSchema,
    deploymentModel: DeploymentModelSchema,
    status: RegisterStatusSchema,
    level: Type.Object({ code: Type.String(), rank: Type.Integer(), title: Type.String() }),
    validFrom: Day,
    validUntil: Day,
    decidedOn: Day,
    suspendedFrom: Nullable(Day),
    customerDataCountries: Type.Array(Type.String(), {
      description: 'Where customer data is kept: distinct ISO 3166-1 alpha-2 codes, sorted',
    }),
    dataCentreCountries: Type.Array(Type.String(), {
      description: 'Every data-centre country, backup and disaster recovery included, sorted',
    }),
    auditFirmName: Nullable(Type.String()),
  },
  { description: 'An offering on the public register' },
);
export type RegisterItem = Static<typeof RegisterItemSchema>;

export const RegisterDetailSchema = Type.Object({
  ...RegisterItemSchema.properties,
  description: Type.String(),
  statusHistory: Type.Array(
    Type.Object({
      status: Type.Enum([...REGISTER_STATUSES, 'superseded']),
      at: Type.String({ format: 'date-time' }),
      reason: Type.Optional(Type.String()),
    }),
    { description: 'Every decision on the offering since its first accreditation, oldest first' },
  ),
  locations: Type.Array(
    Type.Object({ country: Type.String(), city: Type.String(), purpose: PurposeSchema }),
  ),
  certifications: Type.Array(
    Type.Object({
      scheme: SchemeSchema,
      name: Nullable(Type.String()),
      issuer: Type.String(),
      expiresOn: Day,
      expired: Type.Boolean({ description: 'Whether expiresOn is before today' }),
    }),
  ),
  responsibility: Type.Object(
    {
      provider: Type.Integer(),
      customer: Type.Integer(),
      shared: Type.Integer(),
      notApplicable: Type.Integer(),
      customerResponsibilities: Type.Array(
        Type.Object({ controlId: Type.String(), text: Type.String() }),
      ),
    },
    { description: 'The customer responsibility matrix in brief: controls per party' },
  ),
  openConditions: Type.Integer({ description: 'Conditions of the accreditation not yet closed' }),
});
export type RegisterDetail = Static<typeof RegisterDetailSchema>;

export interface EntryLocation {
  country: string;
  city: string;
  purpose: LocationPurpose;
}

/** One entry as the list shows it; `locations` are the offering's, in their stored order. */
export function presentItem(row: EntryRow, locations: readonly EntryLocation[]): RegisterItem {
  return {
    offeringId: row.offering_id,
    offeringName: row.offering_name,
    providerId: row.provider_id,
    providerName: row.provider_name,
    serviceModel: row.service_model,
    deploymentModel: row.deployment_model,
    // The projection writes only these four; anything else would be a bug upstream, shown as is.
    status: row.status as RegisterStatus,
    level: { code: row.level_code, rank: row.level_rank, title: row.level_title ?? row.level_code },
    validFrom: row.valid_from,
    validUntil: row.valid_until,
    decidedOn: row.decided_on,
    suspendedFrom: row.suspended_from,
    customerDataCountries: countriesFor({ locations }, 'customer_data'),
    dataCentreCountries: allCountries({ locations }),
    auditFirmName: row.audit_firm_name,
  };
}

export interface DetailFacts {
  row: EntryRow & { description: string };
  locations: readonly EntryLocation[];
  certifications: readonly {
    scheme: RegisterDetail['certifications'][number]['scheme'];
    name: string | null;
    issuer: string;
    expires_on: string;
  }[];
  history: readonly StatusChange[];
  responsibility: ResponsibilitySummary;
  openConditions: number;
  /** YYYY-MM-DD: certifications that lapsed before it are marked expired. */
  today: string;
}

export function presentDetail(facts: DetailFacts): RegisterDetail {
  return {
    ...presentItem(facts.row, facts.locations),
    description: facts.row.description,
    statusHistory: facts.history.map((change) => ({ ...change })),
    locations: facts.locations.map((l) => ({
      country: l.country,
      city: l.city,
      purpose: l.purpose,
    })),
    certifications: facts.certifications.map((c) => ({
      scheme: c.scheme,
      name: c.name,
      issuer: c.issuer,
      expiresOn: c.expires_on,
      expired: isExpired(c.expires_on, facts.today),
    })),
    responsibility: facts.responsibility,
    openConditions: facts.openConditions,
  };
}

/** The CSV export's columns, in order; lists of countries are joined with spaces. */
export const REGISTER_CSV_COLUMNS = [
  'offering_id',
  'offering_name',
  'provider_id',
  'provider_name',
  'service_model',
  'deployment_model',
  'status',
  'level_code',
  'level_title',
  'valid_from',
  'valid_until',
  'decided_on',
  'suspended_from',
  'customer_data_countries',
  'data_centre_countries',
  'audit_firm_name',
] as const;

/** One entry as a CSV record (RFC 4180, formula-like cells guarded by audit/csv.ts). */
export function registerCsvRecord(item: RegisterItem): string {
  return csvRecord([
    item.offeringId,
    item.offeringName,
    item.providerId,
    item.providerName,
    item.serviceModel,
    item.deploymentModel,
    item.status,
    item.level.code,
    item.level.title,
    item.validFrom,
    item.validUntil,
    item.decidedOn,
    item.suspendedFrom,
    item.customerDataCountries.join(' '),
    item.dataCentreCountries.join(' '),
    item.auditFirmName,
  ]);
}

/** The header record of the export. */
export function registerCsvHeader(): string {
  return csvRecord(REGISTER_CSV_COLUMNS);
}

/**
 * A file name from the offering's name: lower-case ASCII letters, digits and dashes only, so it is
 * safe inside a Content-Disposition header. Accents are dropped (é -> e), not turned into dashes.
 */
export function fileNameOf(offeringName: string, offeringId: string, suffix: string): string {
  const slug = offeringName
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 60)
    .replace(/-+$/, '');
  return `${slug === '' ? offeringId : slug}-${suffix}`;
}
