import { gzipSync } from 'node:zlib';
import type { ChunkList } from '@reprise/protocol';
import { startTestServer, type TestServer } from '@reprise/server/test-support';
import type { Browser, Frame, Page, Route } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, logIn, pausePlayer, playerPositionMs, waitFor } from './support/index.js';

// A 12-minute recording of four page loads, 3 minutes each, cut into 5 s chunks as the SDK
// uploads them. Each page shows its number and a line of text that changes every second, so
// the replayed page's text identifies its position. The Meta event of the third page ends the
// chunk before its full snapshot, as when a batch fills up between the two.
const pageCount = 4;
const pageMs = 3 * 60_000;
const chunkMs = 5_000;
// Starts a day ago, on a whole second, so that the server accepts the timestamps.
const startMs = Math.floor((Date.now() - 24 * 3_600_000) / 1000) * 1000;
const replayId = '5d1c1d9e-4c1a-4c40-9d55-2a7f0d3c9e11';

interface TestEvent {
  type: number;
  timestamp: number;
  data: Record<string, unknown>;
}

const tickNodeId = 9;

function tickText(page: number, second: number): string {
  return `page ${page}, second ${second}`;
}

/** Builds an rrweb full snapshot of a page with a heading and the line of text. */
function fullSnapshot(timestamp: number, page: number): TestEvent {
  const element = (id: number, tagName: string, childNodes: unknown[], attributes = {}) => ({
    type: 2,
    id,
    tagName,
    attributes,
    childNodes,
  });
  const text = (id: number, textContent: string) => ({ type: 3, id, textContent });
  const body = element(5, 'body', [
    element(6, 'h1', [text(7, `Page ${page}`)], { id: 'page' }),
    element(8, 'p', [text(tickNodeId, tickText(page, 0))], { id: 'tick' }),
  ]);
  const html = element(3, 'html', [element(4, 'head', []), body]);
  const doctype = { type: 1, id: 2, name: 'html', publicId: '', systemId: '' };
  const node = { type: 0, id: 1, childNodes: [doctype, html] };
  return { type: 2, timestamp, data: { node, initialOffset: { top: 0, left: 0 } } };
}

function metaEvent(timestamp: number, page: number): TestEvent {
  const href = `http://127.0.0.1/page-${page}.html`;
  return { type: 4, timestamp, data: { href, width: 800, height: 600 } };
}

function tickEvent(timestamp: number, page: number, second: number): TestEvent {
  const data = {
    source: 0,
    texts: [{ id: tickNodeId, value: tickText(page, second) }],
    attributes: [],
    removes: [],
    adds: [],
  };
  return { type: 3, timestamp, data };
}

/** Returns the recording's events in time order. */
function recordingEvents(): TestEvent[] {
  const events: TestEvent[] = [];
  for (let page = 1; page <= pageCount; page++) {
    const pageStart = startMs + (page - 1) * pageMs;
    // The third page's Meta event comes 2 ms before its chunk boundary.
    const metaAt = page === 3 ? pageStart - 2 : pageStart;
    events.push(metaEvent(metaAt, page), fullSnapshot(pageStart, page));
    for (let second = 1; second < pageMs / 1000; second++) {
      events.push(tickEvent(pageStart + second * 1000, page, second));
    }
  }
  return events;
}

/** Cuts events into chunks of `chunkMs` from the start, in seq order. */
function chunksOf(events: TestEvent[]): TestEvent[][] {
  const chunks: TestEvent[][] = [];
  for (const event of events) {
    const index = Math.floor((event.timestamp - startMs) / chunkMs);
    while (chunks.length <= index) chunks.push([]);
    chunks[index]!.push(event);
  }
  return chunks.filter((chunk) => chunk.length > 0);
}

/** Uploads one chunk to /record/ as the SDK does, gzip-compressed. */
function upload(seq: number, events: TestEvent[]): Promise<Response> {
  const query = new URLSearchParams({
    replay_id: replayId,
    seq: String(seq),
    distinct_id: '$device:device-1',
    $device_id: 'device-1',
    format: 'gzip',
  });
  return server.request(`/record/?${query}`, {
    method: 'POST',
    headers: {
      Authorization: server.recordAuthorization,
      'Content-Type': 'application/octet-stream',
    },
    body: gzipSync(JSON.stringify(events)),
  });
}

let server: TestServer;
let browser: Browser;
let page: Page;
let chunkList: ChunkList;

