import type { RrwebEvent } from './event-types.js';
import { nextTask } from './tasks.js';

/** Main-thread time that turning a batch into JSON may take before it lets the page run, in ms. */
const stringifySliceMs = 8;

/** Maximum number of rrweb events in one `/record/` batch. */
export const maxEventsPerBatch = 1000;

/**
 * Added nodes after which the queue is sent without waiting for the interval: about 1 MB of
 * JSON. A mutation storm records tens of thousands of nodes in a second or two, and one batch of
 * all of them would take long tasks to turn into JSON, copy to the compression worker and
 * collect as garbage.
 */
export const maxAddedNodesPerBatch = 10_000;

/** Splits a batch that the server found too large into two halves, in order. */
export function splitInHalves<T>(events: T[]): [T[], T[]] {
  const middle = Math.ceil(events.length / 2);
  return [events.slice(0, middle), events.slice(middle)];
}

/** Cuts a queue into batches of at most `maxEvents`, keeping order. */
export function chunkByCount<T>(events: T[], maxEvents: number = maxEventsPerBatch): T[][] {
  const chunks: T[][] = [];
  for (let start = 0; start < events.length; start += maxEvents) {
    chunks.push(events.slice(start, start + maxEvents));
  }
  return chunks;
}

/** One batch as JSON text, with its UTF-8 size. */
export interface PackedBatch {
  events: RrwebEvent[];
  json: string;
  bytes: number;
}

/**
 * Packs events, in order, into JSON arrays of at most `maxBytes` UTF-8 bytes and
 * `maxEvents` events. An event larger than `maxBytes` gets a batch of its own.
 */
export function packByBytes(
  events: RrwebEvent[],
  maxBytes: number,
  maxEvents = maxEventsPerBatch,
): PackedBatch[] {
  const encoder = new TextEncoder();
  const batches: PackedBatch[] = [];
  let parts: string[] = [];
  let current: RrwebEvent[] = [];
  let bytes = 2;
  const close = () => {
    if (current.length === 0) return;
    batches.push({ events: current, json: `[${parts.join(',')}]`, bytes });
    parts = [];
    current = [];
    bytes = 2;
  };
  for (const event of events) {
    const json = JSON.stringify(event);
    const size = encoder.encode(json).length;
    const isFull =
      current.length >= maxEvents || (current.length > 0 && bytes + 1 + size > maxBytes);
    if (isFull) close();
    bytes += size + (current.length > 0 ? 1 : 0);
    parts.push(json);
    current.push(event);
  }
  close();
  return batches;
}

/** First and last timestamps of a batch, in Unix ms. */
export function timeRange(events: RrwebEvent[]): { startMs: number; endMs: number } {
  let startMs = Infinity;
  let endMs = -Infinity;
  for (const event of events) {
    startMs = Math.min(startMs, event.timestamp);
    endMs = Math.max(endMs, event.timestamp);
  }
  return { startMs, endMs };
}

/**
 * Returns the same text as `JSON.stringify(events)`, one event at a time, and lets the page run
 * its own tasks whenever `stringifySliceMs` have passed. A batch recorded during a mutation
 * storm can hold several MB of JSON, which one call would turn into one long task.
 */
export async function stringifyEvents(events: RrwebEvent[]): Promise<string> {
  const parts: string[] = [];
  let deadline = performance.now() + stringifySliceMs;
  for (const event of events) {
    parts.push(JSON.stringify(event));
    if (performance.now() >= deadline) {
      await nextTask();
      deadline = performance.now() + stringifySliceMs;
    }
  }
  return `[${parts.join(',')}]`;
}
