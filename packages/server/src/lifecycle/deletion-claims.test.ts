import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyBaseLogger } from 'fastify';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { DeletionRequest } from '@reprise/protocol';
import type { ServerContext } from '../context.js';
import { createTestDatabase, postgresUnavailableReason } from '../test-support/postgres.js';
import { describeEachDatabase, useTestServer } from '../test-support/record.js';
import { startTestServer, type TestServer } from '../test-support/server.js';
import type { DeletionRequestStore } from './deletion-store.js';
import { DeletionWorker } from './deletion-worker.js';
import {
  blobFilesOf,
  countRows,
  requestDeletion,
  uploadReplay,
  waitForDeletion,
} from './test-support/helpers.js';

const minuteMs = 60_000;
const start = Date.UTC(2030, 4, 2, 8);
const silentLog = {
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
  debug: () => undefined,
} as unknown as FastifyBaseLogger;

function newRequest(store: DeletionRequestStore, ids: string[], createdAt: number) {
  return store.create({
    id: randomUUID(),
    projectId: 'default',
    requestedBy: 'test',
    requestedByMemberId: null,
    requestedByApiKeyId: null,
    distinctIds: ids,
    createdAt,
  });
}

async function seedVisitor(server: TestServer, name: string, at: number): Promise<string> {
  const replayId = randomUUID();
  const identity = { distinctId: name, deviceId: `dev-${name}`, userId: name };
  await uploadReplay(server, replayId, at, identity);
  return replayId;
}

