/**
 * Benchmark of what session recording costs the page's main thread, for Reprise's SDK,
 * mixpanel-browser, posthog-js and plain rrweb, against the same pages without any SDK. Prints
 * medians and ratios and writes every sample to bench/results/recorder-cost-<time>.json.
 *
 *   npm run recorder-cost -w @reprise/bench -- [--repetitions=3] [--heap-minutes=1]
 *     [--sdks=none,reprise,mixpanel,posthog,rrweb] [--scenarios=grid,timer,form]
 *     [--trace-dir=DIR]
 *
 * The heap check's target length is 5 minutes (`--heap-minutes=5`); `--scenarios=` (empty)
 * runs it alone. `--trace-dir` writes a Chrome trace of each window there and prints what ran
 * in each long task. Tracing slows the page, so the figures of such a run are not comparable.
 *
 * Everything runs on 127.0.0.1: the pages and SDK scripts come from a site server, and every
 * SDK sends to an ingestion server that keeps the size of each request. Results and method:
 * docs/benchmarks.md.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { launchChromium } from '@reprise/e2e/support';
import type { Browser, Page } from 'playwright-core';
import { startIngestServer, type IngestServer } from './support/ingest-server.js';
import { MainThreadProbe, type MainThreadSample } from './support/main-thread.js';
import {
  blankPage,
  formPage,
  gridPage,
  repeatingPage,
  sdkTags,
  timerPage,
} from './support/pages.js';
import {
  finishMachineInfo,
  formatTable,
  machineInfo,
  median,
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
  sdkIds,
  sdkMounts,
  type BenchSdk,
  type SdkId,
} from './support/sdks.js';
import {
  moveThePointer,
  uploadsBetween,
  waitForUploadBurst,
  waitUntilRecording,
} from './support/session.js';
import { startSiteServer, type SiteServer } from './support/site-server.js';
import { findLongTasks, formatLongTasks, traceCategories } from './support/trace-tasks.js';

/** Maximum wait for an SDK's next upload after a step, in ms. mixpanel-browser sends every 10 s. */
const uploadTimeoutMs = 12_000;
/** Time a page gets after a step that does not wait for an upload, and the baseline's, in ms. */
const settleMs = 1_000;
/** Time between the SDK starting to record and the first step, when it does not measure the load. */
const preStepMs = 500;

interface Environment {
  browser: Browser;
  site: SiteServer;
  ingest: IngestServer;
  /** Folder for a Chrome trace of each window, or null to run without tracing. */
  traceDir: string | null;
}

/** A measured step; it returns facts about what it did (frames drawn, nodes added). */
interface Step {
  name: string;
  /**
   * Whether the window starts before the page loads, so that it measures the first load. Only
   * a scenario's first step may.
   */
  measuresLoad?: boolean;
  /**
   * Whether the window lasts until the SDK's next uploads after the step, so that the cost of
   * sending a burst of recorded changes falls inside it. Otherwise the window ends a fixed
   * 1 s after the step, and an upload that comes later falls outside it.
   */
  waitsForUpload: boolean;
  run(page: Page): Promise<Record<string, number>>;
}

/** A page, and the steps measured one after the other on one load of it. */
interface Scenario {
  name: string;
  page: (head: string) => string;
  steps: Step[];
}

const typedText = 'Thanks for the quick delivery, the beans were fresh. '.repeat(10).slice(0, 500);

