/**
 * Generates a long recording of the example shop from its recorded sample sessions. The sample
 * page visits (Meta and full snapshot, then the recorded clicks, inputs and mutations) follow one
 * another, each with added reading time: scrolls, mouse moves and some clicks. The events are
 * then cut into chunks the way the SDK batches them.
 *
 * Each page visit also carries a probe: one attribute mutation a second that sets
 * `data-bench-at` on the page's `<html>` element to the ms offset of the probe from the
 * recording's start. After a seek to offset T, the rebuilt page shows the probe with the largest
 * offset before T, so the benchmark can check that the frame at T is in the DOM.
 */
import type { RrwebEvent } from '@reprise/protocol';
import { readSampleReplays, recordedOrigin } from '../server/samples.js';

// rrweb 2.x event types and incremental sources.
const fullSnapshotType = 2;
const incrementalType = 3;
const metaType = 4;
const mutationSource = 0;
const mouseMoveSource = 1;
const mouseInteractionSource = 2;
const scrollSource = 3;
const mouseDown = 1;
const mouseUp = 0;
const click = 2;

/** The SDK's `record_flush_interval_ms` default: incremental events go in 5 s batches. */
const flushIntervalMs = 5000;

export interface GeneratedRecording {
  /** Every event in timestamp order. */
  events: RrwebEvent[];
  /** Events cut into upload batches, in seq order. */
  chunks: RrwebEvent[][];
  startMs: number;
  endMs: number;
  /** Offsets from `startMs` of every probe, ascending. */
  probeOffsets: number[];
  /** Offsets from `startMs` of every full snapshot, ascending. */
  snapshotOffsets: number[];
  pageVisits: number;
}

/** The events of one page load in a sample, with the node ids that synthetic events target. */
interface PageVisit {
  events: RrwebEvent[];
  documentId: number;
  htmlId: number;
  bodyId: number;
  /** Time from the Meta event to the last recorded event of the visit, ms. */
  spanMs: number;
}

interface SnapshotNode {
  id: number;
  tagName?: string;
  childNodes?: SnapshotNode[];
}

/** Returns a seeded pseudo-random generator of numbers in [0, 1) (mulberry32). */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let value = state;
    value = Math.imul(value ^ (value >>> 15), value | 1);
    value ^= value + Math.imul(value ^ (value >>> 7), value | 61);
    return ((value ^ (value >>> 14)) >>> 0) / 4294967296;
  };
}

function findElement(node: SnapshotNode, tagName: string): SnapshotNode | null {
  if (node.tagName === tagName) return node;
  for (const child of node.childNodes ?? []) {
    const found = findElement(child, tagName);
    if (found) return found;
  }
  return null;
}

/** Splits the sample replays into page visits, each starting at a Meta event. */
function readPageVisits(origin: string): PageVisit[] {
  const visits: PageVisit[] = [];
  for (const replay of readSampleReplays()) {
    // The samples were recorded on a server on port 8484; the copies point at `origin` instead,
    // so that nothing in a rebuilt page names another local server.
    const text = JSON.stringify(replay.chunks.flatMap((chunk) => chunk.events)).replaceAll(
      recordedOrigin,
      origin,
    );
    const events = (JSON.parse(text) as RrwebEvent[]).sort((a, b) => a.timestamp - b.timestamp);
    let current: RrwebEvent[] | null = null;
    for (const event of events) {
      if (event.type === metaType) {
        current = [];
        visits.push({ events: current, documentId: 0, htmlId: 0, bodyId: 0, spanMs: 0 });
      }
      current?.push(event);
    }
  }
  for (const visit of visits) {
    const snapshot = visit.events.find((event) => event.type === fullSnapshotType);
    if (!snapshot) throw new Error('A sample page visit has no full snapshot');
    const root = (snapshot.data as { node: SnapshotNode }).node;
    visit.documentId = root.id;
    visit.htmlId = findElement(root, 'html')?.id ?? root.id;
    visit.bodyId = findElement(root, 'body')?.id ?? visit.htmlId;
    visit.spanMs = visit.events.at(-1)!.timestamp - visit.events[0]!.timestamp;
  }
  return visits;
}

function incremental(timestamp: number, data: Record<string, unknown>): RrwebEvent {
  return { type: incrementalType, timestamp, data } as RrwebEvent;
}

function probe(timestamp: number, htmlId: number, offsetMs: number): RrwebEvent {
  return incremental(timestamp, {
    source: mutationSource,
    texts: [],
    attributes: [{ id: htmlId, attributes: { 'data-bench-at': String(offsetMs) } }],
    removes: [],
    adds: [],
  });
}

/**
 * Adds reading time after a visit's recorded events, until `endMs`. It is made of bursts of 1 to
 * 4 s, separated by 2 to 8 s without input. A burst scrolls with an event every 100 ms, as rrweb
 * throttles scroll, and moves the mouse with an event of 10 positions every 500 ms, as rrweb
 * batches them. One burst in three ends with a click.
 */
