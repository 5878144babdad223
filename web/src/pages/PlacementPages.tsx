import { useState } from 'react';
import { may } from '../access';
import { api, ApiError, type Page as ListPage } from '../api';
import {
  CheckboxField,
  SelectField,
  SubmitForm,
  TextAreaField,
  TextField,
  fieldId,
  missing,
  useFields,
  useSubmit,
} from '../components/forms';
import { DataTable, Tag } from '../components/lists';
import { FormPanel, LoadError, Loading, Page, Section, StatusMessage } from '../components/Page';
import { FilterBar, PagedResults, usePagedSearch } from '../components/search';
import { formatDateTime, formatDay } from '../display';
import {
  DEPLOYMENT_MODELS,
  withNestedFields,
  type DeploymentModel,
  type RegisterList,
} from '../offerings-api';
import { Link } from '../router';
import { useMe } from '../session';
import { format, strings } from '../strings';
import {
  DEVIATIONS,
  NOCS,
  NOC_STATUSES,
  OUT_OF_POLICY,
  nocPath,
  systemPath,
  type Deviation,
  type Noc,
  type NocAction,
  type NocDetail,
  type NocStatus,
  type Outcome,
  type OutOfPolicySystem,
  type Placement,
  type PlacementOption,
  type PseSystem,
  type RuleOutcome,
  type StoredDecision,
} from '../systems-api';
import { useApi } from '../useApi';
import { NotFoundPage } from './NotFoundPage';

/**
 * Placement decisions (issue 6): on a system's page, its placement status, "check an offering" and
 * "where can this system go?"; for officers, the systems out of policy. The decisions are the
 * server's (src/features/placement/engine.ts, docs/placement-rules.md); this only shows them.
 */

const PAGE_SIZE = 25;

function outcomeTone(outcome: Outcome) {
  return outcome === 'allow' ? 'good' : outcome === 'deny' ? 'bad' : 'warning';
}

export function OutcomeTag({ outcome }: { outcome: Outcome }) {
  return <Tag tone={outcomeTone(outcome)}>{strings.decisionOutcomes[outcome] ?? outcome}</Tag>;
}

function ruleTone(outcome: RuleOutcome) {
  return outcome === 'met' ? 'good' : outcome === 'not_met' ? 'bad' : 'warning';
}

/** A decision: its outcome, then every rule with its outcome, its words and its clause. */
export function DecisionView({ decision, id }: { decision: StoredDecision; id: string }) {
  return (
    <div className="stack" id={id}>
      <p className="lead">
        {strings.decisionLabel} <OutcomeTag outcome={decision.outcome} />
      </p>
      {decision.words[0] && <p>{decision.words[0]}</p>}
      <DataTable
        label={format(strings.decisionHeading, {
          outcome: strings.decisionOutcomes[decision.outcome] ?? decision.outcome,
        })}
        columns={[
          strings.decisionRule,
          strings.decisionOutcome,
          strings.decisionMessage,
          strings.policyClauseLabel,
        ]}
      >
        {decision.rules.map((rule, index) => (
          <tr key={index}>
            <th scope="row">{strings.ruleNames[rule.rule] ?? rule.rule}</th>
            <td>
              <Tag tone={ruleTone(rule.outcome)}>
                {strings.ruleOutcomes[rule.outcome] ?? rule.outcome}
              </Tag>
            </td>
            <td className="statement">{rule.message}</td>
            <td className="secondary-text">{rule.clause}</td>
          </tr>
        ))}
      </DataTable>
      <p className="secondary-text">
        {format(strings.decisionMeta, {
          at: formatDateTime(decision.at),
          version: String(decision.policyVersion),
        })}
      </p>
    </div>
  );
}

function placementTone(status: Placement['status']) {
  return status === 'in_policy' ? 'good' : status === 'out_of_policy' ? 'bad' : 'neutral';
}

