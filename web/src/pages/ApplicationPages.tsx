import { useState, type ReactNode } from 'react';
import { isOfficeStaff, may } from '../access';
import type { LevelSummary, Me, Organization, Page as ListPage } from '../api';
import {
  APPLICATION_STATUSES,
  APPLICATIONS,
  applicationDocumentsPath,
  applicationPath,
  applicationsApi,
  DOCUMENTS_EDITABLE,
  linesOf,
  type ActionInput,
  type Application,
  type ApplicationList,
  type ApplicationStatus,
  type ApplicationView,
  type HistoryEntry,
  type LevelRef,
  type NewCondition,
} from '../applications-api';
import {
  CheckboxField,
  ErrorSummary,
  SelectField,
  SubmitForm,
  TextAreaField,
  TextField,
  fieldId,
  missing,
  useFields,
  useSubmit,
  type FormProblem,
} from '../components/forms';
import { DataTable, Tag } from '../components/lists';
import { LoadError, Loading, Page, Section, StatusMessage } from '../components/Page';
import { FilterBar, PagedResults, usePagedSearch } from '../components/search';
import { formatDateTime, formatDay, today } from '../display';
import {
  documentContentPath,
  uploadDocument,
  type DocumentKind,
  type StoredDocument,
} from '../offerings-api';
import { Link, navigate, useSearchParams } from '../router';
import { useMe } from '../session';
import { format, strings } from '../strings';
import { useApi } from '../useApi';
import { NotFoundPage } from './NotFoundPage';

/**
 * Accreditation applications: the queue (`/applications`) and one application
 * (`/applications/:id`) for every role, with a form for each step the server says the user may
 * take now (`allowedActions`) and no other. The server decides; refusals show its detail.
 */

const PAGE_SIZE = 25;
/** The most the API lists at once; enough for every audit firm in one choice. */
const MAX_LIST = 200;

export function statusName(status: string): string {
  return strings.applicationStatuses[status] ?? status;
}

function statusTone(status: ApplicationStatus) {
  if (status === 'accredited') return 'good';
  if (['refused', 'revoked', 'expired', 'withdrawn'].includes(status)) return 'bad';
  if (['returned', 'legal_returned', 'suspended'].includes(status)) return 'warning';
  return 'neutral';
}

export function ApplicationStatusTag({ status }: { status: ApplicationStatus }) {
  return <Tag tone={statusTone(status)}>{statusName(status)}</Tag>;
}

/** The published levels, and a level's title by its code (the code itself until they load). */
export function useLevels() {
  const levels = useApi<{ items: LevelSummary[] }>('/api/v1/levels');
  const items = levels.data?.items ?? [];
  const titleOf = (ref: LevelRef | string) => {
    const code = typeof ref === 'string' ? ref : ref.code;
    return items.find((level) => level.code === code)?.title ?? code;
  };
  return { items, titleOf };
}

function introFor(me: Me): string {
  if (isOfficeStaff(me)) return strings.applicationsIntroOffice;
  if (me.organization.kind === 'audit_firm') return strings.applicationsIntroAuditFirm;
  return strings.applicationsIntroProvider;
}

/**
 * The statuses in which an application waits for a step of this user: by the powers of the posts
 * an officer holds today (docs/accreditation-workflow.md, "Who acts"), or by organization.
 */
function waitingStatuses(me: Me): ApplicationStatus[] {
  if (isOfficeStaff(me)) {
    const byPower: [string, ApplicationStatus][] = [
      ['review_accreditation', 'submitted'],
      ['assign_audit', 'complete'],
      ['review_legal', 'legal_review'],
      ['decide_accreditation', 'awaiting_decision'],
    ];
    return byPower.filter(([power]) => me.powers.includes(power)).map(([, status]) => status);
  }
  if (me.organization.kind === 'audit_firm') return ['in_assessment'];
  if (may.applyForAccreditation(me)) return ['draft', 'returned', 'legal_returned'];
  return [];
}

/** For the dashboard: how many applications wait for this user, by status, with links. */
export function WaitingApplications({ me }: { me: Me }) {
  const statuses = waitingStatuses(me);
  if (!may.viewApplications(me) || statuses.length === 0) return null;
  return (
    <Section id="waiting" title={strings.dashWaitingHeading}>
      <ul className="plain-list">
        {statuses.map((status) => (
          <WaitingCount key={status} status={status} />
        ))}
      </ul>
    </Section>
  );
}

function WaitingCount({ status }: { status: ApplicationStatus }) {
  const count = useApi<ApplicationList>(APPLICATIONS, { status, limit: 1 });
  if (count.error) return <li>{count.error.detail}</li>;
  if (!count.data) return <li>{strings.loading}</li>;
  return (
    <li>
      <Link to={`/applications?status=${status}`}>
        {format(strings.dashWaiting, {
          count: String(count.data.total),
          status: statusName(status),
        })}
      </Link>
    </li>
  );
}

/** `/applications`: the applications the user may see, filtered by status, a page at a time. */
export function ApplicationsPage() {
  const status = useSearchParams().get('status') ?? '';
  // Keyed by the status in the address, so that a link to another status starts the list afresh.
  return <ApplicationQueue key={status} status={status} />;
}

function ApplicationQueue({ status }: { status: string }) {
  const me = useMe();
  const { titleOf } = useLevels();
  const paged = usePagedSearch<Application, { status: string }>(
    APPLICATIONS,
    { status: (APPLICATION_STATUSES as readonly string[]).includes(status) ? status : '' },
    (applied) => ({ status: applied.status }),
    PAGE_SIZE,
  );
  return (
    <Page title={strings.applicationsTitle} intro={introFor(me)}>
      <FilterBar
        label={strings.applicationsFilterLabel}
        submitLabel={strings.show}
        onApply={paged.apply}
      >
        <SelectField
          form="application-filter"
          label={strings.statusLabel}
          options={[
            { value: '', label: strings.anyStatus },
            ...APPLICATION_STATUSES.map((status) => ({ value: status, label: statusName(status) })),
          ]}
          {...paged.search.bind('status')}
        />
      </FilterBar>
      <PagedResults paged={paged} label={strings.applicationsTitle}>
        {(items) => (
          <>
            <thead>
              <tr>
                <th scope="col">{strings.applicationOfferingColumn}</th>
                <th scope="col">{strings.applicationProviderColumn}</th>
                <th scope="col">{strings.applicationLevelColumn}</th>
                <th scope="col">{strings.statusLabel}</th>
                <th scope="col">{strings.updatedLabel}</th>
              </tr>
            </thead>
            <tbody aria-busy={paged.list.loading}>
              {items.map((application) => (
                <tr key={application.id}>
                  <td>
                    <Link to={`/applications/${application.id}`}>
                      {application.offeringName || application.offeringId}
                    </Link>
                  </td>
                  <td>{application.providerName || ''}</td>
                  <td>{titleOf(application.levelSought)}</td>
                  <td>
                    <ApplicationStatusTag status={application.status} />
                  </td>
                  <td>{formatDateTime(application.updatedAt)}</td>
                </tr>
              ))}
            </tbody>
          </>
        )}
      </PagedResults>
      {paged.shown?.total === 0 && <p>{strings.applicationsEmpty}</p>}
      {may.applyForAccreditation(me) && (
        <p>
          <Link to="/offerings">{strings.applicationsApplyLink}</Link>
        </p>
      )}
    </Page>
  );
}

