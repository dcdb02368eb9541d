import type { ResolvedConfig } from '../config.js';
import type { Logger } from '../core/logger.js';
import type {
  RecorderHost,
  RecorderLoader,
  RecorderModule,
  RecordingControl,
} from '../recorder-api.js';
import { sendWithRetry } from '../transport/http.js';
import type { KeepaliveBudget } from '../transport/keepalive.js';
import type { Outbox, OutboxItem } from '../transport/outbox.js';
import { postRecord, type RecordIdentity } from '../transport/requests.js';
import { takeReplayTail, type ReplayTail } from './leftovers.js';
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
  /** Sends stored outbox items as they are, each under its own replay id and seq. */
  sendStored(items: OutboxItem[]): void;
}

/** The duplicated-tab check of the stored replay that this page continues, while it runs. */
interface PendingClaim {
  replay: ReplayState;
  /**
   * Host and recording started for `replay` during the check. They upload nothing until the
   * check ends.
   */
  host: RecorderHost | null;
  recording: RecordingControl | null;
  /** Set by `stop()` during the check, so that a new replay started after it is not recorded. */
  stopped: boolean;
}

/** Events that count as user input when the SDK waits for a person to come back after idling. */
const activityEvents = ['pointerdown', 'keydown', 'scroll', 'touchstart', 'mousemove'];

/** Minimum time between two writes of the replay state for activity alone, in ms. */
const activitySaveIntervalMs = 5000;

/**
 * Owns the tab's replay: restores it after a reload, draws sampling for a new one, loads the
 * recorder when the replay is sampled in, and starts a new replay after the idle timeout or
 * the maximum length. A restored replay is recorded at once, while the duplicated-tab check
 * runs. Its uploads wait for the result, because the result may move the page to a new replay.
 */
export class ReplayController {
  private state: ReplayState | null = null;
  private recording: RecordingControl | null = null;
  private claim: PendingClaim | null = null;
  /** Stored batches of the restored replay, handed to its recording once the page keeps it. */
  private leftovers: ReplayTail | null = null;
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
   * Continues the tab's stored replay, or starts a new one as sampling decides. `takeStored`
   * returns the outbox items of earlier pages, and this method returns those that the caller
   * must send itself. Does nothing once this page has a replay, recorded or not.
   */
  resume(takeStored: () => OutboxItem[] = () => []): OutboxItem[] {
    if (this.state) return takeStored();
    const { config, store, guard } = this.deps;
    let previous = store.load();
    if (previous && isReplayExpired(previous, Date.now(), config)) previous = null;
    if (!previous) {
      this.adopt(newReplayState(isSampledIn(config.record_sessions_percent), false, Date.now()));
      return takeStored();
    }
    // The download starts before anything else, even before the outbox is parsed: a page left
    // within a few hundred ms is recorded only if the recorder has arrived by then.
    const recorder = previous.sampled && !previous.paused ? this.deps.loadRecorder() : undefined;
    const stored = takeStored();
    let rest = stored;
    if (previous.sampled) ({ tail: this.leftovers, rest } = takeReplayTail(stored, previous));
    if (guard) this.checkClaim(guard, previous);
    this.adopt(previous, recorder);
    return rest;
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
    if (this.claim) this.claim.stopped = true;
    this.stopCurrent(discard);
    if (!state) return;
    state.sampled = false;
    state.forced = false;
    this.deps.store.save(state);
  }

  /**
   * Forgets the replay after an opt-out: stops it, drops what it has not sent, and removes it
   * from sessionStorage, so that an opt-in later starts a new replay with its own sampling draw.
   */
  forget(): void {
    this.stop(true);
    this.state = null;
    this.deps.store.clear();
  }

  /**
   * Stops capturing but keeps the replay, its id and its `seq`, and uploads what was captured.
   * The pause lasts across reloads of the tab until `resumeRecording`, and the idle timeout
   * does not end a paused replay while its page stays open.
   */
  pauseRecording(): void {
    const state = this.state;
    if (!state?.sampled || state.paused) return;
    state.paused = true;
    this.deps.store.save(state);
    this.recording?.pause();
  }

  /** Continues a paused replay with a fresh full snapshot. */
  resumeRecording(): void {
    const state = this.state;
    if (!state?.paused) return;
    state.paused = false;
    state.lastActiveMs = Date.now();
    this.deps.store.save(state);
    if (this.recording) this.recording.resume();
    else if (state.sampled && !this.idleEnded) void this.startRecording(state);
  }

