import type { ReactNode } from 'react';
import {
  Bar,
  BarChart,
  CartesianGrid,
  Legend,
  Rectangle,
  Tooltip,
  XAxis,
  YAxis,
  type BarShapeProps,
} from 'recharts';
import { DataTable } from '../components/lists';
import { LoadError, Loading, Page, Section } from '../components/Page';
import { formatDateTime } from '../display';
import { INCIDENT_DASHBOARD, SEVERITIES, type IncidentDashboard } from '../oversight-api';
import { Link } from '../router';
import { format, strings } from '../strings';
import { useApi } from '../useApi';

/**
 * The Cloud Office's incident dashboard (issue 7, item 6): open incidents by severity, how long
 * reports took, what is overdue, breaches by organization over the last year, and incidents by
 * month. Each chart is drawn by recharts as SVG (its styles go through the DOM, which the
 * Content-Security-Policy allows) and comes with a sentence and a table of the same figures, so
 * that nothing depends on seeing the picture. This page is loaded on its own (see App.tsx), so the
 * chart library is fetched only by those who open it.
 */

/** Colours distinguishable from one another and against white; the tables carry the meaning. */
const SERIES_COLOURS = [
  '#1d4f91',
  '#b35c00',
  '#2e8540',
  '#6f2da8',
  '#b10e1e',
  '#00708a',
  '#7a5c00',
  '#d4351c',
  '#484949',
  '#912b88',
];
const SEVERITY_COLOURS: Record<string, string> = {
  low: '#505a5f',
  medium: '#b35c00',
  high: '#d4351c',
  critical: '#7a0912',
};
const CHART_HEIGHT = 260;
const AXIS_TICK = { fontSize: 13 };

const monthFormat = new Intl.DateTimeFormat(strings.locale, {
  month: 'short',
  year: 'numeric',
  timeZone: 'UTC',
});

/** A month given as YYYY-MM, as people write it ("Mar 2026"). */
function monthName(month: string): string {
  const time = new Date(`${month}-01T00:00:00Z`);
  return Number.isNaN(time.getTime()) ? month : monthFormat.format(time);
}

/** A chart with its caption: the picture for those who see it, a sentence for those who do not. */
function Chart({ id, summary, children }: { id: string; summary: string; children: ReactNode }) {
  return (
    <figure className="chart" id={id}>
      {/* One image to assistive technology, named by the sentence; the table below has the rest. */}
      <div className="chart-picture" role="img" aria-label={summary}>
        {children}
      </div>
      <figcaption className="secondary-text">{summary}</figcaption>
    </figure>
  );
}

/** The props every chart shares: its size, and no keyboard layer (the table serves keyboards). */
const CHART_PROPS = {
  responsive: true,
  accessibilityLayer: false,
  style: { width: '100%', height: CHART_HEIGHT },
  margin: { top: 10, right: 16, bottom: 5, left: 0 },
} as const;

/** `/incident-dashboard`: for officers of the Cloud Office. */
export function IncidentDashboardPage() {
  const dashboard = useApi<IncidentDashboard>(INCIDENT_DASHBOARD);
  const data = dashboard.data;
  return (
    <Page title={strings.incidentDashboardTitle} intro={strings.incidentDashboardIntro}>
      {dashboard.error ? (
        <LoadError detail={dashboard.error.detail} onRetry={dashboard.reload} />
      ) : !data ? (
        <Loading />
      ) : (
        <>
          <p className="secondary-text">
            {format(strings.incidentDashboardGenerated, { at: formatDateTime(data.generatedAt) })}{' '}
            <button
              type="button"
              className="button button-secondary button-small"
              onClick={dashboard.reload}
            >
              {strings.incidentDashboardRefresh}
            </button>
          </p>
          <OpenBySeverity data={data} />
          <Overdue data={data} />
          <ReportingDelays data={data} />
          <IncidentsByMonth data={data} />
          <BreachesByOrganization data={data} />
        </>
      )}
    </Page>
  );
}

function OpenBySeverity({ data }: { data: IncidentDashboard }) {
  const rows = SEVERITIES.map((severity) => ({
    key: severity,
    name: strings.breachSeverities[severity],
    count: data.openBySeverity[severity],
  }));
  const total = rows.reduce((sum, row) => sum + row.count, 0);
  const summary = format(strings.incidentDashboardOpenSummary, {
    total: String(total),
    parts: rows.map((row) => `${row.name} ${String(row.count)}`).join(', '),
  });
  return (
    <Section
      id="dashboard-open"
      className="panel dashboard-section"
      title={strings.incidentDashboardOpenHeading}
    >
      <div className="chart-with-table">
        <Chart id="chart-open" summary={summary}>
          <BarChart data={rows} {...CHART_PROPS}>
            <CartesianGrid strokeDasharray="3 3" vertical={false} />
            <XAxis dataKey="name" tick={AXIS_TICK} interval={0} />
            <YAxis allowDecimals={false} tick={AXIS_TICK} width={40} />
            <Tooltip />
            <Bar
              dataKey="count"
              name={strings.incidentDashboardCount}
              isAnimationActive={false}
              shape={(bar: BarShapeProps) => (
                <Rectangle {...bar} fill={SEVERITY_COLOURS[rows[bar.index]?.key ?? 'low']} />
              )}
            />
          </BarChart>
        </Chart>
        <DataTable
          label={strings.incidentDashboardOpenHeading}
          columns={[strings.breachSeverityLabel, strings.incidentDashboardOpenCount]}
        >
          {rows.map((row) => (
            <tr key={row.key}>
              <th scope="row">{row.name}</th>
              <td className="number">{String(row.count)}</td>
            </tr>
          ))}
          <tr>
            <th scope="row">{strings.incidentDashboardTotal}</th>
            <td className="number">{String(total)}</td>
          </tr>
        </DataTable>
      </div>
      <p>
        <Link to="/incidents">{strings.incidentDashboardSeeIncidents}</Link>
      </p>
    </Section>
  );
}

