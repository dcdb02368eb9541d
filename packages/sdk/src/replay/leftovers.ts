import type { StoredBatch } from '../recorder-api.js';
import type { OutboxItem } from '../transport/outbox.js';
import type { RecordIdentity } from '../transport/requests.js';
import type { ReplayState } from './session.js';

/** The `/record/` batches that earlier pages of this tab stored for the replay it continues. */
export interface ReplayTail {
  replay: ReplayState;
  /** `seq` of the first batch; the batches run from it to `replay.seq - 1` without a gap. */
  firstSeq: number;
  batches: StoredBatch[];
  /** The outbox items of `batches`, sent as they are if this page does not keep the replay. */
  items: OutboxItem[];
}

interface StoredRecord {
  replayId: string;
  seq: number;
  batch: StoredBatch;
}

/** Parses a stored `/record/` request, or returns null for any other or invalid item. */
function parseStoredRecord(item: OutboxItem): StoredRecord | null {
  if (item?.path !== '/record/') return null;
  try {
    const query = new URLSearchParams(item.query);
    const seq = Number(query.get('seq') ?? NaN);
    const events: unknown = JSON.parse(item.body);
    if (!Number.isInteger(seq) || seq < 0 || !Array.isArray(events) || events.length === 0) {
      return null;
    }
    const identity: RecordIdentity = {
      distinct_id: query.get('distinct_id') ?? '',
      $device_id: query.get('$device_id') ?? '',
    };
    const userId = query.get('$user_id');
    if (userId) identity.$user_id = userId;
    const currentUrl = query.get('$current_url') ?? '';
    return {
      replayId: query.get('replay_id') ?? '',
      seq,
      batch: { events: events as StoredBatch['events'], identity, currentUrl },
    };
  } catch {
    return null;
  }
}

/**
 * Takes from `items` the tail of `replay`: the longest run of its stored batches that ends right
 * before `replay.seq`. Earlier pages sent everything before that run, and nothing after it has
 * been sent yet, so this page may send the run ahead of its own batches and renumber it when
 * the server halves a batch with 413. Returns a null tail, and all items as the rest, when there
 * is no such run or when two items of the replay share a seq.
 */
export function takeReplayTail(
  items: OutboxItem[],
  replay: ReplayState,
): { tail: ReplayTail | null; rest: OutboxItem[] } {
  const bySeq = new Map<number, { item: OutboxItem; batch: StoredBatch }>();
  for (const item of items) {
    const record = parseStoredRecord(item);
    if (record?.replayId !== replay.replayId) continue;
    if (bySeq.has(record.seq)) return { tail: null, rest: items };
    bySeq.set(record.seq, { item, batch: record.batch });
  }
  let firstSeq = replay.seq;
  while (bySeq.has(firstSeq - 1)) firstSeq--;
  if (firstSeq === replay.seq) return { tail: null, rest: items };

  const run = [];
  for (let seq = firstSeq; seq < replay.seq; seq++) run.push(bySeq.get(seq)!);
  const takenItems = new Set(run.map((entry) => entry.item));
  const tail: ReplayTail = {
    replay,
    firstSeq,
    batches: run.map((entry) => entry.batch),
    items: run.map((entry) => entry.item),
  };
  return { tail, rest: items.filter((item) => !takenItems.has(item)) };
}