/** `/applications/:id`: the application, where it stands, its history, and the user's next steps. */
export function ApplicationPage({ id }: { id: string }) {
  const me = useMe();
  const view = useApi<ApplicationView>(applicationPath(id));
  const levels = useLevels();
  // Said once the page shows the change: the reload after a step may take a moment.
  const [announcement, setAnnouncement] = useState<{ message: string; revision: number } | null>(
    null,
  );
  if (view.error?.status === 404) return <NotFoundPage record />;
  const data = view.data;
  const application = data?.application;
  const offering = application?.offeringName || application?.offeringId;
  const title = offering
    ? format(strings.applicationHeading, { offering })
    : strings.applicationTitle;
  const done: Done = (message, changed) => {
    setAnnouncement({ message, revision: changed.revision });
    view.reload();
  };
  const shown =
    announcement && application && application.revision >= announcement.revision
      ? announcement.message
      : null;
  return (
    <Page title={title}>
      <StatusMessage message={shown} />
      {view.error && <LoadError detail={view.error.detail} onRetry={view.reload} />}
      {!data && !view.error && <Loading />}
      {data && application && (
        <>
          <Facts application={application} me={me} titleOf={levels.titleOf} />
          {application.returnReasons &&
            (application.status === 'returned' || application.status === 'legal_returned') && (
              <Section id="returned" title={strings.applicationReturnedHeading} className="notice">
                <ReasonList reasons={application.returnReasons} />
              </Section>
            )}
          <Answers view={data} />
          <Documents application={application} me={me} onDone={done} />
          <Assessment
            view={data}
            me={me}
            mayCloseFindings={data.allowedActions.includes('close_finding')}
            onDone={done}
          />
          {application.legalReview && (
            <Section id="legal" title={strings.applicationLegalHeading}>
              <dl className="facts facts-wide">
                <dt>{strings.actionLegalOutcomeLabel}</dt>
                <dd>
                  {strings.applicationLegalOutcomes[application.legalReview.outcome] ??
                    application.legalReview.outcome}
                </dd>
                <dt>{strings.applicationLegalNotesLabel}</dt>
                <dd className="break">{application.legalReview.notes || strings.none}</dd>
              </dl>
            </Section>
          )}
          <Decision application={application} titleOf={levels.titleOf} />
          {(application.grant || application.conditions.length > 0) && (
            <Conditions
              application={application}
              mayClose={data.allowedActions.includes('close_condition')}
              onDone={done}
            />
          )}
          <Actions
            key={application.revision}
            view={data}
            levels={levels.items}
            titleOf={levels.titleOf}
            onDone={done}
          />
          <History application={application} history={data.history} titleOf={levels.titleOf} />
        </>
      )}
    </Page>
  );
}

function ReasonList({ reasons }: { reasons: readonly string[] }) {
  return (
    <ul>
      {reasons.map((reason, index) => (
        <li key={index} className="break">
          {reason}
        </li>
      ))}
    </ul>
  );
}

function Facts({
  application,
  me,
  titleOf,
}: {
  application: Application;
  me: Me;
  titleOf: (ref: LevelRef) => string;
}) {
  // Officers may open any provider; a provider only its own (others answer 404).
  const providerLink = isOfficeStaff(me) || me.organization.id === application.cspOrganizationId;
  const provider = application.providerName || application.cspOrganizationId;
  const offering = application.offeringName || application.offeringId;
  return (
    <Section id="application-details" title={strings.applicationDetailsHeading}>
      <dl className="facts facts-wide">
        <dt>{strings.applicationOfferingLabel}</dt>
        <dd>
          {may.viewOfferings(me) ? (
            <Link to={`/offerings/${application.offeringId}`}>{offering}</Link>
          ) : (
            offering
          )}
        </dd>
        <dt>{strings.applicationProviderLabel}</dt>
        <dd>
          {providerLink ? (
            <Link to={`/organizations/${application.cspOrganizationId}`}>{provider}</Link>
          ) : (
            provider
          )}
        </dd>
        <dt>{strings.applicationKindLabel}</dt>
        <dd>{strings.applicationKinds[application.kind] ?? application.kind}</dd>
        <dt>{strings.applicationLevelSoughtLabel}</dt>
        <dd>{titleOf(application.levelSought)}</dd>
        {application.submission && (
          <>
            <dt>{strings.applicationLevelVersionLabel}</dt>
            <dd>
              <Link
                to={`/levels/${application.levelSought.code}/versions/${application.submission.levelVersion}`}
              >
                {format(strings.applicationLevelVersionValue, {
                  level: titleOf(application.levelSought),
                  version: String(application.submission.levelVersion),
                })}
              </Link>
            </dd>
          </>
        )}
        <dt>{strings.statusLabel}</dt>
        <dd>
          <ApplicationStatusTag status={application.status} />
        </dd>
        <dt>{strings.updatedLabel}</dt>
        <dd>{formatDateTime(application.updatedAt)}</dd>
      </dl>
    </Section>
  );
}

function Answers({ view }: { view: ApplicationView }) {
  const { application, progress } = view;
  const editing =
    view.allowedActions.includes('submit') &&
    (application.status === 'draft' || application.status === 'returned');
  return (
    <Section id="answers" title={strings.applicationAnswersHeading}>
      {progress ? (
        <>
          <p>
            {format(strings.applicationAnswersProgress, {
              answered: String(progress.answered),
              total: String(progress.total),
              percent: String(progress.percent),
            })}
          </p>
          {progress.withoutEvidence.length > 0 && (
            <p className="secondary-text">
              {format(strings.applicationAnswersWithoutEvidence, {
                count: String(progress.withoutEvidence.length),
              })}
            </p>
          )}
        </>
      ) : (
        <p>{strings.applicationAnswersNone}</p>
      )}
      <p>
        <Link to={`/applications/${application.id}/responses`}>
          {editing ? strings.applicationAnswersEdit : strings.applicationAnswersLink}
        </Link>
      </p>
    </Section>
  );
}

