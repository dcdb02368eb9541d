import type { ChunkInfo, RrwebEvent } from '@reprise/protocol';
import type { Replayer } from 'rrweb';
import {
  defaultChunkLoadOptions,
  startChunkLoad,
  type ChunkLoad,
  type LoadedChunk,
} from './chunk-loader.js';
import { ChunkCoverage, loadOrder } from './coverage.js';
import { boundaryEvent, createReplayer } from './replayer-factory.js';
import { RecordingSanitizer } from './sanitize.js';
import {
  findMarkers,
  replayBounds,
  thinMarkers,
  type ReplayBounds,
  type TimelineMarker,
} from './timeline.js';

/** Player state shown by the controls. Every change replaces the whole object. */
export interface PlayerState {
  phase: 'loading' | 'ready' | 'error';
  error: string | null;
  /** Playback position from the replay's start, ms. */
  currentMs: number;
  totalMs: number;
  /** True while playing or waiting for chunks in order to play on. */
  playing: boolean;
  /** Playback reached a part of the replay whose chunks are not loaded yet. */
  buffering: boolean;
  /** Playback reached the end. */
  ended: boolean;
  /** rrweb is fast-forwarding through a period without user input. */
  skipping: boolean;
  speed: number;
  skipInactive: boolean;
  chunksLoaded: number;
  chunksTotal: number;
  /** Chunks that could not be fetched, so their part of the replay is missing. */
  chunksFailed: number;
  /** Every chunk is fetched and in the Replayer, which is not replaced from then on. */
  complete: boolean;
  /** Size of the recorded viewport, from rrweb's `resize` event. */
  viewport: { width: number; height: number } | null;
  markers: TimelineMarker[];
}

export interface ReplaySessionOptions {
  /** Element the Replayer mounts into, which must be in the document. */
  mount: HTMLElement;
  /** The replay's chunks in seq order, not empty. */
  chunks: ChunkInfo[];
  fetchChunk(seq: number, signal?: AbortSignal): Promise<unknown>;
  /** Position to open at, ms from the start. */
  startAtMs: number;
  autoplay: boolean;
}

const fullSnapshotEvent = 2;

/**
 * Maximum wait for the first frame before chunks are handled again, ms. It only matters when
 * rrweb rebuilds no page or the tab is hidden, which stops animation frames.
 */
const firstFrameWaitMs = 100;

function nextTask(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}

/**
 * Resolves once the Replayer has rebuilt a page and the frame showing it was painted, or after
 * `firstFrameWaitMs`. Call it before the Replayer's first move, which may rebuild at once.
 */
function firstFramePainted(replayer: Replayer): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(finish, firstFrameWaitMs);
    function finish() {
      clearTimeout(timer);
      replayer.off('fullsnapshot-rebuilded', onRebuilt);
      resolve();
    }
    // In Chromium, a task queued in an animation frame runs after that frame is painted.
    function onRebuilt() {
      requestAnimationFrame(() => setTimeout(finish, 0));
    }
    replayer.on('fullsnapshot-rebuilded', onRebuilt);
  });
}

/**
 * Loads a replay chunk by chunk and plays it with rrweb's Replayer. Loading starts at the
 * nearest full snapshot before the start position, and the Replayer starts as soon as the
 * chunks from there to that position are in. Later chunks are added while it plays, and the
 * chunks before the snapshot are fetched last. Playback pauses ("buffering") at a time whose
 * chunks may still be missing, and goes on when they arrive. A seek to such a time fetches its
 * chunks first.
 */
