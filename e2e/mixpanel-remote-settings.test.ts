import type { SdkConfig } from '@reprise/protocol';
import { startTestServer, type TestServer } from '@reprise/server/test-support';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  launchChromium,
  startRecordingProxy,
  startStaticServer,
  waitFor,
  type RecordingProxy,
  type StaticServer,
} from './support/index.js';
import { recordUploads } from './support/replay-queries.js';
import { sdkAdapters, sdkTestPage } from './support/sdk-adapters.js';

// Remote settings are a feature of the official SDK only: Reprise's SDK does not read them.
const mixpanel = sdkAdapters.find((adapter) => adapter.name.startsWith('mixpanel-browser'))!;

let server: TestServer;
let proxy: RecordingProxy;
let site: StaticServer;
let browser: Browser;
let cookie = '';

/** Saves the project's SDK settings the way the web app does, as a logged-in admin. */
async function saveSdkConfig(sdkConfig: SdkConfig): Promise<void> {
  const response = await server.request('/api/projects/default', {
    method: 'PATCH',
    headers: { Cookie: cookie, 'Content-Type': 'application/json' },
    body: JSON.stringify({ sdkConfig }),
  });
  expect(response.status).toBe(200);
}

/** What one page load with `remote_settings_mode` ended up with. */
interface SettingsVisit {
  page: Page;
  recordSessionsPercent: unknown;
  replayId: string | undefined;
}

/**
 * Loads the test page in a fresh browser context with `init` options `config`, and waits
 * until the SDK has applied the remote settings and decided whether to record.
 */
async function visit(config: Record<string, unknown>): Promise<SettingsVisit> {
  const path = `/settings-${Math.random().toString(36).slice(2)}.html`;
  site.setPage(path, sdkTestPage(mixpanel, server.token, { api_host: proxy.origin, ...config }));
  const page = await (await browser.newContext()).newPage();
  await page.goto(`${site.origin}${path}`);
  await page.waitForFunction(
    () => (window as unknown as { mixpanel: { __loaded?: boolean } }).mixpanel.__loaded,
  );
  // mixpanel-browser 2.83.0 keeps the promise of its remote settings and recorder start here.
  await page.evaluate(() =>
    (
      window as unknown as { mixpanel: { __get_recording_init_promise(): Promise<unknown> } }
    ).mixpanel.__get_recording_init_promise(),
  );
  // The recorder starts after that promise, once it has read its state from IndexedDB, so a
  // replay id may take a moment; 3 s without one means that this load does not record.
  const replayId = await page
    .waitForFunction(
      () =>
        (
          window as unknown as {
            mixpanel: { get_session_recording_properties(): { $mp_replay_id?: string } };
          }
        ).mixpanel.get_session_recording_properties().$mp_replay_id,
      undefined,
      { timeout: 3000 },
    )
    .then((handle) => handle.jsonValue() as Promise<string>)
    .catch(() => undefined);
  return {
    page,
    recordSessionsPercent: await mixpanel.getConfig!(page, 'record_sessions_percent'),
    replayId,
  };
}

beforeAll(async () => {
  server = await startTestServer();
  proxy = await startRecordingProxy(server.url);
  site = await startStaticServer(mixpanel.mounts);
  browser = await launchChromium();
  const login = await server.request('/api/auth/login', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ email: server.adminEmail, password: server.adminPassword }),
  });
  expect(login.status).toBe(200);
  cookie = (login.headers.get('set-cookie') ?? '').split(';')[0]!;
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await proxy?.close();
  await site?.close();
  await server?.close();
});

describe('mixpanel-browser remote settings', () => {
  it('sends the documented request', async () => {
    await saveSdkConfig({ record_sessions_percent: 100 });
    await visit({ record_sessions_percent: 0, remote_settings_mode: 'strict' });
    const settings = proxy.requests.filter((candidate) => candidate.url.pathname === '/settings/');
    // Authorization makes the request non-simple, so Chromium sends a preflight first.
    const preflight = settings.find((candidate) => candidate.method === 'OPTIONS');
    expect(preflight?.status).toBe(204);
    const request = settings.find((candidate) => candidate.method === 'GET');
    expect(request?.status).toBe(200);
    expect(request?.url.searchParams.get('sdk_config')).toBe('1');
    expect(request?.url.searchParams.get('mp_lib')).toBe('web');
    expect(request?.url.searchParams.get('$lib_version')).toBe('2.83.0');
    const token = Buffer.from(`${server.token}:`).toString('base64');
    expect(request?.headers.authorization).toBe(`Basic ${token}`);
  });

  it('strict mode records at the remote rate', async () => {
    await saveSdkConfig({ record_sessions_percent: 100 });
    const result = await visit({ record_sessions_percent: 0, remote_settings_mode: 'strict' });
    expect(result.recordSessionsPercent).toBe(100);
    expect(result.replayId).toBeDefined();
    await waitFor('an upload of the replay', async () =>
      recordUploads(proxy.requests).some(
        (upload) => upload.url.searchParams.get('replay_id') === result.replayId,
      )
        ? true
        : undefined,
    );
  });

  it('fallback mode records at the remote rate', async () => {
    await saveSdkConfig({ record_sessions_percent: 100 });
    const result = await visit({ record_sessions_percent: 0, remote_settings_mode: 'fallback' });
    expect(result.recordSessionsPercent).toBe(100);
    expect(result.replayId).toBeDefined();
  });

  it('remote rate 0 turns recording off', async () => {
    await saveSdkConfig({ record_sessions_percent: 0 });
    const result = await visit({ record_sessions_percent: 100, remote_settings_mode: 'strict' });
    expect(result.recordSessionsPercent).toBe(0);
    expect(result.replayId).toBeUndefined();
  });

  it('applies the other recording settings', async () => {
    await saveSdkConfig({
      record_sessions_percent: 100,
      record_min_ms: 2000,
      record_idle_timeout_ms: 60_000,
    });
    const { page } = await visit({ remote_settings_mode: 'fallback' });
    expect(await mixpanel.getConfig!(page, 'record_min_ms')).toBe(2000);
    expect(await mixpanel.getConfig!(page, 'record_idle_timeout_ms')).toBe(60_000);
  });

  // mixpanel-browser 2.83.0 in strict mode turns recording off when the settings contain no
  // option that it recognizes, as for a project without saved SDK settings.
  it('strict mode without settings records nothing', async () => {
    await saveSdkConfig({});
    const result = await visit({ record_sessions_percent: 100, remote_settings_mode: 'strict' });
    expect(result.recordSessionsPercent).toBe(0);
    expect(result.replayId).toBeUndefined();
  });

  it('fallback mode without settings keeps init', async () => {
    await saveSdkConfig({});
    const result = await visit({ record_sessions_percent: 100, remote_settings_mode: 'fallback' });
    expect(result.recordSessionsPercent).toBe(100);
    expect(result.replayId).toBeDefined();
  });
});
