import { sql, type Kysely, type Selectable } from 'kysely';
import type { ReplaySort } from '@reprise/protocol';
import { writeChunkGroup, type NewReplayFacts } from './chunk-group.js';
import { compiledQueriesOf } from './compiled-queries.js';
import type { MetadataConnection } from './connect.js';
import { selectMatchingReplays } from './replay-search.js';
import type { Database, ReplayChunkTable, ReplayTable } from './schema.js';

export type ReplayRow = Selectable<ReplayTable>;
export type ChunkRow = Selectable<ReplayChunkTable>;
export type { NewReplayFacts } from './chunk-group.js';

/** A replay row with the name and email of its user's profile, when there is one. */
export interface ReplayWithProfile extends ReplayRow {
  profile_name: string | null;
  profile_email: string | null;
}

/** Counts of what one `deleteExpired` call deleted. */
export interface ExpiredDeletion {
  replays: number;
  chunks: number;
  /** Replays deleted per project id. */
  byProject: Record<string, number>;
}

export interface ReplayFilter {
  projectId: string;
  /** Matches the replay's distinct id, user id or device id exactly. */
  distinctId?: string;
  userId?: string;
  /** Free text: an exact id, or part of the profile's name or email. */
  search?: string;
  /** Replays that started at or after this time, Unix milliseconds. */
  startedFrom?: number;
  /** Replays that started before this time, Unix milliseconds. */
  startedBefore?: number;
  sort: ReplaySort;
  limit: number;
  /** Position after which the page starts: the sort value and the id of the last row seen. */
  after?: { value: number; id: string };
}

const sortColumns = {
  recent: 'started_at',
  duration: 'duration_ms',
  activity: 'active_ms',
} as const;

/** The part of a pino or Fastify logger that `storeChunk` uses. */
export interface WarningLogger {
  warn(details: object, message: string): void;
}

/** A chunk waiting for the next group commit of `storeChunk`. */
interface PendingChunk {
  chunk: ChunkRow;
  replay: NewReplayFacts;
  log?: WarningLogger;
  resolve(replaced: string | null): void;
  reject(error: unknown): void;
}

/** Maximum number of chunks committed in one transaction. */
const maxChunksPerCommit = 200;

function compareText(a: string, b: string): number {
  if (a < b) return -1;
  if (a > b) return 1;
  return 0;
}

/** Most profiles a free-text search can match before it stops looking. */
const maxSearchProfiles = 500;

/** Replays and their chunks. */
export class ReplayStore {
  private readonly db: Kysely<Database>;

  constructor(private readonly connection: MetadataConnection) {
    this.db = connection.db;
  }

  /** Returns the replay's expiry day. Ingestion calls it for every chunk. */
  async findExpiry(projectId: string, replayId: string): Promise<string | undefined> {
    const query = compiledQueriesOf(this.db).query('replay expiry', [projectId, replayId], () =>
      this.db
        .selectFrom('replays')
        .select('expires_on')
        .where('project_id', '=', projectId)
        .where('id', '=', replayId),
    );
    const { rows } = await this.db.executeQuery(query);
    return rows[0]?.expires_on;
  }

  /**
   * Stores a chunk row, replacing an earlier upload of the same seq, and updates the replay's
   * facts in the same transaction, so a replaced upload never counts twice. Returns the blob
   * key of the replaced upload, for the caller to delete.
   *
   * Chunks that arrive while a commit is under way wait and are then committed together (see
   * `writeChunkGroup`), so that a busy server pays for a few statements per group instead of
   * per chunk. The promise resolves once the commit is on disk, and groups committed while an
   * fsync runs share the next one. When a group fails, its chunks are committed again one
   * by one, so that a failed chunk rejects alone, and the group's error is logged with `log`.
   */
  storeChunk(chunk: ChunkRow, replay: NewReplayFacts, log?: WarningLogger): Promise<string | null> {
    return new Promise((resolve, reject) => {
      this.chunksToCommit.push({ chunk, replay, log, resolve, reject });
      if (this.committing) return;
      this.committing = true;
      // SQLite runs a whole transaction without giving the event loop a turn, so the group
      // starts after one: chunks whose blobs were written meanwhile join it.
      setImmediate(() => void this.commitChunks());
    });
  }

  private chunksToCommit: PendingChunk[] = [];
  private committing = false;

  private async commitChunks(): Promise<void> {
    try {
      while (this.chunksToCommit.length > 0) {
        const group = this.chunksToCommit.splice(0, maxChunksPerCommit);
        // PostgreSQL locks each replay's row. A fixed order keeps two server processes that
        // commit groups with the same replays from waiting on each other.
        group.sort(
          (a, b) =>
            compareText(a.chunk.project_id, b.chunk.project_id) ||
            compareText(a.chunk.replay_id, b.chunk.replay_id) ||
            a.chunk.seq - b.chunk.seq,
        );
        await this.commitGroup(group);
      }
    } finally {
      this.committing = false;
    }
  }

  private async commitGroup(group: PendingChunk[]): Promise<void> {
    let committed: { result: (string | null)[]; durable: Promise<void> };
    try {
      committed = await this.connection.transactionWithDeferredSync((trx) =>
        writeChunkGroup(trx, this.connection.dialect, group),
      );
    } catch (error) {
      if (group.length === 1) {
        group[0]!.reject(error);
        return;
      }
      group[0]!.log?.warn(
        { err: error, chunkCount: group.length },
        'failed to commit a group of chunks; committing each chunk alone',
      );
      for (const pending of group) await this.commitGroup([pending]);
      return;
    }
    // The next group commits while this one waits for the disk.
    committed.durable.then(
      () => group.forEach((pending, index) => pending.resolve(committed.result[index]!)),
      (error: unknown) => {
        for (const pending of group) pending.reject(error);
      },
    );
  }

