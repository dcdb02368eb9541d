import type { RecorderHost, StoredBatch } from '../recorder-api.js';
import type { CompressedBody, Compressor } from '../transport/compression.js';
import { bodyBytes, keepaliveBudgetBytes } from '../transport/keepalive.js';
import type { OutboxItem } from '../transport/outbox.js';
import {
  buildRecordQuery,
  type RecordBatchMeta,
  type RecordIdentity,
} from '../transport/requests.js';
import type { SendOutcome } from '../transport/response.js';
import {
  chunkByCount,
  maxAddedNodesPerBatch,
  maxEventsPerBatch,
  packByBytes,
  splitInHalves,
  stringifyEvents,
  timeRange,
  type PackedBatch,
} from './batches.js';
import { addedNodesOf, EventType, isUserAction, type RrwebEvent } from './event-types.js';

interface PendingBatch {
  events: RrwebEvent[];
  /** Compressed once, then reused by every retry. */
  body?: CompressedBody;
  /** Identity of a batch that an earlier page stored; other batches use the current one. */
  identity?: RecordIdentity;
  /** `$current_url` of a batch that an earlier page stored; other batches use `location`. */
  currentUrl?: string;
  /** Set while a `keepalive` request of this batch is under way; it outlives the page. */
  keepaliveInFlight?: boolean;
}

/** Drop outcome of a try that `unload` made pointless, because it took the batch over. */
const takenByUnload: SendOutcome = { kind: 'drop', status: 0 };