  /** `$mp_replay_id` of the replay being recorded (or paused), or an empty object. */
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
    const claim = this.claim;
    if (claim) {
      // NOTE: the duplicated-tab check has not resolved, so this page keeps the stored replay.
      // A reload gets no reply anyway. A duplicated tab left this fast is rare, but it writes
      // its events under the original tab's replay id and seqs, where one copy replaces the other.
      this.claim = null;
      this.handOverLeftovers();
      if (claim.recording !== this.recording) claim.recording?.unload();
    }
    this.recording?.unload();
    // Without a recording (the recorder is still loading), the stored batches go back as they
    // were, for the next page load.
    if (this.leftovers) this.deps.outbox.add(this.leftovers.items);
    this.leftovers = null;
    if (this.state) this.deps.store.save(this.state);
  }

  /** Uploads what is queued now; called when the page is hidden. */
  flush(): void {
    this.recording?.flush();
  }

  private adopt(state: ReplayState, recorder?: Promise<RecorderModule>): void {
    this.state = state;
    this.deps.guard?.own(state.replayId);
    this.deps.store.save(state);
    if (state.sampled) void this.startRecording(state, recorder);
  }

  private async startRecording(
    state: ReplayState,
    recorder?: Promise<RecorderModule>,
  ): Promise<void> {
    const generation = ++this.generation;
    // A paused replay loads and starts nothing until `resumeRecording`.
    if (state.paused) return;
    try {
      const module = await (recorder ?? this.deps.loadRecorder());
      if (generation !== this.generation || this.state !== state || state.paused) return;
      const host = this.createHost(state);
      this.recording = module.startRecording(host);
      if (this.claim?.replay === state) {
        this.claim.host = host;
        this.claim.recording = this.recording;
      }
      this.handOverLeftovers();
      this.armTimers(state);
      this.deps.log.debug('recording replay', state.replayId, 'from seq', state.seq);
    } catch (error) {
      this.deps.log.error('recorder failed to load or start', error);
      this.releaseLeftovers(false);
    }
  }

  /** Asks other tabs whether one of them owns `replay`, and applies the result when it arrives. */
  private checkClaim(guard: TabGuard, replay: ReplayState): void {
    const claim: PendingClaim = { replay, host: null, recording: null, stopped: false };
    this.claim = claim;
    void guard.isOwnedElsewhere(replay.replayId).then((ownedElsewhere) => {
      // A `pagehide` before the result has settled the claim already.
      if (this.claim !== claim) return;
      this.claim = null;
      if (ownedElsewhere) {
        this.moveToNewReplay(claim);
        return;
      }
      this.handOverLeftovers();
      claim.recording?.flush();
    });
  }

  /**
   * Moves this page to a new replay because another live tab owns the stored one. The events
   * recorded during the check go to the new replay, from seq 0, or are discarded when its own
   * sampling draw leaves it out.
   */
  private moveToNewReplay(claim: PendingClaim): void {
    this.deps.log.debug(
      'another tab records replay',
      claim.replay.replayId,
      '; starting a new one',
    );
    // The stored batches belong to the other tab's replay and keep their seqs.
    this.releaseLeftovers(false);
    const sampled = !claim.stopped && isSampledIn(this.deps.config.record_sessions_percent);
    const next = newReplayState(sampled, false, Date.now());
    // A copy of a paused tab stays paused, like the tab it was copied from.
    if (claim.replay.paused) next.paused = true;
    const { host, recording } = claim;
    const isCurrent = this.state === claim.replay;
    if (host && recording && sampled && isCurrent && recording === this.recording) {
      // The running recording keeps going; its queued events now upload under `next`.
      host.replay = next;
      this.state = next;
      this.deps.guard?.own(next.replayId);
      this.deps.store.save(next);
      this.clearTimers();
      this.armTimers(next);
      recording.flush();
      return;
    }
    // A recording stopped during the check cannot keep the other tab's replay id.
    if (recording !== this.recording) recording?.stop(true);
    if (!isCurrent) return;
    this.stopCurrent(true);
    this.adopt(next);
  }

  /** Gives the stored batches to the recording once this page keeps their replay. */
  private handOverLeftovers(): void {
    const tail = this.leftovers;
    if (!tail || this.claim || !this.recording || this.state !== tail.replay) return;
    this.leftovers = null;
    tail.replay.seq = tail.firstSeq;
    this.recording.prependStored(tail.batches);
  }

  /** Sends the stored batches with their own seqs, or drops them after an opt-out. */
  private releaseLeftovers(discard: boolean): void {
    const tail = this.leftovers;
    this.leftovers = null;
    if (tail && !discard) this.deps.sendStored(tail.items);
  }

  private createHost(state: ReplayState): RecorderHost {
    const { config, log, keepalive, outbox } = this.deps;
    const host: RecorderHost = {
      config,
      log,
      replay: state,
      keepalive,
      outbox,
      transport: { sendWithRetry, postRecord },
      identity: () => this.deps.identity(),
      uploadsHeld: () => this.claim?.replay === host.replay,
      saveReplay: () => {
        if (this.state === host.replay) this.deps.store.save(host.replay);
      },
      markActive: (timestampMs) => this.markActive(host.replay, timestampMs),
    };
    return host;
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
      // A paused recorder reports no input, so a pause would otherwise read as idleness.
      if (state.paused) state.lastActiveMs = Date.now();
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
    const next = newReplayState(previous.sampled, previous.forced, Date.now());
    if (previous.paused) next.paused = true;
    this.adopt(next);
  }

  private clearTimers(): void {
    if (this.idleTimer !== null) clearTimeout(this.idleTimer);
    if (this.maxTimer !== null) clearTimeout(this.maxTimer);
    this.idleTimer = this.maxTimer = null;
  }

  private stopCurrent(discard = false): void {
    this.generation++;
    this.idleEnded = false;
    this.stopWaitingForActivity?.();
    this.clearTimers();
    this.releaseLeftovers(discard);
    const recording = this.recording;
    this.recording = null;
    try {
      recording?.stop(discard);
    } catch (error) {
      this.deps.log.error('recorder failed to stop', error);
    }
  }
}
