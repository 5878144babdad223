import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type, type Static } from 'typebox';
import type { AppContext } from '../../context.js';
import { access, actorOf, requestContext } from '../identity/access.js';
import * as service from './decisions-service.js';

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(schema: T) =>
  Type.Union([schema, Type.Null()]);
const IdParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 64 }) });

const OutcomeSchema = Type.Union(
  [Type.Literal('allow'), Type.Literal('allow_with_conditions'), Type.Literal('deny')],
  { description: 'allow, allow_with_conditions or deny' },
);

const FacilitySchema = Type.Object(
  {
    kind: Type.Union([Type.Literal('private_cloud'), Type.Literal('on_premises')]),
    name: Type.String(),
    country: Nullable(Type.String({ description: 'ISO 3166-1 alpha-2; where all its data is' })),
    operator: Nullable(Type.String()),
  },
  { description: "The PSE's own private-cloud or on-premises facility decided, as used" },
);

const StoredDecisionSchema = Type.Object({
  id: Type.String(),
  systemId: Type.String(),
  hosting: Type.Union([Type.Literal('current'), Type.Literal('proposed'), Type.Literal('check')], {
    description:
      'Which placement was decided: where the system runs, where it is proposed to run, or a check someone asked for',
  }),
  trigger: Type.String({
    description: 'Why it was decided: policy_published, accreditation_suspended, check, ...',
  }),
  offeringId: Nullable(
    Type.String({ description: "The offering decided; null for the PSE's own facility" }),
  ),
  facility: Nullable(FacilitySchema),
  at: Type.String({ description: 'When it was decided (ISO 8601)' }),
  policyVersion: Type.Integer(),
  classificationId: Type.String(),
  accreditationId: Nullable(Type.String()),
  outcome: OutcomeSchema,
  rules: Type.Array(
    Type.Object({
      rule: Type.String({
        description: 'accreditation, level, deployment_model, residency or condition',
      }),
      outcome: Type.String({
        description:
          "met, not_met, covered_by_noc, condition, or not_applicable (accreditation, for a PSE's own facility)",
      }),
      reason: Type.String({
        description: 'The reason as a stable code (customer_data_outside, ...)',
      }),
      clause: Type.String({ description: 'The policy clause the rule comes from' }),
      message: Type.String({ description: 'The outcome in words' }),
      nocId: Nullable(Type.String()),
      conditionId: Nullable(Type.String()),
    }),
  ),
  inputs: Type.Object({
    classCode: Type.String(),
    offeringId: Nullable(Type.String()),
    accreditationId: Nullable(Type.String()),
    levelCode: Nullable(Type.String()),
    nocIds: Type.Array(Type.String()),
    facility: Type.Optional(FacilitySchema),
  }),
  words: Type.Array(Type.String(), {
    description: 'The verdict, then each rule in words, refusals first',
  }),
});

const StatusSchema = Type.Union(
  [Type.Literal('in_policy'), Type.Literal('out_of_policy'), Type.Literal('not_evaluated')],
  { description: 'From where the system runs now; a proposed placement never flags a system' },
);

const PlacementSchema = Type.Object({
  systemId: Type.String(),
  status: StatusSchema,
  reason: Nullable(
    Type.String({ description: 'Why it is out of policy, or why it is not evaluated' }),
  ),
  flaggedAt: Nullable(Type.String({ description: 'When it went out of policy' })),
  evaluatedAt: Nullable(Type.String({ description: 'When it was last evaluated' })),
  policyVersion: Nullable(Type.Integer()),
  current: Nullable(StoredDecisionSchema),
  proposed: Nullable(StoredDecisionSchema),
});

const OptionSchema = Type.Object({
  offeringId: Type.String(),
  offeringName: Type.String(),
  providerName: Type.String(),
  serviceModel: Type.String(),
  deploymentModel: Type.String(),
  level: Nullable(Type.String({ description: 'The level it is accredited at (code)' })),
  levelTitle: Nullable(Type.String()),
  outcome: OutcomeSchema,
  words: Type.Array(Type.String()),
});

const OutOfPolicySchema = Type.Object({
  systemId: Type.String(),
  systemName: Type.String(),
  classCode: Nullable(Type.String()),
  organization: Type.Object({ id: Type.String(), name: Type.String() }),
  offering: Nullable(Type.Object({ id: Type.String(), name: Nullable(Type.String()) })),
  reason: Nullable(Type.String()),
  flaggedAt: Nullable(Type.String()),
  evaluatedAt: Type.String(),
});

function presentDecision(stored: service.StoredDecision): Static<typeof StoredDecisionSchema> {
  return {
    id: stored.id,
    systemId: stored.systemId,
    hosting: stored.hosting,
    trigger: stored.trigger,
    offeringId: stored.offeringId,
    facility: stored.facility,
    at: stored.at,
    policyVersion: stored.policyVersion,
    classificationId: stored.classificationId,
    accreditationId: stored.accreditationId,
    outcome: stored.decision.outcome,
    rules: stored.decision.rules,
    inputs: stored.decision.inputs,
    words: stored.words,
  };
}

