import { useState } from 'react';
import { hasPower, isOfficeStaff, may } from '../access';
import { api, type Me, type Organization, type Page as ListPage, type User } from '../api';
import {
  SelectField,
  SubmitForm,
  TextAreaField,
  TextField,
  missing,
  useFields,
  useSubmit,
  optionsWithBlank,
} from '../components/forms';
import { DataTable, Fact } from '../components/lists';
import { FormPanel, LoadedRecord, Page, Section, StatusMessage } from '../components/Page';
import { BreachStatusTag, DueDate, SeverityTag } from '../components/incidents';
import {
  CsvLink,
  EmptyNotice,
  FilterBar,
  PagedResults,
  unfiltered,
  usePagedSearch,
} from '../components/search';
import { formatDateTime } from '../display';
import {
  BREACHES,
  BREACH_SOURCES,
  BREACH_STATUSES,
  OBLIGATIONS,
  SEVERITIES,
  breachPath,
  type BreachDetail,
  type BreachSummary,
  type DutyCheckResult,
  type IncidentChoice,
  type ObligationsInForce,
  type UserRef,
} from '../oversight-api';
import { INCIDENTS, localToInstant } from '../incidents-api';
import { Link, navigate, useSearchParams } from '../router';
import { useMe } from '../session';
import { format, strings } from '../strings';
import { useApi } from '../useApi';
import { NotFoundPage } from './NotFoundPage';

/**
 * Breaches of duty (issue 7, item 2): the duty check opens them, officers record others by hand
 * and follow each one up (status, severity, owner, resolution, the incident it belongs to). An
 * organization sees its own breaches; the server filters, and refuses what the user may not do.
 */

const PAGE_SIZE = 25;
const MAX_LIST = 200;

/** May record breaches and change them (manage_incidents). */
function mayManage(me: Me): boolean {
  return hasPower(me, 'manage_incidents');
}

/** Duty texts by code, from the obligations in force (the code until they load). */
function useDutyTexts(): {
  texts: (code: string) => string;
  loaded: ObligationsInForce | undefined;
} {
  const obligations = useApi<ObligationsInForce>(OBLIGATIONS);
  const duties = obligations.data?.obligations.duties ?? [];
  return {
    texts: (code) => duties.find((duty) => duty.code === code)?.text ?? code,
    loaded: obligations.data,
  };
}

function ownerName(owner: UserRef): string {
  return owner ? owner.name : strings.breachNoOwner;
}

/** The CSPs and public bodies a breach may be recorded against, by name. */
function useOrganizationChoices(enabled: boolean): { value: string; label: string }[] {
  const query = { status: 'active', limit: MAX_LIST };
  const csps = useApi<ListPage<Organization>>(enabled ? '/api/v1/organizations' : null, {
    ...query,
    kind: 'csp',
  });
  const pses = useApi<ListPage<Organization>>(enabled ? '/api/v1/organizations' : null, {
    ...query,
    kind: 'pse',
  });
  return [...(csps.data?.items ?? []), ...(pses.data?.items ?? [])]
    .sort((a, b) => a.name.localeCompare(b.name))
    .map((organization) => ({ value: organization.id, label: organization.name }));
}

/** An organization's incidents, to link a breach to one; none until an organization is chosen. */
function useIncidentChoices(organizationId: string): { value: string; label: string }[] {
  const incidents = useApi<ListPage<IncidentChoice>>(organizationId ? INCIDENTS : null, {
    organizationId,
    limit: MAX_LIST,
  });
  return [
    { value: '', label: strings.none },
    ...(incidents.data?.items ?? []).map((incident) => ({
      value: incident.id,
      label: format(strings.breachIncidentChoice, {
        title: incident.title,
        at: formatDateTime(incident.reportedAt),
      }),
    })),
  ];
}

interface BreachFilter extends Record<string, string> {
  status: string;
  severity: string;
  source: string;
  dutyCode: string;
  organizationId: string;
}

const NO_FILTER: BreachFilter = {
  status: '',
  severity: '',
  source: '',
  dutyCode: '',
  organizationId: '',
};