/**
 * Counts as bars across, so that their names have room to be read; `everyName` keeps recharts
 * from leaving out names it finds crowded.
 */
function CountBars({
  rows,
  series,
  colour,
  nameWidth,
  everyName = false,
}: {
  rows: readonly { name: string; count: number }[];
  series: string;
  colour: string | undefined;
  nameWidth: number;
  everyName?: boolean;
}) {
  return (
    <BarChart data={rows} layout="vertical" {...CHART_PROPS}>
      <CartesianGrid strokeDasharray="3 3" horizontal={false} />
      <XAxis type="number" allowDecimals={false} tick={AXIS_TICK} />
      <YAxis
        type="category"
        dataKey="name"
        tick={AXIS_TICK}
        width={nameWidth}
        {...(everyName && { interval: 0 })}
      />
      <Tooltip />
      <Bar dataKey="count" name={series} fill={colour} isAnimationActive={false} />
    </BarChart>
  );
}

function ReportingDelays({ data }: { data: IncidentDashboard }) {
  const rows = data.reportingDelays.map((bucket) => ({ name: bucket.label, count: bucket.count }));
  const summary =
    rows.length === 0
      ? strings.incidentDashboardNoData
      : format(strings.incidentDashboardDelaysSummary, {
          parts: rows.map((row) => `${row.name}: ${String(row.count)}`).join(', '),
        });
  return (
    <Section
      id="dashboard-delays"
      className="panel dashboard-section"
      title={strings.incidentDashboardDelaysHeading}
    >
      <p>{strings.incidentDashboardDelaysIntro}</p>
      <div className="chart-with-table">
        <Chart id="chart-delays" summary={summary}>
          <CountBars
            rows={rows}
            series={strings.incidentDashboardReports}
            colour={SERIES_COLOURS[0]}
            nameWidth={120}
            everyName
          />
        </Chart>
        <DataTable
          label={strings.incidentDashboardDelaysHeading}
          columns={[strings.incidentDashboardDelay, strings.incidentDashboardReports]}
        >
          {rows.map((row) => (
            <tr key={row.name}>
              <th scope="row">{row.name}</th>
              <td className="number">{String(row.count)}</td>
            </tr>
          ))}
        </DataTable>
      </div>
    </Section>
  );
}

function Overdue({ data }: { data: IncidentDashboard }) {
  const rows = [
    {
      key: 'requests',
      name: strings.incidentDashboardOverdueRequests,
      count: data.overdue.requests,
      to: '/report-requests',
    },
    {
      key: 'actions',
      name: strings.incidentDashboardOverdueActions,
      count: data.overdue.actions,
      to: '/response-actions',
    },
    {
      key: 'updates',
      name: strings.incidentDashboardOverdueUpdates,
      count: data.overdue.updates,
      to: '/incidents',
    },
  ];
  const summary = format(strings.incidentDashboardOverdueSummary, {
    requests: String(data.overdue.requests),
    actions: String(data.overdue.actions),
    updates: String(data.overdue.updates),
  });
  return (
    <Section
      id="dashboard-overdue"
      className="panel dashboard-section"
      title={strings.incidentDashboardOverdueHeading}
    >
      <div className="chart-with-table">
        <Chart id="chart-overdue" summary={summary}>
          <CountBars
            rows={rows}
            series={strings.incidentDashboardCount}
            colour={SERIES_COLOURS[1]}
            nameWidth={150}
          />
        </Chart>
        <DataTable
          label={strings.incidentDashboardOverdueHeading}
          columns={[strings.incidentDashboardWhat, strings.incidentDashboardCount]}
        >
          {rows.map((row) => (
            <tr key={row.key}>
              <th scope="row">
                <Link to={row.to}>{row.name}</Link>
              </th>
              <td className="number">{String(row.count)}</td>
            </tr>
          ))}
        </DataTable>
      </div>
    </Section>
  );
}

