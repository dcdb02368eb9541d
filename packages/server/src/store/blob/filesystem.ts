import { randomBytes } from 'node:crypto';
import { close, fsync, open as openWithCallback, write } from 'node:fs';
import { mkdir, open, readdir, readFile, rename, rm, unlink } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { SharedFileSync } from '../../util/file-sync.js';
import { assertValidKey } from './keys.js';
import type { BlobStore } from './types.js';

function isMissing(error: unknown): boolean {
  return (error as NodeJS.ErrnoException).code === 'ENOENT';
}

/** Blob store on the local filesystem, one file a key, under `root`. */
export class FileBlobStore implements BlobStore {
  /** Shared fsyncs of the folders that files are being created in, by path. */
  private readonly folderSyncs = new Map<string, SharedFileSync>();
  /** Folders just created, each with a promise that resolves once their names are on disk. */
  private readonly newFolders = new Map<string, Promise<void>>();

  constructor(private readonly root: string) {}

  private pathOf(key: string): string {
    assertValidKey(key);
    return join(this.root, ...key.split('/'));
  }

  async put(key: string, body: Buffer): Promise<void> {
    const path = this.pathOf(key);
    await mkdir(dirname(path), { recursive: true, mode: 0o700 });

    // Write a temporary file, flush it to disk, then rename it over the key: rename is atomic
    // on POSIX filesystems, so a crash leaves either the old file or the new one.
    const temporary = `${path}.tmp-${randomBytes(6).toString('hex')}`;
    const handle = await open(temporary, 'w', 0o600);
    try {
      await handle.writeFile(body);
      await handle.sync();
    } finally {
      await handle.close();
    }
    try {
      await rename(temporary, path);
    } catch (error) {
      await unlink(temporary).catch(() => undefined);
      throw error;
    }
    await syncDirectory(dirname(path));
  }

  async putNew(key: string, body: Buffer): Promise<void> {
    const path = this.pathOf(key);
    const folder = dirname(path);
    // The file's fsync makes its bytes durable and the folder's fsync its name, in either order.
    // So the folder's fsync starts as soon as the file exists, shared by the files created in
    // the folder meanwhile.
    let folderSynced: Promise<unknown> | undefined;
    const startFolderSync = () => {
      folderSynced = Promise.all([this.syncFolder(folder), this.newFolders.get(folder)]);
      folderSynced.catch(() => undefined);
    };
    try {
      await writeNewFile(path, body, startFolderSync).catch(async (error: unknown) => {
        if (!isMissing(error)) throw error;
        await this.createFolder(folder);
        await writeNewFile(path, body, startFolderSync);
      });
      await folderSynced;
    } catch (error) {
      // Only a file that this call created is deleted: an existing key stays as it is.
      if (folderSynced) await unlink(path).catch(() => undefined);
      throw error;
    }
  }

  async get(key: string): Promise<Buffer | null> {
    try {
      return await readFile(this.pathOf(key));
    } catch (error) {
      if (isMissing(error)) return null;
      throw error;
    }
  }

  async delete(key: string): Promise<void> {
    try {
      await unlink(this.pathOf(key));
    } catch (error) {
      if (!isMissing(error)) throw error;
    }
  }

  async deletePrefix(prefix: string): Promise<number> {
    const path = this.pathOf(prefix);
    const count = await countFiles(path);
    await rm(path, { recursive: true, force: true });
    return count;
  }

  async listTopLevel(): Promise<string[]> {
    try {
      const entries = await readdir(this.root, { withFileTypes: true });
      return entries.filter((entry) => entry.isDirectory()).map((entry) => entry.name);
    } catch (error) {
      if (isMissing(error)) return [];
      throw error;
    }
  }

  /** Flushes `folder`, sharing the fsync with other files created in it at the same time. */
  private async syncFolder(folder: string): Promise<void> {
    let shared = this.folderSyncs.get(folder);
    if (!shared) {
      shared = new SharedFileSync(folder);
      this.folderSyncs.set(folder, shared);
    }
    try {
      await shared.sync();
    } finally {
      if (shared.idle && this.folderSyncs.get(folder) === shared) {
        this.folderSyncs.delete(folder);
        void shared.close().catch(() => undefined);
      }
    }
  }

  /**
   * Creates `folder` and its missing parents. Until their names are on disk, `newFolders`
   * keeps a promise of that, stored before `mkdir` runs, so that a file that another call
   * creates in the folder waits for it too.
   */
  private async createFolder(folder: string): Promise<void> {
    if (!this.newFolders.has(folder)) {
      const created = mkdir(folder, { recursive: true, mode: 0o700 });
      const durable = created
        .then(() => this.syncParents(folder))
        .finally(() => this.newFolders.delete(folder));
      // Callers that find the folder already created still wait on `durable` in `putNew`.
      durable.catch(() => undefined);
      this.newFolders.set(folder, durable);
      await created;
      return;
    }
    await mkdir(folder, { recursive: true, mode: 0o700 });
  }

  /** Flushes each folder from the parent of `folder` up to that of the store's root. */
  private async syncParents(folder: string): Promise<void> {
    const parents: string[] = [];
    let current = folder;
    while (current !== dirname(this.root) && dirname(current) !== current) {
      current = dirname(current);
      parents.push(current);
    }
    await Promise.all(parents.map((parent) => this.syncFolder(parent)));
  }
}

/**
 * Creates `path`, which must not exist yet, calls `onCreated`, writes `body`, flushes the file
 * with fsync and closes it. Callbacks cost the event loop about 30 µs a file, against 50 µs for
 * the same calls through `fs/promises` with its FileHandle and promise per call. That is an
 * estimate from 3,000 files written 50 at a time on the machine of docs/benchmarks.md.
 */
function writeNewFile(path: string, body: Buffer, onCreated: () => void): Promise<void> {
  return new Promise((resolve, reject) => {
    openWithCallback(path, 'wx', 0o600, (openError, descriptor) => {
      if (openError) {
        reject(openError);
        return;
      }
      onCreated();
      const finish = (error: Error | null) => {
        close(descriptor, (closeError) => {
          const failure = error ?? closeError;
          if (failure) reject(failure);
          else resolve();
        });
      };
      writeAll(descriptor, body, 0, (writeError) => {
        if (writeError) finish(writeError);
        else fsync(descriptor, finish);
      });
    });
  });
}

/** Writes `body` from `offset` on, again after a short write, then calls `done`. */
function writeAll(
  descriptor: number,
  body: Buffer,
  offset: number,
  done: (error: Error | null) => void,
): void {
  if (offset >= body.length) {
    done(null);
    return;
  }
  write(descriptor, body, offset, body.length - offset, offset, (error, written) => {
    if (error) done(error);
    else writeAll(descriptor, body, offset + written, done);
  });
}

/** Flushes a folder's entries, so that a rename survives a power loss. */
async function syncDirectory(path: string): Promise<void> {
  const handle = await open(path, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

async function countFiles(path: string): Promise<number> {
  try {
    const entries = await readdir(path, { withFileTypes: true, recursive: true });
    return entries.filter((entry) => entry.isFile()).length;
  } catch (error) {
    if (isMissing(error)) return 0;
    throw error;
  }
}
