import { randomBytes } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import {
  describeIssues,
  recordQuerySchema,
  type RecordAcceptedBody,
  type RecordQuery,
} from '@reprise/protocol';
import type { ServerContext } from '../context.js';
import { badRequest } from '../errors.js';
import { chunkBlobKey } from '../store/blob/index.js';
import type { ChunkRow, ProjectRow } from '../store/metadata/index.js';
import { utcDayAfter } from '../util/days.js';
import { authenticateRecordRequest } from './auth.js';
import { computeChunkFacts } from './facts.js';
import { decodeRecordBody, type DecodedRecordBody } from './record-body.js';
import { parseUserAgent } from './user-agent.js';

/**
 * `POST /record/`: one batch of rrweb events of one replay. Idempotent on
 * `(project, replay_id, seq)`: the latest upload of a seq replaces the earlier one.
 */
export function registerRecordRoute(app: FastifyInstance, context: ServerContext): void {
  app.post('/record/', async (request, reply) => {
    const project = await authenticateRecordRequest(context, request);
    const raw = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
    const rawQuery = request.query as Record<string, unknown>;

    const body = await decodeRecordBody(raw, formatOf(rawQuery), context.settings);
    const query = parseQuery({ ...body.bodyParameters, ...rawQuery });
    const stored = await storeUpload(context, project, query, body, request);

    const response: RecordAcceptedBody = {
      status: 1,
      error: null,
      replay_id: query.replay_id as string,
      seq: stored.seq,
      events: stored.event_count,
    };
    return reply.code(200).send(response);
  });
}

function formatOf(query: Record<string, unknown>): 'gzip' | 'body' | undefined {
  const format = Array.isArray(query.format) ? query.format.at(-1) : query.format;
  if (format === undefined || format === 'gzip' || format === 'body') return format;
  throw badRequest('invalid_query', `format: must be gzip or body, got "${String(format)}"`, {
    field: 'format',
  });
}

function parseQuery(raw: Record<string, unknown>): RecordQuery {
  const result = recordQuerySchema.safeParse(raw);
  if (!result.success) {
    const field = result.error.issues[0]?.path.join('.');
    throw badRequest('invalid_query', `Invalid upload parameter: ${describeIssues(result.error)}`, {
      field,
    });
  }
  return result.data;
}

/**
 * Writes the chunk's bytes to the blob store, then its row and the replay's recomputed facts
 * in one transaction. The blob goes first so that a row never names a missing blob; a blob
 * without a row (a crash in between) is deleted with its expiry day's prefix.
 */
async function storeUpload(
  context: ServerContext,
  project: ProjectRow,
  query: RecordQuery,
  body: DecodedRecordBody,
  request: FastifyRequest,
): Promise<ChunkRow> {
  const now = context.now();
  const replayId = query.replay_id as string;
  const expiresOn =
    (await context.metadata.replays.findExpiry(project.id, replayId)) ??
    utcDayAfter(now, project.retention_days);

  const blobKey = chunkBlobKey({
    expiresOn,
    projectId: project.id,
    replayId,
    seq: query.seq as number,
    uploadId: randomBytes(6).toString('hex'),
  });
  await context.blobs.put(blobKey, body.stored);

  const facts = computeChunkFacts(body.events);
  const chunk: ChunkRow = {
    project_id: project.id,
    replay_id: replayId,
    seq: query.seq as number,
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
    first_url: facts.firstUrl ?? query.$current_url ?? query.replay_start_url ?? null,
    distinct_id: query.distinct_id ?? null,
    device_id: query.$device_id ?? null,
    user_id: query.$user_id ?? null,
    received_at: now,
  };

  let replaced: string | null;
  try {
    replaced = await context.metadata.replays.storeChunk(chunk, {
      expiresOn,
      ...parseUserAgent(request.headers['user-agent']),
    });
  } catch (error) {
    await context.blobs.delete(blobKey).catch(() => undefined);
    throw error;
  }

  if (replaced) {
    await context.blobs.delete(replaced).catch((error: unknown) => {
      request.log.warn(
        { err: error, projectId: project.id, replayId, blobKey: replaced },
        'failed to delete a replaced chunk; retention will delete it',
      );
    });
  }
  return chunk;
}
