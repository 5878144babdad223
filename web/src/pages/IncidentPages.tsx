import { useState, type ReactNode, type SubmitEvent } from 'react';
import { hasPower, isOfficeStaff, may } from '../access';
import { type Me, type Organization, type Page as ListPage, type Query, type User } from '../api';
import {
  CheckboxField,
  CheckboxGroupField,
  FormBehindButton,
  SelectField,
  SubmitForm,
  TextAreaField,
  TextField,
  fieldId,
  missing,
  useFields,
  useSubmit,
  optionsWithBlank,
  type Bound,
} from '../components/forms';
import {
  ActionTable,
  DueAtField,
  DocumentList,
  EvidenceField,
  IncidentListPage,
  IncidentStatusTag,
  OverdueTag,
  RequestTable,
  SeverityTag,
  actionKindName,
  byWhom,
  checkDueAt,
  formatDelay,
  inAWeek,
  YES_NO_ANY,
} from '../components/incidents';
import { DataTable, Fact, Tag } from '../components/lists';
import { FormPanel, LoadedRecord, Page, Section, StatusMessage } from '../components/Page';
import { usePagedSearch } from '../components/search';
import { formatDateTime } from '../display';
import {
  ACTION_KINDS,
  INCIDENTS,
  INCIDENT_STATUSES,
  NEXT_STATUSES,
  SEVERITIES,
  TRANSITION_ACTIONS,
  incidentPath,
  incidentsApi,
  localToInstant,
  type ActionKind,
  type DocRef,
  type IncidentDetail,
  type IncidentStatus,
  type IncidentSummary,
  type RequestDetail,
  type Severity,
  type TimelineEvent,
} from '../incidents-api';
import { withNestedFields, type Offering, type RegisterList } from '../offerings-api';
import { Link, navigate } from '../router';
import { useMe } from '../session';
import { format, strings } from '../strings';
import { POLICY, SYSTEMS, type PolicyVersion, type SystemList } from '../systems-api';
import { useApi } from '../useApi';
import { NotFoundPage } from './NotFoundPage';

/**
 * Data-breach reports (issue 7): any provider or public body reports a breach with a short first
 * form, then adds updates and a final report; officers triage it and move it through its
 * lifecycle, request reports and order response actions from the same page. The server decides
 * what each user may do (`allowedActions`, the powers of the posts held today); the portal only
 * offers what it would accept.
 */

const PAGE_SIZE = 25;
const USERS = '/api/v1/users';
const OFFERINGS = '/api/v1/offerings';
const ORGANIZATIONS = '/api/v1/organizations';

// The list

interface IncidentFilter extends Record<string, string> {
  q: string;
  status: string;
  severity: string;
  late: string;
}

const NO_INCIDENT_FILTER: IncidentFilter = { q: '', status: '', severity: '', late: '' };
const incidentQuery = (filter: IncidentFilter): Query => ({ ...filter, q: filter.q.trim() });

/** `/incidents`: the reports the user may see, newest first, with its CSV twin. */
export function IncidentsPage() {
  const me = useMe();
  const office = isOfficeStaff(me);
  const paged = usePagedSearch<IncidentSummary, IncidentFilter>(
    INCIDENTS,
    NO_INCIDENT_FILTER,
    incidentQuery,
    PAGE_SIZE,
  );
  const { search } = paged;
  const form = 'incident-filter';
  return (
    <IncidentListPage
      title={strings.incListTitle}
      intro={office ? strings.incListIntroOffice : strings.incListIntro}
      start={
        may.reportIncident(me) && (
          <p className="button-row">
            <Link to="/incidents/new" className="button">
              {strings.incReportLink}
            </Link>
          </p>
        )
      }
      searchLabel={strings.incSearchLabel}
      filters={
        <>
          <TextField
            form={form}
            label={strings.incTitleSearch}
            type="search"
            {...search.bind('q')}
          />
          <SelectField
            form={form}
            label={strings.statusLabel}
            options={optionsWithBlank(
              strings.incAnyStatus,
              INCIDENT_STATUSES,
              (status) => strings.incStatuses[status] ?? status,
            )}
            {...search.bind('status')}
          />
          <SelectField
            form={form}
            label={strings.incSeverity}
            options={optionsWithBlank(
              strings.incAnySeverity,
              SEVERITIES,
              (severity) => strings.incSeverities[severity] ?? severity,
            )}
            {...search.bind('severity')}
          />
          <SelectField
            form={form}
            label={strings.incLateFilter}
            options={YES_NO_ANY}
            {...search.bind('late')}
          />
        </>
      }
      paged={paged}
      noFilter={NO_INCIDENT_FILTER}
      csvPath={INCIDENTS}
      csvQuery={incidentQuery}
      empty={office ? strings.incEmptyOffice : strings.incEmpty}
      columns={[
        strings.incTitle,
        ...(office ? [strings.organizationLabel] : []),
        strings.statusLabel,
        strings.incSeverity,
        strings.incReportedAt,
        strings.incDelay,
      ]}
      row={(incident) => (
        <tr>
          <td>
            <Link to={`/incidents/${incident.id}`}>{incident.title}</Link>
          </td>
          {office && <td>{incident.organization.name}</td>}
          <td>
            <IncidentStatusTag status={incident.status} />
          </td>
          <td>
            <SeverityTag severity={incident.severity} />
          </td>
          <td>{formatDateTime(incident.reportedAt)}</td>
          <td>
            {formatDelay(incident.reportingDelaySeconds)}
            {incident.late && (
              <>
                {' '}
                <Tag tone="bad">{strings.incLate}</Tag>
              </>
            )}
          </td>
        </tr>
      )}
    />
  );
}

// Reporting a breach

