import {
  describeIssues,
  isNestedDeeperThan,
  rrwebEventSchema,
  type RrwebEvent,
} from '@reprise/protocol';
import { z } from 'zod';
import { badRequest, describeFirstIssue, payloadTooLarge } from '../errors.js';
import { gunzipWithLimit, isGzip } from './gunzip.js';

export interface RecordBodyLimits {
  maxDecompressedBytes: number;
  maxEventsPerBatch: number;
  /** Oldest and newest event timestamps accepted, Unix milliseconds. */
  timestampWindow: TimestampWindow;
}

export interface TimestampWindow {
  earliestMs: number;
  latestMs: number;
  maxAgeDays: number;
  maxAheadMinutes: number;
}

const dayMs = 24 * 60 * 60 * 1000;

/** Returns the window of event timestamps accepted at `nowMs`. */
export function timestampWindowAt(
  nowMs: number,
  settings: { maxEventAgeDays: number; maxClockAheadMinutes: number },
): TimestampWindow {
  return {
    earliestMs: nowMs - settings.maxEventAgeDays * dayMs,
    latestMs: nowMs + settings.maxClockAheadMinutes * 60_000,
    maxAgeDays: settings.maxEventAgeDays,
    maxAheadMinutes: settings.maxClockAheadMinutes,
  };
}

/** A `/record/` body, decoded and checked. */
export interface DecodedRecordBody {
  events: RrwebEvent[];
  /**
   * Bytes to store: the body as received when it is the events array (compressed or not),
   * otherwise the events array serialized again.
   */
  stored: Buffer;
  encoding: 'gzip' | 'identity';
  decompressedBytes: number;
  /**
   * Upload parameters found in the body rather than the query: mixpanel-browser 2.50 to 2.52
   * sent `{replay_id, seq, distinct_id, events, ...}` as `application/json`.
   */
  bodyParameters: Record<string, unknown>;
}

const eventsSchema = z.array(rrwebEventSchema);

/**
 * Deepest nesting accepted in a body. A DOM snapshot takes two levels per element, so this
 * allows pages 2,000 elements deep. Deeper events would overflow the stack of the player that
 * rebuilds them, and of `JSON.stringify` when Reprise serializes a body again.
 */
const maxEventDepth = 4000;

/**
 * Decodes a `/record/` body of any content type SDKs use: gzip or plain bytes holding a JSON
 * array of rrweb events, a JSON object with an `events` array, or a form with a `data` field.
 * A body of an unexpected type is still read, because SDKs drop a batch on 415.
 */
export async function decodeRecordBody(
  raw: Buffer,
  format: 'gzip' | 'body' | undefined,
  limits: RecordBodyLimits,
): Promise<DecodedRecordBody> {
  if (raw.length === 0) {
    throw badRequest('empty_body', 'Body is empty: send a JSON array of rrweb events', {
      field: 'body',
    });
  }

  const gzipped = isGzip(raw);
  if (format === 'gzip' && !gzipped) {
    throw badRequest(
      'invalid_gzip',
      'Body is not gzip although format=gzip: compress the body or send format=body',
      { field: 'body' },
    );
  }
  const inflated = gzipped ? await gunzipWithLimit(raw, limits.maxDecompressedBytes) : raw;
  if (!gzipped && inflated.length > limits.maxDecompressedBytes) {
    throw payloadTooLarge(
      `Body is larger than ${limits.maxDecompressedBytes} bytes (REPRISE_MAX_DECOMPRESSED_BYTES); send smaller batches`,
      'body',
      limits.maxDecompressedBytes,
    );
  }

  const text = inflated.toString('utf8');
  const isForm = isFormBody(text);
  const parsed = isForm ? parseFormData(text) : parseJson(text);
  const { events: candidate, bodyParameters, isPlainArray } = unwrap(parsed);
  const events = checkEvents(candidate, limits.maxEventsPerBatch);
  checkTimestamps(events, limits.timestampWindow);
  if (isNestedDeeperThan(events, maxEventDepth)) {
    throw badRequest(
      'invalid_event',
      `events are nested deeper than ${maxEventDepth} levels, so the replay could not be played`,
      { field: 'events', limit: maxEventDepth },
    );
  }

  // A form body contains the array inside `data=`, so only a bare array is stored as received.
  if (isPlainArray && !isForm) {
    return {
      events,
      stored: raw,
      encoding: gzipped ? 'gzip' : 'identity',
      decompressedBytes: inflated.length,
      bodyParameters,
    };
  }
  const stored = Buffer.from(JSON.stringify(events));
  return {
    events,
    stored,
    encoding: 'identity',
    decompressedBytes: stored.length,
    bodyParameters,
  };
}

