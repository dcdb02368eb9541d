import { sql, type Kysely, type RawBuilder } from 'kysely';
import type { Database } from '../store/metadata/schema.js';

/*
 * The identity rule. Every event and replay row belongs to one canonical user id:
 *
 *   1. the row's user id (`$user_id`, sent after `identify`), else
 *   2. the user id that `identify` tied to the row's device id (the `identities` table, where
 *      the first user seen for a device stays), else
 *   3. the row's distinct id (`$device:<uuid>` before login, or whatever id the sender used).
 *
 * So a visitor's events and replays from before login belong to the user they logged in as.
 * A row without `$device_id` is resolved by rules 1 and 3 only.
 */

/** Left join of the row's device to its user, as `i`; the row's table is aliased `alias`. */
export function identityJoin(alias: 'e' | 'r'): RawBuilder<unknown> {
  return sql.raw(
    `left join identities i on i.project_id = ${alias}.project_id and i.device_id = ${alias}.device_id`,
  );
}

/** Canonical user id of the row aliased `alias`, with `identityJoin(alias)` in the query. */
export function personOf(alias: 'e' | 'r'): RawBuilder<string | null> {
  return sql.raw(`coalesce(${alias}.user_id, i.user_id, ${alias}.distinct_id)`);
}

/** Returns the user of each device that `identify` tied to one, for the given device ids. */
export async function ownersOfDevices(
  db: Kysely<Database>,
  projectId: string,
  deviceIds: readonly string[],
): Promise<Map<string, string>> {
  const owners = new Map<string, string>();
  for (const part of chunks(deviceIds, 500)) {
    const rows = await db
      .selectFrom('identities')
      .select(['device_id', 'user_id'])
      .where('project_id', '=', projectId)
      .where('device_id', 'in', part)
      .execute();
    for (const row of rows) owners.set(row.device_id, row.user_id);
  }
  return owners;
}

/** Returns the device ids that `identify` tied to any of the users. */
export async function devicesOfUsers(
  db: Kysely<Database>,
  projectId: string,
  userIds: readonly string[],
): Promise<Array<{ device_id: string; user_id: string }>> {
  const found: Array<{ device_id: string; user_id: string }> = [];
  for (const part of chunks(userIds, 500)) {
    const rows = await db
      .selectFrom('identities')
      .select(['device_id', 'user_id'])
      .where('project_id', '=', projectId)
      .where('user_id', 'in', part)
      .orderBy('device_id')
      .execute();
    found.push(...rows);
  }
  return found;
}

/**
 * Returns the canonical user id for an id a person may be looked up by: a user id stays, and
 * a device id or a `$device:<id>` distinct id becomes its user once `identify` tied it to one.
 */
export async function canonicalUserId(
  db: Kysely<Database>,
  projectId: string,
  id: string,
): Promise<string> {
  const deviceId = id.startsWith('$device:') ? id.slice('$device:'.length) : id;
  const owners = await ownersOfDevices(db, projectId, [deviceId]);
  return owners.get(deviceId) ?? id;
}

/** Splits a list into parts of at most `size` items, for `in (...)` lists. */
export function chunks<T>(items: readonly T[], size: number): T[][] {
  const parts: T[][] = [];
  for (let start = 0; start < items.length; start += size) {
    parts.push(items.slice(start, start + size));
  }
  return parts;
}
