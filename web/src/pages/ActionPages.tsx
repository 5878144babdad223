import { useState } from 'react';
import { hasPower, isOfficeStaff } from '../access';
import { withQuery, type Query } from '../api';
import {
  CheckboxField,
  SelectField,
  SubmitForm,
  TextAreaField,
  missing,
  useFields,
  useSubmit,
} from '../components/forms';
import { Tag } from '../components/lists';
import { LoadError, Loading, Page, Section, StatusMessage } from '../components/Page';
import { FilterBar, PagedResults } from '../components/search';
import { formatDateTime } from '../display';
import {
  ACTION_KINDS,
  ACTION_STATUSES,
  RESPONSE_ACTIONS,
  actionPath,
  incidentsApi,
  type ActionDetail,
  type ActionStep,
  type ActionSummary,
  type DocRef,
} from '../incidents-api';
import { withNestedFields } from '../offerings-api';
import { Link, navigate } from '../router';
import { useMe } from '../session';
import { format, strings } from '../strings';
import { useApi } from '../useApi';
import {
  ActionStatusTag,
  DocumentList,
  EvidenceField,
  OrderActionForm,
  OverdueTag,
  actionKindName,
  byWhom,
  unfiltered,
  useFilteredList,
} from './IncidentPages';
import { NotFoundPage } from './NotFoundPage';

/**
 * Response actions (issue 7): an officer orders an organization to act (contain, notify people,
 * rotate credentials, suspend an offering's accreditation, a corrective plan, a special audit);
 * the organization records progress with evidence and says when it is done; an officer verifies
 * or rejects the work, then closes the action, or cancels it. The server decides who may do what
 * (`allowedActions`).
 */

interface ActionFilter extends Record<string, string> {
  status: string;
  kind: string;
  overdue: string;
}

const NO_ACTION_FILTER: ActionFilter = { status: '', kind: '', overdue: '' };
const actionQuery = (filter: ActionFilter): Query => filter;

/** `/response-actions`: the actions the user may see, newest first, with its CSV twin. */
export function ActionsPage() {
  const me = useMe();
  const office = isOfficeStaff(me);
  const paged = useFilteredList<ActionSummary, ActionFilter>(
    RESPONSE_ACTIONS,
    NO_ACTION_FILTER,
    actionQuery,
  );
  const { search, applied } = paged;
  const form = 'action-filter';
  const empty = paged.shown?.total === 0 && unfiltered(applied, NO_ACTION_FILTER);
  const [ordering, setOrdering] = useState(false);
  return (
    <Page
      title={strings.actListTitle}
      intro={office ? strings.actListIntroOffice : strings.actListIntro}
    >
      {hasPower(me, 'order_response_action') &&
        (ordering ? (
          <OrderActionForm
            onCancel={() => setOrdering(false)}
            onDone={(message, id) => navigate(`/response-actions/${id}`, { flash: message })}
          />
        ) : (
          <p className="button-row">
            <button type="button" className="button" onClick={() => setOrdering(true)}>
              {strings.actNewButton}
            </button>
          </p>
        ))}
      <FilterBar label={strings.actSearchLabel} submitLabel={strings.search} onApply={paged.apply}>
        <SelectField
          form={form}
          label={strings.statusLabel}
          options={[
            { value: '', label: strings.incAnyStatus },
            ...ACTION_STATUSES.map((status) => ({
              value: status,
              label: strings.actStatuses[status] ?? status,
            })),
          ]}
          {...search.bind('status')}
        />
        <SelectField
          form={form}
          label={strings.actKind}
          options={[
            { value: '', label: strings.actAnyKind },
            ...ACTION_KINDS.map((kind) => ({ value: kind, label: actionKindName(kind) })),
          ]}
          {...search.bind('kind')}
        />
        <SelectField
          form={form}
          label={strings.reqOverdueFilter}
          options={[
            { value: '', label: strings.incAny },
            { value: 'true', label: strings.incYes },
            { value: 'false', label: strings.incNo },
          ]}
          {...search.bind('overdue')}
        />
      </FilterBar>
      <p className="button-row">
        <a href={withQuery(`${RESPONSE_ACTIONS}.csv`, actionQuery(applied))} download>
          {strings.incDownloadCsv}
        </a>
      </p>
      {empty && (
        <div className="notice">
          <p>{office ? strings.actEmptyOffice : strings.actEmpty}</p>
        </div>
      )}
      <PagedResults paged={paged} label={strings.actListTitle}>
        {(items) => (
          <>
            <thead>
              <tr>
                <th scope="col">{strings.actKind}</th>
                {office && <th scope="col">{strings.organizationLabel}</th>}
                <th scope="col">{strings.statusLabel}</th>
                <th scope="col">{strings.actDueAt}</th>
                <th scope="col">{strings.actOwner}</th>
              </tr>
            </thead>
            <tbody aria-busy={paged.list.loading}>
              {items.map((action) => (
                <tr key={action.id}>
                  <td>
                    <Link to={`/response-actions/${action.id}`}>{actionKindName(action.kind)}</Link>
                    <span className="block secondary-text">{action.description}</span>
                  </td>
                  {office && <td>{action.organization.name}</td>}
                  <td>
                    <ActionStatusTag status={action.status} />
                  </td>
                  <td>
                    {formatDateTime(action.dueAt)}
                    <OverdueTag overdue={action.overdue} />
                  </td>
                  <td>{action.owner ? action.owner.name : strings.none}</td>
                </tr>
              ))}
            </tbody>
          </>
        )}
      </PagedResults>
    </Page>
  );
}

