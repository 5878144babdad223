import { Fragment, useRef, useState, type ReactNode } from 'react';
import { ApiError, type Query } from '../api';
import {
  instantToLocal,
  localToInstant,
  type ActionKind,
  type ActionStatus,
  type ActionSummary,
  type DocRef,
  type IncidentStatus,
  type RequestStatus,
  type RequestSummary,
  type Severity,
} from '../incidents-api';
import { documentContentPath, uploadDocument } from '../offerings-api';
import type { BreachStatus } from '../oversight-api';
import { formatDateTime } from '../display';
import { Link } from '../router';
import { format, strings } from '../strings';
import { TextField, fieldId, type Bound, type FormProblem } from './forms';
import { DataTable, Tag } from './lists';
import { Page } from './Page';
import {
  CsvLink,
  EmptyNotice,
  FilterBar,
  PagedResults,
  unfiltered,
  type PagedSearch,
} from './search';

/**
 * What the pages of issue 7 (incidents, report requests, response actions, breaches) show alike:
 * the status and severity tags, who did something, a due date, the documents of a record, the
 * field that attaches evidence to an entry, the tables of requests and actions, and the frame of
 * their list pages.
 */

function severityTone(severity: Severity) {
  return severity === 'critical' || severity === 'high'
    ? 'bad'
    : severity === 'medium'
      ? 'warning'
      : 'neutral';
}

export function SeverityTag({ severity }: { severity: Severity }) {
  return <Tag tone={severityTone(severity)}>{strings.incSeverities[severity] ?? severity}</Tag>;
}

export function IncidentStatusTag({ status }: { status: IncidentStatus }) {
  const tone = status === 'closed' || status === 'resolved' ? 'good' : 'neutral';
  return <Tag tone={tone}>{strings.incStatuses[status] ?? status}</Tag>;
}

export function RequestStatusTag({ status }: { status: RequestStatus }) {
  const tone = status === 'accepted' ? 'good' : status === 'answered' ? 'warning' : 'neutral';
  return <Tag tone={tone}>{strings.reqStatuses[status] ?? status}</Tag>;
}

export function ActionStatusTag({ status }: { status: ActionStatus }) {
  const tone =
    status === 'verified' || status === 'closed'
      ? 'good'
      : status === 'done'
        ? 'warning'
        : 'neutral';
  return <Tag tone={tone}>{strings.actStatuses[status] ?? status}</Tag>;
}

function breachStatusTone(status: BreachStatus) {
  if (status === 'open') return 'bad';
  if (status === 'acknowledged') return 'warning';
  return status === 'remedied' ? 'good' : 'neutral';
}

export function BreachStatusTag({ status }: { status: BreachStatus }) {
  return <Tag tone={breachStatusTone(status)}>{strings.breachStatuses[status]}</Tag>;
}

/** A filter's choices for a yes-or-no question: any, yes, no. */
export const YES_NO_ANY = [
  { value: '', label: strings.incAny },
  { value: 'true', label: strings.incYes },
  { value: 'false', label: strings.incNo },
];

/** "Overdue", next to a due date that has passed. */
export function OverdueTag({ overdue }: { overdue: boolean }) {
  return overdue ? (
    <>
      {' '}
      <Tag tone="bad">{strings.incOverdue}</Tag>
    </>
  ) : null;
}

/** A due date, and "Overdue" once it has passed. */
export function DueDate({ at, overdue }: { at: string; overdue: boolean }) {
  return (
    <>
      {formatDateTime(at)}
      <OverdueTag overdue={overdue} />
    </>
  );
}

/** A due date a week from now, on the user's own clock, as a `datetime-local` value. */
export function inAWeek(): string {
  return instantToLocal(new Date(Date.now() + 7 * 86_400_000));
}

/** A due date typed on the user's own clock (a form's `dueAt` field). */
export function DueAtField({
  form,
  label,
  error,
  ...bound
}: Bound & { form: string; label: string; error: string | undefined }) {
  return (
    <TextField
      form={form}
      label={label}
      hint={strings.incLocalTimeHint}
      type="datetime-local"
      className="input input-date"
      error={error}
      {...bound}
    />
  );
}

/** A form's problems, with one for a due date that was typed but is not a date. */
export function checkDueAt(found: Record<string, string>, dueAt: string): Record<string, string> {
  if (dueAt && !localToInstant(dueAt)) found.dueAt = strings.incDateTimeInvalid;
  return found;
}

