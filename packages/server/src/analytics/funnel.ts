/*
 * Funnel counting, per user, over the user's events in time order:
 *
 * - Each event of step 1 inside the entry range starts an attempt. Step k counts only for an
 *   event after the event matched for step k - 1, at most `windowMs` after the attempt's
 *   step-1 event (exactly `windowMs` counts). "After" means later in time, or in the same ms
 *   and sorted after it: events of one ms sort in step order.
 * - Within an attempt each step takes the earliest qualifying event, which reaches at least
 *   as far as any other choice.
 * - The user's result is the attempt that reaches the most steps; among equals, the earliest.
 *   So a user counts once per step however often they repeat it, and a failed first try does
 *   not hide a later one that converts.
 * - The same event name may be used by two steps: one event never fills two steps, so A → A
 *   needs two A events.
 */

/** One event of a user, with the steps it matches as a bit mask (bit k: step k). */
export interface FunnelEvent {
  time: number;
  mask: number;
}

/** The best attempt of one user. */
export interface FunnelPath {
  /** Number of steps reached, 0 when no step-1 event is in the entry range. */
  reached: number;
  /** Index into the user's events of the event matched for each step reached. */
  matched: number[];
}

export interface FunnelWindow {
  /** Step-1 events from this time on start an attempt. */
  enterFrom: number;
  /** Step-1 events before this time start an attempt. */
  enterUntil: number;
  windowMs: number;
}

/** Finds the best attempt of one user; `events` must be sorted by time. */
export function bestFunnelPath(
  events: readonly FunnelEvent[],
  stepCount: number,
  window: FunnelWindow,
): FunnelPath {
  const next = events.length > maxScannedEvents ? nextMatches(events, stepCount) : null;
  let best: FunnelPath = { reached: 0, matched: [] };

  for (let start = 0; start < events.length; start++) {
    const first = events[start]!;
    if ((first.mask & 1) === 0) continue;
    if (first.time < window.enterFrom || first.time >= window.enterUntil) continue;

    const matched = followSteps(events, next, start, stepCount, first.time + window.windowMs);
    if (matched.length > best.reached) best = { reached: matched.length, matched };
    if (best.reached === stepCount) break;
  }
  return best;
}

/**
 * Users with at most this many step events are matched by scanning forward. Longer lists get
 * an index of next matches first, so each step costs one lookup instead of a scan.
 */
const maxScannedEvents = 64;

/**
 * Matches steps 2 and on greedily after the step-1 event at `start`, up to `deadline`. `next`
 * is the index of next matches, or null to scan.
 */
function followSteps(
  events: readonly FunnelEvent[],
  next: readonly Int32Array[] | null,
  start: number,
  stepCount: number,
  deadline: number,
): number[] {
  const matched = [start];
  let position = start;
  for (let step = 1; step < stepCount; step++) {
    const found = next ? nextFromIndex(next, step, position + 1) : scan(events, step, position + 1);
    if (found < 0 || events[found]!.time > deadline) break;
    matched.push(found);
    position = found;
  }
  return matched;
}

function nextFromIndex(next: readonly Int32Array[], step: number, from: number): number {
  const row = next[step]!;
  return from < row.length ? row[from]! : -1;
}

/** Returns the index of the first event at or after `from` that matches `step`, or -1. */
function scan(events: readonly FunnelEvent[], step: number, from: number): number {
  const bit = 1 << step;
  for (let index = from; index < events.length; index++) {
    if ((events[index]!.mask & bit) !== 0) return index;
  }
  return -1;
}

/** For each step, the index of the first event at or after each position that matches it. */
function nextMatches(events: readonly FunnelEvent[], stepCount: number): Int32Array[] {
  const next: Int32Array[] = [];
  for (let step = 0; step < stepCount; step++) {
    const bit = 1 << step;
    const row = new Int32Array(events.length);
    let following = -1;
    for (let index = events.length - 1; index >= 0; index--) {
      if ((events[index]!.mask & bit) !== 0) following = index;
      row[index] = following;
    }
    next.push(row);
  }
  return next;
}

/** Counts and conversion times over many users' best attempts. */
export interface FunnelTotals {
  /** Users who reached each step. */
  users: number[];
  /** Median ms from step k - 1 to step k among users who reached step k; null for step 0. */
  medianMsFromPrevious: Array<number | null>;
}

export function totalFunnel(
  paths: ReadonlyArray<{ path: FunnelPath; times: readonly number[] }>,
  stepCount: number,
): FunnelTotals {
  const users = Array.from({ length: stepCount }, () => 0);
  const gaps: number[][] = Array.from({ length: stepCount }, () => []);
  for (const { path, times } of paths) {
    for (let step = 0; step < path.reached; step++) {
      users[step]! += 1;
      if (step > 0) gaps[step]!.push(times[path.matched[step]!]! - times[path.matched[step - 1]!]!);
    }
  }
  return {
    users,
    medianMsFromPrevious: gaps.map((list, step) => (step === 0 ? null : median(list))),
  };
}

/** Median, the mean of the two middle values for an even count; null for an empty list. */
export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  if (sorted.length % 2 === 1) return sorted[middle]!;
  return Math.round((sorted[middle - 1]! + sorted[middle]!) / 2);
}
