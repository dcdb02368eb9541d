import type { FastifyBaseLogger, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import {
  describeIssues,
  eventTimeMs,
  groupUpdateSchema,
  isNestedDeeperThan,
  maxAnalyticsDepth,
  peopleUpdateSchema,
  trackedEventSchema,
  type PeopleUpdate,
} from '@reprise/protocol';
import type { z } from 'zod';
import type { ServerContext } from '../context.js';
import { badRequest, HttpError, unauthorized } from '../errors.js';
import { keepItemsNotUnderDeletion } from '../lifecycle/ingest-drop.js';
import { applyPeopleOperations, type EventRow, type ProjectRow } from '../store/metadata/index.js';
import { eventRow } from './event-row.js';
import { decodeAnalyticsPayload, isVerbose } from './analytics-body.js';
import { timestampWindowAt } from './record-body.js';

type Handler = (context: ServerContext, items: unknown[], log: FastifyBaseLogger) => Promise<void>;

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
    await handler(context, items, request.log);
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

/** Items of one request that passed validation, with their project, and what was wrong with the rest. */
interface CheckedItems<T> {
  valid: Array<{ item: T; project: ProjectRow }>;
  problems: string[];
  /** Whether every rejected item was rejected for its token alone. */
  onlyTokenProblems: boolean;
}

/**
 * Validates each item and resolves its project token. Invalid items are reported, not fatal:
 * SDKs drop a whole batch on a 4xx, so the valid items are stored before the error goes out.
 */
async function checkItems<T>(
  context: ServerContext,
  schema: z.ZodType<T>,
  items: unknown[],
  what: string,
  tokenOf: (item: T) => string,
  problemOf: (item: T) => string | null = () => null,
): Promise<CheckedItems<T>> {
  const checked: CheckedItems<T> = { valid: [], problems: [], onlyTokenProblems: true };
  for (const [index, item] of items.entries()) {
    const label = items.length > 1 ? `${what} ${index}` : what;
    if (isNestedDeeperThan(item, maxAnalyticsDepth)) {
      checked.problems.push(`${label}: nested deeper than ${maxAnalyticsDepth} levels`);
      checked.onlyTokenProblems = false;
      continue;
    }
    const result = schema.safeParse(item);
    if (!result.success) {
      checked.problems.push(`${label}: ${describeIssues(result.error)}`);
      checked.onlyTokenProblems = false;
      continue;
    }
    const problem = problemOf(result.data);
    if (problem !== null) {
      checked.problems.push(`${label}: ${problem}`);
      checked.onlyTokenProblems = false;
      continue;
    }
    const project = await context.projects.find(tokenOf(result.data));
    if (!project) {
      checked.problems.push(`${label}: unknown project token`);
      continue;
    }
    checked.valid.push({ item: result.data, project });
  }
  return checked;
}

/**
 * Describes an event time outside the window that `/record/` also applies, or returns null.
 * An event without a time is stamped on arrival.
 */
function timeProblem(time: number | undefined, context: ServerContext): string | null {
  if (time === undefined) return null;
  const now = context.now();
  const window = timestampWindowAt(now, context.settings);
  const timeMs = eventTimeMs(time, now);
  if (timeMs < window.earliestMs) {
    return `time is more than ${window.maxAgeDays} days old (REPRISE_MAX_EVENT_AGE_DAYS)`;
  }
  if (timeMs > window.latestMs) {
    return `time is more than ${window.maxAheadMinutes} minutes ahead of the server clock (REPRISE_MAX_CLOCK_AHEAD_MINUTES)`;
  }
  return null;
}

/** Raises for the rejected items of a request, after the valid ones were stored. */
function reportProblems<T>(checked: CheckedItems<T>, total: number, what: string): void {
  if (checked.problems.length === 0) return;
  const stored = checked.valid.length;
  const summary =
    stored === 0
      ? `No ${what} was stored`
      : `${checked.problems.length} of ${total} ${what}s were not stored (the other ${stored} were)`;
  const detail = checked.problems.slice(0, 3).join('; ');
  const more = checked.problems.length > 3 ? `; and ${checked.problems.length - 3} more` : '';
  if (stored === 0 && checked.onlyTokenProblems) {
    throw unauthorized("Unknown project token: copy the token from Reprise's project settings");
  }
  throw badRequest('invalid_data', `${summary}. ${detail}${more}`, { field: 'data' });
}

async function storeEvents(
  context: ServerContext,
  items: unknown[],
  log: FastifyBaseLogger,
): Promise<void> {
  const checked = await checkItems(
    context,
    trackedEventSchema,
    items,
    'event',
    (event) => event.properties.token,
    (event) => timeProblem(event.properties.time, context),
  );
  const storable = await keepItemsNotUnderDeletion(
    context,
    checked.valid,
    (event) => [
      event.properties.distinct_id,
      event.properties.$device_id,
      event.properties.$user_id,
    ],
    log,
    'events',
  );
  const now = context.now();
  const rows: EventRow[] = storable.map(({ item, project }) => eventRow(project.id, item, now));
  await context.metadata.analytics.insertEvents(rows);
  for (const { item, project } of storable) {
    const { $device_id: deviceId, $user_id: userId } = item.properties;
    if (
      typeof deviceId === 'string' &&
      deviceId !== '' &&
      typeof userId === 'string' &&
      userId !== ''
    ) {
      await context.metadata.analytics.recordIdentity(project.id, deviceId, userId, now);
    }
  }
  reportProblems(checked, items.length, 'event');
}

async function storePeopleUpdates(
  context: ServerContext,
  items: unknown[],
  log: FastifyBaseLogger,
): Promise<void> {
  const checked = await checkItems(
    context,
    peopleUpdateSchema,
    items,
    'profile update',
    (update) => update.$token,
  );
  const storable = await keepItemsNotUnderDeletion(
    context,
    checked.valid,
    (update) => [update.$distinct_id, update.$device_id, update.$user_id],
    log,
    'profileUpdates',
  );
  const now = context.now();
  const byProject = new Map<string, PeopleUpdate[]>();
  for (const { item, project } of storable) {
    byProject.set(project.id, [...(byProject.get(project.id) ?? []), item]);
  }
  for (const [projectId, updates] of byProject) {
    await context.metadata.analytics.applyPeopleUpdates(projectId, updates, now);
  }
  for (const { item, project } of storable) {
    if (item.$device_id && item.$user_id) {
      await context.metadata.analytics.recordIdentity(
        project.id,
        item.$device_id,
        item.$user_id,
        now,
      );
    }
  }
  reportProblems(checked, items.length, 'profile update');
}

async function storeGroupUpdates(context: ServerContext, items: unknown[]): Promise<void> {
  const checked = await checkItems(
    context,
    groupUpdateSchema,
    items,
    'group update',
    (update) => update.$token,
  );
  const now = context.now();
  for (const { item, project } of checked.valid) {
    await context.metadata.analytics.setGroupProperties(
      project.id,
      item.$group_key,
      item.$group_id,
      (properties) => applyPeopleOperations(properties, item),
      now,
    );
  }
  reportProblems(checked, items.length, 'group update');
}
