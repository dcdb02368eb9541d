import { describeIssues } from '@reprise/protocol';
import type { z } from 'zod';

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

/**
 * Builds the 400 for input that failed a schema, with the field and limit of the first issue
 * (see `describeFirstIssue`). `options.field` replaces the field when the message alone should
 * give the path.
 */
export function invalidInput(
  code: string,
  prefix: string,
  error: z.ZodError,
  options: { field?: string; wholeInputField?: string } = {},
): HttpError {
  const first = describeFirstIssue(error, options.wholeInputField);
  return badRequest(code, `${prefix}: ${describeIssues(error)}`, {
    field: options.field ?? first.field,
    limit: first.limit,
  });
}

/**
 * Returns the path of a failed validation's first issue, or `wholeInputField` when that issue
 * is about the input as a whole, and the bound it broke when its rule has one.
 */
export function describeFirstIssue(
  error: z.ZodError,
  wholeInputField = 'body',
): { field: string; limit: number | undefined } {
  const issue = error.issues[0];
  const names = issue?.path.map(String) ?? [];
  // Zod reports an unknown key on the object that contains it, so the key becomes the field.
  if (issue?.code === 'unrecognized_keys' && issue.keys[0] !== undefined) names.push(issue.keys[0]);
  const path = names.join('.');
  return {
    field: path === '' ? wholeInputField : path,
    limit: issue ? issueLimit(issue) : undefined,
  };
}

/**
 * Returns the bound a validation issue broke: the maximum of a too-big value, the minimum of
 * a too-small one (a length or count for text and lists), or `params.limit` of a custom check.
 */
function issueLimit(issue: z.core.$ZodIssue): number | undefined {
  switch (issue.code) {
    case 'too_big':
      return Number(issue.maximum);
    case 'too_small':
      return Number(issue.minimum);
    case 'custom':
      return typeof issue.params?.limit === 'number' ? issue.params.limit : undefined;
    default:
      return undefined;
  }
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
