import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { describeIssues, useFriendlyIssueMessages } from './validation.js';
import { recordQuerySchema } from './record.js';

// The server describes problems with these messages; the tests check the same text.
useFriendlyIssueMessages(z);

describe('recordQuerySchema', () => {
  it('accepts the query mixpanel-browser sends', () => {
    const query = recordQuerySchema.parse({
      $current_url: 'https://shop.example/cart',
      $lib_version: '2.83.0',
      batch_start_time: '1733300000.123',
      mp_lib: 'web',
      replay_id: '0b6f7a4e-1c2d-4e5f-8a9b-0c1d2e3f4a5b',
      replay_length_ms: '5123',
      replay_start_time: '1733299995.0',
      replay_start_url: 'https://shop.example/',
      seq: '3',
      distinct_id: '$device:0b6f7a4e',
      $device_id: '0b6f7a4e',
      format: 'gzip',
    });
    expect(query.seq).toBe(3);
    expect(query.batch_start_time).toBeCloseTo(1733300000.123);
    expect(query.format).toBe('gzip');
    expect(query.distinct_id).toBe('$device:0b6f7a4e');
  });

  it.each([
    [{ seq: '0' }, 'replay_id: is required'],
    [{ replay_id: 'a b', seq: '0' }, 'replay_id: must be 1 to 64'],
    [{ replay_id: 'r1', seq: '-1' }, 'seq: must be an integer from 0 to 1000000000'],
    [{ replay_id: 'r1', seq: '1.5' }, 'seq: must be an integer'],
    [{ replay_id: 'r1' }, 'seq: is required'],
    [{ replay_id: 'r1', seq: '0', format: 'zip' }, 'format:'],
    [{ replay_id: 'r1', seq: '0', distinct_id: 'x'.repeat(256) }, 'at most 255 characters'],
  ])('rejects %j', (input, message) => {
    const result = recordQuerySchema.safeParse(input);
    expect(result.success).toBe(false);
    expect(describeIssues(result.error!)).toContain(message);
  });

  it.each([
    [{ replay_id: ['a', 'b'], seq: '1' }, 'replay_id: given 2 times; send it once'],
    [{ replay_id: 'a', seq: ['1', '2'] }, 'seq: given 2 times; send it once'],
    [{ replay_id: 'a', seq: '1', format: ['gzip', 'body'] }, 'format: given 2 times'],
  ])('rejects repeated parameter %j', (input, message) => {
    const result = recordQuerySchema.safeParse(input);
    expect(result.success).toBe(false);
    expect(describeIssues(result.error!)).toContain(message);
  });

  it.each(['0x10', '1e3', 'Infinity', ' 1 2'])('rejects seq %s', (seq) => {
    const result = recordQuerySchema.safeParse({ replay_id: 'a', seq });
    expect(result.success).toBe(false);
  });

  it('accepts numbers from a JSON body', () => {
    const query = recordQuerySchema.parse({ replay_id: 'r1', seq: 4, replay_length_ms: 12.5 });
    expect(query.seq).toBe(4);
    expect(query.replay_length_ms).toBe(12.5);
  });

  it.each([
    [{ replay_id: 'r1', seq: '' }, 'seq: must be an integer'],
    [{ replay_id: 'r1', seq: '1000000001' }, 'seq: must be an integer'],
    [{ replay_id: 'r1', seq: 'abc' }, 'seq: must be an integer'],
    [{ replay_id: 'x'.repeat(65), seq: '0' }, 'replay_id: must be 1 to 64'],
    [{ replay_id: '../etc', seq: '0' }, 'replay_id: must be 1 to 64'],
    [
      { replay_id: 'r1', seq: '0', batch_start_time: '-5' },
      'batch_start_time: must be Unix seconds',
    ],
    [{ replay_id: 'r1', seq: '0', sent_at: 'soon' }, 'sent_at: must be Unix milliseconds'],
    [
      { replay_id: 'r1', seq: '0', $current_url: 'x'.repeat(8193) },
      '$current_url: must be at most',
    ],
  ])('rejects %j by field', (input, message) => {
    const result = recordQuerySchema.safeParse(input);
    expect(result.success).toBe(false);
    expect(describeIssues(result.error!)).toContain(message);
  });
});
