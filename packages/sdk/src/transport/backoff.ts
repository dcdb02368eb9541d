/** Wait before the first retry, in ms; it doubles on each further retry. */
export const retryBaseMs = 1000;
/** Maximum wait between two tries, in ms. */
export const retryMaxMs = 60_000;
/** Maximum `Retry-After` that is honoured, in ms; a longer one is cut to this. */
export const retryAfterMaxMs = 10 * 60_000;

/**
 * Returns the wait in ms before retry number `attempt` (0 for the first retry): exponential
 * from `retryBaseMs`, capped at `retryMaxMs`, with "equal jitter" (half of the wait fixed, half
 * random) so that many pages failing together do not retry together.
 */
export function backoffDelayMs(attempt: number, random: number = Math.random()): number {
  const ceiling = Math.min(retryMaxMs, retryBaseMs * 2 ** Math.min(Math.max(attempt, 0), 20));
  return Math.round(ceiling / 2 + (ceiling / 2) * Math.min(Math.max(random, 0), 1));
}

/**
 * Parses a `Retry-After` header (delay in seconds, or an HTTP date) into ms from now. Returns
 * null when the header is missing or invalid.
 */
export function parseRetryAfterMs(
  header: string | null,
  nowMs: number = Date.now(),
): number | null {
  if (header == null || header.trim() === '') return null;
  const text = header.trim();
  const isSeconds = /^\d+(\.\d+)?$/.test(text);
  // An HTTP date always names its day and month; this keeps Date.parse from reading "-3".
  if (!isSeconds && !/[a-z]{3}/i.test(text)) return null;
  const ms = isSeconds ? Number(text) * 1000 : Date.parse(text) - nowMs;
  if (!Number.isFinite(ms)) return null;
  return Math.min(Math.max(ms, 0), retryAfterMaxMs);
}
