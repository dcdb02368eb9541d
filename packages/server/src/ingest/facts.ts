import { EventType, isClick, isUserInput, type RrwebEvent } from '@reprise/protocol';

/** Facts about one chunk, computed once at ingestion and summed into the replay's facts. */
export interface ChunkFacts {
  firstTimestamp: number;
  lastTimestamp: number;
  eventCount: number;
  clickCount: number;
  rageClickCount: number;
  errorCount: number;
  /** Time spent using the page, see `activeTimeMs`. */
  activeMs: number;
  hasFullSnapshot: boolean;
  /**
   * Timestamp of the earliest full snapshot in the chunk, Unix ms, or null without one. The
   * player starts a replay from it when opening at a later position.
   */
  fullSnapshotTimestamp: number | null;
  /** `href` of the first Meta event, if the chunk has one. */
  firstUrl: string | null;
}

/** Input events further apart than this start a new stretch of activity. */
export const activityGapMs = 5_000;
/** Time credited to a stretch of activity beyond its first and last input events. */
export const activityTailMs = 1_000;
/** A rage click is this many clicks or more ... */
export const rageClickCount = 3;
/** ... within this time ... */
export const rageClickWindowMs = 1_000;
/** ... each within this distance of the first, in CSS pixels. */
export const rageClickRadiusPx = 30;

interface ClickPoint {
  timestamp: number;
  x: number;
  y: number;
}

/** Computes a chunk's facts from its events, in whatever order they arrived. */
export function computeChunkFacts(events: RrwebEvent[]): ChunkFacts {
  let first = Infinity;
  let last = -Infinity;
  let fullSnapshotTimestamp: number | null = null;
  let firstUrl: string | null = null;
  let errorCount = 0;
  const inputTimes: number[] = [];
  const clicks: ClickPoint[] = [];

  for (const event of events) {
    first = Math.min(first, event.timestamp);
    last = Math.max(last, event.timestamp);
    if (event.type === EventType.FullSnapshot) {
      fullSnapshotTimestamp = Math.min(fullSnapshotTimestamp ?? Infinity, event.timestamp);
    }
    if (event.type === EventType.Meta && firstUrl === null) firstUrl = metaHref(event.data);
    if (isConsoleError(event)) errorCount += 1;
    if (isUserInput(event)) inputTimes.push(event.timestamp);
    if (isClick(event)) clicks.push(clickPoint(event));
  }

  return {
    firstTimestamp: first,
    lastTimestamp: last,
    eventCount: events.length,
    clickCount: clicks.length,
    rageClickCount: countRageClicks(clicks),
    errorCount,
    activeMs: activeTimeMs(inputTimes),
    hasFullSnapshot: fullSnapshotTimestamp !== null,
    fullSnapshotTimestamp,
    firstUrl,
  };
}

/**
 * Sums stretches of activity: input events at most `activityGapMs` apart belong to one
 * stretch, which counts from its first event to its last plus `activityTailMs`.
 */
export function activeTimeMs(inputTimes: number[]): number {
  if (inputTimes.length === 0) return 0;
  const times = [...inputTimes].sort((a, b) => a - b);
  let total = 0;
  let stretchStart = times[0]!;
  let previous = stretchStart;
  for (const time of times.slice(1)) {
    if (time - previous > activityGapMs) {
      total += previous - stretchStart + activityTailMs;
      stretchStart = time;
    }
    previous = time;
  }
  return total + previous - stretchStart + activityTailMs;
}

/** Counts bursts of `rageClickCount` or more clicks close in time and place. */
export function countRageClicks(clicks: ClickPoint[]): number {
  const sorted = [...clicks].sort((a, b) => a.timestamp - b.timestamp);
  let bursts = 0;
  let index = 0;
  while (index < sorted.length) {
    const start = sorted[index]!;
    let end = index + 1;
    while (
      end < sorted.length &&
      sorted[end]!.timestamp - start.timestamp <= rageClickWindowMs &&
      Math.hypot(sorted[end]!.x - start.x, sorted[end]!.y - start.y) <= rageClickRadiusPx
    ) {
      end += 1;
    }
    if (end - index >= rageClickCount) {
      bursts += 1;
      index = end;
    } else {
      index += 1;
    }
  }
  return bursts;
}

function metaHref(data: unknown): string | null {
  const href = (data as { href?: unknown }).href;
  return typeof href === 'string' && href !== '' ? href : null;
}

function clickPoint(event: RrwebEvent): ClickPoint {
  const data = event.data as { x?: unknown; y?: unknown };
  return {
    timestamp: event.timestamp,
    x: typeof data.x === 'number' ? data.x : 0,
    y: typeof data.y === 'number' ? data.y : 0,
  };
}

/** rrweb's console plugin records `console.error` as a Plugin event with level `error`. */
function isConsoleError(event: RrwebEvent): boolean {
  if (event.type !== EventType.Plugin) return false;
  const data = event.data as { plugin?: unknown; payload?: { level?: unknown } };
  return (
    typeof data.plugin === 'string' &&
    data.plugin.startsWith('rrweb/console') &&
    data.payload?.level === 'error'
  );
}
