import type { ChunkInfo } from '@reprise/protocol';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { StatusMessage } from '../ui/StatusMessage.js';
import { PlayerControls } from './PlayerControls.js';
import { ReplaySession } from './replay-session.js';
import { fitScale } from './scale.js';
import { usePlayerKeys, useElementSize, useFullscreen, usePlayerState } from './player-hooks.js';
import type { TimelineMarker } from './timeline.js';

interface ReplayPlayerProps {
  chunks: ChunkInfo[];
  fetchChunk(seq: number, signal?: AbortSignal): Promise<unknown>;
  startAtMs: number;
  /** Builds the share link for a position in ms from the start. */
  shareUrl(positionMs: number): string;
  /** Markers shown with rrweb's own, for example analytics events; memoize the list. */
  extraMarkers?: TimelineMarker[];
  /** Called with the session when it starts, and with null when it ends. */
  onSession?(session: ReplaySession | null): void;
}

const noMarkers: TimelineMarker[] = [];

/** Renders the replay area with its controls, and owns one ReplaySession while mounted. */
export function ReplayPlayer({
  chunks,
  fetchChunk,
  startAtMs,
  shareUrl,
  extraMarkers = noMarkers,
  onSession,
}: ReplayPlayerProps) {
  const containerRef = useRef<HTMLDivElement>(null);
  const stageRef = useRef<HTMLDivElement>(null);
  const mountRef = useRef<HTMLDivElement>(null);
  const [session, setSession] = useState<ReplaySession | null>(null);
  const [manualCopyUrl, setManualCopyUrl] = useState<string | null>(null);
  const state = usePlayerState(session);
  const stageSize = useElementSize(stageRef);
  const [isFullscreen, toggleFullscreen] = useFullscreen(containerRef);

  useEffect(() => {
    const mount = mountRef.current;
    if (!mount) return;
    const created = new ReplaySession({ mount, chunks, fetchChunk, startAtMs, autoplay: true });
    setSession(created);
    onSession?.(created);
    return () => {
      created.destroy();
      setSession(null);
      onSession?.(null);
    };
    // The session reads the start position once: a new `t` must not reload the replay.
  }, [chunks, fetchChunk]);

  const togglePlay = useCallback(() => session?.togglePlay(), [session]);
  const seekBy = useCallback(
    (deltaMs: number) => session && session.seek(session.positionMs() + deltaMs),
    [session],
  );
  usePlayerKeys({ togglePlay, seekBy });

  const rrwebMarkers = state?.markers ?? noMarkers;
  const markers = useMemo(
    () => (extraMarkers.length === 0 ? rrwebMarkers : [...rrwebMarkers, ...extraMarkers]),
    [rrwebMarkers, extraMarkers],
  );

  const viewport = state?.viewport ?? null;
  const scale = viewport ? fitScale(stageSize, viewport) : 1;
  const frameStyle = viewport
    ? { width: viewport.width * scale, height: viewport.height * scale }
    : undefined;

  return (
    <div
      className={isFullscreen ? 'player player--fullscreen' : 'player'}
      ref={containerRef}
      data-testid="player-container"
      data-phase={state?.phase ?? 'loading'}
      data-complete={state?.complete ? 'true' : 'false'}
    >
      <div
        className="player__stage"
        ref={stageRef}
        onClick={() => state?.phase === 'ready' && togglePlay()}
      >
        <div className="player__frame" style={frameStyle} data-testid="player-frame">
          <div
            className="player__mount"
            ref={mountRef}
            style={{ transform: `scale(${scale})` }}
            data-scale={scale.toFixed(4)}
          />
        </div>
        <PlayerOverlay state={state} />
      </div>
      {state?.chunksFailed ? (
        <p className="player__notice" role="status" data-testid="player-chunks-failed">
          {state.chunksFailed} of {state.chunksTotal} parts of this replay could not be loaded, so
          some changes on the page may be missing.
        </p>
      ) : null}
      {manualCopyUrl && (
        <div className="player__manual-copy" role="status">
          <span>The browser blocked the clipboard. Copy the link:</span>
          <input
            className="input input--mono"
            readOnly
            autoFocus
            value={manualCopyUrl}
            onFocus={(event) => event.target.select()}
            data-testid="player-share-url"
          />
          <button
            type="button"
            className="button button--ghost"
            onClick={() => setManualCopyUrl(null)}
          >
            Close
          </button>
        </div>
      )}
      {state && (
        <PlayerControls
          state={state}
          markers={markers}
          isFullscreen={isFullscreen}
          onTogglePlay={togglePlay}
          onSeek={(positionMs) => session?.seek(positionMs)}
          onSpeed={(speed) => session?.setSpeed(speed)}
          onSkipInactive={(skip) => session?.setSkipInactive(skip)}
          onToggleFullscreen={toggleFullscreen}
          shareUrl={() => shareUrl(session?.positionMs() ?? 0)}
          onCopyFailure={setManualCopyUrl}
        />
      )}
    </div>
  );
}

function PlayerOverlay({ state }: { state: ReturnType<typeof usePlayerState> }) {
  if (!state || state.phase === 'loading') {
    const progress = state ? `${state.chunksLoaded} of ${state.chunksTotal} parts loaded` : null;
    return (
      <div className="player__overlay">
        <StatusMessage kind="loading" title="Loading the replay…" testId="player-loading">
          {progress}
        </StatusMessage>
      </div>
    );
  }
  if (state.phase === 'error') {
    return (
      <div className="player__overlay">
        <StatusMessage kind="error" title="This replay cannot be played" testId="player-error">
          {state.error}
        </StatusMessage>
      </div>
    );
  }
  if (state.buffering) {
    return (
      <div className="player__badge" role="status" data-testid="player-buffering">
        <span className="spinner spinner--small" aria-hidden="true" /> Loading more of the replay…
      </div>
    );
  }
  return null;
}