/** `/breaches`: officers see every organization's breaches, an organization its own. */
export function BreachesPage() {
  const me = useMe();
  const officer = isOfficeStaff(me);
  const duties = useDutyTexts();
  const organizations = useOrganizationChoices(officer);
  // A link may name a filter, such as the dashboard's to one organization's breaches.
  const params = useSearchParams();
  const [initial] = useState<BreachFilter>(() => ({
    status: params.get('status') ?? '',
    severity: params.get('severity') ?? '',
    source: params.get('source') ?? '',
    dutyCode: params.get('dutyCode') ?? '',
    organizationId: params.get('organizationId') ?? '',
  }));
  const paged = usePagedSearch<BreachSummary, BreachFilter>(
    BREACHES,
    initial,
    (applied) => applied,
    PAGE_SIZE,
  );
  const empty = paged.shown?.total === 0 && unfiltered(paged.search.values, NO_FILTER);
  const option = (value: string, label: string) => ({ value, label });
  return (
    <Page
      title={strings.breachesTitle}
      intro={officer ? strings.breachesIntroOffice : strings.breachesIntroOrganization}
    >
      {mayManage(me) && (
        <>
          <RecordBreach dutyChoices={duties.loaded} organizations={organizations} />
          <RunDutyCheck onChecked={paged.list.reload} />
        </>
      )}
      <FilterBar label={strings.breachesTitle} submitLabel={strings.show} onApply={paged.apply}>
        <SelectField
          form="breach-filter"
          label={strings.breachStatus}
          options={optionsWithBlank(
            strings.breachAnyStatus,
            BREACH_STATUSES,
            (status) => strings.breachStatuses[status],
          )}
          {...paged.search.bind('status')}
        />
        <SelectField
          form="breach-filter"
          label={strings.breachSeverityLabel}
          options={optionsWithBlank(
            strings.breachAnySeverity,
            SEVERITIES,
            (severity) => strings.breachSeverities[severity],
          )}
          {...paged.search.bind('severity')}
        />
        <SelectField
          form="breach-filter"
          label={strings.breachSource}
          options={optionsWithBlank(
            strings.breachAnySource,
            BREACH_SOURCES,
            (source) => strings.breachSources[source],
          )}
          {...paged.search.bind('source')}
        />
        <SelectField
          form="breach-filter"
          label={strings.breachDuty}
          options={[
            option('', strings.breachAnyDuty),
            ...(duties.loaded?.obligations.duties ?? []).map((duty) =>
              option(duty.code, duty.text),
            ),
          ]}
          {...paged.search.bind('dutyCode')}
        />
        {officer && (
          <SelectField
            form="breach-filter"
            label={strings.organizationLabel}
            options={[option('', strings.breachAnyOrganization), ...organizations]}
            {...paged.search.bind('organizationId')}
          />
        )}
      </FilterBar>
      <CsvLink path={BREACHES} query={paged.applied} label={strings.breachDownloadCsv} />
      {empty && (
        <EmptyNotice>
          {officer ? strings.breachesEmptyOffice : strings.breachesEmptyOrganization}
        </EmptyNotice>
      )}
      <PagedResults paged={paged} label={strings.breachesTitle}>
        {(items) => (
          <>
            <thead>
              <tr>
                <th scope="col">{strings.breachDuty}</th>
                {officer && <th scope="col">{strings.organizationLabel}</th>}
                <th scope="col">{strings.breachSeverityLabel}</th>
                <th scope="col">{strings.breachStatus}</th>
                <th scope="col">{strings.breachDetectedAt}</th>
                <th scope="col">{strings.breachSource}</th>
                <th scope="col">{strings.breachOwner}</th>
              </tr>
            </thead>
            <tbody aria-busy={paged.list.loading}>
              {items.map((breach) => (
                <tr key={breach.id}>
                  <td>
                    <Link to={`/breaches/${breach.id}`}>{duties.texts(breach.dutyCode)}</Link>
                  </td>
                  {officer && <td>{breach.organization.name}</td>}
                  <td>
                    <SeverityTag severity={breach.severity} />
                  </td>
                  <td>
                    <BreachStatusTag status={breach.status} />
                  </td>
                  <td className="nowrap">{formatDateTime(breach.detectedAt)}</td>
                  <td>{strings.breachSources[breach.source]}</td>
                  <td>{ownerName(breach.owner)}</td>
                </tr>
              ))}
            </tbody>
          </>
        )}
      </PagedResults>
    </Page>
  );
}

/** Runs the duty check now rather than at the next hour, and says what it found. */
function RunDutyCheck({ onChecked }: { onChecked: () => void }) {
  const [message, setMessage] = useState<string | null>(null);
  const check = useSubmit();
  return (
    <>
      <StatusMessage message={message} />
      {check.problem && (
        <p className="field-error-message" role="alert">
          {check.problem.detail}
        </p>
      )}
      <p className="button-row">
        <button
          type="button"
          className="button button-secondary"
          aria-disabled={check.busy || undefined}
          onClick={() =>
            void check.run(async () => {
              setMessage(null);
              const result = await api.post<DutyCheckResult>(`${BREACHES}/check`);
              setMessage(
                format(strings.breachCheckDone, {
                  failures: String(result.failures),
                  opened: String(result.opened),
                }),
              );
              onChecked();
            })
          }
        >
          {check.busy ? strings.working : strings.breachCheckRun}
        </button>
      </p>
    </>
  );
}

