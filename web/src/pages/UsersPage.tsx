import { useEffect, useRef, useState } from 'react';
import { isOfficeStaff, may, ROLES_BY_KIND } from '../access';
import {
  api,
  ApiError,
  type Me,
  type Organization,
  type OrganizationKind,
  type Page as ListPage,
  type User,
  type UserStatus,
} from '../api';
import {
  ErrorSummary,
  missing,
  SelectField,
  SubmitButton,
  TextField,
  useFields,
  useSubmit,
} from '../components/forms';
import { Tag } from '../components/lists';
import { FilterBar, PagedResults, usePagedSearch } from '../components/search';
import { Page, Section, StatusMessage } from '../components/Page';
import { formatDateTime, roleName, userStatusName } from '../display';
import { Link, useSearchParams } from '../router';
import { useMe } from '../session';
import { format, strings } from '../strings';
import { useApi } from '../useApi';

const PAGE_SIZE = 25;
const MAX_LIST = 200;
const STATUSES: readonly UserStatus[] = ['active', 'invited', 'disabled'];

function statusTone(status: UserStatus) {
  return status === 'active' ? 'good' : status === 'invited' ? 'warning' : 'bad';
}

/**
 * Names of organizations by id, for a list of users from many organizations: the first page of
 * organizations at once, then any other one the list names, one by one.
 */
function useOrganizationNames(me: Me, ids: readonly string[]): Map<string, Organization> {
  const office = isOfficeStaff(me);
  const all = useApi<ListPage<Organization>>(office ? '/api/v1/organizations' : null, {
    limit: MAX_LIST,
  });
  const [extra, setExtra] = useState<Map<string, Organization>>(new Map());
  const known = new Map<string, Organization>();
  for (const organization of all.data?.items ?? []) known.set(organization.id, organization);
  for (const [id, organization] of extra) known.set(id, organization);
  const wanted = office && all.data ? ids.filter((id) => !known.has(id)) : [];
  const wantedKey = [...new Set(wanted)].sort().join(',');
  useEffect(() => {
    if (wantedKey === '') return;
    let cancelled = false;
    void Promise.all(
      wantedKey
        .split(',')
        .map((id) => api.get<Organization>(`/api/v1/organizations/${id}`).catch(() => null)),
    ).then((found) => {
      if (cancelled) return;
      setExtra((old) => {
        const next = new Map(old);
        for (const organization of found) if (organization) next.set(organization.id, organization);
        return next;
      });
    });
    return () => {
      cancelled = true;
    };
  }, [wantedKey]);
  return known;
}

