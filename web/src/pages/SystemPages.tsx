import { useRef, useState, type ReactNode } from 'react';
import { isOfficeStaff, may } from '../access';
import { api, type Me } from '../api';
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
  type FormProblem,
} from '../components/forms';
import { DataTable, Tag } from '../components/lists';
import { LoadError, Loading, Page, Section, StatusMessage } from '../components/Page';
import { FilterBar, PagedResults, usePagedSearch } from '../components/search';
import { countryName, countryOptions } from '../countries';
import { formatDateTime } from '../display';
import { withNestedFields, type RegisterList } from '../offerings-api';
import { Link, navigate } from '../router';
import { useMe } from '../session';
import { format, strings } from '../strings';
import {
  HOSTING_KINDS,
  IMPACTS,
  POLICY,
  SYSTEMS,
  systemPath,
  type Classification,
  type HostingInput,
  type HostingKind,
  type HostingView,
  type Impact,
  type InformationTypeAnswer,
  type PolicyVersion,
  type PseSystem,
  type SystemInput,
  type SystemList,
} from '../systems-api';
import { useApi } from '../useApi';
import { NotFoundPage } from './NotFoundPage';
import { NocSection, PlacementSection } from './PlacementPages';

/**
 * PSE systems (issue 6): a public body registers its systems (purpose, owner, users, where each
 * runs now and is proposed to run), classifies their data with the questionnaire, and sees where
 * they may go. Officers see every body's systems. The server decides who may do what.
 */

const PAGE_SIZE = 25;

/** The class's name from the pack in force, or its code until the pack arrives. */
export function useClassNames(): (code: string | null) => string {
  const policy = useApi<PolicyVersion>(POLICY);
  return (code) => {
    if (code === null) return strings.systemNotClassified;
    return policy.data?.pack.classes.find((c) => c.code === code)?.name ?? code;
  };
}

/** A hosting in words: the offering and its provider, or the facility. */
export function hostingWords(hosting: HostingView | null): string {
  if (!hosting) return strings.none;
  if (hosting.kind === 'offering') {
    const offering = hosting.offering;
    if (!offering?.name) return strings.systemUnknownOffering;
    return format(strings.systemHostingOffering, {
      offering: offering.name,
      provider: offering.providerName ?? '',
    });
  }
  const facility = hosting.facility;
  return format(strings.systemHostingFacility, {
    kind: strings.hostingKinds[hosting.kind] ?? hosting.kind,
    name: facility?.name ?? '',
    country: facility ? countryName(facility.country) : '',
    operator: facility?.operator ?? '',
  });
}

/** `/systems`: the systems the user may see, with an empty state that says what to do. */
export function SystemsPage() {
  const me = useMe();
  const office = isOfficeStaff(me);
  const className = useClassNames();
  const paged = usePagedSearch<PseSystem, { q: string; status: string }>(
    SYSTEMS,
    { q: '', status: 'active' },
    (applied) => ({ q: applied.q.trim(), status: applied.status }),
    PAGE_SIZE,
  );
  const { search } = paged;
  const any = useApi<SystemList>(SYSTEMS, { status: 'all', limit: 1 });
  const empty = any.data?.total === 0;

  return (
    <Page
      title={strings.systemsTitle}
      intro={office ? strings.systemsIntroOffice : strings.systemsIntro}
    >
      {may.editSystems(me) && (
        <p className="button-row">
          <Link to="/systems/new" className="button">
            {strings.systemNewLink}
          </Link>
        </p>
      )}
      {empty ? (
        <div className="notice">
          <p>{office ? strings.systemsEmptyOffice : strings.systemsEmpty}</p>
        </div>
      ) : (
        <>
          <FilterBar
            label={strings.systemsSearchLabel}
            submitLabel={strings.search}
            onApply={paged.apply}
          >
            <TextField
              form="system-filter"
              label={strings.nameSearchLabel}
              type="search"
              {...search.bind('q')}
            />
            <SelectField
              form="system-filter"
              label={strings.systemsStatusFilter}
              options={[
                { value: 'active', label: strings.systemsActive },
                { value: 'archived', label: strings.systemsArchived },
                { value: 'all', label: strings.systemsAll },
              ]}
              {...search.bind('status')}
            />
          </FilterBar>
          <PagedResults paged={paged} label={strings.systemsTitle}>
            {(items) => (
              <>
                <thead>
                  <tr>
                    <th scope="col">{strings.nameLabel}</th>
                    {office && <th scope="col">{strings.organizationLabel}</th>}
                    <th scope="col">{strings.systemClass}</th>
                    <th scope="col">{strings.systemCurrentHosting}</th>
                    <th scope="col">{strings.updatedLabel}</th>
                  </tr>
                </thead>
                <tbody aria-busy={paged.list.loading}>
                  {items.map((system) => (
                    <tr key={system.id}>
                      <td>
                        <Link to={`/systems/${system.id}`}>{system.name}</Link>
                        {system.status === 'archived' && (
                          <>
                            {' '}
                            <Tag>{strings.systemsArchived}</Tag>
                          </>
                        )}
                      </td>
                      {office && <td>{system.organization.name}</td>}
                      <td>{className(system.classCode)}</td>
                      <td>{hostingWords(system.currentHosting)}</td>
                      <td>{formatDateTime(system.updatedAt)}</td>
                    </tr>
                  ))}
                </tbody>
              </>
            )}
          </PagedResults>
        </>
      )}
    </Page>
  );
}

