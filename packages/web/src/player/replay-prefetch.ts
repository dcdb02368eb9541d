import type { ChunkInfo, ChunkList, ReplaySummary } from '@reprise/protocol';
import { getChunkEvents, getReplay, listChunks } from '../api/index.js';
import { defaultChunkLoadOptions } from './chunk-loader.js';
import { loadOrder } from './coverage.js';
import { parseStartPosition, replayBounds } from './timeline.js';

/** Requests of one replay's data made at the app's start, each taken at most once. */
interface ReplayPrefetch {
  replayId: string;
  projectId: string | undefined;
  summary: Promise<ReplaySummary> | null;
  chunkList: Promise<ChunkList> | null;
  /** Chunk bodies by seq. */
  chunks: Map<number, Promise<unknown>>;
}

let current: ReplayPrefetch | null = null;

/** Returns the replay id of a player path, `/replays/<id>`, or null for any other path. */
export function playerPathReplayId(pathname: string): string | null {
  const match = /^\/replays\/([^/]+)\/?$/.exec(pathname);
  if (!match) return null;
  try {
    return decodeURIComponent(match[1]!);
  } catch {
    return null;
  }
}

/** Returns the chunks of a chunk list in seq order, the order the player uses. */
export function chunksInSeqOrder(list: ChunkList): ChunkInfo[] {
  return [...list.chunks].sort((a, b) => a.seq - b.seq);
}

/**
 * Requests a replay's data when `url` is a player page, and returns whether it is one. The
 * app calls this once at start, so that these requests run in parallel with the session check
 * and the player's code instead of after them. It requests the replay's facts and chunk list.
 * Once the list is in, it requests the first chunks that the player fetches to show the start
 * position, as many as the player keeps in flight. A 401 here does not redirect to the login
 * page, because the session check does that.
 */
export function prefetchReplay(url: URL): boolean {
  const replayId = playerPathReplayId(url.pathname);
  if (replayId === null) return false;
  const projectId = url.searchParams.get('project') || undefined;
  const options = { redirectOnUnauthorized: false };
  const prefetch: ReplayPrefetch = {
    replayId,
    projectId,
    summary: getReplay(replayId, projectId, options),
    chunkList: listChunks(replayId, projectId, options),
    chunks: new Map(),
  };
  current = prefetch;
  prefetch.chunkList!.then((list) => {
    const chunks = chunksInSeqOrder(list);
    const bounds = replayBounds(chunks);
    if (!bounds || current !== prefetch) return;
    const startMs = bounds.startMs + parseStartPosition(url.searchParams, bounds);
    const first = loadOrder(chunks, startMs).slice(0, defaultChunkLoadOptions.concurrency);
    for (const index of first) {
      const seq = chunks[index]!.seq;
      const body = getChunkEvents(replayId, seq, projectId, options);
      body.catch(ignoreFailure);
      prefetch.chunks.set(seq, body);
    }
  }, ignoreFailure);
  // The player makes a request again when it takes a failed one, so no failure goes unhandled.
  prefetch.summary!.catch(ignoreFailure);
  return true;
}

function ignoreFailure(): void {}

/** Returns the prefetch of this replay, or null. A prefetch of another replay is dropped. */
function prefetchOf(replayId: string, projectId: string | undefined): ReplayPrefetch | null {
  if (!current) return null;
  if (current.replayId === replayId && current.projectId === projectId) return current;
  current = null;
  return null;
}

/**
 * Returns the prefetched response when there is one, else `request()`. After a failed
 * prefetch it also returns `request()`, so errors are handled as without a prefetch.
 */
function takeOr<T>(prefetched: Promise<T> | null | undefined, request: () => Promise<T>) {
  if (!prefetched) return request();
  return prefetched.catch(() => request());
}

/** Removes and returns the prefetched facts or chunk list of this replay, or null. */
function takeResponse<K extends 'summary' | 'chunkList'>(
  replayId: string,
  projectId: string | undefined,
  key: K,
): ReplayPrefetch[K] | null {
  const prefetch = prefetchOf(replayId, projectId);
  if (!prefetch) return null;
  const response = prefetch[key];
  prefetch[key] = null;
  return response;
}

/** Returns the replay's facts from the prefetch, or from `request()`. */
export function takeSummary(
  replayId: string,
  projectId: string | undefined,
  request: () => Promise<ReplaySummary>,
): Promise<ReplaySummary> {
  return takeOr(takeResponse(replayId, projectId, 'summary'), request);
}

/** Returns the replay's chunk list from the prefetch, or from `request()`. */
export function takeChunkList(
  replayId: string,
  projectId: string | undefined,
  request: () => Promise<ChunkList>,
): Promise<ChunkList> {
  return takeOr(takeResponse(replayId, projectId, 'chunkList'), request);
}

/** Returns a chunk's body from the prefetch, or from `request()`. */
export function takeChunk(
  replayId: string,
  projectId: string | undefined,
  seq: number,
  request: () => Promise<unknown>,
): Promise<unknown> {
  const prefetch = prefetchOf(replayId, projectId);
  const prefetched = prefetch?.chunks.get(seq);
  prefetch?.chunks.delete(seq);
  return takeOr(prefetched, request);
}
