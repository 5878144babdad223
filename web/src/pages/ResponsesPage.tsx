import { useRef, useState, type ChangeEvent } from 'react';
import { may } from '../access';
import { api, ApiError, type LevelControl, type LevelVersion } from '../api';
import { applicationPath, applicationsApi } from '../applications-api';
import {
  CheckboxField,
  ErrorSummary,
  SelectField,
  SubmitForm,
  TextAreaField,
  useSubmit,
  type FormProblem,
} from '../components/forms';
import { DataTable, Pagination, ResultCount, Tag } from '../components/lists';
import { LoadError, Loading, Page, Section, StatusMessage } from '../components/Page';
import {
  EDITABLE_STATUSES,
  RESPONSE_STATUSES,
  RESPONSIBILITIES,
  uploadDocument,
  type ApplicationWithProgress,
  type ControlResponse,
  type ResponseStatus,
  type Responsibility,
} from '../offerings-api';
import { Link } from '../router';
import { useMe } from '../session';
import { format, strings } from '../strings';
import { useApi } from '../useApi';
import { NotFoundPage } from './NotFoundPage';
import { applicationStatusTag, DocumentLink } from './OfferingPages';

/**
 * `/applications/:id/responses`: the provider answers each control of the level it seeks (issue 5,
 * item 2). The controls and their titles come from the level version the progress is counted
 * against (the latest published one while the application is a draft, the pinned one after). A
 * level has up to hundreds of controls, so they are listed a page at a time, each answer's form
 * opened on demand.
 */

const PAGE_SIZE = 20;
/** How many unanswered controls a refused submission names before "and N more". */
const UNANSWERED_SHOWN = 20;

interface ListedControl extends LevelControl {
  groupId: string | null;
  groupTitle: string;
}

const groupKey = (id: string | null) => id ?? '';
const controlName = (control: LevelControl) => `${control.label ?? control.id} ${control.title}`;
const toggleId = (controlId: string) => `answer-toggle-${controlId}`;

export function ResponsesPage({ id }: { id: string }) {
  const me = useMe();
  const view = useApi<ApplicationWithProgress>(applicationPath(id));
  const responses = useApi<{ items: ControlResponse[] }>(`${applicationPath(id)}/responses`);
  const application = view.data?.application;
  const progress = view.data?.progress ?? null;
  const level = useApi<LevelVersion>(
    application && progress
      ? `/api/v1/levels/${encodeURIComponent(application.levelSought.code)}/versions/${progress.levelVersion}`
      : null,
  );
  const [message, setMessage] = useState<string | null>(null);

  if (view.error?.status === 404) return <NotFoundPage record />;
  const levelTitle = level.data?.level.title ?? application?.levelSought.code ?? '';
  const offeringName = application?.offeringName ?? '';
  const title = offeringName
    ? format(strings.responsesTitle, { offering: offeringName, level: levelTitle })
    : strings.responsesTitleShort;
  const refresh = () => {
    view.reload();
    responses.reload();
  };
  const error = view.error ?? responses.error ?? level.error;

  return (
    <Page title={title}>
      <StatusMessage message={message} />
      {error ? (
        <LoadError detail={error.detail} onRetry={refresh} />
      ) : !view.data || !responses.data || !application ? (
        <Loading />
      ) : (
        <>
          <p>
            <Link to={`/applications/${application.id}`}>{strings.responsesBackToApplication}</Link>
            {' · '}
            <Link to={`/offerings/${application.offeringId}`}>
              {strings.responsesBackToOffering}
            </Link>
          </p>
          <p>
            {strings.statusLabel}: {applicationStatusTag(application.status)}
          </p>
          {!progress ? (
            <p className="notice">{strings.responsesNoLevel}</p>
          ) : !level.data ? (
            <Loading />
          ) : (
            <Answers
              key={application.id}
              view={view.data}
              progress={progress}
              level={level.data}
              responses={responses.data.items}
              mayAnswer={may.answerControls(me)}
              onChanged={(text) => {
                setMessage(text);
                refresh();
              }}
            />
          )}
        </>
      )}
    </Page>
  );
}

