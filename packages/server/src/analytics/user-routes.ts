import type { FastifyInstance } from 'fastify';
import type { AnalyticsEventPage, ReplayPage, UserPage, UserProfile } from '@reprise/protocol';
import { z } from 'zod';
import { parseInput, searchTextSchema } from '../api/body.js';
import { decodeCursor, encodeCursor, toReplaySummary } from '../api/replay-view.js';
import type { ServerContext } from '../context.js';
import { badRequest, notFound } from '../errors.js';
import { readJsonObject } from '../store/metadata/json.js';
import { canonicalUserId, devicesOfUsers } from './identity.js';
import { projectOf } from './project.js';
import { countLinkedEvents, toAnalyticsEvent } from './replay-events.js';
import {
  countUserSessions,
  getUserRow,
  listUserEvents,
  listUserReplays,
  listUsers,
  summarizeUsers,
  type PageAfter,
} from './users.js';

const pageQuery = (defaultLimit: number) =>
  z.object({
    project: z.string().optional(),
    limit: z.coerce
      .number()
      .int('must be an integer')
      .min(1, 'must be at least 1')
      .max(100, 'must be at most 100')
      .default(defaultLimit),
    cursor: z.string().max(1000, 'must be at most 1000 characters').optional(),
  });

const listSchema = pageQuery(50).extend({
  q: searchTextSchema,
});

const userParams = z.object({
  id: z.string().min(1, 'must not be empty').max(255, 'must be at most 255 characters'),
});

function readCursor(cursor: string | undefined): PageAfter | undefined {
  if (cursor === undefined) return undefined;
  const after = decodeCursor(cursor);
  if (after === null) {
    throw badRequest('invalid_input', 'cursor is invalid: pass nextCursor from the previous page', {
      field: 'cursor',
    });
  }
  return after;
}

/** Returns the next cursor when the query found more rows than the page shows. */
function nextCursor<T>(rows: readonly T[], limit: number, position: (row: T) => PageAfter) {
  const last = rows[limit - 1];
  return rows.length > limit && last ? encodeCursor(position(last).value, position(last).id) : null;
}

/** Users, one user's profile, events and replays. `:id` is a canonical user id. */
export function registerUserRoutes(app: FastifyInstance, context: ServerContext): void {
  const db = () => context.metadata.connection.db;

  app.get('/api/users', async (request): Promise<UserPage> => {
    const project = await projectOf(context, request);
    const input = parseInput(listSchema, request.query, 'query');
    const rows = await listUsers(db(), project.id, {
      search: input.q,
      limit: input.limit + 1,
      after: readCursor(input.cursor),
    });
    const users = await summarizeUsers(db(), project.id, rows.slice(0, input.limit));
    const cursor = nextCursor(rows, input.limit, (row) => ({
      value: row.last_seen_ms,
      id: row.person_id,
    }));
    return { users, nextCursor: cursor };
  });

  app.get('/api/users/:id', async (request): Promise<UserProfile> => {
    const project = await projectOf(context, request);
    const { id } = parseInput(userParams, request.params, 'path');
    const personId = await canonicalUserId(db(), project.id, id);
    const row = await getUserRow(db(), project.id, personId);
    if (!row) throw notFound(`User ${id} not found: no event of this project belongs to them`);

    const [summary] = await summarizeUsers(db(), project.id, [row]);
    const devices = await devicesOfUsers(db(), project.id, [personId]);
    const profile = await context.metadata.analytics.getProfile(project.id, personId);
    return {
      ...summary!,
      properties: profile ? readJsonObject(profile.properties) : {},
      deviceIds: devices.map((device) => device.device_id),
      sessionCount: await countUserSessions(db(), project.id, personId),
    };
  });

  app.get('/api/users/:id/events', async (request): Promise<AnalyticsEventPage> => {
    const project = await projectOf(context, request);
    const { id } = parseInput(userParams, request.params, 'path');
    const input = parseInput(pageQuery(50), request.query, 'query');
    const personId = await canonicalUserId(db(), project.id, id);
    const rows = await listUserEvents(db(), project.id, personId, {
      limit: input.limit + 1,
      after: readCursor(input.cursor),
    });
    const cursor = nextCursor(rows, input.limit, (row) => ({
      value: Number(row.time_ms),
      id: row.insert_id,
    }));
    return { events: rows.slice(0, input.limit).map(toAnalyticsEvent), nextCursor: cursor };
  });

  app.get('/api/users/:id/replays', async (request): Promise<ReplayPage> => {
    const project = await projectOf(context, request);
    const { id } = parseInput(userParams, request.params, 'path');
    const input = parseInput(pageQuery(25), request.query, 'query');
    const personId = await canonicalUserId(db(), project.id, id);
    const rows = await listUserReplays(db(), project.id, personId, {
      limit: input.limit + 1,
      after: readCursor(input.cursor),
    });
    const page = rows.slice(0, input.limit);
    const counts = await countLinkedEvents(
      db(),
      project.id,
      page.map((row) => row.id),
    );
    const cursor = nextCursor(rows, input.limit, (row) => ({
      value: Number(row.started_at),
      id: row.id,
    }));
    return {
      replays: page.map((row) => toReplaySummary(row, counts.get(row.id) ?? 0)),
      nextCursor: cursor,
    };
  });
}
