import type { Kysely, Migration } from 'kysely';

/**
 * `0002-lifecycle`: deletion requests, the ids that ingestion drops while a request is open and
 * shortly after, and indexes that let a deletion find every chunk of a user.
 */
export const lifecycleMigration: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('deletion_requests')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('project_id', 'text', (c) => c.notNull())
      .addColumn('requested_by', 'text', (c) => c.notNull())
      .addColumn('requested_by_member_id', 'text')
      .addColumn('requested_by_api_key_id', 'text')
      .addColumn('distinct_ids', 'text', (c) => c.notNull())
      .addColumn('id_count', 'integer', (c) => c.notNull())
      .addColumn('resolved_id_count', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('error', 'text')
      .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('claim_token', 'text')
      .addColumn('heartbeat_at', 'bigint')
      .addColumn('retry_at', 'bigint')
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('started_at', 'bigint')
      .addColumn('finished_at', 'bigint')
      .addColumn('drop_until', 'bigint')
      .addColumn('deleted_replays', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('deleted_chunks', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('deleted_blobs', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('deleted_events', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('deleted_profiles', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('deleted_identities', 'integer', (c) => c.notNull().defaultTo(0))
      .execute();
    await db.schema
      .createIndex('deletion_requests_recent')
      .on('deletion_requests')
      .columns(['project_id', 'created_at'])
      .execute();
    await db.schema
      .createIndex('deletion_requests_status')
      .on('deletion_requests')
      .columns(['status', 'created_at'])
      .execute();

    await db.schema
      .createTable('deletion_request_ids')
      .addColumn('request_id', 'text', (c) =>
        c.notNull().references('deletion_requests.id').onDelete('cascade'),
      )
      .addColumn('project_id', 'text', (c) => c.notNull())
      .addColumn('id', 'text', (c) => c.notNull())
      .addColumn('drop_until', 'bigint')
      .addPrimaryKeyConstraint('deletion_request_ids_pk', ['request_id', 'id'])
      .execute();
    await db.schema
      .createIndex('deletion_request_ids_lookup')
      .on('deletion_request_ids')
      .columns(['project_id', 'id'])
      .execute();
    await db.schema
      .createIndex('deletion_request_ids_drop_until')
      .on('deletion_request_ids')
      .column('drop_until')
      .execute();

    // A replay row keeps the first identity its chunks carried. A later chunk can carry
    // another one (a second login in the same tab), and that user's deletion must find it.
    for (const column of ['distinct_id', 'device_id', 'user_id']) {
      await db.schema
        .createIndex(`replay_chunks_${column}`)
        .on('replay_chunks')
        .columns(['project_id', column])
        .execute();
    }
  },
};