beforeAll(async () => {
  server = await startTestServer();
  const chunks = chunksOf(recordingEvents());
  for (const [seq, events] of chunks.entries()) {
    const response = await upload(seq, events);
    expect(response.status, `upload of chunk ${seq}: ${await response.text()}`).toBe(200);
  }
  chunkList = (await (await server.api(`/api/replays/${replayId}/chunks`)).json()) as ChunkList;
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  await logIn(page, server.url, server.adminEmail, server.adminPassword);
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

/** Returns the replayed page's frame once the player shows one. */
async function replayFrame(): Promise<Frame> {
  return waitFor('the replay iframe', async () => {
    const handle = await page.locator('[data-testid=player-frame] iframe').elementHandle();
    return (await handle?.contentFrame()) ?? undefined;
  });
}

/** Waits until the replayed page shows page `pageNumber`, then returns its line of text. */
async function waitForPage(pageNumber: number): Promise<string> {
  return waitFor(`the replay to show page ${pageNumber}`, async () => {
    const frame = await replayFrame();
    const heading = await frame.locator('#page').textContent({ timeout: 250 });
    if (heading !== `Page ${pageNumber}`) return undefined;
    return (await frame.locator('#tick').textContent()) ?? undefined;
  });
}

describe('opening a replay link', () => {
  it('requests replay data before the session check answers', async () => {
    // The session check is held until the facts, the chunk list and the first chunk have been
    // requested, which only a request at the app's start, before the check, can do.
    const requested: string[] = [];
    const onRequest = (request: { url(): string }) => {
      requested.push(new URL(request.url()).pathname);
    };
    page.on('request', onRequest);
    let releaseSession = () => {};
    const sessionHeld = new Promise<void>((resolve) => (releaseSession = resolve));
    await page.route('**/api/auth/session', async (route) => {
      await sessionHeld;
      await route.continue();
    });
    try {
      await page.goto(`${server.url}/replays/${replayId}`, { waitUntil: 'commit' });
      const replayPath = `/api/replays/${replayId}`;
      await waitFor('the first chunk request', async () =>
        requested.includes(`${replayPath}/chunks/0`) ? true : undefined,
      );
      expect(requested).toContain(replayPath);
      expect(requested).toContain(`${replayPath}/chunks`);
    } finally {
      releaseSession();
    }
    // The player then uses those responses and requests each chunk once.
    await page.locator('[data-testid=player-container][data-complete=true]').waitFor();
    await page.unroute('**/api/auth/session');
    page.off('request', onRequest);
    const chunkRequests = requested.filter((path) => path.includes('/chunks/'));
    expect(chunkRequests).toHaveLength(chunkList.chunks.length);
    expect(new Set(chunkRequests).size).toBe(chunkList.chunks.length);
  });
});

describe('opening a long replay far in', () => {
  it('shows the position before earlier chunks', async () => {
    // Requests for chunks before the third page are held, so the player can show a position
    // on the third page only from the chunks after its snapshot (and the one with its Meta).
    const thirdPageStart = startMs + 2 * pageMs;
    const earlySeqs = new Set(
      chunkList.chunks
        .filter((chunk) => chunk.lastTimestamp < thirdPageStart - 2)
        .map((chunk) => chunk.seq),
    );
    expect(earlySeqs.size).toBeGreaterThan(60);
    const heldRoutes: Route[] = [];
    const requestedSeqs: number[] = [];
    let isHolding = true;
    await page.route(`**/api/replays/${replayId}/chunks/*`, (route) => {
      const seq = Number(new URL(route.request().url()).pathname.split('/').pop());
      requestedSeqs.push(seq);
      if (isHolding && earlySeqs.has(seq)) heldRoutes.push(route);
      else void route.continue();
    });

    const positionMs = 2 * pageMs + 40_500;
    await page.goto(`${server.url}/replays/${replayId}?t=${positionMs}`);
    await waitForPage(3);
    await pausePlayer(page);
    const shownMs = await playerPositionMs(page);
    const frame = await replayFrame();
    // A paused Replayer shows the events before its position, so the text of second s shows
    // from just after s to s + 1 s.
    const expectedSecond = Math.ceil((shownMs - 2 * pageMs) / 1000) - 1;
    expect(shownMs).toBeGreaterThanOrEqual(positionMs);
    expect(await frame.locator('#tick').textContent()).toBe(tickText(3, expectedSecond));
    expect(requestedSeqs[0]).not.toBe(0);
    const container = page.getByTestId('player-container');
    expect(await container.getAttribute('data-complete')).toBe('false');

    // The timeline spans the whole replay although its start is not loaded.
    const timeline = page.getByTestId('player-timeline');
    const totalMs = Number(await timeline.getAttribute('aria-valuemax'));
    expect(totalMs).toBe(pageCount * pageMs - 1000);

    // Back to the start: the player waits for the first chunks, then shows the first page.
    await timeline.focus();
    await page.keyboard.press('Home');
    expect(await playerPositionMs(page)).toBe(0);
    await page.getByTestId('player-buffering').waitFor();
    isHolding = false;
    for (const route of heldRoutes) await route.continue();
    expect(await waitForPage(1)).toBe(tickText(1, 0));
    expect(await playerPositionMs(page)).toBe(0);
    await page.unroute(`**/api/replays/${replayId}/chunks/*`);

    // Once every chunk is in, each page load has its marker on the timeline.
    await waitFor('a marker for each page', async () => {
      const count = await page.getByTestId('timeline-marker-page').count();
      return count === pageCount ? count : undefined;
    });
    await page.locator('[data-testid=player-container][data-complete=true]').waitFor();
  });

  it('shows the last change at the end', async () => {
    const totalMs = pageCount * pageMs - 1000;
    const lastText = tickText(pageCount, pageMs / 1000 - 1);
    await page.goto(`${server.url}/replays/${replayId}?t=${totalMs}`);
    await waitForPage(pageCount);
    // Once every chunk is in, the player rebuilds its Replayer and moves it back to the end.
    await waitFor('a marker for each page', async () => {
      const count = await page.getByTestId('timeline-marker-page').count();
      return count === pageCount ? count : undefined;
    });
    await page.waitForTimeout(500);

    expect(await playerPositionMs(page)).toBe(totalMs);
    expect(await (await replayFrame()).locator('#tick').textContent()).toBe(lastText);
  });
});
