import { useCallback, useEffect, useState } from 'react';
import {
  api,
  ApiError,
  withQuery,
  type AuditEvent,
  type AuditVerification,
  type Query,
} from '../api';
import { ErrorSummary, SelectField, TextField, useFields, useSubmit } from '../components/forms';
import { TableFrame, Tag } from '../components/lists';
import { FilterBar } from '../components/search';
import { Page, Section } from '../components/Page';
import { dayAfter, formatDateTime } from '../display';
import { format, strings } from '../strings';

const PAGE_SIZE = 50;
const EVENTS = '/api/v1/audit-events';
const EXPORT = '/api/v1/audit-events.csv';

// A type, not an interface, so that it fits useFields' record of values.
type AuditFilter = {
  action: string;
  outcome: string;
  from: string;
  to: string;
};

const NO_FILTER: AuditFilter = { action: '', outcome: '', from: '', to: '' };

/** The filter as the API takes it: the "to" day is inclusive on screen, exclusive for the API. */
function queryOf(filter: AuditFilter): Query {
  return {
    action: filter.action.trim(),
    outcome: filter.outcome,
    from: filter.from,
    to: filter.to ? dayAfter(filter.to) : '',
  };
}

interface Trail {
  events: AuditEvent[];
  nextCursor: string | null;
  loading: boolean;
}

/** Officers with view_audit_trail: the trail newest first, its export, and the chain's check. */
export function AuditPage() {
  const filterForm = useFields(NO_FILTER);
  const [applied, setApplied] = useState<AuditFilter>(NO_FILTER);
  const [trail, setTrail] = useState<Trail>({ events: [], nextCursor: null, loading: true });
  const [announcement, setAnnouncement] = useState('');
  const submit = useSubmit();
  const { fail, setProblem } = submit;
  const labels = {
    action: strings.auditActionLabel,
    outcome: strings.auditOutcomeLabel,
    from: strings.auditFromLabel,
    to: strings.auditToLabel,
  };

  const load = useCallback(
    async (filter: AuditFilter, cursor: string | null, signal?: AbortSignal) => {
      // A new filter clears the table at once: rows of the old filter under the new one would mislead.
      setTrail((old) =>
        cursor ? { ...old, loading: true } : { events: [], nextCursor: null, loading: true },
      );
      try {
        const page = await api.get<{ events: AuditEvent[]; nextCursor: string | null }>(
          EVENTS,
          { ...queryOf(filter), limit: PAGE_SIZE, cursor },
          signal,
        );
        if (signal?.aborted) return;
        setTrail((old) => ({
          events: cursor ? [...old.events, ...page.events] : page.events,
          nextCursor: page.nextCursor,
          loading: false,
        }));
        setProblem(null);
        setAnnouncement(
          cursor
            ? format(strings.auditMoreLoaded, { count: String(page.events.length) })
            : page.events.length === 0
              ? strings.auditNoEvents
              : format(strings.auditLoaded, { count: String(page.events.length) }),
        );
      } catch (error) {
        if (signal?.aborted) return;
        setTrail((old) => ({ ...old, loading: false }));
        if (error instanceof ApiError) fail({ detail: error.detail, fields: error.fieldErrors() });
        else fail({ detail: strings.errorUnexpected, fields: {} });
      }
    },
    [fail, setProblem],
  );

  useEffect(() => {
    const leaving = new AbortController();
    void load(applied, null, leaving.signal);
    return () => leaving.abort();
  }, [applied, load]);

  return (
    <Page title={strings.auditTitle} intro={strings.auditIntro}>
      <ErrorSummary
        problem={submit.problem}
        form="audit-filter"
        labels={labels}
        summaryRef={submit.summary}
      />
      <FilterBar
        label={strings.auditFilterLabel}
        submitLabel={strings.auditApply}
        noValidate
        onApply={() => setApplied({ ...filterForm.values })}
      >
        <TextField
          form="audit-filter"
          label={labels.action}
          hint={strings.auditActionHint}
          spellCheck={false}
          autoComplete="off"
          error={submit.problem?.fields.action}
          {...filterForm.bind('action')}
        />
        <SelectField
          form="audit-filter"
          label={labels.outcome}
          options={[
            { value: '', label: strings.auditAnyOutcome },
            { value: 'success', label: strings.outcomes.success },
            { value: 'denied', label: strings.outcomes.denied },
          ]}
          error={submit.problem?.fields.outcome}
          {...filterForm.bind('outcome')}
        />
        <TextField
          form="audit-filter"
          label={labels.from}
          type="date"
          className="input input-date"
          error={submit.problem?.fields.from}
          {...filterForm.bind('from')}
        />
        <TextField
          form="audit-filter"
          label={labels.to}
          type="date"
          className="input input-date"
          error={submit.problem?.fields.to}
          {...filterForm.bind('to')}
        />
      </FilterBar>

      <VerifyChain exportHref={withQuery(EXPORT, queryOf(applied))} />

      <p className="result-count" role="status">
        {trail.loading && trail.events.length === 0 ? strings.loading : announcement}
      </p>
      {trail.events.length > 0 && <EventTable events={trail.events} />}
      {trail.nextCursor && (
        <p className="button-row">
          <button
            type="button"
            className="button button-secondary"
            aria-disabled={trail.loading || undefined}
            onClick={() => {
              if (!trail.loading) void load(applied, trail.nextCursor);
            }}
          >
            {trail.loading ? strings.working : strings.auditLoadMore}
          </button>
        </p>
      )}
    </Page>
  );
}

