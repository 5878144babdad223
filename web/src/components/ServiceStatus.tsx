import { useCallback, useEffect, useState } from 'react';
import { format, strings } from '../strings';

const READINESS = '/readyz';
const ABOUT = '/api/v1/about';

/** A status check that hangs would leave the panel saying "Checking" forever. */
const STATUS_TIMEOUT_MS = 10_000;

interface About {
  name: string;
  version: string;
  apiVersion: string;
}

type ServiceStatus =
  | { state: 'checking' }
  | { state: 'operational'; about: About }
  | { state: 'notReady'; detail: string; about: About | undefined }
  | { state: 'unreachable'; reason: string };

/** A failed check, with a message already fit to show. */
class StatusCheckFailure extends Error {}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

async function readJson(response: Response, path: string): Promise<Record<string, unknown>> {
  const body: unknown = await response.json().catch(() => undefined);
  if (!isRecord(body))
    throw new StatusCheckFailure(format(strings.reasonMalformedAnswer, { path }));
  return body;
}

async function request(path: string, signal: AbortSignal): Promise<Response> {
  try {
    return await fetch(path, { signal, headers: { accept: 'application/json' } });
  } catch (error) {
    if (
      signal.aborted &&
      signal.reason instanceof DOMException &&
      signal.reason.name === 'TimeoutError'
    ) {
      throw new StatusCheckFailure(strings.reasonTimedOut);
    }
    if (signal.aborted) throw error;
    throw new StatusCheckFailure(strings.reasonNoAnswer);
  }
}

/** Ready, or the server's own account (a problem document's detail) of what is not ready. */
async function fetchReadiness(
  signal: AbortSignal,
): Promise<{ ready: true } | { ready: false; detail: string }> {
  const response = await request(READINESS, signal);
  if (response.ok) return { ready: true };
  if (response.status === 503) {
    const problem = await readJson(response, READINESS);
    const detail = problem.detail ?? problem.title;
    if (typeof detail === 'string') return { ready: false, detail };
  }
  throw new StatusCheckFailure(
    format(strings.reasonUnexpectedAnswer, { path: READINESS, status: String(response.status) }),
  );
}

async function fetchAbout(signal: AbortSignal): Promise<About> {
  const response = await request(ABOUT, signal);
  if (!response.ok) {
    throw new StatusCheckFailure(
      format(strings.reasonUnexpectedAnswer, { path: ABOUT, status: String(response.status) }),
    );
  }
  const { name, version, apiVersion } = await readJson(response, ABOUT);
  if (typeof name !== 'string' || typeof version !== 'string' || typeof apiVersion !== 'string') {
    throw new StatusCheckFailure(format(strings.reasonMalformedAnswer, { path: ABOUT }));
  }
  return { name, version, apiVersion };
}

async function checkService(signal: AbortSignal): Promise<ServiceStatus> {
  const [readiness, about] = await Promise.allSettled([fetchReadiness(signal), fetchAbout(signal)]);
  if (readiness.status === 'rejected') throw readiness.reason;
  if (!readiness.value.ready) {
    // A server that is not ready may still say which version it is; the readiness detail matters more.
    return {
      state: 'notReady',
      detail: readiness.value.detail,
      about: about.status === 'fulfilled' ? about.value : undefined,
    };
  }
  if (about.status === 'rejected') throw about.reason;
  return { state: 'operational', about: about.value };
}

function useServiceStatus(): { status: ServiceStatus; checkAgain: () => void } {
  const [status, setStatus] = useState<ServiceStatus>({ state: 'checking' });
  const [attempt, setAttempt] = useState(0);

  useEffect(() => {
    const leaving = new AbortController();
    const signal = AbortSignal.any([leaving.signal, AbortSignal.timeout(STATUS_TIMEOUT_MS)]);
    setStatus({ state: 'checking' });
    checkService(signal).then(
      (checked) => {
        if (!leaving.signal.aborted) setStatus(checked);
      },
      (error: unknown) => {
        if (leaving.signal.aborted) return;
        const reason = error instanceof StatusCheckFailure ? error.message : strings.reasonNoAnswer;
        setStatus({ state: 'unreachable', reason: format(strings.statusUnreachable, { reason }) });
      },
    );
    return () => leaving.abort();
  }, [attempt]);

  const checkAgain = useCallback(() => setAttempt((count) => count + 1), []);
  return { status, checkAgain };
}

function VersionRows({ about }: { about: About | undefined }) {
  if (!about) return null;
  return (
    <>
      <dt>{strings.statusVersionLabel}</dt>
      <dd>{about.version}</dd>
      <dt>{strings.statusApiVersionLabel}</dt>
      <dd>{about.apiVersion}</dd>
    </>
  );
}

/** The service's state from /readyz and its version from /api/v1/about. */
export function ServiceStatusPanel() {
  const { status, checkAgain } = useServiceStatus();
  return (
    <section className="panel" aria-labelledby="service-status-heading">
      <h2 id="service-status-heading">{strings.statusHeading}</h2>
      <div role="status" aria-busy={status.state === 'checking'}>
        {status.state === 'checking' && <p className="status-note">{strings.statusChecking}</p>}
        {status.state === 'operational' && (
          <dl className="status-facts">
            <dt>{strings.statusStateLabel}</dt>
            <dd>
              <span className="indicator indicator-ok" aria-hidden="true" />
              {strings.statusOperational}
            </dd>
            <VersionRows about={status.about} />
          </dl>
        )}
        {status.state === 'notReady' && (
          <dl className="status-facts">
            <dt>{strings.statusStateLabel}</dt>
            <dd>
              <span className="indicator indicator-problem" aria-hidden="true" />
              {format(strings.statusNotReady, { detail: status.detail })}
            </dd>
            <VersionRows about={status.about} />
          </dl>
        )}
        {status.state === 'unreachable' && (
          <p className="status-note status-error">
            <span className="indicator indicator-problem" aria-hidden="true" />
            {status.reason}
          </p>
        )}
      </div>
      {status.state !== 'checking' && (
        <button type="button" className="button button-secondary status-again" onClick={checkAgain}>
          {strings.statusCheckAgain}
        </button>
      )}
    </section>
  );
}
