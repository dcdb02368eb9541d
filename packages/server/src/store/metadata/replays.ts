import { sql, type Kysely, type Selectable } from 'kysely';
import type { ReplaySort } from '@reprise/protocol';
import type { Dialect } from './migrations.js';
import { selectMatchingReplays } from './replay-search.js';
import type { Database, ReplayChunkTable, ReplayTable } from './schema.js';

export type ReplayRow = Selectable<ReplayTable>;
export type ChunkRow = Selectable<ReplayChunkTable>;

/** A replay row with the name and email of its user's profile, when there is one. */
export interface ReplayWithProfile extends ReplayRow {
  profile_name: string | null;
  profile_email: string | null;
}

/** What the first chunk of a replay fixes for good: its expiry and where it came from. */
export interface NewReplayFacts {
  expiresOn: string;
  browser: string | null;
  os: string | null;
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

/** A chunk waiting for the next group commit of `storeChunk`. */
interface PendingChunk {
  chunk: ChunkRow;
  replay: NewReplayFacts;
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
  constructor(
    private readonly db: Kysely<Database>,
    private readonly dialect: Dialect,
  ) {}

  async findExpiry(projectId: string, replayId: string): Promise<string | undefined> {
    const row = await this.db
      .selectFrom('replays')
      .select('expires_on')
      .where('project_id', '=', projectId)
      .where('id', '=', replayId)
      .executeTakeFirst();
    return row?.expires_on;
  }