function IncidentsByMonth({ data }: { data: IncidentDashboard }) {
  const rows = data.incidentsByMonth.map((entry) => ({
    month: entry.month,
    name: monthName(entry.month),
    // Drawn stacked: on time and late add up to the month's reports.
    onTime: entry.reported - entry.late,
    late: entry.late,
    reported: entry.reported,
  }));
  const reported = rows.reduce((sum, row) => sum + row.reported, 0);
  const late = rows.reduce((sum, row) => sum + row.late, 0);
  const summary =
    rows.length === 0
      ? strings.incidentDashboardNoData
      : format(strings.incidentDashboardMonthsSummary, {
          reported: String(reported),
          late: String(late),
          months: String(rows.length),
        });
  return (
    <Section
      id="dashboard-months"
      className="panel dashboard-section"
      title={strings.incidentDashboardMonthsHeading}
    >
      <div className="chart-with-table">
        <Chart id="chart-months" summary={summary}>
          <BarChart data={rows} {...CHART_PROPS}>
            <CartesianGrid strokeDasharray="3 3" vertical={false} />
            <XAxis dataKey="name" tick={AXIS_TICK} interval="preserveStartEnd" />
            <YAxis allowDecimals={false} tick={AXIS_TICK} width={40} />
            <Tooltip />
            <Legend />
            <Bar
              dataKey="onTime"
              stackId="reports"
              name={strings.incidentDashboardOnTime}
              fill={SERIES_COLOURS[0]}
              isAnimationActive={false}
            />
            <Bar
              dataKey="late"
              stackId="reports"
              name={strings.incidentDashboardLate}
              fill={SERIES_COLOURS[4]}
              isAnimationActive={false}
            />
          </BarChart>
        </Chart>
        <DataTable
          label={strings.incidentDashboardMonthsHeading}
          columns={[
            strings.incidentDashboardMonth,
            strings.incidentDashboardReported,
            strings.incidentDashboardLate,
          ]}
        >
          {rows.map((row) => (
            <tr key={row.month}>
              <th scope="row">{row.name}</th>
              <td className="number">{String(row.reported)}</td>
              <td className="number">{String(row.late)}</td>
            </tr>
          ))}
        </DataTable>
      </div>
    </Section>
  );
}

function BreachesByOrganization({ data }: { data: IncidentDashboard }) {
  const organizations = data.breachesByOrganization;
  const months = [
    ...new Set(organizations.flatMap((entry) => entry.months.map((month) => month.month))),
  ].sort();
  const countOf = (index: number, month: string) =>
    organizations[index]?.months.find((entry) => entry.month === month)?.count ?? 0;
  // One row a month, one column (`o0`, `o1`…) an organization: recharts stacks by data key.
  const rows = months.map((month) => {
    const row: Record<string, string | number> = { name: monthName(month) };
    organizations.forEach((_, index) => (row[`o${String(index)}`] = countOf(index, month)));
    return row;
  });
  const totals = organizations.map((entry) => ({
    name: entry.organization.name,
    total: entry.months.reduce((sum, month) => sum + month.count, 0),
  }));
  const summary =
    organizations.length === 0
      ? strings.incidentDashboardNoBreaches
      : format(strings.incidentDashboardBreachesSummary, {
          parts: totals.map((entry) => `${entry.name} ${String(entry.total)}`).join(', '),
        });
  return (
    <Section id="dashboard-breaches" title={strings.incidentDashboardBreachesHeading}>
      <p>{strings.incidentDashboardBreachesIntro}</p>
      {organizations.length === 0 ? (
        <p>{strings.incidentDashboardNoBreaches}</p>
      ) : (
        <>
          <Chart id="chart-breaches" summary={summary}>
            <BarChart data={rows} {...CHART_PROPS}>
              <CartesianGrid strokeDasharray="3 3" vertical={false} />
              <XAxis dataKey="name" tick={AXIS_TICK} interval="preserveStartEnd" />
              <YAxis allowDecimals={false} tick={AXIS_TICK} width={40} />
              <Tooltip />
              <Legend />
              {organizations.map((entry, index) => (
                <Bar
                  key={entry.organization.id}
                  dataKey={`o${String(index)}`}
                  stackId="breaches"
                  name={entry.organization.name}
                  fill={SERIES_COLOURS[index % SERIES_COLOURS.length]}
                  isAnimationActive={false}
                />
              ))}
            </BarChart>
          </Chart>
          <DataTable
            label={strings.incidentDashboardBreachesHeading}
            columns={[
              strings.organizationLabel,
              ...months.map(monthName),
              strings.incidentDashboardTotal,
            ]}
          >
            {organizations.map((entry, index) => (
              <tr key={entry.organization.id}>
                <th scope="row">
                  <Link to={`/breaches?organizationId=${entry.organization.id}`}>
                    {entry.organization.name}
                  </Link>
                </th>
                {months.map((month) => (
                  <td key={month} className="number">
                    {String(countOf(index, month))}
                  </td>
                ))}
                <td className="number">{String(totals[index]?.total ?? 0)}</td>
              </tr>
            ))}
          </DataTable>
        </>
      )}
    </Section>
  );
}
