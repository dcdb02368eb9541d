import type { Kysely } from 'kysely';
import type { Database, ReplayChunkTable, ReplayTable } from './schema.js';

/** The columns of a replay row that its chunk rows determine. */
export type ReplayFacts = Pick<
  ReplayTable,
  | 'started_at'
  | 'ended_at'
  | 'duration_ms'
  | 'active_ms'
  | 'chunk_count'
  | 'event_count'
  | 'click_count'
  | 'rage_click_count'
  | 'error_count'
  | 'bytes'
  | 'first_url'
  | 'first_url_seq'
  | 'device_id'
  | 'device_id_seq'
  | 'user_id'
  | 'user_id_seq'
  | 'distinct_id'
  | 'distinct_id_seq'
> & { chunk_active_ms: number };

export const replayFactColumns = [
  'started_at',
  'ended_at',
  'duration_ms',
  'active_ms',
  'chunk_active_ms',
  'chunk_count',
  'event_count',
  'click_count',
  'rage_click_count',
  'error_count',
  'bytes',
  'first_url',
  'first_url_seq',
  'device_id',
  'device_id_seq',
  'user_id',
  'user_id_seq',
  'distinct_id',
  'distinct_id_seq',
] as const satisfies readonly (keyof ReplayFacts)[];

/** The columns of a chunk row that the replay's facts are made of. */
export type ChunkFactsRow = Pick<
  ReplayChunkTable,
  | 'seq'
  | 'first_ts'
  | 'last_ts'
  | 'event_count'
  | 'click_count'
  | 'rage_click_count'
  | 'error_count'
  | 'active_ms'
  | 'bytes'
  | 'first_url'
  | 'device_id'
  | 'user_id'
  | 'distinct_id'
>;

export const chunkFactColumns = [
  'seq',
  'first_ts',
  'last_ts',
  'event_count',
  'click_count',
  'rage_click_count',
  'error_count',
  'active_ms',
  'bytes',
  'first_url',
  'device_id',
  'user_id',
  'distinct_id',
] as const satisfies readonly (keyof ChunkFactsRow)[];

/** A chunk row being stored, with the stored row of the same seq that it replaces. */
export interface ChunkChange {
  chunk: ChunkFactsRow;
  replaced?: ChunkFactsRow;
}

/** Columns that a replay sums over its chunks under the same name, besides `active_ms`. */
const summedColumns = [
  'event_count',
  'click_count',
  'rage_click_count',
  'error_count',
  'bytes',
] as const satisfies readonly (keyof ChunkFactsRow & keyof ReplayFacts)[];

/** The columns compared to decide whether a replacement can be applied incrementally. */
const orderedColumns = [
  'first_ts',
  'last_ts',
  'first_url',
  'device_id',
  'user_id',
  'distinct_id',
] as const satisfies readonly (keyof ChunkFactsRow)[];

/**
 * Updates a replay's facts (`current`, or none for a replay without chunks) with the changed
 * chunks, to what recomputing them from all chunk rows gives. Returns null when only that
 * recomputation is right. That is the case for a replacement that changes a chunk's times or
 * ids, because a minimum or a first value cannot be taken back. It is also the case for a
 * chunk with a lower seq that names another device, because user and distinct ids come from
 * the replay's device only, so every chunk counts again.
 */
export function applyChunkChanges(
  current: ReplayFacts | undefined,
  changes: readonly ChunkChange[],
): ReplayFacts | null {
  const facts: ReplayFacts = current ? { ...current } : emptyFacts();
  let chunkActiveMs = facts.chunk_active_ms;
  for (const { chunk, replaced } of changes) {
    if (replaced) {
      if (orderedColumns.some((column) => replaced[column] !== chunk[column])) return null;
      for (const column of summedColumns) facts[column] -= replaced[column];
      chunkActiveMs -= replaced.active_ms;
      facts.chunk_count -= 1;
    }
    for (const column of summedColumns) facts[column] += chunk[column];
    chunkActiveMs += chunk.active_ms;
    facts.chunk_count += 1;
    facts.started_at = Math.min(facts.started_at, chunk.first_ts);
    facts.ended_at = Math.max(facts.ended_at, chunk.last_ts);
  }

  const chunks = changes.map((change) => change.chunk);
  const device = earliest(facts.device_id, facts.device_id_seq, chunks, (chunk) => chunk.device_id);
  if (facts.device_id !== null && device.value !== facts.device_id) return null;
  // Before this, no chunk had a device id, so the stored user and distinct ids pass the filter.
  const ofDevice = (chunk: ChunkFactsRow) =>
    chunk.device_id === null || chunk.device_id === device.value;
  const url = earliest(facts.first_url, facts.first_url_seq, chunks, (chunk) => chunk.first_url);
  const user = earliest(facts.user_id, facts.user_id_seq, chunks, (chunk) =>
    ofDevice(chunk) ? chunk.user_id : null,
  );
  const distinct = earliest(facts.distinct_id, facts.distinct_id_seq, chunks, (chunk) =>
    ofDevice(chunk) ? chunk.distinct_id : null,
  );

  return withIdentity(withTimes(facts, chunkActiveMs), url, device, user, distinct);
}

