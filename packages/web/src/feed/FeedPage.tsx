import type { ReplaySummary } from '@reprise/protocol';
import { useCallback, useMemo } from 'react';
import { useSearchParams } from 'react-router-dom';
import { projectSearch } from '../app/project.js';
import { StatusMessage } from '../ui/StatusMessage.js';
import {
  formatFeedQuery,
  parseFeedQuery,
  toReplayQuery,
  validateDateRange,
  type FeedQuery,
} from './feed-query.js';
import { FeedFilters } from './FeedFilters.js';
import { ReplayTable } from './ReplayTable.js';
import { useReplayFeed } from './useReplayFeed.js';

export function FeedPage() {
  const [searchParams, setSearchParams] = useSearchParams();
  const searchText = searchParams.toString();
  const query = useMemo(() => parseFeedQuery(new URLSearchParams(searchText)), [searchText]);
  const rangeError = validateDateRange(query);
  const apiQuery = useMemo(() => (rangeError ? null : toReplayQuery(query)), [query, rangeError]);
  const feed = useReplayFeed(apiQuery);

  const changeQuery = useCallback(
    (next: FeedQuery) => setSearchParams(formatFeedQuery(next)),
    [setSearchParams],
  );
  const playerPath = useCallback(
    (replay: ReplaySummary) =>
      `/replays/${encodeURIComponent(replay.id)}${projectSearch(query.project || undefined)}`,
    [query.project],
  );
  const isFiltered = Boolean(query.q || query.from || query.to);

  return (
    <main className="page" data-testid="feed-page">
      <div className="page__heading">
        <h1 className="page__title">Replays</h1>
      </div>
      <FeedFilters query={query} onChange={changeQuery} />
      {rangeError && (
        <p className="form-error" role="alert" data-testid="feed-range-error">
          {rangeError}
        </p>
      )}
      {feed.status === 'loading' && <StatusMessage kind="loading" title="Loading replays…" />}
      {feed.status === 'error' && (
        <StatusMessage kind="error" title="Could not load replays" onRetry={feed.reload}>
          {feed.error}
        </StatusMessage>
      )}
      {feed.status === 'ready' && feed.replays.length === 0 && (
        <StatusMessage kind="empty" title={isFiltered ? 'No replays match' : 'No replays yet'}>
          {isFiltered
            ? 'Try other search words or a wider date range.'
            : 'Replays appear here seconds after a page with the Reprise SDK records a session.'}
        </StatusMessage>
      )}
      {feed.replays.length > 0 && <ReplayTable replays={feed.replays} playerPath={playerPath} />}
      {feed.loadMoreError && (
        <p className="form-error" role="alert">
          {feed.loadMoreError}
        </p>
      )}
      {feed.status === 'ready' && feed.hasMore && (
        <div className="feed__more">
          <button
            type="button"
            className="button"
            onClick={feed.loadMore}
            disabled={feed.loadingMore}
            data-testid="feed-load-more"
          >
            {feed.loadingMore ? 'Loading…' : 'Load more'}
          </button>
        </div>
      )}
    </main>
  );
}
