import { useState } from 'react';
import { hasPower, isOfficeStaff } from '../access';
import type { Query } from '../api';
import {
  SelectField,
  SubmitForm,
  TextAreaField,
  missing,
  useFields,
  useSubmit,
  optionsWithBlank,
  FormBehindButton,
} from '../components/forms';
import { Fact } from '../components/lists';
import { FormPanel, LoadedRecord, Page, Section, StatusMessage } from '../components/Page';
import {
  DueAtField,
  DueDate,
  DocumentList,
  EvidenceField,
  IncidentListPage,
  RequestRow,
  RequestStatusTag,
  byWhom,
  checkDueAt,
  inAWeek,
  requestColumns,
  YES_NO_ANY,
} from '../components/incidents';
import { usePagedSearch } from '../components/search';
import { formatDateTime } from '../display';
import {
  REPORT_REQUESTS,
  REQUEST_STATUSES,
  incidentsApi,
  localToInstant,
  requestPath,
  type DocRef,
  type RequestAction,
  type RequestDetail,
  type RequestSummary,
} from '../incidents-api';
import { withNestedFields } from '../offerings-api';
import { Link, navigate } from '../router';
import { useMe } from '../session';
import { format, strings } from '../strings';
import { useApi } from '../useApi';
import { RequestReportForm } from './IncidentPages';
import { NotFoundPage } from './NotFoundPage';

/**
 * Incident-report requests (issue 7): an officer asks an organization for a report, with
 * questions and a due date; the organization answers with text and evidence; an officer accepts
 * the answer, returns it with a new due date, or withdraws an open request. An overdue request
 * climbs the escalation ladder set in policy. The server decides who may do what
 * (`allowedActions`).
 */

const PAGE_SIZE = 25;

interface RequestFilter extends Record<string, string> {
  status: string;
  overdue: string;
}

const NO_REQUEST_FILTER: RequestFilter = { status: '', overdue: '' };
const requestQuery = (filter: RequestFilter): Query => filter;

