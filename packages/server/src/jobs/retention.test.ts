import { randomUUID } from 'node:crypto';
import { readdirSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { FastifyBaseLogger } from 'fastify';
import { expect, it } from 'vitest';
import type { ProjectSettings, ReplayPage, ReplaySummary } from '@reprise/protocol';
import {
  blobFilesOf,
  countRows,
  createProject,
  loginCookie,
  uploadReplay,
  withCookie,
} from '../lifecycle/test-support/helpers.js';
import { chunkBlobKey } from '../store/blob/index.js';
import { chunkRow } from '../test-support/stores.js';
import { describeEachDatabase, postRecord, useTestServer } from '../test-support/record.js';
import { firstBatch, laterBatch } from '../test-support/rrweb.js';
import type { TestServer } from '../test-support/server.js';
import { runRetention } from './retention.js';

const dayMs = 24 * 60 * 60 * 1000;
const start = Date.UTC(2030, 0, 15, 12);
const visitor = { distinctId: '$device:d-1', deviceId: 'd-1' };

async function upload(server: TestServer, replayId: string, at: number) {
  for (const seq of [0, 1]) {
    const events = seq === 0 ? firstBatch(at) : laterBatch(at + 1_000);
    expect((await postRecord(server, { replayId, seq, events })).status).toBe(200);
  }
}

async function summaryOf(server: TestServer, replayId: string, secret = server.apiSecret) {
  const response = await server.request(`/api/replays/${replayId}`, {
    headers: { Authorization: `Bearer ${secret}` },
  });
  return { status: response.status, body: (await response.json()) as ReplaySummary };
}

async function feedIds(server: TestServer, secret: string): Promise<string[]> {
  const response = await server.request('/api/replays?limit=100', {
    headers: { Authorization: `Bearer ${secret}` },
  });
  return ((await response.json()) as ReplayPage).replays.map((replay) => replay.id);
}

describeEachDatabase('retention', (database) => {
  let clock = start;
  const server = useTestServer({ database, now: () => clock });

  it('deletes expired replays only', async () => {
    clock = start;
    const expiring = randomUUID();
    await upload(server(), expiring, clock);
    const summary = (await (
      await server().api(`/api/replays/${expiring}`)
    ).json()) as ReplaySummary;
    expect(summary.expiresOn).toBe('2030-02-14');

    clock = start + 10 * dayMs;
    const fresh = randomUUID();
    await upload(server(), fresh, clock);
    expect(blobFilesOf(server(), expiring)).toHaveLength(2);

    clock = Date.parse(`${summary.expiresOn}T23:59:59Z`);
    expect((await runRetention(server().context)).replays).toBe(0);

    clock = Date.parse(`${summary.expiresOn}T00:00:00Z`) + dayMs;
    const result = await runRetention(server().context);
    expect(result).toEqual({
      replays: 1,
      chunks: 2,
      blobs: 2,
      days: ['2030-02-14'],
      byProject: { default: 1 },
    });

    const metadata = server().context.metadata.replays;
    expect(await metadata.getReplay('default', expiring)).toBeUndefined();
    expect(await metadata.listChunks('default', expiring)).toEqual([]);
    expect(blobFilesOf(server(), expiring)).toEqual([]);
    expect((await server().api(`/api/replays/${expiring}`)).status).toBe(404);
    expect((await server().api(`/api/replays/${expiring}/events`)).status).toBe(404);

    expect(await metadata.listChunks('default', fresh)).toHaveLength(2);
    expect(blobFilesOf(server(), fresh)).toHaveLength(2);
    const events = await server().api(`/api/replays/${fresh}/events`);
    expect(events.status).toBe(200);
    expect(JSON.parse(await events.text())).toHaveLength(7);
  });

  it('keeps each project’s retention', async () => {
    clock = Date.UTC(2031, 5, 1, 12);
    const short = await createProject(server(), 'short-retention', 3);
    const expiring = randomUUID();
    const retained = randomUUID();
    await uploadReplay(server(), expiring, clock, visitor, short.recordAuthorization);
    await uploadReplay(server(), retained, clock, visitor);
    const expiringSummary = await summaryOf(server(), expiring, short.apiSecret);
    expect(expiringSummary.body.expiresOn).toBe('2031-06-04');
    expect((await summaryOf(server(), retained)).body.expiresOn).toBe('2031-07-01');

    clock = Date.UTC(2031, 5, 5, 0, 0, 1);
    const result = await runRetention(server().context);
    expect(result.byProject['short-retention']).toBe(1);

    expect(await countRows(server(), 'replays', ['id'], [expiring])).toBe(0);
    expect(await countRows(server(), 'replay_chunks', ['replay_id'], [expiring])).toBe(0);
    expect(blobFilesOf(server(), expiring)).toEqual([]);
    expect((await summaryOf(server(), expiring, short.apiSecret)).status).toBe(404);
    const chunks = await server().request(`/api/replays/${expiring}/chunks/0`, {
      headers: { Authorization: `Bearer ${short.apiSecret}` },
    });
    expect(chunks.status).toBe(404);
    expect(await feedIds(server(), short.apiSecret)).not.toContain(expiring);

    expect(await countRows(server(), 'replays', ['id'], [retained])).toBe(1);
    expect(await countRows(server(), 'replay_chunks', ['replay_id'], [retained])).toBe(2);
    expect(blobFilesOf(server(), retained)).toHaveLength(2);
    expect((await summaryOf(server(), retained)).status).toBe(200);
    expect(await feedIds(server(), server().apiSecret)).toContain(retained);
  });

  it('retention change applies to new replays', async () => {
    clock = Date.UTC(2032, 2, 10, 12);
    const before = randomUUID();
    await postRecord(server(), { replayId: before, seq: 0, events: firstBatch(clock) });
    expect((await summaryOf(server(), before)).body.expiresOn).toBe('2032-04-09');

    const cookie = await loginCookie(server());
    const patch = await withCookie(server(), cookie, 'PATCH', '/api/projects/default', {
      retentionDays: 5,
    });
    expect(patch.status).toBe(200);
    expect(((await patch.json()) as ProjectSettings).retentionDays).toBe(5);

    await postRecord(server(), { replayId: before, seq: 1, events: laterBatch(clock + 1000) });
    expect((await summaryOf(server(), before)).body.expiresOn).toBe('2032-04-09');
    expect(blobFilesOf(server(), before).every((path) => path.startsWith('2032-04-09/'))).toBe(
      true,
    );

    const after = randomUUID();
    await postRecord(server(), { replayId: after, seq: 0, events: firstBatch(clock) });
    expect((await summaryOf(server(), after)).body.expiresOn).toBe('2032-03-15');

    clock = Date.UTC(2032, 2, 16, 12);
    await runRetention(server().context);
    expect((await summaryOf(server(), after)).status).toBe(404);
    expect((await summaryOf(server(), before)).status).toBe(200);
  });

  it('ignores folders that are not days', async () => {
    await server().context.blobs.put('not-a-day/file', Buffer.from('x'));
    clock += 400 * dayMs;
    await runRetention(server().context);
    expect(await server().context.blobs.get('not-a-day/file')).not.toBeNull();
  });
});

/** Inserts expired replays with one chunk row and one blob file each, straight into storage. */
async function insertExpiredReplays(server: TestServer, count: number, expiresOn: string) {
  const db = server.context.metadata.connection.db;
  const ids = Array.from({ length: count }, (_, index) => `bulk-${String(index).padStart(5, '0')}`);
  for (let first = 0; first < count; first += 200) {
    const part = ids.slice(first, first + 200);
    const chunks = part.map((id) =>
      chunkRow({
        project_id: 'default',
        replay_id: id,
        blob_key: chunkBlobKey({
          expiresOn,
          projectId: 'default',
          replayId: id,
          seq: 0,
          uploadId: 'u',
        }),
      }),
    );
    await db.insertInto('replay_chunks').values(chunks).execute();
    const replays = part.map((id) => ({
      project_id: 'default',
      id,
      distinct_id: null,
      device_id: null,
      user_id: null,
      started_at: 1,
      ended_at: 2,
      duration_ms: 1,
      active_ms: 1,
      first_url: null,
      chunk_count: 1,
      event_count: 1,
      click_count: 0,
      rage_click_count: 0,
      error_count: 0,
      bytes: 1,
      browser: null,
      os: null,
      expires_on: expiresOn,
      created_at: 1,
      updated_at: 1,
    }));
    await db.insertInto('replays').values(replays).execute();
    await Promise.all(
      chunks.map(async (chunk) => {
        const path = join(server.dataDir, 'blobs', ...chunk.blob_key.split('/'));
        await mkdir(dirname(path), { recursive: true });
        await writeFile(path, 'x');
      }),
    );
  }
}

describeEachDatabase('retention in batches', (database) => {
  let clock = start;
  const server = useTestServer({ database, now: () => clock });

  it('deletes thousands of replays', async () => {
    await insertExpiredReplays(server(), 3_100, '2030-01-20');
    const retained = randomUUID();
    await upload(server(), retained, clock);
    const batches: unknown[] = [];
    const log = {
      debug: (fields: unknown) => batches.push(fields),
    } as unknown as FastifyBaseLogger;

    clock = Date.UTC(2030, 0, 21, 1);
    const result = await runRetention(server().context, log);

    expect(result.replays).toBe(3_100);
    expect(result.chunks).toBe(3_100);
    expect(result.blobs).toBe(3_100);
    expect(batches).toHaveLength(7);
    expect(await server().context.metadata.replays.countReplays('default')).toBe(1);
    expect(readdirSync(join(server().dataDir, 'blobs')).sort()).toEqual(['2030-02-14']);
    expect(await countRows(server(), 'replay_chunks', ['project_id'], ['default'])).toBe(2);
  }, 120_000);
});