const ATTACHABLE_KINDS: readonly DocumentKind[] = ['contract', 'legal', 'architecture', 'other'];

/**
 * The contracts, legal and architecture documents attached to the application: everyone who may
 * see it reads them; the provider attaches and removes them while it prepares the application or
 * answers a return or a request for legal documents.
 */
function Documents({
  application,
  me,
  onDone,
}: {
  application: Application;
  me: Me;
  onDone: Done;
}) {
  const path = applicationDocumentsPath(application.id);
  const attached = useApi<{ items: StoredDocument[] }>(path);
  const [listed, setListed] = useState<StoredDocument[] | null>(null);
  const items = listed ?? attached.data?.items ?? [];
  const editable =
    may.answerControls(me) &&
    me.organization.id === application.cspOrganizationId &&
    DOCUMENTS_EDITABLE.includes(application.status);
  const removing = useSubmit();
  const replace = async (documentIds: string[], message: string) => {
    const answer = await applicationsApi.putDocuments(application.id, documentIds);
    setListed(answer.items);
    // The documents are not part of the application's record: announce at its current revision.
    onDone(message, application);
  };
  return (
    <Section id="documents" title={strings.applicationDocumentsHeading}>
      {attached.error && <LoadError detail={attached.error.detail} onRetry={attached.reload} />}
      {!attached.data && !attached.error && <Loading />}
      {attached.data && items.length === 0 && <p>{strings.applicationDocumentsNone}</p>}
      <ErrorSummary
        problem={removing.problem}
        form="remove-document"
        labels={{}}
        summaryRef={removing.summary}
      />
      {items.length > 0 && (
        <DataTable
          label={strings.applicationDocumentsHeading}
          columns={[
            strings.applicationDocumentColumn,
            strings.applicationDocumentKindColumn,
            strings.applicationDocumentUploadedColumn,
            ...(editable ? [strings.actionsLabel] : []),
          ]}
        >
          {items.map((document) => (
            <tr key={document.id}>
              <td className="break">
                <a href={documentContentPath(document.id)}>{document.fileName}</a>
              </td>
              <td>{strings.applicationDocumentKinds[document.kind] ?? document.kind}</td>
              <td>{formatDateTime(document.uploadedAt)}</td>
              {editable && (
                <td>
                  <button
                    type="button"
                    className="button button-secondary button-small"
                    onClick={() =>
                      void removing.run(() =>
                        replace(
                          items.filter((other) => other.id !== document.id).map((d) => d.id),
                          format(strings.applicationDocumentRemoved, { file: document.fileName }),
                        ),
                      )
                    }
                  >
                    {strings.applicationDocumentRemove}
                    <span className="visually-hidden"> {document.fileName}</span>
                  </button>
                </td>
              )}
            </tr>
          ))}
        </DataTable>
      )}
      {editable && attached.data && (
        <AttachDocument
          onAttach={async (document) =>
            replace(
              [...items.map((d) => d.id), document.id],
              format(strings.applicationDocumentAttached, { file: document.fileName }),
            )
          }
        />
      )}
    </Section>
  );
}

function AttachDocument({ onAttach }: { onAttach: (document: StoredDocument) => Promise<void> }) {
  const form = useFields({ kind: 'contract' });
  const [file, setFile] = useState<File | null>(null);
  const [attempt, setAttempt] = useState(0);
  const submit = useSubmit();
  const formId = 'attach-document';
  const labels = {
    kind: strings.applicationDocumentKindLabel,
    file: strings.applicationDocumentFileLabel,
  };
  const fileId = fieldId(formId, 'file');
  const fileError = submit.problem?.fields.file;
  return (
    <Section id={formId} title={strings.applicationDocumentAttachHeading} className="stack">
      <SubmitForm
        id={formId}
        submit={submit}
        labels={labels}
        submitLabel={strings.applicationDocumentAttach}
        onSubmit={submit.onSubmit(
          async () => {
            if (!file) return;
            const stored = await uploadDocument(file, form.values.kind as DocumentKind);
            await onAttach(stored);
            setFile(null);
            // A new input: a file input cannot be emptied through its value.
            setAttempt((count) => count + 1);
          },
          (): Record<string, string> =>
            file ? {} : { file: strings.applicationDocumentFileMissing },
        )}
      >
        <SelectField
          form={formId}
          label={labels.kind}
          options={ATTACHABLE_KINDS.map((kind) => ({
            value: kind,
            label: strings.applicationDocumentKinds[kind] ?? kind,
          }))}
          error={submit.problem?.fields.kind}
          {...form.bind('kind')}
        />
        <div className={fileError ? 'field field-error' : 'field'}>
          <label className="field-label" htmlFor={fileId}>
            {labels.file}
          </label>
          <div className="field-hint" id={`${fileId}-hint`}>
            {strings.applicationDocumentFileHint}
          </div>
          {fileError && (
            <p className="field-error-message" id={`${fileId}-error`}>
              <span className="visually-hidden">{strings.errorPrefix} </span>
              {fileError}
            </p>
          )}
          <input
            key={attempt}
            id={fileId}
            name="file"
            type="file"
            className="input"
            aria-invalid={fileError ? true : undefined}
            aria-describedby={fileError ? `${fileId}-hint ${fileId}-error` : `${fileId}-hint`}
            onChange={(event) => setFile(event.target.files?.[0] ?? null)}
          />
        </div>
      </SubmitForm>
    </Section>
  );
}

/**
 * The audit firm, the link to the working assessment, and the assessment once submitted, with
 * each finding open or fixed (an officer closes it once the accreditation stands).
 */
