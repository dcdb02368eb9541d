import type { Kysely, Selectable, Transaction } from 'kysely';
import { peopleOperations, type PeopleOperation, type PeopleUpdate } from '@reprise/protocol';
import type { PeopleIndex } from '../../analytics/people-index.js';
import { isPlainObject, readJsonObject, stringifyJson, wellFormed } from './json.js';
import type { Database, EventTable, ProfileTable } from './schema.js';

export type EventRow = Selectable<EventTable>;
export type ProfileRow = Selectable<ProfileTable>;

/** Rows per INSERT statement, well under SQLite's limit of bound parameters. */
const insertBatchRows = 500;

/** Analytics events, user profiles, group profiles and the device-to-user map. */
export class AnalyticsStore {
  /** `people` keeps sessions and users up to date in the same transactions, when given. */
  constructor(
    private readonly db: Kysely<Database>,
    private readonly people?: PeopleIndex,
  ) {}

  /** Inserts events, skipping those whose `insert_id` is already stored; returns how many were new. */
  async insertEvents(rows: EventRow[]): Promise<number> {
    let inserted = 0;
    await this.db.transaction().execute(async (trx) => {
      for (let start = 0; start < rows.length; start += insertBatchRows) {
        const result = await trx
          .insertInto('events')
          .values(rows.slice(start, start + insertBatchRows))
          .onConflict((oc) => oc.columns(['project_id', 'insert_id']).doNothing())
          .executeTakeFirst();
        inserted += Number(result.numInsertedOrUpdatedRows ?? 0);
      }
      await this.people?.noteEvents(trx, rows);
    });
    return inserted;
  }

  async listEventsOfReplay(projectId: string, replayId: string, limit = 5000): Promise<EventRow[]> {
    return this.db
      .selectFrom('events')
      .selectAll()
      .where('project_id', '=', projectId)
      .where('replay_id', '=', replayId)
      .orderBy('time_ms')
      .limit(limit)
      .execute();
  }

  /** Returns the events of any of these identities (distinct, device or user id), oldest first. */
  async listEventsOfIdentities(projectId: string, identities: string[]): Promise<EventRow[]> {
    if (identities.length === 0) return [];
    return this.db
      .selectFrom('events')
      .selectAll()
      .where('project_id', '=', projectId)
      .where((eb) =>
        eb.or([
          eb('distinct_id', 'in', identities),
          eb('device_id', 'in', identities),
          eb('user_id', 'in', identities),
        ]),
      )
      .orderBy('time_ms')
      .execute();
  }

  async getProfile(projectId: string, distinctId: string): Promise<ProfileRow | undefined> {
    return this.db
      .selectFrom('profiles')
      .selectAll()
      .where('project_id', '=', projectId)
      .where('distinct_id', '=', distinctId)
      .executeTakeFirst();
  }

  /** Applies profile updates in the order given, in one transaction. */
  async applyPeopleUpdates(projectId: string, updates: PeopleUpdate[], now: number) {
    await this.db.transaction().execute(async (trx) => {
      for (const update of updates) await applyPeopleUpdate(trx, projectId, update, now);
    });
  }

  /** Stores that `deviceId` belonged to `userId`; the first user seen for a device stays. */
  async recordIdentity(projectId: string, deviceId: string, userId: string, now: number) {
    await this.db.transaction().execute(async (trx) => {
      await this.people?.lockDevices(trx, projectId, [deviceId]);
      const result = await trx
        .insertInto('identities')
        .values({ project_id: projectId, device_id: deviceId, user_id: userId, created_at: now })
        .onConflict((oc) => oc.columns(['project_id', 'device_id']).doNothing())
        .executeTakeFirst();
      if (Number(result.numInsertedOrUpdatedRows ?? 0) > 0) {
        await this.people?.noteIdentity(trx, projectId, deviceId, userId);
      }
    });
  }