/** `/systems/new`: register a system. */
export function NewSystemPage() {
  return (
    <Page title={strings.systemNewTitle} intro={strings.systemNewIntro}>
      <SystemForm
        submitLabel={strings.systemCreateSubmit}
        save={async (input) => {
          const created = await api.post<PseSystem>(SYSTEMS, input);
          navigate(`/systems/${created.id}`, {
            flash: format(strings.systemCreated, { name: created.name }),
          });
        }}
      />
    </Page>
  );
}

/** `/systems/:id`: the system, its editing and archiving, its classification and its placement. */
export function SystemPage({ id }: { id: string }) {
  const me = useMe();
  const system = useApi<PseSystem>(systemPath(id));
  const [editing, setEditing] = useState(false);
  const [saved, setSaved] = useState<string | null>(null);
  const editButton = useRef<HTMLButtonElement>(null);

  if (system.error?.status === 404) return <NotFoundPage record />;
  const record = system.data;
  const active = record?.status === 'active';
  return (
    <Page title={record?.name ?? strings.systemTitle}>
      <StatusMessage message={saved} />
      {system.error ? (
        <LoadError detail={system.error.detail} onRetry={system.reload} />
      ) : !record ? (
        <Loading />
      ) : (
        <>
          {!active && (
            <div className="notice notice-standing" role="note">
              <p>
                {format(strings.systemArchivedNotice, { at: formatDateTime(record.archivedAt) })}
              </p>
            </div>
          )}
          <SystemFacts system={record} />
          {active && may.editSystems(me) && (
            <>
              <p className="button-row">
                <button
                  type="button"
                  ref={editButton}
                  className="button button-secondary"
                  aria-expanded={editing}
                  aria-controls="edit-system"
                  onClick={() => {
                    setSaved(null);
                    setEditing(!editing);
                  }}
                >
                  {strings.systemEdit}
                </button>
              </p>
              {editing && (
                <Section id="edit-system-section" title={strings.systemEditHeading}>
                  <div id="edit-system">
                    <SystemForm
                      system={record}
                      submitLabel={strings.save}
                      onCancel={() => {
                        setEditing(false);
                        editButton.current?.focus();
                      }}
                      save={async (input) => {
                        await api.patch<PseSystem>(systemPath(record.id), input);
                        setEditing(false);
                        setSaved(strings.systemSaved);
                        system.reload();
                        editButton.current?.focus();
                      }}
                    />
                  </div>
                </Section>
              )}
            </>
          )}
          <ClassificationSection
            me={me}
            system={record}
            onClassified={(message) => {
              setSaved(message);
              system.reload();
            }}
          />
          <PlacementSection system={record} />
          <NocSection system={record} />
          {active && may.archiveSystems(me) && (
            <ArchiveSystem
              system={record}
              onArchived={() => {
                setSaved(strings.systemArchived);
                system.reload();
              }}
            />
          )}
        </>
      )}
    </Page>
  );
}