/** `/response-actions/:id`: the action, its progress, and what the user may do on it. */
export function ActionPage({ id }: { id: string }) {
  const action = useApi<ActionDetail>(actionPath(id));
  const [message, setMessage] = useState<string | null>(null);
  if (action.error?.status === 404) return <NotFoundPage record />;
  const record = action.data ?? action.latest;
  const done = (text: string) => {
    setMessage(text);
    action.reload();
  };
  return (
    <Page
      title={
        record
          ? format(strings.actTitle, {
              kind: actionKindName(record.kind),
              organization: record.organization.name,
            })
          : strings.actListTitle
      }
    >
      <StatusMessage message={message} />
      {action.error ? (
        <LoadError detail={action.error.detail} onRetry={action.reload} />
      ) : !record ? (
        <Loading />
      ) : (
        <>
          <Section id="action-facts" title={strings.actFactsHeading}>
            <dl className="facts facts-wide">
              <dt>{strings.actOrderedOf}</dt>
              <dd>{record.organization.name}</dd>
              <dt>{strings.statusLabel}</dt>
              <dd>
                <ActionStatusTag status={record.status} />
              </dd>
              <dt>{strings.actKind}</dt>
              <dd>{actionKindName(record.kind)}</dd>
              <dt>{strings.actDescription}</dt>
              <dd className="statement">{record.description}</dd>
              {record.offering && (
                <>
                  <dt>{strings.actOffering}</dt>
                  <dd>{record.offering.name}</dd>
                </>
              )}
              {record.incidentId && (
                <>
                  <dt>{strings.reqIncident}</dt>
                  <dd>
                    <Link to={`/incidents/${record.incidentId}`}>{strings.reqIncidentLink}</Link>
                  </dd>
                </>
              )}
              {record.breachId && (
                <>
                  <dt>{strings.actBreach}</dt>
                  <dd>
                    <Link to={`/breaches/${record.breachId}`}>{strings.incTimelineOpenBreach}</Link>
                  </dd>
                </>
              )}
              <dt>{strings.actOrderedBy}</dt>
              <dd>{record.orderedBy ? byWhom(record.orderedBy) : strings.incSomeone}</dd>
              <dt>{strings.actOrderedAt}</dt>
              <dd>{formatDateTime(record.orderedAt)}</dd>
              <dt>{strings.actDueAt}</dt>
              <dd>
                {formatDateTime(record.dueAt)}
                <OverdueTag overdue={record.overdue} />
              </dd>
              <dt>{strings.actOwner}</dt>
              <dd>{record.owner ? record.owner.name : strings.none}</dd>
              {record.doneAt && (
                <>
                  <dt>{strings.actDoneAt}</dt>
                  <dd>{formatDateTime(record.doneAt)}</dd>
                </>
              )}
              {record.verifiedAt && (
                <>
                  <dt>{strings.actVerifiedAt}</dt>
                  <dd>
                    {format(strings.actVerifiedValue, {
                      at: formatDateTime(record.verifiedAt),
                      by: record.verifiedBy?.name ?? strings.incSomeone,
                    })}
                  </dd>
                </>
              )}
              {record.verificationNote && (
                <>
                  <dt>{strings.actVerificationNote}</dt>
                  <dd className="statement">{record.verificationNote}</dd>
                </>
              )}
              {record.closedAt && (
                <>
                  <dt>{strings.actClosedAt}</dt>
                  <dd>{formatDateTime(record.closedAt)}</dd>
                </>
              )}
            </dl>
          </Section>

          <Section id="action-progress" title={strings.actProgressHeading}>
            {record.progress.length === 0 ? (
              <p>{strings.actProgressNone}</p>
            ) : (
              <ol className="plain-list timeline">
                {record.progress.map((entry) => (
                  <li key={entry.id}>
                    <strong>{entry.by?.name ?? strings.incSomeone}</strong>
                    <span className="secondary-text"> {formatDateTime(entry.at)}</span>
                    {entry.marksDone && (
                      <>
                        {' '}
                        <Tag tone="good">{strings.actMarkedDone}</Tag>
                      </>
                    )}
                    <p className="statement">{entry.text}</p>
                    {entry.documents.length > 0 && <DocumentList documents={entry.documents} />}
                  </li>
                ))}
              </ol>
            )}
          </Section>

          <Section id="action-steps" title={strings.incActionsHeading}>
            {record.allowedActions.length === 0 ? (
              <p>{strings.actNoActions}</p>
            ) : (
              record.allowedActions.map((step) => (
                <ActionStepForm
                  key={`${step}-${String(record.revision)}`}
                  action={record}
                  step={step}
                  onDone={done}
                />
              ))
            )}
          </Section>
        </>
      )}
    </Page>
  );
}

