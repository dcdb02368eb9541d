import type { Session } from '@reprise/protocol';
import {
  createContext,
  useCallback,
  useContext,
  useEffect,
  useMemo,
  useState,
  type ReactNode,
} from 'react';
import { useNavigate } from 'react-router-dom';
import { ApiError, getSession, logout, setUnauthorizedHandler } from '../api/index.js';
import { loginPath } from './next-path.js';

export type AuthStatus = 'loading' | 'signed-in' | 'signed-out' | 'error';

export interface AuthValue {
  status: AuthStatus;
  session: Session | null;
  /** Message of the failed session check, when `status` is `error`. */
  error: string | null;
  /** Stores the session returned by login or invite acceptance. */
  signIn(session: Session): void;
  /** Logs out on the server and clears the session. */
  signOut(): Promise<void>;
  /** Checks the session again, after an `error`. */
  retry(): void;
}

const AuthContext = createContext<AuthValue | null>(null);

/** The session check started before the first render, until the AuthProvider takes it. */
let earlySessionCheck: Promise<Session> | null = null;

/**
 * Starts the session check before React renders, so that it runs in parallel with the first
 * render instead of after it. The AuthProvider's first check takes this one.
 */
export function startSessionCheck(): void {
  earlySessionCheck = getSession();
  // The AuthProvider handles a failure when it takes the check.
  earlySessionCheck.catch(() => undefined);
}

function currentPath(): string {
  return `${window.location.pathname}${window.location.search}`;
}

/**
 * Checks the session cookie once at start, keeps the logged-in member, and sends the person to
 * the login page whenever an API call returns 401, with the current page as `next`.
 */
export function AuthProvider({ children }: { children: ReactNode }) {
  const navigate = useNavigate();
  const [session, setSession] = useState<Session | null>(null);
  const [status, setStatus] = useState<AuthStatus>('loading');
  const [error, setError] = useState<string | null>(null);
  const [attempt, setAttempt] = useState(0);

  useEffect(() => {
    const controller = new AbortController();
    const check = earlySessionCheck ?? getSession(controller.signal);
    earlySessionCheck = null;
    check.then(
      (found) => {
        // The early check is not aborted with the effect.
        if (controller.signal.aborted) return;
        setSession(found);
        setStatus('signed-in');
      },
      (failure: unknown) => {
        if (controller.signal.aborted) return;
        if (failure instanceof ApiError && failure.status === 401) {
          setStatus('signed-out');
          return;
        }
        setError(failure instanceof Error ? failure.message : String(failure));
        setStatus('error');
      },
    );
    return () => controller.abort();
  }, [attempt]);

  useEffect(() => {
    setUnauthorizedHandler(() => {
      setSession(null);
      setStatus('signed-out');
      if (window.location.pathname !== '/login') {
        navigate(loginPath(currentPath()), { replace: true });
      }
    });
    return () => setUnauthorizedHandler(null);
  }, [navigate]);

  const signIn = useCallback((next: Session) => {
    setSession(next);
    setStatus('signed-in');
    setError(null);
  }, []);

  const signOut = useCallback(async () => {
    try {
      await logout();
    } finally {
      setSession(null);
      setStatus('signed-out');
      navigate('/login', { replace: true });
    }
  }, [navigate]);

  const retry = useCallback(() => {
    setStatus('loading');
    setAttempt((value) => value + 1);
  }, []);

  const value = useMemo(
    () => ({ status, session, error, signIn, signOut, retry }),
    [status, session, error, signIn, signOut, retry],
  );
  return <AuthContext.Provider value={value}>{children}</AuthContext.Provider>;
}

export function useAuth(): AuthValue {
  const value = useContext(AuthContext);
  if (!value) throw new Error('useAuth must be called inside <AuthProvider>.');
  return value;
}
