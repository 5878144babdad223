import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type, type TSchema } from 'typebox';
import type { AppContext } from '../../context.js';
import { csvRecord } from '../audit/csv.js';
import { access, actorOf, requestContext } from '../identity/access.js';
import * as service from './actions-service.js';
import { ACTION_KINDS, ACTION_POWER, ACTION_STATUSES, ACTION_STEPS } from './actions-workflow.js';
import { DocRefSchema, DocumentIds } from './requests-routes.js';

const Id = Type.String({ minLength: 1, maxLength: 64 });
const choice = <T extends string>(values: readonly T[], description?: string) =>
  Type.Unsafe<T>(Type.String({ enum: [...values], ...(description ? { description } : {}) }));
const nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);
const Text = (maxLength: number, description: string) =>
  Type.String({ minLength: 1, maxLength, description });
const OrgRef = Type.Object({ id: Type.String(), name: Type.String() });
const UserRef = nullable(
  Type.Object({ id: Type.String(), name: Type.String(), email: Type.String() }),
);

export const ActionSummarySchema = Type.Object({
  id: Type.String(),
  organization: OrgRef,
  kind: choice(ACTION_KINDS),
  description: Type.String(),
  status: choice(ACTION_STATUSES),
  dueAt: Type.String(),
  overdue: Type.Boolean({
    description: 'Not done, verified, closed or cancelled, and its due instant has passed',
  }),
  incidentId: nullable(Type.String()),
  breachId: nullable(Type.String()),
  offering: nullable(OrgRef),
  owner: UserRef,
  orderedAt: Type.String(),
});

const ActionDetailSchema = Type.Object({
  ...ActionSummarySchema.properties,
  orderedBy: nullable(
    Type.Object({ userId: Type.String(), name: Type.String(), position: nullable(Type.String()) }),
  ),
  progress: Type.Array(
    Type.Object({
      id: Type.String(),
      text: Type.String(),
      documents: Type.Array(DocRefSchema),
      marksDone: Type.Boolean(),
      at: Type.String(),
      by: UserRef,
    }),
  ),
  doneAt: nullable(Type.String()),
  verifiedAt: nullable(Type.String()),
  verifiedBy: UserRef,
  verificationNote: nullable(
    Type.String({
      description: "The officer's last note: on verifying, rejecting, closing or cancelling",
    }),
  ),
  closedAt: nullable(Type.String()),
  revision: Type.Integer(),
  allowedActions: Type.Array(choice(ACTION_STEPS)),
});

const Filter = {
  status: Type.Optional(choice(ACTION_STATUSES)),
  organizationId: Type.Optional(Id),
  incidentId: Type.Optional(Id),
  breachId: Type.Optional(Id),
  kind: Type.Optional(choice(ACTION_KINDS)),
  overdue: Type.Optional(Type.Boolean()),
};

const CSV_HEADER = [
  'id',
  'organization_id',
  'organization',
  'kind',
  'description',
  'status',
  'due_at',
  'overdue',
  'incident_id',
  'breach_id',
  'offering_id',
  'offering',
  'owner_email',
  'ordered_at',
];

const readRule = access.signedIn({ organizationKinds: ['cloud_office', 'csp', 'pse'] });
const officerRule = access.signedIn({ organizationKinds: ['cloud_office'], power: ACTION_POWER });
const resource = { type: 'response_action', param: 'id' } as const;
const Note = (description: string) =>
  Type.Object({ note: Text(5000, description) }, { additionalProperties: false });

