import type { Kysely, Migration } from 'kysely';

/**
 * `0004-snapshot-time`: the timestamp of each chunk's earliest full snapshot, so that the
 * player can start a replay from the snapshot nearest to a position. Chunks stored before keep
 * null, because their events are only in the blob store.
 */
export const snapshotTimeMigration: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema.alterTable('replay_chunks').addColumn('full_snapshot_ts', 'bigint').execute();
  },
};
