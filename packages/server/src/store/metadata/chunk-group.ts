import type { Kysely, Selectable } from 'kysely';
import type { Dialect } from './migrations.js';
import {
  applyChunkChanges,
  chunkFactColumns,
  recomputeReplayFacts,
  replayFactColumns,
  type ChunkFactsRow,
  type ReplayFacts,
} from './replay-facts.js';
import type { Database, ReplayChunkTable } from './schema.js';

type ChunkRow = Selectable<ReplayChunkTable>;

/** Facts that the first chunk of a replay sets for good: its expiry and where it came from. */
export interface NewReplayFacts {
  expiresOn: string;
  browser: string | null;
  os: string | null;
}

/** One chunk of a group, in arrival order. */
export interface GroupChunk {
  chunk: ChunkRow;
  replay: NewReplayFacts;
}

/** The chunks of one replay in a group, and its stored row's facts. */
interface ReplayInGroup {
  projectId: string;
  replayId: string;
  /** Facts of the group's first chunk of this replay, used when it creates the replay. */
  replay: NewReplayFacts;
  /** The last upload of each seq, in group order. */
  chunks: Map<number, ChunkRow>;
  stored?: ReplayFacts;
}

/**
 * Stores a group of chunk rows and updates their replays' facts in the transaction `trx`. The
 * number of statements does not grow with the group: the replay rows are read once, the
 * stored rows of the same seqs once, and the chunks and the replays are each written in one
 * statement. Returns, per chunk, the blob key of the upload it replaced, if any. Of two
 * uploads of one seq in the group, the later wins and replaces the earlier.
 */
export async function writeChunkGroup(
  trx: Kysely<Database>,
  dialect: Dialect,
  group: readonly GroupChunk[],
): Promise<(string | null)[]> {
  const replays = groupByReplay(group);
  const keys = [...replays.values()];
  if (dialect === 'postgres') await createMissingReplays(trx, keys);
  await readStoredFacts(trx, keys, dialect);

  const stored = await readStoredChunks(
    trx,
    keys.filter((replay) => replay.stored !== undefined),
  );
  const lastUpload = new Map<string, ChunkRow>();
  const replaced = group.map(({ chunk }) => {
    const key = chunkKey(chunk);
    const previous = lastUpload.get(key) ?? stored.get(key);
    lastUpload.set(key, chunk);
    return previous && previous.blob_key !== chunk.blob_key ? previous.blob_key : null;
  });

  const latest = keys.flatMap((replay) => [...replay.chunks.values()]);
  await upsertChunks(trx, latest);

  const now = Math.max(...group.map(({ chunk }) => chunk.received_at));
  const rows = [];
  for (const replay of keys) {
    const changes = [...replay.chunks.values()].map((chunk) => ({
      chunk,
      replaced: stored.get(chunkKey(chunk)),
    }));
    const facts =
      applyChunkChanges(replay.stored, changes) ??
      (await recomputeReplayFacts(trx, replay.projectId, replay.replayId));
    rows.push({
      project_id: replay.projectId,
      id: replay.replayId,
      ...facts,
      browser: replay.replay.browser,
      os: replay.replay.os,
      expires_on: replay.replay.expiresOn,
      created_at: replay.chunks.values().next().value!.received_at,
      updated_at: now,
    });
  }
  await trx
    .insertInto('replays')
    .values(rows)
    .onConflict((oc) =>
      oc.columns(['project_id', 'id']).doUpdateSet((eb) => {
        const set: Record<string, unknown> = { updated_at: eb.ref('excluded.updated_at') };
        for (const column of replayFactColumns) set[column] = eb.ref(`excluded.${column}`);
        return set;
      }),
    )
    .execute();
  return replaced;
}

function replayKey(projectId: string, replayId: string): string {
  return `${projectId}\u0000${replayId}`;
}

function chunkKey(chunk: Pick<ChunkRow, 'project_id' | 'replay_id' | 'seq'>): string {
  return `${replayKey(chunk.project_id, chunk.replay_id)}\u0000${chunk.seq}`;
}

function groupByReplay(group: readonly GroupChunk[]): Map<string, ReplayInGroup> {
  const replays = new Map<string, ReplayInGroup>();
  for (const { chunk, replay } of group) {
    const key = replayKey(chunk.project_id, chunk.replay_id);
    let entry = replays.get(key);
    if (!entry) {
      entry = {
        projectId: chunk.project_id,
        replayId: chunk.replay_id,
        replay,
        chunks: new Map(),
      };
      replays.set(key, entry);
    }
    entry.chunks.set(chunk.seq, chunk);
  }
  return replays;
}

