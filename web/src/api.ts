import { format, strings } from './strings';

/**
 * The portal's only way to the server. Every call sends the session cookie (same origin), JSON in
 * and out, and the session's CSRF token on every change; a refusal arrives as an `ApiError`
 * carrying the problem document's `code`, its `detail` (for people) and its per-field `errors`.
 */

export const CSRF_HEADER = 'x-csrf-token';

/** One field the server found wrong, located by a JSON pointer such as `/email`. */
export interface FieldProblem {
  in: string;
  pointer: string;
  message: string;
}

/** A refusal or failure, from an RFC 9457 problem document or from the network. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly detail: string,
    readonly errors: readonly FieldProblem[] = [],
    readonly requestId?: string,
  ) {
    super(detail);
    this.name = 'ApiError';
  }

  /** The server's messages by field name (the first segment of each pointer). */
  fieldErrors(): Record<string, string> {
    const byField: Record<string, string> = {};
    for (const problem of this.errors) {
      const field = problem.pointer.split('/')[1];
      if (field && !(field in byField)) byField[field] = problem.message;
    }
    return byField;
  }
}

/** The 401 codes after which the user must do something before anything else works. */
export type AuthProblemCode =
  'sign_in_required' | 'second_factor_required' | 'second_factor_enrolment_required';

const AUTH_PROBLEM_CODES: readonly string[] = [
  'sign_in_required',
  'second_factor_required',
  'second_factor_enrolment_required',
];

const authListeners = new Set<(code: AuthProblemCode) => void>();

/** Hears about answers that say the session must sign in again or pass the second factor. */
export function onAuthProblem(listener: (code: AuthProblemCode) => void): () => void {
  authListeners.add(listener);
  return () => authListeners.delete(listener);
}

let csrfToken: string | undefined;

/** The token from GET /api/v1/auth/session or the sign-in answer; undefined after signing out. */
export function setCsrfToken(token: string | undefined): void {
  csrfToken = token;
}

export type Query = Record<string, string | number | boolean | null | undefined>;

/** A path with its query string; empty and missing values are left out. */
export function withQuery(path: string, query: Query = {}): string {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(query)) {
    if (value !== undefined && value !== null && value !== '') params.set(name, String(value));
  }
  const text = params.toString();
  return text ? `${path}?${text}` : path;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

function toFieldProblems(value: unknown): FieldProblem[] {
  if (!Array.isArray(value)) return [];
  return value.filter(isRecord).map((item) => ({
    in: typeof item.in === 'string' ? item.in : 'body',
    pointer: typeof item.pointer === 'string' ? item.pointer : '',
    message: typeof item.message === 'string' ? item.message : '',
  }));
}

async function problemOf(response: Response): Promise<ApiError> {
  const type = response.headers.get('content-type') ?? '';
  if (type.includes('json')) {
    const body: unknown = await response.json().catch(() => undefined);
    if (isRecord(body) && typeof body.code === 'string') {
      const detail =
        typeof body.detail === 'string'
          ? body.detail
          : typeof body.title === 'string'
            ? body.title
            : format(strings.errorUnexpectedAnswer, { status: String(response.status) });
      return new ApiError(
        response.status,
        body.code,
        detail,
        toFieldProblems(body.errors),
        typeof body.requestId === 'string' ? body.requestId : undefined,
      );
    }
  }
  return new ApiError(
    response.status,
    `http_${response.status}`,
    format(strings.errorUnexpectedAnswer, { status: String(response.status) }),
    [],
    response.headers.get('x-request-id') ?? undefined,
  );
}

interface RequestOptions {
  body?: unknown;
  query?: Query;
  signal?: AbortSignal;
}

async function send(method: string, path: string, options: RequestOptions): Promise<Response> {
  const headers: Record<string, string> = {
    accept: 'application/json, application/problem+json',
  };
  // A FormData body (a file upload) sets its own multipart content type, boundary included.
  const form = options.body instanceof FormData ? options.body : undefined;
  if (options.body !== undefined && !form) headers['content-type'] = 'application/json';
  if (method !== 'GET' && csrfToken) headers[CSRF_HEADER] = csrfToken;
  try {
    return await fetch(withQuery(path, options.query), {
      method,
      credentials: 'same-origin',
      headers,
      body: form ?? (options.body === undefined ? undefined : JSON.stringify(options.body)),
      signal: options.signal,
    });
  } catch (error) {
    if (options.signal?.aborted) throw error;
    throw new ApiError(0, 'network_error', strings.errorNetwork);
  }
}

