import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { AppContext } from '../../context.js';
import {
  choice,
  DocRefSchema,
  Id,
  nullable,
  OrgRefSchema,
  UserRefSchema,
} from '../../http/schemas.js';
import { access } from '../identity/access.js';
import * as service from './actions-service.js';
import { ACTION_KINDS, ACTION_POWER, ACTION_STATUSES, ACTION_STEPS } from './actions-workflow.js';
import {
  createRoute,
  DocumentIds,
  getRoute,
  listRoutes,
  NoteBody,
  OfficerRefSchema,
  OptionalNoteBody,
  readersRule,
  stepRoute,
  Text,
  type RecordKind,
} from './routes-common.js';

export const ActionSummarySchema = Type.Object({
  id: Type.String(),
  organization: OrgRefSchema,
  kind: choice(ACTION_KINDS),
  description: Type.String(),
  status: choice(ACTION_STATUSES),
  dueAt: Type.String(),
  overdue: Type.Boolean({
    description: 'Not done, verified, closed or cancelled, and its due instant has passed',
  }),
  incidentId: nullable(Type.String()),
  breachId: nullable(Type.String()),
  offering: nullable(OrgRefSchema),
  owner: UserRefSchema,
  orderedAt: Type.String(),
});

const ActionDetailSchema = Type.Object({
  ...ActionSummarySchema.properties,
  orderedBy: OfficerRefSchema,
  progress: Type.Array(
    Type.Object({
      id: Type.String(),
      text: Type.String(),
      documents: Type.Array(DocRefSchema),
      marksDone: Type.Boolean(),
      at: Type.String(),
      by: UserRefSchema,
    }),
  ),
  doneAt: nullable(Type.String()),
  verifiedAt: nullable(Type.String()),
  verifiedBy: UserRefSchema,
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

const officerRule = access.signedIn({ organizationKinds: ['cloud_office'], power: ACTION_POWER });

const actions: RecordKind<service.ActionDetail> = {
  base: '/api/v1/response-actions',
  tags: ['response actions'],
  readRule: readersRule,
  resource: { type: 'response_action', param: 'id' },
  detail: ActionDetailSchema,
  read: service.getAction,
};

/** Response actions: order, progress, verify, close (issue 7, item 5). */
export const responseActionRoutes: FastifyPluginAsyncTypebox<{ ctx: AppContext }> = async (
  app,
  { ctx },
) => {
  createRoute(app, ctx, actions, {
    access: officerRule,
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
    run: service.orderAction,
  });

  listRoutes(app, ctx, actions, {
    summary:
      "List response actions, newest first (all in the Cloud Office; else your organization's)",
    csvSummary: 'The response actions as CSV (same filters as the list, every row)',
    filter: Filter,
    item: ActionSummarySchema,
    list: service.listActions,
    csvName: 'response-actions',
    csvHeader: CSV_HEADER,
    csvRow: (a) => [
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
    ],
  });

  getRoute(
    app,
    ctx,
    actions,
    'One response action: its progress, verification and your next steps',
  );

  stepRoute(app, ctx, actions, {
    name: 'progress',
    access: readersRule,
    summary: 'Record progress (users of the organization): ordered to in_progress; done to done',
    description:
      "Documents must be your organization's (422 unknown_documents naming the others). " +
      'Officers cannot record progress (403).',
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
    run: service.recordProgress,
  });

  const officerStep = (
    name: 'verify' | 'reject' | 'cancel',
    summary: string,
    description: string,
    run: typeof service.verifyAction,
  ) =>
    stepRoute(app, ctx, actions, {
      name,
      access: officerRule,
      summary,
      description,
      body: NoteBody('Why, for the organization and the record'),
      run,
    });

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

  stepRoute(app, ctx, actions, {
    name: 'close',
    access: officerRule,
    summary: 'Close a verified action (power order_response_action): verified to closed',
    body: OptionalNoteBody('A closing note'),
    run: service.closeAction,
  });
};