function isFormBody(text: string): boolean {
  return /^[\w$]+=/.test(text.trimStart());
}

function parseFormData(text: string): unknown {
  const data = new URLSearchParams(text.trimStart()).get('data');
  if (data === null) {
    throw badRequest('invalid_body', 'Form body has no data field: send data=<JSON array>', {
      field: 'data',
    });
  }
  return parseJson(decodeMaybeBase64(data));
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw badRequest('invalid_json', `Body is not valid JSON: ${(error as Error).message}`, {
      field: 'body',
    });
  }
}

/** Form fields may hold JSON as is or base64-encoded, as Mixpanel's SDKs send it. */
export function decodeMaybeBase64(value: string): string {
  const trimmed = value.trim();
  if (trimmed.startsWith('[') || trimmed.startsWith('{')) return trimmed;
  return Buffer.from(trimmed.replace(/-/g, '+').replace(/_/g, '/'), 'base64').toString('utf8');
}

function unwrap(parsed: unknown): {
  events: unknown;
  bodyParameters: Record<string, unknown>;
  isPlainArray: boolean;
} {
  if (Array.isArray(parsed)) return { events: parsed, bodyParameters: {}, isPlainArray: true };
  if (typeof parsed === 'object' && parsed !== null && 'events' in parsed) {
    const { events, ...bodyParameters } = parsed as Record<string, unknown>;
    return { events, bodyParameters, isPlainArray: false };
  }
  throw badRequest(
    'invalid_body',
    'Body must be a JSON array of rrweb events, or an object with an events array',
    { field: 'body' },
  );
}

function checkEvents(candidate: unknown, maxEvents: number): RrwebEvent[] {
  if (!Array.isArray(candidate)) {
    throw badRequest('invalid_body', 'events must be a JSON array of rrweb events', {
      field: 'events',
    });
  }
  if (candidate.length === 0) {
    throw badRequest('invalid_body', 'events is empty: send at least one rrweb event', {
      field: 'events',
    });
  }
  // 413, not 400: SDKs answer 413 by halving the batch, which fixes this.
  if (candidate.length > maxEvents) {
    throw payloadTooLarge(
      `Batch has ${candidate.length} rrweb events, more than ${maxEvents} (REPRISE_MAX_EVENTS_PER_BATCH); send smaller batches`,
      'events',
      maxEvents,
    );
  }
  const result = eventsSchema.safeParse(candidate);
  if (!result.success) {
    // The field is the path of the first problem inside the list, such as `events.0.type`.
    const first = describeFirstIssue(result.error, '');
    const field = first.field === '' ? 'events' : `events.${first.field}`;
    const message = `Invalid rrweb event: ${describeIssues(result.error, 3, 'events.')}`;
    throw badRequest('invalid_event', message, { field, limit: first.limit });
  }
  return result.data as unknown as RrwebEvent[];
}

/**
 * Rejects a batch with an event outside the window: a device clock that is far off would
 * otherwise put the replay first or last in the feed, and before the retention window.
 */
function checkTimestamps(events: RrwebEvent[], window: TimestampWindow): void {
  const index = events.findIndex(
    (event) => event.timestamp < window.earliestMs || event.timestamp > window.latestMs,
  );
  if (index === -1) return;
  const timestamp = events[index]!.timestamp;
  const when = new Date(timestamp).toISOString();
  const rule =
    timestamp < window.earliestMs
      ? `more than ${window.maxAgeDays} days old (REPRISE_MAX_EVENT_AGE_DAYS)`
      : `more than ${window.maxAheadMinutes} minutes ahead of the server clock (REPRISE_MAX_CLOCK_AHEAD_MINUTES)`;
  throw badRequest(
    'invalid_event',
    `events[${index}].timestamp ${when} is ${rule}; check the device clock`,
    { field: `events.${index}.timestamp` },
  );
}