const scenarios: Scenario[] = [
  {
    name: 'grid',
    page: gridPage,
    steps: [
      {
        name: 'first load, 10,000 nodes',
        measuresLoad: true,
        waitsForUpload: true,
        run: async (page) => ({ nodes: Number(await page.evaluate('countNodes()')) }),
      },
      {
        name: 'grid re-render, 10,000 nodes',
        waitsForUpload: true,
        run: (page) => renderGrid(page, 500),
      },
      {
        name: 'grid re-render, 100,000 nodes',
        waitsForUpload: true,
        run: (page) => renderGrid(page, 5000),
      },
    ],
  },
  {
    name: 'timer',
    page: timerPage,
    steps: [
      {
        name: 'timer, 5,000 nodes every frame, 10 s',
        waitsForUpload: false,
        run: async (page) => ({ frames: Number(await page.evaluate('runTimer(10000)')) }),
      },
    ],
  },
  {
    name: 'form',
    page: formPage,
    steps: [
      {
        name: 'typing 500 characters',
        waitsForUpload: true,
        run: async (page) => {
          const started = Date.now();
          await page.locator('#message').click();
          await page.keyboard.type(typedText);
          // The visitor leaves the field. A focused field's blinking caret repaints the page
          // twice a second, which would charge each SDK for the length of its window.
          await page.locator('#message').blur();
          return { characters: typedText.length, typingMs: Date.now() - started };
        },
      },
      {
        name: 'scrolling a long page',
        waitsForUpload: true,
        run: async (page) => {
          const started = Date.now();
          for (let index = 0; index < 60; index++) {
            await page.mouse.wheel(0, 600);
            await page.waitForTimeout(20);
          }
          return {
            scrollY: Number(await page.evaluate('window.scrollY')),
            pageHeight: Number(await page.evaluate('document.documentElement.scrollHeight')),
            scrollMs: Date.now() - started,
          };
        },
      },
    ],
  },
];

/**
 * Re-renders the grid and measures the page's task that does it, from the render's start to a
 * microtask queued after it. Mutation observer callbacks were queued by the render's first
 * change, so the time includes each recorder's synchronous reaction to the render. It covers
 * tasks shorter than 50 ms, which the Long Tasks API leaves out.
 */
async function renderGrid(page: Page, rows: number): Promise<Record<string, number>> {
  const result = (await page.evaluate(`(() => {
    const start = performance.now();
    const nodesAdded = renderGrid(${rows});
    return new Promise((resolve) => {
      queueMicrotask(() => resolve({ nodesAdded, renderTaskMs: performance.now() - start }));
    });
  })()`)) as { nodesAdded: number; renderTaskMs: number };
  return { nodesAdded: Number(result.nodesAdded), renderTaskMs: result.renderTaskMs };
}

interface StepSample extends MainThreadSample {
  scenario: string;
  step: string;
  sdk: SdkId;
  repetition: number;
  /** Whether an upload came after the step; false means the window ended at the timeout. */
  uploadSeen: boolean;
  uploads: number;
  uploadBytes: number;
  facts: Record<string, number>;
}

interface Options {
  repetitions: number;
  heapMinutes: number;
  sdks: SdkId[];
  scenarios: string[];
  traceDir: string | null;
}

function readOptions(argv: string[]): Options {
  const flags = readFlags(argv, ['repetitions', 'heap-minutes', 'sdks', 'scenarios', 'trace-dir']);
  const sdks = parseSdkList(flags.get('sdks') ?? sdkIds.join(','));
  if (!sdks.includes('none')) sdks.unshift('none');
  const names = scenarios.map((scenario) => scenario.name);
  // An empty list (`--scenarios=`) runs the heap check alone.
  const chosen = (flags.get('scenarios') ?? names.join(',')).split(',').filter(Boolean);
  for (const name of chosen) {
    if (!names.includes(name)) {
      throw new RangeError(`Unknown scenario ${name}; use some of ${names.join(', ')}`);
    }
  }
  return {
    repetitions: numberFlag(flags, 'repetitions', 3, { min: 1, max: 50, integer: true }),
    heapMinutes: numberFlag(flags, 'heap-minutes', 1, { min: 0, max: 60 }),
    sdks,
    scenarios: chosen,
    traceDir: flags.get('trace-dir') ?? null,
  };
}

function servePages(site: SiteServer, ingestOrigin: string): void {
  site.setFile('/pages/blank.html', blankPage);
  for (const id of sdkIds) {
    const head = sdkTags(benchSdks[id], { apiHost: ingestOrigin });
    for (const scenario of scenarios) {
      site.setFile(`/pages/${id}/${scenario.name}.html`, scenario.page(head));
    }
    site.setFile(`/pages/${id}/repeating.html`, repeatingPage(head));
  }
}

/**
 * Ends a step's window: after a fixed pause, or for an SDK and a step that waits for uploads,
 * 1 s after the last of the uploads that the SDK sends back to back from its next upload on.
 * Returns false when no upload came.
 */