  /**
   * Stores a chunk row, replacing an earlier upload of the same seq, and recomputes the
   * replay's facts from all its chunk rows in the same transaction, so a replaced upload
   * never counts twice. Returns the blob key of the replaced upload, for the caller to delete.
   *
   * Chunks that arrive while a commit is under way wait and are then committed together, one
   * savepoint each, so that a busy server pays for one durable commit per group instead of
   * one per chunk. A failed chunk rolls back to its savepoint and rejects alone.
   */
  storeChunk(chunk: ChunkRow, replay: NewReplayFacts): Promise<string | null> {
    return new Promise((resolve, reject) => {
      this.chunksToCommit.push({ chunk, replay, resolve, reject });
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
    const outcomes: ({ replaced: string | null } | { error: unknown })[] = [];
    try {
      await this.db.transaction().execute(async (trx) => {
        for (const { chunk, replay } of group) {
          await sql`savepoint chunk`.execute(trx);
          try {
            outcomes.push({ replaced: await this.storeChunkIn(trx, chunk, replay) });
            await sql`release savepoint chunk`.execute(trx);
          } catch (error) {
            await sql`rollback to savepoint chunk`.execute(trx);
            await sql`release savepoint chunk`.execute(trx);
            outcomes.push({ error });
          }
        }
      });
    } catch (error) {
      for (const pending of group) pending.reject(error);
      return;
    }
    group.forEach((pending, index) => {
      const outcome = outcomes[index]!;
      if ('error' in outcome) pending.reject(outcome.error);
      else pending.resolve(outcome.replaced);
    });
  }

  private async storeChunkIn(
    trx: Kysely<Database>,
    chunk: ChunkRow,
    replay: NewReplayFacts,
  ): Promise<string | null> {
    await trx
      .insertInto('replays')
      .values({
        project_id: chunk.project_id,
        id: chunk.replay_id,
        distinct_id: chunk.distinct_id,
        device_id: chunk.device_id,
        user_id: chunk.user_id,
        started_at: chunk.first_ts,
        ended_at: chunk.last_ts,
        duration_ms: 0,
        active_ms: 0,
        first_url: chunk.first_url,
        chunk_count: 0,
        event_count: 0,
        click_count: 0,
        rage_click_count: 0,
        error_count: 0,
        bytes: 0,
        browser: replay.browser,
        os: replay.os,
        expires_on: replay.expiresOn,
        created_at: chunk.received_at,
        updated_at: chunk.received_at,
      })
      .onConflict((oc) => oc.columns(['project_id', 'id']).doNothing())
      .execute();

    // Chunks of one replay are stored one at a time. Without the lock, two PostgreSQL
    // transactions each recompute the facts without the other's chunk, the later update
    // drops one chunk from the counts, and a concurrent retry of one seq misses the blob it
    // replaces. SQLite runs one write transaction at a time anyway.
    if (this.dialect === 'postgres') {
      await trx
        .selectFrom('replays')
        .select('id')
        .where('project_id', '=', chunk.project_id)
        .where('id', '=', chunk.replay_id)
        .forUpdate()
        .execute();
    }

    const replaced = await trx
      .selectFrom('replay_chunks')
      .select('blob_key')
      .where('project_id', '=', chunk.project_id)
      .where('replay_id', '=', chunk.replay_id)
      .where('seq', '=', chunk.seq)
      .executeTakeFirst();

    const changes: Partial<ChunkRow> = { ...chunk };
    delete changes.project_id;
    delete changes.replay_id;
    delete changes.seq;
    await trx
      .insertInto('replay_chunks')
      .values(chunk)
      .onConflict((oc) => oc.columns(['project_id', 'replay_id', 'seq']).doUpdateSet(changes))
      .execute();

    await recomputeReplay(trx, chunk.project_id, chunk.replay_id, chunk.received_at);
    return replaced && replaced.blob_key !== chunk.blob_key ? replaced.blob_key : null;
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

/** Recomputes a replay's facts from its chunk rows. */
async function recomputeReplay(
  db: Kysely<Database>,
  projectId: string,
  replayId: string,
  now: number,
): Promise<void> {
  const totals = await db
    .selectFrom('replay_chunks')
    .where('project_id', '=', projectId)
    .where('replay_id', '=', replayId)
    .select((eb) => [
      eb.fn.min('first_ts').as('started_at'),
      eb.fn.max('last_ts').as('ended_at'),
      eb.fn.countAll().as('chunk_count'),
      eb.fn.sum('event_count').as('event_count'),
      eb.fn.sum('click_count').as('click_count'),
      eb.fn.sum('rage_click_count').as('rage_click_count'),
      eb.fn.sum('error_count').as('error_count'),
      eb.fn.sum('active_ms').as('active_ms'),
      eb.fn.sum('bytes').as('bytes'),
    ])
    .executeTakeFirstOrThrow();

  // Identity and first URL come from the earliest chunk that has them: a late batch from an
  // expired recording may carry the identity of a later visit, and must not move the replay.
  // Such a batch is sent by a later page load, with that page's device id when the visitor
  // reset or lost their cookies. So user and distinct ids come from chunks of the replay's
  // device only, or an anonymous replay would get the later visit's user.
  const firstUrl = await firstNonNull(db, projectId, replayId, 'first_url');
  const deviceId = await firstNonNull(db, projectId, replayId, 'device_id');
  const userId = await firstNonNull(db, projectId, replayId, 'user_id', deviceId);
  const distinctId = await firstNonNull(db, projectId, replayId, 'distinct_id', deviceId);

  const startedAt = Number(totals.started_at);
  const endedAt = Number(totals.ended_at);
  await db
    .updateTable('replays')
    .set({
      started_at: startedAt,
      ended_at: endedAt,
      duration_ms: Math.max(0, endedAt - startedAt),
      // Each chunk credits a tail after its last input, so the sum can pass the duration.
      active_ms: Math.min(Number(totals.active_ms), Math.max(0, endedAt - startedAt)),
      chunk_count: Number(totals.chunk_count),
      event_count: Number(totals.event_count),
      click_count: Number(totals.click_count),
      rage_click_count: Number(totals.rage_click_count),
      error_count: Number(totals.error_count),
      bytes: Number(totals.bytes),
      first_url: firstUrl,
      user_id: userId,
      device_id: deviceId,
      distinct_id: distinctId,
      updated_at: now,
    })
    .where('project_id', '=', projectId)
    .where('id', '=', replayId)
    .execute();
}

/**
 * Returns `column` of the replay's earliest chunk where it is set. With `deviceId`, chunks of
 * another device are skipped; chunks without a device id still count.
 */
async function firstNonNull(
  db: Kysely<Database>,
  projectId: string,
  replayId: string,
  column: 'first_url' | 'user_id' | 'device_id' | 'distinct_id',
  deviceId: string | null = null,
): Promise<string | null> {
  let query = db
    .selectFrom('replay_chunks')
    .select(column)
    .where('project_id', '=', projectId)
    .where('replay_id', '=', replayId)
    .where(column, 'is not', null);
  if (deviceId !== null) {
    query = query.where((eb) =>
      eb.or([eb('device_id', '=', deviceId), eb('device_id', 'is', null)]),
    );
  }
  const row = await query.orderBy('seq').limit(1).executeTakeFirst();
  return row?.[column] ?? null;
}
