import type { AnalyticsEvent, ReplaySummary, UserProfile } from '@reprise/protocol';
import { useEffect, useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router-dom';
import { getUser, listUserEvents, listUserReplays } from '../api/index.js';
import { projectSearch, useProjectId } from '../app/project.js';
import { formatDateTime, formatDuration, formatRelative } from '../format/time.js';
import { playerPath } from '../player/links.js';
import { LoadMore } from '../ui/LoadMore.js';
import { StatusMessage } from '../ui/StatusMessage.js';
import { useApi } from '../ui/useApi.js';
import { usePages } from '../ui/usePages.js';
import { useNow } from '../ui/useNow.js';
import { userLabel, userPath } from './user-links.js';
import './users.css';

const numberFormat = new Intl.NumberFormat();

/** Renders `/users/:id`: a user's profile, recent events and replays. */
export function UserProfilePage() {
  const { id = '' } = useParams();
  const projectId = useProjectId();
  const navigate = useNavigate();
  const [profile, reload] = useApi(`${projectId ?? ''}\n${id}`, (signal) =>
    getUser(id, projectId, signal),
  );

  // A device id or `$device:` id opens its user's page, under the user's own id.
  const canonicalId = profile.status === 'ready' ? profile.data.id : null;
  useEffect(() => {
    if (canonicalId !== null && canonicalId !== id) {
      navigate(`${userPath(canonicalId)}${projectSearch(projectId)}`, { replace: true });
    }
  }, [canonicalId, id, projectId, navigate]);

  return (
    <main className="page" data-testid="user-page">
      <div className="page__heading">
        <Link to={`/users${projectSearch(projectId)}`} className="back-link">
          ← Users
        </Link>
        <h1 className="page__title" data-testid="user-title">
          {profile.status === 'ready' ? userLabel(profile.data) : 'User'}
        </h1>
      </div>
      {profile.status === 'loading' && <StatusMessage kind="loading" title="Loading the user…" />}
      {profile.status === 'error' && (
        <StatusMessage kind="error" title="Could not load the user" onRetry={reload}>
          {profile.error}
        </StatusMessage>
      )}
      {profile.status === 'ready' && profile.data.id === id && (
        <UserDetails profile={profile.data} projectId={projectId} />
      )}
    </main>
  );
}

function UserDetails({ profile, projectId }: { profile: UserProfile; projectId?: string }) {
  const [replays] = useApi(`${projectId ?? ''}\n${profile.id}`, (signal) =>
    listUserReplays(profile.id, { project: projectId, limit: 10 }, signal),
  );
  const newest = replays.status === 'ready' ? replays.data.replays[0] : undefined;

  return (
    <>
      <div className="profile-actions">
        {newest ? (
          <Link
            to={playerPath(newest.id, { projectId, userId: profile.id })}
            className="button button--primary"
            data-testid="user-view-replays"
          >
            View replays
          </Link>
        ) : (
          <button type="button" className="button" disabled data-testid="user-view-replays">
            {replays.status === 'loading' ? 'Loading replays…' : 'No replays'}
          </button>
        )}
      </div>
      <div className="profile-grid">
        <section className="card">
          <h2 className="card__title">Profile</h2>
          <ProfileFacts profile={profile} />
        </section>
        <section className="card">
          <h2 className="card__title">Properties</h2>
          <PropertyTable properties={profile.properties} />
        </section>
      </div>
      <section className="card">
        <h2 className="card__title">Replays</h2>
        {replays.status === 'error' && <p className="form-error">{replays.error}</p>}
        {replays.status === 'ready' && (
          <UserReplays replays={replays.data.replays} userId={profile.id} projectId={projectId} />
        )}
      </section>
      <section className="card">
        <h2 className="card__title">Recent events</h2>
        <UserEvents userId={profile.id} projectId={projectId} />
      </section>
    </>
  );
}

function ProfileFacts({ profile }: { profile: UserProfile }) {
  const facts: Array<[string, string]> = [
    ['Email', profile.email ?? '–'],
    ['User id', profile.id],
    ['First seen', formatDateTime(profile.firstSeenAt)],
    ['Last seen', formatDateTime(profile.lastSeenAt)],
    ['Events', numberFormat.format(profile.eventCount)],
    ['Replays', numberFormat.format(profile.replayCount)],
    ['Sessions', numberFormat.format(profile.sessionCount)],
    ['Devices', profile.deviceIds.join(', ') || '–'],
  ];
  return (
    <dl className="profile-facts" data-testid="user-facts">
      {facts.map(([label, value]) => (
        <div key={label} className="profile-facts__item">
          <dt>{label}</dt>
          <dd>{value}</dd>
        </div>
      ))}
    </dl>
  );
}

function PropertyTable({ properties }: { properties: Record<string, unknown> }) {
  const entries = Object.entries(properties).sort(([a], [b]) => a.localeCompare(b));
  if (entries.length === 0) return <p className="muted">No profile properties were set.</p>;
  return (
    <table className="data-table data-table--compact" data-testid="user-properties">
      <tbody>
        {entries.map(([name, value]) => (
          <tr key={name}>
            <th scope="row">{name}</th>
            <td className="data-table__wrap">
              <PropertyValue text={typeof value === 'string' ? value : JSON.stringify(value)} />
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** Characters of a property value shown before "Show all". */
const shownValueLength = 500;

/** Shows a property value, cut after `shownValueLength` characters until the reader asks for all. */
function PropertyValue({ text }: { text: string }) {
  const [isExpanded, setExpanded] = useState(false);
  if (text.length <= shownValueLength || isExpanded) return <>{text}</>;
  const hidden = text.length - shownValueLength;
  return (
    <>
      {text.slice(0, shownValueLength)}…{' '}
      <button type="button" className="button button--ghost" onClick={() => setExpanded(true)}>
        Show all ({hidden.toLocaleString()} more characters)
      </button>
    </>
  );
}

function UserReplays(props: { replays: ReplaySummary[]; userId: string; projectId?: string }) {
  const now = useNow(30_000);
  if (props.replays.length === 0) return <p className="muted">No replays of this user.</p>;
  return (
    <table className="data-table" data-testid="user-replay-table">
      <thead>
        <tr>
          <th scope="col">Started</th>
          <th scope="col">Duration</th>
          <th scope="col">First URL</th>
          <th scope="col" className="numeric">
            Events
          </th>
        </tr>
      </thead>
      <tbody>
        {props.replays.map((replay) => (
          <tr key={replay.id}>
            <td>
              <Link
                to={playerPath(replay.id, { projectId: props.projectId, userId: props.userId })}
                title={formatDateTime(replay.startedAt)}
              >
                {formatRelative(replay.startedAt, now)}
              </Link>
            </td>
            <td>{formatDuration(replay.durationMs)}</td>
            <td className="data-table__ellipsis">{replay.firstUrl ?? '–'}</td>
            <td className="numeric">{numberFormat.format(replay.analyticsEventCount)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function UserEvents({ userId, projectId }: { userId: string; projectId?: string }) {
  const events = usePages<AnalyticsEvent>(`${projectId ?? ''}\n${userId}`, (cursor, signal) =>
    listUserEvents(userId, { project: projectId, limit: 50, cursor }, signal).then((page) => ({
      items: page.events,
      nextCursor: page.nextCursor,
    })),
  );
  if (events.status === 'loading') return <p className="muted">Loading events…</p>;
  if (events.status === 'error') return <p className="form-error">{events.error}</p>;
  if (events.items.length === 0) return <p className="muted">No events.</p>;
  return (
    <>
      <table className="data-table" data-testid="user-event-table">
        <thead>
          <tr>
            <th scope="col">Time</th>
            <th scope="col">Event</th>
            <th scope="col">URL</th>
            <th scope="col">Replay</th>
          </tr>
        </thead>
        <tbody>
          {events.items.map((event) => (
            <tr key={event.insertId} data-testid="user-event" data-event-name={event.name}>
              <td>{formatDateTime(event.time)}</td>
              <td>{event.name}</td>
              <td className="data-table__ellipsis">{event.currentUrl ?? '–'}</td>
              <td>
                {event.replayId ? (
                  <Link
                    to={playerPath(event.replayId, { projectId, userId, atMs: event.time })}
                    data-testid="user-event-watch"
                  >
                    Watch
                  </Link>
                ) : (
                  '–'
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <LoadMore list={events} testId="user-events-load-more" />
    </>
  );
}