/** The offerings a reporter may name: a provider its own, a public body those on the register. */
function useOfferingChoices(me: Me): { value: string; label: string }[] {
  const csp = me.organization.kind === 'csp';
  const own = useApi<ListPage<Offering>>(csp ? OFFERINGS : null, {
    organizationId: me.organization.id,
    limit: 200,
  });
  const register = useApi<RegisterList>(csp ? null : '/api/v1/register', {
    limit: 200,
    sort: 'name',
  });
  if (csp) return (own.data?.items ?? []).map((o) => ({ value: o.id, label: o.name }));
  return (register.data?.items ?? []).map((entry) => ({
    value: entry.offeringId,
    label: format(strings.incOfferingChoice, {
      offering: entry.offeringName,
      provider: entry.providerName,
    }),
  }));
}

/** A count typed in a field: a whole number, null when empty, undefined when not a number. */
function countOf(text: string): number | null | undefined {
  const trimmed = text.trim();
  if (trimmed === '') return null;
  return /^\d+$/.test(trimmed) ? Number(trimmed) : undefined;
}

/** `/incidents/new`: the short first form of a data-breach report. */
export function NewIncidentPage() {
  const me = useMe();
  const pse = me.organization.kind === 'pse';
  const systems = useApi<SystemList>(pse ? SYSTEMS : null, { status: 'active', limit: 200 });
  const policy = useApi<PolicyVersion>(POLICY);
  const offerings = useOfferingChoices(me);
  const fields = useFields({
    title: '',
    description: '',
    discoveredAt: '',
    recordsAffected: '',
    peopleAffected: '',
    'contact-name': me.displayName,
    'contact-email': me.email,
    'contact-phone': '',
  });
  const [personalData, setPersonalData] = useState(false);
  const [systemIds, setSystemIds] = useState<string[]>([]);
  const [offeringIds, setOfferingIds] = useState<string[]>([]);
  const [dataClasses, setDataClasses] = useState<string[]>([]);
  const [documents, setDocuments] = useState<DocRef[]>([]);
  const submit = useSubmit();
  const problem = submit.problem;
  const form = 'incident';
  const labels: Record<string, string> = {
    title: strings.incTitle,
    description: strings.incDescription,
    discoveredAt: strings.incDiscoveredAt,
    systemIds: strings.incSystems,
    offeringIds: strings.incOfferings,
    dataClasses: strings.incDataClasses,
    personalData: strings.incPersonalData,
    recordsAffected: strings.incRecordsAffected,
    peopleAffected: strings.incPeopleAffected,
    contact: strings.incContact,
    'contact-name': strings.incContactName,
    'contact-email': strings.incContactEmail,
    'contact-phone': strings.incContactPhone,
    documentIds: strings.incEvidence,
  };

  const check = () => {
    const { values } = fields;
    const found = missing(values, [
      'title',
      'description',
      'discoveredAt',
      'contact-name',
      'contact-email',
    ]);
    if (values.discoveredAt && !localToInstant(values.discoveredAt)) {
      found.discoveredAt = strings.incDateTimeInvalid;
    }
    for (const name of ['recordsAffected', 'peopleAffected'] as const) {
      if (countOf(values[name]) === undefined) found[name] = strings.incCountInvalid;
    }
    return found;
  };

  const send = async () => {
    const { values } = fields;
    const phone = values['contact-phone'].trim();
    try {
      const created = await incidentsApi.report({
        title: values.title.trim(),
        description: values.description.trim(),
        discoveredAt: localToInstant(values.discoveredAt),
        systemIds,
        offeringIds,
        dataClasses,
        personalData,
        recordsAffected: countOf(values.recordsAffected) ?? null,
        peopleAffected: countOf(values.peopleAffected) ?? null,
        contact: {
          name: values['contact-name'].trim(),
          email: values['contact-email'].trim(),
          ...(phone && { phone }),
        },
        documentIds: documents.map((document) => document.id),
      });
      navigate(`/incidents/${created.id}`, {
        flash: created.late ? strings.incReportedLate : strings.incReported,
      });
    } catch (error) {
      throw withNestedFields(error);
    }
  };

  return (
    <Page title={strings.incNewTitle} intro={strings.incNewIntro}>
      <SubmitForm
        id={form}
        submit={submit}
        labels={labels}
        submitLabel={strings.incReportSubmit}
        onSubmit={submit.onSubmit(send, check)}
      >
        <TextField
          form={form}
          label={labels.title ?? ''}
          hint={strings.incTitleHint}
          error={problem?.fields.title}
          {...fields.bind('title')}
        />
        <TextAreaField
          form={form}
          label={labels.description ?? ''}
          hint={strings.incDescriptionHint}
          rows={6}
          error={problem?.fields.description}
          {...fields.bind('description')}
        />
        <TextField
          form={form}
          label={labels.discoveredAt ?? ''}
          hint={strings.incDiscoveredAtHint}
          type="datetime-local"
          className="input input-date"
          error={problem?.fields.discoveredAt}
          {...fields.bind('discoveredAt')}
        />
        {pse && (
          <CheckboxGroupField
            optional
            form={form}
            name="systemIds"
            label={strings.incSystems}
            hint={strings.incSystemsHint}
            error={problem?.fields.systemIds}
            choices={(systems.data?.items ?? []).map((s) => ({ value: s.id, label: s.name }))}
            chosen={systemIds}
            empty={systems.data ? strings.incSystemsNone : strings.loading}
            onChange={setSystemIds}
          />
        )}
        <CheckboxGroupField
          optional
          form={form}
          name="offeringIds"
          label={strings.incOfferings}
          hint={strings.incOfferingsHint}
          error={problem?.fields.offeringIds}
          choices={offerings}
          chosen={offeringIds}
          empty={strings.incOfferingsNone}
          onChange={setOfferingIds}
        />
        <CheckboxGroupField
          optional
          form={form}
          name="dataClasses"
          label={strings.incDataClasses}
          hint={strings.incDataClassesHint}
          error={problem?.fields.dataClasses}
          choices={(policy.data?.pack.classes ?? []).map((c) => ({ value: c.code, label: c.name }))}
          chosen={dataClasses}
          empty={policy.error ? policy.error.detail : strings.loading}
          onChange={setDataClasses}
        />
        <CheckboxField
          form={form}
          name="personalData"
          label={strings.incPersonalDataQuestion}
          hint={strings.incPersonalDataHint}
          checked={personalData}
          onChange={setPersonalData}
        />
        <TextField
          form={form}
          label={labels.recordsAffected ?? ''}
          hint={strings.incCountHint}
          optional
          inputMode="numeric"
          className="input input-short"
          error={problem?.fields.recordsAffected}
          {...fields.bind('recordsAffected')}
        />
        <TextField
          form={form}
          label={labels.peopleAffected ?? ''}
          hint={strings.incCountHint}
          optional
          inputMode="numeric"
          className="input input-short"
          error={problem?.fields.peopleAffected}
          {...fields.bind('peopleAffected')}
        />
        <fieldset className="list-fieldset">
          <legend className="list-legend">{strings.incContact}</legend>
          <div className="field-hint">{strings.incContactHint}</div>
          <TextField
            form={form}
            label={strings.incContactName}
            autoComplete="name"
            error={problem?.fields['contact-name']}
            {...fields.bind('contact-name')}
          />
          <TextField
            form={form}
            label={strings.incContactEmail}
            type="email"
            autoComplete="email"
            spellCheck={false}
            error={problem?.fields['contact-email']}
            {...fields.bind('contact-email')}
          />
          <TextField
            form={form}
            label={strings.incContactPhone}
            type="tel"
            autoComplete="tel"
            optional
            error={problem?.fields['contact-phone']}
            {...fields.bind('contact-phone')}
          />
        </fieldset>
        <EvidenceField
          form={form}
          documents={documents}
          problem={problem}
          onChange={setDocuments}
        />
      </SubmitForm>
    </Page>
  );
}

