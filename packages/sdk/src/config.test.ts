import { describe, expect, it } from 'vitest';
import { maxRecordMinMs, maxRecordMs, resolveConfig } from './config.js';

describe('resolveConfig', () => {
  it('applies Mixpanel defaults', () => {
    const config = resolveConfig('t', { api_host: 'http://127.0.0.1:8484/' });
    expect(config.api_host).toBe('http://127.0.0.1:8484');
    expect(config.record_sessions_percent).toBe(0);
    expect(config.record_mask_text_selector).toBe('*');
    expect(config.record_block_selector).toBe('img, video, audio');
    expect(config.record_block_class).toBe('mp-block');
    expect(config.record_idle_timeout_ms).toBe(30 * 60 * 1000);
    expect(config.record_max_ms).toBe(maxRecordMs);
    expect(config.record_flush_interval_ms).toBe(5000);
    expect(config.token).toBe('t');
  });

  it.each([
    ['record_sessions_percent', 150, 100],
    ['record_sessions_percent', -1, 0],
    ['record_sessions_percent', 'x', 0],
    ['record_min_ms', 60_000, maxRecordMinMs],
    ['record_max_ms', 10 * maxRecordMs, maxRecordMs],
    ['record_idle_timeout_ms', null, 30 * 60 * 1000],
    ['record_flush_interval_ms', 1, 100],
    ['batch_size', 10.7, 10],
  ])('%s %j becomes %j', (name, value, expected) => {
    const config = resolveConfig('t', { [name]: value } as never);
    expect(config[name as keyof typeof config]).toBe(expected);
  });

  it('keeps an empty selector', () => {
    expect(resolveConfig('t', { record_mask_text_selector: '' }).record_mask_text_selector).toBe(
      '',
    );
  });
});
