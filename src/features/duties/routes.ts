import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type, type Static } from 'typebox';
import type { AppContext } from '../../context.js';
import { sendCsv } from '../../http/csv.js';
import { choice, Id, Instant, nullable, OrgRefSchema, UserRefSchema } from '../../http/schemas.js';
import { runDutyCheck } from '../../jobs/duties.js';
import { csvRecord } from '../audit/csv.js';
import { access, actorOf, requestContext } from '../identity/access.js';
import { ObligationSetSchema } from '../placement/policy-schema.js';
import type { BreachActionRow, BreachFilters, BreachListRow } from './breaches-repo.js';
import * as service from './breaches-service.js';
import { obligationsInForce, postTitles } from './in-force.js';
import { SEVERITIES } from './model.js';

const STATUSES = service.BREACH_STATUSES;
const SOURCES = ['check', 'manual'] as const;

const OrgRef = OrgRefSchema;
const UserRef = UserRefSchema;

const BreachSummary = Type.Object({
  id: Type.String(),
  source: choice(SOURCES, 'check: opened by the duty check; manual: recorded by an officer'),
  organization: OrgRef,
  dutyCode: Type.String(),
  severity: choice(SEVERITIES),
  status: choice(STATUSES),
  detectedAt: Type.String(),
  subject: nullable(
    Type.Object(
      { kind: Type.String(), id: Type.String() },
      { description: 'What the check found failing (offering, system, breach_report, …)' },
    ),
  ),
  incidentId: nullable(Type.String()),
  owner: UserRef,
});

const ActionSummary = Type.Object({
  id: Type.String(),
  organization: OrgRef,
  kind: Type.String(),
  description: Type.String(),
  status: Type.String(),
  dueAt: Type.String(),
  overdue: Type.Boolean(),
  incidentId: nullable(Type.String()),
  breachId: nullable(Type.String()),
  offering: nullable(OrgRef),
  owner: UserRef,
  orderedAt: Type.String(),
});

const BreachDetail = Type.Object({
  ...BreachSummary.properties,
  dutyText: Type.String(),
  clause: Type.String(),
  evidence: Type.String(),
  policyVersion: Type.Integer(),
  resolution: nullable(Type.String()),
  resolvedAt: nullable(Type.String()),
  actions: Type.Array(ActionSummary),
  revision: Type.Integer(),
  allowedActions: Type.Array(choice(['update'] as const)),
});

const Filters = {
  status: Type.Optional(choice(STATUSES)),
  organizationId: Type.Optional(Id),
  dutyCode: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
  source: Type.Optional(choice(SOURCES)),
  severity: Type.Optional(choice(SEVERITIES)),
};
const ListQuery = Type.Object({
  ...Filters,
  limit: Type.Integer({ minimum: 1, maximum: 200, default: 50 }),
  offset: Type.Integer({ minimum: 0, default: 0 }),
});
const CsvQuery = Type.Object(Filters);

const CheckResult = Type.Object({
  checkedAt: Type.String(),
  policyVersion: Type.Integer(),
  failures: Type.Integer({ description: 'Failures found, including those already recorded' }),
  opened: Type.Integer({ description: 'Breaches this run opened' }),
});

function userRef(
  id: string | null,
  name: string | null,
  email: string | null,
): Static<typeof UserRef> {
  return id === null ? null : { id, name: name ?? '', email: email ?? '' };
}

export function presentSummary(row: BreachListRow): Static<typeof BreachSummary> {
  return {
    id: row.id,
    source: row.source,
    organization: { id: row.organization_id, name: row.organization_name },
    dutyCode: row.duty_code,
    severity: row.severity,
    status: row.status,
    detectedAt: row.detected_at,
    subject:
      row.subject_kind === null || row.subject_id === null
        ? null
        : { kind: row.subject_kind, id: row.subject_id },
    incidentId: row.incident_id,
    owner: userRef(row.owner_user_id, row.owner_name, row.owner_email),
  };
}