// One incident

/** A status or severity named in a timeline entry, in words. */
function timelineValue(entry: TimelineEvent, value: string): string {
  if (entry.type === 'severity_changed') return strings.incSeverities[value] ?? value;
  if ('requestId' in entry.data) return strings.reqStatuses[value] ?? value;
  if ('actionId' in entry.data) return strings.actStatuses[value] ?? value;
  return strings.incStatuses[value] ?? value;
}

/**
 * What a timeline entry says beyond its kind: the change it made, its words, and links to the
 * request, action or breach it concerns. Unknown data is left out rather than shown raw.
 */
function TimelineDetails({ entry }: { entry: TimelineEvent }) {
  const data = entry.data;
  const text = (key: string) => (typeof data[key] === 'string' ? data[key] : undefined);
  const parts: ReactNode[] = [];
  const from = text('from');
  const to = text('to');
  const status = text('status');
  if (entry.type === 'owner_changed') {
    parts.push(<p key="owner">{text('name') ?? strings.incNoOwner}</p>);
  } else if (to) {
    parts.push(
      <p key="to">
        {from
          ? format(strings.incTimelineFromTo, {
              from: timelineValue(entry, from),
              to: timelineValue(entry, to),
            })
          : timelineValue(entry, to)}
      </p>,
    );
  } else if (status && entry.type !== 'request_opened' && entry.type !== 'action_ordered') {
    parts.push(
      <p key="status">
        {format(strings.incTimelineNow, { status: timelineValue(entry, status) })}
      </p>,
    );
  }
  if (entry.type === 'reported') {
    const severity = text('severity');
    if (severity) {
      parts.push(
        <p key="severity">
          {format(strings.incTimelineSeverity, {
            severity: strings.incSeverities[severity] ?? severity,
          })}
          {data.late === true && (
            <>
              {' '}
              <Tag tone="bad">{strings.incLate}</Tag>
            </>
          )}
        </p>,
      );
    }
  }
  const kind = text('kind');
  if (kind) parts.push(<p key="kind">{strings.actKinds[kind] ?? kind}</p>);
  const subject = text('subject');
  if (subject) parts.push(<p key="subject">{subject}</p>);
  for (const key of ['text', 'description', 'note', 'reason']) {
    const value = text(key);
    if (value) {
      parts.push(
        <p key={key} className="statement">
          {value}
        </p>,
      );
    }
  }
  const requestId = text('requestId');
  if (requestId) {
    parts.push(
      <p key="request">
        <Link to={`/report-requests/${requestId}`}>{strings.incTimelineOpenRequest}</Link>
      </p>,
    );
  }
  const actionId = text('actionId');
  if (actionId) {
    parts.push(
      <p key="action">
        <Link to={`/response-actions/${actionId}`}>{strings.incTimelineOpenAction}</Link>
      </p>,
    );
  }
  const breachId = text('breachId');
  if (breachId) {
    parts.push(
      <p key="breach">
        <Link to={`/breaches/${breachId}`}>{strings.incTimelineOpenBreach}</Link>
      </p>,
    );
  }
  return <>{parts}</>;
}

/** Whether a deadline was met: yes, no, or not yet known. */
function metWords(met: boolean | null): ReactNode {
  if (met === true) return <Tag tone="good">{strings.incDeadlineMet}</Tag>;
  if (met === false) return <Tag tone="bad">{strings.incDeadlineMissed}</Tag>;
  return <Tag>{strings.incDeadlinePending}</Tag>;
}

