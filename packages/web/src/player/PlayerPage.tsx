import type { ChunkInfo, ReplaySummary } from '@reprise/protocol';
import { useCallback, useMemo, useState } from 'react';
import { Link, useParams, useSearchParams } from 'react-router-dom';
import { getChunkEvents, getReplayAnalyticsEvents } from '../api/index.js';
import { projectSearch, useProjectId } from '../app/project.js';
import { displayUser } from '../format/user.js';
import { StatusMessage } from '../ui/StatusMessage.js';
import { useApi } from '../ui/useApi.js';
import './player.css';
import './panels.css';
import { playerPath } from './links.js';
import { ReplayEventList } from './ReplayEventList.js';
import { ReplayFacts } from './ReplayFacts.js';
import { ReplayPlayer } from './ReplayPlayer.js';
import { takeChunk } from './replay-prefetch.js';
import type { ReplaySession } from './replay-session.js';
import {
  parseStartPosition,
  replayBounds,
  replayShareUrl,
  type TimelineMarker,
} from './timeline.js';
import { useReplayData } from './useReplayData.js';
import { UserReplayList } from './UserReplayList.js';

/**
 * Renders the player screen, `/replays/:id?t=<ms from start>` or `?at=<Unix ms>` (opens 3 s
 * before that moment), with `&user=<id>` for a list of that user's replays beside it. It
 * loads lazily, with rrweb.
 */
export default function PlayerPage() {
  const { id = '' } = useParams();
  const projectId = useProjectId();
  const [searchParams] = useSearchParams();
  const userId = searchParams.get('user') || undefined;
  const [data, reload] = useReplayData(id, projectId);
  const chunks = data.kind === 'ready' ? data.chunks : null;
  const [session, setSession] = useState<ReplaySession | null>(null);
  const [tab, setTab] = useState<SideTabName>('events');

  const bounds = useMemo(() => (chunks ? replayBounds(chunks) : null), [chunks]);
  // Read when the chunk list arrives and not on later changes, which must not reload.
  const startAtMs = useMemo(() => parseStartPosition(searchParams, bounds), [bounds]);
  const fetchChunk = useCallback(
    (seq: number, signal?: AbortSignal) =>
      takeChunk(id, projectId, seq, () => getChunkEvents(id, seq, projectId, { signal })),
    [id, projectId],
  );
  const shareUrl = useCallback(
    (positionMs: number) => replayShareUrl(window.location.origin, id, projectId, positionMs),
    [id, projectId],
  );
  const [analytics] = useApi(`${projectId ?? ''}\n${id}`, (signal) =>
    getReplayAnalyticsEvents(id, projectId, signal).then((body) => body.events),
  );
  const startMs = bounds?.startMs ?? 0;
  const eventMarkers = useMemo(() => analyticsMarkers(analytics, startMs), [analytics, startMs]);
  const linkToReplay = useCallback(
    (replay: ReplaySummary) => playerPath(replay.id, { projectId, userId }),
    [projectId, userId],
  );

  const backPath = userId
    ? `/users/${encodeURIComponent(userId)}${projectSearch(projectId)}`
    : `/replays${projectSearch(projectId)}`;
  return (
    <main className="page page--player" data-testid="player-page">
      <div className="page__heading">
        <Link to={backPath} className="back-link">
          {userId ? '← User' : '← Replays'}
        </Link>
        <h1 className="page__title">
          {data.kind === 'ready' ? displayUser(data.summary) : 'Replay'}
        </h1>
      </div>
      {data.kind === 'loading' && <StatusMessage kind="loading" title="Loading the replay…" />}
      {data.kind === 'not-found' && (
        <StatusMessage kind="not-found" title="Replay not found" testId="player-not-found">
          It may have passed its retention period, been deleted, or belong to another project.
        </StatusMessage>
      )}
      {data.kind === 'error' && (
        <StatusMessage
          kind="error"
          title="Could not load the replay"
          onRetry={reload}
          testId="player-load-error"
        >
          {data.message}
        </StatusMessage>
      )}
      {data.kind === 'ready' && (
        <div className={userId ? 'player-layout player-layout--with-user' : 'player-layout'}>
          {userId && (
            <UserReplayList
              userId={userId}
              projectId={projectId}
              currentReplayId={id}
              playerPath={linkToReplay}
            />
          )}
          <PlayerArea
            chunks={data.chunks}
            fetchChunk={fetchChunk}
            startAtMs={startAtMs}
            shareUrl={shareUrl}
            markers={eventMarkers}
            onSession={setSession}
          />
          <aside className="side-panel" aria-label="Replay events and details">
            <div className="tabs" role="tablist">
              <SideTab current={tab} value="events" label="Events" onSelect={setTab} />
              <SideTab current={tab} value="details" label="Details" onSelect={setTab} />
            </div>
            <div className="side-panel__body">
              {tab === 'events' ? (
                <ReplayEventList events={analytics} startMs={startMs} session={session} />
              ) : (
                <ReplayFacts replay={data.summary} />
              )}
            </div>
          </aside>
        </div>
      )}
    </main>
  );
}

function analyticsMarkers(
  analytics: ReturnType<typeof useApi<Array<{ time: number; name: string }>>>[0],
  startMs: number,
): TimelineMarker[] {
  if (analytics.status !== 'ready') return [];
  return analytics.data.map((event) => ({
    kind: 'event',
    atMs: Math.max(0, event.time - startMs),
    label: event.name,
  }));
}

function PlayerArea(props: {
  chunks: ChunkInfo[];
  fetchChunk(seq: number, signal?: AbortSignal): Promise<unknown>;
  startAtMs: number;
  shareUrl(positionMs: number): string;
  markers: TimelineMarker[];
  onSession(session: ReplaySession | null): void;
}) {
  if (props.chunks.length === 0) {
    return (
      <StatusMessage
        kind="empty"
        title="This replay has no recorded data yet"
        testId="player-empty"
      >
        Its first upload may still be on the way. Reload in a few seconds.
      </StatusMessage>
    );
  }
  return (
    <ReplayPlayer
      chunks={props.chunks}
      fetchChunk={props.fetchChunk}
      startAtMs={props.startAtMs}
      shareUrl={props.shareUrl}
      extraMarkers={props.markers}
      onSession={props.onSession}
    />
  );
}

type SideTabName = 'events' | 'details';

function SideTab(props: {
  current: SideTabName;
  value: SideTabName;
  label: string;
  onSelect(value: SideTabName): void;
}) {
  const selected = props.current === props.value;
  return (
    <button
      type="button"
      role="tab"
      aria-selected={selected}
      className={selected ? 'tabs__tab tabs__tab--current' : 'tabs__tab'}
      onClick={() => props.onSelect(props.value)}
      data-testid={`player-tab-${props.value}`}
    >
      {props.label}
    </button>
  );
}
