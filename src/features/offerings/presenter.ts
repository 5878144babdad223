import { Type, type Static } from 'typebox';
import { countryName } from './countries.js';
import type { OfferingRecord } from './repo.js';
import { allCountries, countriesFor, isExpired } from './residency.js';

// Literal unions spelled out for TypeBox; the same values as the types in db/schema.ts.
export const ServiceModelSchema = Type.Union([
  Type.Literal('iaas'),
  Type.Literal('paas'),
  Type.Literal('saas'),
]);
export const DeploymentModelSchema = Type.Union([
  Type.Literal('public'),
  Type.Literal('government'),
  Type.Literal('private'),
  Type.Literal('hybrid'),
]);
export const PurposeSchema = Type.Union([
  Type.Literal('customer_data'),
  Type.Literal('backup'),
  Type.Literal('disaster_recovery'),
]);
export const SchemeSchema = Type.Union([
  Type.Literal('iso27001'),
  Type.Literal('iso27017'),
  Type.Literal('iso27018'),
  Type.Literal('soc2'),
  Type.Literal('csa_star'),
  Type.Literal('pci_dss'),
  Type.Literal('other'),
]);
export const ContactRoleSchema = Type.Union([
  Type.Literal('primary'),
  Type.Literal('security'),
  Type.Literal('commercial'),
  Type.Literal('legal'),
]);

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(schema: T) =>
  Type.Union([schema, Type.Null()]);

export const OfferingSchema = Type.Object(
  {
    id: Type.String(),
    organizationId: Type.String(),
    organizationName: Type.String(),
    name: Type.String(),
    description: Type.String(),
    serviceModel: ServiceModelSchema,
    deploymentModel: DeploymentModelSchema,
    website: Nullable(Type.String()),
    locations: Type.Array(
      Type.Object({
        country: Type.String({ description: 'ISO 3166-1 alpha-2' }),
        countryName: Type.String(),
        city: Type.String(),
        operator: Type.String(),
        purpose: PurposeSchema,
      }),
    ),
    certifications: Type.Array(
      Type.Object({
        scheme: SchemeSchema,
        name: Nullable(Type.String()),
        certificateNumber: Nullable(Type.String()),
        issuer: Type.String(),
        issuedOn: Nullable(Type.String({ format: 'date' })),
        expiresOn: Type.String({ format: 'date' }),
        documentId: Nullable(Type.String()),
        expired: Type.Boolean({ description: 'Whether expiresOn is before today' }),
      }),
    ),
    contacts: Type.Array(
      Type.Object({
        role: ContactRoleSchema,
        name: Type.String(),
        email: Type.String(),
        phone: Nullable(Type.String()),
      }),
    ),
    residency: Type.Object(
      {
        customerDataCountries: Type.Array(Type.String()),
        backupCountries: Type.Array(Type.String()),
        disasterRecoveryCountries: Type.Array(Type.String()),
        allCountries: Type.Array(Type.String()),
      },
      { description: 'Where the offering keeps data: distinct ISO 3166-1 alpha-2 codes, sorted' },
    ),
    createdAt: Type.String({ format: 'date-time' }),
    createdByUserId: Nullable(Type.String()),
    updatedAt: Type.String({ format: 'date-time' }),
    updatedByUserId: Nullable(Type.String()),
  },
  { $id: 'Offering' },
);

export type OfferingView = Static<typeof OfferingSchema>;

/** Exactly the fields of an offering that leave the server; `today` (YYYY-MM-DD) marks lapses. */
export function presentOffering(record: OfferingRecord, today: string): OfferingView {
  const { offering } = record;
  return {
    id: offering.id,
    organizationId: offering.organization_id,
    organizationName: record.organizationName,
    name: offering.name,
    description: offering.description,
    serviceModel: offering.service_model,
    deploymentModel: offering.deployment_model,
    website: offering.website,
    locations: record.locations.map((l) => ({
      country: l.country,
      countryName: countryName(l.country),
      city: l.city,
      operator: l.operator,
      purpose: l.purpose,
    })),
    certifications: record.certifications.map((c) => ({
      scheme: c.scheme,
      name: c.name,
      certificateNumber: c.certificate_number,
      issuer: c.issuer,
      issuedOn: c.issued_on,
      expiresOn: c.expires_on,
      documentId: c.document_id,
      expired: isExpired(c.expires_on, today),
    })),
    contacts: record.contacts.map((c) => ({
      role: c.role,
      name: c.name,
      email: c.email,
      phone: c.phone,
    })),
    residency: {
      customerDataCountries: countriesFor(record, 'customer_data'),
      backupCountries: countriesFor(record, 'backup'),
      disasterRecoveryCountries: countriesFor(record, 'disaster_recovery'),
      allCountries: allCountries(record),
    },
    createdAt: offering.created_at,
    createdByUserId: offering.created_by_user_id,
    updatedAt: offering.updated_at,
    updatedByUserId: offering.updated_by_user_id,
  };
}
