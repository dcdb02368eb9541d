import { describe, expect, it } from 'vitest';
import { bestFunnelPath, median, totalFunnel, type FunnelEvent } from './funnel.js';

const window = { enterFrom: 0, enterUntil: 1_000, windowMs: 100 };

/** Builds events from [time, steps matched] pairs. */
function events(...items: Array<[number, ...number[]]>): FunnelEvent[] {
  return items.map(([time, ...steps]) => ({
    time,
    mask: steps.reduce((mask, step) => mask | (1 << step), 0),
  }));
}

describe('bestFunnelPath', () => {
  it('follows steps in order', () => {
    const path = bestFunnelPath(events([0, 0], [10, 1], [20, 2]), 3, window);
    expect(path).toEqual({ reached: 3, matched: [0, 1, 2] });
  });

  it('ignores a step before the previous', () => {
    expect(bestFunnelPath(events([0, 1], [10, 0]), 2, window).reached).toBe(1);
  });

  it('window end is inclusive', () => {
    expect(bestFunnelPath(events([0, 0], [100, 1]), 2, window).reached).toBe(2);
    expect(bestFunnelPath(events([0, 0], [101, 1]), 2, window).reached).toBe(1);
  });

  it('needs step 1 in the entry range', () => {
    const late = { ...window, enterUntil: 10 };
    expect(bestFunnelPath(events([10, 0], [20, 1]), 2, late).reached).toBe(0);
  });

  it('uses a later attempt that converts', () => {
    const path = bestFunnelPath(events([0, 0], [200, 1], [300, 0], [350, 1]), 2, window);
    expect(path).toEqual({ reached: 2, matched: [2, 3] });
  });

  it('same event twice needs two events', () => {
    expect(bestFunnelPath(events([0, 0, 1]), 2, window).reached).toBe(1);
    expect(bestFunnelPath(events([0, 0, 1], [5, 0, 1]), 2, window)).toEqual({
      reached: 2,
      matched: [0, 1],
    });
  });

  it('keeps the earliest best attempt', () => {
    const path = bestFunnelPath(events([0, 0], [5, 0], [10, 1]), 2, window);
    expect(path.matched).toEqual([0, 2]);
  });
});

describe('totalFunnel', () => {
  it('counts users and median gaps', () => {
    const times = [0, 10, 40];
    const totals = totalFunnel(
      [
        { path: { reached: 3, matched: [0, 1, 2] }, times },
        { path: { reached: 2, matched: [0, 2] }, times },
        { path: { reached: 1, matched: [0] }, times },
      ],
      3,
    );
    expect(totals.users).toEqual([3, 2, 1]);
    // Step 2 gaps: 10 and 40 ms; step 3 gap: 30 ms.
    expect(totals.medianMsFromPrevious).toEqual([null, 25, 30]);
  });

  it('median of odd and even counts', () => {
    expect(median([5, 1, 3])).toBe(3);
    expect(median([4, 1, 3, 2])).toBe(3);
    expect(median([])).toBeNull();
  });
});
