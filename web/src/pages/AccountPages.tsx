import { useState } from 'react';
import { api, type Session } from '../api';
import {
  EmailField,
  missing,
  NewPasswordField,
  SubmitForm,
  TextField,
  useFields,
  useSubmit,
} from '../components/forms';
import { LoadError, Loading, Page, StatusMessage } from '../components/Page';
import { isLocalPath, Link, navigate, requestHeadingFocus, useSearchParams } from '../router';
import { useSession } from '../session';
import { format, strings } from '../strings';
import { useApi } from '../useApi';

/** The token of a one-time link, from the address's fragment (`#token=…`), never sent to a server. */
function tokenFromFragment(): string | null {
  const token = new URLSearchParams(window.location.hash.replace(/^#/, '')).get('token');
  return token && token.trim() !== '' ? token.trim() : null;
}

export function SignInPage() {
  const { signedIn } = useSession();
  const params = useSearchParams();
  const next = params.get('next');
  const form = useFields({ email: '', password: '' });
  const submit = useSubmit();
  const labels = { email: strings.emailLabel, password: strings.passwordLabel };

  const signIn = async () => {
    try {
      const session = await api.post<Session>('/api/v1/auth/sign-in', {
        email: form.values.email.trim(),
        password: form.values.password,
      });
      signedIn(session);
      navigate(next && isLocalPath(next) ? next : '/');
    } catch (error) {
      form.set('password', '');
      throw error;
    }
  };

  return (
    <Page title={strings.signInTitle} wide={false}>
      <SubmitForm
        id="sign-in"
        submit={submit}
        labels={labels}
        onSubmit={submit.onSubmit(signIn, () => missing(form.values, ['email', 'password']))}
        submitLabel={strings.signIn}
      >
        <EmailField
          form="sign-in"
          label={labels.email}
          autoComplete="username"
          error={submit.problem?.fields.email}
          {...form.bind('email')}
        />
        <TextField
          form="sign-in"
          label={labels.password}
          type="password"
          autoComplete="current-password"
          error={submit.problem?.fields.password}
          {...form.bind('password')}
        />
      </SubmitForm>
      <p>
        <Link to="/reset-password">{strings.forgotPassword}</Link>
      </p>
    </Page>
  );
}

function MissingToken({ title, explanation }: { title: string; explanation: string }) {
  return (
    <Page title={title} wide={false}>
      <div className="notice">
        <p>{explanation}</p>
      </div>
    </Page>
  );
}

/** First-run setup through the one-time link printed by the server: the office and its DG Cloud. */
export function SetupPage() {
  const [token] = useState(tokenFromFragment);
  const needed = useApi<{ needed: boolean }>('/api/v1/setup');
  const form = useFields({ officeName: '', displayName: '', email: '', password: '' });
  const submit = useSubmit();
  const labels = {
    officeName: strings.setupOfficeName,
    displayName: strings.yourNameLabel,
    email: strings.emailLabel,
    password: strings.newPasswordLabel,
  };

  if (!token) return <MissingToken title={strings.setupTitle} explanation={strings.setupNoToken} />;
  if (needed.error)
    return (
      <Page title={strings.setupTitle}>
        <LoadError detail={needed.error.detail} onRetry={needed.reload} />
      </Page>
    );
  if (!needed.data)
    return (
      <Page title={strings.setupTitle}>
        <Loading />
      </Page>
    );
  if (!needed.data.needed) {
    return (
      <Page title={strings.setupTitle} wide={false}>
        <div className="notice">
          <p>{strings.setupAlreadyDone}</p>
          <p>
            <Link to="/sign-in">{strings.signIn}</Link>
          </p>
        </div>
      </Page>
    );
  }

  const complete = async () => {
    await api.post('/api/v1/setup', {
      token,
      officeName: form.values.officeName.trim(),
      displayName: form.values.displayName.trim(),
      email: form.values.email.trim(),
      password: form.values.password,
    });
    navigate('/sign-in', { flash: strings.setupDone });
  };

  return (
    <Page title={strings.setupTitle} intro={strings.setupIntro} wide={false}>
      <SubmitForm
        id="setup"
        submit={submit}
        labels={labels}
        onSubmit={submit.onSubmit(complete, () => missing(form.values, Object.keys(labels)))}
        submitLabel={strings.setupSubmit}
      >
        <TextField
          form="setup"
          label={labels.officeName}
          hint={strings.setupOfficeNameHint}
          autoComplete="organization"
          error={submit.problem?.fields.officeName}
          {...form.bind('officeName')}
        />
        <TextField
          form="setup"
          label={labels.displayName}
          autoComplete="name"
          error={submit.problem?.fields.displayName}
          {...form.bind('displayName')}
        />
        <EmailField
          form="setup"
          label={labels.email}
          error={submit.problem?.fields.email}
          {...form.bind('email')}
        />
        <NewPasswordField
          form="setup"
          label={labels.password}
          error={submit.problem?.fields.password}
          {...form.bind('password')}
        />
      </SubmitForm>
    </Page>
  );
}

/** Choosing a password with a one-time link (invitation or reset): the same form. */
function NewPasswordForm({
  formId,
  submitLabel,
  onChosen,
}: {
  formId: string;
  submitLabel: string;
  onChosen: (password: string) => Promise<void>;
}) {
  const form = useFields({ password: '' });
  const submit = useSubmit();
  const labels = { password: strings.newPasswordLabel };
  return (
    <SubmitForm
      id={formId}
      submit={submit}
      labels={labels}
      onSubmit={submit.onSubmit(
        () => onChosen(form.values.password),
        () => missing(form.values, ['password']),
      )}
      submitLabel={submitLabel}
    >
      <NewPasswordField
        form={formId}
        label={labels.password}
        error={submit.problem?.fields.password}
        {...form.bind('password')}
      />
    </SubmitForm>
  );
}

export function InvitationPage() {
  const [token] = useState(tokenFromFragment);
  if (!token) {
    return <MissingToken title={strings.invitationTitle} explanation={strings.invitationNoToken} />;
  }
  const accept = async (password: string) => {
    const { email } = await api.post<{ email: string }>('/api/v1/invitations/accept', {
      token,
      password,
    });
    navigate('/sign-in', { flash: format(strings.invitationAccepted, { email }) });
  };
  return (
    <Page title={strings.invitationTitle} intro={strings.invitationIntro} wide={false}>
      <NewPasswordForm
        formId="invitation"
        submitLabel={strings.invitationSubmit}
        onChosen={accept}
      />
    </Page>
  );
}

export function ResetPasswordPage() {
  const [token] = useState(tokenFromFragment);
  if (token) {
    const complete = async (password: string) => {
      await api.post('/api/v1/password-resets/complete', { token, password });
      navigate('/sign-in', { flash: strings.resetDone });
    };
    return (
      <Page title={strings.resetChooseTitle} intro={strings.resetChooseIntro} wide={false}>
        <NewPasswordForm
          formId="reset"
          submitLabel={strings.resetChooseSubmit}
          onChosen={complete}
        />
      </Page>
    );
  }
  return <ResetRequest />;
}

function ResetRequest() {
  const form = useFields({ email: '' });
  const submit = useSubmit();
  const [sent, setSent] = useState<string | null>(null);
  const labels = { email: strings.emailLabel };

  if (sent !== null) {
    return (
      <Page title={strings.resetSentTitle} wide={false}>
        <StatusMessage message={format(strings.resetSent, { email: sent })} />
        <p>{strings.resetSentNext}</p>
        <p>
          <Link to="/sign-in">{strings.backToSignIn}</Link>
        </p>
      </Page>
    );
  }

  const ask = async () => {
    const email = form.values.email.trim();
    await api.post('/api/v1/password-resets', { email });
    requestHeadingFocus();
    setSent(email);
  };

  return (
    <Page title={strings.resetRequestTitle} intro={strings.resetRequestIntro} wide={false}>
      <SubmitForm
        id="reset-request"
        submit={submit}
        labels={labels}
        onSubmit={submit.onSubmit(ask, () => missing(form.values, ['email']))}
        submitLabel={strings.resetRequestSubmit}
      >
        <EmailField
          form="reset-request"
          label={labels.email}
          error={submit.problem?.fields.email}
          {...form.bind('email')}
        />
      </SubmitForm>
    </Page>
  );
}