export class ReplaySession {
  private state: PlayerState;
  private readonly listeners = new Set<() => void>();
  private readonly abortController = new AbortController();
  private readonly sanitizer = new RecordingSanitizer();
  private readonly bounds: ReplayBounds;
  private readonly chunkLoad: ChunkLoad;
  /** Sanitized events of each fetched chunk, by index in `options.chunks`. */
  private readonly chunkEvents: Array<RrwebEvent[] | null>;
  /** Chunks fetched so far, failed ones included. */
  private readonly fetched: ChunkCoverage;
  /**
   * Chunks added to the Replayer. A fetched chunk earlier than the part shown is left out
   * until a position needs it or every chunk is in, and then the Replayer is rebuilt.
   */
  private inReplayer: ChunkCoverage;
  private hasFullSnapshot = false;
  private replayer: Replayer | null = null;
  private foundMarkers: TimelineMarker[] = [];
  private deliveredCount = 0;
  private firstChunkError: Error | null = null;
  /** Serializes chunk handling, since adding events into the past awaits a task. */
  private queue: Promise<void> = Promise.resolve();
  /** Increases on every seek, so a seek made while a chunk is added wins over its restore. */
  private seekVersion = 0;
  /**
   * Position shown while the Replayer sits elsewhere: at the end of the loaded part while
   * buffering, or briefly before past events that are being added.
   */
  private heldPositionMs: number | null = null;
  private animationFrame = 0;
  private destroyed = false;
  /**
   * Set from the Replayer's start until its first frame is painted. Chunks wait for it, so
   * that adding them does not delay that frame.
   */
  private firstFrame: Promise<void> | null = null;

  constructor(private readonly options: ReplaySessionOptions) {
    this.bounds = replayBounds(options.chunks) ?? { startMs: 0, endMs: 0 };
    this.chunkEvents = options.chunks.map(() => null);
    this.fetched = new ChunkCoverage(options.chunks);
    this.inReplayer = new ChunkCoverage(options.chunks);
    this.state = {
      phase: 'loading',
      error: null,
      currentMs: options.startAtMs,
      totalMs: this.bounds.endMs - this.bounds.startMs,
      playing: options.autoplay,
      buffering: false,
      ended: false,
      skipping: false,
      speed: 1,
      skipInactive: true,
      chunksLoaded: 0,
      chunksTotal: options.chunks.length,
      chunksFailed: 0,
      complete: false,
      viewport: null,
      markers: [],
    };
    this.chunkLoad = startChunkLoad(
      options.chunks,
      loadOrder(options.chunks, this.bounds.startMs + options.startAtMs),
      options.fetchChunk,
      (chunk, index) => {
        this.queue = this.queue
          .then(() => this.handleChunk(chunk, index))
          .catch((error: unknown) => {
            // A chunk that breaks the Replayer leaves a gap, and the others still play.
            console.warn(`[Reprise player] Chunk ${chunk.info.seq} could not be added.`, error);
          });
      },
      { ...defaultChunkLoadOptions, signal: this.abortController.signal },
    );
    void this.finishLoad();
    this.animationFrame = requestAnimationFrame(this.tick);
  }

  readonly subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  readonly getState = (): PlayerState => this.state;

  /** Returns the playback position in ms from the start, for share links. */
  positionMs(): number {
    if (this.heldPositionMs !== null) return this.heldPositionMs;
    if (!this.replayer) return this.state.currentMs;
    const position = this.replayer.getCurrentTime();
    return Math.min(Math.max(0, position), this.totalMs());
  }

  play(): void {
    let position = this.positionMs();
    if (this.state.ended || position >= this.totalMs()) position = 0;
    this.update({ playing: true, ended: false });
    if (this.replayer) this.moveTo(position);
  }

  pause(): void {
    // While buffering, the hold continues and ends paused once the chunks are in.
    if (this.state.buffering) {
      this.update({ playing: false });
      return;
    }
    const position = this.positionMs();
    const isHeld = this.heldPositionMs !== null;
    this.seekVersion += 1;
    this.heldPositionMs = null;
    // A held Replayer sits before the position shown, so it moves there to show that moment.
    if (isHeld) this.replayer?.pause(position);
    else this.replayer?.pause();
    this.update({ playing: false, currentMs: position });
  }

  togglePlay(): void {
    if (this.state.playing) this.pause();
    else this.play();
  }

