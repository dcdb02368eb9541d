import { randomUUID } from 'node:crypto';
import { beforeAll, expect, it } from 'vitest';
import type { ReplayPage, ReplaySort, ReplaySummary } from '@reprise/protocol';
import {
  describeEachDatabase,
  expectErrorResponse,
  postRecord,
  useTestServer,
} from '../test-support/record.js';
import { metaEvent, mutationEvent, scrollEvent } from '../test-support/rrweb.js';
import type { TestServer } from '../test-support/server.js';

const t0 = Date.UTC(2030, 0, 15, 12);

/**
 * Uploads a replay starting at `t0 + startMs` that lasts `durationMs` and has `stretches`
 * separate stretches of activity, each credited 1000 ms.
 */
async function uploadReplay(
  server: TestServer,
  spec: { startMs: number; durationMs: number; stretches: number; query?: Record<string, string> },
): Promise<string> {
  const replayId = randomUUID();
  const start = t0 + spec.startMs;
  const scrolls = Array.from({ length: spec.stretches }, (_, index) =>
    scrollEvent(start + index * 6_000),
  );
  const events = [metaEvent(start), ...scrolls, mutationEvent(start + spec.durationMs)];
  const response = await postRecord(server, { replayId, seq: 0, events, query: spec.query });
  expect(response.status).toBe(200);
  return replayId;
}

async function feed(server: TestServer, query: Record<string, string | number>) {
  const search = new URLSearchParams(
    Object.entries(query).map(([name, value]) => [name, String(value)]),
  );
  const response = await server.api(`/api/replays?${search}`);
  expect(response.status).toBe(200);
  return (await response.json()) as ReplayPage;
}

async function allPages(server: TestServer, sort: ReplaySort, limit: number) {
  const seen: ReplaySummary[] = [];
  let cursor: string | null = null;
  for (let page = 0; page < 50; page += 1) {
    const query: Record<string, string | number> = { sort, limit };
    if (cursor) query.cursor = cursor;
    const result = await feed(server, query);
    expect(result.replays.length).toBeLessThanOrEqual(limit);
    seen.push(...result.replays);
    cursor = result.nextCursor;
    if (!cursor) return seen;
  }
  throw new Error('The feed did not end after 50 pages');
}

const sortValue = {
  recent: (replay: ReplaySummary) => replay.startedAt,
  duration: (replay: ReplaySummary) => replay.durationMs,
  activity: (replay: ReplaySummary) => replay.activeMs,
};

describeEachDatabase('replay feed pages', (database) => {
  const server = useTestServer({ database, now: () => t0 });
  const ids: string[] = [];

  // Ties on every sort value: three start times of 0, three durations of 20 s, four replays
  // with 1 s of activity.
  const specs = [
    { startMs: 0, durationMs: 20_000, stretches: 1 },
    { startMs: 0, durationMs: 20_000, stretches: 2 },
    { startMs: 0, durationMs: 30_000, stretches: 2 },
    { startMs: 1_000, durationMs: 10_000, stretches: 1 },
    { startMs: 1_000, durationMs: 30_000, stretches: 3 },
    { startMs: 2_000, durationMs: 20_000, stretches: 1 },
    { startMs: 2_000, durationMs: 12_000, stretches: 3 },
    { startMs: 3_000, durationMs: 12_000, stretches: 2 },
    { startMs: 3_000, durationMs: 30_000, stretches: 1 },
  ];

  beforeAll(async () => {
    for (const spec of specs) ids.push(await uploadReplay(server(), spec));
  });

  it('computes the sort values', async () => {
    const { replays } = await feed(server(), { limit: 100 });
    const byId = new Map(replays.map((replay) => [replay.id, replay]));
    specs.forEach((spec, index) => {
      const replay = byId.get(ids[index]!);
      expect(replay?.startedAt).toBe(t0 + spec.startMs);
      expect(replay?.durationMs).toBe(spec.durationMs);
      expect(replay?.activeMs).toBe(spec.stretches * 1_000);
    });
  });

  for (const sort of ['recent', 'duration', 'activity'] as const) {
    it.each([[1], [2], [4]])(`pages by ${sort}, limit %i`, async (limit) => {
      const pages = await allPages(server(), sort, limit);
      const { replays: single } = await feed(server(), { sort, limit: 100 });

      expect(pages.map((replay) => replay.id).sort()).toEqual([...ids].sort());
      expect(pages.map((replay) => replay.id)).toEqual(single.map((replay) => replay.id));
      const values = pages.map(sortValue[sort]);
      expect(values).toEqual([...values].sort((a, b) => b - a));
    });
  }

  it('last page has no cursor', async () => {
    const page = await feed(server(), { limit: specs.length });
    expect(page.replays).toHaveLength(specs.length);
    expect(page.nextCursor).toBeNull();
  });
});

