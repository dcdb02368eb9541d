import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createTestDatabase, postgresUnavailableReason } from '../../test-support/postgres.js';
import { chunkRow, describeEachStore } from '../../test-support/stores.js';
import { openMetadataStore, type ChunkRow, type MetadataStore } from './index.js';
import { fillReplayFactColumns } from './replay-facts-migration.js';
import { recomputeReplayFacts, replayFactColumns, type ReplayFacts } from './replay-facts.js';

const newReplay = { expiresOn: '2030-01-31', browser: 'Chrome', os: 'Linux' };

/** mulberry32: a small seeded generator, so that a failing case can be run again. */
function randomGenerator(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let value = state;
    value = Math.imul(value ^ (value >>> 15), value | 1);
    value ^= value + Math.imul(value ^ (value >>> 7), value | 61);
    return ((value ^ (value >>> 14)) >>> 0) / 2 ** 32;
  };
}

function pickOne<T>(random: () => number, values: readonly T[]): T {
  return values[Math.floor(random() * values.length)]!;
}

/** Builds a chunk with random times, counts and ids, some of them missing. */
function randomChunk(random: () => number, replayId: string, seq: number): ChunkRow {
  const firstTs = 1_000 + Math.floor(random() * 100_000);
  return chunkRow({
    replay_id: replayId,
    seq,
    first_ts: firstTs,
    last_ts: firstTs + Math.floor(random() * 8_000),
    event_count: 1 + Math.floor(random() * 50),
    click_count: Math.floor(random() * 5),
    rage_click_count: Math.floor(random() * 2),
    error_count: Math.floor(random() * 3),
    active_ms: Math.floor(random() * 6_000),
    bytes: 100 + Math.floor(random() * 5_000),
    first_url: pickOne(random, [null, null, 'https://shop.example/a', 'https://shop.example/b']),
    device_id: pickOne(random, [null, 'd1', 'd1', 'd1', 'd2']),
    user_id: pickOne(random, [null, null, 'u1', 'u2']),
    distinct_id: pickOne(random, [null, '$device:d1', 'u1', 'u2']),
    received_at: 10_000 + seq,
  });
}

function storedFacts(row: Record<string, unknown> | undefined): Partial<ReplayFacts> {
  return Object.fromEntries(replayFactColumns.map((column) => [column, row?.[column]]));
}

async function expectRecomputedFacts(store: MetadataStore, replayId: string): Promise<void> {
  const row = await store.replays.getReplay('p1', replayId);
  const recomputed = await recomputeReplayFacts(store.connection.db, 'p1', replayId);
  expect(storedFacts(row as Record<string, unknown> | undefined)).toEqual(recomputed);
}

/**
 * Builds uploads of one replay in a random order: every seq once, and some seqs twice, with the
 * same body again or a different one. Ids are random too, so late batches of another device
 * and retries that change a chunk's times both occur.
 */
function randomUploads(random: () => number, replayId: string): ChunkRow[] {
  const uploads: ChunkRow[] = [];
  for (let seq = 0; seq < 12; seq++) {
    const chunk = randomChunk(random, replayId, seq);
    uploads.push(chunk);
    const retry = random();
    if (retry < 0.2) uploads.push({ ...chunk, blob_key: `${chunk.blob_key}-again` });
    else if (retry < 0.3) uploads.push(randomChunk(random, replayId, seq));
  }
  for (let index = uploads.length - 1; index > 0; index--) {
    const other = Math.floor(random() * (index + 1));
    [uploads[index], uploads[other]] = [uploads[other]!, uploads[index]!];
  }
  return uploads;
}

