import { describe, expect, it } from 'vitest';
import { planBuckets, zoneOffsets } from './time-buckets.js';

const hourMs = 3_600_000;

function lengthsInHours(plan: ReturnType<typeof planBuckets>): number[] {
  return plan.buckets.map((bucket) => (bucket.end - bucket.start) / hourMs);
}

describe('zone offsets', () => {
  it('finds the Paris spring change', () => {
    const offsets = zoneOffsets('Europe/Paris', Date.UTC(2030, 2, 30), Date.UTC(2030, 3, 1));
    const change = Date.UTC(2030, 2, 31, 1);
    expect(offsets.offsetAt(change - 1)).toBe(hourMs);
    expect(offsets.offsetAt(change)).toBe(2 * hourMs);
  });

  it('keeps a fixed zone fixed', () => {
    const offsets = zoneOffsets('Asia/Kolkata', Date.UTC(2030, 0, 1), Date.UTC(2030, 11, 31));
    expect(offsets.periods).toHaveLength(1);
    expect(offsets.offsetAt(Date.UTC(2030, 5, 1))).toBe(5.5 * hourMs);
  });
});

describe('bucket plan', () => {
  it('days start at local midnight', () => {
    const plan = planBuckets('2030-01-10', '2030-01-11', 'day', 'America/New_York');
    expect(plan.buckets.map((bucket) => bucket.start)).toEqual([
      Date.UTC(2030, 0, 10, 5),
      Date.UTC(2030, 0, 11, 5),
    ]);
    expect(plan.rangeEnd).toBe(Date.UTC(2030, 0, 12, 5));
    expect(plan.buckets.map((bucket) => bucket.label)).toEqual(['2030-01-10', '2030-01-11']);
  });

  it('spring day has 23 hours', () => {
    const plan = planBuckets('2030-03-30', '2030-04-01', 'day', 'Europe/Paris');
    expect(lengthsInHours(plan)).toEqual([24, 23, 24]);
    expect(plan.buckets[1]!.start).toBe(Date.UTC(2030, 2, 30, 23));
  });

  it('autumn day has 25 hours', () => {
    const plan = planBuckets('2030-10-26', '2030-10-28', 'day', 'Europe/Paris');
    expect(lengthsInHours(plan)).toEqual([24, 25, 24]);
  });

  it('spring day has 23 hourly buckets', () => {
    const plan = planBuckets('2030-03-31', '2030-03-31', 'hour', 'Europe/Paris');
    expect(plan.buckets).toHaveLength(23);
    expect(plan.buckets.map((bucket) => bucket.label).slice(0, 3)).toEqual([
      '2030-03-31 00:00',
      '2030-03-31 01:00',
      '2030-03-31 03:00',
    ]);
  });

  it('autumn day repeats an hour', () => {
    const plan = planBuckets('2030-10-27', '2030-10-27', 'hour', 'Europe/Paris');
    expect(plan.buckets).toHaveLength(25);
    const labels = plan.buckets.map((bucket) => bucket.label);
    expect(labels.filter((label) => label === '2030-10-27 02:00')).toHaveLength(2);
    expect(new Set(plan.keys).size).toBe(25);
  });

  it('hours follow half-hour offsets', () => {
    const plan = planBuckets('2030-01-01', '2030-01-01', 'hour', 'Asia/Kolkata');
    expect(plan.buckets).toHaveLength(24);
    expect(plan.buckets[0]!.start).toBe(Date.UTC(2029, 11, 31, 18, 30));
    expect(plan.buckets[1]!.start).toBe(Date.UTC(2029, 11, 31, 19, 30));
  });

  it('weeks start on Monday', () => {
    // 2030-01-01 is a Tuesday, 2030-01-07 the next Monday.
    const plan = planBuckets('2030-01-01', '2030-01-20', 'week', 'UTC');
    expect(plan.buckets.map((bucket) => bucket.label)).toEqual([
      '2030-01-01',
      '2030-01-07',
      '2030-01-14',
    ]);
    expect(lengthsInHours(plan)).toEqual([6 * 24, 7 * 24, 7 * 24]);
  });

  it('midnight that does not exist', () => {
    // Santiago moved its clocks from 00:00 to 01:00 on 2022-09-11.
    const plan = planBuckets('2022-09-10', '2022-09-12', 'day', 'America/Santiago');
    expect(plan.buckets[1]!.start).toBe(Date.UTC(2022, 8, 11, 4));
    expect(lengthsInHours(plan)).toEqual([24, 23, 24]);
  });
});
