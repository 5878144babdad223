import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type, type TSchema } from 'typebox';
import type { AppContext } from '../../context.js';
import { presentDocument } from '../documents/routes.js';
import { access, actorOf, requestContext } from '../identity/access.js';
import * as assessment from './assessment.js';
import { BULK_LIMIT, NOTE_LIMIT, RESULTS, SEVERITIES } from './assessment.js';
import type { ApplicationRow } from './mapper.js';
import { namesFor, type ApplicationNames } from './repo.js';
import { recordOf } from './mapper.js';
import { LIMITS, RESPONSE_STATUSES, RESPONSIBILITIES } from './responses.js';
import * as service from './service.js';
import { STATUSES } from './workflow.js';

const Id = Type.String({ minLength: 1, maxLength: 64 });
const literals = <T extends string>(values: readonly T[]) =>
  Type.Union(values.map((v) => Type.Literal(v)));
/** One of some strings, typed as their union (a union of literals types as never here). */
const choice = <T extends string>(values: readonly T[]) =>
  Type.Unsafe<T>(Type.String({ enum: [...values] }));
const nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);
const Day = Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$', description: 'YYYY-MM-DD' });
const Text = (description: string) => Type.String({ maxLength: 5000, description });
const LevelRefSchema = Type.Object({ code: Type.String(), rank: Type.Integer() });
const FindingSchema = Type.Object({
  id: Type.String(),
  controlId: Type.String(),
  severity: choice(SEVERITIES),
  description: Type.String(),
  dueOn: Type.String(),
});
/** A finding of a submitted assessment: open, or closed as fixed with `close_finding`. */
const AssessedFindingSchema = Type.Object({
  ...FindingSchema.properties,
  fixedOn: nullable(
    Type.String({ description: 'YYYY-MM-DD it was closed as fixed; null while open' }),
  ),
  fixNote: nullable(
    Type.String({ description: 'How it was fixed, as the officer closing it wrote' }),
  ),
});
const ConditionInputSchema = Type.Object(
  { text: Type.String({ minLength: 1, maxLength: 2000 }), dueOn: Day },
  { additionalProperties: false },
);

/** Applications are for the Cloud Office and providers (their own: the tenant check sees to it). */
const readRule = access.signedIn({ organizationKinds: ['cloud_office', 'csp', 'audit_firm'] });
const cspRule = access.signedIn({ organizationKinds: ['csp'] });
const auditorRule = access.signedIn({ organizationKinds: ['cloud_office', 'audit_firm'] });
const firmRule = access.signedIn({ organizationKinds: ['audit_firm'] });

