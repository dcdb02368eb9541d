import { useCallback, useMemo } from 'react';
import { Link, useParams, useSearchParams } from 'react-router-dom';
import { getChunkEvents } from '../api/index.js';
import { projectSearch, useProjectId } from '../app/project.js';
import { displayUser } from '../format/user.js';
import { StatusMessage } from '../ui/StatusMessage.js';
import './player.css';
import { ReplayFacts } from './ReplayFacts.js';
import { ReplayPlayer } from './ReplayPlayer.js';
import { parseStartOffset, replayBounds, replayShareUrl } from './timeline.js';
import { useReplayData } from './useReplayData.js';

/** Renders the player screen, `/replays/:id?t=<ms from start>`. It loads lazily, with rrweb. */
export default function PlayerPage() {
  const { id = '' } = useParams();
  const projectId = useProjectId();
  const [searchParams] = useSearchParams();
  const [data, reload] = useReplayData(id, projectId);
  const chunks = data.kind === 'ready' ? data.chunks : null;

  const startAtMs = useMemo(() => {
    const bounds = chunks ? replayBounds(chunks) : null;
    const totalMs = bounds ? bounds.endMs - bounds.startMs : 0;
    // Read when the chunk list arrives and not on later `t` changes, which must not reload.
    return parseStartOffset(searchParams.get('t'), totalMs);
  }, [chunks]);
  const fetchChunk = useCallback(
    (seq: number, signal?: AbortSignal) => getChunkEvents(id, seq, projectId, signal),
    [id, projectId],
  );
  const shareUrl = useCallback(
    (positionMs: number) => replayShareUrl(window.location.origin, id, projectId, positionMs),
    [id, projectId],
  );

  return (
    <main className="page page--player" data-testid="player-page">
      <div className="page__heading">
        <Link to={`/replays${projectSearch(projectId)}`} className="back-link">
          ← Replays
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
        <div className="player-layout">
          {data.chunks.length === 0 ? (
            <StatusMessage
              kind="empty"
              title="This replay has no recorded data yet"
              testId="player-empty"
            >
              Its first upload may still be on the way. Reload in a few seconds.
            </StatusMessage>
          ) : (
            <ReplayPlayer
              chunks={data.chunks}
              fetchChunk={fetchChunk}
              startAtMs={startAtMs}
              shareUrl={shareUrl}
            />
          )}
          <ReplayFacts replay={data.summary} />
        </div>
      )}
    </main>
  );
}
