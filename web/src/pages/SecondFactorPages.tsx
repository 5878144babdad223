import { useState } from 'react';
import { api, type Session, type TotpEnrolment } from '../api';
import {
  ErrorSummary,
  missing,
  type Bound,
  SubmitButton,
  TextField,
  useFields,
  useSubmit,
} from '../components/forms';
import { Page, Section } from '../components/Page';
import { groupInFours } from '../display';
import { navigate, requestHeadingFocus } from '../router';
import { useSession } from '../session';
import { strings } from '../strings';

/**
 * The second factor (TOTP): a six-digit code from an authenticator app after the password. An
 * enrolled user enters it once per session; an officer not yet enrolled sets the app up first.
 */

function CodeField({ form, error, bind }: { form: string; error?: string; bind: Bound }) {
  return (
    <TextField
      form={form}
      label={strings.totpCodeLabel}
      hint={strings.totpCodeHint}
      inputMode="numeric"
      autoComplete="one-time-code"
      spellCheck={false}
      maxLength={10}
      className="input input-code"
      error={error}
      {...bind}
    />
  );
}

/** A code is six digits; people type spaces, as apps show "123 456". */
function normalCode(code: string): string {
  return code.replace(/\s+/g, '');
}

/** Says so before sending when the code cannot be one (the server's own message names a pattern). */
function checkCode(values: { code: string }): Record<string, string> {
  const empty = missing(values, ['code']);
  if (Object.keys(empty).length > 0) return empty;
  return /^\d{6}$/.test(normalCode(values.code)) ? {} : { code: strings.totpCodeFormat };
}

function SignOutInstead() {
  const { signOut } = useSession();
  return (
    <p>
      <button
        type="button"
        className="button-link"
        onClick={() =>
          void signOut(false).then(() => navigate('/sign-in', { flash: strings.signedOut }))
        }
      >
        {strings.totpSignOutInstead}
      </button>
    </p>
  );
}

/** The answer to verify and confirm is the session as it now stands; an older server may not send it. */
function useTakeSession() {
  const { refresh, signedIn } = useSession();
  return async (answer: Session | undefined) => {
    requestHeadingFocus();
    if (answer?.me) signedIn(answer);
    else await refresh();
  };
}

export function SecondFactorPage() {
  const takeSession = useTakeSession();
  const form = useFields({ code: '' });
  const submit = useSubmit();
  const labels = { code: strings.totpCodeLabel };
  const verify = async () => {
    let answer: Session | undefined;
    try {
      answer = await api.post<Session>('/api/v1/auth/totp/verify', {
        code: normalCode(form.values.code),
      });
    } catch (error) {
      form.set('code', '');
      throw error;
    }
    await takeSession(answer);
  };
  return (
    <Page title={strings.totpVerifyTitle} intro={strings.totpVerifyIntro} wide={false}>
      <ErrorSummary
        problem={submit.problem}
        form="totp"
        labels={labels}
        summaryRef={submit.summary}
      />
      <form noValidate onSubmit={submit.onSubmit(verify, () => checkCode(form.values))}>
        <CodeField form="totp" error={submit.problem?.fields.code} bind={form.bind('code')} />
        <div className="button-row">
          <SubmitButton busy={submit.busy}>{strings.totpVerifySubmit}</SubmitButton>
        </div>
      </form>
      <SignOutInstead />
    </Page>
  );
}

/**
 * Enrolment: required (an officer without an app; nothing else opens until done) or chosen (anyone
 * else from their dashboard, or an enrolled user moving to a new device).
 */
export function EnrolmentPage({ chosen = false }: { chosen?: boolean }) {
  const takeSession = useTakeSession();
  const { state } = useSession();
  const replacing = state.status === 'signedIn' && state.me.secondFactorEnrolled === true;
  const [enrolment, setEnrolment] = useState<TotpEnrolment | null>(null);
  const start = useSubmit();
  const form = useFields({ code: '' });
  const confirm = useSubmit();
  const labels = { code: strings.totpCodeLabel };

  const begin = async () => {
    setEnrolment(await api.post<TotpEnrolment>('/api/v1/auth/totp/enrolment'));
  };
  const finish = async () => {
    await takeSession(
      await api.post<Session>('/api/v1/auth/totp/enrolment/confirm', {
        code: normalCode(form.values.code),
      }),
    );
    if (chosen) navigate('/', { flash: strings.totpEnrolDone });
  };

  return (
    <Page
      title={strings.totpEnrolTitle}
      intro={
        !chosen
          ? strings.totpEnrolIntro
          : replacing
            ? strings.totpEnrolReplaceIntro
            : strings.totpEnrolChosenIntro
      }
      wide={false}
    >
      {!enrolment ? (
        <>
          <ErrorSummary
            problem={start.problem}
            form="totp-start"
            labels={{}}
            summaryRef={start.summary}
          />
          <p>{strings.totpEnrolNeedApp}</p>
          <form noValidate onSubmit={start.onSubmit(begin)}>
            <div className="button-row">
              <SubmitButton busy={start.busy}>{strings.totpEnrolStart}</SubmitButton>
            </div>
          </form>
        </>
      ) : (
        <>
          <Section id="totp-key" title={strings.totpEnrolKeyHeading}>
            <p>{strings.totpEnrolKeyIntro}</p>
            <dl className="facts">
              <dt>{strings.totpEnrolAccount}</dt>
              <dd>{enrolment.label}</dd>
              <dt>{strings.totpEnrolIssuer}</dt>
              <dd>{enrolment.issuer}</dd>
              <dt>{strings.totpEnrolKey}</dt>
              <dd>
                <code className="secret">{groupInFours(enrolment.secret)}</code>
              </dd>
            </dl>
            <p className="field-hint">{strings.totpEnrolKeyHint}</p>
            <details className="details">
              <summary>{strings.totpEnrolUriSummary}</summary>
              <p>{strings.totpEnrolUriIntro}</p>
              <code className="uri">{enrolment.otpauthUri}</code>
            </details>
          </Section>
          <Section id="totp-confirm" title={strings.totpEnrolConfirmHeading}>
            <ErrorSummary
              problem={confirm.problem}
              form="totp-confirm"
              labels={labels}
              summaryRef={confirm.summary}
            />
            <form noValidate onSubmit={confirm.onSubmit(finish, () => checkCode(form.values))}>
              <CodeField
                form="totp-confirm"
                error={confirm.problem?.fields.code}
                bind={form.bind('code')}
              />
              <div className="button-row">
                <SubmitButton busy={confirm.busy}>{strings.totpEnrolConfirmSubmit}</SubmitButton>
              </div>
            </form>
          </Section>
        </>
      )}
      {!chosen && <SignOutInstead />}
    </Page>
  );
}