/** `/report-requests`: the requests the user may see, newest first, with its CSV twin. */
export function RequestsPage() {
  const me = useMe();
  const office = isOfficeStaff(me);
  const paged = usePagedSearch<RequestSummary, RequestFilter>(
    REPORT_REQUESTS,
    NO_REQUEST_FILTER,
    requestQuery,
    PAGE_SIZE,
  );
  const { search } = paged;
  const form = 'request-filter';
  return (
    <IncidentListPage
      title={strings.reqListTitle}
      intro={office ? strings.reqListIntroOffice : strings.reqListIntro}
      start={
        hasPower(me, 'request_incident_report') && (
          <FormBehindButton label={strings.reqNewButton} className="button">
            {(close) => (
              <RequestReportForm
                onCancel={close}
                onDone={(message, id) => navigate(`/report-requests/${id}`, { flash: message })}
              />
            )}
          </FormBehindButton>
        )
      }
      searchLabel={strings.reqSearchLabel}
      filters={
        <>
          <SelectField
            form={form}
            label={strings.statusLabel}
            options={optionsWithBlank(
              strings.incAnyStatus,
              REQUEST_STATUSES,
              (status) => strings.reqStatuses[status] ?? status,
            )}
            {...search.bind('status')}
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
      noFilter={NO_REQUEST_FILTER}
      csvPath={REPORT_REQUESTS}
      csvQuery={requestQuery}
      empty={office ? strings.reqEmptyOffice : strings.reqEmpty}
      columns={requestColumns(office)}
      row={(request) => <RequestRow request={request} showOrganization={office} />}
    />
  );
}

/** `/report-requests/:id`: the request, its questions and answer, and what the user may do. */
export function RequestPage({ id }: { id: string }) {
  const request = useApi<RequestDetail>(requestPath(id));
  const [message, setMessage] = useState<string | null>(null);
  if (request.error?.status === 404) return <NotFoundPage record />;
  const record = request.data ?? request.latest;
  const done = (text: string) => {
    setMessage(text);
    request.reload();
  };
  return (
    <Page title={record?.subject ?? strings.reqListTitle}>
      <StatusMessage message={message} />
      <LoadedRecord loaded={request} record={record}>
        {(record) => (
          <>
            <Section id="request-facts" title={strings.reqFactsHeading}>
              <dl className="facts facts-wide">
                <Fact label={strings.reqAskedOf}>{record.organization.name}</Fact>
                <Fact label={strings.statusLabel}>
                  <RequestStatusTag status={record.status} />
                </Fact>
                {record.incidentId && (
                  <Fact label={strings.reqIncident}>
                    <Link to={`/incidents/${record.incidentId}`}>
                      {record.incidentTitle ?? strings.reqIncidentLink}
                    </Link>
                  </Fact>
                )}
                <Fact label={strings.reqRequestedBy}>
                  {record.requestedBy ? byWhom(record.requestedBy) : strings.incSomeone}
                </Fact>
                <Fact label={strings.reqRequestedAt}>{formatDateTime(record.requestedAt)}</Fact>
                <Fact label={strings.reqDueAt}>
                  <DueDate at={record.dueAt} overdue={record.overdue} />
                </Fact>
                {record.escalations.length > 0 && (
                  <Fact label={strings.reqEscalations}>
                    <ul className="plain-list">
                      {record.escalations.map((step) => (
                        <li key={step.step}>
                          {format(strings.reqEscalationStep, {
                            step: String(step.step),
                            post: step.post,
                            at: formatDateTime(step.at),
                          })}
                        </li>
                      ))}
                    </ul>
                  </Fact>
                )}
                {record.closedNote && (
                  <Fact label={strings.reqClosedNote} className="statement">
                    {record.closedNote}
                  </Fact>
                )}
              </dl>
            </Section>

            <Section id="request-questions" title={strings.reqQuestions}>
              <ol className="result-list">
                {record.questions.map((question, index) => (
                  <li key={index}>
                    <p className="statement">{question}</p>
                    {record.answer?.answers[index] && (
                      <p className="statement">
                        <strong>{strings.reqAnswerLabel}</strong> {record.answer.answers[index]}
                      </p>
                    )}
                  </li>
                ))}
              </ol>
            </Section>

            {record.answer && (
              <Section id="request-answer" title={strings.reqAnswerHeading}>
                <p className="statement">{record.answer.text}</p>
                <dl className="facts facts-wide">
                  <Fact label={strings.reqAnsweredAt}>
                    {formatDateTime(record.answer.answeredAt)}
                  </Fact>
                  <Fact label={strings.reqAnsweredBy}>
                    {record.answer.answeredBy?.name ?? strings.incSomeone}
                  </Fact>
                  <Fact label={strings.incEvidence}>
                    <DocumentList documents={record.answer.documents} />
                  </Fact>
                </dl>
              </Section>
            )}

            <Section id="request-actions" title={strings.incActionsHeading}>
              {record.allowedActions.length === 0 ? (
                <p>{strings.reqNoActions}</p>
              ) : (
                record.allowedActions.map((action) => (
                  <RequestActionForm
                    key={`${action}-${String(record.revision)}`}
                    request={record}
                    action={action}
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

/** One step on a request, with the fields that step takes. */
function RequestActionForm({
  request,
  action,
  onDone,
}: {
  request: RequestDetail;
  action: RequestAction;
  onDone: (message: string) => void;
}) {
  const form = `request-step-${action}`;
  const fields = useFields({
    text: '',
    note: '',
    dueAt: inAWeek(),
  });
  const [answers, setAnswers] = useState<string[]>(() => request.questions.map(() => ''));
  const [documents, setDocuments] = useState<DocRef[]>([]);
  const submit = useSubmit();
  const problem = submit.problem;
  const title = strings.reqActions[action] ?? action;
  const labels: Record<string, string> = {
    text: strings.reqAnswerText,
    note: action === 'accept' ? strings.incNote : strings.reqWhy,
    dueAt: strings.reqNewDueAt,
    documentIds: strings.incEvidence,
  };
  request.questions.forEach((_, index) => {
    labels[`answers-${String(index)}`] = format(strings.reqAnswerN, { n: String(index + 1) });
  });

  const check = (): Record<string, string> => {
    if (action === 'answer') return missing(fields.values, ['text']);
    if (action === 'return') {
      return checkDueAt(missing(fields.values, ['note', 'dueAt']), fields.values.dueAt);
    }
    if (action === 'withdraw') return missing(fields.values, ['note']);
    return {};
  };

  const send = async () => {
    const note = fields.values.note.trim();
    try {
      switch (action) {
        case 'answer': {
          const given = answers.some((answer) => answer.trim() !== '');
          await incidentsApi.answerRequest(request.id, {
            text: fields.values.text.trim(),
            ...(given && { answers: answers.map((answer) => answer.trim()) }),
            documentIds: documents.map((document) => document.id),
          });
          break;
        }
        case 'accept':
          await incidentsApi.acceptRequest(request.id, note ? { note } : {});
          break;
        case 'return':
          await incidentsApi.returnRequest(request.id, {
            note,
            dueAt: localToInstant(fields.values.dueAt),
          });
          break;
        case 'withdraw':
          await incidentsApi.withdrawRequest(request.id, { note });
          break;
      }
    } catch (error) {
      throw withNestedFields(error);
    }
    onDone(strings.reqDone[action] ?? title);
  };

  return (
    <FormPanel id={form} title={title}>
      <SubmitForm
        id={form}
        submit={submit}
        labels={labels}
        submitLabel={title}
        onSubmit={submit.onSubmit(send, check)}
      >
        {action === 'answer' && (
          <>
            {request.questions.map((question, index) => (
              <TextAreaField
                key={index}
                form={form}
                name={`answers-${String(index)}`}
                label={format(strings.reqAnswerN, { n: String(index + 1) })}
                hint={question}
                optional
                value={answers[index] ?? ''}
                error={problem?.fields[`answers-${String(index)}`]}
                onChange={(event) =>
                  setAnswers(answers.map((old, at) => (at === index ? event.target.value : old)))
                }
              />
            ))}
            <TextAreaField
              form={form}
              label={labels.text ?? ''}
              hint={strings.reqAnswerTextHint}
              rows={6}
              error={problem?.fields.text}
              {...fields.bind('text')}
            />
            <EvidenceField
              form={form}
              documents={documents}
              problem={problem}
              onChange={setDocuments}
            />
          </>
        )}
        {action !== 'answer' && (
          <TextAreaField
            form={form}
            label={labels.note ?? ''}
            optional={action === 'accept'}
            error={problem?.fields.note}
            {...fields.bind('note')}
          />
        )}
        {action === 'return' && (
          <DueAtField
            form={form}
            label={labels.dueAt ?? ''}
            error={problem?.fields.dueAt}
            {...fields.bind('dueAt')}
          />
        )}
      </SubmitForm>
    </FormPanel>
  );
}
