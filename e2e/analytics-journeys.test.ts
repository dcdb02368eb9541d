import type { ReplaySummary } from '@reprise/protocol';
import { startTestServer, type TestServer } from '@reprise/server/test-support';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  launchChromium,
  logIn,
  openReplay,
  pausePlayer,
  playerPositionMs,
  waitFor,
} from './support/index.js';

/** Where the player must open: this long before the event, give or take `toleranceMs`. */
const leadInMs = 3_000;
const toleranceMs = 2_500;
const finisherEmail = 'wren.ito@example.com';

interface Visit {
  replayId: string;
  distinctId: string;
}

interface Landmark {
  replayId: string;
  eventAt: number;
  /** Position the player should open at, ms from the replay's start. */
  expectedOffsetMs: number;
}

let server: TestServer;
let browser: Browser;
let finisher: Visit;
let dropper: Visit;

async function recordingOf(page: Page): Promise<Visit> {
  return page.evaluate(() => {
    const sdk = (window as unknown as { reprise: Record<string, () => unknown> }).reprise;
    const properties = sdk.get_session_recording_properties!() as { $mp_replay_id?: string };
    return { replayId: properties.$mp_replay_id ?? '', distinctId: String(sdk.get_distinct_id!()) };
  });
}

/** Moves the pointer for `ms`, so the recording has activity there. */
async function browseFor(page: Page, ms: number): Promise<void> {
  for (let elapsed = 0; elapsed < ms; elapsed += 500) {
    await page.mouse.move(200 + (elapsed % 3_000) / 10, 300 + (elapsed % 1_000) / 10, { steps: 4 });
    await page.waitForTimeout(500);
  }
}

/**
 * Browses to the sign-up form of the shop: catalogue, a product, checkout. The pauses put the
 * form's events well past the first seconds of the replay, so opening 3 s before one of them
 * is a position the test can tell from the start.
 */
async function reachSignUp(page: Page): Promise<void> {
  await page.goto(`${server.url}/demo/index.html`);
  await browseFor(page, 4_000);
  await page.getByTestId('product-ethiopia-guji').click();
  await page.waitForURL(/product\.html/);
  await browseFor(page, 3_000);
  await page.getByTestId('checkout').click();
  await page.waitForURL(/signup\.html/);
  await browseFor(page, 2_000);
}

/** Records two visits: one visitor signs up, the other types a name and leaves the form. */
async function recordVisits(): Promise<void> {
  const finisherContext = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await finisherContext.newPage();
  await reachSignUp(page);
  await page.locator('#name').pressSequentially('Wren Ito', { delay: 30 });
  await page.locator('#email').pressSequentially(finisherEmail, { delay: 20 });
  await page.locator('#password').pressSequentially('long-enough-pass', { delay: 20 });
  await page.waitForTimeout(1_500);
  await page.getByTestId('signup-submit').click();
  await page.waitForURL(/welcome\.html/);
  finisher = await recordingOf(page);
  await page.waitForTimeout(6_000);

  const dropperContext = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const other = await dropperContext.newPage();
  await reachSignUp(other);
  await other.locator('#name').pressSequentially('Ola', { delay: 60 });
  dropper = await recordingOf(other);
  // Idle on the form long enough for a recorder upload, then leave without submitting.
  await other.waitForTimeout(7_000);

  await finisherContext.close();
  await dropperContext.close();
}

async function replayOf(replayId: string): Promise<ReplaySummary | undefined> {
  const response = await server.api(`/api/replays/${replayId}`);
  return response.status === 200 ? ((await response.json()) as ReplaySummary) : undefined;
}

/** Waits until the event is stored and the replay's uploads cover it, then locates it. */
async function landmark(visit: Visit, eventName: string): Promise<Landmark> {
  return waitFor(`${eventName} of replay ${visit.replayId}`, async () => {
    const event = await server.context.metadata.connection.db
      .selectFrom('events')
      .select('time_ms')
      .where('replay_id', '=', visit.replayId)
      .where('name', '=', eventName)
      .orderBy('time_ms')
      .executeTakeFirst();
    const replay = await replayOf(visit.replayId);
    if (!event || !replay || replay.endedAt < event.time_ms) return undefined;
    const eventAt = Number(event.time_ms);
    const expectedOffsetMs = Math.max(0, eventAt - replay.startedAt - leadInMs);
    return { replayId: visit.replayId, eventAt, expectedOffsetMs };
  });
}

