import { memo, useRef, useState, type KeyboardEvent, type PointerEvent } from 'react';
import { formatClock } from '../format/time.js';
import type { TimelineMarker } from './timeline.js';

interface TimelineProps {
  currentMs: number;
  totalMs: number;
  markers: TimelineMarker[];
  onSeek(positionMs: number): void;
}

/** Step of the arrow keys on the timeline, ms. */
const keyStepMs = 5000;

/** Renders the scrubbable progress bar: a click or a drag seeks, and arrow keys step 5 s. */
export function Timeline({ currentMs, totalMs, markers, onSeek }: TimelineProps) {
  const trackRef = useRef<HTMLDivElement>(null);
  const [dragMs, setDragMs] = useState<number | null>(null);
  const [hoverMs, setHoverMs] = useState<number | null>(null);

  const positionAt = (clientX: number): number => {
    const track = trackRef.current;
    if (!track || totalMs <= 0) return 0;
    const rect = track.getBoundingClientRect();
    const fraction = Math.min(Math.max((clientX - rect.left) / rect.width, 0), 1);
    return Math.round(fraction * totalMs);
  };

  const startDrag = (event: PointerEvent<HTMLDivElement>) => {
    if (event.button !== 0) return;
    event.currentTarget.setPointerCapture(event.pointerId);
    setDragMs(positionAt(event.clientX));
  };
  const moveDrag = (event: PointerEvent<HTMLDivElement>) => {
    const position = positionAt(event.clientX);
    setHoverMs(position);
    if (dragMs !== null) setDragMs(position);
  };
  const endDrag = (event: PointerEvent<HTMLDivElement>) => {
    if (dragMs === null) return;
    setDragMs(null);
    onSeek(positionAt(event.clientX));
  };
  const stepWithKeys = (event: KeyboardEvent<HTMLDivElement>) => {
    const targets: Record<string, number> = {
      ArrowLeft: currentMs - keyStepMs,
      ArrowRight: currentMs + keyStepMs,
      Home: 0,
      End: totalMs,
    };
    const target = targets[event.key];
    if (target === undefined) return;
    event.preventDefault();
    event.stopPropagation();
    onSeek(Math.min(Math.max(0, target), totalMs));
  };

  const shownMs = dragMs ?? currentMs;
  const percent = totalMs > 0 ? Math.min(100, (shownMs / totalMs) * 100) : 0;
  return (
    <div
      className="timeline"
      role="slider"
      tabIndex={0}
      aria-label="Playback position"
      aria-valuemin={0}
      aria-valuemax={Math.round(totalMs)}
      aria-valuenow={Math.round(shownMs)}
      aria-valuetext={`${formatClock(shownMs)} of ${formatClock(totalMs)}`}
      onPointerDown={startDrag}
      onPointerMove={moveDrag}
      onPointerUp={endDrag}
      onPointerCancel={() => setDragMs(null)}
      onPointerLeave={() => setHoverMs(null)}
      onKeyDown={stepWithKeys}
      data-testid="player-timeline"
      data-dragging={dragMs !== null ? 'true' : undefined}
    >
      <div className="timeline__track" ref={trackRef}>
        <div className="timeline__fill" style={{ width: `${percent}%` }} />
        <TimelineMarkers markers={markers} totalMs={totalMs} />
        <div className="timeline__thumb" style={{ left: `${percent}%` }} />
      </div>
      {hoverMs !== null && totalMs > 0 && (
        <div className="timeline__hover" style={{ left: `${(hoverMs / totalMs) * 100}%` }}>
          {formatClock(hoverMs)}
        </div>
      )}
    </div>
  );
}

function markerTitle(marker: TimelineMarker): string {
  if (marker.kind === 'page') return `Page load: ${marker.label ?? ''}`;
  if (marker.kind === 'event') return `Event: ${marker.label ?? ''}`;
  return 'Click';
}

/**
 * Renders the click, page-load and analytics event ticks, memoized because the timeline
 * re-renders each frame.
 */
const TimelineMarkers = memo(function TimelineMarkers(props: {
  markers: TimelineMarker[];
  totalMs: number;
}) {
  const { markers, totalMs } = props;
  if (totalMs <= 0) return null;
  return markers.map((marker, index) => (
    <span
      key={`${marker.kind}-${marker.atMs}-${index}`}
      className={`timeline__marker timeline__marker--${marker.kind}`}
      style={{ left: `${(Math.min(marker.atMs, totalMs) / totalMs) * 100}%` }}
      title={markerTitle(marker)}
      data-testid={`timeline-marker-${marker.kind}`}
    />
  ));
});