function SystemFacts({ system }: { system: PseSystem }) {
  const className = useClassNames();
  return (
    <Section id="system-details" title={strings.systemDetailsHeading}>
      <dl className="facts facts-wide">
        <dt>{strings.organizationLabel}</dt>
        <dd>
          <Link to={`/organizations/${system.organization.id}`}>{system.organization.name}</Link>
        </dd>
        <dt>{strings.systemPurpose}</dt>
        <dd className="statement">{system.purpose}</dd>
        <dt>{strings.systemOwnerName}</dt>
        <dd>
          {format(strings.personWithEmail, { name: system.owner.name, email: system.owner.email })}
        </dd>
        <dt>{strings.systemUsers}</dt>
        <dd>
          {system.users.description} ({String(system.users.approximateCount)})
        </dd>
        <dt>{strings.systemCurrentHosting}</dt>
        <dd>{hostingWords(system.currentHosting)}</dd>
        <dt>{strings.systemProposedHosting}</dt>
        <dd>{hostingWords(system.proposedHosting)}</dd>
        <dt>{strings.systemClass}</dt>
        <dd>{className(system.classCode)}</dd>
        <dt>{strings.updatedLabel}</dt>
        <dd>{formatDateTime(system.updatedAt)}</dd>
      </dl>
    </Section>
  );
}

// The form that describes a system, for registering and for changing it.

const FORM = 'system';

interface HostingFields {
  kind: HostingKind | '';
  offeringId: string;
  name: string;
  country: string;
  operator: string;
}

function hostingFields(hosting: HostingView | null | undefined): HostingFields {
  return {
    kind: hosting?.kind ?? '',
    offeringId: hosting?.offering?.id ?? '',
    name: hosting?.facility?.name ?? '',
    country: hosting?.facility?.country ?? '',
    operator: hosting?.facility?.operator ?? '',
  };
}

function hostingInput(fields: HostingFields): HostingInput | null {
  if (fields.kind === '') return null;
  if (fields.kind === 'offering') return { kind: 'offering', offeringId: fields.offeringId };
  return {
    kind: fields.kind,
    name: fields.name.trim(),
    country: fields.country,
    operator: fields.operator.trim(),
  };
}

/** The offerings of the public register, as choices ("Offering by Provider (Accredited)"). */
function useOfferingChoices(): { value: string; label: string }[] {
  const register = useApi<RegisterList>('/api/v1/register', { limit: 200, sort: 'name' });
  return (register.data?.items ?? []).map((entry) => ({
    value: entry.offeringId,
    label: format(strings.systemOfferingChoice, {
      offering: entry.offeringName,
      provider: entry.providerName,
      status: strings.registerStatuses[entry.status],
    }),
  }));
}

