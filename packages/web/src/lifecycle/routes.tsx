import { lazy, Suspense, type ReactNode } from 'react';
import { RequireAdmin } from '../app/RequireAuth.js';
import { StatusMessage } from '../ui/StatusMessage.js';

// Both pages check their input with the protocol's zod schemas, which would add about 27 kB
// (gzip) to the first load, so they load on first visit.
const ProjectSettingsPage = lazy(() => import('../projects/ProjectSettingsPage.js'));
const DeletionRequestsPage = lazy(() => import('./DeletionRequestsPage.js'));

function Loading({ children }: { children: ReactNode }) {
  return (
    <Suspense
      fallback={
        <main className="page page--center">
          <StatusMessage kind="loading" title="Loading…" />
        </main>
      }
    >
      {children}
    </Suspense>
  );
}

/** `/settings/project`: token, SDK snippet, retention and SDK settings; admins only. */
export function ProjectSettingsRoute() {
  return (
    <RequireAdmin
      deniedTitle="Only admins can change project settings"
      deniedDetail="Ask an admin of your Reprise team for the project token or a change."
    >
      <Loading>
        <ProjectSettingsPage />
      </Loading>
    </RequireAdmin>
  );
}

/** `/settings/deletion-requests`: send deletion requests and follow them; admins only. */
export function DeletionRequestsRoute() {
  return (
    <RequireAdmin
      deniedTitle="Only admins can delete users’ data"
      deniedDetail="Ask an admin of your Reprise team to send the deletion request."
    >
      <Loading>
        <DeletionRequestsPage />
      </Loading>
    </RequireAdmin>
  );
}
