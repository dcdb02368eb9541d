import type { ChunkInfo, ChunkList, ReplaySummary } from '@reprise/protocol';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  playerPathReplayId,
  prefetchReplay,
  takeChunk,
  takeChunkList,
  takeSummary,
} from './replay-prefetch.js';

function chunkInfo(seq: number, fullSnapshotTimestamp: number | null = null): ChunkInfo {
  return {
    seq,
    firstTimestamp: 10_000 + seq * 5000,
    lastTimestamp: 14_999 + seq * 5000,
    eventCount: 1,
    bytes: 100,
    encoding: 'gzip',
    hasFullSnapshot: fullSnapshotTimestamp !== null,
    fullSnapshotTimestamp,
    receivedAt: 0,
  };
}

// 20 chunks of 5 s with full snapshots in chunks 0 and 10, listed out of seq order.
const chunkList: ChunkList = {
  replayId: 'r1',
  chunks: Array.from({ length: 20 }, (_, seq) =>
    chunkInfo(seq, seq % 10 === 0 ? 10_000 + seq * 5000 : null),
  ).reverse(),
};

const origin = 'http://127.0.0.1:8484';

/** The paths of the requests made so far, in order. */
let requested: string[];
/** Response status of each path, 200 when absent. */
let statusByPath: Map<string, number>;

function respond(path: string): Response {
  const status = statusByPath.get(path) ?? 200;
  if (status !== 200) return Response.json({ error: 'failed', code: 'failed' }, { status });
  if (path === '/api/replays/r1') return Response.json({ id: 'r1' });
  if (path === '/api/replays/r1/chunks') return Response.json(chunkList);
  return Response.json([{ path }]);
}

/** Waits until pending responses and the callbacks they start have run. */
function settle(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 10));
}

beforeEach(() => {
  requested = [];
  statusByPath = new Map();
  vi.stubGlobal('fetch', async (input: string) => {
    const path = new URL(input, origin).pathname;
    requested.push(path);
    return respond(path);
  });
});

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('playerPathReplayId', () => {
  it('reads the id of a player path', () => {
    expect(playerPathReplayId('/replays/r1')).toBe('r1');
    expect(playerPathReplayId('/replays/r1/')).toBe('r1');
    expect(playerPathReplayId('/replays/a%20b')).toBe('a b');
  });

  it('returns null for other paths', () => {
    expect(playerPathReplayId('/replays')).toBeNull();
    expect(playerPathReplayId('/replays/')).toBeNull();
    expect(playerPathReplayId('/replays/r1/chunks')).toBeNull();
    expect(playerPathReplayId('/users/r1')).toBeNull();
    expect(playerPathReplayId('/replays/%E0%A4%A')).toBeNull();
  });
});

describe('prefetchReplay', () => {
  it('ignores pages other than the player', () => {
    expect(prefetchReplay(new URL(`${origin}/replays`))).toBe(false);
    expect(requested).toEqual([]);
  });

  it('requests facts and chunk list at once', () => {
    expect(prefetchReplay(new URL(`${origin}/replays/r1`))).toBe(true);
    expect(requested).toEqual(['/api/replays/r1', '/api/replays/r1/chunks']);
  });

  it('requests the first chunks from the start', async () => {
    prefetchReplay(new URL(`${origin}/replays/r1`));
    await settle();
    const chunkPaths = requested.slice(2);
    expect(chunkPaths).toEqual([0, 1, 2, 3, 4, 5].map((seq) => `/api/replays/r1/chunks/${seq}`));
  });

  it('requests the chunks from the snapshot before t', async () => {
    // 62 s from the start is in chunk 12. The snapshot before it opens chunk 10, so chunk 9,
    // which may end with its Meta event, comes first.
    prefetchReplay(new URL(`${origin}/replays/r1?t=62000`));
    await settle();
    const chunkPaths = requested.slice(2);
    expect(chunkPaths).toEqual(
      [9, 10, 11, 12, 13, 14].map((seq) => `/api/replays/r1/chunks/${seq}`),
    );
  });

  it('makes no chunk request without a chunk list', async () => {
    statusByPath.set('/api/replays/r1/chunks', 404);
    prefetchReplay(new URL(`${origin}/replays/r1`));
    await settle();
    expect(requested).toEqual(['/api/replays/r1', '/api/replays/r1/chunks']);
  });
});

describe('taking prefetched responses', () => {
  const request = () => Promise.reject(new Error('requested again'));

  it('returns each response once', async () => {
    prefetchReplay(new URL(`${origin}/replays/r1`));
    await settle();
    const count = requested.length;

    expect(await takeSummary('r1', undefined, request)).toEqual({ id: 'r1' });
    expect(await takeChunkList('r1', undefined, request)).toEqual(chunkList);
    expect(await takeChunk('r1', undefined, 3, request)).toEqual([
      { path: '/api/replays/r1/chunks/3' },
    ]);
    expect(requested).toHaveLength(count);

    await expect(takeSummary('r1', undefined, request)).rejects.toThrow('requested again');
    await expect(takeChunkList('r1', undefined, request)).rejects.toThrow('requested again');
    await expect(takeChunk('r1', undefined, 3, request)).rejects.toThrow('requested again');
  });

  it('requests again after a failure', async () => {
    statusByPath.set('/api/replays/r1', 401);
    prefetchReplay(new URL(`${origin}/replays/r1`));
    await settle();
    const summary = await takeSummary(
      'r1',
      undefined,
      async () => ({ id: 'again' }) as ReplaySummary,
    );
    expect(summary).toEqual({ id: 'again' });
  });

  it('ignores another replay or project', async () => {
    prefetchReplay(new URL(`${origin}/replays/r1`));
    await settle();
    await expect(takeSummary('r1', 'p2', request)).rejects.toThrow('requested again');
    // The prefetch of r1 was dropped when another one was asked for.
    await expect(takeChunkList('r1', undefined, request)).rejects.toThrow('requested again');
    await expect(takeChunk('r1', undefined, 0, request)).rejects.toThrow('requested again');
  });
});
