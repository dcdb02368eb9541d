import { parseRetryAfterMs } from './backoff.js';

/** Next step after one try of a request. */
export type SendOutcome =
  | { kind: 'accepted' }
  /** Try again later, after `retryAfterMs` when the server set `Retry-After`. */
  | { kind: 'retry'; status: number; retryAfterMs: number | null }
  /** The body was too large (413): send it again in smaller parts. */
  | { kind: 'split' }
  /** The server rejected the request for good; sending it again would fail the same way. */
  | { kind: 'drop'; status: number };

/** A response as the SDK reads it; `status` 0 means the request never got a response. */
export interface ResponseFacts {
  status: number;
  /** Whether the body parsed as JSON. */
  isJson: boolean;
  retryAfter: string | null;
}

/**
 * Classifies a response. With `requireJson` (the `/record/` route), only 200 with a JSON body
 * counts as accepted and any other 2xx is retried. Network errors, 408, 429 and 5xx are
 * retried, 413 is split, and other 4xx are dropped.
 */
export function classifyResponse(facts: ResponseFacts, requireJson: boolean): SendOutcome {
  const { status } = facts;
  const retry: SendOutcome = {
    kind: 'retry',
    status,
    retryAfterMs: parseRetryAfterMs(facts.retryAfter),
  };
  if (status >= 200 && status < 300) {
    if (!requireJson) return { kind: 'accepted' };
    return status === 200 && facts.isJson ? { kind: 'accepted' } : retry;
  }
  if (status === 413) return { kind: 'split' };
  if (status === 0 || status === 408 || status === 429 || status >= 500) return retry;
  return { kind: 'drop', status };
}