  /** Moves playback to `positionMs` from the start, keeping it playing or paused. */
  seek(positionMs: number): void {
    const target = Math.min(Math.max(0, positionMs), this.totalMs());
    this.update({ ended: false, currentMs: target });
    if (this.replayer) this.moveTo(target);
    else this.chunkLoad.prioritize(this.fetched.missingFor(this.bounds.startMs + target));
  }

  setSpeed(speed: number): void {
    this.replayer?.setConfig({ speed });
    this.update({ speed });
  }

  setSkipInactive(skipInactive: boolean): void {
    this.replayer?.setConfig({ skipInactive });
    this.update({ skipInactive, skipping: skipInactive && this.state.skipping });
  }

  destroy(): void {
    this.destroyed = true;
    this.abortController.abort();
    cancelAnimationFrame(this.animationFrame);
    this.listeners.clear();
    this.replayer?.destroy();
    this.replayer = null;
  }

  private update(changes: Partial<PlayerState>): void {
    if (this.destroyed) return;
    this.state = { ...this.state, ...changes };
    for (const listener of this.listeners) listener();
  }

  private async finishLoad(): Promise<void> {
    await this.chunkLoad.done;
    await this.queue;
    if (this.destroyed || this.replayer || this.state.phase === 'error') return;
    this.failWithoutSnapshot();
  }

  private failWithoutSnapshot(): void {
    const { chunksFailed, chunksTotal } = this.state;
    const error =
      chunksFailed === chunksTotal && this.firstChunkError
        ? `The replay's data could not be loaded: ${this.firstChunkError.message}`
        : 'This replay has no full snapshot of the page, so it cannot be rebuilt. The start of ' +
          'the recording may have been lost in upload.';
    this.update({ phase: 'error', error, playing: false });
  }

  private async handleChunk(chunk: LoadedChunk, index: number): Promise<void> {
    if (this.firstFrame) await this.firstFrame;
    if (this.destroyed) return;
    this.deliveredCount += 1;
    if (chunk.error && !this.firstChunkError) this.firstChunkError = chunk.error;
    const events = this.sanitizer.sanitizeEvents(chunk.events);
    this.foundMarkers = this.foundMarkers.concat(findMarkers(events, this.bounds.startMs));
    this.chunkEvents[index] = events;
    this.fetched.add(index, events);
    if (events.some((event) => event.type === fullSnapshotEvent)) this.hasFullSnapshot = true;

    if (this.replayer) {
      await this.placeEvents(index, events);
    } else if (this.canStart()) {
      this.startReplayer();
    }
    if (this.destroyed) return;
    this.update({
      chunksLoaded: this.deliveredCount,
      chunksFailed: this.state.chunksFailed + (chunk.error ? 1 : 0),
      markers: thinMarkers(this.foundMarkers, this.totalMs()),
    });
    if (this.fetched.isComplete && this.replayer && !this.inReplayer.isComplete) {
      this.addLeftOutChunks();
    } else {
      this.resumeIfBuffered();
    }
    if (this.replayer && this.inReplayer.isComplete && !this.state.complete) {
      this.update({ complete: true });
    }
  }

  /** Returns whether the fetched chunks can show the position the player opens at. */
  private canStart(): boolean {
    if (!this.hasFullSnapshot || this.state.phase === 'error') return false;
    return this.fetched.covers(this.bounds.startMs + this.state.currentMs);
  }

  private startReplayer(): void {
    if (!this.rebuildReplayer()) return;
    const firstFrame = firstFramePainted(this.replayer!);
    this.firstFrame = firstFrame;
    void firstFrame.then(() => {
      if (this.firstFrame === firstFrame) this.firstFrame = null;
    });
    this.update({ phase: 'ready' });
    this.moveTo(Math.min(this.state.currentMs, this.totalMs()));
  }

