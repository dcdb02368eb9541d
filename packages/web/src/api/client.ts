import type { ErrorBody } from '@reprise/protocol';

/** A failed API call. `message` is the server's `error` text, meant to be shown to the user. */
export class ApiError extends Error {
  override name = 'ApiError';

  constructor(
    message: string,
    /** HTTP status, or 0 when the server could not be reached. */
    readonly status: number,
    /** Machine-readable kind from the server, or a local one such as `network_error`. */
    readonly code: string,
    /** Form field the error is about, when the server names one. */
    readonly field?: string,
  ) {
    super(message);
  }
}

export type QueryValue = string | number | null | undefined;

export interface RequestOptions {
  method?: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  query?: Record<string, QueryValue>;
  /** Sent as JSON. */
  body?: unknown;
  signal?: AbortSignal;
  /**
   * When false, a 401 is returned to the caller as an ApiError without sending the person to
   * the login page. Login and session checks use this, because for them a 401 is an expected result.
   */
  redirectOnUnauthorized?: boolean;
}

let unauthorizedHandler: (() => void) | null = null;

/** Sets what runs when any call gets a 401: the app sends the person to the login page. */
export function setUnauthorizedHandler(handler: (() => void) | null): void {
  unauthorizedHandler = handler;
}

/** Builds `path?query`, leaving out parameters that are null, undefined or empty. */
export function buildUrl(path: string, query: Record<string, QueryValue> = {}): string {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(query)) {
    if (value == null || value === '') continue;
    params.set(name, String(value));
  }
  const search = params.toString();
  return search ? `${path}?${search}` : path;
}

/**
 * Sends a same-origin request to the Reprise API and returns the parsed JSON body, or
 * undefined for 204. Throws ApiError on a network failure or any status outside 200-299.
 */
export async function request<T>(path: string, options: RequestOptions = {}): Promise<T> {
  const method = options.method ?? 'GET';
  const url = buildUrl(path, options.query);
  const init: RequestInit = { method, credentials: 'same-origin', signal: options.signal ?? null };
  if (options.body !== undefined) {
    init.headers = { 'Content-Type': 'application/json' };
    init.body = JSON.stringify(options.body);
  }

  let response: Response;
  try {
    response = await fetch(url, init);
  } catch (error) {
    if (error instanceof DOMException && error.name === 'AbortError') throw error;
    throw new ApiError(
      `Could not reach the Reprise server (${method} ${path}). Check the connection and try again.`,
      0,
      'network_error',
    );
  }

  if (response.status === 401 && options.redirectOnUnauthorized !== false) {
    unauthorizedHandler?.();
  }
  if (!response.ok) throw await readError(response, method, path);
  if (response.status === 204) return undefined as T;
  return (await response.json()) as T;
}

async function readError(response: Response, method: string, path: string): Promise<ApiError> {
  const fallback = `${method} ${path} failed with HTTP ${response.status} ${response.statusText}.`;
  let body: Partial<ErrorBody> | null = null;
  try {
    body = (await response.json()) as Partial<ErrorBody>;
  } catch {
    // A proxy or a crashed server can send HTML or nothing, and the fallback covers that.
  }
  const message = typeof body?.error === 'string' && body.error ? body.error : fallback;
  const code = typeof body?.code === 'string' ? body.code : `http_${response.status}`;
  const field = typeof body?.field === 'string' ? body.field : undefined;
  return new ApiError(message, response.status, code, field);
}
