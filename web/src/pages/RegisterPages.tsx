import { useState } from 'react';
import { withQuery, type LevelSummary } from '../api';
import { SelectField, TextField, useFields } from '../components/forms';
import { DataTable, Tag } from '../components/lists';
import { LoadError, Loading, Page, Section } from '../components/Page';
import {
  EmptyNotice,
  FilterBar,
  PagedResults,
  unfiltered,
  type PagedSearch,
} from '../components/search';
import { countryList, countryName } from '../countries';
import { formatDateTime, formatDay } from '../display';
import {
  DEPLOYMENT_MODELS,
  REGISTER_STATUSES,
  SERVICE_MODELS,
  type RegisterDetail,
  type RegisterEntry,
  type RegisterList,
  type RegisterStatus,
} from '../offerings-api';
import { Link } from '../router';
import { format, strings } from '../strings';
import { useApi } from '../useApi';
import { NotFoundPage } from './NotFoundPage';

/**
 * The public register of accredited cloud offerings (issue 5): anyone, without signing in, finds
 * which offerings are accredited at which level, until when, and where they keep data; suspended,
 * revoked and expired accreditations stay listed, and say so.
 */

const REGISTER = '/api/v1/register';
const PAGE_SIZE = 25;

const registerPath = (offeringId: string) => `${REGISTER}/${encodeURIComponent(offeringId)}`;

export function registerStatusTag(status: RegisterStatus) {
  const tone =
    status === 'accredited'
      ? 'good'
      : status === 'suspended'
        ? 'warning'
        : status === 'revoked'
          ? 'bad'
          : 'neutral';
  return <Tag tone={tone}>{strings.registerStatuses[status]}</Tag>;
}

interface RegisterFilter extends Record<string, string> {
  level: string;
  serviceModel: string;
  deploymentModel: string;
  residency: string;
  status: string;
  q: string;
  sort: string;
}

const NO_FILTER: RegisterFilter = {
  level: '',
  serviceModel: '',
  deploymentModel: '',
  residency: '',
  status: '',
  q: '',
  sort: 'name',
};

const queryOf = (filter: RegisterFilter) => ({ ...filter, q: filter.q.trim() });

/** `/register`: the register, filtered, a page at a time, with the same list as CSV and JSON. */
export function RegisterPage() {
  const search = useFields<RegisterFilter>(NO_FILTER);
  const [applied, setApplied] = useState<RegisterFilter>(NO_FILTER);
  const [offset, setOffset] = useState(0);
  const list = useApi<RegisterList>(REGISTER, { ...queryOf(applied), limit: PAGE_SIZE, offset });
  const levels = useApi<{ items: LevelSummary[] }>('/api/v1/levels');
  const shown = list.data ?? list.latest;
  const paged: PagedSearch<RegisterEntry, RegisterFilter> = {
    search,
    list,
    shown,
    offset,
    setOffset,
    pageSize: PAGE_SIZE,
    apply: () => {
      setApplied(search.values);
      setOffset(0);
    },
    applied,
  };
  const home = shown?.residencyCountry;
  const homeName = home ? countryName(home) : strings.registerHomeCountry;
  const option = (value: string, label: string) => ({ value, label });
  const form = 'register-filter';

  return (
    <Page title={strings.registerTitle} intro={strings.registerIntro}>
      <FilterBar
        label={strings.registerSearchLabel}
        submitLabel={strings.search}
        onApply={paged.apply}
      >
        <TextField
          form={form}
          label={strings.registerNameSearch}
          type="search"
          {...search.bind('q')}
        />
        <SelectField
          form={form}
          label={strings.registerLevel}
          options={[
            option('', strings.registerAnyLevel),
            ...(levels.data?.items ?? []).map((level) => option(level.code, level.title)),
          ]}
          {...search.bind('level')}
        />
        <SelectField
          form={form}
          label={strings.statusLabel}
          options={[
            option('', strings.registerAnyStatus),
            ...REGISTER_STATUSES.map((status) => option(status, strings.registerStatuses[status])),
          ]}
          {...search.bind('status')}
        />
        <SelectField
          form={form}
          label={strings.offeringServiceModel}
          options={[
            option('', strings.offeringAnyModel),
            ...SERVICE_MODELS.map((model) => option(model, strings.serviceModels[model])),
          ]}
          {...search.bind('serviceModel')}
        />
        <SelectField
          form={form}
          label={strings.offeringDeploymentModel}
          options={[
            option('', strings.offeringAnyModel),
            ...DEPLOYMENT_MODELS.map((model) => option(model, strings.deploymentModels[model])),
          ]}
          {...search.bind('deploymentModel')}
        />
        <SelectField
          form={form}
          label={strings.registerResidency}
          options={[
            option('', strings.registerAnyResidency),
            option('in_country', format(strings.registerInCountry, { country: homeName })),
            option('outside', format(strings.registerOutside, { country: homeName })),
          ]}
          {...search.bind('residency')}
        />
        <SelectField
          form={form}
          label={strings.registerSort}
          options={[
            option('name', strings.registerSortName),
            option('provider', strings.registerSortProvider),
            option('level', strings.registerSortLevel),
            option('validUntil', strings.registerSortValidUntil),
            option('decidedOn', strings.registerSortDecidedOn),
          ]}
          {...search.bind('sort')}
        />
      </FilterBar>

      <p className="button-row">
        <a href={withQuery(`${REGISTER}.csv`, queryOf(applied))} download>
          {strings.registerDownloadCsv}
        </a>
        <a href={withQuery(REGISTER, { ...queryOf(applied), limit: 200 })} download>
          {strings.registerDownloadJson}
        </a>
      </p>

      {shown?.total === 0 && unfiltered(applied, NO_FILTER) && (
        <EmptyNotice>{strings.registerEmpty}</EmptyNotice>
      )}
      <PagedResults paged={paged} label={strings.registerTitle}>
        {(items) => (
          <>
            <thead>
              <tr>
                <th scope="col">{strings.registerProvider}</th>
                <th scope="col">{strings.registerOffering}</th>
                <th scope="col">{strings.registerLevel}</th>
                <th scope="col">{strings.statusLabel}</th>
                <th scope="col">{strings.registerValidUntil}</th>
                <th scope="col">{strings.registerCountries}</th>
              </tr>
            </thead>
            <tbody aria-busy={list.loading}>
              {items.map((entry) => (
                <tr key={entry.offeringId}>
                  <td>{entry.providerName}</td>
                  <td>
                    <Link to={`/register/${entry.offeringId}`}>{entry.offeringName}</Link>
                  </td>
                  <td>{entry.level.title}</td>
                  <td>
                    {registerStatusTag(entry.status)}
                    {entry.status === 'suspended' && entry.suspendedFrom && (
                      <span className="block secondary-text">
                        {format(strings.registerSuspendedFrom, {
                          day: formatDay(entry.suspendedFrom),
                        })}
                      </span>
                    )}
                  </td>
                  <td className="nowrap">{formatDay(entry.validUntil)}</td>
                  <td>{countryList(entry.dataCentreCountries)}</td>
                </tr>
              ))}
            </tbody>
          </>
        )}
      </PagedResults>
    </Page>
  );
}

