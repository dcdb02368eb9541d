import { useCallback, useEffect, useState } from 'react';
import { errorMessage } from './errors.js';

export type ApiState<T> =
  { status: 'loading' } | { status: 'error'; error: string } | { status: 'ready'; data: T };

/**
 * Runs `load` when `key` changes (and on `reload`), aborting the previous call, and returns
 * its state. `key` is a string so that callers need not memoize objects; `load` may change
 * with it. A null key loads nothing and stays `loading`.
 */
export function useApi<T>(
  key: string | null,
  load: (signal: AbortSignal) => Promise<T>,
): [ApiState<T>, () => void] {
  const [state, setState] = useState<ApiState<T>>({ status: 'loading' });
  const [attempt, setAttempt] = useState(0);

  useEffect(() => {
    if (key === null) return;
    const controller = new AbortController();
    setState({ status: 'loading' });
    load(controller.signal).then(
      (data) => setState({ status: 'ready', data }),
      (failure: unknown) => {
        if (!controller.signal.aborted) setState({ status: 'error', error: errorMessage(failure) });
      },
    );
    return () => controller.abort();
    // `load` is rebuilt on every render, so `key` alone decides when to call it again.
  }, [key, attempt]);

  const reload = useCallback(() => setAttempt((value) => value + 1), []);
  return [state, reload];
}
