import type { Kysely, Migration } from 'kysely';
import { rebuildPeopleIndex } from '../../analytics/people-index.js';
import type { Database } from './schema.js';

/**
 * `0003-analytics`: users and sessions derived from events, and the event indexes that the
 * reports, the user pages and the identity rule need. Existing events are indexed at once.
 */
export const analyticsMigration: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('user_sessions')
      .addColumn('project_id', 'text', (c) => c.notNull())
      .addColumn('person_id', 'text', (c) => c.notNull())
      .addColumn('start_ms', 'bigint', (c) => c.notNull())
      .addColumn('end_ms', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('user_sessions_pk', ['project_id', 'person_id', 'start_ms'])
      .execute();
    await db.schema
      .createIndex('user_sessions_start')
      .on('user_sessions')
      .columns(['project_id', 'start_ms', 'person_id'])
      .execute();
    await db.schema
      .createIndex('user_sessions_end')
      .on('user_sessions')
      .columns(['project_id', 'end_ms', 'person_id'])
      .execute();

    await db.schema
      .createTable('analytics_users')
      .addColumn('project_id', 'text', (c) => c.notNull())
      .addColumn('person_id', 'text', (c) => c.notNull())
      .addColumn('first_seen_ms', 'bigint', (c) => c.notNull())
      .addColumn('last_seen_ms', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('analytics_users_pk', ['project_id', 'person_id'])
      .execute();
    await db.schema
      .createIndex('analytics_users_last_seen')
      .on('analytics_users')
      .columns(['project_id', 'last_seen_ms', 'person_id'])
      .execute();

    // Reports read events by name and time and need their user, device and replay: with all
    // of them in the index, charts, funnels and drill-downs never read the table's rows. It
    // starts with the columns of `events_name_time`, which it replaces. NOTE: `insert_id` is
    // left out on purpose: with it, SQLite without statistics scans this index to look up a
    // user's events instead of using `events_user_id_time`.
    await db.schema
      .createIndex('events_name_time_people')
      .on('events')
      .columns([
        'project_id',
        'name',
        'time_ms',
        'user_id',
        'device_id',
        'distinct_id',
        'replay_id',
      ])
      .execute();
    await db.schema.dropIndex('events_name_time').execute();

    // A device's events, read when `identify` ties the device to a user.
    await db.schema
      .createIndex('events_device_id')
      .on('events')
      .columns(['project_id', 'device_id'])
      .execute();
    // A user's events after login, for profiles and the identity rule.
    await db.schema
      .createIndex('events_user_id_time')
      .on('events')
      .columns(['project_id', 'user_id', 'time_ms'])
      .execute();

    await rebuildPeopleIndex(db as Kysely<Database>);
  },
};
