import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { SharedFileSync } from '../../util/file-sync.js';
import { FileBlobStore } from './filesystem.js';
import { assertValidKey, chunkBlobKey } from './keys.js';

describe('FileBlobStore', () => {
  let root: string;
  let store: FileBlobStore;

  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'reprise-blobs-'));
    store = new FileBlobStore(join(root, 'blobs'));
  });
  afterEach(() => {
    rmSync(root, { recursive: true, force: true });
  });

  const allFiles = () => readdirSync(root, { recursive: true, encoding: 'utf8' });

  it('puts and gets a blob', async () => {
    await store.put('2030-01-31/p1/r1/0', Buffer.from('hello'));
    expect((await store.get('2030-01-31/p1/r1/0'))?.toString()).toBe('hello');
    expect(existsSync(join(root, 'blobs', '2030-01-31', 'p1', 'r1', '0'))).toBe(true);
  });

  it('putNew stores a blob', async () => {
    await store.putNew('2030-01-31/p1/r1/0', Buffer.from('hello'));
    expect((await store.get('2030-01-31/p1/r1/0'))?.toString()).toBe('hello');
  });

  it('putNew rejects an existing key', async () => {
    await store.putNew('2030-01-31/p1/r1/0', Buffer.from('first'));
    await expect(store.putNew('2030-01-31/p1/r1/0', Buffer.from('second'))).rejects.toThrow(
      /EEXIST/,
    );
    expect((await store.get('2030-01-31/p1/r1/0'))?.toString()).toBe('first');
  });

  it('putNew into new folders at once', async () => {
    const keys = Array.from(
      { length: 20 },
      (_, index) => `2030-01-31/p${index % 2}/r${index % 4}/${index}`,
    );
    await Promise.all(keys.map((key) => store.putNew(key, Buffer.from(key))));
    for (const key of keys) expect((await store.get(key))?.toString()).toBe(key);
  });

  it('putNew flushes new folders', async () => {
    const flushed: string[] = [];
    const original = SharedFileSync.prototype.sync;
    const spy = vi.spyOn(SharedFileSync.prototype, 'sync').mockImplementation(function (
      this: SharedFileSync,
    ) {
      flushed.push((this as unknown as { path: string }).path);
      return original.call(this);
    });
    try {
      await store.putNew('2030-01-31/p1/r1/0', Buffer.from('x'));
    } finally {
      spy.mockRestore();
    }
    const blobs = join(root, 'blobs');
    expect(flushed.sort()).toEqual(
      [
        root,
        blobs,
        join(blobs, '2030-01-31'),
        join(blobs, '2030-01-31', 'p1'),
        join(blobs, '2030-01-31', 'p1', 'r1'),
      ].sort(),
    );
  });

  it('gets null for a missing key', async () => {
    expect(await store.get('2030-01-31/p1/none')).toBeNull();
  });

  it('deletes a blob', async () => {
    await store.put('a/b', Buffer.from('x'));
    await store.delete('a/b');
    expect(await store.get('a/b')).toBeNull();
  });

  it('deletes a missing key quietly', async () => {
    await expect(store.delete('a/missing')).resolves.toBeUndefined();
  });

  it('overwrites without leftovers', async () => {
    await store.put('a/b', Buffer.from('first'));
    await Promise.all(
      Array.from({ length: 10 }, (_, index) => store.put('a/b', Buffer.from(`body ${index}`))),
    );
    expect((await store.get('a/b'))?.toString()).toMatch(/^body \d$/);
    expect(allFiles().filter((path) => path.includes('.tmp-'))).toEqual([]);
  });

  it('readers never see a partial blob', async () => {
    const small = Buffer.alloc(1024, 1);
    const large = Buffer.alloc(4 * 1024 * 1024, 2);
    await store.put('a/b', small);
    const writes = Promise.all([store.put('a/b', large), store.put('a/b', small)]);
    const sizes: number[] = [];
    for (let read = 0; read < 20; read += 1) sizes.push((await store.get('a/b'))!.length);
    await writes;
    expect(sizes.filter((size) => size !== small.length && size !== large.length)).toEqual([]);
  });

  it.each([
    [''],
    ['..'],
    ['a/../b'],
    ['./a'],
    ['/etc/passwd'],
    ['a//b'],
    ['a/'],
    ['a\\b'],
    ['a/b c'],
    ['.hidden'],
  ])('rejects key %j', async (key) => {
    await expect(store.put(key, Buffer.from('x'))).rejects.toThrow(/Invalid blob key/);
    await expect(store.get(key)).rejects.toThrow(/Invalid blob key/);
    await expect(store.delete(key)).rejects.toThrow(/Invalid blob key/);
    await expect(store.deletePrefix(key)).rejects.toThrow(/Invalid blob key/);
  });

  it('deletePrefix counts deleted files', async () => {
    await store.put('2030-01-01/p1/r1/0', Buffer.from('a'));
    await store.put('2030-01-01/p1/r1/1', Buffer.from('b'));
    await store.put('2030-01-01/p2/r2/0', Buffer.from('c'));
    await store.put('2030-01-02/p1/r3/0', Buffer.from('d'));

    expect(await store.deletePrefix('2030-01-01')).toBe(3);
    expect(await store.get('2030-01-01/p1/r1/0')).toBeNull();
    expect((await store.get('2030-01-02/p1/r3/0'))?.toString()).toBe('d');
    expect(await store.deletePrefix('2030-01-01')).toBe(0);
  });

  it('deletePrefix of one replay', async () => {
    await store.put('2030-01-01/p1/r1/0', Buffer.from('a'));
    await store.put('2030-01-01/p1/r2/0', Buffer.from('b'));
    expect(await store.deletePrefix('2030-01-01/p1/r1')).toBe(1);
    expect(await store.get('2030-01-01/p1/r2/0')).not.toBeNull();
  });

  it('lists top-level folders', async () => {
    expect(await store.listTopLevel()).toEqual([]);
    await store.put('2030-01-01/p1/r1/0', Buffer.from('a'));
    await store.put('2030-01-02/p1/r1/0', Buffer.from('b'));
    expect((await store.listTopLevel()).sort()).toEqual(['2030-01-01', '2030-01-02']);
  });
});

describe('chunkBlobKey', () => {
  it('starts with the expiry day', () => {
    const key = chunkBlobKey({
      expiresOn: '2030-01-31',
      projectId: 'default',
      replayId: 'r-1',
      seq: 12,
      uploadId: 'abc123',
    });
    expect(key).toBe('2030-01-31/default/r-1/0000000012-abc123');
    expect(() => assertValidKey(key)).not.toThrow();
  });
});
