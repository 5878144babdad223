import { useEffect, useRef, useState } from 'react';
import { api, ApiError, type Page as ListPage } from '../api';
import {
  CheckboxField,
  CheckboxGroupField,
  SelectField,
  SubmitForm,
  TextField,
  missing,
  useFields,
  useSubmit,
  type Bound,
  type FormProblem,
  optionsWithBlank,
} from '../components/forms';
import { DataTable, Tag } from '../components/lists';
import { FormPanel, LoadError, Loading, Page, Section, StatusMessage } from '../components/Page';
import {
  CsvLink,
  EmptyNotice,
  FilterBar,
  PagedResults,
  usePagedSearch,
} from '../components/search';
import { formatDateTime } from '../display';
import {
  DELIVERIES,
  DELIVERY_KINDS,
  DELIVERY_STATES,
  EVENT_TYPES,
  WEBHOOKS,
  deliveryPath,
  webhookPath,
  type Delivery,
  type EventType,
  type Webhook,
  type WebhookDeletion,
  type WebhookWithSecret,
} from '../oversight-api';
import { format, strings } from '../strings';
import { useApi } from '../useApi';

/**
 * Notifications for office administrators (issue 7, item 7; the manage_office power): webhook
 * subscriptions, whose signing secret is shown once, when made or rotated; and the deliveries of
 * e-mails and webhooks, where failures show with their last error and can be tried again.
 */

const PAGE_SIZE = 25;

function eventTypeList(types: readonly string[]): string {
  return types.length === 0
    ? strings.webhookEveryEvent
    : types.map((type) => strings.webhookEventTypes[type] ?? type).join(', ');
}

/**
 * The signing secret just made: shown here once, never again. It takes focus when it appears, so
 * that whoever made it (with a screen reader too) finds it before doing anything else.
 */
function SecretNotice({ shown }: { shown: { name: string; secret: string; rotated: boolean } }) {
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => heading.current?.focus(), [shown]);
  return (
    <div className="panel notice-secret" role="region" aria-labelledby="webhook-secret-heading">
      <h3 id="webhook-secret-heading" tabIndex={-1} ref={heading}>
        {format(
          shown.rotated ? strings.webhookSecretRotatedHeading : strings.webhookSecretHeading,
          {
            name: shown.name,
          },
        )}
      </h3>
      <p>{strings.webhookSecretOnce}</p>
      <p>
        <code className="secret" id="webhook-secret">
          {shown.secret}
        </code>
      </p>
      <p className="secondary-text">{strings.webhookSecretUse}</p>
    </div>
  );
}

