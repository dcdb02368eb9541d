import type { ServerResponse } from 'node:http';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  addNodes,
  recordUploads,
  sdkPage,
  sleep,
  startTestBed,
  token,
  waitFor,
  type SdkTestBed,
} from './helpers.js';

/** rrweb's `EventType.IncrementalSnapshot`. */
const rrwebIncrementalSnapshot = 3;

const recordAll = { record_sessions_percent: 100, record_flush_interval_ms: 300 };

function replyJson(response: ServerResponse, status: number, headers: Record<string, string> = {}) {
  response.writeHead(status, { 'Content-Type': 'application/json', ...headers });
  response.end(JSON.stringify({ status: 0, error: `test reply ${status}`, code: 'test' }));
}

describe('record upload', () => {
  let bed: SdkTestBed;

  beforeAll(async () => {
    bed = await startTestBed();
  });

  afterAll(async () => {
    await bed?.close();
  });

  beforeEach(() => {
    bed.capture.requests.length = 0;
    bed.capture.preflights.length = 0;
    bed.capture.setHandler(null);
  });

  it('retries a 500 without a seq gap', async () => {
    let failures = 0;
    bed.capture.setHandler((request, response) => {
      if (request.url.pathname !== '/record/' || failures >= 1) return false;
      failures++;
      replyJson(response, 500);
      return true;
    });
    bed.site.setPage('/retry.html', sdkPage(bed, recordAll, '<p>retry</p>'));
    const page = await bed.browser.newPage();
    await page.goto(`${bed.site.origin}/retry.html`);
    await waitFor(() => recordUploads(bed.capture).length >= 2, 'the retried upload');
    await page.mouse.move(30, 40);
    await waitFor(() => recordUploads(bed.capture).length >= 3, 'the next batch');
    await page.close();

    const uploads = recordUploads(bed.capture);
    expect(uploads[0]!.seq).toBe(0);
    expect(uploads[1]!.seq).toBe(0);
    expect(uploads[1]!.events).toEqual(uploads[0]!.events);
    expect(uploads[2]!.seq).toBe(1);
  });

  it('honours Retry-After on 429', async () => {
    let limited = false;
    bed.capture.setHandler((request, response) => {
      if (request.url.pathname !== '/record/' || limited) return false;
      limited = true;
      replyJson(response, 429, { 'Retry-After': '1' });
      return true;
    });
    bed.site.setPage('/limited.html', sdkPage(bed, recordAll));
    const page = await bed.browser.newPage();
    await page.goto(`${bed.site.origin}/limited.html`);
    await waitFor(() => recordUploads(bed.capture).length >= 2, 'the upload after 429');
    await page.close();

    const [first, second] = recordUploads(bed.capture);
    expect(second!.seq).toBe(first!.seq);
    expect(second!.request.receivedAt - first!.request.receivedAt).toBeGreaterThanOrEqual(950);
  });

  it('halves a batch on 413', async () => {
    let rejected: string | null = null;
    bed.capture.setHandler((request, response) => {
      if (request.url.pathname !== '/record/' || rejected !== null) return false;
      if (request.url.searchParams.get('seq') !== '1') return false;
      rejected = request.text;
      replyJson(response, 413);
      return true;
    });
    bed.site.setPage('/large.html', sdkPage(bed, { ...recordAll, record_flush_interval_ms: 1000 }));
    const page = await bed.browser.newPage();
    await page.goto(`${bed.site.origin}/large.html`);
    await waitFor(() => recordUploads(bed.capture).length >= 1, 'seq 0');
    for (let i = 0; i < 6; i++) await addNodes(page, 3);
    await waitFor(
      () => recordUploads(bed.capture).filter((upload) => upload.seq >= 1).length >= 3,
      'both halves',
    );
    await page.close();

    const original = JSON.parse(rejected!) as unknown[];
    const [tooLarge, firstHalf, secondHalf] = recordUploads(bed.capture).filter(
      (upload) => upload.seq >= 1,
    );
    expect(original.length).toBeGreaterThan(1);
    expect(tooLarge!.seq).toBe(1);
    expect(firstHalf!.seq).toBe(1);
    expect(secondHalf!.seq).toBe(2);
    expect(firstHalf!.events.length).toBe(Math.ceil(original.length / 2));
    expect([...firstHalf!.events, ...secondHalf!.events]).toEqual(original);
  });

  it('record_min_ms holds short replays', async () => {
    bed.site.setPage('/minimum.html', sdkPage(bed, { ...recordAll, record_min_ms: 3000 }));
    const page = await bed.browser.newPage();
    await page.goto(`${bed.site.origin}/minimum.html`);
    await page.mouse.move(10, 10);
    await sleep(1500);
    const early = recordUploads(bed.capture).length;
    await sleep(2000);
    await page.mouse.move(80, 90);
    await waitFor(() => recordUploads(bed.capture).length > 0, 'the upload after record_min_ms');
    await page.close();

    const [first] = recordUploads(bed.capture);
    expect(early).toBe(0);
    expect(first!.seq).toBe(0);
    expect(first!.events.some((event) => event.type === 2)).toBe(true);
  });

  it('sends gzip with the wire query', async () => {
    bed.site.setPage('/query.html', sdkPage(bed, recordAll));
    const page = await bed.browser.newPage();
    await page.goto(`${bed.site.origin}/query.html?from=test`);
    await waitFor(() => recordUploads(bed.capture).length >= 1, 'seq 0');
    await page.close();

    const [upload] = recordUploads(bed.capture);
    const query = upload!.request.url.searchParams;
    const rawBody = upload!.request.rawBody;
    expect(upload!.format).toBe('gzip');
    expect([rawBody[0], rawBody[1]]).toEqual([0x1f, 0x8b]);
    expect(query.get('token')).toBe(token);
    expect(upload!.request.headers.authorization).toBeUndefined();
    expect(upload!.request.headers['content-type']).toBe('text/plain');
    expect(bed.capture.preflights.map((request) => request.url.pathname)).not.toContain('/record/');
    expect(query.get('replay_id')).toMatch(/^[0-9a-f-]{36}$/);
    expect(query.get('distinct_id')).toBe(`$device:${query.get('$device_id')}`);
    expect(query.get('replay_start_url')).toBe(`${bed.site.origin}/query.html?from=test`);
    expect(query.get('mp_lib')).toBe('reprise');
    expect(Number(query.get('batch_start_time'))).toBeCloseTo(
      upload!.events[0]!.timestamp / 1000,
      2,
    );
    expect(Number(query.get('replay_start_time'))).toBeLessThanOrEqual(
      Number(query.get('batch_start_time')),
    );
    expect(Number(query.get('sent_at'))).toBeGreaterThan(Date.now() - 60_000);
    for (const name of ['replay_length_ms', '$current_url', '$lib_version'])
      expect(query.get(name)).not.toBeNull();
  });

  it('gzips in the worker file', async () => {
    bed.site.setPage('/worker.html', sdkPage(bed, recordAll));
    const page = await bed.browser.newPage();
    await page.goto(`${bed.site.origin}/worker.html`);
    await waitFor(() => recordUploads(bed.capture).length >= 1, 'seq 0');
    const workers = page.workers().map((worker) => worker.url());
    await page.close();

    const [upload] = recordUploads(bed.capture);
    expect(workers).toEqual([`${bed.site.origin}/sdk/compression-worker.js`]);
    expect(upload!.format).toBe('gzip');
    expect(upload!.events.some((event) => event.type === 2)).toBe(true);
  });

  // Each row: the page's worker-src, then the URL prefix of the worker that should run.
  it.each([
    ['worker-src blob:', 'blob:'],
    ["worker-src 'none'", null],
  ])('gzips under CSP %s', async (policy, workerPrefix) => {
    const meta = `<meta http-equiv="Content-Security-Policy" content="${policy}">`;
    const html = sdkPage(bed, recordAll).replace('<head>', `<head>${meta}`);
    bed.site.setPage('/csp.html', html);
    const page = await bed.browser.newPage();
    await page.goto(`${bed.site.origin}/csp.html`);
    await waitFor(() => recordUploads(bed.capture).length >= 1, 'seq 0');
    await page.mouse.click(20, 20);
    await waitFor(() => recordUploads(bed.capture).length >= 2, 'seq 1');
    const workers = page.workers().map((worker) => worker.url());
    await page.close();

    const uploads = recordUploads(bed.capture);
    if (workerPrefix) {
      expect(workers).toHaveLength(1);
      expect(workers[0]).toMatch(new RegExp(`^${workerPrefix}`));
    } else {
      expect(workers).toEqual([]);
    }
    expect(uploads.map((upload) => upload.seq)).toEqual([0, 1]);
    expect(uploads.map((upload) => upload.format)).toEqual(['gzip', 'gzip']);
  });

  it('pagehide sends the tail with keepalive', async () => {
    bed.site.setPage(
      '/tail.html',
      sdkPage(bed, { record_sessions_percent: 100, record_flush_interval_ms: 60_000 }),
    );
    bed.site.setPage('/elsewhere.html', '<!doctype html><p>no SDK here</p>');
    const page = await bed.browser.newPage();
    await page.goto(`${bed.site.origin}/tail.html`);
    await waitFor(() => recordUploads(bed.capture).length >= 1, 'seq 0');
    await addNodes(page, 5);
    await sleep(200);
    expect(recordUploads(bed.capture).length).toBe(1);

    await page.goto(`${bed.site.origin}/elsewhere.html`);
    await waitFor(() => recordUploads(bed.capture).length >= 2, 'the tail');
    await page.close();

    const [first, tail] = recordUploads(bed.capture);
    expect(tail!.replayId).toBe(first!.replayId);
    expect(tail!.seq).toBe(1);
    expect(tail!.format).toBe('body');
    expect(tail!.events.some((event) => event.type === 3 && event.data.source === 0)).toBe(true);
  });

  it('next page load sends what keepalive could not', async () => {
    bed.site.setPage(
      '/big.html',
      sdkPage(bed, { record_sessions_percent: 100, record_flush_interval_ms: 60_000 }),
    );
    bed.site.setPage('/plain.html', '<!doctype html><p>no SDK here</p>');
    bed.site.setPage('/next.html', sdkPage(bed, { record_sessions_percent: 0 }));
    const page = await bed.browser.newPage();
    await page.goto(`${bed.site.origin}/big.html`);
    await waitFor(() => recordUploads(bed.capture).length >= 1, 'seq 0');
    const replayId = recordUploads(bed.capture)[0]!.replayId;
    for (let i = 0; i < 40; i++) await addNodes(page, 20, 200);

    await page.goto(`${bed.site.origin}/plain.html`);
    await sleep(1000);
    const stored = await page.evaluate(
      (key) => localStorage.getItem(key),
      `reprise_outbox_${token}`,
    );
    const storedItems = JSON.parse(stored ?? '[]') as { path: string; query: string }[];
    const sentByKeepalive = recordUploads(bed.capture).filter((upload) => upload.seq >= 1);
    const keepaliveBytes = sentByKeepalive.reduce(
      (sum, upload) => sum + upload.request.rawBody.length,
      0,
    );
    expect(storedItems.length).toBeGreaterThan(0);
    expect(
      storedItems.every((item) => item.path === '/record/' && item.query.includes(replayId)),
    ).toBe(true);
    expect(keepaliveBytes).toBeGreaterThan(0);
    expect(keepaliveBytes).toBeLessThanOrEqual(64 * 1024);

    await page.goto(`${bed.site.origin}/next.html`);
    const expectedCount = 1 + sentByKeepalive.length + storedItems.length;
    await waitFor(() => recordUploads(bed.capture).length >= expectedCount, 'the stored batches');
    const remaining = await page.evaluate(
      (key) => localStorage.getItem(key),
      `reprise_outbox_${token}`,
    );
    await page.close();

    const uploads = recordUploads(bed.capture);
    const seqs = uploads.map((upload) => upload.seq).sort((a, b) => a - b);
    expect(remaining).toBeNull();
    expect(new Set(uploads.map((upload) => upload.replayId))).toEqual(new Set([replayId]));
    expect(seqs).toEqual(seqs.map((_seq, index) => index));
  });
  it('sends a click within the action delay', async () => {
    const config = { record_sessions_percent: 100, record_flush_interval_ms: 60_000 };
    bed.site.setPage('/action.html', sdkPage(bed, config, '<button id="go">Go</button>'));
    const page = await bed.browser.newPage();
    await page.goto(`${bed.site.origin}/action.html`);
    await waitFor(() => recordUploads(bed.capture).length >= 1, 'the first batch');
    await page.click('#go');
    await waitFor(() => recordUploads(bed.capture).length >= 2, 'the batch with the click', 20_000);
    await page.close();

    const [, second] = recordUploads(bed.capture);
    const clicks = second!.events.filter(
      (event) => event.type === rrwebIncrementalSnapshot && event.data.source === 2,
    );
    expect(clicks.length).toBeGreaterThan(0);
  });

  it('record_action_flush_ms 0 waits for the interval', async () => {
    const config = {
      record_sessions_percent: 100,
      record_flush_interval_ms: 60_000,
      record_action_flush_ms: 0,
    };
    bed.site.setPage('/no-action.html', sdkPage(bed, config, '<button id="go">Go</button>'));
    const page = await bed.browser.newPage();
    await page.goto(`${bed.site.origin}/no-action.html`);
    await waitFor(() => recordUploads(bed.capture).length >= 1, 'the first batch');
    await page.click('#go');
    await sleep(3000);
    expect(recordUploads(bed.capture)).toHaveLength(1);
    await page.close();
  });
  it('takes periodic full snapshots', async () => {
    const config = { ...recordAll, record_full_snapshot_interval_ms: 1000 };
    bed.site.setPage('/checkout.html', sdkPage(bed, config, '<p id="clock">0</p>'));
    const page = await bed.browser.newPage();
    await page.goto(`${bed.site.origin}/checkout.html`);
    await waitFor(() => recordUploads(bed.capture).length >= 1, 'seq 0');
    await page.evaluate(() => {
      let ticks = 0;
      setInterval(() => (document.getElementById('clock')!.textContent = String(++ticks)), 200);
    });
    const fullSnapshots = () =>
      recordUploads(bed.capture)
        .flatMap((upload) => upload.events)
        .filter((event) => event.type === 2);
    await waitFor(() => fullSnapshots().length >= 3, 'three full snapshots');
    await page.close();

    const events = recordUploads(bed.capture).flatMap((upload) => upload.events);
    const snapshotIndexes = events.flatMap((event, index) => (event.type === 2 ? [index] : []));
    for (const index of snapshotIndexes) expect(events[index - 1]?.type).toBe(4);
    for (const index of snapshotIndexes.slice(1)) {
      expect(events[index - 2]?.type).toBe(5);
      expect(events[index - 2]?.data.tag).toBe('reprise.checkout');
    }
  });
});
