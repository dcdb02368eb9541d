import { randomUUID } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { DeletionRequest, RecordAcceptedBody, ReplayPage } from '@reprise/protocol';
import { describeEachDatabase, postRecord, useTestServer } from '../test-support/record.js';
import { firstBatch } from '../test-support/rrweb.js';
import type { TestServer } from '../test-support/server.js';
import {
  blobFilesOf,
  countRows,
  requestDeletion,
  sendAnalytics,
  trackedEvent,
  uploadReplay,
  waitForDeletion,
  type UploadIdentity,
} from './test-support/helpers.js';

const hourMs = 60 * 60 * 1000;
const start = Date.UTC(2030, 3, 1, 9);

const aliceEmail = 'alice@example.com';
const aliceBefore: UploadIdentity = { distinctId: '$device:dev-alice', deviceId: 'dev-alice' };
const aliceAfter: UploadIdentity = {
  distinctId: aliceEmail,
  deviceId: 'dev-alice',
  userId: aliceEmail,
};
const aliceIds = [aliceEmail, 'dev-alice', '$device:dev-alice'];
const bob: UploadIdentity = { distinctId: 'bob@example.com', deviceId: 'dev-bob', userId: 'bob' };
const bobIds = ['bob@example.com', 'dev-bob', '$device:dev-bob', 'bob'];

const identityColumns = ['distinct_id', 'device_id', 'user_id'];

/** Stores a user's events (the second one ties the device to the user), profile and replays. */
async function seedUser(
  server: TestServer,
  before: UploadIdentity,
  after: UploadIdentity,
  at: number,
): Promise<string[]> {
  const replays = [randomUUID(), randomUUID()];
  await uploadReplay(server, replays[0]!, at, before);
  await uploadReplay(server, replays[1]!, at + 60_000, after);
  const events = [trackedEvent('Page Viewed', at, before), trackedEvent('Signed In', at, after)];
  expect((await sendAnalytics(server, '/track/', events)).status).toBe(200);
  const profile = {
    $token: server.token,
    $distinct_id: after.distinctId,
    $set: { $name: `Name of ${after.distinctId}`, $email: after.distinctId },
  };
  expect((await sendAnalytics(server, '/engage/', profile)).status).toBe(200);
  return replays;
}

/** Counts every row stored under the ids, table by table. */
async function rowsOf(server: TestServer, ids: string[]) {
  return {
    replays: await countRows(server, 'replays', identityColumns, ids),
    chunks: await countRows(server, 'replay_chunks', identityColumns, ids),
    events: await countRows(server, 'events', identityColumns, ids),
    profiles: await countRows(server, 'profiles', ['distinct_id'], ids),
    identities: await countRows(server, 'identities', ['device_id', 'user_id'], ids),
    sessions: await countRows(server, 'user_sessions', ['person_id'], ids),
    users: await countRows(server, 'analytics_users', ['person_id'], ids),
  };
}

async function feedIds(server: TestServer, query = ''): Promise<string[]> {
  const page = (await (await server.api(`/api/replays?limit=100${query}`)).json()) as ReplayPage;
  return page.replays.map((replay) => replay.id);
}