describeEachStore('incremental replay facts', (store) => {
  it.each([1, 2, 3, 4, 5, 6, 7, 8])('match recomputation, seed %i', async (seed) => {
    const random = randomGenerator(seed);
    const replayId = `random${seed}`;
    const uploads = randomUploads(random, replayId);
    let next = 0;
    while (next < uploads.length) {
      // Uploads sent together are committed in one group, so groups of 1 to 4 occur.
      const size = 1 + Math.floor(random() * 4);
      const batch = uploads.slice(next, next + size);
      next += size;
      await Promise.all(batch.map((chunk) => store().replays.storeChunk(chunk, newReplay)));
      await expectRecomputedFacts(store(), replayId);
    }
  });

  it('late chunk of another device', async () => {
    const replays = store().replays;
    const later = { device_id: 'd1', user_id: 'u1', distinct_id: 'u1' };
    await replays.storeChunk(chunkRow({ replay_id: 'dev1', seq: 3, ...later }), newReplay);
    const late = { device_id: 'd2', user_id: null, distinct_id: '$device:d2' };
    await replays.storeChunk(chunkRow({ replay_id: 'dev1', seq: 1, ...late }), newReplay);

    const replay = await replays.getReplay('p1', 'dev1');
    expect(replay?.device_id).toBe('d2');
    expect(replay?.user_id).toBeNull();
    expect(replay?.distinct_id).toBe('$device:d2');
    await expectRecomputedFacts(store(), 'dev1');
  });

  it('retry that shortens the replay', async () => {
    const replays = store().replays;
    await replays.storeChunk(
      chunkRow({ replay_id: 'short1', seq: 0, first_ts: 1_000, last_ts: 2_000 }),
      newReplay,
    );
    await replays.storeChunk(
      chunkRow({ replay_id: 'short1', seq: 1, first_ts: 2_000, last_ts: 9_000 }),
      newReplay,
    );
    await replays.storeChunk(
      chunkRow({ replay_id: 'short1', seq: 1, first_ts: 2_000, last_ts: 3_000 }),
      newReplay,
    );

    const replay = await replays.getReplay('p1', 'short1');
    expect(replay?.ended_at).toBe(3_000);
    expect(replay?.duration_ms).toBe(2_000);
    expect(replay?.chunk_count).toBe(2);
    await expectRecomputedFacts(store(), 'short1');
  });

  it('same seq twice in one group', async () => {
    const replays = store().replays;
    const first = chunkRow({ replay_id: 'twice1', seq: 0, click_count: 1, bytes: 10 });
    const second = chunkRow({ replay_id: 'twice1', seq: 0, click_count: 2, bytes: 20 });
    await Promise.all([
      replays.storeChunk(first, newReplay),
      replays.storeChunk(second, newReplay),
    ]);

    const replay = await replays.getReplay('p1', 'twice1');
    expect(replay?.chunk_count).toBe(1);
    expect(replay?.click_count).toBe(2);
    expect(replay?.bytes).toBe(20);
    await expectRecomputedFacts(store(), 'twice1');
  });

  it('stores groups of 200 chunks', async () => {
    const random = randomGenerator(7);
    const chunks = Array.from({ length: 250 }, (_, index) =>
      randomChunk(random, `wide${index % 125}`, Math.floor(index / 125)),
    );
    const transactions = vi.spyOn(store().connection, 'transactionWithDeferredSync');
    let transactionCount: number;
    try {
      await Promise.all(chunks.map((chunk) => store().replays.storeChunk(chunk, newReplay)));
      transactionCount = transactions.mock.calls.length;
    } finally {
      transactions.mockRestore();
    }

    // A group that failed would be committed again one chunk at a time.
    expect(transactionCount).toBeLessThan(10);
    for (const replayId of ['wide0', 'wide62', 'wide124']) {
      expect((await store().replays.getReplay('p1', replayId))?.chunk_count).toBe(2);
      await expectRecomputedFacts(store(), replayId);
    }
  });

  it('migration fills the new columns', async () => {
    const chunks = [
      { device_id: null, user_id: null, distinct_id: null, first_url: null },
      {
        device_id: 'd1',
        user_id: null,
        distinct_id: '$device:d1',
        first_url: 'https://a.example/',
      },
      { device_id: 'd2', user_id: 'u2', distinct_id: 'u2', first_url: 'https://b.example/' },
      { device_id: 'd1', user_id: 'u1', distinct_id: 'u1', first_url: 'https://c.example/' },
      { device_id: null, user_id: 'u3', distinct_id: 'u3', first_url: null },
    ];
    for (const [seq, ids] of chunks.entries()) {
      const chunk = chunkRow({ replay_id: 'migrated1', seq, active_ms: 300 * seq, ...ids });
      await store().replays.storeChunk(chunk, newReplay);
    }
    // The replay row as the server wrote it before `0005-replay-facts` added these columns.
    const db = store().connection.db;
    await db
      .updateTable('replays')
      .set({
        chunk_active_ms: 0,
        first_url_seq: null,
        device_id_seq: null,
        user_id_seq: null,
        distinct_id_seq: null,
      })
      .where('id', '=', 'migrated1')
      .execute();

    await fillReplayFactColumns(db);
    const replay = await store().replays.getReplay('p1', 'migrated1');
    expect(replay?.chunk_active_ms).toBe(3_000);
    expect(replay?.first_url_seq).toBe(1);
    expect(replay?.device_id_seq).toBe(1);
    expect(replay?.user_id_seq).toBe(3);
    expect(replay?.distinct_id_seq).toBe(1);
    await expectRecomputedFacts(store(), 'migrated1');
  });
});

// Two server processes on one PostgreSQL database, each with its own pool and group commits.
describe.skipIf((await postgresUnavailableReason()) !== null)('two stores on PostgreSQL', () => {
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  let stores: MetadataStore[] = [];
  beforeAll(async () => {
    database = await createTestDatabase();
    stores = [];
    for (let index = 0; index < 2; index++) {
      stores.push(await openMetadataStore({ dataDir: '/nonexistent', databaseUrl: database.url }));
    }
  });
  afterAll(async () => {
    for (const store of stores) await store.close();
    await database.drop();
  });

  it('keep every chunk of shared replays', async () => {
    const random = randomGenerator(42);
    const uploads = ['shared1', 'shared2', 'shared3'].flatMap((id) => randomUploads(random, id));
    // The replays exist before the concurrent uploads, so no insert makes one store wait.
    for (const id of ['shared1', 'shared2', 'shared3']) {
      await stores[0]!.replays.storeChunk(chunkRow({ replay_id: id, seq: 100 }), newReplay);
    }
    await Promise.all(
      uploads.map((chunk, index) => stores[index % 2]!.replays.storeChunk(chunk, newReplay)),
    );

    for (const replayId of ['shared1', 'shared2', 'shared3']) {
      const seqs = new Set(
        uploads.filter((chunk) => chunk.replay_id === replayId).map((chunk) => chunk.seq),
      ).add(100);
      const replay = await stores[0]!.replays.getReplay('p1', replayId);
      expect(replay?.chunk_count).toBe(seqs.size);
      await expectRecomputedFacts(stores[1]!, replayId);
    }
  });
});
