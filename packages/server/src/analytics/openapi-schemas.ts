/** OpenAPI schemas of the analytics API's responses, merged into the server's document. */

const nullableString = { type: ['string', 'null'] };

const userSummary = {
  id: { type: 'string' },
  name: nullableString,
  email: nullableString,
  firstSeenAt: { type: 'integer' },
  lastSeenAt: { type: 'integer' },
  eventCount: { type: 'integer' },
  replayCount: { type: 'integer' },
};

const analyticsEvent = {
  type: 'object',
  properties: {
    insertId: { type: 'string' },
    name: { type: 'string' },
    time: { type: 'integer', description: 'Unix ms' },
    distinctId: nullableString,
    userId: nullableString,
    deviceId: nullableString,
    replayId: nullableString,
    currentUrl: nullableString,
    properties: { type: 'object' },
  },
};

const reportReplay = {
  type: 'object',
  properties: {
    replayId: { type: 'string' },
    userId: { type: 'string' },
    userName: nullableString,
    userEmail: nullableString,
    eventName: { type: 'string' },
    eventAt: { type: 'integer' },
    replayStartedAt: { type: 'integer' },
    replayDurationMs: { type: 'integer' },
    offsetMs: { type: 'integer', description: 'Where to open the player, ms from the start' },
    linkedBy: { enum: ['replay_id', 'time'] },
  },
};

export const analyticsSchemas = {
  UserPage: {
    type: 'object',
    properties: {
      users: { type: 'array', items: { type: 'object', properties: userSummary } },
      nextCursor: nullableString,
    },
  },
  UserProfile: {
    type: 'object',
    properties: {
      ...userSummary,
      properties: { type: 'object' },
      deviceIds: { type: 'array', items: { type: 'string' } },
      sessionCount: { type: 'integer' },
    },
  },
  AnalyticsEventPage: {
    type: 'object',
    properties: { events: { type: 'array', items: analyticsEvent }, nextCursor: nullableString },
  },
  ReplayAnalyticsEvents: {
    type: 'object',
    properties: {
      replayId: { type: 'string' },
      events: { type: 'array', items: analyticsEvent },
      truncated: { type: 'boolean' },
    },
  },
  EventNameList: {
    type: 'object',
    properties: {
      names: {
        type: 'array',
        items: {
          type: 'object',
          properties: { name: { type: 'string' }, derived: { type: 'boolean' } },
        },
      },
    },
  },
  EventReport: {
    type: 'object',
    properties: {
      unit: { enum: ['hour', 'day', 'week'] },
      timeZone: { type: 'string' },
      measure: { enum: ['total', 'unique'] },
      buckets: {
        type: 'array',
        items: {
          type: 'object',
          properties: {
            start: { type: 'integer' },
            end: { type: 'integer' },
            label: { type: 'string' },
          },
        },
      },
      series: {
        type: 'array',
        items: {
          type: 'object',
          properties: {
            event: { type: 'string' },
            value: nullableString,
            isOther: { type: 'boolean' },
            values: { type: 'array', items: { type: 'integer' } },
            total: { type: 'integer' },
          },
        },
      },
    },
  },
  FunnelReport: {
    type: 'object',
    properties: {
      steps: {
        type: 'array',
        items: {
          type: 'object',
          properties: {
            event: { type: 'string' },
            filter: { type: 'object' },
            users: { type: 'integer' },
            conversionFromPrevious: { type: 'number' },
            conversionFromFirst: { type: 'number' },
            droppedAfter: { type: 'integer' },
            medianMsFromPrevious: { type: ['integer', 'null'] },
          },
        },
      },
      enterFrom: { type: 'integer' },
      enterUntil: { type: 'integer' },
      windowMs: { type: 'integer' },
    },
  },
  ReportReplayList: {
    type: 'object',
    properties: {
      replays: { type: 'array', items: reportReplay },
      scannedEvents: { type: 'integer' },
    },
  },
};
