import { sql } from 'kysely';
import type { AppContext } from '../../context.js';
import type { IncidentSeverity } from '../../db/schema.js';
import { obligationsOfVersion } from '../duties/in-force.js';

/**
 * The incident dashboard (issue 7, item 6): open incidents by severity, how long reports took,
 * what is overdue, breaches by organization over time and reports by month. Every figure is one
 * aggregate query; months are the first seven characters of the stored ISO-8601 instants, which
 * both dialects read the same way.
 */

/** The reporting-delay bands of the chart, in hours from discovery to report; null: no bound. */
export const DELAY_BANDS: readonly { label: string; upToHours: number | null }[] = [
  { label: 'Within 1 hour', upToHours: 1 },
  { label: '1 to 6 hours', upToHours: 6 },
  { label: '6 to 24 hours', upToHours: 24 },
  { label: '1 to 3 days', upToHours: 72 },
  { label: '3 to 7 days', upToHours: 168 },
  { label: 'More than 7 days', upToHours: null },
];

/** How many months the charts over time cover, this one included. */
export const DASHBOARD_MONTHS = 12;
/** How many organizations the breach chart shows: those with the most breaches in the window. */
export const TOP_ORGANIZATIONS = 10;

export interface IncidentDashboard {
  generatedAt: string;
  openBySeverity: Record<IncidentSeverity, number>;
  reportingDelays: { label: string; upToHours: number | null; count: number }[];
  overdue: { requests: number; actions: number; updates: number };
  breachesByOrganization: {
    organization: { id: string; name: string };
    months: { month: string; count: number }[];
  }[];
  incidentsByMonth: { month: string; reported: number; late: number }[];
}

/** `YYYY-MM` of the `count` months ending with the month of `at`, oldest first. */
export function monthsEnding(at: Date, count: number): string[] {
  const months: string[] = [];
  for (let back = count - 1; back >= 0; back -= 1) {
    const first = new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth() - back, 1));
    months.push(first.toISOString().slice(0, 7));
  }
  return months;
}

const month = (column: string) => sql<string>`substr(${sql.ref(column)}, 1, 7)`;
const asNumber = (value: unknown): number => Number(value ?? 0);

