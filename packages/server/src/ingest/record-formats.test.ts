import { randomUUID } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { expect, it } from 'vitest';
import type { ChunkList, ReplaySummary } from '@reprise/protocol';
import {
  describeEachDatabase,
  postRecord,
  recordRequest,
  useTestServer,
  type RecordUpload,
} from '../test-support/record.js';
import { firstBatch } from '../test-support/rrweb.js';
import type { TestServer } from '../test-support/server.js';

const t0 = Date.UTC(2030, 0, 15, 12);

async function storedEvents(server: TestServer, replayId: string): Promise<unknown> {
  const response = await server.api(`/api/replays/${replayId}/events`);
  expect(response.status).toBe(200);
  return JSON.parse(await response.text());
}

async function chunkList(server: TestServer, replayId: string): Promise<ChunkList> {
  const response = await server.api(`/api/replays/${replayId}/chunks`);
  expect(response.status).toBe(200);
  return (await response.json()) as ChunkList;
}

async function expectAccepted(response: Response, replayId: string, events: number) {
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toMatch(/^application\/json/);
  expect(await response.json()).toEqual({
    status: 1,
    error: null,
    replay_id: replayId,
    seq: 0,
    events,
  });
}

describeEachDatabase('record body formats', (database) => {
  const server = useTestServer({ database, now: () => t0 });

  it('stores a gzip body as received', async () => {
    const replayId = randomUUID();
    const events = firstBatch(t0);
    await expectAccepted(await postRecord(server(), { replayId, seq: 0, events }), replayId, 4);

    const { chunks } = await chunkList(server(), replayId);
    expect(chunks).toHaveLength(1);
    expect(chunks[0]!.encoding).toBe('gzip');
    expect(chunks[0]!.hasFullSnapshot).toBe(true);
    expect(chunks[0]!.eventCount).toBe(4);
    expect(await storedEvents(server(), replayId)).toEqual(events);
  });

  it('stores a plain body', async () => {
    const replayId = randomUUID();
    const events = firstBatch(t0);
    const upload: RecordUpload = { replayId, seq: 0, events, format: 'body' };
    await expectAccepted(await postRecord(server(), upload), replayId, 4);

    const { chunks } = await chunkList(server(), replayId);
    expect(chunks[0]!.encoding).toBe('identity');
    expect(await storedEvents(server(), replayId)).toEqual(events);
  });

  it('stores a form body with JSON data', async () => {
    const replayId = randomUUID();
    const events = firstBatch(t0);
    const body = new URLSearchParams({ data: JSON.stringify(events) }).toString();
    const upload: RecordUpload = {
      replayId,
      seq: 0,
      body,
      format: null,
      contentType: 'application/x-www-form-urlencoded',
    };
    await expectAccepted(await postRecord(server(), upload), replayId, 4);

    expect(await storedEvents(server(), replayId)).toEqual(events);
    const chunk = await server().api(`/api/replays/${replayId}/chunks/0`);
    expect(await chunk.json()).toEqual(events);
  });

  it('stores a form body with base64 data', async () => {
    const replayId = randomUUID();
    const events = firstBatch(t0);
    const data = Buffer.from(JSON.stringify(events)).toString('base64');
    const upload: RecordUpload = {
      replayId,
      seq: 0,
      body: new URLSearchParams({ data }).toString(),
      format: null,
      contentType: 'application/x-www-form-urlencoded',
    };
    await expectAccepted(await postRecord(server(), upload), replayId, 4);
    expect(await storedEvents(server(), replayId)).toEqual(events);
  });

  it('stores the older JSON body form', async () => {
    // mixpanel-browser 2.50 to 2.52 sent the upload parameters inside a JSON body.
    const replayId = randomUUID();
    const events = firstBatch(t0);
    const body = JSON.stringify({
      distinct_id: 'legacy-user',
      $device_id: 'legacy-device',
      events,
      seq: 0,
      replay_id: replayId,
      batch_start_time: t0 / 1000,
      replay_start_time: t0 / 1000,
      replay_length_ms: 250,
    });
    const response = await server().request('/record/', {
      method: 'POST',
      headers: { Authorization: server().recordAuthorization, 'Content-Type': 'application/json' },
      body,
    });
    await expectAccepted(response, replayId, 4);

    const replay = (await (await server().api(`/api/replays/${replayId}`)).json()) as ReplaySummary;
    expect(replay.distinctId).toBe('legacy-user');
    expect(replay.deviceId).toBe('legacy-device');
    expect(await storedEvents(server(), replayId)).toEqual(events);
  });
});

