import { useState } from 'react';
import { isOfficeStaff } from '../access';
import {
  api,
  type LevelDetail,
  type LevelDiff,
  type LevelSummary,
  type LevelVersion,
  type LevelVersionSummary,
  type Me,
  type PendingImport,
} from '../api';
import {
  ErrorSummary,
  SelectField,
  SubmitForm,
  TextAreaField,
  TextField,
  missing,
  useFields,
  useSubmit,
} from '../components/forms';
import { DataTable, Tag } from '../components/lists';
import { LoadError, Loading, Page, Section } from '../components/Page';
import { formatDateTime } from '../display';
import { Link, navigate, useSearchParams } from '../router';
import { useMe, useSession } from '../session';
import { FileUploadForm } from '../components/upload';
import { format, strings } from '../strings';
import { useApi } from '../useApi';
import { NotFoundPage } from './NotFoundPage';

/**
 * The security levels: public pages for everyone (the levels, a level's versions, a published
 * version's controls and values, the differences between two versions) and, for officers, the
 * draft of a level with its edits and its workflow (propose; approve or return; publish).
 */

const LEVELS = '/api/v1/levels';

/** The signed-in officer (past the second factor), or null for visitors and everyone else. */
function useOfficer(): Me | null {
  const { state } = useSession();
  return state.status === 'signedIn' && state.secondFactor === 'done' && isOfficeStaff(state.me)
    ? state.me
    : null;
}

const positionOf = (position: string | null) => position ?? strings.levelSystem;

function statusTag(status: string) {
  const tone = status === 'published' ? 'good' : status === 'draft' ? 'neutral' : 'warning';
  return <Tag tone={tone}>{strings.levelStatuses[status] ?? status}</Tag>;
}

/** `/levels`: every level with its latest published version; officers also see open drafts. */
export function LevelsPage() {
  const officer = useOfficer();
  const levels = useApi<{ items: LevelSummary[] }>(LEVELS);
  return (
    <Page title={strings.levelsTitle} intro={strings.levelsIntro}>
      {levels.error && <LoadError detail={levels.error.detail} onRetry={levels.reload} />}
      {levels.loading && !levels.data && <Loading />}
      {levels.data && (
        <DataTable
          label={strings.levelsTitle}
          columns={[strings.levelColumn, strings.levelLatestColumn, strings.levelPublishedColumn]}
        >
          {levels.data.items.map((level) => (
            <tr key={level.code}>
              <td>
                <Link to={`/levels/${level.code}`}>{level.title}</Link>
              </td>
              <td>
                {level.latestVersion === null ? (
                  strings.levelNotPublished
                ) : (
                  <Link to={`/levels/${level.code}/versions/${level.latestVersion}`}>
                    {format(strings.levelVersionLink, { version: String(level.latestVersion) })}
                  </Link>
                )}
              </td>
              <td>{level.publishedAt ? formatDateTime(level.publishedAt) : ''}</td>
            </tr>
          ))}
        </DataTable>
      )}
      {officer && <OpenDrafts />}
      {levels.data && <CompareForm levels={levels.data.items} />}
    </Page>
  );
}

function OpenDrafts() {
  const drafts = useApi<{
    items: (LevelVersionSummary & { level: { code: string; title: string } })[];
  }>('/api/v1/level-drafts');
  return (
    <Section id="drafts" title={strings.levelDraftsHeading}>
      {drafts.error && <LoadError detail={drafts.error.detail} onRetry={drafts.reload} />}
      {drafts.data &&
        (drafts.data.items.length === 0 ? (
          <p>{strings.levelNoDrafts}</p>
        ) : (
          <ul>
            {drafts.data.items.map((draft) => (
              <li key={draft.level.code}>
                <Link to={`/levels/${draft.level.code}/draft`}>
                  {draft.level.title}:{' '}
                  {format(strings.levelDraftLink, {
                    version: String(draft.version),
                    status: strings.levelStatuses[draft.status] ?? draft.status,
                  })}
                </Link>
              </li>
            ))}
          </ul>
        ))}
    </Section>
  );
}

