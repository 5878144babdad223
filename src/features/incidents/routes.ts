import { Readable } from 'node:stream';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { AppContext } from '../../context.js';
import { choice, Id, PageQuery, pageOf } from '../../http/schemas.js';
import { access, actorOf, requestContext } from '../identity/access.js';
import { INCIDENT_STATUSES, TRANSITION_TARGETS } from './lifecycle.js';
import { IncidentDetailSchema, IncidentSummarySchema, SEVERITY_VALUES } from './presenter.js';
import * as service from './service.js';

const Text = (maxLength: number, description: string) =>
  Type.String({ minLength: 1, maxLength, pattern: '\\S', description });
const Ids = (maxItems: number, description: string) =>
  Type.Array(Id, { maxItems, uniqueItems: true, description });
const Count = (description: string) =>
  Type.Union([Type.Integer({ minimum: 0 }), Type.Null()], { description });

const SORTS = [
  'reportedAt',
  '-reportedAt',
  'severity',
  '-severity',
  'discoveredAt',
  '-discoveredAt',
] as const;

const Filters = {
  status: Type.Optional(choice(INCIDENT_STATUSES)),
  severity: Type.Optional(choice(SEVERITY_VALUES)),
  organizationId: Type.Optional(Id),
  late: Type.Optional(
    Type.Boolean({ description: 'Only late reports (true) or on-time ones (false)' }),
  ),
  q: Type.Optional(Type.String({ maxLength: 200, description: 'Text in the title' })),
  sort: Type.Optional(choice(SORTS, 'The order (default -reportedAt: newest report first)')),
};

const ReportBody = Type.Object(
  {
    title: Text(200, 'What happened, in a line'),
    description: Text(10_000, 'What happened, what is known, what was done so far'),
    discoveredAt: Type.String({
      format: 'date-time',
      description: 'When the breach was discovered (ISO-8601 instant; not after now)',
    }),
    systemIds: Type.Optional(Ids(100, "Affected systems of your organization's register")),
    offeringIds: Type.Optional(Ids(100, 'Affected cloud offerings (a CSP: its own)')),
    dataClasses: Type.Optional(
      Type.Array(Type.String({ minLength: 1, maxLength: 64 }), {
        maxItems: 20,
        uniqueItems: true,
        description: 'Class codes of the data involved, as in the policy in force',
      }),
    ),
    personalData: Type.Boolean({ description: 'Whether personal data is involved' }),
    recordsAffected: Type.Optional(Count('Records affected, if known')),
    peopleAffected: Type.Optional(Count('People affected, if known')),
    contact: Type.Object(
      {
        name: Text(200, 'Who the Cloud Office should talk to'),
        email: Type.String({ format: 'email', maxLength: 254 }),
        phone: Type.Optional(
          Type.Union([Type.String({ minLength: 1, maxLength: 50 }), Type.Null()]),
        ),
      },
      { additionalProperties: false },
    ),
    documentIds: Type.Optional(
      Ids(20, 'Evidence uploaded first with POST /api/v1/documents (your organization’s)'),
    ),
  },
  { additionalProperties: false },
);

/** Reports come from CSPs and PSEs; the Cloud Office reads them all, the others their own. */
const reportRule = access.signedIn({ organizationKinds: ['csp', 'pse'] });
const readRule = access.signedIn({ organizationKinds: ['cloud_office', 'csp', 'pse'] });
const manageRule = access.signedIn({
  organizationKinds: ['cloud_office'],
  power: 'manage_incidents',
});
const resource = { type: 'incident', param: 'id' } as const;

