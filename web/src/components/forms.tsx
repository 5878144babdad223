import {
  useCallback,
  useRef,
  useState,
  type ChangeEvent,
  type SubmitEvent,
  type InputHTMLAttributes,
  type ReactNode,
  type RefObject,
} from 'react';
import { ApiError } from '../api';
import { format, strings } from '../strings';

/**
 * Forms the accessible way: every input has a visible label tied to it, a hint and an error linked
 * with aria-describedby, and a failed submission shows an error summary (announced, and focused)
 * whose entries move focus to the field concerned. Browser validation bubbles are off (`noValidate`):
 * they cannot be styled, translated with the portal, or read reliably by every screen reader.
 */

export interface FormProblem {
  detail: string;
  /** Messages by field name; a field the form does not show is listed in the summary only. */
  fields: Record<string, string>;
}

/** What `bind(name)` gives an input: its name, value and change handler. */
export interface Bound {
  name: string;
  value: string;
  onChange: (
    event: ChangeEvent<HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement>,
  ) => void;
}

/** Values of a form's fields, changed through `bind(name)` on each input. */
export function useFields<T extends Record<string, string | boolean>>(initial: T) {
  const [values, setValues] = useState<T>(initial);
  const set = useCallback(
    <K extends keyof T>(name: K, value: T[K]) => setValues((old) => ({ ...old, [name]: value })),
    [],
  );
  const bind = (name: keyof T & string): Bound => ({
    name,
    value: values[name] as string,
    onChange: (event: ChangeEvent<HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement>) =>
      set(name, event.target.value as T[typeof name]),
  });
  return { values, set, setValues, bind };
}

/** Names of required fields left empty, as a problem for the summary. */
export function missing(
  values: Record<string, string | boolean>,
  required: readonly string[],
): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const name of required) {
    const value = values[name];
    if (typeof value === 'string' && value.trim() === '') fields[name] = strings.errorRequired;
  }
  return fields;
}

/**
 * Runs a form's submission: client checks first, then the call; a refusal becomes the form's
 * problem (the server's `detail`, and its per-field errors by JSON pointer).
 */
export function useSubmit() {
  const [busy, setBusy] = useState(false);
  const running = useRef(false);
  const [problem, setProblem] = useState<FormProblem | null>(null);
  const summary = useRef<HTMLDivElement>(null);

  const fail = useCallback((next: FormProblem) => {
    setProblem(next);
    // After React has drawn the summary.
    window.setTimeout(() => summary.current?.focus(), 0);
  }, []);

  const run = useCallback(
    async (action: () => Promise<void>, check?: () => Record<string, string>) => {
      const fields = check?.() ?? {};
      if (Object.keys(fields).length > 0) {
        fail({ detail: strings.errorCheckFields, fields });
        return;
      }
      // A second press while the first is out would send the change twice.
      if (running.current) return;
      running.current = true;
      setBusy(true);
      setProblem(null);
      try {
        await action();
      } catch (error) {
        if (error instanceof ApiError) fail({ detail: error.detail, fields: error.fieldErrors() });
        else fail({ detail: strings.errorUnexpected, fields: {} });
      } finally {
        running.current = false;
        setBusy(false);
      }
    },
    [fail],
  );

  const onSubmit = useCallback(
    (action: () => Promise<void>, check?: () => Record<string, string>) =>
      (event: SubmitEvent<HTMLFormElement>) => {
        event.preventDefault();
        void run(action, check);
      },
    [run],
  );

  return { busy, problem, setProblem, run, onSubmit, summary, fail };
}

/** A select's options: the empty value first ("Any status", "Choose one"), then each value by its name. */
export function optionsWithBlank<V extends string>(
  blank: string,
  values: readonly V[],
  name: (value: V) => string,
): { value: string; label: string }[] {
  return [{ value: '', label: blank }, ...values.map((value) => ({ value, label: name(value) }))];
}

export function fieldId(form: string, name: string): string {
  return `${form}-${name}`;
}

/** "There is a problem": the detail, then each field's error as a link that focuses the field. */
export function ErrorSummary({
  problem,
  form,
  labels,
  summaryRef,
}: {
  problem: FormProblem | null;
  form: string;
  labels: Record<string, string>;
  summaryRef: RefObject<HTMLDivElement | null>;
}) {
  if (!problem) return null;
  const entries = Object.entries(problem.fields);
  return (
    <div
      className="error-summary"
      role="alert"
      tabIndex={-1}
      ref={summaryRef}
      aria-labelledby={`${form}-error-title`}
    >
      <h3 className="error-summary-title" id={`${form}-error-title`}>
        {strings.errorSummaryTitle}
      </h3>
      <p>{problem.detail}</p>
      {entries.length > 0 && (
        <ul className="error-summary-list">
          {entries.map(([name, message]) => {
            const label = labels[name];
            const target = fieldId(form, name);
            return (
              <li key={name}>
                {label ? (
                  <a
                    href={`#${target}`}
                    onClick={(event) => {
                      event.preventDefault();
                      document.getElementById(target)?.focus();
                    }}
                  >
                    {format(strings.errorFieldEntry, { field: label, message })}
                  </a>
                ) : (
                  format(strings.errorFieldEntry, { field: name, message })
                )}
              </li>
            );
          })}
        </ul>
      )}
    </div>
  );
}

