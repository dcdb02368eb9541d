import { close, fsync, open } from 'node:fs';
import { promisify } from 'node:util';

const openDescriptor = promisify(open);
const fsyncDescriptor = promisify(fsync);
const closeDescriptor = promisify(close);

/** The part of a file handle that `SharedFileSync` uses. */
export interface SyncHandle {
  sync(): Promise<void>;
  close(): Promise<void>;
}

/**
 * Opens `path` read-only for fsyncs. It keeps a plain descriptor because an `fs/promises`
 * FileHandle costs more event-loop time, and ingestion opens a folder for almost every chunk.
 */
export async function openForSync(path: string): Promise<SyncHandle> {
  const descriptor = await openDescriptor(path, 'r');
  return {
    sync: () => fsyncDescriptor(descriptor),
    close: () => closeDescriptor(descriptor),
  };
}

/**
 * Flushes one file or folder to disk with fsync, shared between callers: a call made while a
 * flush is under way waits for the next flush, which starts when that one ends and serves
 * every call made in between. So N concurrent callers cost about two fsyncs instead of N,
 * and each caller's earlier writes are on disk when its promise resolves.
 */
export class SharedFileSync {
  private inFlight: Promise<void> | undefined;
  private queued: Promise<void> | undefined;
  private handle: SyncHandle | undefined;

  /** `path` is opened with `openFile` at the first flush and kept open until `close`. */
  constructor(
    private readonly path: string,
    private readonly openFile: (path: string) => Promise<SyncHandle> = openForSync,
  ) {}

  sync(): Promise<void> {
    if (this.queued) return this.queued;
    if (!this.inFlight) return this.start();
    const ignore = () => undefined;
    this.queued = this.inFlight.then(ignore, ignore).then(() => {
      this.queued = undefined;
      return this.start();
    });
    return this.queued;
  }

  /** Whether no flush is under way or waiting. */
  get idle(): boolean {
    return this.inFlight === undefined && this.queued === undefined;
  }

  async close(): Promise<void> {
    await Promise.allSettled([this.inFlight, this.queued]);
    const handle = this.handle;
    this.handle = undefined;
    await handle?.close();
  }

  private start(): Promise<void> {
    const flight = this.flush().finally(() => {
      if (this.inFlight === flight) this.inFlight = undefined;
    });
    this.inFlight = flight;
    return flight;
  }

  private async flush(): Promise<void> {
    this.handle ??= await this.openFile(this.path);
    await this.handle.sync();
  }
}