/**
 * Creates the replay rows that do not exist yet, so that `readStoredFacts` can lock all of the
 * group's: another server process storing chunks of the same replays then waits for this
 * transaction to commit, and reads its facts after. Without the lock, each process would
 * update the facts without the other's chunks. Rows are locked in the group's sorted order,
 * the same in every process, which avoids deadlocks between them.
 */
async function createMissingReplays(
  trx: Kysely<Database>,
  replays: readonly ReplayInGroup[],
): Promise<void> {
  await trx
    .insertInto('replays')
    .values(
      replays.map((replay) => {
        const first = replay.chunks.values().next().value!;
        return {
          project_id: replay.projectId,
          id: replay.replayId,
          distinct_id: null,
          device_id: null,
          user_id: null,
          started_at: first.first_ts,
          ended_at: first.last_ts,
          duration_ms: 0,
          active_ms: 0,
          first_url: null,
          chunk_count: 0,
          event_count: 0,
          click_count: 0,
          rage_click_count: 0,
          error_count: 0,
          bytes: 0,
          browser: replay.replay.browser,
          os: replay.replay.os,
          expires_on: replay.replay.expiresOn,
          created_at: first.received_at,
          updated_at: first.received_at,
        };
      }),
    )
    .onConflict((oc) => oc.columns(['project_id', 'id']).doNothing())
    .execute();
}

/**
 * Reads the stored facts of the group's replays into `stored`, and locks their rows on
 * PostgreSQL. A row without chunks, created by `createMissingReplays` in this transaction,
 * counts as no facts.
 */
async function readStoredFacts(
  trx: Kysely<Database>,
  replays: readonly ReplayInGroup[],
  dialect: Dialect,
): Promise<void> {
  let query = trx
    .selectFrom('replays')
    .select(['project_id', 'id', ...replayFactColumns])
    .where((eb) =>
      eb(
        eb.refTuple('project_id', 'id'),
        'in',
        replays.map((replay) => eb.tuple(replay.projectId, replay.replayId)),
      ),
    )
    .orderBy('project_id')
    .orderBy('id');
  if (dialect === 'postgres') query = query.forUpdate();
  const byKey = new Map(
    replays.map((replay) => [replayKey(replay.projectId, replay.replayId), replay]),
  );
  for (const row of await query.execute()) {
    const replay = byKey.get(replayKey(row.project_id, row.id));
    if (replay && row.chunk_count > 0) replay.stored = row;
  }
}

/** Reads the stored chunk rows with the seqs of the group's chunks, by `chunkKey`. */
async function readStoredChunks(
  trx: Kysely<Database>,
  replays: readonly ReplayInGroup[],
): Promise<Map<string, ChunkFactsRow & Pick<ChunkRow, 'project_id' | 'replay_id' | 'blob_key'>>> {
  const requested = replays.flatMap((replay) =>
    [...replay.chunks.keys()].map((seq) => ({ ...replay, seq })),
  );
  if (requested.length === 0) return new Map();
  const rows = await trx
    .selectFrom('replay_chunks')
    .select(['project_id', 'replay_id', 'blob_key', ...chunkFactColumns])
    .where((eb) =>
      eb(
        eb.refTuple('project_id', 'replay_id', 'seq'),
        'in',
        requested.map((chunk) => eb.tuple(chunk.projectId, chunk.replayId, chunk.seq)),
      ),
    )
    .execute();
  return new Map(rows.map((row) => [chunkKey(row), row]));
}

/** Inserts the chunk rows in one statement; a row of a stored seq replaces it. */
async function upsertChunks(trx: Kysely<Database>, chunks: readonly ChunkRow[]): Promise<void> {
  await trx
    .insertInto('replay_chunks')
    .values(chunks)
    .onConflict((oc) =>
      oc.columns(['project_id', 'replay_id', 'seq']).doUpdateSet((eb) => {
        const set: Record<string, unknown> = {};
        for (const column of Object.keys(chunks[0]!)) {
          if (column === 'project_id' || column === 'replay_id' || column === 'seq') continue;
          set[column] = eb.ref(`excluded.${column}` as `excluded.blob_key`);
        }
        return set;
      }),
    )
    .execute();
}
