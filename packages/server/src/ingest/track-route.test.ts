import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { ErrorBody } from '@reprise/protocol';
import { useTestServer } from '../test-support/record.js';
import type { TestServer } from '../test-support/server.js';

const now = Date.UTC(2030, 0, 15, 12);
/** Event times in Unix seconds, a minute before the server's clock. */
const recentSeconds = now / 1000 - 60;
const maxEventsPerRequest = 5;

function trackedEvent(properties: Record<string, unknown> = {}, name = 'Sign Up') {
  return {
    event: name,
    properties: {
      token: 'rpt_test_token',
      distinct_id: 'user-1',
      time: recentSeconds + 0.5,
      $insert_id: randomUUID(),
      ...properties,
    },
  };
}

function base64(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64');
}

function form(data: string, extra: Record<string, string> = {}): string {
  return new URLSearchParams({ data, ...extra }).toString();
}

function postForm(server: TestServer, path: string, body: string, contentType?: string) {
  return server.request(path, {
    method: 'POST',
    headers: { 'Content-Type': contentType ?? 'application/x-www-form-urlencoded' },
    body,
  });
}

async function storedEvents(server: TestServer, insertIds: string[]) {
  return server.context.metadata.connection.db
    .selectFrom('events')
    .selectAll()
    .where('insert_id', 'in', insertIds)
    .orderBy('insert_id')
    .execute();
}

async function countEvents(server: TestServer, name: string): Promise<number> {
  const rows = await server.context.metadata.connection.db
    .selectFrom('events')
    .select('insert_id')
    .where('name', '=', name)
    .execute();
  return rows.length;
}