describeEachDatabase('replay feed filters', (database) => {
  const server = useTestServer({ database, now: () => t0 });
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    const people = server().context.metadata.analytics;
    const update = (distinctId: string, set: Record<string, unknown>) =>
      people.applyPeopleUpdates(
        'default',
        [{ $token: server().token, $distinct_id: distinctId, $set: set }],
        t0,
      );
    await update('user-a', { $name: 'Ann_Lee', $email: 'ann@corp.example' });
    await update('user-b', { $name: 'Annxlee', $email: 'ANNX@Other.example' });
    await update('user-c', { $first_name: 'Percy', $last_name: '100% Real' });
    await update('user-e', { $name: 'Émile Zoë' });

    const replay = (startMs: number, query: Record<string, string>) =>
      uploadReplay(server(), { startMs, durationMs: 500, stretches: 1, query });
    ids.a = await replay(0, { distinct_id: 'user-a', $device_id: 'dev-a' });
    ids.b = await replay(1_000, { distinct_id: 'user-b', $device_id: 'dev-b' });
    ids.c = await replay(2_000, {
      distinct_id: '$device:dev-c',
      $device_id: 'dev-c',
      $user_id: 'user-c',
    });
    ids.d = await replay(3_000, { distinct_id: '$device:dev-d', $device_id: 'dev-d' });
    ids.e = await replay(4_000, { distinct_id: 'user-e', $device_id: 'dev-e' });
  });

  async function idsFor(query: Record<string, string | number>): Promise<string[]> {
    const { replays } = await feed(server(), query);
    const names = new Map(Object.entries(ids).map(([name, id]) => [id, name]));
    return replays.map((replay) => names.get(replay.id) ?? replay.id).sort();
  }

  it.each([
    ['user-a', ['a']],
    ['user-c', ['c']],
    ['dev-d', ['d']],
    ['ann', ['a', 'b']],
    ['ANN', ['a', 'b']],
    ['lee', ['a', 'b']],
    ['ANNX@other', ['b']],
    ['corp.example', ['a']],
    ['percy 100', ['c']],
    ['n_l', ['a']],
    ['0% r', ['c']],
    ['n%e', []],
    ['_', ['a']],
    ['nobody', []],
    ['  ann\t', ['a', 'b']],
    ['émile', ['e']],
    ['ÉMILE ZOË', ['e']],
  ])('q=%s finds %j', async (q, expected) => {
    expect(await idsFor({ q })).toEqual(expected);
  });

  it.each([
    ['empty', ''],
    ['a space', ' '],
    ['spaces', '   '],
    ['a tab', '\t'],
    ['line breaks', '\r\n'],
    ['mixed whitespace', ' \t\n\u000b\u000c '],
    ['an ideographic space', '\u3000'],
  ])('blank q (%s) lists every replay', async (_case, q) => {
    expect(await idsFor({ q })).toEqual(await idsFor({}));
    expect(await idsFor({ q })).toEqual(['a', 'b', 'c', 'd', 'e']);
  });

  it.each([
    ['\u0000', 'U+0000', 1],
    ['nn\u0000', 'U+0000', 3],
    [' \u0000 ', 'U+0000', 2],
    ['\u0001ann', 'U+0001', 1],
    ['ann\tlee', 'U+0009', 4],
    ['ann\nlee', 'U+000A', 4],
    ['\u001b', 'U+001B', 1],
    ['\u007f', 'U+007F', 1],
    ['\u0085', 'U+0085', 1],
    ['\u009f', 'U+009F', 1],
  ])('rejects q=%j', async (q, name, position) => {
    const response = await server().api(`/api/replays?${new URLSearchParams({ q })}`);
    const error = await expectErrorResponse(response, 400, { code: 'invalid_input', field: 'q' });
    expect(error.error).toContain('q: must not contain control characters');
    expect(error.error).toContain(`found ${name} at character ${position}`);
    expect(error.limit).toBeUndefined();
  });

  it('q finds a replay id', async () => {
    expect(await idsFor({ q: ids.b! })).toEqual(['b']);
  });

  it('shows profile name and email', async () => {
    const { replays } = await feed(server(), { q: 'user-a' });
    expect(replays[0]?.userName).toBe('Ann_Lee');
    expect(replays[0]?.userEmail).toBe('ann@corp.example');
  });

  it('filters by distinct_id', async () => {
    expect(await idsFor({ distinct_id: 'user-b' })).toEqual(['b']);
    expect(await idsFor({ distinct_id: 'user-c' })).toEqual(['c']);
  });

  it('filters by user_id', async () => {
    expect(await idsFor({ user_id: 'user-c' })).toEqual(['c']);
  });

  it('from is inclusive, to exclusive', async () => {
    expect(await idsFor({ from: t0 + 1_000, to: t0 + 3_000 })).toEqual(['b', 'c']);
  });

  it('combines q with dates', async () => {
    expect(await idsFor({ q: 'ann', from: t0 + 500 })).toEqual(['b']);
  });

  it.each([
    [{ limit: 0 }, 'limit', 1],
    [{ limit: 101 }, 'limit', 100],
    [{ limit: 'many' }, 'limit', undefined],
    [{ sort: 'random' }, 'sort', undefined],
    [{ cursor: 'not-a-cursor' }, 'cursor', undefined],
    [{ cursor: 'x'.repeat(1001) }, 'cursor', 1000],
    [{ from: 'yesterday' }, 'from', undefined],
    [{ from: -1 }, 'from', 0],
    [{ from: 2000, to: 1000 }, 'to', undefined],
    [{ q: 'x'.repeat(321) }, 'q', 320],
    [{ distinct_id: 'x'.repeat(256) }, 'distinct_id', 255],
  ])('rejects %j', async (query, field, limit) => {
    const search = new URLSearchParams(
      Object.entries(query).map(([name, value]) => [name, String(value)]),
    );
    const response = await server().api(`/api/replays?${search}`);
    const error = await expectErrorResponse(response, 400, { field });
    expect(error.limit).toBe(limit);
  });

  it('rejects a repeated parameter', async () => {
    const response = await server().api('/api/replays?limit=10&limit=20');
    const error = await expectErrorResponse(response, 400, { field: 'limit', limit: 1 });
    expect(error.error).toContain('given 2 times');
  });
});