async function request<T>(method: string, path: string, options: RequestOptions = {}): Promise<T> {
  let response = await send(method, path, options);
  if (response.status === 403 && method !== 'GET') {
    const problem = await problemOf(response.clone());
    // The token changes when the session does (another tab signed in again): fetch it and retry once.
    if (problem.code === 'csrf_token_invalid' && (await refreshCsrfToken(options.signal))) {
      response = await send(method, path, options);
    }
  }
  if (!response.ok) {
    const problem = await problemOf(response);
    if (response.status === 401 && AUTH_PROBLEM_CODES.includes(problem.code)) {
      for (const listener of authListeners) listener(problem.code as AuthProblemCode);
    }
    throw problem;
  }
  if (response.status === 204) return undefined as T;
  const text = await response.text();
  if (text === '') return undefined as T;
  try {
    return JSON.parse(text) as T;
  } catch {
    throw new ApiError(response.status, 'malformed_answer', strings.errorMalformedAnswer);
  }
}

async function refreshCsrfToken(signal: AbortSignal | undefined): Promise<boolean> {
  try {
    const session = await request<Session>('GET', '/api/v1/auth/session', { signal });
    setCsrfToken(session.csrfToken);
    return session.csrfToken !== undefined;
  } catch {
    return false;
  }
}

export const api = {
  get: <T>(path: string, query?: Query, signal?: AbortSignal) =>
    request<T>('GET', path, { query, signal }),
  post: <T>(path: string, body?: unknown) => request<T>('POST', path, { body }),
  patch: <T>(path: string, body: unknown) => request<T>('PATCH', path, { body }),
  put: <T>(path: string, body: unknown) => request<T>('PUT', path, { body }),
  delete: <T>(path: string) => request<T>('DELETE', path, {}),
  /** Sends a multipart form, such as a file for POST /api/v1/documents. */
  upload: <T>(path: string, form: FormData) => request<T>('POST', path, { body: form }),
};

// What the API answers, as the portal uses it (the OpenAPI document at /api/openapi.json has all).

export type OrganizationKind = 'cloud_office' | 'csp' | 'pse' | 'audit_firm';
export type OrganizationStatus = 'pending' | 'active' | 'declined' | 'archived';
export type PseTier = 'ministry' | 'division' | 'department' | 'attached_body';
export type UserStatus = 'invited' | 'active' | 'disabled';

export interface Me {
  userId: string;
  email: string;
  displayName: string;
  role: string;
  organization: { id: string; kind: OrganizationKind; name: string };
  positions: { code: string; title: string; additionalCharge: boolean; endsOn: string | null }[];
  powers: string[];
  /** Whether the user has a TOTP authenticator enrolled. */
  secondFactorEnrolled?: boolean;
  /** Enrolled in TOTP, and this session has not passed the code yet. */
  secondFactorPending: boolean;
  /** An officer without TOTP: must enrol before doing anything else. */
  secondFactorEnrolmentRequired?: boolean;
}

export interface Session {
  signedIn: boolean;
  me?: Me;
  csrfToken?: string;
}

