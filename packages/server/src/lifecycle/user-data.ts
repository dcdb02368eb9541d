import type { Kysely } from 'kysely';
import type { DeletionCounts } from '@reprise/protocol';
import type { BlobStore } from '../store/blob/index.js';
import type { Database } from '../store/metadata/schema.js';
import { splitIntoParts } from '../util/parts.js';

/** Ids per `in (...)` list; a query matches three columns against each list. */
const idPartSize = 300;
/** Replays deleted per batch: their blobs, then their rows in one transaction. */
const replayBatchSize = 200;
/** Events deleted per statement, so no statement holds its locks for long. */
const eventBatchSize = 1000;
/** Blob deletions in flight at once. */
const blobConcurrency = 16;

/** Project, stores and progress callback of one deletion. */
export interface DeletionTarget {
  db: Kysely<Database>;
  blobs: BlobStore;
  projectId: string;
  /** Receives what one batch deleted; raising from it stops the deletion. */
  onProgress(counts: Partial<DeletionCounts>): Promise<void>;
}

export function emptyCounts(): DeletionCounts {
  return { replays: 0, chunks: 0, blobs: 0, events: 0, profiles: 0, identities: 0 };
}

export function addCounts(total: DeletionCounts, more: Partial<DeletionCounts>): void {
  for (const key of Object.keys(total) as (keyof DeletionCounts)[]) total[key] += more[key] ?? 0;
}

/**
 * Deletes everything stored under the ids (distinct, device or user ids): replays with their
 * chunk rows and blob files, events, profiles, the users and sessions derived from events, and
 * identity rows. Identity rows go last, so a run that stops early can still resolve the ids
 * again. Deleting twice deletes nothing the second time, so a stopped run can be repeated.
 */
export async function deleteUserData(
  target: DeletionTarget,
  ids: readonly string[],
): Promise<DeletionCounts> {
  const total = emptyCounts();
  const report = async (counts: Partial<DeletionCounts>) => {
    addCounts(total, counts);
    await target.onProgress(counts);
  };
  for (const part of splitIntoParts(ids, idPartSize)) await deleteReplaysOf(target, part, report);
  for (const part of splitIntoParts(ids, idPartSize)) await deleteEventsOf(target, part, report);
  for (const part of splitIntoParts(ids, idPartSize)) {
    await report({ profiles: await deleteProfilesOf(target, part) });
    await deletePeopleIndexOf(target, part);
    await report({ identities: await deleteIdentitiesOf(target, part) });
  }
  return total;
}

type Report = (counts: Partial<DeletionCounts>) => Promise<void>;

async function deleteReplaysOf(target: DeletionTarget, ids: string[], report: Report) {
  for (;;) {
    const replayIds = await findReplaysOf(target, ids);
    if (replayIds.length === 0) return;
    await report(await deleteReplayBatch(target, replayIds));
  }
}

/**
 * Returns up to a batch of replays with a row or a chunk under one of the ids. A replay row
 * keeps the first identity of its chunks, and a later chunk may carry another user's ids.
 */
async function findReplaysOf(target: DeletionTarget, ids: string[]): Promise<string[]> {
  const { db, projectId } = target;
  const rows = await db
    .selectFrom('replays')
    .select('id')
    .where('project_id', '=', projectId)
    .where((eb) =>
      eb.or([eb('distinct_id', 'in', ids), eb('device_id', 'in', ids), eb('user_id', 'in', ids)]),
    )
    .limit(replayBatchSize)
    .execute();
  const chunks = await db
    .selectFrom('replay_chunks')
    .select('replay_id')
    .distinct()
    .where('project_id', '=', projectId)
    .where((eb) =>
      eb.or([eb('distinct_id', 'in', ids), eb('device_id', 'in', ids), eb('user_id', 'in', ids)]),
    )
    .limit(replayBatchSize)
    .execute();
  return [...new Set([...rows.map((row) => row.id), ...chunks.map((row) => row.replay_id)])];
}

/**
 * Deletes the blob files of the replays' chunks, then their chunk and replay rows. Files go
 * first: a run that stops in between leaves rows that the next run finds again, while rows
 * deleted first would leave files that nothing names. A chunk stored between the two steps is
 * returned by the row deletion, and its file is deleted after. Last, each replay's blob folder
 * goes too, with any file that an upload wrote without committing its row.
 */
