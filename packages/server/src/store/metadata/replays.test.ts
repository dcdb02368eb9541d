import { beforeAll, expect, it, vi } from 'vitest';
import { chunkRow, describeEachStore } from '../../test-support/stores.js';
import type { ReplayFilter } from './index.js';

const facts = { expiresOn: '2030-01-31', browser: 'Chrome', os: 'Linux' };

describeEachStore('replay store', (store) => {
  it('new seq replaces nothing', async () => {
    const replaced = await store().replays.storeChunk(chunkRow({ replay_id: 'n1' }), facts);
    expect(replaced).toBeNull();
  });

  it('sums facts of replaced chunks once', async () => {
    const replays = store().replays;
    const long = { first_ts: 0, last_ts: 10_000 };
    await replays.storeChunk(chunkRow({ replay_id: 's1', seq: 0, click_count: 2, ...long }), facts);
    await replays.storeChunk(chunkRow({ replay_id: 's1', seq: 1, error_count: 1 }), facts);
    const retry = chunkRow({
      replay_id: 's1',
      seq: 1,
      click_count: 4,
      error_count: 3,
      rage_click_count: 1,
      active_ms: 700,
      bytes: 250,
    });
    await replays.storeChunk(retry, facts);
    await replays.storeChunk(retry, facts);

    const replay = await replays.getReplay('p1', 's1');
    expect(replay?.chunk_count).toBe(2);
    expect(replay?.click_count).toBe(6);
    expect(replay?.error_count).toBe(3);
    expect(replay?.rage_click_count).toBe(1);
    expect(replay?.active_ms).toBe(1_200);
    expect(replay?.bytes).toBe(350);
  });

  it('stores full snapshot time', async () => {
    const replays = store().replays;
    const snapshotAt = 1_700_000_000_123;
    await replays.storeChunk(chunkRow({ replay_id: 'f1', seq: 0, full_snapshot_ts: 1_500 }), facts);
    await replays.storeChunk(chunkRow({ replay_id: 'f1', seq: 1, full_snapshot_ts: null }), facts);
    const retry = chunkRow({ replay_id: 'f1', seq: 0, full_snapshot_ts: snapshotAt });
    await replays.storeChunk(retry, facts);

    const chunks = await replays.listChunks('p1', 'f1');
    expect(chunks.map((chunk) => chunk.full_snapshot_ts)).toEqual([snapshotAt, null]);
  });

  it('caps active time at the duration', async () => {
    const replays = store().replays;
    const chunk = { replay_id: 'a1', first_ts: 1_000, last_ts: 1_400, active_ms: 1_000 };
    await replays.storeChunk(chunkRow({ ...chunk, seq: 0 }), facts);
    await replays.storeChunk(
      chunkRow({ ...chunk, seq: 1, first_ts: 1_500, last_ts: 1_600 }),
      facts,
    );

    const replay = await replays.getReplay('p1', 'a1');
    expect(replay?.duration_ms).toBe(600);
    expect(replay?.active_ms).toBe(600);
  });

  it('first chunk fixes expiry and platform', async () => {
    const replays = store().replays;
    await replays.storeChunk(chunkRow({ replay_id: 'e1', seq: 0 }), facts);
    const later = { expiresOn: '2030-03-01', browser: 'Firefox', os: 'Windows' };
    await replays.storeChunk(chunkRow({ replay_id: 'e1', seq: 1 }), later);

    expect(await replays.findExpiry('p1', 'e1')).toBe('2030-01-31');
    const replay = await replays.getReplay('p1', 'e1');
    expect(replay?.browser).toBe('Chrome');
    expect(replay?.os).toBe('Linux');
  });

  it('finds no expiry for unknown', async () => {
    expect(await store().replays.findExpiry('p1', 'unknown')).toBeUndefined();
  });

  it('first URL from earliest chunk', async () => {
    const replays = store().replays;
    await replays.storeChunk(
      chunkRow({ replay_id: 'u1', seq: 2, first_url: 'https://shop.example/late' }),
      facts,
    );
    await replays.storeChunk(chunkRow({ replay_id: 'u1', seq: 1, first_url: null }), facts);
    expect((await replays.getReplay('p1', 'u1'))?.first_url).toBe('https://shop.example/late');
    await replays.storeChunk(
      chunkRow({ replay_id: 'u1', seq: 0, first_url: 'https://shop.example/start' }),
      facts,
    );
    expect((await replays.getReplay('p1', 'u1'))?.first_url).toBe('https://shop.example/start');
  });

  it('commits concurrent chunks together', async () => {
    const replays = store().replays;
    const chunks = Array.from({ length: 30 }, (_, index) =>
      chunkRow({ replay_id: `group${index % 3}`, seq: Math.floor(index / 3) }),
    );
    const broken = { ...chunkRow({ replay_id: 'group0', seq: 99 }), blob_key: null as never };
    const log = { warn: vi.fn() };
    const results = await Promise.allSettled([
      ...chunks.map((chunk) => replays.storeChunk(chunk, facts, log)),
      replays.storeChunk(broken, facts, log),
    ]);

    expect(results.slice(0, 30).every((result) => result.status === 'fulfilled')).toBe(true);
    expect(results[30]?.status).toBe('rejected');
    expect(log.warn).toHaveBeenCalledTimes(1);
    for (const id of ['group0', 'group1', 'group2']) {
      const stored = await replays.listChunks('p1', id);
      expect(stored.map((chunk) => chunk.seq)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
      expect((await replays.getReplay('p1', id))?.chunk_count).toBe(10);
    }
  });

  it('keeps the later of two uploads', async () => {
    const replays = store().replays;
    const first = chunkRow({ replay_id: 'l1', seq: 0, blob_key: 'first', click_count: 1 });
    const second = chunkRow({ replay_id: 'l1', seq: 0, blob_key: 'second', click_count: 2 });
    const [replacedByFirst, replacedBySecond] = await Promise.all([
      replays.storeChunk(first, facts),
      replays.storeChunk(second, facts),
    ]);

    expect(replacedByFirst).toBeNull();
    expect(replacedBySecond).toBe('first');
    expect((await replays.getChunk('p1', 'l1', 0))?.blob_key).toBe('second');
  });

  it('gets one chunk by seq', async () => {
    await store().replays.storeChunk(
      chunkRow({ replay_id: 'g1', seq: 4, blob_key: 'g1-4' }),
      facts,
    );
    expect((await store().replays.getChunk('p1', 'g1', 4))?.blob_key).toBe('g1-4');
    expect(await store().replays.getChunk('p1', 'g1', 5)).toBeUndefined();
  });
});

describeEachStore('replay list', (store) => {
  const list = async (filter: Partial<ReplayFilter>) => {
    const rows = await store().replays.listReplays({
      projectId: 'p2',
      sort: 'recent',
      limit: 100,
      ...filter,
    });
    return rows.map((row) => row.id);
  };

  beforeAll(async () => {
    const add = (replay: string, first: number, last: number, identity: object, project = 'p2') =>
      store().replays.storeChunk(
        chunkRow({
          project_id: project,
          replay_id: replay,
          first_ts: first,
          last_ts: last,
          ...identity,
        }),
        facts,
      );
    await add('a', 1_000, 9_000, { distinct_id: 'alice', user_id: 'alice', device_id: 'da' });
    await add('b', 2_000, 3_000, { distinct_id: '$device:db', user_id: null, device_id: 'db' });
    await add('c', 2_000, 8_000, { distinct_id: '$device:dc', user_id: 'carol', device_id: 'dc' });
    await add('d', 4_000, 4_500, { distinct_id: 'dave', user_id: null, device_id: 'dd' });
    await add('x', 5_000, 6_000, { distinct_id: 'alice', user_id: 'alice' }, 'other');
  });

  it('lists one project, newest first', async () => {
    expect(await list({})).toEqual(['d', 'c', 'b', 'a']);
  });

  it('sorts by duration', async () => {
    expect(await list({ sort: 'duration' })).toEqual(['a', 'c', 'b', 'd']);
  });

  it('distinctId matches any identity', async () => {
    expect(await list({ distinctId: 'alice' })).toEqual(['a']);
    expect(await list({ distinctId: 'carol' })).toEqual(['c']);
    expect(await list({ distinctId: 'db' })).toEqual(['b']);
  });

  it('userId matches user only', async () => {
    expect(await list({ userId: 'carol' })).toEqual(['c']);
    expect(await list({ userId: 'dave' })).toEqual([]);
  });

  it('filters by start time', async () => {
    expect(await list({ startedFrom: 2_000, startedBefore: 4_000 })).toEqual(['c', 'b']);
  });

  it('searches exact ids', async () => {
    expect(await list({ search: 'dave' })).toEqual(['d']);
    expect(await list({ search: ' c ' })).toEqual(['c']);
  });

  it('pages after a cursor', async () => {
    expect(await list({ after: { value: 2_000, id: 'c' } })).toEqual(['b', 'a']);
    expect(await list({ after: { value: 2_000, id: 'b' } })).toEqual(['a']);
    expect(await list({ limit: 1, after: { value: 4_000, id: 'd' } })).toEqual(['c']);
  });

  it('counts replays per project', async () => {
    expect(await store().replays.countReplays('p2')).toBe(4);
  });
});

describeEachStore('replay expiry', (store) => {
  const add = (project: string, replay: string, expiresOn: string, seqs = [0, 1]) =>
    Promise.all(
      seqs.map((seq) =>
        store().replays.storeChunk(chunkRow({ project_id: project, replay_id: replay, seq }), {
          ...facts,
          expiresOn,
        }),
      ),
    );

  it('deletes replays before today', async () => {
    await add('p3', 'old', '2030-01-09');
    await add('p3', 'today', '2030-01-10');
    await add('p4', 'other-old', '2030-01-01');

    expect(await store().replays.deleteExpired('2030-01-10', 100)).toEqual({
      replays: 2,
      chunks: 4,
      byProject: { p3: 1, p4: 1 },
    });
    expect(await store().replays.getReplay('p3', 'old')).toBeUndefined();
    expect(await store().replays.listChunks('p3', 'old')).toEqual([]);
    expect(await store().replays.getReplay('p4', 'other-old')).toBeUndefined();
    expect(await store().replays.getReplay('p3', 'today')).toBeDefined();
    expect(await store().replays.listChunks('p3', 'today')).toHaveLength(2);
  });

  it('deletes at most the limit', async () => {
    for (const replay of ['l1', 'l2', 'l3']) await add('p5', replay, '2029-12-01', [0]);
    expect((await store().replays.deleteExpired('2029-12-02', 2)).replays).toBe(2);
    expect(await store().replays.countReplays('p5')).toBe(1);
    expect((await store().replays.deleteExpired('2029-12-02', 2)).replays).toBe(1);
    expect(await store().replays.countReplays('p5')).toBe(0);
  });
});
