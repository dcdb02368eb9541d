import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SharedFileSync } from './file-sync.js';

/** Returns a file handle whose fsyncs end only when the test calls `finishNext`. */
function controlledHandle() {
  const pending: Array<() => void> = [];
  let syncCount = 0;
  const handle = {
    sync: () => {
      syncCount += 1;
      return new Promise<void>((resolve) => pending.push(resolve));
    },
    close: async () => undefined,
  } as unknown as FileHandle;
  return {
    open: async () => handle,
    syncCount: () => syncCount,
    finishNext: async () => {
      pending.shift()?.();
      // Lets the promise callbacks of the finished fsync run.
      await new Promise((resolve) => setImmediate(resolve));
    },
  };
}

describe('SharedFileSync', () => {
  it('shares one flush among concurrent calls', async () => {
    const file = controlledHandle();
    const shared = new SharedFileSync('/unused', file.open);
    const first = shared.sync();
    await new Promise((resolve) => setImmediate(resolve));
    const waiting = Array.from({ length: 5 }, () => shared.sync());
    expect(file.syncCount()).toBe(1);

    await file.finishNext();
    await first;
    expect(file.syncCount()).toBe(2);
    await file.finishNext();
    await Promise.all(waiting);
    expect(file.syncCount()).toBe(2);
  });

  it('call during a flush waits for the next', async () => {
    const file = controlledHandle();
    const shared = new SharedFileSync('/unused', file.open);
    void shared.sync();
    await new Promise((resolve) => setImmediate(resolve));
    let laterDone = false;
    const later = shared.sync().then(() => {
      laterDone = true;
    });

    await file.finishNext();
    expect(laterDone).toBe(false);
    await file.finishNext();
    await later;
    expect(laterDone).toBe(true);
  });

  it('flushes a real file', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'reprise-sync-'));
    try {
      writeFileSync(join(folder, 'data'), 'x');
      const shared = new SharedFileSync(join(folder, 'data'));
      await Promise.all([shared.sync(), shared.sync(), shared.sync()]);
      await shared.close();
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });
});
