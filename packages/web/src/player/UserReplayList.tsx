import type { ReplaySummary } from '@reprise/protocol';
import { Link } from 'react-router-dom';
import { listUserReplays } from '../api/index.js';
import { formatDuration, formatRelative } from '../format/time.js';
import { useApi } from '../ui/useApi.js';
import { useNow } from '../ui/useNow.js';

/** Replays listed beside the player, newest first. */
const listLimit = 100;

interface UserReplayListProps {
  userId: string;
  projectId: string | undefined;
  currentReplayId: string;
  /** Builds the player link of a replay, keeping the user and the project. */
  playerPath(replay: ReplaySummary): string;
}

/** Renders a feed of one user's replays beside the player, with the open one highlighted. */
export function UserReplayList({
  userId,
  projectId,
  currentReplayId,
  playerPath,
}: UserReplayListProps) {
  const now = useNow(30_000);
  const [replays] = useApi(`${projectId ?? ''}\n${userId}`, (signal) =>
    listUserReplays(userId, { project: projectId, limit: listLimit }, signal),
  );

  return (
    <aside className="user-replays" aria-label="Replays of this user" data-testid="user-replays">
      <h2 className="user-replays__title">Replays of this user</h2>
      {replays.status === 'loading' && <p className="event-list__note">Loading replays…</p>}
      {replays.status === 'error' && (
        <p className="event-list__note" role="alert">
          {replays.error}
        </p>
      )}
      {replays.status === 'ready' && (
        <ol className="user-replays__list">
          {replays.data.replays.map((replay) => (
            <li key={replay.id}>
              <Link
                to={playerPath(replay)}
                className={
                  replay.id === currentReplayId
                    ? 'user-replays__item user-replays__item--current'
                    : 'user-replays__item'
                }
                aria-current={replay.id === currentReplayId ? 'page' : undefined}
                data-testid="user-replay"
                data-replay-id={replay.id}
              >
                <span className="user-replays__when">{formatRelative(replay.startedAt, now)}</span>
                <span className="user-replays__facts">
                  {formatDuration(replay.durationMs)} · {replay.analyticsEventCount} events
                </span>
                <span className="user-replays__url">{replay.firstUrl ?? '–'}</span>
              </Link>
            </li>
          ))}
        </ol>
      )}
      {replays.status === 'ready' && replays.data.nextCursor && (
        <p className="event-list__note">Showing the newest {listLimit} replays.</p>
      )}
    </aside>
  );
}
