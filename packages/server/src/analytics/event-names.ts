import { sessionEndEvent, sessionStartEvent, type EventNameList } from '@reprise/protocol';
import { sql, type Kysely } from 'kysely';
import type { Database } from '../store/metadata/schema.js';

/** Most stored event names listed for a project. */
export const maxEventNames = 1_000;

/**
 * Lists the event names seen in a project, then the derived session events. Walks the
 * `(project_id, name, time_ms)` index from name to name with a recursive query, so the cost
 * grows with the number of names and not of events.
 */
export async function listEventNames(
  db: Kysely<Database>,
  projectId: string,
): Promise<EventNameList> {
  const result = await sql<{ name: string }>`
    with recursive names (name, position) as (
      select (select min(name) from events where project_id = ${projectId}), 1
      union all
      select (select min(e.name) from events e where e.project_id = ${projectId} and e.name > names.name),
        position + 1
      from names
      where names.name is not null and position < ${sql.lit(maxEventNames)}
    )
    select name from names where name is not null`.execute(db);

  const stored = result.rows.map((row) => ({ name: row.name, derived: false }));
  const derived = [sessionStartEvent, sessionEndEvent].map((name) => ({ name, derived: true }));
  return { names: [...stored, ...derived] };
}
