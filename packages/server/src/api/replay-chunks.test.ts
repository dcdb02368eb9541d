import { randomUUID } from 'node:crypto';
import { gunzipSync } from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ChunkList } from '@reprise/protocol';
import {
  expectErrorResponse,
  postRecord,
  rawRequest,
  recordRequest,
  useTestServer,
} from '../test-support/record.js';
import { firstBatch, laterBatch } from '../test-support/rrweb.js';

const t0 = Date.UTC(2030, 0, 15, 12);

describe('replay chunk routes', () => {
  const server = useTestServer({ now: () => t0 });
  const replayId = randomUUID();
  const gzipEvents = firstBatch(t0, 0);
  const plainEvents = laterBatch(t0 + 1_000, 1);
  let gzipBody: Buffer;

  beforeAll(async () => {
    gzipBody = recordRequest({ replayId, seq: 0, events: gzipEvents }).body;
    const first = await postRecord(server(), { replayId, seq: 0, body: gzipBody });
    expect(first.status).toBe(200);
    const upload = { replayId, seq: 1, events: plainEvents, format: 'body' as const };
    expect((await postRecord(server(), upload)).status).toBe(200);
  });

  const raw = (path: string, headers: Record<string, string> = {}) =>
    rawRequest(`${server().url}${path}`, {
      headers: { Authorization: `Bearer ${server().apiSecret}`, ...headers },
    });

  it('404 for an unknown replay', async () => {
    const unknown = randomUUID();
    await expectErrorResponse(await server().api(`/api/replays/${unknown}`), 404, {
      code: 'not_found',
    });
    await expectErrorResponse(await server().api(`/api/replays/${unknown}/chunks`), 404);
    await expectErrorResponse(await server().api(`/api/replays/${unknown}/events`), 404);
    await expectErrorResponse(await server().api(`/api/replays/${unknown}/chunks/0`), 404);
  });

  it('404 for an unknown seq', async () => {
    await expectErrorResponse(await server().api(`/api/replays/${replayId}/chunks/7`), 404);
  });

  it('400 for an invalid seq', async () => {
    const response = await server().api(`/api/replays/${replayId}/chunks/first`);
    await expectErrorResponse(response, 400, { field: 'seq' });
  });

  it('lists chunks', async () => {
    const response = await server().api(`/api/replays/${replayId}/chunks`);
    const list = (await response.json()) as ChunkList;
    expect(list.replayId).toBe(replayId);
    expect(list.chunks.map((chunk) => chunk.seq)).toEqual([0, 1]);
    expect(list.chunks.map((chunk) => chunk.encoding)).toEqual(['gzip', 'identity']);
    expect(list.chunks.map((chunk) => chunk.hasFullSnapshot)).toEqual([true, false]);
    expect(list.chunks.map((chunk) => chunk.fullSnapshotTimestamp)).toEqual([t0 + 1, null]);
    expect(list.chunks[0]!.bytes).toBe(gzipBody.length);
    expect(list.chunks[0]!.firstTimestamp).toBe(t0);
    expect(list.chunks[0]!.lastTimestamp).toBe(t0 + 200);
    expect(list.chunks[1]!.eventCount).toBe(3);
  });

  it('sends a gzip chunk as stored', async () => {
    const response = await raw(`/api/replays/${replayId}/chunks/0`, {
      'Accept-Encoding': 'gzip, deflate',
    });
    expect(response.status).toBe(200);
    expect(response.headers['content-encoding']).toBe('gzip');
    expect(response.headers['content-type']).toMatch(/^application\/json/);
    expect(response.headers.vary).toMatch(/accept-encoding/i);
    expect(response.body.equals(gzipBody)).toBe(true);
    expect(JSON.parse(gunzipSync(response.body).toString('utf8'))).toEqual(gzipEvents);
  });

  it('inflates a gzip chunk for other clients', async () => {
    const response = await raw(`/api/replays/${replayId}/chunks/0`);
    expect(response.status).toBe(200);
    expect(response.headers['content-encoding']).toBeUndefined();
    expect(JSON.parse(response.body.toString('utf8'))).toEqual(gzipEvents);
  });

  it('sends a plain chunk unencoded', async () => {
    const response = await raw(`/api/replays/${replayId}/chunks/1`, { 'Accept-Encoding': 'gzip' });
    expect(response.headers['content-encoding']).toBeUndefined();
    expect(JSON.parse(response.body.toString('utf8'))).toEqual(plainEvents);
  });

  it('answers a matching ETag with 304', async () => {
    const first = await raw(`/api/replays/${replayId}/chunks/0`);
    const etag = first.headers.etag as string;
    expect(etag).toMatch(/^"[^"]+"$/);

    const again = await raw(`/api/replays/${replayId}/chunks/0`, { 'If-None-Match': etag });
    expect(again.status).toBe(304);
    expect(again.body.length).toBe(0);
    const other = await raw(`/api/replays/${replayId}/chunks/0`, { 'If-None-Match': '"other"' });
    expect(other.status).toBe(200);
  });

  it('changes the ETag on replacement', async () => {
    const id = randomUUID();
    await postRecord(server(), { replayId: id, seq: 0, events: firstBatch(t0, 0) });
    const before = (await raw(`/api/replays/${id}/chunks/0`)).headers.etag;
    await postRecord(server(), { replayId: id, seq: 0, events: firstBatch(t0, 5) });
    const after = await raw(`/api/replays/${id}/chunks/0`, { 'If-None-Match': String(before) });
    expect(after.status).toBe(200);
    expect(after.headers.etag).not.toBe(before);
  });

  it('events is one JSON array in seq order', async () => {
    const response = await raw(`/api/replays/${replayId}/events`, { 'Accept-Encoding': 'gzip' });
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toMatch(/^application\/json/);
    expect(JSON.parse(response.body.toString('utf8'))).toEqual([...gzipEvents, ...plainEvents]);
  });

  it('replay summary is not cached', async () => {
    const response = await server().api(`/api/replays/${replayId}`);
    expect(response.headers.get('cache-control')).toBe('no-store');
  });
});
