import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql, type Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openMetadataConnection, type MetadataConnection } from './connect.js';
import type { Database } from './schema.js';

async function synchronousSetting(db: Kysely<Database>): Promise<number> {
  const result = await sql<{ synchronous: number }>`pragma synchronous`.execute(db);
  return result.rows[0]!.synchronous;
}

describe('SQLite transaction with deferred sync', () => {
  let dataDir: string;
  let connection: MetadataConnection;
  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'reprise-connect-'));
    connection = await openMetadataConnection({ dataDir, databaseUrl: null });
  });
  afterAll(async () => {
    await connection.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('other queries keep synchronous FULL', async () => {
    let releaseWrite!: () => void;
    const writeMayEnd = new Promise<void>((resolve) => (releaseWrite = resolve));
    let insideSetting: number | undefined;
    const transaction = connection.transactionWithDeferredSync(async (trx) => {
      insideSetting = await synchronousSetting(trx);
      await trx
        .insertInto('projects')
        .values({ id: 'p1', name: 'One', token: 't1', retention_days: 30, created_at: 1 })
        .execute();
      await writeMayEnd;
      return 'written';
    });
    await new Promise((resolve) => setImmediate(resolve));
    const concurrentSetting = synchronousSetting(connection.db);
    releaseWrite();

    const { result, durable } = await transaction;
    await durable;
    expect(result).toBe('written');
    expect(insideSetting).toBe(1);
    expect(await concurrentSetting).toBe(2);
    expect(await synchronousSetting(connection.db)).toBe(2);
  });

  it('restores FULL after a failed write', async () => {
    const failing = connection.transactionWithDeferredSync(async () => {
      throw new Error('write failed');
    });
    await expect(failing).rejects.toThrow('write failed');
    expect(await synchronousSetting(connection.db)).toBe(2);
  });
});
