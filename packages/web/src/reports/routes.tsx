import { lazy, Suspense, type ReactNode } from 'react';
import { StatusMessage } from '../ui/StatusMessage.js';
import { UserProfilePage } from '../users/UserProfilePage.js';
import { UsersPage } from '../users/UsersPage.js';

// The reports pull in uPlot, so they load only when a report is opened.
const EventReportPage = lazy(() => import('./EventReportPage.js'));
const FunnelReportPage = lazy(() => import('./FunnelReportPage.js'));

function Loading({ children }: { children: ReactNode }) {
  return (
    <Suspense
      fallback={
        <main className="page page--center">
          <StatusMessage kind="loading" title="Loading the report…" />
        </main>
      }
    >
      {children}
    </Suspense>
  );
}

/** Route elements of the analytics pages, for `App`. */
export const UsersRoute = () => <UsersPage />;
export const UserRoute = () => <UserProfilePage />;
export const EventReportRoute = () => (
  <Loading>
    <EventReportPage />
  </Loading>
);
export const FunnelReportRoute = () => (
  <Loading>
    <FunnelReportPage />
  </Loading>
);
