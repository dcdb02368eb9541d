import { randomUUID } from 'node:crypto';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { expect, it } from 'vitest';
import type { ChunkList, ReplaySummary } from '@reprise/protocol';
import { describeEachDatabase, postRecord, useTestServer } from '../test-support/record.js';
import { clickEvent, firstBatch, laterBatch } from '../test-support/rrweb.js';
import type { TestServer } from '../test-support/server.js';

const t0 = Date.UTC(2030, 0, 15, 12);

/** Paths of the blob files of one replay, relative to the blob store's folder. */
function blobFiles(server: TestServer, replayId: string): string[] {
  const root = join(server.dataDir, 'blobs');
  return readdirSync(root, { recursive: true, encoding: 'utf8' })
    .filter((path) => path.includes(replayId) && /\/\d{10}-[0-9a-f]+$/.test(path))
    .sort();
}

async function replayOf(server: TestServer, replayId: string): Promise<ReplaySummary> {
  const response = await server.api(`/api/replays/${replayId}`);
  expect(response.status).toBe(200);
  return (await response.json()) as ReplaySummary;
}

async function markersOf(server: TestServer, replayId: string): Promise<unknown[]> {
  const response = await server.api(`/api/replays/${replayId}/events`);
  const events = JSON.parse(await response.text()) as Array<{ marker: unknown }>;
  return events.map((event) => event.marker);
}

describeEachDatabase('record replacement', (database) => {
  const server = useTestServer({ database, now: () => t0 });

  it('duplicate seq keeps latest upload', async () => {
    const replayId = randomUUID();
    const first = firstBatch(t0, 0);
    const retry = [...firstBatch(t0, 9), clickEvent(t0 + 300)].map((event) => ({
      ...event,
      marker: 9,
    }));

    expect((await postRecord(server(), { replayId, seq: 0, events: first })).status).toBe(200);
    const [firstBlob] = blobFiles(server(), replayId);
    expect((await postRecord(server(), { replayId, seq: 0, events: retry })).status).toBe(200);

    const chunk = await server().api(`/api/replays/${replayId}/chunks/0`);
    expect(await chunk.json()).toEqual(retry);
    const replay = await replayOf(server(), replayId);
    expect(replay.chunkCount).toBe(1);
    expect(replay.eventCount).toBe(5);
    expect(replay.clickCount).toBe(2);
    const files = blobFiles(server(), replayId);
    expect(files).toHaveLength(1);
    expect(files).not.toContain(firstBlob);
  });

  it('orders chunks that arrive out of order', async () => {
    const replayId = randomUUID();
    for (const seq of [2, 0, 1]) {
      const events = seq === 0 ? firstBatch(t0, 0) : laterBatch(t0 + seq * 1_000, seq);
      expect((await postRecord(server(), { replayId, seq, events })).status).toBe(200);
    }

    const list = (await (
      await server().api(`/api/replays/${replayId}/chunks`)
    ).json()) as ChunkList;
    expect(list.chunks.map((chunk) => chunk.seq)).toEqual([0, 1, 2]);
    expect(await markersOf(server(), replayId)).toEqual([0, 0, 0, 0, 1, 1, 1, 2, 2, 2]);
    const replay = await replayOf(server(), replayId);
    expect(replay.startedAt).toBe(t0);
    expect(replay.endedAt).toBe(t0 + 2_100);
    expect(replay.firstUrl).toBe('https://shop.example/');
  });

  it('bad uploads leave stored chunk intact', async () => {
    const replayId = randomUUID();
    const events = firstBatch(t0, 0);
    expect((await postRecord(server(), { replayId, seq: 0, events })).status).toBe(200);
    const before = await replayOf(server(), replayId);
    const files = blobFiles(server(), replayId);

    const bad = [
      { replayId, seq: 0, body: gzipSync('not json') },
      { replayId, seq: 0, body: '' },
      { replayId, seq: 0, events: [] },
      { replayId, seq: 0, events: [{ type: 2, data: {} }] },
      { replayId, seq: 0, events: { type: 2 } },
      { replayId, seq: 0, body: JSON.stringify(events) },
      { replayId, seq: 'x', events },
      { replayId, seq: 0, events, headers: { Authorization: 'Basic d3Jvbmc6' } },
    ];
    for (const upload of bad) {
      const response = await postRecord(server(), upload);
      expect(response.status, JSON.stringify(upload).slice(0, 80)).toBeGreaterThanOrEqual(400);
    }

    const chunk = await server().api(`/api/replays/${replayId}/chunks/0`);
    expect(await chunk.json()).toEqual(events);
    expect(await replayOf(server(), replayId)).toEqual(before);
    expect(blobFiles(server(), replayId)).toEqual(files);
  });

  it('counts concurrent chunks of one replay', async () => {
    const replayId = randomUUID();
    const first = await postRecord(server(), { replayId, seq: 0, events: firstBatch(t0) });
    expect(first.status).toBe(200);

    const seqs = [1, 2, 3, 4, 5, 6, 7, 8];
    const responses = await Promise.all(
      seqs.map((seq) =>
        postRecord(server(), { replayId, seq, events: laterBatch(t0 + seq * 1_000, seq) }),
      ),
    );
    expect(responses.map((response) => response.status)).toEqual(seqs.map(() => 200));

    const replay = await replayOf(server(), replayId);
    expect(replay.chunkCount).toBe(9);
    expect(replay.eventCount).toBe(4 + 8 * 3);
    expect(replay.endedAt).toBe(t0 + 8_100);
  });

  it('concurrent retries keep one blob', async () => {
    const replayId = randomUUID();
    const first = await postRecord(server(), { replayId, seq: 0, events: firstBatch(t0) });
    expect(first.status).toBe(200);

    const responses = await Promise.all(
      [1, 2, 3, 4].map((marker) =>
        postRecord(server(), { replayId, seq: 1, events: laterBatch(t0 + 1_000, marker) }),
      ),
    );
    expect(responses.map((response) => response.status)).toEqual([200, 200, 200, 200]);

    expect(blobFiles(server(), replayId)).toHaveLength(2);
    const replay = await replayOf(server(), replayId);
    expect(replay.chunkCount).toBe(2);
    expect(replay.eventCount).toBe(7);
  });
});
