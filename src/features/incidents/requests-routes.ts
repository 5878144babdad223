import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { AppContext } from '../../context.js';
import {
  choice,
  DocRefSchema,
  Id,
  Instant,
  nullable,
  OrgRefSchema,
  UserRefSchema,
} from '../../http/schemas.js';
import { access } from '../identity/access.js';
import * as service from './requests-service.js';
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
import { REQUEST_ACTIONS, REQUEST_POWER, REQUEST_STATUSES } from './requests-workflow.js';

export const RequestSummarySchema = Type.Object({
  id: Type.String(),
  organization: OrgRefSchema,
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
  requestedBy: OfficerRefSchema,
  answer: nullable(
    Type.Object({
      text: Type.String(),
      answers: Type.Array(Type.String()),
      documents: Type.Array(DocRefSchema),
      answeredAt: Type.String(),
      answeredBy: UserRefSchema,
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

const officerRule = access.signedIn({
  organizationKinds: ['cloud_office'],
  power: REQUEST_POWER,
});

const requests: RecordKind<service.RequestDetail> = {
  base: '/api/v1/report-requests',
  tags: ['report requests'],
  readRule: readersRule,
  resource: { type: 'report_request', param: 'id' },
  detail: RequestDetailSchema,
  read: service.getRequest,
};

/** Incident-report requests: ask, answer, accept, withdraw (issue 7, item 4). */
export const reportRequestRoutes: FastifyPluginAsyncTypebox<{ ctx: AppContext }> = async (
  app,
  { ctx },
) => {
  createRoute(app, ctx, requests, {
    access: officerRule,
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
    run: service.openRequest,
  });

  listRoutes(app, ctx, requests, {
    summary:
      "List report requests, newest first (all in the Cloud Office; else your organization's)",
    csvSummary: 'The report requests as CSV (same filters as the list, every row)',
    filter: Filter,
    item: RequestSummarySchema,
    list: service.listRequests,
    csvName: 'report-requests',
    csvHeader: CSV_HEADER,
    csvRow: (r) => [
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
    ],
  });

  getRoute(
    app,
    ctx,
    requests,
    'One report request: its questions, answer, escalations and your next steps',
  );

  stepRoute(app, ctx, requests, {
    name: 'answer',
    access: readersRule,
    summary: 'Answer a report request (users of the organization asked)',
    description:
      'From open to answered. answers, when given, are one per question in order; documents ' +
      "must be your organization's (422 unknown_documents naming the others). An answer after " +
      'the due date is taken; the duty check records the lateness. Officers cannot answer (403).',
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
    run: service.answerRequest,
  });

  stepRoute(app, ctx, requests, {
    name: 'accept',
    access: officerRule,
    summary: 'Accept the answer (power request_incident_report): answered to accepted',
    body: OptionalNoteBody('A note to the organization'),
    run: service.acceptRequest,
  });

  stepRoute(app, ctx, requests, {
    name: 'return',
    access: officerRule,
    summary: 'Return the answer for more, with a new due date: answered to open',
    body: Type.Object(
      {
        note: Text(5000, 'What more is needed'),
        dueAt: Instant('The new due date, in the future'),
      },
      { additionalProperties: false },
    ),
    run: service.returnRequest,
  });

  stepRoute(app, ctx, requests, {
    name: 'withdraw',
    access: officerRule,
    summary: 'Withdraw an open request: open to withdrawn',
    body: NoteBody('Why it is withdrawn'),
    run: service.withdrawRequest,
  });
};
