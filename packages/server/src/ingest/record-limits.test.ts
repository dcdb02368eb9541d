import { randomBytes, randomUUID } from 'node:crypto';
import { createGzip, gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import {
  expectErrorResponse,
  postRecord,
  rawRequest,
  recordRequest,
  useTestServer,
} from '../test-support/record.js';
import { firstBatch, mutationEvent } from '../test-support/rrweb.js';

const t0 = Date.UTC(2030, 0, 15, 12);
const mebibyte = 1024 * 1024;
const limits = {
  maxBodyBytes: 2 * mebibyte,
  maxDecompressedBytes: 4 * mebibyte,
  maxEventsPerBatch: 50,
};

/** Gzip of `size` zero bytes, compressed as a stream so the zeros never sit in memory. */
function gzipOfZeros(size: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const gzip = createGzip({ level: 9 });
    const parts: Buffer[] = [];
    gzip.on('data', (part: Buffer) => parts.push(part));
    gzip.on('end', () => resolve(Buffer.concat(parts)));
    gzip.on('error', reject);
    const zeros = Buffer.alloc(mebibyte);
    let written = 0;
    const writeMore = () => {
      while (written < size) {
        written += zeros.length;
        if (!gzip.write(zeros)) return gzip.once('drain', writeMore);
      }
      gzip.end();
    };
    writeMore();
  });
}

describe('record limits', () => {
  const server = useTestServer({ settings: limits, now: () => t0 });

  it('rejects events older than the window', async () => {
    const old = t0 - 31 * 24 * 60 * 60 * 1000;
    const response = await postRecord(server(), {
      replayId: randomUUID(),
      seq: 0,
      events: [...firstBatch(t0), mutationEvent(old)],
    });
    const error = await expectErrorResponse(response, 400, {
      code: 'invalid_event',
      field: 'events.4.timestamp',
    });
    expect(error.error).toContain('more than 30 days old');
    expect(error.error).toContain('REPRISE_MAX_EVENT_AGE_DAYS');
  });

  it('rejects events far in the future', async () => {
    const ahead = t0 + 25 * 60 * 60 * 1000;
    const response = await postRecord(server(), {
      replayId: randomUUID(),
      seq: 0,
      events: [mutationEvent(ahead)],
    });
    const error = await expectErrorResponse(response, 400, { field: 'events.0.timestamp' });
    expect(error.error).toContain('REPRISE_MAX_CLOCK_AHEAD_MINUTES');
  });

  it('accepts events at the window edges', async () => {
    const oldest = t0 - 30 * 24 * 60 * 60 * 1000;
    const newest = t0 + 24 * 60 * 60 * 1000;
    const response = await postRecord(server(), {
      replayId: randomUUID(),
      seq: 0,
      events: [mutationEvent(oldest), mutationEvent(newest)],
    });
    expect(response.status).toBe(200);
  });

  it('accepts a body above 1 MiB', async () => {
    const padding = 'x'.repeat(1.2 * mebibyte);
    const events = [{ ...mutationEvent(t0), padding }];
    const response = await postRecord(server(), {
      replayId: randomUUID(),
      seq: 0,
      events,
      format: 'body',
    });
    expect(response.status).toBe(200);
  });

  it('rejects a body over maxBodyBytes', async () => {
    const body = randomBytes(limits.maxBodyBytes + 1);
    const response = await postRecord(server(), { replayId: randomUUID(), seq: 0, body });
    const error = await expectErrorResponse(response, 413, {
      code: 'payload_too_large',
      field: 'body',
      limit: limits.maxBodyBytes,
    });
    expect(error.error).toContain(String(limits.maxBodyBytes));
  });

  it('rejects a body over maxBodyBytes without length', async () => {
    const { path } = recordRequest({ replayId: randomUUID(), seq: 0, format: 'body' });
    const part = new Uint8Array(256 * 1024);
    let sent = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent > limits.maxBodyBytes) return controller.close();
        sent += part.length;
        controller.enqueue(part);
      },
    });
    const response = await server().request(path, {
      method: 'POST',
      headers: { Authorization: server().recordAuthorization },
      body,
      duplex: 'half',
    } as RequestInit);
    await expectErrorResponse(response, 413, { field: 'body', limit: limits.maxBodyBytes });
  });

  it('rejects a gzip bomb', async () => {
    const bomb = await gzipOfZeros(200 * mebibyte);
    expect(bomb.length).toBeLessThan(limits.maxBodyBytes);

    const before = process.memoryUsage().rss;
    const response = await postRecord(server(), { replayId: randomUUID(), seq: 0, body: bomb });
    const error = await expectErrorResponse(response, 413, {
      code: 'payload_too_large',
      field: 'body',
      limit: limits.maxDecompressedBytes,
    });
    expect(error.error).toContain(String(limits.maxDecompressedBytes));
    expect(process.memoryUsage().rss - before).toBeLessThan(100 * mebibyte);
  });

  it('rejects a plain body over maxDecompressedBytes', async () => {
    const padding = 'x'.repeat(limits.maxDecompressedBytes);
    const body = gzipSync(JSON.stringify([{ ...mutationEvent(t0), padding }]));
    const response = await postRecord(server(), { replayId: randomUUID(), seq: 0, body });
    await expectErrorResponse(response, 413, {
      field: 'body',
      limit: limits.maxDecompressedBytes,
    });
  });

  it('rejects too many events', async () => {
    const events = Array.from({ length: limits.maxEventsPerBatch + 1 }, (_, index) =>
      mutationEvent(t0 + index),
    );
    const response = await postRecord(server(), { replayId: randomUUID(), seq: 0, events });
    const error = await expectErrorResponse(response, 413, {
      code: 'payload_too_large',
      field: 'events',
      limit: limits.maxEventsPerBatch,
    });
    expect(error.error).toContain(String(limits.maxEventsPerBatch));
  });

  it('accepts exactly maxEventsPerBatch events', async () => {
    const events = Array.from({ length: limits.maxEventsPerBatch }, (_, index) =>
      mutationEvent(t0 + index),
    );
    const response = await postRecord(server(), { replayId: randomUUID(), seq: 0, events });
    expect(response.status).toBe(200);
  });
});

