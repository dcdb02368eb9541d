import { sessionGapMs } from '@reprise/protocol';
import { sql, type Kysely } from 'kysely';
import type { Dialect } from '../store/metadata/migrations.js';
import type { Database, EventTable } from '../store/metadata/schema.js';
import { chunks, identityJoin, ownersOfDevices, personOf } from './identity.js';
import { diffSessions, mergeSessions, type SessionSpan } from './sessions.js';

/** The event columns the index reads. */
export type IndexedEvent = Pick<
  EventTable,
  'project_id' | 'distinct_id' | 'device_id' | 'user_id' | 'time_ms'
>;

/** Lock classes of PostgreSQL advisory locks; each class is its own key space. */
const deviceLockClass = 7301;
const personLockClass = 7302;

/**
 * Keeps `user_sessions` and `analytics_users` in step with the events and identities stored.
 * Its methods run inside the transaction that stores the events or the identity, so the index
 * never disagrees with a committed event.
 *
 * On PostgreSQL, transactions that touch the same user take the same advisory locks. They lock
 * the anonymous devices whose owner they read first, then the users, each set in key order, so
 * two transactions never wait on each other in a cycle. SQLite runs one write at a time anyway.
 */
export class PeopleIndex {
  constructor(private readonly dialect: Dialect) {}

  /** Updates sessions and first/last seen times for stored events (new or repeated). */
  async noteEvents(db: Kysely<Database>, rows: readonly IndexedEvent[]): Promise<void> {
    const byProject = new Map<string, IndexedEvent[]>();
    for (const row of rows) {
      byProject.set(row.project_id, [...(byProject.get(row.project_id) ?? []), row]);
    }
    for (const [projectId, projectRows] of byProject) {
      await this.noteProjectEvents(db, projectId, projectRows);
    }
  }

  /**
   * Locks the devices on PostgreSQL. Call before inserting an identity, so that events of the
   * device stored at the same time are indexed either before it or under its user.
   */
  async lockDevices(db: Kysely<Database>, projectId: string, deviceIds: readonly string[]) {
    await this.lock(db, deviceLockClass, projectId, deviceIds);
  }

  /**
   * Moves the device's anonymous activity to the user after `identify` tied them, by
   * recomputing the sessions of the user and of each distinct id the device used before.
   */
  async noteIdentity(db: Kysely<Database>, projectId: string, deviceId: string, userId: string) {
    const rows = await db
      .selectFrom('events')
      .select('distinct_id')
      .distinct()
      .where('project_id', '=', projectId)
      .where('device_id', '=', deviceId)
      .where('user_id', 'is', null)
      .where('distinct_id', 'is not', null)
      .where('distinct_id', '<>', userId)
      .execute();
    const people = [userId, ...rows.map((row) => row.distinct_id as string)];
    await this.lock(db, personLockClass, projectId, people);
    for (const personId of people) await this.recomputePerson(db, projectId, personId);
  }

  /** Recomputes one user's sessions and seen times from all of their events. */
  async recomputePerson(db: Kysely<Database>, projectId: string, personId: string) {
    const times = await timesOfPerson(db, projectId, personId);
    await db
      .deleteFrom('user_sessions')
      .where('project_id', '=', projectId)
      .where('person_id', '=', personId)
      .execute();
    const sessions = mergeSessions([], times).map((span) => ({ personId, ...span }));
    await insertSessions(db, projectId, sessions);

    const first = times[0];
    const last = times.at(-1);
    if (first === undefined || last === undefined) {
      await db
        .deleteFrom('analytics_users')
        .where('project_id', '=', projectId)
        .where('person_id', '=', personId)
        .execute();
      return;
    }
    const seen = { first_seen_ms: first, last_seen_ms: last };
    await db
      .insertInto('analytics_users')
      .values({ project_id: projectId, person_id: personId, ...seen })
      .onConflict((oc) => oc.columns(['project_id', 'person_id']).doUpdateSet(seen))
      .execute();
  }

  /**
   * Rebuilds the sessions and users of a project, or of every project, from its events in a
   * few statements. For bulk loads and for the migration that adds the index.
   */
  async rebuild(db: Kysely<Database>, projectId?: string): Promise<void> {
    await db.transaction().execute((trx) => rebuildPeopleIndex(trx, projectId));
  }

