import { useEffect, useRef, useState } from 'react';
import { may } from '../access';
import { api, type Appointment, type Page as ListPage, type Position, type User } from '../api';
import {
  CheckboxField,
  ErrorSummary,
  missing,
  SelectField,
  SubmitButton,
  TextAreaField,
  TextField,
  useFields,
  useSubmit,
} from '../components/forms';
import { ResultCount, TableFrame, Tag } from '../components/lists';
import { FilterBar } from '../components/search';
import { LoadError, Page, Section, StatusMessage } from '../components/Page';
import { formatDay, today } from '../display';
import { useMe } from '../session';
import { format, strings } from '../strings';
import { useApi } from '../useApi';

/** Who holds which post of the office when; officers with manage_appointments appoint and end. */
export function AppointmentsPage() {
  const me = useMe();
  const filter = useFields({ activeOn: today() });
  const [activeOn, setActiveOn] = useState(today());
  const [message, setMessage] = useState<string | null>(null);
  const list = useApi<Appointment[]>('/api/v1/appointments', { activeOn });
  const shown = list.data ?? list.latest;
  const manage = may.manageAppointments(me);

  return (
    <Page title={strings.appointmentsTitle} intro={strings.appointmentsIntro}>
      <StatusMessage message={message} />
      <FilterBar
        label={strings.appointmentsFilterLabel}
        submitLabel={strings.show}
        onApply={() => setActiveOn(filter.values.activeOn)}
      >
        <TextField
          form="appointment-filter"
          label={strings.inForceOnLabel}
          hint={strings.inForceOnHint}
          type="date"
          className="input input-date"
          {...filter.bind('activeOn')}
        />
      </FilterBar>

      {list.error ? (
        <LoadError detail={list.error.detail} onRetry={list.reload} />
      ) : (
        <>
          <ResultCount
            offset={0}
            shown={shown?.length ?? 0}
            total={shown?.length ?? 0}
            loading={!shown}
          />
          {shown && shown.length > 0 && (
            <TableFrame label={strings.appointmentsTitle}>
              <table className="table">
                <thead>
                  <tr>
                    <th scope="col">{strings.postLabel}</th>
                    <th scope="col">{strings.holderLabel}</th>
                    <th scope="col">{strings.startsOnLabel}</th>
                    <th scope="col">{strings.endsOnLabel}</th>
                    <th scope="col">{strings.chargeLabel}</th>
                    <th scope="col">{strings.noteLabel}</th>
                    {manage && (
                      <th scope="col">
                        <span className="visually-hidden">{strings.actionsLabel}</span>
                      </th>
                    )}
                  </tr>
                </thead>
                <tbody aria-busy={list.loading}>
                  {shown.map((appointment) => (
                    <tr key={appointment.id}>
                      <td>{appointment.positionTitle}</td>
                      <td>
                        {appointment.userName}
                        <span className="secondary-text block">{appointment.userEmail}</span>
                      </td>
                      <td>{formatDay(appointment.startsOn)}</td>
                      <td>{appointment.endsOn ? formatDay(appointment.endsOn) : strings.noEnd}</td>
                      <td>
                        {appointment.additionalCharge ? (
                          <Tag tone="warning">{strings.additionalCharge}</Tag>
                        ) : (
                          strings.ownPost
                        )}
                      </td>
                      <td>{appointment.note ?? ''}</td>
                      {manage && (
                        <td>
                          <EndAppointment
                            appointment={appointment}
                            onEnded={(text) => {
                              setMessage(text);
                              list.reload();
                            }}
                          />
                        </td>
                      )}
                    </tr>
                  ))}
                </tbody>
              </table>
            </TableFrame>
          )}
        </>
      )}

      {manage && (
        <Appoint
          officeId={me.organization.id}
          onAppointed={(text) => {
            setMessage(text);
            list.reload();
          }}
        />
      )}
    </Page>
  );
}

/** Ends an appointment on a chosen last day (how a post is handed over). */
function EndAppointment({
  appointment,
  onEnded,
}: {
  appointment: Appointment;
  onEnded: (message: string) => void;
}) {
  const [open, setOpen] = useState(false);
  const form = useFields({ endsOn: today() });
  const submit = useSubmit();
  const dateInput = useRef<HTMLDivElement>(null);
  const formId = `end-${appointment.id}`;

  useEffect(() => {
    if (open) dateInput.current?.querySelector('input')?.focus();
  }, [open]);

  if (appointment.endsOn !== null && appointment.endsOn < today()) return null;
  if (!open) {
    return (
      <button
        type="button"
        className="button button-secondary button-small"
        onClick={() => setOpen(true)}
      >
        {strings.endAppointment}
        <span className="visually-hidden">
          {' '}
          {format(strings.endAppointmentOf, {
            post: appointment.positionTitle,
            name: appointment.userName,
          })}
        </span>
      </button>
    );
  }
  const end = async () => {
    await api.patch(`/api/v1/appointments/${appointment.id}`, { endsOn: form.values.endsOn });
    setOpen(false);
    onEnded(
      format(strings.appointmentEnded, {
        post: appointment.positionTitle,
        name: appointment.userName,
        day: formatDay(form.values.endsOn),
      }),
    );
  };
  return (
    <div className="row-actions" ref={dateInput}>
      <ErrorSummary
        problem={submit.problem}
        form={formId}
        labels={{ endsOn: strings.lastDayLabel }}
        summaryRef={submit.summary}
      />
      <form noValidate onSubmit={submit.onSubmit(end, () => missing(form.values, ['endsOn']))}>
        <TextField
          form={formId}
          label={strings.lastDayLabel}
          type="date"
          className="input input-date"
          error={submit.problem?.fields.endsOn}
          {...form.bind('endsOn')}
        />
        <div className="button-row">
          <SubmitButton busy={submit.busy} variant="warning">
            {strings.endAppointment}
          </SubmitButton>
          <button
            type="button"
            className="button button-secondary button-small"
            onClick={() => setOpen(false)}
          >
            {strings.cancel}
          </button>
        </div>
      </form>
    </div>
  );
}

