import { describe, expect, it } from 'vitest';
import { chunkByCount, packByBytes, splitInHalves, timeRange } from './batches.js';
import type { RrwebEvent } from './event-types.js';

function events(count: number, textLength = 10): RrwebEvent[] {
  return Array.from({ length: count }, (_, index) => ({
    type: 3,
    timestamp: 1000 + index,
    data: { source: 0, text: 'é'.repeat(textLength) },
  })) as unknown as RrwebEvent[];
}

describe('splitInHalves', () => {
  it.each([
    [2, 1, 1],
    [3, 2, 1],
    [10, 5, 5],
    [1, 1, 0],
  ])('%d events split %d and %d', (count, first, second) => {
    const [a, b] = splitInHalves(Array.from({ length: count }, (_, index) => index));
    expect(a.length).toBe(first);
    expect(b.length).toBe(second);
    expect([...a, ...b]).toEqual(Array.from({ length: count }, (_, index) => index));
  });
});

describe('chunkByCount', () => {
  it('keeps order and size', () => {
    const chunks = chunkByCount(
      Array.from({ length: 2500 }, (_, index) => index),
      1000,
    );
    expect(chunks.map((chunk) => chunk.length)).toEqual([1000, 1000, 500]);
    expect(chunks.flat()).toEqual(Array.from({ length: 2500 }, (_, index) => index));
  });

  it('returns nothing for no events', () => {
    expect(chunkByCount([])).toEqual([]);
  });
});

describe('packByBytes', () => {
  it('stays under the byte limit', () => {
    const input = events(200, 100);
    const packed = packByBytes(input, 5000);
    for (const batch of packed) {
      expect(new TextEncoder().encode(batch.json).length).toBe(batch.bytes);
      expect(batch.bytes).toBeLessThanOrEqual(5000);
      expect(JSON.parse(batch.json)).toEqual(batch.events);
    }
    expect(packed.flatMap((batch) => batch.events)).toEqual(input);
  });

  it('gives an oversized event its own batch', () => {
    const input = [...events(1), ...events(1, 10_000), ...events(1)];
    const packed = packByBytes(input, 1000);
    expect(packed.map((batch) => batch.events.length)).toEqual([1, 1, 1]);
    expect(packed[1]!.bytes).toBeGreaterThan(1000);
  });

  it('respects the event count limit', () => {
    expect(packByBytes(events(25), 1_000_000, 10).map((batch) => batch.events.length)).toEqual([
      10, 10, 5,
    ]);
  });
});

describe('timeRange', () => {
  it('finds first and last timestamps', () => {
    const input = events(3);
    input[0]!.timestamp = 5000;
    expect(timeRange(input)).toEqual({ startMs: 1001, endMs: 5000 });
  });
});
