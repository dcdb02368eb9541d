import { sessionEndEvent, sessionStartEvent } from '@reprise/protocol';
import { sql, type RawBuilder } from 'kysely';
import type { Dialect } from '../store/metadata/migrations.js';
import { identityJoin, personOf } from './identity.js';

/**
 * SQL fragments that read the rows of one event name: stored events, or the derived
 * `Session Start` and `Session End` events, which are the first and last event of each row
 * of `user_sessions`. Every report reads events through this, so derived events work
 * wherever stored ones do.
 */
export interface EventSource {
  /** `from` clause, with aliases `e` or `s`, and `i` for the identity join of events. */
  from: RawBuilder<unknown>;
  /** Conditions: the project, the name, and `start <= time < end`. */
  where: RawBuilder<unknown>;
  time: RawBuilder<number>;
  /** Canonical user id (the identity rule). */
  person: RawBuilder<string | null>;
  replayId: RawBuilder<string | null>;
  deviceId: RawBuilder<string | null>;
  /** The property's value as text; null when missing, and always null for session events. */
  propertyText(property: string): RawBuilder<string | null>;
}

/** Returns whether a report event name is one of the derived session events. */
export function isSessionEvent(name: string): boolean {
  return name === sessionStartEvent || name === sessionEndEvent;
}

/**
 * Returns the source of one event name between `range.start` and `range.end`. Without
 * `withPeople`, the identity join is left out and `person` must not be used: counting events
 * needs no user.
 */
export function eventSource(
  dialect: Dialect,
  projectId: string,
  name: string,
  range: { start: number; end: number },
  withPeople = true,
): EventSource {
  if (isSessionEvent(name)) return sessionSource(projectId, name, range);
  return {
    from: withPeople ? sql`events e ${identityJoin('e')}` : sql`events e`,
    where: sql`e.project_id = ${projectId} and e.name = ${name} and e.time_ms >= ${range.start} and e.time_ms < ${range.end}`,
    time: sql.raw('e.time_ms'),
    person: personOf('e'),
    replayId: sql.raw('e.replay_id'),
    deviceId: sql.raw('e.device_id'),
    propertyText: (property) => propertyText(dialect, property),
  };
}

function sessionSource(
  projectId: string,
  name: string,
  range: { start: number; end: number },
): EventSource {
  const column = sql.raw(name === sessionStartEvent ? 's.start_ms' : 's.end_ms');
  return {
    from: sql`user_sessions s`,
    where: sql`s.project_id = ${projectId} and ${column} >= ${range.start} and ${column} < ${range.end}`,
    time: sql<number>`${column}`,
    person: sql.raw('s.person_id'),
    replayId: sql`cast(null as text)`,
    deviceId: sql`cast(null as text)`,
    propertyText: () => sql`cast(null as text)`,
  };
}

/**
 * Reads a property of `e.properties` as text, the same way on both databases: strings as they
 * are, numbers in JSON notation, booleans as `true`/`false`, JSON null and a missing property
 * as NULL, objects and arrays as JSON.
 */
export function propertyText(dialect: Dialect, property: string): RawBuilder<string | null> {
  if (dialect === 'postgres') return sql`(e.properties ->> ${property})`;
  // SQLite's json_extract returns 1 and 0 for JSON booleans, so json_type distinguishes them.
  // The request schema rejects property names with double quotes, which a path cannot quote.
  const path = `$."${property}"`;
  return sql`(case json_type(e.properties, ${path})
    when 'true' then 'true' when 'false' then 'false'
    else cast(json_extract(e.properties, ${path}) as text) end)`;
}