function Answers({
  view,
  progress,
  level,
  responses,
  mayAnswer,
  onChanged,
}: {
  view: ApplicationWithProgress;
  progress: NonNullable<ApplicationWithProgress['progress']>;
  level: LevelVersion;
  responses: readonly ControlResponse[];
  mayAnswer: boolean;
  onChanged: (message: string) => void;
}) {
  const { application, allowedActions } = view;
  const editable = EDITABLE_STATUSES.includes(application.status);
  const [groupFilter, setGroupFilter] = useState('');
  const [unansweredOnly, setUnansweredOnly] = useState(false);
  const [offset, setOffset] = useState(0);
  const [open, setOpen] = useState<string | null>(null);
  const controlsHeading = useRef<HTMLHeadingElement>(null);

  const withdrawn = new Set(progress.withdrawn);
  const byControl = new Map(responses.map((response) => [response.controlId, response]));
  const controls: ListedControl[] = level.groups.flatMap((group) =>
    group.controls
      .filter((control) => !withdrawn.has(control.id))
      .map((control) => ({ ...control, groupId: group.id, groupTitle: group.title })),
  );
  const titles = new Map(controls.map((control) => [control.id, controlName(control)]));
  const listed = controls.filter(
    (control) =>
      (groupFilter === '' || groupKey(control.groupId) === groupFilter) &&
      (!unansweredOnly || !byControl.has(control.id)),
  );
  // A filter that shortens the list may leave the page past its end.
  const start = offset < listed.length ? offset : 0;
  const page = listed.slice(start, start + PAGE_SIZE);

  const filterChanged = () => {
    setOffset(0);
    setOpen(null);
  };

  return (
    <>
      {application.status === 'returned' && application.returnReasons && (
        <Section id="return-reasons" title={strings.responsesReturnedHeading} className="notice">
          <ul>
            {application.returnReasons.map((reason, index) => (
              <li key={index}>{reason}</li>
            ))}
          </ul>
        </Section>
      )}
      {!editable ? (
        <div className="notice">
          <p>
            {format(strings.responsesLocked, {
              status: strings.applicationStatuses[application.status] ?? application.status,
            })}
          </p>
        </div>
      ) : (
        !mayAnswer && (
          <div className="notice">
            <p>{strings.responsesProviderOnly}</p>
          </div>
        )
      )}

      <ProgressSummary progress={progress} />

      {allowedActions.includes('submit') && (
        <SubmitApplication
          applicationId={application.id}
          unanswered={progress.unanswered}
          titles={titles}
          onShowUnanswered={() => {
            setGroupFilter('');
            setUnansweredOnly(true);
            filterChanged();
            window.setTimeout(() => controlsHeading.current?.focus(), 0);
          }}
          onSubmitted={() => onChanged(strings.responsesSubmitted)}
        />
      )}

      <section className="panel" aria-labelledby="controls-heading">
        <h3 id="controls-heading" tabIndex={-1} ref={controlsHeading}>
          {strings.responsesControlsHeading}
        </h3>
        <div className="filters" role="group" aria-label={strings.responsesFilterLabel}>
          <SelectField
            form="controls-filter"
            name="group"
            label={strings.responsesGroupFilter}
            options={[
              { value: '', label: strings.responsesAllGroups },
              ...level.groups.map((group) => ({
                value: groupKey(group.id),
                label: group.title,
              })),
            ]}
            value={groupFilter}
            onChange={(event) => {
              setGroupFilter(event.target.value);
              filterChanged();
            }}
          />
          <CheckboxField
            form="controls-filter"
            name="unanswered"
            label={strings.responsesUnansweredOnly}
            checked={unansweredOnly}
            onChange={(checked) => {
              setUnansweredOnly(checked);
              filterChanged();
            }}
          />
        </div>
        <ResultCount offset={start} shown={page.length} total={listed.length} loading={false} />
        {listed.length === 0 && unansweredOnly && <p>{strings.responsesAllAnswered}</p>}
        <ol className="control-list">
          {page.map((control) => {
            const response = byControl.get(control.id);
            const expanded = open === control.id;
            const formId = `answer-${control.id}`;
            return (
              <li key={control.id} className="control-item" id={`control-${control.id}`}>
                <h4 className="control-item-title">{controlName(control)}</h4>
                <p className="control-item-meta">
                  {response ? (
                    <>
                      <Tag tone={response.status === 'implemented' ? 'good' : 'neutral'}>
                        {strings.responseStatuses[response.status]}
                      </Tag>{' '}
                      {format(strings.responsesResponsibilityIs, {
                        who: strings.responsibilities[response.responsibility],
                      })}
                      {response.evidenceDocumentIds.length > 0 &&
                        ` · ${format(strings.responsesEvidenceCount, {
                          count: String(response.evidenceDocumentIds.length),
                        })}`}
                    </>
                  ) : (
                    <Tag tone="warning">{strings.responsesNotAnswered}</Tag>
                  )}
                </p>
                {control.statement && (
                  <details className="details">
                    <summary>{strings.responsesRequirement}</summary>
                    <p className="statement">{control.statement}</p>
                  </details>
                )}
                {(response || (editable && mayAnswer)) && (
                  <p className="button-row">
                    <button
                      type="button"
                      id={toggleId(control.id)}
                      className="button button-secondary button-small"
                      aria-expanded={expanded}
                      aria-controls={formId}
                      onClick={() => setOpen(expanded ? null : control.id)}
                    >
                      {format(
                        editable && mayAnswer
                          ? response
                            ? strings.responsesChange
                            : strings.responsesAnswer
                          : strings.responsesShow,
                        { control: control.label ?? control.id },
                      )}
                    </button>
                  </p>
                )}
                {expanded && (
                  <div id={formId}>
                    {editable && mayAnswer ? (
                      <AnswerForm
                        applicationId={application.id}
                        control={control}
                        response={response}
                        onCancel={() => {
                          setOpen(null);
                          window.setTimeout(
                            () => document.getElementById(toggleId(control.id))?.focus(),
                            0,
                          );
                        }}
                        onSaved={() => {
                          setOpen(null);
                          onChanged(
                            format(strings.responsesSaved, {
                              control: control.label ?? control.id,
                            }),
                          );
                          // The toggle may have left the list (unanswered only); the heading stays.
                          window.setTimeout(
                            () =>
                              (
                                document.getElementById(toggleId(control.id)) ??
                                controlsHeading.current
                              )?.focus(),
                            0,
                          );
                        }}
                      />
                    ) : (
                      response && <AnswerFacts response={response} />
                    )}
                  </div>
                )}
              </li>
            );
          })}
        </ol>
        <Pagination
          offset={start}
          limit={PAGE_SIZE}
          total={listed.length}
          onChange={(next) => {
            setOffset(next);
            setOpen(null);
            window.setTimeout(() => controlsHeading.current?.focus(), 0);
          }}
        />
      </section>
    </>
  );
}

