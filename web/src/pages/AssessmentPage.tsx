import { useState } from 'react';
import type { LevelVersion } from '../api';
import {
  ASSESSMENT_RESULTS,
  FINDING_SEVERITIES,
  applicationPath,
  applicationsApi,
  assessmentPath,
  type ApplicationView,
  type AssessmentResult,
  type Finding,
  type WorkingAssessment,
  type WorkingResult,
} from '../applications-api';
import {
  ErrorSummary,
  SelectField,
  SubmitForm,
  TextAreaField,
  TextField,
  fieldId,
  missing,
  useFields,
  useSubmit,
} from '../components/forms';
import { DataTable, Pagination, ResultCount, Tag } from '../components/lists';
import { LoadError, Loading, Page, Section, StatusMessage } from '../components/Page';
import { FilterBar } from '../components/search';
import { formatDay, today } from '../display';
import { Link, navigate } from '../router';
import { format, strings } from '../strings';
import { useApi } from '../useApi';
import { NotFoundPage } from './NotFoundPage';

/**
 * `/applications/:id/assessment`: the assigned audit firm's working copy of the assessment, one
 * result per control of the level version pinned at submission, findings, and submitting it.
 * Officers read it. A level has hundreds of controls, so they are shown a group and a page at a
 * time, and can be narrowed to those still without a result.
 */

const PAGE_SIZE = 10;

interface ControlInfo {
  id: string;
  label: string;
  title: string;
  groupKey: string;
}

/** The controls to assess, in the order the server gives, with titles and groups from the level. */
function controlsOf(controlIds: readonly string[], version: LevelVersion | undefined) {
  const known = new Map<string, { label: string; title: string; groupKey: string }>();
  const groups: { key: string; title: string }[] = [];
  for (const [index, group] of (version?.groups ?? []).entries()) {
    const key = group.id ?? `group-${index}`;
    groups.push({ key, title: group.title });
    for (const control of group.controls) {
      known.set(control.id, {
        label: control.label ?? control.id,
        title: control.title,
        groupKey: key,
      });
    }
  }
  const controls: ControlInfo[] = controlIds.map((id) => {
    const found = known.get(id);
    return found ? { id, ...found } : { id, label: id, title: '', groupKey: '' };
  });
  const used = new Set(controls.map((control) => control.groupKey));
  const shown = groups.filter((group) => used.has(group.key));
  if (used.has('')) shown.push({ key: '', title: strings.assessmentOtherGroup });
  return { controls, groups: shown };
}

const resultName = (result: string) => strings.assessmentResults[result] ?? result;

function resultTone(result: AssessmentResult | undefined) {
  if (result === 'satisfied') return 'good';
  if (result === 'not_satisfied') return 'bad';
  return 'neutral';
}

export function AssessmentPage({ id }: { id: string }) {
  const view = useApi<ApplicationView>(applicationPath(id));
  const working = useApi<WorkingAssessment>(assessmentPath(id));
  const application = view.data?.application;
  const pinned = application?.submission;
  const version = useApi<LevelVersion>(
    application && pinned
      ? `/api/v1/levels/${encodeURIComponent(application.levelSought.code)}/versions/${pinned.levelVersion}`
      : null,
  );
  const [announcement, setAnnouncement] = useState<string | null>(null);

  if (view.error?.status === 404 || working.error?.status === 404) {
    return <NotFoundPage record />;
  }
  const offering = application?.offeringName || application?.offeringId;
  const title = offering ? format(strings.assessmentTitle, { offering }) : strings.applicationTitle;
  const editable = view.data?.allowedActions.includes('submit_assessment') ?? false;
  const assessment = working.data;
  const done = (message: string) => {
    setAnnouncement(message);
    working.reload();
  };
  return (
    <Page title={title}>
      <StatusMessage message={announcement} />
      <p>
        <Link to={`/applications/${id}`}>{strings.assessmentBack}</Link>
      </p>
      {view.error && <LoadError detail={view.error.detail} onRetry={view.reload} />}
      {working.error && <LoadError detail={working.error.detail} onRetry={working.reload} />}
      {version.error && <LoadError detail={version.error.detail} onRetry={version.reload} />}
      {(!view.data || !assessment) && !view.error && !working.error && <Loading />}
      {view.data && assessment && (
        <>
          {!editable && <p className="notice">{strings.assessmentReadOnly}</p>}
          <Progress assessment={assessment} />
          <Controls
            applicationId={id}
            assessment={assessment}
            version={version.data}
            editable={editable}
            onDone={done}
          />
          <Findings
            applicationId={id}
            assessment={assessment}
            version={version.data}
            editable={editable}
            onDone={done}
          />
          {editable && <SubmitAssessment applicationId={id} />}
        </>
      )}
    </Page>
  );
}

