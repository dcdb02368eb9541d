import type { UserSummary } from '@reprise/protocol';
import { useEffect, useState, type FormEvent, type MouseEvent } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router-dom';
import { listUsers } from '../api/index.js';
import { projectSearch } from '../app/project.js';
import { formatDateTime, formatRelative } from '../format/time.js';
import { LoadMore } from '../ui/LoadMore.js';
import { StatusMessage } from '../ui/StatusMessage.js';
import { usePages } from '../ui/usePages.js';
import { useNow } from '../ui/useNow.js';
import { userLabel, userPath } from './user-links.js';
import './users.css';

const numberFormat = new Intl.NumberFormat();
const pageSize = 50;

/** Renders `/users`: users by last seen, searchable by name, email, user id or distinct id. */
export function UsersPage() {
  const [searchParams, setSearchParams] = useSearchParams();
  const projectId = searchParams.get('project') || undefined;
  const q = searchParams.get('q') ?? '';
  const [text, setText] = useState(q);
  useEffect(() => setText(q), [q]);

  const users = usePages<UserSummary>(`${projectId ?? ''}\n${q}`, (cursor, signal) =>
    listUsers({ project: projectId, q: q || undefined, limit: pageSize, cursor }, signal).then(
      (page) => ({ items: page.users, nextCursor: page.nextCursor }),
    ),
  );

  const search = (event: FormEvent) => {
    event.preventDefault();
    const next = new URLSearchParams();
    if (projectId) next.set('project', projectId);
    if (text.trim()) next.set('q', text.trim());
    setSearchParams(next);
  };

  return (
    <main className="page" data-testid="users-page">
      <div className="page__heading">
        <h1 className="page__title">Users</h1>
      </div>
      <form className="filters" role="search" onSubmit={search}>
        <label className="filters__search">
          <span className="visually-hidden">Search users</span>
          <input
            className="input"
            type="search"
            placeholder="Search by name or email (any part), or a whole user id or distinct id"
            value={text}
            onChange={(event) => setText(event.target.value)}
            data-testid="users-search"
          />
        </label>
        <button type="submit" className="button" data-testid="users-search-submit">
          Search
        </button>
      </form>
      {users.status === 'loading' && <StatusMessage kind="loading" title="Loading users…" />}
      {users.status === 'error' && (
        <StatusMessage kind="error" title="Could not load users" onRetry={users.reload}>
          {users.error}
        </StatusMessage>
      )}
      {users.status === 'ready' && users.items.length === 0 && (
        <StatusMessage kind="empty" title={q ? 'No users match' : 'No users yet'}>
          {q
            ? 'Try part of a name or email, or a whole user id.'
            : 'Users appear here with their first analytics event.'}
        </StatusMessage>
      )}
      {users.items.length > 0 && <UserTable users={users.items} projectId={projectId} />}
      <LoadMore list={users} testId="users-load-more" />
    </main>
  );
}

function UserTable({ users, projectId }: { users: UserSummary[]; projectId?: string }) {
  const now = useNow(30_000);
  const navigate = useNavigate();
  const openRow = (event: MouseEvent, user: UserSummary) => {
    // The name cell contains a real link (keyboard, middle click, new tab), which navigates itself.
    if ((event.target as Element).closest('a')) return;
    navigate(`${userPath(user.id)}${projectSearch(projectId)}`);
  };
  return (
    <table className="data-table users-table" data-testid="users-table">
      <thead>
        <tr>
          <th scope="col">User</th>
          <th scope="col">Email</th>
          <th scope="col">Last seen</th>
          <th scope="col">First seen</th>
          <th scope="col" className="numeric">
            Events
          </th>
          <th scope="col" className="numeric">
            Replays
          </th>
        </tr>
      </thead>
      <tbody>
        {users.map((user) => (
          <tr
            key={user.id}
            className="users-table__row"
            onClick={(event) => openRow(event, user)}
            data-testid="user-row"
            data-user-id={user.id}
          >
            <td className="data-table__ellipsis">
              <Link
                to={`${userPath(user.id)}${projectSearch(projectId)}`}
                className="users-table__name"
              >
                {userLabel(user)}
              </Link>
              {user.name && <span className="users-table__id">{user.id}</span>}
            </td>
            <td className="data-table__ellipsis">{user.email ?? '–'}</td>
            <td title={formatDateTime(user.lastSeenAt)}>{formatRelative(user.lastSeenAt, now)}</td>
            <td title={formatDateTime(user.firstSeenAt)}>
              {formatRelative(user.firstSeenAt, now)}
            </td>
            <td className="numeric">{numberFormat.format(user.eventCount)}</td>
            <td className="numeric">{numberFormat.format(user.replayCount)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
