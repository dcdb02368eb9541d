import type { ResolvedConfig } from '../config.js';
import type { Logger } from '../core/logger.js';
import type { RecorderHost, RecorderLoader, RecordingControl } from '../recorder-api.js';
import type { KeepaliveBudget } from '../transport/keepalive.js';
import type { Outbox } from '../transport/outbox.js';
import type { RecordIdentity } from '../transport/requests.js';
import { isSampledIn } from './sampling.js';
import { isReplayExpired, newReplayState, type ReplayState, type ReplayStore } from './session.js';
import type { TabGuard } from './tab-guard.js';

export interface ReplayControllerDeps {
  config: ResolvedConfig;
  log: Logger;
  store: ReplayStore;
  guard: TabGuard | null;
  loadRecorder: RecorderLoader;
  identity(): RecordIdentity;
  keepalive: KeepaliveBudget;
  outbox: Outbox;
}

/** Events that count as user input when the SDK waits for a person to come back after idling. */
const activityEvents = ['pointerdown', 'keydown', 'scroll', 'touchstart', 'mousemove'];

/** Minimum time between two writes of the replay state for activity alone, in ms. */
const activitySaveIntervalMs = 5000;

/**
 * Owns the tab's replay: restores it after a reload, draws sampling for a new one, loads the
 * recorder when the replay is sampled in, and starts a new replay after the idle timeout or
 * the maximum length.
 */
export class ReplayController {
  private state: ReplayState | null = null;
  private recording: RecordingControl | null = null;
  /** Increases on every start and stop, so that a slow recorder load cannot start a stale replay. */
  private generation = 0;
  private idleTimer: ReturnType<typeof setTimeout> | null = null;
  private maxTimer: ReturnType<typeof setTimeout> | null = null;
  private stopWaitingForActivity: (() => void) | null = null;
  /** Set while a replay has ended on the idle timeout and no new one has started yet. */
  private idleEnded = false;
  private lastSaveMs = 0;

  constructor(private readonly deps: ReplayControllerDeps) {}

  /**
   * Continues the tab's stored replay, or starts a new one as sampling decides. Does nothing
   * once this page has a replay, recorded or not.
   */
  async resume(): Promise<void> {
    if (this.state) return;
    const { config, store, guard } = this.deps;
    const generation = ++this.generation;
    const now = Date.now();
    let stored = store.load();
    if (stored && isReplayExpired(stored, now, config)) stored = null;
    if (stored) {
      this.state = stored;
      guard?.own(stored.replayId);
      if (guard && (await guard.isOwnedElsewhere(stored.replayId))) {
        this.deps.log.debug('another tab records replay', stored.replayId, '; starting a new one');
        stored = null;
      }
    }
    if (generation !== this.generation) return;
    const sampled = isSampledIn(config.record_sessions_percent);
    this.adopt(stored ?? newReplayState(sampled, false, Date.now()));
  }

  /** Starts recording a new replay, whatever sampling decided. No-op while recording. */
  start(): void {
    if (this.state?.sampled && !this.idleEnded) return;
    this.stopCurrent();
    this.adopt(newReplayState(true, true, Date.now()));
  }

  /**
   * Stops recording; the replay stays stopped across reloads until `start` or its expiry.
   * With `discard`, events not yet sent are dropped instead of uploaded (after an opt-out).
   */
  stop(discard = false): void {
    const state = this.state;
    this.stopCurrent(discard);
    if (!state) return;
    state.sampled = false;
    state.forced = false;
    this.deps.store.save(state);
  }

  /** `$mp_replay_id` of the replay being recorded, or an empty object. */
  properties(): { $mp_replay_id?: string } {
    if (!this.state?.sampled || this.idleEnded) return {};
    return { $mp_replay_id: this.state.replayId };
  }

  /**
   * Records activity from the analytics API, so that a replay that is not recorded (and so has
   * no recorder to report user input) does not expire while the page is in use.
   * NOTE: such a replay sees only `track` calls, so a visitor who reads for 30 minutes without
   * any tracked event gets a new replay, and a new sampling draw, on the next page load.
   */
  noteActivity(): void {
    if (this.state && !this.recording) this.markActive(this.state, Date.now());
  }