async function settle(env: Environment, sdk: BenchSdk, step: Step, sinceMs: number) {
  if (sdk.id === 'none' || !step.waitsForUpload) {
    await new Promise((resolve) => setTimeout(resolve, settleMs));
    return true;
  }
  return (await waitForUploadBurst(env.ingest, sinceMs, { timeoutMs: uploadTimeoutMs })) > 0;
}

async function runScenario(
  env: Environment,
  scenario: Scenario,
  sdk: BenchSdk,
  repetition: number,
): Promise<StepSample[]> {
  const context = await env.browser.newContext({ viewport: { width: 1280, height: 800 } });
  try {
    const page = await context.newPage();
    const probe = await MainThreadProbe.attach(page);
    await page.goto(`${env.site.origin}/pages/blank.html`);
    env.ingest.clear();
    const url = `${env.site.origin}/pages/${sdk.id}/${scenario.name}.html`;
    const load = async () => {
      await page.goto(url);
      await waitUntilRecording(page, sdk);
      await moveThePointer(page);
    };

    const samples: StepSample[] = [];
    for (const [index, step] of scenario.steps.entries()) {
      if (index === 0 && !step.measuresLoad) {
        await load();
        await page.waitForTimeout(preStepMs);
      }
      if (env.traceDir) await env.browser.startTracing(page, { categories: traceCategories });
      await probe.start();
      const windowStart = Date.now();
      if (step.measuresLoad) await load();
      const facts = await step.run(page);
      const since = step.measuresLoad ? windowStart : Date.now();
      const uploadSeen = await settle(env, sdk, step, since);
      const sample = await probe.stop();
      if (env.traceDir) {
        const name = `${scenario.name}-${index}-${sdk.id}-${repetition}`;
        await saveTrace(env, name, `${scenario.name}, ${step.name}, ${sdk.id}`);
      }
      samples.push({
        ...sample,
        scenario: scenario.name,
        step: step.name,
        sdk: sdk.id,
        repetition,
        uploadSeen,
        ...uploadsBetween(env.ingest, windowStart, Date.now()),
        facts,
      });
    }
    return samples;
  } finally {
    await context.close();
  }
}

/** Stops tracing, writes the trace to `<traceDir>/<name>.json`, and prints its long tasks. */
async function saveTrace(env: Environment, name: string, title: string): Promise<void> {
  const trace = (await env.browser.stopTracing()).toString('utf8');
  mkdirSync(env.traceDir!, { recursive: true });
  const file = join(env.traceDir!, `${name}.json`);
  writeFileSync(file, trace);
  const tasks = findLongTasks(trace);
  console.log(`\n${title}: ${tasks.length} long tasks (trace: ${file})`);
  if (tasks.length > 0) console.log(formatLongTasks(tasks));
}

interface HeapSample {
  sdk: SdkId;
  startBytes: number;
  endBytes: number;
  rounds: number;
  minutes: number;
}

/**
 * Runs the repeating page for `minutes` in every SDK at once, one browser context each, and
 * reads each page's JavaScript heap after a garbage collection at the start and at the end.
 */
async function checkHeap(env: Environment, sdks: SdkId[], minutes: number): Promise<HeapSample[]> {
  const runs = await Promise.all(
    sdks.map(async (id) => {
      const context = await env.browser.newContext({ viewport: { width: 1280, height: 800 } });
      const page = await context.newPage();
      const probe = await MainThreadProbe.attach(page);
      await page.goto(`${env.site.origin}/pages/${id}/repeating.html`);
      await waitUntilRecording(page, benchSdks[id]);
      await moveThePointer(page);
      await page.evaluate('startRepeating()');
      return { id, context, page, probe };
    }),
  );
  try {
    await new Promise((resolve) => setTimeout(resolve, 2000));
    const startBytes = await Promise.all(runs.map((run) => run.probe.usedHeapAfterGc()));
    const deadline = Date.now() + minutes * 60_000;
    while (Date.now() < deadline) {
      // Pointer moves keep every SDK's replay active, as a visitor on the page would.
      for (const run of runs) await moveThePointer(run.page);
      await new Promise((resolve) => setTimeout(resolve, Math.min(10_000, deadline - Date.now())));
    }
    const samples: HeapSample[] = [];
    for (const [index, run] of runs.entries()) {
      samples.push({
        sdk: run.id,
        startBytes: startBytes[index]!,
        endBytes: await run.probe.usedHeapAfterGc(),
        rounds: Number(await run.page.evaluate('repeatCount()')),
        minutes,
      });
    }
    return samples;
  } finally {
    for (const run of runs) await run.context.close();
  }
}

