import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import {
  recordUploads,
  sdkPage,
  sleep,
  startTestBed,
  token,
  waitFor,
  type SdkTestBed,
} from './helpers.js';

const recordAll = { record_sessions_percent: 100, record_flush_interval_ms: 300 };
const metaType = 4;
const fullSnapshotType = 2;
const replayKey = `reprise_replay_${token}`;

/** BroadcastChannel on which a copy page reports that its recording has started. */
const signalChannel = 'reprise-test-signal';

/**
 * Returns a page without the SDK that replies to the duplicated-tab check as an earlier tab that
 * owns the replay would. It replies only once the copy reports that it records, so the reply
 * arrives after the copy took its full snapshot. `window.repliedAt` contains the Unix ms of
 * each reply.
 */
function lateOwnerPage(): string {
  return `<!doctype html><p>owner</p><script>
  window.repliedAt = [];
  let requestedReplayId = null;
  let recording = false;
  const channel = new BroadcastChannel('${replayKey}');
  const reply = () => {
    if (requestedReplayId === null || !recording) return;
    channel.postMessage({ type: 'claimed', replayId: requestedReplayId, since: performance.timeOrigin });
    window.repliedAt.push(Date.now());
    requestedReplayId = null;
  };
  channel.onmessage = ({ data }) => {
    if (data?.type !== 'ask') return;
    requestedReplayId = data.replayId;
    reply();
  };
  new BroadcastChannel('${signalChannel}').onmessage = () => {
    recording = true;
    reply();
  };
</script>`;
}

/**
 * Returns a script that posts on the signal channel when the SDK logs that it records. It wraps
 * `console.log` before the SDK loads, because the SDK keeps the `console.log` it finds then.
 * The page also preloads the recorder, so that it records well within the 250 ms the
 * duplicated-tab check waits, even on a busy machine.
 */
function recordingSignal(): string {
  return `<link rel="modulepreload" href="/sdk/recorder.mjs">
<script>
  const log = console.log;
  const signal = new BroadcastChannel('${signalChannel}');
  console.log = (...args) => {
    if (args[0] === '[reprise]' && args[1] === 'recording replay') signal.postMessage('recording');
    log.apply(console, args);
  };
</script>`;
}

/** Returns a replay state as another tab would leave it in a duplicated tab's sessionStorage. */
function copiedReplay(origin: string) {
  const now = Date.now();
  return {
    replayId: randomUUID(),
    sampled: true,
    forced: false,
    seq: 3,
    startMs: now - 5000,
    lastActiveMs: now - 1000,
    replayStartUrl: `${origin}/owner.html`,
  };
}

/**
 * Opens a late owner page and then `path` in a new tab of the same browser context, with the
 * copied replay in the new tab's sessionStorage as duplicating the owner's tab would leave it.
 */
async function openDuplicate(bed: SdkTestBed, path: string, stored: object) {
  const context = await bed.browser.newContext();
  const owner = await context.newPage();
  await owner.goto(`${bed.site.origin}/owner.html`);
  const copy = await context.newPage();
  await copy.addInitScript(
    ([key, value]) => {
      if (sessionStorage.getItem(key) === null) sessionStorage.setItem(key, value);
    },
    [replayKey, JSON.stringify(stored)] as const,
  );
  await copy.goto(`${bed.site.origin}${path}`);
  return { context, owner, copy };
}

async function replayIdOf(page: Page): Promise<string | undefined> {
  await page.waitForFunction(() => (window as { reprise?: unknown }).reprise !== undefined);
  return page.evaluate(() => {
    const api = (
      window as unknown as {
        reprise: { get_session_recording_properties(): { $mp_replay_id?: string } };
      }
    ).reprise;
    return api.get_session_recording_properties().$mp_replay_id;
  });
}

function seqsOf(bed: SdkTestBed, replayId: string): number[] {
  return recordUploads(bed.capture)
    .filter((upload) => upload.replayId === replayId)
    .map((upload) => upload.seq);
}