/** Data-breach reports and incidents: intake, updates, lifecycle, timeline (issue 7, items 3 and 6). */
export const incidentRoutes: FastifyPluginAsyncTypebox<{ ctx: AppContext }> = async (
  app,
  { ctx },
) => {
  const tags = ['incidents'];

  app.post(
    '/api/v1/incidents',
    {
      config: { access: reportRule },
      schema: {
        tags,
        summary: 'Report a data breach to the Cloud Office (any CSP or PSE user, at any time)',
        description:
          'The platform keeps when it was discovered and when it was reported, computes the ' +
          'reporting deadlines of the policy in force, the delay and whether the report is late ' +
          '(a late report opens a breach of the reporting duty), and rates its severity from the ' +
          "policy's matrix. Refused with 422, nothing stored: a discovery after now " +
          '(discovered_in_future), systems not of your register (unknown_systems), unknown ' +
          'offerings (a CSP: not its own; unknown_offerings), data classes not in the policy ' +
          '(unknown_data_classes), documents not uploaded by your organization (unknown_documents). ' +
          'Answered 201 once committed.',
        body: ReportBody,
        response: { 201: IncidentDetailSchema },
      },
    },
    async (request, reply) => {
      const detail = await service.reportIncident(
        ctx,
        actorOf(request),
        request.body,
        requestContext(request),
      );
      return reply.code(201).header('location', `/api/v1/incidents/${detail.id}`).send(detail);
    },
  );

  app.get(
    '/api/v1/incidents',
    {
      config: { access: readRule },
      schema: {
        tags,
        summary: 'List incidents (every organization’s in the Cloud Office; your own otherwise)',
        querystring: Type.Object({ ...Filters, ...PageQuery }),
        response: { 200: pageOf(IncidentSummarySchema) },
      },
    },
    async (request) => service.listIncidents(ctx, actorOf(request), request.query),
  );

  app.get(
    '/api/v1/incidents.csv',
    {
      config: { access: readRule },
      schema: {
        tags,
        summary: 'Every incident matching the filters as CSV (RFC 4180), in the list order',
        querystring: Type.Object(Filters),
      },
    },
    async (request, reply) => {
      const day = ctx.clock.now().toISOString().slice(0, 10);
      const chunks = service.streamIncidentsCsv(ctx, actorOf(request), request.query);
      // The first chunk (the header) is taken before answering, so the answer starts only once
      // the export can run.
      const first = await chunks.next();
      const stream = Readable.from(
        (async function* () {
          if (!first.done) yield first.value;
          yield* chunks;
        })(),
      );
      stream.on('error', (error) => request.log.error({ err: error }, 'incident export failed'));
      return reply
        .header('content-type', 'text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="cloud-office-incidents-${day}.csv"`)
        .send(stream);
    },
  );

  app.get(
    '/api/v1/incidents/:id',
    {
      config: { access: readRule, resource },
      schema: {
        tags,
        summary: 'One incident: the report, deadlines, timeline, requests, actions and breaches',
        params: Type.Object({ id: Id }),
        response: { 200: IncidentDetailSchema },
      },
    },
    async (request) => service.getIncident(ctx, actorOf(request), request.params.id),
  );

  app.post(
    '/api/v1/incidents/:id/updates',
    {
      config: { access: reportRule, resource },
      schema: {
        tags,
        summary: 'Add an update, or the final report, to an incident your organization reported',
        description:
          'Only the reporting organization’s users (403 otherwise). A closed incident takes no ' +
          'more (409 incident_closed); the final report is given once (409 final_report_given).',
        params: Type.Object({ id: Id }),
        body: Type.Object(
          {
            text: Text(10_000, 'What is new'),
            final: Type.Optional(Type.Boolean({ description: 'This is the final report' })),
            recordsAffected: Type.Optional(Count('Records affected, as now known')),
            peopleAffected: Type.Optional(Count('People affected, as now known')),
            documentIds: Type.Optional(Ids(20, 'Evidence uploaded first (your organization’s)')),
          },
          { additionalProperties: false },
        ),
        response: { 201: IncidentDetailSchema },
      },
    },
    async (request, reply) => {
      const detail = await service.addIncidentUpdate(
        ctx,
        actorOf(request),
        request.params.id,
        request.body,
        requestContext(request),
      );
      return reply.code(201).send(detail);
    },
  );

  app.post(
    '/api/v1/incidents/:id/transitions',
    {
      config: { access: manageRule, resource },
      schema: {
        tags,
        summary: 'Move an incident along its lifecycle (power manage_incidents)',
        description:
          'reported → triaged; triaged → investigating | contained | resolved; investigating → ' +
          'contained | resolved; contained → investigating | resolved; resolved → investigating | ' +
          'closed. Refused: 409 transition_not_allowed (naming the state and where it may go), ' +
          '409 stale_revision, 422 incident_not_finished (closing while report requests are open ' +
          'or answered but not accepted, or actions are not verified, closed or cancelled), 422 ' +
          'owner_not_officer.',
        params: Type.Object({ id: Id }),
        body: Type.Object(
          {
            to: choice(TRANSITION_TARGETS),
            note: Type.Optional(Text(5000, 'Why, for the timeline')),
            severity: Type.Optional(choice(SEVERITY_VALUES)),
            ownerUserId: Type.Optional(Id),
            revision: Type.Integer({ minimum: 1, description: 'The revision you loaded' }),
          },
          { additionalProperties: false },
        ),
        response: { 200: IncidentDetailSchema },
      },
    },
    async (request) =>
      service.transitionIncident(
        ctx,
        actorOf(request),
        request.params.id,
        request.body,
        requestContext(request),
      ),
  );

  app.patch(
    '/api/v1/incidents/:id',
    {
      config: { access: manageRule, resource },
      schema: {
        tags,
        summary: 'Set an incident’s severity or owner (power manage_incidents)',
        params: Type.Object({ id: Id }),
        body: Type.Object(
          {
            severity: Type.Optional(choice(SEVERITY_VALUES)),
            severityReason: Type.Optional(Text(2000, 'Why this severity')),
            ownerUserId: Type.Optional(
              Type.Union([Id, Type.Null()], { description: 'An active officer; null: nobody' }),
            ),
            revision: Type.Integer({ minimum: 1, description: 'The revision you loaded' }),
          },
          { additionalProperties: false },
        ),
        response: { 200: IncidentDetailSchema },
      },
    },
    async (request) =>
      service.patchIncident(
        ctx,
        actorOf(request),
        request.params.id,
        request.body,
        requestContext(request),
      ),
  );
};
