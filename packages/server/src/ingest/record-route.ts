import type { FastifyInstance } from 'fastify';
import { recordQuerySchema, type RecordAcceptedBody, type RecordQuery } from '@reprise/protocol';
import type { ServerContext } from '../context.js';
import { badRequest, invalidInput } from '../errors.js';
import { isUnderDeletion } from '../lifecycle/ingest-drop.js';
import { authenticateRecordRequest } from './auth.js';
import { decodeRecordBody, timestampWindowAt } from './record-body.js';
import { storeChunkUpload } from './store-chunk.js';
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

    const body = await decodeRecordBody(raw, formatOf(rawQuery), {
      ...context.settings,
      timestampWindow: timestampWindowAt(context.now(), context.settings),
    });
    const query = parseQuery({ ...body.bodyParameters, ...rawQuery });
    const ids = [query.distinct_id, query.$device_id, query.$user_id];
    if (await isUnderDeletion(context, project.id, ids, request.log, 'chunks')) {
      // 200 with a JSON body, so the SDK moves on instead of sending the batch again.
      const dropped: RecordAcceptedBody = {
        status: 1,
        error: null,
        replay_id: query.replay_id as string,
        seq: query.seq as number,
        events: 0,
      };
      return reply.code(200).send(dropped);
    }
    const stored = await storeChunkUpload(context, project, {
      replayId: query.replay_id as string,
      seq: query.seq as number,
      distinctId: query.distinct_id ?? null,
      deviceId: query.$device_id ?? null,
      userId: query.$user_id ?? null,
      currentUrl: query.$current_url ?? query.replay_start_url ?? null,
      platform: parseUserAgent(request.headers['user-agent']),
      body,
      log: request.log,
    });

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
  const format = query.format;
  if (format === undefined || format === 'gzip' || format === 'body') return format;
  const shown = Array.isArray(format) ? `given ${format.length} times` : `got "${String(format)}"`;
  throw badRequest('invalid_query', `format: must be gzip or body, ${shown}`, {
    field: 'format',
  });
}

function parseQuery(raw: Record<string, unknown>): RecordQuery {
  const result = recordQuerySchema.safeParse(raw);
  if (!result.success) {
    throw invalidInput('invalid_query', 'Invalid upload parameter', result.error, {
      wholeInputField: 'query',
    });
  }
  return result.data;
}