const RECORD_FORM = 'breach-record';

/** Recording a breach by hand, for a duty an officer judged broken (it opens the breach's page). */
function RecordBreach({
  dutyChoices,
  organizations,
}: {
  dutyChoices: ObligationsInForce | undefined;
  organizations: { value: string; label: string }[];
}) {
  const [open, setOpen] = useState(false);
  const form = useFields({
    organizationId: '',
    dutyCode: '',
    severity: 'medium',
    evidence: '',
    incidentId: '',
    detectedAt: '',
  });
  const incidents = useIncidentChoices(open ? form.values.organizationId : '');
  const submit = useSubmit();
  const problem = submit.problem;
  const labels: Record<string, string> = {
    organizationId: strings.organizationLabel,
    dutyCode: strings.breachDuty,
    severity: strings.breachSeverityLabel,
    evidence: strings.breachEvidence,
    incidentId: strings.breachIncident,
    detectedAt: strings.breachDetectedAt,
  };
  const close = () => {
    setOpen(false);
    window.setTimeout(() => document.getElementById('breach-record-open')?.focus(), 0);
  };
  if (!open) {
    return (
      <p className="button-row">
        <button
          type="button"
          id="breach-record-open"
          className="button"
          onClick={() => setOpen(true)}
        >
          {strings.breachRecordHeading}
        </button>
      </p>
    );
  }
  return (
    <FormPanel id="breach-record" title={strings.breachRecordHeading} level={3}>
      <p>{strings.breachRecordIntro}</p>
      <SubmitForm
        id={RECORD_FORM}
        submit={submit}
        labels={labels}
        submitLabel={strings.breachRecordSubmit}
        actions={
          <button type="button" className="button button-secondary" onClick={close}>
            {strings.cancel}
          </button>
        }
        onSubmit={submit.onSubmit(
          async () => {
            const { values } = form;
            const detectedAt = localToInstant(values.detectedAt);
            const created = await api.post<BreachDetail>(BREACHES, {
              organizationId: values.organizationId,
              dutyCode: values.dutyCode,
              severity: values.severity,
              evidence: values.evidence.trim(),
              ...(values.incidentId && { incidentId: values.incidentId }),
              ...(detectedAt && { detectedAt }),
            });
            navigate(`/breaches/${created.id}`, { flash: strings.breachRecorded });
          },
          () => {
            const fields = missing(form.values, ['organizationId', 'dutyCode', 'evidence']);
            if (form.values.detectedAt && !localToInstant(form.values.detectedAt)) {
              fields.detectedAt = strings.breachDetectedAtInvalid;
            }
            return fields;
          },
        )}
      >
        <SelectField
          form={RECORD_FORM}
          label={labels.organizationId ?? ''}
          options={[{ value: '', label: strings.chooseOne }, ...organizations]}
          error={problem?.fields.organizationId}
          {...form.bind('organizationId')}
        />
        <SelectField
          form={RECORD_FORM}
          label={labels.dutyCode ?? ''}
          options={[
            { value: '', label: strings.chooseOne },
            ...(dutyChoices?.obligations.duties ?? []).map((duty) => ({
              value: duty.code,
              label: duty.text,
            })),
          ]}
          error={problem?.fields.dutyCode}
          {...form.bind('dutyCode')}
        />
        <SelectField
          form={RECORD_FORM}
          label={labels.severity ?? ''}
          options={SEVERITIES.map((severity) => ({
            value: severity,
            label: strings.breachSeverities[severity],
          }))}
          error={problem?.fields.severity}
          {...form.bind('severity')}
        />
        <TextAreaField
          form={RECORD_FORM}
          label={labels.evidence ?? ''}
          hint={strings.breachEvidenceHint}
          rows={5}
          error={problem?.fields.evidence}
          {...form.bind('evidence')}
        />
        <SelectField
          form={RECORD_FORM}
          label={labels.incidentId ?? ''}
          hint={strings.breachIncidentHint}
          optional
          options={incidents}
          error={problem?.fields.incidentId}
          {...form.bind('incidentId')}
        />
        <TextField
          form={RECORD_FORM}
          label={labels.detectedAt ?? ''}
          hint={strings.breachDetectedAtHint}
          optional
          type="datetime-local"
          className="input input-date"
          error={problem?.fields.detectedAt}
          {...form.bind('detectedAt')}
        />
      </SubmitForm>
    </FormPanel>
  );
}

