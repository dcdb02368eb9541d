import { startTestServer, type TestServer } from '@reprise/server/test-support';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  launchChromium,
  startFaultProxy,
  startStaticServer,
  waitFor,
  type Fault,
  type FaultProxy,
  type ProxiedRequest,
  type StaticServer,
} from './support/index.js';
import {
  getChunks,
  getReplayEvents,
  markedSteps,
  recordUploads,
  uploadEvents,
  uploadSeq,
  type StoredRrwebEvent,
} from './support/replay-queries.js';
import { sdkAdapters, sdkTestPage, type SdkAdapter } from './support/sdk-adapters.js';

/** What one visit through a fault proxy left behind. */
interface FaultVisit {
  replayId: string;
  /** Steps the page marked, 1 to `steps`. */
  steps: number;
  uploads: ProxiedRequest[];
  /** The upload that got the fault's reply. */
  faulted: ProxiedRequest;
  /** The next upload of the same seq, which Reprise accepted. */
  retry: ProxiedRequest;
  stored: StoredRrwebEvent[];
  storedSeqs: number[];
}

/**
 * Returns whether a request is an upload after seq 0 with more than one event, so that its
 * batch can be made smaller. The fault replies to the first such upload.
 */
function laterBatch(request: { method: string; url: URL; decodedText: string }): boolean {
  if (request.method !== 'POST' || request.url.pathname !== '/record/') return false;
  if (Number(request.url.searchParams.get('seq')) < 1) return false;
  return (JSON.parse(request.decodedText) as unknown[]).length > 1;
}

function eventKey(event: StoredRrwebEvent): string {
  return JSON.stringify(event);
}

/**
 * Records a page through a fault proxy that replies to one upload after the first with `fault`. The page
 * marks a step every 250 ms until the retry of that upload was accepted, marks one more, and
 * the visit waits until every step is stored.
 */
async function visitWithFault(
  adapter: SdkAdapter,
  server: TestServer,
  browser: Browser,
  fault: Omit<Fault, 'matches'>,
): Promise<FaultVisit> {
  const proxy: FaultProxy = await startFaultProxy(server.url);
  const site: StaticServer = await startStaticServer(adapter.mounts);
  const context = await browser.newContext();
  try {
    proxy.inject({ ...fault, matches: laterBatch });
    const config = { api_host: proxy.origin, record_sessions_percent: 100 };
    site.setPage('/app.html', sdkTestPage(adapter, server.token, config));
    const page = await context.newPage();
    await page.goto(`${site.origin}/app.html`);
    const replayId = await adapter.waitUntilRecording(page);

    const retried = () => {
      const uploads = recordUploads(proxy.requests);
      const index = uploads.findIndex((upload) => upload.injected);
      if (index === -1) return undefined;
      const faulted = uploads[index]!;
      const retry = uploads
        .slice(index + 1)
        .find((upload) => uploadSeq(upload) === uploadSeq(faulted) && upload.status === 200);
      return retry ? { faulted, retry } : undefined;
    };
    const deadline = Date.now() + adapter.recordFlushMs * 6 + 20_000;
    let steps = 0;
    while (!retried() && Date.now() < deadline) {
      steps += 1;
      await page.evaluate(
        (step) => (window as unknown as { mark(step: number): void }).mark(step),
        steps,
      );
      await page.waitForTimeout(250);
    }
    const found = retried();
    if (!found) {
      const seen = recordUploads(proxy.requests).map(
        (upload) => `seq ${uploadSeq(upload)}: ${upload.status}, ${uploadEvents(upload).length}`,
      );
      throw new Error(
        `${adapter.name}: no accepted retry of the ${fault.status} upload; uploads: ${seen.join('; ')}`,
      );
    }
    steps += 1;
    await page.evaluate(
      (step) => (window as unknown as { mark(step: number): void }).mark(step),
      steps,
    );

    const stored = await waitFor(
      `all ${steps} steps stored`,
      async () => {
        const events = await getReplayEvents(server, replayId);
        return markedSteps(events).includes(steps) ? events : undefined;
      },
      adapter.recordFlushMs * 3 + 10_000,
    );
    const { chunks } = await getChunks(server, replayId);
    return {
      replayId,
      steps,
      uploads: recordUploads(proxy.requests),
      ...found,
      stored,
      storedSeqs: chunks.map((chunk) => chunk.seq),
    };
  } finally {
    await context.close();
    await Promise.all([proxy.close(), site.close()]);
  }
}