/** A time span in days, hours and minutes ("2 h 5 min"). */
export function formatDelay(seconds: number): string {
  const minutes = Math.floor(Math.max(0, seconds) / 60);
  if (minutes < 1) return strings.incDelayUnderMinute;
  const days = Math.floor(minutes / 1440);
  const hours = Math.floor((minutes % 1440) / 60);
  const rest = minutes % 60;
  if (days > 0) return format(strings.incDelayDays, { days: String(days), hours: String(hours) });
  if (hours > 0)
    return format(strings.incDelayHours, { hours: String(hours), minutes: String(rest) });
  return format(strings.incDelayMinutes, { minutes: String(rest) });
}

export function actionKindName(kind: ActionKind): string {
  return strings.actKinds[kind] ?? kind;
}

/** Who did something: their name, and the post they acted for when there was one. */
export function byWhom(
  person: { name: string | null; position?: string | null } | null | undefined,
): string {
  if (!person?.name) return person?.position ?? strings.incSomeone;
  return person.position
    ? format(strings.incByPosition, { name: person.name, position: person.position })
    : person.name;
}

/** Links to the documents attached to a record. */
export function DocumentList({ documents }: { documents: readonly DocRef[] }) {
  if (documents.length === 0) return <>{strings.none}</>;
  return (
    <ul className="evidence-list">
      {documents.map((document) => (
        <li key={document.id}>
          <a href={documentContentPath(document.id)} className="break">
            {document.fileName}
          </a>
        </li>
      ))}
    </ul>
  );
}

/**
 * Evidence files for an entry: each is uploaded as a document of the user's organization first
 * (the server checks its size and type), then the entry names it. `documentIds` in the entry's
 * problem is shown here.
 */
export function EvidenceField({
  form,
  documents,
  problem,
  onChange,
}: {
  form: string;
  documents: readonly DocRef[];
  problem: FormProblem | null;
  onChange: (documents: DocRef[]) => void;
}) {
  const id = fieldId(form, 'documentIds');
  const input = useRef<HTMLInputElement>(null);
  const [file, setFile] = useState<File | null>(null);
  const [busy, setBusy] = useState(false);
  const [uploadProblem, setUploadProblem] = useState<string | null>(null);
  const [uploaded, setUploaded] = useState<string | null>(null);
  const error = uploadProblem ?? problem?.fields.documentIds;

  const upload = async () => {
    if (busy) return;
    if (!file) {
      setUploadProblem(strings.incEvidenceMissing);
      input.current?.focus();
      return;
    }
    setBusy(true);
    setUploadProblem(null);
    setUploaded(null);
    try {
      const stored = await uploadDocument(file, 'evidence');
      onChange([
        ...documents,
        {
          id: stored.id,
          fileName: stored.fileName,
          mediaType: stored.mediaType,
          size: stored.size,
        },
      ]);
      setUploaded(format(strings.incEvidenceUploaded, { file: stored.fileName }));
      setFile(null);
      if (input.current) input.current.value = '';
    } catch (failure) {
      setUploadProblem(failure instanceof ApiError ? failure.detail : strings.errorUnexpected);
      input.current?.focus();
    } finally {
      setBusy(false);
    }
  };

  return (
    <fieldset className={error ? 'list-fieldset field-error' : 'list-fieldset'}>
      <legend className="list-legend">{strings.incEvidence}</legend>
      {documents.length === 0 ? (
        <p>{strings.incEvidenceNone}</p>
      ) : (
        <ul className="evidence-list">
          {documents.map((document) => (
            <li key={document.id}>
              <a href={documentContentPath(document.id)} className="break">
                {document.fileName}
              </a>{' '}
              <button
                type="button"
                className="button-link"
                onClick={() => onChange(documents.filter((other) => other.id !== document.id))}
              >
                {strings.incEvidenceRemove}
                <span className="visually-hidden"> {document.fileName}</span>
              </button>
            </li>
          ))}
        </ul>
      )}
      <div role="status" className="status-message">
        {uploaded && <p>{uploaded}</p>}
      </div>
      <div className="field">
        <label className="field-label" htmlFor={id}>
          {strings.incEvidenceFile}
        </label>
        <div className="field-hint" id={`${id}-hint`}>
          {strings.incEvidenceHint}
        </div>
        {error && (
          <p className="field-error-message" id={`${id}-error`}>
            <span className="visually-hidden">{strings.errorPrefix} </span>
            {error}
          </p>
        )}
        <input
          ref={input}
          id={id}
          type="file"
          className="input"
          aria-invalid={error ? true : undefined}
          aria-describedby={error ? `${id}-hint ${id}-error` : `${id}-hint`}
          onChange={(event) => {
            setFile(event.target.files?.[0] ?? null);
            setUploadProblem(null);
          }}
        />
      </div>
      <button
        type="button"
        className="button button-secondary"
        aria-disabled={busy || undefined}
        onClick={() => void upload()}
      >
        {busy ? strings.working : strings.incEvidenceUpload}
      </button>
    </fieldset>
  );
}

