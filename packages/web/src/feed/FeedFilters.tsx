import { useEffect, useState, type FormEvent } from 'react';
import type { ReplaySort } from '@reprise/protocol';
import { sortOptions, type FeedQuery } from './feed-query.js';

interface FeedFiltersProps {
  query: FeedQuery;
  onChange(next: FeedQuery): void;
}

/** Search box, date range and sort order of the replay feed. */
export function FeedFilters({ query, onChange }: FeedFiltersProps) {
  const [text, setText] = useState(query.q);

  // The URL is the source of truth: back/forward navigation must refill the search box.
  useEffect(() => setText(query.q), [query.q]);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    onChange({ ...query, q: text });
  };
  const hasFilters = Boolean(query.q || query.from || query.to || query.sort !== 'recent');

  return (
    <form className="filters" role="search" onSubmit={submit} data-testid="feed-filters">
      <label className="filters__search">
        <span className="visually-hidden">Search replays</span>
        <input
          className="input"
          type="search"
          placeholder="Search by name or email (any part), or a whole user id or distinct id"
          value={text}
          onChange={(event) => setText(event.target.value)}
          data-testid="feed-search"
        />
      </label>
      <button type="submit" className="button" data-testid="feed-search-submit">
        Search
      </button>
      <label className="filters__field">
        <span className="field__label">From</span>
        <input
          className="input"
          type="date"
          value={query.from}
          max={query.to || undefined}
          onChange={(event) => onChange({ ...query, q: text, from: event.target.value })}
          data-testid="feed-from"
        />
      </label>
      <label className="filters__field">
        <span className="field__label">To</span>
        <input
          className="input"
          type="date"
          value={query.to}
          min={query.from || undefined}
          onChange={(event) => onChange({ ...query, q: text, to: event.target.value })}
          data-testid="feed-to"
        />
      </label>
      <label className="filters__field">
        <span className="field__label">Sort</span>
        <select
          className="select"
          value={query.sort}
          onChange={(event) =>
            onChange({ ...query, q: text, sort: event.target.value as ReplaySort })
          }
          data-testid="feed-sort"
        >
          {sortOptions.map((option) => (
            <option key={option.value} value={option.value}>
              {option.label}
            </option>
          ))}
        </select>
      </label>
      {hasFilters && (
        <button
          type="button"
          className="button button--ghost"
          onClick={() => {
            setText('');
            onChange({ project: query.project, q: '', from: '', to: '', sort: 'recent' });
          }}
          data-testid="feed-clear"
        >
          Clear
        </button>
      )}
    </form>
  );
}
