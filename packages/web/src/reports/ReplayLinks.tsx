import type { ReportReplay } from '@reprise/protocol';
import { useEffect, useRef } from 'react';
import { Link } from 'react-router-dom';
import { formatClock, formatDateTime } from '../format/time.js';
import { playerPath } from '../player/links.js';
import { StatusMessage } from '../ui/StatusMessage.js';
import type { ApiState } from '../ui/useApi.js';
import { userLabel } from '../users/user-links.js';

interface ReplayLinksProps {
  title: string;
  replays: ApiState<{ replays: ReportReplay[]; scannedEvents: number }>;
  projectId: string | undefined;
  onClose(): void;
}

/**
 * Renders the replays behind a point of a report. Each link opens the player 3 s before the
 * event, with the user's other replays beside it.
 */
export function ReplayLinks({ title, replays, projectId, onClose }: ReplayLinksProps) {
  const sectionRef = useRef<HTMLElement>(null);
  // The list opens below the chart or the funnel, often below the fold. The braces matter:
  // Chromium 156 returns a promise from scrollIntoView, which React would call as a cleanup.
  useEffect(() => {
    sectionRef.current?.scrollIntoView({ block: 'nearest' });
  }, [title]);

  return (
    <section
      ref={sectionRef}
      className="card replay-links"
      aria-label={title}
      data-testid="report-replays"
    >
      <div className="replay-links__heading">
        <h2 className="card__title">{title}</h2>
        <button type="button" className="button button--ghost" onClick={onClose}>
          Close
        </button>
      </div>
      {replays.status === 'loading' && <StatusMessage kind="loading" title="Finding replays…" />}
      {replays.status === 'error' && (
        <StatusMessage kind="error" title="Could not list replays">
          {replays.error}
        </StatusMessage>
      )}
      {replays.status === 'ready' && replays.data.replays.length === 0 && (
        <StatusMessage kind="empty" title="No replay recorded these events">
          {replays.data.scannedEvents} events were looked at; none fired while a replay recorded.
        </StatusMessage>
      )}
      {replays.status === 'ready' && replays.data.replays.length > 0 && (
        <ol className="replay-links__list">
          {replays.data.replays.map((replay) => (
            <li key={replay.replayId}>
              <Link
                className="replay-links__item"
                to={playerPath(replay.replayId, {
                  projectId,
                  userId: replay.userId || undefined,
                  offsetMs: replay.offsetMs,
                })}
                data-testid="report-replay"
                data-replay-id={replay.replayId}
                data-offset-ms={replay.offsetMs}
              >
                <span className="replay-links__user">
                  {userLabel({ id: replay.userId, name: replay.userName, email: replay.userEmail })}
                </span>
                <span className="replay-links__when">
                  {replay.eventName} at {formatDateTime(replay.eventAt)}
                </span>
                <span className="replay-links__offset">
                  opens at {formatClock(replay.offsetMs)}
                  {replay.linkedBy === 'time' ? ' (matched by time)' : ''}
                </span>
              </Link>
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
