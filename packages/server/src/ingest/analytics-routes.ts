import type { FastifyBaseLogger, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import {
  describeIssues,
  eventTimeMs,
  groupUpdateFields,
  groupUpdateSchema,
  isNestedDeeperThan,
  maxAnalyticsDepth,
  peopleOperations,
  peopleUpdateFields,
  peopleUpdateSchema,
  trackedEventSchema,
  type PeopleUpdate,
  type TrackedEvent,
} from '@reprise/protocol';
import type { z } from 'zod';
import type { ServerContext } from '../context.js';
import { badRequest, describeFirstIssue, HttpError, unauthorized } from '../errors.js';
import { keepItemsNotUnderDeletion } from '../lifecycle/ingest-drop.js';
import { applyPeopleOperations, type EventRow, type ProjectRow } from '../store/metadata/index.js';
import { errorBodyOf } from '../http/error-handler.js';
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
    if (verbose) return reply.send(errorBodyOf(error));
    return reply.type('text/plain; charset=utf-8').send('0');
  }
  if (verbose) return reply.send({ status: 1, error: null });
  return reply.type('text/plain; charset=utf-8').send('1');
}

/**
 * One problem of an item: its message, the path inside the item (`field`) and the bound it
 * broke (`limit`) when the rule has one.
 */
interface ItemProblem {
  message: string;
  field: string;
  limit?: number;
}

/** Items of one request that passed validation, with their project, and what was wrong with the rest. */
interface CheckedItems<T> {
  valid: Array<{ item: T; project: ProjectRow }>;
  problems: ItemProblem[];
  /** Fields of valid items that are not applied, with their item. */
  ignored: Array<{ item: T; problem: ItemProblem }>;
  /** Whether every rejected item was rejected for its token alone. */
  onlyTokenProblems: boolean;
}

/** Validation rules of one route's items, for `checkItems`. */
interface ItemRules<T> {
  schema: z.ZodType<T>;
  /** Name of one item in messages, such as `event`. */
  itemName: string;
  /** Path of the project token inside an item. */
  tokenField: string;
  tokenOf: (item: T) => string;
  /** Returns why an item that matches the schema must still be rejected, or null. */
  problemOf?: (item: T) => ItemProblem | null;
  /** Returns what of a stored item was not applied, or null when all of it was. */
  ignoredOf?: (item: T) => ItemProblem | null;
}

/**
 * Validates each item and resolves its project token. Invalid items are reported, not fatal:
 * SDKs drop a whole batch on a 4xx, so the valid items are stored before the error goes out.
 */
async function checkItems<T>(
  context: ServerContext,
  rules: ItemRules<T>,
  items: unknown[],
): Promise<CheckedItems<T>> {
  const checked: CheckedItems<T> = {
    valid: [],
    problems: [],
    ignored: [],
    onlyTokenProblems: true,
  };
  for (const [index, item] of items.entries()) {
    const label = items.length > 1 ? `${rules.itemName} ${index}` : rules.itemName;
    const labelled = (problem: ItemProblem) => ({
      ...problem,
      message: `${label}: ${problem.message}`,
    });
    const reject = (problem: ItemProblem) => {
      checked.problems.push(labelled(problem));
      checked.onlyTokenProblems = false;
    };
    if (isNestedDeeperThan(item, maxAnalyticsDepth)) {
      reject({
        message: `nested deeper than ${maxAnalyticsDepth} levels`,
        field: 'data',
        limit: maxAnalyticsDepth,
      });
      continue;
    }
    const result = rules.schema.safeParse(item);
    if (!result.success) {
      reject({
        message: describeIssues(result.error),
        ...describeFirstIssue(result.error, 'data'),
      });
      continue;
    }
    const problem = rules.problemOf?.(result.data) ?? null;
    if (problem !== null) {
      reject(problem);
      continue;
    }
    const project = await context.projects.find(rules.tokenOf(result.data));
    if (!project) {
      checked.problems.push(
        labelled({ message: 'unknown project token', field: rules.tokenField }),
      );
      continue;
    }
    checked.valid.push({ item: result.data, project });
    const ignored = rules.ignoredOf?.(result.data) ?? null;
    if (ignored !== null) checked.ignored.push({ item: result.data, problem: labelled(ignored) });
  }
  return checked;
}

/**
 * Describes an event time outside the window that `/record/` also applies, or returns null.
 * An event without a time is stamped on arrival.
 */
function timeProblem(time: number | undefined, context: ServerContext): ItemProblem | null {
  if (time === undefined) return null;
  const now = context.now();
  const window = timestampWindowAt(now, context.settings);
  const timeMs = eventTimeMs(time, now);
  const field = 'properties.time';
  if (timeMs < window.earliestMs) {
    return {
      message: `time is more than ${window.maxAgeDays} days old (REPRISE_MAX_EVENT_AGE_DAYS)`,
      field,
      limit: window.maxAgeDays,
    };
  }
  if (timeMs > window.latestMs) {
    return {
      message: `time is more than ${window.maxAheadMinutes} minutes ahead of the server clock (REPRISE_MAX_CLOCK_AHEAD_MINUTES)`,
      field,
      limit: window.maxAheadMinutes,
    };
  }
  return null;
}