/** Where a breach's subject can be seen, for the kinds the portal has a page for. */
function subjectLink(me: Me, subject: { kind: string; id: string }): string | null {
  switch (subject.kind) {
    case 'offering':
      return may.viewOfferings(me) ? `/offerings/${subject.id}` : `/register/${subject.id}`;
    case 'system':
      return `/systems/${subject.id}`;
    case 'breach_report':
      return `/incidents/${subject.id}`;
    case 'request':
      return `/report-requests/${subject.id}`;
    case 'action':
      return `/response-actions/${subject.id}`;
    default:
      return null;
  }
}

/** `/breaches/:id`: one breach, its evidence and actions, and for officers the form to update it. */
export function BreachPage({ id }: { id: string }) {
  const me = useMe();
  const breach = useApi<BreachDetail>(breachPath(id));
  const [message, setMessage] = useState<string | null>(null);
  if (breach.error?.status === 404) return <NotFoundPage record />;
  const record = breach.data;
  const subjectTo = record?.subject ? subjectLink(me, record.subject) : null;
  return (
    <Page
      title={
        record
          ? format(strings.breachHeading, { organization: record.organization.name })
          : strings.breachTitle
      }
    >
      <p>
        <Link to="/breaches">{strings.breachBackToList}</Link>
      </p>
      <StatusMessage message={message} />
      <LoadedRecord loaded={breach} record={record}>
        {(record) => (
          <>
            <Section id="breach-facts" title={strings.breachFactsHeading}>
              <dl className="facts facts-wide">
                <Fact label={strings.organizationLabel}>{record.organization.name}</Fact>
                <dt>{strings.breachStatus}</dt>
                <dd id="breach-status">
                  <BreachStatusTag status={record.status} />
                </dd>
                <dt>{strings.breachSeverityLabel}</dt>
                <dd id="breach-severity">
                  <SeverityTag severity={record.severity} />
                </dd>
                <Fact label={strings.breachDuty}>
                  {record.dutyText} <code className="identifier">{record.dutyCode}</code>
                </Fact>
                <Fact label={strings.policyClauseLabel} className="statement">
                  {record.clause}
                </Fact>
                <Fact label={strings.breachEvidence} className="statement">
                  {record.evidence}
                </Fact>
                <Fact label={strings.breachDetectedAt}>{formatDateTime(record.detectedAt)}</Fact>
                <Fact label={strings.breachSource}>{strings.breachSources[record.source]}</Fact>
                {record.subject && (
                  <Fact label={strings.breachSubject}>
                    {strings.breachSubjectKinds[record.subject.kind] ?? record.subject.kind}{' '}
                    {subjectTo ? (
                      <Link to={subjectTo}>{strings.breachSubjectOpen}</Link>
                    ) : (
                      <code className="identifier">{record.subject.id}</code>
                    )}
                  </Fact>
                )}
                <Fact label={strings.breachIncident}>
                  {record.incidentId ? (
                    <Link to={`/incidents/${record.incidentId}`}>{strings.breachIncidentOpen}</Link>
                  ) : (
                    strings.none
                  )}
                </Fact>
                <dt>{strings.breachOwner}</dt>
                <dd id="breach-owner">{ownerName(record.owner)}</dd>
                <dt>{strings.breachResolution}</dt>
                <dd className="statement" id="breach-resolution">
                  {record.resolution ?? strings.none}
                </dd>
                {record.resolvedAt && (
                  <Fact label={strings.breachResolvedAt}>{formatDateTime(record.resolvedAt)}</Fact>
                )}
                <Fact label={strings.breachPolicyVersion}>{String(record.policyVersion)}</Fact>
              </dl>
            </Section>
            <Section id="breach-actions" title={strings.breachActionsHeading}>
              {record.actions.length === 0 ? (
                <p>{strings.breachNoActions}</p>
              ) : (
                <DataTable
                  label={strings.breachActionsHeading}
                  columns={[
                    strings.breachActionKind,
                    strings.breachActionDescription,
                    strings.breachStatus,
                    strings.breachActionDue,
                    strings.breachOwner,
                  ]}
                >
                  {record.actions.map((action) => (
                    <tr key={action.id}>
                      <td>
                        <Link to={`/response-actions/${action.id}`}>
                          {strings.breachActionKinds[action.kind] ?? action.kind}
                        </Link>
                      </td>
                      <td className="statement">{action.description}</td>
                      <td>{strings.breachActionStatuses[action.status] ?? action.status}</td>
                      <td className="nowrap">
                        <DueDate at={action.dueAt} overdue={action.overdue} />
                      </td>
                      <td>{ownerName(action.owner)}</td>
                    </tr>
                  ))}
                </DataTable>
              )}
            </Section>
            {record.allowedActions.includes('update') && (
              <UpdateBreach
                key={record.revision}
                breach={record}
                officeId={me.organization.id}
                onDone={() => {
                  setMessage(strings.breachUpdated);
                  breach.reload();
                }}
              />
            )}
          </>
        )}
      </LoadedRecord>
    </Page>
  );
}

