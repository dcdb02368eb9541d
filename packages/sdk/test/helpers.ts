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

/** Marks a RegExp in JSON, so that `sdkPage` can pass it to `init` as a RegExp. */
const regExpKey = '$regexp';

/**
 * Builds a test page that loads the ES module SDK and calls `init` with `config` (plus the
 * capture server as `api_host`); RegExp values stay RegExps. The instance is `window.reprise`;
 * `window.storedReplay` contains the tab's stored replay as it was before `init`.
 */
export function sdkPage(bed: SdkTestBed, config: Record<string, unknown>, body = ''): string {
  const json = JSON.stringify({ api_host: bed.capture.origin, ...config }, (_key, value) =>
    value instanceof RegExp ? { [regExpKey]: value.source } : value,
  );
  const options = `JSON.parse(${JSON.stringify(json)}, (key, value) =>
    value && typeof value === 'object' && '${regExpKey}' in value
      ? new RegExp(value['${regExpKey}'])
      : value)`;
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

/** Returns the replay id that the page's SDK reports, or undefined while it records none. */
export async function currentReplayId(page: Page): Promise<string | undefined> {
  return page.evaluate(() => {
    const api = (window as unknown as { reprise?: { get_session_recording_properties?(): object } })
      .reprise;
    const properties = api?.get_session_recording_properties?.() as { $mp_replay_id?: string };
    return properties?.$mp_replay_id;
  });
}

/** Returns the uploads of one replay, in arrival order. */
export function uploadsOf(capture: CaptureServer, replayId: string): RecordUpload[] {
  return recordUploads(capture).filter((upload) => upload.replayId === replayId);
}

/**
 * Navigates to a page without the SDK. This fires `pagehide`, on which the SDK sends what it
 * has queued. Closing the page instead drops those requests in headless Chromium.
 */
export async function leavePage(bed: SdkTestBed, page: Page): Promise<void> {
  bed.site.setPage('/left.html', '<!doctype html><p>no SDK here</p>');
  await page.goto(`${bed.site.origin}/left.html`);
}

/** Waits until no new upload of `replayId` has arrived for `quietMs`. */
export async function waitForQuiet(capture: CaptureServer, replayId: string, quietMs = 500) {
  let count = -1;
  let stableSince = Date.now();
  await waitFor(() => {
    const now = uploadsOf(capture, replayId).length;
    if (now !== count) [count, stableSince] = [now, Date.now()];
    return Date.now() - stableSince >= quietMs;
  }, `uploads of ${replayId} to stop`);
}

/** What the capture server received for one recorded page. */
export interface RecordedPage {
  replayId: string;
  uploads: RecordUpload[];
  events: RecordUpload['events'];
  /** Every decompressed `/record/` body of the replay, joined by newlines. */
  bodies: string;
}

/**
 * Collects the uploads of one replay in `seq` order, as the server stores them: batches sent
 * together at `pagehide` can arrive in any order.
 */
export function recordedPage(capture: CaptureServer, replayId: string): RecordedPage {
  const uploads = uploadsOf(capture, replayId).sort((a, b) => a.seq - b.seq);
  return {
    replayId,
    uploads,
    events: uploads.flatMap((upload) => upload.events),
    bodies: uploads.map((upload) => upload.request.text).join('\n'),
  };
}

/**
 * Records one page: serves `body` at `path` with the SDK recording every session under
 * `config`, waits for the first upload, runs `act`, then leaves the page, whose `pagehide`
 * sends the rest, and returns what arrived for its replay.
 */
export async function recordPage(
  bed: SdkTestBed,
  path: string,
  config: Record<string, unknown>,
  body: string,
  act?: (page: Page) => Promise<void>,
): Promise<RecordedPage> {
  const recordAll = { record_sessions_percent: 100, record_flush_interval_ms: 300 };
  bed.site.setPage(path, sdkPage(bed, { ...recordAll, ...config }, body));
  const page = await bed.browser.newPage();
  await page.goto(`${bed.site.origin}${path}`);
  const replayId = await waitFor(() => currentReplayId(page), `a replay id on ${path}`);
  await waitFor(() => uploadsOf(bed.capture, replayId).length > 0, `an upload from ${path}`);
  await act?.(page);
  await leavePage(bed, page);
  await waitForQuiet(bed.capture, replayId);
  await page.close();
  return recordedPage(bed.capture, replayId);
}

/** rrweb numbers, as recorded by rrweb 2.2.2. */
export const rrweb = {
  fullSnapshot: 2,
  incremental: 3,
  meta: 4,
  mutation: 0,
  mouseInteraction: 2,
  input: 5,
  canvasMutation: 9,
  font: 10,
  click: 2,
} as const;

export interface SerializedNode {
  id: number;
  tagName?: string;
  attributes?: Record<string, unknown>;
  childNodes?: SerializedNode[];
}

/**
 * Returns the rrweb id of the last recorded element (in full snapshots and added nodes) that
 * `matches`, or -1.
 */
export function recordedIdWhere(
  events: RecordUpload['events'],
  matches: (node: SerializedNode) => boolean,
): number {
  let found = -1;
  const visit = (node: SerializedNode) => {
    if (matches(node)) found = node.id;
    for (const child of node.childNodes ?? []) visit(child);
  };
  for (const event of events) {
    if (event.type === rrweb.fullSnapshot) visit(event.data.node as SerializedNode);
    const adds = (event.data.adds ?? []) as { node: SerializedNode }[];
    for (const add of adds) visit(add.node);
  }
  return found;
}

/** Returns the rrweb id of the element whose `id` attribute is `elementId`, or -1. */
export function recordedIdOf(events: RecordUpload['events'], elementId: string): number {
  return recordedIdWhere(events, (node) => node.attributes?.id === elementId);
}

/** Returns the input events (text and checked state) recorded for the rrweb node `id`. */
export function inputEventsOf(events: RecordUpload['events'], id: number) {
  return events
    .filter((event) => event.type === rrweb.incremental && event.data.source === rrweb.input)
    .filter((event) => event.data.id === id)
    .map((event) => event.data as { text: string; isChecked: boolean });
}