function presentAction(row: BreachActionRow, now: number): Static<typeof ActionSummary> {
  return {
    id: row.id,
    organization: { id: row.organization_id, name: row.organization_name },
    kind: row.kind,
    description: row.description,
    status: row.status,
    dueAt: row.due_at,
    overdue:
      (row.status === 'ordered' || row.status === 'in_progress') && Date.parse(row.due_at) < now,
    incidentId: row.incident_id,
    breachId: row.breach_id,
    offering:
      row.offering_id === null ? null : { id: row.offering_id, name: row.offering_name ?? '' },
    owner: userRef(row.owner_user_id, row.owner_name, row.owner_email),
    orderedAt: row.ordered_at,
  };
}

function presentDetail(view: service.BreachView, now: number): Static<typeof BreachDetail> {
  const { row } = view;
  return {
    ...presentSummary(row),
    dutyText: view.dutyText,
    clause: row.clause,
    evidence: row.evidence,
    policyVersion: row.policy_version,
    resolution: row.resolution,
    resolvedAt: row.resolved_at,
    actions: view.actions.map((a) => presentAction(a, now)),
    revision: row.revision,
    allowedActions: view.allowedActions,
  };
}

function filtersOf(query: Static<typeof CsvQuery>): BreachFilters {
  return {
    ...(query.status !== undefined ? { status: query.status } : {}),
    ...(query.organizationId !== undefined ? { organizationId: query.organizationId } : {}),
    ...(query.dutyCode !== undefined ? { dutyCode: query.dutyCode } : {}),
    ...(query.source !== undefined ? { source: query.source } : {}),
    ...(query.severity !== undefined ? { severity: query.severity } : {}),
  };
}

export const CSV_HEADER = [
  'id',
  'source',
  'organization_id',
  'organization',
  'duty_code',
  'severity',
  'status',
  'detected_at',
  'subject_kind',
  'subject_id',
  'incident_id',
  'owner',
  'evidence',
  'resolution',
  'resolved_at',
  'policy_version',
];

export function csvRow(row: BreachListRow): string {
  return csvRecord([
    row.id,
    row.source,
    row.organization_id,
    row.organization_name,
    row.duty_code,
    row.severity,
    row.status,
    row.detected_at,
    row.subject_kind,
    row.subject_id,
    row.incident_id,
    row.owner_email,
    row.evidence,
    row.resolution,
    row.resolved_at,
    row.policy_version,
  ]);
}

/** Everyone signed in in a CSP, PSE or the Cloud Office: each sees their own (the service scopes). */
const readers = access.signedIn({ organizationKinds: ['cloud_office', 'csp', 'pse'] });
const managers = access.signedIn({
  organizationKinds: ['cloud_office'],
  power: 'manage_incidents',
});
const resource = { type: 'breach', param: 'id' } as const;

