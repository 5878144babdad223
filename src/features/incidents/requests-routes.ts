import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type, type TSchema } from 'typebox';
import type { AppContext } from '../../context.js';
import { csvRecord } from '../audit/csv.js';
import { access, actorOf, requestContext } from '../identity/access.js';
import * as service from './requests-service.js';
import { REQUEST_ACTIONS, REQUEST_POWER, REQUEST_STATUSES } from './requests-workflow.js';

const Id = Type.String({ minLength: 1, maxLength: 64 });
const choice = <T extends string>(values: readonly T[], description?: string) =>
  Type.Unsafe<T>(Type.String({ enum: [...values], ...(description ? { description } : {}) }));
const nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);
const Text = (maxLength: number, description: string) =>
  Type.String({ minLength: 1, maxLength, description });
const Instant = (description: string) =>
  Type.String({ format: 'date-time', description: `${description} (ISO-8601 instant)` });
const OrgRef = Type.Object({ id: Type.String(), name: Type.String() });
const UserRef = nullable(
  Type.Object({ id: Type.String(), name: Type.String(), email: Type.String() }),
);
export const DocRefSchema = Type.Object({
  id: Type.String(),
  fileName: Type.String(),
  mediaType: Type.String(),
  size: Type.Integer(),
});
export const DocumentIds = Type.Array(Id, {
  maxItems: 20,
  uniqueItems: true,
  description: 'Documents of your organization, uploaded first with POST /api/v1/documents',
});

export const RequestSummarySchema = Type.Object({
  id: Type.String(),
  organization: OrgRef,
  incidentId: nullable(Type.String()),
  subject: Type.String(),
  status: choice(REQUEST_STATUSES),
  dueAt: Type.String(),
  overdue: Type.Boolean({ description: 'Open, and its due instant has passed' }),
  requestedAt: Type.String(),
  answeredAt: nullable(Type.String()),
  escalationStep: Type.Integer({ description: 'Rungs of the escalation ladder taken so far' }),
});

const RequestDetailSchema = Type.Object({
  ...RequestSummarySchema.properties,
  incidentTitle: nullable(Type.String()),
  questions: Type.Array(Type.String()),
  requestedBy: nullable(
    Type.Object({ userId: Type.String(), name: Type.String(), position: nullable(Type.String()) }),
  ),
  answer: nullable(
    Type.Object({
      text: Type.String(),
      answers: Type.Array(Type.String()),
      documents: Type.Array(DocRefSchema),
      answeredAt: Type.String(),
      answeredBy: UserRef,
    }),
  ),
  escalations: Type.Array(
    Type.Object({ step: Type.Integer(), post: Type.String(), at: Type.String() }),
  ),
  closedNote: nullable(
    Type.String({ description: "The officer's last note: why returned, accepted or withdrawn" }),
  ),
  revision: Type.Integer(),
  allowedActions: Type.Array(choice(REQUEST_ACTIONS)),
});

const Filter = {
  status: Type.Optional(choice(REQUEST_STATUSES)),
  organizationId: Type.Optional(Id),
  incidentId: Type.Optional(Id),
  overdue: Type.Optional(Type.Boolean()),
};

const CSV_HEADER = [
  'id',
  'organization_id',
  'organization',
  'incident_id',
  'subject',
  'status',
  'due_at',
  'overdue',
  'requested_at',
  'answered_at',
  'escalation_step',
];

const readRule = access.signedIn({ organizationKinds: ['cloud_office', 'csp', 'pse'] });
const officerRule = access.signedIn({
  organizationKinds: ['cloud_office'],
  power: REQUEST_POWER,
});
const resource = { type: 'report_request', param: 'id' } as const;

