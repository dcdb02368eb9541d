import { randomUUID } from 'node:crypto';
import type { ProjectSettings } from '@reprise/protocol';
import { startTestServer, type TestServer } from '@reprise/server/test-support';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, logIn, waitFor } from './support/index.js';

let server: TestServer;
let browser: Browser;
let page: Page;

/** Stores one replay chunk and one event of `userId` through the ingestion routes. */
async function seedUser(userId: string): Promise<string> {
  const replayId = randomUUID();
  const now = Date.now();
  const events = [
    { type: 4, timestamp: now, data: { href: 'https://shop.example/', width: 1280, height: 720 } },
    {
      type: 2,
      timestamp: now + 1,
      data: { node: { type: 0, childNodes: [], id: 1 }, initialOffset: { top: 0, left: 0 } },
    },
  ];
  const query = new URLSearchParams({
    replay_id: replayId,
    seq: '0',
    format: 'body',
    distinct_id: userId,
    $device_id: `device-${userId}`,
    $user_id: userId,
  });
  const record = await server.request(`/record/?${query}`, {
    method: 'POST',
    headers: { Authorization: server.recordAuthorization, 'Content-Type': 'application/json' },
    body: JSON.stringify(events),
  });
  expect(record.status).toBe(200);

  const event = {
    event: 'Signed In',
    properties: { token: server.token, distinct_id: userId, $user_id: userId, time: now / 1000 },
  };
  const track = await server.request('/track/', {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ data: JSON.stringify([event]) }).toString(),
  });
  expect(track.status).toBe(200);
  return replayId;
}

beforeAll(async () => {
  server = await startTestServer();
  browser = await launchChromium();
  page = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
  await logIn(page, server.url, server.adminEmail, server.adminPassword);
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

describe('deletion requests page', () => {
  it('deletes a user’s data', async () => {
    const replayId = await seedUser('erin@example.com');
    expect((await server.api(`/api/replays/${replayId}`)).status).toBe(200);

    await page.getByTestId('nav-deletions').click();
    await page.getByTestId('deletion-page').waitFor();
    await page.getByTestId('deletion-ids').fill('erin@example.com\n\nnobody@example.com\n');
    await page.getByTestId('deletion-review').click();
    await page.getByTestId('deletion-confirm').click();

    const row = page.locator('[data-testid=deletion-row][data-status=done]');
    await row.waitFor({ timeout: 30_000 });
    expect(await page.getByTestId('deletion-row').count()).toBe(1);
    const counts = await row.getByTestId('deletion-counts').textContent();
    expect(counts).toContain('1 replay ·');
    expect(counts).toContain('1 event ·');
    await page.screenshot({ path: 'e2e/artifacts/deletions.png' });

    expect((await server.api(`/api/replays/${replayId}`)).status).toBe(404);
  });

  it('reports ids over the limit', async () => {
    const ids = Array.from({ length: 2001 }, (_, index) => `user-${index}`).join('\n');
    await page.getByTestId('deletion-ids').fill(ids);
    await page.getByTestId('deletion-review').click();
    const error = await page.getByTestId('deletion-error').textContent();
    expect(error).toContain('more than 2000');
  });
});

describe('project settings page', () => {
  it('changes retention and sampling', async () => {
    await page.getByTestId('nav-project').click();
    await page.getByTestId('project-settings-page').waitFor();
    expect(await page.getByTestId('project-token').inputValue()).toBe(server.token);
    expect(await page.getByTestId('sdk-snippet').textContent()).toContain(
      `reprise.init("${server.token}"`,
    );

    await page.getByTestId('settings-retention').fill('7');
    await page.getByTestId('settings-record_sessions_percent').fill('25');
    await page.getByTestId('settings-save').click();
    await page.getByTestId('settings-saved').waitFor();
    await page.screenshot({ path: 'e2e/artifacts/project-settings.png' });

    const remote = await waitFor('the new SDK settings', async () => {
      const response = await server.request(`/settings/?token=${server.token}`);
      const body = (await response.json()) as { sdk_config: { config: Record<string, unknown> } };
      return body.sdk_config.config.record_sessions_percent === 25 ? body : undefined;
    });
    expect(remote.sdk_config.config).toEqual({ record_sessions_percent: 25 });
    const settings = (await (await server.api('/api/projects/default')).json()) as ProjectSettings;
    expect(settings.retentionDays).toBe(7);
    expect(await page.getByTestId('sdk-snippet').textContent()).toContain(
      'record_sessions_percent: 25',
    );
  });

  it('reports an invalid retention', async () => {
    await page.getByTestId('settings-retention').fill('0');
    await page.getByTestId('settings-save').click();
    expect(await page.getByTestId('settings-error').textContent()).toContain('retentionDays');
    const settings = (await (await server.api('/api/projects/default')).json()) as ProjectSettings;
    expect(settings.retentionDays).toBe(7);
  });
});
