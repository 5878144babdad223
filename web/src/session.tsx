import {
  createContext,
  useCallback,
  useContext,
  useEffect,
  useMemo,
  useState,
  type ReactNode,
} from 'react';
import { api, ApiError, onAuthProblem, setCsrfToken, type Me, type Session } from './api';
import { strings } from './strings';

/** What the portal knows about who is using it. */
export type SessionState =
  | { status: 'loading' }
  | { status: 'failed'; detail: string }
  | { status: 'signedOut'; ended: boolean }
  | { status: 'signedIn'; me: Me; secondFactor: SecondFactorStep };

/** What stands between a signed-in user and the portal: nothing, a code, or enrolment. */
export type SecondFactorStep = 'done' | 'verify' | 'enrol';

interface SessionContextValue {
  state: SessionState;
  /** Asks the server again (after a change to the session, such as passing the second factor). */
  refresh: () => Promise<void>;
  /** Takes the sign-in answer, which carries the same fields as the session. */
  signedIn: (session: Session) => void;
  signOut: (everywhere: boolean) => Promise<void>;
}

const SessionContext = createContext<SessionContextValue | undefined>(undefined);

function stepOf(me: Me, demanded: SecondFactorStep): SecondFactorStep {
  if (me.secondFactorEnrolmentRequired === true) return 'enrol';
  if (me.secondFactorPending) return 'verify';
  return demanded;
}

function stateOf(session: Session, demanded: SecondFactorStep = 'done'): SessionState {
  setCsrfToken(session.signedIn ? session.csrfToken : undefined);
  if (!session.signedIn || !session.me) return { status: 'signedOut', ended: false };
  return { status: 'signedIn', me: session.me, secondFactor: stepOf(session.me, demanded) };
}

export function SessionProvider({ children }: { children: ReactNode }) {
  const [state, setState] = useState<SessionState>({ status: 'loading' });

  const load = useCallback(async (demanded: SecondFactorStep = 'done') => {
    try {
      const session = await api.get<Session>('/api/v1/auth/session');
      setState(stateOf(session, demanded));
    } catch (error) {
      setState({
        status: 'failed',
        detail: error instanceof ApiError ? error.detail : strings.errorNetwork,
      });
    }
  }, []);

  useEffect(() => {
    void load();
  }, [load]);

  // An answer elsewhere may say the session ended or needs the second factor; follow it here.
  useEffect(
    () =>
      onAuthProblem((code) => {
        if (code === 'sign_in_required') {
          setCsrfToken(undefined);
          setState({ status: 'signedOut', ended: true });
        } else {
          void load(code === 'second_factor_required' ? 'verify' : 'enrol');
        }
      }),
    [load],
  );

  const signOut = useCallback(async (everywhere: boolean) => {
    try {
      await api.post(everywhere ? '/api/v1/auth/sign-out-everywhere' : '/api/v1/auth/sign-out');
    } catch (error) {
      // Already signed out (the session ended) is the outcome wanted; anything else is shown.
      if (!(error instanceof ApiError && error.code === 'sign_in_required')) throw error;
    }
    setCsrfToken(undefined);
    setState({ status: 'signedOut', ended: false });
  }, []);

  const value = useMemo<SessionContextValue>(
    () => ({
      state,
      refresh: () => load(),
      signedIn: (session) => setState(stateOf(session)),
      signOut,
    }),
    [state, load, signOut],
  );
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): SessionContextValue {
  const value = useContext(SessionContext);
  if (!value) throw new Error('useSession needs a SessionProvider above it');
  return value;
}

/** The signed-in user, for pages that are only shown to one. */
export function useMe(): Me {
  const { state } = useSession();
  if (state.status !== 'signedIn') throw new Error('useMe outside a signed-in page');
  return state.me;
}