/** The placement part of a system's page. */
export function PlacementSection({ system }: { system: PseSystem }) {
  const placement = useApi<Placement>(`${systemPath(system.id)}/placement`);
  const record = placement.data;
  return (
    <Section id="placement" title={strings.placementHeading}>
      {placement.error ? (
        <LoadError detail={placement.error.detail} onRetry={placement.reload} />
      ) : !record ? (
        <Loading />
      ) : (
        <>
          <dl className="facts facts-wide">
            <dt>{strings.placementStatus}</dt>
            <dd id="placement-status">
              <Tag tone={placementTone(record.status)}>
                {strings.placementStatuses[record.status] ?? record.status}
              </Tag>
              {record.status === 'out_of_policy' && (
                <span className="block">
                  {format(strings.placementOutSince, {
                    day: record.flaggedAt ? formatDay(record.flaggedAt.slice(0, 10)) : '',
                    reason: record.reason ?? '',
                  })}
                </span>
              )}
              {record.status === 'not_evaluated' && (
                <span className="block secondary-text">
                  {record.reason ?? strings.placementNotEvaluated}
                </span>
              )}
            </dd>
          </dl>
          {record.current && (
            <>
              <h4>{strings.placementCurrentDecision}</h4>
              <DecisionView decision={record.current} id="placement-current" />
            </>
          )}
          {record.proposed && (
            <>
              <h4>{strings.placementProposedDecision}</h4>
              <DecisionView decision={record.proposed} id="placement-proposed" />
            </>
          )}
        </>
      )}
      <CheckOffering system={system} onChecked={placement.reload} />
      <Options system={system} />
    </Section>
  );
}

function CheckOffering({ system, onChecked }: { system: PseSystem; onChecked: () => void }) {
  const register = useApi<RegisterList>('/api/v1/register', { limit: 200, sort: 'name' });
  const form = useFields({ offeringId: '' });
  const submit = useSubmit();
  const [decision, setDecision] = useState<StoredDecision | null>(null);
  const labels = { offeringId: strings.checkOffering };
  return (
    <FormPanel id="check" title={strings.checkHeading}>
      {system.classCode === null ? (
        <p>{strings.checkNeedsClass}</p>
      ) : (
        <>
          <p>{strings.checkIntro}</p>
          <SubmitForm
            id="check"
            submit={submit}
            labels={labels}
            submitLabel={strings.checkSubmit}
            onSubmit={submit.onSubmit(
              async () => {
                setDecision(null);
                const result = await api.post<StoredDecision>(
                  `${systemPath(system.id)}/placement-check`,
                  { offeringId: form.values.offeringId },
                );
                setDecision(result);
                onChecked();
              },
              () => missing(form.values, ['offeringId']),
            )}
          >
            <SelectField
              form="check"
              label={labels.offeringId}
              options={[
                { value: '', label: strings.chooseOne },
                ...(register.data?.items ?? []).map((entry) => ({
                  value: entry.offeringId,
                  label: format(strings.systemOfferingChoice, {
                    offering: entry.offeringName,
                    provider: entry.providerName,
                    status: strings.registerStatuses[entry.status],
                  }),
                })),
              ]}
              error={submit.problem?.fields.offeringId}
              {...form.bind('offeringId')}
            />
          </SubmitForm>
          <p role="status" className="visually-hidden">
            {decision &&
              format(strings.decisionHeading, {
                outcome: strings.decisionOutcomes[decision.outcome] ?? decision.outcome,
              })}
          </p>
          {decision && <DecisionView decision={decision} id="check-decision" />}
        </>
      )}
    </FormPanel>
  );
}

