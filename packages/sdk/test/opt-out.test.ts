import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import {
  currentReplayId,
  leavePage,
  recordUploads,
  sdkPage,
  sleep,
  startTestBed,
  storedRequests,
  token,
  uploadsOf,
  waitFor,
  type SdkTestBed,
} from './helpers.js';

// Opting out stops recording at once, on every later page load, and before the recorder is
// even downloaded. Each test counts `/record/` requests and recorder downloads.

const recordAll = { record_sessions_percent: 100, record_flush_interval_ms: 200 };

function call(page: Page, method: string): Promise<unknown> {
  return page.evaluate((method) => {
    return (window as unknown as { reprise: Record<string, () => unknown> }).reprise[method]!();
  }, method);
}

/** Opens a page and collects the URLs of the recorder bundles it downloads. */
async function openPage(
  bed: SdkTestBed,
  path: string,
  config: Record<string, unknown>,
  options: { doNotTrack?: boolean } = {},
): Promise<{ page: Page; recorderLoads: string[] }> {
  bed.site.setPage(path, sdkPage(bed, config, '<p>content</p>'));
  const page = await bed.browser.newPage();
  const recorderLoads: string[] = [];
  page.on('request', (request) => {
    if (/recorder/.test(request.url())) recorderLoads.push(request.url());
  });
  if (options.doNotTrack) {
    await page.addInitScript(() => {
      Object.defineProperty(Navigator.prototype, 'doNotTrack', { get: () => '1' });
    });
  }
  await page.goto(`${bed.site.origin}${path}`);
  await page.waitForFunction(() => 'reprise' in window);
  return { page, recorderLoads };
}

/** Builds a `/record/` request as the outbox stores it for the next page load. */
function storedBatch(replayId: string) {
  const query = new URLSearchParams({ replay_id: replayId, seq: '0', format: 'body' });
  const event = { type: 3, timestamp: Date.now(), data: { source: 1, positions: [] } };
  return { path: '/record/', query: query.toString(), body: JSON.stringify([event]) };
}

describe('opt-out', () => {
  let bed: SdkTestBed;

  beforeAll(async () => {
    bed = await startTestBed();
  });

  beforeEach(() => {
    bed.capture.requests.length = 0;
  });

  afterAll(async () => {
    await bed?.close();
  });

  it('drops queued and stored batches', async () => {
    const config = { ...recordAll, record_flush_interval_ms: 60_000 };
    const { page } = await openPage(bed, '/drop.html', config);
    const replayId = await waitFor(() => currentReplayId(page), 'a replay id');
    await waitFor(() => uploadsOf(bed.capture, replayId).length > 0, 'the first upload');
    await page.evaluate(([key, item]) => localStorage.setItem(key, JSON.stringify([item])), [
      `reprise_outbox_${token}`,
      storedBatch(replayId),
    ] as const);
    await page.mouse.move(20, 20);
    await page.mouse.move(60, 90);
    const requestsAtOptOut = bed.capture.requests.length;
    await call(page, 'opt_out_tracking');
    const stored = await storedRequests(page);
    await leavePage(bed, page);
    await sleep(500);
    await page.close();

    expect(stored).toEqual([]);
    expect(bed.capture.requests.length).toBe(requestsAtOptOut);
  });

  it('stays opted out after reload', async () => {
    const { page, recorderLoads } = await openPage(bed, '/remember.html', recordAll);
    await waitFor(() => recordUploads(bed.capture).length > 0, 'the first upload');
    await call(page, 'opt_out_tracking');
    const uploadsAtOptOut = recordUploads(bed.capture).length;
    const loadsAtOptOut = recorderLoads.length;
    await page.reload();
    await page.waitForFunction(() => 'reprise' in window);
    await page.mouse.move(30, 30);
    await sleep(800);
    const optedOut = await call(page, 'has_opted_out_tracking');
    const properties = await call(page, 'get_session_recording_properties');
    await page.close();

    expect(optedOut).toBe(true);
    expect(properties).toEqual({});
    expect(recordUploads(bed.capture).length).toBe(uploadsAtOptOut);
    expect(recorderLoads.length).toBe(loadsAtOptOut);
  });

  it.each([
    ['Do Not Track', recordAll, { doNotTrack: true }],
    ['opt-out by default', { ...recordAll, opt_out_tracking_by_default: true }, {}],
  ])('%s records nothing', async (_name, config, options) => {
    const { page, recorderLoads } = await openPage(bed, '/nothing.html', config, options);
    await page.mouse.move(30, 30);
    await call(page, 'start_session_recording');
    await sleep(800);
    const optedOut = await call(page, 'has_opted_out_tracking');
    await page.close();

    expect(optedOut).toBe(true);
    expect(recordUploads(bed.capture)).toEqual([]);
    expect(recorderLoads).toEqual([]);
  });

  it('ignore_dnt records despite Do Not Track', async () => {
    const config = { ...recordAll, ignore_dnt: true };
    const { page } = await openPage(bed, '/ignore-dnt.html', config, { doNotTrack: true });
    await waitFor(() => recordUploads(bed.capture).length > 0, 'an upload');
    await page.close();
  });

  it('opt-in after default opt-out records', async () => {
    const config = { ...recordAll, opt_out_tracking_by_default: true };
    const { page } = await openPage(bed, '/opt-in.html', config);
    await sleep(300);
    const before = recordUploads(bed.capture).length;
    await call(page, 'opt_in_tracking');
    const replayId = await waitFor(() => currentReplayId(page), 'a replay id after opt-in');
    await waitFor(() => uploadsOf(bed.capture, replayId).length > 0, 'an upload after opt-in');
    await page.reload();
    const afterReload = await waitFor(() => currentReplayId(page), 'a replay id after reload');
    await page.close();

    expect(before).toBe(0);
    expect(afterReload).toBe(replayId);
  });

  it('opt-in again starts a new replay', async () => {
    const { page } = await openPage(bed, '/again.html', recordAll);
    const firstId = await waitFor(() => currentReplayId(page), 'the first replay id');
    await call(page, 'opt_out_tracking');
    await page.reload();
    await page.waitForFunction(() => 'reprise' in window);
    await call(page, 'opt_in_tracking');
    const secondId = await waitFor(() => currentReplayId(page), 'a replay id after opt-in');
    await waitFor(() => uploadsOf(bed.capture, secondId).length > 0, 'an upload after opt-in');
    const seqs = uploadsOf(bed.capture, secondId).map((upload) => upload.seq);
    await page.close();

    expect(secondId).not.toBe(firstId);
    expect(seqs[0]).toBe(0);
  });
});
