import type { AnalyticsEvent } from '@reprise/protocol';
import type { Kysely } from 'kysely';
import type { EventRow } from '../store/metadata/index.js';
import { readJsonObject } from '../store/metadata/json.js';
import type { Database } from '../store/metadata/schema.js';
import { chunks } from './identity.js';

/**
 * Counts the analytics events linked to each replay (their `$mp_replay_id`), with one indexed
 * query per page of replays.
 */
export async function countLinkedEvents(
  db: Kysely<Database>,
  projectId: string,
  replayIds: readonly string[],
): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  for (const part of chunks(replayIds, 500)) {
    const rows = await db
      .selectFrom('events')
      .select(['replay_id', (eb) => eb.fn.countAll().as('count')])
      .where('project_id', '=', projectId)
      .where('replay_id', 'in', part)
      .groupBy('replay_id')
      .execute();
    for (const row of rows) counts.set(row.replay_id as string, Number(row.count));
  }
  return counts;
}

/** Converts a stored event row to its API form. */
export function toAnalyticsEvent(row: EventRow): AnalyticsEvent {
  return {
    insertId: row.insert_id,
    name: row.name,
    time: Number(row.time_ms),
    distinctId: row.distinct_id,
    userId: row.user_id,
    deviceId: row.device_id,
    replayId: row.replay_id,
    currentUrl: row.current_url,
    properties: readJsonObject(row.properties),
  };
}
