import { describe, expect, it } from 'vitest';
import { defaultBlockClass, maxRecordMinMs, maxRecordMs, resolveConfig } from './config.js';

describe('resolveConfig', () => {
  it('applies Mixpanel defaults', () => {
    const config = resolveConfig('t', { api_host: 'http://127.0.0.1:8484/' });
    expect(config.api_host).toBe('http://127.0.0.1:8484');
    expect(config.record_sessions_percent).toBe(0);
    expect(config.record_mask_text_selector).toBe('*');
    expect(config.record_block_selector).toBe('img, video, audio');
    expect(config.record_mask_all_text).toBe(true);
    expect(config.record_mask_all_inputs).toBe(true);
    expect(config.record_block_class).toBe(defaultBlockClass);
    expect(config.record_idle_timeout_ms).toBe(30 * 60 * 1000);
    expect(config.record_max_ms).toBe(maxRecordMs);
    expect(config.record_flush_interval_ms).toBe(5000);
    expect(config.record_action_flush_ms).toBe(1000);
    expect(config.record_full_snapshot_interval_ms).toBe(300_000);
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
    ['record_action_flush_ms', -5, 0],
    ['record_action_flush_ms', '500', 1000],
    ['record_full_snapshot_interval_ms', 0, 0],
    ['record_full_snapshot_interval_ms', 500, 1000],
    ['record_full_snapshot_interval_ms', -1, 0],
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

  // Each row: options passed, then the resolved mask-all flag and mask selector.
  it.each([
    [{}, true, '*'],
    [{ record_mask_text_selector: '*' }, true, '*'],
    [{ record_mask_text_selector: ' * ' }, true, '*'],
    [{ record_mask_text_selector: '' }, false, ''],
    [{ record_mask_text_selector: '.secret' }, false, '.secret'],
    [{ record_mask_text_selector: ['.a', ' .b ', ''] }, false, '.a, .b'],
    [{ record_mask_all_text: true }, true, '*'],
    [{ record_mask_all_text: false }, false, ''],
    [{ record_mask_all_text: true, record_mask_text_selector: '' }, true, ''],
    [{ record_mask_all_text: false, record_mask_text_selector: '*' }, true, '*'],
    [{ record_mask_all_text: 'no' }, true, '*'],
    [{ record_mask_text_selector: 42 }, true, '*'],
  ])('text masking %j', (options, maskAll, selector) => {
    const config = resolveConfig('t', options as never);
    expect(config.record_mask_all_text).toBe(maskAll);
    expect(config.record_mask_text_selector).toBe(selector);
  });

  it.each([
    [{}, true, '*'],
    [{ record_mask_input_selector: '' }, true, ''],
    [{ record_mask_input_selector: '.card' }, true, '.card'],
    [{ record_mask_all_inputs: false }, false, ''],
    [{ record_mask_all_inputs: false, record_mask_input_selector: '.card' }, false, '.card'],
    [{ record_mask_all_inputs: false, record_mask_input_selector: '*' }, true, '*'],
    [{ record_mask_all_inputs: 0 }, true, '*'],
  ])('input masking %j', (options, maskAll, selector) => {
    const config = resolveConfig('t', options as never);
    expect(config.record_mask_all_inputs).toBe(maskAll);
    expect(config.record_mask_input_selector).toBe(selector);
  });

  it('joins unmask selector lists', () => {
    const config = resolveConfig('t', { record_unmask_text_selector: ['.a', '.b'] });
    expect(config.record_unmask_text_selector).toBe('.a, .b');
  });

  it.each([
    ['my-block', 'my-block'],
    [/^x$/, /^x$/],
    ['', defaultBlockClass],
    [7, defaultBlockClass],
  ])('block class %j', (value, expected) => {
    const config = resolveConfig('t', { record_block_class: value as never });
    expect(config.record_block_class).toEqual(expected);
  });
});