function Progress({ assessment }: { assessment: WorkingAssessment }) {
  const { progress } = assessment;
  const label = format(strings.assessmentProgress, {
    recorded: String(progress.recorded),
    total: String(progress.total),
  });
  return (
    <Section id="progress" title={strings.assessmentProgressHeading}>
      <p>{label}</p>
      {/* The sentence above says it in words; the bar is for the eye. */}
      <progress
        className="progress"
        value={progress.recorded}
        max={Math.max(progress.total, 1)}
        aria-hidden="true"
      />
      <p>
        {format(strings.assessmentProgressCounts, {
          satisfied: String(progress.satisfied),
          notSatisfied: String(progress.notSatisfied),
          notApplicable: String(progress.notApplicable),
        })}
      </p>
    </Section>
  );
}

function Controls({
  applicationId,
  assessment,
  version,
  editable,
  onDone,
}: {
  applicationId: string;
  assessment: WorkingAssessment;
  version: LevelVersion | undefined;
  editable: boolean;
  onDone: (message: string) => void;
}) {
  const { controls, groups } = controlsOf(assessment.controlIds, version);
  const results = new Map(assessment.results.map((result) => [result.controlId, result]));
  const filter = useFields({ group: '*', show: 'all' });
  const [applied, setApplied] = useState(filter.values);
  const [offset, setOffset] = useState(0);
  const chosen = controls.filter((control) => {
    if (applied.group !== '*' && control.groupKey !== applied.group) return false;
    const result = results.get(control.id)?.result;
    if (applied.show === 'missing') return result === undefined;
    if (applied.show === 'not_satisfied') return result === 'not_satisfied';
    return true;
  });
  // A save may shrink the list (showing controls without a result): stay within its pages.
  const lastStart =
    chosen.length === 0 ? 0 : Math.floor((chosen.length - 1) / PAGE_SIZE) * PAGE_SIZE;
  const start = Math.min(offset, lastStart);
  const page = chosen.slice(start, start + PAGE_SIZE);
  return (
    <Section id="controls" title={strings.assessmentControlsHeading}>
      <FilterBar
        label={strings.assessmentFilterLabel}
        submitLabel={strings.show}
        onApply={() => {
          setApplied(filter.values);
          setOffset(0);
        }}
      >
        <SelectField
          form="control-filter"
          label={strings.assessmentGroupLabel}
          options={[
            { value: '*', label: strings.assessmentAllGroups },
            ...groups.map((group) => ({ value: group.key, label: group.title })),
          ]}
          {...filter.bind('group')}
        />
        <SelectField
          form="control-filter"
          label={strings.assessmentShowLabel}
          options={[
            { value: 'all', label: strings.assessmentShowAll },
            { value: 'missing', label: strings.assessmentShowMissing },
            { value: 'not_satisfied', label: strings.assessmentShowNotSatisfied },
          ]}
          {...filter.bind('show')}
        />
      </FilterBar>
      <ResultCount offset={start} shown={page.length} total={chosen.length} loading={false} />
      <ul className="plain-list result-list">
        {page.map((control) => (
          <li key={control.id} id={`control-${control.id}`}>
            <ControlResult
              // Keyed by the saved result, so that the form starts from what the server holds.
              key={`${control.id}:${results.get(control.id)?.updatedAt ?? ''}`}
              applicationId={applicationId}
              control={control}
              saved={results.get(control.id)}
              editable={editable}
              onDone={onDone}
            />
          </li>
        ))}
      </ul>
      <Pagination offset={start} limit={PAGE_SIZE} total={chosen.length} onChange={setOffset} />
    </Section>
  );
}

