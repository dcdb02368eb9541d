import type { Kysely } from 'kysely';
import type { Database } from '../store/metadata/schema.js';
import { splitIntoParts } from '../util/parts.js';

/** Prefix of the distinct id that the SDKs use for a device before login. */
const devicePrefix = '$device:';

/** Ids per `in (...)` list. */
const partSize = 500;

/**
 * Returns every id under which the users named by `ids` may have data: the ids themselves,
 * the users that `identify` tied their devices to, every device of those users, and the
 * `$device:<id>` distinct id of each device. So a user's data from before login and after it
 * is found from either kind of id. Each id is treated as a possible user id and as a possible
 * device id, because a request does not say which it is.
 */
export async function resolveUserIds(
  db: Kysely<Database>,
  projectId: string,
  ids: readonly string[],
): Promise<string[]> {
  const base = new Set<string>();
  for (const id of ids) {
    base.add(id);
    if (id.startsWith(devicePrefix) && id.length > devicePrefix.length) {
      base.add(id.slice(devicePrefix.length));
    }
  }

  const users = new Set(base);
  for (const userId of await selectColumn(db, projectId, 'device_id', 'user_id', [...base])) {
    users.add(userId);
  }
  const devices = new Set(base);
  for (const deviceId of await selectColumn(db, projectId, 'user_id', 'device_id', [...users])) {
    devices.add(deviceId);
  }

  const resolved = new Set([...users, ...devices]);
  for (const device of devices) {
    if (!device.startsWith(devicePrefix)) resolved.add(`${devicePrefix}${device}`);
  }
  return [...resolved].sort();
}

/** Returns `wanted` of the identity rows whose `match` column is one of `values`. */
async function selectColumn(
  db: Kysely<Database>,
  projectId: string,
  match: 'device_id' | 'user_id',
  wanted: 'device_id' | 'user_id',
  values: readonly string[],
): Promise<string[]> {
  const found: string[] = [];
  for (const part of splitIntoParts(values, partSize)) {
    const rows = await db
      .selectFrom('identities')
      .select(wanted)
      .where('project_id', '=', projectId)
      .where(match, 'in', part)
      .execute();
    found.push(...rows.map((row) => row[wanted]));
  }
  return found;
}
