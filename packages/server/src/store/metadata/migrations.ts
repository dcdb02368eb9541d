import { sql, type Kysely, type Migration, type MigrationProvider } from 'kysely';
import { analyticsMigration } from './analytics-migration.js';
import { lifecycleMigration } from './lifecycle-migration.js';
import { replayFactsMigration } from './replay-facts-migration.js';
import { snapshotTimeMigration } from './snapshot-time-migration.js';

export type Dialect = 'sqlite' | 'postgres';

/**
 * Versioned migrations, applied in name order at start. Never edit a released migration: add
 * the next one. Column types differ per dialect only for JSON (TEXT or JSONB).
 */
function migrationsFor(dialect: Dialect): Record<string, Migration> {
  const json = dialect === 'postgres' ? sql`jsonb` : sql`text`;
  const emptyObject = dialect === 'postgres' ? sql`'{}'::jsonb` : sql`'{}'`;

  return {
    '0001-initial': {
      async up(db: Kysely<unknown>) {
        await db.schema
          .createTable('projects')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('name', 'text', (c) => c.notNull())
          .addColumn('token', 'text', (c) => c.notNull().unique())
          .addColumn('retention_days', 'integer', (c) => c.notNull())
          .addColumn('sdk_config', 'text', (c) => c.notNull().defaultTo('{}'))
          .addColumn('created_at', 'bigint', (c) => c.notNull())
          .execute();

        await db.schema
          .createTable('members')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('email', 'text', (c) => c.notNull().unique())
          .addColumn('password_hash', 'text')
          .addColumn('role', 'text', (c) => c.notNull())
          .addColumn('created_at', 'bigint', (c) => c.notNull())
          .addColumn('created_by', 'text')
          .execute();

        await db.schema
          .createTable('member_sessions')
          .addColumn('id_hash', 'text', (c) => c.primaryKey())
          .addColumn('member_id', 'text', (c) =>
            c.notNull().references('members.id').onDelete('cascade'),
          )
          .addColumn('created_at', 'bigint', (c) => c.notNull())
          .addColumn('expires_at', 'bigint', (c) => c.notNull())
          .execute();

        await db.schema
          .createTable('invites')
          .addColumn('token_hash', 'text', (c) => c.primaryKey())
          .addColumn('email', 'text', (c) => c.notNull())
          .addColumn('role', 'text', (c) => c.notNull())
          .addColumn('created_by', 'text', (c) => c.notNull())
          .addColumn('created_at', 'bigint', (c) => c.notNull())
          .addColumn('expires_at', 'bigint', (c) => c.notNull())
          .addColumn('accepted_at', 'bigint')
          .execute();

        await db.schema
          .createTable('api_keys')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('project_id', 'text', (c) =>
            c.notNull().references('projects.id').onDelete('cascade'),
          )
          .addColumn('name', 'text', (c) => c.notNull())
          .addColumn('secret_hash', 'text', (c) => c.notNull().unique())
          .addColumn('created_at', 'bigint', (c) => c.notNull())
          .addColumn('last_used_at', 'bigint')
          .execute();

        await db.schema
          .createTable('replays')
          .addColumn('project_id', 'text', (c) => c.notNull())
          .addColumn('id', 'text', (c) => c.notNull())
          .addColumn('distinct_id', 'text')
          .addColumn('device_id', 'text')
          .addColumn('user_id', 'text')
          .addColumn('started_at', 'bigint', (c) => c.notNull())
          .addColumn('ended_at', 'bigint', (c) => c.notNull())
          .addColumn('duration_ms', 'bigint', (c) => c.notNull())
          .addColumn('active_ms', 'bigint', (c) => c.notNull())
          .addColumn('first_url', 'text')
          .addColumn('chunk_count', 'integer', (c) => c.notNull())
          .addColumn('event_count', 'integer', (c) => c.notNull())
          .addColumn('click_count', 'integer', (c) => c.notNull())
          .addColumn('rage_click_count', 'integer', (c) => c.notNull())
          .addColumn('error_count', 'integer', (c) => c.notNull())
          .addColumn('bytes', 'bigint', (c) => c.notNull())
          .addColumn('browser', 'text')
          .addColumn('os', 'text')
          .addColumn('expires_on', 'text', (c) => c.notNull())
          .addColumn('created_at', 'bigint', (c) => c.notNull())
          .addColumn('updated_at', 'bigint', (c) => c.notNull())
          .addPrimaryKeyConstraint('replays_pk', ['project_id', 'id'])
          .execute();
        await db.schema
          .createIndex('replays_recent')
          .on('replays')
          .columns(['project_id', 'started_at'])
          .execute();
        await db.schema
          .createIndex('replays_distinct_id')
          .on('replays')
          .columns(['project_id', 'distinct_id', 'started_at'])
          .execute();
        await db.schema
          .createIndex('replays_user_id')
          .on('replays')
          .columns(['project_id', 'user_id', 'started_at'])
          .execute();
        await db.schema
          .createIndex('replays_device_id')
          .on('replays')
          .columns(['project_id', 'device_id'])
          .execute();
        await db.schema.createIndex('replays_expiry').on('replays').column('expires_on').execute();

        await db.schema
          .createTable('replay_chunks')
          .addColumn('project_id', 'text', (c) => c.notNull())
          .addColumn('replay_id', 'text', (c) => c.notNull())
          .addColumn('seq', 'integer', (c) => c.notNull())
          .addColumn('first_ts', 'bigint', (c) => c.notNull())
          .addColumn('last_ts', 'bigint', (c) => c.notNull())
          .addColumn('event_count', 'integer', (c) => c.notNull())
          .addColumn('click_count', 'integer', (c) => c.notNull())
          .addColumn('rage_click_count', 'integer', (c) => c.notNull())
          .addColumn('error_count', 'integer', (c) => c.notNull())
          .addColumn('active_ms', 'bigint', (c) => c.notNull())
          .addColumn('bytes', 'bigint', (c) => c.notNull())
          .addColumn('decompressed_bytes', 'bigint', (c) => c.notNull())
          .addColumn('encoding', 'text', (c) => c.notNull())
          .addColumn('blob_key', 'text', (c) => c.notNull())
          .addColumn('has_full_snapshot', 'integer', (c) => c.notNull())
          .addColumn('first_url', 'text')
          .addColumn('distinct_id', 'text')
          .addColumn('device_id', 'text')
          .addColumn('user_id', 'text')
          .addColumn('received_at', 'bigint', (c) => c.notNull())
          .addPrimaryKeyConstraint('replay_chunks_pk', ['project_id', 'replay_id', 'seq'])
          .execute();

        await db.schema
          .createTable('events')
          .addColumn('project_id', 'text', (c) => c.notNull())
          .addColumn('insert_id', 'text', (c) => c.notNull())
          .addColumn('name', 'text', (c) => c.notNull())
          .addColumn('distinct_id', 'text')
          .addColumn('device_id', 'text')
          .addColumn('user_id', 'text')
          .addColumn('time_ms', 'bigint', (c) => c.notNull())
          .addColumn('replay_id', 'text')
          .addColumn('current_url', 'text')
          .addColumn('properties', json, (c) => c.notNull().defaultTo(emptyObject))
          .addColumn('received_at', 'bigint', (c) => c.notNull())
          .addPrimaryKeyConstraint('events_pk', ['project_id', 'insert_id'])
          .execute();
        await db.schema
          .createIndex('events_name_time')
          .on('events')
          .columns(['project_id', 'name', 'time_ms'])
          .execute();
        await db.schema
          .createIndex('events_distinct_id_time')
          .on('events')
          .columns(['project_id', 'distinct_id', 'time_ms'])
          .execute();
        await db.schema
          .createIndex('events_replay')
          .on('events')
          .columns(['project_id', 'replay_id', 'time_ms'])
          .execute();

        await db.schema
          .createTable('profiles')
          .addColumn('project_id', 'text', (c) => c.notNull())
          .addColumn('distinct_id', 'text', (c) => c.notNull())
          .addColumn('name', 'text')
          .addColumn('email', 'text')
          .addColumn('properties', json, (c) => c.notNull().defaultTo(emptyObject))
          .addColumn('created_at', 'bigint', (c) => c.notNull())
          .addColumn('updated_at', 'bigint', (c) => c.notNull())
          .addPrimaryKeyConstraint('profiles_pk', ['project_id', 'distinct_id'])
          .execute();
        await db.schema
          .createIndex('profiles_email')
          .on('profiles')
          .columns(['project_id', 'email'])
          .execute();
        await db.schema
          .createIndex('profiles_name')
          .on('profiles')
          .columns(['project_id', 'name'])
          .execute();

        await db.schema
          .createTable('identities')
          .addColumn('project_id', 'text', (c) => c.notNull())
          .addColumn('device_id', 'text', (c) => c.notNull())
          .addColumn('user_id', 'text', (c) => c.notNull())
          .addColumn('created_at', 'bigint', (c) => c.notNull())
          .addPrimaryKeyConstraint('identities_pk', ['project_id', 'device_id'])
          .execute();
        await db.schema
          .createIndex('identities_user')
          .on('identities')
          .columns(['project_id', 'user_id'])
          .execute();

        await db.schema
          .createTable('group_profiles')
          .addColumn('project_id', 'text', (c) => c.notNull())
          .addColumn('group_key', 'text', (c) => c.notNull())
          .addColumn('group_id', 'text', (c) => c.notNull())
          .addColumn('properties', json, (c) => c.notNull().defaultTo(emptyObject))
          .addColumn('updated_at', 'bigint', (c) => c.notNull())
          .addPrimaryKeyConstraint('group_profiles_pk', ['project_id', 'group_key', 'group_id'])
          .execute();
      },
    },
    '0002-lifecycle': lifecycleMigration,
    '0003-analytics': analyticsMigration,
    '0004-snapshot-time': snapshotTimeMigration,
    '0005-replay-facts': replayFactsMigration,
  };
}

export class CodeMigrationProvider implements MigrationProvider {
  constructor(private readonly dialect: Dialect) {}

  async getMigrations(): Promise<Record<string, Migration>> {
    return migrationsFor(this.dialect);
  }
}
