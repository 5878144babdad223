import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { AppContext } from '../../context.js';
import { access, actorOf, requestContext } from '../identity/access.js';
import type { ApplicationRow } from './mapper.js';
import { recordOf } from './mapper.js';
import { LIMITS, RESPONSE_STATUSES, RESPONSIBILITIES } from './responses.js';
import * as service from './service.js';
import { STATUSES } from './workflow.js';

const Id = Type.String({ minLength: 1, maxLength: 64 });
const literals = <T extends string>(values: readonly T[]) =>
  Type.Union(values.map((v) => Type.Literal(v)));

/** Applications are for the Cloud Office and providers (their own: the tenant check sees to it). */
const readRule = access.signedIn({ organizationKinds: ['cloud_office', 'csp'] });
const cspRule = access.signedIn({ organizationKinds: ['csp'] });

/** An application as the API shows it: the workflow's record, plus when and how often it changed. */
function presentApplication(row: ApplicationRow) {
  return {
    ...recordOf(row),
    revision: row.revision,
    createdAt: row.created_at,
    createdByUserId: row.created_by_user_id,
    updatedAt: row.updated_at,
    updatedByUserId: row.updated_by_user_id,
  };
}

export const ApplicationSchema = Type.Object(
  {
    id: Type.String(),
    offeringId: Type.String(),
    cspOrganizationId: Type.String(),
    kind: Type.String(),
    predecessorId: Type.Union([Type.String(), Type.Null()]),
    status: literals(STATUSES),
    levelSought: Type.Object({ code: Type.String(), rank: Type.Integer() }),
    submission: Type.Union([
      Type.Object({ levelVersion: Type.Integer(), controlIds: Type.Array(Type.String()) }),
      Type.Null(),
    ]),
    returnReasons: Type.Union([Type.Array(Type.String()), Type.Null()]),
    auditFirm: Type.Unknown(),
    assessment: Type.Unknown(),
    legalReview: Type.Unknown(),
    grant: Type.Unknown(),
    conditions: Type.Array(Type.Unknown()),
    suspension: Type.Unknown(),
    closure: Type.Unknown(),
    revision: Type.Integer(),
    createdAt: Type.String(),
    createdByUserId: Type.Union([Type.String(), Type.Null()]),
    updatedAt: Type.String(),
    updatedByUserId: Type.Union([Type.String(), Type.Null()]),
  },
  { $id: 'Application' },
);

const ResponseFields = {
  status: literals(RESPONSE_STATUSES),
  responsibility: literals(RESPONSIBILITIES),
  narrative: Type.String({ maxLength: LIMITS.narrative }),
  reason: Type.Optional(Type.Union([Type.String({ maxLength: LIMITS.reason }), Type.Null()])),
  customerResponsibility: Type.Optional(
    Type.Union([Type.String({ maxLength: LIMITS.customerResponsibility }), Type.Null()]),
  ),
  evidenceDocumentIds: Type.Optional(
    Type.Array(Id, {
      maxItems: LIMITS.evidenceDocuments,
      description: "Documents of this provider's (POST /api/v1/documents)",
    }),
  ),
};
const ControlResponseSchema = Type.Object({
  controlId: Type.String(),
  status: Type.String(),
  responsibility: Type.String(),
  narrative: Type.String(),
  reason: Type.Union([Type.String(), Type.Null()]),
  customerResponsibility: Type.Union([Type.String(), Type.Null()]),
  evidenceDocumentIds: Type.Array(Type.String()),
});

