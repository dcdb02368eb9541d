import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { AnalyticsEventPage, ErrorBody, ReplayPage, UserProfile } from '@reprise/protocol';
import { readJsonObject } from '../store/metadata/json.js';
import { describeEachDatabase, postRecord, useTestServer } from '../test-support/record.js';
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

describeEachDatabase('/engage/ unknown operations', (database) => {
  const server = useTestServer({ database, now: () => now });

  /** Creates a profile with `{plan: 'free'}` and returns its distinct id. */
  async function storedUser(): Promise<string> {
    const user = randomUUID();
    const response = await post(server(), '/engage/', {
      $token: token,
      $distinct_id: user,
      $set: { plan: 'free' },
    });
    expect(response.status).toBe(200);
    return user;
  }

  it.each([
    ['a misspelled operation', { $sett: { plan: 'pro' } }, '$sett'],
    ['an operation without $', { set: { plan: 'pro' } }, 'set'],
    ['an unsupported operation', { $prepend: { tags: 'a' } }, '$prepend'],
  ])('rejects %s', async (_case, operation, field) => {
    const user = await storedUser();
    const update = { $token: token, $distinct_id: user, ...operation };
    const response = await post(server(), '/engage/', update);

    expect(response.status).toBe(400);
    const body = (await response.json()) as ErrorBody;
    expect(body.status).toBe(0);
    expect(body.code).toBe('invalid_data');
    expect(body.field).toBe(field);
    expect(body.error).toContain(`${field}: unknown operation`);
    expect(body.error).toContain('$set_once');
    expect(await profileOf(server(), user)).toEqual({ plan: 'free' });
  });

  it('rejects an update without operation', async () => {
    const user = await storedUser();
    const response = await post(server(), '/engage/', { $token: token, $distinct_id: user });

    expect(response.status).toBe(400);
    const body = (await response.json()) as ErrorBody;
    expect(body.field).toBe('data');
    expect(body.error).toContain('has no operation');
    expect(await profileOf(server(), user)).toEqual({ plan: 'free' });
  });

  it('replies 0 without verbose', async () => {
    const user = await storedUser();
    const update = { $token: token, $distinct_id: user, $sett: { plan: 'pro' } };
    const response = await post(server(), '/engage/', update, false);
    expect(response.status).toBe(400);
    expect(await response.text()).toBe('0');
  });

  it('applies known operations beside unknown', async () => {
    const user = await storedUser();
    const response = await post(server(), '/engage/', {
      $token: token,
      $distinct_id: user,
      $set: { plan: 'pro' },
      $add: { visits: 2 },
      $increment: { visits: 5 },
    });

    expect(response.status).toBe(400);
    const body = (await response.json()) as ErrorBody;
    expect(body.field).toBe('$increment');
    expect(body.error).toContain('$increment: unknown operation, not applied');
    expect(body.error).toContain('the other operations of this update were applied');
    expect(await profileOf(server(), user)).toEqual({ plan: 'pro', visits: 2 });
  });

  it('applies the valid updates of a batch', async () => {
    const user = await storedUser();
    const base = { $token: token, $distinct_id: user };
    const response = await post(server(), '/engage/', [
      { ...base, $bogus: { plan: 'pro' } },
      { ...base, $set: { seats: 3 } },
    ]);

    expect(response.status).toBe(400);
    const body = (await response.json()) as ErrorBody;
    expect(body.field).toBe('$bogus');
    expect(body.error).toContain('1 of 2 profile updates were not stored (the other 1 were)');
    expect(body.error).toContain('profile update 0: $bogus: unknown operation');
    expect(await profileOf(server(), user)).toEqual({ plan: 'free', seats: 3 });
  });

  it('accepts fields mixpanel-browser sends', async () => {
    const user = await storedUser();
    const response = await post(server(), '/engage/', {
      $token: token,
      $distinct_id: user,
      $device_id: randomUUID(),
      $user_id: user,
      $had_persisted_distinct_id: true,
      $time: now,
      $ip: '127.0.0.1',
      $ignore_time: true,
      $set_once: { first: 'yes' },
    });
    expect(await response.json()).toEqual({ status: 1, error: null });
    expect(await profileOf(server(), user)).toEqual({ plan: 'free', first: 'yes' });
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

  it('rejects an unknown operation', async () => {
    const groupId = randomUUID();
    const base = { $token: token, $group_key: 'company', $group_id: groupId };
    await post(server(), '/groups/', { ...base, $set: { name: 'Acme' } });
    const response = await post(server(), '/groups/', { ...base, $sett: { name: 'Other' } });

    expect(response.status).toBe(400);
    const body = (await response.json()) as ErrorBody;
    expect(body.field).toBe('$sett');
    expect(body.error).toContain('$sett: unknown operation');
    expect(await groupOf(groupId)).toEqual({ name: 'Acme' });
  });

  it('applies known group operations beside unknown', async () => {
    const groupId = randomUUID();
    const base = { $token: token, $group_key: 'company', $group_id: groupId };
    const response = await post(server(), '/groups/', {
      ...base,
      $set: { name: 'Acme' },
      $sett: { name: 'Other' },
    });

    expect(response.status).toBe(400);
    expect(((await response.json()) as ErrorBody).field).toBe('$sett');
    expect(await groupOf(groupId)).toEqual({ name: 'Acme' });
  });

  it('rejects a missing group key', async () => {
    const response = await post(server(), '/groups/', { $token: token, $group_id: 'g' });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: string }).error).toContain('$group_key');
  });
});

describeEachDatabase('/engage/ ids and text', (database) => {
  const server = useTestServer({ database, now: () => now });

  it('rejects an update without $distinct_id', async () => {
    const response = await post(server(), '/engage/', { $token: token, $set: { plan: 'pro' } });
    expect(response.status).toBe(400);
    const body = (await response.json()) as ErrorBody;
    expect(body.field).toBe('$distinct_id');
    expect(body.error).toContain('$distinct_id: is required');
  });

  it('rejects an id with a lone surrogate', async () => {
    const update = { $token: token, $distinct_id: 's\ud800x', $set: { plan: 'pro' } };
    const response = await post(server(), '/engage/', update);

    expect(response.status).toBe(400);
    const body = (await response.json()) as ErrorBody;
    expect(body.field).toBe('$distinct_id');
    expect(body.error).toContain('U+D800');
  });

  it('stores lone surrogates as U+FFFD', async () => {
    const user = randomUUID();
    const update = { $token: token, $distinct_id: user, $set: { $name: 'bad\udc00name' } };
    expect((await post(server(), '/engage/', update)).status).toBe(200);
    const event = {
      event: 'Opened \ud800',
      properties: { token, distinct_id: user, time: now / 1000, note: 'x\udfff' },
    };
    expect((await post(server(), '/track/', event)).status).toBe(200);

    const response = await server().api(`/api/users/${user}`);
    expect(response.status).toBe(200);
    const profile = (await response.json()) as UserProfile;
    expect(profile.name).toBe('bad\ufffdname');
    expect(profile.properties.$name).toBe('bad\ufffdname');
    const events = await server().api(`/api/users/${user}/events`);
    const page = (await events.json()) as AnalyticsEventPage;
    expect(page.events.map((stored) => stored.name)).toEqual(['Opened \ufffd']);
  });
});
