import type { RecorderHost } from '../recorder-api.js';
import type { CompressedBody, Compressor } from '../transport/compression.js';
import { sendWithRetry } from '../transport/http.js';
import { keepaliveBudgetBytes } from '../transport/keepalive.js';
import {
  buildRecordQuery,
  postRecord,
  type RecordBatchMeta,
  type RecordIdentity,
} from '../transport/requests.js';
import type { SendOutcome } from '../transport/response.js';
import {
  chunkByCount,
  maxEventsPerBatch,
  packByBytes,
  splitInHalves,
  timeRange,
} from './batches.js';
import { EventType, type RrwebEvent } from './event-types.js';

interface PendingBatch {
  events: RrwebEvent[];
  /** Compressed once, then reused by every retry. */
  body?: CompressedBody;
}

/**
 * Queues the rrweb events of one replay and uploads them to `/record/` in order, one request
 * at a time. A batch goes every `record_flush_interval_ms`, when `maxEventsPerBatch` events are
 * queued, and at once when it contains a full snapshot. `seq` advances only when the server
 * accepts a batch (200 with a JSON body). Failed batches are retried with backoff; a batch
 * the server finds too large (413) is halved, each half with its own `seq`.
 */
export class Uploader {
  private queue: RrwebEvent[] = [];
  private pending: PendingBatch[] = [];
  private sending = false;
  private stopped = false;
  /** Set when the recording stopped with `discard`: nothing more is sent, not even a retry. */
  private discarded = false;
  private interval: ReturnType<typeof setInterval> | null = null;
  private soon: ReturnType<typeof setTimeout> | null = null;
  /** Identity read when the recording stopped, so that `reset()` does not relabel its tail. */
  private stoppedIdentity: RecordIdentity | null = null;
  private lastEventMs = 0;

  constructor(
    private readonly host: RecorderHost,
    private readonly compressor: Compressor,
  ) {}

  start(): void {
    this.interval = setInterval(() => this.flush(), this.host.config.record_flush_interval_ms);
  }

  enqueue(event: RrwebEvent): void {
    if (this.stopped) return;
    this.queue.push(event);
    this.lastEventMs = Math.max(this.lastEventMs, event.timestamp);
    if (event.type === EventType.FullSnapshot) this.flushSoon();
    else if (this.queue.length >= maxEventsPerBatch) this.flush();
  }

  /** Moves the queue into batches and sends the next one unless a request is under way. */
  flush(): void {
    for (const events of chunkByCount(this.queue.splice(0))) this.pending.push({ events });
    this.pumpSafely();
  }

  private pumpSafely(): void {
    this.pump().catch((error) => this.host.log.error('/record/ upload failed', error));
  }

  /**
   * Stops taking events and sends what is queued. It discards the queue instead when asked to,
   * or when the replay is shorter than `record_min_ms`.
   */
  stop(discard = false): void {
    this.stoppedIdentity = this.host.identity();
    this.stopped = true;
    if (this.interval !== null) clearInterval(this.interval);
    this.discarded = discard;
    if (discard || this.isTooShort()) {
      this.host.log.debug('replay stopped; unsent events discarded');
      this.queue = [];
      this.pending = [];
      return;
    }
    this.flush();
  }

  /**
   * Sends every queued event now because the page is going away: batches go with `keepalive`
   * while the keepalive budget lasts, and the rest goes to the outbox for the next page load.
   * Each batch gets its `seq` here, since no response will arrive to advance it.
   */
  unload(): void {
    const batches = [...this.pending.map((batch) => batch.events), this.queue];
    this.pending = [];
    this.queue = [];
    if (this.isTooShort()) return;
    const { config, keepalive, outbox, replay } = this.host;
    // NOTE: a batch in flight is sent again under the same seq. When it is over the keepalive
    // budget it is cut in parts, and if the first request then lands last, its events are
    // stored twice (under seq and seq + 1).
    for (const events of batches) {
      for (const packed of packByBytes(events, keepaliveBudgetBytes)) {
        const query = buildRecordQuery(this.meta(packed.events, replay.seq++), 'body');
        if (keepalive.take(packed.bytes)) {
          void postRecord(config, query, packed.json, true).finally(() =>
            keepalive.release(packed.bytes),
          );
        } else {
          outbox.add([{ path: '/record/', query, body: packed.json }]);
        }
      }
    }
    this.host.saveReplay();
  }

  private flushSoon(): void {
    // Waits a tick so that the events rrweb emits right after the snapshot join its batch.
    this.soon ??= setTimeout(() => {
      this.soon = null;
      this.flush();
    }, 0);
  }

  private isTooShort(): boolean {
    const minMs = this.host.config.record_min_ms;
    if (minMs <= 0 || this.host.replay.seq > 0) return false;
    return this.lastEventMs - this.host.replay.startMs < minMs;
  }

  private async pump(): Promise<void> {
    const batch = this.pending[0];
    if (this.sending || !batch || this.isTooShort()) return;
    this.sending = true;
    let outcome: SendOutcome;
    try {
      outcome = await sendWithRetry(
        () => this.sendOnce(batch),
        (retry, delayMs) =>
          this.host.log.debug(`/record/ failed; retrying in ${delayMs} ms`, retry),
      );
    } finally {
      this.sending = false;
    }
    // After `unload`, the batch went out with its own seq; this result must not advance it.
    if (this.pending[0] !== batch) return;
    this.settle(batch, outcome);
    this.pumpSafely();
  }

  private settle(batch: PendingBatch, outcome: SendOutcome): void {
    this.pending.shift();
    if (outcome.kind === 'accepted') {
      this.host.replay.seq++;
      this.host.saveReplay();
    } else if (outcome.kind === 'split' && batch.events.length > 1) {
      const halves = splitInHalves(batch.events).map((events) => ({ events }));
      this.pending.unshift(...halves);
    } else {
      this.host.log.error(`/record/ dropped a batch of ${batch.events.length} events`, outcome);
    }
  }

  private async sendOnce(batch: PendingBatch): Promise<SendOutcome> {
    const { replay, config } = this.host;
    if (this.discarded) return { kind: 'drop', status: 0 };
    if (replay.seq === 0) replay.startMs = timeRange(batch.events).startMs;
    batch.body ??= await this.compressor.compress(JSON.stringify(batch.events));
    const query = buildRecordQuery(this.meta(batch.events, replay.seq), batch.body.format);
    return postRecord(config, query, batch.body.body, false);
  }

  private meta(events: RrwebEvent[], seq: number): RecordBatchMeta {
    const { replay } = this.host;
    const { startMs, endMs } = timeRange(events);
    return {
      replayId: replay.replayId,
      seq,
      identity: this.stoppedIdentity ?? this.host.identity(),
      batchStartMs: startMs,
      replayStartMs: replay.startMs,
      replayLengthMs: endMs - replay.startMs,
      replayStartUrl: replay.replayStartUrl,
      currentUrl: location.href,
    };
  }
}