function Options({ system }: { system: PseSystem }) {
  const [shown, setShown] = useState(false);
  const options = useApi<{ items: PlacementOption[] }>(
    shown ? `${systemPath(system.id)}/options` : null,
  );
  if (system.classCode === null) return null;
  return (
    <FormPanel id="options" title={strings.optionsHeading}>
      <p>{strings.optionsIntro}</p>
      <p className="button-row">
        <button
          type="button"
          className="button button-secondary"
          onClick={() => (shown ? options.reload() : setShown(true))}
        >
          {strings.optionsShow}
        </button>
      </p>
      {!shown ? null : options.error ? (
        <LoadError detail={options.error.detail} onRetry={options.reload} />
      ) : !options.data ? (
        <Loading />
      ) : options.data.items.length === 0 ? (
        <p>{strings.optionsEmpty}</p>
      ) : (
        <DataTable
          label={strings.optionsHeading}
          columns={[
            strings.optionsRank,
            strings.registerOffering,
            strings.registerProvider,
            strings.offeringServiceModel,
            strings.offeringDeploymentModel,
            strings.registerLevel,
            strings.decisionOutcome,
            strings.optionsWords,
          ]}
        >
          {options.data.items.map((option, index) => (
            <tr key={option.offeringId}>
              <td>{String(index + 1)}</td>
              <td>
                <Link to={`/register/${option.offeringId}`}>{option.offeringName}</Link>
              </td>
              <td>{option.providerName}</td>
              <td>{strings.serviceModels[option.serviceModel]}</td>
              <td>{strings.deploymentModels[option.deploymentModel]}</td>
              <td>{option.levelTitle ?? option.level ?? strings.none}</td>
              <td>
                <OutcomeTag outcome={option.outcome} />
              </td>
              <td>
                <ul className="plain-list">
                  {option.words.map((line, j) => (
                    <li key={j}>{line}</li>
                  ))}
                </ul>
              </td>
            </tr>
          ))}
        </DataTable>
      )}
    </FormPanel>
  );
}

/** `/placements`: for officers, the systems out of policy, with the reason and since when. */
export function OutOfPolicyPage() {
  const me = useMe();
  const paged = usePagedSearch<OutOfPolicySystem, Record<string, string>>(
    OUT_OF_POLICY,
    {},
    () => ({}),
    PAGE_SIZE,
  );
  const [message, setMessage] = useState<string | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const reevaluate = async () => {
    setMessage(null);
    setProblem(null);
    try {
      const result = await api.post<{ evaluated: number }>('/api/v1/placements/reevaluate', {});
      setMessage(format(strings.reevaluated, { count: String(result.evaluated) }));
      paged.list.reload();
    } catch (error) {
      setProblem(error instanceof ApiError ? error.detail : strings.errorUnexpected);
    }
  };
  const empty = paged.shown?.total === 0;
  return (
    <Page title={strings.outOfPolicyTitle} intro={strings.outOfPolicyIntro}>
      <StatusMessage message={message} />
      {may.reevaluatePlacements(me) && (
        <p className="button-row">
          {problem && (
            <span className="field-error-message" role="alert">
              {problem}
            </span>
          )}
          <button
            type="button"
            className="button button-secondary"
            onClick={() => void reevaluate()}
          >
            {strings.reevaluate}
          </button>
        </p>
      )}
      {empty && (
        <div className="notice">
          <p>{strings.outOfPolicyEmpty}</p>
        </div>
      )}
      <PagedResults paged={paged} label={strings.outOfPolicyTitle}>
        {(items) => (
          <>
            <thead>
              <tr>
                <th scope="col">{strings.nocSystem}</th>
                <th scope="col">{strings.organizationLabel}</th>
                <th scope="col">{strings.outOfPolicyReason}</th>
                <th scope="col">{strings.outOfPolicySince}</th>
              </tr>
            </thead>
            <tbody aria-busy={paged.list.loading}>
              {items.map((row) => (
                <tr key={row.systemId}>
                  <td>
                    <Link to={`/systems/${row.systemId}`}>{row.systemName}</Link>
                  </td>
                  <td>{row.organization.name}</td>
                  <td className="statement">{row.reason ?? ''}</td>
                  <td className="nowrap">{formatDateTime(row.flaggedAt)}</td>
                </tr>
              ))}
            </tbody>
          </>
        )}
      </PagedResults>
    </Page>
  );
}