/** `/webhooks`: the subscriptions, a form for a new one, and the changes an administrator makes. */
export function WebhooksPage() {
  const list = useApi<ListPage<Webhook>>(WEBHOOKS, { limit: 200 });
  const [message, setMessage] = useState<string | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [secret, setSecret] = useState<{ name: string; secret: string; rotated: boolean } | null>(
    null,
  );
  const [editing, setEditing] = useState<string | null>(null);
  const [adding, setAdding] = useState(false);
  const subscriptions = list.data?.items ?? list.latest?.items;
  const chosen = subscriptions?.find((subscription) => subscription.id === editing);

  const done = (text: string) => {
    setMessage(text);
    setProblem(null);
    list.reload();
  };
  const setActive = async (subscription: Webhook, active: boolean) => {
    setMessage(null);
    setProblem(null);
    try {
      await api.patch(webhookPath(subscription.id), { active });
      done(
        format(active ? strings.webhookActivated : strings.webhookDeactivated, {
          name: subscription.name,
        }),
      );
    } catch (error) {
      setProblem(error instanceof ApiError ? error.detail : strings.errorUnexpected);
    }
  };

  return (
    <Page title={strings.webhooksTitle} intro={strings.webhooksIntro}>
      <StatusMessage message={message} />
      {problem && (
        <div className="error-summary" role="alert">
          <p>{problem}</p>
        </div>
      )}
      {secret && <SecretNotice shown={secret} />}
      <Section id="webhook-list" title={strings.webhookListHeading}>
        {list.error ? (
          <LoadError detail={list.error.detail} onRetry={list.reload} />
        ) : !subscriptions ? (
          <Loading />
        ) : subscriptions.length === 0 ? (
          <p>{strings.webhooksEmpty}</p>
        ) : (
          <DataTable
            label={strings.webhookListHeading}
            columns={[
              strings.webhookName,
              strings.webhookUrl,
              strings.webhookEvents,
              strings.webhookState,
              strings.webhookCreatedAt,
              strings.webhookActions,
            ]}
          >
            {subscriptions.map((subscription) => (
              <tr key={subscription.id}>
                <th scope="row">{subscription.name}</th>
                <td className="uri">{subscription.url}</td>
                <td>{eventTypeList(subscription.eventTypes)}</td>
                <td>
                  <Tag tone={subscription.active ? 'good' : 'neutral'}>
                    {subscription.active ? strings.webhookActive : strings.webhookInactive}
                  </Tag>
                </td>
                <td className="nowrap">{formatDateTime(subscription.createdAt)}</td>
                <td>
                  <span className="row-actions">
                    <button
                      type="button"
                      id={`webhook-edit-${subscription.id}`}
                      className="button button-secondary button-small"
                      aria-label={format(strings.webhookChangeNamed, { name: subscription.name })}
                      onClick={() => {
                        setEditing(subscription.id);
                        window.setTimeout(
                          () => document.getElementById('webhook-edit-heading')?.focus(),
                          0,
                        );
                      }}
                    >
                      {strings.webhookChange}
                    </button>
                    <button
                      type="button"
                      className="button button-secondary button-small"
                      aria-label={format(
                        subscription.active
                          ? strings.webhookDeactivateNamed
                          : strings.webhookActivateNamed,
                        { name: subscription.name },
                      )}
                      onClick={() => void setActive(subscription, !subscription.active)}
                    >
                      {subscription.active ? strings.webhookDeactivate : strings.webhookActivate}
                    </button>
                  </span>
                </td>
              </tr>
            ))}
          </DataTable>
        )}
      </Section>
      {chosen && (
        <EditWebhook
          key={`${chosen.id}-${String(chosen.active)}-${chosen.eventTypes.join()}-${chosen.name}-${chosen.url}`}
          subscription={chosen}
          onSaved={() => done(format(strings.webhookSaved, { name: chosen.name }))}
          onRotated={(answer) => {
            setSecret({ name: answer.name, secret: answer.secret, rotated: true });
            done(format(strings.webhookRotated, { name: answer.name }));
          }}
          onDeleted={(answer) => {
            setEditing(null);
            done(
              format(
                answer.outcome === 'deleted'
                  ? strings.webhookDeleted
                  : strings.webhookDeactivatedInstead,
                { name: answer.subscription.name },
              ),
            );
          }}
          onClose={() => {
            setEditing(null);
            window.setTimeout(
              () => document.getElementById(`webhook-edit-${chosen.id}`)?.focus(),
              0,
            );
          }}
        />
      )}
      {adding ? (
        <NewWebhook
          onCreated={(answer) => {
            setAdding(false);
            setSecret({ name: answer.name, secret: answer.secret, rotated: false });
            done(format(strings.webhookCreated, { name: answer.name }));
          }}
          onClose={() => {
            setAdding(false);
            window.setTimeout(() => document.getElementById('webhook-add')?.focus(), 0);
          }}
        />
      ) : (
        <p className="button-row">
          <button type="button" id="webhook-add" className="button" onClick={() => setAdding(true)}>
            {strings.webhookAddHeading}
          </button>
        </p>
      )}
    </Page>
  );
}

/** The event types a subscription receives, as checkboxes; none ticked means every type. */
function EventTypeChoices({
  form,
  chosen,
  onChange,
  error,
}: {
  form: string;
  chosen: readonly EventType[];
  onChange: (next: EventType[]) => void;
  error?: string;
}) {
  return (
    <CheckboxGroupField
      form={form}
      name="eventTypes"
      label={strings.webhookEvents}
      hint={strings.webhookEventsHint}
      error={error}
      choices={EVENT_TYPES.map((type) => ({
        value: type,
        label: strings.webhookEventTypes[type] ?? type,
      }))}
      chosen={chosen}
      onChange={onChange}
    />
  );
}

/** A subscription's name, address and events, as adding and changing one ask for them. */
function WebhookFields({
  form,
  fields,
  types,
  onTypes,
  problem,
}: {
  form: string;
  fields: { bind: (name: 'name' | 'url') => Bound };
  types: EventType[];
  onTypes: (types: EventType[]) => void;
  problem: FormProblem | null;
}) {
  return (
    <>
      <TextField
        form={form}
        label={strings.webhookName}
        error={problem?.fields.name}
        {...fields.bind('name')}
      />
      <TextField
        form={form}
        label={strings.webhookUrl}
        hint={strings.webhookUrlHint}
        type="url"
        spellCheck={false}
        error={problem?.fields.url}
        {...fields.bind('url')}
      />
      <EventTypeChoices
        form={form}
        chosen={types}
        onChange={onTypes}
        error={problem?.fields.eventTypes}
      />
    </>
  );
}

const NEW_FORM = 'webhook-new';