/** An application as the API shows it: the workflow's record, plus when and how often it changed. */
function presentApplication(row: ApplicationRow, names: Map<string, ApplicationNames>) {
  const named = names.get(row.offering_id);
  const record = recordOf(row);
  // Findings stored before close_finding existed have neither field: they are open.
  const assessment = record.assessment && {
    ...record.assessment,
    findings: record.assessment.findings.map((f) => ({
      ...f,
      fixedOn: f.fixedOn ?? null,
      fixNote: f.fixNote ?? null,
    })),
  };
  return {
    ...record,
    assessment,
    offeringName: named?.offeringName ?? '',
    providerName: named?.providerName ?? '',
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
    levelSought: LevelRefSchema,
    submission: Type.Union([
      Type.Object({ levelVersion: Type.Integer(), controlIds: Type.Array(Type.String()) }),
      Type.Null(),
    ]),
    returnReasons: Type.Union([Type.Array(Type.String()), Type.Null()]),
    offeringName: Type.String(),
    providerName: Type.String(),
    auditFirm: nullable(Type.Object({ id: Type.String(), name: Type.String() })),
    assessment: nullable(
      Type.Object({
        submittedOn: Type.String(),
        counts: Type.Object({
          satisfied: Type.Integer(),
          not_satisfied: Type.Integer(),
          not_applicable: Type.Integer(),
        }),
        findings: Type.Array(AssessedFindingSchema),
      }),
    ),
    legalReview: nullable(
      Type.Object({ outcome: choice(['cleared', 'objection'] as const), notes: Type.String() }),
    ),
    grant: nullable(
      Type.Object({
        level: LevelRefSchema,
        validFrom: Type.String(),
        validUntil: Type.String(),
        decidedOn: Type.String(),
      }),
    ),
    conditions: Type.Array(
      Type.Object({
        id: Type.String(),
        text: Type.String(),
        dueOn: Type.String(),
        status: choice(['open', 'closed'] as const),
        closedOn: nullable(Type.String()),
        closingNote: nullable(Type.String()),
      }),
    ),
    suspension: nullable(Type.Object({ reason: Type.String(), effectiveOn: Type.String() })),
    closure: nullable(
      Type.Object({ reasons: Type.Array(Type.String()), successorId: nullable(Type.String()) }),
    ),
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
  const presentOne = async (row: ApplicationRow) =>
    presentApplication(row, await namesFor(ctx.db, [row]));

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
        .send(await presentOne(row));
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
      const names = await namesFor(ctx.db, result.items);
      return {
        items: result.items.map((row) => presentApplication(row, names)),
        total: result.total,
        limit,
        offset,
      };
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
            allowedActions: Type.Array(Type.String(), {
              description:
                'The workflow steps you may take now (POST …/actions/{action}); also open_renewal and open_reassessment (POST …/renewals, …/reassessments) on an accreditation in force',
            }),
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
        application: await presentOne(view.row),
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
        summary: 'Take a workflow step (submit, assign_audit, accredit, suspend, …)',
        description:
          "Each step reads its own fields of the body: withdraw, decline_assessment, revoke {reason}; return, request_legal_documents, refuse {reasons}; assign_audit {auditFirmId}; record_legal_review {outcome, notes}; accredit {level, validUntil, conditions}; suspend {reason, effectiveOn}; reinstate {reason, conditions}; close_condition {conditionId, note}; close_finding {findingId, note}; submit, confirm_complete, submit_assessment (from the auditor's working copy) and resubmit_legal_documents take none. Refused with 409 (transition_not_allowed: not from this state; application_changed: someone acted at the same moment), 403 (not_permitted: not your step, or not your post today) or 422 (the step's guard, e.g. controls_unanswered, level_above_sought, validity_invalid), with the workflow's message. See docs/accreditation-workflow.md.",
        params: Type.Object({ id: Id, action: literals(service.PERSON_ACTIONS) }),
        body: Type.Optional(
          Type.Object(
            {
              reasons: Type.Optional(
                Type.Array(Text('one reason'), {
                  maxItems: 50,
                  description: 'return, request_legal_documents, refuse: why',
                }),
              ),
              reason: Type.Optional(
                Text('withdraw, decline_assessment, suspend, reinstate, revoke: why'),
              ),
              auditFirmId: Type.Optional(Id),
              outcome: Type.Optional(choice(['cleared', 'objection'] as const)),
              notes: Type.Optional(Text('record_legal_review: the review, or the objection')),
              level: Type.Optional(
                Type.String({
                  minLength: 1,
                  maxLength: 64,
                  description: 'accredit: the level granted (the level sought or lower)',
                }),
              ),
              validUntil: Type.Optional(Day),
              conditions: Type.Optional(Type.Array(ConditionInputSchema, { maxItems: 50 })),
              effectiveOn: Type.Optional(Day),
              conditionId: Type.Optional(Id),
              findingId: Type.Optional(Id),
              note: Type.Optional(
                Text('close_condition: how it was met; close_finding: how it was fixed'),
              ),
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
      return presentOne(
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

  app.get(
    '/api/v1/applications/:id/documents',
    {
      config: { access: readRule, resource },
      schema: {
        tags: ['accreditation'],
        summary: 'The documents attached to the application (contracts, legal, architecture)',
        params: Type.Object({ id: Id }),
        response: { 200: Type.Object({ items: Type.Array(Type.Ref('Document')) }) },
      },
    },
    async (request) => ({
      items: (await service.documents(ctx, request.params.id)).map(presentDocument),
    }),
  );

  app.put(
    '/api/v1/applications/:id/documents',
    {
      config: { access: cspRule, resource },
      schema: {
        tags: ['accreditation'],
        summary: "Attach the provider's documents to the application (replaces the list)",
        description:
          'While the application is a draft, returned, or awaiting legal documents. Upload files first with POST /api/v1/documents.',
        params: Type.Object({ id: Id }),
        body: Type.Object(
          { documentIds: Type.Array(Id, { maxItems: service.DOCUMENT_LIMIT }) },
          { additionalProperties: false },
        ),
        response: { 200: Type.Object({ items: Type.Array(Type.Ref('Document')) }) },
      },
    },
    async (request) => ({
      items: (
        await service.putDocuments(
          ctx,
          actorOf(request),
          request.params.id,
          request.body.documentIds,
          requestContext(request),
        )
      ).map(presentDocument),
    }),
  );

  for (const kind of ['renewal', 'reassessment'] as const) {
    app.post(
      `/api/v1/applications/:id/${kind}s`,
      {
        config: {
          access: kind === 'renewal' ? cspRule : access.signedIn({ power: 'assign_audit' }),
          resource,
        },
        schema: {
          tags: ['accreditation'],
          summary:
            kind === 'renewal'
              ? 'Open a renewal of an accreditation in force (the provider, within the renewal window)'
              : 'Open a reassessment of an accreditation in force (the Director Audits)',
          description:
            'A new application, as a draft, linked to the accreditation it would replace; that one stays in force until the new one is granted.',
          params: Type.Object({ id: Id }),
          body: Type.Object(
            {
              levelSought: Type.Optional(
                Type.String({
                  minLength: 1,
                  maxLength: 64,
                  description: 'Defaults to the level granted now',
                }),
              ),
            },
            { additionalProperties: false },
          ),
          response: { 201: ApplicationRef },
        },
      },
      async (request, reply) => {
        const row = await service.openSuccessor(
          ctx,
          actorOf(request),
          request.params.id,
          kind,
          request.body.levelSought,
          requestContext(request),
        );
        return reply
          .code(201)
          .header('location', `/api/v1/applications/${row.id}`)
          .send(await presentOne(row));
      },
    );
  }

  const ResultSchema = Type.Object({
    controlId: Type.String(),
    result: choice(RESULTS),
    note: nullable(Type.String()),
    updatedAt: Type.String(),
  });
  const ResultFields = {
    result: choice(RESULTS),
    note: Type.Optional(nullable(Type.String({ maxLength: NOTE_LIMIT }))),
  };

  app.get(
    '/api/v1/applications/:id/assessment',
    {
      config: { access: auditorRule, resource },
      schema: {
        tags: ['accreditation'],
        summary: "The assigned audit firm's assessment in progress, with progress",
        params: Type.Object({ id: Id }),
        response: {
          200: Type.Object({
            auditFirm: nullable(Type.Object({ id: Type.String(), name: Type.String() })),
            levelVersion: nullable(Type.Integer()),
            controlIds: Type.Array(Type.String()),
            results: Type.Array(ResultSchema),
            findings: Type.Array(FindingSchema),
            progress: Type.Object({
              total: Type.Integer(),
              recorded: Type.Integer(),
              satisfied: Type.Integer(),
              notSatisfied: Type.Integer(),
              notApplicable: Type.Integer(),
            }),
          }),
        },
      },
    },
    async (request) => assessment.getAssessment(ctx, actorOf(request), request.params.id),
  );

  app.put(
    '/api/v1/applications/:id/assessment/results/:controlId',
    {
      config: { access: firmRule, resource },
      schema: {
        tags: ['accreditation'],
        summary: 'Record the result of one control (the assigned audit firm, in assessment)',
        params: Type.Object({ id: Id, controlId: Type.String({ minLength: 1, maxLength: 100 }) }),
        body: Type.Object(ResultFields, { additionalProperties: false }),
        response: { 200: ResultSchema },
      },
    },
    async (request) => {
      const [saved] = await assessment.putResults(
        ctx,
        actorOf(request),
        request.params.id,
        [{ controlId: request.params.controlId, ...request.body }],
        requestContext(request),
        { single: true },
      );
      return saved;
    },
  );

  app.put(
    '/api/v1/applications/:id/assessment/results',
    {
      config: { access: firmRule, resource },
      schema: {
        tags: ['accreditation'],
        summary: "Record many controls' results at once (e.g. from the firm's own tooling)",
        params: Type.Object({ id: Id }),
        body: Type.Object(
          {
            items: Type.Array(
              Type.Object(
                { controlId: Type.String({ minLength: 1, maxLength: 100 }), ...ResultFields },
                { additionalProperties: false },
              ),
              { minItems: 1, maxItems: BULK_LIMIT },
            ),
          },
          { additionalProperties: false },
        ),
        response: { 200: Type.Object({ items: Type.Array(ResultSchema) }) },
      },
    },
    async (request) => ({
      items: await assessment.putResults(
        ctx,
        actorOf(request),
        request.params.id,
        request.body.items,
        requestContext(request),
        { single: false },
      ),
    }),
  );

  app.post(
    '/api/v1/applications/:id/assessment/findings',
    {
      config: { access: firmRule, resource },
      schema: {
        tags: ['accreditation'],
        summary: 'Add a finding (what is wrong, how bad, fixed by when)',
        params: Type.Object({ id: Id }),
        body: Type.Object(
          {
            controlId: Type.String({ minLength: 1, maxLength: 100 }),
            severity: choice(SEVERITIES),
            description: Type.String({ minLength: 1, maxLength: NOTE_LIMIT }),
            dueOn: Day,
          },
          { additionalProperties: false },
        ),
        response: { 201: FindingSchema },
      },
    },
    async (request, reply) => {
      const finding = await assessment.addFinding(
        ctx,
        actorOf(request),
        request.params.id,
        request.body,
        requestContext(request),
      );
      return reply.code(201).send(finding);
    },
  );

  app.delete(
    '/api/v1/applications/:id/assessment/findings/:findingId',
    {
      config: { access: firmRule, resource },
      schema: {
        tags: ['accreditation'],
        summary: 'Delete a finding of the assessment in progress',
        params: Type.Object({ id: Id, findingId: Id }),
        response: { 204: Type.Null() },
      },
    },
    async (request, reply) => {
      await assessment.deleteFinding(
        ctx,
        actorOf(request),
        request.params.id,
        request.params.findingId,
        requestContext(request),
      );
      return reply.code(204).send(null);
    },
  );
};
