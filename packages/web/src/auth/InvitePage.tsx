import { useEffect, useState, type FormEvent } from 'react';
import { useNavigate, useParams } from 'react-router-dom';
import { acceptInvite, ApiError, getInvite } from '../api/index.js';
import { errorMessage } from '../ui/errors.js';
import { StatusMessage } from '../ui/StatusMessage.js';
import { useAuth } from './AuthContext.js';

type InviteState =
  | { kind: 'loading' }
  | { kind: 'ready'; email: string }
  | { kind: 'not-found' }
  | { kind: 'error'; message: string };

function useInvite(token: string): [InviteState, () => void] {
  const [state, setState] = useState<InviteState>({ kind: 'loading' });
  const [attempt, setAttempt] = useState(0);

  useEffect(() => {
    const controller = new AbortController();
    setState({ kind: 'loading' });
    getInvite(token, controller.signal).then(
      ({ email }) => setState({ kind: 'ready', email }),
      (failure: unknown) => {
        if (controller.signal.aborted) return;
        if (failure instanceof ApiError && failure.status === 404) setState({ kind: 'not-found' });
        else setState({ kind: 'error', message: errorMessage(failure) });
      },
    );
    return () => controller.abort();
  }, [token, attempt]);

  return [state, () => setAttempt((value) => value + 1)];
}

export function InvitePage() {
  const { token = '' } = useParams();
  const [invite, reload] = useInvite(token);

  return (
    <main className="auth-page">
      <div className="auth-card" data-testid="invite-page">
        <h1 className="auth-card__brand">Reprise</h1>
        {invite.kind === 'loading' && <StatusMessage kind="loading" title="Checking the invite…" />}
        {invite.kind === 'not-found' && (
          <StatusMessage kind="not-found" title="This invite link is not valid">
            It may have expired or been used already. Ask an admin of your team for a new link.
          </StatusMessage>
        )}
        {invite.kind === 'error' && (
          <StatusMessage kind="error" title="Could not load the invite" onRetry={reload}>
            {invite.message}
          </StatusMessage>
        )}
        {invite.kind === 'ready' && <AcceptInviteForm token={token} email={invite.email} />}
      </div>
    </main>
  );
}

function AcceptInviteForm({ token, email }: { token: string; email: string }) {
  const { signIn } = useAuth();
  const navigate = useNavigate();
  const [password, setPassword] = useState('');
  const [confirmation, setConfirmation] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [submitting, setSubmitting] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!password) {
      setError('Choose a password.');
      return;
    }
    if (password !== confirmation) {
      setError('The two passwords differ. Type them again.');
      return;
    }
    setSubmitting(true);
    setError(null);
    try {
      signIn(await acceptInvite(token, password));
      navigate('/', { replace: true });
    } catch (failure) {
      setError(errorMessage(failure));
      setSubmitting(false);
    }
  };

  return (
    <form onSubmit={submit} noValidate data-testid="invite-form">
      <p className="auth-card__lead">
        You were invited to Reprise as <strong data-testid="invite-email">{email}</strong>. Choose a
        password to finish.
      </p>
      <input type="email" hidden readOnly autoComplete="username" value={email} />
      <label className="field">
        <span className="field__label">Password</span>
        <input
          className="input"
          type="password"
          autoComplete="new-password"
          autoFocus
          value={password}
          onChange={(event) => setPassword(event.target.value)}
          data-testid="invite-password"
        />
      </label>
      <label className="field">
        <span className="field__label">Confirm password</span>
        <input
          className="input"
          type="password"
          autoComplete="new-password"
          value={confirmation}
          onChange={(event) => setConfirmation(event.target.value)}
          data-testid="invite-password-confirm"
        />
      </label>
      {error && (
        <p className="form-error" role="alert" data-testid="invite-error">
          {error}
        </p>
      )}
      <button
        type="submit"
        className="button button--primary button--block"
        disabled={submitting}
        data-testid="invite-submit"
      >
        {submitting ? 'Joining…' : 'Set password and log in'}
      </button>
    </form>
  );
}
