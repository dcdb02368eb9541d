import type { ChunkInfo, RrwebEvent } from '@reprise/protocol';

/** First and last rrweb event time of a replay, Unix ms, from its chunk list. */
export interface ReplayBounds {
  startMs: number;
  endMs: number;
}

/** Returns the replay's time span from its chunks, or null when there are none. */
export function replayBounds(chunks: readonly ChunkInfo[]): ReplayBounds | null {
  if (chunks.length === 0) return null;
  let startMs = Number.POSITIVE_INFINITY;
  let endMs = Number.NEGATIVE_INFINITY;
  for (const chunk of chunks) {
    startMs = Math.min(startMs, chunk.firstTimestamp);
    endMs = Math.max(endMs, chunk.lastTimestamp);
  }
  return { startMs, endMs: Math.max(startMs, endMs) };
}

/**
 * Reads the `t` URL parameter: a position in ms from the replay's start. Returns 0 when it is
 * missing or not a non-negative number, and at most `totalMs`.
 */
export function parseStartOffset(value: string | null, totalMs: number): number {
  if (!value || !/^\d+(\.\d+)?$/.test(value)) return 0;
  return Math.min(Math.floor(Number(value)), Math.max(0, totalMs));
}

/**
 * Reads the `at` URL parameter, a Unix ms time, as a position from the replay's start that
 * opens `leadInMs` before it. Returns null when it is missing or not a number; the result is
 * kept within the replay.
 */
export function parseStartTime(
  value: string | null,
  bounds: ReplayBounds | null,
  leadInMs = 3000,
): number | null {
  if (!value || !/^\d+$/.test(value) || !bounds) return null;
  const offset = Number(value) - bounds.startMs - leadInMs;
  return Math.min(Math.max(0, offset), bounds.endMs - bounds.startMs);
}

/**
 * Returns the position that a player URL opens at, ms from the replay's start: from its `at`
 * parameter when valid, else from `t`, else 0.
 */
export function parseStartPosition(search: URLSearchParams, bounds: ReplayBounds | null): number {
  const totalMs = bounds ? bounds.endMs - bounds.startMs : 0;
  const fromTime = parseStartTime(search.get('at'), bounds);
  return fromTime ?? parseStartOffset(search.get('t'), totalMs);
}

/** Builds the link that opens this replay at `positionMs` from its start. */
export function replayShareUrl(
  origin: string,
  replayId: string,
  projectId: string | undefined,
  positionMs: number,
): string {
  const params = new URLSearchParams();
  if (projectId) params.set('project', projectId);
  params.set('t', String(Math.max(0, Math.round(positionMs))));
  return `${origin}/replays/${encodeURIComponent(replayId)}?${params.toString()}`;
}

export interface TimelineMarker {
  /** `event` marks an analytics event linked to the replay; the others come from rrweb. */
  kind: 'click' | 'page' | 'event';
  /** Position from the replay's start, ms. */
  atMs: number;
  /** Page URL for `page` markers, event name for `event` markers. */
  label?: string;
}

// rrweb 2.x event tags: Meta, IncrementalSnapshot, MouseInteraction source, Click kind.
const metaEvent = 4;
const incrementalEvent = 3;
const customEvent = 5;

/** Tag of the custom event that Reprise's SDK records before a periodic full snapshot. */
const checkoutTag = 'reprise.checkout';
const mouseInteractionSource = 2;
const clickInteraction = 2;

/**
 * Returns click and page-load markers for the timeline, positioned from `startMs`. The meta
 * event of a periodic full snapshot is not a page load, so it gets no marker.
 */
export function findMarkers(events: readonly RrwebEvent[], startMs: number): TimelineMarker[] {
  const markers: TimelineMarker[] = [];
  let checkout = false;
  for (const event of events) {
    const data = event.data as { source?: unknown; type?: unknown; href?: unknown; tag?: unknown };
    const atMs = event.timestamp - startMs;
    if (event.type === customEvent && data.tag === checkoutTag) {
      checkout = true;
    } else if (event.type === metaEvent && checkout) {
      checkout = false;
    } else if (event.type === metaEvent) {
      markers.push({ kind: 'page', atMs, label: typeof data.href === 'string' ? data.href : '' });
    } else if (
      event.type === incrementalEvent &&
      data.source === mouseInteractionSource &&
      data.type === clickInteraction
    ) {
      markers.push({ kind: 'click', atMs });
    }
  }
  return markers;
}

/**
 * Keeps at most one marker of each kind per 1/`buckets` of the timeline, so that a replay with
 * thousands of clicks still draws a readable bar. Page markers are listed first.
 */
export function thinMarkers(
  markers: readonly TimelineMarker[],
  totalMs: number,
  buckets = 400,
): TimelineMarker[] {
  const seen = new Set<string>();
  const thinned: TimelineMarker[] = [];
  const kindOrder = (marker: TimelineMarker) => (marker.kind === 'page' ? 0 : 1);
  const ordered = [...markers].sort((a, b) => kindOrder(a) - kindOrder(b));
  for (const marker of ordered) {
    const bucket = totalMs > 0 ? Math.floor((marker.atMs / totalMs) * buckets) : 0;
    const key = `${marker.kind}:${bucket}`;
    if (seen.has(key)) continue;
    seen.add(key);
    thinned.push(marker);
  }
  return thinned;
}
