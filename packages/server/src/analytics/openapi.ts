import {
  maxBreakdownValues,
  maxBucketDays,
  maxConversionWindowDays,
  maxFunnelSteps,
  maxHourlyReportDays,
  maxReplayLinks,
  maxReportDays,
  maxReportEvents,
  sessionEndEvent,
  sessionStartEvent,
} from '@reprise/protocol';
import { maxSearchLength, searchDescription } from '../api/body.js';

/** OpenAPI paths of the analytics API, merged into the server's document. */

const errorResponse = {
  description: 'Error: what failed, on which value (`field`), the limit, and what to do',
  content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
};

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });

const json = (schema: object, description = 'OK') => ({
  description,
  content: { 'application/json': { schema } },
});

const projectParameter = {
  name: 'project',
  in: 'query',
  description: "Project id; defaults to the API secret's project or the member's first project",
  schema: { type: 'string' },
};

const userIdParameter = {
  name: 'id',
  in: 'path',
  required: true,
  description: 'Canonical user id; a device id or `$device:<id>` resolves to its user',
  schema: { type: 'string' },
};

const pageParameters = (defaultLimit: number) => [
  projectParameter,
  {
    name: 'limit',
    in: 'query',
    schema: { type: 'integer', minimum: 1, maximum: 100, default: defaultLimit },
  },
  {
    name: 'cursor',
    in: 'query',
    description: 'nextCursor of the previous page',
    schema: { type: 'string' },
  },
];

const body = (schema: object) => ({
  required: true,
  content: { 'application/json': { schema } },
});

const reportResponses = (schema: string) => ({
  200: json(ref(schema)),
  400: errorResponse,
  401: errorResponse,
  403: errorResponse,
});

const sessionNote =
  `\`${sessionStartEvent}\` and \`${sessionEndEvent}\` are derived events: the first and last ` +
  'event of each session of a user, where a gap of 30 minutes or more starts a new session. ' +
  'They have no properties.';

const dateRange = {
  from: { type: 'string', format: 'date', description: 'First local day, yyyy-mm-dd' },
  to: {
    type: 'string',
    format: 'date',
    description: `Last local day, included; at most ${maxReportDays} days (${maxHourlyReportDays} for unit hour)`,
  },
  timeZone: { type: 'string', default: 'UTC', description: 'IANA time zone name' },
};

const funnelStep = {
  type: 'object',
  required: ['event'],
  properties: {
    event: { type: 'string' },
    filter: {
      type: 'object',
      required: ['property', 'value'],
      properties: { property: { type: 'string' }, value: { type: 'string' } },
      description: 'Only events whose property, as text, equals value',
    },
  },
};

const funnelFields = {
  steps: { type: 'array', minItems: 2, maxItems: maxFunnelSteps, items: funnelStep },
  ...dateRange,
  window: {
    type: 'object',
    description: `Conversion window from the first step, at most ${maxConversionWindowDays} days`,
    properties: {
      value: { type: 'integer', minimum: 1 },
      unit: { enum: ['minute', 'hour', 'day'] },
    },
  },
};