/** Incident-report requests: ask, answer, accept, withdraw (issue 7, item 4). */
export const reportRequestRoutes: FastifyPluginAsyncTypebox<{ ctx: AppContext }> = async (
  app,
  { ctx },
) => {
  const tags = ['report requests'];
  const detail = { 200: RequestDetailSchema };

  app.post(
    '/api/v1/report-requests',
    {
      config: { access: officerRule },
      schema: {
        tags,
        summary: 'Ask an organization for an incident report (power request_incident_report)',
        description:
          'The organization must be an active CSP or PSE (422 otherwise, pointer /organizationId); ' +
          'an incident named must be its own report or name one of its offerings; dueAt must be in ' +
          "the future. The organization's administrators and security people are e-mailed.",
        body: Type.Object(
          {
            organizationId: Id,
            incidentId: Type.Optional(Id),
            subject: Text(300, 'What the report is about'),
            questions: Type.Array(Text(2000, 'One question'), { minItems: 1, maxItems: 30 }),
            dueAt: Instant('When the answer is due'),
          },
          { additionalProperties: false },
        ),
        response: { 201: RequestDetailSchema },
      },
    },
    async (request, reply) => {
      const actor = actorOf(request);
      const id = await service.openRequest(ctx, actor, request.body, requestContext(request));
      return reply
        .code(201)
        .header('location', `/api/v1/report-requests/${id}`)
        .send(await service.getRequest(ctx, actor, id));
    },
  );

  app.get(
    '/api/v1/report-requests',
    {
      config: { access: readRule },
      schema: {
        tags,
        summary:
          "List report requests, newest first (all in the Cloud Office; else your organization's)",
        querystring: Type.Object({
          ...Filter,
          limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
          offset: Type.Optional(Type.Integer({ minimum: 0, default: 0 })),
        }),
        response: {
          200: Type.Object({
            items: Type.Array(RequestSummarySchema),
            total: Type.Integer(),
            limit: Type.Integer(),
            offset: Type.Integer(),
          }),
        },
      },
    },
    async (request) => {
      const { limit = 50, offset = 0, ...filter } = request.query;
      const result = await service.listRequests(ctx, actorOf(request), filter, { limit, offset });
      return { ...result, limit, offset };
    },
  );

  app.get(
    '/api/v1/report-requests.csv',
    {
      config: { access: readRule },
      schema: {
        tags,
        summary: 'The report requests as CSV (same filters as the list, every row)',
        querystring: Type.Object(Filter),
      },
    },
    async (request, reply) => {
      const { items } = await service.listRequests(ctx, actorOf(request), request.query);
      const lines = [csvRecord(CSV_HEADER)];
      for (const r of items) {
        lines.push(
          csvRecord([
            r.id,
            r.organization.id,
            r.organization.name,
            r.incidentId,
            r.subject,
            r.status,
            r.dueAt,
            r.overdue ? 'true' : 'false',
            r.requestedAt,
            r.answeredAt,
            r.escalationStep,
          ]),
        );
      }
      const day = ctx.clock.now().toISOString().slice(0, 10);
      return reply
        .header('content-type', 'text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="report-requests-${day}.csv"`)
        .send(lines.join(''));
    },
  );

  app.get(
    '/api/v1/report-requests/:id',
    {
      config: { access: readRule, resource },
      schema: {
        tags,
        summary: 'One report request: its questions, answer, escalations and your next steps',
        params: Type.Object({ id: Id }),
        response: detail,
      },
    },
    async (request) => service.getRequest(ctx, actorOf(request), request.params.id),
  );

  app.post(
    '/api/v1/report-requests/:id/answer',
    {
      config: { access: readRule, resource },
      schema: {
        tags,
        summary: 'Answer a report request (users of the organization asked)',
        description:
          'From open to answered. answers, when given, are one per question in order; documents ' +
          "must be your organization's (422 unknown_documents naming the others). An answer after " +
          'the due date is taken; the duty check records the lateness. Officers cannot answer (403).',
        params: Type.Object({ id: Id }),
        body: Type.Object(
          {
            text: Text(20000, 'The answer'),
            answers: Type.Optional(
              Type.Array(Type.String({ maxLength: 20000 }), {
                maxItems: 30,
                description: 'One answer per question, in order',
              }),
            ),
            documentIds: Type.Optional(DocumentIds),
          },
          { additionalProperties: false },
        ),
        response: detail,
      },
    },
    async (request) => {
      const actor = actorOf(request);
      await service.answerRequest(
        ctx,
        actor,
        request.params.id,
        request.body,
        requestContext(request),
      );
      return service.getRequest(ctx, actor, request.params.id);
    },
  );

  app.post(
    '/api/v1/report-requests/:id/accept',
    {
      config: { access: officerRule, resource },
      schema: {
        tags,
        summary: 'Accept the answer (power request_incident_report): answered to accepted',
        params: Type.Object({ id: Id }),
        body: Type.Optional(
          Type.Object(
            { note: Type.Optional(Text(5000, 'A note to the organization')) },
            {
              additionalProperties: false,
            },
          ),
        ),
        response: detail,
      },
    },
    async (request) => {
      const actor = actorOf(request);
      await service.acceptRequest(
        ctx,
        actor,
        request.params.id,
        request.body,
        requestContext(request),
      );
      return service.getRequest(ctx, actor, request.params.id);
    },
  );

  app.post(
    '/api/v1/report-requests/:id/return',
    {
      config: { access: officerRule, resource },
      schema: {
        tags,
        summary: 'Return the answer for more, with a new due date: answered to open',
        params: Type.Object({ id: Id }),
        body: Type.Object(
          {
            note: Text(5000, 'What more is needed'),
            dueAt: Instant('The new due date, in the future'),
          },
          { additionalProperties: false },
        ),
        response: detail,
      },
    },
    async (request) => {
      const actor = actorOf(request);
      await service.returnRequest(
        ctx,
        actor,
        request.params.id,
        request.body,
        requestContext(request),
      );
      return service.getRequest(ctx, actor, request.params.id);
    },
  );

  app.post(
    '/api/v1/report-requests/:id/withdraw',
    {
      config: { access: officerRule, resource },
      schema: {
        tags,
        summary: 'Withdraw an open request: open to withdrawn',
        params: Type.Object({ id: Id }),
        body: Type.Object(
          { note: Text(5000, 'Why it is withdrawn') },
          {
            additionalProperties: false,
          },
        ),
        response: detail,
      },
    },
    async (request) => {
      const actor = actorOf(request);
      await service.withdrawRequest(
        ctx,
        actor,
        request.params.id,
        request.body,
        requestContext(request),
      );
      return service.getRequest(ctx, actor, request.params.id);
    },
  );
};
