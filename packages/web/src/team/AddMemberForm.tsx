import type { Invite, Member, MemberRole } from '@reprise/protocol';
import { useState, type FormEvent } from 'react';
import { addMember } from '../api/index.js';
import { formatDateTime } from '../format/time.js';
import { CopyButton } from '../ui/CopyButton.js';
import { errorMessage } from '../ui/errors.js';

type AccessMode = 'invite' | 'password';

interface AddMemberFormProps {
  /** Called after the server added the teammate, so the list can reload. */
  onAdded(): void;
}

function submitLabel(submitting: boolean, mode: AccessMode): string {
  if (submitting) return 'Adding…';
  if (mode === 'invite') return 'Create invite';
  return 'Add teammate';
}

function isInvite(result: Member | Invite): result is Invite {
  return 'url' in result;
}

/** Adds a teammate with an initial password, or creates an invite link shown once. */
export function AddMemberForm({ onAdded }: AddMemberFormProps) {
  const [email, setEmail] = useState('');
  const [role, setRole] = useState<MemberRole>('member');
  const [mode, setMode] = useState<AccessMode>('invite');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [submitting, setSubmitting] = useState(false);
  const [invite, setInvite] = useState<Invite | null>(null);
  const [added, setAdded] = useState<Member | null>(null);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!email.trim()) {
      setError('Enter the teammate’s email.');
      return;
    }
    if (mode === 'password' && !password) {
      setError('Enter an initial password.');
      return;
    }
    setSubmitting(true);
    setError(null);
    setInvite(null);
    setAdded(null);
    try {
      const input = { email: email.trim(), role, ...(mode === 'password' ? { password } : {}) };
      const result = await addMember(input);
      if (isInvite(result)) setInvite(result);
      else setAdded(result);
      setEmail('');
      setPassword('');
      onAdded();
    } catch (failure) {
      setError(errorMessage(failure));
    } finally {
      setSubmitting(false);
    }
  };

  return (
    <section className="card" aria-labelledby="add-member-title">
      <h2 id="add-member-title" className="card__title">
        Add a teammate
      </h2>
      <form className="add-member" onSubmit={submit} noValidate data-testid="add-member-form">
        <label className="field add-member__email">
          <span className="field__label">Email</span>
          <input
            className="input"
            type="email"
            autoComplete="off"
            value={email}
            onChange={(event) => setEmail(event.target.value)}
            data-testid="add-member-email"
          />
        </label>
        <label className="field">
          <span className="field__label">Role</span>
          <select
            className="select"
            value={role}
            onChange={(event) => setRole(event.target.value as MemberRole)}
            data-testid="add-member-role"
          >
            <option value="member">Member</option>
            <option value="admin">Admin</option>
          </select>
        </label>
        <fieldset className="add-member__mode">
          <legend className="field__label">Access</legend>
          <label className="radio">
            <input
              type="radio"
              name="access"
              checked={mode === 'invite'}
              onChange={() => setMode('invite')}
              data-testid="add-member-mode-invite"
            />
            Create an invite link
          </label>
          <label className="radio">
            <input
              type="radio"
              name="access"
              checked={mode === 'password'}
              onChange={() => setMode('password')}
              data-testid="add-member-mode-password"
            />
            Set a password now
          </label>
        </fieldset>
        {mode === 'password' && (
          <label className="field">
            <span className="field__label">Initial password</span>
            <input
              className="input"
              type="password"
              autoComplete="new-password"
              value={password}
              onChange={(event) => setPassword(event.target.value)}
              data-testid="add-member-password"
            />
          </label>
        )}
        <div className="add-member__actions">
          <button
            type="submit"
            className="button button--primary"
            disabled={submitting}
            data-testid="add-member-submit"
          >
            {submitLabel(submitting, mode)}
          </button>
        </div>
      </form>
      {error && (
        <p className="form-error" role="alert" data-testid="add-member-error">
          {error}
        </p>
      )}
      {added && (
        <p className="form-success" role="status" data-testid="add-member-added">
          {added.email} can now log in with the password you set.
        </p>
      )}
      {invite && <InviteLink invite={invite} />}
    </section>
  );
}

function InviteLink({ invite }: { invite: Invite }) {
  // The server may send a path, but a teammate needs the full address.
  const url = new URL(invite.url, window.location.origin).href;
  return (
    <div className="invite-link" role="status" data-testid="invite-link">
      <p>
        Send this link to <strong>{invite.email}</strong>. It is shown only once and expires{' '}
        {formatDateTime(invite.expiresAt)}.
      </p>
      <div className="invite-link__row">
        <input
          className="input input--mono"
          readOnly
          value={url}
          onFocus={(event) => event.target.select()}
          aria-label="Invite link"
          data-testid="invite-link-url"
        />
        <CopyButton text={url} label="Copy link" testId="invite-link-copy" />
      </div>
    </div>
  );
}