  private async noteProjectEvents(
    db: Kysely<Database>,
    projectId: string,
    rows: readonly IndexedEvent[],
  ) {
    const anonymousDevices = unique(
      rows.filter((row) => row.user_id === null).map((row) => row.device_id),
    );
    await this.lock(db, deviceLockClass, projectId, anonymousDevices);
    const owners = await ownersOfDevices(db, projectId, anonymousDevices);

    const timesByPerson = new Map<string, number[]>();
    for (const row of rows) {
      const owner = row.device_id === null ? undefined : owners.get(row.device_id);
      const personId = row.user_id ?? owner ?? row.distinct_id;
      if (personId === null) continue;
      timesByPerson.set(personId, [...(timesByPerson.get(personId) ?? []), Number(row.time_ms)]);
    }
    if (timesByPerson.size === 0) return;

    await this.lock(db, personLockClass, projectId, [...timesByPerson.keys()]);
    await this.updateSessions(db, projectId, timesByPerson);
    await this.updateSeen(db, projectId, timesByPerson);
  }

  private async updateSessions(
    db: Kysely<Database>,
    projectId: string,
    timesByPerson: Map<string, number[]>,
  ) {
    const existing = await sessionsNear(db, projectId, timesByPerson);
    const removed: PersonSession[] = [];
    const added: PersonSession[] = [];
    for (const [personId, times] of timesByPerson) {
      const before = existing.get(personId) ?? [];
      const change = diffSessions(before, mergeSessions(before, times));
      removed.push(...change.removed.map((span) => ({ personId, ...span })));
      added.push(...change.added.map((span) => ({ personId, ...span })));
    }
    await deleteSessions(db, projectId, removed);
    await insertSessions(db, projectId, added);
  }

  private async updateSeen(
    db: Kysely<Database>,
    projectId: string,
    timesByPerson: Map<string, number[]>,
  ) {
    const rows = [...timesByPerson].map(([personId, times]) => ({
      project_id: projectId,
      person_id: personId,
      first_seen_ms: minOf(times),
      last_seen_ms: maxOf(times),
    }));
    const [least, greatest] = this.dialect === 'postgres' ? ['least', 'greatest'] : ['min', 'max'];
    for (const part of chunks(rows, 500)) {
      await db
        .insertInto('analytics_users')
        .values(part)
        .onConflict((oc) =>
          oc.columns(['project_id', 'person_id']).doUpdateSet({
            first_seen_ms: sql`${sql.raw(least)}(analytics_users.first_seen_ms, excluded.first_seen_ms)`,
            last_seen_ms: sql`${sql.raw(greatest)}(analytics_users.last_seen_ms, excluded.last_seen_ms)`,
          }),
        )
        .execute();
    }
  }

  /** Takes transaction-scoped advisory locks on PostgreSQL, in key order; SQLite needs none. */
  private async lock(
    db: Kysely<Database>,
    lockClass: number,
    projectId: string,
    ids: readonly (string | null)[],
  ) {
    if (this.dialect !== 'postgres') return;
    const keys = unique(ids.map((id) => (id === null ? null : lockKey(projectId, id))));
    if (keys.length === 0) return;
    keys.sort((a, b) => a - b);
    // The aggregate consumes the ordered subquery row by row, so the locks are taken in order.
    await sql`select count(pg_advisory_xact_lock(${lockClass}::int, k)) from (select unnest(${keys}::int[]) as k order by k) as ordered`.execute(
      db,
    );
  }
}

/** Returns the sessions of the users that may merge with the given event times. */
async function sessionsNear(
  db: Kysely<Database>,
  projectId: string,
  timesByPerson: Map<string, number[]>,
): Promise<Map<string, SessionSpan[]>> {
  const all = [...timesByPerson.values()].flat();
  const earliest = minOf(all) - sessionGapMs;
  const latest = maxOf(all) + sessionGapMs;
  const found = new Map<string, SessionSpan[]>();
  for (const part of chunks([...timesByPerson.keys()], 500)) {
    const rows = await db
      .selectFrom('user_sessions')
      .select(['person_id', 'start_ms', 'end_ms'])
      .where('project_id', '=', projectId)
      .where('person_id', 'in', part)
      .where('end_ms', '>', earliest)
      .where('start_ms', '<', latest)
      .execute();
    for (const row of rows) {
      const span = { start: Number(row.start_ms), end: Number(row.end_ms) };
      found.set(row.person_id, [...(found.get(row.person_id) ?? []), span]);
    }
  }
  return found;
}

