import type { ChunkList, ReplayPage, ReplaySummary } from '@reprise/protocol';
import { startTestServer, type TestServer } from '@reprise/server/test-support';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  launchChromium,
  logIn,
  openReplay,
  pausePlayer,
  playerPositionMs,
  startRecordingProxy,
  waitFor,
  type RecordingProxy,
} from './support/index.js';

// Typed into fields whose values the shop never sends on purpose: the catalogue filter (the
// shop tracks only its length) and the password.
const filterCanary = 'CANARY-FILTER-7f3a91';
const passwordCanary = 'CANARY-PASSWORD-c24e08';
// Sent to /engage/ by the shop's own people.set call, so they must stay out of /record/ only.
const typedName = 'Juniper Okafor';
const typedEmail = 'juniper.okafor@example.com';

let server: TestServer;
let proxy: RecordingProxy;
let browser: Browser;
let visit: BrowserContext;
let replay: ReplaySummary;
let liveImageBox: { width: number; height: number };

/** Visits the shop through the recording proxy: catalogue, a product, the sign-up form. */
async function visitShop(page: Page): Promise<void> {
  await page.goto(`${proxy.origin}/demo/index.html`);
  // The catalogue stays untouched for its first 1.5 s, so the player tests can look at it.
  await page.locator('.card').first().waitFor();
  await page.waitForTimeout(1500);
  await page.locator('#filter').pressSequentially(filterCanary, { delay: 5 });
  await page.locator('#filter').fill('');
  liveImageBox = await page
    .locator('.card img')
    .first()
    .evaluate((image) => {
      const rect = image.getBoundingClientRect();
      return { width: rect.width, height: rect.height };
    });
  await page.getByTestId('product-ethiopia-guji').click();
  await page.waitForURL(/product\.html/);
  await page.getByTestId('add-to-cart').click();
  await page.getByTestId('close-dialog').click();
  await page.getByTestId('checkout').click();
  await page.waitForURL(/signup\.html/);
  await page.locator('#name').pressSequentially(typedName, { delay: 5 });
  await page.locator('#email').pressSequentially(typedEmail, { delay: 5 });
  await page.locator('#password').pressSequentially(passwordCanary, { delay: 5 });
  await page.getByTestId('signup-submit').click();
  await page.waitForURL(/welcome\.html/);
}

function recordRequests() {
  return proxy.requests.filter((request) => request.url.pathname === '/record/');
}

beforeAll(async () => {
  server = await startTestServer();
  proxy = await startRecordingProxy(server.url);
  browser = await launchChromium();
  visit = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  await visitShop(await visit.newPage());

  // Each of the four page loads starts with a full snapshot (rrweb event type 2).
  replay = await waitFor('the replay to be listed with all four pages', async () => {
    const response = await server.api('/api/replays');
    const found = ((await response.json()) as ReplayPage).replays[0];
    if (!found) return undefined;
    const events = (await (await server.api(`/api/replays/${found.id}/events`)).json()) as Array<{
      type: number;
    }>;
    return events.filter((event) => event.type === 2).length >= 4 ? found : undefined;
  });
}, 120_000);

afterAll(async () => {
  await visit?.close();
  await browser?.close();
  await proxy?.close();
  await server?.close();
});

describe('recording a visit', () => {
  it('uses one replay id across pages', () => {
    const ids = new Set(
      recordRequests().map((request) => request.url.searchParams.get('replay_id')),
    );
    expect([...ids]).toEqual([replay.id]);
    expect(replay.firstUrl).toBe(`${proxy.origin}/demo/index.html`);
    expect(replay.userId).toBe(typedEmail);
  });

  it('stores chunks with seq from 0 and no gap', async () => {
    const response = await server.api(`/api/replays/${replay.id}/chunks`);
    const { chunks } = (await response.json()) as ChunkList;
    const seqs = chunks.map((chunk) => chunk.seq);
    expect(seqs[0]).toBe(0);
    expect(seqs).toEqual(seqs.map((_, index) => index));
    expect(chunks[0]?.hasFullSnapshot).toBe(true);
  });

  it('links tracked events to the replay', () => {
    const tracked = proxy.requests
      .filter((request) => request.url.pathname === '/track/')
      .map((request) => request.decodedText)
      .join('\n');
    expect(tracked).toContain('"Sign Up Completed"');
    expect(tracked).toContain(`"$mp_replay_id":"${replay.id}"`);
  });

  it('sends no canary in any request body', () => {
    expect(proxy.requests.length).toBeGreaterThan(0);
    for (const request of proxy.requests) {
      const text = `${request.decodedText}\n${request.rawBody.toString('latin1')}`;
      expect(text, `${request.method} ${request.url.pathname}`).not.toContain(filterCanary);
      expect(text, `${request.method} ${request.url.pathname}`).not.toContain(passwordCanary);
    }
  });

  it('sends no typed name in recordings', () => {
    for (const request of recordRequests()) {
      expect(request.decodedText).not.toContain(typedName);
      expect(request.decodedText).not.toContain(typedEmail);
    }
  });
});

