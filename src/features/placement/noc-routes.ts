import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type, type Static, type TSchema } from 'typebox';
import type { AppContext } from '../../context.js';
import { access, actorOf, requestContext } from '../identity/access.js';
import { nocRecordOf, type NocListRow } from './noc-repo.js';
import * as service from './noc-service.js';
import { NOC_REQUESTER_ROLES, NOC_STATUSES, type NocActionType } from './noc-workflow.js';

const Id = Type.String({ minLength: 1, maxLength: 64 });
/** One of some strings, typed as their union. */
const choice = <T extends string>(values: readonly T[], description?: string) =>
  Type.Unsafe<T>(Type.String({ enum: [...values], ...(description ? { description } : {}) }));
const nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);
const Day = (description: string) =>
  Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$', description: `${description} (YYYY-MM-DD)` });
const Text = (maxLength: number, description: string) =>
  Type.String({ minLength: 1, maxLength, pattern: '\\S', description });

const DEVIATIONS = ['deployment_model', 'residency', 'level'] as const;
const MODELS = ['public', 'government', 'private', 'hybrid'] as const;

const Deviations = Type.Array(choice(DEVIATIONS), {
  minItems: 1,
  maxItems: 3,
  uniqueItems: true,
  description: 'The rules the NOC would let the system deviate from',
});
const Models = Type.Array(choice(MODELS), {
  maxItems: 4,
  uniqueItems: true,
  description: 'With deployment_model: the deployment models the NOC would open (e.g. private)',
});

const NocSchema = Type.Object({
  id: Type.String(),
  system: Type.Object({ id: Type.String(), name: Type.String() }),
  organization: Type.Object({ id: Type.String(), name: Type.String() }),
  status: choice(NOC_STATUSES),
  classCode: Type.String({ description: "The system's class when the terms were last checked" }),
  policyVersion: Type.Integer({ description: 'The policy version they were checked against' }),
  deviations: Type.Array(Type.String()),
  deploymentModels: Type.Array(Type.String()),
  offeringId: nullable(Type.String()),
  facility: nullable(Type.String()),
  reason: Type.String(),
  from: Type.String({ description: 'The first day asked for' }),
  until: Type.String({ description: 'The last day asked for' }),
  validFrom: nullable(Type.String({ description: 'Once granted: its first day' })),
  validUntil: nullable(Type.String({ description: 'Once granted: its last day' })),
  returnReasons: nullable(Type.Array(Type.String())),
  review: nullable(
    Type.Object({
      recommendation: Type.String(),
      notes: Type.String(),
      reviewedOn: Type.String(),
    }),
  ),
  decisionNotes: nullable(Type.String()),
  closure: nullable(Type.Object({ reasons: Type.Array(Type.String()), on: Type.String() })),
  revision: Type.Integer(),
  createdAt: Type.String(),
  updatedAt: Type.String(),
});

const NocDetailSchema = Type.Object({
  ...NocSchema.properties,
  allowedActions: Type.Array(Type.String(), {
    description: 'The steps you may take now (POST /api/v1/nocs/{id}/actions/{action})',
  }),
  history: Type.Array(
    Type.Object({
      seq: Type.Integer(),
      type: Type.String(),
      at: Type.String(),
      actorUserId: nullable(Type.String()),
      actorPosition: nullable(Type.String({ description: 'The post the person acted under' })),
      event: Type.Unknown(),
    }),
  ),
});