describeEachDatabase('deletion request', (database) => {
  let clock = start;
  const server = useTestServer({ database, now: () => clock });
  let aliceReplays: string[] = [];
  let bobReplays: string[] = [];
  let done: DeletionRequest;

  beforeAll(async () => {
    aliceReplays = await seedUser(server(), aliceBefore, aliceAfter, clock);
    bobReplays = await seedUser(server(), bob, bob, clock);
    expect(await rowsOf(server(), aliceIds)).toMatchObject({ replays: 2, identities: 1 });

    const response = await requestDeletion(server(), [aliceEmail]);
    expect(response.status).toBe(202);
    const created = (await response.json()) as DeletionRequest;
    expect(created.status).toBe('pending');
    done = await waitForDeletion(server(), created.id);
  });

  it('ends done with counts', () => {
    expect(done.status).toBe('done');
    expect(done.error).toBeNull();
    expect(done.idCount).toBe(1);
    expect(done.distinctIds).toEqual([aliceEmail]);
    expect(done.requestedBy).toMatch(/^API secret [0-9a-f-]{36}$/);
    expect(done.requestedByMemberId).toBeNull();
    expect(done.counts).toEqual({
      replays: 2,
      chunks: 4,
      blobs: 4,
      events: 2,
      profiles: 1,
      identities: 1,
    });
    expect(done.dropUntil).toBe(done.finishedAt! + 24 * hourMs);
  });

  it('deletes every row of the user', async () => {
    expect(await rowsOf(server(), aliceIds)).toEqual({
      replays: 0,
      chunks: 0,
      events: 0,
      profiles: 0,
      identities: 0,
      sessions: 0,
      users: 0,
    });
    expect(await countRows(server(), 'replays', ['id'], aliceReplays)).toBe(0);
    expect(await countRows(server(), 'replay_chunks', ['replay_id'], aliceReplays)).toBe(0);
  });

  it.runIf(database === 'sqlite')('leaves no copy in the SQLite files', () => {
    // The request keeps the ids it deletes for a day, so the check looks for the profile name.
    const name = Buffer.from(`Name of ${aliceEmail}`);
    const files = readdirSync(server().dataDir).filter((file) => file.startsWith('reprise.db'));
    expect(files).toContain('reprise.db');
    for (const file of files) {
      const bytes = readFileSync(join(server().dataDir, file));
      expect(bytes.includes(name), file).toBe(false);
    }
    const bobName = Buffer.from(`Name of ${bob.distinctId}`);
    expect(readFileSync(join(server().dataDir, 'reprise.db')).includes(bobName)).toBe(true);
  });

  it('deletes the blob files of the user', () => {
    for (const replayId of aliceReplays) expect(blobFilesOf(server(), replayId)).toEqual([]);
  });

  it('hides the user’s replays from the API', async () => {
    for (const replayId of aliceReplays) {
      expect((await server().api(`/api/replays/${replayId}`)).status).toBe(404);
      expect((await server().api(`/api/replays/${replayId}/chunks`)).status).toBe(404);
      expect((await server().api(`/api/replays/${replayId}/events`)).status).toBe(404);
      expect(await feedIds(server(), `&q=${replayId}`)).toEqual([]);
    }
    expect(await feedIds(server(), `&q=${encodeURIComponent(aliceEmail)}`)).toEqual([]);
    expect(await feedIds(server(), '&q=dev-alice')).toEqual([]);
    expect((await feedIds(server())).sort()).toEqual([...bobReplays].sort());
  });

  it('keeps the other user', async () => {
    expect(await rowsOf(server(), bobIds)).toEqual({
      replays: 2,
      chunks: 4,
      events: 2,
      profiles: 1,
      identities: 1,
      sessions: 1,
      users: 1,
    });
    for (const replayId of bobReplays) {
      expect(blobFilesOf(server(), replayId)).toHaveLength(2);
      expect((await server().api(`/api/replays/${replayId}/events`)).status).toBe(200);
    }
  });

  describe('late arrivals', () => {
    const lateRecord = async (identity: UploadIdentity) => {
      const replayId = randomUUID();
      const query: Record<string, string> = {
        distinct_id: identity.distinctId,
        $device_id: identity.deviceId,
      };
      if (identity.userId) query.$user_id = identity.userId;
      const response = await postRecord(server(), {
        replayId,
        seq: 0,
        events: firstBatch(clock),
        query,
      });
      return { replayId, response };
    };

    it('drops them within the window', async () => {
      clock = done.dropUntil! - 1;
      for (const identity of [aliceAfter, aliceBefore]) {
        const { replayId, response } = await lateRecord(identity);
        expect(response.status).toBe(200);
        expect(((await response.json()) as RecordAcceptedBody).events).toBe(0);
        expect(await countRows(server(), 'replays', ['id'], [replayId])).toBe(0);
        expect(blobFilesOf(server(), replayId)).toEqual([]);
      }

      const event = trackedEvent('Came Back', clock, aliceAfter);
      const track = await sendAnalytics(server(), '/track/', [event]);
      expect(track.status).toBe(200);
      expect(await track.json()).toEqual({ status: 1, error: null });
      const profile = { $token: server().token, $distinct_id: aliceEmail, $set: { plan: 'pro' } };
      expect((await sendAnalytics(server(), '/engage/', profile)).status).toBe(200);
      // Nothing of a dropped update is applied, so its unknown operation gets no note.
      const mixed = { ...profile, $sett: { plan: 'team' } };
      const engage = await sendAnalytics(server(), '/engage/', mixed);
      expect(engage.status).toBe(200);
      expect(await engage.json()).toEqual({ status: 1, error: null });
      expect(await rowsOf(server(), aliceIds)).toMatchObject({ events: 0, profiles: 0 });
    });

    it('keeps other users within the window', async () => {
      const event = trackedEvent('Still Here', clock, bob);
      expect((await sendAnalytics(server(), '/track/', [event])).status).toBe(200);
      expect(
        await countRows(server(), 'events', ['insert_id'], [event.properties.$insert_id as string]),
      ).toBe(1);
    });

    it('stores them after the window', async () => {
      clock = done.dropUntil!;
      const { replayId, response } = await lateRecord(aliceAfter);
      expect(((await response.json()) as RecordAcceptedBody).events).toBe(4);
      expect(await countRows(server(), 'replays', ['id'], [replayId])).toBe(1);
      const event = trackedEvent('Came Back', clock, aliceAfter);
      expect((await sendAnalytics(server(), '/track/', [event])).status).toBe(200);
      expect(await countRows(server(), 'events', identityColumns, aliceIds)).toBe(1);
    });

    it('forgets the ids after the window', async () => {
      await server().context.deletionJob!.runPending();
      const ids = await countRows(server(), 'deletion_request_ids', ['request_id'], [done.id]);
      expect(ids).toBe(0);
    });
  });
});

describeEachDatabase('deletion by device id', (database) => {
  const server = useTestServer({ database, now: () => start });

  it('finds the user of the device', async () => {
    const carol: UploadIdentity = { distinctId: 'carol', deviceId: 'dev-carol', userId: 'carol' };
    const replays = await seedUser(
      server(),
      { distinctId: '$device:dev-carol', deviceId: 'dev-carol' },
      carol,
      start,
    );
    const created = (await (
      await requestDeletion(server(), ['$device:dev-carol'])
    ).json()) as DeletionRequest;
    const done = await waitForDeletion(server(), created.id);
    expect(done.counts).toMatchObject({ replays: 2, events: 2, profiles: 1, identities: 1 });
    expect(done.resolvedIdCount).toBe(4);
    expect(await countRows(server(), 'replays', ['id'], replays)).toBe(0);
    expect(await rowsOf(server(), ['carol', 'dev-carol', '$device:dev-carol'])).toMatchObject({
      events: 0,
      profiles: 0,
    });
  });
});