describeEachDatabase('record content types', (database) => {
  const server = useTestServer({ database, now: () => t0 });

  it.each([
    ['application/octet-stream'],
    ['application/json'],
    ['text/plain;charset=UTF-8'],
    ['application/x-www-form-urlencoded'],
    [null],
  ])('reads a gzip body sent as %s', async (contentType) => {
    const replayId = randomUUID();
    const events = firstBatch(t0);
    await expectAccepted(
      await postRecord(server(), { replayId, seq: 0, events, contentType }),
      replayId,
      4,
    );
    expect(await storedEvents(server(), replayId)).toEqual(events);
  });

  it.each([['application/json'], ['text/plain'], [null]])(
    'reads a plain body sent as %s',
    async (contentType) => {
      const replayId = randomUUID();
      const events = firstBatch(t0);
      const upload: RecordUpload = { replayId, seq: 0, events, format: 'body', contentType };
      await expectAccepted(await postRecord(server(), upload), replayId, 4);
      expect(await storedEvents(server(), replayId)).toEqual(events);
    },
  );

  it('reads the replay facts', async () => {
    const replayId = randomUUID();
    const upload: RecordUpload = {
      replayId,
      seq: 0,
      events: firstBatch(t0),
      query: { $user_id: 'user-9', distinct_id: 'user-9' },
      headers: {
        'User-Agent':
          'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36',
      },
    };
    expect((await postRecord(server(), upload)).status).toBe(200);

    const replay = (await (await server().api(`/api/replays/${replayId}`)).json()) as ReplaySummary;
    expect(replay.startedAt).toBe(t0);
    expect(replay.endedAt).toBe(t0 + 200);
    expect(replay.durationMs).toBe(200);
    expect(replay.clickCount).toBe(1);
    expect(replay.firstUrl).toBe('https://shop.example/');
    expect(replay.userId).toBe('user-9');
    expect(replay.deviceId).toBe('device-1');
    expect(replay.browser).toBe('Chrome');
    expect(replay.os).toBe('Linux');
    expect(replay.expiresOn).toBe('2030-02-14');
  });
  it.each([
    ['gzip', 3000, 200],
    ['gzip', 5000, 400],
    ['body', 5000, 400],
  ] as const)('%s body nested %i levels gives %i', async (format, levels, status) => {
    const replayId = randomUUID();
    // Built as text: JSON.stringify itself overflows the stack on such nesting.
    const pairs = levels / 2;
    const deep = '{"childNodes":['.repeat(pairs) + '{"type":3,"id":1}' + ']}'.repeat(pairs);
    const head = JSON.stringify(firstBatch(t0)).slice(0, -1);
    const json = `${head},{"type":5,"timestamp":${t0 + 10},"data":{"payload":${deep}}}]`;
    const body = format === 'gzip' ? gzipSync(json) : json;
    const response = await postRecord(server(), { replayId, seq: 0, body, format });

    expect(response.status).toBe(status);
    if (status === 400) {
      const body = (await response.json()) as { field: string; limit: number };
      expect(body.field).toBe('events');
      expect(body.limit).toBe(4000);
      expect((await server().api(`/api/replays/${replayId}/chunks`)).status).toBe(404);
    }
  });
  it.each([
    ['rpt_test_token', 200],
    ['rpt_wrong_token', 401],
  ])('token parameter %s gives %i', async (token, status) => {
    const replayId = randomUUID();
    const { path, body } = recordRequest({ replayId, seq: 0, events: firstBatch(t0) });
    const response = await server().request(`${path}&token=${token}`, {
      method: 'POST',
      headers: { 'Content-Type': 'text/plain' },
      body: new Uint8Array(body),
    });
    expect(response.status).toBe(status);
  });
});
