/**
 * The contract between the core SDK and the recorder bundle, which is loaded only when a replay
 * is sampled in. Both bundles compile against these types; nothing else is shared at run time.
 */
import type { ResolvedConfig } from './config.js';
import type { Logger } from './core/logger.js';
import type { RrwebEvent } from './recorder/event-types.js';
import type { ReplayState } from './replay/session.js';
import type { KeepaliveBudget } from './transport/keepalive.js';
import type { sendWithRetry } from './transport/http.js';
import type { Outbox } from './transport/outbox.js';
import type { postRecord, RecordIdentity } from './transport/requests.js';

/** Services and state that the core passes to one recording. */
export interface RecorderHost {
  config: ResolvedConfig;
  log: Logger;
  /**
   * The replay being recorded; the recorder advances `seq` and `startMs` in it. The core may
   * replace it while `uploadsHeld()` is true, and the recorder then sends everything it has
   * queued under the new replay.
   */
  replay: ReplayState;
  /**
   * Whether uploads must wait: true while the duplicated-tab check has not decided whether this
   * page continues `replay`. `unload` still sends or stores what is queued.
   */
  uploadsHeld(): boolean;
  /** Persists `replay` for reloads of this tab, unless another replay replaced it since. */
  saveReplay(): void;
  /** The current identity; a stopped recording keeps sending under the last one it read. */
  identity(): RecordIdentity;
  /** Reports user input (pointer, keys, scroll) at `timestampMs`, for the idle timeout. */
  markActive(timestampMs: number): void;
  keepalive: KeepaliveBudget;
  outbox: Outbox;
  /** The core's `/record/` transport, passed in so that the recorder bundle does not repeat it. */
  transport: RecordTransport;
}

export interface RecordTransport {
  sendWithRetry: typeof sendWithRetry;
  postRecord: typeof postRecord;
}

/** A running recording of one replay. */
export interface RecordingControl {
  /** Stops capturing; what was captured is still uploaded, unless `discard` is set. */
  stop(discard?: boolean): void;
  /** Stops capturing and uploads what was captured. `resume` continues the same replay. */
  pause(): void;
  /** Captures again after `pause`, starting with a full snapshot. No-op unless paused. */
  resume(): void;
  /** Sends or stores what is queued, synchronously, because the page is going away. */
  unload(): void;
  /** Uploads what is queued now instead of at the next interval. */
  flush(): void;
  /**
   * Queues batches that earlier pages stored for this replay ahead of this page's own, so that
   * they go first, from `replay.seq` on. Valid only before the first upload of the recording.
   */
  prependStored(batches: StoredBatch[]): void;
}

/** A `/record/` batch that an earlier page stored, with the identity and URL it was recorded at. */
export interface StoredBatch {
  events: RrwebEvent[];
  identity: RecordIdentity;
  currentUrl: string;
}

/** Exports of the recorder bundle. */
export interface RecorderModule {
  startRecording(host: RecorderHost): RecordingControl;
}

/** Loads the recorder bundle: a dynamic import, or a `<script>` in the script-tag build. */
export type RecorderLoader = () => Promise<RecorderModule>;
