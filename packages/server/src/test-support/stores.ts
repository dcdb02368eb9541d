import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe } from 'vitest';
import { openMetadataStore, type ChunkRow, type MetadataStore } from '../store/metadata/index.js';
import { createTestDatabase, postgresUnavailableReason } from './postgres.js';

const postgresReason = await postgresUnavailableReason();
if (postgresReason) console.warn(`Skipping PostgreSQL store tests: ${postgresReason}`);

async function openSqliteStore() {
  const dataDir = mkdtempSync(join(tmpdir(), 'reprise-store-'));
  const store = await openMetadataStore({ dataDir, databaseUrl: null });
  return {
    store,
    cleanup: async () => {
      await store.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

async function openPostgresStore() {
  const database = await createTestDatabase();
  const store = await openMetadataStore({ dataDir: '/nonexistent', databaseUrl: database.url });
  return {
    store,
    cleanup: async () => {
      await store.close();
      await database.drop();
    },
  };
}

/**
 * Runs one suite per dialect against a fresh metadata store, which the suite's tests share.
 * PostgreSQL's suite is skipped when PostgreSQL is not reachable.
 */
export function describeEachStore(title: string, suite: (store: () => MetadataStore) => void) {
  const dialects = [
    { name: 'sqlite', skip: false, open: openSqliteStore },
    { name: 'postgres', skip: postgresReason !== null, open: openPostgresStore },
  ];
  for (const dialect of dialects) {
    describe.skipIf(dialect.skip)(`${title} on ${dialect.name}`, () => {
      let opened: Awaited<ReturnType<typeof openSqliteStore>> | undefined;
      beforeAll(async () => {
        opened = await dialect.open();
      });
      afterAll(async () => {
        await opened?.cleanup();
      });
      suite(() => {
        if (!opened) throw new Error('The store has not opened');
        return opened.store;
      });
    });
  }
}

/** Builds a chunk row of project `p1` with plausible values, changed by `overrides`. */
export function chunkRow(overrides: Partial<ChunkRow>): ChunkRow {
  return {
    project_id: 'p1',
    replay_id: 'r1',
    seq: 0,
    first_ts: 1_000,
    last_ts: 2_000,
    event_count: 10,
    click_count: 1,
    rage_click_count: 0,
    error_count: 0,
    active_ms: 500,
    bytes: 100,
    decompressed_bytes: 400,
    encoding: 'gzip',
    blob_key: `key-${Math.random().toString(36).slice(2)}`,
    has_full_snapshot: 1,
    full_snapshot_ts: 1_000,
    first_url: 'https://shop.example/',
    distinct_id: '$device:d1',
    device_id: 'd1',
    user_id: null,
    received_at: 5_000,
    ...overrides,
  };
}