/** Two selects of `code@n` among the published versions, leading to the differences page. */
function CompareForm({
  levels,
  from = '',
  to = '',
}: {
  levels: readonly LevelSummary[];
  from?: string;
  to?: string;
}) {
  const options = [{ value: '', label: strings.chooseOne }];
  for (const level of levels) {
    for (let version = level.latestVersion ?? 0; version >= 1; version--) {
      options.push({
        value: `${level.code}@${version}`,
        label: format(strings.levelVersionTitle, { level: level.title, version: String(version) }),
      });
    }
  }
  const form = useFields({ from, to });
  const submit = useSubmit();
  const labels = { from: strings.levelCompareFrom, to: strings.levelCompareTo };
  return (
    <Section id="compare" title={strings.levelCompareHeading}>
      <SubmitForm
        id="compare"
        submit={submit}
        labels={labels}
        submitLabel={strings.levelCompareButton}
        onSubmit={submit.onSubmit(
          () => {
            navigate(
              `/level-diff?from=${encodeURIComponent(form.values.from)}&to=${encodeURIComponent(form.values.to)}`,
            );
            return Promise.resolve();
          },
          () => missing(form.values, ['from', 'to']),
        )}
      >
        <SelectField
          form="compare"
          label={labels.from}
          options={options}
          error={submit.problem?.fields.from}
          {...form.bind('from')}
        />
        <SelectField
          form="compare"
          label={labels.to}
          options={options}
          error={submit.problem?.fields.to}
          {...form.bind('to')}
        />
      </SubmitForm>
    </Section>
  );
}

/** `/levels/:code`: a level's published versions, newest first. */
export function LevelPage({ code }: { code: string }) {
  const officer = useOfficer();
  const level = useApi<LevelDetail>(`${LEVELS}/${encodeURIComponent(code)}`);
  const starting = useSubmit();
  if (level.error?.status === 404) return <NotFoundPage record />;
  const title = level.data?.title ?? strings.levelsTitle;
  return (
    <Page title={title}>
      {level.error && <LoadError detail={level.error.detail} onRetry={level.reload} />}
      {level.loading && !level.data && <Loading />}
      {level.data && (
        <Section id="versions" title={strings.levelVersionsHeading}>
          <ul>
            {level.data.versions.map((version) => (
              <li key={version.version}>
                <Link to={version.links.page}>
                  {format(strings.levelVersionLink, { version: String(version.version) })}
                </Link>
                {version.published &&
                  ` — ${format(strings.levelPublishedBy, {
                    at: formatDateTime(version.published.at),
                    position: positionOf(version.published.position),
                  })}`}
              </li>
            ))}
          </ul>
        </Section>
      )}
      {officer && (
        <div className="button-row">
          <Link to={`/levels/${code}/draft`} className="button button-secondary">
            {strings.levelOpenDraft}
          </Link>
          {officer.powers.includes('propose_security_level') && (
            <button
              type="button"
              className="button"
              onClick={() =>
                void starting.run(async () => {
                  await api.post(`${LEVELS}/${encodeURIComponent(code)}/draft`);
                  navigate(`/levels/${code}/draft`);
                })
              }
            >
              {strings.levelStartDraft}
            </button>
          )}
        </div>
      )}
      <ErrorSummary
        problem={starting.problem}
        form="start"
        labels={{}}
        summaryRef={starting.summary}
      />
    </Page>
  );
}

function PendingNotice({ pending }: { pending: readonly PendingImport[] }) {
  if (pending.length === 0) return null;
  return (
    <Section id="pending" title={strings.levelPendingHeading} className="notice">
      {pending.map((entry) => (
        <div key={entry.href}>
          <p>{format(strings.levelPendingIntro, { href: entry.href })}</p>
          <p className="pending-ids">{entry.controlIds.join(', ')}</p>
        </div>
      ))}
    </Section>
  );
}

