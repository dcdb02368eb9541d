import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openMetadataStore, type ChunkRow, type MetadataStore } from './index.js';
import { createTestDatabase, postgresUnavailableReason } from '../../test-support/index.js';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const postgresReason = await postgresUnavailableReason();
if (postgresReason) console.warn(`Skipping PostgreSQL store tests: ${postgresReason}`);

interface Dialect {
  name: 'sqlite' | 'postgres';
  skip: boolean;
  open(): Promise<{ store: MetadataStore; cleanup(): Promise<void> }>;
}

const dialects: Dialect[] = [
  {
    name: 'sqlite',
    skip: false,
    async open() {
      const dataDir = mkdtempSync(join(tmpdir(), 'reprise-store-'));
      const store = await openMetadataStore({ dataDir, databaseUrl: null });
      return {
        store,
        cleanup: async () => {
          await store.close();
          rmSync(dataDir, { recursive: true, force: true });
        },
      };
    },
  },
  {
    name: 'postgres',
    skip: postgresReason !== null,
    async open() {
      const database = await createTestDatabase();
      const store = await openMetadataStore({ dataDir: '/nonexistent', databaseUrl: database.url });
      return {
        store,
        cleanup: async () => {
          await store.close();
          await database.drop();
        },
      };
    },
  },
];

function chunk(overrides: Partial<ChunkRow>): ChunkRow {
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
    blob_key: 'k0',
    has_full_snapshot: 1,
    first_url: 'https://shop.example/',
    distinct_id: '$device:d1',
    device_id: 'd1',
    user_id: null,
    received_at: 5_000,
    ...overrides,
  };
}

const facts = { expiresOn: '2030-01-31', browser: 'Chrome', os: 'Linux' };

describe.each(dialects)('metadata store on $name', (dialect) => {
  let store: MetadataStore;
  let cleanup: () => Promise<void>;

  beforeAll(async () => {
    if (dialect.skip) return;
    ({ store, cleanup } = await dialect.open());
  });
  afterAll(async () => {
    await cleanup?.();
  });

  it.skipIf(dialect.skip)('replaced chunk counts once', async () => {
    await store.replays.storeChunk(chunk({ seq: 0 }), facts);
    await store.replays.storeChunk(
      chunk({ seq: 1, first_ts: 2_500, last_ts: 4_000, blob_key: 'k1' }),
      facts,
    );
    const replaced = await store.replays.storeChunk(
      chunk({ seq: 1, first_ts: 2_500, last_ts: 6_000, event_count: 25, blob_key: 'k1b' }),
      facts,
    );

    expect(replaced).toBe('k1');
    const replay = await store.replays.getReplay('p1', 'r1');
    expect(replay?.chunk_count).toBe(2);
    expect(replay?.event_count).toBe(35);
    expect(replay?.started_at).toBe(1_000);
    expect(replay?.ended_at).toBe(6_000);
    expect(replay?.duration_ms).toBe(5_000);
    expect(replay?.expires_on).toBe('2030-01-31');
  });

  it.skipIf(dialect.skip)('identity comes from earliest chunk', async () => {
    await store.replays.storeChunk(
      chunk({
        replay_id: 'r2',
        seq: 3,
        distinct_id: 'late-user',
        user_id: 'late-user',
        blob_key: 'x3',
      }),
      facts,
    );
    await store.replays.storeChunk(
      chunk({ replay_id: 'r2', seq: 0, distinct_id: '$device:d2', user_id: null, blob_key: 'x0' }),
      facts,
    );
    const replay = await store.replays.getReplay('p1', 'r2');
    expect(replay?.distinct_id).toBe('$device:d2');
    expect(replay?.user_id).toBe('late-user');
  });

  it.skipIf(dialect.skip)('chunks list in seq order', async () => {
    await store.replays.storeChunk(chunk({ replay_id: 'r3', seq: 2, blob_key: 'y2' }), facts);
    await store.replays.storeChunk(chunk({ replay_id: 'r3', seq: 0, blob_key: 'y0' }), facts);
    await store.replays.storeChunk(chunk({ replay_id: 'r3', seq: 1, blob_key: 'y1' }), facts);
    const chunks = await store.replays.listChunks('p1', 'r3');
    expect(chunks.map((row) => row.seq)).toEqual([0, 1, 2]);
  });
});
