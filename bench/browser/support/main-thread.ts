import type { CDPSession, Page } from 'playwright-core';

/** Main-thread cost of the page over one measured window. Durations in ms. */
export interface MainThreadSample {
  /** CPU time of the renderer's main thread in tasks: the `TaskDuration` delta. */
  taskMs: number;
  /** CPU time running JavaScript: the `ScriptDuration` delta. */
  scriptMs: number;
  /** Duration of the longest task the Long Tasks API reported (50 ms or more), or 0. */
  longestTaskMs: number;
  /** Total blocking time: the sum over long tasks of the part beyond 50 ms. */
  totalBlockingMs: number;
  /** Number of long tasks (50 ms or more). */
  longTasks: number;
  /** Length of the window, wall-clock time. */
  windowMs: number;
}

/** Threshold of a long task, as the Long Tasks API and total blocking time define it. */
const longTaskMs = 50;

/**
 * Runs in every document before its own scripts: keeps each long task's start (Unix ms) and
 * duration in `window.__benchLongTasks`.
 */
const longTaskRecorder = `
window.__benchLongTasks = [];
new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) {
    window.__benchLongTasks.push({ start: performance.timeOrigin + entry.startTime, duration: entry.duration });
  }
}).observe({ type: 'longtask', buffered: true });
`;

async function readMetrics(cdp: CDPSession): Promise<Map<string, number>> {
  const { metrics } = await cdp.send('Performance.getMetrics');
  return new Map(metrics.map((metric) => [metric.name, metric.value]));
}

/**
 * Measures a page's main thread between `start()` and `stop()`: CPU time from the renderer's
 * own counters (`Performance.getMetrics` with thread time), and long tasks from the Long Tasks
 * API in the page, whose durations are wall-clock time. Attach before the page loads.
 */
export class MainThreadProbe {
  private before: Map<string, number> | null = null;
  private startedAt = 0;

  private constructor(
    private readonly page: Page,
    readonly cdp: CDPSession,
  ) {}

  static async attach(page: Page): Promise<MainThreadProbe> {
    await page.addInitScript(longTaskRecorder);
    const cdp = await page.context().newCDPSession(page);
    // Thread time leaves out the time the thread waited for a CPU on a busy machine.
    await cdp.send('Performance.enable', { timeDomain: 'threadTicks' });
    return new MainThreadProbe(page, cdp);
  }

  async start(): Promise<void> {
    this.before = await readMetrics(this.cdp);
    this.startedAt = Date.now();
  }

  /** Ends the window. A page that loaded in it reports the long tasks of the new document. */
  async stop(): Promise<MainThreadSample> {
    const after = await readMetrics(this.cdp);
    const windowMs = Date.now() - this.startedAt;
    const before = this.before;
    if (!before) throw new Error('MainThreadProbe.stop() was called before start()');
    this.before = null;
    const delta = (name: string) => {
      const change = (after.get(name) ?? 0) - (before.get(name) ?? 0);
      if (change < 0) {
        throw new Error(
          `${name} went down by ${-change} s during the window: the page changed renderer process`,
        );
      }
      return change * 1000;
    };
    const durations = (await this.page.evaluate(
      `(window.__benchLongTasks || []).filter((task) => task.start >= ${this.startedAt}).map((task) => task.duration)`,
    )) as number[];
    return {
      taskMs: delta('TaskDuration'),
      scriptMs: delta('ScriptDuration'),
      longestTaskMs: Math.max(0, ...durations),
      totalBlockingMs: durations.reduce((sum, ms) => sum + Math.max(0, ms - longTaskMs), 0),
      longTasks: durations.length,
      windowMs,
    };
  }

  /** Collects garbage, then returns the page's used JavaScript heap, in bytes. */
  async usedHeapAfterGc(): Promise<number> {
    await this.cdp.send('HeapProfiler.collectGarbage');
    return (await readMetrics(this.cdp)).get('JSHeapUsedSize') ?? Number.NaN;
  }
}
