import { parseDateOnly, type ReportBucket, type TimeUnit } from '@reprise/protocol';
import { sql, type RawBuilder } from 'kysely';

const hourMs = 3_600_000;
const dayMs = 86_400_000;
/**
 * Offsets are sampled this often, then each change is found to the ms by bisection. No time
 * zone in the IANA database changes its offset twice within a day.
 */
const sampleStepMs = dayMs;
/** Offset tables kept for reuse, keyed by zone and range; the oldest goes first. */
const maxCachedZones = 64;
const zoneCache = new Map<string, ZoneOffsets>();

/** One stretch of time during which a time zone keeps the same UTC offset. */
interface OffsetPeriod {
  /** First ms of the period; the first period starts at -Infinity. */
  from: number;
  /** Local time minus UTC, ms. */
  offsetMs: number;
}

/** UTC offsets of one time zone over a stretch of time, read once from `Intl`. */
export class ZoneOffsets {
  constructor(readonly periods: readonly OffsetPeriod[]) {}

  /** Returns the offset at `time`, local minus UTC, ms. */
  offsetAt(time: number): number {
    let low = 0;
    let high = this.periods.length - 1;
    while (low < high) {
      const middle = Math.ceil((low + high) / 2);
      if (this.periods[middle]!.from <= time) low = middle;
      else high = middle - 1;
    }
    return this.periods[low]!.offsetMs;
  }
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

/** Reads the zone's offset at `time` from `Intl`, to the second. */
function intlOffsetAt(timeZone: string, time: number): number {
  const fields: Record<string, number> = {};
  for (const part of formatterFor(timeZone).formatToParts(time)) {
    if (part.type !== 'literal') fields[part.type] = Number(part.value);
  }
  const local = Date.UTC(
    fields.year!,
    fields.month! - 1,
    fields.day!,
    fields.hour!,
    fields.minute!,
    fields.second!,
  );
  return local - Math.floor(time / 1000) * 1000;
}

/** Returns the first ms in (`before`, `after`] at which the offset differs from `before`'s. */
function findTransition(timeZone: string, before: number, after: number): number {
  const offset = intlOffsetAt(timeZone, before);
  let low = before;
  let high = after;
  while (high - low > 1) {
    const middle = Math.floor((low + high) / 2);
    if (intlOffsetAt(timeZone, middle) === offset) low = middle;
    else high = middle;
  }
  return high;
}

/** Reads the offsets of `timeZone` from `fromMs` to `toMs`, with two days to spare on each side. */
export function zoneOffsets(timeZone: string, fromMs: number, toMs: number): ZoneOffsets {
  const key = `${timeZone}:${fromMs}:${toMs}`;
  let offsets = zoneCache.get(key);
  if (!offsets) {
    offsets = readZoneOffsets(timeZone, fromMs, toMs);
    if (zoneCache.size >= maxCachedZones) zoneCache.delete(zoneCache.keys().next().value!);
    zoneCache.set(key, offsets);
  }
  return offsets;
}

function readZoneOffsets(timeZone: string, fromMs: number, toMs: number): ZoneOffsets {
  const start = fromMs - 2 * dayMs;
  const end = toMs + 2 * dayMs;
  const periods: OffsetPeriod[] = [
    { from: Number.NEGATIVE_INFINITY, offsetMs: intlOffsetAt(timeZone, start) },
  ];
  for (let time = start; time < end; time += sampleStepMs) {
    const next = Math.min(time + sampleStepMs, end);
    const offset = intlOffsetAt(timeZone, next);
    if (offset === periods.at(-1)!.offsetMs) continue;
    periods.push({ from: findTransition(timeZone, time, next), offsetMs: offset });
  }
  return new ZoneOffsets(periods);
}

/** Returns the bucket number of a time: local days, Monday-based weeks, or hours. */
function bucketKey(unit: TimeUnit, offsets: ZoneOffsets, time: number): number {
  const offset = offsets.offsetAt(time);
  if (unit === 'hour') return Math.floor((time + positiveModulo(offset, hourMs)) / hourMs);
  const day = Math.floor((time + offset) / dayMs);
  // Day 0, 1970-01-01, was a Thursday, so day + 3 counts from Monday 1969-12-29.
  return unit === 'week' ? Math.floor((day + 3) / 7) : day;
}

function positiveModulo(value: number, divisor: number): number {
  return ((value % divisor) + divisor) % divisor;
}

/** Rough UTC start of bucket `key`, within two days of its real start. */
function approximateStart(unit: TimeUnit, key: number): number {
  if (unit === 'hour') return key * hourMs;
  if (unit === 'week') return (key * 7 - 3) * dayMs;
  return key * dayMs;
}

/**
 * Returns the first ms whose bucket is `key` or later. Bucket numbers grow with time, except
 * in a zone whose clocks go back across midnight, where the repeated hour counts twice.
 */
function bucketStart(unit: TimeUnit, offsets: ZoneOffsets, key: number): number {
  const guess = approximateStart(unit, key);
  let low = guess - 2 * dayMs;
  let high = guess + 2 * dayMs;
  while (high - low > 1) {
    const middle = Math.floor((low + high) / 2);
    if (bucketKey(unit, offsets, middle) >= key) high = middle;
    else low = middle;
  }
  return high;
}

/** The buckets of a report and how to compute a time's bucket in SQL. */
export interface BucketPlan {
  unit: TimeUnit;
  timeZone: string;
  /** Local midnight of the first day, Unix ms. */
  rangeStart: number;
  /** Local midnight after the last day. */
  rangeEnd: number;
  buckets: ReportBucket[];
  /** Bucket number of each bucket, in the order of `buckets`. */
  keys: number[];
  offsets: ZoneOffsets;
}

/**
 * Plans the buckets of a report from `from` to `to` (local dates, both included) in
 * `timeZone`. Days and weeks start at local midnight, weeks on Mondays; the first and last
 * week are cut to the range. Hours start where the local clock shows a full hour, so a day
 * with a DST change has 23 or 25 hourly buckets.
 */
export function planBuckets(
  from: string,
  to: string,
  unit: TimeUnit,
  timeZone: string,
): BucketPlan {
  const firstDay = parseDateOnly(from)! / dayMs;
  const lastDay = parseDateOnly(to)! / dayMs;
  const offsets = zoneOffsets(timeZone, firstDay * dayMs, (lastDay + 1) * dayMs);
  const rangeStart = bucketStart('day', offsets, firstDay);
  const rangeEnd = bucketStart('day', offsets, lastDay + 1);

  const buckets: ReportBucket[] = [];
  const keys: number[] = [];
  const lastKey = bucketKey(unit, offsets, rangeEnd - 1);
  for (let key = bucketKey(unit, offsets, rangeStart); key <= lastKey; key++) {
    const start = Math.max(rangeStart, bucketStart(unit, offsets, key));
    const end = Math.min(rangeEnd, bucketStart(unit, offsets, key + 1));
    if (end <= start) continue;
    buckets.push({ start, end, label: bucketLabel(unit, offsets, start) });
    keys.push(key);
  }
  return { unit, timeZone, rangeStart, rangeEnd, buckets, keys, offsets };
}

function bucketLabel(unit: TimeUnit, offsets: ZoneOffsets, start: number): string {
  const local = new Date(start + offsets.offsetAt(start)).toISOString();
  return unit === 'hour' ? `${local.slice(0, 10)} ${local.slice(11, 13)}:00` : local.slice(0, 10);
}

/**
 * Returns the SQL expression of the bucket number of `column` (Unix ms), which matches
 * `bucketKey`. The offset is a CASE over the zone's changes within the range, so each row
 * costs a few comparisons. Every number is a literal computed here, none comes from input.
 */
export function bucketKeySql(plan: BucketPlan, column: RawBuilder<unknown>): RawBuilder<number> {
  const beforeEnd = plan.offsets.periods.filter((period) => period.from < plan.rangeEnd);
  const offsetOf = (period: OffsetPeriod) =>
    plan.unit === 'hour' ? positiveModulo(period.offsetMs, hourMs) : period.offsetMs;
  const offset = offsetCase(column, beforeEnd, plan.rangeStart, offsetOf);

  if (plan.unit === 'hour') return sql<number>`((${column} + ${offset}) / ${sql.lit(hourMs)})`;
  const day = sql`((${column} + ${offset}) / ${sql.lit(dayMs)})`;
  if (plan.unit === 'week') return sql<number>`((${day} + 3) / 7)`;
  return sql<number>`${day}`;
}

/** Builds `case when column < change then offset … else offset end` for the range's changes. */
function offsetCase(
  column: RawBuilder<unknown>,
  periods: readonly OffsetPeriod[],
  rangeStart: number,
  offsetOf: (period: OffsetPeriod) => number,
): RawBuilder<number> {
  // The period in force at the range start, then each change inside the range.
  const startIndex = periods.findLastIndex((period) => period.from <= rangeStart);
  const active = periods.slice(Math.max(0, startIndex));
  const literal = (value: number) => sql.lit(value);
  if (active.length === 1) return sql<number>`(${literal(offsetOf(active[0]!))})`;

  const branches = active
    .slice(1)
    .map(
      (period, index) =>
        sql`when ${column} < ${literal(period.from)} then ${literal(offsetOf(active[index]!))}`,
    );
  const last = offsetOf(active.at(-1)!);
  return sql<number>`(case ${sql.join(branches, sql` `)} else ${literal(last)} end)`;
}
