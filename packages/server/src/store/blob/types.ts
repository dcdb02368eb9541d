/**
 * Storage of recorded chunks, as received. Keys are `/`-separated and start with the UTC day
 * the data expires (`2026-01-31/<project>/<replay>/<seq>-<upload>`), so retention deletes whole
 * prefixes.
 */
export interface BlobStore {
  /** Stores `body` under `key` atomically: readers see the old body or the new one, never a part. */
  put(key: string, body: Buffer): Promise<void>;
  /**
   * Stores `body` under `key`, which must not exist yet, and resolves once it is on disk. It
   * costs less than `put` but is not atomic: a reader may see part of the body before the
   * promise resolves, so the caller must not name the key anywhere until then.
   */
  putNew(key: string, body: Buffer): Promise<void>;
  /** Returns the body, or null when no blob has that key. */
  get(key: string): Promise<Buffer | null>;
  /** Deletes one blob; deleting a missing key is not an error. */
  delete(key: string): Promise<void>;
  /** Deletes every blob whose key starts with `prefix/` and returns how many went. */
  deletePrefix(prefix: string): Promise<number>;
  /** Returns the first segments of all keys, for example the expiry days. */
  listTopLevel(): Promise<string[]>;
}
