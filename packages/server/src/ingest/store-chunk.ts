import { randomFillSync } from 'node:crypto';
import type { FastifyBaseLogger } from 'fastify';
import type { ServerContext } from '../context.js';
import { chunkBlobKey } from '../store/blob/index.js';
import type { ChunkRow, ProjectRow } from '../store/metadata/index.js';
import { utcDayAfter } from '../util/days.js';
import { computeChunkFacts } from './facts.js';
import type { DecodedRecordBody } from './record-body.js';
import type { Platform } from './user-agent.js';

/** One checked upload of a chunk, from `/record/` or from a sample file. */
export interface ChunkUpload {
  replayId: string;
  seq: number;
  distinctId: string | null;
  deviceId: string | null;
  userId: string | null;
  /** Page URL when the batch started, used when the chunk has no Meta event. */
  currentUrl: string | null;
  /** Browser and operating system, kept from the replay's first chunk. */
  platform: Platform;
  body: DecodedRecordBody;
  log: FastifyBaseLogger;
}

/** Bytes of an upload id: 48 random bits, so two uploads of one seq do not pick the same. */
const uploadIdBytes = 6;
/**
 * Random bytes for 512 upload ids, drawn at once because each `randomBytes` call cost about
 * 12 µs in a CPU profile of the ingestion benchmark.
 */
const uploadIdPool = Buffer.alloc(uploadIdBytes * 512);
let uploadIdOffset = uploadIdPool.length;

function nextUploadId(): string {
  if (uploadIdOffset >= uploadIdPool.length) {
    randomFillSync(uploadIdPool);
    uploadIdOffset = 0;
  }
  const id = uploadIdPool.toString('hex', uploadIdOffset, uploadIdOffset + uploadIdBytes);
  uploadIdOffset += uploadIdBytes;
  return id;
}

/**
 * Writes the chunk's bytes to the blob store under a new key, then its row and the replay's
 * updated facts in one transaction, and resolves once both are on disk. The blob is on disk
 * before the row commits, so that a row never names a missing blob. A blob without a row (a
 * crash in between) is deleted with its expiry day's prefix.
 */
export async function storeChunkUpload(
  context: ServerContext,
  project: ProjectRow,
  upload: ChunkUpload,
): Promise<ChunkRow> {
  const now = context.now();
  const { replayId, seq, body } = upload;
  const expiresOn =
    (await context.metadata.replays.findExpiry(project.id, replayId)) ??
    utcDayAfter(now, project.retention_days);

  const blobKey = chunkBlobKey({
    expiresOn,
    projectId: project.id,
    replayId,
    seq,
    uploadId: nextUploadId(),
  });
  await context.blobs.putNew(blobKey, body.stored);

  const facts = computeChunkFacts(body.events);
  const chunk: ChunkRow = {
    project_id: project.id,
    replay_id: replayId,
    seq,
    first_ts: facts.firstTimestamp,
    last_ts: facts.lastTimestamp,
    event_count: facts.eventCount,
    click_count: facts.clickCount,
    rage_click_count: facts.rageClickCount,
    error_count: facts.errorCount,
    active_ms: facts.activeMs,
    bytes: body.stored.length,
    decompressed_bytes: body.decompressedBytes,
    encoding: body.encoding,
    blob_key: blobKey,
    has_full_snapshot: facts.hasFullSnapshot ? 1 : 0,
    full_snapshot_ts: facts.fullSnapshotTimestamp,
    first_url: facts.firstUrl ?? upload.currentUrl,
    distinct_id: upload.distinctId,
    device_id: upload.deviceId,
    user_id: upload.userId,
    received_at: now,
  };

  let replaced: string | null;
  try {
    replaced = await context.metadata.replays.storeChunk(
      chunk,
      { expiresOn, ...upload.platform },
      upload.log,
    );
  } catch (error) {
    await context.blobs.delete(blobKey).catch(() => undefined);
    throw error;
  }

  if (replaced) {
    await context.blobs.delete(replaced).catch((error: unknown) => {
      upload.log.warn(
        { err: error, projectId: project.id, replayId, blobKey: replaced },
        'failed to delete a replaced chunk; retention will delete it',
      );
    });
  }
  return chunk;
}
