import type { ReplayPage, ReplaySummary } from '@reprise/protocol';
import { startTestServer, type TestServer } from '@reprise/server/test-support';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  launchChromium,
  startRecordingProxy,
  startStaticServer,
  waitFor,
  type ProxiedRequest,
  type RecordingProxy,
  type StaticServer,
} from './support/index.js';
import {
  getChunks,
  getReplay,
  markedSteps,
  getReplayEvents,
  recordUploads,
} from './support/replay-queries.js';
import { sdkAdapters, sdkTestPage } from './support/sdk-adapters.js';

// mixpanel-browser 2.83.0 keeps unsent rrweb events in IndexedDB. A later page load that finds
// an expired recording there sends them, under the identity of that later page. This file
// checks that Reprise files them under their replay and not under the later identity.
const mixpanel = sdkAdapters.find((adapter) => adapter.name.startsWith('mixpanel-browser'))!;
const laterUser = 'later-user@example.com';
const idleTimeoutMs = 5000;

let server: TestServer;
let proxy: RecordingProxy;
let site: StaticServer;
let browser: Browser;
let firstReplayId: string;
let laterReplayId: string;
let firstDeviceId: string;
let steps = 0;
let lateUploads: ProxiedRequest[] = [];

beforeAll(async () => {
  server = await startTestServer();
  proxy = await startRecordingProxy(server.url);
  site = await startStaticServer(mixpanel.mounts);
  browser = await launchChromium();
  const config = {
    api_host: proxy.origin,
    record_sessions_percent: 100,
    record_idle_timeout_ms: idleTimeoutMs,
  };
  site.setPage('/first.html', sdkTestPage(mixpanel, server.token, config));
  site.setPage(
    '/later.html',
    sdkTestPage(mixpanel, server.token, config, {
      afterInit: `mixpanel.identify(${JSON.stringify(laterUser)});`,
    }),
  );
  const context = await browser.newContext();

  // First visit, anonymous: seq 0 is stored, then the tab closes with events that were never
  // sent, because the recorder uploads every 10 s.
  const first = await context.newPage();
  await first.goto(`${site.origin}/first.html`);
  // Each step comes with a click, user input that keeps the recording from going idle.
  const step = async () => {
    steps += 1;
    await first.evaluate(
      (step) => (window as unknown as { mark(n: number): void }).mark(step),
      steps,
    );
    await first.click('#add');
    await first.waitForTimeout(300);
  };
  // NOTE: in this test, mixpanel-browser 2.83.0 restarts the recording on its idle timeout
  // once, about 5 s after load, although clicks go on. So the replay of interest is the one
  // that records when the tab closes, once it has a stored chunk.
  const hasChunk = async (replayId: string) =>
    (await getChunks(server, replayId)).chunks.length > 0;
  const deadline = Date.now() + mixpanel.recordFlushMs * 4;
  do {
    await step();
    firstReplayId = await mixpanel.waitUntilRecording(first);
  } while (!(await hasChunk(firstReplayId)) && Date.now() < deadline);
  for (let index = 0; index < 6; index++) await step();
  expect(await mixpanel.waitUntilRecording(first)).toBe(firstReplayId);
  expect(await hasChunk(firstReplayId)).toBe(true);
  // Waits out the enqueue delay (250 ms in mixpanel-browser 2.83.0) so the last step is kept.
  await first.waitForTimeout(1000);
  const lastEventAt = Date.now();
  firstDeviceId = recordUploads(proxy.requests)[0]!.url.searchParams.get('$device_id')!;
  await first.close();

  // Later visit in a new tab by someone else: new cookies, so a new device, and identify on
  // load. mixpanel-browser 2.83.0 sends a closed tab's events only once they are orphaned (20 s
  // after they were queued) and their recording has expired (idle timeout). Until then it
  // assumes that another tab still owns them.
  await new Promise((resolve) => setTimeout(resolve, lastEventAt + 21_000 - Date.now()));
  await context.clearCookies();
  const sentBefore = proxy.requests.length;
  const later = await context.newPage();
  await later.goto(`${site.origin}/later.html`);
  laterReplayId = await mixpanel.waitUntilRecording(later);
  lateUploads = await waitFor('the first replay to be sent again', async () => {
    const uploads = recordUploads(proxy.requests.slice(sentBefore)).filter(
      (upload) =>
        upload.url.searchParams.get('replay_id') === firstReplayId && upload.status === 200,
    );
    return uploads.length > 0 ? uploads : undefined;
  });
  await waitFor('every step of the first visit', async () =>
    markedSteps(await getReplayEvents(server, firstReplayId)).includes(steps) ? true : undefined,
  );
  await waitFor('the later visit', async () =>
    (await getChunks(server, laterReplayId)).chunks.length > 0 ? true : undefined,
  );
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await proxy?.close();
  await site?.close();
  await server?.close();
});

describe('late batches of mixpanel-browser', () => {
  it('arrive under the later identity', () => {
    for (const upload of lateUploads) {
      expect(upload.url.searchParams.get('distinct_id')).toBe(laterUser);
      expect(upload.url.searchParams.get('$device_id')).not.toBe(firstDeviceId);
    }
  });

  it('join their replay without gap', async () => {
    const { chunks } = await getChunks(server, firstReplayId);
    const seqs = chunks.map((chunk) => chunk.seq);
    expect(seqs.length).toBeGreaterThan(1);
    expect(seqs).toEqual(seqs.map((_, index) => index));
    const events = await getReplayEvents(server, firstReplayId);
    const marked = markedSteps(events);
    // A step marked before the recorder took its full snapshot is part of that snapshot and
    // not a change, so the changes start at some early step and then miss none.
    expect(marked[0]).toBeLessThanOrEqual(steps - 6);
    const first = marked[0] ?? 1;
    expect(marked).toEqual(Array.from({ length: steps - first + 1 }, (_, index) => first + index));
  });

  it('keep the replay anonymous', async () => {
    const replay = (await getReplay(server, firstReplayId)) as ReplaySummary;
    expect(replay.deviceId).toBe(firstDeviceId);
    expect(replay.distinctId).toBe(`$device:${firstDeviceId}`);
    expect(replay.userId).toBeNull();
  });

  it('keep the replay out of the later user', async () => {
    const response = await server.api(`/api/replays?${new URLSearchParams({ q: laterUser })}`);
    const found = ((await response.json()) as ReplayPage).replays.map((replay) => replay.id);
    expect(found).toEqual([laterReplayId]);
  });
});
