import { randomBytes } from 'node:crypto';
import {
  mkdir,
  open,
  readdir,
  readFile,
  rename,
  rm,
  unlink,
  type FileHandle,
} from 'node:fs/promises';
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
    let handle: FileHandle;
    try {
      handle = await open(path, 'wx', 0o600);
    } catch (error) {
      if (!isMissing(error)) throw error;
      await this.createFolder(folder);
      handle = await open(path, 'wx', 0o600);
    }

    try {
      await handle.writeFile(body);
      // The folder's fsync makes the new name durable and the file's its bytes, in either
      // order. The folder's is shared by the files created in it meanwhile.
      await Promise.all([handle.sync(), this.syncFolder(folder), this.newFolders.get(folder)]);
    } catch (error) {
      await handle.close().catch(() => undefined);
      await unlink(path).catch(() => undefined);
      throw error;
    }
    await handle.close();
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
   * holds a promise of that, recorded before `mkdir` runs, so that a file that another call
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
