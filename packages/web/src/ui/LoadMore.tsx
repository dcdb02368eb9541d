import type { PagedList } from './usePages.js';

/** Renders the "Load more" button of a paged list, and the error of its last attempt. */
export function LoadMore({ list, testId }: { list: PagedList<unknown>; testId: string }) {
  return (
    <>
      {list.loadMoreError && (
        <p className="form-error" role="alert">
          {list.loadMoreError}
        </p>
      )}
      {list.status === 'ready' && list.hasMore && (
        <div className="feed__more">
          <button
            type="button"
            className="button"
            onClick={list.loadMore}
            disabled={list.loadingMore}
            data-testid={testId}
          >
            {list.loadingMore ? 'Loading…' : 'Load more'}
          </button>
        </div>
      )}
    </>
  );
}
