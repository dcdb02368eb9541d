import { describe, expect, it } from 'vitest';
import { parseUserAgent } from './user-agent.js';

describe('parseUserAgent', () => {
  it.each([
    {
      userAgent:
        'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36 Edg/126.0.0.0',
      browser: 'Edge',
      os: 'Windows',
    },
    {
      userAgent:
        'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Safari/605.1.15',
      browser: 'Safari',
      os: 'macOS',
    },
    {
      userAgent:
        'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) CriOS/126.0 Mobile/15E148 Safari/604.1',
      browser: 'Chrome',
      os: 'iOS',
    },
    {
      userAgent:
        'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Mobile Safari/537.36',
      browser: 'Chrome',
      os: 'Android',
    },
    {
      userAgent: 'Mozilla/5.0 (X11; Linux x86_64; rv:127.0) Gecko/20100101 Firefox/127.0',
      browser: 'Firefox',
      os: 'Linux',
    },
    {
      userAgent:
        'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/126.0 Safari/537.36',
      browser: 'Headless Chrome',
      os: 'Linux',
    },
  ])('reads $browser on $os', ({ userAgent, browser, os }) => {
    expect(parseUserAgent(userAgent)).toEqual({ browser, os });
  });

  it('returns nulls without header', () => {
    expect(parseUserAgent(undefined)).toEqual({ browser: null, os: null });
  });

  it('returns nulls for unknown agents', () => {
    expect(parseUserAgent('curl/8.5.0')).toEqual({ browser: null, os: null });
  });
});