describe('/track/', () => {
  const server = useTestServer({ settings: { maxEventsPerRequest }, now: () => now });

  it('stores the valid events of a mixed batch', async () => {
    const good = [trackedEvent(), trackedEvent()];
    const bad = { event: '', properties: { token: 'rpt_test_token' } };
    const response = await postForm(
      server(),
      '/track/?verbose=1',
      form(base64([good[0], bad, good[1]])),
    );
    expect(response.status).toBe(400);
    const body = (await response.json()) as { status: number; error: string };
    expect(body.status).toBe(0);
    expect(body.error).toContain('1 of 3 events were not stored (the other 2 were)');
    expect(body.error).toContain('event 1: event');
    const ids = good.map((event) => event.properties.$insert_id);
    expect((await storedEvents(server(), ids)).length).toBe(2);
  });

  it('rejects deep nesting and keeps the rest', async () => {
    // Built as text: serializing 5,000 levels would overflow the test's own stack.
    const deep = `${'['.repeat(5000)}"leaf"${']'.repeat(5000)}`;
    const good = trackedEvent();
    const hostile = JSON.stringify(trackedEvent({ nested: 'DEEP' })).replace('"DEEP"', deep);
    const data = Buffer.from(`[${JSON.stringify(good)},${hostile}]`).toString('base64');
    const response = await postForm(server(), '/track/?verbose=1', form(data));
    expect(response.status).toBe(400);
    const body = (await response.json()) as { error: string };
    expect(body.error).toContain('event 1: nested deeper than 32 levels');
    expect((await storedEvents(server(), [good.properties.$insert_id])).length).toBe(1);
  });

  it('rejects a batch of unknown tokens with 401', async () => {
    const event = trackedEvent({ token: 'rpt_unknown' });
    const response = await postForm(server(), '/track/?verbose=1', form(base64([event])));
    expect(response.status).toBe(401);
    expect((await storedEvents(server(), [event.properties.$insert_id])).length).toBe(0);
  });

  it('stores base64 data from a form', async () => {
    const event = trackedEvent({ plan: 'pro' });
    const response = await postForm(server(), '/track/', form(base64(event)));
    expect(response.status).toBe(200);
    expect(await response.text()).toBe('1');

    const [row] = await storedEvents(server(), [event.properties.$insert_id]);
    expect(row?.name).toBe('Sign Up');
    expect(row?.distinct_id).toBe('user-1');
    expect(row?.project_id).toBe('default');
    expect(row?.received_at).toBe(now);
  });

  it('stores a JSON array from a form', async () => {
    const events = [trackedEvent(), trackedEvent()];
    const response = await postForm(server(), '/track/', form(JSON.stringify(events)));
    expect(response.status).toBe(200);
    const ids = events.map((event) => event.properties.$insert_id);
    expect(await storedEvents(server(), ids)).toHaveLength(2);
  });

  it('stores a sendBeacon text body', async () => {
    const event = trackedEvent();
    const body = form(base64([event]));
    const response = await postForm(server(), '/track/', body, 'text/plain;charset=UTF-8');
    expect(response.status).toBe(200);
    expect(await storedEvents(server(), [event.properties.$insert_id])).toHaveLength(1);
  });

  it('stores a JSON body', async () => {
    const event = trackedEvent();
    const response = await postForm(
      server(),
      '/track/',
      JSON.stringify([event]),
      'application/json',
    );
    expect(response.status).toBe(200);
    expect(await storedEvents(server(), [event.properties.$insert_id])).toHaveLength(1);
  });

  it('stores data from a GET query', async () => {
    const event = trackedEvent();
    const query = new URLSearchParams({ data: base64(event), ip: '1' });
    const response = await server().request(`/track/?${query}`);
    expect(response.status).toBe(200);
    expect(await response.text()).toBe('1');
    expect(await storedEvents(server(), [event.properties.$insert_id])).toHaveLength(1);
  });

  it('replies verbosely from the query', async () => {
    const response = await postForm(server(), '/track/?verbose=1', form(base64(trackedEvent())));
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 1, error: null });
  });

  it('replies verbosely from the form', async () => {
    const body = form(base64(trackedEvent()), { verbose: '1' });
    const response = await postForm(server(), '/track/', body);
    expect(await response.json()).toEqual({ status: 1, error: null });
  });

  it('reports a verbose error as JSON', async () => {
    const response = await postForm(server(), '/track/?verbose=1', form(base64({ event: 'x' })));
    expect(response.status).toBe(400);
    const body = (await response.json()) as { status: number; error: string };
    expect(body.status).toBe(0);
    expect(body.error).toContain('properties');
  });

  it('reports an error as 0', async () => {
    const response = await postForm(server(), '/track/', form('not base64 of json!'));
    expect(response.status).toBe(400);
    expect(await response.text()).toBe('0');
  });

  it('rejects a request without data', async () => {
    const response = await postForm(server(), '/track/?verbose=1', 'ip=1');
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ status: 0, code: 'missing_data' });
  });

  it('rejects an unknown token', async () => {
    const event = trackedEvent({ token: 'rpt_unknown' });
    const response = await postForm(server(), '/track/?verbose=1', form(base64(event)));
    expect(response.status).toBe(401);
    expect(await response.json()).toMatchObject({ status: 0, code: 'unauthorized' });
    expect(await storedEvents(server(), [event.properties.$insert_id])).toHaveLength(0);
  });

  it('rejects too many events', async () => {
    const events = Array.from({ length: maxEventsPerRequest + 1 }, () => trackedEvent());
    const response = await postForm(server(), '/track/?verbose=1', form(base64(events)));
    expect(response.status).toBe(413);
    const body = (await response.json()) as { status: number; error: string };
    expect(body.status).toBe(0);
    expect(body.error).toContain(String(maxEventsPerRequest));
    const ids = events.map((event) => event.properties.$insert_id);
    expect(await storedEvents(server(), ids)).toHaveLength(0);
  });

  it('deduplicates on $insert_id', async () => {
    const event = trackedEvent({}, 'Dedup by id');
    await postForm(server(), '/track/', form(base64(event)));
    const retry = { ...event, properties: { ...event.properties, time: recentSeconds + 999 } };
    const response = await postForm(server(), '/track/', form(base64(retry)));
    expect(response.status).toBe(200);
    expect(await countEvents(server(), 'Dedup by id')).toBe(1);
  });

  it('deduplicates events without $insert_id', async () => {
    const event = trackedEvent({ $insert_id: undefined }, 'Dedup by content');
    await postForm(server(), '/track/', form(base64(event)));
    await postForm(server(), '/track/', form(base64(event)));
    expect(await countEvents(server(), 'Dedup by content')).toBe(1);
  });

  it('keeps distinct events without $insert_id', async () => {
    const first = trackedEvent(
      { $insert_id: undefined, time: recentSeconds + 1 },
      'Two by content',
    );
    const second = trackedEvent(
      { $insert_id: undefined, time: recentSeconds + 2 },
      'Two by content',
    );
    await postForm(server(), '/track/', form(base64([first, second])));
    expect(await countEvents(server(), 'Two by content')).toBe(2);
  });

  it('stores $mp_replay_id as replay id', async () => {
    const replayId = randomUUID();
    const event = trackedEvent({ $mp_replay_id: replayId, $current_url: 'https://shop.example/' });
    await postForm(server(), '/track/', form(base64(event)));
    const [row] = await storedEvents(server(), [event.properties.$insert_id]);
    expect(row?.replay_id).toBe(replayId);
    expect(row?.current_url).toBe('https://shop.example/');
  });

  it('stores time in seconds as ms', async () => {
    const event = trackedEvent({ time: recentSeconds + 0.123 });
    await postForm(server(), '/track/', form(base64(event)));
    const [row] = await storedEvents(server(), [event.properties.$insert_id]);
    expect(row?.time_ms).toBe(now - 60_000 + 123);
  });

  it.each([
    [now / 1000 - 31 * 24 * 60 * 60, 'more than 30 days old', 'maxEventAgeDays'],
    [now / 1000 + 25 * 60 * 60, 'minutes ahead of the server clock', 'maxClockAheadMinutes'],
    [1e15, 'minutes ahead of the server clock', 'maxClockAheadMinutes'],
  ] as const)('rejects event time %d', async (time, message, setting) => {
    const event = trackedEvent({ time });
    const response = await postForm(server(), '/track/?verbose=1', form(base64(event)));
    expect(response.status).toBe(400);
    const body = (await response.json()) as ErrorBody;
    expect(body.error).toContain(message);
    expect(body.field).toBe('properties.time');
    expect(body.limit).toBe(server().context.settings[setting]);
    expect((await storedEvents(server(), [event.properties.$insert_id])).length).toBe(0);
  });

  it.each([
    ['a long name', trackedEvent({}, 'x'.repeat(256)), 'event', 255],
    ['an empty name', trackedEvent({}, ''), 'event', 1],
    [
      'a long $insert_id',
      trackedEvent({ $insert_id: 'x'.repeat(256) }),
      'properties.$insert_id',
      255,
    ],
    ['a negative time', trackedEvent({ time: -1 }), 'properties.time', 0],
    [
      'too many properties',
      trackedEvent(Object.fromEntries(Array.from({ length: 1001 }, (_, i) => [`p${i}`, i]))),
      'properties',
      1000,
    ],
  ])('names field and limit of %s', async (_case, event, field, limit) => {
    const response = await postForm(server(), '/track/?verbose=1', form(base64(event)));
    expect(response.status).toBe(400);
    const body = (await response.json()) as ErrorBody;
    expect(body.status).toBe(0);
    expect(body.code).toBe('invalid_data');
    expect(body.field).toBe(field);
    expect(body.limit).toBe(limit);
    expect(body.error).toContain(field);
    expect(await storedEvents(server(), [event.properties.$insert_id])).toHaveLength(0);
  });

  it.each([
    ['NUL in distinct_id', { distinct_id: 'ctl\u0000b' }, 'properties.distinct_id', 'U+0000'],
    ['bell in $device_id', { $device_id: 'dev\u0007' }, 'properties.$device_id', 'U+0007'],
    ['lone surrogate in $user_id', { $user_id: 's\ud800x' }, 'properties.$user_id', 'U+D800'],
  ])('rejects %s', async (_case, properties, field, character) => {
    const event = trackedEvent(properties);
    const response = await postForm(server(), '/track/?verbose=1', form(base64(event)));
    expect(response.status).toBe(400);
    const body = (await response.json()) as ErrorBody;
    expect(body.field).toBe(field);
    expect(body.error).toContain(character);
    expect(await storedEvents(server(), [event.properties.$insert_id])).toHaveLength(0);
  });

  it.each([
    ['text that is not base64 JSON', 'notjson', 'it starts with "notjson"'],
    ['broken JSON', '{"event":', 'data is not valid JSON'],
  ])('describes %s as sent', async (_case, data, message) => {
    const response = await postForm(server(), '/track/?verbose=1', form(data));
    expect(response.status).toBe(400);
    const body = (await response.json()) as ErrorBody;
    expect(body.field).toBe('data');
    expect(body.error).toContain(message);
  });

  it('names the types an id may have', async () => {
    const event = trackedEvent({ distinct_id: { id: 1 } });
    const response = await postForm(server(), '/track/?verbose=1', form(base64(event)));
    expect(response.status).toBe(400);
    const body = (await response.json()) as ErrorBody;
    expect(body.field).toBe('properties.distinct_id');
    expect(body.error).toContain('properties.distinct_id: must be text or a number');
  });

  it('stores receive time without time', async () => {
    const event = trackedEvent({ time: undefined });
    await postForm(server(), '/track/', form(base64(event)));
    const [row] = await storedEvents(server(), [event.properties.$insert_id]);
    expect(row?.time_ms).toBe(now);
  });

  it('stores a numeric distinct_id as text', async () => {
    const event = trackedEvent({ distinct_id: 12345 });
    const response = await postForm(server(), '/track/?verbose=1', form(base64(event)));
    expect(await response.json()).toEqual({ status: 1, error: null });
    const [row] = await storedEvents(server(), [event.properties.$insert_id]);
    expect(row?.distinct_id).toBe('12345');
  });

  it('records device and user identity', async () => {
    const deviceId = randomUUID();
    const event = trackedEvent({ $device_id: deviceId, $user_id: 'user-77' });
    await postForm(server(), '/track/', form(base64(event)));
    const rows = await server()
      .context.metadata.connection.db.selectFrom('identities')
      .selectAll()
      .where('device_id', '=', deviceId)
      .execute();
    expect(rows.map((row) => row.user_id)).toEqual(['user-77']);
  });

  it('skips identity without user id', async () => {
    const deviceId = randomUUID();
    await postForm(server(), '/track/', form(base64(trackedEvent({ $device_id: deviceId }))));
    const rows = await server()
      .context.metadata.connection.db.selectFrom('identities')
      .selectAll()
      .where('device_id', '=', deviceId)
      .execute();
    expect(rows).toHaveLength(0);
  });
});