function ProgressSummary({
  progress,
}: {
  progress: NonNullable<ApplicationWithProgress['progress']>;
}) {
  const overall = format(strings.responsesProgress, {
    answered: String(progress.answered),
    total: String(progress.total),
    percent: String(progress.percent),
  });
  return (
    <Section id="progress" title={strings.responsesProgressHeading}>
      <p className="lead" id="progress-overall">
        {overall}
      </p>
      <progress
        className="progress"
        max={progress.total}
        value={progress.answered}
        aria-labelledby="progress-overall"
      />
      <p className="secondary-text">
        {format(strings.responsesVersionNote, { version: String(progress.levelVersion) })}
        {progress.withoutEvidence.length > 0 &&
          ` ${format(strings.responsesWithoutEvidence, {
            count: String(progress.withoutEvidence.length),
          })}`}
      </p>
      <DataTable
        label={strings.responsesByGroup}
        columns={[strings.responsesGroupColumn, strings.responsesAnsweredColumn]}
      >
        {progress.groups.map((group) => (
          <tr key={groupKey(group.id)}>
            <td>{group.title}</td>
            <td>
              {format(strings.responsesGroupProgress, {
                answered: String(group.answered),
                total: String(group.total),
              })}
            </td>
          </tr>
        ))}
      </DataTable>
    </Section>
  );
}

function SubmitApplication({
  applicationId,
  unanswered,
  titles,
  onShowUnanswered,
  onSubmitted,
}: {
  applicationId: string;
  unanswered: readonly string[];
  titles: ReadonlyMap<string, string>;
  onShowUnanswered: () => void;
  onSubmitted: () => void;
}) {
  const submit = useSubmit();
  const [refusedFor, setRefusedFor] = useState<string | null>(null);
  const send = () =>
    void submit.run(async () => {
      setRefusedFor(null);
      try {
        await applicationsApi.act(applicationId, 'submit');
      } catch (error) {
        if (error instanceof ApiError && error.code === 'controls_unanswered') {
          setRefusedFor(error.code);
        }
        throw error;
      }
      onSubmitted();
    });
  return (
    <Section id="submit" title={strings.responsesSubmitHeading}>
      <p>{strings.responsesSubmitIntro}</p>
      <ErrorSummary
        problem={submit.problem}
        form="submit"
        labels={{}}
        summaryRef={submit.summary}
      />
      {refusedFor && submit.problem && unanswered.length > 0 && (
        <div className="notice">
          <p>{format(strings.responsesUnansweredList, { count: String(unanswered.length) })}</p>
          <ul>
            {unanswered.slice(0, UNANSWERED_SHOWN).map((controlId) => (
              <li key={controlId}>{titles.get(controlId) ?? controlId}</li>
            ))}
          </ul>
          {unanswered.length > UNANSWERED_SHOWN && (
            <p>
              {format(strings.responsesUnansweredMore, {
                count: String(unanswered.length - UNANSWERED_SHOWN),
              })}
            </p>
          )}
          <p className="button-row">
            <button type="button" className="button button-secondary" onClick={onShowUnanswered}>
              {strings.responsesShowUnanswered}
            </button>
          </p>
        </div>
      )}
      <p className="button-row">
        <button
          type="button"
          className="button"
          aria-disabled={submit.busy || undefined}
          onClick={send}
        >
          {submit.busy ? strings.working : strings.responsesSubmit}
        </button>
      </p>
    </Section>
  );
}