export const analyticsPaths = {
  '/api/users': {
    get: {
      tags: ['users'],
      summary: 'Users by last seen, newest first',
      parameters: [
        ...pageParameters(50),
        {
          name: 'q',
          in: 'query',
          description:
            'Exact user, distinct or device id, or part of the name or email. ' + searchDescription,
          schema: { type: 'string', maxLength: maxSearchLength },
        },
      ],
      responses: { 200: json(ref('UserPage')), 400: errorResponse, 401: errorResponse },
    },
  },
  '/api/users/{id}': {
    get: {
      tags: ['users'],
      summary: "A user's profile: properties, counts, devices",
      parameters: [userIdParameter, projectParameter],
      responses: { 200: json(ref('UserProfile')), 404: errorResponse },
    },
  },
  '/api/users/{id}/events': {
    get: {
      tags: ['users'],
      summary: "A user's analytics events, newest first, before and after login",
      parameters: [userIdParameter, ...pageParameters(50)],
      responses: { 200: json(ref('AnalyticsEventPage')), 400: errorResponse },
    },
  },
  '/api/users/{id}/replays': {
    get: {
      tags: ['users'],
      summary: "A user's replays, newest first, before and after login",
      parameters: [userIdParameter, ...pageParameters(25)],
      responses: { 200: json(ref('ReplayPage')), 400: errorResponse },
    },
  },
  '/api/event-names': {
    get: {
      tags: ['reports'],
      summary: 'Event names seen in the project, then the derived session events',
      description: sessionNote,
      parameters: [projectParameter],
      responses: { 200: json(ref('EventNameList')) },
    },
  },
  '/api/reports/events': {
    post: {
      tags: ['reports'],
      summary: 'Events or unique users per hour, day or week, optionally broken down',
      description: sessionNote,
      parameters: [projectParameter],
      requestBody: body({
        type: 'object',
        required: ['events', 'from', 'to'],
        properties: {
          events: {
            type: 'array',
            minItems: 1,
            maxItems: maxReportEvents,
            items: { type: 'string' },
          },
          ...dateRange,
          unit: { enum: ['hour', 'day', 'week'], default: 'day' },
          measure: { enum: ['total', 'unique'], default: 'total' },
          breakdown: {
            type: 'object',
            required: ['property'],
            properties: {
              property: { type: 'string' },
              limit: { type: 'integer', minimum: 1, maximum: maxBreakdownValues, default: 5 },
            },
          },
        },
      }),
      responses: reportResponses('EventReport'),
    },
  },
  '/api/reports/events/replays': {
    post: {
      tags: ['reports'],
      summary: 'Replays in which an event fired within one bucket, opened 3 s before it',
      parameters: [projectParameter],
      requestBody: body({
        type: 'object',
        required: ['event', 'start', 'end'],
        properties: {
          event: { type: 'string' },
          start: { type: 'integer', description: 'Bucket start, Unix ms' },
          end: { type: 'integer', description: `Bucket end, at most ${maxBucketDays} days later` },
          series: {
            type: 'object',
            properties: {
              property: { type: 'string' },
              value: { type: ['string', 'null'] },
              otherThan: { type: 'array', items: { type: ['string', 'null'] } },
            },
          },
          limit: { type: 'integer', minimum: 1, maximum: maxReplayLinks, default: 50 },
        },
      }),
      responses: reportResponses('ReportReplayList'),
    },
  },
  '/api/reports/funnels': {
    post: {
      tags: ['reports'],
      summary: 'Users per funnel step, counted in order within a conversion window',
      description: sessionNote,
      parameters: [projectParameter],
      requestBody: body({
        type: 'object',
        required: ['steps', 'from', 'to'],
        properties: funnelFields,
      }),
      responses: reportResponses('FunnelReport'),
    },
  },
  '/api/reports/funnels/replays': {
    post: {
      tags: ['reports'],
      summary: 'Replays of users who converted at a step or dropped off after it',
      parameters: [projectParameter],
      requestBody: body({
        type: 'object',
        required: ['steps', 'from', 'to', 'step', 'outcome'],
        properties: {
          ...funnelFields,
          step: { type: 'integer', minimum: 0 },
          outcome: { enum: ['converted', 'dropped'] },
          limit: { type: 'integer', minimum: 1, maximum: maxReplayLinks, default: 50 },
        },
      }),
      responses: reportResponses('ReportReplayList'),
    },
  },
  '/api/replays/{id}/analytics-events': {
    get: {
      tags: ['replays'],
      summary: 'Analytics events linked to a replay by $mp_replay_id, oldest first',
      parameters: [
        { name: 'id', in: 'path', required: true, schema: { type: 'string' } },
        projectParameter,
      ],
      responses: { 200: json(ref('ReplayAnalyticsEvents')), 404: errorResponse },
    },
  },
};