// NOC exemptions (src/features/placement/noc-routes.ts)

function nocStatusTone(status: NocStatus) {
  if (status === 'granted') return 'good';
  if (status === 'returned' || status === 'requested' || status === 'under_review')
    return 'warning';
  return status === 'refused' || status === 'revoked' ? 'bad' : 'neutral';
}

export function NocStatusTag({ status }: { status: NocStatus }) {
  return <Tag tone={nocStatusTone(status)}>{strings.nocStatuses[status] ?? status}</Tag>;
}

function nocPeriod(noc: Noc): string {
  return format(strings.nocPeriodValue, {
    from: formatDay(noc.validFrom ?? noc.from),
    until: formatDay(noc.validUntil ?? noc.until),
  });
}

function deviationList(deviations: readonly string[]): string {
  return deviations.map((d) => strings.deviations[d] ?? d).join(', ');
}

/** Lines of a text area, trimmed, empty ones left out. */
function lines(text: string): string[] {
  return text
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean);
}

/** The exemptions part of a system's page: its NOCs, and a request form for the public body. */
export function NocSection({ system }: { system: PseSystem }) {
  const me = useMe();
  const nocs = useApi<ListPage<Noc>>(NOCS, { systemId: system.id, limit: 50 });
  const [message, setMessage] = useState<string | null>(null);
  const mayRequest = system.status === 'active' && may.editSystems(me);
  return (
    <Section id="nocs" title={strings.nocsHeading}>
      <StatusMessage message={message} />
      {nocs.error ? (
        <LoadError detail={nocs.error.detail} onRetry={nocs.reload} />
      ) : !nocs.data ? (
        <Loading />
      ) : nocs.data.items.length === 0 ? (
        <p>{strings.nocsNone}</p>
      ) : (
        <DataTable
          label={strings.nocsHeading}
          columns={[
            strings.statusLabel,
            strings.nocDeviations,
            strings.nocPeriod,
            strings.nocRequestedOn,
            strings.actionsLabel,
          ]}
        >
          {nocs.data.items.map((noc) => (
            <tr key={noc.id}>
              <td>
                <NocStatusTag status={noc.status} />
              </td>
              <td>{deviationList(noc.deviations)}</td>
              <td>{nocPeriod(noc)}</td>
              <td>{formatDateTime(noc.createdAt)}</td>
              <td>
                <Link to={`/nocs/${noc.id}`}>{strings.nocOpenLink}</Link>
              </td>
            </tr>
          ))}
        </DataTable>
      )}
      {mayRequest &&
        (system.classCode === null ? (
          <p>{strings.nocNeedsClass}</p>
        ) : (
          <NocRequestForm
            system={system}
            onRequested={() => {
              setMessage(strings.nocRequested);
              nocs.reload();
            }}
          />
        ))}
    </Section>
  );
}

const NOC_FORM = 'noc';