function Assessment({
  view,
  me,
  mayCloseFindings,
  onDone,
}: {
  view: ApplicationView;
  me: Me;
  mayCloseFindings: boolean;
  onDone: Done;
}) {
  const { application } = view;
  const { assessment, auditFirm } = application;
  // Officers read the firm's working copy while it works; the firm opens it from its next steps.
  const mayRead = isOfficeStaff(me) && auditFirm !== null && application.status === 'in_assessment';
  return (
    <Section id="assessment" title={strings.applicationAuditHeading}>
      <dl className="facts facts-wide">
        <dt>{strings.applicationAuditFirmLabel}</dt>
        <dd>{auditFirm?.name ?? strings.applicationAuditNone}</dd>
      </dl>
      {mayRead && (
        <p>
          <Link to={`/applications/${application.id}/assessment`}>
            {strings.applicationAssessmentLink}
          </Link>
        </p>
      )}
      {assessment && (
        <>
          <p>
            {format(strings.applicationAssessmentSubmittedOn, {
              day: formatDay(assessment.submittedOn.slice(0, 10)),
            })}{' '}
            {format(strings.applicationAssessmentCounts, {
              satisfied: String(assessment.counts.satisfied),
              notSatisfied: String(assessment.counts.not_satisfied),
              notApplicable: String(assessment.counts.not_applicable),
            })}
          </p>
          {assessment.findings.length === 0 ? (
            <p>{strings.applicationFindingsNone}</p>
          ) : (
            <DataTable
              label={strings.assessmentFindingsHeading}
              columns={[
                strings.findingControlLabel,
                strings.findingSeverityLabel,
                strings.findingDescriptionLabel,
                strings.findingDueLabel,
                strings.findingStatusColumn,
              ]}
            >
              {assessment.findings.map((finding) => (
                <tr key={finding.id}>
                  <td>{finding.controlId}</td>
                  <td>{strings.findingSeverities[finding.severity] ?? finding.severity}</td>
                  <td className="break">{finding.description}</td>
                  <td>{formatDay(finding.dueOn)}</td>
                  <td>
                    <Tag tone={finding.fixedOn ? 'good' : 'warning'}>
                      {strings.findingStatuses[finding.fixedOn ? 'fixed' : 'open']}
                    </Tag>
                    {finding.fixedOn && (
                      <p className="secondary-text break">
                        {format(strings.findingFixedOn, {
                          day: formatDay(finding.fixedOn.slice(0, 10)),
                          note: finding.fixNote ?? '',
                        })}
                      </p>
                    )}
                  </td>
                </tr>
              ))}
            </DataTable>
          )}
          {mayCloseFindings &&
            assessment.findings
              .filter((finding) => !finding.fixedOn)
              .map((finding) => (
                <CloseWithNote
                  key={finding.id}
                  applicationId={application.id}
                  formId={`close-finding-${finding.id}`}
                  label={format(strings.findingCloseNoteLabel, { finding: finding.description })}
                  submitLabel={strings.findingCloseButton}
                  step="close_finding"
                  input={{ findingId: finding.id }}
                  closed={format(strings.findingClosed, { finding: finding.description })}
                  onDone={onDone}
                />
              ))}
        </>
      )}
    </Section>
  );
}

function Decision({
  application,
  titleOf,
}: {
  application: Application;
  titleOf: (ref: LevelRef) => string;
}) {
  const { grant, suspension, closure } = application;
  if (!grant && !suspension && !closure) return null;
  return (
    <Section id="decision" title={strings.applicationDecisionHeading}>
      <dl className="facts facts-wide">
        <dt>{strings.statusLabel}</dt>
        <dd>
          <ApplicationStatusTag status={application.status} />
        </dd>
        {grant && (
          <>
            <dt>{strings.applicationGrantedLevel}</dt>
            <dd>{titleOf(grant.level)}</dd>
            <dt>{strings.applicationValidFrom}</dt>
            <dd>{formatDay(grant.validFrom)}</dd>
            <dt>{strings.applicationValidUntil}</dt>
            <dd>{formatDay(grant.validUntil)}</dd>
            <dt>{strings.applicationDecidedOn}</dt>
            <dd>{formatDay(grant.decidedOn)}</dd>
          </>
        )}
        {suspension && (
          <>
            <dt>{strings.applicationSuspendedFrom}</dt>
            <dd>{formatDay(suspension.effectiveOn)}</dd>
            <dt>{strings.applicationSuspensionReason}</dt>
            <dd className="break">{suspension.reason}</dd>
          </>
        )}
        {closure && closure.reasons.length > 0 && (
          <>
            <dt>{strings.applicationClosureReasons}</dt>
            <dd>
              <ReasonList reasons={closure.reasons} />
            </dd>
          </>
        )}
        {closure?.successorId && (
          <>
            <dt>{strings.applicationSupersededBy}</dt>
            <dd>
              <Link to={`/applications/${closure.successorId}`}>
                {strings.applicationSuccessorLink}
              </Link>
            </dd>
          </>
        )}
      </dl>
    </Section>
  );
}

function Conditions({
  application,
  mayClose,
  onDone,
}: {
  application: Application;
  mayClose: boolean;
  onDone: Done;
}) {
  return (
    <Section id="conditions" title={strings.applicationConditionsHeading}>
      {application.conditions.length === 0 ? (
        <p>{strings.applicationConditionsNone}</p>
      ) : (
        <DataTable
          label={strings.applicationConditionsHeading}
          columns={[
            strings.conditionTextColumn,
            strings.conditionDueColumn,
            strings.conditionStatusColumn,
          ]}
        >
          {application.conditions.map((condition) => (
            <tr key={condition.id}>
              <td className="break">{condition.text}</td>
              <td>{formatDay(condition.dueOn)}</td>
              <td>
                <Tag tone={condition.status === 'open' ? 'warning' : 'good'}>
                  {strings.conditionStatuses[condition.status] ?? condition.status}
                </Tag>
                {condition.status === 'closed' && condition.closedOn && (
                  <p className="secondary-text break">
                    {format(strings.conditionClosedOn, {
                      day: formatDay(condition.closedOn.slice(0, 10)),
                      note: condition.closingNote ?? '',
                    })}
                  </p>
                )}
              </td>
            </tr>
          ))}
        </DataTable>
      )}
      {mayClose &&
        application.conditions
          .filter((condition) => condition.status === 'open')
          .map((condition) => (
            <CloseWithNote
              key={condition.id}
              applicationId={application.id}
              formId={`close-${condition.id}`}
              label={format(strings.conditionCloseNoteLabel, { condition: condition.text })}
              submitLabel={strings.conditionCloseButton}
              step="close_condition"
              input={{ conditionId: condition.id }}
              closed={format(strings.conditionClosed, { condition: condition.text })}
              onDone={onDone}
            />
          ))}
    </Section>
  );
}