function SystemForm({
  system,
  submitLabel,
  save,
  onCancel,
}: {
  system?: PseSystem;
  submitLabel: string;
  save: (input: SystemInput) => Promise<void>;
  onCancel?: () => void;
}) {
  const details = useFields({
    name: system?.name ?? '',
    purpose: system?.purpose ?? '',
    'owner-name': system?.owner.name ?? '',
    'owner-email': system?.owner.email ?? '',
    'users-description': system?.users.description ?? '',
    'users-approximateCount': system ? String(system.users.approximateCount) : '',
  });
  const [current, setCurrent] = useState<HostingFields>(() =>
    hostingFields(system?.currentHosting),
  );
  const [proposed, setProposed] = useState<HostingFields>(() =>
    hostingFields(system?.proposedHosting),
  );
  const offerings = useOfferingChoices();
  const submit = useSubmit();
  const problem = submit.problem;

  const labels: Record<string, string> = {
    name: strings.systemName,
    purpose: strings.systemPurpose,
    'owner-name': strings.systemOwnerName,
    'owner-email': strings.systemOwnerEmail,
    'users-description': strings.systemUsers,
    'users-approximateCount': strings.systemUsersCount,
  };
  for (const [which, heading] of [
    ['currentHosting', strings.systemCurrentHosting],
    ['proposedHosting', strings.systemProposedHosting],
  ] as const) {
    labels[which] = heading;
    for (const [field, label] of [
      ['kind', strings.systemHostingKind],
      ['offeringId', strings.systemOffering],
      ['name', strings.systemFacilityName],
      ['country', strings.systemFacilityCountry],
      ['operator', strings.systemFacilityOperator],
    ] as const) {
      labels[`${which}-${field}`] = `${heading}: ${label}`;
    }
  }

  const check = () => {
    const fields = missing(details.values, [
      'name',
      'purpose',
      'owner-name',
      'owner-email',
      'users-description',
      'users-approximateCount',
    ]);
    const count = details.values['users-approximateCount'].trim();
    if (count !== '' && !/^\d+$/.test(count))
      fields['users-approximateCount'] = strings.systemCountFormat;
    for (const [which, hosting] of [
      ['currentHosting', current],
      ['proposedHosting', proposed],
    ] as const) {
      if (hosting.kind === 'offering' && hosting.offeringId === '') {
        fields[`${which}-offeringId`] = strings.errorRequired;
      } else if (hosting.kind !== '' && hosting.kind !== 'offering') {
        for (const field of ['name', 'country', 'operator'] as const) {
          if (hosting[field].trim() === '') fields[`${which}-${field}`] = strings.errorRequired;
        }
      }
    }
    if (current.kind === '' && proposed.kind === '')
      fields.currentHosting = strings.systemHostingHint;
    return fields;
  };

  const send = async () => {
    const { values } = details;
    try {
      await save({
        name: values.name.trim(),
        purpose: values.purpose.trim(),
        owner: { name: values['owner-name'].trim(), email: values['owner-email'].trim() },
        users: {
          description: values['users-description'].trim(),
          approximateCount: Number(values['users-approximateCount'].trim()),
        },
        currentHosting: hostingInput(current),
        proposedHosting: hostingInput(proposed),
      });
    } catch (error) {
      throw withNestedFields(error);
    }
  };

  return (
    <SubmitForm
      id={FORM}
      submit={submit}
      labels={labels}
      onSubmit={submit.onSubmit(send, check)}
      submitLabel={submitLabel}
      actions={
        onCancel && (
          <button type="button" className="button button-secondary" onClick={onCancel}>
            {strings.cancel}
          </button>
        )
      }
    >
      <TextField
        form={FORM}
        label={strings.systemName}
        error={problem?.fields.name}
        {...details.bind('name')}
      />
      <TextAreaField
        form={FORM}
        label={strings.systemPurpose}
        hint={strings.systemPurposeHint}
        rows={4}
        error={problem?.fields.purpose}
        {...details.bind('purpose')}
      />
      <TextField
        form={FORM}
        label={strings.systemOwnerName}
        hint={strings.systemOwnerNameHint}
        autoComplete="off"
        error={problem?.fields['owner-name']}
        {...details.bind('owner-name')}
      />
      <TextField
        form={FORM}
        label={strings.systemOwnerEmail}
        type="email"
        spellCheck={false}
        autoComplete="off"
        error={problem?.fields['owner-email']}
        {...details.bind('owner-email')}
      />
      <TextField
        form={FORM}
        label={strings.systemUsers}
        hint={strings.systemUsersHint}
        error={problem?.fields['users-description']}
        {...details.bind('users-description')}
      />
      <TextField
        form={FORM}
        label={strings.systemUsersCount}
        inputMode="numeric"
        className="input input-short"
        error={problem?.fields['users-approximateCount']}
        {...details.bind('users-approximateCount')}
      />
      <HostingFieldset
        which="currentHosting"
        heading={strings.systemCurrentHosting}
        hosting={current}
        onChange={(change) => setCurrent((old) => ({ ...old, ...change }))}
        offerings={offerings}
        problem={problem}
      />
      <HostingFieldset
        which="proposedHosting"
        heading={strings.systemProposedHosting}
        hosting={proposed}
        onChange={(change) => setProposed((old) => ({ ...old, ...change }))}
        offerings={offerings}
        problem={problem}
      />
    </SubmitForm>
  );
}

