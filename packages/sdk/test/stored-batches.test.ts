import { randomBytes } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import {
  addNodes,
  recordUploads,
  sdkPage,
  sleep,
  startTestBed,
  storedRequests,
  storedSeq,
  waitFor,
  type RecordUpload,
  type SdkTestBed,
  type StoredRequest,
} from './helpers.js';

const recordAll = { record_sessions_percent: 100, record_flush_interval_ms: 300 };
/** Keeps the tail of a page queued until `pagehide`. */
const recordTail = { record_sessions_percent: 100, record_flush_interval_ms: 60_000 };
const metaType = 4;
const fullSnapshotType = 2;

function replyJson(response: ServerResponse, status: number) {
  response.writeHead(status, { 'Content-Type': 'application/json' });
  response.end(JSON.stringify({ status: 0, error: `test reply ${status}`, code: 'test' }));
}

function uploadsOf(bed: SdkTestBed, replayId: string): RecordUpload[] {
  return recordUploads(bed.capture).filter((upload) => upload.replayId === replayId);
}

/** Returns whether the upload starts with the meta event and full snapshot of `href`. */
function startsWithSnapshotOf(upload: RecordUpload, href: string): boolean {
  const [meta, snapshot] = upload.events;
  return meta?.type === metaType && meta.data.href === href && snapshot?.type === fullSnapshotType;
}

/** Returns the seqs in order, after checking that uploads of one seq carry the same events. */
function distinctSeqs(uploads: RecordUpload[]): number[] {
  const eventsBySeq = new Map<number, string>();
  for (const upload of uploads) {
    const events = JSON.stringify(upload.events);
    expect(eventsBySeq.get(upload.seq) ?? events, `copies of seq ${upload.seq}`).toBe(events);
    eventsBySeq.set(upload.seq, events);
  }
  return [...eventsBySeq.keys()].sort((a, b) => a - b);
}

function range(from: number, count: number): number[] {
  return Array.from({ length: count }, (_value, index) => from + index);
}

/**
 * Records `/big.html` with a tail larger than the keepalive budget, leaves it for a page
 * without the SDK, and returns the replay id and the `/record/` requests stored for later.
 */
async function leaveLargeTail(
  bed: SdkTestBed,
  page: Page,
  config: Record<string, unknown> = recordTail,
) {
  bed.site.setPage('/big.html', sdkPage(bed, config));
  bed.site.setPage('/plain.html', '<!doctype html><p>no SDK here</p>');
  await page.goto(`${bed.site.origin}/big.html`);
  await waitFor(() => recordUploads(bed.capture).length >= 1, 'seq 0');
  const replayId = recordUploads(bed.capture)[0]!.replayId;
  for (let i = 0; i < 40; i++) await addNodes(page, 20, 200);
  await page.mouse.move(40, 40);
  await page.goto(`${bed.site.origin}/plain.html`);
  await sleep(1000);
  const stored = (await storedRequests(page)).filter((request) => request.path === '/record/');
  return { replayId, stored };
}

function storedEvents(stored: StoredRequest[]): unknown[] {
  return stored.flatMap((request) => JSON.parse(request.body) as unknown[]);
}