  /**
   * Replaces the Replayer with a new one that has the events of every fetched chunk, and
   * returns whether that worked. The caller then moves it to a position. The new Replayer
   * mounts before the old one is removed, in the same task, so the page shows no empty frame.
   * NOTE: rrweb 2.2.2 sizes a new Replayer's frame from its first Meta event a task later, so
   * a replay whose viewport changed shows the first size until the next Meta event plays.
   */
  private rebuildReplayer(): boolean {
    const events = [boundaryEvent(this.bounds.startMs)];
    for (const chunkEvents of this.chunkEvents) {
      if (chunkEvents) for (const event of chunkEvents) events.push(event);
    }
    events.push(boundaryEvent(this.bounds.endMs));
    let replayer: Replayer;
    try {
      replayer = createReplayer(events, {
        root: this.options.mount,
        speed: this.state.speed,
        skipInactive: this.state.skipInactive,
      });
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      this.update({ phase: 'error', error: `The replay could not be rebuilt: ${reason}` });
      return false;
    }
    this.replayer?.destroy();
    this.replayer = replayer;
    this.inReplayer = new ChunkCoverage(this.options.chunks);
    this.inReplayer.addAll(this.fetched);
    this.listenTo(replayer);
    if (this.state.skipping) this.update({ skipping: false });
    return true;
  }

  /** Rebuilds the Replayer with the chunks left out of it, at the position shown. */
  private addLeftOutChunks(): void {
    const position = this.positionMs();
    this.seekVersion += 1;
    this.heldPositionMs = null;
    if (this.rebuildReplayer()) this.moveTo(position);
  }

  private listenTo(replayer: Replayer): void {
    // A replaced Replayer can still fire a timer it set, so only the current one counts.
    const on = (name: string, handler: (payload: unknown) => void) =>
      replayer.on(name, (payload) => {
        if (replayer === this.replayer) handler(payload);
      });
    on('resize', (payload) => {
      const { width, height } = payload as { width: number; height: number };
      this.update({ viewport: { width, height } });
    });
    on('finish', () => {
      this.update({ playing: false, ended: true, skipping: false, currentMs: this.totalMs() });
    });
    on('skip-start', () => this.update({ skipping: true }));
    on('skip-end', () => {
      // rrweb ignores speed changes while it skips, and restores the speed from before the
      // skip when it ends, so a speed picked during the skip is applied now.
      replayer.setConfig({ speed: this.state.speed });
      this.update({ skipping: false });
    });
  }

  /**
   * Adds a fetched chunk's events to the Replayer, or leaves them out while they are all
   * before the last Meta event at the Replayer's position. Such events change nothing that is
   * shown, and adding them would rebuild the page twice.
   */
  private async placeEvents(index: number, events: RrwebEvent[]): Promise<void> {
    const replayer = this.replayer!;
    const earliest = events[0]?.timestamp;
    const replayerTime = replayer.getMetaData().startTime + replayer.getCurrentTime();
    if (earliest !== undefined && earliest < replayerTime) {
      const shownMetaTime = this.inReplayer.latestMetaAt(replayerTime);
      // The Meta event must be cast on the way back, or rrweb skips the rebuild forward.
      if (shownMetaTime === null || earliest <= shownMetaTime + 1) return;
    }
    this.inReplayer.add(index, events);
    await this.addEvents(events);
  }

  /**
   * Adds events to the running Replayer. rrweb 2.2.2 applies an added event that is earlier
   * than the current position right away, after later changes, which can leave the DOM wrong. So
   * for such events the Replayer first seeks back to just before them (a rebuild from the
   * last full snapshot), takes the events, and then seeks forward again, applying everything
   * in timestamp order.
   */
  private async addEvents(events: RrwebEvent[]): Promise<void> {
    const replayer = this.replayer!;
    const earliest = events[0]?.timestamp;
    if (earliest === undefined) return;
    const originMs = replayer.getMetaData().startTime;
    // The Replayer's own position, which is behind the position shown while buffering.
    const replayerMs = replayer.getCurrentTime();
    if (earliest >= originMs + replayerMs) {
      for (const event of events) replayer.addEvent(event);
      return;
    }

    const version = ++this.seekVersion;
    const wasPlaying = replayer.service.state.matches('playing');
    const heldBefore = this.heldPositionMs;
    this.heldPositionMs = heldBefore ?? replayerMs;
    replayer.pause(Math.max(0, earliest - originMs - 1));
    for (const event of events) replayer.addEvent(event);
    // Replayer.addEvent hands each event over in a microtask, and a new task runs after them all.
    await nextTask();
    if (this.destroyed || version !== this.seekVersion) return;
    this.heldPositionMs = heldBefore;
    // The origin moves when an event is earlier than every event before it.
    const target = originMs + replayerMs - replayer.getMetaData().startTime;
    if (wasPlaying) replayer.play(target);
    else replayer.pause(target);
  }

