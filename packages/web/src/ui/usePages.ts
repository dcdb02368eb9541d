import { useCallback, useEffect, useRef, useState } from 'react';
import { errorMessage } from './errors.js';

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export interface PagedList<T> {
  status: 'loading' | 'ready' | 'error';
  items: T[];
  error: string | null;
  hasMore: boolean;
  loadingMore: boolean;
  /** Message of the last failed "load more"; the items already shown stay. */
  loadMoreError: string | null;
  loadMore(): void;
  reload(): void;
}

/**
 * Loads the first page when `key` changes, and the next pages on `loadMore` with the cursor of
 * the previous one. `load` may change with `key`; pages of an older key are dropped.
 */
export function usePages<T>(
  key: string,
  load: (cursor: string | undefined, signal?: AbortSignal) => Promise<Page<T>>,
): PagedList<T> {
  const [items, setItems] = useState<T[]>([]);
  const [status, setStatus] = useState<PagedList<T>['status']>('loading');
  const [error, setError] = useState<string | null>(null);
  const [cursor, setCursor] = useState<string | null>(null);
  const [loadingMore, setLoadingMore] = useState(false);
  const [loadMoreError, setLoadMoreError] = useState<string | null>(null);
  const [attempt, setAttempt] = useState(0);
  const generation = useRef(0);
  const loadRef = useRef(load);
  loadRef.current = load;

  useEffect(() => {
    generation.current += 1;
    const controller = new AbortController();
    setItems([]);
    setCursor(null);
    setLoadMoreError(null);
    setLoadingMore(false);
    setStatus('loading');
    loadRef.current(undefined, controller.signal).then(
      (page) => {
        setItems(page.items);
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
  }, [key, attempt]);

  const loadMore = useCallback(() => {
    if (!cursor || loadingMore) return;
    const started = generation.current;
    setLoadingMore(true);
    setLoadMoreError(null);
    loadRef.current(cursor).then(
      (page) => {
        if (generation.current !== started) return;
        setItems((previous) => [...previous, ...page.items]);
        setCursor(page.nextCursor);
        setLoadingMore(false);
      },
      (failure: unknown) => {
        if (generation.current !== started) return;
        setLoadMoreError(errorMessage(failure));
        setLoadingMore(false);
      },
    );
  }, [cursor, loadingMore]);

  const reload = useCallback(() => setAttempt((value) => value + 1), []);
  return {
    status,
    items,
    error,
    hasMore: cursor !== null,
    loadingMore,
    loadMoreError,
    loadMore,
    reload,
  };
}
