/**
 * OpenAPI 3.1 description of every route, served at `/api/openapi.json`. Update it in the
 * same change as the route.
 */
import { analyticsPaths } from '../analytics/openapi.js';
import { analyticsSchemas } from '../analytics/openapi-schemas.js';
import { lifecyclePaths, lifecycleSchemas } from '../lifecycle/openapi.js';
import { maxSearchLength, searchDescription } from './body.js';

const errorResponse = {
  description: 'Error: what failed, on which value, and what to do',
  content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
};

const json = (schema: object, description = 'OK') => ({
  description,
  content: { 'application/json': { schema } },
});

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });

const projectParameter = {
  name: 'project',
  in: 'query',
  description: "Project id; defaults to the API secret's project or the member's first project",
  schema: { type: 'string' },
};

const replayIdParameter = { name: 'id', in: 'path', required: true, schema: { type: 'string' } };

const recordQueryParameters = [
  ['replay_id', 'string', 'Replay id (UUID)', true],
  ['seq', 'integer', 'Chunk number, from 0', true],
  ['format', 'string', '`gzip` (body is gzip) or `body` (plain JSON)', false],
  ['distinct_id', 'string', 'Analytics identity when the batch was sent', false],
  ['$device_id', 'string', 'Device id', false],
  ['$user_id', 'string', 'User id, after identify', false],
  ['batch_start_time', 'number', 'First event time, Unix seconds', false],
  ['replay_start_time', 'number', 'Replay start, Unix seconds', false],
  ['replay_length_ms', 'number', 'Replay length so far, milliseconds', false],
  ['replay_start_url', 'string', 'URL where the replay started', false],
  ['$current_url', 'string', 'URL when the batch started', false],
  ['mp_lib', 'string', 'SDK name', false],
  ['$lib_version', 'string', 'SDK version', false],
  ['token', 'string', 'Reprise SDK only: project token, in place of Authorization', false],
  ['sent_at', 'number', 'Reprise SDK only: device time at send, Unix milliseconds', false],
].map(([name, type, description, required]) => ({
  name,
  in: 'query',
  required,
  description,
  schema: { type },
}));

const verboseParameter = {
  name: 'verbose',
  in: 'query',
  schema: { type: 'string', enum: ['1'] },
};

const ipParameter = {
  name: 'ip',
  in: 'query',
  description:
    'Accepted and ignored: Reprise has no geolocation and stores nothing derived from the ' +
    "request's address",
  schema: { type: 'string', enum: ['0', '1'] },
};

const analyticsResponses = {
  200: {
    description: 'Stored',
    content: {
      'application/json': { schema: ref('VerboseResult') },
      'text/plain': { schema: { type: 'string', enum: ['1'] } },
    },
  },
  400: errorResponse,
  401: errorResponse,
  413: errorResponse,
};

const analyticsRoute = (summary: string, item: string) => ({
  post: {
    tags: ['ingestion'],
    summary,
    description:
      'Form body `data=<base64 of JSON, or JSON>` (also as text/plain from sendBeacon), one ' +
      `${item} or an array. With \`verbose=1\` the reply is JSON, otherwise \`1\` or \`0\`.`,
    parameters: [verboseParameter, ipParameter],
    requestBody: {
      content: {
        'application/x-www-form-urlencoded': {
          schema: { type: 'object', properties: { data: { type: 'string' } } },
        },
        'text/plain': { schema: { type: 'string' } },
        'application/json': { schema: {} },
      },
    },
    responses: analyticsResponses,
  },
  get: {
    tags: ['ingestion'],
    summary,
    description: `The same as POST, with \`data\` (one ${item} or an array) in the query.`,
    parameters: [
      verboseParameter,
      ipParameter,
      {
        name: 'data',
        in: 'query',
        required: true,
        description: 'base64 of JSON, or JSON',
        schema: { type: 'string' },
      },
    ],
    responses: analyticsResponses,
  },
});