function NocRequestForm({ system, onRequested }: { system: PseSystem; onRequested: () => void }) {
  const register = useApi<RegisterList>('/api/v1/register', { limit: 200, sort: 'name' });
  const form = useFields({ offeringId: '', facility: '', reason: '', from: '', until: '' });
  const [deviations, setDeviations] = useState<Deviation[]>([]);
  const [models, setModels] = useState<DeploymentModel[]>([]);
  const [open, setOpen] = useState(false);
  const submit = useSubmit();
  const problem = submit.problem;
  const labels: Record<string, string> = {
    deviations: strings.nocDeviations,
    deploymentModels: strings.nocModels,
    offeringId: strings.nocOffering,
    facility: strings.nocFacility,
    reason: strings.nocReason,
    from: strings.nocFrom,
    until: strings.nocUntil,
  };
  const close = () => {
    setOpen(false);
    window.setTimeout(() => document.getElementById('noc-request-open')?.focus(), 0);
  };
  if (!open) {
    return (
      <p className="button-row">
        <button
          type="button"
          id="noc-request-open"
          className="button button-secondary"
          onClick={() => setOpen(true)}
        >
          {strings.nocRequestHeading}
        </button>
      </p>
    );
  }
  const toggle = <T,>(list: T[], value: T, on: boolean) =>
    on ? [...list, value] : list.filter((item) => item !== value);
  return (
    <FormPanel id="noc-request" title={strings.nocRequestHeading}>
      <p>{strings.nocRequestIntro}</p>
      <SubmitForm
        id={NOC_FORM}
        submit={submit}
        labels={labels}
        submitLabel={strings.nocSubmit}
        actions={
          <button type="button" className="button button-secondary" onClick={close}>
            {strings.cancel}
          </button>
        }
        onSubmit={submit.onSubmit(
          async () => {
            const { values } = form;
            try {
              await api.post(`${systemPath(system.id)}/nocs`, {
                deviations,
                ...(deviations.includes('deployment_model') && { deploymentModels: models }),
                ...(values.offeringId && { offeringId: values.offeringId }),
                ...(values.facility.trim() && { facility: values.facility.trim() }),
                reason: values.reason.trim(),
                from: values.from,
                until: values.until,
              });
            } catch (error) {
              throw withNestedFields(error);
            }
            close();
            onRequested();
          },
          () => {
            const fields = missing(form.values, ['reason', 'from', 'until']);
            if (deviations.length === 0) fields.deviations = strings.errorRequired;
            return fields;
          },
        )}
      >
        <ChoiceSet
          form={NOC_FORM}
          name="deviations"
          label={strings.nocDeviations}
          hint={strings.nocDeviationsHint}
          error={problem?.fields.deviations}
          choices={DEVIATIONS.map((d) => ({ value: d, label: strings.deviations[d] ?? d }))}
          chosen={deviations}
          onChange={(value, on) => setDeviations((list) => toggle(list, value, on))}
        />
        {deviations.includes('deployment_model') && (
          <ChoiceSet
            form={NOC_FORM}
            name="deploymentModels"
            label={strings.nocModels}
            hint={strings.nocModelsHint}
            error={problem?.fields.deploymentModels}
            choices={DEPLOYMENT_MODELS.map((m) => ({
              value: m,
              label: strings.deploymentModels[m],
            }))}
            chosen={models}
            onChange={(value, on) => setModels((list) => toggle(list, value, on))}
          />
        )}
        <SelectField
          form={NOC_FORM}
          label={strings.nocOffering}
          optional
          options={[
            { value: '', label: strings.none },
            ...(register.data?.items ?? []).map((entry) => ({
              value: entry.offeringId,
              label: format(strings.systemOfferingChoice, {
                offering: entry.offeringName,
                provider: entry.providerName,
                status: strings.registerStatuses[entry.status],
              }),
            })),
          ]}
          error={problem?.fields.offeringId}
          {...form.bind('offeringId')}
        />
        <TextField
          form={NOC_FORM}
          label={strings.nocFacility}
          hint={strings.nocFacilityHint}
          optional
          error={problem?.fields.facility}
          {...form.bind('facility')}
        />
        <TextAreaField
          form={NOC_FORM}
          label={strings.nocReason}
          rows={4}
          error={problem?.fields.reason}
          {...form.bind('reason')}
        />
        <TextField
          form={NOC_FORM}
          label={strings.nocFrom}
          type="date"
          className="input input-date"
          error={problem?.fields.from}
          {...form.bind('from')}
        />
        <TextField
          form={NOC_FORM}
          label={strings.nocUntil}
          type="date"
          className="input input-date"
          error={problem?.fields.until}
          {...form.bind('until')}
        />
      </SubmitForm>
    </FormPanel>
  );
}