/** One control's answer, read only. */
function AnswerFacts({ response }: { response: ControlResponse }) {
  return (
    <dl className="facts facts-wide">
      <dt>{strings.responseStatusLabel}</dt>
      <dd>{strings.responseStatuses[response.status]}</dd>
      <dt>{strings.responseResponsibilityLabel}</dt>
      <dd>{strings.responsibilities[response.responsibility]}</dd>
      <dt>{strings.responseNarrativeLabel}</dt>
      <dd className="statement">{response.narrative || strings.none}</dd>
      {response.reason && (
        <>
          <dt>{strings.responseReasonLabel}</dt>
          <dd className="statement">{response.reason}</dd>
        </>
      )}
      {response.customerResponsibility && (
        <>
          <dt>{strings.responseCustomerLabel}</dt>
          <dd className="statement">{response.customerResponsibility}</dd>
        </>
      )}
      <dt>{strings.responseEvidenceLabel}</dt>
      <dd>
        {response.evidenceDocumentIds.length === 0 ? (
          strings.none
        ) : (
          <ul className="plain-list">
            {response.evidenceDocumentIds.map((documentId) => (
              <li key={documentId}>
                <DocumentLink id={documentId} />
              </li>
            ))}
          </ul>
        )}
      </dd>
    </dl>
  );
}

interface AnswerValues {
  status: ResponseStatus | '';
  responsibility: Responsibility | '';
  narrative: string;
  reason: string;
  customerResponsibility: string;
  evidenceDocumentIds: string[];
}