export const openApiDocument = {
  openapi: '3.1.0',
  info: {
    title: 'Reprise',
    version: '0.1.0',
    description:
      'Ingestion routes speak the Mixpanel browser wire protocol and take the public project ' +
      'token. Routes under /api/ need a login cookie or `Authorization: Bearer <API secret>`.',
  },
  paths: {
    '/record/': {
      post: {
        tags: ['ingestion'],
        summary: 'Store one batch (chunk) of a replay',
        description:
          'Body: a JSON array of rrweb events, gzip when `format=gzip`. Any content type is ' +
          'read. Idempotent on (project, replay_id, seq): the latest upload wins. Auth: ' +
          '`Authorization: Basic base64("<project token>:")`, or the `token` query parameter ' +
          "(Reprise's SDK), which spares the browser a CORS preflight.",
        security: [{ projectToken: [] }],
        parameters: recordQueryParameters,
        requestBody: {
          required: true,
          content: { 'application/octet-stream': { schema: { type: 'string', format: 'binary' } } },
        },
        responses: {
          200: json(ref('RecordAccepted'), 'Stored'),
          400: errorResponse,
          401: errorResponse,
          403: errorResponse,
          413: errorResponse,
        },
      },
    },
    '/track/': analyticsRoute('Store analytics events', 'event'),
    '/engage/': analyticsRoute('Update user profiles', 'profile update'),
    '/groups/': analyticsRoute('Update group profiles', 'group update'),
    '/settings/': {
      get: {
        tags: ['ingestion'],
        summary: "The project's SDK settings",
        description:
          'Remote settings of mixpanel-browser (`remote_settings_mode`): replies ' +
          '`{"sdk_config":{"config":{...}}}` with the SDK settings saved in Reprise. The token ' +
          'comes from `Authorization: Basic base64("<project token>:")` or the `token` query ' +
          'parameter; `sdk_config`, `mp_lib` and `$lib_version` are accepted and ignored.',
        security: [{ projectToken: [] }],
        parameters: [{ name: 'token', in: 'query', schema: { type: 'string' } }],
        responses: { 200: json({ type: 'object' }), 401: errorResponse },
      },
    },
    '/api/openapi.json': {
      get: {
        summary: 'This OpenAPI document',
        responses: { 200: json({ type: 'object' }) },
      },
    },
    '/healthz': {
      get: { summary: 'Liveness and database check', responses: { 200: json({ type: 'object' }) } },
    },
    '/api/auth/login': {
      post: {
        tags: ['auth'],
        summary: 'Log in; sets the session cookie',
        requestBody: {
          content: {
            'application/json': {
              schema: {
                type: 'object',
                required: ['email', 'password'],
                properties: { email: { type: 'string' }, password: { type: 'string' } },
              },
            },
          },
        },
        responses: { 200: json(ref('Session')), 401: errorResponse, 429: errorResponse },
      },
    },
    '/api/auth/logout': {
      post: { tags: ['auth'], summary: 'Log out', responses: { 204: { description: 'Done' } } },
    },
    '/api/auth/session': {
      get: {
        tags: ['auth'],
        summary: 'The logged-in member',
        responses: { 200: json(ref('Session')), 401: errorResponse },
      },
    },
    '/api/invites/{token}': {
      get: {
        tags: ['auth'],
        summary: 'Email of an open invite',
        parameters: [{ name: 'token', in: 'path', required: true, schema: { type: 'string' } }],
        responses: {
          200: json({ type: 'object', properties: { email: { type: 'string' } } }),
          404: errorResponse,
        },
      },
    },
    '/api/invites/{token}/accept': {
      post: {
        tags: ['auth'],
        summary: 'Choose a password and join; sets the session cookie',
        parameters: [{ name: 'token', in: 'path', required: true, schema: { type: 'string' } }],
        requestBody: {
          content: {
            'application/json': {
              schema: {
                type: 'object',
                required: ['password'],
                properties: { password: { type: 'string', minLength: 10 } },
              },
            },
          },
        },
        responses: {
          200: json(ref('Session')),
          400: errorResponse,
          404: errorResponse,
          409: errorResponse,
        },
      },
    },
    '/api/members': {
      get: {
        tags: ['team'],
        summary: 'Members (admins only)',
        responses: { 200: json({ type: 'array', items: ref('Member') }), 403: errorResponse },
      },
      post: {
        tags: ['team'],
        summary: 'Add a member with a password, or create an invite link when no password is given',
        requestBody: {
          content: {
            'application/json': {
              schema: {
                type: 'object',
                required: ['email'],
                properties: {
                  email: { type: 'string' },
                  role: { type: 'string', enum: ['admin', 'member'] },
                  password: { type: 'string', minLength: 10 },
                },
              },
            },
          },
        },
        responses: {
          201: json({ oneOf: [ref('Member'), ref('Invite')] }, 'Created'),
          400: errorResponse,
          403: errorResponse,
          409: errorResponse,
        },
      },
    },
    '/api/members/{id}': {
      delete: {
        tags: ['team'],
        summary: 'Remove a member',
        parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string' } }],
        responses: { 204: { description: 'Removed' }, 403: errorResponse, 404: errorResponse },
      },
    },
    '/api/replays': {
      get: {
        tags: ['replays'],
        summary: 'Replay feed',
        parameters: [
          projectParameter,
          {
            name: 'q',
            in: 'query',
            description:
              "Exact distinct, user, device or replay id, or part of the user's name or email. " +
              searchDescription,
            schema: { type: 'string', maxLength: maxSearchLength },
          },
          {
            name: 'distinct_id',
            in: 'query',
            description: 'Distinct, user or device id, exact',
            schema: { type: 'string' },
          },
          { name: 'user_id', in: 'query', schema: { type: 'string' } },
          {
            name: 'from',
            in: 'query',
            description: 'Started at or after, Unix ms',
            schema: { type: 'integer' },
          },
          {
            name: 'to',
            in: 'query',
            description: 'Started before, Unix ms',
            schema: { type: 'integer' },
          },
          {
            name: 'sort',
            in: 'query',
            schema: { type: 'string', enum: ['recent', 'duration', 'activity'], default: 'recent' },
          },
          {
            name: 'limit',
            in: 'query',
            schema: { type: 'integer', minimum: 1, maximum: 100, default: 25 },
          },
          {
            name: 'cursor',
            in: 'query',
            description: 'nextCursor of the previous page',
            schema: { type: 'string' },
          },
        ],
        responses: { 200: json(ref('ReplayPage')), 400: errorResponse, 401: errorResponse },
      },
    },
    '/api/replays/{id}': {
      get: {
        tags: ['replays'],
        summary: "A replay's facts",
        parameters: [replayIdParameter, projectParameter],
        responses: { 200: json(ref('Replay')), 404: errorResponse },
      },
    },
    '/api/replays/{id}/chunks': {
      get: {
        tags: ['replays'],
        summary: "A replay's chunks, in seq order",
        parameters: [replayIdParameter, projectParameter],
        responses: { 200: json(ref('ChunkList')), 404: errorResponse },
      },
    },
    '/api/replays/{id}/chunks/{seq}': {
      get: {
        tags: ['replays'],
        summary: 'One chunk as stored: a JSON array of rrweb events (gzip-encoded when stored so)',
        parameters: [
          replayIdParameter,
          { name: 'seq', in: 'path', required: true, schema: { type: 'integer' } },
          projectParameter,
        ],
        responses: {
          200: json({ type: 'array', items: { type: 'object' } }),
          304: { description: 'Not modified' },
          404: errorResponse,
        },
      },
    },
    '/api/replays/{id}/events': {
      get: {
        tags: ['replays'],
        summary: 'All rrweb events of a replay, chunks in seq order, one JSON array',
        parameters: [replayIdParameter, projectParameter],
        responses: { 200: json({ type: 'array', items: { type: 'object' } }), 404: errorResponse },
      },
    },
    ...analyticsPaths,
    ...lifecyclePaths,
  },
  components: {
    securitySchemes: {
      projectToken: {
        type: 'http',
        scheme: 'basic',
        description: 'Username: project token; empty password',
      },
      apiSecret: { type: 'http', scheme: 'bearer' },
      sessionCookie: { type: 'apiKey', in: 'cookie', name: 'reprise_session' },
    },
    schemas: {
      Error: {
        type: 'object',
        required: ['status', 'error', 'code'],
        properties: {
          status: { const: 0 },
          error: { type: 'string' },
          code: { type: 'string' },
          field: { type: 'string' },
          limit: { type: 'number' },
        },
      },
      VerboseResult: {
        type: 'object',
        properties: { status: { enum: [0, 1] }, error: { type: ['string', 'null'] } },
      },
      RecordAccepted: {
        type: 'object',
        properties: {
          status: { const: 1 },
          error: { type: 'null' },
          replay_id: { type: 'string' },
          seq: { type: 'integer' },
          events: { type: 'integer' },
        },
      },
      Member: {
        type: 'object',
        properties: {
          id: { type: 'string' },
          email: { type: 'string' },
          role: { enum: ['admin', 'member'] },
          createdAt: { type: 'integer' },
        },
      },
      Project: {
        type: 'object',
        properties: {
          id: { type: 'string' },
          name: { type: 'string' },
          token: { type: 'string' },
          retentionDays: { type: 'integer' },
        },
      },
      Session: {
        type: 'object',
        properties: { member: ref('Member'), projects: { type: 'array', items: ref('Project') } },
      },
      Invite: {
        type: 'object',
        properties: {
          url: { type: 'string' },
          email: { type: 'string' },
          expiresAt: { type: 'integer' },
        },
      },
      Replay: {
        type: 'object',
        description: 'Times in Unix ms; durations in ms; eventCount counts rrweb events',
        properties: Object.fromEntries(
          [
            ['id', 'string'],
            ['projectId', 'string'],
            ['distinctId', ['string', 'null']],
            ['deviceId', ['string', 'null']],
            ['userId', ['string', 'null']],
            ['userName', ['string', 'null']],
            ['userEmail', ['string', 'null']],
            ['startedAt', 'integer'],
            ['endedAt', 'integer'],
            ['durationMs', 'integer'],
            ['activeMs', 'integer'],
            ['firstUrl', ['string', 'null']],
            ['chunkCount', 'integer'],
            ['eventCount', 'integer'],
            ['clickCount', 'integer'],
            ['rageClickCount', 'integer'],
            ['errorCount', 'integer'],
            ['analyticsEventCount', 'integer'],
            ['bytes', 'integer'],
            ['browser', ['string', 'null']],
            ['os', ['string', 'null']],
            ['expiresOn', 'string'],
            ['updatedAt', 'integer'],
          ].map(([name, type]) => [name as string, { type }]),
        ),
      },
      ReplayPage: {
        type: 'object',
        properties: {
          replays: { type: 'array', items: ref('Replay') },
          nextCursor: { type: ['string', 'null'] },
        },
      },
      ...analyticsSchemas,
      ...lifecycleSchemas,
      ChunkList: {
        type: 'object',
        properties: {
          replayId: { type: 'string' },
          chunks: {
            type: 'array',
            items: {
              type: 'object',
              properties: {
                seq: { type: 'integer' },
                firstTimestamp: { type: 'integer' },
                lastTimestamp: { type: 'integer' },
                eventCount: { type: 'integer' },
                bytes: { type: 'integer' },
                encoding: { enum: ['gzip', 'identity'] },
                hasFullSnapshot: { type: 'boolean' },
                fullSnapshotTimestamp: {
                  type: ['integer', 'null'],
                  description:
                    "Unix ms of the chunk's earliest full snapshot; null without one, and for " +
                    'chunks stored before the server recorded it.',
                },
                receivedAt: { type: 'integer' },
              },
            },
          },
        },
      },
    },
  },
} as const;