const metrics = [
  { key: 'taskMs', title: 'Main-thread time (TaskDuration, CPU time)' },
  { key: 'scriptMs', title: 'Script time (ScriptDuration, CPU time)' },
  { key: 'longestTaskMs', title: 'Longest task (Long Tasks API, 0 when none reached 50 ms)' },
  { key: 'totalBlockingMs', title: 'Total blocking time (Long Tasks API)' },
] as const;

type MetricKey = (typeof metrics)[number]['key'];

interface StepSummary {
  step: string;
  /** Median per SDK and metric, in ms. */
  medians: Partial<Record<SdkId, Record<MetricKey, number>>>;
  /** Each SDK's median minus the baseline's, in ms. */
  added: Partial<Record<SdkId, Record<MetricKey, number>>>;
  /** Reprise's added cost divided by each peer's, per metric, or null where a peer added ≤ 0. */
  ratios: Partial<Record<SdkId, Record<MetricKey, number | null>>>;
  /** Median KiB of recording uploads inside the window, per SDK. */
  uploadKiB: Partial<Record<SdkId, number>>;
  /** For a grid re-render: median length of the page's task that re-renders, per SDK, in ms. */
  renderTaskMs?: Partial<Record<SdkId, number>>;
  /**
   * For a step that draws frames: frames drawn and main-thread CPU time per frame, medians.
   * Where the page alone keeps the main thread busy, a recorder shows as fewer frames rather
   * than as more time, so the time per frame is the comparable figure.
   */
  frames?: {
    drawn: Partial<Record<SdkId, number>>;
    taskMsPerFrame: Partial<Record<SdkId, number>>;
    addedPerFrame: Partial<Record<SdkId, number>>;
    ratios: Partial<Record<SdkId, number | null>>;
  };
}

function summarizeFrames(mine: (sdk: SdkId) => StepSample[], sdks: SdkId[]) {
  const frames: NonNullable<StepSummary['frames']> = {
    drawn: {},
    taskMsPerFrame: {},
    addedPerFrame: {},
    ratios: {},
  };
  for (const sdk of sdks) {
    const samples = mine(sdk).filter((sample) => (sample.facts.frames ?? 0) > 0);
    if (samples.length === 0) continue;
    frames.drawn[sdk] = median(samples.map((sample) => sample.facts.frames!));
    frames.taskMsPerFrame[sdk] = round(
      median(samples.map((sample) => sample.taskMs / sample.facts.frames!)),
      2,
    );
  }
  const baseline = frames.taskMsPerFrame.none;
  for (const sdk of sdks) {
    const perFrame = frames.taskMsPerFrame[sdk];
    if (sdk === 'none' || perFrame === undefined || baseline === undefined) continue;
    frames.addedPerFrame[sdk] = round(perFrame - baseline, 2);
  }
  const reprise = frames.addedPerFrame.reprise;
  for (const sdk of sdks) {
    const peer = frames.addedPerFrame[sdk];
    if (sdk === 'none' || sdk === 'reprise' || peer === undefined || reprise === undefined) {
      continue;
    }
    frames.ratios[sdk] = peer > 0 ? round(reprise / peer, 2) : null;
  }
  return frames;
}

