import type { ChunkInfo, RrwebEvent } from '@reprise/protocol';
import type { Replayer } from 'rrweb';
import { defaultChunkLoadOptions, loadChunksInOrder, type LoadedChunk } from './chunk-loader.js';
import { boundaryEvent, createReplayer } from './replayer-factory.js';
import { RecordingSanitizer } from './sanitize.js';
import {
  findMarkers,
  loadedUntilByCount,
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

function nextTask(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}

/**
 * Loads a replay chunk by chunk and plays it with rrweb's Replayer. The Replayer starts as soon
 * as the chunks up to the first full snapshot are in. Later chunks are added while it plays.
 * Playback pauses ("buffering") when it reaches a time that may still be missing, and goes on
 * when the chunks arrive.
 */
export class ReplaySession {
  private state: PlayerState;
  private readonly listeners = new Set<() => void>();
  private readonly abortController = new AbortController();
  private readonly sanitizer = new RecordingSanitizer();
  private readonly bounds: ReplayBounds;
  private readonly loadedUntil: number[];
  private replayer: Replayer | null = null;
  /** Events received before the Replayer starts. */
  private pending: RrwebEvent[] = [];
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

  constructor(private readonly options: ReplaySessionOptions) {
    this.bounds = replayBounds(options.chunks) ?? { startMs: 0, endMs: 0 };
    this.loadedUntil = loadedUntilByCount(options.chunks);
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
      viewport: null,
      markers: [],
    };
    void this.load();
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

  private async load(): Promise<void> {
    await loadChunksInOrder(
      this.options.chunks,
      this.options.fetchChunk,
      (chunk) => {
        this.queue = this.queue
          .then(() => this.handleChunk(chunk))
          .catch((error: unknown) => {
            // A chunk that breaks the Replayer leaves a gap, and the others still play.
            console.warn(`[Reprise player] Chunk ${chunk.info.seq} could not be added.`, error);
          });
      },
      { ...defaultChunkLoadOptions, signal: this.abortController.signal },
    );
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

  private async handleChunk(chunk: LoadedChunk): Promise<void> {
    if (this.destroyed) return;
    this.deliveredCount += 1;
    if (chunk.error && !this.firstChunkError) this.firstChunkError = chunk.error;
    const events = this.sanitizer.sanitizeEvents(chunk.events);
    this.foundMarkers = this.foundMarkers.concat(findMarkers(events, this.bounds.startMs));

    if (this.replayer) {
      await this.addEvents(events);
    } else {
      for (const event of events) this.pending.push(event);
      const hasSnapshot = events.some((event) => event.type === fullSnapshotEvent);
      if (hasSnapshot && this.state.phase !== 'error') this.startReplayer();
    }
    if (this.destroyed) return;
    this.update({
      chunksLoaded: this.deliveredCount,
      chunksFailed: this.state.chunksFailed + (chunk.error ? 1 : 0),
      markers: thinMarkers(this.foundMarkers, this.totalMs()),
    });
    this.resumeIfBuffered();
  }

  private startReplayer(): void {
    const events = [
      boundaryEvent(this.bounds.startMs),
      ...this.pending,
      boundaryEvent(this.bounds.endMs),
    ];
    this.pending = [];
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
      return;
    }
    this.replayer = replayer;
    this.listenTo(replayer);
    this.update({ phase: 'ready' });

    this.moveTo(Math.min(this.state.currentMs, this.totalMs()));
  }

  private listenTo(replayer: Replayer): void {
    replayer.on('resize', (payload) => {
      const { width, height } = payload as { width: number; height: number };
      this.update({ viewport: { width, height } });
    });
    replayer.on('finish', () => {
      this.update({ playing: false, ended: true, skipping: false, currentMs: this.totalMs() });
    });
    replayer.on('skip-start', () => this.update({ skipping: true }));
    replayer.on('skip-end', () => {
      // rrweb ignores speed changes while it skips, and restores the speed from before the
      // skip when it ends, so a speed picked during the skip is applied now.
      replayer.setConfig({ speed: this.state.speed });
      this.update({ skipping: false });
    });
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
   * Moves the Replayer to `positionMs`, playing or paused according to `state.playing`. When that
   * part is not loaded yet, it holds instead until the chunks arrive.
   */
  private moveTo(positionMs: number): void {
    const replayer = this.replayer!;
    this.seekVersion += 1;
    this.heldPositionMs = null;
    if (!this.isLoadedAt(positionMs)) {
      this.holdForChunks(positionMs);
      return;
    }
    if (this.state.playing) replayer.play(positionMs);
    else replayer.pause(positionMs);
    this.update({ buffering: false });
  }

  /**
   * Shows `positionMs` while the Replayer waits at the end of the loaded part ("buffering").
   * Each call moves the wait point forward over the chunks that arrived, a cheap forward seek.
   * Chunks that arrive later only add events after the wait point, so none needs a rebuild.
   */
  private holdForChunks(positionMs: number): void {
    const loadedUntilMs = this.loadedUntilOffsetMs();
    this.heldPositionMs = positionMs;
    this.replayer!.pause(Math.max(0, Math.min(positionMs, loadedUntilMs - 1)));
    this.update({ buffering: true, currentMs: positionMs });
  }

  private resumeIfBuffered(): void {
    if (!this.replayer || !this.state.buffering) return;
    const position = this.positionMs();
    if (this.isLoadedAt(position)) this.moveTo(position);
    else this.holdForChunks(position);
  }

  /** Returns whether every event up to `positionMs` from the start is loaded. */
  private isLoadedAt(positionMs: number): boolean {
    return positionMs < this.loadedUntilOffsetMs();
  }

  /** Returns the position from the start before which every event is loaded. */
  private loadedUntilOffsetMs(): number {
    const loadedUntil = this.loadedUntil[this.deliveredCount] ?? Number.POSITIVE_INFINITY;
    const originMs = this.replayer?.getMetaData().startTime ?? this.bounds.startMs;
    return loadedUntil - originMs;
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
    if (isRunning && this.heldPositionMs === null && !this.isLoadedAt(position)) {
      this.holdForChunks(position);
    }
    const totalMs = this.totalMs();
    if (Math.abs(position - this.state.currentMs) >= 1 || totalMs !== this.state.totalMs) {
      this.update({ currentMs: position, totalMs });
    }
  };
}
