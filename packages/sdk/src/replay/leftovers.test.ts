import { describe, expect, it } from 'vitest';
import type { OutboxItem } from '../transport/outbox.js';
import { takeReplayTail } from './leftovers.js';
import { newReplayState, type ReplayState } from './session.js';

function replayAt(seq: number, replayId = 'replay-a'): ReplayState {
  return { ...newReplayState(true, false, 1000), replayId, seq };
}

function recordItem(replayId: string, seq: number, body = `[{"type":3,"timestamp":${seq}}]`) {
  const query = new URLSearchParams({
    replay_id: replayId,
    seq: String(seq),
    distinct_id: '$device:d1',
    $device_id: 'd1',
    $user_id: 'u1',
    $current_url: `https://shop.test/page-${seq}`,
  });
  return { path: '/record/', query: query.toString(), body } satisfies OutboxItem;
}

const trackItem: OutboxItem = { path: '/track/', query: '', body: 'data=W10%3D' };

describe('takeReplayTail', () => {
  it('takes the run before seq', () => {
    const items = [trackItem, recordItem('replay-a', 3), recordItem('replay-a', 4)];
    const { tail, rest } = takeReplayTail(items, replayAt(5));

    expect(tail?.firstSeq).toBe(3);
    expect(tail?.items).toEqual([items[1], items[2]]);
    expect(tail?.batches.map((batch) => batch.events[0]?.timestamp)).toEqual([3, 4]);
    expect(rest).toEqual([trackItem]);
  });

  it('keeps identity and URL', () => {
    const { tail } = takeReplayTail([recordItem('replay-a', 0)], replayAt(1));

    expect(tail?.batches[0]?.identity).toEqual({
      distinct_id: '$device:d1',
      $device_id: 'd1',
      $user_id: 'u1',
    });
    expect(tail?.batches[0]?.currentUrl).toBe('https://shop.test/page-0');
  });

  it('orders batches by seq', () => {
    const items = [recordItem('replay-a', 4), recordItem('replay-a', 3)];
    const { tail } = takeReplayTail(items, replayAt(5));

    expect(tail?.items).toEqual([items[1], items[0]]);
  });

  it('leaves batches before a gap', () => {
    const items = [recordItem('replay-a', 1), recordItem('replay-a', 3), recordItem('replay-a', 4)];
    const { tail, rest } = takeReplayTail(items, replayAt(5));

    expect(tail?.firstSeq).toBe(3);
    expect(rest).toEqual([items[0]]);
  });

  it.each([
    ['another replay', [recordItem('replay-b', 4)]],
    ['a run that ends early', [recordItem('replay-a', 3)]],
    ['a seq at or after the replay seq', [recordItem('replay-a', 5)]],
    ['a body that is not JSON', [recordItem('replay-a', 4, '[{"type"')]],
    ['an empty batch', [recordItem('replay-a', 4, '[]')]],
    ['two items with one seq', [recordItem('replay-a', 4), recordItem('replay-a', 4)]],
  ])('takes nothing with %s', (_case, items) => {
    const { tail, rest } = takeReplayTail(items, replayAt(5));

    expect(tail).toBeNull();
    expect(rest).toEqual(items);
  });
});
