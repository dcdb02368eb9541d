import type { EventReport, EventReportQuery, EventSeries } from '@reprise/protocol';
import { sql, type Kysely, type RawBuilder } from 'kysely';
import type { Dialect } from '../store/metadata/migrations.js';
import type { Database } from '../store/metadata/schema.js';
import { eventSource, type EventSource } from './event-source.js';
import { bucketKeySql, planBuckets, type BucketPlan } from './time-buckets.js';

interface Measured {
  n: number | string;
}

/**
 * Runs an event report: for each event name, one series (or one per top breakdown value plus
 * "other") with the events, or the distinct users, of each bucket. One or three indexed
 * queries per event name.
 */
export async function runEventReport(
  db: Kysely<Database>,
  dialect: Dialect,
  projectId: string,
  query: EventReportQuery,
): Promise<EventReport> {
  const plan = planBuckets(query.from, query.to, query.unit, query.timeZone);
  const series: EventSeries[] = [];
  for (const name of query.events) {
    const unique = query.measure === 'unique';
    const range = { start: plan.rangeStart, end: plan.rangeEnd };
    const source = eventSource(dialect, projectId, name, range, unique);
    const context = { db, plan, source, unique };
    if (query.breakdown) {
      series.push(...(await brokenDownSeries(context, name, query.breakdown)));
    } else {
      series.push(await plainSeries(context, name));
    }
  }
  return {
    unit: query.unit,
    timeZone: query.timeZone,
    measure: query.measure,
    buckets: plan.buckets,
    series,
  };
}

interface SeriesContext {
  db: Kysely<Database>;
  plan: BucketPlan;
  source: EventSource;
  unique: boolean;
}

function measureSql(context: SeriesContext, person: RawBuilder<unknown>): RawBuilder<number> {
  return context.unique ? sql`count(distinct ${person})` : sql`count(*)`;
}

async function plainSeries(context: SeriesContext, event: string): Promise<EventSeries> {
  const { db, plan, source } = context;
  const result = await sql<Measured & { bucket: number | string }>`
    select ${bucketKeySql(plan, source.time)} as bucket, ${measureSql(context, source.person)} as n
    from ${source.from}
    where ${source.where}
    group by 1`.execute(db);

  const values = valuesByBucket(plan, result.rows);
  const total = context.unique ? await uniqueTotal(context) : sum(values);
  return { event, values, total };
}

/** Distinct users over the whole range, which is not the sum of the buckets' distinct users. */
async function uniqueTotal(context: SeriesContext): Promise<number> {
  const { db, source } = context;
  const result = await sql<Measured>`
    select count(distinct ${source.person}) as n from ${source.from} where ${source.where}`.execute(
    db,
  );
  return Number(result.rows[0]?.n ?? 0);
}

/**
 * Series of the top `limit` values of the property, ranked by the report's measure (ties by
 * value), then one "other" series for every remaining value when there are any. Events
 * without the property form the value null, which can be a top value like any other.
 */
async function brokenDownSeries(
  context: SeriesContext,
  event: string,
  breakdown: { property: string; limit: number },
): Promise<EventSeries[]> {
  const ranked = await rankValues(context, breakdown.property, breakdown.limit + 1);
  if (ranked.length === 0) {
    return [{ event, values: context.plan.buckets.map(() => 0), total: 0 }];
  }
  const top = ranked.slice(0, breakdown.limit).map((row) => row.value);
  const hasOther = ranked.length > breakdown.limit;
  const grouped = groupedByValue(context, breakdown.property, top);

  const result = await sql<
    Measured & { bucket: number | string; is_other: number | string; value: string | null }
  >`
    select bucket, is_other, value, ${measureSql(context, sql.raw('person'))} as n
    from (${grouped}) as t
    group by bucket, is_other, value`.execute(context.db);

  const series: EventSeries[] = top.map((value) => {
    const rows = result.rows.filter((row) => Number(row.is_other) === 0 && row.value === value);
    return { event, value, values: valuesByBucket(context.plan, rows), total: 0 };
  });
  if (hasOther) {
    const rows = result.rows.filter((row) => Number(row.is_other) === 1);
    const values = valuesByBucket(context.plan, rows);
    series.push({ event, value: null, isOther: true, values, total: 0 });
  }
  await fillTotals(context, breakdown.property, top, series);
  return series;
}

/** Returns values of the property with their measure, best first, at most `limit`. */
async function rankValues(context: SeriesContext, property: string, limit: number) {
  const { db, source } = context;
  const value = source.propertyText(property);
  // PostgreSQL sorts by an output column only when it is named alone, hence the outer select.
  const result = await sql<Measured & { value: string | null }>`
    select value, n from (
      select ${value} as value, ${measureSql(context, source.person)} as n
      from ${source.from}
      where ${source.where}
      group by 1
    ) as ranked
    order by n desc, case when value is null then 1 else 0 end, value
    limit ${sql.lit(limit)}`.execute(db);
  return result.rows.map((row) => ({ value: row.value, n: Number(row.n) }));
}

/**
 * Selects each row's bucket and value, with `is_other` 1 and value null for values outside
 * `top`, and its user for unique counts.
 */
function groupedByValue(
  context: SeriesContext,
  property: string,
  top: readonly (string | null)[],
): RawBuilder<unknown> {
  const { plan, source } = context;
  const value = source.propertyText(property);
  const named = top.filter((item): item is string => item !== null);
  const checks: RawBuilder<unknown>[] = [];
  if (named.length > 0) checks.push(sql`${value} in (${sql.join(named)})`);
  if (top.includes(null)) checks.push(sql`${value} is null`);
  const isTop = checks.length > 0 ? sql.join(checks, sql` or `) : sql`1 = 0`;
  const person = context.unique ? sql`, ${source.person} as person` : sql``;
  return sql`
    select ${bucketKeySql(plan, source.time)} as bucket,
      case when ${isTop} then 0 else 1 end as is_other,
      case when ${isTop} then ${value} end as value
      ${person}
    from ${source.from}
    where ${source.where}`;
}

async function fillTotals(
  context: SeriesContext,
  property: string,
  top: readonly (string | null)[],
  series: EventSeries[],
) {
  if (!context.unique) {
    for (const item of series) item.total = sum(item.values);
    return;
  }
  const result = await sql<Measured & { is_other: number | string; value: string | null }>`
    select is_other, value, count(distinct person) as n
    from (${groupedByValue(context, property, top)}) as t
    group by is_other, value`.execute(context.db);
  for (const item of series) {
    const row = result.rows.find((candidate) =>
      item.isOther
        ? Number(candidate.is_other) === 1
        : Number(candidate.is_other) === 0 && candidate.value === item.value,
    );
    item.total = Number(row?.n ?? 0);
  }
}

/** Spreads rows of (bucket number, measure) over the plan's buckets, 0 where there is none. */
function valuesByBucket(
  plan: BucketPlan,
  rows: ReadonlyArray<{ bucket: number | string; n: number | string }>,
): number[] {
  const indexOf = new Map(plan.keys.map((key, index) => [key, index]));
  const values = plan.buckets.map(() => 0);
  for (const row of rows) {
    const index = indexOf.get(Number(row.bucket));
    // NOTE: a key missing from the plan belongs to a bucket that the plan dropped as empty.
    // Only a zone whose clocks go back across midnight produces one, and its rows are lost.
    if (index !== undefined) values[index]! += Number(row.n);
  }
  return values;
}

function sum(values: readonly number[]): number {
  return values.reduce((total, value) => total + value, 0);
}
