import { formatClock } from '../format/time.js';
import { CopyButton } from '../ui/CopyButton.js';
import { playbackSpeeds } from './replayer-factory.js';
import type { PlayerState } from './replay-session.js';
import type { TimelineMarker } from './timeline.js';
import { Timeline } from './Timeline.js';

interface PlayerControlsProps {
  state: PlayerState;
  /** Timeline markers: rrweb's clicks and page loads, and any others. */
  markers: TimelineMarker[];
  isFullscreen: boolean;
  onTogglePlay(): void;
  onSeek(positionMs: number): void;
  onSpeed(speed: number): void;
  onSkipInactive(skip: boolean): void;
  onToggleFullscreen(): void;
  /** Returns the link to the current position, at the moment of the click. */
  shareUrl(): string;
  onCopyFailure(url: string): void;
}

function playButtonLabel(state: PlayerState): string {
  if (state.playing) return 'Pause';
  if (state.ended) return 'Replay';
  return 'Play';
}

export function PlayerControls(props: PlayerControlsProps) {
  const { state } = props;
  const disabled = state.phase !== 'ready';
  const playLabel = playButtonLabel(state);

  return (
    <div className="controls" data-testid="player-controls">
      <Timeline
        currentMs={state.currentMs}
        totalMs={state.totalMs}
        markers={props.markers}
        onSeek={props.onSeek}
      />
      <div className="controls__row">
        <button
          type="button"
          className="button button--icon controls__play"
          onClick={props.onTogglePlay}
          disabled={disabled}
          aria-label={`${playLabel} (space bar)`}
          title={`${playLabel} (space bar)`}
          data-testid="player-play"
          data-state={state.playing ? 'playing' : 'paused'}
        >
          <span aria-hidden="true" className={state.playing ? 'icon-pause' : 'icon-play'} />
        </button>
        <span className="controls__time">
          <span data-testid="player-current-time">{formatClock(state.currentMs)}</span>
          {' / '}
          <span data-testid="player-total-time">{formatClock(state.totalMs)}</span>
        </span>
        {state.skipping && <span className="controls__badge">Skipping inactivity</span>}
        <span className="controls__spacer" />
        <label className="controls__option">
          <span>Speed</span>
          <select
            className="select select--compact"
            value={state.speed}
            onChange={(event) => props.onSpeed(Number(event.target.value))}
            data-testid="player-speed"
          >
            {playbackSpeeds.map((speed) => (
              <option key={speed} value={speed}>
                {speed}x
              </option>
            ))}
          </select>
        </label>
        <label className="controls__option">
          <input
            type="checkbox"
            checked={state.skipInactive}
            onChange={(event) => props.onSkipInactive(event.target.checked)}
            data-testid="player-skip-inactive"
          />
          <span>Skip inactivity</span>
        </label>
        <CopyButton
          text={props.shareUrl}
          label="Copy link"
          className="button button--ghost"
          testId="player-copy-link"
          onFailure={props.onCopyFailure}
        />
        <button
          type="button"
          className="button button--ghost"
          onClick={props.onToggleFullscreen}
          data-testid="player-fullscreen"
          aria-pressed={props.isFullscreen}
        >
          {props.isFullscreen ? 'Exit full screen' : 'Full screen'}
        </button>
      </div>
    </div>
  );
}