/** The dashboard at the context's clock. */
export async function incidentDashboard(ctx: AppContext): Promise<IncidentDashboard> {
  const db = ctx.db;
  const now = ctx.clock.now();
  const generatedAt = now.toISOString();
  const months = monthsEnding(now, DASHBOARD_MONTHS);
  const windowStart = `${months[0] ?? generatedAt.slice(0, 7)}-01T00:00:00.000Z`;

  // Open means not closed: a resolved incident may still go back to investigation.
  const severities = await db
    .selectFrom('incidents')
    .select(['severity', (eb) => eb.fn.countAll<number>().as('count')])
    .where('status', '<>', 'closed')
    .groupBy('severity')
    .execute();
  const openBySeverity: Record<IncidentSeverity, number> = {
    low: 0,
    medium: 0,
    high: 0,
    critical: 0,
  };
  for (const row of severities) {
    if (row.severity in openBySeverity) openBySeverity[row.severity] = asNumber(row.count);
  }

  // One row of sums, one per band; the bounds are literals so that both dialects plan it alike.
  const bandSums = DELAY_BANDS.map((band, index) => {
    const lower = index === 0 ? null : DELAY_BANDS[index - 1]?.upToHours;
    const conditions: string[] = [];
    if (lower !== null && lower !== undefined)
      conditions.push(`reporting_delay_seconds > ${lower * 3600}`);
    if (band.upToHours !== null)
      conditions.push(`reporting_delay_seconds <= ${band.upToHours * 3600}`);
    const when = conditions.length > 0 ? conditions.join(' and ') : '1 = 1';
    return sql<number>`sum(case when ${sql.raw(when)} then 1 else 0 end)`.as(`band${index}`);
  });
  const delays = (await db
    .selectFrom('incidents')
    .select(bandSums)
    .where('reported_at', '>=', windowStart)
    .executeTakeFirst()) as Record<string, unknown> | undefined;
  const reportingDelays = DELAY_BANDS.map((band, index) => ({
    label: band.label,
    upToHours: band.upToHours,
    count: asNumber(delays?.[`band${index}`]),
  }));

  const overdueRequests = await db
    .selectFrom('report_requests')
    .select((eb) => eb.fn.countAll<number>().as('count'))
    .where('status', '=', 'open')
    .where('due_at', '<', generatedAt)
    .executeTakeFirst();
  const overdueActions = await db
    .selectFrom('response_actions')
    .select((eb) => eb.fn.countAll<number>().as('count'))
    .where('status', 'in', ['ordered', 'in_progress'])
    .where('due_at', '<', generatedAt)
    .executeTakeFirst();
  // An update is overdue once the cadence has passed since the last one (or the report), until
  // the final report is in or the incident is closed; the cadence is that of the policy version
  // each report arrived under, as the incident's own page shows it.
  const versions = await db
    .selectFrom('incidents')
    .select('policy_version')
    .distinct()
    .where('status', '<>', 'closed')
    .where('final_report_at', 'is', null)
    .execute();
  let overdueUpdates = 0;
  for (const { policy_version: version } of versions) {
    const reporting = (await obligationsOfVersion(db, version)).reporting;
    const dueBefore = new Date(
      now.getTime() - reporting.updateEveryHours * 3_600_000,
    ).toISOString();
    const row = await db
      .selectFrom('incidents')
      .select((eb) => eb.fn.countAll<number>().as('count'))
      .where('policy_version', '=', version)
      .where('status', '<>', 'closed')
      .where('final_report_at', 'is', null)
      .where('last_update_at', '<', dueBefore)
      .executeTakeFirst();
    overdueUpdates += asNumber(row?.count);
  }

  const top = await db
    .selectFrom('breaches')
    .innerJoin('organizations', 'organizations.id', 'breaches.organization_id')
    .select([
      'breaches.organization_id as id',
      'organizations.name as name',
      (eb) => eb.fn.countAll<number>().as('count'),
    ])
    .where('breaches.detected_at', '>=', windowStart)
    .groupBy(['breaches.organization_id', 'organizations.name'])
    .orderBy('count', 'desc')
    .orderBy('organizations.name')
    .limit(TOP_ORGANIZATIONS)
    .execute();
  const perMonth =
    top.length === 0
      ? []
      : await db
          .selectFrom('breaches')
          .select([
            'organization_id',
            month('detected_at').as('month'),
            (eb) => eb.fn.countAll<number>().as('count'),
          ])
          .where('detected_at', '>=', windowStart)
          .where(
            'organization_id',
            'in',
            top.map((row) => row.id),
          )
          .groupBy(['organization_id', month('detected_at')])
          .execute();
  const breachCounts = new Map(
    perMonth.map((row) => [`${row.organization_id} ${row.month}`, asNumber(row.count)]),
  );
  const breachesByOrganization = top.map((row) => ({
    organization: { id: row.id, name: row.name },
    months: months.map((m) => ({ month: m, count: breachCounts.get(`${row.id} ${m}`) ?? 0 })),
  }));

  const reportedRows = await db
    .selectFrom('incidents')
    .select([
      month('reported_at').as('month'),
      (eb) => eb.fn.countAll<number>().as('reported'),
      sql<number>`sum(late)`.as('late'),
    ])
    .where('reported_at', '>=', windowStart)
    .groupBy(month('reported_at'))
    .execute();
  const byMonth = new Map(reportedRows.map((row) => [row.month, row]));
  const incidentsByMonth = months.map((m) => {
    const row = byMonth.get(m);
    return { month: m, reported: asNumber(row?.reported), late: asNumber(row?.late) };
  });

  return {
    generatedAt,
    openBySeverity,
    reportingDelays,
    overdue: {
      requests: asNumber(overdueRequests?.count),
      actions: asNumber(overdueActions?.count),
      updates: overdueUpdates,
    },
    breachesByOrganization,
    incidentsByMonth,
  };
}