/** The controls of a resolved version, by group, with statements and parameter values. */
function Controls({ version }: { version: LevelVersion }) {
  return (
    <>
      <p>{format(strings.levelControlCount, { count: String(version.controlCount) })}</p>
      {version.groups.map((group, index) => (
        <Section key={group.id ?? index} id={`group-${group.id ?? index}`} title={group.title}>
          <DataTable
            label={group.title}
            columns={[
              strings.levelControlColumn,
              strings.levelStatementColumn,
              strings.levelParametersColumn,
            ]}
          >
            {group.controls.map((control) => (
              <tr key={control.id} id={`control-${control.id}`}>
                <th scope="row">
                  {control.label ?? control.id} {control.title}
                </th>
                <td className="statement">{control.statement}</td>
                <td>
                  {control.parameters.length > 0 && (
                    <ul>
                      {control.parameters.map((param) => (
                        <li key={param.id} data-param={param.id}>
                          {format(strings.levelParameterValue, {
                            label: param.label ?? param.id,
                            value: param.value ?? strings.levelParameterUnset,
                          })}
                        </li>
                      ))}
                    </ul>
                  )}
                </td>
              </tr>
            ))}
          </DataTable>
        </Section>
      ))}
    </>
  );
}

/** `/levels/:code/versions/:n`: one published version, public. */
export function LevelVersionPage({ code, version }: { code: string; version: string }) {
  const loaded = useApi<LevelVersion>(
    `${LEVELS}/${encodeURIComponent(code)}/versions/${encodeURIComponent(version)}`,
  );
  if (loaded.error?.status === 404 || loaded.error?.status === 400) {
    return <NotFoundPage record />;
  }
  const data = loaded.data;
  const title = data
    ? format(strings.levelVersionTitle, { level: data.level.title, version: String(data.version) })
    : strings.levelsTitle;
  return (
    <Page title={title}>
      {loaded.error && <LoadError detail={loaded.error.detail} onRetry={loaded.reload} />}
      {loaded.loading && !data && <Loading />}
      {data && (
        <>
          {data.published && (
            <p className="lead">
              {format(strings.levelPublishedBy, {
                at: formatDateTime(data.published.at),
                position: positionOf(data.published.position),
              })}
            </p>
          )}
          <Section id="downloads" title={strings.levelDownloads}>
            <ul>
              <li>
                <a href={data.links.profile} download>
                  {strings.levelDownloadProfile}
                </a>
              </li>
              {data.links.catalog && (
                <li>
                  <a href={data.links.catalog} download>
                    {strings.levelDownloadCatalog}
                  </a>
                </li>
              )}
            </ul>
            {data.version > 1 && (
              <p>
                <Link
                  to={`/level-diff?from=${code}@${data.version - 1}&to=${code}@${data.version}`}
                >
                  {format(strings.levelCompareWithPrevious, { version: String(data.version - 1) })}
                </Link>
              </p>
            )}
          </Section>
          <PendingNotice pending={data.pending} />
          <Controls version={data} />
        </>
      )}
    </Page>
  );
}

