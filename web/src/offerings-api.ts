import { api, ApiError } from './api';
import type { ApplicationStatus, ApplicationView } from './applications-api';

/**
 * What the offerings, accreditation and public register APIs answer, as the portal uses them
 * (src/features/offerings/routes.ts, src/features/accreditation/routes.ts,
 * src/features/register/routes.ts; the OpenAPI document has all).
 */

export type ServiceModel = 'iaas' | 'paas' | 'saas';
export type DeploymentModel = 'public' | 'government' | 'private' | 'hybrid';
export type LocationPurpose = 'customer_data' | 'backup' | 'disaster_recovery';
export type CertificationScheme =
  'iso27001' | 'iso27017' | 'iso27018' | 'soc2' | 'csa_star' | 'pci_dss' | 'other';
export type ContactRole = 'primary' | 'security' | 'commercial' | 'legal';

export const SERVICE_MODELS: readonly ServiceModel[] = ['iaas', 'paas', 'saas'];
export const DEPLOYMENT_MODELS: readonly DeploymentModel[] = [
  'public',
  'government',
  'private',
  'hybrid',
];
export const LOCATION_PURPOSES: readonly LocationPurpose[] = [
  'customer_data',
  'backup',
  'disaster_recovery',
];
export const CERTIFICATION_SCHEMES: readonly CertificationScheme[] = [
  'iso27001',
  'iso27017',
  'iso27018',
  'soc2',
  'csa_star',
  'pci_dss',
  'other',
];
export const CONTACT_ROLES: readonly ContactRole[] = ['primary', 'security', 'commercial', 'legal'];

export interface OfferingLocation {
  country: string;
  countryName?: string;
  city: string;
  operator: string;
  purpose: LocationPurpose;
}

export interface OfferingCertification {
  scheme: CertificationScheme;
  name: string | null;
  certificateNumber: string | null;
  issuer: string;
  issuedOn: string | null;
  expiresOn: string;
  documentId: string | null;
  expired?: boolean;
}

export interface OfferingContact {
  role: ContactRole;
  name: string;
  email: string;
  phone: string | null;
}

export interface Offering {
  id: string;
  organizationId: string;
  organizationName: string;
  name: string;
  description: string;
  serviceModel: ServiceModel;
  deploymentModel: DeploymentModel;
  website: string | null;
  locations: OfferingLocation[];
  certifications: OfferingCertification[];
  contacts: OfferingContact[];
  residency: {
    customerDataCountries: string[];
    backupCountries: string[];
    disasterRecoveryCountries: string[];
    allCountries: string[];
  };
  createdAt: string;
  updatedAt: string;
}

/** The body of POST /api/v1/offerings (and, all of it, of PATCH). */
export interface OfferingInput {
  organizationId?: string;
  name: string;
  description: string;
  serviceModel: ServiceModel;
  deploymentModel: DeploymentModel;
  website: string | null;
  locations: OfferingLocation[];
  certifications: OfferingCertification[];
  contacts: OfferingContact[];
}

// Answers to the controls of an application (src/features/accreditation/responses.ts)

export type ResponseStatus = 'implemented' | 'partial' | 'planned' | 'not_applicable';
export type Responsibility = 'provider' | 'customer' | 'shared';
export const RESPONSE_STATUSES: readonly ResponseStatus[] = [
  'implemented',
  'partial',
  'planned',
  'not_applicable',
];
export const RESPONSIBILITIES: readonly Responsibility[] = ['provider', 'customer', 'shared'];

export interface ControlResponse {
  controlId: string;
  status: ResponseStatus;
  responsibility: Responsibility;
  narrative: string;
  reason: string | null;
  customerResponsibility: string | null;
  evidenceDocumentIds: string[];
}

export interface ProgressCounts {
  total: number;
  answered: number;
}

/** Progress against the level version (src/features/accreditation/responses.ts). */
export interface ResponseProgress extends ProgressCounts {
  levelVersion: number;
  complete: boolean;
  percent: number;
  unanswered: string[];
  withoutEvidence: string[];
  withdrawn: string[];
  groups: (ProgressCounts & { id: string | null; title: string })[];
}

/** GET /api/v1/applications/:id, with the progress per group that the answers page shows. */
export type ApplicationWithProgress = Omit<ApplicationView, 'progress'> & {
  progress: ResponseProgress | null;
};

/** The states in which the provider may still change its answers. */
export const EDITABLE_STATUSES: readonly ApplicationStatus[] = ['draft', 'returned'];

// Documents (src/features/documents/routes.ts)

export type DocumentKind =
  'certificate' | 'contract' | 'legal' | 'architecture' | 'evidence' | 'audit_report' | 'other';

export interface StoredDocument {
  id: string;
  organizationId: string;
  kind: DocumentKind;
  fileName: string;
  mediaType: string;
  size: number;
  uploadedAt: string;
}

/** Uploads one file as a document of the user's organization. */
export function uploadDocument(file: File, kind: DocumentKind): Promise<StoredDocument> {
  const form = new FormData();
  // The kind first: the server reads the fields before the file streams in.
  form.append('kind', kind);
  form.append('file', file, file.name);
  return api.upload<StoredDocument>('/api/v1/documents', form);
}

export const documentContentPath = (id: string) =>
  `/api/v1/documents/${encodeURIComponent(id)}/content`;

// The public register (contract of this session; src/features/register/routes.ts)

export type RegisterStatus = 'accredited' | 'suspended' | 'revoked' | 'expired';
export const REGISTER_STATUSES: readonly RegisterStatus[] = [
  'accredited',
  'suspended',
  'revoked',
  'expired',
];

export interface RegisterEntry {
  offeringId: string;
  offeringName: string;
  providerId: string;
  providerName: string;
  serviceModel: ServiceModel;
  deploymentModel: DeploymentModel;
  status: RegisterStatus;
  level: { code: string; rank: number; title: string };
  validFrom: string;
  validUntil: string;
  decidedOn: string;
  suspendedFrom: string | null;
  customerDataCountries: string[];
  dataCentreCountries: string[];
  auditFirmName: string | null;
}

export interface RegisterList {
  items: RegisterEntry[];
  total: number;
  limit: number;
  offset: number;
  /** The installation's own country (ISO 3166-1 alpha-2), which the residency filter is about. */
  residencyCountry: string;
}

export interface RegisterDetail extends RegisterEntry {
  description: string;
  statusHistory: { status: string; at: string; reason?: string | null }[];
  locations: { country: string; city: string; purpose: LocationPurpose }[];
  certifications: {
    scheme: CertificationScheme;
    name: string | null;
    issuer: string;
    expiresOn: string;
    expired: boolean;
  }[];
  responsibility: {
    provider: number;
    customer: number;
    shared: number;
    notApplicable: number;
    customerResponsibilities: { controlId: string; text: string }[];
  };
  openConditions: number;
}

/**
 * An ApiError whose pointers into nested lists (`/locations/0/city`) are written as one field name
 * each (`locations-0-city`), so that `fieldErrors()` gives every row's field its own message.
 */
export function withNestedFields(error: unknown): unknown {
  if (!(error instanceof ApiError)) return error;
  return new ApiError(
    error.status,
    error.code,
    error.detail,
    error.errors.map((problem) => ({
      ...problem,
      pointer: `/${problem.pointer.replace(/^\//, '').split('/').join('-')}`,
    })),
    error.requestId,
  );
}