/** `/incidents/:id`: the report, its deadlines and timeline, and what the user may do on it. */
export function IncidentPage({ id }: { id: string }) {
  const me = useMe();
  const incident = useApi<IncidentDetail>(incidentPath(id));
  const [message, setMessage] = useState<string | null>(null);
  const classNames = useApi<PolicyVersion>(POLICY);
  if (incident.error?.status === 404) return <NotFoundPage record />;
  const record = incident.data ?? incident.latest;
  const className = (code: string) =>
    classNames.data?.pack.classes.find((c) => c.code === code)?.name ?? code;
  const done = (text: string) => {
    setMessage(text);
    incident.reload();
  };
  return (
    <Page title={record?.title ?? strings.incListTitle}>
      <StatusMessage message={message} />
      <LoadedRecord loaded={incident} record={record}>
        {(record) => (
          <>
            <Section id="incident-summary" title={strings.incSummaryHeading}>
              <dl className="facts facts-wide">
                <Fact label={strings.organizationLabel}>{record.organization.name}</Fact>
                <Fact label={strings.statusLabel}>
                  <IncidentStatusTag status={record.status} />
                </Fact>
                <Fact label={strings.incSeverity}>
                  <SeverityTag severity={record.severity} />
                  {record.severityReason && <span className="block">{record.severityReason}</span>}
                </Fact>
                <Fact label={strings.incDescription} className="statement">
                  {record.description}
                </Fact>
                <Fact label={strings.incDiscoveredAt}>{formatDateTime(record.discoveredAt)}</Fact>
                <Fact label={strings.incReportedAt}>{formatDateTime(record.reportedAt)}</Fact>
                <Fact label={strings.incDelay}>
                  {formatDelay(record.reportingDelaySeconds)}{' '}
                  {record.late ? (
                    <Tag tone="bad">{strings.incLate}</Tag>
                  ) : (
                    <Tag tone="good">{strings.incOnTime}</Tag>
                  )}
                </Fact>
                <Fact label={strings.incNoticeDue}>{formatDateTime(record.noticeDueAt)}</Fact>
                <Fact label={strings.incPersonalData}>
                  {record.personalData ? strings.incYes : strings.incNo}
                </Fact>
                <Fact label={strings.incDataClasses}>
                  {record.dataClasses.length > 0
                    ? record.dataClasses.map(className).join(', ')
                    : strings.none}
                </Fact>
                <Fact label={strings.incSystems}>
                  {record.systems.length > 0
                    ? record.systems.map((system, index) => (
                        <span key={system.id}>
                          {index > 0 && ', '}
                          {may.viewSystems(me) ? (
                            <Link to={`/systems/${system.id}`}>{system.name}</Link>
                          ) : (
                            system.name
                          )}
                        </span>
                      ))
                    : strings.none}
                </Fact>
                <Fact label={strings.incOfferings}>
                  {record.offerings.length > 0
                    ? record.offerings.map((offering) => offering.name).join(', ')
                    : strings.none}
                </Fact>
                <Fact label={strings.incRecordsAffected}>
                  {record.recordsAffected ?? strings.incUnknown}
                </Fact>
                <Fact label={strings.incPeopleAffected}>
                  {record.peopleAffected ?? strings.incUnknown}
                </Fact>
                <Fact label={strings.incContact}>
                  {format(strings.personWithEmail, {
                    name: record.contact.name,
                    email: record.contact.email,
                  })}
                  {record.contact.phone && `, ${record.contact.phone}`}
                </Fact>
                <Fact label={strings.incOwner}>
                  {record.owner ? record.owner.name : strings.incNoOwner}
                </Fact>
                <Fact label={strings.incNextUpdateDue}>
                  {record.nextUpdateDueAt ? formatDateTime(record.nextUpdateDueAt) : strings.none}
                  <OverdueTag overdue={record.updateOverdue} />
                </Fact>
                <Fact label={strings.incFinalReport}>
                  {record.finalReportAt
                    ? format(strings.incFinalReportSent, {
                        at: formatDateTime(record.finalReportAt),
                      })
                    : format(strings.incFinalReportDue, {
                        at: formatDateTime(record.finalReportDueAt),
                      })}
                </Fact>
                <Fact label={strings.incEvidence}>
                  <DocumentList documents={record.documents} />
                </Fact>
              </dl>
              <p className="button-row">
                <a href={`${incidentPath(record.id)}/export.json`} download>
                  {strings.incExportJson}
                </a>
                <a href={`${incidentPath(record.id)}/summary.pdf`} download>
                  {strings.incExportPdf}
                </a>
              </p>
            </Section>

            <Section id="incident-deadlines" title={strings.incDeadlinesHeading}>
              {record.deadlines.length === 0 ? (
                <p>{strings.none}</p>
              ) : (
                <DataTable
                  label={strings.incDeadlinesHeading}
                  columns={[
                    strings.incDeadlineTrack,
                    strings.incDeadlineDue,
                    strings.incDeadlineOutcome,
                  ]}
                >
                  {record.deadlines.map((deadline) => (
                    <tr key={deadline.track}>
                      <td>
                        {format(strings.incDeadlineTrackValue, {
                          track: strings.incTracks[deadline.track] ?? deadline.track,
                          hours: String(deadline.hours),
                        })}
                      </td>
                      <td>{formatDateTime(deadline.dueAt)}</td>
                      <td>{metWords(deadline.met)}</td>
                    </tr>
                  ))}
                </DataTable>
              )}
              {record.levelNotice && (
                <p>
                  {format(strings.incLevelNotice, {
                    level: record.levelNotice.levelTitle,
                    version: String(record.levelNotice.levelVersion),
                    dataClass: record.levelNotice.dataClass,
                    hours: String(record.levelNotice.hours),
                  })}
                </p>
              )}
            </Section>

            <IncidentActions key={record.revision} incident={record} onDone={done} />

            <FollowUpSection
              id="incident-requests"
              title={strings.incRequestsHeading}
              none={strings.incRequestsNone}
              count={record.requests.length}
              table={<RequestTable requests={record.requests} label={strings.incRequestsHeading} />}
              power="request_incident_report"
              newLabel={strings.reqNewButton}
              onDone={done}
              incident={record}
            >
              {(onCancel, onCreated) => (
                <RequestReportForm incident={record} onCancel={onCancel} onDone={onCreated} />
              )}
            </FollowUpSection>
            <FollowUpSection
              id="incident-response-actions"
              title={strings.incActionsListHeading}
              none={strings.incActionsNone}
              count={record.actions.length}
              table={<ActionTable actions={record.actions} label={strings.incActionsListHeading} />}
              power="order_response_action"
              newLabel={strings.actNewButton}
              onDone={done}
              incident={record}
            >
              {(onCancel, onCreated) => (
                <OrderActionForm incident={record} onCancel={onCancel} onDone={onCreated} />
              )}
            </FollowUpSection>

            {record.breaches.length > 0 && (
              <Section id="incident-breaches" title={strings.incBreachesHeading}>
                <DataTable
                  label={strings.incBreachesHeading}
                  columns={[strings.incBreachDuty, strings.incSeverity, strings.statusLabel]}
                >
                  {record.breaches.map((breach) => (
                    <tr key={breach.id}>
                      <td>
                        <Link to={`/breaches/${breach.id}`}>{breach.dutyCode}</Link>
                      </td>
                      <td>
                        <SeverityTag severity={breach.severity} />
                      </td>
                      <td>{strings.incBreachStatuses[breach.status] ?? breach.status}</td>
                    </tr>
                  ))}
                </DataTable>
              </Section>
            )}

            <Section id="incident-timeline" title={strings.incTimelineHeading}>
              <ol className="plain-list timeline">
                {record.timeline.map((entry) => (
                  <li key={entry.seq}>
                    <strong>{strings.incTimelineTypes[entry.type] ?? entry.type}</strong>
                    <span className="secondary-text">
                      {' '}
                      {format(strings.incTimelineWhen, {
                        at: formatDateTime(entry.at),
                        by: entry.actor ? byWhom(entry.actor) : strings.incTimelineSystem,
                      })}
                    </span>
                    <TimelineDetails entry={entry} />
                  </li>
                ))}
              </ol>
            </Section>
          </>
        )}
      </LoadedRecord>
    </Page>
  );
}