function actorText(event: AuditEvent): string {
  return event.actor.email ?? event.actor.userId ?? strings.auditNoActor;
}

function valueText(value: unknown): string {
  if (value === null || value === undefined) return strings.auditNoValue;
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/** What changed, or why it was refused (the export has every field of every event). */
function Summary({ summary }: { summary: Record<string, unknown> }) {
  if (typeof summary.reason === 'string') return <>{summary.reason}</>;
  const parts = (['before', 'after'] as const).flatMap((part) => {
    const value = summary[part];
    if (typeof value !== 'object' || value === null) return [];
    const fields = Object.entries(value as Record<string, unknown>);
    return fields.length === 0 ? [] : [{ part, fields }];
  });
  if (parts.length === 0) return null;
  return (
    <dl className="summary">
      {parts.map(({ part, fields }) => (
        <div key={part}>
          <dt>{strings.auditSummaryParts[part]}</dt>
          <dd>
            {fields.map(([name, value]) => (
              <span key={name} className="block">
                {format(strings.auditSummaryField, { field: name, value: valueText(value) })}
              </span>
            ))}
          </dd>
        </div>
      ))}
    </dl>
  );
}

function EventTable({ events }: { events: AuditEvent[] }) {
  return (
    <TableFrame label={strings.auditTitle}>
      <table className="table table-audit">
        <thead>
          <tr>
            <th scope="col">{strings.auditWhen}</th>
            <th scope="col">{strings.auditWho}</th>
            <th scope="col">{strings.auditActionLabel}</th>
            <th scope="col">{strings.auditOutcomeLabel}</th>
            <th scope="col">{strings.auditTarget}</th>
            <th scope="col">{strings.auditDetails}</th>
          </tr>
        </thead>
        <tbody>
          {events.map((event) => (
            <tr key={event.id}>
              <td>
                {formatDateTime(event.occurredAt)}
                <span className="secondary-text block">
                  {format(strings.auditSeq, { seq: String(event.seq) })}
                </span>
              </td>
              <td>
                {actorText(event)}
                {event.actor.position && (
                  <span className="secondary-text block">{event.actor.position}</span>
                )}
              </td>
              <td>
                <code>{event.action}</code>
              </td>
              <td>
                <Tag tone={event.outcome === 'success' ? 'good' : 'bad'}>
                  {strings.outcomes[event.outcome]}
                </Tag>
              </td>
              <td>
                {event.target && (
                  <>
                    {event.target.type}
                    {event.target.id && (
                      <code className="block break identifier">{event.target.id}</code>
                    )}
                  </>
                )}
              </td>
              <td className="break">
                <Summary summary={event.summary} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </TableFrame>
  );
}

/** The export link and the chain check, side by side; the check's verdict below them. */
function VerifyChain({ exportHref }: { exportHref: string }) {
  const [result, setResult] = useState<AuditVerification | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const verify = async () => {
    if (busy) return;
    setBusy(true);
    setProblem(null);
    setResult(null);
    try {
      setResult(await api.get<AuditVerification>(`${EVENTS}/verification`));
    } catch (error) {
      setProblem(error instanceof ApiError ? error.detail : strings.errorUnexpected);
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="verify">
      <div className="toolbar">
        <a className="button button-secondary" href={exportHref} download>
          {strings.auditExport}
        </a>
        <button
          type="button"
          className="button button-secondary"
          aria-disabled={busy || undefined}
          onClick={() => void verify()}
        >
          {busy ? strings.auditVerifying : strings.auditVerify}
        </button>
      </div>
      <div role="status" className="verify-result">
        {result?.intact && (
          <Section id="verify-intact" title={strings.auditIntactTitle} className="notice-success">
            <p>{format(strings.auditIntact, { count: String(result.events) })}</p>
            {result.lastHash && (
              <p className="secondary-text">
                {strings.auditLastHash} <code className="break">{result.lastHash}</code>
              </p>
            )}
          </Section>
        )}
        {result && !result.intact && (
          <Section id="verify-broken" title={strings.auditBrokenTitle} className="error-summary">
            <p>
              {result.problem
                ? format(strings.auditBroken, {
                    seq: String(result.problem.seq),
                    message: result.problem.message,
                  })
                : strings.auditBrokenUnknown}
            </p>
          </Section>
        )}
        {problem && <p className="field-error-message">{problem}</p>}
      </div>
    </div>
  );
}
