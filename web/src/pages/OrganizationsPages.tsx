import { useRef, useState } from 'react';
import { isOfficeStaff, may } from '../access';
import {
  api,
  type Organization,
  type OrganizationKind,
  type Page as ListPage,
  type PseTier,
  type User,
} from '../api';
import {
  type Bound,
  type FormProblem,
  missing,
  SelectField,
  SubmitForm,
  TextField,
  useFields,
  useSubmit,
} from '../components/forms';
import { TableFrame, Tag } from '../components/lists';
import { FilterBar, PagedResults, usePagedSearch } from '../components/search';
import { LoadError, Loading, Page, Section, StatusMessage } from '../components/Page';
import {
  formatDateTime,
  kindName,
  organizationStatusName,
  roleName,
  tierName,
  userStatusName,
} from '../display';
import { Link, navigate } from '../router';
import { useMe } from '../session';
import { format, strings } from '../strings';
import { useApi } from '../useApi';
import { NotFoundPage } from './NotFoundPage';

const PAGE_SIZE = 25;
const KINDS: readonly OrganizationKind[] = ['cloud_office', 'csp', 'pse', 'audit_firm'];
const CREATABLE_KINDS: readonly OrganizationKind[] = ['csp', 'pse', 'audit_firm'];
const TIERS: readonly PseTier[] = ['ministry', 'division', 'department', 'attached_body'];
/** The most the API lists at once; enough for a choice of parent in one list. */
const MAX_LIST = 200;

const tierOptions = [
  { value: '', label: strings.none },
  ...TIERS.map((tier) => ({ value: tier, label: tierName(tier) })),
];

/** Active public service entities, as choices of a parent (leaving out one organization). */
function useParentOptions(enabled: boolean, exceptId?: string) {
  const parents = useApi<ListPage<Organization>>(enabled ? '/api/v1/organizations' : null, {
    kind: 'pse',
    status: 'active',
    limit: MAX_LIST,
  });
  return [
    { value: '', label: strings.none },
    ...(parents.data?.items ?? [])
      .filter((organization) => organization.id !== exceptId)
      .map((organization) => ({ value: organization.id, label: organization.name })),
  ];
}

function statusTone(status: Organization['status']) {
  return status === 'active' ? 'good' : status === 'pending' ? 'warning' : 'neutral';
}

export function OrganizationsPage() {
  const me = useMe();
  const paged = usePagedSearch<Organization, { kind: string; q: string }>(
    '/api/v1/organizations',
    { kind: '', q: '' },
    (applied) => ({ kind: applied.kind, q: applied.q.trim() }),
    PAGE_SIZE,
  );
  const { search } = paged;

  return (
    <Page title={strings.organizationsTitle} intro={strings.organizationsIntro}>
      <FilterBar
        label={strings.organizationsSearchLabel}
        submitLabel={strings.search}
        onApply={paged.apply}
      >
        <SelectField
          form="organization-filter"
          label={strings.kindLabel}
          options={[
            { value: '', label: strings.allKinds },
            ...KINDS.map((kind) => ({ value: kind, label: kindName(kind) })),
          ]}
          {...search.bind('kind')}
        />
        <TextField
          form="organization-filter"
          label={strings.nameSearchLabel}
          type="search"
          {...search.bind('q')}
        />
      </FilterBar>

      <PagedResults paged={paged} label={strings.organizationsTitle}>
        {(items) => (
          <>
            <thead>
              <tr>
                <th scope="col">{strings.nameLabel}</th>
                <th scope="col">{strings.shortNameLabel}</th>
                <th scope="col">{strings.kindLabel}</th>
                <th scope="col">{strings.tierLabel}</th>
                <th scope="col">{strings.statusLabel}</th>
              </tr>
            </thead>
            <tbody aria-busy={paged.list.loading}>
              {items.map((organization) => (
                <tr key={organization.id}>
                  <td>
                    <Link to={`/organizations/${organization.id}`}>{organization.name}</Link>
                  </td>
                  <td>{organization.shortName ?? ''}</td>
                  <td>{kindName(organization.kind)}</td>
                  <td>{organization.kind === 'pse' ? tierName(organization.pseTier) : ''}</td>
                  <td>
                    <Tag tone={statusTone(organization.status)}>
                      {organizationStatusName(organization.status)}
                    </Tag>
                  </td>
                </tr>
              ))}
            </tbody>
          </>
        )}
      </PagedResults>

      {may.manageOrganizations(me) && <CreateOrganization />}
      {!isOfficeStaff(me) && <p className="secondary-text">{strings.organizationsOwnOnly}</p>}
    </Page>
  );
}

