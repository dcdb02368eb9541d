import type { ReportReplayList } from '@reprise/protocol';
import { sql, type Kysely, type RawBuilder } from 'kysely';
import type { Dialect } from '../store/metadata/migrations.js';
import type { Database } from '../store/metadata/schema.js';
import { eventSource, type EventSource } from './event-source.js';
import { linkReplays, type Occurrence } from './replay-links.js';

/** Most events of one bucket looked at for replays, newest first. */
export const maxScannedEvents = 2_000;

export interface EventReplaysQuery {
  event: string;
  start: number;
  end: number;
  series?: { property: string; value?: string | null; otherThan?: Array<string | null> };
  limit: number;
}

/**
 * Lists the replays in which an event fired between `start` and `end`, newest first, each
 * opened at the event's first firing in that replay. Looks at the newest `maxScannedEvents`
 * events of the bucket only.
 */
export async function findEventReplays(
  db: Kysely<Database>,
  dialect: Dialect,
  projectId: string,
  query: EventReplaysQuery,
): Promise<ReportReplayList> {
  const source = eventSource(dialect, projectId, query.event, query);
  const result = await sql<{
    time_ms: number | string;
    person_id: string | null;
    device_id: string | null;
    replay_id: string | null;
  }>`
    select ${source.time} as time_ms, ${source.person} as person_id,
      ${source.deviceId} as device_id, ${source.replayId} as replay_id
    from ${source.from}
    where ${source.where} and ${seriesCondition(source, query.series)}
    order by 1 desc
    limit ${sql.lit(maxScannedEvents)}`.execute(db);

  // Oldest first, so that each replay keeps the event's first firing in the bucket.
  const occurrences: Occurrence[] = result.rows.reverse().map((row) => ({
    eventName: query.event,
    personId: row.person_id,
    deviceId: row.device_id,
    replayId: row.replay_id,
    time: Number(row.time_ms),
  }));
  const replays = await linkReplays(db, projectId, occurrences);
  replays.sort((a, b) => b.eventAt - a.eventAt);
  return { replays: replays.slice(0, query.limit), scannedEvents: occurrences.length };
}

/** Restricts rows to one series of a broken-down report; true without a series. */
function seriesCondition(
  source: EventSource,
  series: EventReplaysQuery['series'],
): RawBuilder<unknown> {
  if (!series) return sql`1 = 1`;
  const value = source.propertyText(series.property);
  if (series.otherThan) {
    const named = series.otherThan.filter((item): item is string => item !== null);
    const checks: RawBuilder<unknown>[] = [];
    if (named.length > 0) checks.push(sql`${value} in (${sql.join(named)})`);
    if (series.otherThan.includes(null)) checks.push(sql`${value} is null`);
    if (checks.length === 0) return sql`1 = 1`;
    // A CASE, because `value in (…)` is NULL for a missing value, and NOT NULL is not true.
    return sql`(case when ${sql.join(checks, sql` or `)} then 0 else 1 end) = 1`;
  }
  if (series.value === null || series.value === undefined) return sql`${value} is null`;
  return sql`${value} = ${series.value}`;
}
