import type { ProjectSettings } from '@reprise/protocol';
import { useCallback, useEffect, useState } from 'react';
import { getProjectSettings } from '../api/index.js';
import { useProjectId } from '../app/project.js';
import { useAuth } from '../auth/AuthContext.js';
import '../lifecycle/lifecycle.css';
import { errorMessage } from '../ui/errors.js';
import { StatusMessage } from '../ui/StatusMessage.js';
import { InstallCard } from './InstallCard.js';
import { SettingsForm } from './SettingsForm.js';

type SettingsState =
  | { kind: 'loading' }
  | { kind: 'ready'; settings: ProjectSettings }
  | { kind: 'error'; message: string };

/** Shows the current project's token, SDK snippet, retention and SDK settings. */
export default function ProjectSettingsPage() {
  const { session } = useAuth();
  const projectId = useProjectId() ?? session?.projects[0]?.id;
  const [state, setState] = useState<SettingsState>({ kind: 'loading' });
  const [version, setVersion] = useState(0);
  const reload = useCallback(() => setVersion((value) => value + 1), []);

  useEffect(() => {
    if (!projectId) {
      setState({ kind: 'error', message: 'This Reprise server has no project yet.' });
      return;
    }
    const controller = new AbortController();
    getProjectSettings(projectId, controller.signal).then(
      (settings) => setState({ kind: 'ready', settings }),
      (failure: unknown) => {
        if (!controller.signal.aborted) setState({ kind: 'error', message: errorMessage(failure) });
      },
    );
    return () => controller.abort();
  }, [projectId, version]);

  return (
    <main className="page page--narrow" data-testid="project-settings-page">
      <div className="page__heading">
        <h1 className="page__title">
          {state.kind === 'ready' ? state.settings.name : 'Project settings'}
        </h1>
      </div>
      {state.kind === 'loading' && <StatusMessage kind="loading" title="Loading settings…" />}
      {state.kind === 'error' && (
        <StatusMessage kind="error" title="Could not load the project" onRetry={reload}>
          {state.message}
        </StatusMessage>
      )}
      {state.kind === 'ready' && (
        <>
          <InstallCard settings={state.settings} />
          <SettingsForm
            key={state.settings.id}
            settings={state.settings}
            onSaved={(settings) => setState({ kind: 'ready', settings })}
          />
        </>
      )}
    </main>
  );
}