interface FieldFrame {
  form: string;
  name: string;
  label: string;
  hint?: ReactNode;
  error?: string;
  /** Labels read "(optional)" when a field may be left empty. */
  optional?: boolean;
}

function describedBy(id: string, hint: ReactNode, error: string | undefined): string | undefined {
  const ids = [hint ? `${id}-hint` : '', error ? `${id}-error` : ''].filter(Boolean);
  return ids.length > 0 ? ids.join(' ') : undefined;
}

function Frame({
  id,
  label,
  hint,
  error,
  optional,
  children,
}: {
  id: string;
  label: string;
  hint?: ReactNode;
  error?: string;
  optional?: boolean;
  children: ReactNode;
}) {
  return (
    <div className={error ? 'field field-error' : 'field'}>
      <label className="field-label" htmlFor={id}>
        {label}
        {optional && <span className="field-optional"> {strings.optionalMark}</span>}
      </label>
      {hint && (
        <div className="field-hint" id={`${id}-hint`}>
          {hint}
        </div>
      )}
      {error && (
        <p className="field-error-message" id={`${id}-error`}>
          <span className="visually-hidden">{strings.errorPrefix} </span>
          {error}
        </p>
      )}
      {children}
    </div>
  );
}

type InputProps = Omit<InputHTMLAttributes<HTMLInputElement>, 'id' | 'name' | 'form'>;

/** What a field's control carries: its id and name, and its state for assistive technology. */
interface Control {
  id: string;
  name: string;
  'aria-invalid': true | undefined;
  'aria-describedby': string | undefined;
}

/** A labelled field whose control `children` draws with the attributes given it. */
function Field({
  form,
  name,
  label,
  hint,
  error,
  optional,
  children,
}: FieldFrame & { children: (control: Control) => ReactNode }) {
  const id = fieldId(form, name);
  return (
    <Frame id={id} label={label} hint={hint} error={error} optional={optional}>
      {children({
        id,
        name,
        'aria-invalid': error ? true : undefined,
        'aria-describedby': describedBy(id, hint, error),
      })}
    </Frame>
  );
}

export function TextField({
  form,
  name,
  label,
  hint,
  error,
  optional,
  className,
  ...input
}: FieldFrame & InputProps) {
  return (
    <Field form={form} name={name} label={label} hint={hint} error={error} optional={optional}>
      {(control) => <input type="text" className={className ?? 'input'} {...control} {...input} />}
    </Field>
  );
}

export function SelectField({
  options,
  value,
  onChange,
  disabled,
  ...frame
}: FieldFrame & {
  options: readonly { value: string; label: string }[];
  value: string;
  onChange: (event: ChangeEvent<HTMLSelectElement>) => void;
  disabled?: boolean;
}) {
  return (
    <Field {...frame}>
      {(control) => (
        <select
          className="select"
          value={value}
          onChange={onChange}
          disabled={disabled}
          {...control}
        >
          {options.map((option) => (
            <option key={option.value} value={option.value}>
              {option.label}
            </option>
          ))}
        </select>
      )}
    </Field>
  );
}

export function TextAreaField({
  value,
  onChange,
  rows = 3,
  ...frame
}: FieldFrame & {
  value: string;
  onChange: (event: ChangeEvent<HTMLTextAreaElement>) => void;
  rows?: number;
}) {
  return (
    <Field {...frame}>
      {(control) => (
        <textarea className="textarea" rows={rows} value={value} onChange={onChange} {...control} />
      )}
    </Field>
  );
}

export function CheckboxField({
  form,
  name,
  label,
  hint,
  checked,
  onChange,
}: {
  form: string;
  name: string;
  label: string;
  hint?: ReactNode;
  checked: boolean;
  onChange: (checked: boolean) => void;
}) {
  const id = fieldId(form, name);
  return (
    <div className="field checkbox">
      <input
        id={id}
        name={name}
        type="checkbox"
        checked={checked}
        onChange={(event) => onChange(event.target.checked)}
        aria-describedby={hint ? `${id}-hint` : undefined}
      />
      <label htmlFor={id}>{label}</label>
      {hint && (
        <div className="field-hint" id={`${id}-hint`}>
          {hint}
        </div>
      )}
    </div>
  );
}

