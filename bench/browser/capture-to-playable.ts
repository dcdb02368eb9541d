/**
 * Benchmark of the time from a user action to its recorded change being readable from
 * Reprise's replay API. It runs Reprise's SDK, then mixpanel-browser, both sending to the same
 * Reprise server, and counts the requests and bytes that each SDK's flush policy sends
 * meanwhile. For a few more actions, it also measures the time until a freshly opened player
 * shows the change. Prints p50 and p95 and writes every action to
 * bench/results/capture-to-playable-<time>.json.
 *
 *   npm run capture-to-playable -w @reprise/bench -- [--actions=50] [--player-actions=3]
 *     [--poll-ms=100] [--sdks=reprise,mixpanel]
 *
 * The Reprise server is a real one on 127.0.0.1 with a fresh SQLite database
 * (`startTestServer`). The page comes from a second local server, so that SDK requests are
 * cross-origin, as on a real site.
 */
import { launchChromium, logIn, openReplay } from '@reprise/e2e/support';
import type { ChunkList } from '@reprise/protocol';
import { startTestServer, type TestServer } from '@reprise/server/test-support';
import type { Browser, Page } from 'playwright-core';
import { Random } from '../analytics/random.js';
import { actionPage, sdkTags } from './support/pages.js';
import {
  finishMachineInfo,
  formatTable,
  machineInfo,
  numberFlag,
  percentile,
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
import { RequestMeter, type MeteredRequest } from './support/request-meter.js';
import { moveThePointer, waitUntilRecording } from './support/session.js';
import { startSiteServer, type SiteServer } from './support/site-server.js';

/** Maximum wait for the last actions to become readable after the clicks end, in ms. */
const drainTimeoutMs = 30_000;
/** Maximum wait for one action to show in the player, in ms. */
const playerTimeoutMs = 40_000;
/**
 * Time one opened player gets to show the change once it is ready, in ms. A successful
 * opening took about 250 to 600 ms in all on the machine of docs/benchmarks.md, so a longer
 * wait would only delay the next opening.
 */
const playerCheckMs = 700;

interface Options {
  actions: number;
  playerActions: number;
  pollMs: number;
  sdks: SdkId[];
}

function readOptions(argv: string[]): Options {
  const flags = readFlags(argv, ['actions', 'player-actions', 'poll-ms', 'sdks']);
  const sdks = parseSdkList(flags.get('sdks') ?? 'reprise,mixpanel');
  for (const id of sdks) {
    if (!benchSdks[id].replayIdExpression) {
      throw new RangeError(`--sdks: ${id} does not send replays to Reprise; use reprise, mixpanel`);
    }
  }
  return {
    actions: numberFlag(flags, 'actions', 50, { min: 1, max: 1000, integer: true }),
    playerActions: numberFlag(flags, 'player-actions', 3, { min: 0, max: 20, integer: true }),
    pollMs: numberFlag(flags, 'poll-ms', 100, { min: 20, max: 5000, integer: true }),
    sdks,
  };
}

/** When each action's change was stored and became readable, Unix ms. */
interface ActionTimes {
  storedAt?: number;
  readableAt?: number;
}

/**
 * Polls the replay API every `pollMs`: the chunk list, then each chunk it has not read yet,
 * and notes when the change of each action (`"data-action":"<n>"`) first appears. A chunk
 * stored again under the same seq (a retried or replaced upload) is read again.
 */
class ReadabilityPoller {
  readonly found = new Map<number, ActionTimes>();
  private readonly read = new Set<string>();
  private running = true;
  private loop: Promise<void> | null = null;
  errors = 0;

  constructor(
    private readonly server: TestServer,
    private readonly replayId: string,
    private readonly pollMs: number,
  ) {}

  start(): void {
    this.loop = (async () => {
      while (this.running) {
        const started = Date.now();
        await this.pollOnce().catch((error: unknown) => {
          this.errors++;
          if (this.errors <= 3) console.error(`Polling replay ${this.replayId} failed:`, error);
        });
        await new Promise((resolve) =>
          setTimeout(resolve, Math.max(0, this.pollMs - (Date.now() - started))),
        );
      }
    })();
  }

  async stop(): Promise<void> {
    this.running = false;
    await this.loop;
  }

  private async pollOnce(): Promise<void> {
    const response = await this.server.api(`/api/replays/${this.replayId}/chunks`);
    if (response.status === 404) return;
    if (!response.ok) throw new Error(`GET chunks of ${this.replayId} returned ${response.status}`);
    const { chunks } = (await response.json()) as ChunkList;
    for (const chunk of chunks) {
      const key = `${chunk.seq}:${chunk.receivedAt}:${chunk.bytes}`;
      if (this.read.has(key)) continue;
      const body = await this.server.api(`/api/replays/${this.replayId}/chunks/${chunk.seq}`);
      if (!body.ok) throw new Error(`GET chunk ${chunk.seq} returned ${body.status}`);
      const text = await body.text();
      const readableAt = Date.now();
      this.read.add(key);
      for (const match of text.matchAll(/"data-action":"(\d+)"/g)) {
        const action = Number(match[1]);
        if (this.found.get(action)?.readableAt !== undefined) continue;
        this.found.set(action, { storedAt: chunk.receivedAt, readableAt });
      }
    }
  }
}

interface ActionResult {
  action: number;
  /** Click time, Unix ms, as the page's click handler read it. */
  clickedAt: number;
  /** From the click to the server storing the chunk with the change, ms. */
  storedMs: number | null;
  /** From the click to the change being readable from the replay API, ms. */
  readableMs: number | null;
  /** From the click to a freshly opened player showing the change, ms (player actions only). */
  playerMs?: number | null;
  /** Times the player was opened for this action, and how long the last opening took, ms. */
  playerOpenings?: number;
  playerLastOpeningMs?: number;
}

/** Clicks the button after a pause of 1 to 2 s; returns the click time the page recorded. */
async function clickAction(page: Page, action: number, random: Random): Promise<number> {
  await page.waitForTimeout(random.integer(1000, 2000));
  await page.locator('#action').click();
  return Number(await page.evaluate(`actionTimes[${action}]`));
}

/** Outcome of waiting for the player to show an action. */
interface PlayerCheck {
  /** When the player first showed the change, Unix ms, or null when it never did. */
  shownAt: number | null;
  /** Number of times the player was opened. */
  openings: number;
  /** Time the last opening took, from navigation to the check's end, ms. */
  lastOpeningMs: number;
}

/**
 * Opens the player at the end of the replay until the replayed page shows the change of
 * `action`, opening it again each time, because the player reads the chunk list only once.
 */
async function waitForPlayer(
  player: Page,
  origin: string,
  replayId: string,
  action: number,
): Promise<PlayerCheck> {
  const deadline = Date.now() + playerTimeoutMs;
  let openings = 0;
  let lastOpeningMs = 0;
  while (Date.now() < deadline) {
    const started = Date.now();
    openings++;
    try {
      const frame = await openReplay(player, `${origin}/replays/${replayId}?t=999999999`);
      const changedStatus = frame.locator(`[data-action="${action}"]`);
      await changedStatus.waitFor({ state: 'attached', timeout: playerCheckMs });
      lastOpeningMs = Date.now() - started;
      return { shownAt: Date.now(), openings, lastOpeningMs };
    } catch {
      lastOpeningMs = Date.now() - started;
      await player.waitForTimeout(100);
    }
  }
  return { shownAt: null, openings, lastOpeningMs };
}

interface SdkRun {
  sdk: SdkId;
  label: string;
  replayId: string;
  actions: ActionResult[];
  /** Requests that the page's scripts sent to the Reprise server while the actions ran. */
  requests: MeteredRequest[];
  /** CORS preflights that the browser sent to the Reprise server meanwhile. */
  preflights: number;
  actionMinutes: number;
  pollErrors: number;
}

async function runSdk(
  browser: Browser,
  site: SiteServer,
  server: TestServer,
  id: SdkId,
  options: Options,
): Promise<SdkRun> {
  const sdk = benchSdks[id];
  // Reprise's SDK comes from the Reprise server itself, as a site would load it.
  const scriptUrl = id === 'reprise' ? `${server.url}/sdk/reprise.js` : sdk.scriptPath;
  const tags = sdkTags(sdk, { apiHost: server.url, scriptUrl, token: server.token });
  site.setFile(`/actions/${id}.html`, actionPage(tags));
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const playerContext = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  let poller: ReadabilityPoller | null = null;
  try {
    const page = await context.newPage();
    const meter = await RequestMeter.attach(page);
    await page.goto(`${site.origin}/actions/${id}.html`);
    await waitUntilRecording(page, sdk);
    const replayId = String(await page.evaluate(sdk.replayIdExpression!));
    await moveThePointer(page);
    poller = new ReadabilityPoller(server, replayId, options.pollMs);
    poller.start();

    // The same seed for every SDK, so that each gets the same pauses between clicks.
    const random = new Random(20261204);
    const clicks: Array<{ action: number; clickedAt: number }> = [];
    const actionsStarted = Date.now();
    for (let action = 1; action <= options.actions; action++) {
      clicks.push({ action, clickedAt: await clickAction(page, action, random) });
    }
    const actionsEnded = Date.now();
    const actionMinutes = (actionsEnded - actionsStarted) / 60_000;
    const during = ({ at }: { at: number }) => at >= actionsStarted && at <= actionsEnded;
    const requestsDuringActions = (await meter.requests(server.url)).filter(during);
    const preflights = meter.preflightsTo(server.url).filter(during).length;
    const drainDeadline = Date.now() + drainTimeoutMs;
    while (Date.now() < drainDeadline && clicks.some((click) => !poller!.found.has(click.action))) {
      await page.waitForTimeout(100);
    }

    const player = await playerContext.newPage();
    if (options.playerActions > 0) {
      await logIn(player, server.url, server.adminEmail, server.adminPassword);
    }
    const playerClicks: Array<{ action: number; clickedAt: number; check: PlayerCheck }> = [];
    for (let index = 1; index <= options.playerActions; index++) {
      const action = options.actions + index;
      const clickedAt = await clickAction(page, action, random);
      const check = await waitForPlayer(player, server.url, replayId, action);
      playerClicks.push({ action, clickedAt, check });
    }
    await poller.stop();

    const toResult = (action: number, clickedAt: number): ActionResult => {
      const times = poller!.found.get(action);
      return {
        action,
        clickedAt,
        storedMs: times?.storedAt !== undefined ? times.storedAt - clickedAt : null,
        readableMs: times?.readableAt !== undefined ? times.readableAt - clickedAt : null,
      };
    };
    return {
      sdk: id,
      label: sdk.label,
      replayId,
      actions: [
        ...clicks.map((click) => toResult(click.action, click.clickedAt)),
        ...playerClicks.map(({ action, clickedAt, check }) => ({
          ...toResult(action, clickedAt),
          playerMs: check.shownAt === null ? null : check.shownAt - clickedAt,
          playerOpenings: check.openings,
          playerLastOpeningMs: check.lastOpeningMs,
        })),
      ],
      requests: requestsDuringActions,
      preflights,
      actionMinutes,
      pollErrors: poller.errors,
    };
  } finally {
    await poller?.stop();
    await context.close();
    await playerContext.close();
  }
}

function summarize(run: SdkRun, options: Options) {
  const main = run.actions.filter((action) => action.action <= options.actions);
  const readable = main.flatMap((action) =>
    action.readableMs === null ? [] : [action.readableMs],
  );
  const stored = main.flatMap((action) => (action.storedMs === null ? [] : [action.storedMs]));
  const player = run.actions.flatMap((action) =>
    action.playerMs === undefined
      ? []
      : [
          {
            ms: action.playerMs,
            openings: action.playerOpenings ?? 0,
            lastOpeningMs: action.playerLastOpeningMs ?? 0,
          },
        ],
  );
  const byPath = new Map<string, { requests: number; bodyBytes: number }>();
  for (const request of run.requests) {
    const path = `${request.method} ${new URL(request.url).pathname}`;
    const totals = byPath.get(path) ?? { requests: 0, bodyBytes: 0 };
    totals.requests++;
    totals.bodyBytes += Math.max(0, request.bodyBytes);
    byPath.set(path, totals);
  }
  const perMinute = (value: number) => round(value / run.actionMinutes, 1);
  const nullable = (value: number) => (Number.isFinite(value) ? round(value, 0) : null);
  return {
    sdk: run.sdk,
    actions: main.length,
    readable: readable.length,
    readableP50Ms: nullable(percentile(readable, 0.5)),
    readableP95Ms: nullable(percentile(readable, 0.95)),
    readableMaxMs: nullable(Math.max(...readable)),
    storedP50Ms: nullable(percentile(stored, 0.5)),
    storedP95Ms: nullable(percentile(stored, 0.95)),
    player,
    requestsPerMinute: Object.fromEntries(
      [...byPath].map(([path, totals]) => [path, perMinute(totals.requests)]),
    ),
    bodyKiBPerMinute: Object.fromEntries(
      [...byPath].map(([path, totals]) => [path, perMinute(totals.bodyBytes / 1024)]),
    ),
    preflightsPerMinute: perMinute(run.preflights),
    /** Requests of the page's scripts and the browser's preflights. */
    allRequestsPerMinute: perMinute(run.requests.length + run.preflights),
    bodyKiBPerMinuteTotal: perMinute(
      run.requests.reduce((sum, request) => sum + Math.max(0, request.bodyBytes), 0) / 1024,
    ),
    /** Requests whose body size the page could not read (counted as 0 bytes). */
    unknownSizeRequests: run.requests.filter((request) => request.bodyBytes < 0).length,
  };
}

type Summary = ReturnType<typeof summarize>;

function printResults(summaries: Summary[], options: Options): void {
  const label = (id: SdkId) => benchSdks[id].label;
  console.log(
    `\nFrom a click to its change in Reprise's replay API, ms (${options.actions} clicks, 1 to 2 s apart, polled every ${options.pollMs} ms)`,
  );
  console.log(
    formatTable(
      [
        'SDK',
        'readable',
        'p50',
        'p95',
        'max',
        'stored p50',
        'stored p95',
        'player: ms (openings, last opening ms)',
      ],
      summaries.map((summary) => [
        label(summary.sdk),
        `${summary.readable}/${summary.actions}`,
        String(summary.readableP50Ms),
        String(summary.readableP95Ms),
        String(summary.readableMaxMs),
        String(summary.storedP50Ms),
        String(summary.storedP95Ms),
        summary.player.length > 0
          ? summary.player
              .map((check) =>
                check.ms === null
                  ? `not shown (${check.openings} openings)`
                  : `${check.ms} (${check.openings}×, last ${check.lastOpeningMs})`,
              )
              .join('; ')
          : 'n/a',
      ]),
    ),
  );
  console.log(
    '\nRequests from the page to the Reprise server while clicking, per minute (bodies as sent)',
  );
  const paths = [
    ...new Set(summaries.flatMap((summary) => Object.keys(summary.requestsPerMinute))),
  ];
  console.log(
    formatTable(
      [
        'SDK',
        ...paths.flatMap((path) => [`${path} req`, `${path} KiB`]),
        'preflights',
        'all req',
        'all body KiB',
      ],
      summaries.map((summary) => [
        label(summary.sdk),
        ...paths.flatMap((path) => [
          String(summary.requestsPerMinute[path] ?? 0),
          String(summary.bodyKiBPerMinute[path] ?? 0),
        ]),
        String(summary.preflightsPerMinute),
        String(summary.allRequestsPerMinute),
        String(summary.bodyKiBPerMinuteTotal),
      ]),
    ),
  );
  const reprise = summaries.find((summary) => summary.sdk === 'reprise');
  for (const peer of summaries.filter((summary) => summary.sdk !== 'reprise')) {
    if (!reprise) break;
    const ratio = (mine: number | null, theirs: number | null) =>
      mine !== null && theirs !== null && theirs > 0 ? round(mine / theirs, 2) : 'n/a';
    console.log(
      `\nReprise / ${label(peer.sdk)}: p50 ${ratio(reprise.readableP50Ms, peer.readableP50Ms)}, ` +
        `p95 ${ratio(reprise.readableP95Ms, peer.readableP95Ms)}, ` +
        `requests ${ratio(reprise.allRequestsPerMinute, peer.allRequestsPerMinute)}, ` +
        `body KiB ${ratio(reprise.bodyKiBPerMinuteTotal, peer.bodyKiBPerMinuteTotal)}`,
    );
  }
}

async function main() {
  const options = readOptions(process.argv.slice(2));
  const server = await startTestServer();
  const site = await startSiteServer(sdkMounts());
  installSdkScripts(site);
  const browser = await launchChromium();
  const machine = machineInfo(browser.version());
  const repriseBuild = repriseBuildInfo(repriseDist);
  console.log(`Load average at start: ${machine.loadAverageAtStart.join(', ')}`);
  try {
    const runs: SdkRun[] = [];
    for (const id of options.sdks) {
      runs.push(await runSdk(browser, site, server, id, options));
      console.log(`${id}: ${runs.at(-1)!.actions.length} actions done`);
    }
    const summaries = runs.map((run) => summarize(run, options));
    printResults(summaries, options);
    finishMachineInfo(machine);
    const repriseBuildAtEnd = checkBuildUnchanged(repriseDist, repriseBuild);
    console.log(`\nLoad average at end: ${machine.loadAverageAtEnd?.join(', ')}`);
    const file = writeResults('capture-to-playable', {
      machine,
      repriseBuild,
      repriseBuildAtEnd,
      options,
      summaries,
      runs,
    });
    console.log(`Wrote ${file}`);
  } finally {
    await browser.close();
    await site.close();
    await server.close();
  }
}

await main();