function DiffView({ diff }: { diff: LevelDiff }) {
  const none = strings.levelParameterUnset;
  return (
    <>
      <p className="lead">
        {format(strings.levelDiffSummary, {
          from: `${diff.from.code}@${diff.from.version}`,
          to: `${diff.to.code}@${diff.to.version}`,
          added: String(diff.added.length),
          removed: String(diff.removed.length),
          changed: String(diff.changed.length),
        })}
      </p>
      {diff.added.length + diff.removed.length + diff.changed.length === 0 && (
        <p>{strings.levelDiffNone}</p>
      )}
      {diff.added.length > 0 && (
        <Section id="added" title={strings.levelDiffAdded}>
          <ul>
            {diff.added.map((c) => (
              <li key={c.id}>
                {c.id} {c.title}
              </li>
            ))}
          </ul>
        </Section>
      )}
      {diff.removed.length > 0 && (
        <Section id="removed" title={strings.levelDiffRemoved}>
          <ul>
            {diff.removed.map((c) => (
              <li key={c.id}>
                {c.id} {c.title}
              </li>
            ))}
          </ul>
        </Section>
      )}
      {diff.changed.length > 0 && (
        <Section id="changed" title={strings.levelDiffChanged}>
          <ul>
            {diff.changed.map((c) => (
              <li key={c.id}>
                <strong>
                  {c.id} {c.title}
                </strong>
                <ul>
                  {c.titleChange && <li>{format(strings.levelDiffTitleChange, c.titleChange)}</li>}
                  {c.parameters.map((p) => (
                    <li key={p.paramId}>
                      {format(strings.levelDiffParameter, {
                        id: p.paramId,
                        before: p.before ?? none,
                        after: p.after ?? none,
                      })}
                    </li>
                  ))}
                  {c.texts.map((text) => (
                    <li key={text.part}>{format(strings.levelDiffText, { part: text.part })}</li>
                  ))}
                </ul>
              </li>
            ))}
          </ul>
        </Section>
      )}
      {diff.pendingAdded.length > 0 && (
        <p>{format(strings.levelDiffPendingAdded, { ids: diff.pendingAdded.join(', ') })}</p>
      )}
      {diff.pendingRemoved.length > 0 && (
        <p>{format(strings.levelDiffPendingRemoved, { ids: diff.pendingRemoved.join(', ') })}</p>
      )}
    </>
  );
}

/** `/level-diff?from=code@n&to=code@m`: what changed between two published versions. */
export function LevelDiffPage() {
  const params = useSearchParams();
  const from = params.get('from') ?? '';
  const to = params.get('to') ?? '';
  const levels = useApi<{ items: LevelSummary[] }>(LEVELS);
  const diff = useApi<LevelDiff>(from && to ? '/api/v1/level-diff' : null, { from, to });
  return (
    <Page title={strings.levelDiffTitle}>
      {levels.data && (
        <CompareForm key={`${from} ${to}`} levels={levels.data.items} from={from} to={to} />
      )}
      {!from || !to ? <p>{strings.levelDiffChoose}</p> : null}
      {diff.error && <LoadError detail={diff.error.detail} onRetry={diff.reload} />}
      {diff.loading && from && to && <Loading />}
      {diff.data && <DiffView diff={diff.data} />}
    </Page>
  );
}

const splitIds = (text: string) => text.split(/[\s,]+/).filter((id) => id !== '');