/**
 * A set of checkboxes for choosing several of a list; its error is the list's field's. `empty`
 * stands in for the boxes when there is nothing to choose.
 */
export function CheckboxGroupField<V extends string>({
  form,
  name,
  label,
  hint,
  error,
  optional,
  choices,
  chosen,
  empty,
  onChange,
}: {
  form: string;
  name: string;
  label: string;
  hint?: string;
  error?: string;
  optional?: boolean;
  choices: readonly { value: V; label: string }[];
  chosen: readonly V[];
  empty?: string;
  onChange: (chosen: V[]) => void;
}) {
  const id = fieldId(form, name);
  const described = [hint ? `${id}-hint` : '', error ? `${id}-error` : ''].filter(Boolean);
  return (
    <fieldset
      className={error ? 'field choice-fieldset field-error' : 'field choice-fieldset'}
      id={id}
      tabIndex={-1}
      aria-describedby={described.length > 0 ? described.join(' ') : undefined}
    >
      <legend className="field-label">
        {label}
        {optional && (
          <>
            {' '}
            <span className="field-optional">{strings.optionalMark}</span>
          </>
        )}
      </legend>
      {hint && (
        <div className="field-hint" id={`${id}-hint`}>
          {hint}
        </div>
      )}
      {error && (
        <p className="field-error-message" id={`${id}-error`}>
          <span className="visually-hidden">{strings.errorPrefix} </span>
          {error}
        </p>
      )}
      {choices.length === 0 && empty !== undefined ? (
        <p>{empty}</p>
      ) : (
        <div className="choices-inline">
          {choices.map((choice) => (
            <CheckboxField
              key={choice.value}
              form={form}
              name={`${name}-${choice.value}`}
              label={choice.label}
              checked={chosen.includes(choice.value)}
              onChange={(on) =>
                onChange(
                  on ? [...chosen, choice.value] : chosen.filter((value) => value !== choice.value),
                )
              }
            />
          ))}
        </div>
      )}
    </fieldset>
  );
}

/** A button that opens a form in its place; the form gets `close`, which puts the button back. */
export function FormBehindButton({
  label,
  className = 'button button-secondary',
  children,
}: {
  label: string;
  className?: string;
  children: (close: () => void) => ReactNode;
}) {
  const [open, setOpen] = useState(false);
  if (open) return <>{children(() => setOpen(false))}</>;
  return (
    <p className="button-row">
      <button type="button" className={className} onClick={() => setOpen(true)}>
        {label}
      </button>
    </p>
  );
}

/**
 * The main button of a form; says it is working while the request is out. It is not disabled
 * meanwhile: a disabled button drops keyboard focus, and useSubmit ignores a second press.
 */
export function SubmitButton({
  busy,
  children,
  variant = 'primary',
}: {
  busy: boolean;
  children: ReactNode;
  variant?: 'primary' | 'secondary' | 'warning';
}) {
  return (
    <button type="submit" className={`button button-${variant}`} aria-disabled={busy || undefined}>
      {busy ? strings.working : children}
    </button>
  );
}

/**
 * A form with its error summary above it and its main button below: the summary, the fields
 * (`children`), then a row of the submit button and any other `actions`.
 */
export function SubmitForm({
  id,
  submit,
  labels,
  onSubmit,
  submitLabel,
  actions,
  children,
}: {
  id: string;
  submit: Pick<ReturnType<typeof useSubmit>, 'problem' | 'summary' | 'busy'>;
  labels: Record<string, string>;
  onSubmit: (event: SubmitEvent<HTMLFormElement>) => void;
  submitLabel: ReactNode;
  actions?: ReactNode;
  children: ReactNode;
}) {
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
          <SubmitButton busy={submit.busy}>{submitLabel}</SubmitButton>
          {actions}
        </div>
      </form>
    </>
  );
}

/** A field for an email address, as the sign-in, setup and reset forms ask for it. */
export function EmailField({
  autoComplete = 'email',
  ...field
}: FieldFrame & Omit<InputProps, 'type' | 'spellCheck'>) {
  return <TextField type="email" autoComplete={autoComplete} spellCheck={false} {...field} />;
}

/** A field for choosing a new password, with the rules as its hint. */
export function NewPasswordField(field: FieldFrame & Omit<InputProps, 'type' | 'autoComplete'>) {
  return (
    <TextField hint={strings.passwordHint} type="password" autoComplete="new-password" {...field} />
  );
}
