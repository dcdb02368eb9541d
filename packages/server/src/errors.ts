/** Base class of every error Reprise's server raises on purpose. */
export class RepriseError extends Error {
  override name = 'RepriseError';
}

/** Invalid settings: an environment variable or flag with a value Reprise cannot use. */
export class ConfigError extends RepriseError {
  override name = 'ConfigError';
}

export interface HttpErrorDetails {
  /** The request field or setting the error is about. */
  field?: string;
  /** The limit that was exceeded, in the unit the message names. */
  limit?: number;
  /** Seconds after which a retry may succeed; sent as `Retry-After`. */
  retryAfterSeconds?: number;
  cause?: unknown;
}

/**
 * An error that becomes an HTTP response: `status`, a stable `code`, and a message that names
 * what failed and what to do. Every response body built from it is JSON, because SDKs parse
 * every response as JSON and treat a body that is not JSON as a dropped batch.
 */
export class HttpError extends RepriseError {
  override name = 'HttpError';
  readonly field: string | undefined;
  readonly limit: number | undefined;
  readonly retryAfterSeconds: number | undefined;

  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    details: HttpErrorDetails = {},
  ) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.field = details.field;
    this.limit = details.limit;
    this.retryAfterSeconds = details.retryAfterSeconds;
  }
}

export function badRequest(code: string, message: string, details?: HttpErrorDetails): HttpError {
  return new HttpError(400, code, message, details);
}

export function unauthorized(message: string): HttpError {
  return new HttpError(401, 'unauthorized', message);
}

export function forbidden(message: string): HttpError {
  return new HttpError(403, 'forbidden', message);
}

export function notFound(message: string): HttpError {
  return new HttpError(404, 'not_found', message);
}

export function payloadTooLarge(message: string, field: string, limit: number): HttpError {
  return new HttpError(413, 'payload_too_large', message, { field, limit });
}
