import type { ServerResponse } from 'node:http';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  recordUploads,
  sdkPage,
  sleep,
  startTestBed,
  token,
  waitFor,
  type SdkTestBed,
} from './helpers.js';

function replySettings(response: ServerResponse, config: Record<string, unknown>) {
  response.writeHead(200, { 'Content-Type': 'application/json' });
  response.end(JSON.stringify({ sdk_config: { config } }));
}

function settingsRequests(bed: SdkTestBed) {
  return bed.capture.requests.filter((request) => request.url.pathname === '/settings/');
}

describe('remote settings', () => {
  let bed: SdkTestBed;

  beforeAll(async () => {
    bed = await startTestBed();
  });

  afterAll(async () => {
    await bed?.close();
  });

  beforeEach(() => {
    bed.capture.requests.length = 0;
    bed.capture.setHandler((request, response) => {
      if (request.url.pathname !== '/settings/') return false;
      replySettings(response, { record_sessions_percent: 100, unknown_option: true });
      return true;
    });
  });

  it('asks with the token and caches the reply', async () => {
    bed.site.setPage('/ask.html', sdkPage(bed, { record_sessions_percent: 0 }));
    const context = await bed.browser.newContext();
    const page = await context.newPage();
    await page.goto(`${bed.site.origin}/ask.html`);

    await waitFor(() => settingsRequests(bed).length > 0, 'a settings request');
    const [request] = settingsRequests(bed);
    expect(request?.url.searchParams.get('token')).toBe(token);
    expect(request?.headers.authorization).toBeUndefined();
    expect(request?.url.searchParams.get('sdk_config')).toBe('1');
    const cached = await waitFor(
      () => page.evaluate((key) => localStorage.getItem(key), `reprise_settings_${token}`),
      'the cached settings',
    );
    expect(JSON.parse(cached).options).toEqual({ record_sessions_percent: 100 });
    await context.close();
  });

  it('samples the next replay as the project says', async () => {
    bed.site.setPage('/sampled.html', sdkPage(bed, { record_sessions_percent: 0 }));
    const context = await bed.browser.newContext();
    const first = await context.newPage();
    await first.goto(`${bed.site.origin}/sampled.html`);
    await waitFor(() => settingsRequests(bed).length > 0, 'a settings request');
    await sleep(500);
    expect(recordUploads(bed.capture)).toEqual([]);

    // A new tab starts a new replay, which takes the cached 100 %.
    const second = await context.newPage();
    await second.goto(`${bed.site.origin}/sampled.html`);
    await waitFor(() => recordUploads(bed.capture).length > 0, 'an upload from the new replay');
    expect(settingsRequests(bed).length).toBe(1);
    await context.close();
  });

  it('disabled mode never asks', async () => {
    bed.site.setPage(
      '/disabled.html',
      sdkPage(bed, { record_sessions_percent: 0, remote_settings_mode: 'disabled' }),
    );
    const context = await bed.browser.newContext();
    const page = await context.newPage();
    await page.goto(`${bed.site.origin}/disabled.html`);
    await sleep(800);
    expect(settingsRequests(bed)).toEqual([]);
    await context.close();
  });

  it('strict mode records nothing before a reply', async () => {
    bed.capture.setHandler((request, response) => {
      if (request.url.pathname !== '/settings/') return false;
      response.writeHead(500, { 'Content-Type': 'application/json' });
      response.end('{"status":0,"error":"down","code":"test"}');
      return true;
    });
    bed.site.setPage(
      '/strict.html',
      sdkPage(bed, { record_sessions_percent: 100, remote_settings_mode: 'strict' }),
    );
    const context = await bed.browser.newContext();
    const page = await context.newPage();
    await page.goto(`${bed.site.origin}/strict.html`);
    await waitFor(() => settingsRequests(bed).length > 0, 'a settings request');
    await sleep(800);
    expect(recordUploads(bed.capture)).toEqual([]);
    await context.close();
  });
});
