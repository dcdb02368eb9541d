/**
 * Benchmark of what each SDK sends over the network during the same scripted visits to the
 * example shop: requests and bytes per minute, recording uploads apart from analytics
 * requests, preflights and script or configuration downloads. Prints a table and writes it to
 * bench/results/bytes-sent-<time>.json.
 *
 *   npm run bytes-sent -w @reprise/bench -- [--minutes=1] [--sdks=reprise,mixpanel,posthog,rrweb]
 *
 * Every request goes to an ingestion server on 127.0.0.1 that keeps the size of each request
 * as it arrived, so the counts are what went over the wire, compressed as the SDK sent it.
 */
import { gunzipSync } from 'node:zlib';
import { launchChromium } from '@reprise/e2e/support';
import type { Browser } from 'playwright-core';
import {
  isRecordingUpload,
  startIngestServer,
  type IngestRequest,
} from './support/ingest-server.js';
import {
  finishMachineInfo,
  formatTable,
  machineInfo,
  numberFlag,
  readFlags,
  checkBuildUnchanged,
  repriseBuildInfo,
  round,
  writeResults,
} from './support/report.js';
import {
  benchSdks,
  installSdkScripts,
  parseSdkList,
  repriseDist,
  sdkMounts,
  type SdkId,
} from './support/sdks.js';
import { serveShop, shopMounts, shopVisit } from './support/shop.js';
import { startSiteServer, type SiteServer } from './support/site-server.js';

/** Time allowed after leaving the shop for requests sent as the page goes away, in ms. */
const afterLeaveMs = 3_000;

type Category = 'recording' | 'analytics' | 'preflight' | 'other';

const categories: Record<Category, string> = {
  recording: 'recording uploads',
  analytics: 'analytics and profile requests (POST, not recording)',
  preflight: 'CORS preflights (OPTIONS)',
  other: 'downloads from the API host (GET: settings, remote configuration, scripts)',
};

function categoryOf(request: IngestRequest): Category {
  if (isRecordingUpload(request)) return 'recording';
  if (request.method === 'OPTIONS') return 'preflight';
  if (request.method === 'POST') return 'analytics';
  return 'other';
}

interface Totals {
  requests: number;
  bodyBytes: number;
  headerBytes: number;
}

interface SdkTraffic {
  sdk: SdkId;
  label: string;
  minutes: number;
  visits: number;
  byCategory: Record<Category, Totals>;
  /** Recording upload bodies after gunzip, where they were gzip. */
  recordingDecodedBytes: number;
  /** Every request, for checking: method, path, body and header bytes, ms from the start. */
  requests: Array<{
    method: string;
    path: string;
    bodyBytes: number;
    headerBytes: number;
    atMs: number;
  }>;
}

function decodedSize(body: Buffer): number {
  const isGzip = body.length > 2 && body[0] === 0x1f && body[1] === 0x8b;
  return isGzip ? gunzipSync(body).length : body.length;
}

/** Runs shop visits with `id` for `minutes`, leaves the shop, and sums what reached `ingest`. */
async function measureSdk(
  browser: Browser,
  site: SiteServer,
  id: SdkId,
  minutes: number,
): Promise<SdkTraffic> {
  const ingest = await startIngestServer();
  const sdk = benchSdks[id];
  serveShop(site, sdk, ingest.origin);
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  try {
    const page = await context.newPage();
    const started = Date.now();
    const deadline = started + minutes * 60_000;
    await page.goto(`${site.origin}/shop/${id}/index.html`);
    let visits = 0;
    while (Date.now() < deadline) {
      await shopVisit(page, deadline);
      visits++;
    }
    const sessionMs = Date.now() - started;
    // Leaving the page lets each SDK send what it still holds, as it does when a visitor leaves.
    await page.goto('about:blank');
    await page.waitForTimeout(afterLeaveMs);

    const byCategory = Object.fromEntries(
      Object.keys(categories).map((name) => [name, { requests: 0, bodyBytes: 0, headerBytes: 0 }]),
    ) as Record<Category, Totals>;
    let recordingDecodedBytes = 0;
    for (const request of ingest.requests) {
      const totals = byCategory[categoryOf(request)];
      totals.requests++;
      totals.bodyBytes += request.bodyBytes;
      totals.headerBytes += request.headerBytes;
      if (isRecordingUpload(request)) recordingDecodedBytes += decodedSize(request.body);
    }
    return {
      sdk: id,
      label: sdk.label,
      minutes: sessionMs / 60_000,
      visits,
      byCategory,
      recordingDecodedBytes,
      requests: ingest.requests.map((request) => ({
        method: request.method,
        path: request.url.pathname,
        bodyBytes: request.bodyBytes,
        headerBytes: request.headerBytes,
        atMs: request.receivedAt - started,
      })),
    };
  } finally {
    await context.close();
    await ingest.close();
  }
}

function perMinute(value: number, traffic: SdkTraffic, digits = 1): number {
  return round(value / traffic.minutes, digits);
}

