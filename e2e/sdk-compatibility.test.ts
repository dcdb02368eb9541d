import { randomUUID } from 'node:crypto';
import type { ReplayPage, ReplaySummary } from '@reprise/protocol';
import { startTestServer, type TestServer } from '@reprise/server/test-support';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  launchChromium,
  logIn,
  openReplay,
  pausePlayer,
  startRecordingProxy,
  startStaticServer,
  waitFor,
  type RecordingProxy,
  type StaticServer,
} from './support/index.js';
import {
  getChunks,
  getReplay,
  getReplayEvents,
  recordUploads,
  rrwebType,
} from './support/replay-queries.js';
import { sdkAdapters, sdkTestPage } from './support/sdk-adapters.js';

// One visit per SDK: two events, identify, people.set, a reload, one more event. Both SDKs send
// through a recording proxy in front of Reprise, from a page on another origin, so every
// request crosses CORS as it does on a customer's site.
describe.each(sdkAdapters)('$name against Reprise', (adapter) => {
  const userId = `user-${randomUUID()}`;
  const profile = { $name: 'Ada Lovelace', $email: 'ada@example.com', plan: 'team' };
  const groupId = `company-${randomUUID()}`;
  const trackedNames = ['Viewed Catalog', 'Signed In', 'Left Page', 'Viewed After Reload'];
  let server: TestServer;
  let proxy: RecordingProxy;
  let site: StaticServer;
  let browser: Browser;
  let visit: Page;
  let replayId: string;
  let reloadedAt: number;
  const pageRequests: string[] = [];

  beforeAll(async () => {
    server = await startTestServer();
    proxy = await startRecordingProxy(server.url);
    site = await startStaticServer(adapter.mounts);
    const config = { api_host: proxy.origin, record_sessions_percent: 100 };
    site.setPage('/app.html', sdkTestPage(adapter, server.token, config));
    browser = await launchChromium();
    visit = await (await browser.newContext()).newPage();
    visit.on('request', (request) => pageRequests.push(request.url()));

    await visit.goto(`${site.origin}/app.html`);
    const loadedAt = Date.now();
    replayId = await adapter.waitUntilRecording(visit);
    await adapter.track(visit, 'Viewed Catalog', { plan: 'team' });
    await visit.click('#add');
    await adapter.identify(visit, userId);
    await adapter.setPeople(visit, profile);
    await adapter.setGroup?.(visit, 'company', groupId, { name: 'Analytical Engines' });
    await adapter.track(visit, 'Signed In');
    await visit.click('#add');
    // The first load's snapshot must be stored before the reload, or nothing shows that the
    // reload kept the replay.
    await waitFor('the first upload', async () =>
      (await getChunks(server, replayId)).chunks.length > 0 ? true : undefined,
    );

    // The player opens a replay playing, so the first load lasts long enough for the player
    // test to look at it before playback reaches the reload.
    await visit.waitForTimeout(Math.max(0, loadedAt + 6000 - Date.now()));
    await adapter.trackOnLeave(visit, 'Left Page');
    reloadedAt = Date.now();
    await adapter.reload(visit);
    expect(await adapter.waitUntilRecording(visit)).toBe(replayId);
    await adapter.track(visit, 'Viewed After Reload');
    await visit.click('#add');

    await waitFor(
      'the reloaded page and its click in the replay',
      async () => {
        const events = await getReplayEvents(server, replayId);
        const after = events.filter((event) => event.timestamp >= reloadedAt);
        const snapshot = after.some((event) => event.type === rrwebType.fullSnapshot);
        const click = after.some(
          (event) => event.type === rrwebType.incremental && event.data.source === 2,
        );
        return snapshot && click ? true : undefined;
      },
      adapter.recordFlushMs * 3 + 15_000,
    );
    await waitFor('every tracked event', async () => {
      const rows = await server.context.metadata.analytics.listEventsOfReplay('default', replayId);
      const names = new Set(rows.map((row) => row.name));
      return trackedNames.every((name) => names.has(name)) ? true : undefined;
    });
    await waitFor('the profile', async () =>
      (await server.context.metadata.analytics.getProfile('default', userId)) ? true : undefined,
    );
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await proxy?.close();
    await site?.close();
    await server?.close();
  });

  it('keeps one replay id across the reload', () => {
    const ids = new Set(
      recordUploads(proxy.requests).map((request) => request.url.searchParams.get('replay_id')),
    );
    expect([...ids]).toEqual([replayId]);
  });

  it('stores chunks from seq 0 without gap', async () => {
    const { chunks } = await getChunks(server, replayId);
    const seqs = chunks.map((chunk) => chunk.seq);
    expect(seqs).toEqual(seqs.map((_, index) => index));
    expect(chunks[0]?.hasFullSnapshot).toBe(true);
  });

  it('stores a meta and full snapshot per load', async () => {
    const events = await getReplayEvents(server, replayId);
    const types = events.map((event) => event.type);
    const snapshots = types.flatMap((type, index) =>
      type === rrwebType.fullSnapshot ? [index] : [],
    );
    expect(snapshots.length).toBeGreaterThanOrEqual(2);
    for (const index of snapshots) {
      expect(types.slice(0, index).lastIndexOf(rrwebType.meta)).toBeGreaterThanOrEqual(0);
    }
    expect(events.filter((event) => event.type === rrwebType.meta).length).toBeGreaterThanOrEqual(
      2,
    );
  });

  it('sends the documented upload fields', () => {
    const uploads = recordUploads(proxy.requests);
    expect(uploads.length).toBeGreaterThan(0);
    const authorization = `Basic ${Buffer.from(`${server.token}:`).toString('base64')}`;
    for (const upload of uploads) {
      const query = upload.url.searchParams;
      if (adapter.recordAuth === 'header') {
        expect(upload.headers.authorization).toBe(authorization);
        expect(upload.headers['content-type']).toBe('application/octet-stream');
      } else {
        expect(query.get('token')).toBe(server.token);
        expect(upload.headers['content-type']).toBe('text/plain');
      }
      // Reprise's SDK sends its last batches with keepalive uncompressed, as format=body.
      const isGzip = upload.rawBody[0] === 0x1f && upload.rawBody[1] === 0x8b;
      expect(query.get('format')).toBe(isGzip ? 'gzip' : 'body');
      for (const name of [
        'seq',
        'distinct_id',
        '$device_id',
        'batch_start_time',
        'replay_start_time',
        'replay_length_ms',
        'replay_start_url',
        '$current_url',
        'mp_lib',
        '$lib_version',
      ]) {
        expect(query.get(name), name).not.toBeNull();
      }
      expect(upload.status).toBe(200);
    }
    const last = uploads.at(-1)!.url.searchParams;
    expect(last.get('$user_id')).toBe(userId);
    expect(last.get('distinct_id')).toBe(userId);
  });

  it('links tracked events to the replay', async () => {
    const rows = await server.context.metadata.analytics.listEventsOfReplay('default', replayId);
    for (const name of trackedNames) {
      const event = rows.find((row) => row.name === name);
      expect(event, name).toBeDefined();
      expect(JSON.parse(event!.properties).$mp_replay_id).toBe(replayId);
    }
    const replay = (await getReplay(server, replayId)) as ReplaySummary;
    expect(replay.analyticsEventCount).toBeGreaterThanOrEqual(trackedNames.length);
  });

  it('stores each tracked event once', async () => {
    const rows = await server.context.metadata.analytics.listEventsOfReplay('default', replayId);
    for (const name of trackedNames) {
      expect(
        rows.filter((row) => row.name === name),
        name,
      ).toHaveLength(1);
    }
  });

  it.runIf(adapter.trackAndReadReply)('reads a credentialed reply', async () => {
    // The SDK's XMLHttpRequest sends cookies (withCredentials), so the browser hands it the
    // reply only with the page's origin echoed and credentials allowed.
    expect(await adapter.trackAndReadReply!(visit, 'Read Reply')).toBe(1);
  });

  it.runIf(adapter.sendsBeacons)('stores a text/plain beacon', () => {
    const beacons = proxy.requests.filter(
      (request) =>
        request.url.pathname === '/track/' &&
        String(request.headers['content-type']).startsWith('text/plain') &&
        request.decodedText.includes('"Left Page"'),
    );
    expect(beacons.length).toBeGreaterThan(0);
    for (const beacon of beacons) expect(beacon.status).toBe(200);
  });

  it('stores the profile under the user id', async () => {
    const row = await server.context.metadata.analytics.getProfile('default', userId);
    expect(row?.name).toBe(profile.$name);
    expect(row?.email).toBe(profile.$email);
    expect(JSON.parse(row!.properties)).toMatchObject(profile);
  });

  it.runIf(adapter.setGroup)('stores the group profile', async () => {
    const row = await waitFor('the group profile', () =>
      server.context.metadata.connection.db
        .selectFrom('group_profiles')
        .selectAll()
        .where('group_key', '=', 'company')
        .where('group_id', '=', groupId)
        .executeTakeFirst(),
    );
    expect(JSON.parse(row.properties)).toEqual({ name: 'Analytical Engines' });
  });

  it('ties the device to the user', async () => {
    const rows = await server.context.metadata.connection.db
      .selectFrom('identities')
      .selectAll()
      .where('user_id', '=', userId)
      .execute();
    expect(rows).toHaveLength(1);
    const uploads = recordUploads(proxy.requests);
    expect(rows[0]?.device_id).toBe(uploads[0]!.url.searchParams.get('$device_id'));
  });

  it('finds the replay by user id', async () => {
    const replay = (await getReplay(server, replayId)) as ReplaySummary;
    expect(replay.userId).toBe(userId);
    expect(replay.userName).toBe(profile.$name);
    const response = await server.api(`/api/replays?${new URLSearchParams({ q: userId })}`);
    const page = (await response.json()) as ReplayPage;
    expect(page.replays.map((found) => found.id)).toEqual([replayId]);
  });

  it('sends nothing beyond loopback', () => {
    expect(pageRequests.length).toBeGreaterThan(0);
    // A `blob:` URL, such as the compression worker's script, is read from memory.
    const network = pageRequests.filter((url) => !url.startsWith('blob:'));
    for (const url of network) expect(new URL(url).hostname, url).toBe('127.0.0.1');
    const ingestion = network.filter((url) => url.startsWith(proxy.origin));
    const proxied = new Set(proxy.requests.map((request) => request.url.pathname));
    expect(ingestion.length).toBeGreaterThan(0);
    for (const url of ingestion) expect(proxied.has(new URL(url).pathname), url).toBe(true);
    const otherOrigins = network.filter(
      (url) => !url.startsWith(proxy.origin) && !url.startsWith(site.origin),
    );
    expect(otherOrigins).toEqual([]);
  });

  describe('in the player', () => {
    let page: Page;
    let replay: ReplaySummary;

    beforeAll(async () => {
      replay = (await getReplay(server, replayId)) as ReplaySummary;
      page = await (await browser.newContext({ viewport: { width: 1280, height: 800 } })).newPage();
      await logIn(page, server.url, server.adminEmail, server.adminPassword);
    });

    it('shows the first load at the start', async () => {
      const frame = await openReplay(page, `${server.url}/replays/${replayId}?t=100`);
      await pausePlayer(page);
      await frame.locator('body[data-load="1"]').waitFor({ state: 'attached', timeout: 10_000 });
      expect(await frame.locator('#heading').count()).toBe(1);
    });

    it('shows the reloaded page at the end', async () => {
      const endMs = Math.max(0, replay.durationMs - 50);
      const frame = await openReplay(page, `${server.url}/replays/${replayId}?t=${endMs}`);
      await pausePlayer(page);
      await frame.locator('body[data-load="2"]').waitFor({ state: 'attached', timeout: 10_000 });
      expect(await frame.locator('#list li').count()).toBe(1);
    });
  });
});
