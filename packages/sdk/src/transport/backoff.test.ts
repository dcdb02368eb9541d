import { describe, expect, it } from 'vitest';
import { backoffDelayMs, parseRetryAfterMs, retryAfterMaxMs, retryMaxMs } from './backoff.js';
import { classifyResponse } from './response.js';

describe('backoffDelayMs', () => {
  it.each([
    [0, 500, 1000],
    [1, 1000, 2000],
    [2, 2000, 4000],
    [5, 16_000, 32_000],
    [6, 30_000, 60_000],
    [30, 30_000, 60_000],
  ])('retry %d waits %d to %d ms', (attempt, min, max) => {
    expect(backoffDelayMs(attempt, 0)).toBe(min);
    expect(backoffDelayMs(attempt, 1)).toBe(max);
  });

  it('never exceeds the maximum', () => {
    for (let attempt = 0; attempt < 50; attempt++) {
      expect(backoffDelayMs(attempt, Math.random())).toBeLessThanOrEqual(retryMaxMs);
    }
  });
});

describe('parseRetryAfterMs', () => {
  it.each([
    ['1', 1000],
    [' 2 ', 2000],
    ['0.5', 500],
    ['0', 0],
  ])('seconds %j', (header, expected) => {
    expect(parseRetryAfterMs(header)).toBe(expected);
  });

  it('HTTP date', () => {
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(parseRetryAfterMs('Thu, 01 Jan 2026 00:00:05 GMT', now)).toBe(5000);
  });

  it.each([null, '', 'soon', '-3'])('invalid %j', (header) => {
    expect(parseRetryAfterMs(header)).toBeNull();
  });

  it('caps long waits', () => {
    expect(parseRetryAfterMs('86400')).toBe(retryAfterMaxMs);
  });
});

describe('classifyResponse', () => {
  const facts = (status: number, isJson = true, retryAfter: string | null = null) => ({
    status,
    isJson,
    retryAfter,
  });

  it('accepts only 200 with JSON for record', () => {
    expect(classifyResponse(facts(200), true).kind).toBe('accepted');
    expect(classifyResponse(facts(200, false), true).kind).toBe('retry');
    expect(classifyResponse(facts(204, false), true).kind).toBe('retry');
  });

  it('accepts any 2xx for analytics', () => {
    expect(classifyResponse(facts(200, false), false).kind).toBe('accepted');
    expect(classifyResponse(facts(204, false), false).kind).toBe('accepted');
  });

  it.each([0, 408, 429, 500, 502, 503])('retries %d', (status) => {
    expect(classifyResponse(facts(status), true).kind).toBe('retry');
  });

  it('splits on 413', () => {
    expect(classifyResponse(facts(413), true).kind).toBe('split');
  });

  it.each([400, 401, 403, 404, 415, 422])('drops %d', (status) => {
    expect(classifyResponse(facts(status), true)).toEqual({ kind: 'drop', status });
  });

  it('reads Retry-After of a 429', () => {
    expect(classifyResponse(facts(429, true, '1'), true)).toEqual({
      kind: 'retry',
      status: 429,
      retryAfterMs: 1000,
    });
  });
});
