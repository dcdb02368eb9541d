import type { EventRow } from '../store/metadata/index.js';

let sequence = 0;

/**
 * Builds a stored analytics event of project `p1` at `time_ms`, anonymous on device `d1`
 * unless `overrides` say otherwise. Insert ids are unique per call.
 */
export function analyticsEvent(
  name: string,
  time: number,
  overrides: Partial<EventRow> & { properties?: string | Record<string, unknown> } = {},
): EventRow {
  sequence += 1;
  const { properties, ...rest } = overrides;
  return {
    project_id: 'p1',
    insert_id: `test-${String(sequence).padStart(6, '0')}`,
    name,
    distinct_id: '$device:d1',
    device_id: 'd1',
    user_id: null,
    time_ms: time,
    replay_id: null,
    current_url: null,
    properties: typeof properties === 'string' ? properties : JSON.stringify(properties ?? {}),
    received_at: time,
    ...rest,
  };
}

/** Identity fields of a visitor on `device` before login. */
export function anonymous(device: string): Partial<EventRow> {
  return { distinct_id: `$device:${device}`, device_id: device, user_id: null };
}

/** Identity fields of `user` logged in on `device`. */
export function loggedIn(user: string, device: string | null = null): Partial<EventRow> {
  return { distinct_id: user, device_id: device, user_id: user };
}

/** Sends `/track/` or `/engage/` items the way mixpanel-browser does: base64 JSON in `data`. */
export function postAnalytics(
  server: { request(path: string, init?: RequestInit): Promise<Response> },
  path: '/track/' | '/engage/',
  items: unknown,
): Promise<Response> {
  const data = Buffer.from(JSON.stringify(items)).toString('base64');
  return server.request(`${path}?verbose=1`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ data }).toString(),
  });
}

/** Sends a JSON body to an API route with the test server's API secret. */
export function postApi(
  server: { api(path: string, init?: RequestInit): Promise<Response> },
  path: string,
  body: unknown,
): Promise<Response> {
  return server.api(path, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });
}
