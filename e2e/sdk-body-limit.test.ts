import { startTestServer, type TestServer } from '@reprise/server/test-support';
import type { Browser, Page, Response } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, startStaticServer, waitFor, type StaticServer } from './support/index.js';
import { getChunks, getReplayEvents, markedSteps } from './support/replay-queries.js';
import { sdkAdapters, sdkTestPage } from './support/sdk-adapters.js';

// Reprise's own 413 for a body over REPRISE_MAX_BODY_BYTES is raised by Fastify before any
// route runs. The SDKs must still read it (status, JSON body, CORS headers) to send smaller
// batches. The page talks to Reprise directly, with no proxy in between, and the test watches
// the traffic through Playwright's network events, which observe without routing.
const maxBodyBytes = 3000;

/** One `/record/` POST as the page saw it. */
interface SeenUpload {
  seq: number;
  status: number;
  /** Bytes of the body as sent. */
  bytes: number;
}

describe.each(sdkAdapters)('$name and the body limit', (adapter) => {
  let server: TestServer;
  let site: StaticServer;
  let browser: Browser;
  let page: Page;
  let replayId: string;
  let steps = 0;
  const uploads: SeenUpload[] = [];
  const pending: Promise<void>[] = [];
  const failures: string[] = [];

  beforeAll(async () => {
    server = await startTestServer({ settings: { maxBodyBytes } });
    site = await startStaticServer(adapter.mounts);
    browser = await launchChromium();
    // Each step adds about 300 bytes that gzip cannot shrink much, so about twenty steps make
    // a body larger than the limit, while one step stays far below it.
    const noisyMark = `<script>
  function noisyMark(step) {
    mark(step);
    document.getElementById('marker').dataset.noise = Array.from({ length: 8 }, () =>
      crypto.randomUUID()).join('');
  }
</script>`;
    const config = { api_host: server.url, record_sessions_percent: 100 };
    site.setPage('/app.html', sdkTestPage(adapter, server.token, config, { body: noisyMark }));
    page = await (await browser.newContext()).newPage();
    page.on('response', (response: Response) => {
      const request = response.request();
      const url = new URL(request.url());
      if (request.method() !== 'POST' || url.pathname !== '/record/') return;
      // Pushed at once so that the order is the order of the responses.
      const upload = {
        seq: Number(url.searchParams.get('seq')),
        status: response.status(),
        bytes: 0,
      };
      uploads.push(upload);
      pending.push(
        request.headerValue('content-length').then((length) => {
          upload.bytes = Number(length);
        }),
      );
    });
    page.on('requestfailed', (request) => failures.push(`${request.method()} ${request.url()}`));

    await page.goto(`${site.origin}/app.html`);
    replayId = await adapter.waitUntilRecording(page);
    // About twenty steps per upload interval, until Reprise replied to one upload with 413 and
    // the SDK sent that seq again and it was accepted.
    const retried = () => {
      const rejected = uploads.find((upload) => upload.status === 413);
      return rejected && uploads.some((u) => u.seq === rejected.seq && u.status === 200);
    };
    const deadline = Date.now() + adapter.recordFlushMs * 8 + 20_000;
    while (!retried() && Date.now() < deadline) {
      steps += 1;
      await page.evaluate(
        (step) => (window as unknown as { noisyMark(n: number): void }).noisyMark(step),
        steps,
      );
      await page.waitForTimeout(adapter.recordFlushMs / 20);
    }
    await waitFor(
      `all ${steps} steps stored`,
      async () =>
        markedSteps(await getReplayEvents(server, replayId)).includes(steps) ? true : undefined,
      adapter.recordFlushMs * 8 + 10_000,
    );
    await Promise.all(pending);
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await site?.close();
    await server?.close();
  });

  it('answers an upload over the limit with 413', () => {
    const rejected = uploads.filter((upload) => upload.status === 413);
    expect(rejected.length).toBeGreaterThan(0);
    for (const upload of rejected) expect(upload.bytes).toBeGreaterThan(maxBodyBytes);
    expect(failures).toEqual([]);
  });

  it('gets a smaller batch of that seq', () => {
    const rejected = uploads.find((upload) => upload.status === 413)!;
    const accepted = uploads.find((upload) => upload.seq === rejected.seq && upload.status === 200);
    expect(accepted).toBeDefined();
    expect(accepted!.bytes).toBeLessThanOrEqual(maxBodyBytes);
  });

  it('stores every step without gap', async () => {
    const { chunks } = await getChunks(server, replayId);
    const seqs = chunks.map((chunk) => chunk.seq);
    expect(seqs).toEqual(seqs.map((_, index) => index));
    const events = await getReplayEvents(server, replayId);
    expect(markedSteps(events)).toEqual(Array.from({ length: steps }, (_, index) => index + 1));
  });
});