/** The forms for what the user may do on the incident itself now. */
function IncidentActions({
  incident,
  onDone,
}: {
  incident: IncidentDetail;
  onDone: (message: string) => void;
}) {
  const allowed = incident.allowedActions;
  const updates = allowed.includes('add_update') || allowed.includes('final_report');
  const targets = NEXT_STATUSES[incident.status].filter((to) => {
    const action = TRANSITION_ACTIONS[to];
    return action !== undefined && allowed.includes(action);
  });
  const editing = allowed.includes('set_severity') || allowed.includes('assign_owner');
  return (
    <Section id="incident-actions" title={strings.incActionsHeading}>
      {!updates && targets.length === 0 && !editing && <p>{strings.incNoActions}</p>}
      {updates && <UpdateForm incident={incident} onDone={onDone} />}
      {targets.length > 0 && (
        <TransitionForm incident={incident} targets={targets} onDone={onDone} />
      )}
      {editing && <TriageForm incident={incident} onDone={onDone} />}
    </Section>
  );
}

/** The reporting organization's update, or its final report. */
function UpdateForm({
  incident,
  onDone,
}: {
  incident: IncidentDetail;
  onDone: (message: string) => void;
}) {
  const form = 'incident-update';
  const fields = useFields({
    text: '',
    recordsAffected: incident.recordsAffected === null ? '' : String(incident.recordsAffected),
    peopleAffected: incident.peopleAffected === null ? '' : String(incident.peopleAffected),
  });
  const [final, setFinal] = useState(false);
  const [documents, setDocuments] = useState<DocRef[]>([]);
  const submit = useSubmit();
  const problem = submit.problem;
  const canFinal = incident.allowedActions.includes('final_report');
  const canUpdate = incident.allowedActions.includes('add_update');
  const labels = {
    text: strings.incUpdateText,
    recordsAffected: strings.incRecordsAffected,
    peopleAffected: strings.incPeopleAffected,
    documentIds: strings.incEvidence,
    final: strings.incUpdateFinal,
  };
  const check = () => {
    const found = missing(fields.values, ['text']);
    for (const name of ['recordsAffected', 'peopleAffected'] as const) {
      if (countOf(fields.values[name]) === undefined) found[name] = strings.incCountInvalid;
    }
    return found;
  };
  return (
    <FormPanel id={form} title={canUpdate ? strings.incUpdateHeading : strings.incFinalHeading}>
      <SubmitForm
        id={form}
        submit={submit}
        labels={labels}
        submitLabel={final || !canUpdate ? strings.incFinalSubmit : strings.incUpdateSubmit}
        onSubmit={submit.onSubmit(async () => {
          const isFinal = final || !canUpdate;
          // Only the counts that changed: the update records what is new.
          const records = countOf(fields.values.recordsAffected) ?? null;
          const people = countOf(fields.values.peopleAffected) ?? null;
          await incidentsApi.addUpdate(incident.id, {
            text: fields.values.text.trim(),
            ...(isFinal && { final: true }),
            ...(records !== incident.recordsAffected && { recordsAffected: records }),
            ...(people !== incident.peopleAffected && { peopleAffected: people }),
            documentIds: documents.map((document) => document.id),
          });
          onDone(isFinal ? strings.incFinalSent : strings.incUpdateSent);
        }, check)}
      >
        <TextAreaField
          form={form}
          label={labels.text}
          hint={strings.incUpdateHint}
          rows={5}
          error={problem?.fields.text}
          {...fields.bind('text')}
        />
        <TextField
          form={form}
          label={labels.recordsAffected}
          hint={strings.incCountHint}
          optional
          inputMode="numeric"
          className="input input-short"
          error={problem?.fields.recordsAffected}
          {...fields.bind('recordsAffected')}
        />
        <TextField
          form={form}
          label={labels.peopleAffected}
          hint={strings.incCountHint}
          optional
          inputMode="numeric"
          className="input input-short"
          error={problem?.fields.peopleAffected}
          {...fields.bind('peopleAffected')}
        />
        <EvidenceField
          form={form}
          documents={documents}
          problem={problem}
          onChange={setDocuments}
        />
        {canFinal && canUpdate && (
          <CheckboxField
            form={form}
            name="final"
            label={strings.incUpdateFinal}
            hint={strings.incUpdateFinalHint}
            checked={final}
            onChange={setFinal}
          />
        )}
      </SubmitForm>
    </FormPanel>
  );
}