function addReading(
  events: RrwebEvent[],
  visit: PageVisit,
  fromMs: number,
  endMs: number,
  random: () => number,
): void {
  let time = fromMs + 500;
  let scrollY = 0;
  let x = 400 + Math.round(random() * 400);
  let y = 300 + Math.round(random() * 200);
  while (time < endMs) {
    const burstEnd = Math.min(endMs, time + 1000 + random() * 3000);
    const direction = random() < 0.75 ? 1 : -1;
    for (let at = time; at < burstEnd; at += 100) {
      scrollY = Math.max(0, scrollY + direction * Math.round(20 + random() * 60));
      events.push(
        incremental(Math.round(at), {
          source: scrollSource,
          id: visit.documentId,
          x: 0,
          y: scrollY,
        }),
      );
    }
    for (let at = time + 500; at < burstEnd; at += 500) {
      const positions = [];
      for (let step = 0; step < 10; step++) {
        x = Math.min(1270, Math.max(0, x + Math.round((random() - 0.5) * 30)));
        y = Math.min(790, Math.max(0, y + Math.round((random() - 0.5) * 20)));
        positions.push({ x, y, id: visit.bodyId, timeOffset: (step - 9) * 50 });
      }
      events.push(incremental(Math.round(at), { source: mouseMoveSource, positions }));
    }
    if (random() < 1 / 3) {
      const at = Math.round(burstEnd);
      for (const [offset, type] of [
        [0, mouseDown],
        [80, mouseUp],
        [81, click],
      ] as const) {
        events.push(
          incremental(at + offset, {
            source: mouseInteractionSource,
            type,
            id: visit.bodyId,
            x,
            y,
          }),
        );
      }
    }
    time = burstEnd + 2000 + random() * 6000;
  }
}

/**
 * Cuts events into upload batches as the SDK does: a Meta event and its full snapshot go alone
 * (the SDK flushes soon after a snapshot), and other events in batches of `flushIntervalMs`.
 */
// NOTE: the SDK also sends a batch 1 s after a click or input (`record_action_flush_ms`). This
// leaves that out, so a real recording of the same events has more, smaller chunks.
function toChunks(events: readonly RrwebEvent[], startMs: number): RrwebEvent[][] {
  const chunks: RrwebEvent[][] = [];
  let current: RrwebEvent[] = [];
  let window = -1;
  const close = () => {
    if (current.length > 0) chunks.push(current);
    current = [];
  };
  for (const event of events) {
    if (event.type === metaType) {
      close();
      current.push(event);
      window = -1;
      continue;
    }
    if (event.type === fullSnapshotType) {
      current.push(event);
      close();
      continue;
    }
    const eventWindow = Math.floor((event.timestamp - startMs) / flushIntervalMs);
    if (eventWindow !== window) {
      close();
      window = eventWindow;
    }
    current.push(event);
  }
  close();
  return chunks;
}

/**
 * Generates `durationMinutes` of recording that ends at `endMs`, with page visits of 25 to 55 s.
 * The same seed gives the same recording, apart from the time shift.
 */
export function generateRecording(options: {
  durationMinutes: number;
  endMs: number;
  origin: string;
  seed: number;
}): GeneratedRecording {
  const random = seededRandom(options.seed);
  const visits = readPageVisits(options.origin);
  const durationMs = options.durationMinutes * 60_000;
  const startMs = options.endMs - durationMs;
  const events: RrwebEvent[] = [];
  const probeOffsets: number[] = [];
  const snapshotOffsets: number[] = [];
  let visitStart = startMs;
  let pageVisits = 0;

  while (visitStart < options.endMs) {
    const visit = visits[pageVisits % visits.length]!;
    pageVisits += 1;
    const shift = visitStart - visit.events[0]!.timestamp;
    const visitEnd = Math.min(
      options.endMs,
      visitStart + Math.max(visit.spanMs + 1000, 25_000 + random() * 30_000),
    );
    let snapshotAt = visitStart;
    for (const event of visit.events) {
      const timestamp = event.timestamp + shift;
      if (timestamp > visitEnd) break;
      events.push({ ...event, timestamp });
      if (event.type === fullSnapshotType) {
        snapshotAt = timestamp;
        snapshotOffsets.push(timestamp - startMs);
      }
    }
    addReading(events, visit, visitStart + visit.spanMs, visitEnd, random);
    for (let at = snapshotAt + 1; at < visitEnd; at += 1000) {
      events.push(probe(at, visit.htmlId, at - startMs));
      probeOffsets.push(at - startMs);
    }
    visitStart = visitEnd + 300 + Math.round(random() * 1200);
  }

  // Stable sort: events with equal timestamps keep the order they were added in.
  const sorted = events
    .filter((event) => event.timestamp <= options.endMs)
    .sort((a, b) => a.timestamp - b.timestamp);
  const lastMs = sorted.at(-1)!.timestamp;
  return {
    events: sorted,
    chunks: toChunks(sorted, startMs),
    startMs,
    endMs: lastMs,
    probeOffsets: probeOffsets.filter((offset) => offset + startMs <= lastMs),
    snapshotOffsets,
    pageVisits,
  };
}