/** One step on an action: progress by the organization, or an officer's decision. */
function ActionStepForm({
  action,
  step,
  onDone,
}: {
  action: ActionDetail;
  step: ActionStep;
  onDone: (message: string) => void;
}) {
  const form = `action-step-${step}`;
  const fields = useFields({ text: '', note: '' });
  const [done, setDone] = useState(false);
  const [documents, setDocuments] = useState<DocRef[]>([]);
  const submit = useSubmit();
  const problem = submit.problem;
  const title = strings.actSteps[step] ?? step;
  const labels: Record<string, string> = {
    text: strings.actProgressText,
    note: step === 'close' ? strings.incNote : strings.actNoteLabel,
    documentIds: strings.incEvidence,
    done: strings.actDoneCheckbox,
  };
  const check = (): Record<string, string> => {
    if (step === 'progress') return missing(fields.values, ['text']);
    if (step === 'close') return {};
    return missing(fields.values, ['note']);
  };
  const send = async () => {
    try {
      if (step === 'progress') {
        await incidentsApi.recordProgress(action.id, {
          text: fields.values.text.trim(),
          documentIds: documents.map((document) => document.id),
          ...(done && { done: true }),
        });
        onDone(done ? strings.actProgressDone : strings.actProgressSaved);
        return;
      }
      await incidentsApi.decideAction(action.id, step, fields.values.note.trim());
    } catch (error) {
      throw withNestedFields(error);
    }
    onDone(strings.actStepDone[step] ?? title);
  };
  return (
    <div className="panel" role="region" aria-labelledby={`${form}-heading`}>
      <h4 id={`${form}-heading`}>{title}</h4>
      {step === 'verify' && action.kind === 'suspend_accreditation' && (
        <p>{strings.actVerifySuspends}</p>
      )}
      <SubmitForm
        id={form}
        submit={submit}
        labels={labels}
        submitLabel={step === 'progress' && done ? strings.actProgressSubmitDone : title}
        onSubmit={submit.onSubmit(send, check)}
      >
        {step === 'progress' ? (
          <>
            <TextAreaField
              form={form}
              label={labels.text ?? ''}
              hint={strings.actProgressHint}
              rows={5}
              error={problem?.fields.text}
              {...fields.bind('text')}
            />
            <EvidenceField
              form={form}
              documents={documents}
              problem={problem}
              onChange={setDocuments}
            />
            <CheckboxField
              form={form}
              name="done"
              label={strings.actDoneCheckbox}
              hint={strings.actDoneHint}
              checked={done}
              onChange={setDone}
            />
          </>
        ) : (
          <TextAreaField
            form={form}
            label={labels.note ?? ''}
            optional={step === 'close'}
            error={problem?.fields.note}
            {...fields.bind('note')}
          />
        )}
      </SubmitForm>
    </div>
  );
}