/** The office's officers, for choosing an incident's owner. */
function useOfficers(me: Me, wanted: boolean): { value: string; label: string }[] {
  const officers = useApi<ListPage<User>>(wanted ? USERS : null, {
    organizationId: me.organization.id,
    status: 'active',
    limit: 200,
  });
  return (officers.data?.items ?? [])
    .filter((user) => user.role === 'officer')
    .map((user) => ({ value: user.id, label: user.displayName }));
}

const severityChoices = (keep: string) => [
  { value: '', label: keep },
  ...SEVERITIES.map((severity) => ({
    value: severity,
    label: strings.incSeverities[severity] ?? severity,
  })),
];

/** An officer moves the incident on: triage, investigate, contain, resolve or close it. */
function TransitionForm({
  incident,
  targets,
  onDone,
}: {
  incident: IncidentDetail;
  targets: readonly IncidentStatus[];
  onDone: (message: string) => void;
}) {
  const me = useMe();
  const form = 'incident-transition';
  const fields = useFields({
    to: targets[0] ?? '',
    note: '',
    severity: '',
    ownerUserId: '',
  });
  const officers = useOfficers(me, incident.allowedActions.includes('assign_owner'));
  const submit = useSubmit();
  const problem = submit.problem;
  const labels = {
    to: strings.incTransitionTo,
    note: strings.incNote,
    severity: strings.incSeverity,
    ownerUserId: strings.incOwner,
  };
  return (
    <FormPanel id={form} title={strings.incTransitionHeading}>
      <SubmitForm
        id={form}
        submit={submit}
        labels={labels}
        submitLabel={strings.incTransitionSubmit}
        onSubmit={submit.onSubmit(
          async () => {
            const { values } = fields;
            const to = values.to as IncidentStatus;
            await incidentsApi.transition(incident.id, {
              to,
              ...(values.note.trim() && { note: values.note.trim() }),
              ...(values.severity && { severity: values.severity as Severity }),
              ...(values.ownerUserId && { ownerUserId: values.ownerUserId }),
              revision: incident.revision,
            });
            onDone(format(strings.incTransitionDone, { status: strings.incStatuses[to] ?? to }));
          },
          () => missing(fields.values, ['to']),
        )}
      >
        <SelectField
          form={form}
          label={labels.to}
          options={targets.map((status) => ({
            value: status,
            label: strings.incStatuses[status] ?? status,
          }))}
          error={problem?.fields.to}
          {...fields.bind('to')}
        />
        {incident.allowedActions.includes('set_severity') && (
          <SelectField
            form={form}
            label={labels.severity}
            hint={strings.incSeverityHint}
            options={severityChoices(
              format(strings.incKeepSeverity, {
                severity: strings.incSeverities[incident.severity] ?? incident.severity,
              }),
            )}
            error={problem?.fields.severity}
            {...fields.bind('severity')}
          />
        )}
        {incident.allowedActions.includes('assign_owner') && (
          <SelectField
            form={form}
            label={labels.ownerUserId}
            options={[
              {
                value: '',
                label: incident.owner
                  ? format(strings.incKeepOwner, { name: incident.owner.name })
                  : strings.incNoOwnerChoice,
              },
              ...officers,
            ]}
            error={problem?.fields.ownerUserId}
            {...fields.bind('ownerUserId')}
          />
        )}
        <TextAreaField
          form={form}
          label={labels.note}
          optional
          error={problem?.fields.note}
          {...fields.bind('note')}
        />
      </SubmitForm>
    </FormPanel>
  );
}

/** An officer changes the severity, with its reason, or the owner, without moving the incident. */
function TriageForm({
  incident,
  onDone,
}: {
  incident: IncidentDetail;
  onDone: (message: string) => void;
}) {
  const me = useMe();
  const form = 'incident-triage';
  const canSeverity = incident.allowedActions.includes('set_severity');
  const canOwner = incident.allowedActions.includes('assign_owner');
  const fields = useFields({ severity: '', severityReason: '', ownerUserId: '' });
  const officers = useOfficers(me, canOwner);
  const submit = useSubmit();
  const problem = submit.problem;
  const labels = {
    severity: strings.incSeverity,
    severityReason: strings.incSeverityReason,
    ownerUserId: strings.incOwner,
  };
  return (
    <FormPanel id={form} title={strings.incTriageHeading}>
      <SubmitForm
        id={form}
        submit={submit}
        labels={labels}
        submitLabel={strings.incTriageSubmit}
        onSubmit={submit.onSubmit(
          async () => {
            const { values } = fields;
            await incidentsApi.patch(incident.id, {
              ...(values.severity && { severity: values.severity as Severity }),
              ...(values.severityReason.trim() && { severityReason: values.severityReason.trim() }),
              ...(values.ownerUserId && { ownerUserId: values.ownerUserId }),
              revision: incident.revision,
            });
            onDone(strings.incTriageDone);
          },
          (): Record<string, string> => {
            const { values } = fields;
            if (values.severity && !values.severityReason.trim()) {
              return { severityReason: strings.incSeverityReasonMissing };
            }
            return values.severity || values.ownerUserId || values.severityReason.trim()
              ? {}
              : { severity: strings.incTriageNothing };
          },
        )}
      >
        {canSeverity && (
          <>
            <SelectField
              form={form}
              label={labels.severity}
              options={severityChoices(
                format(strings.incKeepSeverity, {
                  severity: strings.incSeverities[incident.severity] ?? incident.severity,
                }),
              )}
              error={problem?.fields.severity}
              {...fields.bind('severity')}
            />
            <TextAreaField
              form={form}
              label={labels.severityReason}
              hint={strings.incSeverityReasonHint}
              optional
              error={problem?.fields.severityReason}
              {...fields.bind('severityReason')}
            />
          </>
        )}
        {canOwner && (
          <SelectField
            form={form}
            label={labels.ownerUserId}
            options={[
              {
                value: '',
                label: incident.owner
                  ? format(strings.incKeepOwner, { name: incident.owner.name })
                  : strings.incNoOwnerChoice,
              },
              ...officers,
            ]}
            error={problem?.fields.ownerUserId}
            {...fields.bind('ownerUserId')}
          />
        )}
      </SubmitForm>
    </FormPanel>
  );
}