type OrganizationValues = Record<
  'name' | 'shortName' | 'pseTier' | 'parentId' | 'contactEmail',
  string
>;

/** The fields that creating and editing an organization share. */
function OrganizationFields({
  formId,
  form,
  problem,
  labels,
  isPse,
  parentOptions,
}: {
  formId: string;
  form: { bind: (name: keyof OrganizationValues) => Bound };
  problem: FormProblem | null;
  labels: OrganizationValues;
  isPse: boolean;
  parentOptions: readonly { value: string; label: string }[];
}) {
  return (
    <>
      <TextField
        form={formId}
        label={labels.name}
        error={problem?.fields.name}
        {...form.bind('name')}
      />
      <TextField
        form={formId}
        label={labels.shortName}
        hint={strings.shortNameHint}
        optional
        className="input input-short"
        error={problem?.fields.shortName}
        {...form.bind('shortName')}
      />
      {isPse && (
        <>
          <SelectField
            form={formId}
            label={labels.pseTier}
            optional
            options={tierOptions}
            error={problem?.fields.pseTier}
            {...form.bind('pseTier')}
          />
          <SelectField
            form={formId}
            label={labels.parentId}
            hint={strings.parentHint}
            optional
            options={parentOptions}
            error={problem?.fields.parentId}
            {...form.bind('parentId')}
          />
        </>
      )}
      <TextField
        form={formId}
        label={labels.contactEmail}
        type="email"
        optional
        spellCheck={false}
        error={problem?.fields.contactEmail}
        {...form.bind('contactEmail')}
      />
    </>
  );
}

function CreateOrganization() {
  const form = useFields({
    kind: 'csp',
    name: '',
    shortName: '',
    pseTier: '',
    parentId: '',
    contactEmail: '',
  });
  const submit = useSubmit();
  const isPse = form.values.kind === 'pse';
  const parentOptions = useParentOptions(isPse);
  const labels = {
    kind: strings.kindLabel,
    name: strings.nameLabel,
    shortName: strings.shortNameLabel,
    pseTier: strings.tierLabel,
    parentId: strings.parentLabel,
    contactEmail: strings.contactEmailLabel,
  };

  const create = async () => {
    const { values } = form;
    const created = await api.post<Organization>('/api/v1/organizations', {
      kind: values.kind,
      name: values.name.trim(),
      shortName: values.shortName.trim() || null,
      contactEmail: values.contactEmail.trim() || null,
      ...(isPse && { pseTier: values.pseTier || null, parentId: values.parentId || null }),
    });
    navigate(`/organizations/${created.id}`, {
      flash: format(strings.organizationCreated, { name: created.name }),
    });
  };

  return (
    <Section id="new-organization" title={strings.organizationCreateHeading}>
      <SubmitForm
        id="new-organization"
        submit={submit}
        labels={labels}
        onSubmit={submit.onSubmit(create, () => missing(form.values, ['name']))}
        submitLabel={strings.organizationCreateSubmit}
      >
        <SelectField
          form="new-organization"
          label={labels.kind}
          options={CREATABLE_KINDS.map((kind) => ({ value: kind, label: kindName(kind) }))}
          error={submit.problem?.fields.kind}
          {...form.bind('kind')}
        />
        <OrganizationFields
          formId="new-organization"
          form={form}
          problem={submit.problem}
          labels={labels}
          isPse={isPse}
          parentOptions={parentOptions}
        />
      </SubmitForm>
    </Section>
  );
}

