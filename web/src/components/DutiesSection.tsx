import { OBLIGATIONS, type DutyCheck, type ObligationsInForce } from '../oversight-api';
import { format, strings } from '../strings';
import { useApi } from '../useApi';
import { DataTable } from './lists';
import { LoadError, Loading, Section } from './Page';

/**
 * The duties in force (issue 7, item 1), on the public policy page: who each binds, its words, its
 * clause and how it is checked; the reporting deadlines; the escalation ladder for an overdue
 * request; and the severity matrix. All of it is policy data from GET /api/v1/obligations.
 */

const plural = new Intl.PluralRules(strings.locale);

/** "1 hour", "24 hours". */
function hours(count: number): string {
  return format(plural.select(count) === 'one' ? strings.dutiesHour : strings.dutiesHours, {
    count: String(count),
  });
}

/** "1 day", "30 days". */
function days(count: number): string {
  return format(plural.select(count) === 'one' ? strings.dutiesDay : strings.dutiesDays, {
    count: String(count),
  });
}

/** How a duty is measured, in words. */
function checkWords(check: DutyCheck | null): string {
  if (!check) return strings.dutiesCheckNone;
  if (check.kind === 'critical_findings_fixed_within') {
    return format(strings.dutiesCheckFindings, {
      days: days(check.days),
      severities: check.severities.map((s) => strings.dutiesFindingSeverities[s] ?? s).join(', '),
    });
  }
  return strings.dutiesChecks[check.kind] ?? check.kind;
}

/** `classes`: the data classes of the policy pack, to name the rows of the severity matrix. */
export function DutiesSection({ classes }: { classes: readonly { code: string; name: string }[] }) {
  const loaded = useApi<ObligationsInForce>(OBLIGATIONS);
  const record = loaded.data;
  const postTitle = (code: string) => record?.postTitles[code] ?? code;
  return (
    <Section id="policy-duties" title={strings.dutiesHeading}>
      {loaded.error ? (
        <LoadError detail={loaded.error.detail} onRetry={loaded.reload} />
      ) : !record ? (
        <Loading />
      ) : (
        <DutiesView
          record={record}
          postTitle={postTitle}
          className={(code) => classes.find((c) => c.code === code)?.name ?? code}
        />
      )}
    </Section>
  );
}

function DutiesView({
  record,
  postTitle,
  className,
}: {
  record: ObligationsInForce;
  postTitle: (code: string) => string;
  className: (code: string) => string;
}) {
  const { duties, reporting, escalation, severity } = record.obligations;
  // The data classes of each impact tier, for the rows of the matrix.
  const tiers = severity.cells.map((_, index) =>
    Object.entries(severity.classImpact)
      .filter(([, tier]) => tier === index + 1)
      .map(([code]) => className(code)),
  );
  return (
    <>
      <p>{format(strings.dutiesIntro, { version: String(record.policyVersion) })}</p>
      {duties.length === 0 ? (
        <p>{strings.dutiesNone}</p>
      ) : (
        <DataTable
          label={strings.dutiesTableLabel}
          columns={[
            strings.dutiesParty,
            strings.dutiesDuty,
            strings.policyClauseLabel,
            strings.dutiesCheck,
          ]}
        >
          {duties.map((duty) => (
            <tr key={duty.code}>
              <td>{strings.dutiesParties[duty.party] ?? duty.party}</td>
              <th scope="row" className="statement">
                {duty.text}
              </th>
              <td className="secondary-text">{duty.clause}</td>
              <td>{checkWords(duty.check)}</td>
            </tr>
          ))}
        </DataTable>
      )}

      <h4>{strings.dutiesReportingHeading}</h4>
      <dl className="facts facts-wide" id="duties-reporting">
        <dt>{strings.dutiesInitialNotice}</dt>
        <dd>
          {format(strings.dutiesHoursAfterDiscovery, {
            hours: hours(reporting.initialNoticeHours),
          })}
        </dd>
        <dt>{strings.dutiesUpdates}</dt>
        <dd>{format(strings.dutiesUpdatesEvery, { hours: hours(reporting.updateEveryHours) })}</dd>
        <dt>{strings.dutiesFinalReport}</dt>
        <dd>{format(strings.dutiesFinalWithin, { days: days(reporting.finalReportDays) })}</dd>
        <dt>{strings.dutiesPersonalData}</dt>
        <dd>
          {format(strings.dutiesHoursAfterDiscovery, {
            hours: hours(reporting.personalDataHours),
          })}
        </dd>
        <dt>{strings.dutiesLevelNotice}</dt>
        <dd>
          {strings.dutiesLevelNoticeRules[reporting.levelNotice] ?? reporting.levelNotice}{' '}
          {reporting.levelNotice !== 'duty_only' &&
            format(strings.dutiesLevelNoticeParameter, {
              parameter: reporting.levelNoticeParameter ?? 'co-brr-1_prm_1',
            })}
        </dd>
      </dl>

      <h4>{strings.dutiesEscalationHeading}</h4>
      {escalation.length === 0 ? (
        <p>{strings.dutiesEscalationNone}</p>
      ) : (
        <>
          <p>{strings.dutiesEscalationIntro}</p>
          <ol id="duties-escalation">
            {escalation.map((step, index) => (
              <li key={`${step.post}-${String(index)}`}>
                {format(
                  index === 0 ? strings.dutiesEscalationFirst : strings.dutiesEscalationNext,
                  { post: postTitle(step.post), hours: hours(step.afterHours) },
                )}
              </li>
            ))}
          </ol>
        </>
      )}

      <h4>{strings.dutiesSeverityHeading}</h4>
      <p>{strings.dutiesSeverityIntro}</p>
      <DataTable
        label={strings.dutiesSeverityHeading}
        columns={[
          strings.dutiesImpactTier,
          ...severity.scale.map((band) => format(strings.dutiesScaleBand, { label: band.label })),
        ]}
      >
        {severity.cells.map((row, index) => (
          <tr key={index}>
            <th scope="row">
              {format(strings.dutiesTier, { tier: String(index + 1) })}
              <span className="block secondary-text">
                {(tiers[index] ?? []).length > 0 ? (tiers[index] ?? []).join(', ') : strings.none}
              </span>
            </th>
            {row.map((cell, band) => (
              <td key={band}>{strings.breachSeverities[cell]}</td>
            ))}
          </tr>
        ))}
      </DataTable>
      <ul>
        <li>{format(strings.dutiesUnknownImpact, { tier: String(severity.unknownImpact) })}</li>
        <li>
          {format(strings.dutiesUnknownScale, {
            label: severity.scale[severity.unknownScale]?.label ?? String(severity.unknownScale),
          })}
        </li>
        <li>
          {format(strings.dutiesPersonalDataAtLeast, {
            severity: strings.breachSeverities[severity.personalDataAtLeast],
          })}
        </li>
      </ul>
    </>
  );
}
