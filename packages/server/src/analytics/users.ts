import type { UserSummary } from '@reprise/protocol';
import { sql, type Kysely, type RawBuilder } from 'kysely';
import type { ReplayWithProfile } from '../store/metadata/index.js';
import type { Database } from '../store/metadata/schema.js';
import { chunks, devicesOfUsers, identityJoin, personOf } from './identity.js';

/** Position after the last row of a page: a sort value and the id that breaks ties. */
export interface PageAfter {
  value: number;
  id: string;
}

export interface UserRow {
  person_id: string;
  first_seen_ms: number;
  last_seen_ms: number;
}

/**
 * Lists users by last seen, newest first. `search` matches the canonical user id or a device
 * id exactly, or part of the profile's name or email, ignoring case.
 */
export async function listUsers(
  db: Kysely<Database>,
  projectId: string,
  options: { search?: string; limit: number; after?: PageAfter },
): Promise<UserRow[]> {
  let query = db
    .selectFrom('analytics_users as u')
    .select(['u.person_id', 'u.first_seen_ms', 'u.last_seen_ms'])
    .where('u.project_id', '=', projectId);

  const text = options.search?.trim() ?? '';
  if (text !== '') {
    const pattern = `%${escapeLike(text.toLowerCase())}%`;
    const like = sql<string>`${pattern} escape '\\'`;
    query = query.where((eb) =>
      eb.or([
        eb('u.person_id', '=', text),
        eb(
          'u.person_id',
          'in',
          eb
            .selectFrom('identities')
            .select('user_id')
            .where('project_id', '=', projectId)
            .where('device_id', '=', text.replace(/^\$device:/, '')),
        ),
        eb.exists(
          eb
            .selectFrom('profiles as p')
            .select('p.distinct_id')
            .whereRef('p.project_id', '=', 'u.project_id')
            .whereRef('p.distinct_id', '=', 'u.person_id')
            .where((inner) =>
              inner.or([
                inner(inner.fn('lower', ['p.name']), 'like', like),
                inner('p.email', 'like', like),
              ]),
            ),
        ),
      ]),
    );
  }
  if (options.after) {
    const { value, id } = options.after;
    query = query.where((eb) =>
      eb.or([
        eb('u.last_seen_ms', '<', value),
        eb.and([eb('u.last_seen_ms', '=', value), eb('u.person_id', '<', id)]),
      ]),
    );
  }
  const rows = await query
    .orderBy('u.last_seen_ms', 'desc')
    .orderBy('u.person_id', 'desc')
    .limit(options.limit)
    .execute();
  return rows.map((row) => ({
    ...row,
    first_seen_ms: Number(row.first_seen_ms),
    last_seen_ms: Number(row.last_seen_ms),
  }));
}

export async function getUserRow(
  db: Kysely<Database>,
  projectId: string,
  personId: string,
): Promise<UserRow | undefined> {
  const row = await db
    .selectFrom('analytics_users')
    .select(['person_id', 'first_seen_ms', 'last_seen_ms'])
    .where('project_id', '=', projectId)
    .where('person_id', '=', personId)
    .executeTakeFirst();
  return (
    row && {
      ...row,
      first_seen_ms: Number(row.first_seen_ms),
      last_seen_ms: Number(row.last_seen_ms),
    }
  );
}

/** Adds profile names and emails and counts of events and replays to a page of users. */
export async function summarizeUsers(
  db: Kysely<Database>,
  projectId: string,
  rows: readonly UserRow[],
): Promise<UserSummary[]> {
  const people = rows.map((row) => row.person_id);
  const devices = (await devicesOfUsers(db, projectId, people)).map((row) => row.device_id);
  const profiles = await profilesOf(db, projectId, people);
  const events = await countByPerson(db, 'events', projectId, people, devices);
  const replays = await countByPerson(db, 'replays', projectId, people, devices);
  return rows.map((row) => ({
    id: row.person_id,
    name: profiles.get(row.person_id)?.name ?? null,
    email: profiles.get(row.person_id)?.email ?? null,
    firstSeenAt: row.first_seen_ms,
    lastSeenAt: row.last_seen_ms,
    eventCount: events.get(row.person_id) ?? 0,
    replayCount: replays.get(row.person_id) ?? 0,
  }));
}

const ownedTables = {
  e: { table: 'events', key: 'insert_id' },
  r: { table: 'replays', key: 'id' },
} as const;

/**
 * Selects the keys of the rows of `events` (alias `e`) or `replays` (alias `r`) whose user id
 * or distinct id is one of `people`, or whose device is one of `devices`. It is a union of
 * three indexed lookups, because both databases scan the whole project when the same three
 * tests are joined with OR.
 */
function ownedKeys(
  alias: 'e' | 'r',
  projectId: string,
  people: readonly string[],
  devices: readonly string[],
): RawBuilder<unknown> {
  const { table, key } = ownedTables[alias];
  const lookup = (column: string, ids: readonly string[]) =>
    sql`select ${sql.raw(key)} from ${sql.raw(table)} where project_id = ${projectId} and ${sql.raw(column)} in (${sql.join(ids)})`;
  const lookups = [lookup('user_id', people), lookup('distinct_id', people)];
  if (devices.length > 0) lookups.push(lookup('device_id', devices));
  return sql.join(lookups, sql` union all `);
}