function summarize(traffic: SdkTraffic) {
  const all = Object.values(traffic.byCategory);
  const kib = (bytes: number) => perMinute(bytes / 1024, traffic);
  const recording = traffic.byCategory.recording;
  return {
    sdk: traffic.sdk,
    recordingRequestsPerMinute: perMinute(recording.requests, traffic),
    recordingKiBPerMinute: kib(recording.bodyBytes),
    recordingDecodedKiBPerMinute: kib(traffic.recordingDecodedBytes),
    analyticsRequestsPerMinute: perMinute(traffic.byCategory.analytics.requests, traffic),
    analyticsKiBPerMinute: kib(traffic.byCategory.analytics.bodyBytes),
    preflightsPerMinute: perMinute(traffic.byCategory.preflight.requests, traffic),
    otherRequestsPerMinute: perMinute(traffic.byCategory.other.requests, traffic),
    requestsPerMinute: perMinute(
      all.reduce((sum, totals) => sum + totals.requests, 0),
      traffic,
    ),
    /** Request bodies and headers of every category. */
    wireKiBPerMinute: kib(
      all.reduce((sum, totals) => sum + totals.bodyBytes + totals.headerBytes, 0),
    ),
  };
}

type Summary = ReturnType<typeof summarize>;

function printResults(summaries: Summary[], traffic: SdkTraffic[]): void {
  const label = (id: SdkId) => benchSdks[id].label;
  console.log('\nPer minute of visits to the example shop (request bodies as sent; KiB = 1024 B)');
  console.log(
    formatTable(
      [
        'SDK',
        'minutes',
        'recording req',
        'recording KiB',
        'recording KiB unzipped',
        'analytics req',
        'analytics KiB',
        'preflights',
        'GETs',
        'all req',
        'all KiB with headers',
      ],
      summaries.map((summary, index) => [
        label(summary.sdk),
        String(round(traffic[index]!.minutes, 2)),
        String(summary.recordingRequestsPerMinute),
        String(summary.recordingKiBPerMinute),
        String(summary.recordingDecodedKiBPerMinute),
        String(summary.analyticsRequestsPerMinute),
        String(summary.analyticsKiBPerMinute),
        String(summary.preflightsPerMinute),
        String(summary.otherRequestsPerMinute),
        String(summary.requestsPerMinute),
        String(summary.wireKiBPerMinute),
      ]),
    ),
  );

  const reprise = summaries.find((summary) => summary.sdk === 'reprise');
  const peers = summaries.filter((summary) => summary.sdk !== 'reprise');
  if (!reprise || peers.length === 0) return;
  const ratio = (mine: number, theirs: number) =>
    theirs > 0 ? String(round(mine / theirs, 2)) : 'n/a';
  console.log('\nRatios, Reprise / peer (below 1: Reprise sends less)');
  console.log(
    formatTable(
      ['peer', 'recording KiB', 'all requests', 'all KiB with headers'],
      peers.map((peer) => [
        label(peer.sdk),
        ratio(reprise.recordingKiBPerMinute, peer.recordingKiBPerMinute),
        ratio(reprise.requestsPerMinute, peer.requestsPerMinute),
        ratio(reprise.wireKiBPerMinute, peer.wireKiBPerMinute),
      ]),
    ),
  );
}

async function main() {
  const flags = readFlags(process.argv.slice(2), ['minutes', 'sdks']);
  const minutes = numberFlag(flags, 'minutes', 1, { min: 0.25, max: 60 });
  const sdks = parseSdkList(flags.get('sdks') ?? 'reprise,mixpanel,posthog,rrweb').filter(
    (id) => id !== 'none',
  );

  const site = await startSiteServer({ ...sdkMounts(), ...shopMounts() });
  installSdkScripts(site);
  const browser = await launchChromium();
  const machine = machineInfo(browser.version());
  const repriseBuild = repriseBuildInfo(repriseDist);
  console.log(`Load average at start: ${machine.loadAverageAtStart.join(', ')}`);
  try {
    const traffic: SdkTraffic[] = [];
    for (const id of sdks) {
      traffic.push(await measureSdk(browser, site, id, minutes));
      console.log(
        `${id}: ${traffic.at(-1)!.visits} visits, ${traffic.at(-1)!.requests.length} requests`,
      );
    }
    const summaries = traffic.map(summarize);
    printResults(summaries, traffic);
    finishMachineInfo(machine);
    const repriseBuildAtEnd = checkBuildUnchanged(repriseDist, repriseBuild);
    console.log(`\nLoad average at end: ${machine.loadAverageAtEnd?.join(', ')}`);
    const file = writeResults('bytes-sent', {
      machine,
      repriseBuild,
      repriseBuildAtEnd,
      options: { minutes, sdks },
      categories,
      summaries,
      traffic,
    });
    console.log(`Wrote ${file}`);
  } finally {
    await browser.close();
    await site.close();
  }
}

await main();
