import type { ReactNode } from 'react';
import { Navigate, useLocation } from 'react-router-dom';
import { useAuth } from '../auth/AuthContext.js';
import { loginPath } from '../auth/next-path.js';
import { StatusMessage } from '../ui/StatusMessage.js';

/** Shows `children` to a logged-in member and sends anyone else to the login page. */
export function RequireAuth({ children }: { children: ReactNode }) {
  const { status, error, retry } = useAuth();
  const location = useLocation();

  if (status === 'loading') {
    return (
      <main className="page page--center">
        <StatusMessage kind="loading" title="Loading…" />
      </main>
    );
  }
  if (status === 'error') {
    return (
      <main className="page page--center">
        <StatusMessage kind="error" title="Could not check your session" onRetry={retry}>
          {error}
        </StatusMessage>
      </main>
    );
  }
  if (status === 'signed-out') {
    return <Navigate to={loginPath(`${location.pathname}${location.search}`)} replace />;
  }
  return children;
}

interface RequireAdminProps {
  children: ReactNode;
  /** Title shown to members in place of the page; defaults to the team page's. */
  deniedTitle?: string;
  /** Explanation under the title; defaults to the team page's. */
  deniedDetail?: string;
}

/** Shows `children` to admins only. Members get an explanation instead. */
export function RequireAdmin({
  children,
  deniedTitle = 'Only admins can manage the team',
  deniedDetail = 'Ask an admin of your Reprise team to add or remove teammates.',
}: RequireAdminProps) {
  const { session } = useAuth();
  if (session?.member.role !== 'admin') {
    return (
      <main className="page page--center">
        <StatusMessage kind="error" title={deniedTitle}>
          {deniedDetail}
        </StatusMessage>
      </main>
    );
  }
  return children;
}