/** Obligations in force, breaches of duty and the duty check (issue 7, items 1 and 2). */
export const breachRoutes: FastifyPluginAsyncTypebox<{ ctx: AppContext }> = async (
  app,
  { ctx },
) => {
  const tags = ['breaches'];
  const now = () => ctx.clock.now().getTime();

  app.get(
    '/api/v1/obligations',
    {
      config: { access: access.public },
      schema: {
        tags,
        summary:
          'The duties of CSPs and PSEs in force: their checks, reporting deadlines, escalation ladder and severity matrix (public)',
        response: {
          200: Type.Object({
            policyVersion: Type.Integer(),
            obligations: ObligationSetSchema,
            postTitles: Type.Record(Type.String(), Type.String(), {
              description:
                'The title of each office post the escalation ladder names, by post code (a code the office has no post for is left out)',
            }),
          }),
        },
      },
    },
    async () => {
      const inForce = await obligationsInForce(ctx.db);
      const posts = inForce.obligations.escalation.map((step) => step.post);
      return { ...inForce, postTitles: await postTitles(ctx.db, posts) };
    },
  );

  app.get(
    '/api/v1/breaches',
    {
      config: { access: readers },
      schema: {
        tags,
        summary:
          'Breaches of duty, newest detected first (the Cloud Office sees all; others their own)',
        querystring: ListQuery,
        response: {
          200: Type.Object({
            items: Type.Array(BreachSummary),
            total: Type.Integer(),
            limit: Type.Integer(),
            offset: Type.Integer(),
          }),
        },
      },
    },
    async (request) => {
      const { limit, offset } = request.query;
      const page = await service.listBreaches(ctx, actorOf(request), filtersOf(request.query), {
        limit,
        offset,
      });
      return { items: page.items.map(presentSummary), total: page.total, limit, offset };
    },
  );

  app.get(
    '/api/v1/breaches.csv',
    {
      config: { access: readers },
      schema: {
        tags,
        summary: 'The same breaches as CSV, every row (same filters)',
        querystring: CsvQuery,
        produces: ['text/csv'],
      },
    },
    async (request, reply) => {
      const actor = actorOf(request);
      let body = csvRecord(CSV_HEADER);
      for await (const batch of service.allBreaches(ctx, actor, filtersOf(request.query)))
        for (const row of batch) body += csvRow(row);
      return sendCsv(reply, ctx.clock, 'cloud-office-breaches', body);
    },
  );

  app.post(
    '/api/v1/breaches/check',
    {
      config: { access: managers },
      schema: {
        tags,
        summary:
          'Run the duty check now: one breach per failure not yet recorded (the job runs it hourly)',
        response: { 200: CheckResult },
      },
    },
    async () => runDutyCheck(ctx),
  );

  app.get(
    '/api/v1/breaches/:id',
    {
      config: { access: readers, resource },
      schema: {
        tags,
        summary: 'One breach, with its duty, evidence, resolution and response actions',
        params: Type.Object({ id: Id }),
        response: { 200: BreachDetail },
      },
    },
    async (request) =>
      presentDetail(await service.getBreach(ctx, actorOf(request), request.params.id), now()),
  );

  app.post(
    '/api/v1/breaches',
    {
      config: { access: managers },
      schema: {
        tags,
        summary: 'Record a breach by hand (manage_incidents): of a duty in force, by a CSP or PSE',
        body: Type.Object(
          {
            organizationId: Id,
            dutyCode: Type.String({ minLength: 1, maxLength: 100 }),
            evidence: Type.String({ minLength: 1, maxLength: 10_000, pattern: '\\S' }),
            severity: choice(SEVERITIES),
            incidentId: Type.Optional(Id),
            detectedAt: Type.Optional(Instant('When it was found; now when left out')),
          },
          { additionalProperties: false },
        ),
        response: { 201: BreachDetail },
      },
    },
    async (request, reply) => {
      const view = await service.recordBreach(ctx, requestContext(request), request.body);
      return reply
        .code(201)
        .header('location', `/api/v1/breaches/${view.row.id}`)
        .send(presentDetail(view, now()));
    },
  );

  app.patch(
    '/api/v1/breaches/:id',
    {
      config: { access: managers, resource },
      schema: {
        tags,
        summary:
          'Update a breach (manage_incidents): status forward (remedied and closed need a resolution), severity, owner, incident',
        params: Type.Object({ id: Id }),
        body: Type.Object(
          {
            status: Type.Optional(choice(STATUSES)),
            severity: Type.Optional(choice(SEVERITIES)),
            ownerUserId: Type.Optional(nullable(Id)),
            resolution: Type.Optional(
              Type.String({ minLength: 1, maxLength: 10_000, pattern: '\\S' }),
            ),
            incidentId: Type.Optional(nullable(Id)),
            revision: Type.Integer({ minimum: 1 }),
          },
          { additionalProperties: false },
        ),
        response: { 200: BreachDetail },
      },
    },
    async (request) =>
      presentDetail(
        await service.updateBreach(ctx, requestContext(request), request.params.id, request.body),
        now(),
      ),
  );
};
