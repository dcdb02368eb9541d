import { randomUUID } from 'node:crypto';
import type { AnalyticsEventPage, ReplayPage, UserPage, UserProfile } from '@reprise/protocol';
import { beforeAll, expect, it } from 'vitest';
import { postAnalytics } from '../test-support/analytics.js';
import {
  describeEachDatabase,
  expectErrorResponse,
  postRecord,
  useTestServer,
} from '../test-support/record.js';
import { firstBatch } from '../test-support/rrweb.js';
import type { TestServer } from '../test-support/server.js';

const t0 = Date.UTC(2030, 0, 15, 12);
const minuteMs = 60_000;
const ada = 'ada@example.com';

function track(name: string, atMs: number, properties: Record<string, unknown>) {
  return {
    event: name,
    properties: {
      token: 'rpt_test_token',
      time: atMs / 1000,
      $insert_id: randomUUID(),
      ...properties,
    },
  };
}

const beforeLogin = { distinct_id: '$device:dev-ada', $device_id: 'dev-ada' };
const afterLogin = { distinct_id: ada, $device_id: 'dev-ada', $user_id: ada };

async function getJson<T>(server: TestServer, path: string): Promise<T> {
  const response = await server.api(path);
  expect(response.status, path).toBe(200);
  return (await response.json()) as T;
}

