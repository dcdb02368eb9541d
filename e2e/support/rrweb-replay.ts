import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { Page } from 'playwright-core';
import type * as Rrweb from 'rrweb';

const require = createRequire(import.meta.url);

/**
 * rrweb's browser build (2.2.2, the workspace's version), which sets `window.rrweb`. The e2e
 * package resolves it from the workspace root, where the SDK and the web app install it.
 */
export const rrwebBrowserBuild = join(dirname(require.resolve('rrweb')), 'rrweb.umd.cjs');

/** Global under which `startReplay` keeps the Replayer in the page. */
const replayerGlobal = '__testReplayer';

/** A recording rebuilt by rrweb's Replayer in a test page, paused. */
export interface TestReplay {
  /** Length of the recording, in ms. */
  totalMs: number;
  /**
   * Moves to `offsetMs` from the start and pauses. rrweb 2.2.2 applies the events before that
   * time, not those at it.
   */
  seek(offsetMs: number): Promise<void>;
  /** Moves past the last event, so that every event is applied, and pauses. */
  seekToEnd(): Promise<void>;
  /** Runs `read(document, arg)` on the replayed document and returns its result. */
  read<T, A = undefined>(read: (document: Document, arg: A) => T, arg?: A): Promise<T>;
}

/**
 * Rebuilds `events` with rrweb's Replayer in `page`, which must show a page of the test site
 * (the Replayer's iframe needs a real origin), and pauses at the start. Replayer warnings go to
 * the page's console, prefixed `[replayer]`.
 */
export async function startReplay(page: Page, events: unknown[]): Promise<TestReplay> {
  await page.addScriptTag({ path: rrwebBrowserBuild });
  const totalMs = await page.evaluate(
    ([events, name]) => {
      const { Replayer } = (window as unknown as { rrweb: typeof Rrweb }).rrweb;
      const replayer = new Replayer(events as never, {
        root: document.body,
        showWarning: true,
        mouseTail: false,
        triggerFocus: false,
      });
      (window as unknown as Record<string, unknown>)[name] = replayer;
      replayer.pause(0);
      return replayer.getMetaData().totalTime;
    },
    [events, replayerGlobal] as const,
  );
  // rrweb 2.2.2's Replayer rebuilds the first full snapshot in a timer and then sets its
  // `firstFullSnapshot`, so a read right after `pause(0)` on a busy machine could come first.
  await page.waitForFunction(
    (name) =>
      Boolean(
        (window as unknown as Record<string, { firstFullSnapshot?: unknown }>)[name]
          ?.firstFullSnapshot,
      ),
    replayerGlobal,
  );

  const replay: TestReplay = {
    totalMs,
    seekToEnd: () => replay.seek(totalMs + 1),
    async seek(offsetMs) {
      await page.evaluate(
        ([offsetMs, name]) => {
          const replayer = (window as unknown as Record<string, { pause(at: number): void }>)[
            name
          ]!;
          replayer.pause(offsetMs);
        },
        [offsetMs, replayerGlobal] as const,
      );
    },
    read(read, arg) {
      // The reader is sent as source text, because Playwright passes functions only as the
      // evaluated function itself.
      return page.evaluate(
        ([source, arg, name]) => {
          const replayer = (window as unknown as Record<string, { iframe: HTMLIFrameElement }>)[
            name
          ]!;
          const run = new Function('document', 'arg', `return (${source})(document, arg);`);
          return run(replayer.iframe.contentDocument, arg);
        },
        [read.toString(), arg, replayerGlobal] as const,
      );
    },
  };
  return replay;
}
