import type { ChunkInfo, ReplaySummary } from '@reprise/protocol';
import type { ChunkRow, ReplayWithProfile } from '../store/metadata/index.js';

/** `analyticsEventCount` is the number of events linked to the replay (`countLinkedEvents`). */
export function toReplaySummary(
  row: ReplayWithProfile,
  analyticsEventCount: number,
): ReplaySummary {
  return {
    id: row.id,
    projectId: row.project_id,
    distinctId: row.distinct_id,
    deviceId: row.device_id,
    userId: row.user_id,
    userName: row.profile_name,
    userEmail: row.profile_email,
    startedAt: row.started_at,
    endedAt: row.ended_at,
    durationMs: row.duration_ms,
    activeMs: row.active_ms,
    firstUrl: row.first_url,
    chunkCount: row.chunk_count,
    eventCount: row.event_count,
    clickCount: row.click_count,
    rageClickCount: row.rage_click_count,
    errorCount: row.error_count,
    analyticsEventCount,
    bytes: row.bytes,
    browser: row.browser,
    os: row.os,
    expiresOn: row.expires_on,
    updatedAt: row.updated_at,
  };
}

export function toChunkInfo(row: ChunkRow): ChunkInfo {
  return {
    seq: row.seq,
    firstTimestamp: row.first_ts,
    lastTimestamp: row.last_ts,
    eventCount: row.event_count,
    bytes: row.bytes,
    encoding: row.encoding,
    hasFullSnapshot: row.has_full_snapshot === 1,
    fullSnapshotTimestamp: row.full_snapshot_ts,
    receivedAt: row.received_at,
  };
}

/** Encodes the position after the last row of a page; opaque to clients. */
export function encodeCursor(value: number, id: string): string {
  return Buffer.from(JSON.stringify([value, id])).toString('base64url');
}

export function decodeCursor(cursor: string): { value: number; id: string } | null {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (
      Array.isArray(parsed) &&
      parsed.length === 2 &&
      typeof parsed[0] === 'number' &&
      typeof parsed[1] === 'string'
    ) {
      return { value: parsed[0], id: parsed[1] };
    }
  } catch {
    // Falls through to null: the caller reports the invalid cursor.
  }
  return null;
}
