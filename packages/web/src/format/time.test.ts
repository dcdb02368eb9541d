import { describe, expect, it } from 'vitest';
import { formatClock, formatDuration, formatRelative } from './time.js';

describe('formatDuration', () => {
  const cases: Array<[number, string]> = [
    [0, '0s'],
    [999, '0s'],
    [45_000, '45s'],
    [60_000, '1m 00s'],
    [192_500, '3m 12s'],
    [3_600_000, '1h 00m'],
    [3_725_000, '1h 02m'],
    [26 * 3_600_000, '26h 00m'],
  ];
  for (const [ms, expected] of cases) {
    it(`formats ${ms} ms`, () => {
      expect(formatDuration(ms)).toBe(expected);
    });
  }

  it('marks invalid input', () => {
    expect(formatDuration(-1)).toBe('–');
    expect(formatDuration(Number.NaN)).toBe('–');
  });
});

describe('formatClock', () => {
  const cases: Array<[number, string]> = [
    [0, '0:00'],
    [5_400, '0:05'],
    [754_000, '12:34'],
    [3_723_000, '1:02:03'],
    [-10, '0:00'],
    [Number.POSITIVE_INFINITY, '0:00'],
  ];
  for (const [ms, expected] of cases) {
    it(`formats ${ms} ms`, () => {
      expect(formatClock(ms)).toBe(expected);
    });
  }
});

describe('formatRelative', () => {
  const now = Date.UTC(2025, 5, 15, 12, 0, 0);
  const minute = 60_000;
  const cases: Array<[number, string]> = [
    [0, 'just now'],
    [30_000, 'just now'],
    [-30_000, 'just now'],
    [50_000, '1 min ago'],
    [3 * minute, '3 min ago'],
    [59.9 * minute, '59 min ago'],
    [60 * minute, '1 h ago'],
    [23.9 * 60 * minute, '23 h ago'],
    [24 * 60 * minute, '1 day ago'],
    [3 * 24 * 60 * minute, '3 days ago'],
  ];
  for (const [agoMs, expected] of cases) {
    it(`formats ${agoMs} ms ago`, () => {
      expect(formatRelative(now - agoMs, now, 'en-US')).toBe(expected);
    });
  }

  it('shows a date after a week', () => {
    const text = formatRelative(now - 8 * 24 * 60 * minute, now, 'en-US');
    expect(text).toMatch(/Jun \d+, 2025/);
  });

  it('shows a date for future times', () => {
    expect(formatRelative(now + 10 * minute, now, 'en-US')).toMatch(/Jun 15, 2025/);
  });
});
