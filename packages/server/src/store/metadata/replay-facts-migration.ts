import { sql, type Kysely, type Migration } from 'kysely';

/**
 * `0005-replay-facts`: what ingestion needs to update a replay's facts from a new chunk alone.
 * `chunk_active_ms` is the sum of the chunks' active time before the cap at the duration, and
 * each `*_seq` column is the seq of the chunk that the identity column or first URL comes from.
 * Existing replays get them from their chunk rows at once.
 */
export const replayFactsMigration: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .alterTable('replays')
      .addColumn('chunk_active_ms', 'bigint', (c) => c.notNull().defaultTo(0))
      .execute();
    for (const column of ['first_url_seq', 'device_id_seq', 'user_id_seq', 'distinct_id_seq']) {
      await db.schema.alterTable('replays').addColumn(column, 'integer').execute();
    }
    await fillReplayFactColumns(db);
  },
};

/** Sets the columns that `0005-replay-facts` adds from each replay's chunk rows. */
export async function fillReplayFactColumns(db: Kysely<unknown>): Promise<void> {
  // The same rules as `recomputeReplayFacts`: user and distinct ids come from chunks of the
  // replay's device or of no device.
  const chunksOfReplay = sql`c.project_id = replays.project_id and c.replay_id = replays.id`;
  const sameDevice = sql`(replays.device_id is null or c.device_id is null or c.device_id = replays.device_id)`;
  await sql`
      update replays set
        chunk_active_ms = coalesce(
          (select sum(c.active_ms) from replay_chunks c where ${chunksOfReplay}), 0),
        first_url_seq = (select min(c.seq) from replay_chunks c
          where ${chunksOfReplay} and c.first_url is not null),
        device_id_seq = (select min(c.seq) from replay_chunks c
          where ${chunksOfReplay} and c.device_id is not null),
        user_id_seq = (select min(c.seq) from replay_chunks c
          where ${chunksOfReplay} and c.user_id is not null and ${sameDevice}),
        distinct_id_seq = (select min(c.seq) from replay_chunks c
          where ${chunksOfReplay} and c.distinct_id is not null and ${sameDevice})
  `.execute(db);
}