/** Several checkboxes under one legend, with the field's hint and error. */
function ChoiceSet<T extends string>({
  form,
  name,
  label,
  hint,
  error,
  choices,
  chosen,
  onChange,
}: {
  form: string;
  name: string;
  label: string;
  hint: string;
  error?: string;
  choices: { value: T; label: string }[];
  chosen: readonly T[];
  onChange: (value: T, on: boolean) => void;
}) {
  const id = fieldId(form, name);
  return (
    <fieldset
      className={error ? 'field choice-fieldset field-error' : 'field choice-fieldset'}
      id={id}
      tabIndex={-1}
      aria-describedby={`${id}-hint${error ? ` ${id}-error` : ''}`}
    >
      <legend className="field-label">{label}</legend>
      <div className="field-hint" id={`${id}-hint`}>
        {hint}
      </div>
      {error && (
        <p className="field-error-message" id={`${id}-error`}>
          <span className="visually-hidden">{strings.errorPrefix} </span>
          {error}
        </p>
      )}
      <div className="choices-inline">
        {choices.map((choice) => (
          <CheckboxField
            key={choice.value}
            form={form}
            name={`${name}-${choice.value}`}
            label={choice.label}
            checked={chosen.includes(choice.value)}
            onChange={(on) => onChange(choice.value, on)}
          />
        ))}
      </div>
    </fieldset>
  );
}

/** `/nocs`: officers see every request, a public body its own; newest first. */
export function NocsPage() {
  const paged = usePagedSearch<Noc, { status: string }>(
    NOCS,
    { status: '' },
    (applied) => ({ status: applied.status }),
    PAGE_SIZE,
  );
  const empty = paged.shown?.total === 0 && paged.search.values.status === '';
  return (
    <Page title={strings.nocQueueTitle} intro={strings.nocQueueIntro}>
      <FilterBar label={strings.nocQueueTitle} submitLabel={strings.show} onApply={paged.apply}>
        <SelectField
          form="noc-filter"
          label={strings.nocStatusFilter}
          options={[
            { value: '', label: strings.nocAnyStatus },
            ...NOC_STATUSES.map((status) => ({
              value: status,
              label: strings.nocStatuses[status] ?? status,
            })),
          ]}
          {...paged.search.bind('status')}
        />
      </FilterBar>
      {empty && (
        <div className="notice">
          <p>{strings.nocQueueEmpty}</p>
        </div>
      )}
      <PagedResults paged={paged} label={strings.nocQueueTitle}>
        {(items) => (
          <>
            <thead>
              <tr>
                <th scope="col">{strings.nocSystem}</th>
                <th scope="col">{strings.organizationLabel}</th>
                <th scope="col">{strings.statusLabel}</th>
                <th scope="col">{strings.nocDeviations}</th>
                <th scope="col">{strings.nocPeriod}</th>
                <th scope="col">{strings.nocRequestedOn}</th>
              </tr>
            </thead>
            <tbody aria-busy={paged.list.loading}>
              {items.map((noc) => (
                <tr key={noc.id}>
                  <td>
                    <Link to={`/nocs/${noc.id}`}>{noc.system.name}</Link>
                  </td>
                  <td>{noc.organization.name}</td>
                  <td>
                    <NocStatusTag status={noc.status} />
                  </td>
                  <td>{deviationList(noc.deviations)}</td>
                  <td>{nocPeriod(noc)}</td>
                  <td>{formatDateTime(noc.createdAt)}</td>
                </tr>
              ))}
            </tbody>
          </>
        )}
      </PagedResults>
    </Page>
  );
}

