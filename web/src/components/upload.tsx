import { useRef, useState, type ChangeEvent, type SubmitEvent } from 'react';
import { ApiError } from '../api';
import { strings } from '../strings';
import { SubmitButton } from './forms';

/**
 * A form that sends one file (an OSCAL catalog or profile, JSON or YAML) and shows what the
 * server refused: the problem's detail and each issue with its JSON pointer, focused for screen
 * readers. `upload` gets the chosen file and does the rest (reading, sending, moving on).
 */
export function FileUploadForm({
  id,
  label,
  hint,
  missingMessage,
  buttonLabel,
  upload,
}: {
  id: string;
  label: string;
  hint: string;
  missingMessage: string;
  buttonLabel: string;
  upload: (file: File) => Promise<void>;
}) {
  const input = useRef<HTMLInputElement>(null);
  const summary = useRef<HTMLDivElement>(null);
  const [file, setFile] = useState<File | null>(null);
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<ApiError | null>(null);
  const [missingFile, setMissingFile] = useState(false);
  const fieldId = `${id}-file`;
  const showMissing = missingFile && !file;

  const submit = async (event: SubmitEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (busy) return;
    if (!file) {
      setMissingFile(true);
      input.current?.focus();
      return;
    }
    setBusy(true);
    setProblem(null);
    try {
      await upload(file);
    } catch (error) {
      setProblem(
        error instanceof ApiError ? error : new ApiError(0, 'unexpected', strings.errorUnexpected),
      );
      window.setTimeout(() => summary.current?.focus(), 0);
    } finally {
      setBusy(false);
    }
  };

  return (
    <>
      {problem && (
        <div
          className="error-summary"
          role="alert"
          tabIndex={-1}
          ref={summary}
          aria-labelledby={`${id}-error-title`}
        >
          <h3 className="error-summary-title" id={`${id}-error-title`}>
            {strings.errorSummaryTitle}
          </h3>
          <p>{problem.detail}</p>
          {problem.errors.length > 0 && (
            <ul className="error-summary-list">
              {problem.errors.map((issue, index) => (
                <li key={`${issue.pointer}-${String(index)}`}>
                  <code>{issue.pointer || '/'}</code> {issue.message}
                </li>
              ))}
            </ul>
          )}
        </div>
      )}
      <form noValidate onSubmit={(event) => void submit(event)}>
        <div className={showMissing ? 'field field-error' : 'field'}>
          <label className="field-label" htmlFor={fieldId}>
            {label}
          </label>
          <div className="field-hint" id={`${fieldId}-hint`}>
            {hint}
          </div>
          {showMissing && (
            <p className="field-error-message" id={`${fieldId}-error`}>
              <span className="visually-hidden">{strings.errorPrefix} </span>
              {missingMessage}
            </p>
          )}
          <input
            ref={input}
            id={fieldId}
            name="file"
            type="file"
            className="input"
            accept=".json,.yaml,.yml,application/json,application/yaml"
            aria-describedby={showMissing ? `${fieldId}-hint ${fieldId}-error` : `${fieldId}-hint`}
            onChange={(event: ChangeEvent<HTMLInputElement>) => {
              setFile(event.target.files?.[0] ?? null);
              setProblem(null);
            }}
          />
        </div>
        <div className="button-row">
          <SubmitButton busy={busy}>{buttonLabel}</SubmitButton>
        </div>
      </form>
    </>
  );
}
