import { setTimeout as sleep } from 'node:timers/promises';
import type { DeletionCounts } from '@reprise/protocol';
import type { ServerContext } from '../context.js';
import { RepriseError } from '../errors.js';
import type { DeletionClaim, DeletionRequestRow, DeletionRequestStore } from './deletion-store.js';
import { addCounts, deleteUserData, emptyCounts } from './user-data.js';
import { resolveUserIds } from './user-ids.js';

/** Raised inside a run when another process claimed the request since; the run stops. */
export class ClaimLostError extends RepriseError {
  override name = 'ClaimLostError';
}

/** Raised inside a run when the server is stopping; the request is released for later. */
export class RunStoppedError extends RepriseError {
  override name = 'RunStoppedError';
}

export interface DeletionRunOptions {
  /** Wait before the second pass, in ms. */
  secondPassDelayMs: number;
  /** Aborted when the server stops. */
  signal: AbortSignal;
}

/**
 * Deletes the data of a claimed request's users, in two passes. Each pass resolves the ids
 * through the device-to-user map, stores them so that ingestion drops their data from then on,
 * and deletes everything stored under them. The second pass, `secondPassDelayMs` later,
 * deletes what uploads stored after passing ingestion's check just before their ids were
 * stored. Returns what this run deleted.
 *
 * NOTE: an upload whose check and metadata commit lie further apart than `secondPassDelayMs`
 * (a stalled disk or database) can still leave its rows behind.
 */
export async function runDeletionRequest(
  context: ServerContext,
  store: DeletionRequestStore,
  row: DeletionRequestRow,
  options: DeletionRunOptions,
): Promise<DeletionCounts> {
  const claim: DeletionClaim = { id: row.id, projectId: row.project_id, token: row.claim_token! };
  const requested = JSON.parse(row.distinct_ids) as string[];
  const total = emptyCounts();

  for (const pass of [1, 2]) {
    if (pass === 2) await pause(options.secondPassDelayMs, options.signal);
    const stored = await store.listIds(claim.id);
    const ids = await resolveUserIds(context.metadata.connection.db, claim.projectId, [
      ...requested,
      ...stored,
    ]);
    await store.addIds(claim, ids);
    const counts = await deleteUserData(
      {
        db: context.metadata.connection.db,
        blobs: context.blobs,
        projectId: claim.projectId,
        onProgress: async (progress) => {
          if (options.signal.aborted) throw new RunStoppedError('The server is stopping');
          const stillClaimed = await store.recordProgress(claim, context.now(), progress);
          if (!stillClaimed)
            throw new ClaimLostError(`Deletion request ${claim.id} was claimed again`);
        },
      },
      ids,
    );
    addCounts(total, counts);
  }
  return total;
}

async function pause(delayMs: number, signal: AbortSignal): Promise<void> {
  try {
    await sleep(delayMs, undefined, { signal });
  } catch (error) {
    if (signal.aborted) throw new RunStoppedError('The server is stopping', { cause: error });
    throw error;
  }
}