export interface Organization {
  id: string;
  kind: OrganizationKind;
  name: string;
  shortName: string | null;
  parentId: string | null;
  pseTier: PseTier | null;
  status: OrganizationStatus;
  contactEmail: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface User {
  id: string;
  organizationId: string;
  email: string;
  displayName: string;
  role: string;
  status: UserStatus;
  secondFactorEnrolled: boolean;
  lastSignInAt: string | null;
  createdAt: string;
}

export interface Page<T> {
  items: T[];
  total: number;
  limit: number;
  offset: number;
}

export interface Position {
  code: string;
  title: string;
  rank: number;
  powers: string[];
}

export interface Appointment {
  id: string;
  userId: string;
  userName: string;
  userEmail: string;
  positionCode: string;
  positionTitle: string;
  startsOn: string;
  endsOn: string | null;
  additionalCharge: boolean;
  note: string | null;
}

export interface AuditEvent {
  seq: number;
  id: string;
  occurredAt: string;
  actor: {
    userId: string | null;
    email: string | null;
    organizationId: string | null;
    position: string | null;
  };
  action: string;
  outcome: 'success' | 'denied';
  target: { type: string; id: string | null } | null;
  summary: Record<string, unknown>;
  requestId: string | null;
  prevHash: string;
  hash: string;
}

export interface AuditVerification {
  intact: boolean;
  events: number;
  lastHash: string | null;
  problem: { seq: number; eventId: string | null; kind: string; message: string } | null;
}

export interface TotpEnrolment {
  secret: string;
  otpauthUri: string;
  issuer: string;
  label: string;
}

// Security levels (src/features/levels/routes.ts)

export type LevelStatus = 'draft' | 'proposed' | 'approved' | 'published';

export interface LevelSummary {
  code: string;
  title: string;
  rank: number;
  latestVersion: number | null;
  publishedAt: string | null;
}

export interface LevelStep {
  at: string;
  position: string | null;
}

export interface PendingImport {
  href: string;
  controlIds: string[];
}

export interface LevelVersionSummary {
  version: number;
  status: LevelStatus;
  basedOnVersion: number | null;
  created: LevelStep;
  proposed: LevelStep | null;
  approved: LevelStep | null;
  published: LevelStep | null;
  returned: (LevelStep & { reason: string }) | null;
  pending: PendingImport[];
  links: { page: string; profile: string; catalog: string | null };
}

export interface LevelDetail {
  code: string;
  title: string;
  rank: number;
  versions: LevelVersionSummary[];
}

export interface LevelControl {
  id: string;
  label: string | null;
  title: string;
  parentId: string | null;
  statement: string;
  parameters: { id: string; label: string | null; value: string | null }[];
}

export interface LevelVersion extends LevelVersionSummary {
  level: { code: string; title: string; rank: number };
  title: string;
  remarks: string | null;
  imports: { href: string; includeAll: boolean; controlIds: string[]; excludedIds: string[] }[];
  setParameters: { paramId: string; values: string[] }[];
  controlCount: number;
  groups: { id: string | null; title: string; controls: LevelControl[] }[];
  problems: FieldProblem[];
}

export interface LevelDiffChange {
  before: string | null;
  after: string | null;
}

export interface LevelDiff {
  from: { code: string; version: number };
  to: { code: string; version: number };
  added: { id: string; title: string }[];
  removed: { id: string; title: string }[];
  changed: {
    id: string;
    title: string;
    titleChange: { before: string; after: string } | null;
    parameters: (LevelDiffChange & { paramId: string })[];
    texts: (LevelDiffChange & { part: string })[];
  }[];
  pendingAdded: string[];
  pendingRemoved: string[];
}

// The catalog library (src/features/catalogs/routes.ts).

export interface Catalog {
  id: string;
  uuid: string;
  title: string;
  version: string;
  oscalVersion: string;
  lastModified: string;
  sourceName: string;
  documentBytes: number;
  controlCount: number;
  withdrawnCount: number;
  familyCount: number;
  importedBy: { userId: string; email: string | null } | null;
  importedAt: string;
}

export interface CatalogFamily {
  id: string | null;
  title: string;
  controls: number;
  enhancements: number;
  withdrawn: number;
}

export interface CatalogDetail {
  catalog: Catalog;
  families: CatalogFamily[];
}

export interface CatalogControl {
  catalogId: string;
  id: string;
  parentId: string | null;
  depth: number;
  label: string | null;
  sortId: string | null;
  title: string;
  familyId: string | null;
  familyTitle: string | null;
  withdrawn: boolean;
  enhancementCount: number;
}

/** A part of a control rendered by the server: parameters filled in or spelled out. */
export interface CatalogPart {
  id: string | null;
  name: string;
  label: string | null;
  title: string | null;
  prose: { text: string; param?: { id: string; kind: string } }[];
  parts: CatalogPart[];
}

export interface CatalogControlPage {
  catalog: { id: string; title: string; version: string };
  control: CatalogControl;
  class: string | null;
  groupPath: { id: string | null; title: string }[];
  params: {
    id: string;
    label: string | null;
    values: string[];
    select: { howMany: 'one' | 'one-or-more'; choices: string[] } | null;
    guidelines: string[];
  }[];
  parts: CatalogPart[];
  props: { name: string; value: string }[];
  links: { href: string; rel: string | null; text: string | null }[];
  parent: CatalogControl | null;
  enhancements: CatalogControl[];
}
