import type { DeletionRequest } from '@reprise/protocol';
import { lateArrivalWindowHours } from '@reprise/protocol';
import { useState, type FormEvent } from 'react';
import { createDeletionRequest } from '../api/index.js';
import { errorMessage } from '../ui/errors.js';
import { parseIdList } from './ids-input.js';

interface DeletionRequestFormProps {
  projectId: string | undefined;
  /** Called with the stored request, so the list can show it. */
  onCreated(request: DeletionRequest): void;
}

/** Takes distinct ids, one per line, and sends them as one deletion request after a confirmation. */
export function DeletionRequestForm({ projectId, onCreated }: DeletionRequestFormProps) {
  const [text, setText] = useState('');
  const [confirming, setConfirming] = useState(false);
  const [submitting, setSubmitting] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const parsed = parseIdList(text);

  const review = (event: FormEvent) => {
    event.preventDefault();
    setError(parsed.problem);
    setConfirming(parsed.problem === null);
  };

  const submit = async () => {
    setSubmitting(true);
    setError(null);
    try {
      onCreated(await createDeletionRequest(projectId, parsed.ids));
      setText('');
      setConfirming(false);
    } catch (failure) {
      setError(errorMessage(failure));
    } finally {
      setSubmitting(false);
    }
  };

  return (
    <section className="card" aria-labelledby="deletion-form-title">
      <h2 id="deletion-form-title" className="card__title">
        Delete users’ data
      </h2>
      <p className="card__lead">
        Enter user ids, device ids or distinct ids, one per line. Reprise also finds each user’s
        other ids through logins, then deletes their replays (with the recorded files), events,
        profiles and identity links. Data that arrives for these ids while the request runs, and for{' '}
        {lateArrivalWindowHours} hours after it finished, is dropped.
      </p>
      <form onSubmit={review} noValidate data-testid="deletion-form">
        <label className="field">
          <span className="field__label">Distinct ids ({parsed.ids.length})</span>
          <textarea
            className="input textarea input--mono"
            rows={6}
            value={text}
            onChange={(event) => {
              setText(event.target.value);
              setConfirming(false);
            }}
            spellCheck={false}
            data-testid="deletion-ids"
          />
        </label>
        {!confirming && (
          <button type="submit" className="button button--danger" data-testid="deletion-review">
            Delete data…
          </button>
        )}
      </form>
      {confirming && (
        <div className="confirm" role="alert" data-testid="deletion-confirm-box">
          <span>
            Delete all data of {parsed.ids.length} {parsed.ids.length === 1 ? 'id' : 'ids'}? This
            cannot be undone.
          </span>
          <button
            type="button"
            className="button button--danger"
            disabled={submitting}
            onClick={() => void submit()}
            data-testid="deletion-confirm"
          >
            {submitting ? 'Sending…' : 'Delete'}
          </button>
          <button
            type="button"
            className="button button--ghost"
            onClick={() => setConfirming(false)}
          >
            Cancel
          </button>
        </div>
      )}
      {error && (
        <p className="form-error" role="alert" data-testid="deletion-error">
          {error}
        </p>
      )}
    </section>
  );
}
