import { useCallback, useEffect, useState } from 'react';
import { api, ApiError, withQuery, type Query } from './api';
import { strings } from './strings';

export interface Loaded<T> {
  /** The answer for the current address. */
  data: T | undefined;
  /** The last answer for any address, for lists that keep their rows while the next page loads. */
  latest: T | undefined;
  error: ApiError | undefined;
  loading: boolean;
  /** Asks again, keeping what is shown until the answer arrives. */
  reload: () => void;
}

interface State<T> {
  key: string | null;
  data?: T;
  latest?: T;
  error?: ApiError;
  loading: boolean;
}

/**
 * Reads `path` (with `query`) from the API whenever either changes; `null` reads nothing. An
 * answer for an address the page has since left is dropped.
 */
export function useApi<T>(path: string | null, query?: Query): Loaded<T> {
  const key = path === null ? null : withQuery(path, query);
  const [state, setState] = useState<State<T>>({ key: null, loading: false });
  const [attempt, setAttempt] = useState(0);

  useEffect(() => {
    if (key === null) return;
    const leaving = new AbortController();
    setState((old) => ({ ...old, loading: true }));
    api.get<T>(key, undefined, leaving.signal).then(
      (data) => {
        if (!leaving.signal.aborted) setState({ key, data, latest: data, loading: false });
      },
      (error: unknown) => {
        if (leaving.signal.aborted) return;
        setState((old) => ({
          key,
          latest: old.latest,
          error:
            error instanceof ApiError
              ? error
              : new ApiError(0, 'unexpected', strings.errorUnexpected),
          loading: false,
        }));
      },
    );
    return () => leaving.abort();
  }, [key, attempt]);

  const reload = useCallback(() => setAttempt((count) => count + 1), []);
  const current = state.key === key;
  return {
    data: current ? state.data : undefined,
    latest: state.latest,
    error: current ? state.error : undefined,
    loading: key !== null && (state.loading || !current),
    reload,
  };
}
