import {
  lateArrivalWindowHours,
  maxDeletionRequestIds,
  maxIdentityLength,
  maxRetentionDays,
  minRetentionDays,
} from '@reprise/protocol';

/**
 * OpenAPI paths and schemas of project settings and deletion requests, merged into the
 * server's document.
 */

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

const idParameter = (description: string) => ({
  name: 'id',
  in: 'path',
  required: true,
  description,
  schema: { type: 'string' },
});

const sdkConfig = {
  type: 'object',
  additionalProperties: false,
  description:
    'Served by GET /settings/. A missing key leaves the SDK option as the site set it in init.',
  properties: {
    record_sessions_percent: { type: 'number', minimum: 0, maximum: 100 },
    record_min_ms: { type: 'integer', minimum: 0, maximum: 8000 },
    record_max_ms: { type: 'integer', minimum: 1000, maximum: 86_400_000 },
    record_idle_timeout_ms: { type: 'integer', minimum: 1000, maximum: 86_400_000 },
  },
};

const counts = Object.fromEntries(
  ['replays', 'chunks', 'blobs', 'events', 'profiles', 'identities'].map((name) => [
    name,
    { type: 'integer' },
  ]),
);

export const lifecyclePaths = {
  '/api/projects/{id}': {
    get: {
      tags: ['projects'],
      summary: "A project's token, retention and SDK settings",
      parameters: [idParameter('Project id')],
      responses: {
        200: json(ref('ProjectSettings')),
        401: errorResponse,
        403: errorResponse,
        404: errorResponse,
      },
    },
    patch: {
      tags: ['projects'],
      summary: 'Change retention or SDK settings (admins only)',
      description:
        'A retention change applies to replays whose first chunk arrives after it; existing ' +
        'replays keep their expiry day. `sdkConfig` replaces the whole SDK settings object.',
      parameters: [idParameter('Project id')],
      requestBody: {
        content: {
          'application/json': {
            schema: {
              type: 'object',
              additionalProperties: false,
              properties: {
                retentionDays: {
                  type: 'integer',
                  minimum: minRetentionDays,
                  maximum: maxRetentionDays,
                },
                sdkConfig,
              },
            },
          },
        },
      },
      responses: {
        200: json(ref('ProjectSettings')),
        400: errorResponse,
        403: errorResponse,
        404: errorResponse,
      },
    },
  },
  '/api/deletion-requests': {
    post: {
      tags: ['deletion'],
      summary: 'Request deletion of users’ data (admins and API secrets)',
      description:
        'Each id may be a user id, a device id or a distinct id; the device-to-user map adds ' +
        "the user's other ids. The job deletes replays (rows and blob files), events, " +
        'profiles and identity rows within seconds. Data of these ids that arrives while the ' +
        `request is open, and for ${lateArrivalWindowHours} hours after it finished, is ` +
        'dropped at ingestion.',
      parameters: [projectParameter],
      requestBody: {
        content: {
          'application/json': {
            schema: {
              type: 'object',
              required: ['distinctIds'],
              properties: {
                distinctIds: {
                  type: 'array',
                  minItems: 1,
                  maxItems: maxDeletionRequestIds,
                  items: { type: 'string', minLength: 1, maxLength: maxIdentityLength },
                },
              },
            },
          },
        },
      },
      responses: {
        202: json(ref('DeletionRequest'), 'Stored; the job runs it'),
        400: errorResponse,
        401: errorResponse,
        403: errorResponse,
      },
    },
    get: {
      tags: ['deletion'],
      summary: 'Deletion requests of the project, newest first',
      parameters: [
        projectParameter,
        {
          name: 'limit',
          in: 'query',
          schema: { type: 'integer', minimum: 1, maximum: 200, default: 50 },
        },
      ],
      responses: {
        200: json({
          type: 'object',
          properties: { requests: { type: 'array', items: ref('DeletionRequest') } },
        }),
        401: errorResponse,
        403: errorResponse,
      },
    },
  },
  '/api/deletion-requests/{id}': {
    get: {
      tags: ['deletion'],
      summary: 'One deletion request with its ids, status and counts',
      parameters: [idParameter('Deletion request id'), projectParameter],
      responses: {
        200: json(ref('DeletionRequest')),
        401: errorResponse,
        403: errorResponse,
        404: errorResponse,
      },
    },
  },
};

export const lifecycleSchemas = {
  ProjectSettings: {
    type: 'object',
    properties: {
      id: { type: 'string' },
      name: { type: 'string' },
      token: { type: 'string' },
      retentionDays: { type: 'integer' },
      sdkConfig,
    },
  },
  DeletionRequest: {
    type: 'object',
    description: 'Times in Unix ms',
    properties: {
      id: { type: 'string' },
      projectId: { type: 'string' },
      requestedBy: { type: 'string', description: 'Member email, or `API secret <key id>`' },
      requestedByMemberId: { type: ['string', 'null'] },
      createdAt: { type: 'integer' },
      status: { enum: ['pending', 'running', 'done', 'failed'] },
      idCount: { type: 'integer' },
      distinctIds: {
        type: 'array',
        items: { type: 'string' },
        description: 'Only in GET /api/deletion-requests/{id}',
      },
      resolvedIdCount: { type: 'integer' },
      counts: { type: 'object', properties: counts },
      attempts: { type: 'integer' },
      error: { type: ['string', 'null'] },
      startedAt: { type: ['integer', 'null'] },
      finishedAt: { type: ['integer', 'null'] },
      dropUntil: {
        type: ['integer', 'null'],
        description: 'End of the late-arrival window; null while the request is open',
      },
    },
  },
};
