import type { ReplaySummary } from '@reprise/protocol';
import type { MouseEvent } from 'react';
import { Link, useNavigate } from 'react-router-dom';
import { formatDateTime, formatDuration, formatRelative } from '../format/time.js';
import { displayUser, displayUserDetail } from '../format/user.js';
import { useNow } from '../ui/useNow.js';

const numberFormat = new Intl.NumberFormat();

interface ReplayTableProps {
  replays: ReplaySummary[];
  /** Builds the player URL of a replay, keeping the current project. */
  playerPath(replay: ReplaySummary): string;
}

export function ReplayTable({ replays, playerPath }: ReplayTableProps) {
  const now = useNow(30_000);
  const navigate = useNavigate();

  const openRow = (event: MouseEvent, replay: ReplaySummary) => {
    // The user cell contains a real link (keyboard, middle click, new tab), which navigates itself.
    if ((event.target as Element).closest('a')) return;
    navigate(playerPath(replay));
  };

  return (
    <table className="replay-table" data-testid="replay-table">
      <thead>
        <tr>
          <th scope="col">User</th>
          <th scope="col">Started</th>
          <th scope="col" className="numeric">
            Duration
          </th>
          <th scope="col" className="numeric">
            Active
          </th>
          <th scope="col">First URL</th>
          <th scope="col" className="numeric">
            Clicks
          </th>
          <th scope="col" className="numeric" title="Analytics events linked to the replay">
            Events
          </th>
          <th scope="col" className="numeric" title="rrweb events: DOM changes, input, scrolls">
            rrweb events
          </th>
        </tr>
      </thead>
      <tbody>
        {replays.map((replay) => (
          <ReplayRow
            key={replay.id}
            replay={replay}
            now={now}
            href={playerPath(replay)}
            onOpen={openRow}
          />
        ))}
      </tbody>
    </table>
  );
}

interface ReplayRowProps {
  replay: ReplaySummary;
  now: number;
  href: string;
  onOpen(event: MouseEvent, replay: ReplaySummary): void;
}

function ReplayRow({ replay, now, href, onOpen }: ReplayRowProps) {
  const detail = displayUserDetail(replay);
  return (
    <tr
      className="replay-row"
      onClick={(event) => onOpen(event, replay)}
      data-testid="replay-row"
      data-replay-id={replay.id}
    >
      <td className="replay-row__user">
        <Link to={href} className="replay-row__name" data-testid="replay-row-link">
          {displayUser(replay)}
        </Link>
        {detail && <span className="replay-row__detail">{detail}</span>}
      </td>
      <td>
        <time
          dateTime={new Date(replay.startedAt).toISOString()}
          title={formatDateTime(replay.startedAt)}
        >
          {formatRelative(replay.startedAt, now)}
        </time>
      </td>
      <td className="numeric">{formatDuration(replay.durationMs)}</td>
      <td className="numeric">{formatDuration(replay.activeMs)}</td>
      <td className="replay-row__url" title={replay.firstUrl ?? undefined}>
        {replay.firstUrl ?? '–'}
      </td>
      <td className="numeric">{numberFormat.format(replay.clickCount)}</td>
      <td className="numeric" data-testid="replay-row-analytics-events">
        {numberFormat.format(replay.analyticsEventCount)}
      </td>
      <td className="numeric">{numberFormat.format(replay.eventCount)}</td>
    </tr>
  );
}