export function OrganizationPage({ id }: { id: string }) {
  const me = useMe();
  const organization = useApi<Organization>(`/api/v1/organizations/${encodeURIComponent(id)}`);
  const [editing, setEditing] = useState(false);
  const [saved, setSaved] = useState<string | null>(null);
  const editButton = useRef<HTMLButtonElement>(null);

  if (organization.error?.status === 404) return <NotFoundPage record />;
  const record = organization.data;
  return (
    <Page title={record?.name ?? strings.organizationTitle}>
      <StatusMessage message={saved} />
      {organization.error ? (
        <LoadError detail={organization.error.detail} onRetry={organization.reload} />
      ) : !record ? (
        <Loading />
      ) : (
        <>
          <OrganizationFacts organization={record} />
          {may.manageOrganizations(me) && (
            <>
              <p className="button-row">
                <button
                  type="button"
                  ref={editButton}
                  className="button button-secondary"
                  aria-expanded={editing}
                  aria-controls="edit-organization"
                  onClick={() => {
                    setSaved(null);
                    setEditing(!editing);
                  }}
                >
                  {strings.organizationEdit}
                </button>
              </p>
              {editing && (
                <EditOrganization
                  organization={record}
                  onDone={(message) => {
                    setEditing(false);
                    setSaved(message);
                    if (message) organization.reload();
                    editButton.current?.focus();
                  }}
                />
              )}
            </>
          )}
          <OrganizationUsers organization={record} />
        </>
      )}
    </Page>
  );
}

function OrganizationFacts({ organization }: { organization: Organization }) {
  const parent = useApi<Organization>(
    organization.parentId ? `/api/v1/organizations/${organization.parentId}` : null,
  );
  return (
    <Section id="organization-details" title={strings.organizationDetailsHeading}>
      <dl className="facts facts-wide">
        <dt>{strings.kindLabel}</dt>
        <dd>{kindName(organization.kind)}</dd>
        <dt>{strings.nameLabel}</dt>
        <dd>{organization.name}</dd>
        <dt>{strings.shortNameLabel}</dt>
        <dd>{organization.shortName ?? strings.none}</dd>
        {organization.kind === 'pse' && (
          <>
            <dt>{strings.tierLabel}</dt>
            <dd>{tierName(organization.pseTier)}</dd>
            <dt>{strings.parentLabel}</dt>
            <dd>
              {!organization.parentId ? (
                strings.none
              ) : parent.data ? (
                <Link to={`/organizations/${parent.data.id}`}>{parent.data.name}</Link>
              ) : (
                organization.parentId
              )}
            </dd>
          </>
        )}
        <dt>{strings.statusLabel}</dt>
        <dd>
          <Tag tone={statusTone(organization.status)}>
            {organizationStatusName(organization.status)}
          </Tag>
        </dd>
        <dt>{strings.contactEmailLabel}</dt>
        <dd>{organization.contactEmail ?? strings.none}</dd>
        <dt>{strings.createdLabel}</dt>
        <dd>{formatDateTime(organization.createdAt)}</dd>
        <dt>{strings.updatedLabel}</dt>
        <dd>{formatDateTime(organization.updatedAt)}</dd>
      </dl>
    </Section>
  );
}