  async getReplay(projectId: string, id: string): Promise<ReplayWithProfile | undefined> {
    return this.selectWithProfile()
      .where('r.project_id', '=', projectId)
      .where('r.id', '=', id)
      .executeTakeFirst();
  }

  async listReplays(filter: ReplayFilter): Promise<ReplayWithProfile[]> {
    const column = sortColumns[filter.sort];
    const text = filter.search?.trim() ?? '';
    let query = (
      text === '' ? this.selectWithProfile() : await this.selectMatching(filter.projectId, text)
    ).where('r.project_id', '=', filter.projectId);

    if (filter.distinctId !== undefined) {
      const id = filter.distinctId;
      query = query.where((eb) =>
        eb.or([eb('r.distinct_id', '=', id), eb('r.user_id', '=', id), eb('r.device_id', '=', id)]),
      );
    }
    if (filter.userId !== undefined) query = query.where('r.user_id', '=', filter.userId);
    if (filter.startedFrom !== undefined) {
      query = query.where('r.started_at', '>=', filter.startedFrom);
    }
    if (filter.startedBefore !== undefined) {
      query = query.where('r.started_at', '<', filter.startedBefore);
    }
    if (filter.after) {
      const { value, id } = filter.after;
      query = query.where((eb) =>
        eb.or([
          eb(`r.${column}`, '<', value),
          eb.and([eb(`r.${column}`, '=', value), eb('r.id', '<', id)]),
        ]),
      );
    }
    return query
      .orderBy(`r.${column}`, 'desc')
      .orderBy('r.id', 'desc')
      .limit(filter.limit)
      .execute();
  }

  async listChunks(projectId: string, replayId: string): Promise<ChunkRow[]> {
    return this.db
      .selectFrom('replay_chunks')
      .selectAll()
      .where('project_id', '=', projectId)
      .where('replay_id', '=', replayId)
      .orderBy('seq')
      .execute();
  }

  async getChunk(projectId: string, replayId: string, seq: number): Promise<ChunkRow | undefined> {
    return this.db
      .selectFrom('replay_chunks')
      .selectAll()
      .where('project_id', '=', projectId)
      .where('replay_id', '=', replayId)
      .where('seq', '=', seq)
      .executeTakeFirst();
  }

  async countReplays(projectId: string): Promise<number> {
    const row = await this.db
      .selectFrom('replays')
      .select((eb) => eb.fn.countAll<number>().as('count'))
      .where('project_id', '=', projectId)
      .executeTakeFirstOrThrow();
    return Number(row.count);
  }

  /**
   * Deletes up to `limit` replays whose expiry day is before `today`, with their chunk rows, in
   * one transaction, and returns what went. Their blobs go by expiry-day prefix, separately.
   */
  async deleteExpired(today: string, limit: number): Promise<ExpiredDeletion> {
    return this.db.transaction().execute(async (trx) => {
      const expired = await trx
        .selectFrom('replays')
        .select(['project_id', 'id'])
        .where('expires_on', '<', today)
        .orderBy('expires_on')
        .limit(limit)
        .execute();
      const idsByProject = new Map<string, string[]>();
      for (const replay of expired) {
        const ids = idsByProject.get(replay.project_id) ?? [];
        ids.push(replay.id);
        idsByProject.set(replay.project_id, ids);
      }

      const deletion: ExpiredDeletion = { replays: 0, chunks: 0, byProject: {} };
      for (const [projectId, ids] of idsByProject) {
        const chunks = await trx
          .deleteFrom('replay_chunks')
          .where('project_id', '=', projectId)
          .where('replay_id', 'in', ids)
          .executeTakeFirst();
        const replays = await trx
          .deleteFrom('replays')
          .where('project_id', '=', projectId)
          .where('id', 'in', ids)
          .executeTakeFirst();
        deletion.chunks += Number(chunks.numDeletedRows);
        deletion.replays += Number(replays.numDeletedRows);
        deletion.byProject[projectId] = Number(replays.numDeletedRows);
      }
      return deletion;
    });
  }

  private selectWithProfile() {
    return this.db
      .selectFrom('replays as r')
      .leftJoin('profiles as p', (join) =>
        join
          .onRef('p.project_id', '=', 'r.project_id')
          .on((eb) => eb('p.distinct_id', '=', eb.fn.coalesce('r.user_id', 'r.distinct_id'))),
      )
      .selectAll('r')
      .select(['p.name as profile_name', 'p.email as profile_email']);
  }

  /** Selects the replays that a free-text search matches; see `selectMatchingReplays`. */
  private async selectMatching(projectId: string, text: string) {
    const profileIds = await this.findProfilesMatching(projectId, text);
    return selectMatchingReplays(this.db, projectId, text, profileIds);
  }

  private async findProfilesMatching(projectId: string, text: string): Promise<string[]> {
    const pattern = `%${escapeLike(text.toLowerCase())}%`;
    const rows = await this.db
      .selectFrom('profiles')
      .select('distinct_id')
      .where('project_id', '=', projectId)
      .where((eb) =>
        eb.or([
          eb(eb.fn('lower', ['name']), 'like', sql<string>`${pattern} escape '\\'`),
          eb('email', 'like', sql<string>`${pattern} escape '\\'`),
        ]),
      )
      .limit(maxSearchProfiles)
      .execute();
    return rows.map((row) => row.distinct_id);
  }
}

function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (character) => `\\${character}`);
}