/** The columns of a table of report requests; the organization's only for whoever sees many. */
export function requestColumns(showOrganization: boolean): string[] {
  return [
    strings.reqSubject,
    ...(showOrganization ? [strings.organizationLabel] : []),
    strings.statusLabel,
    strings.reqDueAt,
    strings.reqRequestedAt,
  ];
}

/** A report request as a row of a table with `requestColumns`, linking to its page. */
export function RequestRow({
  request,
  showOrganization,
}: {
  request: RequestSummary;
  showOrganization: boolean;
}) {
  return (
    <tr>
      <td>
        <Link to={`/report-requests/${request.id}`}>{request.subject}</Link>
      </td>
      {showOrganization && <td>{request.organization.name}</td>}
      <td>
        <RequestStatusTag status={request.status} />
      </td>
      <td>
        <DueDate at={request.dueAt} overdue={request.overdue} />
      </td>
      <td>{formatDateTime(request.requestedAt)}</td>
    </tr>
  );
}

/** A table of requests, each linking to its page. */
export function RequestTable({
  requests,
  label,
  showOrganization = false,
}: {
  requests: readonly RequestSummary[];
  label: string;
  showOrganization?: boolean;
}) {
  return (
    <DataTable label={label} columns={requestColumns(showOrganization)}>
      {requests.map((request) => (
        <RequestRow key={request.id} request={request} showOrganization={showOrganization} />
      ))}
    </DataTable>
  );
}

/** The columns of a table of response actions; the organization's only for whoever sees many. */
export function actionColumns(showOrganization: boolean): string[] {
  return [
    strings.actKind,
    ...(showOrganization ? [strings.organizationLabel] : []),
    strings.statusLabel,
    strings.actDueAt,
    strings.actOwner,
  ];
}

/** A response action as a row of a table with `actionColumns`, linking to its page. */
export function ActionRow({
  action,
  showOrganization,
}: {
  action: ActionSummary;
  showOrganization: boolean;
}) {
  return (
    <tr>
      <td>
        <Link to={`/response-actions/${action.id}`}>{actionKindName(action.kind)}</Link>
        <span className="block secondary-text">{action.description}</span>
      </td>
      {showOrganization && <td>{action.organization.name}</td>}
      <td>
        <ActionStatusTag status={action.status} />
      </td>
      <td>
        <DueDate at={action.dueAt} overdue={action.overdue} />
      </td>
      <td>{action.owner ? action.owner.name : strings.none}</td>
    </tr>
  );
}

/** A table of response actions, each linking to its page. */
export function ActionTable({
  actions,
  label,
  showOrganization = false,
}: {
  actions: readonly ActionSummary[];
  label: string;
  showOrganization?: boolean;
}) {
  return (
    <DataTable label={label} columns={actionColumns(showOrganization)}>
      {actions.map((action) => (
        <ActionRow key={action.id} action={action} showOrganization={showOrganization} />
      ))}
    </DataTable>
  );
}

/**
 * A list page of incidents, report requests or response actions: what the user may start, the
 * filter, the link to the CSV twin of the filtered list, and its pages. `empty` is said when
 * nothing is there before any filter is applied.
 */
export function IncidentListPage<T extends { id: string }, F extends Record<string, string>>({
  title,
  intro,
  start,
  searchLabel,
  filters,
  paged,
  noFilter,
  csvPath,
  csvQuery,
  empty,
  columns,
  row,
}: {
  title: string;
  intro: string;
  start: ReactNode;
  searchLabel: string;
  filters: ReactNode;
  paged: PagedSearch<T, F>;
  noFilter: F;
  csvPath: string;
  csvQuery: (filter: F) => Query;
  empty: string;
  columns: readonly string[];
  row: (item: T) => ReactNode;
}) {
  const nothing = paged.shown?.total === 0 && unfiltered(paged.applied, noFilter);
  return (
    <Page title={title} intro={intro}>
      {start}
      <FilterBar label={searchLabel} submitLabel={strings.search} onApply={paged.apply}>
        {filters}
      </FilterBar>
      <CsvLink path={csvPath} query={csvQuery(paged.applied)} label={strings.incDownloadCsv} />
      {nothing && <EmptyNotice>{empty}</EmptyNotice>}
      <PagedResults paged={paged} label={title}>
        {(items) => (
          <>
            <thead>
              <tr>
                {columns.map((column) => (
                  <th key={column} scope="col">
                    {column}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody aria-busy={paged.list.loading}>
              {items.map((item) => (
                <Fragment key={item.id}>{row(item)}</Fragment>
              ))}
            </tbody>
          </>
        )}
      </PagedResults>
    </Page>
  );
}