/** A note and a button that close one condition or finding of a standing accreditation. */
function CloseWithNote({
  applicationId,
  formId,
  label,
  submitLabel,
  step,
  input,
  closed,
  onDone,
}: {
  applicationId: string;
  formId: string;
  /** The note's label, naming what is closed. */
  label: string;
  submitLabel: string;
  step: 'close_condition' | 'close_finding';
  /** Which one: `{ conditionId }` or `{ findingId }`. */
  input: ActionInput;
  /** The message shown once it is closed. */
  closed: string;
  onDone: Done;
}) {
  const form = useFields({ note: '' });
  const submit = useSubmit();
  return (
    <SubmitForm
      id={formId}
      submit={submit}
      labels={{ note: label }}
      submitLabel={submitLabel}
      onSubmit={submit.onSubmit(
        async () => {
          const changed = await applicationsApi.act(applicationId, step, {
            ...input,
            note: form.values.note.trim(),
          });
          onDone(closed, changed);
        },
        () => missing(form.values, ['note']),
      )}
    >
      <TextAreaField
        form={formId}
        label={label}
        error={submit.problem?.fields.note}
        {...form.bind('note')}
      />
    </SubmitForm>
  );
}

/** Who took a step: the post it was taken under, else the organization the person belongs to. */
function whoOf(entry: HistoryEntry, application: Application, history: readonly HistoryEntry[]) {
  if (entry.actorPosition) return entry.actorPosition;
  const by = entry.event.by;
  if (!by || by.kind === 'system') return strings.applicationBySystem;
  if (by.organizationId === application.cspOrganizationId) {
    return application.providerName || strings.applicationByProvider;
  }
  const firm = history.find(
    (other) =>
      other.type === 'AssessmentAssigned' &&
      (other.event as { auditFirmId?: string }).auditFirmId === by.organizationId,
  );
  return firm?.event.auditFirmName ?? strings.applicationBySomeone;
}

function HistoryDetails({
  entry,
  titleOf,
}: {
  entry: HistoryEntry;
  titleOf: (ref: LevelRef) => string;
}) {
  const { event } = entry;
  const parts: ReactNode[] = [];
  if (event.auditFirmName && entry.type === 'AssessmentAssigned') {
    parts.push(format(strings.historyAssignedTo, { firm: event.auditFirmName }));
  }
  if (entry.type === 'AccreditationGranted' && event.level && event.validUntil) {
    parts.push(
      format(strings.historyGranted, {
        level: titleOf(event.level),
        day: formatDay(event.validUntil),
      }),
    );
  }
  if (event.effectiveOn) {
    parts.push(format(strings.historyEffectiveOn, { day: formatDay(event.effectiveOn) }));
  }
  if (event.outcome) {
    parts.push(
      format(strings.historyOutcome, {
        outcome: strings.applicationLegalOutcomes[event.outcome] ?? event.outcome,
      }),
    );
  }
  for (const text of [event.reason, event.notes, event.note]) if (text) parts.push(text);
  return (
    <>
      {parts.map((part, index) => (
        <p key={index} className="break">
          {part}
        </p>
      ))}
      {event.reasons && event.reasons.length > 0 && <ReasonList reasons={event.reasons} />}
    </>
  );
}

function History({
  application,
  history,
  titleOf,
}: {
  application: Application;
  history: readonly HistoryEntry[];
  titleOf: (ref: LevelRef) => string;
}) {
  return (
    <Section id="history" title={strings.applicationHistoryHeading}>
      <ol className="plain-list timeline">
        {history.map((entry) => (
          <li key={entry.seq} data-event={entry.type}>
            <strong>{strings.applicationEventTypes[entry.type] ?? entry.type}</strong>
            <span className="block secondary-text">
              {format(strings.applicationHistoryEntry, {
                when: formatDateTime(entry.at),
                who: whoOf(entry, application, history),
              })}
            </span>
            <HistoryDetails entry={entry} titleOf={titleOf} />
          </li>
        ))}
      </ol>
    </Section>
  );
}

// ---------------------------------------------------------------------------------------------
// The steps: one form per action the server allows this user now.

/** Called after a step succeeded, with what to announce and the application as it now is. */
type Done = (message: string, changed: Application) => void;

interface StepProps {
  application: Application;
  onDone: Done;
}

/** Sends one workflow step; on success, says what happened and has the page load it again. */
function useStep(application: Application, action: string, onDone: Done) {
  const submit = useSubmit();
  const send = async (body: ActionInput = {}, values: Record<string, string> = {}) => {
    const changed = await applicationsApi.act(application.id, action, body);
    onDone(format(strings.actionDone[action] ?? strings.applicationChanged, values), changed);
  };
  return { submit, send };
}

function Actions({
  view,
  levels,
  titleOf,
  onDone,
}: {
  view: ApplicationView;
  levels: readonly LevelSummary[];
  titleOf: (ref: LevelRef) => string;
  onDone: Done;
}) {
  const { application } = view;
  const allowed = new Set(view.allowedActions);
  const props = { application, onDone };
  const forms: ReactNode[] = [];
  const simple = (action: string, heading: string, intro: string, label: string) => (
    <ButtonStep
      key={action}
      action={action}
      heading={heading}
      intro={intro}
      label={label}
      {...props}
    />
  );
  const reasons = (action: string, heading: string, label: string, warning = false) => (
    <ReasonsStep
      key={action}
      action={action}
      heading={heading}
      label={label}
      warning={warning}
      {...props}
    />
  );
  if (allowed.has('submit')) {
    forms.push(
      simple(
        'submit',
        strings.actionSubmitHeading,
        strings.actionSubmitIntro,
        strings.actionSubmit,
      ),
    );
  }
  if (allowed.has('confirm_complete')) {
    forms.push(
      simple(
        'confirm_complete',
        strings.actionConfirmHeading,
        strings.actionConfirmIntro,
        strings.actionConfirm,
      ),
    );
  }
  if (allowed.has('return')) {
    forms.push(reasons('return', strings.actionReturnHeading, strings.actionReturn));
  }
  if (allowed.has('assign_audit')) forms.push(<AssignStep key="assign_audit" {...props} />);
  if (allowed.has('submit_assessment')) {
    forms.push(
      <Section key="assess" id="step-assess" title={strings.actionAssessHeading}>
        <p>{strings.actionAssessIntro}</p>
        <p>
          <Link to={`/applications/${application.id}/assessment`} className="button button-primary">
            {strings.applicationAssessmentLink}
          </Link>
        </p>
      </Section>,
    );
  }
  if (allowed.has('decline_assessment')) {
    forms.push(
      <ReasonStep
        key="decline_assessment"
        action="decline_assessment"
        heading={strings.actionDeclineHeading}
        intro={strings.actionDeclineIntro}
        label={strings.actionDecline}
        {...props}
      />,
    );
  }
  if (allowed.has('request_legal_documents')) {
    forms.push(
      reasons(
        'request_legal_documents',
        strings.actionRequestLegalHeading,
        strings.actionRequestLegal,
      ),
    );
  }
  if (allowed.has('resubmit_legal_documents')) {
    forms.push(
      simple(
        'resubmit_legal_documents',
        strings.actionResubmitLegalHeading,
        strings.actionResubmitLegalIntro,
        strings.actionResubmitLegal,
      ),
    );
  }
  if (allowed.has('record_legal_review')) {
    forms.push(<LegalReviewStep key="record_legal_review" {...props} />);
  }
  if (allowed.has('accredit')) {
    forms.push(<AccreditStep key="accredit" levels={levels} titleOf={titleOf} {...props} />);
  }
  if (allowed.has('refuse')) {
    forms.push(reasons('refuse', strings.actionRefuseHeading, strings.actionRefuse, true));
  }
  if (allowed.has('suspend')) forms.push(<SuspendStep key="suspend" {...props} />);
  if (allowed.has('reinstate')) forms.push(<ReinstateStep key="reinstate" {...props} />);
  if (allowed.has('revoke')) forms.push(<RevokeStep key="revoke" {...props} />);
  for (const kind of ['renewal', 'reassessment'] as const) {
    if (allowed.has(`open_${kind}`)) {
      forms.push(<SuccessorStep key={kind} kind={kind} levels={levels} {...props} />);
    }
  }
  if (allowed.has('withdraw')) {
    forms.push(
      <ReasonStep
        key="withdraw"
        action="withdraw"
        heading={strings.actionWithdrawHeading}
        intro={strings.actionWithdrawIntro}
        label={strings.actionWithdraw}
        warning
        {...props}
      />,
    );
  }
  return (
    <section className="stack" aria-labelledby="actions-heading">
      <h3 id="actions-heading">{strings.applicationActionsHeading}</h3>
      {forms.length === 0 ? <p>{strings.applicationNoActions}</p> : forms}
    </section>
  );
}