/**
 * Condition on rows aliased `alias` (with `identityJoin(alias)`): the identity rule gives the
 * row to one of `people`, whose devices are `devices`.
 */
export function ownedBy(
  alias: 'e' | 'r',
  projectId: string,
  people: readonly string[],
  devices: readonly string[],
): RawBuilder<unknown> {
  const { key } = ownedTables[alias];
  return sql`${sql.raw(`${alias}.project_id`)} = ${projectId}
    and ${sql.raw(`${alias}.${key}`)} in (${ownedKeys(alias, projectId, people, devices)})
    and ${personOf(alias)} in (${sql.join(people)})`;
}

/**
 * `from` clause over one user's rows, for pages sorted by time. The CROSS JOIN makes SQLite
 * start from the user's keys: it would otherwise walk the project's time index in order and
 * test every row, because it has no statistics to tell that a user has few rows.
 */
function ownedRows(
  alias: 'e' | 'r',
  projectId: string,
  personId: string,
  devices: readonly string[],
): { from: RawBuilder<unknown>; where: RawBuilder<unknown> } {
  const { table, key } = ownedTables[alias];
  const keys = ownedKeys(alias, projectId, [personId], devices);
  return {
    from: sql`(select distinct ${sql.raw(key)} from (${keys}) as found) as owned
      cross join ${sql.raw(`${table} ${alias}`)} ${identityJoin(alias)}`,
    where: sql`${sql.raw(`${alias}.project_id`)} = ${projectId}
      and ${sql.raw(`${alias}.${key} = owned.${key}`)}
      and ${personOf(alias)} = ${personId}`,
  };
}

async function countByPerson(
  db: Kysely<Database>,
  table: 'events' | 'replays',
  projectId: string,
  people: readonly string[],
  devices: readonly string[],
): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  if (people.length === 0) return counts;
  const alias = table === 'events' ? 'e' : 'r';
  const result = await sql<{ person_id: string; n: number | string }>`
    select ${personOf(alias)} as person_id, count(*) as n
    from ${sql.raw(`${table} ${alias}`)} ${identityJoin(alias)}
    where ${ownedBy(alias, projectId, people, devices)}
    group by 1`.execute(db);
  for (const row of result.rows) counts.set(row.person_id, Number(row.n));
  return counts;
}

/** Returns the name and email of each id's profile, for ids that have one. */
export async function profilesOf(
  db: Kysely<Database>,
  projectId: string,
  ids: readonly (string | null)[],
): Promise<Map<string, { name: string | null; email: string | null }>> {
  const wanted = [...new Set(ids.filter((id): id is string => id !== null))];
  const found = new Map<string, { name: string | null; email: string | null }>();
  for (const part of chunks(wanted, 500)) {
    const rows = await db
      .selectFrom('profiles')
      .select(['distinct_id', 'name', 'email'])
      .where('project_id', '=', projectId)
      .where('distinct_id', 'in', part)
      .execute();
    for (const row of rows) found.set(row.distinct_id, { name: row.name, email: row.email });
  }
  return found;
}

/** Lists a user's events (the identity rule), newest first, after `after` (time, insert id). */
export async function listUserEvents(
  db: Kysely<Database>,
  projectId: string,
  personId: string,
  options: { limit: number; after?: PageAfter },
) {
  const devices = (await devicesOfUsers(db, projectId, [personId])).map((row) => row.device_id);
  const after = options.after
    ? sql`and (e.time_ms < ${options.after.value} or (e.time_ms = ${options.after.value} and e.insert_id < ${options.after.id}))`
    : sql``;
  const owned = ownedRows('e', projectId, personId, devices);
  const result = await sql<Database['events']>`
    select e.* from ${owned.from}
    where ${owned.where} ${after}
    order by e.time_ms desc, e.insert_id desc
    limit ${sql.lit(options.limit)}`.execute(db);
  return result.rows;
}

/** Lists a user's replays (the identity rule), newest first, after `after` (start, id). */
export async function listUserReplays(
  db: Kysely<Database>,
  projectId: string,
  personId: string,
  options: { limit: number; after?: PageAfter },
): Promise<ReplayWithProfile[]> {
  const devices = (await devicesOfUsers(db, projectId, [personId])).map((row) => row.device_id);
  const after = options.after
    ? sql`and (r.started_at < ${options.after.value} or (r.started_at = ${options.after.value} and r.id < ${options.after.id}))`
    : sql``;
  const owned = ownedRows('r', projectId, personId, devices);
  const result = await sql<ReplayWithProfile>`
    select r.*, p.name as profile_name, p.email as profile_email
    from ${owned.from}
    left join profiles p on p.project_id = r.project_id and p.distinct_id = ${personId}
    where ${owned.where} ${after}
    order by r.started_at desc, r.id desc
    limit ${sql.lit(options.limit)}`.execute(db);
  return result.rows;
}

export async function countUserSessions(
  db: Kysely<Database>,
  projectId: string,
  personId: string,
): Promise<number> {
  const row = await db
    .selectFrom('user_sessions')
    .select((eb) => eb.fn.countAll().as('count'))
    .where('project_id', '=', projectId)
    .where('person_id', '=', personId)
    .executeTakeFirstOrThrow();
  return Number(row.count);
}

function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (character) => `\\${character}`);
}
