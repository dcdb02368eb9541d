/**
 * Records the sample replays that a new Reprise shows on first start: starts a Reprise server
 * with a fresh data folder, drives the example shop in headless Chromium through each journey
 * (a fresh browser context each, so each is a new visitor), then writes every replay with its
 * events and profile to samples/<journey>.json.gz.
 *
 *   npm run samples:record -w @reprise/example-shop   (needs `npm run build` first)
 */
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { launchChromium } from '@reprise/e2e/support';
import { exportSample, sampleOrigin } from '@reprise/server';
import { startTestServer } from '@reprise/server/test-support';
import { journeys } from './journeys.js';

const samplesFolder = join(dirname(fileURLToPath(import.meta.url)), '..', 'samples');

async function waitForUploads(
  server: Awaited<ReturnType<typeof startTestServer>>,
  known: Set<string>,
) {
  // The SDK flushes every few seconds and on pagehide; wait until the new replay stops growing.
  let previous = '';
  for (let attempt = 0; attempt < 60; attempt += 1) {
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const response = await server.api('/api/replays?limit=100');
    const { replays } = (await response.json()) as {
      replays: Array<{ id: string; chunkCount: number; updatedAt: number }>;
    };
    const fresh = replays.filter((replay) => !known.has(replay.id));
    const state = JSON.stringify(
      fresh.map((replay) => [replay.id, replay.chunkCount, replay.updatedAt]),
    );
    if (fresh.length > 0 && state === previous) return fresh.map((replay) => replay.id);
    previous = state;
  }
  throw new Error('No replay arrived within 60 s');
}

const server = await startTestServer();
const browser = await launchChromium();
try {
  const known = new Set<string>();
  for (const journey of journeys) {
    const context = await browser.newContext({
      viewport: { width: 1280, height: 800 },
      userAgent: journey.userAgent,
    });
    const page = await context.newPage();
    await journey.run(page, server.url);
    await page.goto('about:blank');
    await context.close();

    const replayIds = await waitForUploads(server, known);
    replayIds.forEach((id) => known.add(id));
    const sample = await exportSample(server.context, 'default', replayIds);
    const file = join(samplesFolder, `${journey.name}.json.gz`);
    // The shop ran on a random port; samples name the default address, which import rewrites.
    const text = JSON.stringify(sample).replaceAll(server.url, sampleOrigin);
    writeFileSync(file, gzipSync(text, { level: 9 }));
    const chunks = sample.replays.reduce((total, replay) => total + replay.chunks.length, 0);
    console.log(
      `${journey.name}: ${replayIds.length} replay, ${chunks} chunks, ${sample.events.length} events -> ${file}`,
    );
  }
} finally {
  await browser.close();
  await server.close();
}
