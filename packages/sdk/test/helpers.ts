import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import {
  launchChromium,
  startCaptureServer,
  startStaticServer,
  type CaptureServer,
  type CapturedRequest,
  type StaticServer,
} from '@reprise/e2e/support';

export const token = 'test-token';
export const distFolder = join(dirname(fileURLToPath(import.meta.url)), '..', 'dist');

/** A Chromium, a capture server standing in for Reprise, and a site serving the built SDK. */
export interface SdkTestBed {
  browser: Browser;
  capture: CaptureServer;
  site: StaticServer;
  close(): Promise<void>;
}

export async function startTestBed(): Promise<SdkTestBed> {
  if (!existsSync(join(distFolder, 'reprise.mjs'))) {
    throw new Error('packages/sdk/dist is missing: run `npm run build -w @reprise/sdk` first');
  }
  const [browser, capture, site] = await Promise.all([
    launchChromium(),
    startCaptureServer(),
    startStaticServer({ '/sdk/': distFolder }),
  ]);
  return {
    browser,
    capture,
    site,
    async close() {
      await browser.close();
      await Promise.all([capture.close(), site.close()]);
    },
  };
}

/**
 * Builds a test page that loads the ES module SDK and calls `init` with `config` (plus the
 * capture server as `api_host`). The instance is `window.reprise`; `window.storedReplay` contains
 * the tab's stored replay as it was before `init`.
 */
export function sdkPage(bed: SdkTestBed, config: Record<string, unknown>, body = ''): string {
  const options = JSON.stringify({ api_host: bed.capture.origin, ...config });
  return `<!doctype html>
<html><head><meta charset="utf-8"><title>Reprise test page</title></head>
<body>
${body}
<script type="module">
  window.storedReplay = sessionStorage.getItem('reprise_replay_${token}');
  const { default: reprise } = await import('/sdk/reprise.mjs');
  window.reprise = reprise;
  reprise.init('${token}', ${options});
</script>
</body></html>`;
}

export interface RecordUpload {
  request: CapturedRequest;
  replayId: string;
  seq: number;
  format: string | null;
  events: { type: number; timestamp: number; data: Record<string, unknown> }[];
}

/** Returns the `/record/` uploads received so far, in arrival order, with their events parsed. */
export function recordUploads(capture: CaptureServer): RecordUpload[] {
  return capture.requests
    .filter((request) => request.method === 'POST' && request.url.pathname === '/record/')
    .map((request) => ({
      request,
      replayId: request.url.searchParams.get('replay_id') ?? '',
      seq: Number(request.url.searchParams.get('seq')),
      format: request.url.searchParams.get('format'),
      events: JSON.parse(request.text) as RecordUpload['events'],
    }));
}

/** Decodes a `/track/` or `/engage/` form body: `data=<base64 of UTF-8 JSON>`. */
export function decodeFormBody(text: string): unknown {
  const data = new URLSearchParams(text).get('data');
  if (data === null) throw new Error(`form body without data: ${text.slice(0, 200)}`);
  return JSON.parse(Buffer.from(data, 'base64').toString('utf8'));
}

/** Returns every item posted to `path` (`/track/` or `/engage/`) so far, in order. */
export function formItems(
  capture: CaptureServer,
  path: '/track/' | '/engage/',
): Record<string, unknown>[] {
  return capture.requests
    .filter((request) => request.method === 'POST' && request.url.pathname === path)
    .flatMap((request) => decodeFormBody(request.text) as Record<string, unknown>[]);
}

/** Polls `check` until it returns a truthy value, and returns that value. */
export async function waitFor<T>(
  check: () => T | Promise<T>,
  what: string,
  timeoutMs = 15_000,
): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value as NonNullable<T>;
    if (Date.now() > deadline)
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Adds DOM nodes with text, so that the recorder has mutations to send. */
export async function addNodes(page: Page, count: number, textLength = 20): Promise<void> {
  await page.evaluate(
    ([count, textLength]) => {
      const list = document.createElement('ul');
      for (let i = 0; i < count; i++) {
        const item = document.createElement('li');
        item.textContent = `item ${i} `.padEnd(textLength, 'x');
        list.append(item);
      }
      document.body.append(list);
    },
    [count, textLength] as const,
  );
}

/** A request that the SDK stored in localStorage for the next page load. */
export interface StoredRequest {
  path: string;
  query: string;
  body: string;
}

/** Returns the SDK's outbox in the page's localStorage, without changing it. */
export async function storedRequests(page: Page): Promise<StoredRequest[]> {
  const text = await page.evaluate((key) => localStorage.getItem(key), `reprise_outbox_${token}`);
  return JSON.parse(text ?? '[]') as StoredRequest[];
}

/** Returns the `seq` in the query of a stored `/record/` request. */
export function storedSeq(request: StoredRequest): number {
  return Number(new URLSearchParams(request.query).get('seq'));
}