function NewWebhook({
  onCreated,
  onClose,
}: {
  onCreated: (answer: WebhookWithSecret) => void;
  onClose: () => void;
}) {
  const form = useFields({ name: '', url: '' });
  const [types, setTypes] = useState<EventType[]>([]);
  const submit = useSubmit();
  const problem = submit.problem;
  const labels = {
    name: strings.webhookName,
    url: strings.webhookUrl,
    eventTypes: strings.webhookEvents,
  };
  return (
    <FormPanel id="webhook-new" title={strings.webhookAddHeading} level={3}>
      <SubmitForm
        id={NEW_FORM}
        submit={submit}
        labels={labels}
        submitLabel={strings.webhookAddSubmit}
        actions={
          <button type="button" className="button button-secondary" onClick={onClose}>
            {strings.cancel}
          </button>
        }
        onSubmit={submit.onSubmit(
          async () => {
            const answer = await api.post<WebhookWithSecret>(WEBHOOKS, {
              name: form.values.name.trim(),
              url: form.values.url.trim(),
              eventTypes: types,
            });
            onCreated(answer);
          },
          () => missing(form.values, ['name', 'url']),
        )}
      >
        <WebhookFields
          form={NEW_FORM}
          fields={form}
          types={types}
          onTypes={setTypes}
          problem={problem}
        />
      </SubmitForm>
    </FormPanel>
  );
}

const EDIT_FORM = 'webhook-edit';

function EditWebhook({
  subscription,
  onSaved,
  onRotated,
  onDeleted,
  onClose,
}: {
  subscription: Webhook;
  onSaved: () => void;
  onRotated: (answer: WebhookWithSecret) => void;
  onDeleted: (answer: WebhookDeletion) => void;
  onClose: () => void;
}) {
  const form = useFields({ name: subscription.name, url: subscription.url });
  const [types, setTypes] = useState<EventType[]>(subscription.eventTypes);
  const [active, setActive] = useState(subscription.active);
  const [confirmDelete, setConfirmDelete] = useState(false);
  const submit = useSubmit();
  const other = useSubmit();
  const problem = submit.problem;
  const labels = {
    name: strings.webhookName,
    url: strings.webhookUrl,
    eventTypes: strings.webhookEvents,
    active: strings.webhookActiveLabel,
  };
  return (
    <div className="panel" role="region" aria-labelledby="webhook-edit-heading">
      <h3 id="webhook-edit-heading" tabIndex={-1}>
        {format(strings.webhookEditHeading, { name: subscription.name })}
      </h3>
      <SubmitForm
        id={EDIT_FORM}
        submit={submit}
        labels={labels}
        submitLabel={strings.save}
        actions={
          <button type="button" className="button button-secondary" onClick={onClose}>
            {strings.webhookCloseEdit}
          </button>
        }
        onSubmit={submit.onSubmit(
          async () => {
            await api.patch(webhookPath(subscription.id), {
              name: form.values.name.trim(),
              url: form.values.url.trim(),
              eventTypes: types,
              active,
            });
            onSaved();
          },
          () => missing(form.values, ['name', 'url']),
        )}
      >
        <WebhookFields
          form={EDIT_FORM}
          fields={form}
          types={types}
          onTypes={setTypes}
          problem={problem}
        />
        <CheckboxField
          form={EDIT_FORM}
          name="active"
          label={labels.active}
          hint={strings.webhookActiveHint}
          checked={active}
          onChange={setActive}
        />
      </SubmitForm>

      <h4>{strings.webhookSecretTitle}</h4>
      <p>{strings.webhookRotateIntro}</p>
      {other.problem && (
        <p className="field-error-message" role="alert">
          {other.problem.detail}
        </p>
      )}
      <p className="button-row">
        <button
          type="button"
          className="button button-secondary"
          aria-disabled={other.busy || undefined}
          onClick={() =>
            void other.run(async () => {
              onRotated(
                await api.post<WebhookWithSecret>(`${webhookPath(subscription.id)}/rotate-secret`),
              );
            })
          }
        >
          {strings.webhookRotate}
        </button>
        {confirmDelete ? (
          <>
            <button
              type="button"
              className="button button-warning"
              aria-disabled={other.busy || undefined}
              onClick={() =>
                void other.run(async () => {
                  onDeleted(await api.delete<WebhookDeletion>(webhookPath(subscription.id)));
                })
              }
            >
              {strings.webhookDeleteConfirm}
            </button>
            <button
              type="button"
              className="button button-secondary"
              onClick={() => setConfirmDelete(false)}
            >
              {strings.cancel}
            </button>
          </>
        ) : (
          <button
            type="button"
            className="button button-warning"
            onClick={() => setConfirmDelete(true)}
          >
            {strings.webhookDelete}
          </button>
        )}
      </p>
    </div>
  );
}

/** What became of a delivery, in a few words. */
function deliveryState(delivery: Delivery): { tone: 'good' | 'warning' | 'bad'; label: string } {
  if (delivery.state === 'sent') return { tone: 'good', label: strings.deliveryStates.sent };
  if (delivery.state === 'failed') return { tone: 'bad', label: strings.deliveryStates.failed };
  if (delivery.lastError) return { tone: 'warning', label: strings.deliveryRetrying };
  return { tone: 'warning', label: strings.deliveryStates.pending };
}