function presentNoc(row: NocListRow): Static<typeof NocSchema> {
  const record = nocRecordOf(row);
  return {
    id: row.id,
    system: { id: row.system_id, name: row.system_name },
    organization: { id: row.organization_id, name: row.organization_name },
    status: record.status,
    classCode: record.classCode,
    policyVersion: record.policyVersion,
    deviations: record.terms.covers,
    deploymentModels: record.terms.deploymentModels,
    offeringId: record.terms.offeringId,
    facility: record.terms.facility,
    reason: record.terms.reason,
    from: record.terms.from,
    until: record.terms.until,
    validFrom: record.grant?.validFrom ?? null,
    validUntil: record.grant?.validUntil ?? null,
    returnReasons: record.returnReasons ? [...record.returnReasons] : null,
    review: record.review,
    decisionNotes: record.grant?.notes ?? null,
    closure: record.closure && { reasons: [...record.closure.reasons], on: record.closure.on },
    revision: row.revision,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

function presentDetail(view: service.NocView): Static<typeof NocDetailSchema> {
  return {
    ...presentNoc(view.row),
    allowedActions: view.allowedActions satisfies NocActionType[],
    history: view.history,
  };
}

/** NOCs are for the Cloud Office (all) and PSEs (their own: the tenant check sees to it). */
const readRule = access.signedIn({ organizationKinds: ['cloud_office', 'pse'] });
const requestRule = access.signedIn({ organizationKinds: ['pse'], roles: NOC_REQUESTER_ROLES });
const resource = { type: 'noc', param: 'id' } as const;

/** NOC exemptions (issue 6, item 5): requests, the officers' queue, and every workflow step. */
export const nocRoutes: FastifyPluginAsyncTypebox<{ ctx: AppContext }> = async (app, { ctx }) => {
  const tags = ['nocs'];
  const detail = async (request: Parameters<typeof actorOf>[0], id: string) =>
    presentDetail(await service.get(ctx, actorOf(request), id));

  app.post(
    '/api/v1/systems/:id/nocs',
    {
      config: { access: requestRule, resource: { type: 'pse_system', param: 'id' } },
      schema: {
        tags,
        summary: 'Request a time-bound NOC exemption for a system of your organization (PSE)',
        description:
          "Checked against the policy in force and the system's class: a class whose NOC rule " +
          'allows none, a deviation or deployment model the rule does not allow, a period longer ' +
          'than it allows (the answer names the last day allowed) or starting in the past are ' +
          'refused (422 noc_not_allowed, each reason with a pointer) and nothing is stored. The ' +
          'system must be classified (409 not_classified otherwise).',
        params: Type.Object({ id: Id }),
        body: Type.Object(
          {
            deviations: Deviations,
            deploymentModels: Type.Optional(Models),
            offeringId: Type.Optional(
              Type.String({
                minLength: 1,
                maxLength: 64,
                description: 'The offering the NOC is for, if any',
              }),
            ),
            facility: Type.Optional(
              Text(300, 'The private cloud or on-premises facility it is for, in words'),
            ),
            reason: Text(5000, 'Why the system needs the exemption'),
            from: Day('The first day'),
            until: Day('The last day, inclusive'),
          },
          { additionalProperties: false },
        ),
        response: { 201: NocDetailSchema },
      },
    },
    async (request, reply) => {
      const row = await service.request(
        ctx,
        actorOf(request),
        request.params.id,
        request.body,
        requestContext(request),
      );
      return reply
        .code(201)
        .header('location', `/api/v1/nocs/${row.id}`)
        .send(await detail(request, row.id));
    },
  );

  app.get(
    '/api/v1/nocs',
    {
      config: { access: readRule },
      schema: {
        tags,
        summary: 'List NOCs, newest first (every PSE’s in the Cloud Office; your own in a PSE)',
        querystring: Type.Object({
          status: Type.Optional(choice(NOC_STATUSES)),
          systemId: Type.Optional(Type.String({ maxLength: 64 })),
          limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
          offset: Type.Optional(Type.Integer({ minimum: 0, default: 0 })),
        }),
        response: {
          200: Type.Object({
            items: Type.Array(NocSchema),
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
      return { items: result.items.map(presentNoc), total: result.total, limit, offset };
    },
  );

  app.get(
    '/api/v1/nocs/:id',
    {
      config: { access: readRule, resource },
      schema: {
        tags,
        summary: 'One NOC: its terms, what you may do next, and its history',
        params: Type.Object({ id: Id }),
        response: { 200: NocDetailSchema },
      },
    },
    async (request) => detail(request, request.params.id),
  );

  app.post(
    '/api/v1/nocs/:id/actions/:action',
    {
      config: { access: readRule, resource },
      schema: {
        tags,
        summary: 'Take a step: review, resubmit, grant, refuse, withdraw, revoke',
        description:
          'review (power review_exemption, the Director Cloud Adoption): {recommendation: grant | refuse | ' +
          'return, reasons} — return sends it back to the PSE; grant (power decide_exemption, the DG ' +
          'Cloud): {validFrom?, validUntil?, notes?} — the period asked or a shorter one inside it, never ' +
          'longer, checked again against the policy in force; refuse {reasons}; revoke {reason}; ' +
          'withdraw {reason} (the PSE, before a decision); resubmit (the PSE, once returned): any of ' +
          '{deviations, deploymentModels, offeringId, facility, reason, from, until}, replacing those ' +
          'asked. Refused with 409 (transition_not_allowed; noc_changed: someone acted at the same ' +
          "moment), 403 (not_permitted: not your step or not your post today; audited) or 422 (the step's checks).",
        params: Type.Object({ id: Id, action: choice(service.NOC_PERSON_ACTIONS) }),
        body: Type.Optional(
          Type.Object(
            {
              recommendation: Type.Optional(choice(['grant', 'refuse', 'return'] as const)),
              reasons: Type.Optional(
                Type.Array(Text(2000, 'One reason'), { maxItems: 50, minItems: 1 }),
              ),
              reason: Type.Optional(
                Text(5000, 'withdraw, revoke: why; resubmit: the amended reason for the NOC'),
              ),
              validFrom: Type.Optional(Day('grant: the first day (default: as asked, or today)')),
              validUntil: Type.Optional(Day('grant: the last day (default: as asked)')),
              notes: Type.Optional(Text(5000, 'grant: the decision’s notes')),
              deviations: Type.Optional(Deviations),
              deploymentModels: Type.Optional(Models),
              offeringId: Type.Optional(nullable(Id)),
              facility: Type.Optional(nullable(Text(300, 'The facility, in words'))),
              from: Type.Optional(Day('resubmit: the first day')),
              until: Type.Optional(Day('resubmit: the last day')),
            },
            { additionalProperties: false },
          ),
        ),
        response: { 200: NocDetailSchema },
      },
    },
    async (request) => {
      const body = request.body as service.NocActionInput | undefined;
      const row = await service.act(
        ctx,
        actorOf(request),
        request.params.id,
        request.params.action,
        body ?? {},
        requestContext(request),
      );
      return detail(request, row.id);
    },
  );
};