/** `/nocs/:id`: one exemption, its history, and a form for each step the user may take now. */
export function NocPage({ id }: { id: string }) {
  const noc = useApi<NocDetail>(nocPath(id));
  const [message, setMessage] = useState<string | null>(null);
  if (noc.error?.status === 404) return <NotFoundPage record />;
  const record = noc.data;
  return (
    <Page
      title={
        record ? format(strings.nocTitle, { system: record.system.name }) : strings.nocsHeading
      }
    >
      <StatusMessage message={message} />
      {noc.error ? (
        <LoadError detail={noc.error.detail} onRetry={noc.reload} />
      ) : !record ? (
        <Loading />
      ) : (
        <>
          <Section id="noc-terms" title={strings.nocTermsHeading}>
            <dl className="facts facts-wide">
              <dt>{strings.nocSystem}</dt>
              <dd>
                <Link to={`/systems/${record.system.id}`}>{record.system.name}</Link>
              </dd>
              <dt>{strings.organizationLabel}</dt>
              <dd>{record.organization.name}</dd>
              <dt>{strings.statusLabel}</dt>
              <dd>
                <NocStatusTag status={record.status} />
              </dd>
              <dt>{strings.nocDeviations}</dt>
              <dd>{deviationList(record.deviations)}</dd>
              {record.deploymentModels.length > 0 && (
                <>
                  <dt>{strings.nocModels}</dt>
                  <dd>
                    {record.deploymentModels.map((m) => strings.deploymentModels[m]).join(', ')}
                  </dd>
                </>
              )}
              {record.facility && (
                <>
                  <dt>{strings.nocFacility}</dt>
                  <dd>{record.facility}</dd>
                </>
              )}
              <dt>{strings.nocReason}</dt>
              <dd className="statement">{record.reason}</dd>
              <dt>{strings.nocPeriod}</dt>
              <dd>
                {format(strings.nocPeriodValue, {
                  from: formatDay(record.from),
                  until: formatDay(record.until),
                })}
              </dd>
              {record.validFrom && record.validUntil && (
                <>
                  <dt>{strings.nocGrantedPeriod}</dt>
                  <dd>
                    {format(strings.nocPeriodValue, {
                      from: formatDay(record.validFrom),
                      until: formatDay(record.validUntil),
                    })}
                  </dd>
                </>
              )}
              <dt>{strings.nocRequestedOn}</dt>
              <dd>{formatDateTime(record.createdAt)}</dd>
              {record.returnReasons && (
                <>
                  <dt>{strings.nocReturnReasons}</dt>
                  <dd>{record.returnReasons.join('; ')}</dd>
                </>
              )}
              {record.review && (
                <>
                  <dt>{strings.nocReviewHeading}</dt>
                  <dd>
                    {strings.nocRecommendations[record.review.recommendation] ??
                      record.review.recommendation}
                    {record.review.notes && `: ${record.review.notes}`}
                  </dd>
                </>
              )}
              {record.decisionNotes && (
                <>
                  <dt>{strings.nocDecisionNotes}</dt>
                  <dd>{record.decisionNotes}</dd>
                </>
              )}
              {record.closure && (
                <>
                  <dt>{strings.statusLabel}</dt>
                  <dd>
                    {format(strings.nocClosure, {
                      day: formatDay(record.closure.on),
                      reasons: record.closure.reasons.join('; '),
                    })}
                  </dd>
                </>
              )}
            </dl>
          </Section>
          <Section id="noc-actions" title={strings.nocActionsHeading}>
            {record.allowedActions.length === 0 ? (
              <p>{strings.nocNoActions}</p>
            ) : (
              record.allowedActions.map((action) => (
                <NocActionForm
                  key={`${action}-${record.revision}`}
                  noc={record}
                  action={action}
                  onDone={() => {
                    setMessage(
                      format(strings.nocActionDone, {
                        action: strings.nocActions[action] ?? action,
                      }),
                    );
                    noc.reload();
                  }}
                />
              ))
            )}
          </Section>
          <Section id="noc-history" title={strings.nocHistoryHeading}>
            <DataTable
              label={strings.nocHistoryHeading}
              columns={[strings.nocHistoryStep, strings.registerWhen, strings.nocHistoryBy]}
            >
              {record.history.map((step) => (
                <tr key={step.seq}>
                  <td>{strings.nocEvents[step.type] ?? step.type}</td>
                  <td>{formatDateTime(step.at)}</td>
                  <td>
                    {step.actorPosition ??
                      (step.actorUserId ? strings.nocHistoryByBody : strings.none)}
                  </td>
                </tr>
              ))}
            </DataTable>
          </Section>
        </>
      )}
    </Page>
  );
}

