import type { ReplaySort } from '@reprise/protocol';
import type { ReplayQuery } from '../api/index.js';

/** The feed's search state, as kept in the page URL so that a view can be linked. */
export interface FeedQuery {
  /** Project id, or empty for the server's default (the first project). */
  project: string;
  /** Search text: user name, email, user id or distinct id. */
  q: string;
  /** First local day of the date range, `yyyy-mm-dd`, or empty for no lower bound. */
  from: string;
  /** Last local day of the date range (inclusive), `yyyy-mm-dd`, or empty for no upper bound. */
  to: string;
  sort: ReplaySort;
}

export const sortOptions: ReadonlyArray<{ value: ReplaySort; label: string }> = [
  { value: 'recent', label: 'Most recent' },
  { value: 'duration', label: 'Longest' },
  { value: 'activity', label: 'Most active' },
];

const defaultSort: ReplaySort = 'recent';

function isReplaySort(value: string | null): value is ReplaySort {
  return sortOptions.some((option) => option.value === value);
}

/** Returns the Date of local midnight on a `yyyy-mm-dd` day, or null when the text is no date. */
export function parseLocalDay(text: string): Date | null {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (!match) return null;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const date = new Date(year, month - 1, day);
  const isSameDay =
    date.getFullYear() === year && date.getMonth() === month - 1 && date.getDate() === day;
  return isSameDay ? date : null;
}

/** Reads the feed state from URL search parameters, dropping values that are not valid. */
export function parseFeedQuery(params: URLSearchParams): FeedQuery {
  const sort = params.get('sort');
  const from = params.get('from') ?? '';
  const to = params.get('to') ?? '';
  return {
    project: params.get('project') ?? '',
    q: params.get('q') ?? '',
    from: parseLocalDay(from) ? from : '',
    to: parseLocalDay(to) ? to : '',
    sort: isReplaySort(sort) ? sort : defaultSort,
  };
}

/** Writes the feed state as URL search parameters, leaving out empty values and defaults. */
export function formatFeedQuery(query: FeedQuery): URLSearchParams {
  const params = new URLSearchParams();
  if (query.project) params.set('project', query.project);
  const q = query.q.trim();
  if (q) params.set('q', q);
  if (query.from) params.set('from', query.from);
  if (query.to) params.set('to', query.to);
  if (query.sort !== defaultSort) params.set('sort', query.sort);
  return params;
}

/** Returns why the date range cannot be searched, or null when it can. */
export function validateDateRange(query: FeedQuery): string | null {
  const from = parseLocalDay(query.from);
  const to = parseLocalDay(query.to);
  if (from && to && from.getTime() > to.getTime()) {
    return 'The "from" date is after the "to" date. Pick a "to" date on or after it.';
  }
  return null;
}

/**
 * Converts the feed state into API parameters. The date range covers whole local days:
 * `from` starts at local midnight and `to` ends 1 ms before the next local midnight.
 */
export function toReplayQuery(query: FeedQuery): ReplayQuery {
  const result: ReplayQuery = { sort: query.sort };
  if (query.project) result.project = query.project;
  const q = query.q.trim();
  if (q) result.q = q;

  const from = parseLocalDay(query.from);
  if (from) result.from = from.getTime();
  const to = parseLocalDay(query.to);
  if (to) {
    const nextMidnight = new Date(to.getFullYear(), to.getMonth(), to.getDate() + 1);
    result.to = nextMidnight.getTime() - 1;
  }
  return result;
}
