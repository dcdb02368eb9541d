import type { ChunkInfo, ChunkList, ReplaySummary } from '@reprise/protocol';
import { useEffect, useState } from 'react';
import { ApiError, getReplay, listChunks } from '../api/index.js';
import { errorMessage } from '../ui/errors.js';
import { chunksInSeqOrder, takeChunkList, takeSummary } from './replay-prefetch.js';

export type ReplayData =
  | { kind: 'loading' }
  | { kind: 'not-found' }
  | { kind: 'error'; message: string }
  | { kind: 'ready'; summary: ReplaySummary; chunks: ChunkInfo[] };

/**
 * Turns a 404 of the chunk list into an empty list. The server returns 404 for a replay without
 * chunks. When the replay's facts exist, the player shows it as empty rather than missing.
 */
function emptyWhenNotFound(failure: unknown): ChunkList {
  if (failure instanceof ApiError && failure.status === 404) return { replayId: '', chunks: [] };
  throw failure;
}

/**
 * Loads a replay's facts and chunk list together, taking the responses that the app requested
 * at start when there are some. `reload` tries again after an error.
 */
export function useReplayData(id: string, projectId: string | undefined): [ReplayData, () => void] {
  const [data, setData] = useState<ReplayData>({ kind: 'loading' });
  const [attempt, setAttempt] = useState(0);

  useEffect(() => {
    const controller = new AbortController();
    setData({ kind: 'loading' });
    const { signal } = controller;
    Promise.all([
      takeSummary(id, projectId, () => getReplay(id, projectId, { signal })),
      takeChunkList(id, projectId, () => listChunks(id, projectId, { signal })).catch(
        emptyWhenNotFound,
      ),
    ]).then(
      ([summary, chunkList]) => {
        // A prefetched response arrives even after the abort.
        if (signal.aborted) return;
        setData({ kind: 'ready', summary, chunks: chunksInSeqOrder(chunkList) });
      },
      (failure: unknown) => {
        if (signal.aborted) return;
        if (failure instanceof ApiError && failure.status === 404) setData({ kind: 'not-found' });
        else setData({ kind: 'error', message: errorMessage(failure) });
      },
    );
    return () => controller.abort();
  }, [id, projectId, attempt]);

  return [data, () => setAttempt((value) => value + 1)];
}
