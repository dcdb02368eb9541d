import { describe, expect, it } from 'vitest';
import {
  formatFeedQuery,
  parseFeedQuery,
  parseLocalDay,
  toReplayQuery,
  validateDateRange,
  type FeedQuery,
} from './feed-query.js';

const empty: FeedQuery = { project: '', q: '', from: '', to: '', sort: 'recent' };

describe('parseLocalDay', () => {
  it('reads a valid day', () => {
    expect(parseLocalDay('2025-03-09')?.getTime()).toBe(new Date(2025, 2, 9).getTime());
  });

  it('rejects invalid days', () => {
    expect(parseLocalDay('2025-02-30')).toBeNull();
    expect(parseLocalDay('2025-3-9')).toBeNull();
    expect(parseLocalDay('yesterday')).toBeNull();
    expect(parseLocalDay('')).toBeNull();
  });
});

describe('parseFeedQuery', () => {
  it('reads every field', () => {
    const params = new URLSearchParams(
      'project=p2&q=ada%40example.com&from=2025-01-01&to=2025-01-31&sort=duration',
    );
    expect(parseFeedQuery(params)).toEqual({
      project: 'p2',
      q: 'ada@example.com',
      from: '2025-01-01',
      to: '2025-01-31',
      sort: 'duration',
    });
  });

  it('applies defaults', () => {
    expect(parseFeedQuery(new URLSearchParams())).toEqual(empty);
  });

  it('drops invalid values', () => {
    const params = new URLSearchParams('from=soon&to=2025-13-01&sort=random');
    expect(parseFeedQuery(params)).toEqual(empty);
  });
});

describe('formatFeedQuery', () => {
  it('omits defaults', () => {
    expect(formatFeedQuery(empty).toString()).toBe('');
  });

  it('round-trips', () => {
    const query: FeedQuery = {
      project: 'p1',
      q: 'user 42',
      from: '2025-01-01',
      to: '2025-01-02',
      sort: 'activity',
    };
    expect(parseFeedQuery(formatFeedQuery(query))).toEqual(query);
  });

  it('trims the search text', () => {
    expect(formatFeedQuery({ ...empty, q: '  ada  ' }).get('q')).toBe('ada');
    expect(formatFeedQuery({ ...empty, q: '   ' }).has('q')).toBe(false);
  });
});

describe('toReplayQuery', () => {
  it('covers whole local days', () => {
    const query = toReplayQuery({ ...empty, from: '2025-01-10', to: '2025-01-12' });
    expect(query.from).toBe(new Date(2025, 0, 10).getTime());
    expect(query.to).toBe(new Date(2025, 0, 13).getTime() - 1);
  });

  it('passes search and sort', () => {
    expect(toReplayQuery({ ...empty, q: ' ada ', sort: 'duration', project: 'p1' })).toEqual({
      q: 'ada',
      sort: 'duration',
      project: 'p1',
    });
  });

  it('leaves out empty values', () => {
    expect(toReplayQuery(empty)).toEqual({ sort: 'recent' });
  });
});

describe('validateDateRange', () => {
  it('rejects a reversed range', () => {
    expect(validateDateRange({ ...empty, from: '2025-02-01', to: '2025-01-01' })).toMatch(/after/);
  });

  it('accepts a one-day range', () => {
    expect(validateDateRange({ ...empty, from: '2025-01-01', to: '2025-01-01' })).toBeNull();
  });
});
