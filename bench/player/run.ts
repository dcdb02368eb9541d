/**
 * Time to first frame and seek latency of the web app's player on a 60-minute recording, in
 * headless Chromium, next to rrweb's own Replayer given the whole recording at once. Prints a
 * table and writes bench/results/player-<time>.json.
 *
 *   npm run player -w @reprise/bench -- [--minutes=60] [--loads=5] [--seeks=20] [--seed=1]
 *
 * The recording is generated from the example shop's samples (see recording.ts), uploaded to
 * a real server (the built CLI, `npm run build` first) through /record/, and opened at
 * /replays/<id> after logging in. Each load is a full navigation. On the first, the login page
 * has already cached the app's main bundle but not the player's chunk. Then one load opens the
 * replay at 75% of its length with `?t=`, as a shared link does. The seeks run on that page once
 * every chunk is in and the player is paused. Each is a click on the timeline at a random
 * position. It is timed from the pointerup until the animation frame after the one in which the
 * replayed page shows the probe expected at that position.
 */
import { randomBytes } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import type { Page } from 'playwright-core';
import type { RrwebEvent } from '@reprise/protocol';
import { logIn, pausePlayer } from '@reprise/e2e/support';
import { startReprise, type RepriseProcess } from '../server/launch.js';
import {
  loadAverage,
  machine,
  printTable,
  readOptions,
  round,
  summarize,
  writeResults,
} from '../server/report.js';
import {
  armSeekProbe,
  chromiumVersion,
  firstFrameProbe,
  launchBrowser,
  readFirstFrame,
  readSeek,
  replayIframeSelector,
  type FirstFrame,
  type SeekTiming,
} from './browser.js';
import { startPlainRrwebServer } from './plain-rrweb.js';
import { generateRecording, seededRandom, type GeneratedRecording } from './recording.js';

/** Targets of the player, ms: first frame after navigation, and p95 of seeks. */
const targets = { firstFrameMs: 300, seekP95Ms: 150 };

interface LoadTiming extends FirstFrame {
  /** When the last chunk response ended, ms since navigation start; null for the rrweb page. */
  allChunksMs: number | null;
  /** Requests that started before the first frame: path, start and end, ms since navigation. */
  requestsBeforeFirstFrame: Array<{ path: string; startMs: number; endMs: number }>;
}

/** Lists the document and resource requests that started before `beforeMs`. */
async function requestsBefore(page: Page, beforeMs: number) {
  return page.evaluate((beforeMs) => {
    const entries = [
      ...performance.getEntriesByType('navigation'),
      ...performance.getEntriesByType('resource'),
    ] as PerformanceResourceTiming[];
    return entries
      .filter((entry) => entry.startTime < beforeMs)
      .map((entry) => ({
        path: new URL(entry.name).pathname,
        startMs: Math.round(entry.startTime),
        endMs: Math.round(entry.responseEnd),
      }));
  }, beforeMs);
}

/** Uploads each chunk to /record/ as the SDK would, with up to 8 requests in flight. */
async function upload(server: RepriseProcess, replayId: string, chunks: RrwebEvent[][]) {
  let next = 0;
  const worker = async () => {
    while (next < chunks.length) {
      const seq = next++;
      const query = new URLSearchParams({
        replay_id: replayId,
        seq: String(seq),
        distinct_id: '$device:bench-player',
        $device_id: 'bench-player',
        mp_lib: 'web',
        format: 'gzip',
      });
      const response = await fetch(`${server.url}/record/?${query}`, {
        method: 'POST',
        headers: {
          Authorization: server.recordAuthorization,
          'Content-Type': 'application/octet-stream',
        },
        body: new Uint8Array(gzipSync(JSON.stringify(chunks[seq]))),
      });
      if (response.status !== 200) {
        throw new Error(
          `Upload of chunk ${seq} failed with ${response.status}: ${await response.text()}`,
        );
      }
    }
  };
  await Promise.all(Array.from({ length: 8 }, worker));
}

