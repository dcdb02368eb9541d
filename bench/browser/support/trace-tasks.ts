/**
 * Reads a Chrome trace (the JSON that `browser.stopTracing()` returns) and lists what ran inside
 * each long task of the page's main thread. That pins a long task on a script function, a
 * garbage collection, style and layout, or parsing.
 */

/** Trace categories that give tasks, the JavaScript functions they call and collections. */
export const traceCategories = [
  'toplevel',
  'devtools.timeline',
  'disabled-by-default-devtools.timeline',
  'v8.execute',
  'blink.user_timing',
];

interface TraceEvent {
  name: string;
  ph: string;
  pid: number;
  tid: number;
  ts: number;
  dur?: number;
  args?: { name?: string; data?: Record<string, unknown> };
}

/** One event inside a long task, with its depth below the task. Times in ms. */
export interface TaskPart {
  depth: number;
  name: string;
  /** Function and script, event type or timer id, where the trace has them. */
  detail: string;
  startMs: number;
  durationMs: number;
}

/** A task of 50 ms or more on a renderer's main thread. Times in ms from the trace's start. */
export interface LongTask {
  startMs: number;
  durationMs: number;
  /** Events inside the task that took `minPartMs` or more, in order. */
  parts: TaskPart[];
}

function detailOf(event: TraceEvent): string {
  const data = event.args?.data ?? {};
  const fields = ['functionName', 'url', 'type', 'timerId', 'stackTrace'] as const;
  const bits: string[] = [];
  for (const field of fields) {
    const value = data[field];
    if (field === 'url' && typeof value === 'string') {
      const line = data.lineNumber;
      bits.push(`${value.replace(/^.*\//, '')}${typeof line === 'number' ? `:${line}` : ''}`);
    } else if (typeof value === 'string' || typeof value === 'number') {
      bits.push(String(value));
    }
  }
  return bits.join(' ');
}

/**
 * Returns the tasks of `minTaskMs` or more on the busiest renderer main thread of the trace,
 * each with the events inside it that took `minPartMs` or more.
 */
export function findLongTasks(
  traceJson: string,
  { minTaskMs = 50, minPartMs = 3 }: { minTaskMs?: number; minPartMs?: number } = {},
): LongTask[] {
  const parsed = JSON.parse(traceJson) as { traceEvents?: TraceEvent[] } | TraceEvent[];
  const events = Array.isArray(parsed) ? parsed : (parsed.traceEvents ?? []);
  const mainThreads = new Set(
    events
      .filter((event) => event.name === 'thread_name' && event.args?.name === 'CrRendererMain')
      .map((event) => `${event.pid}:${event.tid}`),
  );
  const byThread = new Map<string, TraceEvent[]>();
  for (const event of events) {
    const thread = `${event.pid}:${event.tid}`;
    if (event.ph !== 'X' || event.dur === undefined || !mainThreads.has(thread)) continue;
    const list = byThread.get(thread) ?? [];
    list.push(event);
    byThread.set(thread, list);
  }
  const origin = Math.min(...events.filter((event) => event.ts > 0).map((event) => event.ts));
  const busiest = [...byThread.values()].sort(
    (a, b) => sumTaskTime(b) - sumTaskTime(a) || b.length - a.length,
  )[0];
  if (!busiest) return [];

  busiest.sort((a, b) => a.ts - b.ts || b.dur! - a.dur!);
  const tasks: LongTask[] = [];
  for (const task of busiest) {
    if (task.name !== 'RunTask' || task.dur! < minTaskMs * 1000) continue;
    const end = task.ts + task.dur!;
    const stack: number[] = [end];
    const parts: TaskPart[] = [];
    for (const event of busiest) {
      if (event === task || event.ts < task.ts || event.ts >= end) continue;
      while (stack.length > 1 && event.ts >= stack.at(-1)!) stack.pop();
      const depth = stack.length;
      stack.push(event.ts + event.dur!);
      if (event.dur! < minPartMs * 1000) continue;
      parts.push({
        depth,
        name: event.name,
        detail: detailOf(event),
        startMs: (event.ts - origin) / 1000,
        durationMs: event.dur! / 1000,
      });
    }
    tasks.push({ startMs: (task.ts - origin) / 1000, durationMs: task.dur! / 1000, parts });
  }
  return tasks;
}

function sumTaskTime(events: TraceEvent[]): number {
  return events
    .filter((event) => event.name === 'RunTask')
    .reduce((sum, event) => sum + event.dur!, 0);
}

/** Formats long tasks as indented lines, one per part. */
export function formatLongTasks(tasks: LongTask[]): string {
  const lines: string[] = [];
  for (const task of tasks) {
    lines.push(`task at ${task.startMs.toFixed(0)} ms: ${task.durationMs.toFixed(1)} ms`);
    for (const part of task.parts) {
      const indent = '  '.repeat(part.depth);
      const detail = part.detail ? ` ${part.detail}` : '';
      lines.push(`${indent}${part.name}${detail}: ${part.durationMs.toFixed(1)} ms`);
    }
  }
  return lines.join('\n');
}