  /**
   * Moves the Replayer to `positionMs`, playing or paused according to `state.playing`. When the
   * Replayer lacks fetched chunks needed there, it is rebuilt with them first. When that part is
   * not fetched yet, it waits (buffering) until the chunks arrive, and they are fetched next.
   */
  private moveTo(positionMs: number): void {
    this.seekVersion += 1;
    this.heldPositionMs = null;
    const time = this.bounds.startMs + positionMs;
    if (!this.inReplayer.covers(time)) {
      if (!this.fetched.covers(time)) {
        this.holdForChunks(positionMs);
        return;
      }
      if (!this.rebuildReplayer()) return;
    }
    const replayer = this.replayer!;
    const totalMs = this.totalMs();
    if (positionMs >= totalMs) {
      // rrweb 2.2.2 applies the events before a position, not those at it, so the end, where
      // the last event is, is shown from just after it, as a replay that finished.
      replayer.pause(positionMs + 1);
      if (this.state.playing) this.update({ playing: false, ended: true, currentMs: totalMs });
    } else if (this.state.playing) {
      replayer.play(positionMs);
    } else {
      replayer.pause(positionMs);
    }
    this.update({ buffering: false });
  }

  /**
   * Shows `positionMs` while the chunks it needs are fetched ("buffering"), and fetches those
   * next. The Replayer waits just before the first missing chunk when that is after the last
   * Meta event before the position. Each call moves that wait point forward over the chunks
   * that arrived, a cheap forward seek. Otherwise, as after a seek far back, the Replayer stops
   * where it is and keeps showing that frame.
   */
  private holdForChunks(positionMs: number): void {
    const replayer = this.replayer!;
    const time = this.bounds.startMs + positionMs;
    this.heldPositionMs = positionMs;
    this.chunkLoad.prioritize(this.fetched.missingFor(time));
    const missingFrom = this.inReplayer.missingFrom(time) ?? time;
    const waitTime = Math.min(time, missingFrom - 1);
    const metaTime = this.inReplayer.latestMetaAt(waitTime);
    if (metaTime !== null && waitTime > metaTime) {
      replayer.pause(Math.max(0, waitTime - this.bounds.startMs));
    } else {
      replayer.pause();
    }
    this.update({ buffering: true, currentMs: positionMs });
  }

  private resumeIfBuffered(): void {
    if (!this.replayer || !this.state.buffering) return;
    this.moveTo(this.positionMs());
  }

  private totalMs(): number {
    const endMs = this.replayer?.getMetaData().endTime ?? this.bounds.endMs;
    const originMs = this.replayer?.getMetaData().startTime ?? this.bounds.startMs;
    return Math.max(0, Math.max(endMs, this.bounds.endMs) - originMs);
  }

  private readonly tick = (): void => {
    if (this.destroyed) return;
    this.animationFrame = requestAnimationFrame(this.tick);
    if (!this.replayer) return;

    const position = this.positionMs();
    const isRunning = this.replayer.service.state.matches('playing');
    if (isRunning && this.heldPositionMs === null) {
      if (!this.inReplayer.covers(this.bounds.startMs + position)) this.moveTo(position);
    }
    const totalMs = this.totalMs();
    if (Math.abs(position - this.state.currentMs) >= 1 || totalMs !== this.state.totalMs) {
      this.update({ currentMs: position, totalMs });
    }
  };
}
