import type { ChunkInfo } from '@reprise/protocol';
import { describe, expect, it } from 'vitest';
import { ApiError } from '../api/client.js';
import {
  startChunkLoad,
  parseChunkEvents,
  type ChunkLoadOptions,
  type LoadedChunk,
} from './chunk-loader.js';

function chunkInfo(seq: number): ChunkInfo {
  return {
    seq,
    firstTimestamp: 1000 + seq * 100,
    lastTimestamp: 1099 + seq * 100,
    eventCount: 1,
    bytes: 100,
    encoding: 'gzip',
    hasFullSnapshot: seq === 0,
    fullSnapshotTimestamp: seq === 0 ? 1000 : null,
    receivedAt: 0,
  };
}

const options = { concurrency: 3, maxAttempts: 3, retryDelayMs: 1 };

describe('parseChunkEvents', () => {
  it('sorts by timestamp stably', () => {
    const body = [
      { type: 3, timestamp: 30, data: { tag: 'c' } },
      { type: 3, timestamp: 10, data: { tag: 'a1' } },
      { type: 3, timestamp: 20, data: { tag: 'b' } },
      { type: 3, timestamp: 10, data: { tag: 'a2' } },
    ];
    const tags = parseChunkEvents(body).events.map((event) => (event.data as { tag: string }).tag);
    expect(tags).toEqual(['a1', 'a2', 'b', 'c']);
  });

  it('drops invalid envelopes', () => {
    const body = [
      { type: 2, timestamp: 1, data: {} },
      { type: 9, timestamp: 1, data: {} },
      { type: 2.5, timestamp: 1, data: {} },
      { type: 2, timestamp: '1', data: {} },
      { type: 2, timestamp: 1, data: null },
      { type: 2, timestamp: 1, data: [] },
      null,
      'event',
    ];
    const parsed = parseChunkEvents(body);
    expect(parsed.events).toHaveLength(1);
    expect(parsed.invalidCount).toBe(7);
  });

  it('rejects a non-array body', () => {
    expect(parseChunkEvents({ events: [] })).toEqual({ events: [], invalidCount: 1 });
  });
});

/** Loads `chunks` in seq order, as a player opening at the start does. */
function loadChunksInOrder(
  chunks: ChunkInfo[],
  fetchChunk: (seq: number) => Promise<unknown>,
  onChunk: (chunk: LoadedChunk) => void,
  loadOptions: ChunkLoadOptions,
): Promise<void> {
  const order = chunks.map((_, index) => index);
  return startChunkLoad(chunks, order, fetchChunk, onChunk, loadOptions).done;
}

describe('startChunkLoad', () => {
  it('delivers in seq order', async () => {
    const chunks = [0, 1, 2, 3, 4, 5].map(chunkInfo);
    const delaysMs = [30, 5, 20, 1, 10, 2];
    const delivered: number[] = [];
    await loadChunksInOrder(
      chunks,
      async (seq) => {
        await new Promise((resolve) => setTimeout(resolve, delaysMs[seq]));
        return [{ type: 3, timestamp: 1000 + seq, data: { seq } }];
      },
      (chunk) => delivered.push(chunk.info.seq),
      options,
    );
    expect(delivered).toEqual([0, 1, 2, 3, 4, 5]);
  });

  it('caps requests in flight', async () => {
    let inFlight = 0;
    let maxInFlight = 0;
    await loadChunksInOrder(
      [0, 1, 2, 3, 4, 5, 6, 7].map(chunkInfo),
      async () => {
        inFlight += 1;
        maxInFlight = Math.max(maxInFlight, inFlight);
        await new Promise((resolve) => setTimeout(resolve, 5));
        inFlight -= 1;
        return [];
      },
      () => {},
      options,
    );
    expect(maxInFlight).toBe(3);
  });

  it('retries server errors', async () => {
    let calls = 0;
    const delivered: LoadedChunk[] = [];
    await loadChunksInOrder(
      [chunkInfo(0)],
      async () => {
        calls += 1;
        if (calls < 3) throw new ApiError('Storage is unavailable.', 503, 'unavailable');
        return [{ type: 4, timestamp: 1, data: { width: 1, height: 1, href: '' } }];
      },
      (chunk) => delivered.push(chunk),
      options,
    );
    expect(calls).toBe(3);
    expect(delivered[0]?.error).toBeUndefined();
    expect(delivered[0]?.events).toHaveLength(1);
  });

  it('reports a missing chunk', async () => {
    let calls = 0;
    const delivered: LoadedChunk[] = [];
    await loadChunksInOrder(
      [chunkInfo(0), chunkInfo(1)],
      async (seq) => {
        calls += 1;
        if (seq === 0) throw new ApiError('Chunk 0 not found.', 404, 'not_found');
        return [];
      },
      (chunk) => delivered.push(chunk),
      options,
    );
    expect(calls).toBe(2);
    expect(delivered.map((chunk) => chunk.info.seq)).toEqual([0, 1]);
    expect(delivered[0]?.error?.message).toBe('Chunk 0 not found.');
    expect(delivered[1]?.error).toBeUndefined();
  });

  it('stops on abort', async () => {
    const controller = new AbortController();
    const delivered: number[] = [];
    await loadChunksInOrder(
      [0, 1, 2, 3, 4, 5].map(chunkInfo),
      async (seq) => {
        await new Promise((resolve) => setTimeout(resolve, 2));
        if (seq === 1) controller.abort();
        return [];
      },
      (chunk) => delivered.push(chunk.info.seq),
      { ...options, concurrency: 1, signal: controller.signal },
    );
    expect(delivered).toEqual([0]);
  });

  it('starts prioritized chunks next', async () => {
    const chunks = [0, 1, 2, 3, 4, 5].map(chunkInfo);
    const started: number[] = [];
    const delivered: number[] = [];
    const load = startChunkLoad(
      chunks,
      [3, 4, 5, 0, 1, 2],
      async (seq) => {
        started.push(seq);
        await new Promise((resolve) => setTimeout(resolve, 2));
        return [];
      },
      (chunk) => {
        delivered.push(chunk.info.seq);
        if (chunk.info.seq === 3) load.prioritize([1, 4]);
      },
      { ...options, concurrency: 1 },
    );
    await load.done;
    expect(started).toEqual([3, 1, 4, 5, 0, 2]);
    expect(delivered).toEqual(started);
  });
});
