import { useEffect, useState } from 'react';
import { BrowserRouter, Navigate, Outlet, Route, Routes, useLocation } from 'react-router-dom';
import { AuthProvider } from '../auth/AuthContext.js';
import { InvitePage } from '../auth/InvitePage.js';
import { LoginPage } from '../auth/LoginPage.js';
import { FeedPage } from '../feed/FeedPage.js';
import { DeletionRequestsRoute, ProjectSettingsRoute } from '../lifecycle/routes.js';
import { EventReportRoute, FunnelReportRoute, UserRoute, UsersRoute } from '../reports/routes.js';
import { TeamPage } from '../team/TeamPage.js';
import { StatusMessage } from '../ui/StatusMessage.js';
import type * as PlayerPageModule from '../player/PlayerPage.js';
import { Header } from './Header.js';
import { RequireAdmin, RequireAuth } from './RequireAuth.js';

type PlayerModule = typeof PlayerPageModule;
let playerModule: Promise<PlayerModule> | null = null;
/** The player's code once loaded, so that the player route renders it without waiting. */
let loadedPlayerModule: PlayerModule | null = null;

/**
 * Starts loading the player's code, which pulls in rrweb, the largest dependency. It loads
 * apart from the rest of the app. The app starts it at once on a player page, and signed-in
 * pages start it in the background so that a replay opens without waiting for it. A failed
 * load is tried again on the next call.
 */
export function loadPlayer(): Promise<PlayerModule> {
  playerModule ??= import('../player/PlayerPage.js').then(
    (loaded) => {
      loadedPlayerModule = loaded;
      return loaded;
    },
    (error: unknown) => {
      playerModule = null;
      throw error;
    },
  );
  return playerModule;
}

function SignedInLayout() {
  useEffect(() => {
    const timer = setTimeout(() => void loadPlayer().catch(() => undefined), 0);
    return () => clearTimeout(timer);
  }, []);
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

/**
 * Shows the player once its code is in. It renders its own loading state rather than a
 * Suspense fallback, because React delays content that replaces a fallback by at least 300 ms.
 */
function PlayerRoute() {
  const [module, setModule] = useState<PlayerModule | null>(loadedPlayerModule);
  const [failed, setFailed] = useState(false);
  useEffect(() => {
    if (module) return;
    let current = true;
    loadPlayer().then(
      (loaded) => current && setModule(loaded),
      () => current && setFailed(true),
    );
    return () => {
      current = false;
    };
  }, []);
  if (module) return <module.default />;
  return (
    <main className="page page--center">
      {failed ? (
        <StatusMessage kind="error" title="The player could not be loaded. Reload the page." />
      ) : (
        <StatusMessage kind="loading" title="Loading the player…" />
      )}
    </main>
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