function HostingFieldset({
  which,
  heading,
  hosting,
  onChange,
  offerings,
  problem,
}: {
  which: 'currentHosting' | 'proposedHosting';
  heading: string;
  hosting: HostingFields;
  onChange: (change: Partial<HostingFields>) => void;
  offerings: { value: string; label: string }[];
  problem: FormProblem | null;
}) {
  const id = fieldId(FORM, which);
  const error = problem?.fields[which];
  const name = (field: string) => `${which}-${field}`;
  return (
    <fieldset
      className={error ? 'list-fieldset field-error' : 'list-fieldset'}
      aria-describedby={error ? `${id}-hint ${id}-error` : `${id}-hint`}
    >
      <legend className="list-legend">{heading}</legend>
      <p className="field-hint" id={`${id}-hint`}>
        {strings.systemHostingHint}
      </p>
      {error && (
        <p className="field-error-message" id={id} tabIndex={-1}>
          <span className="visually-hidden">{strings.errorPrefix} </span>
          <span id={`${id}-error`}>{error}</span>
        </p>
      )}
      <SelectField
        form={FORM}
        name={name('kind')}
        label={strings.systemHostingKind}
        options={[
          { value: '', label: strings.systemHostingNone },
          ...HOSTING_KINDS.map((kind) => ({
            value: kind,
            label: strings.hostingKinds[kind] ?? kind,
          })),
        ]}
        error={problem?.fields[name('kind')]}
        value={hosting.kind}
        onChange={(event) => onChange({ kind: event.target.value as HostingKind | '' })}
      />
      {hosting.kind === 'offering' && (
        <SelectField
          form={FORM}
          name={name('offeringId')}
          label={strings.systemOffering}
          hint={strings.systemOfferingHint}
          options={[{ value: '', label: strings.chooseOne }, ...offerings]}
          error={problem?.fields[name('offeringId')]}
          value={hosting.offeringId}
          onChange={(event) => onChange({ offeringId: event.target.value })}
        />
      )}
      {hosting.kind !== '' && hosting.kind !== 'offering' && (
        <>
          <TextField
            form={FORM}
            name={name('name')}
            label={strings.systemFacilityName}
            error={problem?.fields[name('name')]}
            value={hosting.name}
            onChange={(event) => onChange({ name: event.target.value })}
          />
          <SelectField
            form={FORM}
            name={name('country')}
            label={strings.systemFacilityCountry}
            options={[{ value: '', label: strings.chooseOne }, ...countryOptions]}
            error={problem?.fields[name('country')]}
            value={hosting.country}
            onChange={(event) => onChange({ country: event.target.value })}
          />
          <TextField
            form={FORM}
            name={name('operator')}
            label={strings.systemFacilityOperator}
            hint={strings.systemFacilityOperatorHint}
            error={problem?.fields[name('operator')]}
            value={hosting.operator}
            onChange={(event) => onChange({ operator: event.target.value })}
          />
        </>
      )}
    </fieldset>
  );
}

// Archiving

function ArchiveSystem({ system, onArchived }: { system: PseSystem; onArchived: () => void }) {
  const [confirming, setConfirming] = useState(false);
  const form = useFields({ reason: '' });
  const submit = useSubmit();
  const startButton = useRef<HTMLButtonElement>(null);
  return (
    <Section id="archive-system" title={strings.systemArchive}>
      {!confirming ? (
        <button
          type="button"
          ref={startButton}
          className="button button-secondary"
          onClick={() => setConfirming(true)}
        >
          {strings.systemArchive}
        </button>
      ) : (
        <>
          <p>{strings.systemArchiveQuestion}</p>
          <SubmitForm
            id="archive"
            submit={submit}
            labels={{ reason: strings.systemArchiveReason }}
            submitLabel={format(strings.systemArchiveConfirm, { name: system.name })}
            onSubmit={submit.onSubmit(async () => {
              const reason = form.values.reason.trim();
              await api.post<PseSystem>(
                `${systemPath(system.id)}/archive`,
                reason ? { reason } : {},
              );
              setConfirming(false);
              onArchived();
            })}
            actions={
              <button
                type="button"
                className="button button-secondary"
                onClick={() => {
                  setConfirming(false);
                  window.setTimeout(() => startButton.current?.focus(), 0);
                }}
              >
                {strings.cancel}
              </button>
            }
          >
            <TextAreaField
              form="archive"
              label={strings.systemArchiveReason}
              optional
              error={submit.problem?.fields.reason}
              {...form.bind('reason')}
            />
          </SubmitForm>
        </>
      )}
    </Section>
  );
}