const operationNames: ReadonlySet<string> = new Set(peopleOperations);
const operationList = `${peopleOperations.slice(0, -1).join(', ')} or ${peopleOperations.at(-1)}`;

/**
 * Checks the fields of a profile or group update against its known fields and operations.
 * Returns the unknown fields and whether the update has at least one known operation.
 */
function readOperations(update: object, knownFields: ReadonlySet<string>) {
  const names = Object.keys(update);
  const unknown = names.filter((name) => !knownFields.has(name) && !operationNames.has(name));
  const hasOperation = names.some((name) => operationNames.has(name));
  return { unknown, hasOperation };
}

/**
 * Rejects an update without a known operation, naming its first unknown field: applying the
 * rest of it would change nothing, and the sender most likely misspelled the operation.
 */
function missingOperationProblem(knownFields: ReadonlySet<string>) {
  return (update: object): ItemProblem | null => {
    const { unknown, hasOperation } = readOperations(update, knownFields);
    if (hasOperation) return null;
    if (unknown.length === 0) {
      return { message: `has no operation; send one of ${operationList}`, field: 'data' };
    }
    return {
      message: `${unknown.join(', ')}: unknown operation; send one of ${operationList}`,
      field: unknown[0]!,
    };
  };
}

/** Names the unknown fields of an update whose known operations were applied. */
function unknownFieldsNote(knownFields: ReadonlySet<string>) {
  return (update: object): ItemProblem | null => {
    const { unknown } = readOperations(update, knownFields);
    if (unknown.length === 0) return null;
    return {
      message:
        `${unknown.join(', ')}: unknown operation, not applied; the other operations of this ` +
        `update were applied, so do not send them again. Known operations: ${operationList}`,
      field: unknown[0]!,
    };
  };
}

/**
 * Builds the rules of profile or group updates: `fields` are the update's fields besides its
 * operations, and any other field is an unknown operation.
 */
function updateRules<T extends { $token: string }>(
  schema: z.ZodType<T>,
  itemName: string,
  fields: readonly string[],
): ItemRules<T> {
  const knownFields: ReadonlySet<string> = new Set(fields);
  return {
    schema,
    itemName,
    tokenField: '$token',
    tokenOf: (update) => update.$token,
    problemOf: missingOperationProblem(knownFields),
    ignoredOf: unknownFieldsNote(knownFields),
  };
}

/**
 * Raises for the rejected items of a request and the fields that were not applied, after the
 * valid items were stored. Notes on items dropped for a deletion request are left out, because
 * nothing of those was applied. The error's field and limit are those of the first problem.
 */
function reportProblems<T>(
  checked: CheckedItems<T>,
  total: number,
  what: string,
  storedItems?: ReadonlySet<T>,
): void {
  const rejected = checked.problems.length;
  const notes = checked.ignored
    .filter(({ item }) => storedItems === undefined || storedItems.has(item))
    .map(({ problem }) => problem);
  const ignored = notes.length;
  if (rejected === 0 && ignored === 0) return;
  const stored = checked.valid.length;
  if (stored === 0 && checked.onlyTokenProblems) {
    throw unauthorized("Unknown project token: copy the token from Reprise's project settings");
  }
  const summaries: string[] = [];
  if (rejected > 0) {
    summaries.push(
      stored === 0
        ? `No ${what} was stored`
        : `${rejected} of ${total} ${what}s were not stored (the other ${stored} were)`,
    );
  }
  if (ignored > 0) {
    summaries.push(
      `${ignored} stored ${what}${ignored === 1 ? '' : 's'} had fields that were not applied`,
    );
  }
  const all = [...checked.problems, ...notes];
  const detail = all
    .slice(0, 3)
    .map((problem) => problem.message)
    .join('; ');
  const more = all.length > 3 ? `; and ${all.length - 3} more` : '';
  const first = all[0]!;
  throw badRequest('invalid_data', `${summaries.join('. ')}. ${detail}${more}`, {
    field: first.field,
    limit: first.limit,
  });
}

async function storeEvents(
  context: ServerContext,
  items: unknown[],
  log: FastifyBaseLogger,
): Promise<void> {
  const rules: ItemRules<TrackedEvent> = {
    schema: trackedEventSchema,
    itemName: 'event',
    tokenField: 'properties.token',
    tokenOf: (event) => event.properties.token,
    problemOf: (event) => timeProblem(event.properties.time, context),
  };
  const checked = await checkItems(context, rules, items);
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
  const rules = updateRules(peopleUpdateSchema, 'profile update', peopleUpdateFields);
  const checked = await checkItems(context, rules, items);
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
  const storedItems = new Set(storable.map(({ item }) => item));
  reportProblems(checked, items.length, 'profile update', storedItems);
}

async function storeGroupUpdates(context: ServerContext, items: unknown[]): Promise<void> {
  const rules = updateRules(groupUpdateSchema, 'group update', groupUpdateFields);
  const checked = await checkItems(context, rules, items);
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
