import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import {
  describeIssues,
  groupUpdateSchema,
  peopleUpdateSchema,
  trackedEventSchema,
  type PeopleUpdate,
} from '@reprise/protocol';
import type { z } from 'zod';
import type { ServerContext } from '../context.js';
import { badRequest, HttpError } from '../errors.js';
import { applyPeopleOperations, type EventRow } from '../store/metadata/index.js';
import { eventRow } from './event-row.js';
import { decodeAnalyticsPayload, isVerbose } from './analytics-body.js';
import { findProject } from './auth.js';

type Handler = (context: ServerContext, items: unknown[]) => Promise<void>;

/**
 * `/track/`, `/engage/` and `/groups/` in Mixpanel's wire format. Replies `1` or `0`, or with
 * `verbose=1` `{"status":1,"error":null}` and `{"status":0,"error":"…"}`, as mixpanel-browser
 * expects.
 */
export function registerAnalyticsRoutes(app: FastifyInstance, context: ServerContext): void {
  const routes: Array<[string, Handler]> = [
    ['/track/', storeEvents],
    ['/engage/', storePeopleUpdates],
    ['/groups/', storeGroupUpdates],
  ];
  for (const [path, handler] of routes) {
    const handle = (request: FastifyRequest, reply: FastifyReply) =>
      handleAnalytics(context, handler, request, reply);
    app.post(path, handle);
    app.get(path, handle);
  }
}

async function handleAnalytics(
  context: ServerContext,
  handler: Handler,
  request: FastifyRequest,
  reply: FastifyReply,
) {
  const body = Buffer.isBuffer(request.body) ? request.body : undefined;
  const query = request.query as Record<string, unknown>;
  const verbose = isVerbose(body, query);
  try {
    const items = decodeAnalyticsPayload(body, query, context.settings.maxEventsPerRequest);
    await handler(context, items);
  } catch (error) {
    if (!(error instanceof HttpError)) throw error;
    if (error.retryAfterSeconds !== undefined) {
      reply.header('Retry-After', String(error.retryAfterSeconds));
    }
    reply.code(error.status);
    if (verbose) return reply.send({ status: 0, error: error.message, code: error.code });
    return reply.type('text/plain; charset=utf-8').send('0');
  }
  if (verbose) return reply.send({ status: 1, error: null });
  return reply.type('text/plain; charset=utf-8').send('1');
}

function parseItems<T>(schema: z.ZodType<T>, items: unknown[], what: string): T[] {
  return items.map((item, index) => {
    const result = schema.safeParse(item);
    if (!result.success) {
      const prefix = items.length > 1 ? `${what} ${index}` : what;
      throw badRequest('invalid_data', `Invalid ${prefix}: ${describeIssues(result.error)}`, {
        field: 'data',
      });
    }
    return result.data;
  });
}

async function storeEvents(context: ServerContext, items: unknown[]): Promise<void> {
  const events = parseItems(trackedEventSchema, items, 'event');
  const now = context.now();
  const rows: EventRow[] = [];
  for (const event of events) {
    const project = await findProject(context, event.properties.token);
    rows.push(eventRow(project.id, event, now));
    const { $device_id: deviceId, $user_id: userId } = event.properties;
    if (typeof deviceId === 'string' && typeof userId === 'string' && userId !== '') {
      await context.metadata.analytics.recordIdentity(project.id, deviceId, userId, now);
    }
  }
  await context.metadata.analytics.insertEvents(rows);
}

async function storePeopleUpdates(context: ServerContext, items: unknown[]): Promise<void> {
  const updates = parseItems(peopleUpdateSchema, items, 'profile update');
  const now = context.now();
  const byProject = new Map<string, PeopleUpdate[]>();
  for (const update of updates) {
    const project = await findProject(context, update.$token);
    byProject.set(project.id, [...(byProject.get(project.id) ?? []), update]);
    if (update.$device_id && update.$user_id) {
      await context.metadata.analytics.recordIdentity(
        project.id,
        update.$device_id,
        update.$user_id,
        now,
      );
    }
  }
  for (const [projectId, projectUpdates] of byProject) {
    await context.metadata.analytics.applyPeopleUpdates(projectId, projectUpdates, now);
  }
}

async function storeGroupUpdates(context: ServerContext, items: unknown[]): Promise<void> {
  const updates = parseItems(groupUpdateSchema, items, 'group update');
  const now = context.now();
  for (const update of updates) {
    const project = await findProject(context, update.$token);
    await context.metadata.analytics.setGroupProperties(
      project.id,
      update.$group_key,
      update.$group_id,
      (properties) => applyPeopleOperations(properties, update),
      now,
    );
  }
}
