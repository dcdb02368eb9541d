import { lazy, Suspense } from 'react';
import { BrowserRouter, Navigate, Outlet, Route, Routes, useLocation } from 'react-router-dom';
import { AuthProvider } from '../auth/AuthContext.js';
import { InvitePage } from '../auth/InvitePage.js';
import { LoginPage } from '../auth/LoginPage.js';
import { FeedPage } from '../feed/FeedPage.js';
import { DeletionRequestsRoute, ProjectSettingsRoute } from '../lifecycle/routes.js';
import { EventReportRoute, FunnelReportRoute, UserRoute, UsersRoute } from '../reports/routes.js';
import { TeamPage } from '../team/TeamPage.js';
import { StatusMessage } from '../ui/StatusMessage.js';
import { Header } from './Header.js';
import { RequireAdmin, RequireAuth } from './RequireAuth.js';

// The player pulls in rrweb, the largest dependency, so it loads only when a replay is opened.
const PlayerPage = lazy(() => import('../player/PlayerPage.js'));

function SignedInLayout() {
  return (
    <RequireAuth>
      <div className="app">
        <Header />
        <Outlet />
      </div>
    </RequireAuth>
  );
}

function FeedRedirect() {
  const location = useLocation();
  return <Navigate to={`/replays${location.search}`} replace />;
}

function PlayerRoute() {
  return (
    <Suspense
      fallback={
        <main className="page page--center">
          <StatusMessage kind="loading" title="Loading the player…" />
        </main>
      }
    >
      <PlayerPage />
    </Suspense>
  );
}

function NotFoundPage() {
  return (
    <main className="page page--center">
      <StatusMessage kind="not-found" title="Page not found" testId="page-not-found">
        <a href="/replays">Go to the replay feed</a>
      </StatusMessage>
    </main>
  );
}

export function App() {
  return (
    <BrowserRouter>
      <AuthProvider>
        <Routes>
          <Route path="/login" element={<LoginPage />} />
          <Route path="/invite/:token" element={<InvitePage />} />
          <Route element={<SignedInLayout />}>
            <Route index element={<FeedRedirect />} />
            <Route path="/replays" element={<FeedPage />} />
            <Route path="/replays/:id" element={<PlayerRoute />} />
            <Route path="/users" element={<UsersRoute />} />
            <Route path="/users/:id" element={<UserRoute />} />
            <Route path="/reports/events" element={<EventReportRoute />} />
            <Route path="/reports/funnels" element={<FunnelReportRoute />} />
            <Route
              path="/settings/members"
              element={
                <RequireAdmin>
                  <TeamPage />
                </RequireAdmin>
              }
            />
            <Route path="/settings/project" element={<ProjectSettingsRoute />} />
            <Route path="/settings/deletion-requests" element={<DeletionRequestsRoute />} />
            <Route path="*" element={<NotFoundPage />} />
          </Route>
        </Routes>
      </AuthProvider>
    </BrowserRouter>
  );
}