function Appoint({
  officeId,
  onAppointed,
}: {
  officeId: string;
  onAppointed: (message: string) => void;
}) {
  const officers = useApi<ListPage<User>>('/api/v1/users', {
    organizationId: officeId,
    status: 'active',
    limit: 200,
  });
  const positions = useApi<Position[]>('/api/v1/positions');
  const form = useFields<{
    userId: string;
    positionCode: string;
    startsOn: string;
    endsOn: string;
    note: string;
    additionalCharge: boolean;
  }>({
    userId: '',
    positionCode: '',
    startsOn: today(),
    endsOn: '',
    note: '',
    additionalCharge: false,
  });
  const submit = useSubmit();
  const labels = {
    userId: strings.officerLabel,
    positionCode: strings.postLabel,
    startsOn: strings.startsOnLabel,
    endsOn: strings.endsOnLabel,
    note: strings.noteLabel,
    additionalCharge: strings.additionalCharge,
  };

  const appoint = async () => {
    const { values } = form;
    const created = await api.post<Appointment>('/api/v1/appointments', {
      userId: values.userId,
      positionCode: values.positionCode,
      startsOn: values.startsOn,
      endsOn: values.endsOn || null,
      additionalCharge: values.additionalCharge,
      note: values.note.trim() || null,
    });
    form.setValues({
      ...values,
      userId: '',
      positionCode: '',
      endsOn: '',
      note: '',
      additionalCharge: false,
    });
    onAppointed(
      format(strings.appointmentMade, {
        name: created.userName,
        post: created.positionTitle,
        day: formatDay(created.startsOn),
      }),
    );
  };

  const loadError = officers.error ?? positions.error;
  return (
    <Section id="appoint" title={strings.appointHeading}>
      <p>{strings.appointIntro}</p>
      {loadError && <LoadError detail={loadError.detail} />}
      <ErrorSummary
        problem={submit.problem}
        form="appoint"
        labels={labels}
        summaryRef={submit.summary}
      />
      <form
        noValidate
        onSubmit={submit.onSubmit(appoint, () =>
          missing(form.values, ['userId', 'positionCode', 'startsOn']),
        )}
      >
        <SelectField
          form="appoint"
          label={labels.userId}
          options={[
            { value: '', label: strings.chooseOne },
            ...(officers.data?.items ?? [])
              .filter((user) => user.role === 'officer')
              .map((user) => ({
                value: user.id,
                label: format(strings.personWithEmail, {
                  name: user.displayName,
                  email: user.email,
                }),
              })),
          ]}
          error={submit.problem?.fields.userId}
          {...form.bind('userId')}
        />
        <SelectField
          form="appoint"
          label={labels.positionCode}
          options={[
            { value: '', label: strings.chooseOne },
            ...(positions.data ?? []).map((position) => ({
              value: position.code,
              label: position.title,
            })),
          ]}
          error={submit.problem?.fields.positionCode}
          {...form.bind('positionCode')}
        />
        <TextField
          form="appoint"
          label={labels.startsOn}
          type="date"
          className="input input-date"
          error={submit.problem?.fields.startsOn}
          {...form.bind('startsOn')}
        />
        <TextField
          form="appoint"
          label={labels.endsOn}
          hint={strings.endsOnHint}
          optional
          type="date"
          className="input input-date"
          error={submit.problem?.fields.endsOn}
          {...form.bind('endsOn')}
        />
        <CheckboxField
          form="appoint"
          name="additionalCharge"
          label={strings.additionalChargeCheckbox}
          hint={strings.additionalChargeHint}
          checked={form.values.additionalCharge}
          onChange={(checked) => form.set('additionalCharge', checked)}
        />
        <TextAreaField
          form="appoint"
          label={labels.note}
          optional
          error={submit.problem?.fields.note}
          {...form.bind('note')}
        />
        <div className="button-row">
          <SubmitButton busy={submit.busy}>{strings.appointSubmit}</SubmitButton>
        </div>
      </form>
    </Section>
  );
}