function summarize(samples: StepSample[], sdks: SdkId[]): StepSummary[] {
  const steps = [...new Set(samples.map((sample) => sample.step))];
  return steps.map((step) => {
    const summary: StepSummary = { step, medians: {}, added: {}, ratios: {}, uploadKiB: {} };
    for (const sdk of sdks) {
      const mine = samples.filter((sample) => sample.step === step && sample.sdk === sdk);
      if (mine.length === 0) continue;
      summary.medians[sdk] = Object.fromEntries(
        metrics.map(({ key }) => [key, round(median(mine.map((sample) => sample[key])))]),
      ) as Record<MetricKey, number>;
      summary.uploadKiB[sdk] = round(median(mine.map((sample) => sample.uploadBytes)) / 1024);
      const renderTasks = mine.flatMap((sample) => sample.facts.renderTaskMs ?? []);
      if (renderTasks.length > 0) {
        summary.renderTaskMs = { ...summary.renderTaskMs, [sdk]: round(median(renderTasks)) };
      }
    }
    const baseline = summary.medians.none;
    for (const sdk of sdks) {
      const medians = summary.medians[sdk];
      if (sdk === 'none' || !medians || !baseline) continue;
      summary.added[sdk] = Object.fromEntries(
        metrics.map(({ key }) => [key, round(medians[key] - baseline[key])]),
      ) as Record<MetricKey, number>;
    }
    const reprise = summary.added.reprise;
    for (const sdk of sdks) {
      const peer = summary.added[sdk];
      if (sdk === 'none' || sdk === 'reprise' || !peer || !reprise) continue;
      summary.ratios[sdk] = Object.fromEntries(
        metrics.map(({ key }) => [key, peer[key] > 0 ? round(reprise[key] / peer[key], 2) : null]),
      ) as Record<MetricKey, number | null>;
    }
    const mine = (sdk: SdkId) =>
      samples.filter((sample) => sample.step === step && sample.sdk === sdk);
    if (samples.some((sample) => sample.step === step && sample.facts.frames !== undefined)) {
      summary.frames = summarizeFrames(mine, sdks);
    }
    return summary;
  });
}

function printSummary(summaries: StepSummary[], sdks: SdkId[], repetitions: number): void {
  const labels = sdks.map((sdk) => benchSdks[sdk].label);
  // Steps that draw frames are compared per frame only, in their own table below: the page
  // alone keeps the main thread busy there, so their totals depend on how many frames fit.
  const perWindow = summaries.filter((summary) => !summary.frames);
  for (const { key, title } of metrics) {
    console.log(`\n${title}, ms, median of ${repetitions}: baseline, then added by each SDK`);
    const rows = perWindow.map((summary) => [
      summary.step,
      ...sdks.map((sdk) => {
        if (sdk === 'none') return String(summary.medians.none?.[key] ?? '');
        const added = summary.added[sdk]?.[key];
        return added === undefined ? '' : `${added >= 0 ? '+' : ''}${added}`;
      }),
    ]);
    console.log(formatTable(['step', ...labels], rows));
  }

  for (const summary of summaries.filter((item) => item.frames)) {
    const frames = summary.frames!;
    console.log(`\n${summary.step}: frames drawn and main-thread CPU time per frame, median`);
    const rows = sdks.map((sdk) => [
      benchSdks[sdk].label,
      String(frames.drawn[sdk] ?? ''),
      String(frames.taskMsPerFrame[sdk] ?? ''),
      sdk === 'none' ? '' : `+${frames.addedPerFrame[sdk] ?? ''}`,
    ]);
    console.log(formatTable(['SDK', 'frames', 'ms per frame', 'added per frame'], rows));
  }

  const peers = sdks.filter((sdk) => sdk !== 'none' && sdk !== 'reprise');
  if (sdks.includes('reprise') && peers.length > 0) {
    console.log('\nRatios of added cost, Reprise / peer (below 1: Reprise costs less)');
    const rows = summaries.flatMap((summary) =>
      summary.frames
        ? [
            [
              summary.step,
              'taskMs per frame',
              ...peers.map((sdk) => String(summary.frames!.ratios[sdk] ?? 'n/a')),
            ],
          ]
        : metrics.map(({ key }) => [
            summary.step,
            key,
            ...peers.map((sdk) => String(summary.ratios[sdk]?.[key] ?? 'n/a')),
          ]),
    );
    console.log(formatTable(['step', 'metric', ...peers.map((sdk) => `Reprise / ${sdk}`)], rows));
  }

  const renderSteps = summaries.filter((summary) => summary.renderTaskMs);
  if (renderSteps.length > 0) {
    console.log(
      `\nThe page's re-render task with the recorders' synchronous work, ms, median: ` +
        'baseline, then added by each SDK',
    );
    const rows = renderSteps.map((summary) => {
      const times = summary.renderTaskMs!;
      return [
        summary.step,
        ...sdks.map((sdk) => {
          const ms = times[sdk];
          if (ms === undefined) return '';
          if (sdk === 'none' || times.none === undefined) return String(ms);
          const added = round(ms - times.none);
          return `${added >= 0 ? '+' : ''}${added}`;
        }),
      ];
    });
    console.log(formatTable(['step', ...labels], rows));
  }

  console.log('\nRecording uploads in the window, KiB of request bodies, median');
  const uploadRows = summaries.map((summary) => [
    summary.step,
    ...sdks.filter((sdk) => sdk !== 'none').map((sdk) => String(summary.uploadKiB[sdk] ?? '')),
  ]);
  console.log(
    formatTable(
      ['step', ...sdks.filter((sdk) => sdk !== 'none').map((sdk) => benchSdks[sdk].label)],
      uploadRows,
    ),
  );
}