function EditOrganization({
  organization,
  onDone,
}: {
  organization: Organization;
  onDone: (message: string | null) => void;
}) {
  const initial = {
    name: organization.name,
    shortName: organization.shortName ?? '',
    pseTier: organization.pseTier ?? '',
    parentId: organization.parentId ?? '',
    contactEmail: organization.contactEmail ?? '',
    status: organization.status,
  };
  const form = useFields<Record<keyof typeof initial, string>>(initial);
  const submit = useSubmit();
  const isPse = organization.kind === 'pse';
  const parentOptions = useParentOptions(isPse, organization.id);
  const labels = {
    name: strings.nameLabel,
    shortName: strings.shortNameLabel,
    pseTier: strings.tierLabel,
    parentId: strings.parentLabel,
    contactEmail: strings.contactEmailLabel,
    status: strings.statusLabel,
  };
  const canArchive = organization.kind !== 'cloud_office';
  const statusOptions = (
    organization.status === 'active' || organization.status === 'archived'
      ? (['active', 'archived'] as const)
      : ([organization.status, 'active', 'archived'] as const)
  ).map((status) => ({ value: status, label: organizationStatusName(status) }));

  const save = async () => {
    const { values } = form;
    const patch: Record<string, string | null> = {};
    const text = (value: string) => value.trim() || null;
    if (values.name.trim() !== organization.name) patch.name = values.name.trim();
    if (text(values.shortName) !== organization.shortName) patch.shortName = text(values.shortName);
    if (text(values.contactEmail) !== organization.contactEmail)
      patch.contactEmail = text(values.contactEmail);
    if (isPse && (values.pseTier || null) !== organization.pseTier)
      patch.pseTier = values.pseTier || null;
    if (isPse && (values.parentId || null) !== organization.parentId)
      patch.parentId = values.parentId || null;
    if (canArchive && values.status !== organization.status) patch.status = values.status;
    if (Object.keys(patch).length === 0) {
      onDone(strings.nothingChanged);
      return;
    }
    await api.patch(`/api/v1/organizations/${organization.id}`, patch);
    onDone(strings.organizationSaved);
  };

  return (
    <Section id="edit-organization-section" title={strings.organizationEditHeading}>
      <div id="edit-organization">
        <SubmitForm
          id="edit-organization"
          submit={submit}
          labels={labels}
          onSubmit={submit.onSubmit(save, () => missing(form.values, ['name']))}
          submitLabel={strings.save}
          actions={
            <button type="button" className="button button-secondary" onClick={() => onDone(null)}>
              {strings.cancel}
            </button>
          }
        >
          <OrganizationFields
            formId="edit-organization"
            form={form}
            problem={submit.problem}
            labels={labels}
            isPse={isPse}
            parentOptions={parentOptions}
          />
          {canArchive && (
            <SelectField
              form="edit-organization"
              label={labels.status}
              hint={strings.archiveHint}
              options={statusOptions}
              error={submit.problem?.fields.status}
              {...form.bind('status')}
            />
          )}
        </SubmitForm>
      </div>
    </Section>
  );
}

function OrganizationUsers({ organization }: { organization: Organization }) {
  const me = useMe();
  const users = useApi<ListPage<User>>('/api/v1/users', {
    organizationId: organization.id,
    limit: MAX_LIST,
  });
  return (
    <Section id="organization-users" title={strings.organizationUsersHeading}>
      {users.error ? (
        <LoadError detail={users.error.detail} onRetry={users.reload} />
      ) : !users.data ? (
        <Loading />
      ) : users.data.items.length === 0 ? (
        <p>{strings.organizationNoUsers}</p>
      ) : (
        <TableFrame label={strings.organizationUsersHeading}>
          <table className="table">
            <thead>
              <tr>
                <th scope="col">{strings.nameLabel}</th>
                <th scope="col">{strings.emailLabel}</th>
                <th scope="col">{strings.roleLabel}</th>
                <th scope="col">{strings.statusLabel}</th>
              </tr>
            </thead>
            <tbody>
              {users.data.items.map((user) => (
                <tr key={user.id}>
                  <td>{user.displayName}</td>
                  <td>{user.email}</td>
                  <td>{roleName(user.role)}</td>
                  <td>{userStatusName(user.status)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableFrame>
      )}
      {users.data && users.data.total > users.data.items.length && (
        <p>{format(strings.moreUsers, { total: String(users.data.total) })}</p>
      )}
      <p>
        <Link to={`/users?organizationId=${encodeURIComponent(organization.id)}`}>
          {may.manageUsersOf(me, organization.id)
            ? strings.organizationManageUsers
            : strings.organizationAllUsers}
        </Link>
      </p>
    </Section>
  );
}
