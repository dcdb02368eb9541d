import type { ChunkInfo, RrwebEvent } from '@reprise/protocol';

// rrweb 2.x `EventType.Meta`: the event before each full snapshot, where a rebuild starts.
const metaEvent = 4;

/**
 * Returns when a chunk's earliest full snapshot happened, Unix ms, or null without one. A
 * chunk listed before the server stored that time has only `hasFullSnapshot`, and its last
 * timestamp is the earliest time at which the snapshot is certain to have happened.
 */
export function snapshotTimeOf(chunk: ChunkInfo): number | null {
  if (typeof chunk.fullSnapshotTimestamp === 'number') return chunk.fullSnapshotTimestamp;
  return chunk.hasFullSnapshot ? chunk.lastTimestamp : null;
}

/**
 * Returns the index of the chunk with the latest full snapshot at or before `timeMs` (Unix
 * ms), from the chunk list alone, or null when no chunk has one by then.
 */
export function snapshotChunkIndex(chunks: readonly ChunkInfo[], timeMs: number): number | null {
  let found: number | null = null;
  let foundTime = Number.NEGATIVE_INFINITY;
  chunks.forEach((chunk, index) => {
    const snapshotTime = snapshotTimeOf(chunk);
    if (snapshotTime !== null && snapshotTime <= timeMs && snapshotTime >= foundTime) {
      found = index;
      foundTime = snapshotTime;
    }
  });
  return found;
}

/**
 * A subset of a replay's chunks, for example those fetched or those added to the Replayer, and
 * the positions that the subset can show. rrweb rebuilds a position from the last Meta event
 * and full snapshot before it, so a position can be shown when no chunk is missing between that
 * Meta event and the position. Times are Unix ms.
 */
export class ChunkCoverage {
  private readonly present: boolean[];
  /** Timestamps of the Meta events of each present chunk. */
  private readonly metaTimes: number[][];
  private presentCount = 0;

  constructor(private readonly chunks: readonly ChunkInfo[]) {
    this.present = chunks.map(() => false);
    this.metaTimes = chunks.map(() => []);
  }

  /** Marks the chunk at `index` as present, with its events. */
  add(index: number, events: readonly RrwebEvent[]): void {
    if (this.present[index]) return;
    this.present[index] = true;
    this.presentCount += 1;
    this.metaTimes[index] = events
      .filter((event) => event.type === metaEvent)
      .map((event) => event.timestamp);
  }

  /** Copies the present chunks of `other`, which must cover the same chunk list. */
  addAll(other: ChunkCoverage): void {
    other.present.forEach((isPresent, index) => {
      if (!isPresent || this.present[index]) return;
      this.present[index] = true;
      this.presentCount += 1;
      this.metaTimes[index] = other.metaTimes[index]!;
    });
  }

  has(index: number): boolean {
    return this.present[index] === true;
  }

  get isComplete(): boolean {
    return this.presentCount === this.chunks.length;
  }

  /** Returns the latest Meta event time at or before `timeMs` in the present chunks. */
  latestMetaAt(timeMs: number): number | null {
    let latest: number | null = null;
    for (const times of this.metaTimes) {
      for (const time of times) {
        if (time <= timeMs && (latest === null || time > latest)) latest = time;
      }
    }
    return latest;
  }

  /**
   * Returns the earliest time at which events needed to show `timeMs` may be missing: the
   * smallest first timestamp of the missing chunks between the latest present Meta event and
   * `timeMs`. Returns null when nothing is missing there, so the position can be shown.
   */
  missingFrom(timeMs: number): number | null {
    const lower = this.latestMetaAt(timeMs) ?? Number.NEGATIVE_INFINITY;
    const starts = this.missingBetween(lower, timeMs).map((index) => this.chunks[index]!);
    if (starts.length === 0) return null;
    return Math.min(...starts.map((chunk) => chunk.firstTimestamp));
  }

  /** Returns whether the present chunks contain everything needed to show `timeMs`. */
  covers(timeMs: number): boolean {
    return this.missingFrom(timeMs) === null;
  }

  /**
   * Lists the indices of missing chunks to fetch to show `timeMs`, in seq order: those from the
   * nearest full snapshot before it (by the chunk list) to `timeMs`. When the snapshot is the
   * first event of its chunk, its Meta event may be at the end of the chunk before, which is
   * listed too.
   */
  missingFor(timeMs: number): number[] {
    const snapshotIndex = snapshotChunkIndex(this.chunks, timeMs);
    let lower = Number.NEGATIVE_INFINITY;
    if (snapshotIndex !== null) {
      const snapshotChunk = this.chunks[snapshotIndex]!;
      lower = snapshotTimeOf(snapshotChunk)!;
      const previous = this.chunks[snapshotIndex - 1];
      if (previous && snapshotChunk.firstTimestamp >= lower) {
        lower = Math.min(lower, previous.lastTimestamp);
      }
    }
    const indices = this.missingBetween(lower, timeMs);
    if (indices.length > 0 || this.covers(timeMs)) return indices;
    // The chunk list placed a snapshot where the events have none, so the nearest earlier
    // chunks go first until a Meta event and full snapshot turn up.
    const fallbackLower = this.latestMetaAt(timeMs) ?? Number.NEGATIVE_INFINITY;
    return this.missingBetween(fallbackLower, timeMs).reverse();
  }

  private missingBetween(fromMs: number, toMs: number): number[] {
    const indices: number[] = [];
    this.chunks.forEach((chunk, index) => {
      if (this.present[index]) return;
      if (chunk.firstTimestamp <= toMs && chunk.lastTimestamp >= fromMs) indices.push(index);
    });
    return indices;
  }
}

/**
 * Returns the order in which to fetch a replay's chunks to open it at `timeMs`: the chunks
 * needed to show that position, then the rest of the replay after them, then the chunks before.
 */
export function loadOrder(chunks: readonly ChunkInfo[], timeMs: number): number[] {
  const needed = new ChunkCoverage(chunks).missingFor(timeMs);
  const firstIndex = needed[0] ?? 0;
  const order = [...needed];
  for (let index = firstIndex; index < chunks.length; index++) order.push(index);
  for (let index = 0; index < firstIndex; index++) order.push(index);
  return [...new Set(order)];
}
