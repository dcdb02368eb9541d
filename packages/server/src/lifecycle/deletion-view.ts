import type { DeletionRequest } from '@reprise/protocol';
import type { DeletionRequestRow } from './deletion-store.js';

/** Builds the API form of a request; `withIds` adds the requested ids, which are personal data. */
export function toDeletionRequest(row: DeletionRequestRow, withIds: boolean): DeletionRequest {
  return {
    id: row.id,
    projectId: row.project_id,
    requestedBy: row.requested_by,
    requestedByMemberId: row.requested_by_member_id,
    createdAt: Number(row.created_at),
    status: row.status,
    idCount: row.id_count,
    ...(withIds ? { distinctIds: JSON.parse(row.distinct_ids) as string[] } : {}),
    resolvedIdCount: row.resolved_id_count,
    counts: {
      replays: row.deleted_replays,
      chunks: row.deleted_chunks,
      blobs: row.deleted_blobs,
      events: row.deleted_events,
      profiles: row.deleted_profiles,
      identities: row.deleted_identities,
    },
    attempts: row.attempts,
    error: row.error,
    startedAt: row.started_at === null ? null : Number(row.started_at),
    finishedAt: row.finished_at === null ? null : Number(row.finished_at),
    dropUntil: row.drop_until === null ? null : Number(row.drop_until),
  };
}
