import { randomUUID } from 'node:crypto';
import { expect, it } from 'vitest';
import { readJsonObject } from '../store/metadata/json.js';
import { describeEachDatabase, useTestServer } from '../test-support/record.js';
import type { TestServer } from '../test-support/server.js';

// Fields that mixpanel-browser 2.83.0 adds to its requests, which Reprise accepts without
// storing anything derived from them.
const now = Date.UTC(2030, 0, 15, 12);
const clientAddress = '203.0.113.7';

/** Sends items the way mixpanel-browser 2.83.0 does: `data=<base64>` and its query fields. */
function postLikeMixpanel(server: TestServer, path: '/track/' | '/engage/', items: unknown[]) {
  const data = Buffer.from(JSON.stringify(items)).toString('base64');
  const query = new URLSearchParams({ verbose: '1', ip: '1', _: String(now) });
  return server.request(`${path}?${query}`, {
    method: 'POST',
    headers: {
      'Content-Type': 'application/x-www-form-urlencoded',
      'X-Forwarded-For': clientAddress,
    },
    body: `data=${encodeURIComponent(data)}`,
  });
}

describeEachDatabase('mixpanel-browser fields', (database) => {
  const server = useTestServer({ database, now: () => now });

  it('ip=1 adds nothing to an event', async () => {
    const properties = {
      token: server().token,
      distinct_id: `$device:${randomUUID()}`,
      time: now / 1000 - 1,
      $insert_id: randomUUID(),
      mp_lib: 'web',
      $lib_version: '2.83.0',
      mp_sent_by_lib_version: '2.83.0',
    };
    const response = await postLikeMixpanel(server(), '/track/', [{ event: 'Viewed', properties }]);
    expect(await response.json()).toEqual({ status: 1, error: null });

    const row = await server()
      .context.metadata.connection.db.selectFrom('events')
      .selectAll()
      .where('insert_id', '=', properties.$insert_id)
      .executeTakeFirstOrThrow();
    expect(readJsonObject(row.properties)).toEqual(properties);
    expect(JSON.stringify(row)).not.toContain(clientAddress);
  });

  it('ip=1 adds nothing to a profile', async () => {
    const user = `user-${randomUUID()}`;
    const update = {
      $token: server().token,
      $distinct_id: user,
      $device_id: randomUUID(),
      $user_id: user,
      $had_persisted_distinct_id: true,
      $set: { $browser: 'Chrome', $os: 'Linux', plan: 'team' },
    };
    const response = await postLikeMixpanel(server(), '/engage/', [update]);
    expect(await response.json()).toEqual({ status: 1, error: null });

    const row = await server().context.metadata.analytics.getProfile('default', user);
    expect(readJsonObject(row!.properties)).toEqual(update.$set);
    expect(JSON.stringify(row)).not.toContain(clientAddress);
  });

  it('accepts an api_host with a trailing slash', async () => {
    const origin = 'https://shop.example';
    const preflight = await server().request('//record/', {
      method: 'OPTIONS',
      headers: {
        Origin: origin,
        'Access-Control-Request-Method': 'POST',
        'Access-Control-Request-Headers': 'authorization,content-type',
      },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe(origin);

    const event = { event: 'Slash', properties: { token: server().token, distinct_id: 'u-slash' } };
    const data = Buffer.from(JSON.stringify(event)).toString('base64');
    const response = await server().request('//track/?verbose=1', {
      method: 'POST',
      headers: { Origin: origin, 'Content-Type': 'application/x-www-form-urlencoded' },
      body: `data=${encodeURIComponent(data)}`,
    });
    expect(await response.json()).toEqual({ status: 1, error: null });
    expect(response.headers.get('access-control-allow-origin')).toBe(origin);
  });
});