/** Checks what every fault must leave: seqs without gap and every event stored once. */
function expectCompleteReplay(visit: FaultVisit): void {
  expect(visit.storedSeqs).toEqual(visit.storedSeqs.map((_, index) => index));
  expect(markedSteps(visit.stored)).toEqual(
    Array.from({ length: visit.steps }, (_, index) => index + 1),
  );
  const stored = new Map<string, number>();
  for (const event of visit.stored) {
    stored.set(eventKey(event), (stored.get(eventKey(event)) ?? 0) + 1);
  }
  for (const upload of visit.uploads) {
    for (const event of uploadEvents(upload)) {
      expect(stored.has(eventKey(event)), `seq ${uploadSeq(upload)} event`).toBe(true);
    }
  }
  for (const event of uploadEvents(visit.faulted)) {
    expect(stored.get(eventKey(event))).toBe(1);
  }
}

describe.each(sdkAdapters)('$name upload faults', (adapter) => {
  let server: TestServer;
  let browser: Browser;
  const visits: Record<'lost' | 'stored' | 'tooLarge' | 'tooMany', FaultVisit | undefined> = {
    lost: undefined,
    stored: undefined,
    tooLarge: undefined,
    tooMany: undefined,
  };
  const visit = (name: keyof typeof visits): FaultVisit => {
    const found = visits[name];
    if (!found) throw new Error(`The ${name} visit did not run`);
    return found;
  };

  beforeAll(async () => {
    server = await startTestServer();
    browser = await launchChromium();
    // The four visits run at once, each in its own browser context and proxy.
    [visits.lost, visits.stored, visits.tooLarge, visits.tooMany] = await Promise.all([
      visitWithFault(adapter, server, browser, { status: 500 }),
      visitWithFault(adapter, server, browser, { status: 500, afterForwarding: true }),
      visitWithFault(adapter, server, browser, { status: 413 }),
      // After forwarding, so the SDK reads Retry-After only if Reprise's CORS headers expose it.
      visitWithFault(adapter, server, browser, {
        status: 429,
        headers: { 'Retry-After': '1' },
        afterForwarding: true,
      }),
    ]);
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('500 is retried under the same seq', () => {
    const { faulted, retry } = visit('lost');
    expect(faulted.targetStatus).toBeNull();
    expect(uploadSeq(retry)).toBe(uploadSeq(faulted));
    const retried = new Set(uploadEvents(retry).map(eventKey));
    for (const event of uploadEvents(faulted)) expect(retried.has(eventKey(event))).toBe(true);
    expectCompleteReplay(visit('lost'));
  });

  it('500 after storing keeps the retry', async () => {
    const { faulted, retry, replayId } = visit('stored');
    expect(faulted.targetStatus).toBe(200);
    expect(uploadSeq(retry)).toBe(uploadSeq(faulted));
    const chunk = (await getChunks(server, replayId)).chunks.find(
      (candidate) => candidate.seq === uploadSeq(retry),
    );
    expect(chunk?.eventCount).toBe(uploadEvents(retry).length);
    expectCompleteReplay(visit('stored'));
  });

  it('413 makes the batch smaller', () => {
    const { faulted, retry } = visit('tooLarge');
    expect(uploadSeq(retry)).toBe(uploadSeq(faulted));
    expect(uploadEvents(retry).length).toBeGreaterThan(0);
    expect(uploadEvents(retry).length).toBeLessThan(uploadEvents(faulted).length);
    expectCompleteReplay(visit('tooLarge'));
  });

  it('429 waits for Retry-After', () => {
    const { faulted, retry } = visit('tooMany');
    const waitedMs = retry.receivedAt - faulted.receivedAt;
    expect(waitedMs).toBeGreaterThanOrEqual(1000);
    // Without Retry-After, mixpanel-browser 2.83.0 waits twice its 10 s flush interval.
    expect(waitedMs).toBeLessThan(5000);
    expectCompleteReplay(visit('tooMany'));
  });
});
