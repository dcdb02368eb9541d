import type { ResolvedConfig } from '../config.js';
import type { JsonStore } from '../core/storage.js';
import { uuid } from '../core/uuid.js';

/**
 * One replay of one tab, kept in sessionStorage so that reloads and same-tab navigations
 * continue it.
 */
export interface ReplayState {
  replayId: string;
  /** Whether this replay is recorded: drawn once by sampling, or forced by the API. */
  sampled: boolean;
  /** Set when `start_session_recording()` started the replay; later replays inherit it. */
  forced: boolean;
  /** `seq` of the next batch to send; it advances when the server accepts a batch. */
  seq: number;
  /** Unix ms when the replay started (its first rrweb event, once batch 0 is sent). */
  startMs: number;
  /** Unix ms of the latest user input. */
  lastActiveMs: number;
  /**
   * Set by `pause_session_recording()` until `resume_session_recording()`. Kept with the
   * replay, so that a reload of the tab does not record until then.
   */
  paused?: boolean;
  replayStartUrl: string;
}

export function newReplayState(sampled: boolean, forced: boolean, nowMs: number): ReplayState {
  return {
    replayId: uuid(),
    sampled,
    forced,
    seq: 0,
    startMs: nowMs,
    lastActiveMs: nowMs,
    replayStartUrl: typeof location === 'undefined' ? '' : location.href,
  };
}

/** Returns whether the replay is over: idle for too long, or longer than its maximum. */
export function isReplayExpired(state: ReplayState, nowMs: number, config: ResolvedConfig) {
  return (
    nowMs - state.lastActiveMs >= config.record_idle_timeout_ms ||
    nowMs - state.startMs >= config.record_max_ms
  );
}

function isReplayState(value: unknown): value is ReplayState {
  const state = value as ReplayState | null;
  return (
    typeof state?.replayId === 'string' &&
    typeof state.seq === 'number' &&
    typeof state.startMs === 'number' &&
    typeof state.lastActiveMs === 'number'
  );
}

/** The tab's replay in sessionStorage. */
export class ReplayStore {
  constructor(
    private readonly store: JsonStore,
    private readonly key: string,
  ) {}

  load(): ReplayState | null {
    const value = this.store.read<unknown>(this.key);
    return isReplayState(value) ? value : null;
  }

  save(state: ReplayState): void {
    this.store.write(this.key, state);
  }

  clear(): void {
    this.store.remove(this.key);
  }
}
