import { backoffDelayMs } from './backoff.js';
import { classifyResponse, type SendOutcome } from './response.js';

export interface PostOptions {
  headers: Record<string, string>;
  body: BodyInit;
  keepalive: boolean;
  /** Whether only 200 with a JSON body counts as accepted. */
  requireJson: boolean;
}

/** Sends one POST and classifies the result; never rejects. */
export async function postOnce(url: string, options: PostOptions): Promise<SendOutcome> {
  try {
    const response = await fetch(url, {
      method: 'POST',
      headers: options.headers,
      body: options.body,
      keepalive: options.keepalive,
      credentials: 'omit',
    });
    let isJson = false;
    try {
      await response.clone().json();
      isJson = true;
    } catch {
      isJson = false;
    }
    const retryAfter = response.headers.get('Retry-After');
    return classifyResponse({ status: response.status, isJson, retryAfter }, options.requireJson);
  } catch {
    return classifyResponse({ status: 0, isJson: false, retryAfter: null }, options.requireJson);
  }
}

/** Maximum number of retries of one request before it is dropped. */
export const maxRetries = 10;

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Resolves when the browser is back online, or after `maxWaitMs`. */
function waitUntilOnline(maxWaitMs: number): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      removeEventListener('online', done);
      resolve();
    };
    const timer = setTimeout(done, maxWaitMs);
    addEventListener('online', done);
  });
}

/**
 * Calls `send` until it is accepted, split or dropped, waiting between tries with exponential
 * backoff or the server's `Retry-After`. While the browser reports being offline, it waits for
 * the `online` event and counts no retry. After `maxRetries` retries it gives up with `drop`.
 */
export async function sendWithRetry(
  send: () => Promise<SendOutcome>,
  onRetry?: (outcome: SendOutcome, delayMs: number) => void,
): Promise<SendOutcome> {
  for (let attempt = 0; ; attempt++) {
    const outcome = await send();
    if (outcome.kind !== 'retry') return outcome;
    if (attempt >= maxRetries) return { kind: 'drop', status: outcome.status };

    const delayMs = outcome.retryAfterMs ?? backoffDelayMs(attempt);
    onRetry?.(outcome, delayMs);
    await sleep(delayMs);
    while (typeof navigator !== 'undefined' && navigator.onLine === false) {
      await waitUntilOnline(60_000);
    }
  }
}
