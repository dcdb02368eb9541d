import type { ChunkInfo, RrwebEvent } from '@reprise/protocol';
import { describe, expect, it } from 'vitest';
import {
  findMarkers,
  parseStartOffset,
  replayBounds,
  replayShareUrl,
  thinMarkers,
} from './timeline.js';

function chunk(seq: number, firstTimestamp: number, lastTimestamp: number): ChunkInfo {
  return {
    seq,
    firstTimestamp,
    lastTimestamp,
    eventCount: 1,
    bytes: 1,
    encoding: 'gzip',
    hasFullSnapshot: seq === 0,
    fullSnapshotTimestamp: seq === 0 ? firstTimestamp : null,
    receivedAt: 0,
  };
}

describe('replayBounds', () => {
  it('spans all chunks', () => {
    const chunks = [chunk(0, 1000, 2000), chunk(1, 2100, 5000), chunk(2, 1500, 1800)];
    expect(replayBounds(chunks)).toEqual({ startMs: 1000, endMs: 5000 });
  });

  it('returns null without chunks', () => {
    expect(replayBounds([])).toBeNull();
  });
});

describe('parseStartOffset', () => {
  it('reads milliseconds', () => {
    expect(parseStartOffset('5000', 60_000)).toBe(5000);
    expect(parseStartOffset('5000.7', 60_000)).toBe(5000);
  });

  it('clamps to the total', () => {
    expect(parseStartOffset('90000', 60_000)).toBe(60_000);
  });

  it('ignores invalid values', () => {
    for (const value of [null, '', '-5', 'abc', '1e3', '5s']) {
      expect(parseStartOffset(value, 60_000)).toBe(0);
    }
  });
});

describe('replayShareUrl', () => {
  it('includes the position', () => {
    expect(replayShareUrl('https://reprise.test', 'r-1', undefined, 12_345.6)).toBe(
      'https://reprise.test/replays/r-1?t=12346',
    );
  });

  it('keeps the project', () => {
    expect(replayShareUrl('http://127.0.0.1:8484', 'a b', 'p 1', 0)).toBe(
      'http://127.0.0.1:8484/replays/a%20b?project=p+1&t=0',
    );
  });
});

describe('findMarkers', () => {
  it('finds clicks and page loads', () => {
    const events = [
      { type: 4, timestamp: 1000, data: { href: 'https://shop.test/', width: 1, height: 1 } },
      { type: 2, timestamp: 1001, data: {} },
      { type: 3, timestamp: 1500, data: { source: 2, type: 2, id: 5, x: 1, y: 1 } },
      { type: 3, timestamp: 1600, data: { source: 2, type: 1, id: 5, x: 1, y: 1 } },
      { type: 3, timestamp: 1700, data: { source: 1, positions: [] } },
    ] as unknown as RrwebEvent[];
    expect(findMarkers(events, 1000)).toEqual([
      { kind: 'page', atMs: 0, label: 'https://shop.test/' },
      { kind: 'click', atMs: 500 },
    ]);
  });

  it('skips periodic snapshot meta events', () => {
    const meta = { href: 'https://shop.test/', width: 1, height: 1 };
    const events = [
      { type: 4, timestamp: 1000, data: meta },
      { type: 2, timestamp: 1001, data: {} },
      { type: 5, timestamp: 2000, data: { tag: 'reprise.checkout', payload: {} } },
      { type: 4, timestamp: 2000, data: meta },
      { type: 2, timestamp: 2000, data: {} },
      { type: 4, timestamp: 3000, data: meta },
    ] as unknown as RrwebEvent[];
    expect(findMarkers(events, 1000)).toEqual([
      { kind: 'page', atMs: 0, label: 'https://shop.test/' },
      { kind: 'page', atMs: 2000, label: 'https://shop.test/' },
    ]);
  });
});

describe('thinMarkers', () => {
  it('keeps one marker per bucket', () => {
    const clicks = Array.from({ length: 1000 }, (_, index) => ({
      kind: 'click' as const,
      atMs: index,
    }));
    const thinned = thinMarkers(clicks, 1000, 10);
    expect(thinned).toHaveLength(10);
  });

  it('keeps pages beside clicks', () => {
    const thinned = thinMarkers(
      [
        { kind: 'click', atMs: 1 },
        { kind: 'page', atMs: 2 },
      ],
      1000,
    );
    expect(thinned.map((marker) => marker.kind)).toEqual(['page', 'click']);
  });
});