function presentPlacement(view: service.PlacementView): Static<typeof PlacementSchema> {
  return {
    ...view,
    current: view.current && presentDecision(view.current),
    proposed: view.proposed && presentDecision(view.proposed),
  };
}

/** PSE staff (their own systems: the tenant check answers 404 for others') and the Cloud Office. */
const readRule = access.signedIn({ organizationKinds: ['cloud_office', 'pse'] });
const officersRule = access.signedIn({ organizationKinds: ['cloud_office'] });
const resource = { type: 'pse_system', param: 'id' } as const;

/** Placement decisions, "where can this system go?", and systems out of policy (issue 6). */
export const placementRoutes: FastifyPluginAsyncTypebox<{ ctx: AppContext }> = async (
  app,
  { ctx },
) => {
  const tags = ['placement'];

  app.get(
    '/api/v1/systems/:id/placement',
    {
      config: { access: readRule, resource },
      schema: {
        tags,
        summary:
          "The system's placement status, with the decisions of its current and proposed hosting",
        params: IdParams,
        response: { 200: PlacementSchema },
      },
    },
    async (request) => presentPlacement(await service.getPlacement(ctx, request.params.id)),
  );

  app.post(
    '/api/v1/systems/:id/placement-check',
    {
      config: { access: readRule, resource },
      schema: {
        tags,
        summary: 'May this system go on this offering? Decided now, with every rule and its clause',
        description:
          "Decided under the policy in force for the system's class, the offering's facts and its accreditation today, " +
          "and the system's NOCs in force; stored with those inputs' versions, audited, and changing no status. " +
          '409 if the system is not classified; 422 if there is no such offering.',
        params: IdParams,
        body: Type.Object(
          { offeringId: Type.String({ minLength: 1, maxLength: 64 }) },
          { additionalProperties: false },
        ),
        response: { 200: StoredDecisionSchema },
      },
    },
    async (request) =>
      presentDecision(
        await service.checkPlacement(
          ctx,
          actorOf(request),
          request.params.id,
          request.body.offeringId,
          requestContext(request),
        ),
      ),
  );

  app.get(
    '/api/v1/systems/:id/options',
    {
      config: { access: readRule, resource },
      schema: {
        tags,
        summary:
          'Where can this system go? The accredited offerings that may host it, best fit first',
        description:
          "Every offering accredited today, decided for the system's class; those allowed before those allowed " +
          "with conditions, then by the policy's order of service models (SaaS, PaaS, IaaS by default), then by name.",
        params: IdParams,
        querystring: Type.Object({
          limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 100 })),
        }),
        response: {
          200: Type.Object({ items: Type.Array(OptionSchema), total: Type.Integer() }),
        },
      },
    },
    async (request) => service.placementOptions(ctx, request.params.id, request.query.limit ?? 100),
  );

  app.get(
    '/api/v1/placements/out-of-policy',
    {
      config: { access: officersRule },
      schema: {
        tags,
        summary: "Officers' view: systems out of policy, latest flagged first",
        querystring: Type.Object({
          organizationId: Type.Optional(Type.String({ maxLength: 64 })),
          limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
          offset: Type.Optional(Type.Integer({ minimum: 0, default: 0 })),
        }),
        response: {
          200: Type.Object({
            items: Type.Array(OutOfPolicySchema),
            total: Type.Integer(),
            limit: Type.Integer(),
            offset: Type.Integer(),
          }),
        },
      },
    },
    async (request) => {
      const { limit = 50, offset = 0, organizationId } = request.query;
      const result = await service.outOfPolicy(ctx, {
        limit,
        offset,
        ...(organizationId !== undefined && { organizationId }),
      });
      return {
        items: result.items.map((row) => ({
          systemId: row.system_id,
          systemName: row.system_name,
          classCode: row.class_code,
          organization: { id: row.organization_id, name: row.organization_name },
          offering:
            row.current_offering_id === null
              ? null
              : { id: row.current_offering_id, name: row.offering_name },
          reason: row.reason,
          flaggedAt: row.flagged_at,
          evaluatedAt: row.evaluated_at,
        })),
        total: result.total,
        limit,
        offset,
      };
    },
  );

  app.post(
    '/api/v1/placements/reevaluate',
    {
      config: { access: officersRule },
      schema: {
        tags,
        summary:
          'Re-evaluate every placement now (officers with manage_organizations or decide_exemption)',
        description:
          'Placements are re-evaluated by themselves when a policy version is published, an accreditation ' +
          "changes, an offering's data centres change or a NOC is granted or expires; this runs it for every system.",
        response: { 200: Type.Object({ evaluated: Type.Integer() }) },
      },
    },
    async (request) => {
      const report = await service.reevaluateAsOfficer(
        ctx,
        actorOf(request),
        requestContext(request),
      );
      return { evaluated: report.evaluated };
    },
  );
};
