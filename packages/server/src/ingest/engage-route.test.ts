import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { ReplayPage } from '@reprise/protocol';
import { readJsonObject } from '../store/metadata/json.js';
import { postRecord, useTestServer } from '../test-support/record.js';
import { firstBatch } from '../test-support/rrweb.js';
import type { TestServer } from '../test-support/server.js';

const now = Date.UTC(2030, 0, 15, 12);
const token = 'rpt_test_token';

function post(server: TestServer, path: string, items: unknown, verbose = true) {
  const data = Buffer.from(JSON.stringify(items)).toString('base64');
  return server.request(`${path}${verbose ? '?verbose=1' : ''}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ data }).toString(),
  });
}

async function profileOf(server: TestServer, distinctId: string) {
  const row = await server.context.metadata.analytics.getProfile('default', distinctId);
  return row ? readJsonObject(row.properties) : undefined;
}

async function search(server: TestServer, q: string): Promise<ReplayPage> {
  const response = await server.api(`/api/replays?${new URLSearchParams({ q })}`);
  expect(response.status).toBe(200);
  return (await response.json()) as ReplayPage;
}

describe('/engage/', () => {
  const server = useTestServer({ settings: { maxEventsPerRequest: 10 }, now: () => now });

  it('applies a batch in order', async () => {
    const user = randomUUID();
    const base = { $token: token, $distinct_id: user };
    const updates = [
      { ...base, $set: { plan: 'free', visits: 1, tags: ['a'], old: true } },
      { ...base, $set_once: { plan: 'trial', first: 'yes' } },
      { ...base, $add: { visits: 2 } },
      { ...base, $append: { pages: '/cart' } },
      { ...base, $union: { tags: ['a', 'b'] } },
      { ...base, $remove: { tags: 'a' } },
      { ...base, $unset: ['old'] },
    ];
    const response = await post(server(), '/engage/', updates);
    expect(await response.json()).toEqual({ status: 1, error: null });

    expect(await profileOf(server(), user)).toEqual({
      plan: 'free',
      visits: 3,
      tags: ['b'],
      first: 'yes',
      pages: ['/cart'],
    });
  });

  it('later update in a batch wins', async () => {
    const user = randomUUID();
    const base = { $token: token, $distinct_id: user };
    await post(server(), '/engage/', [
      { ...base, $set: { plan: 'free' } },
      { ...base, $set: { plan: 'pro' } },
    ]);
    expect(await profileOf(server(), user)).toEqual({ plan: 'pro' });
  });

  it('$delete removes the profile', async () => {
    const user = randomUUID();
    await post(server(), '/engage/', { $token: token, $distinct_id: user, $set: { a: 1 } });
    await post(server(), '/engage/', { $token: token, $distinct_id: user, $delete: '' });
    expect(await profileOf(server(), user)).toBeUndefined();
  });

  it('replies 1 without verbose', async () => {
    const update = { $token: token, $distinct_id: randomUUID(), $set: { a: 1 } };
    const response = await post(server(), '/engage/', update, false);
    expect(await response.text()).toBe('1');
  });

  it('rejects an invalid update', async () => {
    const update = { $token: token, $distinct_id: 'u', $add: { visits: 'many' } };
    const response = await post(server(), '/engage/', update);
    expect(response.status).toBe(400);
    const body = (await response.json()) as { status: number; error: string };
    expect(body.status).toBe(0);
    expect(body.error).toContain('$add.visits');
  });

  it('rejects too many updates', async () => {
    const updates = Array.from({ length: 11 }, () => ({ $token: token, $distinct_id: 'u' }));
    const response = await post(server(), '/engage/', updates);
    expect(response.status).toBe(413);
  });

  it('records device and user identity', async () => {
    const deviceId = randomUUID();
    await post(server(), '/engage/', {
      $token: token,
      $distinct_id: 'user-5',
      $device_id: deviceId,
      $user_id: 'user-5',
      $set: { a: 1 },
    });
    const rows = await server()
      .context.metadata.connection.db.selectFrom('identities')
      .selectAll()
      .where('device_id', '=', deviceId)
      .execute();
    expect(rows.map((row) => row.user_id)).toEqual(['user-5']);
  });

  it('profile feeds the replay search', async () => {
    const user = `user-${randomUUID()}`;
    const replayId = randomUUID();
    const upload = { replayId, seq: 0, events: firstBatch(now), query: { distinct_id: user } };
    expect((await postRecord(server(), upload)).status).toBe(200);
    await post(server(), '/engage/', {
      $token: token,
      $distinct_id: user,
      $set: { $name: 'Grace Hopper', $email: 'Grace.Hopper@Navy.example' },
    });

    const byName = await search(server(), 'hopper');
    expect(byName.replays.map((replay) => replay.id)).toEqual([replayId]);
    expect(byName.replays[0]?.userName).toBe('Grace Hopper');
    expect(byName.replays[0]?.userEmail).toBe('grace.hopper@navy.example');
    const byEmail = await search(server(), 'GRACE.HOPPER@navy');
    expect(byEmail.replays.map((replay) => replay.id)).toEqual([replayId]);
  });
});

describe('/groups/', () => {
  const server = useTestServer({ now: () => now });

  async function groupOf(groupId: string) {
    const row = await server()
      .context.metadata.connection.db.selectFrom('group_profiles')
      .selectAll()
      .where('group_key', '=', 'company')
      .where('group_id', '=', groupId)
      .executeTakeFirst();
    return row ? readJsonObject(row.properties) : undefined;
  }

  it('applies group operations', async () => {
    const groupId = randomUUID();
    const base = { $token: token, $group_key: 'company', $group_id: groupId };
    const response = await post(server(), '/groups/', [
      { ...base, $set: { name: 'Acme', seats: 5 } },
      { ...base, $set_once: { name: 'Other', plan: 'pro' } },
      { ...base, $unset: ['seats'] },
    ]);
    expect(await response.json()).toEqual({ status: 1, error: null });
    expect(await groupOf(groupId)).toEqual({ name: 'Acme', plan: 'pro' });
  });

  it('$delete removes the group', async () => {
    const groupId = randomUUID();
    const base = { $token: token, $group_key: 'company', $group_id: groupId };
    await post(server(), '/groups/', { ...base, $set: { name: 'Acme' } });
    await post(server(), '/groups/', { ...base, $delete: '' });
    expect(await groupOf(groupId)).toBeUndefined();
  });

  it('rejects a missing group key', async () => {
    const response = await post(server(), '/groups/', { $token: token, $group_id: 'g' });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: string }).error).toContain('$group_key');
  });
});