// The classification questionnaire

const QUESTIONNAIRE = 'classification';
const PROPERTIES = ['confidentiality', 'integrity', 'availability'] as const;

interface TypeRow extends InformationTypeAnswer {
  key: number;
}

let nextKey = 1;
const emptyType = (): TypeRow => ({
  key: nextKey++,
  name: '',
  confidentiality: '',
  integrity: '',
  availability: '',
  markings: [],
});

const typeField = (index: number, field: string) => `informationTypes-${index}-${field}`;

function focusSoon(id: string) {
  window.setTimeout(() => document.getElementById(id)?.focus(), 0);
}

function ClassificationSection({
  me,
  system,
  onClassified,
}: {
  me: Me;
  system: PseSystem;
  onClassified: (message: string) => void;
}) {
  const classification = useApi<Classification>(
    system.classCode === null ? null : `${systemPath(system.id)}/classification`,
  );
  const [answering, setAnswering] = useState(false);
  const startButton = useRef<HTMLButtonElement>(null);
  const mayAnswer = system.status === 'active' && may.editSystems(me);
  const record = classification.data;

  let body: ReactNode;
  if (system.classCode === null) body = <p>{strings.classificationNone}</p>;
  else if (classification.error)
    body = <LoadError detail={classification.error.detail} onRetry={classification.reload} />;
  else if (!record) body = <Loading />;
  else body = <ClassificationView classification={record} />;

  return (
    <Section id="classification" title={strings.classificationHeading}>
      {body}
      {mayAnswer && !answering && (
        <p className="button-row">
          <button
            type="button"
            ref={startButton}
            className="button"
            onClick={() => setAnswering(true)}
          >
            {system.classCode === null ? strings.classificationStart : strings.classificationAgain}
          </button>
        </p>
      )}
      {mayAnswer && answering && (
        <Questionnaire
          system={system}
          previous={record}
          onCancel={() => {
            setAnswering(false);
            window.setTimeout(() => startButton.current?.focus(), 0);
          }}
          onDone={(result) => {
            setAnswering(false);
            window.setTimeout(() => startButton.current?.focus(), 0);
            classification.reload();
            onClassified(format(strings.classificationSaved, { class: result.className }));
          }}
        />
      )}
    </Section>
  );
}

function impactName(impact: Impact): string {
  return strings.impacts[impact] ?? impact;
}

function ClassificationView({ classification }: { classification: Classification }) {
  const category = classification.securityCategory;
  return (
    <>
      <p className="lead" id="classification-result">
        <Tag tone="neutral">
          {format(strings.classificationResult, { class: classification.className })}
        </Tag>
      </p>
      <dl className="facts facts-wide">
        <dt>{strings.classificationCategory}</dt>
        <dd>
          {format(strings.classificationCategoryValue, {
            confidentiality: impactName(category.confidentiality),
            integrity: impactName(category.integrity),
            availability: impactName(category.availability),
          })}
        </dd>
      </dl>
      <h4>{strings.classificationTypesHeading}</h4>
      <DataTable
        label={strings.classificationTypesHeading}
        columns={[
          strings.nameLabel,
          strings.properties.confidentiality ?? '',
          strings.properties.integrity ?? '',
          strings.properties.availability ?? '',
          strings.systemClass,
          strings.classificationReason,
        ]}
      >
        {classification.informationTypes.map((type) => (
          <tr key={type.name}>
            <th scope="row">{type.name}</th>
            <td>{impactName(type.confidentiality)}</td>
            <td>{impactName(type.integrity)}</td>
            <td>{impactName(type.availability)}</td>
            <td>{type.className}</td>
            <td>{type.reason}</td>
          </tr>
        ))}
      </DataTable>
      <h4>{strings.classificationRationale}</h4>
      <ul id="classification-rationale">
        {classification.rationale.map((line, index) => (
          <li key={index}>{line}</li>
        ))}
      </ul>
      <p className="secondary-text">
        {format(strings.classificationMeta, {
          at: formatDateTime(classification.classifiedAt),
          who: classification.classifiedBy?.name ?? strings.classificationSomeone,
          version: String(classification.policyVersion),
        })}
      </p>
    </>
  );
}