/** A session and the user it belongs to. */
interface PersonSession extends SessionSpan {
  personId: string;
}

async function deleteSessions(
  db: Kysely<Database>,
  projectId: string,
  sessions: readonly PersonSession[],
) {
  for (const part of chunks(sessions, 300)) {
    await db
      .deleteFrom('user_sessions')
      .where('project_id', '=', projectId)
      .where((eb) =>
        eb.or(
          part.map((session) =>
            eb.and([eb('person_id', '=', session.personId), eb('start_ms', '=', session.start)]),
          ),
        ),
      )
      .execute();
  }
}

async function insertSessions(
  db: Kysely<Database>,
  projectId: string,
  sessions: readonly PersonSession[],
) {
  for (const part of chunks(sessions, 500)) {
    await db
      .insertInto('user_sessions')
      .values(
        part.map((session) => ({
          project_id: projectId,
          person_id: session.personId,
          start_ms: session.start,
          end_ms: session.end,
        })),
      )
      .execute();
  }
}

/** Returns the times of every event that the identity rule gives to the user, sorted. */
async function timesOfPerson(
  db: Kysely<Database>,
  projectId: string,
  personId: string,
): Promise<number[]> {
  const result = await sql<{ time_ms: number }>`
    select e.time_ms from events e ${identityJoin('e')}
    where e.project_id = ${projectId}
      and (e.user_id = ${personId} or e.distinct_id = ${personId} or e.device_id in (
        select device_id from identities where project_id = ${projectId} and user_id = ${personId}
      ))
      and ${personOf('e')} = ${personId}
    order by e.time_ms`.execute(db);
  return result.rows.map((row) => Number(row.time_ms));
}

/**
 * Recomputes sessions and users from events with window functions: an event starts a session
 * when the previous event of its user is `sessionGapMs` or more before it. Run it inside a
 * transaction, so that readers never see the index half built.
 */
export async function rebuildPeopleIndex(trx: Kysely<Database>, projectId?: string) {
  const scope = (column: string) =>
    projectId === undefined ? sql`1 = 1` : sql`${sql.ref(column)} = ${projectId}`;
  await sql`delete from user_sessions where ${scope('project_id')}`.execute(trx);
  await sql`delete from analytics_users where ${scope('project_id')}`.execute(trx);
  await sql`
    with resolved as (
      select e.project_id, ${personOf('e')} as person_id, e.time_ms
      from events e ${identityJoin('e')}
      where ${scope('e.project_id')}
    ), flagged as (
      select project_id, person_id, time_ms,
        case when time_ms - lag(time_ms) over (
          partition by project_id, person_id order by time_ms
        ) < ${sql.lit(sessionGapMs)} then 0 else 1 end as starts_session
      from resolved
      where person_id is not null
    ), numbered as (
      select project_id, person_id, time_ms, sum(starts_session) over (
        partition by project_id, person_id order by time_ms
        rows between unbounded preceding and current row
      ) as session_number
      from flagged
    )
    insert into user_sessions (project_id, person_id, start_ms, end_ms)
    select project_id, person_id, min(time_ms), max(time_ms)
    from numbered
    group by project_id, person_id, session_number`.execute(trx);
  await sql`
    insert into analytics_users (project_id, person_id, first_seen_ms, last_seen_ms)
    select project_id, person_id, min(start_ms), max(end_ms)
    from user_sessions
    where ${scope('project_id')}
    group by project_id, person_id`.execute(trx);
}

/** Minimum of a list too long to spread into `Math.min`. */
function minOf(values: readonly number[]): number {
  return values.reduce((min, value) => (value < min ? value : min), Number.POSITIVE_INFINITY);
}

function maxOf(values: readonly number[]): number {
  return values.reduce((max, value) => (value > max ? value : max), Number.NEGATIVE_INFINITY);
}

function unique<T>(values: readonly (T | null)[]): T[] {
  return [...new Set(values.filter((value): value is T => value !== null))];
}

/** 32-bit FNV-1a hash of the project and id, as a signed integer for `pg_advisory_xact_lock`. */
function lockKey(projectId: string, id: string): number {
  let hash = 0x811c9dc5;
  for (const character of `${projectId}\u0000${id}`) {
    hash ^= character.codePointAt(0)!;
    hash = Math.imul(hash, 0x01000193);
  }
  return hash | 0;
}