/** What a visitor must know first about an offering that is not (or no longer) accredited. */
function StandingNotice({ entry }: { entry: RegisterDetail }) {
  if (entry.status === 'accredited') return null;
  const last = [...entry.statusHistory].reverse().find((change) => change.status === entry.status);
  const message =
    entry.status === 'suspended'
      ? format(strings.registerSuspendedNotice, {
          day: formatDay(entry.suspendedFrom ?? entry.validFrom),
        })
      : entry.status === 'revoked'
        ? format(strings.registerRevokedNotice, {
            at: last ? formatDateTime(last.at) : strings.registerUnknownDate,
          })
        : format(strings.registerExpiredNotice, { day: formatDay(entry.validUntil) });
  return (
    <div className="notice notice-standing" role="note">
      <p>
        <strong>{message}</strong>
      </p>
      {last?.reason && <p>{format(strings.registerReason, { reason: last.reason })}</p>}
    </div>
  );
}

/** `/register/:offeringId`: one offering's standing, where it keeps data, and who does what. */
export function RegisterEntryPage({ offeringId }: { offeringId: string }) {
  const loaded = useApi<RegisterDetail>(registerPath(offeringId));
  if (loaded.error?.status === 404) return <NotFoundPage record />;
  const entry = loaded.data;
  return (
    <Page
      title={entry ? entry.offeringName : strings.registerTitle}
      heading={
        entry &&
        format(strings.registerEntryHeading, {
          offering: entry.offeringName,
          provider: entry.providerName,
        })
      }
    >
      <p>
        <Link to="/register">{strings.registerBack}</Link>
      </p>
      {loaded.error ? (
        <LoadError detail={loaded.error.detail} onRetry={loaded.reload} />
      ) : !entry ? (
        <Loading />
      ) : (
        <>
          <StandingNotice entry={entry} />
          <Section id="register-standing" title={strings.registerStandingHeading}>
            <dl className="facts facts-wide">
              <dt>{strings.registerProvider}</dt>
              <dd>{entry.providerName}</dd>
              <dt>{strings.registerLevel}</dt>
              <dd>
                <Link to={`/levels/${entry.level.code}`}>{entry.level.title}</Link>
              </dd>
              <dt>{strings.statusLabel}</dt>
              <dd>{registerStatusTag(entry.status)}</dd>
              <dt>{strings.registerDecidedOn}</dt>
              <dd>{formatDay(entry.decidedOn)}</dd>
              <dt>{strings.registerValidity}</dt>
              <dd>
                {format(strings.registerValidityRange, {
                  from: formatDay(entry.validFrom),
                  until: formatDay(entry.validUntil),
                })}
              </dd>
              {entry.suspendedFrom && (
                <>
                  <dt>{strings.registerSuspendedFromLabel}</dt>
                  <dd>{formatDay(entry.suspendedFrom)}</dd>
                </>
              )}
              <dt>{strings.registerAuditFirm}</dt>
              <dd>{entry.auditFirmName ?? strings.none}</dd>
              <dt>{strings.registerOpenConditions}</dt>
              <dd>{String(entry.openConditions)}</dd>
              <dt>{strings.offeringServiceModel}</dt>
              <dd>{strings.serviceModels[entry.serviceModel]}</dd>
              <dt>{strings.offeringDeploymentModel}</dt>
              <dd>{strings.deploymentModels[entry.deploymentModel]}</dd>
              <dt>{strings.offeringDescription}</dt>
              <dd className="statement">{entry.description}</dd>
            </dl>
          </Section>

          <Section id="register-history" title={strings.registerHistoryHeading}>
            {entry.statusHistory.length === 0 ? (
              <p>{strings.registerNoHistory}</p>
            ) : (
              <DataTable
                label={strings.registerHistoryHeading}
                columns={[strings.statusLabel, strings.registerWhen, strings.registerReasonColumn]}
              >
                {entry.statusHistory.map((change, index) => (
                  <tr key={index}>
                    <td>{strings.applicationStatuses[change.status] ?? change.status}</td>
                    <td>{formatDateTime(change.at)}</td>
                    <td>{change.reason ?? ''}</td>
                  </tr>
                ))}
              </DataTable>
            )}
          </Section>

          <Section id="register-locations" title={strings.offeringLocationsHeading}>
            <p>
              {format(strings.registerCustomerDataIn, {
                countries: countryList(entry.customerDataCountries),
              })}
            </p>
            <DataTable
              label={strings.offeringLocationsHeading}
              columns={[strings.offeringCountry, strings.offeringCity, strings.offeringPurpose]}
            >
              {entry.locations.map((location, index) => (
                <tr key={index}>
                  <td>{countryName(location.country)}</td>
                  <td>{location.city}</td>
                  <td>{strings.locationPurposes[location.purpose]}</td>
                </tr>
              ))}
            </DataTable>
          </Section>

          <Section id="register-certifications" title={strings.offeringCertificationsHeading}>
            {entry.certifications.length === 0 ? (
              <p>{strings.offeringNoCertifications}</p>
            ) : (
              <DataTable
                label={strings.offeringCertificationsHeading}
                columns={[
                  strings.offeringScheme,
                  strings.offeringIssuer,
                  strings.offeringExpiresOn,
                ]}
              >
                {entry.certifications.map((certification, index) => (
                  <tr key={index}>
                    <td>
                      {certification.scheme === 'other'
                        ? (certification.name ?? strings.certificationSchemes.other)
                        : strings.certificationSchemes[certification.scheme]}
                    </td>
                    <td>{certification.issuer}</td>
                    <td>
                      {formatDay(certification.expiresOn)}
                      {certification.expired && (
                        <>
                          {' '}
                          <Tag tone="bad">{strings.offeringExpired}</Tag>
                        </>
                      )}
                    </td>
                  </tr>
                ))}
              </DataTable>
            )}
          </Section>

          <Section id="register-responsibility" title={strings.registerResponsibilityHeading}>
            <p>{strings.registerResponsibilityIntro}</p>
            <dl className="facts">
              <dt>{strings.responsibilities.provider}</dt>
              <dd>{String(entry.responsibility.provider)}</dd>
              <dt>{strings.responsibilities.shared}</dt>
              <dd>{String(entry.responsibility.shared)}</dd>
              <dt>{strings.responsibilities.customer}</dt>
              <dd>{String(entry.responsibility.customer)}</dd>
              <dt>{strings.responseStatuses.not_applicable}</dt>
              <dd>{String(entry.responsibility.notApplicable)}</dd>
            </dl>
            {entry.responsibility.customerResponsibilities.length > 0 && (
              <>
                <h4>{strings.registerCustomerDuties}</h4>
                <DataTable
                  label={strings.registerCustomerDuties}
                  columns={[strings.registerControl, strings.registerCustomerDuty]}
                >
                  {entry.responsibility.customerResponsibilities.map((duty) => (
                    <tr key={duty.controlId}>
                      <td className="nowrap">{duty.controlId}</td>
                      <td className="statement">{duty.text}</td>
                    </tr>
                  ))}
                </DataTable>
              </>
            )}
            <p>
              <a href={`${registerPath(entry.offeringId)}/component-definition.json`} download>
                {strings.registerDownloadComponentDefinition}
              </a>
            </p>
          </Section>
        </>
      )}
    </Page>
  );
}
