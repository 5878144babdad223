import { useState } from 'react';
import { hasPower, isOfficeStaff } from '../access';
import type { Query } from '../api';
import {
  CheckboxField,
  SelectField,
  SubmitForm,
  TextAreaField,
  missing,
  useFields,
  useSubmit,
  optionsWithBlank,
  FormBehindButton,
} from '../components/forms';
import { Fact, Tag } from '../components/lists';
import { FormPanel, LoadedRecord, Page, Section, StatusMessage } from '../components/Page';
import {
  ActionRow,
  ActionStatusTag,
  DueDate,
  DocumentList,
  EvidenceField,
  IncidentListPage,
  actionColumns,
  actionKindName,
  byWhom,
  YES_NO_ANY,
} from '../components/incidents';
import { usePagedSearch } from '../components/search';
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
import { OrderActionForm } from './IncidentPages';
import { NotFoundPage } from './NotFoundPage';

/**
 * Response actions (issue 7): an officer orders an organization to act (contain, notify people,
 * rotate credentials, suspend an offering's accreditation, a corrective plan, a special audit);
 * the organization records progress with evidence and says when it is done; an officer verifies
 * or rejects the work, then closes the action, or cancels it. The server decides who may do what
 * (`allowedActions`).
 */

const PAGE_SIZE = 25;

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
  const paged = usePagedSearch<ActionSummary, ActionFilter>(
    RESPONSE_ACTIONS,
    NO_ACTION_FILTER,
    actionQuery,
    PAGE_SIZE,
  );
  const { search } = paged;
  const form = 'action-filter';
  return (
    <IncidentListPage
      title={strings.actListTitle}
      intro={office ? strings.actListIntroOffice : strings.actListIntro}
      start={
        hasPower(me, 'order_response_action') && (
          <FormBehindButton label={strings.actNewButton} className="button">
            {(close) => (
              <OrderActionForm
                onCancel={close}
                onDone={(message, id) => navigate(`/response-actions/${id}`, { flash: message })}
              />
            )}
          </FormBehindButton>
        )
      }
      searchLabel={strings.actSearchLabel}
      filters={
        <>
          <SelectField
            form={form}
            label={strings.statusLabel}
            options={optionsWithBlank(
              strings.incAnyStatus,
              ACTION_STATUSES,
              (status) => strings.actStatuses[status] ?? status,
            )}
            {...search.bind('status')}
          />
          <SelectField
            form={form}
            label={strings.actKind}
            options={optionsWithBlank(strings.actAnyKind, ACTION_KINDS, actionKindName)}
            {...search.bind('kind')}
          />
          <SelectField
            form={form}
            label={strings.reqOverdueFilter}
            options={YES_NO_ANY}
            {...search.bind('overdue')}
          />
        </>
      }
      paged={paged}
      noFilter={NO_ACTION_FILTER}
      csvPath={RESPONSE_ACTIONS}
      csvQuery={actionQuery}
      empty={office ? strings.actEmptyOffice : strings.actEmpty}
      columns={actionColumns(office)}
      row={(action) => <ActionRow action={action} showOrganization={office} />}
    />
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
      <LoadedRecord loaded={action} record={record}>
        {(record) => (
          <>
            <Section id="action-facts" title={strings.actFactsHeading}>
              <dl className="facts facts-wide">
                <Fact label={strings.actOrderedOf}>{record.organization.name}</Fact>
                <Fact label={strings.statusLabel}>
                  <ActionStatusTag status={record.status} />
                </Fact>
                <Fact label={strings.actKind}>{actionKindName(record.kind)}</Fact>
                <Fact label={strings.actDescription} className="statement">
                  {record.description}
                </Fact>
                {record.offering && <Fact label={strings.actOffering}>{record.offering.name}</Fact>}
                {record.incidentId && (
                  <Fact label={strings.reqIncident}>
                    <Link to={`/incidents/${record.incidentId}`}>{strings.reqIncidentLink}</Link>
                  </Fact>
                )}
                {record.breachId && (
                  <Fact label={strings.actBreach}>
                    <Link to={`/breaches/${record.breachId}`}>{strings.incTimelineOpenBreach}</Link>
                  </Fact>
                )}
                <Fact label={strings.actOrderedBy}>
                  {record.orderedBy ? byWhom(record.orderedBy) : strings.incSomeone}
                </Fact>
                <Fact label={strings.actOrderedAt}>{formatDateTime(record.orderedAt)}</Fact>
                <Fact label={strings.actDueAt}>
                  <DueDate at={record.dueAt} overdue={record.overdue} />
                </Fact>
                <Fact label={strings.actOwner}>
                  {record.owner ? record.owner.name : strings.none}
                </Fact>
                {record.doneAt && (
                  <Fact label={strings.actDoneAt}>{formatDateTime(record.doneAt)}</Fact>
                )}
                {record.verifiedAt && (
                  <Fact label={strings.actVerifiedAt}>
                    {format(strings.actVerifiedValue, {
                      at: formatDateTime(record.verifiedAt),
                      by: record.verifiedBy?.name ?? strings.incSomeone,
                    })}
                  </Fact>
                )}
                {record.verificationNote && (
                  <Fact label={strings.actVerificationNote} className="statement">
                    {record.verificationNote}
                  </Fact>
                )}
                {record.closedAt && (
                  <Fact label={strings.actClosedAt}>{formatDateTime(record.closedAt)}</Fact>
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
      </LoadedRecord>
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
    <FormPanel id={form} title={title}>
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
    </FormPanel>
  );
}