/** Accreditation applications: opening, answering controls, and the first workflow steps (issue 5). */
export const accreditationRoutes: FastifyPluginAsyncTypebox<{ ctx: AppContext }> = async (
  app,
  { ctx },
) => {
  const ApplicationRef = Type.Ref('Application');
  const resource = { type: 'application' as const, param: 'id' };

  app.post(
    '/api/v1/offerings/:id/applications',
    {
      config: { access: cspRule, resource: { type: 'offering', param: 'id' } },
      schema: {
        tags: ['accreditation'],
        summary: 'Apply to accredit an offering at a security level',
        description:
          "The provider's administrator or security officer opens a first application, as a draft, at a level that has a published version.",
        params: Type.Object({ id: Id }),
        body: Type.Object(
          {
            levelSought: Type.String({
              minLength: 1,
              maxLength: 64,
              description: 'Code of the level sought, e.g. baseline',
            }),
          },
          { additionalProperties: false },
        ),
        response: { 201: ApplicationRef },
      },
    },
    async (request, reply) => {
      const row = await service.open(
        ctx,
        actorOf(request),
        request.params.id,
        request.body.levelSought,
        requestContext(request),
      );
      return reply
        .code(201)
        .header('location', `/api/v1/applications/${row.id}`)
        .send(presentApplication(row));
    },
  );

  app.get(
    '/api/v1/applications',
    {
      config: { access: readRule },
      schema: {
        tags: ['accreditation'],
        summary: "List applications (all in the Cloud Office; your provider's elsewhere)",
        querystring: Type.Object({
          status: Type.Optional(literals(STATUSES)),
          offeringId: Type.Optional(Type.String({ maxLength: 64 })),
          limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
          offset: Type.Optional(Type.Integer({ minimum: 0, default: 0 })),
        }),
        response: {
          200: Type.Object({
            items: Type.Array(ApplicationRef),
            total: Type.Integer(),
            limit: Type.Integer(),
            offset: Type.Integer(),
          }),
        },
      },
    },
    async (request) => {
      const { limit = 50, offset = 0, ...filter } = request.query;
      const result = await service.list(ctx, actorOf(request), filter, { limit, offset });
      return { items: result.items.map(presentApplication), total: result.total, limit, offset };
    },
  );

  app.get(
    '/api/v1/applications/:id',
    {
      config: { access: readRule, resource },
      schema: {
        tags: ['accreditation'],
        summary: 'One application: what you may do next, progress against the level, history',
        params: Type.Object({ id: Id }),
        response: {
          200: Type.Object({
            application: ApplicationRef,
            allowedActions: Type.Array(Type.String()),
            progress: Type.Unknown({
              description:
                'Against the pinned level version once submitted, else the latest published',
            }),
            history: Type.Array(
              Type.Object({
                seq: Type.Integer(),
                type: Type.String(),
                at: Type.String(),
                actorUserId: Type.Union([Type.String(), Type.Null()]),
                actorPosition: Type.Union([Type.String(), Type.Null()]),
                event: Type.Unknown(),
              }),
            ),
          }),
        },
      },
    },
    async (request) => {
      const view = await service.get(ctx, actorOf(request), request.params.id);
      return {
        application: presentApplication(view.row),
        allowedActions: view.allowedActions,
        progress: view.progress,
        history: view.history,
      };
    },
  );

  app.get(
    '/api/v1/applications/:id/responses',
    {
      config: { access: readRule, resource },
      schema: {
        tags: ['accreditation'],
        summary: "The provider's answers to the controls, by control id",
        params: Type.Object({ id: Id }),
        response: { 200: Type.Object({ items: Type.Array(ControlResponseSchema) }) },
      },
    },
    async (request) => ({ items: await service.responses(ctx, request.params.id) }),
  );

  app.put(
    '/api/v1/applications/:id/responses/:controlId',
    {
      config: { access: cspRule, resource },
      schema: {
        tags: ['accreditation'],
        summary: 'Answer one control (while the application is a draft or returned)',
        params: Type.Object({ id: Id, controlId: Type.String({ minLength: 1, maxLength: 100 }) }),
        body: Type.Object(ResponseFields, { additionalProperties: false }),
        response: { 200: ControlResponseSchema },
      },
    },
    async (request) => {
      const body = request.body;
      return service.putResponse(
        ctx,
        actorOf(request),
        request.params.id,
        {
          controlId: request.params.controlId,
          status: body.status,
          responsibility: body.responsibility,
          narrative: body.narrative,
          reason: body.reason ?? null,
          customerResponsibility: body.customerResponsibility ?? null,
          evidenceDocumentIds: body.evidenceDocumentIds ?? [],
        },
        requestContext(request),
      );
    },
  );

  app.post(
    '/api/v1/applications/:id/actions/:action',
    {
      config: { access: readRule, resource },
      schema: {
        tags: ['accreditation'],
        summary: 'Take a workflow step: submit, withdraw, return, confirm_complete',
        description:
          "Refused with 409 (transition_not_allowed: not from this state; application_changed: someone acted at the same moment), 403 (not_permitted) or 422 (the step's guard, e.g. controls_unanswered), with the workflow's message. See docs/accreditation-workflow.md.",
        params: Type.Object({ id: Id, action: literals(service.WIRED_ACTIONS) }),
        body: Type.Optional(
          Type.Object(
            {
              reasons: Type.Optional(
                Type.Array(Type.String({ maxLength: 5000 }), {
                  maxItems: 50,
                  description: 'return: why, for the provider',
                }),
              ),
              reason: Type.Optional(Type.String({ maxLength: 5000, description: 'withdraw: why' })),
            },
            { additionalProperties: false },
          ),
        ),
        response: { 200: ApplicationRef },
      },
    },
    async (request) => {
      // A step without input (submit, confirm_complete) may be sent with no body at all.
      const body = request.body as service.ActionInput | undefined;
      return presentApplication(
        await service.act(
          ctx,
          actorOf(request),
          request.params.id,
          request.params.action,
          body ?? {},
          requestContext(request),
        ),
      );
    },
  );
};
