import type { Member } from '@reprise/protocol';
import { useCallback, useEffect, useState } from 'react';
import { listMembers } from '../api/index.js';
import { useAuth } from '../auth/AuthContext.js';
import { errorMessage } from '../ui/errors.js';
import { StatusMessage } from '../ui/StatusMessage.js';
import { AddMemberForm } from './AddMemberForm.js';
import { MemberList } from './MemberList.js';

type MembersState =
  { kind: 'loading' } | { kind: 'ready'; members: Member[] } | { kind: 'error'; message: string };

export function TeamPage() {
  const { session } = useAuth();
  const [state, setState] = useState<MembersState>({ kind: 'loading' });
  const [version, setVersion] = useState(0);
  const reload = useCallback(() => setVersion((value) => value + 1), []);

  useEffect(() => {
    const controller = new AbortController();
    listMembers(controller.signal).then(
      (members) => setState({ kind: 'ready', members }),
      (failure: unknown) => {
        if (!controller.signal.aborted) setState({ kind: 'error', message: errorMessage(failure) });
      },
    );
    return () => controller.abort();
  }, [version]);

  return (
    <main className="page page--narrow" data-testid="team-page">
      <div className="page__heading">
        <h1 className="page__title">Team</h1>
      </div>
      <AddMemberForm onAdded={reload} />
      <section className="card" aria-labelledby="members-title">
        <h2 id="members-title" className="card__title">
          Members
        </h2>
        {state.kind === 'loading' && <StatusMessage kind="loading" title="Loading members…" />}
        {state.kind === 'error' && (
          <StatusMessage kind="error" title="Could not load members" onRetry={reload}>
            {state.message}
          </StatusMessage>
        )}
        {state.kind === 'ready' && (
          <MemberList
            members={state.members}
            currentMemberId={session?.member.id ?? ''}
            onRemoved={reload}
          />
        )}
      </section>
    </main>
  );
}