/** Checks that opening at the start would fail the position check. */
function expectFarFromStart(target: Landmark): void {
  expect(target.expectedOffsetMs).toBeGreaterThan(toleranceMs + 2_000);
}

/** Checks that the player shows the replay at the landmark, and returns the page. */
async function expectPlayerAt(page: Page, target: Landmark): Promise<void> {
  await page.waitForURL(new RegExp(`/replays/${target.replayId}`));
  await page.locator('[data-testid=player-container][data-phase=ready]').waitFor();
  await pausePlayer(page);
  const position = await playerPositionMs(page);
  expect(Math.abs(position - target.expectedOffsetMs)).toBeLessThanOrEqual(toleranceMs);
}

function utcDate(ms: number, days = 0): string {
  return new Date(ms + days * 86_400_000).toISOString().slice(0, 10);
}

beforeAll(async () => {
  server = await startTestServer();
  browser = await launchChromium();
  await recordVisits();
  expect(finisher.replayId).not.toBe('');
  expect(dropper.replayId).not.toBe(finisher.replayId);
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

describe('from a report to the moment in a replay', () => {
  let page: Page;

  beforeAll(async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    page = await context.newPage();
    await logIn(page, server.url, server.adminEmail, server.adminPassword);
  });

  it('funnel drop-off opens the dropper', async () => {
    const target = await landmark(dropper, 'Sign Up Started');
    expectFarFromStart(target);
    await landmark(finisher, 'Sign Up Completed');
    const day = utcDate(target.eventAt);
    await page.goto(
      `${server.url}/reports/funnels?from=${utcDate(target.eventAt, -6)}&to=${day}&tz=UTC`,
    );
    const steps = ['Product Viewed', 'Sign Up Started', 'Sign Up Completed'];
    await page.getByTestId('funnel-add-step').click();
    for (const [index, name] of steps.entries()) {
      await page.getByTestId(`funnel-step-event-${index}`).selectOption(name);
    }
    await page.getByTestId('funnel-result').waitFor();
    const users = await Promise.all(
      [0, 1, 2].map((index) => page.getByTestId(`funnel-users-${index}`).textContent()),
    );
    expect(users).toEqual(['2 users', '2 users', '1 user']);
    await page.screenshot({ path: 'e2e/artifacts/analytics-funnel.png' });

    await page.getByTestId('funnel-dropped-1').click();
    const links = page.getByTestId('report-replay');
    await links.first().waitFor();
    expect(await links.count()).toBe(1);
    expect(await links.first().getAttribute('data-replay-id')).toBe(dropper.replayId);
    await page.screenshot({ path: 'e2e/artifacts/analytics-funnel-replays.png', fullPage: true });

    await links.first().click();
    await expectPlayerAt(page, target);
    await page.screenshot({ path: 'e2e/artifacts/analytics-player-dropoff.png' });
  });

  it('chart point opens the finisher', async () => {
    const target = await landmark(finisher, 'Sign Up Completed');
    expectFarFromStart(target);
    const query = new URLSearchParams({
      event: 'Sign Up Completed',
      from: utcDate(target.eventAt, -2),
      to: utcDate(target.eventAt),
      unit: 'day',
      tz: 'UTC',
    });
    await page.goto(`${server.url}/reports/events?${query}`);
    const plot = page.locator('[data-testid=event-chart] .u-over');
    await plot.waitFor();
    const box = await plot.boundingBox();
    if (!box) throw new Error('The chart has no plot area');
    // The x axis spans three daily buckets plus half a bucket at each end, so the last point,
    // the day of the event, is five sixths of the way across.
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await page.mouse.click(box.x + (box.width * 5) / 6, box.y + box.height / 2);
    const links = page.getByTestId('report-replay');
    await links.first().waitFor();
    expect(await links.first().getAttribute('data-replay-id')).toBe(finisher.replayId);
    await page.screenshot({ path: 'e2e/artifacts/analytics-event-chart.png', fullPage: true });

    await links.first().click();
    await expectPlayerAt(page, target);
  });

  it('player marks and lists events', async () => {
    await openReplay(page, `${server.url}/replays/${finisher.replayId}?t=0`);
    await pausePlayer(page);
    // Event markers arrive with the replay's analytics events, which load beside the chunks.
    await page.getByTestId('timeline-marker-event').nth(3).waitFor();
    await page.getByTestId('timeline-marker-page').nth(2).waitFor();
    expect(await page.getByTestId('timeline-marker-event').count()).toBeGreaterThanOrEqual(4);
    expect(await page.getByTestId('timeline-marker-page').count()).toBeGreaterThanOrEqual(3);

    const completed = page.locator('[data-testid=replay-event]', { hasText: 'Sign Up Completed' });
    const atMs = Number(await completed.getAttribute('data-at-ms'));
    await completed.click();
    await waitFor('the seek to the event', async () => {
      const position = await playerPositionMs(page);
      return Math.abs(position - atMs) <= 1_000 ? position : undefined;
    });
  });

  it('profile event opens the finisher', async () => {
    const target = await landmark(finisher, 'Sign Up Started');
    expectFarFromStart(target);
    await page.goto(`${server.url}/users`);
    await page.getByTestId('users-search').fill('wren');
    await page.getByTestId('users-search-submit').click();
    const rows = page.getByTestId('user-row');
    await waitFor('one user row', async () => ((await rows.count()) === 1 ? true : undefined));
    expect(await rows.first().getAttribute('data-user-id')).toBe(finisherEmail);
    await page.screenshot({ path: 'e2e/artifacts/analytics-users.png' });

    await rows.first().getByRole('link').click();
    await page.getByTestId('user-facts').waitFor();
    // The events from before login belong to the user too.
    const started = page.locator('[data-testid=user-event][data-event-name="Sign Up Started"]');
    await started.waitFor();
    await page.screenshot({ path: 'e2e/artifacts/analytics-profile.png', fullPage: true });

    await started.getByTestId('user-event-watch').click();
    await expectPlayerAt(page, target);
    const current = page.locator('[data-testid=user-replay][aria-current=page]');
    expect(await current.getAttribute('data-replay-id')).toBe(finisher.replayId);
    await page.screenshot({ path: 'e2e/artifacts/analytics-player-user.png' });
  });

  it('profile cuts a long property value', async () => {
    const notes = 'Called about the invoice. '.repeat(80);
    const update = { $token: server.token, $distinct_id: finisherEmail, $set: { notes } };
    const response = await server.request('/engage/', {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ data: JSON.stringify([update]) }).toString(),
    });
    expect(response.status).toBe(200);

    // A click anywhere on a user's row opens the profile, here on the email cell.
    await page.goto(`${server.url}/users?q=wren`);
    const userRow = page.locator(`[data-testid=user-row][data-user-id="${finisherEmail}"]`);
    await userRow.locator('td').nth(1).click();
    await page.waitForURL(new RegExp(`/users/${encodeURIComponent(finisherEmail)}`));
    const row = page.getByTestId('user-properties').locator('tr', { hasText: 'notes' });
    const value = row.locator('td');
    await value.waitFor();
    expect(await row.locator('th').innerText()).toBe('notes');
    const cut = await value.innerText();
    expect(cut.startsWith(notes.slice(0, 500))).toBe(true);
    expect(cut.length).toBeLessThan(600);
    await page.screenshot({ path: 'e2e/artifacts/analytics-profile-long-value.png' });
    await value.getByRole('button', { name: /Show all/ }).click();
    expect((await value.innerText()).trim()).toBe(notes.trim());
  });

  it('View replays opens the newest replay', async () => {
    await page.goto(`${server.url}/users/${encodeURIComponent(finisherEmail)}`);
    await page.getByTestId('user-view-replays').click();
    await page.waitForURL(new RegExp(`/replays/${finisher.replayId}\\?`));
    expect(new URL(page.url()).searchParams.get('user')).toBe(finisherEmail);
    // The list appears with "Loading replays…" before its rows.
    await page.getByTestId('user-replay').first().waitFor();
    expect(await page.getByTestId('user-replay').count()).toBe(1);
  });
});