describe('watching the replay', () => {
  let page: Page;

  beforeAll(async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.url });
    page = await context.newPage();
    await logIn(page, server.url, server.adminEmail, server.adminPassword);
  });

  it('rebuilds the shop with text masked', async () => {
    // The shop renders its products a moment after the first snapshot, and the visit leaves
    // them untouched until 1.5 s; the player opens at 0.5 s and pauses once they show.
    const frame = await openReplay(page, `${server.url}/replays/${replay.id}?t=500`);
    const cards = frame.locator('.card');
    await cards.first().waitFor();
    await pausePlayer(page);
    expect(await cards.count()).toBe(4);
    const heading = await frame.locator('h1').first().textContent();
    expect(heading).toMatch(/^[*\s]+$/);
    expect(heading?.replace(/\s/g, '').length).toBe(
      'Fresh roasted coffee'.replace(/\s/g, '').length,
    );
    expect(await frame.locator('body').innerText()).not.toContain('Harbor Coffee');
  });

  it('shows images as empty boxes', async () => {
    const frame = await openReplay(page, `${server.url}/replays/${replay.id}?t=500`);
    const image = frame.locator('.card img').first();
    await image.waitFor();
    await pausePlayer(page);
    expect(await image.getAttribute('src')).toBeNull();
    const box = await image.evaluate((element) => {
      const rect = element.getBoundingClientRect();
      return { width: rect.width, height: rect.height };
    });
    expect(Math.abs(box.width - liveImageBox.width)).toBeLessThanOrEqual(1);
    expect(Math.abs(box.height - liveImageBox.height)).toBeLessThanOrEqual(1);
  });

  it('copies a link that opens at its time', async () => {
    await openReplay(page, `${server.url}/replays/${replay.id}`);
    await pausePlayer(page);
    const timeline = page.getByTestId('player-timeline');
    const bounds = await timeline.boundingBox();
    if (!bounds) throw new Error('The timeline is not visible');
    await page.mouse.click(bounds.x + bounds.width * 0.6, bounds.y + bounds.height / 2);
    const positionMs = await playerPositionMs(page);
    expect(positionMs).toBeGreaterThan(0);

    await page.getByTestId('player-copy-link').click();
    const link = await waitFor('the copied link', async () => {
      const text = await page.evaluate(() => navigator.clipboard.readText());
      return text.includes('t=') ? text : undefined;
    });
    const copied = new URL(link);
    expect(copied.pathname).toBe(`/replays/${replay.id}`);
    expect(Math.abs(Number(copied.searchParams.get('t')) - positionMs)).toBeLessThanOrEqual(250);

    const second = await page.context().newPage();
    await openReplay(second, link);
    await pausePlayer(second);
    const openedAt = await playerPositionMs(second);
    expect(Math.abs(openedAt - positionMs)).toBeLessThanOrEqual(1000);
    await second.close();
  });

  it('keeps a screenshot of each screen', async () => {
    await page.goto(`${server.url}/replays`);
    await page.getByTestId('replay-row').first().waitFor();
    await page.screenshot({ path: 'e2e/artifacts/feed.png' });
    await openReplay(page, `${server.url}/replays/${replay.id}?t=0`);
    await page.waitForTimeout(1500);
    await page.screenshot({ path: 'e2e/artifacts/player.png' });
    await page.goto(`${server.url}/settings/members`);
    await page.getByTestId('member-table').waitFor();
    await page.screenshot({ path: 'e2e/artifacts/team.png' });
    const login = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await login.goto(`${server.url}/login`);
    await login.getByTestId('login-form').waitFor();
    await login.screenshot({ path: 'e2e/artifacts/login.png' });
    await login.close();
  });
});
