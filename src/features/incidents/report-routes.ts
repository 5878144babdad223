import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { AppContext } from '../../context.js';
import { Id, nullable } from '../../http/schemas.js';
import { access, actorOf } from '../identity/access.js';
import { DELAY_BANDS, incidentDashboard } from './dashboard.js';
import { IncidentDetailSchema } from './presenter.js';
import * as service from './service.js';
import { renderIncidentSummary } from './summary-pdf.js';

const Count = Type.Integer({ minimum: 0 });
const Month = Type.String({ pattern: '^\\d{4}-\\d{2}$', description: 'YYYY-MM (UTC)' });

const DashboardSchema = Type.Object({
  generatedAt: Type.String(),
  openBySeverity: Type.Object(
    { low: Count, medium: Count, high: Count, critical: Count },
    { description: 'Incidents not closed, by severity' },
  ),
  reportingDelays: Type.Array(
    Type.Object({
      label: Type.String(),
      upToHours: nullable(Type.Number({ description: 'The band’s upper bound; null: none' })),
      count: Count,
    }),
    {
      description: `Reports of the last 12 months by the time from discovery to report, in ${DELAY_BANDS.length} bands`,
    },
  ),
  overdue: Type.Object({
    requests: Type.Integer({ description: 'Open report requests past their due instant' }),
    actions: Type.Integer({ description: 'Ordered or in-progress response actions past due' }),
    updates: Type.Integer({ description: 'Incidents whose next update is past due' }),
  }),
  breachesByOrganization: Type.Array(
    Type.Object({
      organization: Type.Object({ id: Type.String(), name: Type.String() }),
      months: Type.Array(Type.Object({ month: Month, count: Count })),
    }),
    {
      description:
        'Breaches of duty detected in the last 12 months, per month, for the 10 organizations with the most',
    },
  ),
  incidentsByMonth: Type.Array(Type.Object({ month: Month, reported: Count, late: Count }), {
    description: 'Reports per month over the last 12 months, and how many were late',
  }),
});

/** The dashboard shows every organization's figures: Cloud Office users only. */
const officeRule = access.signedIn({ organizationKinds: ['cloud_office'] });
/** Exports are for the office and the reporting organization (the tenant check sees to it). */
const readRule = access.signedIn({ organizationKinds: ['cloud_office', 'csp', 'pse'] });
const resource = { type: 'incident', param: 'id' } as const;

/** Dashboards and exports of incidents (issue 7, items 6 and 8). */
export const incidentReportRoutes: FastifyPluginAsyncTypebox<{ ctx: AppContext }> = async (
  app,
  { ctx },
) => {
  const tags = ['incidents'];

  app.get(
    '/api/v1/incidents/dashboard',
    {
      config: { access: officeRule },
      schema: {
        tags,
        summary:
          'The incident dashboard: open incidents by severity, reporting delays, what is overdue, breaches by organization and reports by month (Cloud Office)',
        response: { 200: DashboardSchema },
      },
    },
    async () => incidentDashboard(ctx),
  );

  app.get(
    '/api/v1/incidents/:id/export.json',
    {
      config: { access: readRule, resource },
      schema: {
        tags,
        summary: 'The incident as JSON, everything its page shows (attachment)',
        params: Type.Object({ id: Id }),
        response: {
          200: Type.Object({ exportedAt: Type.String(), incident: IncidentDetailSchema }),
        },
      },
    },
    async (request, reply) => {
      const incident = await service.getIncident(ctx, actorOf(request), request.params.id);
      return reply
        .header('content-disposition', `attachment; filename="incident-${incident.id}.json"`)
        .send({ exportedAt: ctx.clock.now().toISOString(), incident });
    },
  );

  app.get(
    '/api/v1/incidents/:id/summary.pdf',
    {
      config: { access: readRule, resource },
      schema: {
        tags,
        summary:
          'A summary of the incident as PDF: status, severity, reporting and deadlines, what was affected, the timeline, requests, actions and breaches (attachment)',
        params: Type.Object({ id: Id }),
      },
    },
    async (request, reply) => {
      const incident = await service.getIncident(ctx, actorOf(request), request.params.id);
      const pdf = await renderIncidentSummary(incident, ctx.clock.now().toISOString());
      return reply
        .header('content-type', 'application/pdf')
        .header('content-disposition', `attachment; filename="incident-${incident.id}-summary.pdf"`)
        .send(pdf);
    },
  );
};