/** `/levels/:code/draft`: officers edit, propose, approve or return, and publish. */
export function LevelDraftPage({ code }: { code: string }) {
  const me = useMe();
  const path = `${LEVELS}/${encodeURIComponent(code)}/draft`;
  const draft = useApi<LevelVersion>(path);
  const [flash, setFlash] = useState<string | null>(null);
  const [shown, setShown] = useState<LevelVersion | null>(null);
  const data = shown ?? draft.data ?? null;
  if (draft.error?.status === 404) {
    return (
      <Page title={strings.levelsTitle}>
        <p className="lead">{draft.error.detail}</p>
        <p>
          <Link to={`/levels/${code}`}>{strings.levelsTitle}</Link>
        </p>
      </Page>
    );
  }
  const done = (next: LevelVersion, message: string) => {
    setShown(next);
    setFlash(message);
  };
  const title = data
    ? format(strings.levelDraftTitle, { level: data.level.title, version: String(data.version) })
    : strings.levelsTitle;
  return (
    <Page title={title}>
      <div role="status" className="status-message">
        {flash && (
          <div className="notice-success">
            <p>{flash}</p>
          </div>
        )}
      </div>
      {draft.error && <LoadError detail={draft.error.detail} onRetry={draft.reload} />}
      {draft.loading && !data && <Loading />}
      {data && (
        <>
          <p>
            {strings.statusLabel}: {statusTag(data.status)}
          </p>
          <History version={data} />
          {data.problems.length > 0 && (
            <Section id="problems" title={strings.levelProblemsHeading} className="error-summary">
              <p>{strings.levelProblemsIntro}</p>
              <ul>
                {data.problems.map((problem, index) => (
                  <li key={index}>
                    {problem.pointer
                      ? format(strings.levelProblemAt, {
                          message: problem.message,
                          pointer: problem.pointer,
                        })
                      : problem.message}
                  </li>
                ))}
              </ul>
            </Section>
          )}
          {data.status === 'published' ? (
            <p>
              <Link to={data.links.page}>
                {format(strings.levelVersionLink, { version: String(data.version) })}
              </Link>
            </p>
          ) : (
            <Workflow path={path} version={data} me={me} onDone={done} />
          )}
          {data.status === 'draft' && me.powers.includes('propose_security_level') && (
            // Keyed by the details, so that replacing the profile refills the forms from it.
            <Editors
              key={`${data.title}\u0000${data.remarks ?? ''}`}
              path={path}
              version={data}
              onDone={done}
            />
          )}
          <PendingNotice pending={data.pending} />
          {data.status !== 'published' && data.problems.length === 0 && (
            // Keyed by what an edit changes, so that the comparison is asked again after each one.
            <DraftDiff
              key={`${data.status}:${JSON.stringify(data.setParameters)}:${JSON.stringify(data.imports)}`}
              path={path}
              version={data}
            />
          )}
          <Controls version={data} />
        </>
      )}
    </Page>
  );
}

function History({ version }: { version: LevelVersion }) {
  const at = (step: { at: string }) => formatDateTime(step.at);
  return (
    <Section id="history" title={strings.levelHistoryHeading}>
      <ul>
        <li>
          {format(strings.levelHistoryCreated, {
            at: at(version.created),
            position: positionOf(version.created.position),
            base: String(version.basedOnVersion ?? ''),
          })}
        </li>
        {version.proposed && (
          <li>
            {format(strings.levelHistoryProposed, {
              at: at(version.proposed),
              position: positionOf(version.proposed.position),
            })}
          </li>
        )}
        {version.returned && (
          <li>
            {format(strings.levelHistoryReturned, {
              at: at(version.returned),
              position: positionOf(version.returned.position),
              reason: version.returned.reason,
            })}
          </li>
        )}
        {version.approved && (
          <li>
            {format(strings.levelHistoryApproved, {
              at: at(version.approved),
              position: positionOf(version.approved.position),
            })}
          </li>
        )}
      </ul>
    </Section>
  );
}