/** One step on a NOC, with the fields that step takes. */
function NocActionForm({
  noc,
  action,
  onDone,
}: {
  noc: NocDetail;
  action: NocAction;
  onDone: () => void;
}) {
  const formId = `noc-${action}`;
  const form = useFields({
    recommendation: '',
    reasons: '',
    reason: '',
    notes: '',
    validFrom: '',
    validUntil: '',
  });
  const submit = useSubmit();
  const problem = submit.problem;
  const title = strings.nocActions[action] ?? action;
  const labels: Record<string, string> = {
    recommendation: strings.nocRecommendation,
    reasons: strings.nocReasons,
    reason: strings.nocWhy,
    notes: strings.nocNotes,
    validFrom: strings.nocValidFrom,
    validUntil: strings.nocValidUntil,
  };
  const body = (): Record<string, unknown> => {
    const { values } = form;
    const reasons = lines(values.reasons);
    switch (action) {
      case 'review':
        return {
          recommendation: values.recommendation,
          ...(reasons.length > 0 && { reasons }),
        };
      case 'refuse':
        return { reasons };
      case 'grant':
        return {
          ...(values.validFrom && { validFrom: values.validFrom }),
          ...(values.validUntil && { validUntil: values.validUntil }),
          ...(values.notes.trim() && { notes: values.notes.trim() }),
        };
      case 'withdraw':
      case 'revoke':
        return { reason: values.reason.trim() };
      case 'resubmit':
        return {};
    }
  };
  const check = () => {
    if (action === 'review') return missing(form.values, ['recommendation']);
    if (action === 'refuse') return missing(form.values, ['reasons']);
    if (action === 'withdraw' || action === 'revoke') return missing(form.values, ['reason']);
    return {};
  };
  return (
    <FormPanel id={formId} title={title}>
      <SubmitForm
        id={formId}
        submit={submit}
        labels={labels}
        submitLabel={title}
        onSubmit={submit.onSubmit(async () => {
          await api.post(`${nocPath(noc.id)}/actions/${action}`, body());
          onDone();
        }, check)}
      >
        {action === 'review' && (
          <SelectField
            form={formId}
            label={strings.nocRecommendation}
            options={[
              { value: '', label: strings.chooseOne },
              ...['grant', 'refuse', 'return'].map((value) => ({
                value,
                label: strings.nocRecommendations[value] ?? value,
              })),
            ]}
            error={problem?.fields.recommendation}
            {...form.bind('recommendation')}
          />
        )}
        {(action === 'review' || action === 'refuse') && (
          <TextAreaField
            form={formId}
            label={strings.nocReasons}
            hint={strings.nocReasonsHint}
            optional={action === 'review'}
            error={problem?.fields.reasons}
            {...form.bind('reasons')}
          />
        )}
        {action === 'grant' && (
          <>
            <TextField
              form={formId}
              label={strings.nocValidFrom}
              hint={strings.nocValidFromHint}
              optional
              type="date"
              className="input input-date"
              error={problem?.fields.validFrom}
              {...form.bind('validFrom')}
            />
            <TextField
              form={formId}
              label={strings.nocValidUntil}
              hint={strings.nocValidUntilHint}
              optional
              type="date"
              className="input input-date"
              error={problem?.fields.validUntil}
              {...form.bind('validUntil')}
            />
            <TextAreaField
              form={formId}
              label={strings.nocNotes}
              optional
              error={problem?.fields.notes}
              {...form.bind('notes')}
            />
          </>
        )}
        {(action === 'withdraw' || action === 'revoke') && (
          <TextAreaField
            form={formId}
            label={strings.nocWhy}
            error={problem?.fields.reason}
            {...form.bind('reason')}
          />
        )}
      </SubmitForm>
    </FormPanel>
  );
}
