import type { DeletionRequest } from '@reprise/protocol';
import { useCallback, useEffect, useState } from 'react';
import { listDeletionRequests } from '../api/index.js';
import { useProjectId } from '../app/project.js';
import { errorMessage } from '../ui/errors.js';
import { StatusMessage } from '../ui/StatusMessage.js';
import { DeletionRequestForm } from './DeletionRequestForm.js';
import { DeletionRequestList } from './DeletionRequestList.js';
import './lifecycle.css';

/** Time between two reloads of the list while a request is pending or running, in ms. */
const refreshMs = 1500;

type ListState =
  | { kind: 'loading' }
  | { kind: 'ready'; requests: DeletionRequest[] }
  | { kind: 'error'; message: string };

function hasOpenRequest(state: ListState): boolean {
  if (state.kind !== 'ready') return false;
  return state.requests.some(
    (request) => request.status === 'pending' || request.status === 'running',
  );
}

/** Deletion requests of the current project: a form to send one, and the list with progress. */
export default function DeletionRequestsPage() {
  const projectId = useProjectId();
  const [state, setState] = useState<ListState>({ kind: 'loading' });
  const [version, setVersion] = useState(0);
  const reload = useCallback(() => setVersion((value) => value + 1), []);

  useEffect(() => {
    const controller = new AbortController();
    listDeletionRequests(projectId, controller.signal).then(
      (page) => setState({ kind: 'ready', requests: page.requests }),
      (failure: unknown) => {
        if (!controller.signal.aborted) setState({ kind: 'error', message: errorMessage(failure) });
      },
    );
    return () => controller.abort();
  }, [projectId, version]);

  useEffect(() => {
    if (!hasOpenRequest(state)) return;
    const timer = setTimeout(reload, refreshMs);
    return () => clearTimeout(timer);
  }, [state, reload]);

  return (
    <main className="page page--narrow" data-testid="deletion-page">
      <div className="page__heading">
        <h1 className="page__title">Deletion requests</h1>
      </div>
      <DeletionRequestForm projectId={projectId} onCreated={reload} />
      <section className="card" aria-labelledby="deletion-list-title">
        <h2 id="deletion-list-title" className="card__title">
          Requests
        </h2>
        {state.kind === 'loading' && <StatusMessage kind="loading" title="Loading requests…" />}
        {state.kind === 'error' && (
          <StatusMessage kind="error" title="Could not load deletion requests" onRetry={reload}>
            {state.message}
          </StatusMessage>
        )}
        {state.kind === 'ready' && state.requests.length === 0 && (
          <StatusMessage kind="empty" title="No deletion requests yet" />
        )}
        {state.kind === 'ready' && state.requests.length > 0 && (
          <DeletionRequestList requests={state.requests} />
        )}
      </section>
    </main>
  );
}