const UPDATE_FORM = 'breach-update';

/** Statuses that close the matter and so need a resolution in words. */
const NEEDS_RESOLUTION: readonly string[] = ['remedied', 'closed'];

function UpdateBreach({
  breach,
  officeId,
  onDone,
}: {
  breach: BreachDetail;
  officeId: string;
  onDone: () => void;
}) {
  const officers = useApi<ListPage<User>>('/api/v1/users', {
    organizationId: officeId,
    status: 'active',
    limit: MAX_LIST,
  });
  const initial = {
    status: breach.status as string,
    severity: breach.severity as string,
    ownerUserId: breach.owner?.id ?? '',
    resolution: breach.resolution ?? '',
    incidentId: breach.incidentId ?? '',
  };
  const form = useFields(initial);
  const incidents = useIncidentChoices(breach.organization.id);
  const submit = useSubmit();
  const problem = submit.problem;
  const labels: Record<string, string> = {
    status: strings.breachStatus,
    severity: strings.breachSeverityLabel,
    ownerUserId: strings.breachOwner,
    resolution: strings.breachResolution,
    incidentId: strings.breachIncident,
  };
  const body = (): Record<string, unknown> => {
    const { values } = form;
    const changed: Record<string, unknown> = { revision: breach.revision };
    if (values.status !== initial.status) changed.status = values.status;
    if (values.severity !== initial.severity) changed.severity = values.severity;
    if (values.ownerUserId !== initial.ownerUserId)
      changed.ownerUserId = values.ownerUserId || null;
    if (values.resolution.trim() !== initial.resolution) {
      changed.resolution = values.resolution.trim();
    }
    if (values.incidentId !== initial.incidentId) changed.incidentId = values.incidentId || null;
    return changed;
  };
  return (
    <Section id="breach-update" title={strings.breachUpdateHeading}>
      <SubmitForm
        id={UPDATE_FORM}
        submit={submit}
        labels={labels}
        submitLabel={strings.breachUpdateSubmit}
        onSubmit={submit.onSubmit(
          async () => {
            await api.patch(breachPath(breach.id), body());
            onDone();
          },
          (): Record<string, string> =>
            NEEDS_RESOLUTION.includes(form.values.status) && form.values.resolution.trim() === ''
              ? { resolution: strings.breachResolutionRequired }
              : {},
        )}
      >
        <SelectField
          form={UPDATE_FORM}
          label={labels.status ?? ''}
          options={BREACH_STATUSES.map((status) => ({
            value: status,
            label: strings.breachStatuses[status],
          }))}
          error={problem?.fields.status}
          {...form.bind('status')}
        />
        <SelectField
          form={UPDATE_FORM}
          label={labels.severity ?? ''}
          options={SEVERITIES.map((severity) => ({
            value: severity,
            label: strings.breachSeverities[severity],
          }))}
          error={problem?.fields.severity}
          {...form.bind('severity')}
        />
        <SelectField
          form={UPDATE_FORM}
          label={labels.ownerUserId ?? ''}
          options={[
            { value: '', label: strings.breachNoOwner },
            ...(officers.data?.items ?? []).map((officer) => ({
              value: officer.id,
              label: format(strings.breachOwnerChoice, {
                name: officer.displayName,
                email: officer.email,
              }),
            })),
          ]}
          error={problem?.fields.ownerUserId}
          {...form.bind('ownerUserId')}
        />
        <TextAreaField
          form={UPDATE_FORM}
          label={labels.resolution ?? ''}
          hint={strings.breachResolutionHint}
          rows={4}
          error={problem?.fields.resolution}
          {...form.bind('resolution')}
        />
        <SelectField
          form={UPDATE_FORM}
          label={labels.incidentId ?? ''}
          optional
          options={incidents}
          error={problem?.fields.incidentId}
          {...form.bind('incidentId')}
        />
      </SubmitForm>
    </Section>
  );
}