/** The buttons of the next step, by status and by the powers the officer holds today. */
function Workflow({
  path,
  version,
  me,
  onDone,
}: {
  path: string;
  version: LevelVersion;
  me: Me;
  onDone: (next: LevelVersion, message: string) => void;
}) {
  const submit = useSubmit();
  const reasonForm = useFields({ reason: '' });
  const mayPropose = me.powers.includes('propose_security_level');
  const mayApprove = me.powers.includes('approve_security_level');
  const step = (name: 'propose' | 'approve' | 'publish', message: string) => () =>
    void submit.run(async () => {
      const next = await api.post<LevelVersion>(`${path}/${name}`);
      onDone(next, format(message, { version: String(next.version) }));
    });
  const labels = { reason: strings.levelReturnReason };
  return (
    <Section id="workflow" title={strings.levelWorkflowHeading}>
      <ErrorSummary
        problem={submit.problem}
        form="workflow"
        labels={labels}
        summaryRef={submit.summary}
      />
      <div className="button-row">
        {version.status === 'draft' && mayPropose && (
          <>
            <button
              type="button"
              className="button"
              onClick={step('propose', strings.levelProposed)}
            >
              {strings.levelPropose}
            </button>
            <button
              type="button"
              className="button button-warning"
              onClick={() =>
                void submit.run(async () => {
                  await api.delete(path);
                  navigate(`/levels/${version.level.code}`, { flash: strings.levelDiscarded });
                })
              }
            >
              {strings.levelDiscard}
            </button>
          </>
        )}
        {version.status === 'proposed' && mayApprove && (
          <button type="button" className="button" onClick={step('approve', strings.levelApproved)}>
            {strings.levelApprove}
          </button>
        )}
        {version.status === 'approved' && mayApprove && (
          <button
            type="button"
            className="button"
            onClick={step('publish', strings.levelPublished)}
          >
            {strings.levelPublish}
          </button>
        )}
      </div>
      {(version.status === 'proposed' || version.status === 'approved') && mayApprove && (
        <form
          noValidate
          onSubmit={submit.onSubmit(
            async () => {
              const next = await api.post<LevelVersion>(`${path}/return`, {
                reason: reasonForm.values.reason,
              });
              onDone(next, strings.levelReturned);
            },
            () => missing(reasonForm.values, ['reason']),
          )}
        >
          <TextAreaField
            form="workflow"
            label={labels.reason}
            hint={strings.levelReturnReasonHint}
            error={submit.problem?.fields.reason}
            {...reasonForm.bind('reason')}
          />
          <button type="submit" className="button button-secondary">
            {strings.levelReturn}
          </button>
        </form>
      )}
    </Section>
  );
}