  async setGroupProperties(
    projectId: string,
    groupKey: string,
    groupId: string,
    apply: (properties: Record<string, unknown>) => Record<string, unknown> | null,
    now: number,
  ): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      const row = await trx
        .selectFrom('group_profiles')
        .select('properties')
        .where('project_id', '=', projectId)
        .where('group_key', '=', groupKey)
        .where('group_id', '=', groupId)
        .executeTakeFirst();
      const next = apply(row ? readJsonObject(row.properties) : {});
      const key = { project_id: projectId, group_key: groupKey, group_id: groupId };
      if (next === null) {
        await trx
          .deleteFrom('group_profiles')
          .where('project_id', '=', projectId)
          .where('group_key', '=', groupKey)
          .where('group_id', '=', groupId)
          .execute();
        return;
      }
      const properties = stringifyJson(next);
      await trx
        .insertInto('group_profiles')
        .values({ ...key, properties, updated_at: now })
        .onConflict((oc) =>
          oc
            .columns(['project_id', 'group_key', 'group_id'])
            .doUpdateSet({ properties, updated_at: now }),
        )
        .execute();
    });
  }
}

async function applyPeopleUpdate(
  trx: Transaction<Database>,
  projectId: string,
  update: PeopleUpdate,
  now: number,
): Promise<void> {
  const distinctId = update.$distinct_id;
  const existing = await trx
    .selectFrom('profiles')
    .select(['properties', 'created_at'])
    .where('project_id', '=', projectId)
    .where('distinct_id', '=', distinctId)
    .executeTakeFirst();

  const next = applyPeopleOperations(existing ? readJsonObject(existing.properties) : {}, update);
  if (next === null) {
    await trx
      .deleteFrom('profiles')
      .where('project_id', '=', projectId)
      .where('distinct_id', '=', distinctId)
      .execute();
    return;
  }

  const name = profileName(next);
  const row = {
    name: name === null ? null : wellFormed(name),
    email: typeof next.$email === 'string' ? wellFormed(next.$email.toLowerCase()) : null,
    properties: stringifyJson(next),
    updated_at: now,
  };
  await trx
    .insertInto('profiles')
    .values({ project_id: projectId, distinct_id: distinctId, created_at: now, ...row })
    .onConflict((oc) => oc.columns(['project_id', 'distinct_id']).doUpdateSet(row))
    .execute();
}

/**
 * Applies the operations of one update to a profile's properties, in the order of
 * `peopleOperations`, and returns the new properties, or null when `$delete` removes the
 * profile. List operations turn a missing or scalar property into a list.
 */
export function applyPeopleOperations(
  current: Record<string, unknown>,
  update: Partial<Record<PeopleOperation, unknown>>,
): Record<string, unknown> | null {
  const properties = { ...current };
  for (const operation of peopleOperations) {
    const value = update[operation];
    if (value === undefined) continue;
    if (operation === '$delete') return null;
    if (operation === '$unset') {
      for (const name of value as string[]) delete properties[name];
      continue;
    }
    for (const [name, operand] of Object.entries(value as Record<string, unknown>)) {
      properties[name] = applyOperation(operation, properties[name], operand);
    }
  }
  return properties;
}

function applyOperation(operation: string, current: unknown, operand: unknown): unknown {
  const list = Array.isArray(current) ? current : current === undefined ? [] : [current];
  switch (operation) {
    case '$set':
      return operand;
    case '$set_once':
      return current === undefined ? operand : current;
    case '$add': {
      // A sum past the largest double becomes Infinity, which JSON cannot store: keep the value.
      const sum = (typeof current === 'number' ? current : 0) + (operand as number);
      return Number.isFinite(sum) ? sum : current;
    }
    case '$append':
      return [...list, operand];
    case '$union': {
      const merged = [...list];
      for (const item of operand as unknown[]) {
        if (!merged.some((existing) => sameValue(existing, item))) merged.push(item);
      }
      return merged;
    }
    case '$remove':
      return list.filter((existing) => !sameValue(existing, operand));
    default:
      return current;
  }
}

function sameValue(left: unknown, right: unknown): boolean {
  if (isPlainObject(left) || Array.isArray(left))
    return JSON.stringify(left) === JSON.stringify(right);
  return left === right;
}

function profileName(properties: Record<string, unknown>): string | null {
  if (typeof properties.$name === 'string' && properties.$name.trim() !== '') {
    return properties.$name;
  }
  const parts = [properties.$first_name, properties.$last_name].filter(
    (part): part is string => typeof part === 'string' && part.trim() !== '',
  );
  return parts.length > 0 ? parts.join(' ') : null;
}