  /** Sends or stores what is queued; called on `pagehide`. */
  unload(): void {
    this.recording?.unload();
    if (this.state) this.deps.store.save(this.state);
  }

  /** Uploads what is queued now; called when the page is hidden. */
  flush(): void {
    this.recording?.flush();
  }

  private adopt(state: ReplayState): void {
    this.state = state;
    this.deps.guard?.own(state.replayId);
    this.deps.store.save(state);
    if (state.sampled) void this.startRecording(state);
  }

  private async startRecording(state: ReplayState): Promise<void> {
    const generation = ++this.generation;
    try {
      const recorder = await this.deps.loadRecorder();
      if (generation !== this.generation || this.state !== state) return;
      this.recording = recorder.startRecording(this.createHost(state));
      this.armTimers(state);
      this.deps.log.debug('recording replay', state.replayId, 'from seq', state.seq);
    } catch (error) {
      this.deps.log.error('recorder failed to load or start', error);
    }
  }

  private createHost(state: ReplayState): RecorderHost {
    const { config, log, keepalive, outbox } = this.deps;
    return {
      config,
      log,
      replay: state,
      keepalive,
      outbox,
      identity: () => this.deps.identity(),
      saveReplay: () => {
        if (this.state === state) this.deps.store.save(state);
      },
      markActive: (timestampMs) => this.markActive(state, timestampMs),
    };
  }

  private markActive(state: ReplayState, timestampMs: number): void {
    if (this.state !== state) return;
    state.lastActiveMs = Math.max(state.lastActiveMs, timestampMs);
    if (timestampMs - this.lastSaveMs < activitySaveIntervalMs) return;
    this.lastSaveMs = timestampMs;
    this.deps.store.save(state);
  }

  private armTimers(state: ReplayState): void {
    const { record_idle_timeout_ms: idleMs, record_max_ms: maxMs } = this.deps.config;
    const checkIdle = () => {
      const idleForMs = Date.now() - state.lastActiveMs;
      if (idleForMs < idleMs) this.idleTimer = setTimeout(checkIdle, idleMs - idleForMs);
      else this.endAfterIdle(state);
    };
    this.idleTimer = setTimeout(checkIdle, Math.max(0, state.lastActiveMs + idleMs - Date.now()));
    const untilMaxMs = Math.max(0, state.startMs + maxMs - Date.now());
    this.maxTimer = setTimeout(() => this.rotate(state, 'maximum length reached'), untilMaxMs);
  }

  /** Ends the replay after the idle timeout; the next user input starts a new one. */
  private endAfterIdle(state: ReplayState): void {
    this.deps.log.debug('replay', state.replayId, 'idle; waiting for user input');
    this.stopCurrent();
    this.idleEnded = true;
    const resume = () => {
      this.stopWaitingForActivity?.();
      this.rotate(state, 'user input after idle timeout');
    };
    const options = { capture: true, passive: true };
    for (const name of activityEvents) addEventListener(name, resume, options);
    this.stopWaitingForActivity = () => {
      for (const name of activityEvents) removeEventListener(name, resume, options);
      this.stopWaitingForActivity = null;
    };
  }

  /** Replaces `previous` with a new replay that keeps its sampling decision. */
  private rotate(previous: ReplayState, reason: string): void {
    if (this.state !== previous) return;
    this.deps.log.debug('starting a new replay:', reason);
    this.stopCurrent();
    this.adopt(newReplayState(previous.sampled, previous.forced, Date.now()));
  }

  private stopCurrent(discard = false): void {
    this.generation++;
    this.idleEnded = false;
    this.stopWaitingForActivity?.();
    if (this.idleTimer !== null) clearTimeout(this.idleTimer);
    if (this.maxTimer !== null) clearTimeout(this.maxTimer);
    this.idleTimer = this.maxTimer = null;
    const recording = this.recording;
    this.recording = null;
    try {
      recording?.stop(discard);
    } catch (error) {
      this.deps.log.error('recorder failed to stop', error);
    }
  }
}