/** Returns when the last of `count` chunk responses of the current document ended, ms. */
async function waitForChunks(page: Page, replayId: string, count: number): Promise<number> {
  const marker = `/api/replays/${replayId}/chunks/`;
  const handle = await page.waitForFunction(
    ({ marker, count }) => {
      const entries = performance
        .getEntriesByType('resource')
        .filter((entry) => entry.name.includes(marker));
      if (entries.length < count) return undefined;
      return Math.max(...entries.map((entry) => (entry as PerformanceResourceTiming).responseEnd));
    },
    { marker, count },
    { timeout: 120_000, polling: 100 },
  );
  return (await handle.jsonValue()) as number;
}

/** Picks `count` seek positions in the middle 96% of the recording, at least 2 s apart. */
function seekPositions(totalMs: number, count: number, seed: number): number[] {
  const random = seededRandom(seed);
  const positions: number[] = [];
  while (positions.length < count) {
    const position = Math.round((0.02 + random() * 0.96) * totalMs);
    if (positions.every((other) => Math.abs(other - position) > 2000)) positions.push(position);
  }
  return positions;
}

async function measurePlayer(
  page: Page,
  server: RepriseProcess,
  replayId: string,
  recording: GeneratedRecording,
  options: { loads: number; seeks: number; seed: number },
) {
  await page.addInitScript(firstFrameProbe, replayIframeSelector);
  await logIn(page, server.url, server.adminEmail, server.adminPassword);

  const loads: LoadTiming[] = [];
  for (let index = 0; index < options.loads; index++) {
    await page.goto(`${server.url}/replays/${encodeURIComponent(replayId)}`);
    const frame = await readFirstFrame(page);
    const allChunksMs = await waitForChunks(page, replayId, recording.chunks.length);
    const requestsBeforeFirstFrame = await requestsBefore(page, frame.domMs);
    loads.push({ ...frame, allChunksMs: round(allChunksMs, 1), requestsBeforeFirstFrame });
    const requests = requestsBeforeFirstFrame
      .map((request) => `${request.path} ${request.startMs}-${request.endMs}`)
      .join(', ');
    console.log(
      `player load ${index + 1}: first frame ${round(frame.frameMs, 1)} ms, all chunks in ` +
        `${round(allChunksMs)} ms; requests before the first frame (ms): ${requests}`,
    );
  }

  const openAt = await measureOpenAt(page, server, replayId, recording, 0.75);

  // Let the player add the last chunks, then pause it, since it plays on open.
  await page.waitForTimeout(1000);
  await pausePlayer(page);
  const track = await page.locator('[data-testid=player-timeline] .timeline__track').boundingBox();
  if (!track) throw new Error('The player timeline is not visible');
  const totalMs = recording.endMs - recording.startMs;
  const pixelMs = totalMs / track.width;

  const seeks: SeekTiming[] = [];
  for (const position of seekPositions(totalMs, options.seeks, options.seed)) {
    const x = track.x + (position / totalMs) * track.width;
    const y = track.y + track.height / 2;
    await page.mouse.move(x, y);
    await page.evaluate(armSeekProbe, {
      selector: replayIframeSelector,
      probes: recording.probeOffsets,
      intendedMs: position,
      toleranceMs: Math.ceil(pixelMs * 2),
      start: 'pointerup' as const,
      readTimeline: true,
    });
    await page.mouse.down();
    await page.mouse.up();
    const seek = await readSeek(page);
    seeks.push(seek);
    console.log(
      `player seek to ${seek.targetMs} ms: ${round(seek.frameMs - seek.startMs, 1)} ms to the frame`,
    );
    await page.waitForTimeout(200);
  }
  return { loads, seeks, openAt };
}

/**
 * Opens the replay with `?t=` at `fraction` of its length, as a shared link does, and returns
 * when the replayed page first showed the probe expected there, ms since navigation start.
 */