/** A step without input: a short explanation and its button. */
function ButtonStep({
  application,
  onDone,
  action,
  heading,
  intro,
  label,
}: StepProps & { action: string; heading: string; intro: string; label: string }) {
  const { submit, send } = useStep(application, action, onDone);
  const formId = `step-${action}`;
  return (
    <Section id={formId} title={heading}>
      <p>{intro}</p>
      <SubmitForm
        id={formId}
        submit={submit}
        labels={{}}
        submitLabel={label}
        onSubmit={submit.onSubmit(() => send())}
      >
        {null}
      </SubmitForm>
    </Section>
  );
}

/** A step with one reason (withdraw, decline). */
function ReasonStep({
  application,
  onDone,
  action,
  heading,
  intro,
  label,
  warning = false,
}: StepProps & {
  action: string;
  heading: string;
  intro: string;
  label: string;
  warning?: boolean;
}) {
  const { submit, send } = useStep(application, action, onDone);
  const form = useFields({ reason: '' });
  const formId = `step-${action}`;
  const labels = { reason: strings.reasonLabel };
  return (
    <Section id={formId} title={heading}>
      <p>{intro}</p>
      <StepForm
        id={formId}
        submit={submit}
        labels={labels}
        label={label}
        warning={warning}
        onSubmit={submit.onSubmit(
          () => send({ reason: form.values.reason.trim() }),
          () => missing(form.values, ['reason']),
        )}
      >
        <TextAreaField
          form={formId}
          label={labels.reason}
          error={submit.problem?.fields.reason}
          {...form.bind('reason')}
        />
      </StepForm>
    </Section>
  );
}

/** A step with reasons, one per line (return, ask for legal documents, refuse). */
function ReasonsStep({
  application,
  onDone,
  action,
  heading,
  label,
  warning,
}: StepProps & { action: string; heading: string; label: string; warning: boolean }) {
  const { submit, send } = useStep(application, action, onDone);
  const form = useFields({ reasons: '' });
  const formId = `step-${action}`;
  const labels = { reasons: strings.reasonsLabel };
  return (
    <Section id={formId} title={heading}>
      <StepForm
        id={formId}
        submit={submit}
        labels={labels}
        label={label}
        warning={warning}
        onSubmit={submit.onSubmit(
          () => send({ reasons: linesOf(form.values.reasons) }),
          () => missing(form.values, ['reasons']),
        )}
      >
        <TextAreaField
          form={formId}
          label={labels.reasons}
          hint={strings.reasonsHint}
          rows={4}
          error={submit.problem?.fields.reasons}
          {...form.bind('reasons')}
        />
      </StepForm>
    </Section>
  );
}

/** SubmitForm with a warning-coloured button for steps that end or restrict something. */
function StepForm({
  id,
  submit,
  labels,
  label,
  warning,
  onSubmit,
  children,
}: {
  id: string;
  submit: ReturnType<typeof useSubmit>;
  labels: Record<string, string>;
  label: string;
  warning: boolean;
  onSubmit: Parameters<typeof SubmitForm>[0]['onSubmit'];
  children: ReactNode;
}) {
  if (!warning) {
    return (
      <SubmitForm id={id} submit={submit} labels={labels} submitLabel={label} onSubmit={onSubmit}>
        {children}
      </SubmitForm>
    );
  }
  return (
    <>
      <ErrorSummary
        problem={submit.problem}
        form={id}
        labels={labels}
        summaryRef={submit.summary}
      />
      <form noValidate onSubmit={onSubmit}>
        {children}
        <div className="button-row">
          <button
            type="submit"
            className="button button-warning"
            aria-disabled={submit.busy || undefined}
          >
            {submit.busy ? strings.working : label}
          </button>
        </div>
      </form>
    </>
  );
}

