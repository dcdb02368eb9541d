import type { FastifyBaseLogger } from 'fastify';
import type { ServerContext } from '../context.js';
import { isUtcDay, utcDay } from '../util/days.js';

/** Replays deleted per transaction, so one run never holds a long lock. */
const deleteBatchSize = 500;

export interface RetentionResult {
  replays: number;
  blobs: number;
}

/**
 * Deletes every replay whose expiry day has passed: metadata rows first, then whole blob
 * prefixes of past expiry days. Rows go first so nothing listed points at a deleted blob.
 */
export async function runRetention(context: ServerContext): Promise<RetentionResult> {
  const today = utcDay(context.now());
  let replays = 0;
  for (;;) {
    const deleted = await context.metadata.replays.deleteExpired(today, deleteBatchSize);
    replays += deleted;
    if (deleted < deleteBatchSize) break;
  }

  let blobs = 0;
  for (const prefix of await context.blobs.listTopLevel()) {
    if (isUtcDay(prefix) && prefix < today) blobs += await context.blobs.deletePrefix(prefix);
  }
  return { replays, blobs };
}

/** Runs retention now and then every `retentionIntervalMinutes`; returns a stop function. */
export function scheduleRetention(
  context: ServerContext,
  log: FastifyBaseLogger,
): () => Promise<void> {
  let running: Promise<void> | null = null;
  const run = () => {
    if (running) return;
    running = runRetention(context)
      .then((result) => {
        if (result.replays > 0 || result.blobs > 0)
          log.info(result, 'retention deleted expired replays');
      })
      .catch((error: unknown) =>
        log.error({ err: error }, 'retention run failed; retrying at the next interval'),
      )
      .finally(() => {
        running = null;
      });
  };
  run();
  const timer = setInterval(run, context.settings.retentionIntervalMinutes * 60_000);
  timer.unref();
  return async () => {
    clearInterval(timer);
    await running;
  };
}