async function measureOpenAt(
  page: Page,
  server: RepriseProcess,
  replayId: string,
  recording: GeneratedRecording,
  fraction: number,
) {
  const positionMs = Math.round((recording.endMs - recording.startMs) * fraction);
  const expected = recording.probeOffsets.filter((offset) => offset < positionMs).at(-1) ?? -1;
  await page.goto(`${server.url}/replays/${encodeURIComponent(replayId)}?t=${positionMs}`);
  const shownMs = await page.evaluate(
    ({ selector, expected }) =>
      new Promise<number>((resolve) => {
        const check = () => {
          const iframe = document.querySelector<HTMLIFrameElement>(selector);
          const html = iframe?.contentDocument?.documentElement;
          // Playing on from the position moves past it, so any later probe also counts.
          const value = Number(html?.getAttribute('data-bench-at') ?? Number.NaN);
          if (value >= expected) requestAnimationFrame(() => resolve(performance.now()));
          else requestAnimationFrame(check);
        };
        check();
      }),
    { selector: replayIframeSelector, expected },
  );
  const result = { positionMs, frameMs: round(shownMs, 1) };
  console.log(`player opened at ${positionMs} ms with ?t=: frame there after ${result.frameMs} ms`);
  await waitForChunks(page, replayId, recording.chunks.length);
  return result;
}

async function measurePlainRrweb(
  page: Page,
  recording: GeneratedRecording,
  positions: number[],
  loadCount: number,
) {
  const server = await startPlainRrwebServer(recording.events);
  try {
    const loads: LoadTiming[] = [];
    for (let index = 0; index < loadCount; index++) {
      await page.goto(server.url);
      const frame = await readFirstFrame(page);
      const requestsBeforeFirstFrame = await requestsBefore(page, frame.domMs);
      loads.push({ ...frame, allChunksMs: null, requestsBeforeFirstFrame });
      console.log(`rrweb load ${index + 1}: first frame ${round(frame.frameMs, 1)} ms`);
    }
    const seeks: SeekTiming[] = [];
    for (const position of positions) {
      await page.evaluate(armSeekProbe, {
        selector: replayIframeSelector,
        probes: recording.probeOffsets,
        intendedMs: position,
        toleranceMs: 0,
        start: 'now' as const,
        readTimeline: false,
      });
      await page.evaluate((offset) => {
        const replayer = (window as unknown as { __benchReplayer: { pause(at: number): void } })
          .__benchReplayer;
        replayer.pause(offset);
      }, position);
      const seek = await readSeek(page);
      seeks.push(seek);
      console.log(
        `rrweb seek to ${position} ms: ${round(seek.frameMs - seek.startMs, 1)} ms to the frame`,
      );
    }
    return { loads, seeks };
  } finally {
    await server.close();
  }
}

function summarizeRun(run: {
  loads: LoadTiming[];
  seeks: SeekTiming[];
  openAt?: { positionMs: number; frameMs: number };
}) {
  const [first, ...warm] = run.loads;
  const chunkTimes = run.loads
    .map((load) => load.allChunksMs)
    .filter((value): value is number => value !== null);
  return {
    /** First load of the player in the session: the app's bundle is cached, its player chunk not. */
    firstFrameFirstLoadMs: round(first!.frameMs, 1),
    firstFrameWarm: summarize(warm.map((load) => load.frameMs)),
    firstFrameAll: summarize(run.loads.map((load) => load.frameMs)),
    allChunksLoaded: chunkTimes.length > 0 ? summarize(chunkTimes) : null,
    seek: summarize(run.seeks.map((seek) => seek.frameMs - seek.startMs)),
    /** Time from the seek's start until the DOM showed the position, before the paint. */
    seekToDom: summarize(run.seeks.map((seek) => seek.domMs - seek.startMs)),
    openAt: run.openAt ?? null,
  };
}

function recordingFacts(recording: GeneratedRecording) {
  const json = JSON.stringify(recording.events);
  return {
    durationMinutes: round((recording.endMs - recording.startMs) / 60_000, 2),
    events: recording.events.length,
    chunks: recording.chunks.length,
    pageVisits: recording.pageVisits,
    fullSnapshots: recording.snapshotOffsets.length,
    probes: recording.probeOffsets.length,
    jsonMB: round(json.length / 1e6, 2),
    gzipMB: round(gzipSync(json).length / 1e6, 2),
  };
}