function AssignStep({ application, onDone }: StepProps) {
  const { submit, send } = useStep(application, 'assign_audit', onDone);
  const firms = useApi<ListPage<Organization>>('/api/v1/organizations', {
    kind: 'audit_firm',
    status: 'active',
    limit: MAX_LIST,
  });
  const form = useFields({ auditFirmId: '' });
  const formId = 'step-assign_audit';
  const labels = { auditFirmId: strings.actionAssignFirmLabel };
  const choices = (firms.data?.items ?? []).filter((firm) => firm.id !== application.auditFirm?.id);
  const heading = application.auditFirm
    ? strings.actionReassignHeading
    : strings.actionAssignHeading;
  return (
    <Section id={formId} title={heading}>
      {firms.error && <LoadError detail={firms.error.detail} onRetry={firms.reload} />}
      {firms.loading && !firms.data && <Loading />}
      {firms.data && choices.length === 0 && <p>{strings.actionAssignNoFirms}</p>}
      {choices.length > 0 && (
        <SubmitForm
          id={formId}
          submit={submit}
          labels={labels}
          submitLabel={strings.actionAssign}
          onSubmit={submit.onSubmit(
            () => {
              const firm = choices.find((choice) => choice.id === form.values.auditFirmId);
              return send(
                { auditFirmId: form.values.auditFirmId },
                { firm: firm?.name ?? form.values.auditFirmId },
              );
            },
            () => missing(form.values, ['auditFirmId']),
          )}
        >
          <SelectField
            form={formId}
            label={labels.auditFirmId}
            options={[
              { value: '', label: strings.chooseOne },
              ...choices.map((firm) => ({ value: firm.id, label: firm.name })),
            ]}
            error={submit.problem?.fields.auditFirmId}
            {...form.bind('auditFirmId')}
          />
        </SubmitForm>
      )}
    </Section>
  );
}

function LegalReviewStep({ application, onDone }: StepProps) {
  const { submit, send } = useStep(application, 'record_legal_review', onDone);
  const form = useFields({ outcome: 'cleared', notes: '' });
  const formId = 'step-record_legal_review';
  const labels = { outcome: strings.actionLegalOutcomeLabel, notes: strings.actionLegalNotesLabel };
  return (
    <Section id={formId} title={strings.actionLegalReviewHeading}>
      <SubmitForm
        id={formId}
        submit={submit}
        labels={labels}
        submitLabel={strings.actionLegalReview}
        onSubmit={submit.onSubmit(
          () =>
            send({
              outcome: form.values.outcome === 'objection' ? 'objection' : 'cleared',
              notes: form.values.notes.trim(),
            }),
          () => (form.values.outcome === 'objection' ? missing(form.values, ['notes']) : {}),
        )}
      >
        <SelectField
          form={formId}
          label={labels.outcome}
          options={['cleared', 'objection'].map((outcome) => ({
            value: outcome,
            label: strings.applicationLegalOutcomes[outcome] ?? outcome,
          }))}
          error={submit.problem?.fields.outcome}
          {...form.bind('outcome')}
        />
        <TextAreaField
          form={formId}
          label={labels.notes}
          hint={strings.actionLegalNotesHint}
          optional={form.values.outcome !== 'objection'}
          error={submit.problem?.fields.notes}
          {...form.bind('notes')}
        />
      </SubmitForm>
    </Section>
  );
}

/** Three years of validity, ending the day before the anniversary: a suggestion the DG may change. */
function suggestedValidUntil(): string {
  const day = new Date(`${today()}T00:00:00Z`);
  day.setUTCFullYear(day.getUTCFullYear() + 3);
  day.setUTCDate(day.getUTCDate() - 1);
  return day.toISOString().slice(0, 10);
}

/** Rows of new conditions (text and due date), added and removed by the officer. */
function useConditionRows() {
  const [rows, setRows] = useState<NewCondition[]>([]);
  const change = (index: number, part: keyof NewCondition, value: string) =>
    setRows((old) => old.map((row, at) => (at === index ? { ...row, [part]: value } : row)));
  return {
    rows,
    add: () => setRows((old) => [...old, { text: '', dueOn: '' }]),
    remove: (index: number) => setRows((old) => old.filter((_, at) => at !== index)),
    change,
    /** The rows to send: blank rows are dropped. */
    value: () =>
      rows
        .map((row) => ({ text: row.text.trim(), dueOn: row.dueOn }))
        .filter((row) => row.text !== '' || row.dueOn !== ''),
    /** Client checks: a condition needs both its text and its due date. */
    check: (): Record<string, string> =>
      rows.some((row) => (row.text.trim() === '') !== (row.dueOn === ''))
        ? { conditions: strings.conditionIncomplete }
        : {},
  };
}

function ConditionRows({
  formId,
  conditions,
  problem,
}: {
  formId: string;
  conditions: ReturnType<typeof useConditionRows>;
  problem: FormProblem | null;
}) {
  const error = problem?.fields.conditions;
  const id = fieldId(formId, 'conditions');
  return (
    <fieldset
      className={error ? 'field choice-fieldset field-error' : 'field choice-fieldset'}
      id={id}
      tabIndex={-1}
      aria-describedby={`${id}-hint${error ? ` ${id}-error` : ''}`}
    >
      <legend className="field-label">
        {strings.conditionsLabel}
        <span className="field-optional"> {strings.optionalMark}</span>
      </legend>
      <div className="field-hint" id={`${id}-hint`}>
        {strings.conditionsHint}
      </div>
      {error && (
        <p className="field-error-message" id={`${id}-error`}>
          <span className="visually-hidden">{strings.errorPrefix} </span>
          {error}
        </p>
      )}
      {conditions.rows.map((row, index) => {
        const n = String(index + 1);
        return (
          <div key={index} className="panel">
            <TextField
              form={formId}
              name={`condition-${n}-text`}
              label={format(strings.conditionTextLabel, { n })}
              value={row.text}
              onChange={(event) => conditions.change(index, 'text', event.target.value)}
            />
            <TextField
              form={formId}
              name={`condition-${n}-due`}
              label={format(strings.conditionDueLabel, { n })}
              type="date"
              className="input input-date"
              value={row.dueOn}
              onChange={(event) => conditions.change(index, 'dueOn', event.target.value)}
            />
            <button
              type="button"
              className="button button-secondary button-small"
              onClick={() => conditions.remove(index)}
            >
              {format(strings.conditionRemove, { n })}
            </button>
          </div>
        );
      })}
      <p>
        <button type="button" className="button button-secondary" onClick={conditions.add}>
          {strings.conditionAdd}
        </button>
      </p>
    </fieldset>
  );
}