/** Response actions: order, progress, verify, close (issue 7, item 5). */
export const responseActionRoutes: FastifyPluginAsyncTypebox<{ ctx: AppContext }> = async (
  app,
  { ctx },
) => {
  const tags = ['response actions'];
  const detail = { 200: ActionDetailSchema };

  app.post(
    '/api/v1/response-actions',
    {
      config: { access: officerRule },
      schema: {
        tags,
        summary: 'Order a response action of an organization (power order_response_action)',
        description:
          'suspend_accreditation needs offeringId: an offering of that CSP with an accreditation in ' +
          'force (422 otherwise). An owner must be an active user of the organization; a breach must ' +
          "be the organization's; dueAt must be in the future. The organization is e-mailed.",
        body: Type.Object(
          {
            organizationId: Id,
            kind: choice(ACTION_KINDS),
            description: Text(5000, 'What must be done'),
            dueAt: Type.String({ format: 'date-time', description: 'When it is due (ISO-8601)' }),
            incidentId: Type.Optional(Id),
            breachId: Type.Optional(Id),
            offeringId: Type.Optional(Id),
            ownerUserId: Type.Optional(Id),
          },
          { additionalProperties: false },
        ),
        response: { 201: ActionDetailSchema },
      },
    },
    async (request, reply) => {
      const actor = actorOf(request);
      const id = await service.orderAction(ctx, actor, request.body, requestContext(request));
      return reply
        .code(201)
        .header('location', `/api/v1/response-actions/${id}`)
        .send(await service.getAction(ctx, actor, id));
    },
  );

  app.get(
    '/api/v1/response-actions',
    {
      config: { access: readRule },
      schema: {
        tags,
        summary:
          "List response actions, newest first (all in the Cloud Office; else your organization's)",
        querystring: Type.Object({
          ...Filter,
          limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
          offset: Type.Optional(Type.Integer({ minimum: 0, default: 0 })),
        }),
        response: {
          200: Type.Object({
            items: Type.Array(ActionSummarySchema),
            total: Type.Integer(),
            limit: Type.Integer(),
            offset: Type.Integer(),
          }),
        },
      },
    },
    async (request) => {
      const { limit = 50, offset = 0, ...filter } = request.query;
      const result = await service.listActions(ctx, actorOf(request), filter, { limit, offset });
      return { ...result, limit, offset };
    },
  );

  app.get(
    '/api/v1/response-actions.csv',
    {
      config: { access: readRule },
      schema: {
        tags,
        summary: 'The response actions as CSV (same filters as the list, every row)',
        querystring: Type.Object(Filter),
      },
    },
    async (request, reply) => {
      const { items } = await service.listActions(ctx, actorOf(request), request.query);
      const lines = [csvRecord(CSV_HEADER)];
      for (const a of items) {
        lines.push(
          csvRecord([
            a.id,
            a.organization.id,
            a.organization.name,
            a.kind,
            a.description,
            a.status,
            a.dueAt,
            a.overdue ? 'true' : 'false',
            a.incidentId,
            a.breachId,
            a.offering?.id ?? null,
            a.offering?.name ?? null,
            a.owner?.email ?? null,
            a.orderedAt,
          ]),
        );
      }
      const day = ctx.clock.now().toISOString().slice(0, 10);
      return reply
        .header('content-type', 'text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="response-actions-${day}.csv"`)
        .send(lines.join(''));
    },
  );

  app.get(
    '/api/v1/response-actions/:id',
    {
      config: { access: readRule, resource },
      schema: {
        tags,
        summary: 'One response action: its progress, verification and your next steps',
        params: Type.Object({ id: Id }),
        response: detail,
      },
    },
    async (request) => service.getAction(ctx, actorOf(request), request.params.id),
  );

  app.post(
    '/api/v1/response-actions/:id/progress',
    {
      config: { access: readRule, resource },
      schema: {
        tags,
        summary:
          'Record progress (users of the organization): ordered to in_progress; done to done',
        description:
          "Documents must be your organization's (422 unknown_documents naming the others). " +
          'Officers cannot record progress (403).',
        params: Type.Object({ id: Id }),
        body: Type.Object(
          {
            text: Text(10000, 'What was done'),
            documentIds: Type.Optional(DocumentIds),
            done: Type.Optional(
              Type.Boolean({ description: 'The work is done: ask for verification' }),
            ),
          },
          { additionalProperties: false },
        ),
        response: detail,
      },
    },
    async (request) => {
      const actor = actorOf(request);
      await service.recordProgress(
        ctx,
        actor,
        request.params.id,
        request.body,
        requestContext(request),
      );
      return service.getAction(ctx, actor, request.params.id);
    },
  );

  const officerStep = (
    name: 'verify' | 'reject' | 'cancel',
    summary: string,
    description: string,
    run: typeof service.verifyAction,
  ) =>
    app.post(
      `/api/v1/response-actions/:id/${name}`,
      {
        config: { access: officerRule, resource },
        schema: {
          tags,
          summary,
          description,
          params: Type.Object({ id: Id }),
          body: Note('Why, for the organization and the record'),
          response: detail,
        },
      },
      async (request) => {
        const actor = actorOf(request);
        await run(ctx, actor, request.params.id, request.body, requestContext(request));
        return service.getAction(ctx, actor, request.params.id);
      },
    );

  officerStep(
    'verify',
    'Verify the work (power order_response_action): done to verified',
    'For suspend_accreditation, the same transaction suspends the offering’s accreditation through ' +
      'the accreditation workflow as you, from today: it needs what that step needs (the power ' +
      'decide_accreditation); if the workflow refuses (403, 409, 422), nothing is stored.',
    service.verifyAction,
  );
  officerStep(
    'reject',
    'Reject work reported done (power order_response_action): done to in_progress',
    'The note says what is still missing; the organization is told.',
    service.rejectAction,
  );
  officerStep(
    'cancel',
    'Cancel an action not yet done (power order_response_action): ordered or in_progress to cancelled',
    'The note says why; the organization is told.',
    service.cancelAction,
  );

  app.post(
    '/api/v1/response-actions/:id/close',
    {
      config: { access: officerRule, resource },
      schema: {
        tags,
        summary: 'Close a verified action (power order_response_action): verified to closed',
        params: Type.Object({ id: Id }),
        body: Type.Optional(
          Type.Object(
            { note: Type.Optional(Text(5000, 'A closing note')) },
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
      await service.closeAction(
        ctx,
        actor,
        request.params.id,
        request.body,
        requestContext(request),
      );
      return service.getAction(ctx, actor, request.params.id);
    },
  );
};