/** Targeted edits of a draft: title and remarks, a parameter's values, controls of an import. */
function Editors({
  path,
  version,
  onDone,
}: {
  path: string;
  version: LevelVersion;
  onDone: (next: LevelVersion, message: string) => void;
}) {
  const params = version.groups.flatMap((g) =>
    g.controls.flatMap((c) => c.parameters.map((p) => ({ ...p, control: c.id }))),
  );
  const details = useFields({ title: version.title, remarks: version.remarks ?? '' });
  const detailsSubmit = useSubmit();
  const parameter = useFields({ paramId: '', values: '' });
  const parameterSubmit = useSubmit();
  const controls = useFields({ href: version.imports[0]?.href ?? '', ids: '' });
  const controlsSubmit = useSubmit();
  const [removing, setRemoving] = useState(false);
  const patch = async (body: unknown) => {
    onDone(await api.patch<LevelVersion>(path, body), strings.levelSaved);
  };
  const detailLabels = { title: strings.levelTitleLabel, remarks: strings.levelRemarksLabel };
  const parameterLabels = {
    paramId: strings.levelParameterLabel,
    values: strings.levelValuesLabel,
  };
  const controlLabels = { href: strings.levelImportLabel, ids: strings.levelControlIdsLabel };
  return (
    <>
      <Section id="set-parameter" title={strings.levelSetParameterHeading}>
        <SubmitForm
          id="set-parameter"
          submit={parameterSubmit}
          labels={parameterLabels}
          submitLabel={strings.save}
          onSubmit={parameterSubmit.onSubmit(
            () =>
              patch({
                setParameters: [
                  {
                    paramId: parameter.values.paramId,
                    values: parameter.values.values
                      .split('\n')
                      .map((v) => v.trim())
                      .filter((v) => v !== ''),
                  },
                ],
              }).then(() => parameter.setValues({ paramId: '', values: '' })),
            () => missing(parameter.values, ['paramId', 'values']),
          )}
        >
          <SelectField
            form="set-parameter"
            name="paramId"
            label={parameterLabels.paramId}
            options={[
              { value: '', label: strings.chooseOne },
              ...params.map((p) => ({
                value: p.id,
                label: `${p.id} — ${p.label ?? p.control} (${p.value ?? strings.levelParameterUnset})`,
              })),
            ]}
            error={parameterSubmit.problem?.fields.paramId}
            value={parameter.values.paramId}
            onChange={(event) => {
              // Start from the values this level sets already, if any.
              const set = version.setParameters.find((p) => p.paramId === event.target.value);
              parameter.setValues({
                paramId: event.target.value,
                values: (set?.values ?? []).join('\n'),
              });
            }}
          />
          <TextAreaField
            form="set-parameter"
            label={parameterLabels.values}
            hint={strings.levelValuesHint}
            error={parameterSubmit.problem?.fields.values}
            {...parameter.bind('values')}
          />
        </SubmitForm>
      </Section>
      <Section id="edit-controls" title={strings.levelControlsHeading}>
        <SubmitForm
          id="edit-controls"
          submit={controlsSubmit}
          labels={controlLabels}
          submitLabel={strings.levelAddControls}
          onSubmit={controlsSubmit.onSubmit(
            () => {
              const change = { href: controls.values.href, ids: splitIds(controls.values.ids) };
              const body = removing ? { removeControls: change } : { addControls: change };
              setRemoving(false);
              return patch(body).then(() => controls.set('ids', ''));
            },
            () => missing(controls.values, ['href', 'ids']),
          )}
          actions={
            <button
              type="submit"
              className="button button-secondary"
              onClick={() => setRemoving(true)}
            >
              {strings.levelRemoveControls}
            </button>
          }
        >
          <SelectField
            form="edit-controls"
            label={controlLabels.href}
            options={version.imports.map((entry) => ({ value: entry.href, label: entry.href }))}
            {...controls.bind('href')}
          />
          <TextField
            form="edit-controls"
            label={controlLabels.ids}
            hint={strings.levelControlIdsHint}
            error={controlsSubmit.problem?.fields.ids}
            {...controls.bind('ids')}
          />
        </SubmitForm>
      </Section>
      <Section id="details" title={strings.levelEditDetailsHeading}>
        <SubmitForm
          id="details"
          submit={detailsSubmit}
          labels={detailLabels}
          submitLabel={strings.save}
          onSubmit={detailsSubmit.onSubmit(
            () =>
              patch({
                title: details.values.title,
                remarks: details.values.remarks.trim() === '' ? null : details.values.remarks,
              }),
            () => missing(details.values, ['title']),
          )}
        >
          <TextField
            form="details"
            label={detailLabels.title}
            error={detailsSubmit.problem?.fields.title}
            {...details.bind('title')}
          />
          <TextAreaField
            form="details"
            label={detailLabels.remarks}
            optional
            error={detailsSubmit.problem?.fields.remarks}
            {...details.bind('remarks')}
          />
        </SubmitForm>
      </Section>
      <Section id="replace-profile" title={strings.levelReplaceHeading}>
        <FileUploadForm
          id="replace-profile"
          label={strings.levelProfileFileLabel}
          hint={strings.levelProfileFileHint}
          missingMessage={strings.levelProfileFileMissing}
          buttonLabel={strings.levelProfileReplaceButton}
          upload={async (file) => {
            const next = await api.put<LevelVersion>(`${path}/profile-file`, {
              fileName: file.name,
              content: await file.text(),
            });
            onDone(next, format(strings.levelProfileReplaced, { file: file.name }));
          }}
        />
      </Section>
    </>
  );
}

/** The open draft against the version it started from; asked again whenever the draft changes. */
function DraftDiff({ path, version }: { path: string; version: LevelVersion }) {
  const diff = useApi<LevelDiff>(`${path}/diff`);
  return (
    <Section
      id="draft-diff"
      title={format(strings.levelDraftDiffHeading, {
        version: String(version.basedOnVersion ?? ''),
      })}
    >
      {diff.error && <LoadError detail={diff.error.detail} onRetry={diff.reload} />}
      {diff.data && <DiffView diff={diff.data} />}
    </Section>
  );
}