function AccreditStep({
  application,
  onDone,
  levels,
  titleOf,
}: StepProps & { levels: readonly LevelSummary[]; titleOf: (ref: LevelRef) => string }) {
  const { submit, send } = useStep(application, 'accredit', onDone);
  const form = useFields({
    level: application.levelSought.code,
    validUntil: suggestedValidUntil(),
  });
  const conditions = useConditionRows();
  const formId = 'step-accredit';
  const labels = {
    level: strings.actionAccreditLevelLabel,
    validUntil: strings.actionAccreditValidUntilLabel,
    conditions: strings.conditionsLabel,
  };
  // The level sought or a lower one; the workflow refuses a higher one anyway.
  const choices = levels.filter((level) => level.rank <= application.levelSought.rank);
  const options =
    choices.length > 0
      ? choices.map((level) => ({ value: level.code, label: level.title }))
      : [{ value: application.levelSought.code, label: titleOf(application.levelSought) }];
  return (
    <Section id={formId} title={strings.actionAccreditHeading}>
      <SubmitForm
        id={formId}
        submit={submit}
        labels={labels}
        submitLabel={strings.actionAccredit}
        onSubmit={submit.onSubmit(
          () =>
            send({
              level: form.values.level,
              validUntil: form.values.validUntil,
              conditions: conditions.value(),
            }),
          () => ({ ...missing(form.values, ['level', 'validUntil']), ...conditions.check() }),
        )}
      >
        <SelectField
          form={formId}
          label={labels.level}
          hint={strings.actionAccreditLevelHint}
          options={options}
          error={submit.problem?.fields.level}
          {...form.bind('level')}
        />
        <TextField
          form={formId}
          label={labels.validUntil}
          hint={strings.actionAccreditValidUntilHint}
          type="date"
          className="input input-date"
          error={submit.problem?.fields.validUntil}
          {...form.bind('validUntil')}
        />
        <ConditionRows formId={formId} conditions={conditions} problem={submit.problem} />
      </SubmitForm>
    </Section>
  );
}

function SuspendStep({ application, onDone }: StepProps) {
  const { submit, send } = useStep(application, 'suspend', onDone);
  const form = useFields({ reason: '', effectiveOn: today() });
  const formId = 'step-suspend';
  const labels = { reason: strings.reasonLabel, effectiveOn: strings.actionSuspendEffectiveLabel };
  return (
    <Section id={formId} title={strings.actionSuspendHeading}>
      <StepForm
        id={formId}
        submit={submit}
        labels={labels}
        label={strings.actionSuspend}
        warning
        onSubmit={submit.onSubmit(
          () => send({ reason: form.values.reason.trim(), effectiveOn: form.values.effectiveOn }),
          () => missing(form.values, ['reason', 'effectiveOn']),
        )}
      >
        <TextAreaField
          form={formId}
          label={labels.reason}
          error={submit.problem?.fields.reason}
          {...form.bind('reason')}
        />
        <TextField
          form={formId}
          label={labels.effectiveOn}
          hint={strings.actionSuspendEffectiveHint}
          type="date"
          className="input input-date"
          error={submit.problem?.fields.effectiveOn}
          {...form.bind('effectiveOn')}
        />
      </StepForm>
    </Section>
  );
}

function ReinstateStep({ application, onDone }: StepProps) {
  const { submit, send } = useStep(application, 'reinstate', onDone);
  const form = useFields({ reason: '' });
  const conditions = useConditionRows();
  const formId = 'step-reinstate';
  const labels = { reason: strings.reasonLabel, conditions: strings.conditionsLabel };
  return (
    <Section id={formId} title={strings.actionReinstateHeading}>
      <SubmitForm
        id={formId}
        submit={submit}
        labels={labels}
        submitLabel={strings.actionReinstate}
        onSubmit={submit.onSubmit(
          () => send({ reason: form.values.reason.trim(), conditions: conditions.value() }),
          () => ({ ...missing(form.values, ['reason']), ...conditions.check() }),
        )}
      >
        <TextAreaField
          form={formId}
          label={labels.reason}
          error={submit.problem?.fields.reason}
          {...form.bind('reason')}
        />
        <ConditionRows formId={formId} conditions={conditions} problem={submit.problem} />
      </SubmitForm>
    </Section>
  );
}

function RevokeStep({ application, onDone }: StepProps) {
  const { submit, send } = useStep(application, 'revoke', onDone);
  const form = useFields<{ reason: string; confirmed: boolean }>({ reason: '', confirmed: false });
  const formId = 'step-revoke';
  const labels = { reason: strings.reasonLabel, confirmed: strings.actionRevokeConfirmLabel };
  return (
    <Section id={formId} title={strings.actionRevokeHeading}>
      <StepForm
        id={formId}
        submit={submit}
        labels={labels}
        label={strings.actionRevoke}
        warning
        onSubmit={submit.onSubmit(
          () => send({ reason: form.values.reason.trim() }),
          () => ({
            ...missing(form.values, ['reason']),
            ...(form.values.confirmed ? {} : { confirmed: strings.actionRevokeConfirmMissing }),
          }),
        )}
      >
        <TextAreaField
          form={formId}
          label={labels.reason}
          error={submit.problem?.fields.reason}
          {...form.bind('reason')}
        />
        <CheckboxField
          form={formId}
          name="confirmed"
          label={labels.confirmed}
          checked={form.values.confirmed}
          onChange={(checked) => form.set('confirmed', checked)}
        />
      </StepForm>
    </Section>
  );
}

/**
 * Opens a renewal (the provider) or a reassessment (the Director Audits) of an accreditation in
 * force: a new application, which goes through the whole review; this one stays in force until
 * the new one is granted. The server says when a renewal is too early.
 */
function SuccessorStep({
  application,
  kind,
  levels,
}: StepProps & { kind: 'renewal' | 'reassessment'; levels: readonly LevelSummary[] }) {
  const submit = useSubmit();
  const granted = application.grant?.level.code ?? application.levelSought.code;
  const form = useFields({ levelSought: granted });
  const formId = `step-open-${kind}`;
  const labels = { levelSought: strings.successorLevelLabel };
  const options = levels
    .filter((level) => level.latestVersion !== null)
    .map((level) => ({ value: level.code, label: level.title }));
  return (
    <Section
      id={formId}
      title={
        kind === 'renewal' ? strings.successorRenewalHeading : strings.successorReassessmentHeading
      }
    >
      <p>
        {kind === 'renewal' ? strings.successorRenewalIntro : strings.successorReassessmentIntro}
      </p>
      <SubmitForm
        id={formId}
        submit={submit}
        labels={labels}
        submitLabel={kind === 'renewal' ? strings.successorRenewal : strings.successorReassessment}
        onSubmit={submit.onSubmit(async () => {
          const opened = await applicationsApi.openSuccessor(
            application.id,
            kind,
            form.values.levelSought,
          );
          navigate(`/applications/${opened.id}`, {
            flash:
              kind === 'renewal'
                ? strings.successorRenewalOpened
                : strings.successorReassessmentOpened,
          });
        })}
      >
        {options.length > 0 ? (
          <SelectField
            form={formId}
            label={labels.levelSought}
            options={options}
            error={submit.problem?.fields.levelSought}
            {...form.bind('levelSought')}
          />
        ) : null}
      </SubmitForm>
    </Section>
  );
}