describeEachDatabase('deletion claims', (database) => {
  let clock = start;
  const server = useTestServer({ database, now: () => clock });
  const store = () => server().context.deletionJob!.store;
  const worker = (context: ServerContext, options = {}) =>
    new DeletionWorker(context, silentLog, { secondPassDelayMs: 10, ...options });

  beforeAll(async () => {
    // Tests drive their own workers; the server's own would claim their requests.
    await server().context.deletionJob!.stop();
  });
  beforeEach(() => {
    clock += 60 * minuteMs;
  });
  afterEach(async () => {
    // Requests left open by a test would be the oldest claimable ones in the next.
    await server()
      .context.metadata.connection.db.updateTable('deletion_requests')
      .set({ status: 'done', claim_token: null })
      .where('status', 'in', ['pending', 'running'])
      .execute();
  });

  it('claims a request once', async () => {
    const created = await newRequest(store(), ['x'], clock);
    const claims = await Promise.all(
      Array.from({ length: 8 }, (_, index) => store().claimNext(clock, clock, `token-${index}`)),
    );
    const won = claims.filter((row) => row?.id === created.id);
    expect(won).toHaveLength(1);
    expect(won[0]!.attempts).toBe(1);
    expect(won[0]!.status).toBe('running');
  });

  it('resumes a stale run', async () => {
    const created = await newRequest(store(), ['y'], clock);
    const first = await store().claimNext(clock, clock - 5 * minuteMs, 'crashed');
    expect(first?.id).toBe(created.id);

    clock += 4 * minuteMs;
    expect(await store().claimNext(clock, clock - 5 * minuteMs, 'early')).toBeUndefined();

    clock += 2 * minuteMs;
    const resumed = await store().claimNext(clock, clock - 5 * minuteMs, 'resumed');
    expect(resumed?.id).toBe(created.id);
    expect(resumed?.attempts).toBe(2);
    const claim = { id: created.id, projectId: 'default', token: 'crashed' };
    expect(await store().recordProgress(claim, clock, { events: 1 })).toBe(false);
  });

  it('finishes a crashed run', async () => {
    const replayId = await seedVisitor(server(), 'erin', clock);
    const created = await newRequest(store(), ['erin'], clock);
    await store().claimNext(clock, clock, 'crashed');

    clock += 6 * minuteMs;
    expect(await worker(server().context).runPending()).toBe(1);
    const row = await store().get('default', created.id);
    expect(row?.status).toBe('done');
    expect(row?.attempts).toBe(2);
    expect(row?.deleted_replays).toBe(1);
    expect(blobFilesOf(server(), replayId)).toEqual([]);
  });

  it('retries a failed run, then fails', async () => {
    const replayId = await seedVisitor(server(), 'frank', clock);
    const created = await newRequest(store(), ['frank'], clock);
    const brokenBlobs = {
      ...server().context.blobs,
      deletePrefix: server().context.blobs.deletePrefix.bind(server().context.blobs),
      delete: () => Promise.reject(new Error('disk is read-only')),
    };
    const context = { ...server().context, blobs: brokenBlobs };
    const failing = worker(context, { maxAttempts: 2, retryDelayMs: minuteMs });

    expect(await failing.runPending()).toBe(1);
    let row = await store().get('default', created.id);
    expect(row?.status).toBe('pending');
    expect(row?.error).toBe('disk is read-only');
    expect(row?.retry_at).toBe(clock + minuteMs);
    expect(await failing.runPending()).toBe(0);

    clock += minuteMs;
    expect(await failing.runPending()).toBe(1);
    row = await store().get('default', created.id);
    expect(row?.status).toBe('failed');
    expect(row?.attempts).toBe(2);
    expect(row?.drop_until).toBe(clock + 24 * 60 * minuteMs);
    expect(blobFilesOf(server(), replayId)).toHaveLength(2);
  });

  it('releases a run on stop', async () => {
    const created = await newRequest(store(), ['gina'], clock);
    const stopping = worker(server().context, { secondPassDelayMs: 60_000 });
    const run = stopping.runPending();
    for (let tries = 0; tries < 100; tries += 1) {
      const row = await store().get('default', created.id);
      if (row?.status === 'running' && row.resolved_id_count > 1) break;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    await stopping.stop();
    await run;
    const row = await store().get('default', created.id);
    expect(row?.status).toBe('pending');
    expect(row?.attempts).toBe(0);
    expect(row?.claim_token).toBeNull();
  });
});

const postgresReason = await postgresUnavailableReason();

describe.skipIf(postgresReason !== null)('two processes on one PostgreSQL', () => {
  let clock = start;
  const servers: TestServer[] = [];
  let dataDir = '';
  let drop: () => Promise<void> = async () => undefined;

  beforeAll(async () => {
    const database = await createTestDatabase();
    drop = database.drop;
    dataDir = mkdtempSync(join(tmpdir(), 'reprise-shared-'));
    for (let index = 0; index < 2; index += 1) {
      const settings = { databaseUrl: database.url, dataDir };
      servers.push(await startTestServer({ settings, now: () => clock }));
    }
  });
  afterAll(async () => {
    for (const server of servers) await server.close();
    await drop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('runs each request once', async () => {
    const names = ['hana', 'ivan', 'jon', 'kim', 'lea', 'max'];
    const replays = new Map<string, string>();
    for (const name of names) replays.set(name, await seedVisitor(servers[0]!, name, clock));

    const created: DeletionRequest[] = [];
    for (const [index, name] of names.entries()) {
      const response = await requestDeletion(servers[index % 2]!, [name]);
      created.push((await response.json()) as DeletionRequest);
    }
    for (const request of created) {
      const done = await waitForDeletion(servers[0]!, request.id);
      expect(done.status).toBe('done');
      expect(done.attempts).toBe(1);
      expect(done.counts.replays).toBe(1);
    }
    for (const replayId of replays.values()) {
      expect(await countRows(servers[1]!, 'replays', ['id'], [replayId])).toBe(0);
      expect(blobFilesOf(servers[1]!, replayId)).toEqual([]);
    }
  });

  it('lets one process win each claim', async () => {
    for (const server of servers) await server.context.deletionJob!.stop();
    const stores = servers.map((server) => server.context.deletionJob!.store);
    for (let round = 0; round < 10; round += 1) {
      clock += minuteMs;
      const created = await newRequest(stores[0]!, [`race-${round}`], clock);
      const claims = await Promise.all(
        [0, 1, 0, 1].map((index, attempt) =>
          stores[index]!.claimNext(clock, clock - 5 * minuteMs, `${index}-${attempt}`),
        ),
      );
      expect(claims.filter((row) => row?.id === created.id)).toHaveLength(1);
    }
  });
});