describeEachDatabase('user API', (database) => {
  const server = useTestServer({ database, now: () => t0 });
  const replayBefore = randomUUID();
  const replayAfter = randomUUID();

  beforeAll(async () => {
    const record = async (replayId: string, startMs: number, query: Record<string, string>) => {
      const response = await postRecord(server(), {
        replayId,
        seq: 0,
        events: firstBatch(startMs),
        query,
      });
      expect(response.status).toBe(200);
    };
    await record(replayBefore, t0 - 10 * minuteMs, beforeLogin);
    await record(replayAfter, t0 - 5 * minuteMs, afterLogin);

    const events = [
      track('Page Viewed', t0 - 10 * minuteMs, beforeLogin),
      track('Product Viewed', t0 - 9 * minuteMs, { ...beforeLogin, $mp_replay_id: replayBefore }),
      track('$identify', t0 - 8 * minuteMs, {
        ...afterLogin,
        $anon_distinct_id: '$device:dev-ada',
      }),
      track('Sign Up Completed', t0 - 7 * minuteMs, afterLogin),
      track('Page Viewed', t0 - minuteMs, {
        distinct_id: 'bob',
        $device_id: 'dev-bob',
        $user_id: 'bob',
      }),
      track('Page Viewed', t0 - 30 * minuteMs, {
        distinct_id: '$device:dev-zed',
        $device_id: 'dev-zed',
      }),
    ];
    expect((await postAnalytics(server(), '/track/', events)).status).toBe(200);
    const profiles = [
      {
        $token: 'rpt_test_token',
        $distinct_id: ada,
        $set: { $name: 'Ada Lovelace', $email: ada, plan: 'pro' },
      },
      { $token: 'rpt_test_token', $distinct_id: 'bob', $set: { $name: 'Bob Stone' } },
    ];
    expect((await postAnalytics(server(), '/engage/', profiles)).status).toBe(200);
  });

  it('lists users by last seen', async () => {
    const page = await getJson<UserPage>(server(), '/api/users');
    expect(page.users.map((user) => user.id)).toEqual(['bob', ada, '$device:dev-zed']);
    expect(page.nextCursor).toBeNull();
  });

  it('counts events before login', async () => {
    const page = await getJson<UserPage>(server(), '/api/users');
    const user = page.users.find((item) => item.id === ada);
    expect(user).toEqual({
      id: ada,
      name: 'Ada Lovelace',
      email: ada,
      firstSeenAt: t0 - 10 * minuteMs,
      lastSeenAt: t0 - 7 * minuteMs,
      eventCount: 4,
      replayCount: 2,
    });
  });

  it('pages with a cursor', async () => {
    const first = await getJson<UserPage>(server(), '/api/users?limit=1');
    expect(first.users.map((user) => user.id)).toEqual(['bob']);
    expect(first.nextCursor).not.toBeNull();
    const second = await getJson<UserPage>(
      server(),
      `/api/users?limit=1&cursor=${first.nextCursor}`,
    );
    expect(second.users.map((user) => user.id)).toEqual([ada]);
  });

  it('searches names, emails and ids', async () => {
    const search = async (q: string) => {
      const page = await getJson<UserPage>(server(), `/api/users?${new URLSearchParams({ q })}`);
      return page.users.map((user) => user.id);
    };
    expect(await search('lovelace')).toEqual([ada]);
    expect(await search('ADA@EXAMPLE')).toEqual([ada]);
    expect(await search('$device:dev-ada')).toEqual([ada]);
    expect(await search('dev-ada')).toEqual([ada]);
    expect(await search('$device:dev-zed')).toEqual(['$device:dev-zed']);
    expect(await search('nobody')).toEqual([]);
  });

  it('blank search lists every user', async () => {
    const all = await getJson<UserPage>(server(), '/api/users');
    for (const q of ['', '  ', '\t\n']) {
      const page = await getJson<UserPage>(server(), `/api/users?${new URLSearchParams({ q })}`);
      expect(page.users.map((user) => user.id)).toEqual(all.users.map((user) => user.id));
    }
  });

  it.each(['\u0000', 'ada\u0000', '\u007f'])('rejects search %j', async (q) => {
    const response = await server().api(`/api/users?${new URLSearchParams({ q })}`);
    const error = await expectErrorResponse(response, 400, { field: 'q' });
    expect(error.error).toContain('must not contain control characters');
  });

  it('profile of a device id is its user', async () => {
    const profile = await getJson<UserProfile>(
      server(),
      `/api/users/${encodeURIComponent('$device:dev-ada')}`,
    );
    expect(profile.id).toBe(ada);
    expect(profile.properties).toEqual({ $name: 'Ada Lovelace', $email: ada, plan: 'pro' });
    expect(profile.deviceIds).toEqual(['dev-ada']);
    expect(profile.sessionCount).toBe(1);
  });

  it('pages events newest first', async () => {
    const path = `/api/users/${encodeURIComponent(ada)}/events`;
    const first = await getJson<AnalyticsEventPage>(server(), `${path}?limit=3`);
    expect(first.events.map((event) => event.name)).toEqual([
      'Sign Up Completed',
      '$identify',
      'Product Viewed',
    ]);
    const second = await getJson<AnalyticsEventPage>(
      server(),
      `${path}?limit=3&cursor=${first.nextCursor}`,
    );
    expect(second.events.map((event) => event.name)).toEqual(['Page Viewed']);
    expect(second.nextCursor).toBeNull();
  });

  it('lists replays before and after login', async () => {
    const page = await getJson<ReplayPage>(
      server(),
      `/api/users/${encodeURIComponent(ada)}/replays`,
    );
    expect(page.replays.map((replay) => replay.id)).toEqual([replayAfter, replayBefore]);
    expect(page.replays.map((replay) => replay.analyticsEventCount)).toEqual([0, 1]);
    expect(page.replays[1]!.userName).toBe('Ada Lovelace');
  });

  it('feed counts linked events', async () => {
    const page = await getJson<ReplayPage>(server(), '/api/replays');
    const counts = Object.fromEntries(
      page.replays.map((replay) => [replay.id, replay.analyticsEventCount]),
    );
    expect(counts).toEqual({ [replayBefore]: 1, [replayAfter]: 0 });
  });

  it('feed search finds replays before login', async () => {
    const byEmail = await getJson<ReplayPage>(
      server(),
      `/api/replays?q=${encodeURIComponent(ada)}`,
    );
    expect(byEmail.replays.map((replay) => replay.id)).toEqual([replayAfter, replayBefore]);
    const byName = await getJson<ReplayPage>(server(), '/api/replays?q=lovelace');
    expect(byName.replays.map((replay) => replay.id)).toEqual([replayAfter, replayBefore]);
  });

  it('unknown user is 404', async () => {
    await expectErrorResponse(await server().api('/api/users/nobody'), 404, { code: 'not_found' });
  });

  it('reads a user id of maximum length', async () => {
    // 255 characters of 3 UTF-8 bytes each, so 2,295 characters in the URL.
    const longId = '€'.repeat(255);
    const event = track('Page Viewed', t0 - 2 * minuteMs, {
      distinct_id: longId,
      $user_id: longId,
    });
    expect((await postAnalytics(server(), '/track/', [event])).status).toBe(200);
    const path = `/api/users/${encodeURIComponent(longId)}`;
    const profile = await getJson<UserProfile>(server(), path);
    expect(profile.id).toBe(longId);
    const events = await getJson<AnalyticsEventPage>(server(), `${path}/events`);
    expect(events.events).toHaveLength(1);
    const tooLong = encodeURIComponent(`${longId}€`);
    await expectErrorResponse(await server().api(`/api/users/${tooLong}`), 400, {
      field: 'id',
    });
  });

  it('rejects an invalid cursor', async () => {
    await expectErrorResponse(await server().api('/api/users?cursor=nope'), 400, {
      field: 'cursor',
    });
  });

  it('needs credentials', async () => {
    await expectErrorResponse(await server().request('/api/users'), 401);
  });
});