describe('stored batches', () => {
  let bed: SdkTestBed;

  beforeAll(async () => {
    bed = await startTestBed();
  });

  afterAll(async () => {
    await bed?.close();
  });

  beforeEach(() => {
    bed.capture.requests.length = 0;
    bed.capture.setHandler(null);
  });

  it('stored batches go first', async () => {
    const page = await bed.browser.newPage();
    const { replayId, stored } = await leaveLargeTail(bed, page);
    const storedSeqs = stored.map(storedSeq);
    // Slow responses to the stored batches give the next page time to send its own too early.
    bed.capture.setHandler(async (request) => {
      const seq = Number(request.url.searchParams.get('seq'));
      if (request.url.pathname === '/record/' && storedSeqs.includes(seq)) await sleep(300);
      return false;
    });
    bed.site.setPage('/next.html', sdkPage(bed, recordAll));
    const nextStart = Date.now();
    await page.goto(`${bed.site.origin}/next.html`);
    const nextHref = `${bed.site.origin}/next.html`;
    const own = await waitFor(
      () => uploadsOf(bed, replayId).find((upload) => startsWithSnapshotOf(upload, nextHref)),
      'the full snapshot of the next page',
    );
    await page.close();

    const firstStored = Math.min(...storedSeqs);
    const sentByNext = uploadsOf(bed, replayId).filter(
      (upload) => upload.request.receivedAt >= nextStart,
    );
    const seqs = distinctSeqs(uploadsOf(bed, replayId));
    expect(stored.length).toBeGreaterThanOrEqual(2);
    expect(own.seq).toBe(firstStored + stored.length);
    expect(sentByNext.map((upload) => upload.seq)).toEqual(
      range(firstStored, own.seq - firstStored + 1),
    );
    expect(seqs).toEqual(range(0, seqs.length));
  });

  it('stored batch halved on 413', async () => {
    const page = await bed.browser.newPage();
    const { replayId, stored } = await leaveLargeTail(bed, page);
    const firstStored = Math.min(...stored.map(storedSeq));
    let rejected = 0;
    bed.capture.setHandler((request, response) => {
      const seq = Number(request.url.searchParams.get('seq'));
      if (request.url.pathname !== '/record/' || seq !== firstStored || rejected > 0) return false;
      rejected++;
      replyJson(response, 413);
      return true;
    });
    bed.site.setPage('/next.html', sdkPage(bed, recordAll));
    await page.goto(`${bed.site.origin}/next.html`);
    const nextHref = `${bed.site.origin}/next.html`;
    const own = await waitFor(
      () => uploadsOf(bed, replayId).find((upload) => startsWithSnapshotOf(upload, nextHref)),
      'the full snapshot of the next page',
    );
    await page.close();

    const latestBySeq = new Map<number, RecordUpload>();
    for (const upload of uploadsOf(bed, replayId)) latestBySeq.set(upload.seq, upload);
    const resent = range(firstStored, own.seq - firstStored).map((seq) => latestBySeq.get(seq));
    const seqs = [...latestBySeq.keys()].sort((a, b) => a - b);
    expect(rejected).toBe(1);
    expect(own.seq).toBe(firstStored + stored.length + 1);
    expect(resent.every((upload) => upload !== undefined)).toBe(true);
    expect(resent.flatMap((upload) => upload!.events)).toEqual(storedEvents(stored));
    expect(seqs).toEqual(range(0, seqs.length));
  });

  it.each([
    ['expired replay', true],
    ['other tab', false],
  ])('stored batches of %s keep their replay', async (_case, sameTab) => {
    const context = await bed.browser.newContext();
    const page = await context.newPage();
    const config = { ...recordTail, record_idle_timeout_ms: 3000 };
    const { replayId, stored } = await leaveLargeTail(bed, page, config);
    const storedSeqs = stored.map(storedSeq);
    bed.site.setPage('/next.html', sdkPage(bed, { ...recordAll, record_idle_timeout_ms: 3000 }));
    // After 3.5 s without input, the tab's replay has expired.
    if (sameTab) await sleep(3500);
    const nextPage = sameTab ? page : await context.newPage();
    const nextStart = Date.now();
    await nextPage.goto(`${bed.site.origin}/next.html`);
    const nextHref = `${bed.site.origin}/next.html`;
    const own = await waitFor(
      () => recordUploads(bed.capture).find((upload) => startsWithSnapshotOf(upload, nextHref)),
      'the full snapshot of the next page',
    );
    await waitFor(
      () => uploadsOf(bed, replayId).filter((upload) => upload.request.receivedAt >= nextStart),
      'the stored batches',
    );
    await sleep(500);
    await context.close();

    const resent = uploadsOf(bed, replayId).filter(
      (upload) => upload.request.receivedAt >= nextStart,
    );
    const seqs = distinctSeqs(uploadsOf(bed, replayId));
    expect(stored.length).toBeGreaterThan(0);
    expect(own.replayId).not.toBe(replayId);
    expect(own.seq).toBe(0);
    expect(resent.map((upload) => upload.seq)).toEqual(storedSeqs);
    expect(resent.map((upload) => upload.request.text)).toEqual(stored.map((item) => item.body));
    expect(seqs).toEqual(range(0, seqs.length));
  });

  it('in-flight keepalive batch sent once', async () => {
    let heldRequests = 0;
    bed.capture.setHandler(async (request) => {
      if (request.url.pathname !== '/record/' || request.url.searchParams.get('seq') !== '0') {
        return false;
      }
      heldRequests++;
      await sleep(1500);
      return false;
    });
    bed.site.setPage('/in-flight.html', sdkPage(bed, recordTail, '<p>in flight</p>'));
    bed.site.setPage('/plain.html', '<!doctype html><p>no SDK here</p>');
    const page = await bed.browser.newPage();
    await page.goto(`${bed.site.origin}/in-flight.html`);
    await waitFor(() => heldRequests >= 1, 'seq 0 on its way');
    await addNodes(page, 5);
    await page.goto(`${bed.site.origin}/plain.html`);
    await waitFor(() => recordUploads(bed.capture).some((upload) => upload.seq === 1), 'the tail');
    await sleep(2000);
    await page.close();

    const uploads = recordUploads(bed.capture);
    const tail = uploads.find((upload) => upload.seq === 1)!;
    expect(uploads.filter((upload) => upload.seq === 0)).toHaveLength(1);
    expect(tail.events.some((event) => event.type === 3 && event.data.source === 0)).toBe(true);
    expect(distinctSeqs(uploads)).toEqual([0, 1]);
  });

  it('in-flight large batch keeps its seq', async () => {
    // Random attribute values, which are not masked, make the full snapshot too large for
    // keepalive even after gzip.
    const noise = Array.from(
      { length: 5000 },
      () => `<i data-k="${randomBytes(16).toString('hex')}"></i>`,
    ).join('');
    let heldRequests = 0;
    bed.capture.setHandler(async (request) => {
      if (request.url.pathname !== '/record/' || request.url.searchParams.get('seq') !== '0') {
        return false;
      }
      if (heldRequests++ === 0) await sleep(1500);
      return false;
    });
    bed.site.setPage('/in-flight-large.html', sdkPage(bed, recordTail, noise));
    bed.site.setPage('/plain.html', '<!doctype html><p>no SDK here</p>');
    bed.site.setPage('/next.html', sdkPage(bed, recordAll));
    const page = await bed.browser.newPage();
    await page.goto(`${bed.site.origin}/in-flight-large.html`);
    await waitFor(() => heldRequests >= 1, 'seq 0 on its way');
    await addNodes(page, 5);
    await page.goto(`${bed.site.origin}/plain.html`);
    await sleep(500);
    const stored = (await storedRequests(page)).filter((request) => request.path === '/record/');
    await page.goto(`${bed.site.origin}/next.html`);
    const nextHref = `${bed.site.origin}/next.html`;
    const own = await waitFor(
      () => recordUploads(bed.capture).find((upload) => startsWithSnapshotOf(upload, nextHref)),
      'the full snapshot of the next page',
    );
    await page.close();

    const uploads = recordUploads(bed.capture);
    const [inFlight] = uploads;
    const snapshotSeqs = uploads
      .filter((upload) => upload.events.some((event) => event.type === fullSnapshotType))
      .map((upload) => upload.seq);
    expect(inFlight!.seq).toBe(0);
    expect(inFlight!.request.rawBody.length).toBeGreaterThan(64 * 1024);
    expect(stored.map(storedSeq)[0]).toBe(0);
    expect(JSON.parse(stored[0]!.body)).toEqual(inFlight!.events);
    expect(new Set(snapshotSeqs)).toEqual(new Set([0, own.seq]));
    expect(distinctSeqs(uploads)).toEqual(range(0, own.seq + 1));
  });
});
