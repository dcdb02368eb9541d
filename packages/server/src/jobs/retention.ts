import type { FastifyBaseLogger } from 'fastify';
import type { ServerContext } from '../context.js';
import { isUtcDay, utcDay } from '../util/days.js';

/** Replays deleted per transaction, so one run never holds a long lock. */
const deleteBatchSize = 500;

export interface RetentionResult {
  replays: number;
  chunks: number;
  blobs: number;
  /** Expiry days whose blob folders were deleted. */
  days: string[];
  /** Replays deleted per project id. */
  byProject: Record<string, number>;
}

/**
 * Deletes every replay whose expiry day has passed: metadata rows first, in batches of
 * `deleteBatchSize` replays, then whole blob prefixes of past expiry days. Rows go first so
 * nothing listed points at a deleted blob. `log` gets one line per batch at debug level.
 */
export async function runRetention(
  context: ServerContext,
  log?: FastifyBaseLogger,
): Promise<RetentionResult> {
  const today = utcDay(context.now());
  const result: RetentionResult = { replays: 0, chunks: 0, blobs: 0, days: [], byProject: {} };
  for (;;) {
    const batch = await context.metadata.replays.deleteExpired(today, deleteBatchSize);
    result.replays += batch.replays;
    result.chunks += batch.chunks;
    for (const [projectId, count] of Object.entries(batch.byProject)) {
      result.byProject[projectId] = (result.byProject[projectId] ?? 0) + count;
    }
    if (batch.replays > 0) log?.debug(batch, 'retention deleted a batch of expired replays');
    if (batch.replays < deleteBatchSize) break;
  }

  for (const prefix of (await context.blobs.listTopLevel()).sort()) {
    if (!isUtcDay(prefix) || prefix >= today) continue;
    result.blobs += await context.blobs.deletePrefix(prefix);
    result.days.push(prefix);
  }
  return result;
}

/** Runs retention now and then every `retentionIntervalMinutes`; returns a stop function. */
export function scheduleRetention(
  context: ServerContext,
  log: FastifyBaseLogger,
): () => Promise<void> {
  const intervalMinutes = context.settings.retentionIntervalMinutes;
  let running: Promise<void> | null = null;
  const run = () => {
    if (running) return;
    const startedAt = Date.now();
    running = runRetention(context, log)
      .then((result) => {
        if (result.replays > 0 || result.blobs > 0) {
          const durationMs = Date.now() - startedAt;
          log.info({ ...result, durationMs }, 'retention deleted expired replays');
        }
      })
      .catch((error: unknown) =>
        log.error({ err: error }, 'retention run failed; retrying at the next interval'),
      )
      .finally(() => {
        running = null;
      });
  };
  log.info({ intervalMinutes }, 'retention job started');
  run();
  const timer = setInterval(run, intervalMinutes * 60_000);
  timer.unref();
  return async () => {
    clearInterval(timer);
    await running;
    log.info('retention job stopped');
  };
}