async function deleteReplayBatch(
  target: DeletionTarget,
  replayIds: string[],
): Promise<Partial<DeletionCounts>> {
  const { db, projectId } = target;
  const listed = await db
    .selectFrom('replay_chunks')
    .select('blob_key')
    .where('project_id', '=', projectId)
    .where('replay_id', 'in', replayIds)
    .execute();
  const keys = new Set(listed.map((row) => row.blob_key));
  await deleteBlobs(target.blobs, [...keys]);

  const deleted = await db.transaction().execute(async (trx) => {
    const chunks = await trx
      .deleteFrom('replay_chunks')
      .where('project_id', '=', projectId)
      .where('replay_id', 'in', replayIds)
      .returning('blob_key')
      .execute();
    const replays = await trx
      .deleteFrom('replays')
      .where('project_id', '=', projectId)
      .where('id', 'in', replayIds)
      .executeTakeFirst();
    return { chunks, replays: Number(replays.numDeletedRows) };
  });

  const lateKeys = deleted.chunks.map((row) => row.blob_key).filter((key) => !keys.has(key));
  await deleteBlobs(target.blobs, lateKeys);
  let unlisted = 0;
  for (const folder of replayFolders([...keys, ...lateKeys], new Set(replayIds))) {
    unlisted += await target.blobs.deletePrefix(folder);
  }
  return {
    replays: deleted.replays,
    chunks: deleted.chunks.length,
    blobs: keys.size + lateKeys.length + unlisted,
  };
}

/**
 * Returns the `<expiry day>/<project>/<replay>` folders of chunk keys, for the given replays
 * only, so that a key of another shape never widens the deletion.
 */
function replayFolders(keys: readonly string[], replayIds: Set<string>): Set<string> {
  const folders = new Set<string>();
  for (const key of keys) {
    const parts = key.split('/');
    if (parts.length === 4 && replayIds.has(parts[2]!)) folders.add(parts.slice(0, 3).join('/'));
  }
  return folders;
}

async function deleteBlobs(blobs: BlobStore, keys: readonly string[]): Promise<void> {
  for (const part of splitIntoParts(keys, blobConcurrency)) {
    await Promise.all(part.map((key) => blobs.delete(key)));
  }
}

async function deleteEventsOf(target: DeletionTarget, ids: string[], report: Report) {
  const { db, projectId } = target;
  for (;;) {
    // PostgreSQL has no DELETE … LIMIT, so a subquery picks the batch.
    const batch = db
      .selectFrom('events')
      .select('insert_id')
      .where('project_id', '=', projectId)
      .where((eb) =>
        eb.or([eb('distinct_id', 'in', ids), eb('device_id', 'in', ids), eb('user_id', 'in', ids)]),
      )
      .limit(eventBatchSize);
    const result = await db
      .deleteFrom('events')
      .where('project_id', '=', projectId)
      .where('insert_id', 'in', batch)
      .executeTakeFirst();
    const deleted = Number(result.numDeletedRows);
    if (deleted === 0) return;
    await report({ events: deleted });
  }
}

async function deleteProfilesOf(target: DeletionTarget, ids: string[]): Promise<number> {
  const result = await target.db
    .deleteFrom('profiles')
    .where('project_id', '=', target.projectId)
    .where('distinct_id', 'in', ids)
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}

/** Deletes the sessions and first/last-seen rows that the analytics index keeps per user. */
async function deletePeopleIndexOf(target: DeletionTarget, ids: string[]): Promise<void> {
  for (const table of ['user_sessions', 'analytics_users'] as const) {
    await target.db
      .deleteFrom(table)
      .where('project_id', '=', target.projectId)
      .where('person_id', 'in', ids)
      .execute();
  }
}

async function deleteIdentitiesOf(target: DeletionTarget, ids: string[]): Promise<number> {
  const result = await target.db
    .deleteFrom('identities')
    .where('project_id', '=', target.projectId)
    .where((eb) => eb.or([eb('device_id', 'in', ids), eb('user_id', 'in', ids)]))
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}