function ControlResult({
  applicationId,
  control,
  saved,
  editable,
  onDone,
}: {
  applicationId: string;
  control: ControlInfo;
  saved: WorkingResult | undefined;
  editable: boolean;
  onDone: (message: string) => void;
}) {
  const form = useFields({ result: saved?.result ?? '', note: saved?.note ?? '' });
  const submit = useSubmit();
  const formId = `result-${control.id}`;
  const name = `${control.label} ${control.title}`.trim();
  const resultLabel = format(strings.assessmentResultLabel, { control: control.label });
  const noteLabel = format(strings.assessmentNoteLabel, { control: control.label });
  const labels = { result: resultLabel, note: noteLabel };
  const heading = (
    <h4>
      {name}{' '}
      <Tag tone={resultTone(saved?.result)}>
        {saved ? resultName(saved.result) : strings.assessmentNoResult}
      </Tag>
    </h4>
  );
  if (!editable) {
    return (
      <div className="panel">
        {heading}
        {saved?.note && <p className="break">{saved.note}</p>}
      </div>
    );
  }
  const resultId = fieldId(formId, 'result');
  const resultError = submit.problem?.fields.result;
  return (
    <div className="panel">
      {heading}
      <SubmitForm
        id={formId}
        submit={submit}
        labels={labels}
        submitLabel={
          <>
            {strings.assessmentSaveResult}
            <span className="visually-hidden"> {control.label}</span>
          </>
        }
        onSubmit={submit.onSubmit(
          async () => {
            const note = form.values.note.trim();
            const result = form.values.result as AssessmentResult;
            await applicationsApi.recordResult(applicationId, control.id, result, note || null);
            onDone(
              format(strings.assessmentResultSaved, {
                control: control.label,
                result: resultName(result),
              }),
            );
          },
          (): Record<string, string> =>
            form.values.result === '' ? { result: strings.assessmentChooseResult } : {},
        )}
      >
        <fieldset
          className={resultError ? 'field choice-fieldset field-error' : 'field choice-fieldset'}
          id={resultId}
          tabIndex={-1}
          aria-describedby={resultError ? `${resultId}-error` : undefined}
        >
          <legend className="field-label">{resultLabel}</legend>
          {resultError && (
            <p className="field-error-message" id={`${resultId}-error`}>
              <span className="visually-hidden">{strings.errorPrefix} </span>
              {resultError}
            </p>
          )}
          <div className="choices-inline">
            {ASSESSMENT_RESULTS.map((result) => (
              <div key={result} className="checkbox">
                <input
                  type="radio"
                  id={`${resultId}-${result}`}
                  name={resultId}
                  value={result}
                  checked={form.values.result === result}
                  onChange={() => form.set('result', result)}
                />
                <label htmlFor={`${resultId}-${result}`}>{resultName(result)}</label>
              </div>
            ))}
          </div>
        </fieldset>
        <TextAreaField
          form={formId}
          label={noteLabel}
          optional
          rows={2}
          error={submit.problem?.fields.note}
          {...form.bind('note')}
        />
      </SubmitForm>
    </div>
  );
}

function Findings({
  applicationId,
  assessment,
  version,
  editable,
  onDone,
}: {
  applicationId: string;
  assessment: WorkingAssessment;
  version: LevelVersion | undefined;
  editable: boolean;
  onDone: (message: string) => void;
}) {
  const { controls } = controlsOf(assessment.controlIds, version);
  const labelOf = (controlId: string) =>
    controls.find((control) => control.id === controlId)?.label ?? controlId;
  const withFinding = new Set(assessment.findings.map((finding) => finding.controlId));
  const needed = assessment.results
    .filter((result) => result.result === 'not_satisfied' && !withFinding.has(result.controlId))
    .map((result) => result.controlId);
  return (
    <Section id="findings" title={strings.assessmentFindingsHeading}>
      {needed.length > 0 && (
        <p className="notice">
          {format(strings.assessmentFindingsNeeded, { controls: needed.map(labelOf).join(', ') })}
        </p>
      )}
      {assessment.findings.length === 0 ? (
        <p>{strings.assessmentFindingsNone}</p>
      ) : (
        <DataTable
          label={strings.assessmentFindingsHeading}
          columns={[
            strings.findingControlLabel,
            strings.findingSeverityLabel,
            strings.findingDescriptionLabel,
            strings.findingDueLabel,
            ...(editable ? [strings.actionsLabel] : []),
          ]}
        >
          {assessment.findings.map((finding) => (
            <tr key={finding.id}>
              <td>{labelOf(finding.controlId)}</td>
              <td>{strings.findingSeverities[finding.severity] ?? finding.severity}</td>
              <td className="break">{finding.description}</td>
              <td>{formatDay(finding.dueOn)}</td>
              {editable && (
                <td>
                  <DeleteFinding applicationId={applicationId} finding={finding} onDone={onDone} />
                </td>
              )}
            </tr>
          ))}
        </DataTable>
      )}
      {editable && (
        <AddFinding
          applicationId={applicationId}
          assessment={assessment}
          version={version}
          suggested={needed[0] ?? ''}
          onDone={onDone}
        />
      )}
    </Section>
  );
}

