const secondMs = 1000;
const minuteMs = 60 * secondMs;
const hourMs = 60 * minuteMs;
const dayMs = 24 * hourMs;

function pad2(value: number): string {
  return String(value).padStart(2, '0');
}

/** Formats a length of time for lists: `45s`, `3m 12s`, `1h 02m`. Rounds down to the second. */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '–';
  const totalSeconds = Math.floor(ms / secondMs);
  const hours = Math.floor(totalSeconds / 3600);
  const minutes = Math.floor((totalSeconds % 3600) / 60);
  const seconds = totalSeconds % 60;
  if (hours > 0) return `${hours}h ${pad2(minutes)}m`;
  if (minutes > 0) return `${minutes}m ${pad2(seconds)}s`;
  return `${seconds}s`;
}

/** Formats a playback position as a clock: `0:05`, `12:34`, `1:02:03`. */
export function formatClock(ms: number): string {
  const totalSeconds = Number.isFinite(ms) && ms > 0 ? Math.floor(ms / secondMs) : 0;
  const hours = Math.floor(totalSeconds / 3600);
  const minutes = Math.floor((totalSeconds % 3600) / 60);
  const seconds = totalSeconds % 60;
  if (hours > 0) return `${hours}:${pad2(minutes)}:${pad2(seconds)}`;
  return `${minutes}:${pad2(seconds)}`;
}

/** Formats a Unix ms time as a local date and time with seconds, for tooltips and details. */
export function formatDateTime(timestampMs: number, locale?: string): string {
  return new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'medium' }).format(
    timestampMs,
  );
}

/**
 * Formats a past time relative to `nowMs`: `just now`, `3 min ago`, `5 h ago`, `2 days ago`,
 * then the local date once it is a week old. Times in the future beyond 45 s (clock skew
 * between the recorded device and this one) get the local date too.
 */
export function formatRelative(timestampMs: number, nowMs: number, locale?: string): string {
  const elapsedMs = nowMs - timestampMs;
  if (Math.abs(elapsedMs) < 45 * secondMs) return 'just now';
  if (elapsedMs > 0 && elapsedMs < hourMs) {
    return `${Math.max(1, Math.floor(elapsedMs / minuteMs))} min ago`;
  }
  if (elapsedMs > 0 && elapsedMs < dayMs) return `${Math.floor(elapsedMs / hourMs)} h ago`;
  if (elapsedMs > 0 && elapsedMs < 7 * dayMs) {
    const days = Math.floor(elapsedMs / dayMs);
    return days === 1 ? '1 day ago' : `${days} days ago`;
  }
  return new Intl.DateTimeFormat(locale, { dateStyle: 'medium' }).format(timestampMs);
}