async function main() {
  const options = readOptions(process.argv.slice(2), { minutes: 60, loads: 5, seeks: 20, seed: 1 });
  if (!(options.minutes > 0) || options.loads < 2 || options.seeks < 1) {
    throw new RangeError('--minutes must be positive, --loads at least 2 and --seeks at least 1');
  }
  const loadAtStart = loadAverage();
  console.log(`Load average at start: ${loadAtStart.join(', ')}`);

  const server = await startReprise({ logLevel: 'warn' });
  const browser = await launchBrowser();
  try {
    const recording = generateRecording({
      durationMinutes: options.minutes,
      endMs: Date.now() - 60_000,
      origin: server.url,
      seed: options.seed,
    });
    const facts = recordingFacts(recording);
    console.log(`Recording: ${JSON.stringify(facts)}`);
    const replayId = `bench-player-${randomBytes(4).toString('hex')}`;
    const uploadStarted = performance.now();
    await upload(server, replayId, recording.chunks);
    const uploadSeconds = round((performance.now() - uploadStarted) / 1000, 1);
    console.log(`Uploaded ${recording.chunks.length} chunks in ${uploadSeconds} s`);

    const chromium = await chromiumVersion(browser.page);
    const player = await measurePlayer(browser.page, server, replayId, recording, options);
    const positions = player.seeks.map((seek) => seek.targetMs);
    const plain = await measurePlainRrweb(browser.page, recording, positions, options.loads);
    const loadAtEnd = loadAverage();

    const reprise = summarizeRun(player);
    const rrweb = summarizeRun(plain);
    const ratios = {
      firstFrameWarmP50: round(reprise.firstFrameWarm.p50 / rrweb.firstFrameWarm.p50, 2),
      seekP50: round(reprise.seek.p50 / rrweb.seek.p50, 2),
      seekP95: round(reprise.seek.p95 / rrweb.seek.p95, 2),
    };
    const missed = {
      firstFrameWarmP50Ms: round(reprise.firstFrameWarm.p50 - targets.firstFrameMs, 1),
      firstFrameFirstLoadMs: round(reprise.firstFrameFirstLoadMs - targets.firstFrameMs, 1),
      seekP95Ms: round(reprise.seek.p95 - targets.seekP95Ms, 1),
    };

    console.log('');
    const row = (name: string, summary: ReturnType<typeof summarizeRun>) => [
      name,
      `${summary.firstFrameFirstLoadMs} ms`,
      `${summary.firstFrameWarm.p50} ms`,
      `${summary.seek.p50} ms`,
      `${summary.seek.p95} ms`,
      `${summary.seekToDom.p50} ms`,
      summary.allChunksLoaded ? `${summary.allChunksLoaded.p50} ms` : 'n/a',
    ];
    printTable(
      [
        'player',
        'first frame, first load',
        'first frame, warm p50',
        'seek p50',
        'seek p95',
        'seek to DOM p50',
        'all chunks in, p50',
      ],
      [row('Reprise web app', reprise), row('rrweb Replayer, whole recording', rrweb)],
    );
    if (reprise.openAt) {
      console.log(
        `Reprise opened with ?t=${reprise.openAt.positionMs}: frame at that position after ` +
          `${reprise.openAt.frameMs} ms`,
      );
    }
    console.log(`Reprise / rrweb: ${JSON.stringify(ratios)}`);
    console.log(
      `Targets: first frame < ${targets.firstFrameMs} ms, seek p95 < ${targets.seekP95Ms} ms; ` +
        `over target by (negative is under): ${JSON.stringify(missed)}`,
    );
    console.log(`Load average at end: ${loadAtEnd.join(', ')}`);

    const file = writeResults('player', {
      machine: machine({ chromium, loadAverageAtStart: loadAtStart, loadAverageAtEnd: loadAtEnd }),
      options,
      recording: facts,
      uploadSeconds,
      targets,
      reprise,
      rrweb,
      ratios,
      overTargetMs: missed,
      raw: { reprise: player, rrweb: plain },
      finishedAt: new Date().toISOString(),
    });
    console.log(`Wrote ${file}`);
  } finally {
    await browser.close();
    await server.stop();
  }
}

await main();
