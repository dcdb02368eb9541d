import { EventType, IncrementalSource, MouseInteraction, type RrwebEvent } from '@reprise/protocol';

/** Builders of small rrweb events for tests; only the fields Reprise reads are filled in. */

export function metaEvent(timestamp: number, href = 'https://shop.example/'): RrwebEvent {
  return { type: EventType.Meta, timestamp, data: { href, width: 1280, height: 720 } };
}

export function fullSnapshotEvent(timestamp: number): RrwebEvent {
  return {
    type: EventType.FullSnapshot,
    timestamp,
    data: { node: { type: 0, childNodes: [], id: 1 }, initialOffset: { top: 0, left: 0 } },
  } as RrwebEvent;
}

export function clickEvent(timestamp: number, x = 100, y = 100): RrwebEvent {
  return {
    type: EventType.IncrementalSnapshot,
    timestamp,
    data: { source: IncrementalSource.MouseInteraction, type: MouseInteraction.Click, id: 5, x, y },
  } as RrwebEvent;
}

export function scrollEvent(timestamp: number): RrwebEvent {
  return {
    type: EventType.IncrementalSnapshot,
    timestamp,
    data: { source: IncrementalSource.Scroll, id: 1, x: 0, y: 200 },
  } as RrwebEvent;
}

export function mutationEvent(timestamp: number): RrwebEvent {
  return {
    type: EventType.IncrementalSnapshot,
    timestamp,
    data: { source: IncrementalSource.Mutation, texts: [], attributes: [], removes: [], adds: [] },
  } as RrwebEvent;
}

export function consoleEvent(timestamp: number, level = 'error'): RrwebEvent {
  return {
    type: EventType.Plugin,
    timestamp,
    data: { plugin: 'rrweb/console@1', payload: { level, payload: ['"boom"'], trace: [] } },
  } as RrwebEvent;
}

/**
 * Builds a first batch as SDKs send it: Meta, full snapshot, then a click and a scroll, from
 * `startMs` on. Each event carries a `marker` field, so tests can tell batches apart.
 */
export function firstBatch(startMs: number, marker = 0): RrwebEvent[] {
  return [
    metaEvent(startMs),
    fullSnapshotEvent(startMs + 1),
    clickEvent(startMs + 100),
    scrollEvent(startMs + 200),
  ].map((event) => ({ ...event, marker }));
}

/** Builds a later batch: two mutations and a click, from `startMs` on. */
export function laterBatch(startMs: number, marker = 1): RrwebEvent[] {
  return [mutationEvent(startMs), clickEvent(startMs + 50), mutationEvent(startMs + 100)].map(
    (event) => ({ ...event, marker }),
  );
}