/** `/deliveries`: e-mails and webhook calls, the failed ones first, with a retry for each. */
export function DeliveriesPage() {
  const initial = { state: 'failed', kind: '' };
  const paged = usePagedSearch<Delivery, { state: string; kind: string }>(
    DELIVERIES,
    initial,
    (applied) => applied,
    PAGE_SIZE,
  );
  const [message, setMessage] = useState<string | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const retry = async (delivery: Delivery) => {
    setMessage(null);
    setProblem(null);
    try {
      await api.post(`${deliveryPath(delivery.id)}/retry`);
      setMessage(format(strings.deliveryRetried, { target: delivery.target }));
      paged.list.reload();
    } catch (error) {
      setProblem(error instanceof ApiError ? error.detail : strings.errorUnexpected);
    }
  };
  return (
    <Page title={strings.deliveriesTitle} intro={strings.deliveriesIntro}>
      <StatusMessage message={message} />
      {problem && (
        <div className="error-summary" role="alert">
          <p>{problem}</p>
        </div>
      )}
      <FilterBar label={strings.deliveriesTitle} submitLabel={strings.show} onApply={paged.apply}>
        <SelectField
          form="delivery-filter"
          label={strings.deliveryState}
          options={optionsWithBlank(
            strings.deliveryAnyState,
            DELIVERY_STATES,
            (state) => strings.deliveryStates[state],
          )}
          {...paged.search.bind('state')}
        />
        <SelectField
          form="delivery-filter"
          label={strings.deliveryKind}
          options={optionsWithBlank(
            strings.deliveryAnyKind,
            DELIVERY_KINDS,
            (kind) => strings.deliveryKinds[kind],
          )}
          {...paged.search.bind('kind')}
        />
      </FilterBar>
      <CsvLink path={DELIVERIES} query={paged.applied} label={strings.deliveriesDownloadCsv} />
      {paged.shown?.total === 0 && <EmptyNotice>{strings.deliveriesEmpty}</EmptyNotice>}
      <div className="deliveries">
        <PagedResults paged={paged} label={strings.deliveriesTitle}>
          {(items) => (
            <>
              <thead>
                <tr>
                  <th scope="col">{strings.deliveryWhat}</th>
                  <th scope="col">{strings.deliveryKind}</th>
                  <th scope="col">{strings.deliveryTarget}</th>
                  <th scope="col">{strings.deliveryState}</th>
                  <th scope="col">{strings.deliveryAttempts}</th>
                  <th scope="col">{strings.deliveryLastError}</th>
                  <th scope="col">{strings.deliveryWhen}</th>
                  <th scope="col">{strings.webhookActions}</th>
                </tr>
              </thead>
              <tbody aria-busy={paged.list.loading}>
                {items.map((delivery) => {
                  const state = deliveryState(delivery);
                  const what =
                    delivery.eventType !== null
                      ? (strings.webhookEventTypes[delivery.eventType] ?? delivery.eventType)
                      : (delivery.subject ?? strings.none);
                  return (
                    <tr key={delivery.id}>
                      <th scope="row">{what}</th>
                      <td>{strings.deliveryKinds[delivery.kind]}</td>
                      <td className="uri">{delivery.target}</td>
                      <td>
                        <Tag tone={state.tone}>{state.label}</Tag>
                      </td>
                      <td className="number">{String(delivery.attempts)}</td>
                      <td className="statement">{delivery.lastError ?? strings.none}</td>
                      <td>
                        <span className="block nowrap">
                          {format(strings.deliveryCreated, {
                            at: formatDateTime(delivery.createdAt),
                          })}
                        </span>
                        <span className="block nowrap secondary-text">
                          {delivery.sentAt
                            ? format(strings.deliverySent, { at: formatDateTime(delivery.sentAt) })
                            : delivery.gaveUp
                              ? delivery.gaveUpAt
                                ? format(strings.deliveryGaveUpAt, {
                                    at: formatDateTime(delivery.gaveUpAt),
                                  })
                                : strings.deliveryNoMoreTries
                              : format(strings.deliveryNextTry, {
                                  at: formatDateTime(delivery.availableAt),
                                })}
                        </span>
                      </td>
                      <td>
                        {delivery.state !== 'sent' && (delivery.gaveUp || delivery.lastError) && (
                          <button
                            type="button"
                            className="button button-secondary button-small"
                            aria-label={format(strings.deliveryRetryNamed, {
                              what,
                              target: delivery.target,
                            })}
                            onClick={() => void retry(delivery)}
                          >
                            {strings.deliveryRetry}
                          </button>
                        )}
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </>
          )}
        </PagedResults>
      </div>
    </Page>
  );
}
