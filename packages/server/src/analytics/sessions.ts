import { sessionGapMs } from '@reprise/protocol';

/** A session of one user: the times of its first and last event, Unix ms. */
export interface SessionSpan {
  start: number;
  end: number;
}

/**
 * Merges sessions and event times of one user into sessions. Two neighbours belong to one
 * session when the second starts less than `gapMs` after the first ends, so a gap of exactly
 * `gapMs` starts a new session. Merging is exact whatever the order in which events arrive,
 * because a session is the span of a run of events with every gap shorter than `gapMs`.
 */
export function mergeSessions(
  sessions: readonly SessionSpan[],
  times: readonly number[],
  gapMs = sessionGapMs,
): SessionSpan[] {
  const spans = [...sessions, ...times.map((time) => ({ start: time, end: time }))];
  spans.sort((a, b) => a.start - b.start || a.end - b.end);

  const merged: SessionSpan[] = [];
  for (const span of spans) {
    const last = merged.at(-1);
    if (last && span.start - last.end < gapMs) {
      last.end = Math.max(last.end, span.end);
    } else {
      merged.push({ ...span });
    }
  }
  return merged;
}

/** Returns the sessions to delete and to insert to turn `before` into `after`. */
export function diffSessions(
  before: readonly SessionSpan[],
  after: readonly SessionSpan[],
): { removed: SessionSpan[]; added: SessionSpan[] } {
  const key = (span: SessionSpan) => `${span.start}:${span.end}`;
  const beforeKeys = new Set(before.map(key));
  const afterKeys = new Set(after.map(key));
  return {
    removed: before.filter((span) => !afterKeys.has(key(span))),
    added: after.filter((span) => !beforeKeys.has(key(span))),
  };
}
