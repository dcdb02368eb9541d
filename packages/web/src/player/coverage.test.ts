import type { ChunkInfo, RrwebEvent } from '@reprise/protocol';
import { describe, expect, it } from 'vitest';
import { ChunkCoverage, loadOrder, snapshotChunkIndex, snapshotTimeOf } from './coverage.js';

function chunk(
  seq: number,
  firstTimestamp: number,
  lastTimestamp: number,
  fullSnapshotTimestamp: number | null = null,
): ChunkInfo {
  return {
    seq,
    firstTimestamp,
    lastTimestamp,
    eventCount: 1,
    bytes: 1,
    encoding: 'gzip',
    hasFullSnapshot: fullSnapshotTimestamp !== null,
    fullSnapshotTimestamp,
    receivedAt: 0,
  };
}

const meta = (timestamp: number) => ({ type: 4, timestamp, data: {} }) as RrwebEvent;
const snapshot = (timestamp: number) => ({ type: 2, timestamp, data: {} }) as RrwebEvent;
const mutation = (timestamp: number) => ({ type: 3, timestamp, data: {} }) as RrwebEvent;

// Two snapshots: one at the start (Meta and snapshot in chunk 0), one at 3000 whose Meta ends
// chunk 2 while the snapshot starts chunk 3.
const chunks = [
  chunk(0, 1000, 1900, 1001),
  chunk(1, 2000, 2900),
  chunk(2, 2950, 2999),
  chunk(3, 3000, 3900, 3000),
  chunk(4, 4000, 4900),
];
const chunkEvents = [
  [meta(1000), snapshot(1001), mutation(1900)],
  [mutation(2000), mutation(2900)],
  [mutation(2950), meta(2999)],
  [snapshot(3000), mutation(3900)],
  [mutation(4000), mutation(4900)],
];

function coverageOf(indices: number[]): ChunkCoverage {
  const coverage = new ChunkCoverage(chunks);
  for (const index of indices) coverage.add(index, chunkEvents[index]!);
  return coverage;
}

describe('snapshotTimeOf', () => {
  it('uses the listed snapshot time', () => {
    expect(snapshotTimeOf(chunk(0, 1000, 2000, 1500))).toBe(1500);
  });

  it('falls back to the last timestamp', () => {
    const listedBefore = { ...chunk(0, 1000, 2000), hasFullSnapshot: true };
    expect(snapshotTimeOf(listedBefore)).toBe(2000);
  });

  it('is null without a snapshot', () => {
    expect(snapshotTimeOf(chunk(0, 1000, 2000))).toBeNull();
  });
});

describe('snapshotChunkIndex', () => {
  it('finds the latest snapshot before', () => {
    expect(snapshotChunkIndex(chunks, 4500)).toBe(3);
    expect(snapshotChunkIndex(chunks, 2999)).toBe(0);
  });

  it('is null before any snapshot', () => {
    expect(snapshotChunkIndex(chunks, 1000)).toBeNull();
  });
});

describe('ChunkCoverage', () => {
  it('covers from a Meta event on', () => {
    const coverage = coverageOf([2, 3, 4]);
    expect(coverage.covers(4500)).toBe(true);
    expect(coverage.covers(3000)).toBe(true);
    expect(coverage.covers(2500)).toBe(false);
  });

  it('needs the chunk with the Meta event', () => {
    const coverage = coverageOf([3, 4]);
    expect(coverage.covers(4500)).toBe(false);
    expect(coverage.missingFrom(4500)).toBe(1000);
  });

  it('finds the first missing chunk', () => {
    const coverage = coverageOf([0, 1, 2, 3]);
    expect(coverage.missingFrom(4500)).toBe(4000);
    expect(coverage.missingFrom(3500)).toBeNull();
  });

  it('counts a late chunk as missing', () => {
    const late = [...chunks, chunk(5, 3500, 3600)];
    const coverage = new ChunkCoverage(late);
    chunkEvents.forEach((events, index) => coverage.add(index, events));
    expect(coverage.covers(3400)).toBe(true);
    expect(coverage.missingFrom(3700)).toBe(3500);
  });

  it('lists the chunks needed for a position', () => {
    expect(new ChunkCoverage(chunks).missingFor(4500)).toEqual([2, 3, 4]);
    expect(new ChunkCoverage(chunks).missingFor(1500)).toEqual([0]);
    expect(coverageOf([3]).missingFor(4500)).toEqual([2, 4]);
  });

  it('looks further back without the snapshot', () => {
    const listedBefore = chunks.map((info) => ({ ...info, fullSnapshotTimestamp: null }));
    listedBefore[1] = { ...listedBefore[1]!, hasFullSnapshot: true };
    const coverage = new ChunkCoverage(listedBefore);
    coverage.add(1, chunkEvents[1]!);
    coverage.add(2, chunkEvents[2]!);
    expect(coverage.covers(2950)).toBe(false);
    expect(coverage.missingFor(2950)).toEqual([0]);
  });

  it('copies present chunks', () => {
    const copy = new ChunkCoverage(chunks);
    copy.addAll(coverageOf([0, 1, 2, 3, 4]));
    expect(copy.isComplete).toBe(true);
    expect(copy.latestMetaAt(4000)).toBe(2999);
  });
});

describe('loadOrder', () => {
  it('starts at the nearest snapshot', () => {
    expect(loadOrder(chunks, 4500)).toEqual([2, 3, 4, 0, 1]);
  });

  it('starts at the start', () => {
    expect(loadOrder(chunks, 1000)).toEqual([0, 1, 2, 3, 4]);
  });
});