/** The form of one control's answer, with evidence uploaded as documents and then cited. */
function AnswerForm({
  applicationId,
  control,
  response,
  onCancel,
  onSaved,
}: {
  applicationId: string;
  control: ListedControl;
  response: ControlResponse | undefined;
  onCancel: () => void;
  onSaved: () => void;
}) {
  const form = `answer-${control.id}`;
  const [values, setValues] = useState<AnswerValues>({
    status: response?.status ?? '',
    responsibility: response?.responsibility ?? '',
    narrative: response?.narrative ?? '',
    reason: response?.reason ?? '',
    customerResponsibility: response?.customerResponsibility ?? '',
    evidenceDocumentIds: response?.evidenceDocumentIds ?? [],
  });
  const submit = useSubmit();
  const set = (change: Partial<AnswerValues>) => setValues((old) => ({ ...old, ...change }));
  const text =
    (name: 'narrative' | 'reason' | 'customerResponsibility') =>
    (event: ChangeEvent<HTMLTextAreaElement>) =>
      set({ [name]: event.target.value });
  const notApplicable = values.status === 'not_applicable';
  const customerPart = values.responsibility !== '' && values.responsibility !== 'provider';
  const labels = {
    status: strings.responseStatusLabel,
    responsibility: strings.responseResponsibilityLabel,
    narrative: strings.responseNarrativeLabel,
    reason: strings.responseReasonLabel,
    customerResponsibility: strings.responseCustomerLabel,
    evidenceDocumentIds: strings.responseEvidenceLabel,
  };

  const check = () => {
    const fields: Record<string, string> = {};
    if (values.status === '') fields.status = strings.errorRequired;
    if (values.responsibility === '') fields.responsibility = strings.errorRequired;
    if (!notApplicable && values.narrative.trim() === '') fields.narrative = strings.errorRequired;
    if (notApplicable && values.reason.trim() === '') fields.reason = strings.errorRequired;
    if (customerPart && values.customerResponsibility.trim() === '') {
      fields.customerResponsibility = strings.errorRequired;
    }
    return fields;
  };

  const save = async () => {
    await api.put<ControlResponse>(
      `${applicationPath(applicationId)}/responses/${encodeURIComponent(control.id)}`,
      {
        status: values.status,
        responsibility: values.responsibility,
        narrative: values.narrative.trim(),
        // Only a control that does not apply takes a reason; only a customer's part a duty.
        reason: notApplicable ? values.reason.trim() : null,
        customerResponsibility: customerPart ? values.customerResponsibility.trim() : null,
        evidenceDocumentIds: values.evidenceDocumentIds,
      },
    );
    onSaved();
  };

  return (
    <SubmitForm
      id={form}
      submit={submit}
      labels={labels}
      onSubmit={submit.onSubmit(save, check)}
      submitLabel={format(strings.responsesSave, { control: control.label ?? control.id })}
      actions={
        <button type="button" className="button button-secondary" onClick={onCancel}>
          {strings.cancel}
        </button>
      }
    >
      <SelectField
        form={form}
        name="status"
        label={labels.status}
        options={[
          { value: '', label: strings.chooseOne },
          ...RESPONSE_STATUSES.map((status) => ({
            value: status,
            label: strings.responseStatuses[status],
          })),
        ]}
        error={submit.problem?.fields.status}
        value={values.status}
        onChange={(event) => set({ status: event.target.value as ResponseStatus })}
      />
      <SelectField
        form={form}
        name="responsibility"
        label={labels.responsibility}
        hint={strings.responseResponsibilityHint}
        options={[
          { value: '', label: strings.chooseOne },
          ...RESPONSIBILITIES.map((who) => ({
            value: who,
            label: strings.responsibilities[who],
          })),
        ]}
        error={submit.problem?.fields.responsibility}
        value={values.responsibility}
        onChange={(event) => set({ responsibility: event.target.value as Responsibility })}
      />
      <TextAreaField
        form={form}
        name="narrative"
        label={labels.narrative}
        hint={strings.responseNarrativeHint}
        optional={notApplicable}
        rows={5}
        error={submit.problem?.fields.narrative}
        value={values.narrative}
        onChange={text('narrative')}
      />
      {notApplicable && (
        <TextAreaField
          form={form}
          name="reason"
          label={labels.reason}
          error={submit.problem?.fields.reason}
          value={values.reason}
          onChange={text('reason')}
        />
      )}
      {customerPart && (
        <TextAreaField
          form={form}
          name="customerResponsibility"
          label={labels.customerResponsibility}
          hint={strings.responseCustomerHint}
          error={submit.problem?.fields.customerResponsibility}
          value={values.customerResponsibility}
          onChange={text('customerResponsibility')}
        />
      )}
      <EvidenceField
        form={form}
        documentIds={values.evidenceDocumentIds}
        problem={submit.problem}
        onChange={(evidenceDocumentIds) => set({ evidenceDocumentIds })}
      />
    </SubmitForm>
  );
}

/**
 * The evidence of an answer: documents already cited (each removable) and a file to upload now.
 * An upload stores the document at once; the answer cites it when saved.
 */
function EvidenceField({
  form,
  documentIds,
  problem,
  onChange,
}: {
  form: string;
  documentIds: readonly string[];
  problem: FormProblem | null;
  onChange: (ids: string[]) => void;
}) {
  const id = `${form}-evidenceDocumentIds`;
  const input = useRef<HTMLInputElement>(null);
  const [file, setFile] = useState<File | null>(null);
  const [busy, setBusy] = useState(false);
  const [uploadProblem, setUploadProblem] = useState<string | null>(null);
  const [uploaded, setUploaded] = useState<string | null>(null);
  const error = uploadProblem ?? problem?.fields.evidenceDocumentIds;

  const upload = async () => {
    if (busy) return;
    if (!file) {
      setUploadProblem(strings.responseEvidenceMissing);
      input.current?.focus();
      return;
    }
    setBusy(true);
    setUploadProblem(null);
    setUploaded(null);
    try {
      const stored = await uploadDocument(file, 'evidence');
      onChange([...documentIds, stored.id]);
      setUploaded(format(strings.responseEvidenceUploaded, { file: stored.fileName }));
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
      <legend className="list-legend">{strings.responseEvidenceLabel}</legend>
      {documentIds.length === 0 ? (
        <p>{strings.responseNoEvidence}</p>
      ) : (
        <ul className="evidence-list">
          {documentIds.map((documentId) => (
            <li key={documentId}>
              <DocumentLink id={documentId} />{' '}
              <button
                type="button"
                className="button-link"
                onClick={() => onChange(documentIds.filter((other) => other !== documentId))}
              >
                {strings.responseEvidenceRemove}
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
          {strings.responseEvidenceFile}
        </label>
        <div className="field-hint" id={`${id}-hint`}>
          {strings.responseEvidenceHint}
        </div>
        {error && (
          <p className="field-error-message" id={`${id}-error`} role="alert">
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
        {busy ? strings.working : strings.responseEvidenceUpload}
      </button>
    </fieldset>
  );
}