// Requests and actions on the incident's page

/**
 * The requests or the actions about this incident, and, for an officer with the power and while
 * the incident is open, the button that opens the form for another.
 */
function FollowUpSection({
  id,
  title,
  none,
  count,
  table,
  power,
  newLabel,
  onDone,
  incident,
  children,
}: {
  id: string;
  title: string;
  none: string;
  count: number;
  table: ReactNode;
  power: string;
  newLabel: string;
  onDone: (message: string) => void;
  incident: IncidentDetail;
  children: (onCancel: () => void, onDone: (message: string) => void) => ReactNode;
}) {
  const me = useMe();
  const mayAdd = hasPower(me, power) && incident.status !== 'closed';
  return (
    <Section id={id} title={title}>
      {count === 0 ? <p>{none}</p> : table}
      {mayAdd && (
        <FormBehindButton label={newLabel}>
          {(close) =>
            children(close, (message) => {
              close();
              onDone(message);
            })
          }
        </FormBehindButton>
      )}
    </Section>
  );
}

/** The active providers and public bodies, for asking or ordering without an incident. */
function useOrganizationChoices(wanted: boolean): { value: string; label: string }[] {
  const query = { status: 'active', sort: 'name', limit: 200 };
  const csps = useApi<ListPage<Organization>>(wanted ? ORGANIZATIONS : null, {
    ...query,
    kind: 'csp',
  });
  const pses = useApi<ListPage<Organization>>(wanted ? ORGANIZATIONS : null, {
    ...query,
    kind: 'pse',
  });
  return [...(csps.data?.items ?? []), ...(pses.data?.items ?? [])]
    .sort((a, b) => a.name.localeCompare(b.name))
    .map((organization) => ({
      value: organization.id,
      label: format(strings.incOrganizationChoice, {
        name: organization.name,
        kind: strings.organizationKinds[organization.kind],
      }),
    }));
}

/**
 * What asking an organization for a report and ordering it to act have alike: the intro, the
 * organization (the incident's, or chosen here when there is none), the fields of the one or the
 * other, and a button to cancel.
 */
function FollowUpForm({
  form,
  title,
  intro,
  introAny,
  incident,
  submit,
  labels,
  submitLabel,
  onSubmit,
  onCancel,
  organizationHint,
  organization,
  children,
}: {
  form: string;
  title: string;
  /** The intro about an incident, naming its organization as `{organization}`. */
  intro: string;
  introAny: string;
  incident: IncidentDetail | undefined;
  submit: ReturnType<typeof useSubmit>;
  labels: Record<string, string>;
  submitLabel: string;
  onSubmit: (event: SubmitEvent<HTMLFormElement>) => void;
  onCancel: () => void;
  organizationHint?: string;
  organization: Bound;
  children: ReactNode;
}) {
  const organizations = useOrganizationChoices(!incident);
  return (
    <FormPanel id={form} title={title}>
      <p>{incident ? format(intro, { organization: incident.organization.name }) : introAny}</p>
      <SubmitForm
        id={form}
        submit={submit}
        labels={labels}
        submitLabel={submitLabel}
        actions={
          <button type="button" className="button button-secondary" onClick={onCancel}>
            {strings.cancel}
          </button>
        }
        onSubmit={onSubmit}
      >
        {!incident && (
          <SelectField
            form={form}
            label={strings.organizationLabel}
            hint={organizationHint}
            options={[{ value: '', label: strings.chooseOne }, ...organizations]}
            error={submit.problem?.fields.organizationId}
            {...organization}
          />
        )}
        {children}
      </SubmitForm>
    </FormPanel>
  );
}

/** What the report-request and response-action forms are given. */
interface FollowUpFormProps {
  /** The incident it is about; without one, about an organization chosen in the form. */
  incident?: IncidentDetail;
  onCancel: () => void;
  /** Called once it is made, with what to tell the user and the new record's id. */
  onDone: (message: string, id: string) => void;
}