function DeleteFinding({
  applicationId,
  finding,
  onDone,
}: {
  applicationId: string;
  finding: Finding;
  onDone: (message: string) => void;
}) {
  const submit = useSubmit();
  return (
    <div className="row-actions">
      <ErrorSummary
        problem={submit.problem}
        form={`delete-${finding.id}`}
        labels={{}}
        summaryRef={submit.summary}
      />
      <button
        type="button"
        className="button button-secondary button-small"
        aria-label={format(strings.findingDeleteLabel, { control: finding.controlId })}
        onClick={() =>
          void submit.run(async () => {
            await applicationsApi.deleteFinding(applicationId, finding.id);
            onDone(format(strings.findingDeleted, { control: finding.controlId }));
          })
        }
      >
        {submit.busy ? strings.working : strings.findingDelete}
      </button>
    </div>
  );
}

function AddFinding({
  applicationId,
  assessment,
  version,
  suggested,
  onDone,
}: {
  applicationId: string;
  assessment: WorkingAssessment;
  version: LevelVersion | undefined;
  suggested: string;
  onDone: (message: string) => void;
}) {
  const { controls } = controlsOf(assessment.controlIds, version);
  const form = useFields({ controlId: '', severity: 'moderate', description: '', dueOn: '' });
  const submit = useSubmit();
  const formId = 'add-finding';
  const labels = {
    controlId: strings.findingControlLabel,
    severity: strings.findingSeverityLabel,
    description: strings.findingDescriptionLabel,
    dueOn: strings.findingDueLabel,
  };
  // Until the auditor chooses, the first control still waiting for a finding is proposed.
  const controlId = form.values.controlId || suggested;
  return (
    <Section id={formId} title={strings.findingAddHeading} className="stack">
      <SubmitForm
        id={formId}
        submit={submit}
        labels={labels}
        submitLabel={strings.findingAdd}
        onSubmit={submit.onSubmit(
          async () => {
            await applicationsApi.addFinding(applicationId, {
              controlId,
              severity: form.values.severity as Finding['severity'],
              description: form.values.description.trim(),
              dueOn: form.values.dueOn,
            });
            form.setValues({ controlId: '', severity: 'moderate', description: '', dueOn: '' });
            onDone(format(strings.findingAdded, { control: controlId }));
          },
          () => missing({ ...form.values, controlId }, ['controlId', 'description', 'dueOn']),
        )}
      >
        <SelectField
          form={formId}
          label={labels.controlId}
          options={[
            { value: '', label: strings.chooseOne },
            ...controls.map((control) => ({
              value: control.id,
              label: `${control.label} ${control.title}`.trim(),
            })),
          ]}
          error={submit.problem?.fields.controlId}
          name="controlId"
          value={controlId}
          onChange={(event) => form.set('controlId', event.target.value)}
        />
        <SelectField
          form={formId}
          label={labels.severity}
          options={FINDING_SEVERITIES.map((severity) => ({
            value: severity,
            label: strings.findingSeverities[severity] ?? severity,
          }))}
          error={submit.problem?.fields.severity}
          {...form.bind('severity')}
        />
        <TextAreaField
          form={formId}
          label={labels.description}
          error={submit.problem?.fields.description}
          {...form.bind('description')}
        />
        <TextField
          form={formId}
          label={labels.dueOn}
          type="date"
          className="input input-date"
          min={today()}
          error={submit.problem?.fields.dueOn}
          {...form.bind('dueOn')}
        />
      </SubmitForm>
    </Section>
  );
}

function SubmitAssessment({ applicationId }: { applicationId: string }) {
  const submit = useSubmit();
  return (
    <Section id="submit-assessment" title={strings.assessmentSubmitHeading}>
      <p>{strings.assessmentSubmitIntro}</p>
      <SubmitForm
        id="submit-assessment"
        submit={submit}
        labels={{}}
        submitLabel={strings.assessmentSubmit}
        onSubmit={submit.onSubmit(async () => {
          await applicationsApi.act(applicationId, 'submit_assessment');
          navigate(`/applications/${applicationId}`, { flash: strings.assessmentSubmitted });
        })}
      >
        {null}
      </SubmitForm>
    </Section>
  );
}
