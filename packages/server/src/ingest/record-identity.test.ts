import { randomUUID } from 'node:crypto';
import { expect, it } from 'vitest';
import type { ReplayPage, ReplaySummary } from '@reprise/protocol';
import { describeEachDatabase, postRecord, useTestServer } from '../test-support/record.js';
import { firstBatch, laterBatch } from '../test-support/rrweb.js';
import type { TestServer } from '../test-support/server.js';

const t0 = Date.UTC(2030, 0, 15, 12);

/** Query fields of an upload sent before login on `device`. */
function anonymous(device: string): Record<string, string> {
  return { distinct_id: `$device:${device}`, $device_id: device };
}

/** Query fields of an upload sent by `user`, logged in on `device`. */
function loggedIn(user: string, device: string): Record<string, string> {
  return { distinct_id: user, $device_id: device, $user_id: user };
}

async function replayOf(server: TestServer, replayId: string): Promise<ReplaySummary> {
  const response = await server.api(`/api/replays/${replayId}`);
  expect(response.status).toBe(200);
  return (await response.json()) as ReplaySummary;
}

async function searchReplays(server: TestServer, text: string): Promise<string[]> {
  const response = await server.api(`/api/replays?${new URLSearchParams({ q: text })}`);
  return ((await response.json()) as ReplayPage).replays.map((replay) => replay.id);
}

describeEachDatabase('record identity', (database) => {
  const server = useTestServer({ database, now: () => t0 });

  it('identify mid-replay names the user', async () => {
    const replayId = randomUUID();
    const device = randomUUID();
    const user = `user-${randomUUID()}`;
    const first = { replayId, seq: 0, events: firstBatch(t0), query: anonymous(device) };
    const second = {
      replayId,
      seq: 1,
      events: laterBatch(t0 + 1000),
      query: loggedIn(user, device),
    };
    expect((await postRecord(server(), first)).status).toBe(200);
    expect((await postRecord(server(), second)).status).toBe(200);

    const replay = await replayOf(server(), replayId);
    expect(replay.userId).toBe(user);
    expect(replay.deviceId).toBe(device);
    expect(replay.distinctId).toBe(`$device:${device}`);
  });

  it('late batch keeps replay anonymous', async () => {
    const replayId = randomUUID();
    const device = randomUUID();
    const later = `later-${randomUUID()}`;
    const first = { replayId, seq: 0, events: firstBatch(t0), query: anonymous(device) };
    const late = {
      replayId,
      seq: 1,
      events: laterBatch(t0 + 1000),
      query: loggedIn(later, randomUUID()),
    };
    expect((await postRecord(server(), first)).status).toBe(200);
    expect((await postRecord(server(), late)).status).toBe(200);

    const replay = await replayOf(server(), replayId);
    expect(replay.chunkCount).toBe(2);
    expect(replay.userId).toBeNull();
    expect(replay.deviceId).toBe(device);
    expect(replay.distinctId).toBe(`$device:${device}`);
    expect(await searchReplays(server(), later)).not.toContain(replayId);
  });

  it('late batch keeps the first user', async () => {
    const replayId = randomUUID();
    const device = randomUUID();
    const user = `user-${randomUUID()}`;
    const later = `later-${randomUUID()}`;
    const first = { replayId, seq: 0, events: firstBatch(t0), query: loggedIn(user, device) };
    const late = {
      replayId,
      seq: 1,
      events: laterBatch(t0 + 1000),
      query: loggedIn(later, randomUUID()),
    };
    expect((await postRecord(server(), first)).status).toBe(200);
    expect((await postRecord(server(), late)).status).toBe(200);

    const replay = await replayOf(server(), replayId);
    expect(replay.userId).toBe(user);
    expect(replay.distinctId).toBe(user);
  });

  it('late batch stored first yields', async () => {
    // The late batch is stored before seq 0 arrives, for example after a retry of seq 0.
    const replayId = randomUUID();
    const device = randomUUID();
    const later = `later-${randomUUID()}`;
    const late = {
      replayId,
      seq: 1,
      events: laterBatch(t0 + 1000),
      query: loggedIn(later, randomUUID()),
    };
    const first = { replayId, seq: 0, events: firstBatch(t0), query: anonymous(device) };
    expect((await postRecord(server(), late)).status).toBe(200);
    expect((await postRecord(server(), first)).status).toBe(200);

    const replay = await replayOf(server(), replayId);
    expect(replay.userId).toBeNull();
    expect(replay.deviceId).toBe(device);
  });
});
