import type { ResolvedConfig } from '../config.js';
import type { Logger } from '../core/logger.js';
import { encodeJsonFormBody } from './encoding.js';
import { sendWithRetry } from './http.js';
import { bodyBytes, type KeepaliveBudget } from './keepalive.js';
import type { Outbox } from './outbox.js';
import { postForm } from './requests.js';

/**
 * Batches tracked events (`/track/`) or profile updates (`/engage/`) and sends them every
 * `batch_flush_interval_ms`, one request at a time, `batch_size` items per request.
 */
export class AnalyticsQueue {
  /** Queued items as JSON text, serialized when queued so that a bad item fails alone. */
  private items: string[] = [];
  private sending = false;
  private timer: ReturnType<typeof setTimeout> | null = null;

  constructor(
    private readonly path: '/track/' | '/engage/',
    private readonly config: ResolvedConfig,
    private readonly log: Logger,
    private readonly budget: KeepaliveBudget,
  ) {}

  push(item: unknown): void {
    let json: string;
    try {
      json = JSON.stringify(item);
    } catch (error) {
      this.log.error(`${this.path} dropped an item that is not valid JSON`, error);
      return;
    }
    this.items.push(json);
    this.schedule();
  }

  /** Forgets every queued item (after an opt-out). */
  clear(): void {
    this.items = [];
  }

  private schedule(): void {
    if (this.timer !== null || this.sending || this.items.length === 0) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.flush();
    }, this.config.batch_flush_interval_ms);
  }

  private async flush(): Promise<void> {
    if (this.sending || this.items.length === 0) return;
    this.sending = true;
    const batch = this.items.splice(0, this.config.batch_size);
    const body = encodeJsonFormBody(`[${batch.join(',')}]`);
    // A keepalive request survives the page being unloaded while it is in flight.
    const bytes = bodyBytes(body);
    const keepalive = this.budget.take(bytes);
    try {
      const outcome = await sendWithRetry(
        () => postForm(this.config, this.path, body, keepalive),
        (retry, delayMs) => this.log.debug(`${this.path} failed; retrying in ${delayMs} ms`, retry),
      );
      if (outcome.kind !== 'accepted') {
        this.log.error(`${this.path} dropped ${batch.length} items`, outcome);
      }
    } finally {
      if (keepalive) this.budget.release(bytes);
      this.sending = false;
      this.schedule();
    }
  }

  /**
   * Sends the queued items with `keepalive` while the budget allows, and stores the rest in the
   * outbox for the next page load. Called on `pagehide`.
   */
  unload(outbox: Outbox): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    while (this.items.length > 0) {
      const body = encodeJsonFormBody(
        `[${this.items.splice(0, this.config.batch_size).join(',')}]`,
      );
      const bytes = bodyBytes(body);
      if (this.budget.take(bytes)) {
        void postForm(this.config, this.path, body, true).finally(() => this.budget.release(bytes));
      } else {
        outbox.add([{ path: this.path, query: '', body }]);
      }
    }
  }
}