/**
 * Queues the rrweb events of one replay and uploads them to `/record/` in order, one request
 * at a time. A batch goes every `record_flush_interval_ms`, `record_action_flush_ms` after a
 * user action, when `maxEventsPerBatch` events are queued, and at once when it contains a full
 * snapshot. `seq` advances only when the server accepts a batch (200 with a JSON body). Failed batches are retried with backoff; a batch
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
  private actionFlushTimer: ReturnType<typeof setTimeout> | null = null;
  /** Identity read when the recording stopped, so that `reset()` does not relabel its tail. */
  private stoppedIdentity: RecordIdentity | null = null;
  private lastEventMs = 0;
  /** Nodes added by the mutation events in `queue`. */
  private queuedAddedNodes = 0;

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
    this.queuedAddedNodes += addedNodesOf(event);
    this.lastEventMs = Math.max(this.lastEventMs, event.timestamp);
    if (event.type === EventType.FullSnapshot) this.flushSoon();
    else if (this.queue.length >= maxEventsPerBatch) this.flush();
    else if (this.queuedAddedNodes >= maxAddedNodesPerBatch) this.flush();
    else if (isUserAction(event)) this.flushAfterAction();
  }

  /** Moves the queue into batches and sends the next one unless a request is under way. */
  flush(): void {
    this.queuedAddedNodes = 0;
    for (const events of chunkByCount(this.queue.splice(0))) this.pending.push({ events });
    this.pumpSafely();
  }

  prependStored(batches: StoredBatch[]): void {
    this.pending.unshift(...batches.map((batch) => ({ ...batch })));
    // Stored batches passed `record_min_ms` on their page, so this replay is long enough.
    for (const batch of batches) {
      this.lastEventMs = Math.max(this.lastEventMs, timeRange(batch.events).endMs);
    }
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
    if (this.actionFlushTimer !== null) clearTimeout(this.actionFlushTimer);
    this.actionFlushTimer = null;
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
   * Sends every queued event now because the page is going away. Batches go with `keepalive`
   * while the keepalive budget lasts. From the first batch that does not fit on, the rest goes
   * to the outbox for the next page load, so that the stored batches are one run of seqs.
   * Each batch gets its `seq` here, since no response will arrive to advance it.
   */
  unload(): void {
    const inFlight = this.sending ? this.pending[0] : undefined;
    const batches = [...this.pending, { events: this.queue }];
    this.pending = [];
    this.queue = [];
    this.queuedAddedNodes = 0;
    if (this.isTooShort()) return;
    const stored: OutboxItem[] = [];
    for (const batch of batches) {
      if (batch === inFlight && batch.keepaliveInFlight) {
        // That request survives the page and carries this seq, so it is not sent twice.
        // NOTE: if it then fails (5xx, 413, network), no page retries it and the batch is lost.
        this.host.replay.seq++;
        continue;
      }
      // A batch that was already tried keeps one seq for all its events: if the earlier try
      // reaches the server too, the two copies are identical and the server keeps one.
      const parts =
        batch === inFlight
          ? packByBytes(batch.events, Infinity, Infinity)
          : packByBytes(batch.events, keepaliveBudgetBytes);
      for (const part of parts) this.sendOnUnload(batch, part, stored);
    }
    this.host.outbox.add(stored);
    this.host.saveReplay();
  }

  private sendOnUnload(batch: PendingBatch, part: PackedBatch, stored: OutboxItem[]): void {
    const { config, keepalive, replay } = this.host;
    if (replay.seq === 0) replay.startMs = timeRange(part.events).startMs;
    const meta = this.meta({ ...batch, events: part.events }, replay.seq++);
    const query = buildRecordQuery(meta, 'body');
    if (stored.length === 0 && keepalive.take(part.bytes)) {
      void this.host.transport
        .postRecord(config, query, part.json, true)
        .finally(() => keepalive.release(part.bytes));
    } else {
      stored.push({ path: '/record/', query, body: part.json });
    }
  }

  private flushSoon(): void {
    // Waits a tick so that the events rrweb emits right after the snapshot join its batch.
    this.soon ??= setTimeout(() => {
      this.soon = null;
      this.flush();
    }, 0);
  }

  /** Schedules one flush for the actions of the next `record_action_flush_ms`. */
  private flushAfterAction(): void {
    const delayMs = this.host.config.record_action_flush_ms;
    if (delayMs <= 0 || this.actionFlushTimer !== null) return;
    this.actionFlushTimer = setTimeout(() => {
      this.actionFlushTimer = null;
      this.flush();
    }, delayMs);
  }

  private isTooShort(): boolean {
    const minMs = this.host.config.record_min_ms;
    if (minMs <= 0 || this.host.replay.seq > 0) return false;
    return this.lastEventMs - this.host.replay.startMs < minMs;
  }

  private async pump(): Promise<void> {
    const batch = this.pending[0];
    if (this.sending || !batch || this.isTooShort() || this.host.uploadsHeld()) return;
    this.sending = true;
    let outcome: SendOutcome;
    try {
      outcome = await this.host.transport.sendWithRetry(
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
      const { identity, currentUrl } = batch;
      const halves = splitInHalves(batch.events).map((events) => ({
        events,
        identity,
        currentUrl,
      }));
      this.pending.unshift(...halves);
    } else {
      this.host.log.error(`/record/ dropped a batch of ${batch.events.length} events`, outcome);
    }
  }

  private async sendOnce(batch: PendingBatch): Promise<SendOutcome> {
    const { replay, config, keepalive } = this.host;
    if (this.discarded) return { kind: 'drop', status: 0 };
    if (this.pending[0] !== batch) return takenByUnload;
    if (replay.seq === 0) replay.startMs = timeRange(batch.events).startMs;
    if (!batch.body) {
      const json = await stringifyEvents(batch.events);
      if (this.pending[0] !== batch) return takenByUnload;
      batch.body = await this.compressor.compress(json);
    }
    if (this.pending[0] !== batch) return takenByUnload;
    const query = buildRecordQuery(this.meta(batch, replay.seq), batch.body.format);
    const bytes = bodyBytes(batch.body.body);
    // A keepalive request outlives the page, so `unload` need not send this batch again.
    batch.keepaliveInFlight = keepalive.take(bytes);
    try {
      return await this.host.transport.postRecord(
        config,
        query,
        batch.body.body,
        batch.keepaliveInFlight,
      );
    } finally {
      if (batch.keepaliveInFlight) keepalive.release(bytes);
      batch.keepaliveInFlight = false;
    }
  }

  private meta(batch: PendingBatch, seq: number): RecordBatchMeta {
    const { replay } = this.host;
    const { startMs, endMs } = timeRange(batch.events);
    return {
      replayId: replay.replayId,
      seq,
      identity: batch.identity ?? this.stoppedIdentity ?? this.host.identity(),
      batchStartMs: startMs,
      replayStartMs: replay.startMs,
      replayLengthMs: endMs - replay.startMs,
      replayStartUrl: replay.replayStartUrl,
      currentUrl: batch.currentUrl ?? location.href,
    };
  }
}