export function UsersPage() {
  const me = useMe();
  const office = isOfficeStaff(me);
  const params = useSearchParams();
  const fromAddress = params.get('organizationId') ?? '';
  const initial = { organizationId: office ? fromAddress : '', status: '', q: '' };
  const paged = usePagedSearch<User, typeof initial>(
    '/api/v1/users',
    initial,
    (applied) => ({
      organizationId: applied.organizationId,
      status: applied.status,
      q: applied.q.trim(),
    }),
    PAGE_SIZE,
  );
  const { search, list, shown } = paged;
  const [message, setMessage] = useState<string | null>(null);
  const organizations = useOrganizationNames(
    me,
    (shown?.items ?? []).map((user) => user.organizationId),
  );
  const organizationOptions = [...organizations.values()]
    .filter((organization) => organization.status === 'active')
    .sort((a, b) => a.name.localeCompare(b.name, strings.lang))
    .map((organization) => ({ value: organization.id, label: organization.name }));

  return (
    <Page
      title={strings.usersTitle}
      intro={
        office
          ? strings.usersIntroOffice
          : format(strings.usersIntroOwn, { organization: me.organization.name })
      }
    >
      <StatusMessage message={message} />
      <FilterBar
        label={strings.usersSearchLabel}
        submitLabel={strings.search}
        onApply={paged.apply}
      >
        {office && (
          <SelectField
            form="user-filter"
            label={strings.organizationLabel}
            options={[{ value: '', label: strings.allOrganizations }, ...organizationOptions]}
            {...search.bind('organizationId')}
          />
        )}
        <SelectField
          form="user-filter"
          label={strings.statusLabel}
          options={[
            { value: '', label: strings.anyStatus },
            ...STATUSES.map((status) => ({ value: status, label: userStatusName(status) })),
          ]}
          {...search.bind('status')}
        />
        <TextField
          form="user-filter"
          label={strings.userSearchLabel}
          type="search"
          {...search.bind('q')}
        />
      </FilterBar>

      <PagedResults paged={paged} label={strings.usersTitle}>
        {(items) => (
          <>
            <thead>
              <tr>
                <th scope="col">{strings.nameLabel}</th>
                <th scope="col">{strings.emailLabel}</th>
                {office && <th scope="col">{strings.organizationLabel}</th>}
                <th scope="col">{strings.roleLabel}</th>
                <th scope="col">{strings.statusLabel}</th>
                <th scope="col">{strings.lastSignInLabel}</th>
                <th scope="col">
                  <span className="visually-hidden">{strings.actionsLabel}</span>
                </th>
              </tr>
            </thead>
            <tbody aria-busy={list.loading}>
              {items.map((user) => {
                const organization = organizations.get(user.organizationId);
                return (
                  <tr key={user.id}>
                    <td>{user.displayName}</td>
                    <td>{user.email}</td>
                    {office && (
                      <td>
                        <Link to={`/organizations/${user.organizationId}`}>
                          {organization?.name ?? strings.organizationTitle}
                        </Link>
                      </td>
                    )}
                    <td>{roleName(user.role)}</td>
                    <td>
                      <Tag tone={statusTone(user.status)}>{userStatusName(user.status)}</Tag>
                    </td>
                    <td>{formatDateTime(user.lastSignInAt)}</td>
                    <td>
                      <UserActions
                        me={me}
                        user={user}
                        onChanged={(text) => {
                          setMessage(text);
                          list.reload();
                        }}
                      />
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </>
        )}
      </PagedResults>

      {may.invite(me) && (
        <Invite
          me={me}
          organizationOptions={organizationOptions}
          organizations={organizations}
          preselected={office ? fromAddress : me.organization.id}
          onInvited={(text) => {
            setMessage(text);
            list.reload();
          }}
        />
      )}
    </Page>
  );
}

/** Disable (after a confirmation, as it ends the person's sessions) or enable an account. */
function UserActions({
  me,
  user,
  onChanged,
}: {
  me: Me;
  user: User;
  onChanged: (message: string) => void;
}) {
  const [confirming, setConfirming] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const confirmButton = useRef<HTMLButtonElement>(null);
  const startButton = useRef<HTMLButtonElement>(null);

  useEffect(() => {
    if (confirming) confirmButton.current?.focus();
  }, [confirming]);

  if (!may.manageUsersOf(me, user.organizationId) || user.id === me.userId) return null;
  if (user.status === 'invited') return null;

  const change = async (enabled: boolean) => {
    if (busy) return;
    setBusy(true);
    setProblem(null);
    try {
      await api.post(`/api/v1/users/${user.id}/${enabled ? 'enable' : 'disable'}`);
      setConfirming(false);
      onChanged(
        format(enabled ? strings.userEnabled : strings.userDisabled, { name: user.displayName }),
      );
    } catch (error) {
      setProblem(error instanceof ApiError ? error.detail : strings.errorUnexpected);
    } finally {
      setBusy(false);
    }
  };

  const error = problem && (
    <p className="field-error-message" role="alert">
      {problem}
    </p>
  );

  if (user.status === 'disabled') {
    return (
      <div className="row-actions">
        {error}
        <button
          type="button"
          className="button button-secondary button-small"
          onClick={() => void change(true)}
        >
          {strings.enable}
          <span className="visually-hidden"> {user.displayName}</span>
        </button>
      </div>
    );
  }
  if (!confirming) {
    return (
      <div className="row-actions">
        {error}
        <button
          type="button"
          ref={startButton}
          className="button button-secondary button-small"
          onClick={() => setConfirming(true)}
        >
          {strings.disable}
          <span className="visually-hidden"> {user.displayName}</span>
        </button>
      </div>
    );
  }
  return (
    <div
      className="row-actions"
      role="group"
      aria-label={format(strings.disableConfirmLabel, { name: user.displayName })}
    >
      {error}
      <p className="row-actions-question">{strings.disableQuestion}</p>
      <button
        type="button"
        ref={confirmButton}
        className="button button-warning button-small"
        onClick={() => void change(false)}
      >
        {format(strings.disableConfirm, { name: user.displayName })}
      </button>
      <button
        type="button"
        className="button button-secondary button-small"
        onClick={() => {
          setConfirming(false);
          window.setTimeout(() => startButton.current?.focus(), 0);
        }}
      >
        {strings.cancel}
      </button>
    </div>
  );
}

function Invite({
  me,
  organizationOptions,
  organizations,
  preselected,
  onInvited,
}: {
  me: Me;
  organizationOptions: { value: string; label: string }[];
  organizations: Map<string, Organization>;
  preselected: string;
  onInvited: (message: string) => void;
}) {
  const office = isOfficeStaff(me);
  const form = useFields({ organizationId: preselected, email: '', displayName: '', role: '' });
  const submit = useSubmit();
  const organizationId = office ? form.values.organizationId : me.organization.id;
  const kind: OrganizationKind | undefined = office
    ? organizations.get(organizationId)?.kind
    : me.organization.kind;
  const roles = kind ? ROLES_BY_KIND[kind] : [];
  const labels = {
    organizationId: strings.organizationLabel,
    email: strings.emailLabel,
    displayName: strings.personNameLabel,
    role: strings.roleLabel,
  };

  const invite = async () => {
    const answer = await api.post<{
      user: User;
      expiresAt: string;
      emailDelivery: 'queued' | 'off';
    }>('/api/v1/invitations', {
      organizationId,
      email: form.values.email.trim(),
      displayName: form.values.displayName.trim(),
      role: form.values.role,
    });
    form.setValues({
      organizationId: form.values.organizationId,
      email: '',
      displayName: '',
      role: form.values.role,
    });
    onInvited(
      answer.emailDelivery === 'queued'
        ? format(strings.invitationSent, {
            email: answer.user.email,
            until: formatDateTime(answer.expiresAt),
          })
        : format(strings.invitationNotSent, { email: answer.user.email }),
    );
  };

  return (
    <Section id="invite" title={strings.inviteHeading}>
      <p>{strings.inviteIntro}</p>
      <ErrorSummary
        problem={submit.problem}
        form="invite"
        labels={labels}
        summaryRef={submit.summary}
      />
      <form
        noValidate
        onSubmit={submit.onSubmit(invite, () =>
          missing({ ...form.values, organizationId }, [
            'organizationId',
            'email',
            'displayName',
            'role',
          ]),
        )}
      >
        {office ? (
          <SelectField
            form="invite"
            label={labels.organizationId}
            options={[{ value: '', label: strings.chooseOne }, ...organizationOptions]}
            error={submit.problem?.fields.organizationId}
            {...form.bind('organizationId')}
            onChange={(event) =>
              form.setValues({ ...form.values, organizationId: event.target.value, role: '' })
            }
          />
        ) : (
          <dl className="facts">
            <dt>{labels.organizationId}</dt>
            <dd>{me.organization.name}</dd>
          </dl>
        )}
        <TextField
          form="invite"
          label={labels.email}
          type="email"
          spellCheck={false}
          autoComplete="off"
          error={submit.problem?.fields.email}
          {...form.bind('email')}
        />
        <TextField
          form="invite"
          label={labels.displayName}
          autoComplete="off"
          error={submit.problem?.fields.displayName}
          {...form.bind('displayName')}
        />
        <SelectField
          form="invite"
          label={labels.role}
          hint={kind ? undefined : strings.roleHintChooseOrganization}
          options={[
            { value: '', label: strings.chooseOne },
            ...roles.map((role) => ({ value: role, label: roleName(role) })),
          ]}
          error={submit.problem?.fields.role}
          {...form.bind('role')}
        />
        <div className="button-row">
          <SubmitButton busy={submit.busy}>{strings.inviteSubmit}</SubmitButton>
        </div>
      </form>
    </Section>
  );
}