function printHeap(samples: HeapSample[]): void {
  const baseline = samples.find((sample) => sample.sdk === 'none');
  const mib = (bytes: number) => round(bytes / 2 ** 20, 2);
  console.log(
    `\nJS heap after garbage collection, MiB, repeating page for ${samples[0]?.minutes} min`,
  );
  const rows = samples.map((sample) => [
    benchSdks[sample.sdk].label,
    String(mib(sample.startBytes)),
    String(mib(sample.endBytes)),
    `${sample.endBytes >= sample.startBytes ? '+' : ''}${mib(sample.endBytes - sample.startBytes)}`,
    baseline && sample.sdk !== 'none' ? `+${mib(sample.endBytes - baseline.endBytes)}` : '',
    String(sample.rounds),
  ]);
  console.log(formatTable(['SDK', 'start', 'end', 'growth', 'added at end', 'rounds'], rows));
}

async function main() {
  const options = readOptions(process.argv.slice(2));
  const site = await startSiteServer(sdkMounts());
  const ingest = await startIngestServer();
  installSdkScripts(site);
  servePages(site, ingest.origin);
  const browser = await launchChromium();
  const machine = machineInfo(browser.version());
  const repriseBuild = repriseBuildInfo(repriseDist);
  const env: Environment = { browser, site, ingest, traceDir: options.traceDir };
  console.log(`Load average at start: ${machine.loadAverageAtStart.join(', ')}`);

  try {
    const samples: StepSample[] = [];
    const started = Date.now();
    for (let repetition = 0; repetition < options.repetitions; repetition++) {
      const order = repetition % 2 === 0 ? options.sdks : [...options.sdks].reverse();
      for (const scenario of scenarios.filter((item) => options.scenarios.includes(item.name))) {
        for (const id of order) {
          const results = await runScenario(env, scenario, benchSdks[id], repetition);
          samples.push(...results);
          const note = results.some((result) => !result.uploadSeen) ? ' (no upload seen)' : '';
          const elapsed = Math.round((Date.now() - started) / 1000);
          console.log(
            `${elapsed} s: repetition ${repetition + 1}, ${scenario.name} with ${id} done${note}`,
          );
        }
      }
    }
    const heap =
      options.heapMinutes > 0 ? await checkHeap(env, options.sdks, options.heapMinutes) : [];

    const summaries = summarize(samples, options.sdks);
    if (summaries.length > 0) printSummary(summaries, options.sdks, options.repetitions);
    if (heap.length > 0) printHeap(heap);
    finishMachineInfo(machine);
    const repriseBuildAtEnd = checkBuildUnchanged(repriseDist, repriseBuild);
    console.log(`\nLoad average at end: ${machine.loadAverageAtEnd?.join(', ')}`);
    const sdks = options.sdks.map((id) => ({ id, label: benchSdks[id].label }));
    const file = writeResults('recorder-cost', {
      machine,
      repriseBuild,
      repriseBuildAtEnd,
      options,
      sdks,
      summaries,
      heap,
      samples,
    });
    console.log(`Wrote ${file}`);
  } finally {
    await browser.close();
    await site.close();
    await ingest.close();
  }
}

await main();
