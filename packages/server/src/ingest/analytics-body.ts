import { badRequest, payloadTooLarge } from '../errors.js';
import { decodeMaybeBase64 } from './record-body.js';

/**
 * Reads the payload of a `/track/`, `/engage/` or `/groups/` request: `data=` in a form body
 * (as `application/x-www-form-urlencoded`, or `text/plain` from `sendBeacon`), `data=` in the
 * query of a GET, or a JSON body. `data` is JSON or base64 of JSON, one object or an array.
 * Returns the items as an array.
 */
export function decodeAnalyticsPayload(
  body: Buffer | undefined,
  query: Record<string, unknown>,
  maxItems: number,
): unknown[] {
  const text = body && body.length > 0 ? body.toString('utf8').trim() : '';
  const data = text === '' ? queryData(query) : bodyData(text);
  if (data === null) {
    throw badRequest(
      'missing_data',
      'Request has no data: send data=<base64 or JSON> in the body',
      {
        field: 'data',
      },
    );
  }

  let parsed: unknown;
  try {
    parsed = JSON.parse(decodeMaybeBase64(data));
  } catch (error) {
    // Text that starts like JSON was read as JSON, so the parser's message is about what was
    // sent. Anything else was read as base64, whose decoded bytes mean nothing to the sender.
    const trimmed = data.trim();
    const message = /^[[{]/.test(trimmed)
      ? `data is not valid JSON: ${(error as Error).message}`
      : `data is neither JSON nor base64 of JSON (it starts with ${JSON.stringify(trimmed.slice(0, 20))}): ` +
        'send a JSON object or array, or its base64';
    throw badRequest('invalid_data', message, { field: 'data' });
  }
  const items = Array.isArray(parsed) ? parsed : [parsed];
  if (items.length > maxItems) {
    throw payloadTooLarge(
      `data has ${items.length} items, more than ${maxItems} (REPRISE_MAX_EVENTS_PER_REQUEST); send smaller batches`,
      'data',
      maxItems,
    );
  }
  return items;
}

function queryData(query: Record<string, unknown>): string | null {
  const data = Array.isArray(query.data) ? query.data.at(-1) : query.data;
  return typeof data === 'string' && data !== '' ? data : null;
}

function bodyData(text: string): string | null {
  if (text.startsWith('[') || text.startsWith('{')) return text;
  return new URLSearchParams(text).get('data');
}

/** Reads `verbose=1` from the query or the form body. */
export function isVerbose(body: Buffer | undefined, query: Record<string, unknown>): boolean {
  if (query.verbose === '1') return true;
  if (!body || body.length === 0 || body[0] === 0x5b || body[0] === 0x7b) return false;
  return new URLSearchParams(body.toString('utf8')).get('verbose') === '1';
}
