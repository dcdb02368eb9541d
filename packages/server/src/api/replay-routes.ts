import { Readable } from 'node:stream';
import { gunzipSync } from 'node:zlib';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ChunkList, ReplayPage, ReplaySort } from '@reprise/protocol';
import { z } from 'zod';
import { countLinkedEvents } from '../analytics/replay-events.js';
import type { ServerContext } from '../context.js';
import { badRequest, notFound } from '../errors.js';
import type { ChunkRow } from '../store/metadata/index.js';
import { parseInput, searchTextSchema } from './body.js';
import { requirePrincipal, resolveProject } from './principal.js';
import { decodeCursor, encodeCursor, toChunkInfo, toReplaySummary } from './replay-view.js';

const time = z.coerce.number().int().nonnegative();

const listSchema = z
  .object({
    project: z.string().optional(),
    q: searchTextSchema,
    distinct_id: z.string().max(255).optional(),
    user_id: z.string().max(255).optional(),
    from: time.optional(),
    to: time.optional(),
    sort: z.enum(['recent', 'duration', 'activity']).default('recent'),
    limit: z.coerce.number().int().min(1).max(100, 'must be at most 100').default(25),
    cursor: z.string().max(1000).optional(),
  })
  .refine((query) => query.from === undefined || query.to === undefined || query.from <= query.to, {
    path: ['to'],
    message: 'must not be before from',
  });

const replayParams = z.object({ id: z.string().min(1).max(64) });
const chunkParams = replayParams.extend({
  seq: z
    .string()
    .regex(/^\d{1,10}$/, 'must be a whole number such as 0 or 12')
    .transform(Number),
});

const sortValue: Record<
  ReplaySort,
  (row: { started_at: number; duration_ms: number; active_ms: number }) => number
> = {
  recent: (row) => row.started_at,
  duration: (row) => row.duration_ms,
  activity: (row) => row.active_ms,
};

/** The replay query API: the feed, one replay's facts, its chunks and its events. */
export function registerReplayRoutes(app: FastifyInstance, context: ServerContext): void {
  app.get('/api/replays', async (request): Promise<ReplayPage> => {
    const principal = await requirePrincipal(context, request);
    const input = parseInput(listSchema, request.query, 'query');
    const project = await resolveProject(context, principal, input.project);
    const after = input.cursor === undefined ? undefined : decodeCursor(input.cursor);
    if (after === null) {
      throw badRequest(
        'invalid_input',
        'cursor is invalid: pass nextCursor from the previous page',
        {
          field: 'cursor',
        },
      );
    }

    const rows = await context.metadata.replays.listReplays({
      projectId: project.id,
      distinctId: input.distinct_id,
      userId: input.user_id,
      search: input.q,
      startedFrom: input.from,
      startedBefore: input.to,
      sort: input.sort,
      limit: input.limit + 1,
      after,
    });
    const page = rows.slice(0, input.limit);
    const last = page.at(-1);
    const nextCursor =
      rows.length > input.limit && last ? encodeCursor(sortValue[input.sort](last), last.id) : null;
    const counts = await countLinkedEvents(
      context.metadata.connection.db,
      project.id,
      page.map((row) => row.id),
    );
    const replays = page.map((row) => toReplaySummary(row, counts.get(row.id) ?? 0));
    return { replays, nextCursor };
  });

  app.get('/api/replays/:id', async (request) => {
    const project = await projectOf(context, request);
    const { id } = parseInput(replayParams, request.params, 'path');
    const replay = await context.metadata.replays.getReplay(project.id, id);
    if (!replay) throw notFound(`Replay ${id} not found`);
    const counts = await countLinkedEvents(context.metadata.connection.db, project.id, [id]);
    return toReplaySummary(replay, counts.get(id) ?? 0);
  });

  app.get('/api/replays/:id/chunks', async (request): Promise<ChunkList> => {
    const project = await projectOf(context, request);
    const { id } = parseInput(replayParams, request.params, 'path');
    const chunks = await chunksOf(context, project.id, id);
    return { replayId: id, chunks: chunks.map(toChunkInfo) };
  });

  app.get('/api/replays/:id/chunks/:seq', async (request, reply) => {
    const project = await projectOf(context, request);
    const { id, seq } = parseInput(chunkParams, request.params, 'path');
    const chunk = await context.metadata.replays.getChunk(project.id, id, seq);
    if (!chunk) throw notFound(`Chunk ${seq} of replay ${id} not found`);
    return sendChunk(context, request, reply, chunk);
  });

  app.get('/api/replays/:id/events', async (request, reply) => {
    const project = await projectOf(context, request);
    const { id } = parseInput(replayParams, request.params, 'path');
    const chunks = await chunksOf(context, project.id, id);
    reply.type('application/json; charset=utf-8');
    return reply.send(Readable.from(concatenateChunks(context, chunks)));
  });
}

async function projectOf(context: ServerContext, request: FastifyRequest) {
  const principal = await requirePrincipal(context, request);
  const project = (request.query as { project?: unknown }).project;
  return resolveProject(context, principal, typeof project === 'string' ? project : undefined);
}

async function chunksOf(context: ServerContext, projectId: string, id: string) {
  const chunks = await context.metadata.replays.listChunks(projectId, id);
  if (chunks.length === 0) throw notFound(`Replay ${id} not found`);
  return chunks;
}

async function readChunk(context: ServerContext, chunk: ChunkRow): Promise<Buffer> {
  const body = await context.blobs.get(chunk.blob_key);
  if (!body) {
    throw notFound(`Chunk ${chunk.seq} of replay ${chunk.replay_id} is missing from storage`);
  }
  return body;
}

/**
 * Sends a chunk as stored. A gzip chunk goes out with `Content-Encoding: gzip` to clients that
 * accept it, so the server does not inflate it; the blob key, unique per upload, is the ETag.
 */
async function sendChunk(
  context: ServerContext,
  request: FastifyRequest,
  reply: FastifyReply,
  chunk: ChunkRow,
) {
  const etag = `"${chunk.blob_key.split('/').at(-1)}"`;
  reply.header('ETag', etag);
  reply.header('Cache-Control', 'private, no-cache');
  reply.header('Vary', 'Accept-Encoding');
  if (request.headers['if-none-match'] === etag) return reply.code(304).send();

  const body = await readChunk(context, chunk);
  reply.type('application/json; charset=utf-8');
  if (chunk.encoding !== 'gzip') return reply.send(body);
  if (/\bgzip\b/.test(request.headers['accept-encoding'] ?? '')) {
    reply.header('Content-Encoding', 'gzip');
    return reply.send(body);
  }
  return reply.send(gunzipSync(body));
}

/**
 * Yields one JSON array of all events of the chunks, in seq order, by joining the stored
 * arrays' contents; each stored array was checked at ingestion.
 */
async function* concatenateChunks(context: ServerContext, chunks: ChunkRow[]) {
  yield '[';
  let first = true;
  for (const chunk of chunks) {
    const stored = await readChunk(context, chunk);
    const text = (chunk.encoding === 'gzip' ? gunzipSync(stored) : stored).toString('utf8').trim();
    const inner = text.slice(1, -1).trim();
    if (inner === '') continue;
    yield first ? inner : `,${inner}`;
    first = false;
  }
  yield ']';
}