/** An officer asks the reporting organization for a report about the incident. */
export function RequestReportForm({ incident, onCancel, onDone }: FollowUpFormProps) {
  const form = 'request-report';
  const fields = useFields({
    organizationId: incident?.organization.id ?? '',
    subject: incident
      ? format(strings.reqSubjectDefault, { title: incident.title }).slice(0, 300)
      : '',
    dueAt: inAWeek(),
  });
  const [questions, setQuestions] = useState<string[]>(['']);
  const submit = useSubmit();
  const problem = submit.problem;
  const labels: Record<string, string> = {
    organizationId: strings.organizationLabel,
    subject: strings.reqSubject,
    dueAt: strings.reqDueAt,
    questions: strings.reqQuestions,
  };
  questions.forEach((_, index) => {
    labels[`questions-${String(index)}`] = format(strings.reqQuestionN, { n: String(index + 1) });
  });
  const check = () => {
    const found = checkDueAt(
      missing(fields.values, ['organizationId', 'subject', 'dueAt']),
      fields.values.dueAt,
    );
    questions.forEach((question, index) => {
      if (question.trim() === '') found[`questions-${String(index)}`] = strings.errorRequired;
    });
    return found;
  };
  return (
    <FollowUpForm
      form={form}
      title={strings.reqNewHeading}
      intro={strings.reqNewIntro}
      introAny={strings.reqNewIntroAny}
      incident={incident}
      submit={submit}
      labels={labels}
      submitLabel={strings.reqNewSubmit}
      onCancel={onCancel}
      organizationHint={strings.reqOrganizationHint}
      organization={fields.bind('organizationId')}
      onSubmit={submit.onSubmit(async () => {
        let created: RequestDetail;
        try {
          created = await incidentsApi.openRequest({
            organizationId: fields.values.organizationId,
            ...(incident && { incidentId: incident.id }),
            subject: fields.values.subject.trim(),
            questions: questions.map((question) => question.trim()),
            dueAt: localToInstant(fields.values.dueAt),
          });
        } catch (error) {
          throw withNestedFields(error);
        }
        onDone(strings.reqOpened, created.id);
      }, check)}
    >
      <TextField
        form={form}
        label={strings.reqSubject}
        error={problem?.fields.subject}
        {...fields.bind('subject')}
      />
      <fieldset className="list-fieldset" id={fieldId(form, 'questions')} tabIndex={-1}>
        <legend className="list-legend">{strings.reqQuestions}</legend>
        {problem?.fields.questions && (
          <p className="field-error-message">
            <span className="visually-hidden">{strings.errorPrefix} </span>
            {problem.fields.questions}
          </p>
        )}
        {questions.map((question, index) => (
          <TextAreaField
            key={index}
            form={form}
            name={`questions-${String(index)}`}
            label={format(strings.reqQuestionN, { n: String(index + 1) })}
            value={question}
            error={problem?.fields[`questions-${String(index)}`]}
            onChange={(event) =>
              setQuestions(questions.map((old, at) => (at === index ? event.target.value : old)))
            }
          />
        ))}
        <div className="button-row">
          {questions.length < 30 && (
            <button
              type="button"
              className="button button-secondary"
              onClick={() => {
                setQuestions([...questions, '']);
                const next = fieldId(form, `questions-${String(questions.length)}`);
                window.setTimeout(() => document.getElementById(next)?.focus(), 0);
              }}
            >
              {strings.reqAddQuestion}
            </button>
          )}
          {questions.length > 1 && (
            <button
              type="button"
              className="button button-secondary"
              onClick={() => setQuestions(questions.slice(0, -1))}
            >
              {strings.reqRemoveQuestion}
            </button>
          )}
        </div>
      </fieldset>
      <DueAtField
        form={form}
        label={strings.reqDueAt}
        error={problem?.fields.dueAt}
        {...fields.bind('dueAt')}
      />
    </FollowUpForm>
  );
}

/** An officer orders the reporting organization to do something about the incident. */
export function OrderActionForm({ incident, onCancel, onDone }: FollowUpFormProps) {
  const form = 'order-action';
  const fields = useFields({
    organizationId: incident?.organization.id ?? '',
    kind: '',
    description: '',
    dueAt: inAWeek(),
    ownerUserId: '',
    offeringId: '',
  });
  const organizationId = fields.values.organizationId;
  const people = useApi<ListPage<User>>(organizationId ? USERS : null, {
    organizationId,
    status: 'active',
    limit: 200,
  });
  const suspending = fields.values.kind === 'suspend_accreditation';
  const offerings = useApi<ListPage<Offering>>(suspending && organizationId ? OFFERINGS : null, {
    organizationId,
    limit: 200,
  });
  const submit = useSubmit();
  const problem = submit.problem;
  const labels = {
    organizationId: strings.organizationLabel,
    kind: strings.actKind,
    description: strings.actDescription,
    dueAt: strings.actDueAt,
    ownerUserId: strings.actOwner,
    offeringId: strings.actOffering,
  };
  const check = () => {
    const found = missing(fields.values, [
      'organizationId',
      'kind',
      'description',
      'dueAt',
      ...(suspending ? ['offeringId'] : []),
    ]);
    return checkDueAt(found, fields.values.dueAt);
  };
  return (
    <FollowUpForm
      form={form}
      title={strings.actNewHeading}
      intro={strings.actNewIntro}
      introAny={strings.actNewIntroAny}
      incident={incident}
      submit={submit}
      labels={labels}
      submitLabel={strings.actNewSubmit}
      onCancel={onCancel}
      organization={fields.bind('organizationId')}
      onSubmit={submit.onSubmit(async () => {
        const { values } = fields;
        const created = await incidentsApi.orderAction({
          organizationId,
          ...(incident && { incidentId: incident.id }),
          kind: values.kind as ActionKind,
          description: values.description.trim(),
          dueAt: localToInstant(values.dueAt),
          ...(values.ownerUserId && { ownerUserId: values.ownerUserId }),
          ...(suspending && values.offeringId && { offeringId: values.offeringId }),
        });
        onDone(
          format(strings.actOrdered, { kind: actionKindName(values.kind as ActionKind) }),
          created.id,
        );
      }, check)}
    >
      <SelectField
        form={form}
        label={labels.kind}
        options={optionsWithBlank(strings.chooseOne, ACTION_KINDS, actionKindName)}
        error={problem?.fields.kind}
        {...fields.bind('kind')}
      />
      {suspending && (
        <SelectField
          form={form}
          label={labels.offeringId}
          hint={strings.actOfferingHint}
          options={[
            {
              value: '',
              label:
                offerings.data?.items.length === 0 ? strings.actNoOfferings : strings.chooseOne,
            },
            ...(offerings.data?.items ?? []).map((offering) => ({
              value: offering.id,
              label: offering.name,
            })),
          ]}
          error={problem?.fields.offeringId}
          {...fields.bind('offeringId')}
        />
      )}
      <TextAreaField
        form={form}
        label={labels.description}
        hint={strings.actDescriptionHint}
        rows={4}
        error={problem?.fields.description}
        {...fields.bind('description')}
      />
      <DueAtField
        form={form}
        label={labels.dueAt}
        error={problem?.fields.dueAt}
        {...fields.bind('dueAt')}
      />
      <SelectField
        form={form}
        label={labels.ownerUserId}
        optional
        options={[
          { value: '', label: strings.actNoOwner },
          ...(people.data?.items ?? []).map((user) => ({
            value: user.id,
            label: format(strings.personWithEmail, { name: user.displayName, email: user.email }),
          })),
        ]}
        error={problem?.fields.ownerUserId}
        {...fields.bind('ownerUserId')}
      />
    </FollowUpForm>
  );
}