/** Reads a replay's facts from all its chunk rows, the definition `applyChunkChanges` follows. */
export async function recomputeReplayFacts(
  db: Kysely<Database>,
  projectId: string,
  replayId: string,
): Promise<ReplayFacts> {
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
  const url = await firstNonNull(db, projectId, replayId, 'first_url');
  const device = await firstNonNull(db, projectId, replayId, 'device_id');
  const user = await firstNonNull(db, projectId, replayId, 'user_id', device.value);
  const distinct = await firstNonNull(db, projectId, replayId, 'distinct_id', device.value);

  const facts: ReplayFacts = {
    ...emptyFacts(),
    started_at: Number(totals.started_at),
    ended_at: Number(totals.ended_at),
    chunk_count: Number(totals.chunk_count),
    event_count: Number(totals.event_count),
    click_count: Number(totals.click_count),
    rage_click_count: Number(totals.rage_click_count),
    error_count: Number(totals.error_count),
    bytes: Number(totals.bytes),
  };
  return withIdentity(withTimes(facts, Number(totals.active_ms)), url, device, user, distinct);
}

interface SeqValue {
  value: string | null;
  seq: number | null;
}

function emptyFacts(): ReplayFacts {
  return {
    started_at: Infinity,
    ended_at: -Infinity,
    duration_ms: 0,
    active_ms: 0,
    chunk_active_ms: 0,
    chunk_count: 0,
    event_count: 0,
    click_count: 0,
    rage_click_count: 0,
    error_count: 0,
    bytes: 0,
    first_url: null,
    first_url_seq: null,
    device_id: null,
    device_id_seq: null,
    user_id: null,
    user_id_seq: null,
    distinct_id: null,
    distinct_id_seq: null,
  };
}

/** Sets the duration and the active time, which each chunk's tail can push past the duration. */
function withTimes(facts: ReplayFacts, chunkActiveMs: number): ReplayFacts {
  const duration = Math.max(0, facts.ended_at - facts.started_at);
  return {
    ...facts,
    duration_ms: duration,
    chunk_active_ms: chunkActiveMs,
    active_ms: Math.min(chunkActiveMs, duration),
  };
}

function withIdentity(
  facts: ReplayFacts,
  url: SeqValue,
  device: SeqValue,
  user: SeqValue,
  distinct: SeqValue,
): ReplayFacts {
  return {
    ...facts,
    first_url: url.value,
    first_url_seq: url.seq,
    device_id: device.value,
    device_id_seq: device.seq,
    user_id: user.value,
    user_id_seq: user.seq,
    distinct_id: distinct.value,
    distinct_id_seq: distinct.seq,
  };
}

/** Returns the value of the lowest seq among the stored one and the chunks' non-null ones. */
function earliest(
  value: string | null,
  seq: number | null,
  chunks: readonly ChunkFactsRow[],
  pick: (chunk: ChunkFactsRow) => string | null,
): SeqValue {
  let best: SeqValue = { value, seq };
  for (const chunk of chunks) {
    const candidate = pick(chunk);
    if (candidate !== null && (best.seq === null || chunk.seq < best.seq)) {
      best = { value: candidate, seq: chunk.seq };
    }
  }
  return best;
}

/**
 * Returns `column` of the replay's earliest chunk where it is set, with that chunk's seq. With
 * `deviceId`, chunks of another device are skipped; chunks without a device id still count.
 */
async function firstNonNull(
  db: Kysely<Database>,
  projectId: string,
  replayId: string,
  column: 'first_url' | 'user_id' | 'device_id' | 'distinct_id',
  deviceId: string | null = null,
): Promise<SeqValue> {
  let query = db
    .selectFrom('replay_chunks')
    .select([column, 'seq'])
    .where('project_id', '=', projectId)
    .where('replay_id', '=', replayId)
    .where(column, 'is not', null);
  if (deviceId !== null) {
    query = query.where((eb) =>
      eb.or([eb('device_id', '=', deviceId), eb('device_id', 'is', null)]),
    );
  }
  const row = await query.orderBy('seq').limit(1).executeTakeFirst();
  return row ? { value: row[column], seq: row.seq } : { value: null, seq: null };
}
