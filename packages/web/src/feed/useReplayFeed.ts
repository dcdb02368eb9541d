import type { ReplaySummary } from '@reprise/protocol';
import { useCallback, useEffect, useRef, useState } from 'react';
import { listReplays, type ReplayQuery } from '../api/index.js';
import { errorMessage } from '../ui/errors.js';

/**
 * Appends the replays not already listed. A replay that gets a new chunk while someone pages
 * can move between pages, and React needs unique row keys.
 */
function appendNew(listed: ReplaySummary[], page: ReplaySummary[]): ReplaySummary[] {
  const seen = new Set(listed.map((replay) => replay.id));
  return [...listed, ...page.filter((replay) => !seen.has(replay.id))];
}

/** Replays requested per page. */
export const feedPageSize = 50;

export interface ReplayFeed {
  /** `idle` while there is no query to run, for example an invalid date range. */
  status: 'idle' | 'loading' | 'ready' | 'error';
  replays: ReplaySummary[];
  error: string | null;
  hasMore: boolean;
  loadingMore: boolean;
  /** Message of the last failed "load more". The rows already shown stay. */
  loadMoreError: string | null;
  loadMore(): void;
  reload(): void;
}

/**
 * Loads the first page of replays for `query`, again whenever it changes, and further pages on
 * `loadMore` with the server's cursor. `query` must be memoized by the caller. A null query
 * loads nothing.
 */
export function useReplayFeed(query: ReplayQuery | null): ReplayFeed {
  const [replays, setReplays] = useState<ReplaySummary[]>([]);
  const [status, setStatus] = useState<ReplayFeed['status']>('loading');
  const [error, setError] = useState<string | null>(null);
  const [cursor, setCursor] = useState<string | null>(null);
  const [loadingMore, setLoadingMore] = useState(false);
  const [loadMoreError, setLoadMoreError] = useState<string | null>(null);
  const [attempt, setAttempt] = useState(0);
  const generation = useRef(0);

  useEffect(() => {
    generation.current += 1;
    setReplays([]);
    setCursor(null);
    setLoadingMore(false);
    setLoadMoreError(null);
    if (!query) {
      setStatus('idle');
      return;
    }
    const controller = new AbortController();
    setStatus('loading');
    listReplays({ ...query, limit: feedPageSize }, controller.signal).then(
      (page) => {
        setReplays(page.replays);
        setCursor(page.nextCursor);
        setStatus('ready');
      },
      (failure: unknown) => {
        if (controller.signal.aborted) return;
        setError(errorMessage(failure));
        setStatus('error');
      },
    );
    return () => controller.abort();
  }, [query, attempt]);

  const loadMore = useCallback(() => {
    if (!query || !cursor || loadingMore) return;
    const started = generation.current;
    setLoadingMore(true);
    setLoadMoreError(null);
    listReplays({ ...query, limit: feedPageSize, cursor }).then(
      (page) => {
        if (generation.current !== started) return;
        setReplays((previous) => appendNew(previous, page.replays));
        setCursor(page.nextCursor);
        setLoadingMore(false);
      },
      (failure: unknown) => {
        if (generation.current !== started) return;
        setLoadMoreError(errorMessage(failure));
        setLoadingMore(false);
      },
    );
  }, [query, cursor, loadingMore]);

  const reload = useCallback(() => setAttempt((value) => value + 1), []);

  return {
    status,
    replays,
    error,
    hasMore: cursor !== null,
    loadingMore,
    loadMoreError,
    loadMore,
    reload,
  };
}
