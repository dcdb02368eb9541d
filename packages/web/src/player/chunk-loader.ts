import type { ChunkInfo, RrwebEvent } from '@reprise/protocol';

/** Result of parsing one chunk's JSON body. */
export interface ParsedChunk {
  /** Events with a valid envelope, sorted by timestamp. Equal timestamps keep their order. */
  events: RrwebEvent[];
  /** Entries dropped because they had no numeric type, timestamp or data object. */
  invalidCount: number;
}

function isValidEnvelope(value: unknown): value is RrwebEvent {
  if (typeof value !== 'object' || value === null) return false;
  const { type, timestamp, data } = value as Record<string, unknown>;
  return (
    typeof type === 'number' &&
    Number.isInteger(type) &&
    type >= 0 &&
    type <= 8 &&
    typeof timestamp === 'number' &&
    Number.isFinite(timestamp) &&
    typeof data === 'object' &&
    data !== null &&
    !Array.isArray(data)
  );
}

/**
 * Checks the envelope of each event in a chunk body and sorts the valid ones by timestamp.
 * The sort is stable (ES2019), so two events with the same timestamp keep their recorded
 * order: an add followed by a remove of the same node must stay in that order.
 */
export function parseChunkEvents(body: unknown): ParsedChunk {
  if (!Array.isArray(body)) return { events: [], invalidCount: 1 };
  const events = body.filter(isValidEnvelope);
  events.sort((a, b) => a.timestamp - b.timestamp);
  return { events, invalidCount: body.length - events.length };
}

/** One chunk as handed to the player, in seq order. */
export interface LoadedChunk {
  info: ChunkInfo;
  events: RrwebEvent[];
  invalidCount: number;
  /** Set when the chunk could not be fetched after all attempts, and then `events` is empty. */
  error?: Error;
}

export interface ChunkLoadOptions {
  /** Maximum number of chunk requests in flight. */
  concurrency: number;
  /** Attempts per chunk, including the first. A 4xx other than 408 and 429 is not retried. */
  maxAttempts: number;
  /** Delay before the second attempt in ms, doubled for each further attempt. */
  retryDelayMs: number;
  signal?: AbortSignal;
}

/**
 * Six requests in flight: Chromium and Firefox open at most six HTTP/1.1 connections per host,
 * and a long replay has hundreds of small chunks, so fewer leaves the connections idle.
 */
export const defaultChunkLoadOptions: ChunkLoadOptions = {
  concurrency: 6,
  maxAttempts: 3,
  retryDelayMs: 500,
};

function isRetryable(error: unknown): boolean {
  const status = (error as { status?: unknown }).status;
  if (typeof status !== 'number' || status === 0) return true;
  return status >= 500 || status === 408 || status === 429;
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => clearTimeout(timer), { once: true });
  });
}

async function fetchWithRetry(
  info: ChunkInfo,
  fetchChunk: (seq: number, signal?: AbortSignal) => Promise<unknown>,
  options: ChunkLoadOptions,
): Promise<LoadedChunk> {
  let lastError: Error = new Error(`Chunk ${info.seq} was not fetched.`);
  for (let attempt = 1; attempt <= options.maxAttempts; attempt++) {
    if (attempt > 1) await sleep(options.retryDelayMs * 2 ** (attempt - 2), options.signal);
    if (options.signal?.aborted) break;
    try {
      const parsed = parseChunkEvents(await fetchChunk(info.seq, options.signal));
      return { info, ...parsed };
    } catch (error) {
      lastError = error instanceof Error ? error : new Error(String(error));
      if (!isRetryable(error)) break;
    }
  }
  return { info, events: [], invalidCount: 0, error: lastError };
}

/** A running chunk load, from `startChunkLoad`. */
export interface ChunkLoad {
  /**
   * Starts the chunks at these indices next, in the order given. Chunks already started are
   * skipped, and the chunks started before are still handed over first.
   */
  prioritize(indices: readonly number[]): void;
  /** Resolves when every chunk was handed over, or early on abort. */
  done: Promise<void>;
}

/**
 * Fetches the chunks at the indices in `order`, with up to `concurrency` requests in flight,
 * and calls `onChunk` once per chunk in the order the requests started, as soon as the chunk
 * and all chunks started before it are in. So the player never receives a chunk before an
 * earlier one of the same stretch. After an abort, `onChunk` is not called again.
 */
export function startChunkLoad(
  chunks: readonly ChunkInfo[],
  order: readonly number[],
  fetchChunk: (seq: number, signal?: AbortSignal) => Promise<unknown>,
  onChunk: (chunk: LoadedChunk, index: number) => void,
  options: ChunkLoadOptions = defaultChunkLoadOptions,
): ChunkLoad {
  const waiting = [...order];
  const started: number[] = [];
  const results = new Map<number, LoadedChunk>();
  let nextToDeliver = 0;

  const deliverReady = () => {
    while (!options.signal?.aborted && nextToDeliver < started.length) {
      const index = started[nextToDeliver]!;
      const chunk = results.get(index);
      if (!chunk) return;
      results.delete(index);
      nextToDeliver += 1;
      onChunk(chunk, index);
    }
  };

  const worker = async () => {
    while (waiting.length > 0 && !options.signal?.aborted) {
      const index = waiting.shift()!;
      started.push(index);
      results.set(index, await fetchWithRetry(chunks[index]!, fetchChunk, options));
      deliverReady();
    }
  };

  const prioritize = (indices: readonly number[]) => {
    const first = indices.filter((index) => waiting.includes(index));
    if (first.length === 0) return;
    const rest = waiting.filter((index) => !first.includes(index));
    waiting.splice(0, waiting.length, ...first, ...rest);
  };

  const workerCount = Math.max(1, Math.min(options.concurrency, waiting.length));
  const done = Promise.all(Array.from({ length: workerCount }, worker)).then(() => undefined);
  return { prioritize, done };
}
