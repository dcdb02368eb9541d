import { describe, expect, it } from 'vitest';
import { pickRemoteOptions } from './remote-settings.js';

describe('pickRemoteOptions', () => {
  it('keeps known options in range', () => {
    expect(
      pickRemoteOptions({ record_sessions_percent: 25, record_min_ms: 2000, api_host: 'x' }),
    ).toEqual({ record_sessions_percent: 25, record_min_ms: 2000 });
  });

  it.each([
    [{ record_sessions_percent: 101 }],
    [{ record_sessions_percent: -1 }],
    [{ record_sessions_percent: '50' }],
    [{ record_min_ms: 9000 }],
    [{ record_max_ms: Number.POSITIVE_INFINITY }],
  ])('drops %j', (config) => {
    expect(pickRemoteOptions(config)).toEqual({});
  });

  it('returns nothing for a missing config', () => {
    expect(pickRemoteOptions(undefined)).toEqual({});
    expect(pickRemoteOptions(null)).toEqual({});
  });
});