describe('record request errors', () => {
  const server = useTestServer({ now: () => t0 });
  const events = firstBatch(t0);

  it.each([
    ['empty body', { body: '' }, 'body', undefined],
    ['empty array', { events: [] }, 'events', undefined],
    ['JSON object', { events: { type: 2 } }, 'body', undefined],
    ['JSON string', { events: 'events' }, 'body', undefined],
    ['events not a list', { events: { events: 5 } }, 'events', undefined],
    ['invalid JSON', { body: gzipSync('[{"type":') }, 'body', undefined],
    ['corrupt gzip', { body: Buffer.from([0x1f, 0x8b, 8, 0, 1, 2, 3, 4, 5]) }, 'body', undefined],
    ['plain body with format=gzip', { body: JSON.stringify(events) }, 'body', undefined],
    [
      'event without timestamp',
      { events: [{ type: 3, data: {} }] },
      'events.0.timestamp',
      undefined,
    ],
    [
      'event of unknown type',
      { events: [{ type: 42, timestamp: t0, data: {} }] },
      'events.0.type',
      8,
    ],
    [
      'event of negative type',
      { events: [{ type: -1, timestamp: t0, data: {} }] },
      'events.0.type',
      0,
    ],
    [
      'event with string data',
      { events: [{ type: 3, timestamp: t0, data: 'x' }] },
      'events.0.data',
      undefined,
    ],
    ['unknown format', { events, format: 'zip' as never }, 'format', undefined],
    ['invalid seq', { events, seq: 'one' }, 'seq', undefined],
    ['negative seq', { events, seq: -1 }, 'seq', 0],
    ['seq over the maximum', { events, seq: 1_000_000_001 }, 'seq', 1_000_000_000],
    ['fractional seq', { events, seq: 1.5 }, 'seq', undefined],
    ['invalid replay_id', { events, replayId: 'no/slashes' }, 'replay_id', undefined],
    ['empty replay_id', { events, replayId: '' }, 'replay_id', undefined],
    ['long distinct_id', { events, query: { distinct_id: 'x'.repeat(256) } }, 'distinct_id', 255],
    [
      'NUL in distinct_id',
      { events, query: { distinct_id: 'a\u0000b' } },
      'distinct_id',
      undefined,
    ],
    ['DEL in $user_id', { events, query: { $user_id: 'a\u007fb' } }, '$user_id', undefined],
  ])('rejects %s with 400', async (_name, upload, field, limit) => {
    const response = await postRecord(server(), { replayId: randomUUID(), seq: 0, ...upload });
    const error = await expectErrorResponse(response, 400, { field });
    expect(error.limit).toBe(limit);
  });

  it('keeps the stored chunk after a rejected retry', async () => {
    const replayId = randomUUID();
    expect((await postRecord(server(), { replayId, seq: 0, events })).status).toBe(200);
    const invalid = [...events, { type: 42, timestamp: t0, data: {} }];
    const retry = await postRecord(server(), { replayId, seq: 0, events: invalid });
    await expectErrorResponse(retry, 400, { field: `events.${events.length}.type`, limit: 8 });

    const chunks = await server().context.metadata.replays.listChunks('default', replayId);
    expect(chunks.map((chunk) => chunk.event_count)).toEqual([events.length]);
  });

  it('names the invalid event field', async () => {
    const bad = [...events, { type: 3, data: {} }];
    const response = await postRecord(server(), { replayId: randomUUID(), seq: 0, events: bad });
    const error = await expectErrorResponse(response, 400, { field: 'events.4.timestamp' });
    expect(error.error).toContain('events.4.timestamp: is required');
  });

  it('reports a huge seq once with its limit', async () => {
    const upload = { events, replayId: randomUUID(), seq: '100000000000000000000' as never };
    const error = await expectErrorResponse(await postRecord(server(), upload), 400, {
      field: 'seq',
      limit: 1_000_000_000,
    });
    expect(error.error.match(/seq:/g)).toHaveLength(1);
  });

  it('says a missing seq is required', async () => {
    const { path, body } = recordRequest({ replayId: randomUUID(), seq: 0, events });
    const response = await server().request(path.replace(/&?seq=0/, ''), {
      method: 'POST',
      headers: {
        Authorization: server().recordAuthorization,
        'Content-Type': 'application/octet-stream',
      },
      body: new Uint8Array(body),
    });
    const error = await expectErrorResponse(response, 400, { field: 'seq' });
    expect(error.error).toContain('seq: is required');
  });

  it('names replay_id in the message', async () => {
    const response = await postRecord(server(), { replayId: 'a b', seq: 0, events });
    const error = await expectErrorResponse(response, 400, { field: 'replay_id' });
    expect(error.error).toContain('replay_id:');
  });

  it('names seq in the message', async () => {
    const response = await postRecord(server(), { replayId: randomUUID(), seq: 'x', events });
    const error = await expectErrorResponse(response, 400, { field: 'seq' });
    expect(error.error).toContain('seq:');
  });

  it.each([
    ['missing', undefined],
    ['not Basic', 'Bearer rpt_test_token'],
    ['not base64', 'Basic !!!'],
    ['empty token', `Basic ${Buffer.from(':').toString('base64')}`],
    ['unknown token', `Basic ${Buffer.from('rpt_unknown:').toString('base64')}`],
  ])('rejects %s Authorization with 401', async (_name, authorization) => {
    const { path, body } = recordRequest({ replayId: randomUUID(), seq: 0, events });
    const headers: Record<string, string> = { 'Content-Type': 'application/octet-stream' };
    if (authorization !== undefined) headers.Authorization = authorization;
    const response = await server().request(path, {
      method: 'POST',
      headers,
      body: new Uint8Array(body),
    });
    await expectErrorResponse(response, 401, { code: 'unauthorized' });
  });

  it('accepts the token without a colon', async () => {
    const { path, body } = recordRequest({ replayId: randomUUID(), seq: 0, events });
    const response = await server().request(path, {
      method: 'POST',
      headers: { Authorization: `Basic ${Buffer.from(server().token).toString('base64')}` },
      body: new Uint8Array(body),
    });
    expect(response.status).toBe(200);
  });

  it('sends JSON for an unknown route', async () => {
    const response = await rawRequest(`${server().url}/record/extra`, { method: 'POST' });
    expect(response.status).toBe(404);
    expect(response.headers['content-type']).toMatch(/^application\/json/);
    expect(JSON.parse(response.body.toString('utf8'))).toMatchObject({ status: 0 });
  });
});
