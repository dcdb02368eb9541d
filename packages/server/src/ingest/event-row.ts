import { createHash } from 'node:crypto';
import { eventTimeMs, type TrackedEvent } from '@reprise/protocol';
import type { EventRow } from '../store/metadata/index.js';
import { stringifyJson, wellFormed } from '../store/metadata/json.js';

/** Builds the stored row of a checked tracked event. */
export function eventRow(projectId: string, event: TrackedEvent, now: number): EventRow {
  const properties = event.properties;
  const text = (value: unknown) =>
    typeof value === 'string' && value !== '' ? wellFormed(value) : null;
  return {
    project_id: projectId,
    insert_id: properties.$insert_id ?? contentId(event),
    name: wellFormed(event.event),
    distinct_id: properties.distinct_id ?? null,
    device_id: text(properties.$device_id),
    user_id: text(properties.$user_id),
    time_ms: eventTimeMs(properties.time, now),
    replay_id: text(properties.$mp_replay_id),
    current_url: text(properties.$current_url),
    properties: stringifyJson(properties),
    received_at: now,
  };
}

/** Without `$insert_id`, an event is identified by its content, so a resent copy is skipped. */
function contentId(event: TrackedEvent): string {
  return createHash('sha256').update(JSON.stringify(event)).digest('hex').slice(0, 32);
}