function Questionnaire({
  system,
  previous,
  onCancel,
  onDone,
}: {
  system: PseSystem;
  previous: Classification | undefined;
  onCancel: () => void;
  onDone: (result: Classification) => void;
}) {
  const policy = useApi<PolicyVersion>(POLICY);
  const markings = policy.data?.pack.classification.byMarking ?? [];
  const [types, setTypes] = useState<TypeRow[]>(() =>
    previous
      ? previous.informationTypes.map((type) => ({
          key: nextKey++,
          name: type.name,
          confidentiality: type.confidentiality,
          integrity: type.integrity,
          availability: type.availability,
          markings: type.markings,
        }))
      : [emptyType()],
  );
  const submit = useSubmit();
  const problem = submit.problem;

  const labels: Record<string, string> = { informationTypes: strings.classificationTypes };
  types.forEach((_, index) => {
    const row = format(strings.classificationTypeN, { n: String(index + 1) });
    labels[typeField(index, 'name')] = `${row}: ${strings.classificationTypeName}`;
    labels[typeField(index, 'markings')] = `${row}: ${strings.classificationMarkings}`;
    for (const property of PROPERTIES) {
      labels[typeField(index, property)] = `${row}: ${strings.properties[property] ?? property}`;
    }
  });

  const update = (index: number, change: Partial<TypeRow>) =>
    setTypes((rows) => rows.map((row, i) => (i === index ? { ...row, ...change } : row)));

  const check = () => {
    const fields: Record<string, string> = {};
    if (types.length === 0) fields.informationTypes = strings.classificationTypesHint;
    types.forEach((type, index) => {
      if (type.name.trim() === '') fields[typeField(index, 'name')] = strings.errorRequired;
      for (const property of PROPERTIES) {
        if (type[property] === '')
          fields[typeField(index, property)] = strings.classificationChooseImpact;
      }
    });
    return fields;
  };

  const send = async () => {
    try {
      const result = await api.put<Classification>(`${systemPath(system.id)}/classification`, {
        informationTypes: types.map((type) => ({
          name: type.name.trim(),
          confidentiality: type.confidentiality,
          integrity: type.integrity,
          availability: type.availability,
          markings: type.markings,
        })),
      });
      onDone(result);
    } catch (error) {
      throw withNestedFields(error);
    }
  };

  const listId = fieldId(QUESTIONNAIRE, 'informationTypes');
  const listError = problem?.fields.informationTypes;
  return (
    <div className="panel">
      <h4>{strings.classificationFormHeading}</h4>
      <p>{strings.classificationFormIntro}</p>
      <SubmitForm
        id={QUESTIONNAIRE}
        submit={submit}
        labels={labels}
        onSubmit={submit.onSubmit(send, check)}
        submitLabel={strings.classificationSubmit}
        actions={
          <button type="button" className="button button-secondary" onClick={onCancel}>
            {strings.cancel}
          </button>
        }
      >
        <fieldset
          className={listError ? 'list-fieldset field-error' : 'list-fieldset'}
          aria-describedby={listError ? `${listId}-hint ${listId}-error` : `${listId}-hint`}
        >
          <legend className="list-legend">{strings.classificationTypes}</legend>
          <p className="field-hint" id={`${listId}-hint`}>
            {strings.classificationTypesHint}
          </p>
          {listError && (
            <p className="field-error-message" id={listId} tabIndex={-1}>
              <span className="visually-hidden">{strings.errorPrefix} </span>
              <span id={`${listId}-error`}>{listError}</span>
            </p>
          )}
          {types.length === 0 && <p>{strings.classificationNoTypes}</p>}
          {types.map((type, index) => {
            const n = String(index + 1);
            return (
              <fieldset key={type.key} className="list-row">
                <legend className="list-row-legend">
                  {format(strings.classificationTypeN, { n })}
                </legend>
                <TextField
                  form={QUESTIONNAIRE}
                  name={typeField(index, 'name')}
                  label={strings.classificationTypeName}
                  hint={strings.classificationTypeNameHint}
                  error={problem?.fields[typeField(index, 'name')]}
                  value={type.name}
                  onChange={(event) => update(index, { name: event.target.value })}
                />
                {PROPERTIES.map((property) => (
                  <ImpactChoice
                    key={property}
                    name={typeField(index, property)}
                    label={strings.properties[property] ?? property}
                    hint={strings.propertyHints[property] ?? ''}
                    value={type[property]}
                    error={problem?.fields[typeField(index, property)]}
                    onChange={(impact) => update(index, { [property]: impact })}
                  />
                ))}
                {markings.length > 0 && (
                  <fieldset className="field choice-fieldset">
                    <legend className="field-label">
                      {strings.classificationMarkings}
                      <span className="field-optional"> {strings.optionalMark}</span>
                    </legend>
                    <div className="field-hint">{strings.classificationMarkingsHint}</div>
                    {problem?.fields[typeField(index, 'markings')] && (
                      <p className="field-error-message">
                        <span className="visually-hidden">{strings.errorPrefix} </span>
                        {problem.fields[typeField(index, 'markings')]}
                      </p>
                    )}
                    {markings.map((marking, j) => (
                      <CheckboxField
                        key={marking.marking}
                        form={QUESTIONNAIRE}
                        name={typeField(index, `marking-${j}`)}
                        label={marking.label}
                        checked={type.markings.includes(marking.marking)}
                        onChange={(checked) =>
                          update(index, {
                            markings: checked
                              ? [...type.markings, marking.marking]
                              : type.markings.filter((m) => m !== marking.marking),
                          })
                        }
                      />
                    ))}
                  </fieldset>
                )}
                <button
                  type="button"
                  className="button button-secondary button-small"
                  onClick={() => {
                    setTypes((rows) => rows.filter((_, i) => i !== index));
                    focusSoon(`${listId}-add`);
                  }}
                >
                  {format(strings.classificationRemoveType, { n })}
                </button>
              </fieldset>
            );
          })}
          <p className="button-row">
            <button
              type="button"
              id={`${listId}-add`}
              className="button button-secondary"
              onClick={() => {
                setTypes((rows) => [...rows, emptyType()]);
                focusSoon(fieldId(QUESTIONNAIRE, typeField(types.length, 'name')));
              }}
            >
              {strings.classificationAddType}
            </button>
          </p>
        </fieldset>
      </SubmitForm>
    </div>
  );
}

/** One FIPS 199 impact as four radio buttons, each with what it means. */
function ImpactChoice({
  name,
  label,
  hint,
  value,
  error,
  onChange,
}: {
  name: string;
  label: string;
  hint: string;
  value: Impact | '';
  error?: string;
  onChange: (impact: Impact) => void;
}) {
  const id = fieldId(QUESTIONNAIRE, name);
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
      {IMPACTS.map((impact) => (
        <div key={impact} className="checkbox">
          <input
            type="radio"
            id={`${id}-${impact}`}
            name={id}
            value={impact}
            checked={value === impact}
            aria-invalid={error ? true : undefined}
            onChange={() => onChange(impact)}
          />
          <label htmlFor={`${id}-${impact}`}>
            {format(strings.impactChoice, {
              impact: impactName(impact),
              hint: strings.impactHints[impact] ?? '',
            })}
          </label>
        </div>
      ))}
    </fieldset>
  );
}
