/**
 * Headless Chromium for the player benchmark, and the in-page probes that time the first frame
 * and seeks.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { findChromium } from '@reprise/e2e/support';

export interface BenchBrowser {
  context: BrowserContext;
  page: Page;
  close(): Promise<void>;
}

/**
 * Launches headless Chromium with a fresh profile folder. Every host but 127.0.0.1 fails to
 * resolve, and Chromium's background services stay off, so it sends nothing off the machine.
 */
export async function launchBrowser(): Promise<BenchBrowser> {
  const profile = mkdtempSync(join(tmpdir(), 'reprise-bench-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: findChromium(),
    headless: true,
    viewport: { width: 1440, height: 900 },
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1',
    ],
  });
  // tsx compiles this package with esbuild's keepNames, which wraps named inner functions in
  // `__name(...)`. Functions sent to the page with evaluate or addInitScript keep those calls, so
  // every document gets a `__name` that returns its argument. The resource timing buffer keeps
  // 250 entries by default, fewer than the chunk requests of a long replay.
  await context.addInitScript({
    content:
      'globalThis.__name = globalThis.__name || ((target) => target);\n' +
      'performance.setResourceTimingBufferSize(100000);',
  });
  const page = context.pages()[0] ?? (await context.newPage());
  return {
    context,
    page,
    close: async () => {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** Timings that the in-page probes leave on `window`, ms since the document's navigation start. */
export interface FirstFrame {
  /** First animation frame in which the replay iframe's body has elements. */
  domMs: number;
  /** The animation frame after that one, so the frame with the replayed page was painted. */
  frameMs: number;
}

export interface SeekTiming {
  /** When the seek started: the pointerup on the timeline, or the call to the Replayer. */
  startMs: number;
  domMs: number;
  frameMs: number;
  /** Position shown after the seek, ms from the start. */
  targetMs: number;
  /** Offset of the probe that the rebuilt page shows. */
  probeMs: number;
}

interface BenchWindow {
  __benchFirstFrame?: FirstFrame;
  __benchSeek?: Partial<SeekTiming>;
}

/** Selector of the iframe that rrweb's Replayer renders into, in Reprise's player or the plain page. */
export const replayIframeSelector = '[data-testid=player-frame] iframe, #mount iframe';

/**
 * Script added to every document before its own scripts: it checks each animation frame for a
 * replay iframe with content and records when it first appears in `window.__benchFirstFrame`.
 */
export function firstFrameProbe(selector: string): void {
  if (window !== window.top) return;
  const check = () => {
    const iframe = document.querySelector<HTMLIFrameElement>(selector);
    const body = iframe?.contentDocument?.body;
    if (body && body.childElementCount > 0) {
      const domMs = performance.now();
      requestAnimationFrame(() => {
        (window as unknown as BenchWindow).__benchFirstFrame = {
          domMs,
          frameMs: performance.now(),
        };
      });
      return;
    }
    requestAnimationFrame(check);
  };
  requestAnimationFrame(check);
}

/** Waits for the first frame of the current document and returns its timings. */
export async function readFirstFrame(page: Page, timeoutMs = 60_000): Promise<FirstFrame> {
  const handle = await page.waitForFunction(
    () => (window as unknown as BenchWindow).__benchFirstFrame,
    undefined,
    { timeout: timeoutMs, polling: 50 },
  );
  return (await handle.jsonValue()) as FirstFrame;
}

/**
 * Arms the seek probe: from `start` (a pointerup on the page, or now), it checks each animation
 * frame whether the replayed page shows the probe expected at the position read by
 * `positionSource`, which must be within `toleranceMs` of `intendedMs`. The result goes to
 * `window.__benchSeek`. Runs in the page.
 */
export function armSeekProbe(input: {
  selector: string;
  probes: number[];
  intendedMs: number;
  toleranceMs: number;
  start: 'pointerup' | 'now';
  /** Reads the position from the timeline's aria-valuenow when true, else uses `intendedMs`. */
  readTimeline: boolean;
}): void {
  const state: Partial<SeekTiming> = {};
  (window as unknown as BenchWindow).__benchSeek = state;

  const probeBefore = (target: number): number => {
    let low = 0;
    let high = input.probes.length - 1;
    let found = -1;
    while (low <= high) {
      const middle = (low + high) >> 1;
      if (input.probes[middle]! < target) {
        found = input.probes[middle]!;
        low = middle + 1;
      } else {
        high = middle - 1;
      }
    }
    return found;
  };

  const poll = () => {
    requestAnimationFrame(() => {
      const positionMs = input.readTimeline
        ? Number(
            document.querySelector('[data-testid=player-timeline]')?.getAttribute('aria-valuenow'),
          )
        : input.intendedMs;
      const expected = probeBefore(positionMs);
      const iframe = document.querySelector<HTMLIFrameElement>(input.selector);
      const value = iframe?.contentDocument?.documentElement?.getAttribute('data-bench-at');
      if (
        Math.abs(positionMs - input.intendedMs) <= input.toleranceMs &&
        value === String(expected)
      ) {
        state.domMs = performance.now();
        state.targetMs = positionMs;
        state.probeMs = expected;
        requestAnimationFrame(() => {
          state.frameMs = performance.now();
        });
        return;
      }
      poll();
    });
  };

  if (input.start === 'now') {
    state.startMs = performance.now();
    poll();
    return;
  }
  window.addEventListener(
    'pointerup',
    () => {
      state.startMs = performance.now();
      poll();
    },
    { capture: true, once: true },
  );
}

/** Waits until the armed seek probe has a painted frame and returns its timings. */
export async function readSeek(page: Page, timeoutMs = 30_000): Promise<SeekTiming> {
  const handle = await page.waitForFunction(
    () => {
      const seek = (window as unknown as BenchWindow).__benchSeek;
      return seek?.frameMs !== undefined ? seek : undefined;
    },
    undefined,
    { timeout: timeoutMs, polling: 20 },
  );
  return (await handle.jsonValue()) as SeekTiming;
}

/**
 * Returns Chromium's full version, for example `156.0.8078.114`, from the DevTools protocol,
 * because the user agent string shows only the major version.
 */
export async function chromiumVersion(page: Page): Promise<string> {
  const session = await page.context().newCDPSession(page);
  try {
    const { product } = await session.send('Browser.getVersion');
    return /\/([\d.]+)$/.exec(product)?.[1] ?? product;
  } finally {
    await session.detach();
  }
}