describe('replay ids and seq', () => {
  let bed: SdkTestBed;

  beforeAll(async () => {
    bed = await startTestBed();
  });

  afterAll(async () => {
    await bed?.close();
  });

  beforeEach(() => {
    bed.capture.requests.length = 0;
  });

  it('reload continues replay and seq', async () => {
    bed.site.setPage('/reload.html', sdkPage(bed, recordAll, '<p>hello</p>'));
    const page = await bed.browser.newPage();
    await page.goto(`${bed.site.origin}/reload.html`);
    const replayId = await waitFor(() => replayIdOf(page), 'a replay id');
    await waitFor(() => seqsOf(bed, replayId).length >= 1, 'seq 0');
    await page.mouse.move(10, 10);
    await page.mouse.move(50, 60);
    await waitFor(() => seqsOf(bed, replayId).length >= 2, 'seq 1');

    await page.reload();
    expect(await waitFor(() => replayIdOf(page), 'the replay id after reload')).toBe(replayId);
    await page.mouse.move(20, 30);
    const uploads = () =>
      recordUploads(bed.capture).filter((upload) => upload.replayId === replayId);
    await waitFor(
      () =>
        uploads().filter((upload) => upload.events.some((event) => event.type === 2)).length >= 2,
      'a second full snapshot',
    );
    await sleep(500);
    await page.close();

    const seqs = seqsOf(bed, replayId);
    expect(seqs[0]).toBe(0);
    expect([...seqs].sort((a, b) => a - b)).toEqual(seqs.map((_seq, index) => index));
    expect(new Set(recordUploads(bed.capture).map((upload) => upload.replayId))).toEqual(
      new Set([replayId]),
    );
  });

  it('duplicated tab starts its own replay', async () => {
    bed.site.setPage('/duplicate.html', sdkPage(bed, recordAll, '<p>duplicate me</p>'));
    const page = await bed.browser.newPage();
    await page.goto(`${bed.site.origin}/duplicate.html`);
    const originalId = await waitFor(() => replayIdOf(page), 'the original replay id');
    await waitFor(() => seqsOf(bed, originalId).length >= 1, 'the original seq 0');

    // window.open copies the opener's sessionStorage, as duplicating a tab does.
    const [copy] = await Promise.all([
      page.context().waitForEvent('page'),
      page.evaluate(() => void window.open(location.href)),
    ]);
    await copy.waitForLoadState();
    const copyId = await waitFor(() => replayIdOf(copy), 'the copy replay id');
    const copiedState = await copy.evaluate(
      () => (window as { storedReplay?: string }).storedReplay,
    );

    expect(copiedState).toContain(originalId);
    expect(copyId).not.toBe(originalId);
    await waitFor(() => seqsOf(bed, copyId).length >= 1, 'the copy seq 0');
    const copyFirst = recordUploads(bed.capture).find((upload) => upload.replayId === copyId)!;
    expect(copyFirst.seq).toBe(0);
    expect(copyFirst.events[0]?.type).toBe(metaType);
    expect(copyFirst.events[1]?.type).toBe(fullSnapshotType);
    expect(await replayIdOf(page)).toBe(originalId);
    await copy.close();
    await page.close();
  });

  it('late claim moves recorded events', async () => {
    bed.site.setPage('/owner.html', lateOwnerPage());
    const config = { ...recordAll, debug: true };
    bed.site.setPage('/copy.html', sdkPage(bed, config, `<p>copy</p>${recordingSignal()}`));
    const stored = copiedReplay(bed.site.origin);
    const { context, owner, copy } = await openDuplicate(bed, '/copy.html', stored);
    await waitFor(() => recordUploads(bed.capture).length >= 1, 'the first upload of the copy');
    const copyId = await replayIdOf(copy);
    const repliedAt = await owner.evaluate(() => (window as { repliedAt?: number[] }).repliedAt);
    const copiedState = await copy.evaluate((key) => sessionStorage.getItem(key), replayKey);
    await sleep(500);
    await context.close();

    const uploads = recordUploads(bed.capture);
    const first = uploads[0]!;
    const snapshot = first.events[1];
    expect(repliedAt).toHaveLength(1);
    expect(copyId).toBeDefined();
    expect(copyId).not.toBe(stored.replayId);
    expect(copiedState).toContain(copyId);
    expect(uploads.filter((upload) => upload.replayId === stored.replayId)).toEqual([]);
    expect(first.replayId).toBe(copyId);
    expect(first.seq).toBe(0);
    expect(first.events[0]?.type).toBe(metaType);
    expect(snapshot?.type).toBe(fullSnapshotType);
    // Taken before the reply: the recording started at once and its events moved over.
    expect(snapshot!.timestamp).toBeLessThan(repliedAt![0]!);
  });

  it('late claim discards unsampled copy', async () => {
    bed.site.setPage('/owner.html', lateOwnerPage());
    const config = { record_sessions_percent: 0, record_flush_interval_ms: 300, debug: true };
    const body = `<p>copy</p>${recordingSignal()}`;
    bed.site.setPage('/unsampled-copy.html', sdkPage(bed, config, body));
    const stored = copiedReplay(bed.site.origin);
    const { context, owner, copy } = await openDuplicate(bed, '/unsampled-copy.html', stored);
    // The owner replies only once the copy records, so the copy had events to discard.
    await waitFor(
      () => owner.evaluate(() => (window as { repliedAt?: number[] }).repliedAt?.length),
      'the owner reply',
    );
    await copy.mouse.move(20, 20);
    await sleep(1000);
    const properties = await replayIdOf(copy);
    const copiedState = await copy.evaluate((key) => sessionStorage.getItem(key), replayKey);
    await context.close();

    const parsed = JSON.parse(copiedState ?? '{}') as { replayId?: string; sampled?: boolean };
    expect(properties).toBeUndefined();
    expect(recordUploads(bed.capture)).toEqual([]);
    expect(parsed.replayId).not.toBe(stored.replayId);
    expect(parsed.sampled).toBe(false);
  });

  it('stop then start gives a new replay', async () => {
    bed.site.setPage('/restart.html', sdkPage(bed, recordAll));
    const page = await bed.browser.newPage();
    await page.goto(`${bed.site.origin}/restart.html`);
    const firstId = await waitFor(() => replayIdOf(page), 'the first replay id');
    const stopped = await page.evaluate(() => {
      const api = (window as unknown as { reprise: Record<string, () => unknown> }).reprise;
      api.stop_session_recording!();
      return api.get_session_recording_properties!();
    });
    expect(stopped).toEqual({});

    await page.evaluate(() =>
      (window as unknown as { reprise: Record<string, () => void> }).reprise
        .start_session_recording!(),
    );
    const secondId = await waitFor(() => replayIdOf(page), 'the second replay id');
    expect(secondId).not.toBe(firstId);
    await waitFor(() => seqsOf(bed, secondId).length >= 1, 'seq 0 of the second replay');
    expect(seqsOf(bed, secondId)[0]).toBe(0);
    await page.close();
  });

  it('idle timeout starts a new replay', async () => {
    bed.site.setPage('/idle.html', sdkPage(bed, { ...recordAll, record_idle_timeout_ms: 1000 }));
    const page = await bed.browser.newPage();
    await page.goto(`${bed.site.origin}/idle.html`);
    const firstId = await waitFor(() => replayIdOf(page), 'the first replay id');
    await page.mouse.move(10, 10);
    await sleep(1600);
    const whileIdle = await replayIdOf(page);
    await page.mouse.move(60, 80);
    const secondId = await waitFor(() => replayIdOf(page), 'the replay id after input');
    await waitFor(() => seqsOf(bed, secondId).length >= 1, 'seq 0 of the new replay');
    await page.close();

    expect(whileIdle).toBeUndefined();
    expect(secondId).not.toBe(firstId);
    expect(seqsOf(bed, secondId)[0]).toBe(0);
    const first = recordUploads(bed.capture).find((upload) => upload.replayId === secondId)!;
    expect(first.events.some((event) => event.type === 2)).toBe(true);
  });

  it('max length starts a new replay', async () => {
    bed.site.setPage('/maximum.html', sdkPage(bed, { ...recordAll, record_max_ms: 1500 }));
    const page = await bed.browser.newPage();
    await page.goto(`${bed.site.origin}/maximum.html`);
    const firstId = await waitFor(() => replayIdOf(page), 'the first replay id');
    const secondId = await waitFor(
      async () => ((await replayIdOf(page)) !== firstId ? replayIdOf(page) : undefined),
      'a new replay id',
    );
    await waitFor(() => seqsOf(bed, secondId).length >= 1, 'seq 0 of the new replay');
    await page.close();

    const first = recordUploads(bed.capture).find((upload) => upload.replayId === secondId)!;
    expect(first.seq).toBe(0);
    expect(first.events.some((event) => event.type === 2)).toBe(true);
  });

  it('sampling 0 sends no replay', async () => {
    bed.site.setPage('/unsampled.html', sdkPage(bed, { record_sessions_percent: 0 }, '<p>x</p>'));
    const page = await bed.browser.newPage();
    await page.goto(`${bed.site.origin}/unsampled.html`);
    await page.waitForFunction(() => (window as { reprise?: unknown }).reprise !== undefined);
    await page.mouse.move(5, 5);
    await page.evaluate(() =>
      (window as unknown as { reprise: { track(name: string): void } }).reprise.track('Viewed'),
    );
    await waitFor(
      () => bed.capture.requests.some((request) => request.url.pathname === '/track/'),
      'the tracked event',
    );
    await sleep(1000);

    expect(await replayIdOf(page)).toBeUndefined();
    expect(recordUploads(bed.capture)).toEqual([]);
    const scripts = await page.evaluate(() =>
      performance.getEntriesByType('resource').map((entry) => entry.name),
    );
    expect(scripts.some((name) => name.includes('recorder'))).toBe(false);
    await page.close();
  });

  it('sampling 100 sends a replay', async () => {
    bed.site.setPage('/sampled.html', sdkPage(bed, { record_sessions_percent: 100 }, '<p>x</p>'));
    const page = await bed.browser.newPage();
    await page.goto(`${bed.site.origin}/sampled.html`);
    const replayId = await waitFor(() => replayIdOf(page), 'a replay id');
    await waitFor(() => recordUploads(bed.capture).length > 0, 'the first /record/ upload');
    const [first] = recordUploads(bed.capture);
    expect(first!.replayId).toBe(replayId);
    expect(first!.seq).toBe(0);
    expect(first!.events.some((event) => event.type === 2)).toBe(true);
    await page.close();
  });

  it('sampling decision survives reload', async () => {
    bed.site.setPage('/half.html', sdkPage(bed, { record_sessions_percent: 50 }, '<p>x</p>'));
    const page = await bed.browser.newPage();
    await page.goto(`${bed.site.origin}/half.html`);
    await page.waitForFunction(() => (window as { reprise?: unknown }).reprise !== undefined);
    await sleep(400);
    const before = await page.evaluate(() => sessionStorage.getItem('reprise_replay_test-token'));
    for (let reload = 0; reload < 4; reload++) {
      await page.reload();
      await page.waitForFunction(() => (window as { reprise?: unknown }).reprise !== undefined);
      await sleep(400);
    }
    const after = await page.evaluate(() => sessionStorage.getItem('reprise_replay_test-token'));

    const parse = (text: string | null) =>
      JSON.parse(text ?? '{}') as { replayId: string; sampled: boolean };
    expect(parse(after).replayId).toBe(parse(before).replayId);
    expect(parse(after).sampled).toBe(parse(before).sampled);
    await page.close();
  });
});
